import ArgumentParser
import CommandLineSupport
import Embeddings
import Evaluation
import Foundation
import Histogram
import Knowledge
import Ranking
import Workbench

/// `replykit eval`: relevance of judged queries, as trec_eval measures it.
struct EvalCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Measure relevance on judged queries (nDCG@10, MRR@10, recall, P@1, MAP, latency).",
    discussion: """
      With --corpus, --queries and --qrels, a fresh index is built in a temporary data folder (or --data) and \
      every query runs through smart reply (--mode full) or # suggest (--mode prefix). Without --corpus, the \
      knowledge already in --data is searched (all sources, or --as). With --picks, the tenant's own pick log \
      in --data is the judged set: each pick's typed text, judged by the picked item.
      """)

  @Option(help: "Corpus: {\"id\", \"title\", \"body\"} per line.") var corpus: String?
  @Option(help: "Queries: qid<TAB>text per line.") var queries: String?
  @Option(help: "Judgments: TREC qrels (qid 0 docid grade).") var qrels: String?
  @Option(
    name: .customLong("as"),
    help: "Import the corpus as: bot (default), quick or internal; with no corpus, search only this source.")
  var source: KnowledgeSource?
  @Option(help: "full: whole questions through smart reply; prefix: typed text through suggest.")
  var mode: Evaluator.Mode = .full
  @Option(help: "Make prefixes of the queries at these percentages of their length (e.g. 30,50,70).") var cut: String?
  @Option(help: "Results per query.") var depth = 10
  @Option(help: "Write a TREC run file.") var run: String?
  @Option(help: "The data folder (default: a temporary one, removed afterwards).") var data: String?
  @Option(help: "The tenant.") var tenant = "eval"
  @Flag(help: "Bot knowledge: the body's lines become similar questions instead of the answer.")
  var similarFromBody = false
  @Flag(help: "Evaluate the tenant's pick log in --data instead of a corpus.") var picks = false
  @Option(
    help: "Ranking weights: a JSON file of an object with any settings of RankingWeights' groups (docs/ranking.md).")
  var weights: String?
  @Option(
    help:
      "The ranking --weights is laid over: standard, or lexical (no learned model: the index's BM25 over words, characters, pairs, stems and trigrams)."
  )
  var ranking = "standard"
  @Option(
    help: ArgumentHelp(
      "Also write each candidate's question-model features (tools/eval/fit-question-model.py).",
      visibility: .hidden))
  var features: String?
  @Option(help: "Word evidence learned by `replykit learn --out`, kept for the tenant before the queries run.")
  var wordEvidence: String?
  @Option(
    help: "Phrasings learned by `replykit learn --out-questions`, kept for the tenant before the queries run.")
  var learnedQuestions: String?
  @Option(
    help:
      "Smart reply's confidence fitted by `replykit learn --out-confidence` (JSON), kept for the tenant before the queries run."
  )
  var confidence: String?
  @Option(
    help:
      "Questions the knowledge does not answer (qid<TAB>text), run as well in full mode: the report adds how often the first answer is right and how many are refused at each confidence threshold."
  )
  var outOfScope: String?
  @Option(
    help:
      "A sentence-embedding model folder (`make model` installs models/all-MiniLM-L6-v2): smart reply weighs meaning beside words, once the vectors are made."
  )
  var model: String?
  @Flag(
    help: ArgumentHelp(
      "Print where the queries spent their time, stage by stage, on standard error.", visibility: .hidden))
  var stages = false
  @Flag(help: "Print JSON.") var json = false
  @Option(
    parsing: .upToNextOption,
    help: "Compare two reports written with --json: the metrics side by side, with a paired randomization test.")
  var compare: [String] = []

  func validate() throws {
    if !compare.isEmpty {
      guard compare.count == 2 else { throw ValidationError("--compare takes two report files") }
      return
    }
    if picks {
      guard data != nil else { throw ValidationError("--picks reads the pick log of --data") }
    } else {
      guard queries != nil, qrels != nil, corpus != nil || data != nil else {
        throw ValidationError(
          "give --queries and --qrels, with --corpus (a fresh index) or --data (the knowledge already there)")
      }
    }
    guard (1...100).contains(depth) else { throw ValidationError("--depth must be from 1 to 100") }
    if outOfScope != nil && mode != .full {
      throw ValidationError("--out-of-scope needs --mode full: confidence is smart reply's")
    }
    _ = try percentages()
    _ = try base
  }

  /// The named ranking of `--ranking`.
  var base: RankingWeights {
    get throws {
      guard let named = RankingWeights.named[ranking] else {
        let known = RankingWeights.named.keys.sorted().joined(separator: ", ")
        throw ValidationError("--ranking: no ranking named \(ranking) (known: \(known))")
      }
      return named
    }
  }

  func percentages() throws -> [Int]? {
    guard let cut else { return nil }
    let values = cut.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ (1...100).contains($0) }) else {
      throw ValidationError("--cut takes percentages from 1 to 100, comma-separated")
    }
    return values
  }

  func run() async throws {
    if !compare.isEmpty { return try printComparison() }
    let folder =
      data ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-eval-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    let encoder = try model.map { folder in
      do { return try SentenceEncoder(folder: folder) } catch { throw ValidationError("--model: \(error)") }
    }
    let engine = try await SuggestionEngine(
      dataFolder: folder, weights: RankingWeights.read(weights, over: try base), encoder: encoder)
    var judged: Queries
    let judgments: Qrels
    let evaluationTenant: String
    if picks {
      evaluationTenant = tenant
      let log = try engine.store.picks(tenant: evaluationTenant)
      judged = Queries(items: log.enumerated().map { ("pick-\($0.offset + 1)", $0.element.input) })
      var qrels: [String: [String: Int]] = [:]
      for (index, pick) in log.enumerated() { qrels["pick-\(index + 1)"] = [pick.itemId: 1] }
      judgments = Qrels(judgments: qrels)
    } else {
      evaluationTenant = tenant
      if let corpus {
        let items = try Evaluator.loadCorpus(corpus, as: source ?? .bot, similarFromBody: similarFromBody)
        let session = ImportSession(engine: engine, tenant: evaluationTenant, batchSize: 5_000)
        try session.add(contentsOf: items)
        try await session.finish()
      } else if try engine.store.count(tenant: evaluationTenant) == 0 {
        // Every query would find nothing: most likely the folder's knowledge is another tenant's (`replykit
        // import` loads tenant "default", eval's own default is "eval").
        throw ValidationError(
          "--data \(folder) holds no knowledge for tenant \"\(evaluationTenant)\": pass its tenant with --tenant "
            + "(`replykit import` loads tenant \"default\")")
      }
      judged = try Queries(path: queries!)
      judgments = try Qrels(path: qrels!)
    }
    if let path = wordEvidence { try engine.setWordEvidence(tenant: evaluationTenant, WordEvidenceFile.read(path)) }
    if let path = confidence {
      let calibration = try ConfidenceFile.read(path)
      _ = try await engine.updateSettings(tenant: evaluationTenant) { $0.confidence = calibration }
    }
    if let path = learnedQuestions {
      let phrasings = try LearnedQuestionFile.read(path)
      let kept = try await engine.setLearnedQuestions(tenant: evaluationTenant, phrasings)
      if kept < phrasings.count {
        // An item's phrasings beyond the store's limit, or phrasings of items this knowledge does not hold.
        FileHandle.standardError.write(Data("\(path): kept \(kept) of \(phrasings.count) learned phrasings\n".utf8))
      }
    }
    // The vectors follow the store (and the learned phrasings) in the background; the queries wait for them.
    try await engine.semantic.finish(tenant: evaluationTenant)
    let full = judged
    if let path = features {
      let evaluator = Evaluator(engine: engine, tenant: evaluationTenant)
      let sources: Set<KnowledgeSource> = corpus != nil ? [source ?? .bot] : source.map { [$0] } ?? [.bot, .internal]
      try evaluator.questionFeatures(judged, qrels: judgments, options: .init(sources: sources, mode: mode))
        .write(toFile: path, atomically: true, encoding: .utf8)
    }
    if let percentages = try percentages() { judged = judged.cut(at: percentages) }

    let evaluator = Evaluator(engine: engine, tenant: evaluationTenant)
    // A fresh corpus is one source; a data folder's knowledge is searched across all, unless --as says which.
    let sources: Set<KnowledgeSource> =
      picks ? [.quick] : corpus != nil ? [source ?? .bot] : source.map { [$0] } ?? Set(KnowledgeSource.allCases)
    let options = Evaluator.Options(sources: sources, mode: mode, depth: depth)
    let progress = ProgressBar(total: judged.items.count, enabled: !json && Terminal.isInteractive)
    if stages { engine.suggester.stages.start() }
    let output = try evaluator.run(judged, options: options) { done in progress.update(bytes: done, items: done) }
    progress.finish()
    if stages {
      engine.suggester.stages.stop()
      for (stage, total) in engine.suggester.stages.recorded.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        let mean = Double(total.nanoseconds) / Double(max(total.count, 1)) / 1e6
        FileHandle.standardError.write(
          Data("stage \(stage.rawValue): \(total.count) times, mean \(String(format: "%.3f", mean)) ms\n".utf8))
      }
    }
    // Prefix queries made by --cut are judged by their whole query's judgments; the shared collections'
    // prefix files judge each prefix id itself.
    let baseID: (String) -> String = { id in
      judgments.judgments[id] != nil ? id : (id.components(separatedBy: "__").first ?? id)
    }
    let qrelsForRun = Qrels(
      judgments: Dictionary(
        uniqueKeysWithValues: judged.items.compactMap { item in
          judgments.judgments[baseID(item.id)].map { (item.id, $0) }
        }))
    let metrics = Metrics(run: output.run, qrels: qrelsForRun)
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    for latency in output.latencies { histogram.record(latency) }
    var perQuery: [String: [String: Double]] = [:]
    for item in judged.items {
      let relevant = qrelsForRun.relevant(item.id)
      if !relevant.isEmpty { perQuery[item.id] = Metrics.perQuery(output.run[item.id] ?? [], relevant: relevant) }
    }
    var report = EvalReport(
      mode: mode, sources: KnowledgeSource.allCases.filter(sources.contains), queries: judged.items.count,
      metrics: metrics, perQuery: perQuery,
      latencyP50Ms: Double(histogram.valueAtPercentile(50)) / 1e6,
      latencyP99Ms: Double(histogram.valueAtPercentile(99)) / 1e6)
    if mode == .full {
      var inScope: [(confidence: Double, right: Bool)] = []
      for item in judged.items {
        let relevant = qrelsForRun.relevant(item.id)
        guard !relevant.isEmpty else { continue }
        let first = output.run[item.id]?.first
        inScope.append(
          (output.confidences[item.id] ?? Evaluator.noAnswer, first.map { relevant[$0] != nil } ?? false))
      }
      var outside: [Double] = []
      if let path = outOfScope {
        let unanswerable = try Queries(path: path)
        let ran = try evaluator.run(unanswerable, options: options)
        outside = unanswerable.items.map { ran.confidences[$0.id] ?? Evaluator.noAnswer }
        report.outOfScopeQueries = outside.count
      }
      report.calibration = CalibrationPoint.curve(judged: inScope, outOfScope: outside)
    }
    if mode == .prefix {
      report.mrrByPrefixLength = Evaluator.mrrByLength(output.run, queries: judged, qrels: judgments, baseID: baseID)
        .reduce(into: [:]) { $0[String($1.key)] = $1.value }
      if cut != nil {
        report.keystrokesToAnswer = try evaluator.keystrokesToAnswer(full, qrels: judgments, options: options)
      }
    }
    if let path = run {
      try TRECRun.format(output.run, scores: output.scores).write(toFile: path, atomically: true, encoding: .utf8)
    }
    if json {
      try JSONOutput.print(report)
    } else {
      print(report.table)
    }
  }
}

