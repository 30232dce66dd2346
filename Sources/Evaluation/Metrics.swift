import Foundation

/// A ranked result list per query: what a system returned, best first.
public typealias Run = [String: [String]]

/// The metrics of one run against judgments, computed as trec_eval does (and pytrec_eval, which a test
/// compares them with): graded gains for nDCG, binary relevance (grade above 0) for the rest.
public struct Metrics: Codable, Hashable, Sendable {
  public var ndcg10: Double
  public var mrr10: Double
  public var recall1: Double
  public var recall3: Double
  public var recall5: Double
  public var recall10: Double
  public var precision1: Double
  public var map: Double
  /// The share of queries for which nothing was returned.
  public var noResult: Double
  public var queries: Int

  /// Per-query values of each metric, for significance tests; keyed by the metric's name.
  public static func perQuery(_ ranking: [String], relevant: [String: Int]) -> [String: Double] {
    let binary = Set(relevant.keys)
    let top10 = Array(ranking.prefix(10))
    var reciprocal = 0.0
    if let first = top10.firstIndex(where: binary.contains) { reciprocal = 1 / Double(first + 1) }
    func recall(_ k: Int) -> Double {
      binary.isEmpty ? 0 : Double(ranking.prefix(k).filter(binary.contains).count) / Double(binary.count)
    }
    // nDCG@10 with linear gains (trec_eval's ndcg_cut_10).
    var dcg = 0.0
    for (index, doc) in top10.enumerated() { dcg += Double(relevant[doc] ?? 0) / log2(Double(index + 2)) }
    var idcg = 0.0
    for (index, grade) in relevant.values.sorted(by: >).prefix(10).enumerated() {
      idcg += Double(grade) / log2(Double(index + 2))
    }
    // Average precision over the whole ranking.
    var hits = 0
    var precisionSum = 0.0
    for (index, doc) in ranking.enumerated() where binary.contains(doc) {
      hits += 1
      precisionSum += Double(hits) / Double(index + 1)
    }
    return [
      "ndcg10": idcg > 0 ? dcg / idcg : 0, "mrr10": reciprocal, "recall1": recall(1), "recall3": recall(3),
      "recall5": recall(5), "recall10": recall(10),
      "precision1": ranking.first.map { binary.contains($0) ? 1 : 0 } ?? 0,
      "map": binary.isEmpty ? 0 : precisionSum / Double(binary.count), "noResult": ranking.isEmpty ? 1 : 0,
    ]
  }

  /// Means over the judged queries (queries without a relevant document are left out, as trec_eval does).
  public init(run: Run, qrels: Qrels) {
    var sums: [String: Double] = [:]
    var count = 0
    for qid in qrels.judgments.keys.sorted() where !qrels.relevant(qid).isEmpty {
      count += 1
      for (name, value) in Self.perQuery(run[qid] ?? [], relevant: qrels.relevant(qid)) {
        sums[name, default: 0] += value
      }
    }
    func mean(_ name: String) -> Double { count == 0 ? 0 : (sums[name] ?? 0) / Double(count) }
    ndcg10 = mean("ndcg10")
    mrr10 = mean("mrr10")
    recall1 = mean("recall1")
    recall3 = mean("recall3")
    recall5 = mean("recall5")
    recall10 = mean("recall10")
    precision1 = mean("precision1")
    map = mean("map")
    noResult = mean("noResult")
    queries = count
  }
}

/// TREC run files: `qid Q0 docid rank score tag`.
public enum TRECRun {
  /// trec_eval and pytrec_eval order a query's documents by score, not by the rank column: the scores
  /// written must fall strictly with rank. The engine's scores are written when they do; otherwise (smart
  /// reply ranks by score and confidence together, ties happen) scores that follow the ranking.
  public static func format(_ run: Run, scores: [String: [Double]], tag: String = "replykit") -> String {
    var lines: [String] = []
    for qid in run.keys.sorted() {
      let docs = run[qid]!
      let given = scores[qid] ?? []
      let falling = given.count == docs.count && zip(given, given.dropFirst()).allSatisfy { $0 > $1 }
      for (rank, doc) in docs.enumerated() {
        let score = falling ? given[rank] : Double(docs.count - rank)
        lines.append("\(qid) Q0 \(doc) \(rank + 1) \(String(format: "%.6f", score)) \(tag)")
      }
    }
    return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
  }
}
