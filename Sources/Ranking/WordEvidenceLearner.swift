import Foundation
import Index
import Knowledge
import TextAnalysis

/// Learns a tenant's `WordEvidence` from judged questions (a judged set, or its pick log): each question
/// runs through smart reply, and its best candidates (what an agent is shown) are compared with it word by
/// word. A word found in only one text of many non-answers and few answers is decisive (花呗 against
/// 借呗); one both texts share in many answers is reassuring. Counts become smoothed log-odds against the
/// base rate of answers among the pairs looked at.
///
/// Why: AFQMC's non-answers were chosen to share most words with the question, and IDF cannot tell a
/// decisive common word (花呗) from a harmless one (怎么). Learned from AFQMC train, five features over this
/// evidence lift afqmc_dev's MRR@10 by about two points (see the CHANGELOG).
public struct WordEvidenceLearner {
  /// Candidates compared per judged question.
  public static let shown = 10
  /// Pseudo-pairs that pull a rarely seen word towards the base rate.
  public static let smoothing = 20.0

  private var differing: [String: (answers: Double, others: Double)] = [:]
  private var sharing: [String: (answers: Double, others: Double)] = [:]
  private var answerPairs = 0.0
  private var otherPairs = 0.0
  /// Judged questions looked at, and those whose answer was among the candidates compared.
  public private(set) var questions = 0
  public private(set) var answered = 0

  public init() {}

  /// Compares `text` with its best candidates in `tenant`'s knowledge; `answers` are the judged item ids. The
  /// candidates are the shipped linear model's whatever the tenant's ranking, as the learned models were fitted.
  public mutating func add(
    _ text: String, answers: Set<String>, suggester: Suggester, tenant: String, sources: Set<KnowledgeSource>
  ) throws {
    let (asked, candidates) = try suggester.comparedCandidates(
      text, tenant: tenant, options: SuggestOptions(limit: Self.shown, sources: sources, ranking: .standard))
    questions += 1
    if candidates.contains(where: { answers.contains($0.id) }) { answered += 1 }
    for candidate in candidates {
      let isAnswer = answers.contains(candidate.id)
      if isAnswer { answerPairs += 1 } else { otherPairs += 1 }
      func count(_ word: String, in table: inout [String: (answers: Double, others: Double)]) {
        var counts = table[word] ?? (0, 0)
        if isAnswer { counts.answers += 1 } else { counts.others += 1 }
        table[word] = counts
      }
      for word in asked.symmetricDifference(candidate.words) { count(word, in: &differing) }
      for word in asked.intersection(candidate.words) { count(word, in: &sharing) }
    }
  }

  /// The learned evidence; empty when the pairs held no answer or nothing but answers.
  public func evidence() -> [String: WordEvidence] {
    guard answerPairs > 0 && otherPairs > 0 else { return [:] }
    let rate = answerPairs / (answerPairs + otherPairs)
    let base = log(rate / (1 - rate))
    func logOdds(_ counts: (answers: Double, others: Double)) -> Double {
      let smoothed = (counts.answers + Self.smoothing * rate) / (counts.answers + counts.others + Self.smoothing)
      return log(smoothed / (1 - smoothed)) - base
    }
    var evidence: [String: WordEvidence] = [:]
    for word in Set(differing.keys).union(sharing.keys) {
      // Positive `differs`: an unshared word makes an answer less likely.
      evidence[word] = WordEvidence(
        differs: differing[word].map { -logOdds($0) } ?? 0, shares: sharing[word].map(logOdds) ?? 0)
    }
    return evidence
  }
}

extension Suggester {
  /// The words of `text` and of its best `options.limit` smart-reply candidates' best questions, ranked by the
  /// question model without learned evidence (what the evidence is learned from).
  func comparedCandidates(_ text: String, tenant: String, options: SuggestOptions) throws
    -> (asked: Set<String>, candidates: [(id: String, words: Set<String>)])
  {
    guard let (_, ranked, _) = try rankedQuestions(text, tenant: tenant, options: options, learned: false) else {
      return ([], [])
    }
    let asked = AnalyzedQuestion(text, analyzer: try analyzers.analyzer(for: tenant)).words
    return (Set(asked.map(\.text)), ranked.prefix(options.limit).map { ($0.key.id, Set($0.questionWords.map(\.text))) })
  }
}