extension EvalCommand {
  func printComparison() throws {
    let reports = try compare.map { path -> EvalReport in
      guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read") }
      do { return try JSONDecoder().decode(EvalReport.self, from: data) } catch {
        throw ValidationError("\(path): not a report of replykit eval --json")
      }
    }
    let names = ["ndcg10", "mrr10", "precision1", "recall1", "recall3", "recall5", "recall10", "map", "noResult"]
    let results = PairedComparison.compare(reports[0].perQuery, reports[1].perQuery, metrics: names)
    if json { return try JSONOutput.print(results) }
    print("A: \(compare[0])\nB: \(compare[1])\n\(results.first?.queries ?? 0) queries in both")
    print("metric        A        B        B-A      p (paired randomization, 10,000 rounds)")
    for r in results {
      let mark = r.pValue < 0.05 ? " *" : ""
      print(
        r.metric.padding(toLength: 12, withPad: " ", startingAt: 0)
          + String(format: "  %.4f   %.4f   %+.4f   %.4f", r.a, r.b, r.difference, r.pValue) + mark)
    }
  }
}

extension Evaluator.Mode: ExpressibleByArgument {}

/// What `replykit eval` reports.
struct EvalReport: Codable {
  var mode: Evaluator.Mode
  var sources: [KnowledgeSource]
  var queries: Int
  var metrics: Metrics
  /// Each judged query's metrics, for --compare.
  var perQuery: [String: [String: Double]]
  var latencyP50Ms: Double
  var latencyP99Ms: Double
  var mrrByPrefixLength: [String: Double]?
  var keystrokesToAnswer: Double?
  /// Whole questions: the first answer's precision and the share answered at each confidence threshold.
  var calibration: [CalibrationPoint]?
  /// How many out-of-scope questions ran (`--out-of-scope`); the text report prints the calibration then.
  var outOfScopeQueries: Int?

