import ArgumentParser
import CommandLineSupport
import Foundation
import Histogram
import Knowledge
import Ranking
import TextAnalysis
import Workbench

/// `replykit-bench suggest`: import throughput, suggest latency over typed prefixes, index size, memory.
struct BenchSuggest: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "suggest",
    abstract: "Import a generated corpus, then time suggestions for prefixes of 1 to 6 characters.")

  @Option(help: "Items to generate.")
  var items = 100_000

  @Option(help: "Suggest requests to time.")
  var queries = 5_000

  @Option(help: "Items per store transaction while importing.")
  var batch = 1_000

  @Option(help: "The data folder to use (default: a new temporary one, removed afterwards).")
  var data: String?

  @Option(help: "Also write the typed prefixes, URL-encoded, one per line (for tools/bench/http.sh).")
  var writeQueries: String?

  @Option(help: "Also write the generated items as {\"id\", \"title\", \"body\"} lines (for tools/peers).")
  var writeCorpus: String?

  @Option(
    help: "Ranking weights: a JSON file of an object with any settings of RankingWeights' groups (docs/ranking.md).")
  var weights: String?

  @Option(
    help: ArgumentHelp(
      "Also time every request with these ranking weights (a JSON file like --weights), in turn with the first,"
        + " and print both latencies and their ratio."))
  var against: String?

  @Flag(
    help: ArgumentHelp(
      "Also time every request, in turn with the first, with a suggester that does not keep short prefixes'"
        + " shared hits (with --against, that one has those weights), and print both latencies and their ratio."))
  var againstWithoutSharedHits = false

  @Flag(help: "Also print where the timed requests spent their time, stage by stage.")
  var stages = false

  @Option(
    help: ArgumentHelp(
      "Pick the first suggestion of every Nth request while timing, as agents do (each pick is committed to"
        + " the index in the background); 0: no picks."))
  var pickEvery = 0

  func run() async throws {
    let folder =
      data ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-bench-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    var corpus = try BenchCorpus()
    print("replykit-bench suggest")
    print(
      "cores: \(ProcessInfo.processInfo.activeProcessorCount)  items: \(items)  vocabulary: \(corpus.words.count) words"
    )

    // Import as `replykit import` does: store batches, the index catching up beside them.
    let otherWeights = try against.map { path throws(RankingWeightsFileError) in try RankingWeights.read(path) }
    let engine = try await SuggestionEngine(dataFolder: folder, weights: RankingWeights.read(weights))
    var generated: [KnowledgeItem] = []
    generated.reserveCapacity(items)
    for number in 0..<items { generated.append(corpus.item(number)) }
    // A data folder given with --data that already holds the corpus is reused (to time queries alone).
    let reuse = try engine.store.count(tenant: "bench") == items
    let started = ContinuousClock.now
    var storeTime = Duration.zero
    let session = ImportSession(engine: engine, tenant: "bench", batchSize: batch)
    session.onBatch = { storeTime += $0 }
    if !reuse { try session.add(contentsOf: generated) }
    try await session.finish()
    let importSeconds = (ContinuousClock.now - started).milliseconds / 1000
    let storeSeconds = storeTime.milliseconds / 1000
    if reuse {
      print("import: skipped (the data folder already holds the \(items) generated items)")
    } else {
      print(
        "import: \(items) items in \(BenchFormat.fixed(importSeconds)) s = \(Int(Double(items) / importSeconds)) items/s"
          + " (\(batch) per batch; \(BenchFormat.fixed(storeSeconds)) s of it writing the store)")
    }

    let typed = try BenchCorpus.typedPrefixes(of: generated, count: queries)
    if let path = writeCorpus { try BenchCorpus.write(generated, to: path) }
    if let path = writeQueries {
      let encoded = typed.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 }
      try (encoded.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
    let options = SuggestOptions(agent: "agent-7", limit: 5)
    for text in typed.prefix(200) { _ = try engine.suggester.suggest(text, tenant: "bench", options: options) }  // warm
    var all = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    // With --against, the same requests through a second suggester with other weights, each request timed
    // with both in turn (which goes first alternates): on this shared machine the speed moves by tens of
    // percent between runs, so two rankings' latencies compare only within one.
    let other =
      againstWithoutSharedHits
      ? engine.suggester(weights: otherWeights ?? engine.suggester.weights, keepsSharedHits: false)
      : otherWeights.map { engine.suggester(weights: $0) }
    var otherAll = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    if let other {
      for text in typed.prefix(200) { _ = try other.suggest(text, tenant: "bench", options: options) }
    }
    var byLength = [Int: Histogram<UInt64>]()
    var empty = 0
    var timings: [UInt64] = []
    // Picks commit while requests run: the index reopens and whatever is cached per commit starts over.
    let picking = pickEvery > 0 ? engine.backgroundCatchUp() : nil
    var picks = 0
    let versionBefore = engine.resultsVersion
    if stages { engine.suggester.stages.start() }
    // With --stages, each request's own stage times too (the difference of the totals around it), to show
    // where the slowest requests, which set the p99, spend theirs.
    var requestStages: [[SuggestStages.Stage: SuggestStages.Total]] = []
    for (number, text) in typed.enumerated() {
      let before = stages ? engine.suggester.stages.recorded : [:]
      func timeOther() throws {
        guard let other else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try other.suggest(text, tenant: "bench", options: options)
        otherAll.record(DispatchTime.now().uptimeNanoseconds - start)
      }
      if number % 2 == 1 { try timeOther() }
      let start = DispatchTime.now().uptimeNanoseconds
      let found = try engine.suggester.suggest(text, tenant: "bench", options: options)
      let nanoseconds = DispatchTime.now().uptimeNanoseconds - start
      if number % 2 == 0 { try timeOther() }
      if stages { requestStages.append(SuggestStages.difference(engine.suggester.stages.recorded, before)) }
      if let picking, number % pickEvery == 0, let first = found.first {
        try engine.store.recordUse(tenant: "bench", source: first.source, id: first.id)
        picking.poke()
        picks += 1
      }
      all.record(nanoseconds)
      timings.append(nanoseconds)
      byLength[
        text.count, default: Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
      ]
      .record(nanoseconds)
      if found.isEmpty { empty += 1 }
    }
    engine.suggester.stages.stop()
    let commits = engine.resultsVersion &- versionBefore
    try await picking?.finish()
    func ms(_ value: UInt64) -> String { BenchFormat.fixed(Double(value) / 1e6, 3) }
    if picking != nil { print("picks: \(picks) while timing, \(commits) index commits") }
    print(
      "suggest: \(queries) requests, p50 \(ms(all.valueAtPercentile(50))) ms, p99 \(ms(all.valueAtPercentile(99))) ms,"
        + " max \(ms(all.max)) ms, \(empty) with no suggestion")
    if other != nil {
      let label = [against, againstWithoutSharedHits ? "without shared hits" : nil].compactMap { $0 }
      let ratio = { (percentile: Double) in
        BenchFormat.fixed(
          Double(all.valueAtPercentile(percentile)) / Double(max(otherAll.valueAtPercentile(percentile), 1)), 3)
      }
      print(
        "  against \(label.joined(separator: ", ")): p50 \(ms(otherAll.valueAtPercentile(50))) ms, p99 \(ms(otherAll.valueAtPercentile(99))) ms;"
          + " these weights' p50 and p99 over its: \(ratio(50)), \(ratio(99))")
    }
    for length in byLength.keys.sorted() {
      let histogram = byLength[length]!
      print(
        "  \(length) char\(length == 1 ? " " : "s"): \(histogram.totalCount) requests, p50 \(ms(histogram.valueAtPercentile(50))) ms,"
          + " p99 \(ms(histogram.valueAtPercentile(99))) ms")
    }
    // The requests by time, slowest first (the five named below; with --stages the slowest 1 %).
    let slowest = timings.indices.sorted { timings[$0] > timings[$1] }
    if stages {
      print(Self.stagesReport(engine.suggester.stages.recorded, total: all))
      print(Self.tailReport(requestStages, nanoseconds: timings, slowest: slowest))
    }
    let worst = slowest.prefix(5).map { "\(typed[$0]) \(ms(timings[$0]))" }
    print("  slowest: " + worst.joined(separator: ", "))
    let indexBytes = DiskUsage.bytes(under: (folder as NSString).appendingPathComponent("index"))
    let storeBytes = DiskUsage.bytes(under: (folder as NSString).appendingPathComponent("replykit.sqlite"))
    print(
      "index: \(try await engine.indexedDocumentCount()) documents, \(BenchFormat.fixed(Double(indexBytes) / 1e6, 1)) MB;"
        + " store \(BenchFormat.fixed(Double(storeBytes) / 1e6, 1)) MB; peak memory \(BenchFormat.fixed(BenchDisk.peakMemoryMB(), 0)) MB"
    )
  }
}

