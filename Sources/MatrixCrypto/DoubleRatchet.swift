/// Olm's double ratchet: a root key, the chain we send on (with our current ratchet key pair),
/// the chains we have received on, and the keys of messages skipped on them, all within fixed
/// bounds so a flood of skipped indices cannot grow memory.
struct DoubleRatchet: Sendable, Codable {
    /// As libolm and vodozemac: older receiving chains and skipped keys are forgotten beyond these.
    static let maxReceivingChains = 5
    static let maxSkippedMessageKeys = 40
    /// A message further ahead than this on a chain is refused rather than computed.
    static let maxMessageGap: UInt32 = 2000

    struct SendingChain: Sendable, Codable {
        let ratchetKey: Curve25519KeyPair
        var chainKey: ChainKey
    }

    struct ReceivingChain: Sendable, Codable {
        let ratchetKey: Curve25519PublicKey
        var chainKey: ChainKey
    }

    struct SkippedMessageKey: Sendable, Codable {
        let ratchetKey: Curve25519PublicKey
        let index: UInt32
        /// The message key only, not the chain key: it opens this one message and no later one.
        let messageKey: [UInt8]
    }

    private(set) var rootKey: RootKey
    /// Nil after a new receiving chain: the next message we send turns the root key first.
    private(set) var sendingChain: SendingChain?
    /// Newest last.
    private(set) var receivingChains: [ReceivingChain]
    /// Oldest first.
    private(set) var skippedMessageKeys: [SkippedMessageKey]

    /// The initiator's ratchet: it sends first, on the chain from the shared secret.
    static func initiator(sharedSecret: [UInt8]) -> DoubleRatchet {
        let (root, chain) = RootKey.initial(sharedSecret: sharedSecret)
        return DoubleRatchet(
            rootKey: root, sendingChain: SendingChain(ratchetKey: Curve25519KeyPair(), chainKey: chain),
            receivingChains: [], skippedMessageKeys: []
        )
    }

    /// The receiver's ratchet: its first receiving chain is the initiator's first sending chain.
    static func receiver(sharedSecret: [UInt8], theirRatchetKey: Curve25519PublicKey) -> DoubleRatchet {
        let (root, chain) = RootKey.initial(sharedSecret: sharedSecret)
        return DoubleRatchet(
            rootKey: root, sendingChain: nil,
            receivingChains: [ReceivingChain(ratchetKey: theirRatchetKey, chainKey: chain)], skippedMessageKeys: []
        )
    }

    // MARK: Sending

    /// Throws only when the other side's ratchet key makes no shared secret (a small-order point).
    mutating func encrypt(_ plaintext: some Collection<UInt8>) throws(MatrixCryptoError) -> RatchetMessage {
        var chain = if let sendingChain { sendingChain } else { try turnForSending() }
        let index = chain.chainKey.index
        let messageKey = chain.chainKey.advance()
        sendingChain = chain
        return RatchetMessage(plaintext: plaintext, ratchetKey: chain.ratchetKey.publicKey, chainIndex: index, keys: .olm(messageKey: messageKey))
    }

    private mutating func turnForSending() throws(MatrixCryptoError) -> SendingChain {
        let ratchetKey = Curve25519KeyPair()
        // Without a sending chain there is always a receiving chain: a receiver starts with one.
        let (root, chain) = try rootKey.advanced(ours: ratchetKey, theirs: receivingChains.last!.ratchetKey)
        rootKey = root
        return SendingChain(ratchetKey: ratchetKey, chainKey: chain)
    }

    // MARK: Receiving

    /// Changes the ratchet only once the MAC and padding check out, so a message that fails
    /// leaves it as it was.
    mutating func decrypt(_ message: RatchetMessage) throws(MatrixCryptoError) -> [UInt8] {
        if let position = receivingChains.firstIndex(where: { $0.ratchetKey == message.ratchetKey }) {
            var chainKey = receivingChains[position].chainKey
            if message.chainIndex < chainKey.index {
                return try decryptSkipped(message)
            }
            let (plaintext, skipped) = try Self.decrypt(message, advancing: &chainKey)
            receivingChains[position].chainKey = chainKey
            remember(skipped)
            return plaintext
        }
        guard let sending = sendingChain else { throw .wrongSession("unknown ratchet key") }
        let (root, chainKey) = try rootKey.advanced(ours: sending.ratchetKey, theirs: message.ratchetKey)
        var chain = ReceivingChain(ratchetKey: message.ratchetKey, chainKey: chainKey)
        let (plaintext, skipped) = try Self.decrypt(message, advancing: &chain.chainKey)
        rootKey = root
        sendingChain = nil
        receivingChains.append(chain)
        if receivingChains.count > Self.maxReceivingChains { receivingChains.removeFirst() }
        remember(skipped)
        return plaintext
    }

    /// Moves `chainKey` past the message's index, returning the keys of the indices it skips.
    private static func decrypt(
        _ message: RatchetMessage, advancing chainKey: inout ChainKey
    ) throws(MatrixCryptoError) -> (plaintext: [UInt8], skipped: [SkippedMessageKey]) {
        let gap = message.chainIndex - chainKey.index
        guard gap <= maxMessageGap else { throw .messageGapTooLarge(UInt64(gap)) }
        var skipped: [SkippedMessageKey] = []
        while chainKey.index < message.chainIndex {
            let index = chainKey.index
            skipped.append(SkippedMessageKey(ratchetKey: message.ratchetKey, index: index, messageKey: chainKey.advance()))
        }
        return (try message.decrypt(with: .olm(messageKey: chainKey.advance())), skipped)
    }

    private mutating func remember(_ skipped: [SkippedMessageKey]) {
        guard !skipped.isEmpty else { return }
        skippedMessageKeys += skipped
        if skippedMessageKeys.count > Self.maxSkippedMessageKeys {
            skippedMessageKeys.removeFirst(skippedMessageKeys.count - Self.maxSkippedMessageKeys)
        }
    }

    private mutating func decryptSkipped(_ message: RatchetMessage) throws(MatrixCryptoError) -> [UInt8] {
        guard let position = skippedMessageKeys.firstIndex(where: { $0.ratchetKey == message.ratchetKey && $0.index == message.chainIndex }) else {
            throw .unknownMessageIndex(message.chainIndex)
        }
        let plaintext = try message.decrypt(with: .olm(messageKey: skippedMessageKeys[position].messageKey))
        skippedMessageKeys.remove(at: position)
        return plaintext
    }
}
