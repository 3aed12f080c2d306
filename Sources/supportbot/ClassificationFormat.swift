import Foundation
import IntentEngine

/// How `classify` prints a result: a tab-separated line, an explanation, or a JSON line.
struct ClassificationFormat {
    let json: Bool
    let explain: Bool

    /// The evidence a line shows: every candidate's when explaining, the result's in JSON.
    var evidence: EvidenceDetail { explain ? .all : json ? .result : .none }

    func render(_ classification: Classification) -> [UInt8] {
        var bytes: [UInt8] = []
        render(classification, appendingTo: &bytes)
        return bytes
    }

    /// The line at the end of `output`, where `classify` gathers a batch's lines.
    func render(_ classification: Classification, appendingTo output: inout [UInt8]) {
        if json { return JSONLine.write(appendingTo: &output) { jsonLine(classification, into: &$0) } }
        let best = classification.best
        guard explain else {
            output += "\(best.intentID)\(best.variantID.map { "/\($0)" } ?? "")\t\(score(best.score))\n".utf8
            return
        }
        output += classification.explanation.utf8
    }

    /// Two decimals, without a formatter: this runs for every line `classify` prints.
    private func score(_ value: Double) -> String { Classification.twoDecimals(value) }

    // MARK: - JSON

    private func jsonLine(_ classification: Classification, into line: inout JSONLine) {
        let best = classification.best
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
        if classification.questionWasOpen { line.field("question_open", true) }
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
