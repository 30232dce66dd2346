import Foundation
import Hummingbird
import RequestInput

/// Refuses a query string whose parameters are not percent-encoded UTF-8, or hold a NUL, before any route
/// reads it: Hummingbird would hand `%FF%FE` over as U+FFFD, so that `q=%FF%FE` was searched for as text while
/// the same bytes in a JSON body were `400 invalid_utf8`.
struct QueryCheckMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    switch request.uri.query.flatMap(QueryString.problem(in:)) {
    case .notUTF8(let parameter)?:
      let shown = parameter.map { "query parameter \"\($0)\"" } ?? "a query parameter's name"
      throw APIError(.badRequest, .invalidUTF8, "\(shown) is not percent-encoded UTF-8")
    case .nul(let parameter)?:
      throw APIError(.badRequest, .invalidText, "query parameter \"\(parameter)\" must not contain a NUL character")
    case nil: break
    }
    return try await next(request, context)
  }
}
