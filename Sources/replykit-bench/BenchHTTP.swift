import ArgumentParser
import Foundation
import HTTPTypes
import Histogram
import Knowledge
import LoopbackHTTP
import Ranking
import ReplyServer
import Workbench

/// `replykit-bench http`: `GET /v1/suggest` over loopback against a child `replykit serve`, at a fixed number
/// of concurrent connections for a fixed time (a closed loop, as wrk runs it).
struct BenchHTTP: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "http",
    abstract: "Serve a generated corpus on 127.0.0.1 and drive GET /v1/suggest; requests/s and latency.",
    discussion: """
      Imports --items generated items (the corpus of bench suggest; a --data folder that already holds them \
      is reused), makes agent-7 a member of groups g1 and g2 with an API key, starts `replykit serve` as a \
      child process on a free loopback port, and keeps --connections requests in flight for --duration \
      seconds, each typing the next of the prefixes bench suggest times (1 to 6 characters, a fifth pinyin \
      initials). Latency is from sending a request to its last body byte. The client shares the machine's \
      cores with the server, as wrk does in tools/bench/http.sh.
      """
  )

  @Option(help: "Items to generate.")
  var items = 100_000

  @Option(help: "Concurrent connections (requests in flight).")
  var connections = 50

  @Option(help: "Seconds to drive the load (after a warm-up of 2 requests per connection).")
  var duration: Double = 20

  @Option(help: "Distinct typed prefixes to cycle through.")
  var queries = 5_000

  @Option(help: "The data folder to use (default: a new temporary one, removed afterwards).")
  var data: String?

  @Option(help: "The server's cache of answers of the current index commit (0: every request runs the engine).")
  var suggestCache = 20_000

  func validate() throws {
    guard items > 0 else { throw ValidationError("--items must be at least 1") }
    guard (1...1_000).contains(connections) else { throw ValidationError("--connections must be from 1 to 1000") }
    guard duration > 0 && duration <= 600 else { throw ValidationError("--duration must be from 0 to 600 seconds") }
    guard queries > 0 else { throw ValidationError("--queries must be at least 1") }
  }

  func run() async throws {
    let folder =
      data
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-bench-http-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    print("replykit-bench http")
    print(
      "cores: \(ProcessInfo.processInfo.activeProcessorCount)  items: \(items)  connections: \(connections)"
        + "  duration: \(BenchFormat.fixed(duration, 1)) s  suggest cache: \(suggestCache)")

    var corpus = try BenchCorpus()
    let generated = (0..<items).map { corpus.item($0) }
    let (key, importSeconds) = try await prepare(folder: folder, items: generated)
    if let importSeconds {
      print("import: \(items) items in \(BenchFormat.fixed(importSeconds)) s")
    } else {
      print("import: skipped (the data folder already holds the \(items) generated items)")
    }
    let paths = try BenchCorpus.typedPrefixes(of: generated, count: queries).map { text in
      "/v1/suggest?limit=5&q=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text)
    }

    let port = try LoopbackPort.free()
    let server = ServerProcess(folder: folder, port: port, options: ["--suggest-cache", String(suggestCache)])
    try await server.start()
    defer { server.stop() }
    let client = LoopbackHTTPClient(port: port, timeout: .seconds(30))
    do {
      let pid = server.processIdentifier ?? 0
      print("server: replykit serve (pid \(pid)) on 127.0.0.1:\(port)")
      let result = try await drive(client, key: key, paths: paths)
      let seconds = result.seconds
      func ms(_ nanoseconds: UInt64) -> String { BenchFormat.fixed(Double(nanoseconds) / 1e6, 2) }
      let histogram = result.latencies
      print(
        "requests: \(histogram.totalCount) in \(BenchFormat.fixed(seconds)) s = "
          + "\(BenchFormat.fixed(Double(histogram.totalCount) / seconds, 1)) requests/s, \(result.failures) failed")
      print(
        "latency: p50 \(ms(histogram.valueAtPercentile(50))) ms, p90 \(ms(histogram.valueAtPercentile(90))) ms,"
          + " p99 \(ms(histogram.valueAtPercentile(99))) ms, max \(ms(histogram.max)) ms")
      if let peak = BenchProcess.peakMemoryMB(pid: pid) {
        print("server peak memory: \(BenchFormat.fixed(peak, 0)) MB")
      }
    } catch {
      await client.shutdown()
      throw error
    }
    await client.shutdown()
  }

  /// Imports the corpus unless the folder holds it, and makes agent-7's key. The engine is gone when this
  /// returns, so that the child server can take the index's write lock.
  private func prepare(folder: String, items generated: [KnowledgeItem]) async throws -> (String, Double?) {
    let engine = try await SuggestionEngine(dataFolder: folder)
    var seconds: Double?
    if try engine.store.count(tenant: "bench") != generated.count {
      let started = ContinuousClock.now
      let session = ImportSession(engine: engine, tenant: "bench")
      try session.add(contentsOf: generated)
      try await session.finish()
      seconds = BenchFormat.seconds(ContinuousClock.now - started)
    }
    // Group and personal items are in the corpus: agent-7 sees company items, two groups' and its own.
    try engine.setAgent(Agent(tenant: "bench", id: "agent-7", groups: ["g1", "g2"]))
    let key = try APIKeys.create(for: .init(tenant: "bench", agent: "agent-7", isAdmin: false), in: engine.store)
    return (key, seconds)
  }

  struct LoadResult {
    var latencies: Histogram<UInt64>
    var failures: Int
    var seconds: Double
  }

  /// `connections` loops, each sending its next request when the last one is answered, until the time is up.
  /// Each connection's closed loop: a request, its whole response, the next request on the same connection.
  private func drive(_ client: LoopbackHTTPClient, key: String, paths: [String]) async throws -> LoadResult {
    let connections = connections
    let nanoseconds = UInt64(duration * 1e9)
    let headers: HTTPFields = [.authorization: "Bearer \(key)"]
    @Sendable func send(_ path: String) async -> Bool {
      guard let response = try? await client.execute(.get, path, headers: headers) else { return false }
      return response.status == .ok
    }
    // Warm-up: every connection opened, and the server's first requests (page cache, pools) not counted.
    await withTaskGroup(of: Void.self) { group in
      for worker in 0..<connections {
        let first = paths[worker % paths.count]
        let second = paths[(worker + connections) % paths.count]
        group.addTask {
          _ = await send(first)
          _ = await send(second)
        }
      }
    }
    let requests = paths
    let started = DispatchTime.now().uptimeNanoseconds
    let end = started + nanoseconds
    let results = await withTaskGroup(of: (Histogram<UInt64>, Int).self) { group in
      for worker in 0..<connections {
        group.addTask {
          var histogram = Histogram<UInt64>(
            highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
          var failures = 0
          // Each connection walks the list from its own offset, so the requests in flight differ.
          var next = (worker * 7_919) % requests.count
          while DispatchTime.now().uptimeNanoseconds < end {
            let sent = DispatchTime.now().uptimeNanoseconds
            let ok = await send(requests[next])
            if ok {
              histogram.record(DispatchTime.now().uptimeNanoseconds - sent)
            } else {
              failures += 1
            }
            next = (next + 1) % requests.count
          }
          return (histogram, failures)
        }
      }
      var all = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
      var failures = 0
      for await (histogram, failed) in group {
        all.add(histogram)
        failures += failed
      }
      return (all, failures)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return LoadResult(latencies: results.0, failures: results.1, seconds: seconds)
  }
}

/// A free TCP port on 127.0.0.1: bind port 0, read what the kernel chose, release it for the server.
enum LoopbackPort {
  static func free() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ValidationError("cannot open a socket to find a free port") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw ValidationError("cannot bind 127.0.0.1:0 to find a free port") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw ValidationError("cannot read the port the kernel chose") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}

enum BenchProcess {
  /// Another process's peak resident memory (VmHWM in /proc), in MB; nil where /proc does not say.
  static func peakMemoryMB(pid: Int32) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
      return kilobytes.map { $0 / 1024 }
    }
    return nil
  }
}
