import ArgumentParser
import CommandLineSupport
import Foundation
import HTTPTypes
import Histogram
import Knowledge
import LoopbackHTTP
import NIOCore
import Ranking
import ReplyServer
import Sessions
import Synchronization
import Workbench

/// `replykit-bench sessions`: the workbench under load on loopback. A `replykit serve` child process serves a
/// generated help desk; many sessions exchange messages at once while their agents ask for suggestions; with
/// `--kill-after` the server is killed (SIGKILL) once mid-run and restarted, and clients retry what was not
/// acknowledged, with the same client ids. Afterwards the messages are counted in SQLite: every acknowledged
/// message must be there exactly once.
struct BenchSessions: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sessions",
    abstract: "Load-test conversations over HTTP on loopback, optionally killing the server mid-run.")

  @Option(help: "Concurrent sessions.") var sessions = 200
  @Option(help: "Customer question and agent reply pairs per session.") var rounds = 5
  @Option(help: "Agents serving the sessions.") var agents = 20
  @Option(help: "Knowledge items in the generated help desk.") var items = 10_000
  @Option(help: "Kill the server with SIGKILL after this many seconds, then restart it.") var killAfter: Double?
  @Option(help: "Each session waits this many milliseconds before each message, as people type (0: none).")
  var thinkMs = 0
  @Option(help: "The port the server listens on (127.0.0.1).") var port = 18_181
  @Option(help: "Give up after this many seconds.") var timeLimit: Double = 300
  @Option(help: "A data folder to use (default: a new temporary one, removed afterwards).") var data: String?

  func validate() throws {
    guard (1...5_000).contains(sessions) else { throw ValidationError("--sessions must be from 1 to 5000") }
    guard (1...1_000).contains(rounds) else { throw ValidationError("--rounds must be from 1 to 1000") }
    guard (1...1_000).contains(agents) else { throw ValidationError("--agents must be from 1 to 1000") }
    guard (sessions + agents - 1) / agents <= RoutingSettings.maxSessionsLimit else {
      throw ValidationError(
        "--sessions / --agents must be at most \(RoutingSettings.maxSessionsLimit) (an agent's limit)")
    }
    guard (0...60_000).contains(thinkMs) else { throw ValidationError("--think-ms must be from 0 to 60000") }
  }

  func run() async throws {
    let folder =
      data ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-load-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    print("replykit-bench sessions")
    print(
      "cores: \(ProcessInfo.processInfo.activeProcessorCount)  items: \(items)  sessions: \(sessions)"
        + "  rounds: \(rounds)  agents: \(agents)  think: \(thinkMs) ms")
    let setup = try await Self.prepare(folder: folder, items: items, agents: agents)
    let server = ServerProcess(folder: folder, port: port)
    try await server.start()
    defer { server.stop() }

    let client = LoopbackHTTPClient(port: port, timeout: .seconds(30))
    let load = LoadRun(
      client: client, admin: setup.admin, agentKeys: setup.agentKeys,
      questions: setup.questions, deadline: .now + .seconds(timeLimit), think: .milliseconds(thinkMs))

    let started = ContinuousClock.now
    let killer = server.killOnce(after: killAfter) { [killAfter, sessions, rounds] in
      "killing the server (SIGKILL) after \(BenchFormat.fixed(killAfter ?? 0, 1)) s, with"
        + " \(load.acknowledged.withLock { $0.count }) of \(sessions * rounds * 2) messages acknowledged; restarting it"
    } restarted: {
      load.restarts.add(1, ordering: .relaxed)
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
      for number in 0..<sessions {
        group.addTask { try await load.converse(number: number, rounds: rounds) }
      }
      try await group.waitForAll()
    }
    // A kill that had not happened yet would not be "mid-run": it is called off.
    killer.cancel()
    _ = try? await killer.value
    let seconds = BenchFormat.seconds(ContinuousClock.now - started)
    await client.shutdown()
    server.stop()

    // Count what SQLite holds against what the server acknowledged.
    let store = try SessionStore(path: (folder as NSString).appendingPathComponent("sessions.sqlite"))
    let acknowledged = load.acknowledged.withLock { $0 }
    let stored = try store.clientIds(tenant: "load")
    let storedSet = Set(stored)
    let lost = acknowledged.subtracting(storedSet)
    let duplicated = stored.count - storedSet.count
    let report = load.report()
    print(
      "ran \(BenchFormat.fixed(seconds, 1)) s: \(load.requests.load(ordering: .relaxed)) requests,"
        + " \(Int(Double(load.requests.load(ordering: .relaxed)) / seconds)) req/s;"
        + " \(load.retries.load(ordering: .relaxed)) retried; server restarts: \(load.restarts.load(ordering: .relaxed))"
    )
    print(report)
    print(
      "messages: \(acknowledged.count) acknowledged, \(stored.count) stored, \(lost.count) lost, \(duplicated) duplicated"
    )
    guard lost.isEmpty, duplicated == 0, acknowledged.count == sessions * rounds * 2 else {
      throw BenchFailure("the store does not hold every acknowledged message exactly once")
    }
  }

  /// A data folder with a generated help desk, agents and keys (written before the server starts; the index
  /// writer must be closed again so that the server can open it).
  static func prepare(folder: String, items: Int, agents: Int) async throws -> (
    admin: String, agentKeys: [String], questions: [String]
  ) {
    let engine = try await SuggestionEngine(dataFolder: folder)
    var corpus = try BenchCorpus()
    var generated: [KnowledgeItem] = []
    for number in 0..<items { generated.append(corpus.item(number)) }
    if try engine.store.count(tenant: "load") != items {
      let session = ImportSession(engine: engine, tenant: "load", batchSize: 2_000)
      try session.add(contentsOf: generated)
      try await session.finish()
    }
    try await engine.catchUp()
    var keys: [String] = []
    for number in 0..<agents {
      let agent = "agent-\(number)"
      try engine.setAgent(Agent(tenant: "load", id: agent, name: "客服\(number)", groups: ["g\(number % 20)"]))
      keys.append(try APIKeys.create(for: .init(tenant: "load", agent: agent, isAdmin: false), in: engine.store))
    }
    let admin = try APIKeys.create(for: .init(tenant: "load", agent: nil, isAdmin: true), in: engine.store)
    // Each agent takes its share of the sessions by hand here: no limit stands in the way.
    _ = try SessionStore(path: (folder as NSString).appendingPathComponent("sessions.sqlite")).setRoutingSettings(
      RoutingSettings(maxSessions: RoutingSettings.maxSessionsLimit), tenant: "load")
    let questions = generated.filter { $0.source == .bot }.prefix(500).map { String($0.title.dropLast()) }
    return (admin, keys, questions)
  }
}

