import ArgumentParser
import CommandLineSupport
import Embeddings
import Foundation
import Histogram
import Knowledge
import QuestionVectors
import Workbench

/// `replykit-bench vectors`: what the semantic stage costs a data folder: how long its vectors take to catch up
/// with an import, what they weigh in memory, and how long an exact search of them takes.
struct BenchVectors: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vectors",
    abstract: "The semantic stage: catch-up time after an import, memory, and exact search latency.",
    discussion: """
      --entries bot entries of three English questions each (Banking77's training examples in \
      ../shared/evaldata, numbered so that no two are the same) are imported into a temporary data folder, and \
      the vectors' catch-up is timed. The search is timed apart, over --search-entries items of three random \
      unit vectors each: one matrix-vector product and the 20 nearest items, as smart reply asks.
      """
  )

  @Option(help: "The model folder (`make model` installs models/all-MiniLM-L6-v2).")
  var model = "models/all-MiniLM-L6-v2"

  @Option(help: "Bot entries imported and encoded; 0 leaves the catch-up out.")
  var entries = 2_000

  @Option(help: "Items searched (three vectors each); 0 leaves the search out.")
  var searchEntries = 100_000

  @Option(help: "Searches timed.")
  var searches = 300

  func run() async throws {
    let encoder = try SentenceEncoder(folder: model)
    print("replykit-bench vectors")
    print("model: \(encoder.fingerprint), cores: \(ProcessInfo.processInfo.activeProcessorCount)")
    if entries > 0 { try await catchUp(encoder) }
    if searchEntries > 0 { search(dimension: encoder.dimension) }
  }

  private func catchUp(_ encoder: SentenceEncoder) async throws {
    let path = "../shared/evaldata/banking77/corpus_exemplars.jsonl"
    guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ValidationError("\(path): cannot be read (run from the checkout, beside ../shared)")
    }
    var lines: [String] = []
    for line in contents.split(separator: "\n") {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
      for field in ["title", "body"] {
        lines += ((object[field] as? String) ?? "").split(separator: "\n").map(String.init)
      }
    }
    guard lines.count >= 3 else { throw ValidationError("\(path): no text") }
    let items = (0..<entries).map { number in
      let text = { (k: Int) in "\(lines[(3 * number + k) % lines.count]) (\(number))" }
      return KnowledgeItem(
        id: "bot-\(number)", source: .bot, title: text(0), similar: [text(1), text(2)], body: "Answer \(number).",
        language: "en")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let engine = try await SuggestionEngine(dataFolder: folder.path, encoder: encoder)
    let imported = ContinuousClock.now
    for start in stride(from: 0, to: items.count, by: 1_000) {
      try engine.store.upsert(Array(items[start..<min(start + 1_000, items.count)]), tenant: "bench")
    }
    try await engine.catchUp()
    let indexed = ContinuousClock.now - imported
    let stage = engine.semantic
    let encoding = ContinuousClock.now
    try await stage.finish()
    let seconds = BenchFormat.seconds(ContinuousClock.now - encoding)
    guard let status = try stage.status() else { throw ValidationError("the engine opened without its model") }
    print(
      "catch-up: \(entries) entries (\(status.vectors) questions) stored and indexed in "
        + "\(BenchFormat.milliseconds(indexed)), their vectors in \(String(format: "%.1f", seconds)) s after that: "
        + "\(Int(Double(entries) / seconds)) entries/s, \(Int(Double(status.vectors) / seconds)) questions/s "
        + "(100,000 entries: about \(Int(100_000 / (Double(entries) / seconds) / 60)) minutes)")
    // A long catch-up's result must not wait in a buffer for the rest of the run.
    fflush(nil)
  }

  private func search(dimension: Int) {
    var random = SystemRandomNumberGenerator()
    let table = VectorTable(dimension: dimension)
    func unit() -> [Float] {
      let values = (0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }
      let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return values.map { $0 / norm }
    }
    var batch: [String: VectorTable.ItemVectors?] = [:]
    for item in 0..<searchEntries {
      batch["bot\u{1F}\(item)"] = VectorTable.ItemVectors(
        hash: UInt64(item), questions: [0, 1, 2], values: unit() + unit() + unit())
      if batch.count == 10_000 {
        table.apply(tenant: "bench", batch)
        batch.removeAll()
      }
    }
    table.apply(tenant: "bench", batch)
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    for _ in 0..<searches {
      let query = unit()
      let start = DispatchTime.now().uptimeNanoseconds
      let found = table.scores(tenant: "bench", query: query)?.nearest(limit: 20) ?? []
      histogram.record(DispatchTime.now().uptimeNanoseconds - start)
      precondition(found.count == min(20, searchEntries))
    }
    func ms(_ nanoseconds: UInt64) -> String { String(format: "%.2f ms", Double(nanoseconds) / 1e6) }
    let totals = table.totals
    print(
      "search: \(searchEntries) items, \(totals.vectors) vectors, \(totals.bytes / 1_048_576) MB; "
        + "scores and the 20 nearest: p50 \(ms(histogram.valueAtPercentile(50))), "
        + "p99 \(ms(histogram.valueAtPercentile(99)))")
  }
}
