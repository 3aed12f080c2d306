import Foundation
import MatrixClient
import NIOCore

/// JSON as the relay writes it: compact, keys in a stable order.
enum RelayJSON {
    static func encode(_ value: JSONValue) throws -> [UInt8] {
        Array(value.serialized(sortedKeys: true))
    }

    static func decode(_ bytes: ByteBuffer) throws(RelayError) -> JSONValue {
        guard bytes.readableBytes > 0 else { return .object([:]) }
        do {
            return try JSONValue(parsing: Data(bytes.readableBytesView))
        } catch {
            throw .notJSON
        }
    }
}
