import Foundation
import TestSupport
import Testing

/// The tenant's automatic messages on a real server: greeting, queue position, wait notice, idle reminder and
/// closing, filled like replies and sent as `system` messages through the outbox.
@Suite(.liveServers, .serialized) struct AutoReplyHTTPTests {
  typealias Client = LiveClient

  static func messages(_ client: Client, _ fixture: ServerFixture, _ id: Int) async throws -> [String] {
    let response = try await client.call(.get, "/v1/sessions/\(id)/messages", key: fixture.admin)
    return (response.body["messages"] as? [[String: Any]] ?? []).filter { $0["sender"] as? String == "system" }
      .compactMap { $0["body"] as? String }
  }

  /// Waits until the session's system messages satisfy `done` (the sweeper runs once a second), at most a minute:
  /// a hang guard, not a pace (beside the whole suite on two cores a beat has come more than ten seconds late).
  static func eventually(
    _ client: Client, _ fixture: ServerFixture, _ id: Int, _ done: ([String]) -> Bool
  ) async throws -> [String] {
    let deadline = ContinuousClock.now + .seconds(60)
    var seen = try await messages(client, fixture, id)
    while !done(seen) && ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(100))
      seen = try await messages(client, fixture, id)
    }
    return seen
  }

  @Test func greetingQueuePositionAndClosingReachTheOutbox() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let set = try await client.call(
        .put, "/v1/auto-replies", key: fixture.admin,
        json: """
          {"greeting": {"zh": "{{visitor.name|您}}好，欢迎咨询", "default": "Hello {{visitor.name|there}}"},
           "queue": {"default": "You are number {{queue.position}} in line"},
           "closing": {"default": "Goodbye from {{agent.name|us}}"},
           "greeting_unknown_field_is_ignored": true}
          """)
      #expect(set.status == .ok, "\(set.raw)")
      #expect(set.body["queueStep"] as? Int == 1)
      _ = try await client.call(.put, "/v1/routing-settings", key: fixture.admin, json: #"{"maxSessions": 1}"#)
      let first = try await SessionHTTPTests.openSession(
        client, fixture, customer: ["id": "c-1", "name": "小王", "language": "zh-Hans"])
      let second = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-2", "language": "en"])
      #expect(try await Self.messages(client, fixture, first) == ["小王好，欢迎咨询", "You are number 1 in line"])
      #expect(try await Self.messages(client, fixture, second) == ["Hello there", "You are number 2 in line"])
      // agent-b takes the first: the second moves up and hears it.
      _ = try await client.call(.put, "/v1/agents/me/status", key: fixture.agentB, json: #"{"status": "online"}"#)
      #expect(
        try await Self.messages(client, fixture, second) == [
          "Hello there", "You are number 2 in line", "You are number 1 in line",
        ])
      // The end sends the closing message, named for the agent; the channel finds them all in the outbox.
      #expect(try await client.call(.post, "/v1/sessions/\(first)/end", key: fixture.agentB).status == .ok)
      #expect(try await Self.messages(client, fixture, first).last == "Goodbye from agent-b")
      let outbox = try await client.call(.get, "/v1/outbox", key: fixture.admin)
      let sent = (outbox.body["entries"] as? [[String: Any]] ?? []).compactMap {
        ($0["message"] as? [String: Any])?["body"] as? String
      }
      #expect(sent.contains("Goodbye from agent-b") && sent.contains("You are number 1 in line"), "\(outbox.raw)")
      // Automatic messages are not the conversation's activity.
      let session = try await client.call(.get, "/v1/sessions/\(second)", key: fixture.admin)
      #expect(session.body["lastMessageAt"] == nil)
    }
  }

  @Test func aWaitNoticeAnIdleReminderAndTheTimeoutsClosing() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      _ = try await client.call(
        .put, "/v1/session-settings", key: fixture.admin, json: #"{"alarmAfterSeconds": 30, "idleTimeoutSeconds": 600}"#
      )
      let set = try await client.call(
        .put, "/v1/auto-replies", key: fixture.admin,
        json: """
          {"waitNotice": {"default": "Sorry for the wait"}, "idleReminder": {"default": "Are you still there?"},
           "idleReminderSeconds": 120, "closing": {"default": "This chat has ended"}}
          """)
      #expect(set.status == .ok, "\(set.raw)")
      let id = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-1"])
      #expect(try await SessionHTTPTests.assign(client, id, key: fixture.agentA).status == .ok)
      _ = try await client.call(
        .post, "/v1/sessions/\(id)/messages", key: fixture.admin,
        json: SessionHTTPTests.body(["sender": "customer", "body": "在吗"]))
      fixture.clock.advance(by: 31)
      #expect(
        try await Self.eventually(client, fixture, id) { $0.contains("Sorry for the wait") } == ["Sorry for the wait"])
      // 600 - 120 seconds after the last message: the reminder, once.
      fixture.clock.advance(by: 450)
      let reminded = try await Self.eventually(client, fixture, id) { $0.contains("Are you still there?") }
      #expect(reminded == ["Sorry for the wait", "Are you still there?"])
      // The idle timeout ends the session (the reminder did not count as activity), with the closing message.
      fixture.clock.advance(by: 121)
      let closed = try await Self.eventually(client, fixture, id) { $0.contains("This chat has ended") }
      #expect(closed == ["Sorry for the wait", "Are you still there?", "This chat has ended"])
      let session = try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin)
      #expect(session.body["state"] as? String == "ended" && session.body["endReason"] as? String == "timeout")
    }
  }

  @Test func badTemplatesNameTheirFieldAndUnfillableOnesAreNotSent() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      for (body, field) in [
        (#"{"greeting": {"not a tag": "hi"}}"#, "greeting.not a tag"),
        (#"{"queue": {"default": "number {{queue.place}}"}}"#, "queue.default"),
        (#"{"closing": {"en": "  "}}"#, "closing.en"), (#"{"queueStep": 0}"#, "queueStep"),
        (#"{"idleReminderSeconds": 5}"#, "idleReminderSeconds"),
      ] {
        let refused = try await client.call(.put, "/v1/auto-replies", key: fixture.admin, json: body)
        #expect(refused.status == .badRequest, "\(body): \(refused.raw)")
        #expect(refused.errorMessage?.contains(#"field "\#(field)""#) == true, "\(body): \(refused.raw)")
      }
      #expect(
        try await client.call(.put, "/v1/auto-replies", key: fixture.agentA, json: #"{"queueStep": 2}"#).status
          == .forbidden)
      // A variable this customer has no value for, and no fallback: the greeting is left out, never sent raw.
      let set = try await client.call(
        .put, "/v1/auto-replies", key: fixture.admin,
        json: #"{"greeting": {"default": "Your code: {{visitor.vip_code}}"}}"#)
      #expect(set.status == .ok)
      let plain = try await SessionHTTPTests.openSession(client, fixture, customer: ["id": "c-1"])
      #expect(try await Self.messages(client, fixture, plain).isEmpty)
      let member = try await SessionHTTPTests.openSession(
        client, fixture, customer: ["id": "c-2", "attributes": ["vip_code": "V-42"]])
      #expect(try await Self.messages(client, fixture, member) == ["Your code: V-42"])
    }
  }
}
