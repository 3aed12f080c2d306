import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The embedded relay: a Matrix-compatible homeserver subset for trying the bot with nothing
/// else installed, and for fast tests. Not a homeserver for production: registration is open,
/// which is why it listens on loopback by default.
public struct RelayServer: Sendable {
    public let serverName: String
    let store: RelayStore
    /// Events a room keeps in memory (with a database, older ones are read from it).
    public static let defaultHistory = 10_000

    /// - Parameters:
    ///   - database: a SQLite file that keeps accounts, rooms and history across restarts; `nil`
    ///     keeps everything in memory.
    ///   - history: the events each room keeps in memory (its newest; its state always); with a
    ///     database, older ones are read from it, without one they are gone.
    ///   - sendsPerSecond: per user; more is answered with `M_LIMIT_EXCEEDED` and `retry_after_ms`.
    ///   - unlimited: users without that limit, such as a bot that answers everyone.
    public init(serverName: String, database: String?, history: Int = RelayServer.defaultHistory,
                sendsPerSecond: Double = 200, unlimited: Set<String> = []) throws {
        precondition(history > 0, "a room keeps at least one event")
        self.serverName = serverName
        store = try RelayStore(serverName: serverName, journal: try database.map { try RelayJournal(path: $0) },
                               history: history, sendsPerSecond: sendsPerSecond, unlimited: unlimited)
    }

    /// The HTTP service, ready to run in a `ServiceGroup`.
    /// On graceful shutdown (SIGINT, SIGTERM) it first ends every open long-poll, so it stops
    /// within a moment, not after the longest poll (up to its 30 s timeout).
    /// - Parameter onShutdown: called once when a graceful shutdown begins, to say so.
    public func application(host: String, port: Int, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                            onShutdown: @escaping @Sendable () -> Void = {}) -> some Service {
        HTTPService(application: Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "supportbot-relay"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        ), store: store, onShutdown: onShutdown)
    }

    private struct HTTPService<Wrapped: ApplicationProtocol>: Service {
        let application: Wrapped
        let store: RelayStore
        let onShutdown: @Sendable () -> Void

        func run() async throws {
            try await withGracefulShutdownHandler {
                try await application.run()
            } onGracefulShutdown: {
                onShutdown()
                Task { await store.endLongPolls() }
            }
        }
    }

    /// Every route over this relay's store; the HTTP server and the in-process transport each get one.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        RelayRoutes(store: store, page: ByteBuffer(bytes: Self.chatPage)).register(on: router)
        return router
    }

    // MARK: - Set-up without HTTP (the demo)

    /// Makes sure a user exists and returns an access token for them.
    public func provisionUser(_ name: String, password: String) async throws -> (userID: String, accessToken: String) {
        let login: RelayStore.Login
        do {
            login = try await store.register(username: name, password: password)
        } catch let error where error.errcode == "M_USER_IN_USE" {
            login = try await store.login(user: name, password: password)
        }
        return (login.userID, login.accessToken)
    }

    /// Makes sure a public room with this alias exists, created by `creator`.
    public func provisionRoom(alias name: String, title: String, creator: String) async throws -> String {
        if let existing = try? await store.resolve("#\(name):\(serverName)") { return existing }
        return try await store.createRoom(by: creator, request: ["preset": "public_chat", "room_alias_name": .string(name), "name": .string(title)])
    }

    /// Compiled into the binary, so an installed `supportbot` needs no resource files beside it.
    static let chatPage: [UInt8] = PackageResources.chat_html
}