extension BenchSuggest {
  /// One line a stage: how often it ran (highlighting: once a shown item), its mean time, and its share of all
  /// the timed requests' time (what is left is the request's own bookkeeping: caches, key parsing, merging).
  static func stagesReport(
    _ recorded: [SuggestStages.Stage: SuggestStages.Total], total: Histogram<UInt64>
  )
    -> String
  {
    let all = total.mean * Double(total.totalCount)
    var lines = ["  stages (times run, mean ms a time, share of all the timed requests' time):"]
    for stage in SuggestStages.Stage.allCases {
      guard let recorded = recorded[stage], recorded.count > 0 else { continue }
      let mean = Double(recorded.nanoseconds) / Double(recorded.count) / 1e6
      lines.append(
        "    \(stage.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(recorded.count) times, mean \(BenchFormat.fixed(mean, 3)) ms,"
          + " \(BenchFormat.fixed(all > 0 ? 100 * Double(recorded.nanoseconds) / all : 0, 1)) %")
    }
    return lines.joined(separator: "\n")
  }

  /// The same for the slowest 1 % of the requests (those at or above the p99): how many of them ran each
  /// stage, and its mean time in those that ran it.
  /// `requests` and `nanoseconds` hold each timed request's stages and time, `slowest` their indices slowest first.
  static func tailReport(
    _ requests: [[SuggestStages.Stage: SuggestStages.Total]], nanoseconds: [UInt64], slowest: [Int]
  ) -> String {
    let tail = slowest.prefix(max(1, nanoseconds.count / 100))
    let mean = Double(tail.reduce(0) { $0 + nanoseconds[$1] }) / Double(tail.count) / 1e6
    var lines = [
      "  the slowest \(tail.count) requests (mean \(BenchFormat.fixed(mean, 3)) ms): how many ran each stage,"
        + " its mean ms in those"
    ]
    for stage in SuggestStages.Stage.allCases {
      let ran = tail.compactMap { requests[$0][stage] }.filter { $0.count > 0 }
      guard !ran.isEmpty else { continue }
      let total = Double(ran.reduce(0) { $0 + $1.nanoseconds }) / Double(ran.count) / 1e6
      lines.append(
        "    \(stage.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(ran.count) ran it,"
          + " mean \(BenchFormat.fixed(total, 3)) ms")
    }
    return lines.joined(separator: "\n")
  }
}

enum BenchDisk {
  /// The process's peak resident memory, in MB.
  static func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
  }
}
