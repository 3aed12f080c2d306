import Foundation
@testable import Relay
import Testing

/// Path parameters (room ids, event ids, transaction ids) are decoded exactly as Foundation
/// decodes them, which the relay used before.
@Suite("Percent-decoding of path parameters")
struct PercentDecodingTests {
    @Test func decodesAsFoundationDoes() {
        let samples = ["%21room%3Alocalhost", "%24event", "plain", "caf%C3%A9", "%25", "a%2Fb%20c", "%e2%9c%93", "", "%", "%2", "%zz", "%E9", "%C3"]
        for sample in samples {
            #expect(sample.percentDecoded == sample.removingPercentEncoding, "\(sample)")
        }
    }
}
