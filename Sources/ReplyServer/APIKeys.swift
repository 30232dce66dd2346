import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Knowledge
import Synchronization

/// API keys: random, shown once, stored as SHA-256.
public enum APIKeys {
  /// A new key: `rk_` and 32 random bytes, base64url.
  public static func generate() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let encoded = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    return "rk_" + encoded
  }

  /// The key's SHA-256 in lowercase hex, as the store keeps it. Every request with a key computes it: the hex
  /// is written from a table (`String(format:)` per byte was 3 % of the server's time under load).
  public static func hash(_ key: String) -> String {
    let digits = LowercaseHex.digits
    let digest = SHA256.hash(data: Array(key.utf8))
    return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { text in
      var written = 0
      for byte in digest {
        text[written] = digits[Int(byte >> 4)]
        text[written + 1] = digits[Int(byte & 0x0f)]
        written += 2
      }
      return written
    }
  }

  /// Makes a key for an owner, stores its hash, and returns the key.
  public static func create(for owner: Caller, in store: KnowledgeStore) throws -> String {
    let key = generate()
    try store.addAPIKey(hash: hash(key), owner: owner)
    return key
  }
}

/// Checks `Authorization: Bearer KEY`, or a signed-in browser's session cookie, and puts the caller in the
/// context; a missing or unknown key is 401. A cookie request that changes state must echo the session's CSRF
/// token in `X-CSRF-Token` (403 `csrf_token` otherwise): SameSite=Strict already keeps other sites' requests
/// from carrying the cookie, and the token also stops a form posted from a sibling origin.
struct AuthMiddleware: RouterMiddleware {
  typealias Context = ReplyRequestContext
  let store: KnowledgeStore
  /// Hash -> owner. Keys are never deleted yet, so a cached owner stays valid.
  private let cache = KeyCache()

  init(store: KnowledgeStore) { self.store = store }

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    var context = context
    if let header = request.headers[.authorization] {
      guard header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
      context.identity = try owner(ofKey: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
    } else if let cookie = request.cookies[SignInRoutes.cookieName], !cookie.value.isEmpty {
      guard let session = try store.webSession(hash: APIKeys.hash(cookie.value)) else { throw APIError.unauthorized }
      if ![.get, .head, .options].contains(request.method) {
        guard let token = request.headers[SignInRoutes.csrfHeader], token == session.csrfToken else {
          throw APIError(.forbidden, .csrfToken, "a signed-in page's change needs its X-CSRF-Token header")
        }
      }
      context.identity = session.caller
      context.webSession = session
    } else {
      throw APIError.unauthorized
    }
    return try await next(request, context)
  }

  private func owner(ofKey key: String) throws -> Caller {
    let hash = APIKeys.hash(key)
    if let cached = cache.owners.withLock({ $0[hash] }) { return cached }
    guard let found = try store.apiKeyOwner(hash: hash) else { throw APIError.unauthorized }
    cache.owners.withLock { $0[hash] = found }
    return found
  }
}

/// The owners of the keys seen so far (a class, so that the copyable middleware can share one lock).
final class KeyCache: Sendable {
  let owners = Mutex<[String: Caller]>([:])
}

/// The sixteen hex digits, lowercase, as bytes: for the key hashes and the JSON escapes, made once.
enum LowercaseHex {
  static let digits = Array("0123456789abcdef".utf8)
}
