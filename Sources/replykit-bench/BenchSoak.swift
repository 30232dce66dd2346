import ArgumentParser
import CommandLineSupport
import Foundation
import Histogram
import Knowledge
import Ranking
import Synchronization
import Workbench

/// `replykit-bench soak`: a bulk import of many items with unique tokens while agents type and pick, then the
/// index checked by Xapian (`xapian-check`) and compared with the store item by item.
struct BenchSoak: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "soak",
    abstract: "Import generated items with unique tokens while suggest and picks run; then check the index.",
    discussion: """
      Each item's title is two help-desk words and a numbered token (kx0000001 ...), the load that once \
      corrupted the index (issue 22). While the import runs, one thread types suggest requests and picks every \
      --pick-every-th first suggestion (the picks reach the index in the background, as in the service). \
      Afterwards xapian-check must find no error, every stored item must be in the index once and nothing \
      else, and a sample of the items must be found by their token. Exit status 1 when any check fails.
      """)

  @Option(help: "Items to import.")
  var items = 1_000_000

  @Option(help: "Items per store transaction.")
  var batch = 1_000

  @Option(help: "Every Nth suggest request picks its first suggestion (0: no picks).")
  var pickEvery = 20

  @Option(help: "Items looked up by their token after the import.")
  var sample = 1_000

  @Option(help: "The data folder (default: a temporary one, removed afterwards).")
  var data: String?

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard items > 0, batch > 0, pickEvery >= 0, sample >= 0 else {
      throw ValidationError("--items and --batch must be at least 1, --pick-every and --sample at least 0")
    }
  }

  struct Report: Codable {
    var items: Int
    var importSeconds: Double
    var itemsPerSecond: Double
    var suggestRequests: Int
    var suggestErrors: Int
    var suggestP50Ms: Double
    var suggestP99Ms: Double
    var suggestMaxMs: Double
    /// The same requests on the still index afterwards, for comparison.
    var stillP50Ms: Double
    var stillP99Ms: Double
    var stillMaxMs: Double
    var picks: Int
    var xapianCheck: String
    var xapianCheckPassed: Bool
    var verification: IndexVerification
    var sampleFound: Int
    var sampleLookedUp: Int
    var indexBytes: Int
    var peakMemoryMB: Double
    var passed: Bool
  }

  static let words = [
    "退款", "发货", "物流", "优惠券", "会员", "积分", "换货", "发票", "售后", "地址", "支付", "订单", "客服", "退货", "快递", "价格",
  ]
  static let tenant = "soak"

  static func token(_ number: Int) -> String { "kx" + String(format: "%07d", number) }

  /// Item `number`: two words and its token as the title, a short content.
  static func item(_ number: Int, random: inout SplitMix64) -> KnowledgeItem {
    let first = words.randomElement(using: &random)!
    let second = words.randomElement(using: &random)!
    return KnowledgeItem(
      id: "soak-\(number)", source: .quick, folder: "批量", title: "\(first)\(second) \(token(number))",
      body: "批量导入内容 \(number) \(words.randomElement(using: &random)!)，请联系客服。")
  }

  func run() async throws {
    let folder =
      data
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-soak-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    let engine = try await SuggestionEngine(dataFolder: folder)
    if !json { print("replykit-bench soak: \(items) items into \(folder), suggest and picks beside the import") }

    let typing = TypingLoad(engine: engine, tenant: Self.tenant, pickEvery: pickEvery)
    let typist = Thread { typing.run() }
    typist.start()

    let started = ContinuousClock.now
    let session = ImportSession(engine: engine, tenant: Self.tenant, batchSize: batch)
    var random = SplitMix64(seed: 22)
    var lastShown = ContinuousClock.now
    for number in 0..<items {
      try session.add(
        ImportRecordResult(line: number + 1, bytesRead: 0, outcome: .success(Self.item(number, random: &random))))
      typing.imported.store(number + 1, ordering: .relaxed)
      if !json && ContinuousClock.now - lastShown > .seconds(10) {
        lastShown = ContinuousClock.now
        let seconds = BenchFormat.seconds(ContinuousClock.now - started)
        FileHandle.standardError.write(Data("  \(number + 1) items stored in \(Int(seconds)) s\n".utf8))
      }
      if number % batch == batch - 1 { await Task.yield() }
    }
    let counts = try await session.finish()
    let importSeconds = BenchFormat.seconds(ContinuousClock.now - started)
    let load = typing.stop()
    // The last picks, still on their way to the index.
    try await engine.catchUp()
    guard counts.added + counts.updated + counts.unchanged == items else {
      throw ValidationError("the import stored \(counts.summary) of \(items) items")
    }

    // The same typing on the still index, as many requests (at most 5,000), picks left out.
    let still = TypingLoad(
      engine: engine, tenant: Self.tenant, pickEvery: 0, requests: min(max(load.requests, 100), 5_000))
    still.imported.store(items, ordering: .relaxed)
    still.run()
    let quiet = still.stop()

    let check = Self.xapianCheck((folder as NSString).appendingPathComponent("index"))
    let verification = try await engine.verifyIndex()
    var found = 0
    let lookups = min(sample, items)
    for step in 0..<lookups {
      let number = step * items / max(lookups, 1)
      let hits = try engine.suggester.suggest(Self.token(number), tenant: Self.tenant)
      if hits.contains(where: { $0.id == "soak-\(number)" }) { found += 1 }
    }
    let report = Report(
      items: items, importSeconds: importSeconds, itemsPerSecond: Double(items) / importSeconds,
      suggestRequests: load.requests, suggestErrors: load.errors,
      suggestP50Ms: Double(load.latency.valueAtPercentile(50)) / 1e6,
      suggestP99Ms: Double(load.latency.valueAtPercentile(99)) / 1e6, suggestMaxMs: Double(load.latency.max) / 1e6,
      stillP50Ms: Double(quiet.latency.valueAtPercentile(50)) / 1e6,
      stillP99Ms: Double(quiet.latency.valueAtPercentile(99)) / 1e6, stillMaxMs: Double(quiet.latency.max) / 1e6,
      picks: load.picks, xapianCheck: check.summary, xapianCheckPassed: check.passed, verification: verification,
      sampleFound: found, sampleLookedUp: lookups,
      indexBytes: DiskUsage.bytes(under: (folder as NSString).appendingPathComponent("index")),
      peakMemoryMB: BenchDisk.peakMemoryMB(),
      passed: check.passed && verification.isConsistent && found == lookups && load.errors + quiet.errors == 0)
    if json {
      try JSONOutput.print(report)
    } else {
      print(
        "import: \(items) items in \(BenchFormat.fixed(importSeconds, 1)) s = \(Int(report.itemsPerSecond)) items/s;"
          + " index \(BenchFormat.fixed(Double(report.indexBytes) / 1e6, 1)) MB;"
          + " peak memory \(BenchFormat.fixed(report.peakMemoryMB, 0)) MB")
      print(
        "suggest during the import: \(load.requests) requests, p50 \(BenchFormat.fixed(report.suggestP50Ms, 3)) ms,"
          + " p99 \(BenchFormat.fixed(report.suggestP99Ms, 3)) ms, max \(BenchFormat.fixed(report.suggestMaxMs, 1)) ms;"
          + " \(load.picks) picks; \(load.errors) errors")
      print(
        "suggest on the still index afterwards: \(quiet.requests) requests, p50 \(BenchFormat.fixed(report.stillP50Ms, 3)) ms,"
          + " p99 \(BenchFormat.fixed(report.stillP99Ms, 3)) ms, max \(BenchFormat.fixed(report.stillMaxMs, 1)) ms")
      print("xapian-check: \(check.summary)")
      print(
        "store and index: \(verification.items) items, \(verification.expectedDocuments) documents expected,"
          + " \(verification.indexedDocuments) indexed, \(verification.missing) missing, \(verification.duplicated)"
          + " duplicated; last change \(verification.lastChange), indexed to \(verification.lastApplied)"
          + (verification.missingExamples.isEmpty
            ? "" : " (missing: \(verification.missingExamples.joined(separator: ", ")))"))
      print("found by their token: \(found) of \(lookups) sampled items")
      print(report.passed ? "soak: passed" : "soak: FAILED")
    }
    if !report.passed { throw ExitCode(1) }
  }

  /// Runs Xapian's own consistency check on the index folder.
  static func xapianCheck(_ index: String) -> (passed: Bool, summary: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/xapian-check")
    process.arguments = [index]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    do {
      try process.run()
    } catch {
      return (false, "could not run /usr/bin/xapian-check (Debian xapian-tools): \(error)")
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let last = text.split(separator: "\n").last.map(String.init) ?? ""
    return (process.terminationStatus == 0 && text.contains("No errors found"), last)
  }
}

