import Foundation
import Index
import Knowledge
import QuestionVectors
import TextAnalysis

extension Suggester {
  /// Answers for a whole customer message, from bot knowledge (standard and similar questions) and internal
  /// articles, each with a confidence: near 1 when the customer asked (almost) exactly a stored question,
  /// low for a weak match. `noGoodAnswer` is set when even the best is below `weights.smartReply.minimumConfidence`.
  /// With a sentence-embedding model, the confidence is the probability that the answer is right
  /// (`meaningConfidence`), and its minimum `minimumMeaningConfidence`.
  public func smartReply(
    _ message: String, tenant: String,
    options: SuggestOptions = SuggestOptions(sources: [.bot, .internal])
  ) throws -> SmartReplyResult {
    guard let (plan, ranked, byMeaning) = try rankedQuestions(message, tenant: tenant, options: options) else {
      return SmartReplyResult(answers: [], noGoodAnswer: true)
    }
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    // Only the answers shown are read from the store, highlighted and explained (the candidates are several
    // times more).
    let highlighter = highlighter(analyzer, plan, tenant: tenant)
    // The word overlap of the first candidates, for each answer's lead over the best other one (what a
    // tenant's fitted confidence reads).
    let leaders = ranked.prefix(Self.confidenceRivals).map {
      ($0.key.itemKey, QuestionSimilarity.confidence($0.features))
    }
    let calibration = byMeaning ? nil : context.settings.confidence
    let answers = try read(ranked, limit: options.limit).map { candidate, stored in
      var shown = suggestion(
        from: stored, matchedLanguage: candidate.key.language, score: candidate.score,
        highlighter: highlighter, options: options, context: context, explainSimilar: true)
      shown.score = candidate.score
      let overlap = QuestionSimilarity.confidence(candidate.features)
      let margin = overlap - (leaders.lazy.filter { $0.0 != candidate.key.itemKey }.map(\.1).max() ?? 0)
      let confidence =
        (byMeaning
          ? weights.smartReply.meaningConfidence.probability(
            cosine: candidate.features[.itemCosine], overlap: overlap)
          : calibration?.probability(overlap: overlap, margin: margin) ?? overlap)
        // An article answers a question less directly than a bot entry written for it.
        * (stored.item.source == .internal ? 0.8 : 1)
      let questions = StoredQuestions.questions(of: stored.item, learned: stored.learnedQuestions)
      let matched = questions.indices.contains(candidate.question) ? questions[candidate.question] : stored.item.title
      return SmartReplyResult.Answer(
        suggestion: shown, confidence: confidence, matchedQuestion: matched, overlap: overlap, margin: margin)
    }
    // Ranked by the learned question match; the confidence alone decides "no good answer".
    let minimum =
      byMeaning
      ? weights.smartReply.minimumMeaningConfidence
      : calibration != nil ? weights.smartReply.minimumCalibratedConfidence : weights.smartReply.minimumConfidence
    return SmartReplyResult(answers: answers, noGoodAnswer: (answers.first?.confidence ?? 0) < minimum)
  }

  /// The candidates an answer's lead (`SmartReplyResult.Answer.margin`) is measured against: the first ten.
  static let confidenceRivals = 10

  /// Every candidate smart reply considers, best first, with the question model's features of its best
  /// question: what `tools/eval/fit-question-model.py` learns the model's weights from.
  /// `typed`: the text as suggest ranks it (last word unfinished, `typedQuestionModel`).
  public func smartReplyFeatures(_ message: String, tenant: String, options: SuggestOptions, typed: Bool = false)
    throws -> [(id: String, features: FeatureVector)]
  {
    try rankedQuestions(message, tenant: tenant, options: options, typed: typed)?.ranked.map {
      ($0.key.id, $0.features)
    }
      ?? []
  }

