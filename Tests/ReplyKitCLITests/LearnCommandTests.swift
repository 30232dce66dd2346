import Foundation
import Knowledge
import Ranking
import TestSupport
import Testing
import Workbench

/// `replykit learn` and `replykit eval --word-evidence` as a user runs them: files in, files out.
@Suite(.blocking, .serialized) struct LearnCommandTests {
  /// Look-alike entries that differ by the product (see WordEvidenceTests), and judged questions.
  static let topics = [
    ("怎么还款", "如何还钱"), ("额度怎么提升", "额度如何提高"), ("利息怎么计算", "利息如何算"), ("怎么关闭", "如何关掉"),
    ("逾期了怎么处理", "逾期了如何处理"), ("怎么开通", "如何开启"), ("还款日怎么修改", "还款日如何更改"),
    ("账单怎么查询", "账单如何查看"),
  ]

  static var corpus: String {
    topics.indices.map { t in
      "{\"id\":\"huabei-\(t)\",\"title\":\"花呗\(topics[t].1)\",\"body\":\"\"}\n"
        + "{\"id\":\"jiebei-\(t)\",\"title\":\"借呗\(topics[t].0)\",\"body\":\"\"}\n"
    }.joined()
  }

  static var queries: String {
    topics.indices.map { t in
      let (agent, customer) = topics[t]
      return "j\(t)\t请问借呗\(customer)\nk\(t)\t我的借呗\(customer)呢\nh\(t)\t请问花呗\(customer)\ni\(t)\t我的花呗\(agent)\n"
    }.joined()
  }

  static var qrels: String {
    topics.indices.map { t in
      "j\(t) 0 jiebei-\(t) 1\nk\(t) 0 jiebei-\(t) 1\nh\(t) 0 huabei-\(t) 1\ni\(t) 0 huabei-\(t) 1\n"
    }.joined()
  }

  /// Runs `replykit learn` with these arguments, which write `file`, and returns what it printed and the
  /// file's lines (after its `#` header line, which it checks).
  static func learn(_ arguments: [String], writing file: String) throws -> (stdout: String, lines: [Substring]) {
    let learned = try CLIProcess.run(["learn"] + arguments)
    #expect(learned.status == 0, "\(learned.stderr)")
    let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
    #expect(lines.first?.hasPrefix("#") == true)
    return (learned.stdout, Array(lines.dropFirst()))
  }

  /// The corpus, queries and judgments written as files in `folder`.
  static func collection(in folder: TemporaryFolder) throws -> (corpus: String, queries: String, qrels: String) {
    (
      try folder.file("corpus.jsonl", corpus), try folder.file("queries.tsv", queries),
      try folder.file("qrels.txt", qrels)
    )
  }

  /// MRR@10 of `replykit eval` with these arguments (its JSON report).
  static func mrr(_ arguments: [String]) throws -> Double {
    let evaluated = try CLIProcess.run(["eval", "--json"] + arguments)
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
    return try #require((report?["metrics"] as? [String: Any])?["mrr10"] as? Double)
  }

