import ArgumentParser
import Foundation
import Histogram
import Knowledge
import LoopbackHTTP
import NIOCore
import ReplyServer
import Sessions
import Synchronization
import Workbench

/// `replykit-bench routing`: customers arriving at a `replykit serve` child process on loopback while agents
/// in groups, with limits, take sessions by routing, end them, and go busy, away and back at random. Afterwards
/// the session store is read back: every session must have been assigned exactly once or still be queued with
/// no agent able to take it, and no agent may ever have held more sessions than its limit. Reports the time
/// from a session's opening to its assignment, for the sessions some agent had room for when they arrived.
struct BenchRouting: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "routing", abstract: "Customers arriving to agents with limits over HTTP on loopback; routing checked."
  )

  @Option(help: "Customers arriving (one session each).") var customers = 500
  @Option(help: "Seconds over which they arrive.") var arrivalSeconds: Double = 60
  @Option(help: "Agents, spread over the groups.") var agents = 20
  @Option(help: "Skill groups.") var groups = 3
  @Option(help: "The tenant's limit (every fourth agent has a limit of its own, one less).") var maxSessions = 4
  @Option(help: "How long an agent keeps a session before it ends it, in seconds (uniform from half to 1.5 times).")
  var holdSeconds: Double = 6
  @Option(help: "Kill the server with SIGKILL after this many seconds, then restart it (requests are retried).")
  var killAfter: Double?
  @Option(help: "The port the server listens on (127.0.0.1).") var port = 18_182
  @Option(help: "A data folder to use (default: a new temporary one, removed afterwards).") var data: String?

  func validate() throws {
    guard (1...5_000).contains(customers) else { throw ValidationError("--customers must be from 1 to 5000") }
    guard (1...200).contains(agents), (1...agents).contains(groups) else {
      throw ValidationError("--agents must be from 1 to 200, --groups from 1 to --agents")
    }
    guard (2...100).contains(maxSessions) else { throw ValidationError("--max-sessions must be from 2 to 100") }
    guard arrivalSeconds > 0, arrivalSeconds <= 600, holdSeconds > 0, holdSeconds <= 600 else {
      throw ValidationError("--arrival-seconds and --hold-seconds must be above 0 and at most 600")
    }
  }

  static let tenant = "routing"

  /// What the customers' task tells the agents: whether customers are still arriving, and the sessions opened.
  final class Progress: Sendable {
    let arriving = Atomic<Bool>(true)
    let opened = Mutex<[Int64]>([])
  }

  func run() async throws {
    let folder =
      data
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-routing-\(UUID().uuidString)")
      .path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    print("replykit-bench routing")
    print(
      "customers: \(customers) over \(BenchFormat.fixed(arrivalSeconds, 0)) s  agents: \(agents) in \(groups) groups"
        + "  limit: \(maxSessions) (every fourth agent \(maxSessions - 1))  hold: \(BenchFormat.fixed(holdSeconds, 1)) s"
    )
    let (admin, keys) = try await prepare(folder: folder)
    let server = ServerProcess(folder: folder, port: port)
    try await server.start()
    defer { server.stop() }
    let client = LoopbackHTTPClient(port: port, timeout: .seconds(30))
    let load = LoadRun(
      client: client, admin: admin, agentKeys: keys, questions: [],
      deadline: .now + .seconds(arrivalSeconds * 3 + 120))
    let progress = Progress()
    let started = ContinuousClock.now
    let killer = server.killOnce(after: killAfter) { [killAfter] in
      "killing the server (SIGKILL) after \(BenchFormat.fixed(killAfter ?? 0, 1)) s; restarting it"
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in keys.indices {
        group.addTask { try await agentWork(index: index, key: keys[index], load: load, progress: progress) }
      }
      group.addTask {
        for number in 0..<customers {
          // Uniform arrivals with a little jitter: `customers` over `arrivalSeconds`.
          let due = started + .seconds(arrivalSeconds * (Double(number) + Double.random(in: 0..<1)) / Double(customers))
          if due > .now { try await Task.sleep(until: due) }
          let level = number % 10 == 0 ? "vip" : "normal"
          let answer = try await load.call(
            "open", .post, "/v1/sessions", key: admin,
            body: ["customer": ["id": "r-\(number)", "level": level], "group": "g\(number % groups)"])
          if let id = answer.json["id"] as? Int { progress.opened.withLock { $0.append(Int64(id)) } }
        }
        progress.arriving.store(false, ordering: .releasing)
      }
      try await group.waitForAll()
    }
    killer.cancel()
    _ = try? await killer.value
    let seconds = BenchFormat.seconds(ContinuousClock.now - started)
    await client.shutdown()
    server.stop()
    print("ran \(BenchFormat.fixed(seconds, 1)) s, \(load.requests.load(ordering: .relaxed)) requests")
    print(load.report())
    try check(folder: folder, sessions: progress.opened.withLock { $0 })
  }

  /// Agents with groups and limits, their keys, and the tenant's settings (no knowledge: routing needs none).
  func prepare(folder: String) async throws -> (admin: String, keys: [String]) {
    let engine = try await SuggestionEngine(dataFolder: folder)
    let store = try SessionStore(path: (folder as NSString).appendingPathComponent("sessions.sqlite"))
    // Agents run without live streams here: the service must not set them offline during the run.
    _ = try store.setRoutingSettings(
      RoutingSettings(maxSessions: maxSessions, offlineAfterSeconds: 3_600, priorityLevels: ["vip"]),
      tenant: Self.tenant)
    var keys: [String] = []
    for number in 0..<agents {
      let agent = "agent-\(number)"
      try engine.setAgent(Agent(tenant: Self.tenant, id: agent, groups: ["g\(number % groups)"]))
      if number % 4 == 3 { _ = try store.setAgentCapacity(maxSessions - 1, agent: agent, tenant: Self.tenant) }
      keys.append(try APIKeys.create(for: .init(tenant: Self.tenant, agent: agent, isAdmin: false), in: engine.store))
    }
    let admin = try APIKeys.create(for: .init(tenant: Self.tenant, agent: nil, isAdmin: true), in: engine.store)
    return (admin, keys)
  }

  /// One agent: online, ends each of its sessions after a while, and now and then goes busy, away or offline
  /// for a few seconds. Stops once the customers have all arrived and its sessions are done.
  func agentWork(index: Int, key: String, load: LoadRun, progress: Progress) async throws {
    var generator = SystemRandomNumberGenerator()
    _ = try await load.call("status", .put, "/v1/agents/me/status", key: key, body: ["status": "online"])
    var firstSeen: [Int: ContinuousClock.Instant] = [:]
    var hold: [Int: Duration] = [:]
    var pausedUntil: ContinuousClock.Instant?
    while true {
      try await Task.sleep(for: .milliseconds(Int.random(in: 200...400, using: &generator)))
      if let until = pausedUntil, .now >= until {
        _ = try await load.call("status", .put, "/v1/agents/me/status", key: key, body: ["status": "online"])
        pausedUntil = nil
      } else if pausedUntil == nil && progress.arriving.load(ordering: .acquiring) && Int.random(in: 0..<100) < 2 {
        let status = ["busy", "away", "offline"].randomElement(using: &generator)!
        _ = try await load.call("status", .put, "/v1/agents/me/status", key: key, body: ["status": status])
        pausedUntil = .now + .seconds(Double.random(in: 2...6))
      }
      let mine = try await load.call("list", .get, "/v1/sessions?view=active&per_page=100", key: key, body: nil)
      let ids = (mine.json["sessions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
      for id in ids where firstSeen[id] == nil {
        firstSeen[id] = .now
        hold[id] = .seconds(holdSeconds * Double.random(in: 0.5...1.5))
      }
      for id in ids where .now - firstSeen[id]! >= hold[id]! {
        // A retry after a restart may find it ended by the first attempt.
        _ = try await load.call("end", .post, "/v1/sessions/\(id)/end", key: key, body: [:], accept: [409])
      }
      if !progress.arriving.load(ordering: .acquiring) && ids.isEmpty && pausedUntil == nil {
        // Nothing left to end; one more look lets sessions routed in the meantime arrive.
        let queued = try await load.call("list", .get, "/v1/sessions?view=queued&per_page=1", key: key, body: nil)
        if (queued.json["total"] as? Int ?? 0) == 0 { return }
      }
    }
  }

  /// Reads the store back and checks the routing; prints the assignment latency.
  func check(folder: String, sessions ids: [Int64]) throws {
    let store = try SessionStore(path: (folder as NSString).appendingPathComponent("sessions.sqlite"))
    let tenant = Self.tenant
    let team = try store.presence(tenant: tenant, agents: (0..<agents).map { "agent-\($0)" })
    let capacity = Dictionary(uniqueKeysWithValues: team.map { ($0.agent, $0.capacity) })
    // Each agent's online periods, from the status log.
    var online: [String: [(from: Date, to: Date)]] = [:]
    var since: [String: Date] = [:]
    for change in try store.statusChanges(tenant: tenant, limit: 100_000) {
      if let start = since.removeValue(forKey: change.agent) {
        online[change.agent, default: []].append((start, change.at))
      }
      if change.status == .online { since[change.agent] = change.at }
    }
    for (agent, start) in since { online[agent, default: []].append((start, .distantFuture)) }
    // Each session's holding interval, by agent.
    var held: [String: [(from: Date, to: Date)]] = [:]
    var problems: [String] = []
    var assignedAt: [Int64: Date] = [:]
    var stillQueued = 0
    var sessionsOf: [Int64: Session] = [:]
    for id in ids {
      guard let session = try store.session(tenant: tenant, id: id) else {
        problems.append("session \(id) is missing")
        continue
      }
      sessionsOf[id] = session
      let assignments = try store.events(session: id, tenant: tenant).filter { $0.kind == .assigned }
      if assignments.count > 1 { problems.append("session \(id) was assigned \(assignments.count) times") }
      guard let assignment = assignments.first, let agent = assignment.toAgent else {
        if session.state != .queued { problems.append("session \(id) is \(session.state) but was never assigned") }
        stillQueued += 1
        continue
      }
      assignedAt[id] = assignment.at
      held[agent, default: []].append((assignment.at, session.endedAt ?? .distantFuture))
    }
    // No agent above its limit at any moment: the most intervals open at once.
    for (agent, intervals) in held {
      var edges = intervals.flatMap { [($0.from, 1), ($0.to, -1)] }
      edges.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
      var open = 0
      var most = 0
      for edge in edges {
        open += edge.1
        most = max(most, open)
      }
      if most > capacity[agent, default: 0] {
        problems.append("\(agent) held \(most) sessions at once, its limit is \(capacity[agent, default: 0])")
      }
    }
    // Sessions some agent of their group had room for when they arrived: online then, and holding fewer than
    // its limit.
    func hadRoom(_ session: Session) -> Bool {
      let group = session.group ?? ""
      return (0..<agents).contains { number in
        let agent = "agent-\(number)"
        guard number % groups == Int(group.dropFirst()) ?? -1 else { return false }
        guard online[agent, default: []].contains(where: { $0.from <= session.createdAt && session.createdAt < $0.to })
        else { return false }
        let holding = held[agent, default: []].filter { $0.from <= session.createdAt && session.createdAt < $0.to }
        return holding.count < capacity[agent, default: 0]
      }
    }
    var immediate = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var waited = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    for (id, at) in assignedAt {
      let session = sessionsOf[id]!
      let micros = UInt64(max(0, at.timeIntervalSince(session.createdAt)) * 1e6)
      if hadRoom(session) { immediate.record(micros) } else { waited.record(micros) }
    }
    func ms(_ histogram: Histogram<UInt64>, _ percentile: Double) -> String {
      BenchFormat.fixed(Double(histogram.valueAtPercentile(percentile)) / 1_000, 2)
    }
    print(
      "sessions: \(ids.count) opened, \(assignedAt.count) assigned, \(stillQueued) still queued"
        + " (\(ids.count - assignedAt.count - stillQueued) other)")
    print(
      "opened to assigned, an agent of the group had room on arrival: \(immediate.totalCount) sessions,"
        + " p50 \(ms(immediate, 50)) ms, p99 \(ms(immediate, 99)) ms, max \(BenchFormat.fixed(Double(immediate.max) / 1_000, 2)) ms"
    )
    print(
      "opened to assigned, after waiting for room: \(waited.totalCount) sessions,"
        + " p50 \(ms(waited, 50)) ms, p99 \(ms(waited, 99)) ms")
    guard problems.isEmpty else {
      for problem in problems.prefix(20) { print("  " + problem) }
      throw BenchFailure("routing broke a rule (\(problems.count) problems)")
    }
    print(
      "checks: every session assigned at most once, none left queued unassigned but queued, no agent over its limit")
  }
}
