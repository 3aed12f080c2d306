import Foundation
import IntentEngine
import Logging
import MatrixClient
import ServiceLifecycle
import Storage

/// Builds the whole bot from its configuration: `supportbot run` and the tests both call this.
public enum SupportBotApp {
    /// Every long-running part as one `ServiceGroup`, stopped gracefully by SIGTERM or SIGINT.
    public static func build(
        configuration: BotConfiguration, logger: Logger, transport: any HTTPTransport = URLSessionTransport(),
        onReady: @escaping @Sendable () -> Void = {}
    ) throws -> ServiceGroup {
        let catalog = try IntentCatalog.load(from: configuration.intents)
        let database = try BotDatabase.open(path: configuration.database)
        let client = MatrixClient(homeserver: configuration.homeserver, accessToken: configuration.accessToken, transport: transport, logger: logger)
        let handler = EventHandler(
            client: client, database: database, classifier: IntentClassifier(catalog: catalog),
            composer: ReplyComposer(catalog: catalog, locale: configuration.locale),
            policy: ReplyPolicy(cooldown: configuration.cooldown), userID: configuration.userID, logger: logger, now: { Date() }
        )
        let sync = SyncService(client: client, database: database, handler: handler, configuration: configuration, logger: logger, onReady: onReady)
        return ServiceGroup(configuration: .init(
            services: [.init(service: sync, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    }
}
