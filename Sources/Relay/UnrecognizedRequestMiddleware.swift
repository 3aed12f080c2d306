import Hummingbird

/// Turns Hummingbird's "no route" into Matrix's `M_UNRECOGNIZED`: 405 when the path exists
/// with another method, 404 otherwise.
struct UnrecognizedRequestMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    /// Known paths as segments; `:x` matches any one segment.
    let routes: [[Substring]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            let known = routes.contains { route in
                route.count == segments.count && zip(route, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }
            throw known ? RelayError.unrecognizedMethod : RelayError.unrecognizedEndpoint
        }
    }
}