  var table: String {
    func f(_ value: Double) -> String { String(format: "%.4f", value) }
    var lines = [
      "mode \(mode.rawValue), sources \(sources.map(\.rawValue).joined(separator: ",")), \(queries) queries"
        + " (\(metrics.queries) judged)",
      "nDCG@10    \(f(metrics.ndcg10))", "MRR@10     \(f(metrics.mrr10))", "P@1        \(f(metrics.precision1))",
      "Recall@1   \(f(metrics.recall1))", "Recall@3   \(f(metrics.recall3))", "Recall@5   \(f(metrics.recall5))",
      "Recall@10  \(f(metrics.recall10))", "MAP        \(f(metrics.map))", "no result  \(f(metrics.noResult))",
      "latency    p50 \(String(format: "%.2f", latencyP50Ms)) ms, p99 \(String(format: "%.2f", latencyP99Ms)) ms",
    ]
    if let byLength = mrrByPrefixLength {
      let lengths = byLength.keys.compactMap(Int.init).sorted().prefix(12)
      lines.append(
        "MRR@10 by typed length: " + lengths.map { "\($0): \(f(byLength[String($0)]!))" }.joined(separator: ", "))
    }
    if let keystrokes = keystrokesToAnswer {
      lines.append("keystrokes to answer (relevant in top 3): \(String(format: "%.2f", keystrokes))")
    }
    if let outOfScopeQueries, let calibration {
      lines.append(
        "confidence at least: judged answered, first answer right; \(outOfScopeQueries) out of scope refused;"
          + " right among all answered")
      for point in calibration where Int((point.threshold * 100).rounded()) % 10 == 0 {
        lines.append(
          "  \(String(format: "%.1f", point.threshold)): \(f(point.answered)), \(f(point.precision)); "
            + "\(f(point.outOfScopeRefused ?? 0)); \(f(point.precisionWithOutOfScope ?? 0))")
      }
    }
    return lines.joined(separator: "\n")
  }
}
