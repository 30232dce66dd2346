import Foundation
import Hummingbird

/// Refuses a query string whose parameters are not percent-encoded UTF-8, or hold a NUL, before any route
/// reads it: Hummingbird would hand `%FF%FE` over as U+FFFD, so that `q=%FF%FE` was searched for as text while
/// the same bytes in a JSON body were `400 invalid_utf8`.
struct QueryCheckMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    if let query = request.uri.query {
      for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = Self.decoded(parts[0])
        guard let name, let value = parts.count > 1 ? Self.decoded(parts[1]) : "" else {
          let shown = name.map { "query parameter \"\($0)\"" } ?? "a query parameter's name"
          throw APIError(.badRequest, "invalid_utf8", "\(shown) is not percent-encoded UTF-8")
        }
        if name.unicodeScalars.contains("\u{0}") || value.unicodeScalars.contains("\u{0}") {
          throw APIError(.badRequest, "invalid_text", "query parameter \"\(name)\" must not contain a NUL character")
        }
      }
    }
    return try await next(request, context)
  }

  /// The text of a percent-encoded part (`+` is a space), or nil when its bytes are not UTF-8.
  static func decoded(_ part: Substring) -> String? {
    part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
  }
}