  /// `text` ranked by the question model as smart reply ranks a whole message, or (`typed`) as suggest ranks
  /// typed text; nil when the text has no words. `learned`: the tenant's learned model when it has word
  /// evidence (false: the linear lexical model, which the evidence is learned from).
  func rankedQuestions(
    _ text: String, tenant: String, options: SuggestOptions, typed: Bool = false, learned: Bool = true
  ) throws -> (plan: QueryPlan, ranked: [QuestionRanked], byMeaning: Bool)? {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let (tokens, planned) = try analysed(
      text, options: typed ? .typedQuery : .document, analyzer: analyzer, context: context)
    guard var plan = planned else { return nil }
    if !typed { plan.unfinished = nil }
    let evidence = learned && !(options.wordEvidence ?? context.evidence).isEmpty
    let weights = self.weights.choosing(options.ranking ?? context.settings.ranking(typed: typed))
    // Meaning for whole messages, when the tenant has vectors, its model reads the text and a question model
    // weighs the cosines: encoded on another thread while the index is searched.
    let meaning =
      weights.weighsMeaning(tokens, typed: typed)
      ? semantic?.beginScoring(text, tenant: tenant, choice: context.settings.meaning) : nil
    let model = weights.questionModel(for: tokens, typed: typed, learned: evidence, semantic: meaning != nil)
    // The evidence is learned from the linear lexical model's candidates (`learned` false), as the learned
    // tree models were fitted with evidence learned that way.
    let trees = learned ? weights.questionTrees(for: tokens, typed: typed, learned: evidence) : nil
    let ranked = try questionRanked(
      text, tokens: tokens, plan: plan, tenant: tenant, options: options, model: model, trees: trees,
      partial: typed, meaning: meaning)
    return (plan, ranked, meaning != nil)
  }

  /// A candidate ranked by the question model: the score and features of its best question (its place in
  /// `StoredQuestions.questions(of:)`). Not read from the store yet: `read(_:limit:)` reads those shown.
  struct QuestionRanked {
    var key: IndexedKey
    var score: Double
    var features: FeatureVector
    var question: Int
    /// The best question's words (what `WordEvidenceLearner` compares with the asked words).
    var questionWords: Set<FoldedTerm> = []
  }

  /// The any-word queries of `typed` (the queries and their Han words), each two-character word that is also
  /// one of the asked character pairs asked for by that pair's term alone, scaled by `typedPairForWord`, and the
  /// pairs left to ask for beside them. The pair's posting list holds every title and question with the word
  /// (and those the segmenter split another way), so the word's own title, tag and similar-question lists only
  /// made the query walk the same items again: one list instead of up to four, with candidates as good on
  /// afqmc_train's prefixes (docs/benchmarks.md has the figures). A word with synonyms keeps its own query:
  /// the pair would not find them.
  private func pairTermsForWords(
    _ typed: [(IndexQuery, String)], bigrams: [String], synonyms: [String: [String]]
  ) -> (queries: [IndexQuery], bigrams: [String]) {
    var pairs = Set(bigrams)
    let queries = typed.map { query, word -> IndexQuery in
      guard word.count == 2, (synonyms[word] ?? []).isEmpty, pairs.remove(word) != nil else { return query }
      return .scaled(.term(TermPrefix.bigram + word), by: weights.typed.pairForWord)
    }
    return (queries, bigrams.filter { pairs.contains($0) })
  }

  /// What a plain n-gram engine would ask for beside the words: the Han characters (`fields.character`), the
  /// Latin words' stems (`fields.stem`) and character trigrams (`fields.trigram`), or their typed settings,
  /// or (`indexOrder`: the index's order is the ranking) those of `weights.indexOrder`, each an OR scaled by
  /// its weight. Characters and trigrams in more than `fields.commonCharacterShare` of the documents are left
  /// out: they lift no candidate (their words are asked for anyway) and walk the longest posting lists.
  private func characterQueries(_ tokens: [Token], partial: Bool, indexOrder: Bool) throws -> [IndexQuery] {
    let (fields, order) = (weights.fields, weights.indexOrder)
    let (stem, trigram) =
      partial
      ? (fields.typedStem, fields.typedTrigram)
      : indexOrder ? (order.stem, order.trigram) : (fields.stem, fields.trigram)
    let asked: [(prefix: String, weight: Double, terms: [String], common: Bool)] = [
      (
        TermPrefix.character, partial ? fields.typedCharacter : fields.character,
        AnalyzedQuestion.hanCharacters(tokens).sorted(), true
      ),
      (TermPrefix.stem, stem, AnalyzedQuestion.latinStems(tokens).sorted(), false),
      (TermPrefix.trigram, trigram, AnalyzedQuestion.latinTrigrams(tokens).sorted(), true),
    ]
    var queries: [IndexQuery] = []
    for (prefix, weight, terms, common) in asked where weight > 0 && !terms.isEmpty {
      var kept = terms.map { prefix + $0 }.filter(TermPrefix.fits)
      if common && fields.commonCharacterShare < 1 {
        let (documents, frequencies) = try readers.withReader { index in
          (try index.documentCount, try kept.map { try index.termFrequency($0) })
        }
        let most = Double(documents) * fields.commonCharacterShare
        kept = zip(kept, frequencies).filter { Double($0.1) <= most }.map(\.0)
      }
      if !kept.isEmpty { queries.append(.scaled(.or(kept.map { .term($0) }), by: weight)) }
    }
    return queries
  }

