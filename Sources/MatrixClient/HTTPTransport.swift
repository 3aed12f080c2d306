import AsyncHTTPClient
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import NIOHTTP1

/// Sends one HTTP request. The only place the Matrix client touches the network, so unit
/// tests can answer requests in memory; everything else runs against a real server.
public protocol HTTPTransport: Sendable {
    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse)
}

/// HTTP through AsyncHTTPClient, on SwiftNIO's event loops.
///
/// Chosen by measurement (issue 15): URLSession over libcurl woke several dispatch threads for
/// every request, and switching between them was most of the bot's CPU time. Here a request
/// and its answer stay on one event loop; connections to the homeserver are kept and reused.
/// Cancelling the calling task cancels the request, so a long poll ends at once on shutdown.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// One client for the process: it lives as long as the process, so it is never shut down.
    public static let shared = AsyncHTTPClientTransport(client: HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(
            timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32),
            decompression: .enabled(limit: .ratio(50))
        )
    ))

    /// A larger answer is an error, not a reason to run out of memory: an initial sync of a
    /// busy account is a few megabytes.
    public static let largestResponse = 64 << 20

    private let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        guard let url = request.url else { throw MatrixError.malformedResponse("a request without a URL") }
        var outgoing = HTTPClientRequest(url: url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.httpMethod ?? "GET")
        for (name, value) in request.allHTTPHeaderFields ?? [:] {
            outgoing.headers.add(name: name, value: value)
        }
        if let body = request.httpBody {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeoutInterval * 1000)))
        let body = try await response.body.collect(upTo: Self.largestResponse)
        var headers: [String: String] = [:]
        for header in response.headers {
            headers[header.name] = header.value
        }
        guard let http = HTTPURLResponse(url: url, statusCode: Int(response.status.code), httpVersion: "HTTP/1.1", headerFields: headers) else {
            throw MatrixError.malformedResponse("an HTTP response that cannot be read")
        }
        return (Data(body.readableBytesView), http)
    }
}
