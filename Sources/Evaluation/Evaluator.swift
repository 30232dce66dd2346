import Foundation
import Knowledge
import Ranking
import Workbench

/// Runs judged queries through ReplyKit: whole questions through smart reply (`full`), typed text through `#`
/// suggest (`prefix`).
public struct Evaluator {
  public enum Mode: String, Codable, Sendable, CaseIterable {
    case full, prefix
  }

  public struct Options: Sendable {
    /// The sources searched.
    public var sources: Set<KnowledgeSource>
    public var mode: Mode
    /// How many results a query asks for (the ranking the metrics see).
    public var depth: Int

    public init(sources: Set<KnowledgeSource>, mode: Mode, depth: Int = 10) {
      self.sources = sources
      self.mode = mode
      self.depth = depth
    }
  }

  /// What a run produced: the rankings, their scores, and each query's latency in nanoseconds.
  public struct Output: Sendable {
    public var run: Run = [:]
    public var scores: [String: [Double]] = [:]
    public var latencies: [UInt64] = []
    /// Smart reply's confidence in its first answer, by query (`--mode full`; `Evaluator.noAnswer` when it had
    /// none).
    public var confidences: [String: Double] = [:]
  }

  let engine: SuggestionEngine
  let tenant: String

  /// The confidence recorded for a question without an answer: below every threshold, so never answered.
  public static let noAnswer = -1.0

  public init(engine: SuggestionEngine, tenant: String) {
    self.engine = engine
    self.tenant = tenant
  }

  /// An evaluation corpus (`{"id", "title", "body"}` per line) as items of one source: bot knowledge takes
  /// the title as question and the body as answer (or, with `similarFromBody`, the body's lines as similar
  /// questions); quick replies take it as title and content; articles as title and body.
  public static func loadCorpus(_ path: String, as source: KnowledgeSource, similarFromBody: Bool = false) throws
    -> [KnowledgeItem]
  {
    struct Entry: Decodable {
      var id: String
      var title: String
      var body: String?
    }
    var items: [KnowledgeItem] = []
    for (number, line) in try Qrels.lines(path) {
      guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line.utf8)) else {
        throw EvaluationInputError(file: path, line: number, reason: "want {\"id\", \"title\", \"body\"}")
      }
      let body = entry.body ?? ""
      if source == .bot && similarFromBody {
        let similar = body.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        items.append(KnowledgeItem(id: entry.id, source: .bot, title: entry.title, similar: similar, body: ""))
      } else {
        items.append(KnowledgeItem(id: entry.id, source: source, title: entry.title, body: body))
      }
    }
    return items
  }

  /// Runs every query; `progress` is told how many are done.
  public func run(_ queries: Queries, options: Options, progress: (Int) -> Void = { _ in }) throws -> Output {
    var output = Output()
    output.latencies.reserveCapacity(queries.items.count)
    for (index, query) in queries.items.enumerated() {
      let started = DispatchTime.now().uptimeNanoseconds
      let (results, confidence) = try rank(query.text, options: options)
      output.latencies.append(DispatchTime.now().uptimeNanoseconds - started)
      output.run[query.id] = results.map(\.id)
      output.scores[query.id] = results.map(\.score)
      if let confidence { output.confidences[query.id] = confidence }
      if index % 50 == 49 { progress(index + 1) }
    }
    progress(queries.items.count)
    return output
  }

  /// The ranking of `text`, and (whole questions) smart reply's confidence in the first answer.
  func rank(_ text: String, options: Options) throws -> (ranked: [(id: String, score: Double)], confidence: Double?) {
    let suggestOptions = SuggestOptions(limit: options.depth, sources: options.sources)
    switch options.mode {
    case .full:
      // The model's score, which orders the answers (the confidence does not).
      let reply = try engine.suggester.smartReply(text, tenant: tenant, options: suggestOptions)
      return (
        reply.answers.map { ($0.suggestion.id, $0.suggestion.score) }, reply.answers.first?.confidence ?? Self.noAnswer
      )
    case .prefix:
      return (
        try engine.suggester.suggest(text, tenant: tenant, options: suggestOptions).map { ($0.id, $0.score) }, nil
      )
    }
  }

  /// For each judged query (whole, or typed in prefix mode), every candidate the question model re-ranks with its question-model features and
  /// whether it is relevant: `qid<TAB>docid<TAB>grade<TAB>feature...` lines, the input of
  /// `tools/eval/fit-question-model.py`.
  public func questionFeatures(_ queries: Queries, qrels: Qrels, options: Options, progress: (Int) -> Void = { _ in })
    throws -> String
  {
    var lines = ["# qid\tdocid\tgrade\t" + QuestionFeature.allCases.map(\.name).joined(separator: "\t")]
    let suggestOptions = SuggestOptions(limit: options.depth, sources: options.sources)
    for (index, query) in queries.items.enumerated() {
      let relevant = qrels.relevant(query.id)
      guard !relevant.isEmpty else { continue }
      let candidates = try engine.suggester.smartReplyFeatures(
        query.text, tenant: tenant, options: suggestOptions, typed: options.mode == .prefix)
      for candidate in candidates {
        let values = candidate.features.values.map { String(format: "%.5f", $0) }
        lines.append(([query.id, candidate.id, String(relevant[candidate.id] ?? 0)] + values).joined(separator: "\t"))
      }
      if index % 50 == 49 { progress(index + 1) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Reciprocal rank (cut at 10) by typed length, in characters.
  public static func mrrByLength(_ run: Run, queries: Queries, qrels: Qrels, baseID: (String) -> String) -> [Int:
    Double]
  {
    var sums: [Int: (Double, Int)] = [:]
    for (id, text) in queries.items {
      let relevant = qrels.relevant(baseID(id))
      guard !relevant.isEmpty else { continue }
      let value = Metrics.perQuery(run[id] ?? [], relevant: relevant)["mrr10"] ?? 0
      let entry = sums[text.count] ?? (0, 0)
      sums[text.count] = (entry.0 + value, entry.1 + 1)
    }
    return sums.mapValues { $0.0 / Double($0.1) }
  }

  /// For each whole query, how many characters must be typed before a relevant item enters the top 3 (the
  /// whole length when it never does): the mean over queries.
  public func keystrokesToAnswer(_ queries: Queries, qrels: Qrels, options: Options) throws -> Double {
    var total = 0
    var counted = 0
    for (id, text) in queries.items {
      let relevant = Set(qrels.relevant(id).keys)
      guard !relevant.isEmpty else { continue }
      let characters = Array(text)
      var typed = characters.count
      for length in 1...max(1, characters.count) {
        let top = try rank(
          String(characters.prefix(length)), options: Options(sources: options.sources, mode: .prefix, depth: 3))
        if top.ranked.contains(where: { relevant.contains($0.id) }) {
          typed = length
          break
        }
      }
      total += typed
      counted += 1
    }
    return counted == 0 ? 0 : Double(total) / Double(counted)
  }
}
