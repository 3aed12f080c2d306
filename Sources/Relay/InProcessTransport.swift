import Foundation
import Hummingbird
import Logging
import MatrixClient
import NIOCore
import NIOEmbedded

/// The relay's Client-Server API without a socket: the demo's bot, running in the relay's own
/// process, sends its requests straight to the routes every HTTP client reaches. Same routes,
/// same JSON, same errors; no TCP, no HTTP parsing.
struct InProcessTransport<Responder: HTTPResponder>: HTTPTransport where Responder.Context == BasicRequestContext {
    let responder: Responder
    let logger: Logger
    /// The context wants a channel, which the routes never use. One serves every request: a
    /// channel per request started and stopped an event loop each time, waking threads to do it.
    let channel = NIOAsyncTestingChannel()

    func send(_ request: HTTPRequest, body: Data?, timeout: Duration) async throws -> (HTTPResponse, Data) {
        let request = Request(head: request, body: RequestBody(buffer: ByteBuffer(bytes: body ?? Data())))
        let context = BasicRequestContext(source: .init(channel: channel, logger: logger))
        let (response, answer) = try await respond(to: request, context: context)
        return (HTTPResponse(status: response.status, headerFields: response.headers), Data(buffer: answer))
    }

    /// What the routes answer, errors turned into their responses as the HTTP server does.
    private func respond(to request: Request, context: BasicRequestContext) async throws -> (Response, ByteBuffer) {
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let body = CollectedBody()
        try await response.body.write(body)
        return (response, body.buffer)
    }
}

/// A response body, gathered whole. One task writes it, then reads it.
private final class CollectedBody: ResponseBodyWriter, @unchecked Sendable {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension RelayServer {
    /// A transport for a client in the relay's own process (the demo's bot).
    public func inProcessTransport(logger: Logger) -> any HTTPTransport {
        InProcessTransport(responder: router().buildResponder(), logger: logger)
    }
}
