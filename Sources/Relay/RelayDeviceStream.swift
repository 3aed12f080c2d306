import Foundation
import MatrixClient

/// What the relay tells devices outside rooms: to-device messages waiting for their device, and
/// whose device keys changed when. One counter orders both; it is the second part of a sync
/// token (`RelayStore.SyncToken.devices`).
///
/// Store and forward: the relay never reads a message's content (encrypted room keys,
/// verification requests). A message stays queued until its device acknowledges it by syncing
/// with a token at or after the one whose response carried it (the spec's rule): a client that
/// crashes before it has saved a response syncs again from its previous token and gets the
/// messages again. A queue keeps at most `capacity` messages, dropping its oldest, so a device
/// that never syncs costs bounded memory.
///
/// In memory, also with a journal, as `RelayKeys`: a restart loses queued messages together with
/// the keys they were encrypted for, and devices publish and share keys again. So the counter
/// starts at the start time in microseconds, not at 0: a token from before a restart then reads
/// as older than every message since, and acknowledges none it never carried.
struct RelayDeviceStream {
    /// Messages one device's queue keeps.
    static let capacity = 10_000

    /// The newest position: that of the last send or key change.
    private(set) var position = Int(Date().timeIntervalSince1970 * 1_000_000)
    /// Messages not yet acknowledged, by device, oldest first, each at the position of its send.
    private var queues: [RelayKeys.Device: [(position: Int, event: JSONValue)]] = [:]
    /// The position of each user's latest key change.
    private var keyChanges: [String: Int] = [:]

    /// Queues one send: an event of `type` from `sender` to each device, all at one new position.
    /// - Returns: the devices whose full queue dropped its oldest message to make room.
    mutating func send(type: String, from sender: String, _ messages: [(device: RelayKeys.Device, content: JSONValue)]) -> [RelayKeys.Device] {
        position += 1
        var overflowed: [RelayKeys.Device] = []
        for (device, content) in messages {
            queues[device, default: []].append((position, ["type": .string(type), "sender": .string(sender), "content": content]))
            if let count = queues[device]?.count, count > Self.capacity {
                queues[device]?.removeFirst()
                overflowed.append(device)
            }
        }
        return overflowed
    }

    /// The messages waiting for `device`, oldest first.
    func messages(for device: RelayKeys.Device) -> [JSONValue] {
        queues[device]?.map(\.event) ?? []
    }

    /// Deletes `device`'s messages up to `position`: a sync from there shows the device has them.
    mutating func acknowledge(_ device: RelayKeys.Device, through position: Int) {
        guard let oldest = queues[device]?.first, oldest.position <= position else { return }
        queues[device]?.removeAll { $0.position <= position }
        if queues[device]?.isEmpty == true { queues[device] = nil }
    }

    /// Forgets a device that logged out, with whatever still waited for it.
    mutating func remove(_ device: RelayKeys.Device) {
        queues[device] = nil
    }

    /// Notes at a new position that these users' device keys changed.
    mutating func keysChanged(of users: Set<String>) {
        guard !users.isEmpty else { return }
        position += 1
        for user in users { keyChanges[user] = position }
    }

    /// The users whose keys changed after `position`.
    func usersWithKeyChanges(after position: Int) -> [String] {
        keyChanges.filter { $0.value > position }.keys.sorted()
    }
}
