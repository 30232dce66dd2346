import Foundation
import Knowledge
import Ranking
import Synchronization
import Workbench

/// Whether a tenant's text is ranked better by the shipped question models or by the lexical base (the
/// index's BM25 order), judged on the tenant's own judged questions. The shipped models were fitted on
/// AFQMC's and Banking77's training data; on another help desk's questions they can rank below plain BM25
/// (lcqmc_dev: 0.775 against 0.890), and a tenant's judged questions are the out-of-domain validation the
/// project cannot run for it. The lexical base is chosen only when it ranks the answers higher and a paired
/// randomization test says the difference is not chance (`significance`): a tenant with few judged questions
/// keeps the standard ranking.
public enum RankingSelection {
  /// The largest p-value at which the lexical base replaces the standard ranking.
  public static let significance = 0.05
  /// The share of a question typed for the typed verdict: 30, 50 and 70 % of its characters (Chinese) or
  /// words (other text), as `../shared/evaldata`'s prefix queries are cut.
  public static let typedShares = [0.3, 0.5, 0.7]
  /// Ranks looked at: MRR@10.
  static let depth = 10

  /// One kind of text's comparison: MRR@10 of the judged questions under each ranking, and the choice.
  public struct Verdict: Codable, Hashable, Sendable {
    public var questions: Int
    public var standard: Double
    public var lexical: Double
    public var pValue: Double
    public var choice: RankingChoice

    /// The choice for these per-question reciprocal ranks (the same questions, in the same order).
    public init(standard: [Double], lexical: [Double]) {
      (questions, self.standard, self.lexical, pValue) = paired(standard, lexical)
      choice = self.lexical > self.standard && pValue < RankingSelection.significance ? .lexical : .standard
    }

    public var summary: String {
      String(
        format: "%@ (MRR@10 standard %.4f, lexical %.4f, p %.4f, %d questions)", choice.rawValue, standard, lexical,
        pValue, questions)
    }
  }

  /// Whether word evidence learned from judged questions ranks new ones better, where the tenant ranks with
  /// the models: cross-fitted (the evidence learned from one half of the questions ranks the other), MRR@10
  /// without and with it over the questions (and their typed cuts) of the kinds ranked by the models. The
  /// evidence is kept only when it wins beyond chance: learned from a few hundred questions it ranks below
  /// none (oppo_dev, and AFQMC's own training questions below 9,000; docs/relevance.md).
  public struct EvidenceVerdict: Codable, Hashable, Sendable {
    public var questions: Int
    public var without: Double
    public var with: Double
    public var pValue: Double
    public var kept: Bool

    public init(without: [Double], with: [Double]) {
      (questions, self.without, self.with, pValue) = paired(without, with)
      kept = self.with > self.without && pValue < RankingSelection.significance
    }

    public var summary: String {
      String(
        format: "%@ (MRR@10 without %.4f, with %.4f, p %.4f, %d questions, cross-fitted on two halves)",
        kept ? "kept" : "not used", without, with, pValue, questions)
    }
  }

