import Foundation
import IntentEngine

/// How `classify` prints a result: a tab-separated line, an explanation, or a JSON line.
struct ClassificationFormat {
    let json: Bool
    let explain: Bool

    func render(_ classification: Classification) -> String {
        if json { return jsonLine(classification) }
        let best = classification.best
        guard explain else {
            return "\(best.intentID)\(best.variantID.map { "/\($0)" } ?? "")\t\(score(best.score))\n"
        }
        var lines = ["\(best.intentID)\(best.variantID.map { " (\($0))" } ?? "")  score \(score(best.score))  escalate \(best.escalate.rawValue)"]
        if classification.candidates.isEmpty { lines.append("  no rule matched: the fallback answers") }
        for candidate in classification.candidates {
            let verdict = candidate.matched ? "matched" : "not matched"
            lines.append("  \(candidate.intentID): \(verdict), score \(score(candidate.score)), priority \(candidate.priority)")
            for evidence in candidate.evidence {
                let cancelled = evidence.negated ? "  (cancelled by a negation before it)" : ""
                lines.append("    \(evidence.kind.rawValue) \"\(evidence.rule)\" matched \"\(evidence.words)\"\(cancelled)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func score(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    private struct Line: Encodable {
        let intent: String
        let variant: String?
        let score: Double
        let escalate: Intent.Escalation
        let evidence: [Evidence]
        let candidates: [CandidateLine]?
    }

    private struct CandidateLine: Encodable {
        let intent: String
        let matched: Bool
        let score: Double
        let priority: Int
        let evidence: [Evidence]
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private func jsonLine(_ classification: Classification) -> String {
        let best = classification.best
        let candidates = explain ? classification.candidates.map {
            CandidateLine(intent: $0.intentID, matched: $0.matched, score: $0.score, priority: $0.priority, evidence: $0.evidence)
        } : nil
        let line = Line(intent: best.intentID, variant: best.variantID, score: best.score, escalate: best.escalate,
                        evidence: best.evidence, candidates: candidates)
        // Encoding these plain values cannot fail.
        let data = (try? Self.encoder.encode(line)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
