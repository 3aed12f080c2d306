import Foundation

extension CanonicalJSON: Codable {
    /// Parses JSON text, refusing what canonical JSON cannot represent (floats, out-of-range integers).
    public init(parsing text: String) throws(MatrixCryptoError) {
        do {
            self = try JSONDecoder().decode(CanonicalJSON.self, from: Data(text.utf8))
        } catch let error as MatrixCryptoError {
            throw error
        } catch {
            throw .invalidJSON("unreadable JSON")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            guard Self.integerRange.contains(value) else { throw MatrixCryptoError.invalidJSON("integer \(value) out of range") }
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            // Written as `1e10` or `-0`, an integer is still an integer; a fraction is refused.
            guard value.rounded() == value, Double(Self.integerRange.lowerBound) ... Double(Self.integerRange.upperBound) ~= value else {
                throw MatrixCryptoError.invalidJSON("a non-integer or out-of-range number")
            }
            self = .integer(Int64(value))
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CanonicalJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CanonicalJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}
