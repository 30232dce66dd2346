import ArgumentParser
import CommandLineSupport
import Foundation
import Histogram
import TextAnalysis

/// `replykit-bench analyze`: analysis throughput on Chinese text, with pinyin keys on and off.
struct BenchAnalyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Analysis throughput (MB/s) on Chinese text, pinyin keys on and off.",
    discussion: """
      The text is the lines of --text files (default: the AFQMC questions in ../shared/evaldata, else the \
      demo corpus), repeated until it reaches --megabytes. Each line is analysed as one document. The first \
      pass warms the pinyin cache and is not counted.
      """
  )

  @Option(help: "Text files, one document per line (JSON Lines: the string fields are used).")
  var text: [String] = []

  @Option(help: "How much text to analyse per run, in MB of UTF-8.")
  var megabytes: Double = 5

  @Option(help: "Timed runs per setting.")
  var runs: Int = 5

  func run() throws {
    let documents = try BenchText.load(paths: text, megabytes: megabytes)
    let bytes = documents.reduce(0) { $0 + $1.utf8.count }
    let started = ContinuousClock.now
    let analyzer = try Analyzer()
    _ = try analyzer.analyze("预热")
    let setUp = ContinuousClock.now - started
    print("replykit-bench analyze")
    print("cores: \(ProcessInfo.processInfo.activeProcessorCount)  analyzer: \(analyzer.version)")
    print(
      "corpus: \(documents.count) documents, \(String(format: "%.2f", Double(bytes) / 1e6)) MB UTF-8"
        + "  set-up (ICU tables, lexicon): \(BenchFormat.milliseconds(setUp))")
    for pinyin in [false, true] {
      let options = AnalysisOptions(pinyinKeys: pinyin)
      _ = try pass(documents, analyzer: analyzer, options: options, histogram: nil)  // warm-up
      var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
      var rates: [Double] = []
      var tokens = 0
      for _ in 0..<runs {
        let clock = ContinuousClock.now
        tokens = try pass(documents, analyzer: analyzer, options: options, histogram: &histogram)
        let seconds = BenchFormat.seconds(ContinuousClock.now - clock)
        rates.append(Double(bytes) / 1e6 / seconds)
      }
      rates.sort()
      let median = rates[rates.count / 2]
      let tokensPerSecond = Double(tokens) / (Double(bytes) / 1e6 / median)
      let setting = pinyin ? "pinyin on " : "pinyin off"
      let spread = "min \(BenchFormat.fixed(rates.first!)), max \(BenchFormat.fixed(rates.last!)) over \(runs) runs"
      let perDocument =
        "per document p50 \(histogram.valueAtPercentile(50)) ns, p99 \(histogram.valueAtPercentile(99)) ns"
      print(
        "\(setting): median \(BenchFormat.fixed(median)) MB/s (\(spread)), "
          + "\(BenchFormat.fixed(tokensPerSecond / 1e6)) M tokens/s, \(perDocument)")
    }
  }

  private func pass(
    _ documents: [String], analyzer: Analyzer, options: AnalysisOptions,
    histogram: UnsafeMutablePointer<Histogram<UInt64>>?
  ) throws -> Int {
    var tokens = 0
    for document in documents {
      let start = DispatchTime.now().uptimeNanoseconds
      tokens += try analyzer.analyze(document, options: options).count
      if let histogram { histogram.pointee.record(DispatchTime.now().uptimeNanoseconds - start) }
    }
    return tokens
  }
}