  /// The first `limit` of `ranked` whose items the store still holds (one deleted since the index last caught
  /// up is skipped), read in one go, or a few when some were missing.
  func read(_ ranked: [QuestionRanked], limit: Int) throws -> [(QuestionRanked, StoredKnowledge)] {
    var found: [(QuestionRanked, StoredKnowledge)] = []
    var next = ranked[...]
    while found.count < limit && !next.isEmpty {
      let batch = next.prefix(limit - found.count)
      next = next.dropFirst(batch.count)
      let byKey = try storedItems(batch.map(\.key))
      for candidate in batch {
        if let item = byKey[candidate.key.itemKey] { found.append((candidate, item)) }
      }
    }
    return found
  }

  /// Candidates from the index (any of the words, and Han character pairs), ranked by `model` over their
  /// questions, or by `trees` when given. `partial`: the last word of `text` may be unfinished (typed text).
  /// `meaning`: the items nearest in meaning join the candidates, and the cosines are features.
  func questionRanked(
    _ text: String, tokens: [Token], plan: QueryPlan, tenant: String, options: SuggestOptions, model: LinearModel,
    trees: QuestionTrees? = nil, partial: Bool = false, meaning pending: PendingScores? = nil
  ) throws -> [QuestionRanked] {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let filter = visibility(tenant: tenant, agent: options.agent, sources: options.sources, context: context)
    let han = tokens.contains { $0.script == .han }
    // Typed text asks for fewer candidates: suggest answers on every keystroke.
    let typedCandidates =
      han
      ? (tokens.count == 2 ? weights.typed.twoWordCandidates : weights.typed.candidates)
      : weights.typed.latinCandidates
    let candidates = max(options.limit, partial ? typedCandidates : weights.smartReply.candidates)
    let b = partial && han ? weights.bm25.typedQuestionB : weights.bm25.b
    let asked = AnalyzedQuestion(text, analyzer: analyzer, partial: partial)
    let match = questionMatch(asked, tenant: tenant, context: context, evidence: options.wordEvidence)
    // Typed text's candidates come from titles and questions, not bodies: bodies' posting lists are the
    // longest on a large index, and the model compares questions.
    var queries = partial ? plan.questionQueries : plan.fullQueries
    // Character pairs find the questions whose words the segmenter split another way (花呗 / 花 呗).
    var bigrams = AnalyzedQuestion.hanBigrams(tokens).sorted()
    let rarest = log(1 / weights.typed.commonShare)
    func common(_ term: String) -> Bool { !term.isEmpty && match.idf(FoldedTerm(term)) < rarest }
    if partial {
      var typed = Array(zip(plan.questionQueries, plan.questionTerms))
      let rarerWord = typed.contains(where: { !$0.1.isEmpty && !common($0.1) })
      if rarerWord {
        // Typed Chinese with a rarer finished word: the any-word tier leaves out the words and character pairs
        // found in more than `typedCommonShare` of the titles and questions. Beside a rarer word they cannot
        // lift an item into the candidates, but they cost the longest posting lists; the model still weighs them.
        typed = typed.filter { !common($0.1) }
        bigrams = bigrams.filter { match.pairIDF(FoldedTerm($0)) >= rarest }
      }
      queries = typed.map(\.0)
      if weights.typed.pairForWord > 0 {
        (queries, bigrams) = pairTermsForWords(typed, bigrams: bigrams, synonyms: context.synonyms)
      }
      // The two characters still being typed: every title or question with a word that starts with them has
      // their pair, so the pair's one list replaces the word's five (title-word prefixes, titles, tags, similar
      // questions, a wildcard over them); a common pair beside a rarer word is left out like a common word.
      // (The unfinished word's query is the last: `plan(for:)` follows the tokens and nothing above drops it.)
      if weights.typed.pairForUnfinished > 0, let last = tokens.last, last.isUnfinished, last.script == .han,
        last.term.count == 2, typed.last?.1 == "", !queries.isEmpty
      {
        queries.removeLast()
        bigrams.removeAll { $0 == last.term }
        if !(rarerWord && match.pairIDF(FoldedTerm(last.term)) < rarest) {
          queries.append(.scaled(.term(TermPrefix.bigram + last.term), by: weights.typed.pairForUnfinished))
        }
      }
    }
    let bigramWeight = partial ? weights.fields.typedBigram : weights.fields.bigram
    if bigramWeight > 0 && !bigrams.isEmpty {
      queries.append(.scaled(.or(bigrams.map { .term(TermPrefix.bigram + $0) }), by: bigramWeight))
    }
    // The lexical base: the index's order is the ranking (its own settings, `weights.indexOrder`).
    let indexOrder = trees == nil && pending == nil && model.keepsIndexOrder
    queries += try characterQueries(tokens, partial: partial, indexOrder: indexOrder)
    var hits: [IndexHit] = []
    // Fewer than this many all-words hits, and the any-word query runs (`typedQuestionEnoughHits`).
    let enough =
      partial && weights.typed.enoughHits > 0 ? min(candidates, weights.typed.enoughHits) : candidates
    if partial && weights.typed.allWordsFirst {
      // Every word first, in titles, then in titles and questions (short posting lists): any-word queries
      // cost more, and are needed only when few items have every word. (Asking the wider tier first, and
      // the titles only when it finds enough, gives the same hits but was slower at 100k items: 0.64 against
      // 0.55 ms a request, timed side by side in one run.)
      try stages.measure(.questionAllWords) {
        for tier in [plan.titleQueries, plan.questionQueries] where hits.count < candidates {
          hits = try visibleSearch(.and(tier), filter, limit: candidates, keeping: plan.keeping, b: b)
        }
      }
    }
    if hits.count < enough {
      hits = try stages.measure(.questionAnyWord) {
        try visibleSearch(.or(queries), filter, limit: candidates, keeping: partial ? plan.keeping : .never, b: b)
      }
    }
    let starts =
      partial && weights.typed.titleStartFirst ? try titleStarts(plan, filter: filter, limit: options.limit) : []
    let startKeys = Set(starts.compactMap { try? IndexedKey(data: $0.data).itemKey })
    let added = Self.candidates(hits, adding: starts)
    // The index's candidates are weighed while the meaning is computed on another thread (`pending`).
    var weighed = try stages.measure(.questionWeighing) {
      try self.weighed(added, match: match, candidates: candidates + added.count - hits.count)
    }
    if let pending, let meaning = stages.measure(.meaning, { pending.wait() }) {
      weighed = try stages.measure(.questionWeighing) {
        try adding(meaning, to: weighed, tenant: tenant, filter: filter, match: match)
      }
    }
    guard let weighed else { return [] }
    let order = stages.measure(.questionRanking) {
      ranked(chosen: weighed.chosen, features: weighed.features, match: match, model: model, trees: trees)
    }
    // The items whose title starts with the typed text first, in the model's order: an agent typing a
    // shortcut's start is after that shortcut, and the model has no evidence of where in a title words stand.
    guard !startKeys.isEmpty else { return order }
    return order.filter { startKeys.contains($0.key.itemKey) } + order.filter { !startKeys.contains($0.key.itemKey) }
  }

