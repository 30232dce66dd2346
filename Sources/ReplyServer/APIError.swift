import Foundation
import Hummingbird
import Index
import Knowledge
import Ranking
import Sessions
import Synchronization
import TextAnalysis
import Workbench

/// What the API answers when a request fails: a status and `{"error": {"code": ..., "message": ...}}`.
/// Messages name the field at fault and never echo the request's text.
public struct APIError: HTTPResponseError, Sendable, Equatable {
  public var status: HTTPResponse.Status
  public var code: ErrorCode
  public var message: String
  /// Seconds after which a request refused for now may be tried again (`Retry-After`).
  public var retryAfter: Int?
  /// The methods the path takes, for a `405` (`Allow`).
  public var allow: String?

  public init(
    _ status: HTTPResponse.Status, _ code: ErrorCode, _ message: String, retryAfter: Int? = nil, allow: String? = nil
  ) {
    self.status = status
    self.code = code
    self.message = message
    self.retryAfter = retryAfter
    self.allow = allow
  }

  struct Body: Codable {
    struct Detail: Codable {
      var code: ErrorCode
      var message: String
    }
    var error: Detail
  }

  public func response(from request: Request, context: some RequestContext) throws -> Response {
    let body = try JSONEncoder().encode(Body(error: .init(code: code, message: message)))
    var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    if let retryAfter { headers[.retryAfter] = String(retryAfter) }
    if let allow { headers[.allow] = allow }
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }

  static func invalid(_ message: String) -> APIError { APIError(.badRequest, .invalidArgument, message) }
  static func missing(_ field: String) -> APIError {
    APIError(.badRequest, .missingField, "missing field \"\(field)\"")
  }
  /// 422: a well-formed request that names something the tenant does not have (an agent, a group, an item),
  /// or that the state of things refuses; 400 is kept for requests that are wrong whatever the data.
  static func unprocessable(_ code: ErrorCode, _ message: String) -> APIError {
    APIError(.unprocessableContent, code, message)
  }
  static func notFound(_ what: String) -> APIError { APIError(.notFound, .notFound, what) }
  static let unauthorized = APIError(
    .unauthorized, .unauthorized, "a valid API key is required: Authorization: Bearer KEY")
  static func forbidden(_ message: String) -> APIError { APIError(.forbidden, .forbidden, message) }

  /// 507: the data folder's disk is full (or below the store's reserve of free space).
  static func diskFull(_ message: String) -> APIError {
    APIError(.init(code: 507, reasonPhrase: "Insufficient Storage"), .diskFull, message, retryAfter: 60)
  }

  /// Searches wait while the index is rebuilt from the store (the store keeps taking writes meanwhile).
  static func indexUnavailable(_ status: SuggestionEngine.IndexStatus) -> APIError? {
    switch status {
    case .ready: nil
    case .rebuilding:
      APIError(
        .serviceUnavailable, .indexRebuilding, "the index is being rebuilt from the store; try again shortly",
        retryAfter: 5)
    case .failed:
      APIError(
        .serviceUnavailable, .indexUnavailable, "the index could not be rebuilt; the next change tries again",
        retryAfter: 30)
    }
  }

