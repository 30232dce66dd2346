import Foundation
import Index
import Knowledge
import Ranking

/// What `SuggestionEngine.learn` learned: the word evidence (with the learner's counts) and the phrasings kept.
public struct LearningReport: Sendable {
  /// The evidence learned, and whether the tenant keeps it (the caller's validation can turn it down).
  public var evidence: [String: WordEvidence]
  public var evidenceKept: Bool
  /// Judged questions looked at, and those whose answer was among the candidates compared.
  public var questions: Int
  public var answered: Int
  /// Phrasings learned for the judged questions' answers, and how many the store kept (an item keeps at most
  /// `KnowledgeStore.learnedQuestionsPerItem`; answers the store does not hold have none).
  public var phrasings: [LearnedQuestion]
  public var phrasingsKept: Int
}

extension SuggestionEngine {
  /// Learns from `judged` questions (a text, and the ids of the items that answer it, among `sources`) for
  /// `tenant`, and keeps what it learned: the word evidence (`WordEvidenceLearner`, which the question model
  /// reads) and the judged texts as learned phrasings of their answers (`LearnedQuestion`, which the index
  /// keeps beside the items' own questions). A text must have been judged at least `minimumCount` times for
  /// the same item to become a phrasing (the pick log asks for two: one stray pick teaches nothing).
  ///
  /// The tenant's old phrasings are dropped first: the evidence is learned from the knowledge's own questions
  /// (a judged text found as its own phrasing would teach that every word is shared), as the learned models
  /// were fitted. Suggestions go without phrasings until the new ones are indexed, at the end. `validating` runs
  /// once the old phrasings are gone and before anything is learned (the judged questions are then still new to
  /// the index): where the caller compares rankings on them; it says whether the word evidence learned is kept
  /// (without it, the tenant's evidence is dropped and `LearningReport.evidenceKept` is false).
  public func learn(
    tenant: String, from judged: [(text: String, answers: Set<String>)], sources: Set<KnowledgeSource>,
    minimumCount: Int = 1, validating: (@Sendable () throws -> Bool)? = nil,
    progress: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws -> LearningReport {
    let old = try store.learnedQuestions(tenant: tenant)
    try await setLearnedQuestions(tenant: tenant, [])
    // Seconds of work (about 2.5 ms a judged question): on a thread of its own, not a cooperative one.
    let learner: WordEvidenceLearner
    let phrasings: [LearnedQuestion]
    let keepsEvidence: Bool
    do {
      (keepsEvidence, learner, phrasings) = try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
          continuation.resume(
            with: Result {
              (
                try validating?() ?? true,
                try self.learnWordEvidence(tenant: tenant, from: judged, sources: sources, progress: progress),
                try self.phrasings(tenant: tenant, from: judged, sources: sources, minimumCount: minimumCount)
              )
            })
        }
      }
    } catch {
      // Learning failed: the tenant keeps the phrasings it had.
      try await setLearnedQuestions(tenant: tenant, old)
      throw error
    }
    let evidence = learner.evidence()
    // Nothing learned: what the tenant had stays as it was. Evidence the validation turned down goes, with
    // the tenant's old evidence.
    if !keepsEvidence {
      try setWordEvidence(tenant: tenant, [:])
    } else if !evidence.isEmpty {
      try setWordEvidence(tenant: tenant, evidence)
    }
    let kept = try await setLearnedQuestions(tenant: tenant, evidence.isEmpty && phrasings.isEmpty ? old : phrasings)
    return LearningReport(
      evidence: evidence, evidenceKept: keepsEvidence && !evidence.isEmpty, questions: learner.questions,
      answered: learner.answered, phrasings: phrasings, phrasingsKept: phrasings.isEmpty ? 0 : kept)
  }

  /// The judged texts as phrasings of the items that answer them (each answer id looked up among `sources`),
  /// counted, those judged fewer than `minimumCount` times left out.
  public func phrasings(
    tenant: String, from judged: [(text: String, answers: Set<String>)], sources: Set<KnowledgeSource>,
    minimumCount: Int = 1
  ) throws -> [LearnedQuestion] {
    var sourceOf: [String: KnowledgeSource?] = [:]
    var counts: [LearnedQuestion: Int] = [:]
    for question in judged {
      for id in question.answers {
        if sourceOf[id] == nil {
          sourceOf[id] = try KnowledgeSource.allCases.filter(sources.contains).first {
            try store.item(tenant: tenant, source: $0, id: id) != nil
          }
        }
        guard let source = sourceOf[id] ?? nil else { continue }
        counts[LearnedQuestion(source: source, itemId: id, text: question.text, count: 1), default: 0] += 1
      }
    }
    return counts.filter { $0.value >= minimumCount }.map { key, count in
      var phrasing = key
      phrasing.count = count
      return phrasing
    }.sorted { ($0.source.rawValue, $0.itemId, $0.text) < ($1.source.rawValue, $1.itemId, $1.text) }
  }

  /// Replaces the tenant's learned phrasings and indexes the items whose phrasings changed; returns how many
  /// were kept.
  @discardableResult
  public func setLearnedQuestions(tenant: String, _ phrasings: [LearnedQuestion]) async throws -> Int {
    let kept = try store.setLearnedQuestions(tenant: tenant, phrasings)
    try await catchUp()
    return kept
  }
}

extension SuggestionEngine {
  /// The tenant's picks that people made: what learning takes as judgments. The bot's own answers are logged as
  /// picks too (agent `Workbench.botAgent`), but nobody judged them.
  public func picksByPeople(tenant: String) throws -> [Pick] {
    try store.picks(tenant: tenant).filter { $0.agent != Workbench.botAgent }
  }

  /// Learns from `judged` questions (text, and the ids of the items that answer it) in `tenant`'s knowledge;
  /// the evidence is not kept (`setWordEvidence` keeps it). `progress` hears how many were looked at.
  public func learnWordEvidence(
    tenant: String, from judged: [(text: String, answers: Set<String>)], sources: Set<KnowledgeSource>,
    progress: (Int) -> Void = { _ in }
  ) throws -> WordEvidenceLearner {
    var learner = WordEvidenceLearner()
    for (done, question) in judged.enumerated() {
      try learner.add(question.text, answers: question.answers, suggester: suggester, tenant: tenant, sources: sources)
      progress(done + 1)
    }
    return learner
  }
}