  /// The visible items nearest in meaning (`weights.smartReply.meaningCandidates`), as index hits of weight 0:
  /// the index's score says nothing of them.
  private func nearest(_ meaning: VectorTable.Scores, tenant: String, filter: Visibility) throws -> [IndexHit] {
    let near = meaning.nearest(limit: weights.smartReply.meaningCandidates)
    let terms: [IndexQuery] = near.compactMap { neighbour in
      let parts = neighbour.item.split(separator: "\u{1F}", maxSplits: 1)
      guard parts.count == 2, let source = KnowledgeSource(rawValue: String(parts[0])) else { return nil }
      return .term(KnowledgeDocumentBuilder.itemTerm(tenant: tenant, source: source, id: String(parts[1])))
    }
    guard !terms.isEmpty else { return [] }
    let rank = Dictionary(near.enumerated().map { ($1.item, $0) }, uniquingKeysWith: { a, _ in a })
    let hits = try search(filter.apply(to: .or(terms)), limit: terms.count * 4).map { hit in
      var hit = hit
      hit.weight = 0
      return (place: rank[(try? IndexedKey(data: hit.data).itemKey) ?? "", default: .max], hit: hit)
    }
    return hits.sorted { $0.place < $1.place }.map(\.hit)
  }

  /// The items whose title starts with the typed text (the `H` title-prefix terms; none past their length).
  private func titleStarts(_ plan: QueryPlan, filter: Visibility, limit: Int) throws -> [IndexHit] {
    guard !plan.whole.isEmpty && plan.whole.count <= KnowledgeDocumentBuilder.titlePrefixLength else { return [] }
    return try search(filter.apply(to: .term(TermPrefix.titlePrefix + plan.whole)), limit: limit)
  }

