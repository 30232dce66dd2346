import Foundation
import HTTPTypes
import Knowledge
import NIOCore
import TestSupport
import Testing

/// The agent workbench over a real server on 127.0.0.1: every session action, messages with smart replies and
/// filled suggestions, recall, blocking, lists, history, events, and the error and isolation cases.
@Suite(.liveServers, .serialized) struct SessionHTTPTests {
  /// A JSON body from a dictionary literal.
  static func body(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  /// Opens a session for a new customer (administrator key) and answers its id.
  static func openSession(
    _ client: LiveClient, _ fixture: ServerFixture, customer: [String: Any], group: String? = nil
  ) async throws -> Int {
    var request: [String: Any] = ["customer": customer]
    if let group { request["group"] = group }
    let response = try await client.call(.post, "/v1/sessions", key: fixture.admin, json: body(request))
    #expect(response.status == .created, "\(response.raw)")
    return try #require(response.body["id"] as? Int)
  }

  static func assign(_ client: LiveClient, _ id: Int, key: String) async throws -> JSONResponse {
    try await client.call(.post, "/v1/sessions/\(id)/assign", key: key)
  }

  static func ids(_ response: JSONResponse) -> [Int] {
    (response.body["sessions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
  }

  @Test func queueAssignTransferEndAndSummary() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let vip = try await Self.openSession(
        client, fixture, customer: ["id": "c-1", "name": "王女士", "channel": "wechat", "level": "VIP"], group: "vip")
      let open = try await Self.openSession(client, fixture, customer: ["id": "c-2", "channel": "web"])
      // The queue: agent A is in group vip and sees both; agent B is in no group and sees only the open one.
      #expect(
        Set(Self.ids(try await client.call(.get, "/v1/sessions?view=queued", key: fixture.agentA))) == [vip, open])
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=queued", key: fixture.agentB)) == [open])
      let filtered = try await client.call(.get, "/v1/sessions?view=queued&channel=wechat", key: fixture.agentA)
      #expect(Self.ids(filtered) == [vip])
      let notInGroup = try await Self.assign(client, vip, key: fixture.agentB)
      #expect(notInGroup.status == .forbidden)

      let assigned = try await Self.assign(client, vip, key: fixture.agentA)
      #expect(assigned.status == .ok)
      #expect(assigned.body["state"] as? String == "active")
      #expect(assigned.body["agent"] as? String == "agent-a")
      #expect((assigned.body["customer"] as? [String: Any])?["level"] as? String == "VIP")
      let twice = try await client.call(
        .post, "/v1/sessions/\(vip)/assign", key: fixture.admin, json: Self.body(["agent": "agent-b"]))
      #expect(twice.status == .conflict)
      #expect(twice.errorCode == "invalid_state")
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=active", key: fixture.agentA)) == [vip])
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=active", key: fixture.agentB)).isEmpty)

      // Transfer: an unknown agent is refused naming the field; agent B is not the owner and may not transfer.
      let unknown = try await client.call(
        .post, "/v1/sessions/\(vip)/transfer", key: fixture.agentA, json: Self.body(["agent": "agent-x"]))
      #expect(unknown.status == .unprocessableContent)
      #expect(unknown.errorCode == "unknown_agent")
      #expect(unknown.errorMessage?.contains("agent") == true)
      let notOwner = try await client.call(
        .post, "/v1/sessions/\(vip)/transfer", key: fixture.agentB, json: Self.body(["agent": "agent-b"]))
      #expect(notOwner.status == .forbidden)
      let empty = try await client.call(.post, "/v1/sessions/\(vip)/transfer", key: fixture.agentA, json: "{}")
      #expect(empty.status == .badRequest)
      let moved = try await client.call(
        .post, "/v1/sessions/\(vip)/transfer", key: fixture.agentA, json: Self.body(["agent": "agent-b"]))
      #expect(moved.status == .ok)
      #expect(moved.body["agent"] as? String == "agent-b")

      // Back to a group's queue and taken again; offline and back when the customer writes.
      let requeued = try await client.call(
        .post, "/v1/sessions/\(open)/transfer", key: fixture.admin, json: Self.body(["group": "vip"]))
      #expect(requeued.body["state"] as? String == "queued")
      #expect(requeued.body["agent"] == nil)
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=queued", key: fixture.agentB)).isEmpty)
      #expect(try await Self.assign(client, open, key: fixture.agentA).status == .ok)
      #expect(try await client.call(.post, "/v1/sessions/\(open)/offline", key: fixture.agentA).status == .forbidden)
      let away = try await client.call(.post, "/v1/sessions/\(open)/offline", key: fixture.admin)
      #expect(away.body["state"] as? String == "offline")
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=offline", key: fixture.agentA)) == [open])
      let back = try await client.call(
        .post, "/v1/sessions/\(open)/messages", key: fixture.admin,
        json: Self.body(["sender": "customer", "body": "我回来了"]))
      #expect((back.body["session"] as? [String: Any])?["state"] as? String == "active")
      let handBack = try await client.call(
        .post, "/v1/sessions/\(open)/transfer", key: fixture.agentA, json: Self.body(["agent": "agent-b"]))
      #expect(handBack.status == .ok)

      // Star, end, and the summary afterwards; the history says who did what.
      #expect(try await client.call(.post, "/v1/sessions/\(vip)/star", key: fixture.agentA).status == .forbidden)
      let starred = try await client.call(.post, "/v1/sessions/\(vip)/star", key: fixture.agentB)
      #expect(starred.body["starred"] as? Bool == true)
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=starred", key: fixture.agentB)) == [vip])
      let unstarred = try await client.call(.post, "/v1/sessions/\(vip)/unstar", key: fixture.agentB)
      #expect(unstarred.body["starred"] as? Bool == false)
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=starred", key: fixture.agentB)).isEmpty)
      _ = try await client.call(.post, "/v1/sessions/\(vip)/star", key: fixture.agentB)
      let ended = try await client.call(.post, "/v1/sessions/\(vip)/end", key: fixture.agentB)
      #expect(ended.body["state"] as? String == "ended")
      #expect(ended.body["endReason"] as? String == "agent")
      #expect(try await client.call(.post, "/v1/sessions/\(vip)/end", key: fixture.agentB).status == .conflict)
      let summary = Self.body(["status": "follow-up", "category": "退款", "notes": "明天回电"])
      let written = try await client.call(.put, "/v1/sessions/\(vip)/summary", key: fixture.agentB, json: summary)
      #expect(written.status == .ok)
      #expect((written.body["summary"] as? [String: Any])?["status"] as? String == "follow-up")
      #expect(
        try await client.call(.put, "/v1/sessions/\(vip)/summary", key: fixture.agentA, json: summary).status
          == .forbidden)
      let badStatus = try await client.call(
        .put, "/v1/sessions/\(vip)/summary", key: fixture.agentB, json: Self.body(["status": "done"]))
      #expect(badStatus.status == .badRequest)
      #expect(badStatus.errorMessage?.contains("status") == true)

      let full = try await client.call(.get, "/v1/sessions/\(vip)", key: fixture.agentA)
      let events = try #require(full.body["events"] as? [[String: Any]])
      #expect(
        events.compactMap { $0["kind"] as? String } == [
          "created", "assigned", "transferred", "starred", "unstarred", "starred", "ended", "summary",
        ])
      let transfer = events[2]
      #expect(transfer["fromAgent"] as? String == "agent-a")
      #expect(transfer["toAgent"] as? String == "agent-b")
      #expect(transfer["actor"] as? String == "agent-a")
      // ISO 8601 in UTC with milliseconds.
      #expect((transfer["at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

