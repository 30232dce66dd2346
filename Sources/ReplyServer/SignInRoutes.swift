import Foundation
import HTTPTypes
import Hummingbird
import Knowledge
import Synchronization
import Workbench

/// Signing a browser in and out: the page never holds a key. `POST /v1/sign-in` takes an agent's password (set
/// with `replykit agents password`) or a key, and answers with an HttpOnly, SameSite=Strict session cookie and
/// the CSRF token that the page's state-changing requests echo in `X-CSRF-Token`.
struct SignInRoutes {
  let workbench: Workbench
  let throttle = SignInThrottle()
  static let cookieName = "replykit_session"
  static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
  /// How long a browser stays signed in.
  static let lifetime: TimeInterval = 12 * 3600

  /// `sign-in` takes no key; `sign-out` and `me` run behind the key or cookie check.
  func register(open router: Router<ReplyRequestContext>, authenticated group: RouterGroup<ReplyRequestContext>) {
    router.post("v1/sign-in", use: signIn)
    router.get("v1/sign-in", use: state)
    group.post("sign-out", use: signOut)
    group.get("me", use: me)
  }

  struct SignInBody: Decodable {
    var tenant: String?
    var agent: String?
    var password: String?
    var key: String?
  }

  struct MeJSON: ResponseEncodable {
    var tenant: String
    var agent: String?
    var name: String?
    /// The agent's skill groups.
    var groups: [String]?
    var admin: Bool
    /// For a signed-in browser: what its state-changing requests send in `X-CSRF-Token`.
    var csrfToken: String?
    var expiresAt: String?
  }

  @Sendable func signIn(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let body = try await RequestBody.decode(SignInBody.self, request, context: context)
    let caller: Caller
    switch (body.key, body.agent, body.password) {
    case (let key?, nil, nil):
      guard let owner = try workbench.engine.store.apiKeyOwner(hash: APIKeys.hash(key)) else { throw Self.failed }
      caller = owner
    case (nil, let agent?, let password?):
      let tenant = body.tenant ?? "default"
      let account = "\(tenant)\u{1F}\(agent)"
      if let wait = throttle.refusal(account) {
        throw APIError(
          .tooManyRequests, .tooManyAttempts, "too many failed sign-ins for this agent: try again later",
          retryAfter: wait)
      }
      let stored = try workbench.engine.store.passwordHash(tenant: tenant, agent: agent)
      guard await Passwords.check(password, against: stored) else {
        throttle.failed(account)
        throw Self.failed
      }
      throttle.succeeded(account)
      caller = Caller(tenant: tenant, agent: agent, isAdmin: false)
    case (nil, nil, _): throw APIError.missing("agent")
    case (nil, _, nil): throw APIError.missing("password")
    default: throw APIError.invalid("send either \"key\" or \"agent\" and \"password\", not both")
    }
    let token = APIKeys.generate()
    let session = WebSession(
      caller: caller, csrfToken: APIKeys.generate(), expiresAt: Date().addingTimeInterval(Self.lifetime))
    try workbench.engine.store.addWebSession(hash: APIKeys.hash(token), session)
    var response = try await me(caller: caller, session: session).response(from: request, context: context)
    response.setCookie(
      Cookie(
        name: Self.cookieName, value: token, maxAge: Int(Self.lifetime), path: "/",
        secure: Self.isSecure(request), httpOnly: true, sameSite: .strict))
    return response
  }

  struct StateJSON: ResponseEncodable {
    var signedIn: Bool
    var me: MeJSON?
  }

  /// Whether this browser is signed in, and as whom: the page asks on loading (200 either way, so that a
  /// signed-out page is not an error).
  @Sendable func state(_ request: Request, context: ReplyRequestContext) async throws -> StateJSON {
    guard let cookie = request.cookies[Self.cookieName], !cookie.value.isEmpty,
      let session = try workbench.engine.store.webSession(hash: APIKeys.hash(cookie.value))
    else { return StateJSON(signedIn: false) }
    return StateJSON(signedIn: true, me: try await me(caller: session.caller, session: session))
  }

  @Sendable func signOut(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    if let cookie = request.cookies[Self.cookieName] {
      try workbench.engine.store.removeWebSession(hash: APIKeys.hash(cookie.value))
    }
    var response = Response(status: .noContent)
    response.setCookie(
      Cookie(
        name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: Self.isSecure(request), httpOnly: true,
        sameSite: .strict))
    return response
  }

  @Sendable func me(_ request: Request, context: ReplyRequestContext) async throws -> MeJSON {
    try await me(caller: try context.caller(), session: context.webSession)
  }

  private func me(caller: Caller, session: WebSession?) async throws -> MeJSON {
    let agent = try caller.agent.flatMap { id in try workbench.engine.store.agent(tenant: caller.tenant, id: id) }
    return MeJSON(
      tenant: caller.tenant, agent: caller.agent, name: agent?.name, groups: agent?.groups, admin: caller.isAdmin,
      csrfToken: session?.csrfToken,
      expiresAt: session.map { ISO8601DateFormatter().string(from: $0.expiresAt) })
  }

  /// The same answer for an unknown agent, a wrong password and an unknown key.
  static let failed = APIError(.unauthorized, .signInFailed, "the agent and password, or the key, were not accepted")

  /// Behind a TLS proxy the cookie is marked Secure.
  static func isSecure(_ request: Request) -> Bool {
    request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
  }
}

/// Failed password sign-ins per agent: after `limit` failures within `window`, the agent's sign-in is refused
/// (429) until the oldest of them is older than the window, whatever the password, so that guessing costs
/// hours rather than seconds. A success clears the count. Keys need no such limit: they are 256 random bits.
final class SignInThrottle: Sendable {
  let limit: Int
  let window: TimeInterval
  private let failures = Mutex<[String: [Date]]>([:])

  init(limit: Int = 5, window: TimeInterval = 15 * 60) {
    self.limit = limit
    self.window = window
  }

  /// Seconds to wait before the next attempt, or nil when one may be made now.
  func refusal(_ account: String, now: Date = Date()) -> Int? {
    failures.withLock { failures in
      let recent = (failures[account] ?? []).filter { now.timeIntervalSince($0) < window }
      failures[account] = recent.isEmpty ? nil : recent
      guard recent.count >= limit, let oldest = recent.first else { return nil }
      return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }
  }

  func failed(_ account: String, now: Date = Date()) {
    failures.withLock { failures in
      // Accounts that never sign in again are forgotten with the rest once the table grows.
      if failures.count > 10_000 {
        failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
      }
      failures[account, default: []].append(now)
    }
  }

  func succeeded(_ account: String) { _ = failures.withLock { $0.removeValue(forKey: account) } }
}
