import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// Sends one HTTP request. The only place the Matrix client touches the network, so unit
/// tests can answer requests in memory; everything else runs against a real server.
///
/// Requests and answers are swift-http-types' values, not Foundation's `URLRequest` and
/// `HTTPURLResponse`: building those cost the bot a tenth of its CPU a reply (issue 15).
public protocol HTTPTransport: Sendable {
    /// Sends `request` (its path carries the query) with `body`. An answer later than
    /// `timeout` is an error.
    func send(_ request: HTTPRequest, body: Data?, timeout: Duration) async throws -> (HTTPResponse, Data)
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

    public func send(_ request: HTTPRequest, body: Data?, timeout: Duration) async throws -> (HTTPResponse, Data) {
        var outgoing = HTTPClientRequest(url: "\(request.scheme ?? "http")://\(request.authority ?? "")\(request.path ?? "/")")
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headerFields {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(outgoing, timeout: TimeAmount(timeout))
        let collected = try await response.body.collect(upTo: Self.largestResponse)
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return (HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: fields), Data(collected.readableBytesView))
    }
}
