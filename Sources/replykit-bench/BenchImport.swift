import ArgumentParser
import CommandLineSupport
import Embeddings
import Evaluation
import Foundation
import Histogram
import Knowledge
import Ranking
import Workbench

/// `replykit-bench import`: import throughput into a fresh data folder, the way `replykit import` writes.
struct BenchImport: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import a generated corpus (or --corpus) into fresh data folders; items/s, index size, peak memory.",
    discussion: """
      Each run imports every item into a new temporary data folder: store batches, the index catching up \
      beside them, until the index holds them all. The median run is reported. --corpus takes an evaluation \
      corpus ({"id", "title", "body"} per line, as replykit eval reads it) instead of generated items, so \
      that tools/peers can compare ReplyKit's indexing rate on the very corpus the peers index.
      """
  )

  @Option(help: "Items to generate (ignored with --corpus).")
  var items = 100_000

  @Option(help: "Timed runs, each into a fresh data folder.")
  var runs = 3

  @Option(help: "Items per store transaction.")
  var batch = 1_000

  @Option(help: "Import this evaluation corpus instead of generated items.")
  var corpus: String?

  @Option(name: .customLong("as"), help: "With --corpus: the source its entries become.")
  var source: KnowledgeSource = .bot

  @Flag(help: "With --corpus: a bot entry's body lines become similar questions (as replykit eval).")
  var similarFromBody = false

  @Option(
    help:
      "A sentence-embedding model folder: its vectors follow the import in the background, as in `serve --model` (the import is timed as without; the vectors are not waited for)."
  )
  var model: String?

  @Flag(
    help:
      "Also time suggestions while each import runs: one request at a time on a thread of its own, a typed prefix every 20 ms as an agent types, over whatever the index holds so far."
  )
  var suggestBeside = false

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard items > 0 else { throw ValidationError("--items must be at least 1") }
    guard runs > 0 else { throw ValidationError("--runs must be at least 1") }
    guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
  }

  struct Report: Codable {
    var cores: Int
    var items: Int
    var corpus: String
    var batch: Int
    var itemsPerSecond: [Double]
    var itemsPerSecondMedian: Double
    var batchP50Ms: Double
    var batchP99Ms: Double
    var indexBytes: Int
    var storeBytes: Int
    var peakMemoryMB: Double
    /// With --suggest-beside: each run's suggestions timed while it imported.
    var suggestBeside: [SuggestBeside.Report]?
  }

  func run() async throws {
    let generated: [KnowledgeItem]
    if let corpus {
      generated = try Evaluator.loadCorpus(corpus, as: source, similarFromBody: similarFromBody)
    } else {
      var generator = try BenchCorpus()
      generated = (0..<items).map { generator.item($0) }
    }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if !json {
      print("replykit-bench import")
      print(
        "cores: \(cores)  items: \(generated.count) (\(corpus ?? "generated"))  batch: \(batch)  runs: \(runs)")
    }
    // Per store transaction (the index follows in the background, so this is what a writer waits for).
    var batches = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var rates: [Double] = []
    var indexBytes = 0
    var storeBytes = 0
    var beside: [SuggestBeside.Report] = []
    let typed = suggestBeside ? try BenchCorpus.typedPrefixes(of: generated, count: 5_000) : []
    for number in 1...runs {
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("replykit-bench-import-\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: folder) }
      let (seconds, suggested) = try await importOnce(generated, into: folder, typed: typed, batches: &batches)
      rates.append(Double(generated.count) / seconds)
      if let suggested { beside.append(suggested) }
      indexBytes = DiskUsage.bytes(under: (folder as NSString).appendingPathComponent("index"))
      storeBytes = DiskUsage.bytes(under: (folder as NSString).appendingPathComponent("replykit.sqlite"))
      if !json {
        print("run \(number): \(BenchFormat.fixed(seconds)) s = \(Int(rates.last!)) items/s")
        if let suggested {
          print(
            "  suggest beside it: \(suggested.requests) requests, p50 \(BenchFormat.fixed(suggested.p50Ms, 3)) ms,"
              + " p99 \(BenchFormat.fixed(suggested.p99Ms, 3)) ms, max \(BenchFormat.fixed(suggested.maxMs, 3)) ms"
              + " (\(suggested.empty) found nothing yet, \(suggested.failures) failed)")
        }
      }
    }
    let sorted = rates.sorted()
    let median =
      sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    let report = Report(
      cores: cores, items: generated.count, corpus: corpus ?? "generated", batch: batch, itemsPerSecond: rates,
      itemsPerSecondMedian: median, batchP50Ms: Double(batches.valueAtPercentile(50)) / 1e6,
      batchP99Ms: Double(batches.valueAtPercentile(99)) / 1e6, indexBytes: indexBytes, storeBytes: storeBytes,
      peakMemoryMB: BenchDisk.peakMemoryMB(), suggestBeside: suggestBeside ? beside : nil)
    if json { return try JSONOutput.print(report) }
    print(
      "import: median \(Int(report.itemsPerSecondMedian)) items/s (min \(Int(sorted.first!)), max \(Int(sorted.last!))"
        + " over \(runs) runs); store transaction of \(batch): p50 \(BenchFormat.fixed(report.batchP50Ms, 3)) ms,"
        + " p99 \(BenchFormat.fixed(report.batchP99Ms, 3)) ms")
    print(
      "index: \(BenchFormat.fixed(Double(indexBytes) / 1e6, 1)) MB; store \(BenchFormat.fixed(Double(storeBytes) / 1e6, 1)) MB;"
        + " peak memory \(BenchFormat.fixed(report.peakMemoryMB, 0)) MB (the whole process: the items are held in memory)"
    )
  }

  /// One import into a new data folder; the seconds until the index holds every item, and with `typed`
  /// (--suggest-beside) the suggestions timed meanwhile.
  private func importOnce(
    _ items: [KnowledgeItem], into folder: String, typed: [String], batches: inout Histogram<UInt64>
  ) async throws -> (seconds: Double, beside: SuggestBeside.Report?) {
    let engine = try await SuggestionEngine(
      dataFolder: folder, encoder: try model.map { try SentenceEncoder(folder: $0) })
    let beside =
      typed.isEmpty ? nil : SuggestBeside({ engine.suggester }, typed: typed, tenant: "bench", pause: .milliseconds(20))
    let started = ContinuousClock.now
    let session = ImportSession(engine: engine, tenant: "bench", batchSize: batch)
    var durations: [Duration] = []
    session.onBatch = { durations.append($0) }
    try session.add(contentsOf: items)
    try await session.finish()
    for duration in durations { batches.record(UInt64((duration.milliseconds * 1e6).rounded())) }
    let seconds = BenchFormat.seconds(ContinuousClock.now - started)
    let suggested = beside?.stop()
    let indexed = try await engine.indexedDocumentCount()
    guard indexed >= items.count else {
      throw ValidationError("the index holds \(indexed) documents after importing \(items.count) items")
    }
    if engine.semantic.standardEncoder != nil {
      // Not timed: the next run must not share the cores with this one's encoding.
      let encoding = ContinuousClock.now
      try await engine.semantic.finish()
      print("  the vectors caught up \(BenchFormat.milliseconds(ContinuousClock.now - encoding)) after the import")
    }
    return (seconds, suggested)
  }
}
