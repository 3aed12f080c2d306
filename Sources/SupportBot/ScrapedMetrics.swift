import Escalations
import Foundation
import Logging
import Metrics
import Prometheus
import Storage

/// What `/metrics` reads at the moment it is scraped: whether the bot is healthy, and the
/// escalations waiting for an ambassador. Read when asked rather than kept up to date, so the
/// figures are exact and cost nothing between scrapes (one small query each).
struct ScrapedMetrics: Sendable {
    private let ready: Prometheus.Gauge
    private let waiting: [(priority: Escalation.Priority, count: Prometheus.Gauge, oldest: Prometheus.Gauge)]
    private let health: BotHealth
    private let database: BotDatabase
    private let logger: Logger

    init(registry: PrometheusCollectorRegistry, health: BotHealth, database: BotDatabase, logger: Logger) {
        ready = registry.makeGauge(name: "supportbot_ready", help: "1 while /healthz is ok: the bot keeps up with its homeserver")
        waiting = Escalation.Priority.allCases.map { priority in
            (priority,
             registry.makeGauge(name: "supportbot_escalations_waiting", labels: [("priority", priority.rawValue)],
                                help: "Open escalations no ambassador has claimed"),
             registry.makeGauge(name: "supportbot_escalation_oldest_wait_seconds", labels: [("priority", priority.rawValue)],
                                help: "How long the oldest unclaimed escalation has waited; 0 when none waits"))
        }
        self.health = health
        self.database = database
        self.logger = logger
    }

    func update(now: Date = Date()) {
        ready.set(to: health.problem() == nil ? 1 : 0)
        do {
            let queue = try database.waitingEscalations()
            for gauges in waiting {
                let entry = queue[gauges.priority]
                gauges.count.set(to: Double(entry?.count ?? 0))
                gauges.oldest.set(to: entry.map { max(0, now.timeIntervalSince($0.oldestOpenedAt)) } ?? 0)
            }
        } catch {
            logger.warning("cannot read the escalation queue for /metrics", metadata: ["error": "\(error)"])
        }
    }

    /// The wait from an escalation's opening to a claim, by priority, in buckets from half a
    /// minute to six hours (a swift-metrics timer, so the announcer needs no registry).
    static let waitLabel = "supportbot_escalation_wait_seconds"
    static let waitBuckets: [Duration] = [30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 21_600].map { .seconds($0) }

    static func recordWait(_ escalation: Escalation, claimedAt date: Date) {
        Metrics.Timer(label: waitLabel, dimensions: [("priority", escalation.priority.rawValue)])
            .recordSeconds(max(0, date.timeIntervalSince(escalation.openedAt)))
    }
}

extension PrometheusMetricsFactory {
    /// The factory every command that runs the bot bootstraps swift-metrics with: the
    /// escalation wait's buckets are minutes and hours, not the default milliseconds.
    public static func supportBot(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[ScrapedMetrics.waitLabel] = ScrapedMetrics.waitBuckets
        return factory
    }
}