      // Passive ends: the customer left (administrator key) shows in the agent's ended-passive list; the
      // agent's own end does not.
      let left = try await client.call(
        .post, "/v1/sessions/\(open)/end", key: fixture.admin, json: Self.body(["reason": "customer"]))
      #expect(left.body["endReason"] as? String == "customer")
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=ended-passive", key: fixture.agentB)) == [open])
      let agentTimeout = try await client.call(
        .post, "/v1/sessions/\(open)/end", key: fixture.agentB, json: Self.body(["reason": "timeout"]))
      #expect(agentTimeout.status == .conflict || agentTimeout.status == .forbidden)
    }
  }

  @Test func customerMessagesCarrySmartRepliesAndAgentRepliesFillVariables() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await Self.openSession(client, fixture, customer: ["id": "c-1", "name": "王女士"])
      let question = Self.body(["sender": "customer", "body": "请问怎么申请退款？", "clientId": "m-1"])
      let asked = try await client.call(.post, "/v1/sessions/\(id)/messages", key: fixture.admin, json: question)
      #expect(asked.status == .created, "\(asked.raw)")
      let answers = (asked.body["smartReplies"] as? [String: Any])?["answers"] as? [[String: Any]] ?? []
      #expect((answers.first?["suggestion"] as? [String: Any])?["id"] as? String == "bot-refund")
      // A retry with the same client id answers the stored message and adds none.
      let retry = try await client.call(.post, "/v1/sessions/\(id)/messages", key: fixture.admin, json: question)
      #expect(retry.status == .ok)
      #expect(retry.body["retried"] as? Bool == true)
      #expect(
        (retry.body["message"] as? [String: Any])?["id"] as? Int
          == (asked.body["message"] as? [String: Any])?["id"] as? Int)
      // An agent writes only in the sessions assigned to it; customers' messages need the channel's key.
      let early = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA, json: Self.body(["sender": "agent", "body": "hi"]))
      #expect(early.status == .forbidden)
      let impostor = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA, json: Self.body(["sender": "customer", "body": "x"]))
      #expect(impostor.status == .forbidden)
      #expect(try await Self.assign(client, id, key: fixture.agentA).status == .ok)

      // The session shows the smart replies kept with the customer's message.
      let shown = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.agentA)
      let first = try #require((shown.body["messages"] as? [[String: Any]])?.first)
      #expect((first["smartReplies"] as? [String: Any])?["answers"] is [[String: Any]])

      // A picked quick reply: variables filled from the conversation, the pick logged.
      let pick = Self.body([
        "sender": "agent", "suggestion": "qr-greet", "input": "问候", "shown": ["qr-greet", "qr-refund"],
        "position": 0,
      ])
      let sent = try await client.call(.post, "/v1/sessions/\(id)/messages", key: fixture.agentA, json: pick)
      #expect(sent.status == .created, "\(sent.raw)")
      let message = try #require(sent.body["message"] as? [String: Any])
      #expect(message["body"] as? String == "王女士好，我是小安，会话号\(id)。")
      #expect((message["origin"] as? [String: Any])?["itemId"] as? String == "qr-greet")
      let picks = try fixture.engine.store.picks(tenant: "acme")
      #expect(picks.last?.itemId == "qr-greet")
      #expect(picks.last?.input == "问候")
      #expect(picks.last?.shown == ["qr-greet", "qr-refund"])

      // An unknown variable is reported before sending, and nothing is stored or logged.
      let before = try fixture.workbench.sessions.messageCount(tenant: "acme")
      let bad = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA,
        json: Self.body(["sender": "agent", "suggestion": "qr-code", "input": "会员"]))
      #expect(bad.status == .unprocessableContent)
      #expect(bad.errorCode == "unresolved_variables")
      #expect(bad.errorMessage?.contains("visitor.vip_code") == true)
      #expect(try fixture.workbench.sessions.messageCount(tenant: "acme") == before)
      #expect(try fixture.engine.store.picks(tenant: "acme").count == picks.count)
      let preview = try await client.call(
        .post, "/v1/sessions/\(id)/render", key: fixture.agentA, json: Self.body(["suggestion": "qr-code"]))
      #expect((preview.body["unresolved"] as? [[String: Any]])?.first?["name"] as? String == "visitor.vip_code")
      let unknownItem = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA,
        json: Self.body(["sender": "agent", "suggestion": "qr-nothing"]))
      #expect(unknownItem.status == .unprocessableContent && unknownItem.errorCode == "unknown_suggestion")
      #expect(unknownItem.errorMessage?.contains("suggestion") == true)
      // The pick a reply carries follows the rules of a pick: no control character in an id, a position in range.
      let badShown = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA,
        json: Self.body(["sender": "agent", "suggestion": "qr-code", "shown": ["qr\u{7}"], "position": 0]))
      #expect(badShown.status == .badRequest && badShown.errorMessage?.contains("shown") == true)
      let farPosition = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA,
        json: Self.body(["sender": "agent", "suggestion": "qr-code", "position": 101]))
      #expect(farPosition.status == .badRequest && farPosition.errorMessage?.contains("position") == true)
      // Another agent's personal reply is not a suggestion agent A can send.
      let foreign = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA,
        json: Self.body(["sender": "agent", "suggestion": "qr-b"]))
      #expect(foreign.status == .unprocessableContent)

      // Stored messages are counted in the metrics (a retry is not counted twice).
      let metrics = try await client.call(.get, "/metrics")
      #expect(metrics.raw.contains("replykit_messages_total{sender=\"customer\"}"))
      #expect(metrics.raw.contains("replykit_messages_total{sender=\"agent\"}"))

      // The outbox has the agent's message for the channel.
      let outbox = try await client.call(.get, "/v1/outbox", key: fixture.admin)
      let entries = try #require(outbox.body["entries"] as? [[String: Any]])
      #expect(entries.count == 1)
      let entry = try #require(entries.first?["id"] as? Int)
      #expect(try await client.call(.post, "/v1/outbox/\(entry)/sent", key: fixture.admin).status == .noContent)
      #expect(
        (try await client.call(.get, "/v1/outbox", key: fixture.admin).body["entries"] as? [Any])?.isEmpty == true)
      #expect(try await client.call(.get, "/v1/outbox", key: fixture.agentA).status == .forbidden)

      // Smart replies and suggest for the conversation.
      let smart = try await client.call(
        .post, "/v1/smart-replies", key: fixture.agentA, json: Self.body(["conversation": id]))
      #expect(
        ((smart.body["answers"] as? [[String: Any]])?.first?["suggestion"] as? [String: Any])?["id"] as? String
          == "bot-refund")
      let suggest = try await client.call(
        .get, "/v1/suggest?q=\(percentEncoded("退款"))&conversation=\(id)", key: fixture.agentA)
      #expect(suggest.status == .ok)
      #expect(
        try await client.call(.get, "/v1/suggest?q=x&conversation=999999", key: fixture.agentA).status == .notFound)
    }
  }

  @Test func recallWithinTwoMinutesOnlyOwnMessages() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await Self.openSession(client, fixture, customer: ["id": "c-1"])
      #expect(try await Self.assign(client, id, key: fixture.agentA).status == .ok)
      let customer = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.admin, json: Self.body(["sender": "customer", "body": "在吗"]))
      let customerMessage = try #require((customer.body["message"] as? [String: Any])?["id"] as? Int)
      func send(_ text: String) async throws -> Int {
        let response = try await client.call(
          .post, "/v1/sessions/\(id)/messages", key: fixture.agentA, json: Self.body(["sender": "agent", "body": text]))
        return try #require((response.body["message"] as? [String: Any])?["id"] as? Int)
      }
      let early = try await send("在的")
      let late = try await send("请稍等")

      let recalled = try await client.call(.post, "/v1/messages/\(early)/recall", key: fixture.agentA)
      #expect(recalled.status == .ok)
      #expect(recalled.body["recalled"] as? Bool == true)
      // Another agent's message, and a customer's, cannot be recalled.
      #expect(try await client.call(.post, "/v1/messages/\(late)/recall", key: fixture.agentB).status == .forbidden)
      #expect(
        try await client.call(.post, "/v1/messages/\(customerMessage)/recall", key: fixture.agentA).status
          == .forbidden)
      // After two minutes the window has passed.
      fixture.clock.advance(by: 121)
      let tooLate = try await client.call(.post, "/v1/messages/\(late)/recall", key: fixture.agentA)
      #expect(tooLate.status == .conflict)
      #expect(tooLate.errorCode == "recall_window_passed")
      #expect(try await client.call(.post, "/v1/messages/424242/recall", key: fixture.agentA).status == .notFound)

      // The recalled message keeps its row for the agents and is hidden from the customer's view.
      let agentView = try await client.call(.get, "/v1/sessions/\(id)/messages", key: fixture.agentA)
      let agentIds = (agentView.body["messages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
      #expect(agentIds == [customerMessage, early, late])
      let customerView = try await client.call(.get, "/v1/sessions/\(id)/messages?view=customer", key: fixture.admin)
      let customerIds = (customerView.body["messages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
      #expect(customerIds == [customerMessage, late])
      let unknown = try await client.call(.get, "/v1/sessions/\(id)/messages?view=everyone", key: fixture.admin)
      #expect(unknown.status == .badRequest && unknown.errorMessage == "view must be agent or customer")
    }
  }

  @Test func blockedCustomersAreRefused() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await Self.openSession(client, fixture, customer: ["id": "spam", "name": "广告"])
      let blocked = try await client.call(.post, "/v1/customers/spam/block", key: fixture.agentA)
      #expect(blocked.body["blocked"] as? Bool == true)
      let refused = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.admin, json: Self.body(["sender": "customer", "body": "买吗"]))
      #expect(refused.status == .forbidden)
      #expect(refused.errorCode == "customer_blocked")
      let again = try await client.call(
        .post, "/v1/sessions", key: fixture.admin, json: Self.body(["customer": "spam"]))
      #expect(again.errorCode == "customer_blocked")
      // Updating the customer's details does not unblock it.
      let update = try await client.call(
        .put, "/v1/customers/spam", key: fixture.admin, json: Self.body(["name": "广告2"]))
      #expect(update.body["blocked"] as? Bool == true)
      #expect(try fixture.workbench.sessions.messageCount(tenant: "acme") == 0)
      #expect(try await client.call(.post, "/v1/customers/spam/unblock", key: fixture.agentA).status == .ok)
      let accepted = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.admin, json: Self.body(["sender": "customer", "body": "你好"]))
      #expect(accepted.status == .created)
      #expect(try await client.call(.post, "/v1/customers/nobody/block", key: fixture.admin).status == .notFound)
    }
  }

  @Test func tenantsAreIsolated() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await Self.openSession(client, fixture, customer: ["id": "c-1"])
      #expect(try await Self.assign(client, id, key: fixture.agentA).status == .ok)
      let sent = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.agentA, json: Self.body(["sender": "agent", "body": "您好"]))
      let message = try #require((sent.body["message"] as? [String: Any])?["id"] as? Int)
      let other = fixture.otherAdmin
      let summary = Self.body(["status": "resolved"])
      let attempts: [(HTTPRequest.Method, String, String?)] = [
        (.get, "/v1/sessions/\(id)", nil), (.post, "/v1/sessions/\(id)/assign", Self.body(["agent": "agent-a"])),
        (.post, "/v1/sessions/\(id)/end", nil), (.post, "/v1/sessions/\(id)/star", nil),
        (.put, "/v1/sessions/\(id)/summary", summary),
        (.post, "/v1/sessions/\(id)/messages", Self.body(["sender": "customer", "body": "x"])),
        (.post, "/v1/messages/\(message)/recall", nil), (.post, "/v1/customers/c-1/block", nil),
        (.get, "/v1/customers/c-1", nil),
      ]
      for (method, path, body) in attempts {
        let response = try await client.call(method, path, key: other, json: body)
        #expect(response.status == .notFound, "\(method) \(path): \(response.raw)")
      }
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=active", key: other)).isEmpty)
      let still = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.agentA)
      #expect(still.body["state"] as? String == "active")
      #expect(still.body["starred"] as? Bool == false)
      #expect((still.body["messages"] as? [Any])?.count == 1)
    }
  }

  @Test func listsSortSavedGroupsAndAlarms() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let settings = try await client.call(
        .put, "/v1/session-settings", key: fixture.admin,
        json: Self.body(["alarmAfterSeconds": 60, "idleTimeoutSeconds": 3600]))
      #expect(settings.status == .ok)
      let vip = try await Self.openSession(
        client, fixture, customer: ["id": "vip-1", "level": "VIP", "language": "zh-Hans", "tags": ["回头客"]])
      let plain = try await Self.openSession(client, fixture, customer: ["id": "plain-1", "language": "en"])
      for id in [vip, plain] { #expect(try await Self.assign(client, id, key: fixture.agentA).status == .ok) }
      func say(_ id: Int, _ sender: String, _ text: String) async throws {
        let key = sender == "customer" ? fixture.admin : fixture.agentA
        let response = try await client.call(
          .post, "/v1/sessions/\(id)/messages", key: key, json: Self.body(["sender": sender, "body": text]))
        #expect(response.status == .created)
      }
      // vip: the customer wrote first, the agent last; plain: the customer wrote last.
      try await say(vip, "customer", "我的订单呢")
      try await say(plain, "customer", "hello")
      try await say(vip, "agent", "马上查")
      let byMessage = try await client.call(.get, "/v1/sessions?view=active&sort=last-message", key: fixture.agentA)
      #expect(Self.ids(byMessage) == [vip, plain])
      let byCustomer = try await client.call(
        .get, "/v1/sessions?view=active&sort=last-customer-message", key: fixture.agentA)
      #expect(Self.ids(byCustomer) == [plain, vip])
      let paged = try await client.call(.get, "/v1/sessions?view=active&per_page=1&page=2", key: fixture.agentA)
      #expect(Self.ids(paged) == [plain])
      #expect(paged.body["total"] as? Int == 2)
      #expect(try await client.call(.get, "/v1/sessions?view=everything", key: fixture.agentA).status == .badRequest)
      #expect(try await client.call(.get, "/v1/sessions?sort=oldest", key: fixture.agentA).status == .badRequest)

      // A saved group of VIP customers.
      let saved = try await client.call(
        .post, "/v1/session-groups", key: fixture.agentA,
        json: Self.body(["name": "VIP customers", "filter": ["levels": ["VIP"]]]))
      #expect(saved.status == .created)
      let view = try #require(saved.body["view"] as? String)
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=\(view)", key: fixture.agentA)) == [vip])
      // Agent B cannot see agent A's group.
      #expect(try await client.call(.get, "/v1/sessions?view=\(view)", key: fixture.agentB).status == .notFound)
      let tagged = try await client.call(
        .post, "/v1/session-groups", key: fixture.agentA, json: Self.body(["name": "回头客", "filter": ["tags": ["回头客"]]]))
      let tagView = try #require(tagged.body["view"] as? String)
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=\(tagView)", key: fixture.agentA)) == [vip])

      // After the tenant's limit the waiting customer (plain) raises an alarm; the answered one does not.
      fixture.clock.advance(by: 61)
      let alarms = try await client.call(
        .post, "/v1/session-groups", key: fixture.agentA,
        json: Self.body(["name": "waiting", "filter": ["alarm": true]]))
      let alarmView = try #require(alarms.body["view"] as? String)
      #expect(Self.ids(try await client.call(.get, "/v1/sessions?view=\(alarmView)", key: fixture.agentA)) == [plain])
      let listed = try await client.call(.get, "/v1/sessions?view=active", key: fixture.agentA)
      let flags = (listed.body["sessions"] as? [[String: Any]] ?? []).map { ($0["id"] as? Int, $0["alarm"] as? Bool) }
      #expect(flags.contains { $0.0 == plain && $0.1 == true })
      #expect(flags.contains { $0.0 == vip && $0.1 == false })
      let groups = try await client.call(.get, "/v1/session-groups", key: fixture.agentA)
      #expect((groups.body["groups"] as? [Any])?.count == 3)
      let groupId = try #require(saved.body["id"] as? Int)
      #expect(try await client.call(.delete, "/v1/session-groups/\(groupId)", key: fixture.agentB).status == .notFound)
      #expect(try await client.call(.delete, "/v1/session-groups/\(groupId)", key: fixture.agentA).status == .noContent)
    }
  }

  @Test func historySearchesEndedSessionsInChinese() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let refund = try await Self.openSession(client, fixture, customer: ["id": "c-1"])
      let shipping = try await Self.openSession(client, fixture, customer: ["id": "c-2"])
      let open = try await Self.openSession(client, fixture, customer: ["id": "c-3"])
      for id in [refund, shipping, open] {
        #expect(try await Self.assign(client, id, key: fixture.agentA).status == .ok)
      }
      // Traditional characters in the message; the search is typed in Simplified.
      let messages = [(refund, "我想申請退款，訂單號 A-1001"), (shipping, "快递什么时候到"), (open, "申请退款")]
      for (id, text) in messages {
        let response = try await client.call(
          .post, "/v1/sessions/\(id)/messages", key: fixture.admin,
          json: Self.body(["sender": "customer", "body": text]))
        #expect(response.status == .created)
      }
      for id in [refund, shipping] {
        #expect(try await client.call(.post, "/v1/sessions/\(id)/end", key: fixture.agentA).status == .ok)
      }
      _ = try await client.call(
        .put, "/v1/sessions/\(refund)/summary", key: fixture.agentA, json: Self.body(["status": "resolved"]))

      func history(_ query: String) async throws -> [Int] {
        Self.ids(try await client.call(.get, "/v1/history?\(query)", key: fixture.agentB))
      }
      #expect(try await history("q=\(percentEncoded("申请退款"))") == [refund])
      #expect(try await history("q=\(percentEncoded("订单"))") == [refund])
      #expect(try await history("q=\(percentEncoded("快递"))") == [shipping])
      #expect(try await history("q=\(percentEncoded("退款 快递"))").isEmpty)
      #expect(Set(try await history("")) == [refund, shipping])
      #expect(try await history("status=resolved") == [refund])
      #expect(try await history("agent=agent-b").isEmpty)
      #expect(Set(try await history("agent=agent-a")) == [refund, shipping])
      #expect(try await history("customer=c-2") == [shipping])
      #expect(try await history("from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z").isEmpty)
      #expect(Set(try await history("from=2000-01-01")) == [refund, shipping])
      let badDate = try await client.call(.get, "/v1/history?from=yesterday", key: fixture.agentA)
      #expect(badDate.status == .badRequest)
      #expect(badDate.errorMessage?.contains("from") == true)
      #expect(try await client.call(.get, "/v1/history?q=x", key: fixture.otherAdmin).body["total"] as? Int == 0)
    }
  }

  @Test func malformedRequestsNameTheField() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await Self.openSession(client, fixture, customer: ["id": "c-1"])
      let path = "/v1/sessions/\(id)/messages"
      let malformed = try await client.call(.post, path, key: fixture.admin, json: "{\"sender\": ")
      #expect(malformed.errorCode == "malformed_json")
      let missing = try await client.call(.post, path, key: fixture.admin, json: Self.body(["body": "x"]))
      #expect(missing.errorCode == "missing_field")
      #expect(missing.errorMessage?.contains("sender") == true)
      let wrongType = try await client.call(
        .post, path, key: fixture.admin, json: "{\"sender\": \"customer\", \"body\": 3}")
      #expect(wrongType.status == .badRequest)
      #expect(wrongType.errorMessage?.contains("body") == true)
      let noFile = try await client.call(
        .post, path, key: fixture.admin, json: Self.body(["sender": "customer", "kind": "image"]))
      #expect(noFile.errorMessage?.contains("attachments") == true)
      let image = try await client.call(
        .post, path, key: fixture.admin,
        json: Self.body([
          "sender": "customer", "kind": "image",
          "attachments": [["name": "receipt.png", "type": "image/png", "size": 20480]],
        ]))
      #expect(image.status == .created)
      let noCustomer = try await client.call(
        .post, "/v1/sessions", key: fixture.admin, json: Self.body(["customer": "ghost"]))
      #expect(noCustomer.status == .unprocessableContent && noCustomer.errorCode == "unknown_customer")
      #expect(noCustomer.errorMessage?.contains("customer") == true)
      #expect(
        try await client.call(.post, "/v1/sessions", key: fixture.agentA, json: Self.body(["customer": "c-1"])).status
          == .forbidden)
      let badChannel = try await client.call(
        .post, "/v1/sessions", key: fixture.admin, json: Self.body(["customer": ["id": "c-9", "channel": "fax"]]))
      #expect(badChannel.status == .badRequest)
      #expect(try await client.call(.get, "/v1/sessions/abc", key: fixture.agentA).status == .notFound)
      #expect(try await client.call(.get, "/v1/sessions/99999", key: fixture.agentA).status == .notFound)
      let unknownGroup = try await client.call(
        .post, "/v1/sessions", key: fixture.admin, json: Self.body(["customer": "c-1", "group": "nobody"]))
      #expect(unknownGroup.errorCode == "unknown_group")
      // A saved group's id with more digits than any id has names no group: 404, as an unknown one; a view that
      // is no view at all is 400.
      let hugeGroup = "/v1/sessions?view=group:1727368377200940558668426052"
      #expect(try await client.call(.get, hugeGroup, key: fixture.agentA).status == .notFound)
      #expect(try await client.call(.get, "/v1/sessions?view=group:12", key: fixture.agentA).status == .notFound)
      #expect(try await client.call(.get, "/v1/sessions?view=group:x1", key: fixture.agentA).status == .badRequest)
      // Nothing of the refused requests was stored.
      #expect(try fixture.workbench.sessions.messageCount(tenant: "acme") == 1)
    }
  }

  @Test func liveEventsReachTheAgent() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      // The stream is read as it arrives, on a connection of its own (closed after two minutes: a hang guard).
      let events: HTTPFields = [.authorization: "Bearer \(fixture.agentA)"]
      try await client.http.stream(.get, "/v1/events", headers: events, timeout: .seconds(120)) { head, body in
        #expect(head.status == .ok)
        #expect(head.headerFields[.contentType] == "text/event-stream")
        var received = ""
        /// Reads the stream until it has `marker`.
        func waitFor(_ marker: String) async throws {
          while !received.contains(marker) {
            guard let chunk = try await body.next() else { break }
            received += String(buffer: chunk)
          }
        }
        try await waitFor(": connected")
        // Another tenant's session opens first: had its event reached this stream, it would come before ours.
        let foreign = try await client.call(
          .post, "/v1/sessions", key: fixture.otherAdmin, json: Self.body(["customer": ["id": "c-other-7"]]))
        #expect(foreign.status == .created)
        let id = try await Self.openSession(client, fixture, customer: ["id": "c-1"], group: "vip")
        try await waitFor("event: session.queued\n")
        // Events name their customer, so a leaked one would show its id.
        try await waitFor(#""customerId":"c-1""#)
        #expect(!received.contains("c-other-7"))
        #expect(try await Self.assign(client, id, key: fixture.agentA).status == .ok)
        let posted = try await client.call(
          .post, "/v1/sessions/\(id)/messages", key: fixture.admin,
          json: Self.body(["sender": "customer", "body": "怎么申请退款"]))
        #expect(posted.status == .created)
        try await waitFor("event: message\n")
        try await waitFor("event: smart-replies\n")
        #expect(received.contains("event: session.queued\n") && received.contains("event: smart-replies\n"))
        #expect(received.contains("bot-refund"))
        // The customer waits past the limit: an alarm arrives without polling.
        _ = try await client.call(
          .put, "/v1/session-settings", key: fixture.admin,
          json: Self.body(["alarmAfterSeconds": 5, "idleTimeoutSeconds": 3600]))
        fixture.clock.advance(by: 6)
        try await waitFor("event: alarm\n")
        #expect(received.contains("event: alarm\n"))
        // A waiting customer of group vip leaves a message: agent-a, in vip, hears of it.
        let waiting = try await Self.openSession(client, fixture, customer: ["id": "c-leaves"], group: "vip")
        let left = try await client.call(
          .post, "/v1/leave-messages", key: fixture.admin, json: #"{"session": \#(waiting), "text": "稍后回电"}"#)
        #expect(left.status == .created)
        try await waitFor("event: leave-message\n")
        try await waitFor("稍后回电")
        #expect(received.contains("event: leave-message\n") && received.contains("稍后回电"))
        #expect(received.contains("\"id\":\(id)"))
        #expect(!received.contains("c-other-7"))
      }
    }
  }
}
