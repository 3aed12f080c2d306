import Foundation
import YAMLReader

extension TopicModel {
    /// The model as `topic-model.txt`: a header, then one feature a line with how many messages
    /// of each intent had it, so a moderator can see what the model learned each word from.
    public var fileText: String {
        var text = """
        # The learned topic model (see Intents/README.md, "Learned readers"). Written by
        # `supportbot intents train` from every intent's examples and from evaluation/dev.yaml:
        # do not edit it by hand; change the labelled messages and train again.
        # Each line: how many messages of each intent (in the order of 'intents') had the word
        # (or two neighbouring words) at its end.
        intents \(intents.joined(separator: " "))
        messages \(messageCounts.map(String.init).joined(separator: " "))
        threshold \(String(format: "%.4f", threshold))

        """
        for feature in features { text += feature.counts.map(String.init).joined(separator: " ") + " " + feature.text + "\n" }
        return text
    }

    /// Reads `topic-model.txt`; each line that cannot be read is a problem at its line.
    public init(parsing text: String, file: String) throws(YAMLProblems) {
        var intents: [String]?, messageCounts: [Int]?, threshold: Double?
        var features: [(text: String, counts: [Int])] = []
        var problems: [YAMLProblem] = []
        func problem(_ line: Int, _ message: String) {
            problems.append(.invalidValue(SourceLocation(file: file, line: line, column: 1), key: "topic-model",
                                          "\(message); run supportbot intents train to write this file"))
        }
        for (index, line) in text.linesOfBytes().enumerated() {
            if let width = intents?.count, let feature = Self.feature(line, width: width) {
                features.append(feature)
                continue
            }
            let parts = line.split(separator: " ").map(String.init)
            guard let first = parts.first, !first.hasPrefix("#") else { continue }
            let values = parts.dropFirst()
            switch first {
            case "intents" where intents == nil && values.count >= 2:
                intents = Array(values)
            case "messages" where intents?.count == values.count && values.allSatisfy({ Int($0).map { $0 >= 0 } ?? false }):
                messageCounts = values.compactMap { Int($0) }
            case "threshold" where values.count == 1 && Double(values[values.startIndex])?.isFinite == true:
                threshold = Double(values[values.startIndex])
            default:
                guard let width = intents?.count else {
                    problem(index + 1, "expected the 'intents' line (two or more intents) before any other")
                    continue
                }
                let counts = parts.prefix(width).compactMap { Int($0) }.filter { $0 >= 0 }
                guard counts.count == width, (1...2).contains(parts.count - width) else {
                    problem(index + 1, "expected 'messages' and \(width) counts, 'threshold N', or \(width) counts and one or two words")
                    continue
                }
                features.append((parts.dropFirst(width).joined(separator: " "), counts))
            }
        }
        if problems.isEmpty, intents == nil || messageCounts == nil || threshold == nil {
            problem(1, "the 'intents', 'messages' or 'threshold' line is missing")
        }
        guard problems.isEmpty, let intents, let messageCounts, let threshold else { throw YAMLProblems(problems) }
        self.init(intents: intents, messageCounts: messageCounts, threshold: threshold, features: features)
    }

    /// A feature line read from its bytes: `width` counts, then one or two words; `nil` for any
    /// other line, which the general reading then names a problem. Most of the file is these
    /// lines, and splitting each into strings was most of the time rules took to load.
    private static func feature(_ line: Substring, width: Int) -> (text: String, counts: [Int])? {
        let parsed: (wordsStart: Int, counts: [Int])? = line.withBytes { bytes in
            var counts: [Int] = []
            counts.reserveCapacity(width)
            var value = 0, digits = 0, index = 0
            while counts.count < width, index < bytes.count {
                let byte = bytes[index]
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 9 {
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                    digits += 1
                } else if byte == UInt8(ascii: " "), digits > 0 {
                    counts.append(value)
                    value = 0
                    digits = 0
                } else {
                    return nil
                }
                index += 1
            }
            return counts.count == width ? (index, counts) : nil
        }
        // One or two words joined by one space are the words as written.
        guard let parsed else { return nil }
        let words = line[line.utf8.index(line.startIndex, offsetBy: parsed.wordsStart)...]
        guard words.isOneOrTwoWords(allowingTabs: true) else { return nil }
        return (String(words), parsed.counts)
    }
}
