import Foundation

extension EvaluationReport {
    /// The figures, a table per intent, the confusions, and every message read wrongly.
    public var text: String {
        let crisisLines = outcomes.filter { $0.predicted == IntentCatalog.crisisID && $0.isCrisis }
        let possible = crisisLines.count { $0.risk == .possible }
        let conversationLines = outcomes.count { $0.conversation != nil }
        var lines = [
            "\(messageCount) messages and \(conversationCount) conversations (\(conversationLines) lines): \(outcomes.count) read",
            "",
            "accuracy             \(fixed(accuracy))  (\(outcomes.count(where: \.correct))/\(outcomes.count) read as an accepted intent)",
            "macro-F1             \(fixed(macroF1))  (over \(intents.count) intents)",
            "crisis recall        \(fixed(crisisRecall))  (\(crises.count - missedCrises.count)/\(crises.count) found: \(crisisLines.count - possible) definite, \(possible) possible)",
            "crisis false alarms  \(percent(crisisFalsePositiveRate))  (\(falseCrises.count)/\(outcomes.count - crises.count) messages that are not a crisis)",
            "fallback precision   \(score(of: IntentCatalog.fallbackID).map { fixed($0.precision) } ?? "-")",
            "safety bar           \(meetsSafetyBar ? "met" : "NOT MET") (crisis recall \(fixed(Self.requiredCrisisRecall)), false alarms at most \(percent(Self.allowedCrisisFalsePositiveRate)))",
            "",
        ]
        let width = max(10, intents.map(\.intent.count).max() ?? 0)
        lines.append(pad("intent", width) + "  precision  recall  f1    support  read as")
        for score in intents {
            lines.append(pad(score.intent, width) + "  " + pad(fixed(score.precision), 9) + "  " + pad(fixed(score.recall), 6) + "  "
                + pad(fixed(score.f1), 4) + "  " + pad("\(score.support)", 7) + "  \(score.predicted)")
        }
        lines.append("")
        lines.append("crisis recall by kind: " + crisisRecallByTag.map { "\($0.tag) \($0.found)/\($0.total)" }.joined(separator: ", "))
        let confusions = self.confusions
        if !confusions.isEmpty {
            lines.append("confusions (label → read as): " + confusions.map { "\($0.gold) → \($0.predicted) \($0.count)" }.joined(separator: ", "))
        }
        section("Missed crises", missedCrises, into: &lines)
        section("False crisis alarms", falseCrises, into: &lines)
        section("Other messages read wrongly", misread, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private func section(_ title: String, _ outcomes: [Outcome], into lines: inout [String]) {
        guard !outcomes.isEmpty else { return }
        lines.append("")
        lines.append("\(title) (\(outcomes.count)):")
        for outcome in outcomes {
            let tag = outcome.message.tag.map { " [\($0)]" } ?? ""
            let risk = outcome.risk.map { " (\($0.rawValue))" } ?? ""
            lines.append("  \(outcome.message.location)\(tag) \(outcome.message.accepted.joined(separator: "|")) read as \(outcome.predicted)\(risk): \"\(outcome.message.text)\"")
        }
    }

    /// The figures as one JSON object, for scripts.
    public var json: String {
        struct Summary: Encodable {
            let messages: Int
            let conversations: Int
            let read: Int
            let accuracy: Double
            let macroF1: Double
            let crisisRecall: Double
            let crisisFalsePositiveRate: Double
            let meetsSafetyBar: Bool
            let intents: [Score]
            let missedCrises: [Line]
            let falseCrises: [Line]
            let misread: [Line]
        }
        struct Score: Encodable {
            let intent: String, support: Int, predicted: Int, precision: Double, recall: Double, f1: Double
        }
        struct Line: Encodable {
            let location: String, text: String, accepted: [String], predicted: String, tag: String?, conversation: String?
        }
        func lines(_ outcomes: [Outcome]) -> [Line] {
            outcomes.map {
                Line(location: "\($0.message.location)", text: $0.message.text, accepted: $0.message.accepted, predicted: $0.predicted,
                     tag: $0.message.tag, conversation: $0.conversation)
            }
        }
        let summary = Summary(
            messages: messageCount, conversations: conversationCount, read: outcomes.count, accuracy: accuracy, macroF1: macroF1,
            crisisRecall: crisisRecall, crisisFalsePositiveRate: crisisFalsePositiveRate, meetsSafetyBar: meetsSafetyBar,
            intents: intents.map { Score(intent: $0.intent, support: $0.support, predicted: $0.predicted, precision: $0.precision, recall: $0.recall, f1: $0.f1) },
            missedCrises: lines(missedCrises), falseCrises: lines(falseCrises), misread: lines(misread)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain values: encoding cannot fail.
        return String(decoding: (try? encoder.encode(summary)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    private func fixed(_ value: Double) -> String { String(format: "%.2f", value) }
    private func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    private func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
}
