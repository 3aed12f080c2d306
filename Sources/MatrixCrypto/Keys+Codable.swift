/// Keys encode as their raw bytes. Secret halves encode only inside a pickle's seal.
extension Curve25519PublicKey: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(bytes: decoder.singleValueContainer().decode([UInt8].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bytes)
    }
}

extension Ed25519PublicKey: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(bytes: decoder.singleValueContainer().decode([UInt8].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bytes)
    }
}

extension Curve25519KeyPair: Codable {
    init(from decoder: any Decoder) throws {
        try self.init(secret: decoder.singleValueContainer().decode([UInt8].self))
    }

    func encode(to encoder: any Encoder) throws {
        try encoder.requireSealedPickle()
        var container = encoder.singleValueContainer()
        try container.encode(secret)
    }
}

extension Ed25519KeyPair: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(seed: decoder.singleValueContainer().decode([UInt8].self))
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.requireSealedPickle()
        var container = encoder.singleValueContainer()
        try container.encode(seed)
    }
}