/// The clients' side of a load run: requests with retries, latencies, acknowledged messages.
final class LoadRun: Sendable {
  let client: LoopbackHTTPClient
  let admin: String
  let agentKeys: [String]
  let questions: [String]
  let deadline: ContinuousClock.Instant
  /// The pause before each message of a session (a person typing); zero sends as soon as answered.
  let think: Duration

  let requests = Atomic<Int>(0)
  let retries = Atomic<Int>(0)
  let restarts = Atomic<Int>(0)
  /// Client ids of the messages the server acknowledged (201, or 200 for a retry it had stored).
  let acknowledged = Mutex<Set<String>>([])
  private let latencies = Mutex<[String: Histogram<UInt64>]>([:])

  init(
    client: LoopbackHTTPClient, admin: String, agentKeys: [String], questions: [String],
    deadline: ContinuousClock.Instant, think: Duration = .zero
  ) {
    self.think = think
    self.client = client
    self.admin = admin
    self.agentKeys = agentKeys
    self.questions = questions
    self.deadline = deadline
  }

  struct Answer {
    var status: Int
    var json: [String: Any]
  }

  /// One conversation: open, take, then customer questions with suggestions and agent replies, then end.
  func converse(number: Int, rounds: Int) async throws {
    let agentIndex = number % agentKeys.count
    let agentKey = agentKeys[agentIndex]
    let customer: [String: Any] = ["id": "load-\(number)", "name": "客户\(number)", "language": "zh-Hans"]
    let opened = try await call("open", .post, "/v1/sessions", key: admin, body: ["customer": customer])
    guard let session = opened.json["id"] as? Int else { throw BenchFailure("no session id: \(opened.json)") }
    _ = try await call("assign", .post, "/v1/sessions/\(session)/assign", key: agentKey, body: [:], accept: [409])
    for round in 0..<rounds {
      let question = questions[(number * 31 + round * 7) % questions.count]
      try await post(session, key: admin, ["sender": "customer", "body": question, "clientId": "c-\(number)-\(round)"])
      let typed = String(question.prefix(1 + (number + round) % 4))
      let query = typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? typed
      let suggested = try await call(
        "suggest", .get, "/v1/suggest?q=\(query)&limit=5&conversation=\(session)", key: agentKey, body: nil)
      let ids = (suggested.json["suggestions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
      var reply: [String: Any] = ["sender": "agent", "clientId": "a-\(number)-\(round)"]
      if let first = ids.first, round % 2 == 0 {
        reply.merge(["suggestion": first, "input": typed, "shown": ids, "position": 0]) { $1 }
      } else {
        reply["body"] = "好的，{{visitor.name|您}}，马上为您处理（第\(round + 1)次）。"
      }
      try await post(session, key: agentKey, reply)
    }
    _ = try await call("end", .post, "/v1/sessions/\(session)/end", key: agentKey, body: [:], accept: [409])
  }

  private func post(_ session: Int, key: String, _ body: [String: Any]) async throws {
    if think > .zero {
      // Sessions start out of step, as people do.
      try await Task.sleep(for: think * Double.random(in: 0.5...1.5))
    }
    let answer = try await call("message", .post, "/v1/sessions/\(session)/messages", key: key, body: body)
    guard answer.status == 201 || answer.status == 200, let clientId = body["clientId"] as? String else {
      throw BenchFailure("message refused (\(answer.status)): \(answer.json)")
    }
    _ = acknowledged.withLock { $0.insert(clientId) }
  }

  /// A request, retried (same body) while the server cannot answer; `accept` are statuses that count as done
  /// for a retried action the server had already applied before it died.
  func call(
    _ name: String, _ method: HTTPRequest.Method, _ path: String, key: String, body: [String: Any]?,
    accept: Set<Int> = []
  ) async throws -> Answer {
    var headers: HTTPFields = [.authorization: "Bearer \(key)"]
    var bytes: ByteBuffer?
    if let body {
      headers[.contentType] = "application/json"
      bytes = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
    }
    var attempt = 0
    while true {
      attempt += 1
      requests.add(1, ordering: .relaxed)
      let start = DispatchTime.now().uptimeNanoseconds
      do {
        let response = try await client.execute(method, path, headers: headers, body: bytes)
        let status = response.status.code
        if status >= 500 { throw BenchFailure("status \(status)") }
        record(name, DispatchTime.now().uptimeNanoseconds - start)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        if status >= 400 && !(attempt > 1 && accept.contains(status)) {
          throw BenchFailure("\(name) \(path): \(status) \(json)")
        }
        return Answer(status: status, json: json)
      } catch let error as BenchFailure where !error.description.hasPrefix("status ") {
        throw error
      } catch {
        // The server is down (killed, restarting) or failed: try again until the deadline.
        guard ContinuousClock.now < deadline else { throw BenchFailure("\(name) \(path): gave up: \(error)") }
        retries.add(1, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(100))
      }
    }
  }

  private func record(_ name: String, _ nanoseconds: UInt64) {
    latencies.withLock { histograms in
      histograms[
        name, default: Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
      ].record(nanoseconds)
    }
  }

  func report() -> String {
    func ms(_ value: UInt64) -> String { BenchFormat.fixed(Double(value) / 1e6, 2) }
    return latencies.withLock { histograms in
      ["message", "suggest", "open", "assign", "end"].compactMap { name in
        guard let histogram = histograms[name] else { return nil }
        return "  \(name): \(histogram.totalCount) answered, p50 \(ms(histogram.valueAtPercentile(50))) ms,"
          + " p90 \(ms(histogram.valueAtPercentile(90))) ms, p99 \(ms(histogram.valueAtPercentile(99))) ms,"
          + " max \(ms(histogram.max)) ms"
      }.joined(separator: "\n")
    }
  }
}
