import Foundation
import HTTPTypes
import MatrixClient
import Synchronization

/// An in-memory homeserver for unit tests: answers each request with the next scripted
/// response and records what was asked. (Behaviour against a real server is proven on Synapse.)
final class ScriptedTransport: HTTPTransport {
    struct Answer {
        var status: Int
        var body: String
        var headers: HTTPFields = [:]
    }

    /// A request as it was asked.
    struct Asked {
        let request: HTTPRequest
        let timeout: Duration

        /// The whole address, as a server would see it.
        var address: String { "\(request.scheme ?? "")://\(request.authority ?? "")\(request.path ?? "")" }
        var query: String { String(request.path?.split(separator: "?", maxSplits: 1).dropFirst().first ?? "") }
    }

    private let state: Mutex<(answers: [Answer], requests: [Asked])>

    init(_ answers: [Answer]) {
        state = Mutex((answers, []))
    }

    var requests: [Asked] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest, body: Data?, timeout: Duration) async throws -> (HTTPResponse, Data) {
        let answer: Answer? = state.withLock { state in
            state.requests.append(Asked(request: request, timeout: timeout))
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
        guard let answer else { throw URLError(.cannotConnectToHost) }
        return (HTTPResponse(status: .init(code: answer.status), headerFields: answer.headers), Data(answer.body.utf8))
    }
}