  /// `hits` and then those of `starts` not among them, weighted as the weakest hit: their score comes from
  /// another query, and the engine-score feature compares a candidate with the best hit's.
  static func candidates(_ hits: [IndexHit], adding starts: [IndexHit]) -> [IndexHit] {
    guard !starts.isEmpty else { return hits }  // the common case: no set built on every typed request
    let seen = Set(hits.map(\.docid))
    let weakest = hits.map(\.weight).min()
    return hits
      + starts.filter { !seen.contains($0.docid) }.map { start in
        var start = start
        if let weakest { start.weight = min(start.weight, weakest) }
        return start
      }
  }

  /// A candidate: its key, its index score and its analysed questions.
  typealias Candidate = (key: IndexedKey, weight: Double, questions: QuestionSet)
  /// What the model weighs of a candidate: which of its questions it compares, their features, and the
  /// evidence of its questions taken together.
  typealias CandidateFeatures = (compared: [Int], features: [FeatureVector], item: QuestionMatch.ItemEvidence)

  /// One candidate per item of `hits` (best first), at most `candidates`, with its questions' features; nil
  /// when there is none or no hit has a weight.
  private func weighed(_ hits: [IndexHit], match: QuestionMatch, candidates: Int) throws -> Weighed? {
    let chosen = try choose(hits, match: match, limit: candidates)
    guard let top = chosen.first?.weight, top > 0 else { return nil }
    // Each candidate's closest questions' features (an entry with hundreds of learned phrasings is compared on
    // those that share the most with the text), and the entry's questions taken together.
    return (chosen, chosen.enumerated().map { features(of: $1, rank: $0, top: top, match: match) })
  }

  typealias Weighed = (chosen: [Candidate], features: [CandidateFeatures])

  /// One candidate per item of `hits` (best first), at most `limit`, leaving out the items `excluding` names.
  private func choose(_ hits: [IndexHit], match: QuestionMatch, limit: Int, excluding: Set<String> = []) throws
    -> [Candidate]
  {
    // One hit per item (its language versions are separate documents, with the same questions).
    var seen = excluding
    var chosen: [Candidate] = []
    for hit in hits where chosen.count < limit {
      let (keyText, encoded) = IndexedKey.split(hit.data)
      let key = try IndexedKey(keyText: keyText)
      guard seen.insert(key.itemKey).inserted else { continue }
      guard let encoded else { throw IndexError.corrupt("a document's data has no questions; run replykit reindex") }
      chosen.append((key, hit.weight, analysedQuestions(encoded, of: keyText, match: match)))
    }
    return chosen
  }

