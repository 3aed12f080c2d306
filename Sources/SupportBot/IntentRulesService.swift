import Foundation
import IntentEngine
import Logging
import Metrics
import ServiceLifecycle
import YAMLReader

/// Puts moderators' changes to `Intents/` live without a restart: the folder is looked at every
/// few seconds, and rules that load and check cleanly replace the running ones. Rules with
/// problems are logged with file:line and the running ones stay.
public struct IntentRulesService: Service {
    let folder: URL
    let rules: IntentRules
    let logger: Logger
    var interval: Duration = .seconds(3)

    public func run() async throws {
        var seen = Self.fingerprint(folder)
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            seen = reloadIfChanged(since: seen)
        }
    }

    /// Loads the rules again when the folder changed since `seen`; returns what it saw now.
    func reloadIfChanged(since seen: [String: Int]) -> [String: Int] {
        let now = Self.fingerprint(folder)
        guard now != seen else { return seen }
        do {
            let catalog = try IntentCatalog.load(from: folder)
            rules.replace(with: catalog, files: Self.contentHashes(folder))
            logger.notice("intent rules reloaded", metadata: ["bot.intents": "\(catalog.intents.count)"])
            Counter(label: "supportbot_intent_reloads_total", dimensions: [("outcome", "loaded")]).increment()
        } catch {
            rules.refused(error.problems.map(\.description))
            logger.error("intent rules not reloaded; the running rules stay", metadata: [
                "bot.problems": "\(error.problems.map(\.description).joined(separator: "; "))",
            ])
            Counter(label: "supportbot_intent_reloads_total", dimensions: [("outcome", "rejected")]).increment()
        }
        return now
    }

    /// Each rule file's modification time in nanoseconds (and the English word list's,
    /// `words.txt`, and the learned models'): an edit, a new file or a removed one
    /// changes it. Read with `stat`, as it runs every few seconds for months: Foundation's
    /// resource values cost a running bot more than a third of a millisecond each second.
    static func fingerprint(_ folder: URL) -> [String: Int] {
        let path = folder.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var fingerprint: [String: Int] = [:]
        let beside = [IntentCatalog.wordListFileName, CrisisModel.fileName, TopicModel.fileName]
        for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") || beside.contains(name) {
            var info = stat()
            fingerprint[name] = stat(path + "/" + name, &info) == 0 ? Self.modified(info) : -1
        }
        return fingerprint
    }

    /// Each rule file with a short hash of its content (FNV-1a, 32 bits in hex): enough for a
    /// moderator to tell which version of a file runs.
    static func contentHashes(_ folder: URL) -> [(name: String, hash: String)] {
        fingerprint(folder).keys.sorted().map { name in
            var hash: UInt32 = 2_166_136_261
            for byte in FileManager.default.contents(atPath: folder.path + "/" + name) ?? Data() {
                hash = (hash ^ UInt32(byte)) &* 16_777_619
            }
            let hex = String(hash, radix: 16)
            return (name, String(repeating: "0", count: 8 - hex.count) + hex)
        }
    }

    private static func modified(_ info: stat) -> Int {
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
}
