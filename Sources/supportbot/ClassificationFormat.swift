import Foundation
import IntentEngine

/// How `classify` prints a result: a tab-separated line, an explanation, or a JSON line.
struct ClassificationFormat {
    let json: Bool
    let explain: Bool

    /// The evidence a line shows: every candidate's when explaining, the result's in JSON.
    var evidence: EvidenceDetail { explain ? .all : json ? .result : .none }

    func render(_ classification: Classification) -> [UInt8] {
        if json { return jsonLine(classification) }
        let best = classification.best
        guard explain else {
            return Array("\(best.intentID)\(best.variantID.map { "/\($0)" } ?? "")\t\(score(best.score))\n".utf8)
        }
        return Array(explanation(classification).utf8)
    }

    // MARK: - Explanation

    private func explanation(_ classification: Classification) -> String {
        let best = classification.best
        var header = "\(best.intentID)\(best.variantID.map { " (\($0))" } ?? "")"
        if let risk = best.risk { header += "  risk \(risk.rawValue)" }
        var lines = [header + "  score \(score(best.score))  escalate \(best.escalate.rawValue)"]
        if classification.priorRiskLevel > 0 || classification.riskRaise > 0 {
            let raised = classification.riskWasRaised ? "raised: context rules count" : "not raised: context rules do not count"
            lines.append("  conversation: risk level \(score(classification.priorRiskLevel)) before this message (\(raised)); this message adds \(score(classification.riskRaise))")
        }
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
            lines.append("  \(candidate.intentID): \(verdict)\(risk), score \(score(candidate.score)), priority \(candidate.priority)")
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
        if evidence.outOfContext { text += "  (not counted: the conversation's risk level is not raised)" }
        return text
    }

    /// Two decimals, without a formatter: this runs for every line `classify` prints.
    private func score(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let rest = abs(hundredths % 100)
        return "\(hundredths < 0 && hundredths > -100 ? "-" : "")\(hundredths / 100).\(rest < 10 ? "0" : "")\(rest)"
    }

    // MARK: - JSON

    private func jsonLine(_ classification: Classification) -> [UInt8] {
        let best = classification.best
        var line = JSONLine()
        line.field("intent", best.intentID)
        line.field("variant", best.variantID)
        line.field("risk", best.risk?.rawValue)
        line.field("score", best.score)
        line.field("escalate", best.escalate.rawValue)
        line.array("evidence", best.evidence, write)
        if classification.priorRiskLevel > 0 || classification.riskRaise > 0 {
            line.field("risk_level_before", classification.priorRiskLevel)
            line.field("risk_raise", classification.riskRaise)
        }
        if classification.plan.told { line.field("harmless_plan", true) }
        if !classification.plan.discounted.isEmpty { line.field("discounted_by_plan", classification.plan.discounted.joined(separator: ",")) }
        if explain {
            line.array("warning_signs", classification.warningSigns, write)
            line.array("candidates", classification.candidates) { object, candidate in
                object.field("intent", candidate.intentID)
                object.field("matched", candidate.matched)
                object.field("risk", candidate.risk?.rawValue)
                object.field("score", candidate.score)
                object.field("priority", candidate.priority)
                object.array("evidence", candidate.evidence, write)
            }
        }
        return line.finish()
    }

    private func write(_ object: inout JSONLine, _ evidence: Evidence) {
        object.field("kind", evidence.kind.rawValue)
        object.field("rule", evidence.rule)
        object.field("words", evidence.words)
        object.field("counted", evidence.counted)
        if evidence.negated { object.field("negated", true) }
        if !evidence.terms.isEmpty {
            object.array("terms", evidence.terms) { term, match in
                term.field("term", match.term)
                term.field("words", match.words)
            }
            object.field("distance", evidence.distance)
        }
        if !evidence.typos.isEmpty {
            object.array("typos", evidence.typos) { typo, match in
                typo.field("written", match.written)
                typo.field("read_as", match.readAs)
            }
        }
    }
}
