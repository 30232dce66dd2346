import ArgumentParser
import Foundation
import Histogram
import Knowledge
import SearchIndex
import TextAnalysis

/// `replykit bench suggest`: import throughput, suggest latency over typed prefixes, index size, memory.
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

  @Option(help: "Ranking weights: a JSON object with any fields of RankingWeights (the rest standard).")
  var weights: String?

  @Flag(help: "Also print where the timed requests spent their time, stage by stage.")
  var stages = false

  @Option(
    help: """
      Pick the first suggestion of every Nth request while timing, as agents do (each pick is committed to       the index in the background); 0: no picks.
      """)
  var pickEvery = 0

  func run() async throws {
    let folder =
      data ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-bench-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    var corpus = try BenchCorpus()
    print("replykit bench suggest")
    print(
      "cores: \(ProcessInfo.processInfo.activeProcessorCount)  items: \(items)  vocabulary: \(corpus.words.count) words"
    )

    // Import as `replykit import` does: store batches, the index catching up beside them.
    let engine = try await SuggestionEngine(dataFolder: folder, weights: RankingWeights.read(weights))
    var generated: [KnowledgeItem] = []
    generated.reserveCapacity(items)
    for number in 0..<items { generated.append(corpus.item(number)) }
    // A data folder given with --data that already holds the corpus is reused (to time queries alone).
    let reuse = try engine.store.count(tenant: "bench") == items
    let started = ContinuousClock.now
    var storeTime = Duration.zero
    let indexing = engine.backgroundCatchUp()
    for start in stride(from: 0, to: reuse ? 0 : items, by: batch) {
      let storeStarted = ContinuousClock.now
      try engine.store.upsert(Array(generated[start..<min(start + batch, items)]), tenant: "bench")
      storeTime += ContinuousClock.now - storeStarted
      indexing.poke()
    }
    try await indexing.finish()
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
    var byLength = [Int: Histogram<UInt64>]()
    var empty = 0
    var slowest: [(nanoseconds: UInt64, text: String)] = []
    // Picks commit while requests run: the index reopens and whatever is cached per commit starts over.
    let picking = pickEvery > 0 ? engine.backgroundCatchUp() : nil
    var picks = 0
    let versionBefore = engine.resultsVersion
    if stages { engine.suggester.stages.start() }
    for (number, text) in typed.enumerated() {
      let start = DispatchTime.now().uptimeNanoseconds
      let found = try engine.suggester.suggest(text, tenant: "bench", options: options)
      let nanoseconds = DispatchTime.now().uptimeNanoseconds - start
      if let picking, number % pickEvery == 0, let first = found.first {
        try engine.store.recordUse(tenant: "bench", source: first.source, id: first.id)
        picking.poke()
        picks += 1
      }
      all.record(nanoseconds)
      byLength[
        text.count, default: Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
      ]
      .record(nanoseconds)
      if found.isEmpty { empty += 1 }
      slowest.append((nanoseconds, text))
      if slowest.count > 40 { slowest = Array(slowest.sorted { $0.nanoseconds > $1.nanoseconds }.prefix(5)) }
    }
    engine.suggester.stages.stop()
    let commits = engine.resultsVersion &- versionBefore
    try await picking?.finish()
    func ms(_ value: UInt64) -> String { BenchFormat.fixed(Double(value) / 1e6, 3) }
    if picking != nil { print("picks: \(picks) while timing, \(commits) index commits") }
    print(
      "suggest: \(queries) requests, p50 \(ms(all.valueAtPercentile(50))) ms, p99 \(ms(all.valueAtPercentile(99))) ms,"
        + " max \(ms(all.max)) ms, \(empty) with no suggestion")
    for length in byLength.keys.sorted() {
      let histogram = byLength[length]!
      print(
        "  \(length) char\(length == 1 ? " " : "s"): \(histogram.totalCount) requests, p50 \(ms(histogram.valueAtPercentile(50))) ms,"
          + " p99 \(ms(histogram.valueAtPercentile(99))) ms")
    }
    if stages { print(Self.stagesReport(engine.suggester.stages.recorded, total: all)) }
    let worst = slowest.sorted { $0.nanoseconds > $1.nanoseconds }.prefix(5).map { "\($0.text) \(ms($0.nanoseconds))" }
    print("  slowest: " + worst.joined(separator: ", "))
    let indexBytes = BenchDisk.size(of: (folder as NSString).appendingPathComponent("index"))
    let storeBytes = BenchDisk.size(of: (folder as NSString).appendingPathComponent("replykit.sqlite"))
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
}

enum BenchDisk {
  /// Bytes under a path (a file or a folder).
  static func size(of path: String) -> Int {
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { return 0 }
    if !isFolder.boolValue { return (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
    let files = (try? manager.subpathsOfDirectory(atPath: path)) ?? []
    return files.reduce(0) { $0 + size(of: (path as NSString).appendingPathComponent($1)) }
  }

  /// The process's peak resident memory, in MB.
  static func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
  }
}
