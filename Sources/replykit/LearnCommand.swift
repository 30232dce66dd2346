import ArgumentParser
import CommandLineSupport
import Evaluation
import Foundation
import Knowledge
import Ranking
import Workbench

/// `replykit learn`: word evidence from judged questions, for the question model (`WordEvidenceLearner`).
struct LearnCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learn",
    abstract:
      "Learn which words decide a match, and phrasings of the answers, from judged questions (or the pick log).",
    discussion: """
      Each judged question runs through smart reply; its ten best candidates are compared with it word by \
      word, and the words that separate answers from look-alikes are kept for the tenant (--data) and/or \
      written to --out (word<TAB>differs<TAB>shares), which `replykit eval --word-evidence` reads. Each judged \
      question (a pick log's text once picked twice for the same item) also becomes a learned phrasing of its \
      answer, indexed beside the item's questions (at most 100 an item), kept for the tenant and/or written to \
      --out-questions (source<TAB>id<TAB>count<TAB>text), which `replykit eval --learned-questions` reads. With \
      --corpus, the corpus is imported into a fresh data folder first, as `replykit eval` does.

      First, before anything is learned, the judged questions are ranked by the shipped question models and by \
      the lexical base (the index's BM25 order), whole and cut as typed (30, 50, 70 %); where the lexical base \
      ranks the answers higher by a paired randomization test (p < 0.05), the tenant's ranking for that kind of \
      text becomes `lexical` (kept with --data unless --keep-ranking; --out-ranking writes the verdicts). Where \
      the models keep ranking, word evidence learned from one half of the questions ranks the other half; the \
      tenant keeps the evidence only if it ranks them higher beyond chance (--out writes it in any case). \
      Smart reply's confidence is then fitted on the whole questions' first answers (at least 50, 10 of them \
      right and 10 wrong): a probability that the first answer is right on this tenant's questions, so that a \
      bot threshold means the same in every tenant.
      """)

  @Option(help: "Corpus: {\"id\", \"title\", \"body\"} per line.") var corpus: String?
  @Option(help: "Judged questions: qid<TAB>text per line.") var queries: String?
  @Option(help: "Judgments: TREC qrels (qid 0 docid grade).") var qrels: String?
  @Flag(help: "Learn from the tenant's pick log in --data (each pick's text, judged by the picked item).")
  var picks = false
  @Option(name: .customLong("as"), help: "Import the corpus as: bot (default), quick or internal.")
  var source: KnowledgeSource?
  @Flag(help: "Bot knowledge: the body's lines become similar questions instead of the answer.")
  var similarFromBody = false
  @Option(help: "The data folder; the evidence is kept for --tenant there (default: a temporary one).")
  var data: String?
  @Option(help: "The tenant.") var tenant = "default"
  @Option(help: "Also write the evidence: word<TAB>differs<TAB>shares per line.") var out: String?
  @Option(help: "Also write the learned phrasings: source<TAB>id<TAB>count<TAB>text per line.")
  var outQuestions: String?
  @Option(help: "Also write the rankings' comparison and the choices (JSON: whole, typed).") var outRanking: String?
  @Option(
    help:
      "Also write smart reply's confidence fitted on the judged questions (JSON), which `replykit eval --confidence` reads."
  )
  var outConfidence: String?
  @Flag(help: "Compare the rankings but leave the tenant's choice (and its confidence) as it is.") var keepRanking =
    false
  @Option(help: "The word evidence the tenant keeps: validated (only if it wins its cross-fitted check) or always.")
  var evidence: RankingSelection.EvidencePolicy = .validated
  @Flag(
    help:
      "Learn without comparing the rankings first: no verdicts, no confidence, and evidence the tenant keeps only with --evidence always (--out writes it in any case; several times faster)."
  )
  var noComparison = false

  func validate() throws {
    guard data != nil || out != nil || outQuestions != nil || outRanking != nil || outConfidence != nil else {
      throw ValidationError(
        "give --data (to keep what is learned for the tenant), or --out, --out-questions, --out-ranking and/or --out-confidence (to write it)"
      )
    }
    if noComparison {
      guard outRanking == nil, outConfidence == nil else {
        throw ValidationError("--no-comparison: nothing is compared, so there is no --out-ranking or --out-confidence")
      }
    }
    if picks {
      guard data != nil, corpus == nil else { throw ValidationError("--picks learns from the pick log of --data") }
    } else {
      guard queries != nil, qrels != nil, corpus != nil || data != nil else {
        throw ValidationError("give --queries and --qrels, with --corpus or --data (the knowledge already there)")
      }
    }
  }

  func run() async throws {
    let folder =
      data ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-learn-\(UUID().uuidString)").path
    defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
    let engine = try await SuggestionEngine(dataFolder: folder)
    var judged: [(text: String, answers: Set<String>)] = []
    if picks {
      judged = try engine.picksByPeople(tenant: tenant).map { ($0.input, [$0.itemId]) }
    } else {
      if let corpus {
        let items = try Evaluator.loadCorpus(corpus, as: source ?? .bot, similarFromBody: similarFromBody)
        let session = ImportSession(engine: engine, tenant: tenant, batchSize: 5_000)
        try session.add(contentsOf: items)
        try await session.finish()
      }
      let judgments = try Qrels(path: qrels!)
      for item in try Queries(path: queries!).items {
        let answers = Set((judgments.judgments[item.id] ?? [:]).filter { $0.value > 0 }.keys)
        if !answers.isEmpty { judged.append((item.text, answers)) }
      }
    }
    guard !judged.isEmpty else { throw ValidationError("no judged question to learn from") }
    let sources: Set<KnowledgeSource> =
      corpus != nil ? [source ?? .bot] : source.map { [$0] } ?? Set(KnowledgeSource.allCases)
    let progress = ProgressBar(total: judged.count, enabled: Terminal.isInteractive)
    // A pick log's text becomes a phrasing once picked twice for the same item; a judged set's at once.
    let (report, ranking, _) = try await RankingSelection.learn(
      engine: engine, tenant: tenant, judged: judged, sources: sources, minimumCount: picks ? 2 : 1,
      alreadyTyped: picks, keepRanking: keepRanking, evidence: evidence, comparing: !noComparison
    ) { done in
      if done % 100 == 0 { progress.update(bytes: done, items: done) }
    }
    progress.finish()
    for (kind, verdict) in [("whole questions", ranking.whole), ("typed text", ranking.typed)] {
      if let verdict { print("ranking for \(kind): \(verdict.summary)") }
    }
    if let verdict = ranking.evidence { print("word evidence: \(verdict.summary)") }
    if let verdict = ranking.confidence { print("confidence: \(verdict.summary)") }
    if let outRanking {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(ranking).write(to: URL(fileURLWithPath: outRanking))
    }
    let learnedEvidence = report.evidence
    guard !learnedEvidence.isEmpty || !report.phrasings.isEmpty || ranking.whole != nil || ranking.typed != nil else {
      throw ValidationError(
        "nothing learned: the \(judged.count) questions' candidates held \(report.answered == 0 ? "no answer" : "only answers"), and no answer is in the knowledge"
      )
    }
    if let out { try WordEvidenceFile.write(learnedEvidence, to: out) }
    if let outQuestions { try LearnedQuestionFile.write(report.phrasings, to: outQuestions) }
    if let outConfidence {
      guard let calibration = ranking.confidence?.calibration else {
        throw ValidationError(
          "--out-confidence: no confidence was fitted (\(ranking.confidence?.summary ?? "typed text only"))")
      }
      try ConfidenceFile.write(calibration, to: outConfidence)
    }
    // Equal weights by the word, so that the same evidence prints the same list.
    let decisive = learnedEvidence.sorted { ($1.value.differs, $0.key) < ($0.value.differs, $1.key) }.prefix(8)
    print(
      "learned \(learnedEvidence.count) words from \(report.questions) judged questions"
        + " (answer among the \(WordEvidenceLearner.shown) compared candidates for \(report.answered))")
    if !decisive.isEmpty {
      print(
        "most decisive when only one text has them: "
          + decisive.map { "\($0.key) \(String(format: "%.2f", $0.value.differs))" }.joined(separator: ", "))
    }
    let items = Set(report.phrasings.map { "\($0.source.rawValue)/\($0.itemId)" }).count
    print(
      "learned \(report.phrasings.count) phrasings of \(items) items"
        + (data != nil
          ? " (\(report.phrasingsKept) kept, at most \(KnowledgeStore.learnedQuestionsPerItem) an item)" : ""))
    if data != nil { print("kept for tenant \(tenant) in \(folder)") }
    if let out { print("wrote \(out)") }
    if let outQuestions { print("wrote \(outQuestions)") }
    if let outRanking { print("wrote \(outRanking)") }
    if let outConfidence { print("wrote \(outConfidence)") }
  }
}

