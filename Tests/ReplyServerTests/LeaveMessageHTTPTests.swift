import Foundation
import TestSupport
import Testing

/// Left messages (留言) and business hours on a real server.
@Suite(.liveServers, .serialized) struct LeaveMessageHTTPTests {
  @Test func aWaitingCustomerLeavesAMessageAndAnAgentAnswersIt() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let id = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-1", "channel": "wechat"])
      // Nobody is online: the channel should offer to leave a message.
      let waiting = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin)
      #expect(waiting.body["leaveMessage"] as? String == "no_agent_online")
      let left = try await client.call(
        .post, "/v1/leave-messages", key: fixture.admin,
        json: #"{"session": \#(id), "text": "明天再联系我，关于退款", "contact": {"phone": "13800000000"}}"#)
      #expect(left.status == .created, "\(left.raw)")
      let messageId = try #require(left.body["id"] as? Int)
      #expect(left.body["state"] as? String == "open" && left.body["channel"] as? String == "wechat")
      let session = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin)
      #expect(session.body["state"] as? String == "ended" && session.body["endReason"] as? String == "left-message")
      // Agents list the open ones; one claims it, another cannot.
      let open = try await client.call(.get, "/v1/leave-messages?view=open", key: fixture.agentA)
      #expect((open.body["leaveMessages"] as? [[String: Any]])?.map { $0["id"] as? Int } == [messageId])
      #expect(try await client.call(.post, "/v1/leave-messages/\(messageId)/claim", key: fixture.agentA).status == .ok)
      let taken = try await client.call(.post, "/v1/leave-messages/\(messageId)/claim", key: fixture.agentB)
      #expect(taken.status == .conflict)
      let replyByOther = try await client.call(
        .post, "/v1/leave-messages/\(messageId)/reply", key: fixture.agentB, json: #"{"body": "你好"}"#)
      #expect(replyByOther.status == .conflict)
      let mine = try await client.call(.get, "/v1/leave-messages?view=mine", key: fixture.agentA)
      #expect((mine.body["leaveMessages"] as? [[String: Any]])?.count == 1)
      // A note, a reply through the outbox to the customer's channel, then closed: each a step.
      #expect(
        try await client.call(
          .post, "/v1/leave-messages/\(messageId)/notes", key: fixture.agentA, json: #"{"body": "VIP，优先处理"}"#
        ).status == .ok)
      let replied = try await client.call(
        .post, "/v1/leave-messages/\(messageId)/reply", key: fixture.agentA, json: #"{"body": "您好，退款已处理"}"#)
      #expect(replied.status == .ok, "\(replied.raw)")
      let outbox = try await client.call(.get, "/v1/outbox?channel=wechat", key: fixture.admin)
      #expect(outbox.raw.contains("您好，退款已处理"))
      let closed = try await client.call(.post, "/v1/leave-messages/\(messageId)/close", key: fixture.agentA)
      #expect(closed.body["state"] as? String == "closed")
      let steps = (closed.body["steps"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
      #expect(steps == ["created", "claimed", "noted", "replied", "closed"])
      // In the customer's contact history beside its sessions.
      let history = try await client.call(.get, "/v1/leave-messages?view=all&customer=c-1", key: fixture.agentB)
      #expect((history.body["leaveMessages"] as? [[String: Any]])?.count == 1)
      // An ended session takes no left message.
      let again = try await client.call(
        .post, "/v1/leave-messages", key: fixture.admin, json: #"{"session": \#(id), "text": "还在吗"}"#)
      #expect(again.status == .conflict)
    }
  }

  @Test func businessHoursDecideTheOfferAndBadHoursNameTheirField() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      #expect(try await client.call(.get, "/v1/business-hours", key: fixture.admin).status == .notFound)
      for (body, field) in [
        (#"{"timeZone": "Mars/Olympus", "weekly": {}}"#, "timeZone"),
        (#"{"timeZone": "UTC", "weekly": {"mon": ["9:00-18:00"]}}"#, "weekly.mon"),
        (#"{"timeZone": "UTC", "weekly": {"mon": ["09:00-12:00", "11:00-18:00"]}}"#, "weekly.mon"),
        (#"{"timeZone": "UTC", "weekly": {"funday": ["09:00-18:00"]}}"#, "weekly.funday"),
        (#"{"timeZone": "UTC", "weekly": {}, "holidays": ["2026-02-30"]}"#, "holidays[0]"),
      ] {
        let refused = try await client.call(.put, "/v1/business-hours", key: fixture.admin, json: body)
        #expect(refused.status == .badRequest, "\(body): \(refused.raw)")
        #expect(refused.errorMessage?.contains(#"field "\#(field)""#) == true, "\(body): \(refused.raw)")
      }
      // Open all week except today, a holiday: a waiting customer is offered to leave a message even with an
      // agent online.
      let today = ISO8601DateFormatter.string(
        from: fixture.clock.now, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
      let week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map { "\"\($0)\": [\"00:00-24:00\"]" }
      let set = try await client.call(
        .put, "/v1/business-hours", key: fixture.admin,
        json: #"{"timeZone": "UTC", "weekly": {\#(week.joined(separator: ", "))}, "holidays": ["\#(today)"]}"#)
      #expect(set.status == .ok && set.body["openNow"] as? Bool == false, "\(set.raw)")
      _ = try await client.call(.put, "/v1/routing-settings", key: fixture.admin, json: #"{"maxSessions": 0}"#)
      _ = try await client.call(.put, "/v1/agents/me/status", key: fixture.agentB, json: #"{"status": "online"}"#)
      let id = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-2"])
      #expect(
        try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin).body["leaveMessage"] as? String
          == "outside_hours")
      // Not a holiday any more: open, and an agent is online (at its limit): no offer.
      _ = try await client.call(
        .put, "/v1/business-hours", key: fixture.admin,
        json: #"{"timeZone": "UTC", "weekly": {\#(week.joined(separator: ", "))}}"#)
      #expect(try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin).body["leaveMessage"] == nil)
    }
  }
}
