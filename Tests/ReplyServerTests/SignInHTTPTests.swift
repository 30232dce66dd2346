import Foundation
import HTTPTypes
import Knowledge
import TestSupport
import Testing

@testable import ReplyServer

/// Signing a browser in: a password (scrypt) or a key gives an HttpOnly, SameSite=Strict cookie; cookie requests
/// that change state need the CSRF token; signing out ends the cookie; Bearer keys keep working.
@Suite(.liveServers, .serialized) struct SignInHTTPTests {
  typealias Client = LiveClient

  /// The session cookie's `name=value` from a response's Set-Cookie.
  static func cookie(_ response: JSONResponse) throws -> String {
    let header = try #require(response.headers[.setCookie])
    return String(try #require(header.split(separator: ";").first))
  }

  static func withCookie(_ cookie: String, csrf: String? = nil) -> HTTPFields {
    var headers: HTTPFields = [.cookie: cookie]
    if let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
    return headers
  }

  /// A cheaper scrypt than the standard one, so that the suite's hashes do not hold the test process's threads
  /// (the standard cost is what `replykit agents password` uses, tested in AgentsCommandTests).
  static let cheap = Passwords.Cost(rounds: 1 << 10, blockSize: 8, parallelism: 1)

  static func signIn(_ client: Client, agent: String, password: String) async throws -> JSONResponse {
    try await client.call(
      .post, "/v1/sign-in", json: #"{"tenant": "acme", "agent": "\#(agent)", "password": "\#(password)"}"#)
  }

  @Test func aPasswordSignsInWithAnHttpOnlyStrictCookieAndTheCSRFTokenGuardsChanges() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try fixture.engine.store.setPasswordHash(
      try Passwords.hash("correct horse", cost: Self.cheap), tenant: "acme", agent: "agent-a")
    let stored = try #require(try fixture.engine.store.passwordHash(tenant: "acme", agent: "agent-a"))
    #expect(stored.hasPrefix("scrypt$") && !stored.contains("correct horse"))
    try await fixture.withServer { client in
      let signedIn = try await Self.signIn(client, agent: "agent-a", password: "correct horse")
      #expect(signedIn.status == .ok, "\(signedIn.raw)")
      let setCookie = try #require(signedIn.headers[.setCookie])
      #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
      #expect(signedIn.body["agent"] as? String == "agent-a" && signedIn.body["name"] as? String == "小安")
      #expect(signedIn.body["groups"] as? [String] == ["vip"])
      let csrf = try #require(signedIn.body["csrfToken"] as? String)
      let cookie = try Self.cookie(signedIn)
      // The answer carries no key, and the cookie is not the CSRF token.
      #expect(!signedIn.raw.contains("rk_") || signedIn.raw.contains(csrf))
      #expect(!cookie.contains(csrf))

      let me = try await client.call(.get, "/v1/me", headers: Self.withCookie(cookie))
      #expect(me.status == .ok && me.body["agent"] as? String == "agent-a" && me.body["csrfToken"] as? String == csrf)
      let state = try await client.call(.get, "/v1/sign-in", headers: Self.withCookie(cookie))
      #expect(state.body["signedIn"] as? Bool == true)
      #expect(try await client.call(.get, "/v1/sign-in").body["signedIn"] as? Bool == false)
      // Reading needs no token; a change without it (or with another) is refused, and nothing changes.
      #expect(
        try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))", headers: Self.withCookie(cookie)).status
          == .ok)
      for token in [nil, "rk_not-the-token"] {
        let refused = try await client.call(
          .put, "/v1/agents/me/status", json: #"{"status": "online"}"#, headers: Self.withCookie(cookie, csrf: token))
        #expect(refused.status == .forbidden && refused.errorCode == "csrf_token", "\(refused.raw)")
      }
      let team = try await client.call(.get, "/v1/agents/status", key: fixture.admin)
      let agents = team.body["agents"] as? [[String: Any]] ?? []
      #expect(agents.first { $0["agent"] as? String == "agent-a" }?["status"] as? String == "offline")
      #expect(agents.first { $0["agent"] as? String == "agent-a" }?["name"] as? String == "小安")
      let changed = try await client.call(
        .put, "/v1/agents/me/status", json: #"{"status": "online"}"#, headers: Self.withCookie(cookie, csrf: csrf))
      #expect(changed.status == .ok && changed.body["status"] as? String == "online")

      // Signing out ends the cookie for good, whatever the browser does with it.
      let out = try await client.call(.post, "/v1/sign-out", headers: Self.withCookie(cookie, csrf: csrf))
      #expect(out.status == .noContent)
      #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
      let after = try await client.call(.get, "/v1/me", headers: Self.withCookie(cookie))
      #expect(after.status == .unauthorized)
    }
  }

