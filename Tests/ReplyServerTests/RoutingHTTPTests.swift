import Foundation
import Knowledge
import ReplyServer
import Sessions
import TestSupport
import Testing
import Workbench

/// Agent status, capacity and routing on a real server: queued sessions reach online agents of their group
/// with room, the least loaded first, then the one given a session longest ago.
@Suite(.liveServers, .serialized) struct RoutingHTTPTests {
  typealias Client = LiveClient

  static func open(
    _ client: Client, _ fixture: ServerFixture, _ customer: String, group: String? = nil, level: String? = nil
  )
    async throws -> [String: Any]
  {
    var request: [String: Any] = ["customer": ["id": customer, "level": level ?? "normal"]]
    if let group { request["group"] = group }
    let response = try await client.call(
      .post, "/v1/sessions", key: fixture.admin, json: SessionHTTPTests.body(request))
    #expect(response.status == .created, "\(response.raw)")
    return response.body
  }

  static func session(_ client: Client, _ fixture: ServerFixture, _ id: Int) async throws -> [String: Any] {
    try await client.call(.get, "/v1/sessions/\(id)", key: fixture.admin).body
  }

  static func status(_ client: Client, key: String, _ status: String) async throws -> JSONResponse {
    try await client.call(.put, "/v1/agents/me/status", key: key, json: #"{"status": "\#(status)"}"#)
  }

  static func team(_ client: Client, _ fixture: ServerFixture) async throws -> [String: [String: Any]] {
    let agents = try await client.call(.get, "/v1/agents/status", key: fixture.agentB).body["agents"]
    return Dictionary(
      uniqueKeysWithValues: (agents as? [[String: Any]] ?? []).map { ($0["agent"] as? String ?? "", $0) })
  }

  @Test func queuedSessionsGoToOnlineAgentsOfTheirGroupWithRoom() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let settings = try await client.call(
        .put, "/v1/routing-settings", key: fixture.admin, json: #"{"maxSessions": 2}"#)
      #expect(settings.status == .ok && settings.body["maxSessions"] as? Int == 2)
      // Nobody online: both wait, first come first.
      let first = try #require(try await Self.open(client, fixture, "c-1")["id"] as? Int)
      let second = try #require(try await Self.open(client, fixture, "c-2")["id"] as? Int)
      #expect(try await Self.session(client, fixture, first)["queuePosition"] as? Int == 1)
      #expect(try await Self.session(client, fixture, first)["queueReason"] as? String == "no_agent_online")
      #expect(try await Self.session(client, fixture, second)["queuePosition"] as? Int == 2)
      #expect(try await Self.team(client, fixture)["agent-a"]?["status"] as? String == "offline")

      // agent-b comes online and takes both (its limit is 2).
      let online = try await Self.status(client, key: fixture.agentB, "online")
      #expect(online.status == .ok && online.body["load"] as? Int == 2 && online.body["capacity"] as? Int == 2)
      for id in [first, second] {
        let session = try await Self.session(client, fixture, id)
        #expect(session["agent"] as? String == "agent-b" && session["state"] as? String == "active")
        #expect(session["queuePosition"] == nil)
        let events = session["events"] as? [[String: Any]] ?? []
        #expect(events.contains { $0["kind"] as? String == "assigned" && $0["actor"] as? String == "router" })
      }
      // Full: the next one waits, first in its queue.
      let third = try await Self.open(client, fixture, "c-3")
      #expect(third["state"] as? String == "queued" && third["queuePosition"] as? Int == 1)
      let thirdId = try #require(third["id"] as? Int)
      // agent-a comes online: the least loaded takes it.
      #expect(try await Self.status(client, key: fixture.agentA, "online").body["load"] as? Int == 1)
      #expect(try await Self.session(client, fixture, thirdId)["agent"] as? String == "agent-a")
      // A vip session goes to agent-a, the only agent of group vip, opened straight onto it.
      let vip = try await Self.open(client, fixture, "c-4", group: "vip")
      #expect(vip["agent"] as? String == "agent-a" && vip["state"] as? String == "active")
      // agent-a is full; agent-b has no room and is not in vip anyway: the next vip session waits.
      let waiting = try #require(try await Self.open(client, fixture, "c-5", group: "vip")["id"] as? Int)
      #expect(try await Self.session(client, fixture, waiting)["state"] as? String == "queued")
      #expect(try await Self.session(client, fixture, waiting)["queueReason"] as? String == "agents_at_limit")
      // A busy agent keeps its sessions and takes none: ending one leaves the vip session waiting.
      #expect(try await Self.status(client, key: fixture.agentA, "busy").status == .ok)
      let ended = try await client.call(.post, "/v1/sessions/\(thirdId)/end", key: fixture.agentA)
      #expect(ended.status == .ok)
      #expect(try await Self.session(client, fixture, waiting)["state"] as? String == "queued")
      // Online again with room: it takes the vip session at once.
      #expect(try await Self.status(client, key: fixture.agentA, "online").status == .ok)
      #expect(try await Self.session(client, fixture, waiting)["agent"] as? String == "agent-a")
      let team = try await Self.team(client, fixture)
      #expect(team["agent-a"]?["load"] as? Int == 2 && team["agent-b"]?["load"] as? Int == 2)

      // Every change is kept with its time and who made it.
      let changes = try await client.call(.get, "/v1/agents/status-changes?agent=agent-a", key: fixture.admin)
      let statuses = (changes.body["changes"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
      #expect(statuses == ["online", "busy", "online"])
      #expect(try await client.call(.get, "/v1/agents/status-changes", key: fixture.agentA).status == .forbidden)
    }
  }

  @Test func customerLevelsOfTheSettingGoFirst() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      _ = try await client.call(
        .put, "/v1/routing-settings", key: fixture.admin, json: #"{"maxSessions": 1, "priorityLevels": ["gold"]}"#)
      let plain = try #require(try await Self.open(client, fixture, "c-plain")["id"] as? Int)
      let gold = try #require(try await Self.open(client, fixture, "c-gold", level: "gold")["id"] as? Int)
      #expect(try await Self.session(client, fixture, gold)["queuePosition"] as? Int == 1)
      #expect(try await Self.session(client, fixture, plain)["queuePosition"] as? Int == 2)
      let queue = try await client.call(.get, "/v1/sessions?view=queued", key: fixture.admin)
      let listed = queue.body["sessions"] as? [[String: Any]] ?? []
      #expect(Set(listed.compactMap { $0["queuePosition"] as? Int }) == [1, 2])
      // The list says why they wait, and that the channel may offer to leave a message.
      #expect(listed.allSatisfy { $0["queueReason"] as? String == "no_agent_online" })
      #expect(listed.allSatisfy { $0["leaveMessage"] as? String == "no_agent_online" })
      _ = try await Self.status(client, key: fixture.agentB, "online")
      #expect(try await Self.session(client, fixture, gold)["agent"] as? String == "agent-b")
      #expect(try await Self.session(client, fixture, plain)["queuePosition"] as? Int == 1)
    }
  }

  @Test func takingAndTransferringRespectTheLimitUnlessTheAdministratorOverrides() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let capacity = try await client.call(
        .put, "/v1/agents/agent-b/capacity", key: fixture.admin, json: #"{"maxSessions": 1}"#)
      #expect(
        capacity.status == .ok && capacity.body["capacity"] as? Int == 1 && capacity.body["maxSessions"] as? Int == 1)
      let first = try #require(try await Self.open(client, fixture, "c-1")["id"] as? Int)
      let second = try #require(try await Self.open(client, fixture, "c-2")["id"] as? Int)
      #expect(try await SessionHTTPTests.assign(client, first, key: fixture.agentB).status == .ok)
      let full = try await SessionHTTPTests.assign(client, second, key: fixture.agentB)
      #expect(full.status == .conflict && full.errorCode == "at_capacity", "\(full.raw)")
      let agentOverride = try await client.call(
        .post, "/v1/sessions/\(second)/assign", key: fixture.agentB, json: #"{"override": true}"#)
      #expect(agentOverride.status == .forbidden)
      // agent-a hands its session to the full agent-b: refused; the administrator may, and it is recorded.
      #expect(try await SessionHTTPTests.assign(client, second, key: fixture.agentA).status == .ok)
      let transfer = try await client.call(
        .post, "/v1/sessions/\(second)/transfer", key: fixture.agentA, json: #"{"agent": "agent-b"}"#)
      #expect(transfer.status == .conflict && transfer.errorCode == "at_capacity")
      let forced = try await client.call(
        .post, "/v1/sessions/\(second)/transfer", key: fixture.admin, json: #"{"agent": "agent-b", "override": true}"#)
      #expect(forced.status == .ok && forced.body["agent"] as? String == "agent-b")
      let events = try await Self.session(client, fixture, second)["events"] as? [[String: Any]] ?? []
      #expect(events.last?["kind"] as? String == "transferred" && events.last?["note"] as? String == "over capacity")
      // Back to the tenant's limit (5).
      let reset = try await client.call(
        .put, "/v1/agents/agent-b/capacity", key: fixture.admin, json: #"{"maxSessions": null}"#)
      #expect(reset.body["capacity"] as? Int == 5 && reset.body["maxSessions"] == nil)
    }
  }

  @Test func badInputNamesTheField() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let status = try await Self.status(client, key: fixture.agentA, "sleeping")
      #expect(status.status == .badRequest && status.errorMessage?.contains(#"field "status""#) == true)
      let negative = try await client.call(
        .put, "/v1/agents/agent-a/capacity", key: fixture.admin, json: #"{"maxSessions": -1}"#)
      #expect(negative.status == .badRequest && negative.errorMessage?.contains(#"field "maxSessions""#) == true)
      for (body, field) in [
        (#"{"maxSessions": -2}"#, "maxSessions"), (#"{"offlineAfterSeconds": 5}"#, "offlineAfterSeconds"),
        (#"{"priorityLevels": ["vip", "vip"]}"#, "priorityLevels"), (#"{"priorityLevels": [""]}"#, "priorityLevels"),
      ] {
        let refused = try await client.call(.put, "/v1/routing-settings", key: fixture.admin, json: body)
        #expect(
          refused.status == .badRequest && refused.errorMessage?.contains(#"field "\#(field)""#) == true, "\(body)")
      }
      #expect(try await client.call(.get, "/v1/routing-settings", key: fixture.admin).body["maxSessions"] as? Int == 5)
      let unknown = try await client.call(
        .put, "/v1/agents/nobody/status", key: fixture.admin, json: #"{"status": "online"}"#)
      #expect(unknown.status == .unprocessableContent && unknown.errorCode == "unknown_agent")
      let other = try await client.call(
        .put, "/v1/agents/agent-b/status", key: fixture.agentA, json: #"{"status": "online"}"#)
      #expect(other.status == .forbidden)
      #expect(try await Self.status(client, key: fixture.admin, "online").status == .forbidden)
      let agentSettings = try await client.call(
        .put, "/v1/routing-settings", key: fixture.agentA, json: #"{"maxSessions": 9}"#)
      #expect(agentSettings.status == .forbidden)
    }
  }

  /// Many sessions, agents coming online and ending sessions at once, customers leaving while routing runs:
  /// every session is assigned at most once, no agent goes over its limit.
  @Test func concurrentChangesNeverAssignTwiceOrOverTheLimit() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    for agent in ["agent-c", "agent-d"] {
      try fixture.engine.setAgent(Agent(tenant: "acme", id: agent, groups: ["vip"]))
    }
    let keys = try ["agent-a", "agent-b", "agent-c", "agent-d"].map {
      try APIKeys.create(for: .init(tenant: "acme", agent: $0, isAdmin: false), in: fixture.engine.store)
    }
    try await fixture.withServer { client in
      _ = try await client.call(.put, "/v1/routing-settings", key: fixture.admin, json: #"{"maxSessions": 3}"#)
      var ids: [Int] = []
      for index in 0..<30 {
        ids.append(
          try #require(
            try await Self.open(client, fixture, "c-\(index)", group: index % 2 == 0 ? "vip" : nil)["id"] as? Int))
      }
      // Four agents come online while customers of ten sessions leave.
      try await withThrowingTaskGroup(of: Void.self) { group in
        for key in keys {
          group.addTask {
            let online = try await Self.status(client, key: key, "online")
            #expect(online.status == .ok)
          }
        }
        for id in ids.prefix(10) {
          group.addTask {
            let left = try await client.call(
              .post, "/v1/sessions/\(id)/end", key: fixture.admin, json: #"{"reason": "customer"}"#)
            #expect(left.status == .ok)
          }
        }
        try await group.waitForAll()
      }
      // Then each agent ends one of its sessions at the same moment.
      let active = try await client.call(.get, "/v1/sessions?view=active&per_page=100", key: fixture.admin)
      var byAgent: [String: Int] = [:]
      for session in active.body["sessions"] as? [[String: Any]] ?? [] {
        if let agent = session["agent"] as? String, let id = session["id"] as? Int { byAgent[agent] = id }
      }
      try await withThrowingTaskGroup(of: Void.self) { group in
        for (agent, id) in byAgent {
          let key = keys[["agent-a", "agent-b", "agent-c", "agent-d"].firstIndex(of: agent)!]
          group.addTask {
            let ended = try await client.call(.post, "/v1/sessions/\(id)/end", key: key)
            #expect(ended.status == .ok)
          }
        }
        try await group.waitForAll()
      }
      for (agent, presence) in try await Self.team(client, fixture) {
        #expect((presence["load"] as? Int ?? 99) <= 3, "\(agent)")
      }
      let team = try await Self.team(client, fixture)
      let full = { (agent: String) in team[agent]?["load"] as? Int == 3 }
      for id in ids {
        let session = try await Self.session(client, fixture, id)
        let assignments = (session["events"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "assigned" }
        #expect(assignments.count <= 1, "session \(id) assigned \(assignments.count) times")
        guard session["state"] as? String == "queued" else { continue }
        // Whatever still waits has no agent that could take it.
        #expect(session["queuePosition"] as? Int != nil)
        let able = session["group"] as? String == "vip" ? ["agent-a", "agent-c", "agent-d"] : team.keys.sorted()
        #expect(able.allSatisfy(full), "session \(id) waits while an agent has room")
      }
      let activeNow = try await client.call(.get, "/v1/sessions?view=active&per_page=100", key: fixture.admin)
      #expect(team.values.map { $0["load"] as? Int ?? 0 }.reduce(0, +) == activeNow.body["total"] as? Int)
    }
  }

  /// After a restart the queue is routed without a request; an agent whose live stream has been gone longer
  /// than the setting is set offline by the service, one with a stream stays.
  @Test func aRestartRoutesTheQueueAndAgentsWithoutAStreamGoOffline() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    let admin = Caller(tenant: "acme", agent: nil, isAdmin: true)
    let session = try fixture.workbench.openSession(
      customer: .upsert(Customer(id: "c-1")), channel: nil, group: nil, by: admin)
    // The status is written, but the service stops before it routes.
    _ = try fixture.workbench.sessions.setAgentStatus(.online, agent: "agent-a", tenant: "acme", actor: "agent-a")
    #expect(try fixture.workbench.sessions.session(tenant: "acme", id: session.id)?.state == .queued)
    let restarted = try Workbench(engine: fixture.engine, dataFolder: fixture.folder.path, clock: fixture.clock)
    try restarted.sweepRouting()
    #expect(try restarted.sessions.session(tenant: "acme", id: session.id)?.agent == "agent-a")

    _ = try restarted.setRoutingSettings(RoutingSettings(offlineAfterSeconds: 30), by: admin)
    _ = try restarted.setStatus(.online, agent: "agent-b", by: Caller(tenant: "acme", agent: "agent-b", isAdmin: false))
    let stream = restarted.events.subscribe(.init(tenant: "acme", agent: "agent-b", groups: [], isAdmin: false))
    try restarted.sweepRouting()
    fixture.clock.advance(by: 31)
    try restarted.sweepRouting()
    let team = Dictionary(uniqueKeysWithValues: try restarted.team(tenant: "acme").map { ($0.agent, $0) })
    #expect(team["agent-a"]?.status == .offline)
    #expect(team["agent-b"]?.status == .online)
    let changes = try restarted.sessions.statusChanges(tenant: "acme", agent: "agent-a")
    #expect(changes.last?.status == .offline && changes.last?.actor == "system")
    _ = stream
  }
}