  private func features(of candidate: Candidate, rank: Int, top: Double, match: QuestionMatch) -> CandidateFeatures {
    let compared = match.closest(candidate.questions, limit: weights.questions.compared)
    let engine = top > 0 ? candidate.weight / top : 0
    let features = compared.map {
      match.features(of: candidate.questions.questions[$0], engine: engine, rank: rank)
    }
    return (compared, features, match.itemEvidence(candidate.questions))
  }

  /// `weighed` with the items nearest in meaning added (no index score: the engine features are 0), and each
  /// candidate's cosines filled in: its nearest question joins the compared ones when the words did not pick it.
  private func adding(
    _ meaning: VectorTable.Scores, to weighed: Weighed?, tenant: String, filter: Visibility, match: QuestionMatch
  ) throws -> Weighed? {
    var (chosen, features) = weighed ?? ([], [])
    let near = try nearest(meaning, tenant: tenant, filter: filter)
    for candidate in try choose(near, match: match, limit: near.count, excluding: Set(chosen.map(\.key.itemKey))) {
      features.append(self.features(of: candidate, rank: chosen.count, top: 0, match: match))
      chosen.append(candidate)
    }
    guard !chosen.isEmpty else { return nil }
    for (index, candidate) in chosen.enumerated() {
      let cosines = meaning.cosines(item: candidate.key.itemKey)
      guard let nearest = cosines.max(by: { $0.value < $1.value }) else { continue }
      if !features[index].compared.contains(nearest.key), candidate.questions.questions.indices.contains(nearest.key) {
        let engine = features[index].features.first?[.engine] ?? 0
        features[index].compared.append(nearest.key)
        features[index].features.append(
          match.features(of: candidate.questions.questions[nearest.key], engine: engine, rank: index))
      }
      for (place, question) in features[index].compared.enumerated() {
        features[index].features[place][.cosine] = Double(cosines[question] ?? 0)
        features[index].features[place][.itemCosine] = Double(nearest.value)
      }
    }
    return (chosen, features)
  }

  /// The candidates scored by `model` (or `trees`) over their questions' `features`, best first.
  private func ranked(
    chosen: [Candidate], features candidatesFeatures: [CandidateFeatures], match: QuestionMatch, model: LinearModel,
    trees: QuestionTrees?
  ) -> [QuestionRanked] {
    let averageLength =
      candidatesFeatures.map(\.item.length).reduce(0, +) / Double(max(candidatesFeatures.count, 1))
    let bm25 = candidatesFeatures.map { match.bm25($0.item, averageLength: averageLength) }
    let topBM25 = bm25.max() ?? 0
    // Each candidate's questions with the item-level features filled in, and their linear scores.
    var filled: [[FeatureVector]] = []
    var scores: [[Double]] = []
    for index in chosen.indices {
      let (_, features, item) = candidatesFeatures[index]
      var all = features
      let coverages = all.map { $0[.queryCoverage] }.sorted(by: >).prefix(3)
      let support = coverages.reduce(0, +) / Double(max(coverages.count, 1))
      for question in all.indices {
        all[question][.support] = support
        all[question][.itemStemCoverage] = item.stemCoverage
        all[question][.itemBM25] = topBM25 > 0 ? bm25[index] / topBM25 : 0
      }
      filled.append(all)
      scores.append(all.map(model.score))
    }
    if let trees {
      // The trees cost far more than the linear model: they score each candidate's questions that the linear
      // model puts first (an entry with a dozen phrasings is not walked a dozen times), all in one batch; the
      // other questions stay below.
      var walked: [(candidate: Int, question: Int)] = []
      for index in chosen.indices {
        let first = scores[index].indices.sorted { scores[index][$0] > scores[index][$1] }
        walked += first.prefix(max(weights.questions.treeQuestions, 1)).map { (index, $0) }
        scores[index] = [Double](repeating: -.infinity, count: scores[index].count)
      }
      for (place, score) in trees.scores(walked.map { filled[$0.candidate][$0.question] }).enumerated() {
        scores[walked[place].candidate][walked[place].question] = score
      }
    }
    var ranked: [QuestionRanked] = []
    for (index, candidate) in chosen.enumerated() {
      let compared = candidatesFeatures[index].compared
      // The item's score is its best question's: one close paraphrase is the evidence, not how many
      // loosely related phrasings an entry collected (Banking77's entries hold ten each); the entry-level
      // features add what all of them say together.
      var best = QuestionRanked(key: candidate.key, score: -.infinity, features: FeatureVector(), question: 0)
      var top: Int?
      for (question, score) in scores[index].enumerated() where score > best.score {
        (best.score, top) = (score, question)
      }
      if let top {
        // A stored question the customer wrote exactly is the one the entry answers by, even where the model
        // scores another phrasing of the entry a hair higher (trees are not monotone in `exact`): the matched
        // question and the confidence follow the text; the entry's score stays its best question's.
        let matched = filled[index].indices.first { filled[index][$0][.exact] == 1 } ?? top
        (best.features, best.question) = (filled[index][matched], compared[matched])
        best.questionWords = candidate.questions.questions[compared[matched]].words
      }
      if candidate.key.source == .internal { best.score -= weights.smartReply.internalPenalty }
      ranked.append(best)
    }
    return ranked.enumerated().sorted { a, b in
      a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
    }.map(\.element)
  }

