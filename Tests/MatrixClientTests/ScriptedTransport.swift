import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MatrixClient
import Synchronization

/// An in-memory homeserver for unit tests: answers each request with the next scripted
/// response and records what was asked. (Behaviour against a real server is proven on Synapse.)
final class ScriptedTransport: HTTPTransport {
    struct Answer {
        var status: Int
        var body: String
        var headers: [String: String] = [:]
    }

    private let state: Mutex<(answers: [Answer], requests: [URLRequest])>

    init(_ answers: [Answer]) {
        state = Mutex((answers, []))
    }

    var requests: [URLRequest] { state.withLock { $0.requests } }

    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let answer: Answer? = state.withLock { state in
            state.requests.append(request)
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
        guard let answer else { throw URLError(.cannotConnectToHost) }
        let response = HTTPURLResponse(url: request.url!, statusCode: answer.status, httpVersion: "HTTP/1.1", headerFields: answer.headers)!
        return (Data(answer.body.utf8), response)
    }
}