  /// `eval --data` over a folder without the tenant's knowledge says so, rather than scoring every query 0.
  @Test func evalOverAnotherTenantsFolderSaysWhichTenantIsEmpty() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    let data = folder.url.appendingPathComponent("data").path
    // The first run imports the corpus into the folder, as tenant "eval".
    let imported = try Self.mrr(["--corpus", corpus, "--queries", queries, "--qrels", qrels, "--data", data])
    #expect(try Self.mrr(["--queries", queries, "--qrels", qrels, "--data", data]) == imported)
    let other = try CLIProcess.run(["eval", "--queries", queries, "--qrels", qrels, "--data", data, "--tenant", "acme"])
    #expect(other.status != 0)
    #expect(other.stderr.contains("holds no knowledge for tenant \"acme\""), "\(other.stderr)")
  }

  /// A weights file is laid over the standard weights: the same MRR with no change, another with one; a setting
  /// the weights do not have is refused, naming the file and the setting, before anything is evaluated.
  @Test func evalReadsAWeightsFileAndRefusesAMisspeltSetting() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    let files = ["--corpus", corpus, "--queries", queries, "--qrels", qrels]
    let standard = try Self.mrr(files)
    let empty = try folder.file("empty.json", "{}")
    #expect(try Self.mrr(files + ["--weights", empty]) == standard)
    // Chinese whole questions ranked by the index's score reversed, without the trees: another ranking.
    let reversed =
      #"{"model": "linear", "name": "reversed", "featureSchema": 1, "features": ["engine"], "#
      + #""fitted": {"by": "hand", "on": "nothing", "settings": "the index's score reversed"}, "#
      + #""bias": 0, "weights": [-1]}"#
    let other = try folder.file("other.json", #"{"models": {"wholeHan": \#(reversed), "wholeHanTrees": null}}"#)
    #expect(try Self.mrr(files + ["--weights", other]) != standard)
    let misspelt = try folder.file("misspelt.json", #"{"smartReply": {"candidate": 1}}"#)
    let refused = try CLIProcess.run(["eval"] + files + ["--weights", misspelt])
    #expect(refused.status != 0)
    #expect(
      refused.stderr.contains("\(misspelt): no setting smartReply.candidate (known here: candidates,"),
      "\(refused.stderr)")
  }

  /// `--ranking lexical`: no learned model, the index's order; the same as a weights file giving the shipped
  /// `lexical` model for every kind of text, and another ranking than the standard one. An unknown name is
  /// refused, naming the known ones.
  @Test func evalRanksByTheLexicalBaseOnRequest() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    let files = ["--corpus", corpus, "--queries", queries, "--qrels", qrels]
    let lexical = try Self.mrr(files + ["--ranking", "lexical"])
    let byHand = try folder.file(
      "lexical.json",
      #"{"models": {"wholeHan": "lexical", "wholeLatin": "lexical", "wholeHanTrees": null, "wholeHanLearned": null, "wholeLatinLearned": null, "wholeHanLearnedTrees": null}}"#
    )
    #expect(try Self.mrr(files + ["--weights", byHand]) == lexical)
    #expect(try Self.mrr(files) != lexical)
    let refused = try CLIProcess.run(["eval"] + files + ["--ranking", "plain"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("no ranking named plain (known: lexical, standard)"), "\(refused.stderr)")
  }

  /// `--out-of-scope`: questions the knowledge does not answer run too; the report's calibration says, at each
  /// threshold, how many judged questions are answered and how many unanswerable ones refused. It needs whole
  /// questions.
  @Test func evalReportsConfidenceWithOutOfScopeQuestions() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    // The first shares nothing with the knowledge (no answer at all), the second shares 花呗 (a weak one).
    let outside = try folder.file("oos.tsv", "o1\txyzzy plugh\no2\t花呗推荐一部电影\n")
    let files = ["--corpus", corpus, "--queries", queries, "--qrels", qrels]
    let evaluated = try CLIProcess.run(["eval", "--json", "--out-of-scope", outside] + files)
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
    #expect(report?["outOfScopeQueries"] as? Int == 2)
    let points = try #require(report?["calibration"] as? [[String: Any]])
    #expect(points.count == 21)
    let first = try #require(points.first)
    let last = try #require(points.last)
    // At 0 every judged question is answered and only the question without an answer is refused; at 1 both.
    #expect(first["answered"] as? Double == 1 && first["outOfScopeRefused"] as? Double == 0.5)
    #expect(last["outOfScopeRefused"] as? Double == 1)
    let refusedAlongTheWay = points.compactMap { $0["outOfScopeRefused"] as? Double }
    #expect(refusedAlongTheWay == refusedAlongTheWay.sorted())
    let typed = try CLIProcess.run(["eval", "--mode", "prefix", "--out-of-scope", outside] + files)
    #expect(typed.status != 0)
    #expect(typed.stderr.contains("--out-of-scope needs --mode full"), "\(typed.stderr)")
  }

  @Test func learnsWritesTheEvidenceAndEvalReadsIt() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    let out = folder.url.appendingPathComponent("evidence.tsv").path
    let (stdout, lines) = try Self.learn(
      ["--corpus", corpus, "--queries", queries, "--qrels", qrels, "--out", out], writing: out)
    #expect(stdout.contains("from 32 judged questions"))
    let jiebei = try #require(lines.first { $0.hasPrefix("借呗\t") }).split(separator: "\t")
    #expect(try #require(Double(jiebei[1])) > 0)

    let files = ["--corpus", corpus, "--queries", queries, "--qrels", qrels]
    // The 借呗 questions share more words with 花呗's entries: the evidence is what puts their answers first.
    let plain = try Self.mrr(files)
    let learnedMRR = try Self.mrr(files + ["--word-evidence", out])
    #expect(learnedMRR > plain + 0.1, "\(plain) -> \(learnedMRR)")
  }

  /// `make models` learns its evidence without the rankings' comparison: the same file, nothing compared.
  @Test func learnsTheSameEvidenceWithoutComparingTheRankings() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    let files = ["--corpus", corpus, "--queries", queries, "--qrels", qrels]
    let (compared, out) = (
      folder.url.appendingPathComponent("a.tsv").path, folder.url.appendingPathComponent("b.tsv").path
    )
    let (withComparison, _) = try Self.learn(files + ["--out", compared], writing: compared)
    let (without, _) = try Self.learn(files + ["--out", out, "--no-comparison"], writing: out)
    #expect(try Data(contentsOf: URL(fileURLWithPath: compared)) == Data(contentsOf: URL(fileURLWithPath: out)))
    #expect(withComparison.contains("ranking for whole questions"))
    #expect(!without.contains("ranking for") && !without.contains("confidence:"))
    #expect(without.contains("from 32 judged questions"))

    let refused = try CLIProcess.run(["learn"] + files + ["--no-comparison", "--out-ranking", out])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("--no-comparison"))
  }

  @Test func learnsPhrasingsWritesThemAndEvalReadsThem() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let corpus = try folder.file("corpus.jsonl", Self.corpus)
    // Customers who ask in words no entry uses, judged by the entry that answers them.
    let train = try folder.file("train.tsv", "a\t借呗的钱怎么还回去\nb\t花呗账单能不能晚点付\n")
    let trainQrels = try folder.file("train.qrels", "a 0 jiebei-0 1\nb 0 huabei-0 1\n")
    let out = folder.url.appendingPathComponent("phrasings.tsv").path
    let (stdout, lines) = try Self.learn(
      ["--corpus", corpus, "--queries", train, "--qrels", trainQrels, "--out-questions", out], writing: out)
    #expect(stdout.contains("learned 2 phrasings of 2 items"))
    #expect(lines.contains("bot\tjiebei-0\t1\t借呗的钱怎么还回去"))

    // The next customers type the same words: the phrasings are what finds their answers.
    let queries = try folder.file("queries.tsv", "q1\t借呗的钱怎么还回\nq2\t花呗账单能不能晚点\n")
    let qrels = try folder.file("qrels.txt", "q1 0 jiebei-0 1\nq2 0 huabei-0 1\n")
    let files = ["--corpus", corpus, "--queries", queries, "--qrels", qrels, "--mode", "prefix"]
    let plain = try Self.mrr(files)
    let withPhrasings = try Self.mrr(files + ["--learned-questions", out])
    #expect(withPhrasings == 1, "\(plain) -> \(withPhrasings)")
    #expect(plain < 1)

    let bad = try folder.file("bad.tsv", "# source\tid\tcount\ttext\nbot\tjiebei-0\t1\t借呗\nbot\tjiebei-1\tmany\t借呗\n")
    let refused = try CLIProcess.run([
      "eval", "--corpus", corpus, "--queries", queries, "--qrels", qrels, "--learned-questions", bad,
    ])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("bad.tsv:3: want `source<TAB>id<TAB>count<TAB>text`"))
  }

  @Test func learnsFromThePickLogAndKeepsItForTheTenant() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    do {
      let engine = try await SuggestionEngine(dataFolder: folder.data)
      let items = Self.topics.indices.flatMap { t in
        [
          KnowledgeItem(id: "huabei-\(t)", source: .bot, title: "花呗" + Self.topics[t].1, body: ""),
          KnowledgeItem(id: "jiebei-\(t)", source: .bot, title: "借呗" + Self.topics[t].0, body: ""),
        ]
      }
      try engine.store.upsert(items, tenant: "fin")
      try await engine.catchUp()
      for t in Self.topics.indices {
        for (input, id) in [("请问借呗" + Self.topics[t].1, "jiebei-\(t)"), ("请问花呗" + Self.topics[t].1, "huabei-\(t)")] {
          try engine.store.recordPick(
            Pick(tenant: "fin", agent: "a1", input: input, source: .bot, itemId: id, position: nil, shown: []))
        }
      }
    }
    // Validated, the evidence of 16 picks is not kept: learned from eight, it does not rank the other eight
    // higher beyond chance.
    let validated = try CLIProcess.run(["learn", "--data", folder.data, "--tenant", "fin", "--picks"])
    #expect(validated.status == 0, "\(validated.stderr)")
    #expect(validated.stdout.contains("word evidence: not used"), "\(validated.stdout)")
    #expect(try KnowledgeStore(path: folder.data + "/replykit.sqlite").wordEvidence(tenant: "fin").isEmpty)
    let learned = try CLIProcess.run([
      "learn", "--data", folder.data, "--tenant", "fin", "--picks", "--evidence", "always",
    ])
    #expect(learned.status == 0, "\(learned.stderr)")
    #expect(learned.stdout.contains("from 16 judged questions"))
    #expect(learned.stdout.contains("kept for tenant fin"))
    let store = try KnowledgeStore(path: folder.data + "/replykit.sqlite")
    #expect(try #require(store.wordEvidence(tenant: "fin")["借呗"]).differs > 0)
    #expect(try store.wordEvidence(tenant: "default").isEmpty)
  }

  @Test func aBadEvidenceFileNamesItsLine() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (corpus, queries, qrels) = try Self.collection(in: folder)
    let bad = try folder.file("evidence.tsv", "# word\tdiffers\tshares\n借呗\t1.5\t0.2\n花呗\tmany\t0.1\n")
    let evaluated = try CLIProcess.run([
      "eval", "--corpus", corpus, "--queries", queries, "--qrels", qrels, "--word-evidence", bad,
    ])
    #expect(evaluated.status != 0)
    #expect(evaluated.stderr.contains("evidence.tsv:3: want `word<TAB>differs<TAB>shares`"))
  }

  @Test func learnWantsSomewhereToKeepWhatItLearns() throws {
    let result = try CLIProcess.run(["learn", "--queries", "q.tsv", "--qrels", "r.txt", "--corpus", "c.jsonl"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("give --data"))
  }
}
