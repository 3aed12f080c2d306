import Foundation
import IntentEngine
import Logging
import MatrixClient
import Prometheus
import ServiceLifecycle
import Storage

/// Builds the whole bot from its configuration: `supportbot run` and the tests both call this.
public enum SupportBotApp {
    /// Every long-running part as one `ServiceGroup`, stopped gracefully by SIGTERM or SIGINT.
    /// - Parameter metrics: the registry `MetricsSystem` was bootstrapped with, served on
    ///   `http.listen` with the health check.
    public static func build(configuration: BotConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry) throws -> ServiceGroup {
        ServiceGroup(configuration: groupConfiguration(services: try services(configuration: configuration, logger: logger, metrics: metrics), logger: logger))
    }

    /// SIGTERM and SIGINT stop the group; what has not stopped after 15 s is cancelled.
    public static func groupConfiguration(services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(15)
        return configuration
    }

    /// The bot's services, for a group that runs more beside them (the demo's relay).
    public static func services(
        configuration: BotConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let catalog = try IntentCatalog.load(from: configuration.intents)
        let rules = IntentRules(catalog: catalog, locale: configuration.locale, files: IntentRulesService.contentHashes(configuration.intents))
        let database = try BotDatabase.open(path: configuration.database)
        // Retries end (after about a minute), so one unreachable room cannot hold the bot: the
        // sync loop then tries the whole batch again.
        let client = MatrixClient(homeserver: configuration.homeserver, accessToken: configuration.accessToken, transport: transport,
                                  retry: RetryPolicy(maximumAttempts: 8), refusingEncryptedRooms: true, logger: logger)
        let handler = EventHandler(
            client: client, database: database, rules: rules,
            policy: ReplyPolicy(cooldown: configuration.cooldown),
            privateRooms: PrivateRoomOpener(client: client, serverName: configuration.serverName, encrypted: configuration.escalation.encryptPrivateRooms),
            userID: configuration.userID, logger: logger, now: { Date() }
        )
        // Healthy while syncs keep coming: a long-poll returns at least every sync timeout.
        let health = BotHealth(staleAfter: configuration.syncTimeout * 2 + .seconds(60))
        let rooms = ConfiguredRooms(configuration: configuration, client: client, database: database)
        let receipts = ReadReceipts(client: client, logger: logger)
        let sync = SyncService(client: client, database: database, handler: handler, configuration: configuration,
                               health: health, configuredRooms: rooms, receipts: receipts, logger: logger)
        let timers = EscalationTimerService(client: client, database: database, configuration: configuration, rules: rules,
                                            configuredRooms: rooms, logger: logger, now: { Date() })
        // The counters alerts watch exist from the start, at 0, so their first increase shows.
        for outcome in EventHandler.Outcome.allCases { _ = EventHandler.messages(outcome) }
        _ = SyncService.failures
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: sync, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: timers, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: IntentRulesService(folder: configuration.intents, rules: rules, logger: logger)),
            .init(service: receipts),
            // Without a moderators room it has nothing to do, and ends; the bot goes on.
            .init(service: ModerationSummaryService(client: client, database: database, configuredRooms: rooms, logger: logger, now: { Date() }),
                  successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let listen = configuration.httpListen {
            let scraped = ScrapedMetrics(registry: metrics, health: health, database: database, logger: logger)
            let endpoints = OperatorEndpoints.application(listen: listen, health: health, registry: metrics, scraped: scraped, logger: logger)
            services.append(.init(service: endpoints, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        return services
    }
}