/// Confidence files: one `ConfidenceCalibration` as JSON (`bias`, `overlap`, `margin`, `questions`, `right`).
enum ConfidenceFile {
  static func read(_ path: String) throws -> ConfidenceCalibration {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EvaluationInputError(file: path, line: 0, reason: "cannot read")
    }
    let calibration: ConfidenceCalibration
    do {
      calibration = try JSONDecoder().decode(ConfidenceCalibration.self, from: data)
    } catch {
      throw EvaluationInputError(
        file: path, line: 0, reason: "want {\"bias\", \"overlap\", \"margin\", \"questions\", \"right\"} (\(error))")
    }
    guard [calibration.bias, calibration.overlap, calibration.margin].allSatisfy(\.isFinite) else {
      throw EvaluationInputError(file: path, line: 0, reason: "bias, overlap and margin must be finite numbers")
    }
    return calibration
  }

  static func write(_ calibration: ConfidenceCalibration, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(calibration).write(to: URL(fileURLWithPath: path))
  }
}

/// Word evidence files: `word<TAB>differs<TAB>shares` per line, `#` starts a comment line.
enum WordEvidenceFile {
  static func read(_ path: String) throws -> [String: WordEvidence] {
    var evidence: [String: WordEvidence] = [:]
    for (number, line) in try Qrels.lines(path) where !line.hasPrefix("#") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 3, !fields[0].isEmpty, let differs = Double(fields[1]), let shares = Double(fields[2]),
        differs.isFinite, shares.isFinite
      else {
        throw EvaluationInputError(file: path, line: number, reason: "want `word<TAB>differs<TAB>shares` (two numbers)")
      }
      evidence[String(fields[0])] = WordEvidence(differs: differs, shares: shares)
    }
    return evidence
  }

  static func write(_ evidence: [String: WordEvidence], to path: String) throws {
    var text = "# word\tdiffers\tshares (replykit learn)\n"
    for (word, value) in evidence.sorted(by: { $0.key < $1.key }) {
      text += "\(word)\t\(String(format: "%.4f", value.differs))\t\(String(format: "%.4f", value.shares))\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}

/// Learned phrasing files: `source<TAB>id<TAB>count<TAB>text` per line, `#` starts a comment line.
enum LearnedQuestionFile {
  static func read(_ path: String) throws -> [LearnedQuestion] {
    try Qrels.lines(path).compactMap { number, line in
      guard !line.hasPrefix("#") else { return nil }
      let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
      guard fields.count == 4, let source = KnowledgeSource(rawValue: String(fields[0])), !fields[1].isEmpty,
        let count = Int(fields[2]), count > 0, !fields[3].trimmingCharacters(in: .whitespaces).isEmpty
      else {
        throw EvaluationInputError(
          file: path, line: number,
          reason: "want `source<TAB>id<TAB>count<TAB>text` (bot, quick or internal; a count > 0)")
      }
      return LearnedQuestion(source: source, itemId: String(fields[1]), text: String(fields[3]), count: count)
    }
  }

  static func write(_ phrasings: [LearnedQuestion], to path: String) throws {
    var text = "# source\tid\tcount\ttext (replykit learn)\n"
    for phrasing in phrasings {
      // A phrasing is one line: tabs and line breaks inside it become spaces.
      let flat = phrasing.text.map { $0 == "\t" || $0.isNewline ? " " : String($0) }.joined()
      text += "\(phrasing.source.rawValue)\t\(phrasing.itemId)\t\(phrasing.count)\t\(flat)\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}
extension RankingSelection.EvidencePolicy: ExpressibleByArgument {}
