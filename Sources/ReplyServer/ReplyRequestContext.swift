import Foundation
import Hummingbird
import Knowledge
import RequestInput

/// The request context of the service: Hummingbird's, plus the caller once the key is checked.
public struct ReplyRequestContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  public var identity: Caller?
  /// The signed-in browser the request came from, when it came with the session cookie rather than a key.
  public var webSession: WebSession?

  public init(source: Source) {
    coreContext = .init(source: source)
    identity = nil
    webSession = nil
  }

  /// JSON bodies are small; imports stream their body instead of collecting it.
  public var maxUploadSize: Int { 1 << 20 }

  /// Keys sorted, so that responses read and diff the same every time.
  public var responseEncoder: JSONEncoder { Self.encoder }

  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// A path parameter, percent-decoded: Hummingbird hands them over as they came (`%E9%80%80-1` for `退-1`),
  /// and ids may hold any character.
  func pathParameter(_ name: String) throws -> String {
    let raw = try parameters.require(name)
    guard let decoded = QueryString.pathParameter(raw[...]) else {
      throw APIError(.badRequest, .invalidPath, "the \(name) in the path is not percent-encoded UTF-8")
    }
    return decoded
  }

  /// The caller (routes run behind `AuthMiddleware`, which sets it).
  func caller() throws -> Caller {
    guard let identity else { throw APIError.unauthorized }
    return identity
  }
}
