import ArgumentParser
import CommandLineSupport
import Embeddings
import Foundation
import Histogram

/// `replykit-bench embed`: how long the sentence encoder takes for one customer message (smart reply embeds
/// each once) and how many sentences a second it encodes in batches (what catching up with an import costs).
struct BenchEmbed: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Sentence-encoder latency (one text at a time) and throughput (batches), on the CPU.",
    discussion: """
      The texts are the lines of --text files (default: Banking77's test queries in ../shared/evaldata). The \
      first pass warms up and is not counted. The encoder's matrix products run on OpenBLAS, with \
      OPENBLAS_NUM_THREADS threads (all cores when unset).
      """
  )

  @Option(help: "The model folder (`make model` installs models/all-MiniLM-L6-v2).")
  var model = "models/all-MiniLM-L6-v2"

  @Option(help: "Text files, one text per line (a TSV's last column).")
  var text: [String] = []

  @Option(help: "Texts timed one at a time.")
  var queries = 1000

  @Option(help: "Texts a batch, for throughput.")
  var batch = 32

  func run() throws {
    let started = ContinuousClock.now
    let encoder = try SentenceEncoder(folder: model)
    let loaded = ContinuousClock.now - started
    let paths = text.isEmpty ? ["../shared/evaldata/banking77/queries.tsv"] : text
    var texts: [String] = []
    for path in paths {
      guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ValidationError("\(path): cannot be read")
      }
      texts += contents.split(whereSeparator: \.isNewline).map { line in
        String(line.split(separator: "\t", omittingEmptySubsequences: false).last ?? "")
      }
    }
    guard !texts.isEmpty else { throw ValidationError("no text in \(paths.joined(separator: ", "))") }
    let tokens = texts.map { encoder.tokenizer.ids($0, maxTokens: encoder.configuration.maxTokens).count }
    print("replykit-bench embed")
    print(
      "model: \(model) (\(encoder.configuration.layers) layers, \(encoder.dimension) wide), loaded in "
        + "\(BenchFormat.milliseconds(loaded))  cores: \(ProcessInfo.processInfo.activeProcessorCount)  "
        + "OPENBLAS_NUM_THREADS: \(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")")
    print("texts: \(texts.count), tokens a text: median \(tokens.sorted()[tokens.count / 2]), max \(tokens.max()!)")

    _ = encoder.encode(Array(texts.prefix(50)))  // warm-up
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    for index in 0..<queries {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = encoder.encode(texts[index % texts.count])
      histogram.record(DispatchTime.now().uptimeNanoseconds - start)
    }
    func ms(_ nanoseconds: UInt64) -> String { String(format: "%.2f ms", Double(nanoseconds) / 1e6) }
    print(
      "one at a time: \(queries) texts, p50 \(ms(histogram.valueAtPercentile(50))), "
        + "p99 \(ms(histogram.valueAtPercentile(99))), max \(ms(histogram.max))")

    let clock = ContinuousClock.now
    var done = 0
    while done < texts.count {
      let slice = Array(texts[done..<min(done + batch, texts.count)])
      _ = encoder.encode(slice)
      done += slice.count
    }
    let seconds = BenchFormat.seconds(ContinuousClock.now - clock)
    print(
      "batches of \(batch): \(texts.count) texts in \(String(format: "%.2f", seconds)) s, \(Int(Double(texts.count) / seconds)) texts/s"
    )
  }
}
