import Foundation
import Knowledge
import TextAnalysis

extension Suggester {
  /// Answers for a whole customer message, from bot knowledge (standard and similar questions) and internal
  /// articles, each with a confidence: near 1 when the customer asked (almost) exactly a stored question,
  /// low for a weak match. `noGoodAnswer` is set when even the best is below `weights.minimumConfidence`.
  public func smartReply(
    _ message: String, tenant: String,
    options: SuggestOptions = SuggestOptions(sources: [.bot, .internal])
  ) throws -> SmartReplyResult {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let tokens = try analyzer.analyze(message)
    guard !tokens.isEmpty else { return SmartReplyResult(answers: [], noGoodAnswer: true) }
    var plan = try plan(for: tokens, analyzer: analyzer, context: context)
    plan.unfinished = nil
    let filter = visibility(tenant: tenant, agent: options.agent, sources: options.sources, context: context)
    let candidates = max(options.limit * 4, 20)
    let hits = try search(.filter(.or(plan.fullQueries), filter), limit: candidates)
    // The items are read from the store once: to show them, and for their questions.
    let resolved = try resolve(hits, limit: candidates)
    let highlighter = Highlighter(analyzer: analyzer, plan: plan)
    let shown = SuggestOptions(agent: options.agent, limit: candidates, language: options.language)
    let suggestions = resolved.map { hit in
      suggestion(
        from: hit.stored, matchedLanguage: hit.key.language, score: hit.weight, highlighter: highlighter,
        options: shown, context: context, explainSimilar: true)
    }
    guard let top = suggestions.first?.score, top > 0 else { return SmartReplyResult(answers: [], noGoodAnswer: true) }

    let asked = QuestionSimilarity(message, analyzer: analyzer)
    var questionsByItem: [String: [String]] = [:]
    for hit in resolved {
      let item = hit.stored.item
      var questions = [item.title] + item.similar
      for variant in item.variants.values { questions += [variant.title] + variant.similar }
      questionsByItem[item.source.rawValue + "\u{1F}" + item.id] = item.source == .bot ? questions : [item.title]
    }
    var answers: [SmartReplyResult.Answer] = suggestions.map { suggestion in
      let questions = questionsByItem[suggestion.source.rawValue + "\u{1F}" + suggestion.id] ?? [suggestion.title]
      var best = (score: 0.0, question: suggestion.title)
      for question in questions {
        let score = asked.similarity(to: question)
        if score > best.score { best = (score, question) }
      }
      // An article answers a question less directly than a bot entry written for it.
      let confidence = suggestion.source == .internal ? best.score * 0.8 : best.score
      return SmartReplyResult.Answer(suggestion: suggestion, confidence: confidence, matchedQuestion: best.question)
    }
    // Rank by the engine's score and the confidence together; the confidence alone decides "no good answer".
    let blend = weights.smartReplyConfidence
    func rank(_ answer: SmartReplyResult.Answer) -> Double {
      (1 - blend) * answer.suggestion.score / top + blend * answer.confidence
    }
    answers.sort { rank($0) > rank($1) }
    answers = Array(answers.prefix(options.limit))
    return SmartReplyResult(
      answers: answers, noGoodAnswer: (answers.first?.confidence ?? 0) < weights.minimumConfidence)
  }
}

/// How close a stored question is to what the customer wrote: the Dice overlap of their words (compounds
/// counted by their parts) and of their character pairs (which survives segmentation differences), averaged;
/// identical folded text is 1.
struct QuestionSimilarity {
  let analyzer: Analyzer
  let words: Set<String>
  let pairs: Set<String>
  let folded: String

  init(_ text: String, analyzer: Analyzer) {
    self.analyzer = analyzer
    (words, pairs, folded) = Self.features(text, analyzer: analyzer)
  }

  func similarity(to question: String) -> Double {
    let (otherWords, otherPairs, otherFolded) = Self.features(question, analyzer: analyzer)
    if !folded.isEmpty && folded == otherFolded { return 1 }
    return (Self.dice(words, otherWords) + Self.dice(pairs, otherPairs)) / 2
  }

  static func features(_ text: String, analyzer: Analyzer) -> (Set<String>, Set<String>, String) {
    let tokens = (try? analyzer.analyze(text, options: AnalysisOptions(pinyinKeys: false))) ?? []
    var words = Set<String>()
    for token in tokens {
      if token.parts.isEmpty { words.insert(token.term) } else { words.formUnion(token.parts) }
    }
    let folded = tokens.map(\.term).joined()
    let characters = Array(folded)
    var pairs = Set<String>()
    if characters.count == 1 { pairs.insert(String(characters)) }
    for i in characters.indices.dropLast() { pairs.insert(String(characters[i...i + 1])) }
    return (words, pairs, folded)
  }

  static func dice(_ a: Set<String>, _ b: Set<String>) -> Double {
    guard !a.isEmpty || !b.isEmpty else { return 0 }
    return 2 * Double(a.intersection(b).count) / Double(a.count + b.count)
  }
}