  @Test func wrongPasswordsUnknownAgentsAndBadKeysAreRefusedAlike() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try fixture.engine.store.setPasswordHash(
      try Passwords.hash("correct horse", cost: Self.cheap), tenant: "acme", agent: "agent-a")
    try await fixture.withServer { client in
      let wrong = try await Self.signIn(client, agent: "agent-a", password: "wrong horse")
      let unknown = try await Self.signIn(client, agent: "nobody", password: "correct horse")
      let noPassword = try await Self.signIn(client, agent: "agent-b", password: "correct horse")
      let badKey = try await client.call(.post, "/v1/sign-in", json: #"{"key": "rk_nope"}"#)
      for refused in [wrong, unknown, noPassword, badKey] {
        #expect(refused.status == .unauthorized && refused.errorCode == "sign_in_failed", "\(refused.raw)")
        #expect(refused.headers[.setCookie] == nil)
        #expect(refused.errorMessage == wrong.errorMessage)
      }
      let missing = try await client.call(.post, "/v1/sign-in", json: #"{"agent": "agent-a"}"#)
      #expect(missing.status == .badRequest && missing.errorMessage?.contains("password") == true)
      let both = try await client.call(
        .post, "/v1/sign-in", json: #"{"agent": "agent-a", "password": "x", "key": "rk_x"}"#)
      #expect(both.status == .badRequest)
      // A key signs a browser in as its owner.
      let byKey = try await client.call(.post, "/v1/sign-in", json: #"{"key": "\#(fixture.admin)"}"#)
      #expect(byKey.status == .ok && byKey.body["admin"] as? Bool == true && byKey.body["tenant"] as? String == "acme")
      // A cookie nobody issued is no sign-in.
      let forged = try await client.call(.get, "/v1/me", headers: [.cookie: "replykit_session=rk_forged"])
      #expect(forged.status == .unauthorized)
    }
    #expect(throws: Passwords.PasswordError.tooShort) { try Passwords.hash("short") }
    #expect(Passwords.verify("anything", against: "plain-text") == false)
  }

  @Test func repeatedWrongPasswordsHoldTheAgentsSignInForAWhile() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    for agent in ["agent-a", "agent-b"] {
      try fixture.engine.store.setPasswordHash(
        try Passwords.hash("correct horse", cost: Self.cheap), tenant: "acme", agent: agent)
    }
    try await fixture.withServer { client in
      for _ in 0..<5 {
        #expect(try await Self.signIn(client, agent: "agent-a", password: "wrong horse").status == .unauthorized)
      }
      // Now even the right password waits; the answer says how long.
      let held = try await Self.signIn(client, agent: "agent-a", password: "correct horse")
      #expect(held.status == .tooManyRequests && held.errorCode == "too_many_attempts", "\(held.raw)")
      let wait = try #require(held.headers[.retryAfter].flatMap { Int($0) })
      #expect(wait > 0 && wait <= 15 * 60)
      #expect(held.headers[.setCookie] == nil)
      // Another agent is not held.
      #expect(try await Self.signIn(client, agent: "agent-b", password: "correct horse").status == .ok)
    }
    // A success clears the count: four failures, a success, four more never reach the limit.
    let throttle = SignInThrottle(limit: 5, window: 60)
    for _ in 0..<4 { throttle.failed("t\u{1F}a") }
    throttle.succeeded("t\u{1F}a")
    for _ in 0..<4 { throttle.failed("t\u{1F}a") }
    #expect(throttle.refusal("t\u{1F}a") == nil)
    throttle.failed("t\u{1F}a")
    #expect(throttle.refusal("t\u{1F}a") != nil)
    // Failures older than the window no longer count.
    #expect(throttle.refusal("t\u{1F}a", now: Date().addingTimeInterval(61)) == nil)
  }

  @Test func aLapsedBrowserSessionIsNoLongerSignedIn() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    let token = APIKeys.generate()
    try fixture.engine.store.addWebSession(
      hash: APIKeys.hash(token),
      WebSession(
        caller: Caller(tenant: "acme", agent: "agent-a", isAdmin: false), csrfToken: "t",
        expiresAt: Date().addingTimeInterval(-1)))
    try await fixture.withServer { client in
      let me = try await client.call(.get, "/v1/me", headers: [.cookie: "replykit_session=\(token)"])
      #expect(me.status == .unauthorized)
    }
  }

  @Test func thePageAndItsFilesAreServedAndTheSimulatorOnlyForTheDemo() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let page = try await client.call(.get, "/")
      #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
      #expect(page.raw.contains("/assets/main.js"))
      let policy = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!])
      #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
      let script = try await client.call(.get, "/assets/suggest-list.js")
      #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
      #expect(script.raw.contains("aria-activedescendant"))
      #expect(try await client.call(.get, "/assets/nothing.js").status == .notFound)
      #expect(try await client.call(.get, "/simulator").status == .notFound)
      #expect(try await client.call(.post, "/demo/sessions", json: #"{"name": "x"}"#).status == .notFound)
    }
    try await fixture.withServer(demo: true) { client in
      #expect(try await client.call(.get, "/simulator").status == .ok)
      let opened = try await client.call(.post, "/demo/sessions", json: #"{"name": "王女士", "channel": "wechat"}"#)
      #expect(opened.status == .ok, "\(opened.raw)")
      let id = try #require(opened.body["session"] as? Int)
      let sent = try await client.call(.post, "/demo/sessions/\(id)/messages", json: #"{"body": "怎么退款"}"#)
      #expect(sent.status == .ok, "\(sent.raw)")
      // The agents see the customer and the message; the list shows the last message under the name.
      let session = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin)
      #expect((session.body["customer"] as? [String: Any])?["name"] as? String == "王女士")
      #expect(session.body["channel"] as? String == "wechat")
      let list = try await client.call(.get, "/v1/sessions?view=queued", key: fixture.admin)
      let listed = (list.body["sessions"] as? [[String: Any]] ?? []).first { $0["id"] as? Int == id }
      #expect((listed?["lastMessage"] as? [String: Any])?["body"] as? String == "怎么退款")
      let seen = try await client.call(.get, "/demo/sessions/\(id)/messages")
      #expect((seen.body["messages"] as? [[String: Any]] ?? []).contains { $0["body"] as? String == "怎么退款" })
      let blank = try await client.call(.post, "/demo/sessions", json: #"{"name": "  "}"#)
      #expect(blank.status == .badRequest && blank.errorMessage?.contains("name") == true)
    }
  }

  @Test func aTransferKeepsItsReasonAndAgentsUpdateCustomersTheyDidNotAdd() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let opened = try await client.call(
        .post, "/v1/sessions", key: fixture.admin, json: #"{"customer": {"id": "c-9", "name": "老周"}}"#)
      let id = try #require(opened.body["id"] as? Int)
      #expect(try await client.call(.post, "/v1/sessions/\(id)/assign", key: fixture.agentA).status == .ok)
      let moved = try await client.call(
        .post, "/v1/sessions/\(id)/transfer", key: fixture.agentA, json: #"{"agent": "agent-b", "note": "懂物流"}"#)
      #expect(moved.status == .ok, "\(moved.raw)")
      let events = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin).body["events"]
      let transfer = (events as? [[String: Any]] ?? []).first { $0["kind"] as? String == "transferred" }
      #expect(transfer?["note"] as? String == "懂物流" && transfer?["toAgent"] as? String == "agent-b")

      let updated = try await client.call(
        .put, "/v1/customers/c-9", key: fixture.agentB, json: #"{"name": "周先生", "level": "VIP"}"#)
      #expect(updated.status == .ok && updated.body["name"] as? String == "周先生", "\(updated.raw)")
      let added = try await client.call(.put, "/v1/customers/c-new", key: fixture.agentB, json: #"{"name": "新客"}"#)
      #expect(added.status == .forbidden)
      #expect(try await client.call(.get, "/v1/customers/c-new", key: fixture.admin).status == .notFound)
    }
  }
}
