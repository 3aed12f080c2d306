import Foundation
import GRDB
@testable import Storage
import Testing

/// Dates are compared as text in SQL (what to purge, which reping is due), so the bot's own
/// text for a date must be exactly what GRDB writes for it.
@Suite("Stored date text")
struct StoredDateTextTests {
    @Test func matchesGRDBsTextForAnyDate() {
        var generator = SystemRandomNumberGenerator()
        let edges: [TimeInterval] = [0, 0.0009, 0.999, 59.9995, 86_399.999, 951_782_400.5, 1_800_000_000.123, 4_102_444_799.999]
        let random = (0..<2_000).map { _ in TimeInterval.random(in: 0...4_102_444_800, using: &generator) }
        for seconds in edges + random {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(date.storedText == date.databaseValue, "\(seconds)")
        }
    }
}