  /// The question matcher for `asked`, with word IDFs from the index's title and question fields and pair IDFs
  /// from its character pairs (`TermStatistics`, read once until a commit changes terms).
  func questionMatch(
    _ asked: AnalyzedQuestion, tenant: String, context: TenantContext, evidence: [String: WordEvidence]? = nil
  ) -> QuestionMatch {
    let generation = readers.currentTermsGeneration
    let statistics = termStatistics.statistics(generation: generation) { [readers] in
      try readers.withReader { try TermStatistics.read(from: $0, generation: generation) }
    }
    let idf: (FoldedTerm) -> Double
    let pairIDF: (FoldedTerm) -> Double
    if let statistics {
      (idf, pairIDF) = (statistics.wordIDF, statistics.pairIDF)
    } else {
      // Not read yet, or too many terms to hold: each looked up when first needed, and cached.
      let documents = Double((try? readers.withReader { try $0.documentCount }) ?? 0)
      idf = { [self] folded in
        let word = folded.text
        return questionCache.idf(tenant + "\u{1F}" + word, generation: generation) {
          let frequency =
            (try? readers.withReader { index in
              try index.termFrequency(TermPrefix.title + word) + index.termFrequency(TermPrefix.similar + word)
            }) ?? 0
          return TermStatistics.idf(frequency, documents: documents)
        }
      }
      pairIDF = { [self] folded in
        let pair = folded.text
        return questionCache.idf(tenant + "\u{1F}" + TermPrefix.bigram + pair, generation: generation) {
          let frequency = (try? readers.withReader { try $0.termFrequency(TermPrefix.bigram + pair) }) ?? 0
          return TermStatistics.idf(frequency, documents: documents)
        }
      }
    }
    return QuestionMatch(
      asked: asked, idf: idf, pairIDF: pairIDF, synonyms: context.synonyms, synonymWeight: weights.matching.synonym,
      evidence: evidence ?? context.evidence)
  }

  /// A document's questions as the index stores them (`StoredQuestions`), weighed with `match`'s IDFs; cached
  /// by the document's key (which names its tenant, and carries its ranking: a picked document is analysed
  /// again) until a commit changes terms (`IndexReaderPool.currentTermsGeneration`): one look-up a candidate,
  /// however many questions it has.
  func analysedQuestions(_ encoded: Substring, of key: Substring, match: QuestionMatch) -> QuestionSet {
    questionCache.questions(String(key), generation: readers.currentTermsGeneration) {
      QuestionSet(
        StoredQuestions.split(encoded).map { question in
          AnalyzedQuestion(words: StoredQuestions.decodeQuestion(question))
            .weighed(idf: match.idf, pairIDF: match.pairIDF)
        }, indexedAbove: weights.questions.compared)
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
  static func confidence(_ features: FeatureVector) -> Double {
    features[.exact] == 1 ? 1 : (features[.wordDice] + features[.pairDice]) / 2
  }
}