  /// The one table from the modules' errors to statuses.
  static func from(_ error: any Error) -> APIError {
    switch error {
    case let error as APIError: return error
    // An id of an agent's namespace on another item depends on the item (its scope, its path), not on the form.
    case KnowledgeRecordError.foreignNamespace:
      return .unprocessable(.invalidItem, KnowledgeRecordError.foreignNamespace.description)
    case let error as KnowledgeRecordError: return APIError(.badRequest, .invalidItem, error.description)
    case let error as KnowledgeStoreError:
      switch error {
      case .notFound: return APIError(.notFound, error.code, error.description)
      case .invalid: return APIError(.badRequest, error.code, error.description)
      case .alreadyExists: return APIError(.conflict, error.code, error.description)
      case .tooFewTerms: return .unprocessable(error.code, error.description)
      case .diskFull: return .diskFull("the disk is full: the change was not made")
      case .database: return APIError(.internalServerError, error.code, "the store failed")
      }
    case let error as SessionStoreError:
      switch error {
      case .notFound: return APIError(.notFound, error.code, error.description)
      case .invalid: return APIError(.badRequest, error.code, error.description)
      case .unknown: return .unprocessable(error.code, error.description)
      case .forbidden, .blocked: return APIError(.forbidden, error.code, error.description)
      case .conflict: return APIError(.conflict, error.code, error.description)
      case .diskFull: return .diskFull("the disk is full: the change was not made")
      case .database: return APIError(.internalServerError, error.code, "the session store failed")
      }
    case let error as WorkbenchError:
      switch error {
      case .forbidden: return APIError(.forbidden, error.code, error.description)
      case .missingField(_, because: nil), .invalidField: return APIError(.badRequest, error.code, error.description)
      // A field the request may leave out, except in the case the message names.
      case .missingField: return .unprocessable(error.code, error.description)
      case .unknown, .unresolvedVariables: return .unprocessable(error.code, error.description)
      }
    case let error as TextAnalysisError:
      switch error {
      case .inputTooLong: return APIError(.badRequest, .inputTooLong, error.description)
      case .invalidUTF8: return APIError(.badRequest, .invalidUTF8, error.description)
      case .icu: return APIError(.internalServerError, .icuFailure, "text analysis failed")
      }
    case IndexError.diskFull:
      return .diskFull("the disk is full: the change is stored and is indexed once there is room")
    case let error as IndexError: return APIError(.internalServerError, error.code, "the index failed")
    case let error as HTTPError:
      switch error.status {
      case .notFound: return APIError(.notFound, .notFound, "no such route")
      case .contentTooLarge: return APIError(.contentTooLarge, .bodyTooLarge, "the request body is too large")
      case .methodNotAllowed: return APIError(.methodNotAllowed, .methodNotAllowed, "method not allowed")
      default: return APIError(error.status, .httpError, error.body ?? error.status.reasonPhrase)
      }
    case is DecodingError: return APIError(.badRequest, .malformedJSON, "the body is not the JSON this route takes")
    default: return APIError(.internalServerError, .`internal`, "internal error")
    }
  }
}

/// Turns every error a route throws into an `APIError`, so that all failures share one JSON shape. A path that
/// exists asked with a method it does not take is `405 method_not_allowed` with `Allow`, not `404`.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
  let routes: RouteTable

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    do {
      return try await next(request, context)
    } catch let error as HTTPError where error.status == .notFound {
      if let allowed = routes.methods(for: request.uri.path) {
        throw APIError(.methodNotAllowed, .methodNotAllowed, "this path takes \(allowed)", allow: allowed)
      }
      throw APIError.from(error)
    } catch {
      throw APIError.from(error)
    }
  }
}

/// The service's routes (path patterns and their methods), for telling a wrong method from a wrong path.
final class RouteTable: Sendable {
  private let entries = Mutex<[(segments: [Substring], methods: [String])]>([])

  func set(_ routes: [(path: String, method: HTTPRequest.Method)]) {
    var byPath: [String: [String]] = [:]
    for route in routes { byPath[route.path, default: []].append(route.method.rawValue) }
    entries.withLock { entries in
      entries = byPath.map { (path, methods) in
        (path.split(separator: "/"), methods.sorted())
      }
    }
  }

  /// The methods of the route whose pattern `path` matches (`{id}` matches any one segment), as `Allow` lists
  /// them; nil when no route has that path.
  func methods(for path: String) -> String? {
    let segments = path.split(separator: "/")
    return entries.withLock { entries in
      entries.first { entry in
        entry.segments.count == segments.count
          && zip(entry.segments, segments).allSatisfy { pattern, segment in
            pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == segment
          }
      }?.methods.joined(separator: ", ")
    }
  }
}