/// An agent typing while the import runs: suggest requests for words, tokens and pinyin, on a thread of its
/// own; every Nth request picks its first suggestion, as the service records picks.
final class TypingLoad: Sendable {
  let engine: SuggestionEngine
  let tenant: String
  let pickEvery: Int
  /// Stop after this many requests (else when `stop()` is called).
  let limit: Int?
  /// Items stored so far (tokens beyond it are not asked for).
  let imported = Atomic<Int>(0)
  private let stopping = Atomic<Bool>(false)
  private let finished = DispatchSemaphore(value: 0)

  struct Result {
    var requests = 0
    var errors = 0
    var picks = 0
    var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
  }
  private let result = Mutex(Result())

  init(engine: SuggestionEngine, tenant: String, pickEvery: Int, requests limit: Int? = nil) {
    self.engine = engine
    self.tenant = tenant
    self.pickEvery = pickEvery
    self.limit = limit
  }

  func run() {
    defer { finished.signal() }
    let picks = engine.backgroundCatchUp()
    var random = SplitMix64(seed: 7)
    var local = Result()
    let fixed = ["退", "退款", "发票", "会员积", "kx", "tk", "huiyuan", "快递价格", "售后 地址"]
    while !stopping.load(ordering: .acquiring) && local.requests + local.errors < (limit ?? .max) {
      let count = max(imported.load(ordering: .relaxed), 1)
      let query =
        Bool.random(using: &random)
        ? fixed.randomElement(using: &random)!
        : String(
          BenchSoak.token(Int.random(in: 0..<count, using: &random)).prefix(Int.random(in: 4...9, using: &random)))
      let started = DispatchTime.now().uptimeNanoseconds
      do {
        let suggestions = try engine.suggester.suggest(query, tenant: tenant)
        local.latency.record(DispatchTime.now().uptimeNanoseconds - started)
        local.requests += 1
        if pickEvery > 0, local.requests % pickEvery == 0, let first = suggestions.first {
          try engine.store.recordUse(tenant: tenant, source: first.source, id: first.id)
          picks.poke()
          local.picks += 1
        }
      } catch {
        local.errors += 1
        FileHandle.standardError.write(Data("suggest failed during the soak: \(error)\n".utf8))
      }
    }
    result.withLock { $0 = local }
  }

  /// Stops the typing and waits for its last request; what it measured.
  func stop() -> Result {
    stopping.store(true, ordering: .releasing)
    finished.wait()
    return result.withLock { $0 }
  }
}
