import Foundation
import YAMLReader

extension CrisisModel {
    /// The model as `crisis-model.txt`: a header, then one feature a line, strongest first, so a
    /// moderator can read which words weigh towards crisis.
    public var fileText: String {
        var text = """
        # The learned crisis model (see README.md, "The learned crisis model"). Written by
        # `supportbot intents train` from every intent's examples and counterexamples and from
        # evaluation/dev.yaml: do not edit it by hand; change the labelled messages and train again.
        # Each line: the weight a word (or two neighbouring words) adds to a message's crisis score.
        prior \(format(prior))
        threshold \(format(threshold))

        """
        for feature in features { text += "\(format(feature.weight)) \(feature.text)\n" }
        return text
    }

    /// Reads `crisis-model.txt`; each line that cannot be read is a problem at its line.
    public init(parsing text: String, file: String) throws(YAMLProblems) {
        var prior: Double?, threshold: Double?
        var features: [(text: String, weight: Double)] = []
        var problems: [YAMLProblem] = []
        for (index, line) in text.linesOfBytes().enumerated() {
            if let feature = Self.feature(line) {
                features.append(feature)
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let location = SourceLocation(file: file, line: index + 1, column: 1)
            let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count == 2 ? Double(parts[1]) : nil) {
            case ("prior", let value?) where value.isFinite: prior = value
            case ("threshold", let value?) where value.isFinite: threshold = value
            default:
                let words = parts.count == 2 ? parts[1].split(separator: " ") : []
                guard let weight = Double(parts[0]), weight.isFinite, (1...2).contains(words.count) else {
                    problems.append(.invalidValue(location, key: "crisis-model",
                                                  "expected 'prior N', 'threshold N', or a weight and one or two words; run supportbot intents train to write this file"))
                    continue
                }
                features.append((parts[1], weight))
            }
        }
        if prior == nil || threshold == nil {
            problems.append(.invalidValue(SourceLocation(file: file, line: 1, column: 1), key: "crisis-model",
                                          "the 'prior' or 'threshold' line is missing; run supportbot intents train to write this file"))
        }
        if let prior, let threshold, prior > threshold {
            // An empty message would be a crisis, and so would every message after it.
            problems.append(.invalidValue(SourceLocation(file: file, line: 1, column: 1), key: "crisis-model",
                                          "the threshold is below the prior: every message would read as a crisis; run supportbot intents train"))
        }
        guard problems.isEmpty, let prior, let threshold else { throw YAMLProblems(problems) }
        self.init(prior: prior, threshold: threshold, features: features)
    }

    /// A feature line as the file writes it, a weight and one or two words, read without
    /// trimming or splitting into strings (most of the file); `nil` for any other line, which
    /// the general reading then names a problem.
    private static func feature(_ line: Substring) -> (text: String, weight: Double)? {
        // The first space byte, if it is a character of its own (not a space that a combining
        // mark after it joins), as the general reading would split the line.
        guard let space = line.utf8.firstIndex(of: UInt8(ascii: " ")), line[space...].first == " ",
              let weight = Double(line[..<space]), weight.isFinite else { return nil }
        let words = line[line.utf8.index(after: space)...]
        guard words.isOneOrTwoWords(allowingTabs: false) else { return nil }
        return (String(words), weight)
    }

    private func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}
