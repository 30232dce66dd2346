import Foundation
import TestSupport
import Testing

@testable import ReplyServer

/// Rules openapi.yaml states and schemathesis (tools/apicheck) holds the server to, each pinned here where it
/// is quick to run: what is 400 (wrong whatever the data holds) and what is 422 (names what is not there), a
/// null that is a field left out, and limits counted as JSON Schema counts them (Unicode scalars).
@Suite(.liveServers) struct SpecRulesTests {
  @Test func wellFormedRequestsNamingWhatIsNotThereAre422() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-rules"])
      // An administrator's key must name the agent to assign; an agent's key takes the session for itself.
      let noAgent = try await client.call(.post, "/v1/sessions/\(id)/assign", key: fixture.admin, json: "{}")
      #expect(noAgent.status == .unprocessableContent && noAgent.errorCode == "missing_field", "\(noAgent.raw)")
      let group = try await client.call(
        .post, "/v1/sessions/\(id)/transfer", key: fixture.admin, json: #"{"group":"nobody"}"#)
      #expect(group.status == .unprocessableContent && group.errorCode == "unknown_group")
      let render = try await client.call(
        .post, "/v1/sessions/\(id)/render", key: fixture.agentA, json: #"{"suggestion":"qr-none"}"#)
      #expect(render.status == .unprocessableContent && render.errorCode == "unknown_suggestion")
      // A suggestion that is not an item id is refused even when the body makes it unread.
      let malformed = try await client.call(
        .post, "/v1/sessions/\(id)/render", key: fixture.agentA, json: #"{"body":"hi","suggestion":"a\u007fb"}"#)
      #expect(malformed.status == .badRequest && malformed.errorMessage?.contains("suggestion") == true)
      let noURL = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.admin,
        json:
          #"{"sender":"customer","kind":"file","attachments":[{"name":"a.pdf","type":"application/pdf","size":1,"url":""}]}"#
      )
      #expect(noURL.status == .badRequest && noURL.errorMessage?.contains("url") == true, "\(noURL.raw)")
      let sameTerm = try await client.call(
        .post, "/v1/synonyms", key: fixture.admin, json: #"{"terms":["退款"," 退款 "]}"#)
      #expect(sameTerm.status == .unprocessableContent && sameTerm.errorCode == "too_few_terms")
    }
  }

  @Test func nullIsAFieldLeftOut() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let customer = try await client.call(
        .post, "/v1/customers", key: fixture.admin,
        json: #"{"id":"c-null","name":null,"tags":null,"attributes":null,"channel":null}"#)
      #expect(customer.status == .created, "\(customer.raw)")
      #expect(customer.body["channel"] as? String == "web")
      let session = try await client.call(
        .post, "/v1/sessions", key: fixture.admin, json: #"{"customer":"c-null","group":null,"channel":null}"#)
      #expect(session.status == .created, "\(session.raw)")
      let item = try await client.call(
        .post, "/v1/bot-knowledge", key: fixture.admin,
        json: #"{"id":"bot-null","question":"怎么退款","answer":"在订单页申请。","similar":null,"variants":null}"#)
      #expect(item.status == .created, "\(item.raw)")
    }
  }

  @Test func limitsAreCountedAsTheSchemaCounts() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      // 100 letters with a combining mark each: 100 characters to Swift, 200 Unicode scalars to JSON Schema.
      let marked = String(repeating: "e\u{301}", count: 100)
      let fits = try await client.call(
        .post, "/v1/customers", key: fixture.admin, json: SessionHTTPTests.body(["id": marked]))
      #expect(fits.status == .created, "\(fits.raw)")
      let over = try await client.call(
        .post, "/v1/customers", key: fixture.admin, json: SessionHTTPTests.body(["id": marked + "e"]))
      #expect(over.status == .badRequest)
      let settings = try await client.call(
        .put, "/v1/session-settings", key: fixture.admin, json: #"{"alarmAfterSeconds":86401,"idleTimeoutSeconds":60}"#)
      #expect(settings.status == .badRequest && settings.errorMessage?.contains("alarmAfterSeconds") == true)
      let blankName = try await client.call(
        .post, "/v1/session-groups", key: fixture.agentA, json: #"{"name":"\f\n","filter":{}}"#)
      #expect(blankName.status == .badRequest && blankName.errorMessage?.contains("name") == true)
      let noSources = try await client.call(.get, "/v1/suggest?q=%E9%80%80&sources=", key: fixture.agentA)
      #expect(noSources.status == .badRequest && noSources.errorMessage?.contains("sources") == true)
      // Every parameter is checked, also when the answer is empty anyway.
      let history = try await client.call(.get, "/v1/history?customer=nobody&q=x&from=", key: fixture.admin)
      #expect(history.status == .badRequest && history.errorMessage?.contains("from") == true)
    }
  }
}
