import Synchronization

/// Which rooms are end-to-end encrypted, for a client that never writes plaintext into one, and
/// what encrypts its events there once it can. Learnt from a room's state the first time the
/// client writes there, from the rooms it creates, and from syncs that show encryption turned on. Encryption is never turned off again, so an
/// encrypted room is remembered for good; the far more numerous plaintext ones are forgotten in
/// bulk past a bound, and looked up again.
final class EncryptedRooms: Sendable {
    private struct Known {
        var encrypted: Set<String> = []
        var plaintext: Set<String> = []
    }

    private let known = Mutex(Known())
    static let plaintextRemembered = 10_000
    /// `nil` until the client's device can encrypt: encrypted rooms are then refused.
    private let encryptorSlot = Mutex<(any RoomEventEncrypting)?>(nil)

    var encryptor: (any RoomEventEncrypting)? {
        get { encryptorSlot.withLock { $0 } }
        set { encryptorSlot.withLock { $0 = newValue } }
    }

    /// `nil` when the room has not been looked up.
    func isEncrypted(_ roomID: String) -> Bool? {
        known.withLock { known in
            known.encrypted.contains(roomID) ? true : known.plaintext.contains(roomID) ? false : nil
        }
    }

    func note(_ roomID: String, encrypted: Bool) {
        known.withLock { known in
            if encrypted {
                known.plaintext.remove(roomID)
                known.encrypted.insert(roomID)
            } else if !known.encrypted.contains(roomID) {
                if known.plaintext.count >= Self.plaintextRemembered { known.plaintext.removeAll() }
                known.plaintext.insert(roomID)
            }
        }
    }
}
