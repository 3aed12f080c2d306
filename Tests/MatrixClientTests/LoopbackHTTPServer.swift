import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on loopback that answers each request the way its script says:
/// hang up without an answer, or answer, perhaps late. What a flaky homeserver does, over a
/// real socket, for the transport the bot runs with.
final class LoopbackHTTPServer: Sendable {
    enum Answer: Sendable {
        case hangUp
        case respond(status: Int, headers: [(String, String)] = [], body: String, after: TimeAmount = .zero)
    }

    private let channel: any Channel
    private let script: NIOLockedValueBox<(answers: [Answer], requests: [String], connections: Int)>

    var port: Int { channel.localAddress?.port ?? 0 }
    /// "METHOD /path" of each request received, in order.
    var requests: [String] { script.withLockedValue { $0.requests } }
    var connections: Int { script.withLockedValue { $0.connections } }

    init(_ answers: [Answer]) async throws {
        let script = NIOLockedValueBox((answers: answers, requests: [String](), connections: 0))
        self.script = script
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                script.withLockedValue { $0.connections += 1 }
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Responder(script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let script: NIOLockedValueBox<(answers: [Answer], requests: [String], connections: Int)>

        init(script: NIOLockedValueBox<(answers: [Answer], requests: [String], connections: Int)>) {
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(head):
                script.withLockedValue { $0.requests.append("\(head.method.rawValue) \(head.uri)") }
            case .body:
                break
            case .end:
                let next = script.withLockedValue { $0.answers.isEmpty ? Answer.hangUp : $0.answers.removeFirst() }
                answer(next, context: context)
            }
        }

        private func answer(_ answer: Answer, context: ChannelHandlerContext) {
            switch answer {
            case .hangUp:
                context.close(promise: nil)
            case let .respond(status, headers, body, delay):
                let write = {
                    var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
                    head.headers.add(name: "Content-Type", value: "application/json")
                    head.headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                    for (name, value) in headers { head.headers.add(name: name, value: value) }
                    context.write(self.wrapOutboundOut(.head(head)), promise: nil)
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                }
                if delay == .zero { write() } else { context.eventLoop.scheduleTask(in: delay, write) }
            }
        }
    }
}