  /// The number of questions, the means of `a` and `b`, and the paired randomization test's p-value.
  static func paired(_ a: [Double], _ b: [Double]) -> (Int, Double, Double, Double) {
    precondition(a.count == b.count)
    let mean = { (values: [Double]) in values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
    return (a.count, mean(a), mean(b), PairedComparison.randomization(a, b))
  }

  /// Smart reply's confidence fitted on the judged whole questions' first answers, ranked as the tenant will
  /// rank them (`whole`'s choice): nil `calibration` when they are too few to fit one
  /// (`ConfidenceFit.minimumQuestions`, and `ConfidenceFit.minimumEach` right and wrong).
  public struct ConfidenceVerdict: Codable, Hashable, Sendable {
    public var questions: Int
    public var right: Int
    public var calibration: ConfidenceCalibration?

    public var summary: String {
      guard let calibration else {
        return "not fitted (\(right) of \(questions) first answers right: too few questions or too few of either kind)"
      }
      return "fitted on \(questions) questions (\(right) first answers right) and as many without their answers: "
        + String(
          format: "logistic(%.3f %+.3f x overlap %+.3f x lead)", calibration.bias, calibration.overlap,
          calibration.margin)
    }
  }

  /// The verdicts for whole questions (smart reply) and typed text (suggest), for the word evidence, and the
  /// confidence fitted; nil where nothing was compared.
  public struct Report: Codable, Hashable, Sendable {
    public var whole: Verdict?
    public var typed: Verdict?
    public var evidence: EvidenceVerdict?
    public var confidence: ConfidenceVerdict?

    public init(
      whole: Verdict? = nil, typed: Verdict? = nil, evidence: EvidenceVerdict? = nil,
      confidence: ConfidenceVerdict? = nil
    ) {
      self.whole = whole
      self.typed = typed
      self.evidence = evidence
      self.confidence = confidence
    }

    /// `settings` with the choices made. Where whole questions were compared, the confidence fitted replaces
    /// the tenant's, or (too few to fit) removes it: it was fitted for the knowledge and ranking of then.
    public func applied(to settings: inout TenantSettings) {
      if let whole { settings.wholeRanking = whole.choice }
      if let typed { settings.typedRanking = typed.choice }
      if let confidence { settings.confidence = confidence.calibration }
    }
  }

  /// Compares both rankings on `judged` questions of `tenant` (a text and the ids of the items that answer it,
  /// among `sources`), without the tenant's learned word evidence; then, for the kinds of text the models
  /// keep ranking, the ranking with and without word evidence learned from the other half of the questions;
  /// and fits the confidence on the whole questions' first answers under the ranking chosen. `alreadyTyped`: the texts are what agents typed (a pick log), compared as typed text only; otherwise
  /// each is compared whole and cut at `typedShares`. Run it before the questions become learned phrasings,
  /// which they would match exactly.
  public static func compare(
    engine: SuggestionEngine, tenant: String, judged: [(text: String, answers: Set<String>)],
    sources: Set<KnowledgeSource>, alreadyTyped: Bool = false
  ) throws -> Report {
    typealias Asked = (text: String, answers: Set<String>, half: Int)
    // Whole questions' first answers, by ranking, and what would have come first without their answers (the
    // stand-ins for questions the knowledge does not answer): what the confidence is fitted on.
    var firstAnswers: [RankingChoice: [ConfidenceFit.Example]] = [:]
    var withoutAnswers: [RankingChoice: [ConfidenceFit.Example]] = [:]
    func reciprocalRanks(
      _ choice: RankingChoice, typed: Bool, _ asked: [Asked], evidence: [[String: WordEvidence]] = [[:], [:]]
    ) throws -> [Double] {
      try asked.map { text, answers, half in
        var options = SuggestOptions(limit: depth, sources: sources, ranking: choice)
        options.wordEvidence = evidence[half]
        let ids: [String]
        if typed {
          ids = try engine.suggester.suggest(text, tenant: tenant, options: options).map(\.id)
        } else {
          let replies = try engine.suggester.smartReply(text, tenant: tenant, options: options).answers
          ids = replies.map(\.suggestion.id)
          // A question with no answer is never answered, whatever the confidence: it teaches nothing here.
          if let first = replies.first {
            firstAnswers[choice, default: []].append(
              .init(overlap: first.overlap, margin: first.margin, right: answers.contains(first.suggestion.id)))
          }
          let others = replies.filter { !answers.contains($0.suggestion.id) }
          if let first = others.first {
            let lead = first.overlap - (others.dropFirst().map(\.overlap).max() ?? 0)
            withoutAnswers[choice, default: []].append(.init(overlap: first.overlap, margin: lead, right: false))
          }
        }
        return ids.prefix(depth).firstIndex(where: answers.contains).map { 1 / Double($0 + 1) } ?? 0
      }
    }
    // Each question's half (the evidence that ranks it is learned from the other); its typed cuts go with it.
    let whole: [Asked] = judged.enumerated().map { ($1.text, $1.answers, $0 % 2) }
    let typed: [Asked] =
      alreadyTyped
      ? whole : whole.flatMap { asked in typedPrefixes(asked.text).map { ($0, asked.answers, asked.half) } }
    var report = Report()
    var without: [Double] = []
    var kinds: [(typed: Bool, asked: [Asked])] = []
    for (isTyped, asked) in alreadyTyped ? [(true, typed)] : [(false, whole), (true, typed)] where !asked.isEmpty {
      let standard = try reciprocalRanks(.standard, typed: isTyped, asked)
      let verdict = Verdict(standard: standard, lexical: try reciprocalRanks(.lexical, typed: isTyped, asked))
      if isTyped {
        report.typed = verdict
      } else {
        report.whole = verdict
        let examples = firstAnswers[verdict.choice] ?? []
        report.confidence = ConfidenceVerdict(
          questions: examples.count, right: examples.filter(\.right).count,
          calibration: ConfidenceFit.fit(examples, outOfScope: withoutAnswers[verdict.choice] ?? []))
      }
      if verdict.choice == .standard {
        without += standard
        kinds.append((isTyped, asked))
      }
    }
    guard !kinds.isEmpty, judged.count >= 2 else { return report }
    let evidence = try (0..<2).map { half in
      let other = judged.enumerated().filter { $0.offset % 2 != half }.map(\.element)
      return try engine.learnWordEvidence(tenant: tenant, from: other, sources: sources).evidence()
    }
    let with = try kinds.flatMap { try reciprocalRanks(.standard, typed: $0.typed, $0.asked, evidence: evidence) }
    report.evidence = EvidenceVerdict(without: without, with: with)
    return report
  }

  /// Which word evidence `learn` keeps: only evidence its cross-fitted check found to win (`validated`, the
  /// default), or whatever it learned (`always`: an operator's choice).
  public enum EvidencePolicy: String, Codable, Hashable, Sendable, CaseIterable {
    case validated
    case always
  }

  /// `engine.learn` from `judged` questions, with the rankings and the word evidence compared on them first
  /// (`compare`): the tenant's ranking (and, from whole questions, its confidence) is set to the verdicts unless
  /// `keepRanking`, and the evidence learned is kept as `evidence` says. The choice is kept only when learning
  /// succeeds; `changed` says whether it changed the tenant's settings. Without `comparing` nothing is compared
  /// (the report is empty, the settings unchanged) and the evidence is kept only when `evidence` is `always`.
  public static func learn(
    engine: SuggestionEngine, tenant: String, judged: [(text: String, answers: Set<String>)],
    sources: Set<KnowledgeSource>, minimumCount: Int = 1, alreadyTyped: Bool = false, keepRanking: Bool = false,
    evidence policy: EvidencePolicy = .validated, comparing: Bool = true,
    progress: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws -> (learned: LearningReport, ranking: Report, changed: Bool) {
    final class Slot: Sendable { let report = Mutex<Report?>(nil) }
    let slot = Slot()
    let learned = try await engine.learn(
      tenant: tenant, from: judged, sources: sources, minimumCount: minimumCount,
      validating: {
        guard comparing else { return policy == .always }
        let report = try compare(
          engine: engine, tenant: tenant, judged: judged, sources: sources, alreadyTyped: alreadyTyped)
        slot.report.withLock { $0 = report }
        return policy == .always || report.evidence?.kept == true
      }, progress: progress)
    let report = slot.report.withLock { $0 } ?? Report()
    let before = try engine.store.settings(tenant: tenant)
    var after = before
    report.applied(to: &after)
    let changed = !keepRanking && after != before
    if changed { _ = try await engine.updateSettings(tenant: tenant) { report.applied(to: &$0) } }
    return (learned, report, changed)
  }

  /// `text` cut at `typedShares` of its characters (text with Chinese characters) or words, each distinct cut
  /// once and never the whole text.
  public static func typedPrefixes(_ text: String) -> [String] {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let han = trimmed.unicodeScalars.contains { $0.properties.isIdeographic }
    var cuts: [String] = []
    if han {
      let characters = Array(trimmed)
      for share in typedShares {
        let count = max(1, Int((Double(characters.count) * share).rounded()))
        if count < characters.count { cuts.append(String(characters[..<count])) }
      }
    } else {
      let words = trimmed.split(whereSeparator: \.isWhitespace)
      for share in typedShares {
        let count = max(1, Int((Double(words.count) * share).rounded()))
        if count < words.count { cuts.append(words[..<count].joined(separator: " ")) }
      }
    }
    var seen = Set<String>()
    return cuts.filter { seen.insert($0).inserted }
  }
}
