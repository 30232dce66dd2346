import ArgumentParser
import CommandLineSupport
import Foundation
import LoopbackHTTP
import Synchronization

/// Loads benchmark text: lines of the given files (the string fields of JSON Lines), repeated to a size.
enum BenchText {
  /// The default text: AFQMC's customer questions (../shared/evaldata, read in place, never copied), else
  /// the demo corpus.
  static let defaultPaths = [
    "../shared/evaldata/afqmc_train/corpus.jsonl", "../shared/evaldata/afqmc_train/queries.tsv",
    "../shared/evaldata/afqmc_dev/corpus.jsonl", "../shared/evaldata/afqmc_dev/queries.tsv",
  ]
  static let fallbackPaths = [
    "corpora/demo/quick_replies.jsonl", "corpora/demo/bot_knowledge.jsonl", "corpora/demo/internal_knowledge.jsonl",
  ]

  /// A path of the checkout (`corpora/...`, `../shared/...`) from the working folder, else from the folder the
  /// replykit binary was built in (`.build/.../replykit`), so that a benchmark run from elsewhere reads the
  /// same text and generates the same corpus.
  static func locate(_ path: String) -> String? {
    let manager = FileManager.default
    if manager.fileExists(atPath: path) { return path }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" {
      let candidate = folder.appendingPathComponent(path).standardized.path
      if manager.fileExists(atPath: candidate) { return candidate }
      folder.deleteLastPathComponent()
    }
    return nil
  }

  static func load(paths: [String], megabytes: Double) throws -> [String] {
    var chosen = paths
    if chosen.isEmpty {
      chosen = defaultPaths.compactMap(locate)
      if chosen.isEmpty { chosen = fallbackPaths.compactMap(locate) }
    }
    var lines: [String] = []
    for path in chosen { lines += try documents(in: path) }
    guard !lines.isEmpty else { throw ValidationError("no benchmark text: pass --text FILE") }
    let target = Int(megabytes * 1_000_000)
    var documents: [String] = []
    var bytes = 0
    while bytes < target {
      for line in lines where bytes < target {
        documents.append(line)
        bytes += line.utf8.count
      }
    }
    return documents
  }

  static func documents(in path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationError("\(path): cannot read the file")
    }
    var out: [String] = []
    for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
      if line.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
        let texts = object.filter { $0.key != "id" }.values.compactMap { $0 as? String }.filter { !$0.isEmpty }
        out.append(contentsOf: texts)
      } else if let tab = line.firstIndex(of: "\t") {
        out.append(String(line[line.index(after: tab)...]))
      } else {
        out.append(String(line))
      }
    }
    return out
  }
}

enum BenchFormat {
  static func seconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) / 1e18
  }

  static func milliseconds(_ duration: Duration) -> String { String(format: "%.1f ms", seconds(duration) * 1000) }

  static func fixed(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
}

/// A `replykit serve` child process on loopback, for the benchmarks that drive the service over HTTP.
final class ServerProcess: Sendable {
  let folder: String
  let port: Int
  /// More `serve` options (`--suggest-cache 0`).
  let options: [String]
  private let process = Mutex<Process?>(nil)

  init(folder: String, port: Int, options: [String] = []) {
    self.folder = folder
    self.port = port
    self.options = options
  }

  var processIdentifier: Int32? { process.withLock { $0?.processIdentifier } }

  /// Starts the server and returns once `/healthz` answers (at most 60 s).
  func start() async throws {
    let child = Process()
    // The `replykit` built beside this benchmark.
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("replykit")
    child.arguments = ["serve", "--data", folder, "--host", "127.0.0.1", "--port", String(port)] + options
    child.standardOutput = FileHandle.nullDevice
    child.standardError = FileHandle.nullDevice
    try child.run()
    process.withLock { $0 = child }
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
      guard child.isRunning else {
        throw BenchFailure("replykit serve exited with status \(child.terminationStatus) before it answered")
      }
      if await Self.healthy(port: port) { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw BenchFailure("replykit serve did not answer /healthz on port \(port) within 60 s")
  }

  static func healthy(port: Int) async -> Bool {
    let client = LoopbackHTTPClient(port: port, timeout: .seconds(1))
    let status = (try? await client.execute(.get, "/healthz"))?.status
    await client.shutdown()
    return status == .ok
  }

  /// A task that kills the server once with SIGKILL after `seconds` (nil: never) and starts it again,
  /// printing `announce()` first and calling `restarted` after. Cancel it when the run is over: a kill that
  /// has not happened yet would not be mid-run, and is called off.
  func killOnce(
    after seconds: Double?, announce: @escaping @Sendable () -> String,
    restarted: @escaping @Sendable () -> Void = {}
  ) -> Task<Void, any Error> {
    Task {
      guard let seconds else { return }
      try await Task.sleep(for: .seconds(seconds))
      print(announce())
      kill()
      try await start()
      restarted()
    }
  }

  /// SIGKILL, and wait (a crash, for the durability test).
  func kill() {
    guard let child = process.withLock({ $0 }) else { return }
    Foundation.kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
  }

  /// SIGTERM, and wait (the service stops gracefully).
  func stop() {
    guard
      let child = process.withLock({ process -> Process? in
        defer { process = nil }
        return process
      })
    else { return }
    guard child.isRunning else { return }
    child.terminate()
    child.waitUntilExit()
  }
}

struct BenchFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
