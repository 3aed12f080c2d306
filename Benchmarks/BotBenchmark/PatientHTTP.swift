import AsyncHTTPClient
import MatrixClient
import NIOCore
import NIOPosix

/// The patients' HTTP: the bot's own transport, with room for thousands of patients at once,
/// so that they cost the machine less than the bot they measure.
enum PatientHTTP {
    static let transport = AsyncHTTPClientTransport(client: HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128))
    ))

    /// Waits on an event loop's timer: thousands of paced sends a second cost less there than
    /// as sleeping tasks (a dispatch timer each, on Linux).
    static func sleep(until instant: ContinuousClock.Instant) async {
        let delay = instant - .now
        guard delay > .zero else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(delay)) { continuation.resume() }
        }
    }
}
