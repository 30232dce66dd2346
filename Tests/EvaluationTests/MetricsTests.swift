import Foundation
import Testing

@testable import Evaluation

/// The metrics, by hand on small cases and against pytrec_eval on a larger seeded run.
@Suite struct MetricsTests {
  @Test func smallCasesByHand() {
    let qrels = Qrels(judgments: ["q1": ["a": 2, "b": 1, "z": 0], "q2": ["c": 1], "q3": ["d": 1]])
    let run: Run = ["q1": ["x", "a", "b"], "q2": ["c"], "q3": []]
    let metrics = Metrics(run: run, qrels: qrels)
    #expect(metrics.queries == 3)
    // q1: first relevant at rank 2 -> 1/2; q2: 1; q3: nothing -> 0.
    #expect(abs(metrics.mrr10 - (0.5 + 1 + 0) / 3) < 1e-12)
    #expect(abs(metrics.precision1 - 1.0 / 3) < 1e-12)
    #expect(abs(metrics.noResult - 1.0 / 3) < 1e-12)
    // q1 nDCG: (2/log2(3) + 1/log2(4)) / (2/log2(2) + 1/log2(3)).
    let q1 = (2 / log2(3.0) + 1 / log2(4.0)) / (2 + 1 / log2(3.0))
    #expect(abs(metrics.ndcg10 - (q1 + 1 + 0) / 3) < 1e-12)
    // q1 AP: (1/2 + 2/3) / 2.
    #expect(abs(metrics.map - ((0.5 + 2.0 / 3) / 2 + 1 + 0) / 3) < 1e-12)
    #expect(abs(metrics.recall1 - 1.0 / 3) < 1e-12)
    #expect(abs(metrics.recall3 - (1 + 1 + 0) / 3) < 1e-12)
  }

  @Test func runFileScoresFallWithRankEvenWhenTheEngineScoresDoNot() {
    // Smart reply ranks by score and confidence together: the confidences it reports can rise with rank.
    let text = TRECRun.format(["q1": ["a", "b", "c"]], scores: ["q1": [0.5, 0.9, 0.9]])
    let written = text.split(separator: "\n").map { Double($0.split(separator: " ")[4])! }
    #expect(written == [3, 2, 1])
    let kept = TRECRun.format(["q1": ["a", "b"]], scores: ["q1": [7.5, 2.25]])
    #expect(kept.split(separator: "\n").map { Double($0.split(separator: " ")[4])! } == [7.5, 2.25])
  }

  @Test func cutsPrefixesByCharactersOrWords() {
    let queries = Queries(items: [("q1", "怎么申请退款呢"), ("q2", "how do I get a refund")])
    let cut = queries.cut(at: [30, 70])
    #expect(cut.items.map(\.id) == ["q1__p30", "q1__p70", "q2__p30", "q2__p70"])
    #expect(cut.items.map(\.text) == ["怎么申", "怎么申请退", "how do", "how do I get a"])
  }

  @Test func agreesWithPytrecEval() throws {
    let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let interpreter = python.appendingPathComponent(".venv-eval/bin/python").path
    try #require(
      FileManager.default.isExecutableFile(atPath: interpreter),
      "run `make test` (it sets up .venv-eval with pytrec_eval)")
    // A seeded run over 300 queries with graded judgments, rankings of 0 to 10 documents.
    var random = SystemRandomNumberGenerator()
    var seed: UInt64 = 12_345
    func next() -> UInt64 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return seed >> 33
    }
    _ = random
    var judgments: [String: [String: Int]] = [:]
    var run: Run = [:]
    var scores: [String: [Double]] = [:]
    for q in 0..<300 {
      let qid = "q\(q)"
      var judged: [String: Int] = [:]
      for d in 0..<Int(next() % 6) + 1 { judged["d\(next() % 40)_\(d)"] = Int(next() % 3) }
      if judged.values.allSatisfy({ $0 == 0 }) { judged["d_rel\(q)"] = 1 }
      judgments[qid] = judged
      var ranking: [String] = []
      let pool = Array(judged.keys.sorted()) + (0..<20).map { "x\($0)" }
      for _ in 0..<Int(next() % 11) {
        let doc = pool[Int(next() % UInt64(pool.count))]
        if !ranking.contains(doc) { ranking.append(doc) }
      }
      run[qid] = ranking
      scores[qid] = ranking.indices.map { Double(100 - $0) }
    }
    let qrels = Qrels(judgments: judgments)
    let mine = Metrics(run: run, qrels: qrels)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-trec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let qrelsPath = folder.appendingPathComponent("qrels.txt").path
    let runPath = folder.appendingPathComponent("run.trec").path
    var qrelsText = ""
    for (qid, docs) in judgments.sorted(by: { $0.key < $1.key }) {
      for (doc, grade) in docs.sorted(by: { $0.key < $1.key }) { qrelsText += "\(qid) 0 \(doc) \(grade)\n" }
    }
    try qrelsText.write(toFile: qrelsPath, atomically: true, encoding: .utf8)
    try TRECRun.format(run, scores: scores).write(toFile: runPath, atomically: true, encoding: .utf8)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: interpreter)
    process.arguments = [python.appendingPathComponent("tools/eval/trec_measures.py").path, qrelsPath, runPath]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let theirs = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Double])
    let ours: [String: Double] = [
      "ndcg10": mine.ndcg10, "mrr10": mine.mrr10, "recall1": mine.recall1, "recall3": mine.recall3,
      "recall5": mine.recall5, "recall10": mine.recall10, "precision1": mine.precision1, "map": mine.map,
    ]
    for (name, value) in ours {
      let expected = try #require(theirs[name], "pytrec_eval gave no \(name)")
      #expect(abs(value - expected) < 1e-6, "\(name): ours \(value), pytrec_eval \(expected)")
    }
  }
}

@Suite struct PairedComparisonTests {
  @Test func identicalRunsAreNotDifferentAndClearGainsAre() {
    let same = (0..<200).map { Double($0 % 7) / 7 }
    #expect(PairedComparison.randomization(same, same) == 1)
    let better = same.map { $0 + 0.1 }
    #expect(PairedComparison.randomization(same, better) < 0.001)
    // Noise around zero difference is not significant.
    let noisy = same.enumerated().map { $0.element + ($0.offset % 2 == 0 ? 0.05 : -0.05) }
    #expect(PairedComparison.randomization(same, noisy) > 0.5)
    let results = PairedComparison.compare(
      ["q1": ["mrr10": 0], "q2": ["mrr10": 1]], ["q1": ["mrr10": 1], "q2": ["mrr10": 1], "q3": ["mrr10": 1]],
      metrics: ["mrr10"])
    #expect(results.first?.queries == 2)
    #expect(results.first?.difference == 0.5)
  }
}
