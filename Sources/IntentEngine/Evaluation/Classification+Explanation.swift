/// A classification in words, for people who keep the rules.
extension Classification {
    /// Why the message was read as it was: the result, the conversation's risk, and every
    /// candidate intent with the rules that matched (`evidence: .all`). `classify --explain`
    /// prints it; moderators get it from `!explain` and `!classify`.
    public var explanation: String {
        let classification = self
        let best = classification.best
        var header = "\(best.intentID)\(best.variantID.map { " (\($0))" } ?? "")"
        if let risk = best.risk { header += "  risk \(risk.rawValue)" }
        var lines = [header + "  score \(Self.twoDecimals(best.score))  escalate \(best.escalate.rawValue)"]
        if classification.priorRiskLevel > 0 || classification.riskRaise > 0 {
            let raised = classification.riskWasRaised ? "raised: context rules count, from their own level where one is set"
                : "not raised: context rules do not count"
            lines.append("  conversation: risk level \(Self.twoDecimals(classification.priorRiskLevel)) before this message (\(raised)); this message adds \(Self.twoDecimals(classification.riskRaise))")
        }
        if classification.questionWasOpen {
            lines.append("  the bot asked directly whether they are thinking about ending their life, unanswered: a crisis variant marked answers_question counts")
        }
        if classification.answeredNo { lines.append("  it answers that question no (a negation among its first words, or an answer's words under one): the question is closed") }
        if classification.readAsWarningSign {
            lines.append("  \(best.intentID) is a warning sign: it raises the conversation's risk level, never a crisis alone")
        }
        if !classification.warningSigns.isEmpty {
            lines.append("  warning signs (they raise the conversation's risk level, never a crisis alone):")
            lines += classification.warningSigns.map { "    " + describe($0) }
        }
        if classification.plan.told {
            lines.append("  a harmless plan (the conversation remembers when; for some hours it explains a finality line):")
            lines += classification.plan.evidence.map { "    " + describe($0) }
        }
        if !classification.plan.discounted.isEmpty {
            lines.append("  discounted by a harmless plan told of lately, the risk not raised: \(classification.plan.discounted.joined(separator: ", "))")
        }
        if classification.candidates.isEmpty { lines.append("  no rule matched: the fallback answers") }
        for candidate in classification.candidates {
            let verdict = candidate.matched ? "matched" : "not matched"
            let risk = candidate.risk.map { ", risk \($0.rawValue)" } ?? ""
            lines.append("  \(candidate.intentID): \(verdict)\(risk), score \(Self.twoDecimals(candidate.score)), priority \(candidate.priority)")
            lines += candidate.evidence.map { "    " + describe($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func describe(_ evidence: Evidence) -> String {
        var text = "\(evidence.kind.rawValue) \"\(evidence.rule)\" matched "
        if evidence.terms.isEmpty {
            text += "\"\(evidence.words)\""
        } else {
            text += evidence.terms.map { "\"\($0.words)\" as \($0.term)" }.joined(separator: ", ")
            if let distance = evidence.distance { text += ", \(distance) word\(distance == 1 ? "" : "s") apart" }
        }
        for typo in evidence.typos { text += "  (typo: \"\(typo.written)\" read as \"\(typo.readAs)\")" }
        if evidence.negated { text += "  (cancelled by a negation before it)" }
        if let level = evidence.neededRiskLevel { text += "  (not counted: it counts from a risk level of \(Self.twoDecimals(level)))" }
        return text
    }

    /// Two decimals, without a formatter: this runs for every line `classify` prints.
    public static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let rest = abs(hundredths % 100)
        return "\(hundredths < 0 && hundredths > -100 ? "-" : "")\(hundredths / 100).\(rest < 10 ? "0" : "")\(rest)"
    }
}
