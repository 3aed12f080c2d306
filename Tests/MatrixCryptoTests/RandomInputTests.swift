import DecoderExercise
import Foundation
import Testing

/// The fuzz corpus, and mutations of it, thrown at every decoder: each must refuse with a typed
/// error or (for a harmless mutation) succeed, never trap. Seeded, so a failure replays.
@Suite struct RandomInputTests {
    /// SplitMix64, so a failing run can be replayed from its seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var mutated = bytes
        switch Int.random(in: 0 ..< 4, using: &generator) {
        case 0 where !mutated.isEmpty:
            mutated[Int.random(in: 0 ..< mutated.count, using: &generator)] = UInt8.random(in: 0 ... 255, using: &generator)
        case 1:
            mutated = Array(mutated.prefix(Int.random(in: 0 ... mutated.count, using: &generator)))
        case 2:
            mutated.insert(UInt8.random(in: 0 ... 255, using: &generator), at: Int.random(in: 0 ... mutated.count, using: &generator))
        default:
            mutated = (0 ..< Int.random(in: 0 ..< 300, using: &generator)).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        }
        return mutated
    }

    /// The committed fuzz seed corpus (`Fuzz/Corpus`): valid messages, keys, a pickle and JSON.
    static func corpus() throws -> [[UInt8]] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        return try files.map { [UInt8](try Data(contentsOf: $0)) }
    }

    @Test func theSeedCorpusRunsClean() throws {
        let exercise = try DecoderExercise()
        let corpus = try Self.corpus()
        #expect(corpus.count >= 7)
        for input in corpus { exercise.run(input) }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func mutatedCorpusNeverTraps(seed: UInt64) throws {
        var generator = SeededGenerator(state: seed)
        let exercise = try DecoderExercise()
        let corpus = try Self.corpus()
        for _ in 0 ..< 1000 {
            var bytes = corpus.randomElement(using: &generator)!
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &generator) { bytes = Self.mutate(bytes, using: &generator) }
            exercise.run(bytes)
        }
    }
}
