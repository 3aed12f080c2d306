import Foundation
import MatrixCrypto

/// Times each operation the issue names, as `name microseconds-per-operation` lines, for
/// `Benchmarks/crypto-compare.sh` to print beside vodozemac's figures for the same operations.

let plaintext = [UInt8](repeating: 0x61, count: 200)
let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 2000

let warmUp = min(count, 100)

/// Runs `body` `count` times after a warm-up and prints the mean in microseconds. `body` gets a
/// running number, so a decryption can take the message an earlier measure made with that number.
func measure(_ name: String, _ body: (Int) throws -> Void) rethrows {
    for index in 0 ..< warmUp { try body(index) }
    let start = ContinuousClock.now
    for index in warmUp ..< warmUp + count { try body(index) }
    let elapsed = ContinuousClock.now - start
    let microseconds = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    print(name, String(format: "%.1f", microseconds / Double(count)))
}

// MARK: Megolm

var outbound = OutboundGroupSession()
let firstSessionKey = outbound.sessionKey
var inbound = try InboundGroupSession(sessionKey: firstSessionKey)
var groupMessages: [String] = []
measure("megolm_encrypt_200B") { _ in groupMessages.append(outbound.encrypt(plaintext)) }
try measure("megolm_decrypt_200B") { index in _ = try inbound.decrypt(groupMessages[index]) }
// A new session's first message also builds its signing key's verification table.
try measure("megolm_new_session_decrypt") { index in
    var session = try InboundGroupSession(sessionKey: firstSessionKey)
    _ = try session.decrypt(groupMessages[index])
}

// MARK: Olm

var bob = OlmAccount()
bob.generateFallbackKey()
let fallbackKey = bob.unpublishedFallbackKey.values.first!
let alice = OlmAccount()
var starters: [OlmSession] = []
try measure("olm_create_outbound") { _ in starters.append(try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: fallbackKey)) }
let preKeyMessages = try starters.indices.map { try starters[$0].encrypt(plaintext) }
var answered: OlmSession?
try measure("olm_create_inbound") { index in
    answered = try bob.createInboundSession(from: preKeyMessages[index], senderIdentityKey: alice.identityKey).session
}

// `answered` is the session the last pre-key message started.
var sender = starters.last!
var receiver = answered!
_ = try sender.decrypt(receiver.encrypt([0]))
var olmMessages: [OlmMessage] = []
try measure("olm_encrypt_200B") { _ in olmMessages.append(try sender.encrypt(plaintext)) }
try measure("olm_decrypt_200B") { index in _ = try receiver.decrypt(olmMessages[index]) }
