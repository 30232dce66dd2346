import Foundation
import TestSupport
import Testing

/// `replykit-bench import` and `bench http` as a user runs them, at sizes small enough for a test run.
@Suite(.blocking, .serialized) struct BenchCommandTests {
  @Test func benchImportReportsTheMedianRateOfFreshImports() throws {
    let output = try CLIProcess.bench(["import", "--items", "300", "--runs", "2", "--batch", "100"])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("items: 300 (generated)  batch: 100  runs: 2"))
    #expect(output.stdout.contains("run 1: ") && output.stdout.contains("run 2: "))
    #expect(output.stdout.contains("import: median "))
    #expect(output.stdout.contains("peak memory"))
  }

  @Test func benchImportTakesAnEvaluationCorpusAndPrintsJSON() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let corpus = try folder.file(
      "corpus.jsonl",
      """
      {"id":"d1","title":"花呗怎么还款","body":""}
      {"id":"d2","title":"借呗额度怎么提升","body":""}
      {"id":"d3","title":"refund not showing up","body":"Why is my refund missing\\nI need my refund"}

      """)
    let output = try CLIProcess.bench([
      "import", "--corpus", corpus, "--as", "bot", "--similar-from-body", "--runs", "1", "--json",
    ])
    #expect(output.status == 0, "\(output.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
    #expect(report?["items"] as? Int == 3)
    #expect((report?["itemsPerSecondMedian"] as? Double ?? 0) > 0)
    #expect((report?["indexBytes"] as? Int ?? 0) > 0)
  }

  @Test func benchSuggestBreaksTheSlowestDownAndTimesOtherWeightsBesideIt() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let other = try folder.file("other.json", #"{"typed": {"candidates": 5}}"#)
    let output = try CLIProcess.bench([
      "suggest", "--items", "400", "--queries", "300", "--stages", "--against", other,
    ])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("suggest: 300 requests, p50 "))
    #expect(output.stdout.contains("  against \(other): p50 "), "\(output.stdout)")
    #expect(output.stdout.contains("these weights' p50 and p99 over its: "))
    // 1 % of 300 requests: the three slowest, each with its analysis stage at least.
    #expect(output.stdout.contains("the slowest 3 requests (mean "), "\(output.stdout)")
    #expect(output.stdout.contains("    analysis         3 ran it, mean "), "\(output.stdout)")

    let absent = folder.url.appendingPathComponent("none.json").path
    let missing = try CLIProcess.bench(["suggest", "--items", "50", "--against", absent])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("none.json: cannot read"), "\(missing.stderr)")
  }

  @Test func benchHTTPDrivesARealServerOnLoopback() throws {
    let output = try CLIProcess.bench([
      "http", "--items", "300", "--connections", "4", "--duration", "1", "--queries", "50",
    ])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("items: 300  connections: 4  duration: 1.0 s"))
    #expect(output.stdout.contains("server: replykit serve (pid "))
    let line = output.stdout.split(separator: "\n").first { $0.hasPrefix("requests: ") } ?? ""
    // Requests were answered, and none failed: the key, the agent and the route all worked.
    let answered = Int(line.dropFirst("requests: ".count).prefix { $0.isNumber }) ?? 0
    #expect(answered > 0, "\(output.stdout)")
    #expect(line.hasSuffix(" 0 failed"), "\(output.stdout)")
    #expect(output.stdout.contains("latency: p50 "))
  }
}
