import Hummingbird
import Logging
import Prometheus

/// What operators poll: `/healthz` (200 while the bot keeps up with its homeserver, 503 with
/// the reason otherwise) and `/metrics` (Prometheus text). No patient data on either.
enum OperatorEndpoints {
    static func application(listen: ListenAddress, health: BotHealth, registry: PrometheusCollectorRegistry, scraped: ScrapedMetrics,
                            logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            if let problem = health.problem() {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "unhealthy: \(problem)\n")))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("metrics") { _, _ -> Response in
            scraped.update()
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Application(router: router, configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "supportbot"), logger: logger)
    }

}
