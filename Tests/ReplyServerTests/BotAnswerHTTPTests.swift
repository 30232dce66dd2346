import Foundation
import TestSupport
import Testing

/// The bot answering customers by itself on a real server: above the tenant's confidence, while queued or
/// always, named by its knowledge and logged like a pick; a customer asking for a person stops it.
@Suite(.liveServers, .serialized) struct BotAnswerHTTPTests {
  typealias Client = LiveClient

  static func say(_ client: Client, _ fixture: ServerFixture, _ id: Int, _ text: String) async throws {
    let posted = try await client.call(
      .post, "/v1/sessions/\(id)/messages", key: fixture.admin,
      json: SessionHTTPTests.body(["sender": "customer", "body": text]))
    #expect(posted.status == .created, "\(posted.raw)")
  }

  static func botMessages(_ client: Client, _ fixture: ServerFixture, _ id: Int) async throws -> [[String: Any]] {
    let response = try await client.call(.get, "/v1/sessions/\(id)/messages", key: fixture.admin)
    return (response.body["messages"] as? [[String: Any]] ?? []).filter { $0["sender"] as? String == "bot" }
  }

  @Test func theBotAnswersQueuedCustomersAboveTheThresholdAndStopsWhenAPersonIsAskedFor() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-1"])
      // By default the bot never answers.
      try await Self.say(client, fixture, id, "怎么申请退款")
      #expect(try await Self.botMessages(client, fixture, id).isEmpty)

      let set = try await client.call(
        .put, "/v1/bot-settings", key: fixture.admin, json: #"{"mode": "queued", "threshold": 0.5}"#)
      #expect(set.status == .ok && set.body["mode"] as? String == "queued")
      #expect((set.body["personKeywords"] as? [String])?.contains("转人工") == true)
      try await Self.say(client, fixture, id, "怎么申请退款")
      let answers = try await Self.botMessages(client, fixture, id)
      #expect(answers.count == 1)
      #expect(answers.first?["body"] as? String == "在订单详情页点击申请退款即可。")
      let origin = answers.first?["origin"] as? [String: Any]
      #expect(origin?["itemId"] as? String == "bot-refund" && origin?["input"] as? String == "怎么申请退款")
      // Logged like a pick (by the bot), for evaluation to replay; not something `learn` takes as a judgment.
      let picks = try fixture.engine.store.picks(tenant: "acme")
      #expect(picks.contains { $0.agent == "bot" && $0.itemId == "bot-refund" && $0.input == "怎么申请退款" })
      // The channel delivers it.
      let outbox = try await client.call(.get, "/v1/outbox", key: fixture.admin)
      #expect(outbox.raw.contains("在订单详情页点击申请退款即可。"))

      // The customer asks for a person: no more answers from the bot in this session.
      try await Self.say(client, fixture, id, "我要转人工")
      try await Self.say(client, fixture, id, "怎么申请退款")
      #expect(try await Self.botMessages(client, fixture, id).count == 1)

      // Once an agent has the session, `queued` leaves it to the agent; `always` answers there too.
      let other = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-2"])
      #expect(try await SessionHTTPTests.assign(client, other, key: fixture.agentA).status == .ok)
      try await Self.say(client, fixture, other, "怎么申请退款")
      #expect(try await Self.botMessages(client, fixture, other).isEmpty)
      _ = try await client.call(.put, "/v1/bot-settings", key: fixture.admin, json: #"{"mode": "always"}"#)
      try await Self.say(client, fixture, other, "怎么申请退款")
      #expect(try await Self.botMessages(client, fixture, other).count == 1)
      // Below the threshold the bot stays silent.
      _ = try await client.call(.put, "/v1/bot-settings", key: fixture.admin, json: #"{"threshold": 1}"#)
      try await Self.say(client, fixture, other, "退款怎么弄呢")
      #expect(try await Self.botMessages(client, fixture, other).count == 1)
    }
  }

  @Test func badBotSettingsNameTheirField() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      for (body, field) in [
        (#"{"mode": "sometimes"}"#, "mode"), (#"{"threshold": 1.5}"#, "threshold"),
        (#"{"personKeywords": ["人工", " "]}"#, "personKeywords"),
      ] {
        let refused = try await client.call(.put, "/v1/bot-settings", key: fixture.admin, json: body)
        #expect(refused.status == .badRequest, "\(body): \(refused.raw)")
        #expect(refused.errorMessage?.contains(#"field "\#(field)""#) == true, "\(body): \(refused.raw)")
      }
      #expect(
        try await client.call(.put, "/v1/bot-settings", key: fixture.agentA, json: #"{"mode": "always"}"#).status
          == .forbidden)
      #expect(try await client.call(.get, "/v1/bot-settings", key: fixture.agentA).body["mode"] as? String == "never")
    }
  }
}
