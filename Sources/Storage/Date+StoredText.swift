import Foundation
import GRDB

extension Date {
    /// The text GRDB stores for a date ("yyyy-MM-dd HH:mm:ss.SSS" in UTC, to the nearest
    /// millisecond), made without GRDB's `DateFormatter`: through ICU that cost more than the
    /// statement the date is bound to, on every handled message (issue 15).
    var storedText: DatabaseValue {
        let milliseconds = Int((timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let millisecond = milliseconds - Int(seconds) * 1000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(23)
        func append(_ number: Int, digits: Int, then separator: Character?) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
                divisor /= 10
            }
            if let separator { text.append(separator.asciiValue!) }
        }
        append(Int(parts.tm_year) + 1900, digits: 4, then: "-")
        append(Int(parts.tm_mon) + 1, digits: 2, then: "-")
        append(Int(parts.tm_mday), digits: 2, then: " ")
        append(Int(parts.tm_hour), digits: 2, then: ":")
        append(Int(parts.tm_min), digits: 2, then: ":")
        append(Int(parts.tm_sec), digits: 2, then: ".")
        append(millisecond, digits: 3, then: nil)
        return String(decoding: text, as: UTF8.self).databaseValue
    }
}
