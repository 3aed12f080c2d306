import AsyncHTTPClient
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MatrixClient
import NIOCore
import NIOHTTP1

/// The patients' HTTP, through AsyncHTTPClient on SwiftNIO: thousands of patients on two
/// cores must cost the machine less than the bot they measure. URLSession (libcurl on Linux)
/// took about as much CPU a message as the bot and relay together.
struct NIOTransport: HTTPTransport {
    static let shared = NIOTransport(client: HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128))
    ))

    let client: HTTPClient

    /// Waits on an event loop's timer: thousands of paced sends a second cost less there than
    /// as sleeping tasks (a dispatch timer each, on Linux).
    static func sleep(until instant: ContinuousClock.Instant) async {
        let delay = instant - .now
        guard delay > .zero else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            shared.client.eventLoopGroup.any().scheduleTask(in: TimeAmount(delay)) { continuation.resume() }
        }
    }

    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        guard let url = request.url else { throw URLError(.badURL) }
        var outgoing = HTTPClientRequest(url: url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.httpMethod ?? "GET")
        for (name, value) in request.allHTTPHeaderFields ?? [:] { outgoing.headers.add(name: name, value: value) }
        if let body = request.httpBody { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeoutInterval * 1000)))
        let body = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name] = header.value }
        guard let http = HTTPURLResponse(url: url, statusCode: Int(response.status.code), httpVersion: "HTTP/1.1", headerFields: headers) else {
            throw URLError(.badServerResponse)
        }
        return (Data(body.readableBytesView), http)
    }
}
