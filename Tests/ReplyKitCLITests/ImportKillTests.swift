import Foundation
import HTTPTypes
import Knowledge
import LoopbackHTTP
import NIOCore
import TestSupport
import Testing

/// A `replykit serve` child killed with SIGKILL in the middle of a streamed import: afterwards the job's
/// counts equal what the store holds, the index holds exactly the store's items, and a restart serves again.
@Suite(.blocking, .serialized) struct ImportKillTests {
  /// Waits until the server answers `/healthz` (each try a real request; at most `seconds`).
  static func waitForServer(_ client: LoopbackHTTPClient, seconds: Int = 60) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
      if let response = try? await client.execute(.get, "/healthz", timeout: .seconds(2)), response.status == .ok {
        return
      }
      try await Task.sleep(for: .milliseconds(50))  // between polls of a condition, not instead of one
    }
    Issue.record("the server did not answer on port \(client.port) within \(seconds) s")
  }

  /// A new administrator key for the folder's default tenant (the last line `replykit keys create` prints).
  static func adminKey(_ folder: TemporaryFolder) throws -> String {
    try CLIProcess.run(["keys", "create", "--data", folder.data, "--admin"]).stdout
      .split(separator: "\n").last.map(String.init) ?? ""
  }

  /// A JSON Lines import to the client's server, streamed: what is yielded to the continuation is sent, and
  /// the import ends when the continuation finishes.
  static func streamingImport(_ client: LoopbackHTTPClient, key: String, id: String) -> (
    uploading: Task<HTTPResponse.Status?, Never>, lines: AsyncStream<ByteBuffer>.Continuation
  ) {
    let (lines, continuation) = AsyncStream<ByteBuffer>.makeStream()
    let headers: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/x-ndjson"]
    let uploading = Task {
      try? await client.stream(.post, "/v1/imports?id=\(id)", headers: headers, body: lines, timeout: .seconds(120)) {
        head, body in
        _ = try await body.collect()
        return head.status
      }
    }
    return (uploading, continuation)
  }

  static func json(_ client: LoopbackHTTPClient, _ path: String, key: String) async throws -> [String: Any] {
    let response = try await client.execute(
      .get, path, headers: [.authorization: "Bearer \(key)"], timeout: .seconds(30))
    return (try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
  }

  @Test func killingTheServerMidImportLeavesTheJobTellingWhatTheStoreHolds() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let key = try ImportKillTests.adminKey(folder)
    let port = CLIProcess.freePortGuess()
    let arguments = ["serve", "--data", folder.data, "--port", String(port)]
    let server = try CLIProcess.start(arguments)
    defer { CLIProcess.reap(server) }
    let client = LoopbackHTTPClient(port: port)
    try await Self.waitForServer(client)

    // Lines streamed without end; once the job shows progress, SIGKILL. A server slowed by the rest of the suite
    // may store its first batch only after the client has sent many: the stream goes on (up to a deadline) until
    // the job shows progress, so that the kill always lands mid-import.
    let (uploading, continuation) = Self.streamingImport(client, key: key, id: "killed")
    var sent = 0
    var killed = false
    let deadline = ContinuousClock.now + .seconds(120)
    while !killed && ContinuousClock.now < deadline {
      // 60,000 lines at most: past them, the server still has what it was sent to read, and the polls pace the
      // loop.
      if sent < 60_000 {
        var chunk = ""
        for number in sent..<sent + 1_000 {
          chunk += #"{"id":"k\#(number)","source":"quick","title":"批量 kx\#(number)","content":"内容 \#(number)"}"# + "\n"
        }
        continuation.yield(ByteBuffer(string: chunk))
        sent += 1_000
      }
      // A server too busy to answer in time is asked again, until the deadline.
      if sent >= 10_000, let job = try? await Self.json(client, "/v1/imports/killed", key: key) {
        if (job["added"] as? Int ?? 0) > 0 {
          kill(server.processIdentifier, SIGKILL)
          killed = true
        }
      }
    }
    #expect(killed, "the job showed no progress in two minutes")
    if !killed { kill(server.processIdentifier, SIGKILL) }
    server.waitUntilExit()
    continuation.finish()
    _ = await uploading.value

    // What the store holds, read directly, against what the job says (the restart marks it failed).
    let stored = try KnowledgeStore(path: folder.data + "/replykit.sqlite")
    let items = try stored.list(tenant: "default", filter: KnowledgeFilter(source: .quick), offset: 0, limit: 1).total
    #expect(items > 0 && items <= sent, "stored \(items) of the \(sent) lines sent")
    let restarted = try CLIProcess.start(arguments)
    defer { CLIProcess.reap(restarted) }
    try await Self.waitForServer(client)
    let job = try await Self.json(client, "/v1/imports/killed", key: key)
    #expect(job["state"] as? String == "failed")
    #expect(job["added"] as? Int == items, "job \(job), store \(items)")
    // The index holds every stored item: the last one stored is found by its token.
    let last = items - 1
    let found = try await Self.json(client, "/v1/suggest?q=kx\(last)", key: key)
    let ids = (found["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    #expect(ids.contains("k\(last)"), "\(found)")
  }
}

/// `replykit serve --shutdown-timeout`: a stop waits that long for requests in flight, not for a client that
/// never finishes.
@Suite(.blocking, .serialized) struct ShutdownTests {
  @Test func aStopDoesNotWaitForAnEndlessUpload() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let key = try ImportKillTests.adminKey(folder)
    let port = CLIProcess.freePortGuess()
    let server = try CLIProcess.start([
      "serve", "--data", folder.data, "--port", String(port), "--shutdown-timeout", "1",
    ])
    defer { CLIProcess.reap(server) }
    let client = LoopbackHTTPClient(port: port)
    try await ImportKillTests.waitForServer(client)

    // An import whose body never ends, and one line of it taken, so that the request is in flight.
    let (uploading, continuation) = ImportKillTests.streamingImport(client, key: key, id: "endless")
    continuation.yield(ByteBuffer(string: #"{"id":"e1","source":"quick","title":"一","content":"一"}"# + "\n"))
    var started = false
    let deadline = ContinuousClock.now + .seconds(60)
    while !started && ContinuousClock.now < deadline {
      let job = try? await ImportKillTests.json(client, "/v1/imports/endless", key: key)
      started = job?["id"] as? String == "endless"
      if !started { try await Task.sleep(for: .milliseconds(50)) }  // polls a condition
    }
    #expect(started)

    let stopping = ContinuousClock.now
    kill(server.processIdentifier, SIGTERM)
    server.waitUntilExit()
    let took = ContinuousClock.now - stopping
    // The second the timeout gives, plus the cancellation; never the minute the client would wait.
    #expect(took < .seconds(15), "the stop took \(took)")
    continuation.finish()
    _ = await uploading.value
  }
}
