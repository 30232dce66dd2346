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
    let ranked = try questionRanked(
      message, tokens: tokens, plan: plan, tenant: tenant, options: options,
      model: weights.questionModel(for: tokens, typed: false)
    ).prefix(options.limit)
    // Only the answers shown are highlighted and explained (the candidates are several times more).
    let highlighter = Highlighter(analyzer: analyzer, plan: plan)
    let answers = ranked.map { candidate in
      var shown = suggestion(
        from: candidate.hit.stored, matchedLanguage: candidate.hit.key.language, score: candidate.score,
        highlighter: highlighter, options: options, context: context, explainSimilar: true)
      shown.score = candidate.score
      // An article answers a question less directly than a bot entry written for it.
      let confidence =
        QuestionSimilarity.confidence(candidate.features) * (candidate.hit.stored.item.source == .internal ? 0.8 : 1)
      return SmartReplyResult.Answer(suggestion: shown, confidence: confidence, matchedQuestion: candidate.question)
    }
    // Ranked by the learned question match; the confidence alone decides "no good answer".
    return SmartReplyResult(
      answers: answers, noGoodAnswer: (answers.first?.confidence ?? 0) < weights.minimumConfidence)
  }

  /// Every candidate smart reply considers, best first, with the question model's features of its best
  /// question: what `tools/eval/fit-question-model.py` learns the model's weights from.
  /// `typed`: the text as suggest ranks it (last word unfinished, `typedQuestionModel`).
  public func smartReplyFeatures(_ message: String, tenant: String, options: SuggestOptions, typed: Bool = false)
    throws -> [(id: String, features: [Double])]
  {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let tokens = try analyzer.analyze(message, options: typed ? .typedQuery : .document)
    guard !tokens.isEmpty else { return [] }
    var plan = try plan(for: tokens, analyzer: analyzer, context: context)
    if !typed { plan.unfinished = nil }
    return try questionRanked(
      message, tokens: tokens, plan: plan, tenant: tenant, options: options,
      model: weights.questionModel(for: tokens, typed: typed), partial: typed
    ).map { ($0.hit.stored.item.id, $0.features) }
  }

  /// The names of the features `smartReplyFeatures` returns, in order.
  public static var questionFeatureNames: [String] { QuestionMatch.names }

  /// A candidate ranked by the question model: the score and features of its best question.
  struct QuestionRanked {
    var hit: ResolvedHit
    var score: Double
    var features: [Double]
    var question: String
  }

  /// Candidates from the index (any of the words, and Han character pairs), ranked by `model` over their
  /// questions. `partial`: the last word of `text` may be unfinished (typed text).
  func questionRanked(
    _ text: String, tokens: [Token], plan: QueryPlan, tenant: String, options: SuggestOptions, model: [Double],
    partial: Bool = false
  ) throws -> [QuestionRanked] {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let filter = visibility(tenant: tenant, agent: options.agent, sources: options.sources, context: context)
    // Typed text asks for fewer candidates: suggest answers on every keystroke.
    let typedCandidates =
      tokens.contains { $0.script == .han } ? weights.typedQuestionCandidates : weights.latinTypedQuestionCandidates
    let candidates = max(options.limit, partial ? typedCandidates : weights.smartReplyCandidates)
    let asked = AnalyzedQuestion(text, analyzer: analyzer, partial: partial)
    let match = questionMatch(asked, tenant: tenant, synonyms: context.synonyms)
    // Typed text's candidates come from titles and questions, not bodies: bodies' posting lists are the
    // longest on a large index, and the model compares questions.
    var queries = partial ? plan.questionQueries : plan.fullQueries
    // Character pairs find the questions whose words the segmenter split another way (花呗 / 花 呗).
    var bigrams = AnalyzedQuestion.hanBigrams(tokens).sorted()
    let rarest = log(1 / weights.typedCommonShare)
    func common(_ term: String) -> Bool { !term.isEmpty && match.idf(term) < rarest }
    if partial && plan.questionTerms.contains(where: { !$0.isEmpty && !common($0) }) {
      // Typed Chinese with a rarer finished word: the any-word tier leaves out the words and character pairs
      // found in more than `typedCommonShare` of the titles and questions. Beside a rarer word they cannot
      // lift an item into the candidates, but they cost the longest posting lists; the model still weighs them.
      queries = zip(plan.questionQueries, plan.questionTerms).filter { !common($0.1) }.map(\.0)
      bigrams = bigrams.filter { match.pairIDF($0) >= rarest }
    }
    let bigramWeight = partial ? weights.typedBigram : weights.bigram
    if bigramWeight > 0 && !bigrams.isEmpty {
      queries.append(.scaled(.or(bigrams.map { .term(TermPrefix.bigram + $0) }), by: bigramWeight))
    }
    var hits: [IndexHit] = []
    if partial && weights.typedQuestionAllWordsFirst {
      // Every word first, in titles, then in titles and questions (short posting lists): any-word queries
      // cost more, and are needed only when few items have every word.
      for tier in [plan.titleQueries, plan.questionQueries] where hits.count < candidates {
        hits = try search(.filter(.and(tier), filter), limit: candidates)
      }
    }
    if hits.count < candidates { hits = try search(.filter(.or(queries), filter), limit: candidates) }
    // The items are read from the store once, for their questions (and then to show them).
    let resolved = try resolve(hits, limit: candidates)
    guard let top = resolved.first?.weight, top > 0 else { return [] }

    // Each candidate's questions, their features, and the entry's questions taken together.
    var candidatesFeatures: [(questions: [String], features: [[Double]], item: QuestionMatch.ItemEvidence)] = []
    for (rank, hit) in resolved.enumerated() {
      let item = hit.stored.item
      var questions = [item.title]
      if item.source == .bot {
        questions += item.similar
        for variant in item.variants.values { questions += [variant.title] + variant.similar }
      }
      let analysed = questions.map { analysedQuestion($0, tenant: tenant, analyzer: analyzer, match: match) }
      let features = analysed.map { match.features(of: $0, engine: hit.weight / top, rank: rank) }
      candidatesFeatures.append((questions, features, match.itemEvidence(analysed)))
    }
    let averageLength =
      candidatesFeatures.map(\.item.length).reduce(0, +) / Double(max(candidatesFeatures.count, 1))
    let bm25 = candidatesFeatures.map { match.bm25($0.item, averageLength: averageLength) }
    let topBM25 = bm25.max() ?? 0
    var ranked: [QuestionRanked] = []
    for (candidate, hit) in resolved.enumerated() {
      let (questions, features, item) = candidatesFeatures[candidate]
      var all = features
      // The item's score is its best question's: one close paraphrase is the evidence, not how many
      // loosely related phrasings an entry collected (Banking77's entries hold ten each); the entry-level
      // features add what all of them say together.
      var best = QuestionRanked(hit: hit, score: -.infinity, features: [], question: hit.stored.item.title)
      let coverages = all.map { $0[QuestionMatch.queryCoverageIndex] }.sorted(by: >).prefix(3)
      let support = coverages.reduce(0, +) / Double(coverages.count)
      for index in all.indices {
        all[index][QuestionMatch.supportIndex] = support
        all[index][QuestionMatch.itemStemCoverageIndex] = item.stemCoverage
        all[index][QuestionMatch.itemBM25Index] = topBM25 > 0 ? bm25[candidate] / topBM25 : 0
        let score = QuestionMatch.score(all[index], model: model)
        if score > best.score { (best.score, best.features, best.question) = (score, all[index], questions[index]) }
      }
      if hit.stored.item.source == .internal { best.score -= weights.internalPenalty }
      ranked.append(best)
    }
    return ranked.enumerated().sorted { a, b in
      a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
    }.map(\.element)
  }

  /// The question matcher for `asked`, with word IDFs from the index's title and question fields.
  func questionMatch(_ asked: AnalyzedQuestion, tenant: String, synonyms: [String: [String]]) -> QuestionMatch {
    let generation = readers.currentGeneration
    let documents = Double((try? readers.withReader { try $0.documentCount }) ?? 0)
    return QuestionMatch(
      asked: asked,
      idf: { [self] word in
        questionCache.idf(tenant + "\u{1F}" + word, generation: generation) {
          let frequency =
            (try? readers.withReader { index in
              try index.termFrequency(TermPrefix.title + word) + index.termFrequency(TermPrefix.similar + word)
            }) ?? 0
          return log((documents + 1) / (Double(frequency) + 0.5))
        }
      },
      pairIDF: { [self] pair in
        questionCache.idf(tenant + "\u{1F}" + TermPrefix.bigram + pair, generation: generation) {
          let frequency = (try? readers.withReader { try $0.termFrequency(TermPrefix.bigram + pair) }) ?? 0
          return log((documents + 1) / (Double(frequency) + 0.5))
        }
      }, synonyms: synonyms, synonymWeight: weights.synonym)
  }

  /// A stored question analysed and weighed (with `match`'s IDFs), cached until the index changes.
  func analysedQuestion(_ question: String, tenant: String, analyzer: Analyzer, match: QuestionMatch)
    -> AnalyzedQuestion
  {
    questionCache.question(tenant + "\u{1F}" + question, generation: readers.currentGeneration) {
      AnalyzedQuestion(question, analyzer: analyzer).weighed(idf: match.idf, pairIDF: match.pairIDF)
    }
  }
}

/// How close a stored question is to what the customer wrote: the Dice overlap of their words (compounds
/// counted by their parts) and of their character pairs (which survives segmentation differences), averaged;
/// identical folded text is 1. This is the confidence shown with an answer; the ranking uses `QuestionMatch`.
struct QuestionSimilarity {
  let asked: AnalyzedQuestion
  let analyzer: Analyzer

  init(_ text: String, analyzer: Analyzer) {
    self.analyzer = analyzer
    asked = AnalyzedQuestion(text, analyzer: analyzer)
  }

  func similarity(to question: String) -> Double {
    Self.confidence(
      QuestionMatch(asked: asked) { _ in 1 }.features(of: AnalyzedQuestion(question, analyzer: analyzer), engine: 0))
  }

  /// From `QuestionMatch` features: exact text is 1, else the mean of the word and pair Dice overlaps.
  static func confidence(_ features: [Double]) -> Double {
    let named = { (name: String) in features[QuestionMatch.names.firstIndex(of: name)!] }
    return named("exact") == 1 ? 1 : (named("wordDice") + named("pairDice")) / 2
  }
}
