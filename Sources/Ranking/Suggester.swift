import Foundation
import Index
import Knowledge
import QuestionVectors
import Synchronization
import TextAnalysis

/// Ranked suggestions while an agent types, and smart replies for a customer message, over the index.
///
/// Finished words must all match (relaxing to any of them when no item has them all); the last, unfinished
/// word matches as a prefix of title words, of content words, and of pinyin and initials keys when it is
/// Latin letters. The index query enforces visibility: the tenant's enabled items, company scope, the
/// agent's groups and its own personal replies, never anyone else's.
public final class Suggester: Sendable {
  let readers: IndexReaderPool
  let store: KnowledgeStore
  let analyzers: TenantAnalyzers
  public let weights: RankingWeights
  /// Meaning beside words, when a sentence-embedding model is installed: smart reply's candidates and cosines.
  public let semantic: SemanticStage?
  private let tenantCache = Mutex<[String: TenantContext]>([:])
  /// Analysed stored questions and word IDFs for smart reply's question model.
  let questionCache = QuestionMatch.Cache()
  /// Shown items and the tokens of their texts.
  let shownItems = ShownItems()
  /// Short prefixes' best hits among the documents every agent may see, when kept (`keepsSharedHits`, for
  /// timing without them).
  let sharedHits = SharedHits()
  let keepsSharedHits: Bool
  /// The frequencies behind the question model's IDFs, for the current terms generation.
  let termStatistics = TermStatistics.Cache()
  /// Each tenant's Latin words, for typo corrections.
  let spelling = SpellingVocabulary.Cache()
  /// Where requests spend their time, when recording (`replykit-bench suggest --stages`).
  public let stages = SuggestStages()
  private let ownership = Mutex<(generation: Int, owners: [String: Bool])>((-1, [:]))

  /// What a tenant's queries need from the store, cached until `forget(tenant:)`.
  struct TenantContext {
    var tenant: String
    var settings: TenantSettings
    var synonyms: [String: [String]]
    var agents: [String: Agent]
    /// Learned from the tenant's judged questions (`replykit learn`); empty when nothing was.
    var evidence: [String: WordEvidence] = [:]
  }

  package init(
    readers: IndexReaderPool, store: KnowledgeStore, analyzers: TenantAnalyzers, weights: RankingWeights,
    semantic: SemanticStage? = nil, keepsSharedHits: Bool = true
  ) {
    self.keepsSharedHits = keepsSharedHits
    self.readers = readers
    self.store = store
    self.analyzers = analyzers
    self.weights = weights
    self.semantic = semantic
  }

  /// Drops what is cached about a tenant (its settings, synonyms or agents changed).
  public func forget(tenant: String) { _ = tenantCache.withLock { $0.removeValue(forKey: tenant) } }

  func context(_ tenant: String) throws -> TenantContext {
    if let cached = tenantCache.withLock({ $0[tenant] }) { return cached }
    let analyzer = try analyzers.analyzer(for: tenant)
    var synonyms: [String: [String]] = [:]
    for set in try store.synonymSets(tenant: tenant) {
      let folded = try Set(set.map { try analyzer.fold($0) })
      for term in folded { synonyms[term] = folded.subtracting([term]).sorted() }
    }
    let agents = Dictionary(try store.agents(tenant: tenant).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    let context = TenantContext(
      tenant: tenant, settings: try store.settings(tenant: tenant), synonyms: synonyms, agents: agents,
      evidence: try store.wordEvidence(tenant: tenant))
    tenantCache.withLock { $0[tenant] = context }
    return context
  }

  // MARK: Suggest

  /// Suggestions for `text` (what follows `#`, or the whole input when suggesting as the agent types).
  ///
  /// Titles, standard questions and tags are searched first (short posting lists, and what agents look for); contents
  /// only when that finds fewer than `limit` items; any of the words only when no item has them all. Xapian ranks the text; usage and scope are added to the
  /// best `rescoreWindow` hits here, which keeps value look-ups out of the matcher.
  public func suggest(_ text: String, tenant: String, options: SuggestOptions = SuggestOptions()) throws -> [Suggestion]
  {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let (tokens, planned) = try analysed(text, options: .typedQuery, analyzer: analyzer, context: context)
    guard let plan = planned else { return try mostUsed(tenant: tenant, options: options, context: context) }
    let ranked = try ranked(text, tokens: tokens, plan: plan, tenant: tenant, options: options, context: context)
    return try quickRepliesFirst(ranked, plan: plan, tenant: tenant, options: options, context: context)
  }

  /// `text` ranked by the question model (several words typed) or by the tiers (a word or two).
  private func ranked(
    _ text: String, tokens: [Token], plan: QueryPlan, tenant: String, options: SuggestOptions,
    context: TenantContext
  ) throws -> [Suggestion] {
    let analyzer = try analyzers.analyzer(for: tenant)
    let weights = self.weights.choosing(options.ranking ?? context.settings.typedRanking)
    let evidence = !(options.wordEvidence ?? context.evidence).isEmpty
    let typedModel = weights.questionModel(for: tokens, typed: true, learned: evidence)
    let typedTrees = weights.questionTrees(for: tokens, typed: true, learned: evidence)
    let questionWords =
      tokens.contains { $0.script == .han } ? weights.typed.questionWords : weights.typed.latinQuestionWords
    if tokens.count >= questionWords && !typedModel.weights.isEmpty {
      // Several words typed: a customer's question being pasted or retyped more than a shortcut. Stored
      // questions are ranked as smart reply ranks them, with a model fitted on typed prefixes of questions.
      let ranked = try questionRanked(
        text, tokens: tokens, plan: plan, tenant: tenant, options: options, model: typedModel, trees: typedTrees,
        partial: true)
      let highlighter = highlighter(analyzer, plan, tenant: tenant)
      return try read(ranked, limit: options.limit).map { candidate, stored in
        suggestion(
          from: stored, matchedLanguage: candidate.key.language, score: candidate.score,
          highlighter: highlighter, options: options, context: context)
      }
    }
    let filter = visibility(tenant: tenant, agent: options.agent, sources: options.sources, context: context)
    // A few more than asked: an item's language versions can take several places.
    let window = options.limit + 3
    var hits: [IndexHit] = []
    var seen = Set<UInt32>()
    func add(_ query: IndexQuery) throws {
      for hit in try visibleSearch(query, filter, limit: window, keeping: plan.keeping)
      where seen.insert(hit.docid).inserted {
        hits.append(hit)
      }
    }
    // Cheapest first: titles with every word, then contents with every word, the second only while fewer
    // than `limit` items were found.
    for (stage, tier) in [
      (SuggestStages.Stage.titleTier, IndexQuery.and(plan.titleQueries)), (.contentTier, .and(plan.fullQueries)),
    ]
    where Self.distinctItems(hits) < options.limit {
      try stages.measure(stage) { try add(withExactTitleBoost(tier, plan)) }
    }
    // Relax only when no item has every word: then any of the words, ranked by how many and how well.
    if hits.isEmpty && plan.fullQueries.count > 1 {
      for tier in [plan.relaxedTitleQueries, plan.relaxedFullQueries] where !tier.isEmpty {
        guard Self.distinctItems(hits) < options.limit else { break }
        try stages.measure(.relaxedTiers) { try add(withExactTitleBoost(.or(tier), plan)) }
      }
    }
    return try present(rescored(hits), plan: plan, analyzer: analyzer, options: options, context: context)
  }

  /// A highlighter for the tenant's shown texts, whose tokens are kept while the index's terms stay the same.
  func highlighter(_ analyzer: Analyzer, _ plan: QueryPlan, tenant: String) -> Highlighter {
    Highlighter(
      analyzer: analyzer, plan: plan, kept: (shownItems, tenant, readers.currentTermsGeneration))
  }

  /// `ranked` with the agent's quick replies whose title matches the typed text put first, at most
  /// `Typed.quickTitleStarts`: those whose title starts with it (or with its pinyin or initials: `#tk` for
  /// 退款流程), the most used first, then those with every typed word in the title; when no quick reply is
  /// among the first places by itself. `#` exists for the
  /// agent's own replies, and beside a large bot knowledge base they sink: hundreds of bot questions share 花呗
  /// with the quick reply titled 花呗分期 and outrank it on words alone. The rest keep their order.
  func quickRepliesFirst(
    _ ranked: [Suggestion], plan: QueryPlan, tenant: String, options: SuggestOptions, context: TenantContext
  ) throws -> [Suggestion] {
    let wanted = min(weights.typed.quickTitleStarts, options.limit)
    // Where quick replies hold some of the first places already they are not buried, and the queries below
    // (a fifth of a request at 100k items) are spared: they run for tenants whose other knowledge buries them.
    guard wanted > 0, options.sources.contains(.quick), !plan.whole.isEmpty,
      !ranked.prefix(wanted).contains(where: { $0.source == .quick })
    else { return ranked }
    let filter = visibility(tenant: tenant, agent: options.agent, sources: [.quick], context: context)
    let quick = IndexQuery.term(TermPrefix.source + KnowledgeSource.quick.rawValue)
    let hits = try stages.measure(.quickTitleStarts) { () -> [IndexHit] in
      var starts: [IndexHit] = []
      if let start = titleStartQuery(plan, context: context) {
        // Among themselves by usage and scope: their text score only says which key matched, so a window
        // wider than `wanted` is ordered, for the most used to be among them.
        starts = byUse(
          try visibleSearch(.filter(start, quick), filter, limit: Self.quickStartWindow, keeping: plan.keeping))
      }
      // Counted by item: an item's language versions are documents of their own.
      guard Self.distinctItems(starts) < wanted, !plan.titleQueries.isEmpty else { return starts }
      let seen = Set(starts.map(\.docid))
      let words = try search(
        filter.apply(to: .filter(.and(plan.titleQueries), quick)), limit: Self.quickStartWindow)
      return starts + rescored(words).filter { !seen.contains($0.docid) }
    }
    // Those the ranking already shows move up as they are; the others are read and highlighted.
    func key(_ source: KnowledgeSource, _ id: String) -> String { "\(source.rawValue)\u{1F}\(id)" }
    let shown = Dictionary(ranked.map { (key($0.source, $0.id), $0) }, uniquingKeysWith: { first, _ in first })
    var firstKeys: [String] = []
    var missing: [IndexHit] = []
    for hit in hits {
      guard let indexed = try? IndexedKey(data: hit.data) else { continue }
      let itemKey = key(indexed.source, indexed.id)
      guard !firstKeys.contains(itemKey) else { continue }  // another language version
      firstKeys.append(itemKey)
      if shown[itemKey] == nil { missing.append(hit) }
      if firstKeys.count == wanted { break }
    }
    guard !firstKeys.isEmpty else { return ranked }
    var read: [String: Suggestion] = [:]
    if !missing.isEmpty {
      var readOptions = options
      readOptions.limit = missing.count
      let analyzer = try analyzers.analyzer(for: tenant)
      for suggestion in try present(missing, plan: plan, analyzer: analyzer, options: readOptions, context: context) {
        read[key(suggestion.source, suggestion.id)] = suggestion
      }
    }
    let first = firstKeys.compactMap { shown[$0] ?? read[$0] }
    let rest = ranked.filter { !firstKeys.contains(key($0.source, $0.id)) }
    return Array((first + rest).prefix(options.limit))
  }

  /// How many quick replies `quickRepliesFirst` orders by use before keeping the first few.
  static let quickStartWindow = 30

  /// `hits` ordered by usage and scope alone (equal ones keep their order).
  private func byUse(_ hits: [IndexHit]) -> [IndexHit] {
    hits.enumerated().sorted { a, b in
      let (left, right) = (withSignals(a.element, text: 0), withSignals(b.element, text: 0))
      return left != right ? left > right : a.offset < b.offset
    }.map(\.element)
  }

  /// `text` plus the hit's usage and scope, weighed by `weights.signals`: what suggest ranks hits by.
  private func withSignals(_ hit: IndexHit, text: Double) -> Double {
    text + weights.signals.usage * hit.usage + weights.signals.scope * hit.scopeRank
  }

  /// Titles that start with the typed text, or (letters typed, pinyin on) whose pinyin or initials do.
  private func titleStartQuery(_ plan: QueryPlan, context: TenantContext) -> IndexQuery? {
    let whole = plan.whole
    var starts: [IndexQuery] = []
    if whole.count <= KnowledgeDocumentBuilder.titlePrefixLength {
      starts.append(.term(TermPrefix.titlePrefix + whole))
    }
    if context.settings.pinyinEnabled && isLetters(whole) && whole.count >= 2 {
      if whole.count <= KnowledgeDocumentBuilder.pinyinPrefixLength {
        starts.append(.term(TermPrefix.titleInitials + whole))
      }
      // The whole title's pinyin is indexed by its first two letters and whole: longer starts expand.
      starts.append(
        whole.count == 2
          ? .term(TermPrefix.titlePinyin + whole)
          : .prefix(TermPrefix.titlePinyin + whole, maxExpansion: weights.matching.maxPrefixExpansion))
    }
    return starts.isEmpty ? nil : starts.count == 1 ? starts[0] : .or(starts)
  }

  /// Text score plus usage and scope, best first; equal scores keep the tiers' order (a title match before a
  /// content match).
  func rescored(_ hits: [IndexHit]) -> [IndexHit] {
    hits.enumerated().sorted { a, b in
      let (left, right) = (
        withSignals(a.element, text: a.element.weight), withSignals(b.element, text: b.element.weight)
      )
      return left != right ? left > right : a.offset < b.offset
    }.map {
      var hit = $0.element
      hit.weight += weights.signals.usage * hit.usage + weights.signals.scope * hit.scopeRank
      return hit
    }
  }

  static func distinctItems(_ hits: [IndexHit]) -> Int {
    Set(hits.compactMap { try? IndexedKey(data: $0.data).itemKey }).count
  }

  private func withExactTitleBoost(_ query: IndexQuery, _ plan: QueryPlan) -> IndexQuery {
    guard !plan.exactTitlePrefixWeighed, !plan.whole.isEmpty,
      plan.whole.count <= KnowledgeDocumentBuilder.titlePrefixLength
    else { return query }
    return .andMaybe(query, .scaled(.term(TermPrefix.titlePrefix + plan.whole), by: weights.matching.exactTitlePrefix))
  }

  /// Right after `#`: the quick replies the agent may use, most used first (from the store's usage index).
  private func mostUsed(tenant: String, options: SuggestOptions, context: TenantContext) throws -> [Suggestion] {
    guard options.sources.contains(.quick) else { return [] }
    var scopes: [Scope] = [.company]
    if let agent = options.agent {
      scopes.append(.personal(agent))
      scopes += (context.agents[agent]?.groups ?? []).map { .group($0) }
    }
    let analyzer = try analyzers.analyzer(for: tenant)
    let highlighter = Highlighter(analyzer: analyzer, plan: QueryPlan())
    return try store.mostUsed(tenant: tenant, scopes: scopes, limit: options.limit).map { stored in
      suggestion(
        from: stored, matchedLanguage: nil, score: Double(stored.usageCount), highlighter: highlighter,
        options: options, context: context)
    }
  }

  func search(_ query: IndexQuery, limit: Int, b: Double? = nil) throws -> [IndexHit] {
    try readers.withReader { index in
      try index.search(query, limit: limit, k1: weights.bm25.k1, b: b ?? weights.bm25.b)
    }
  }

  /// `query` limited to what the agent may see (`filter`), the best `limit` hits.
  ///
  /// Unless `keeping` is `.never` (short typed text's queries, `QueryPlan.keeping`), the best hits among the
  /// documents every agent may see are kept while the index's terms stay the same (`SharedHits`), at once or
  /// when the query is asked again, and the agent's own restricted items are
  /// searched beside them: the same hits in the same order as the whole query, without walking its long
  /// posting lists again.
  func visibleSearch(
    _ query: IndexQuery, _ filter: Visibility, limit: Int, keeping: SharedHits.Keeping, b: Double? = nil
  ) throws -> [IndexHit] {
    guard keeping != .never && keepsSharedHits, limit <= SharedHits.depth else {
      return try search(filter.apply(to: query), limit: limit, b: b)
    }
    // Read before the reader catches up: hits kept from a reader that saw a later commit are tagged older
    // and found afresh next time, never the other way round.
    let generation = readers.currentTermsGeneration
    let shared = filter.everyones(query)
    let (k1, b) = (weights.bm25.k1, b ?? weights.bm25.b)
    let lookup = sharedHits.lookup(shared, b: b, generation: generation, limit: limit, keeping: keeping)
    guard lookup != .first else { return try search(filter.apply(to: query), limit: limit, b: b) }
    return try readers.withReader { index in
      var found: [UInt32: IndexHit] = [:]
      func sharedBest(afresh: Bool) throws -> [SharedHits.Hit] {
        if !afresh, case .kept(let kept) = lookup { return kept }
        let hits = try index.search(shared, limit: limit, k1: k1, b: b)
        sharedHits.keep(hits, asked: limit, for: shared, b: b, generation: generation)
        for hit in hits { found[hit.docid] = hit }
        return hits.map { SharedHits.Hit(docid: $0.docid, weight: $0.weight) }
      }
      var own: [SharedHits.Hit] = []
      if let agentsOwn = filter.agentsOwn(query) {
        for hit in try index.search(agentsOwn, limit: limit, k1: k1, b: b) {
          found[hit.docid] = hit
          own.append(SharedHits.Hit(docid: hit.docid, weight: hit.weight))
        }
      }
      var best = SharedHits.merged(try sharedBest(afresh: false), own, limit: limit)
      // The kept hits' data is read afresh: a pick since has changed their usage.
      for hit in try index.documents(best.map(\.docid).filter { found[$0] == nil }) { found[hit.docid] = hit }
      if !best.allSatisfy({ found[$0.docid] != nil }) {
        // A kept document is gone: a commit that raced this request rewrote or deleted it.
        best = SharedHits.merged(try sharedBest(afresh: true), own, limit: limit)
      }
      return best.map { kept in
        var hit = found[kept.docid]!
        hit.weight = kept.weight
        return hit
      }
    }
  }

  /// What every query is limited to: this tenant, enabled items, the asked sources, and what the agent may
  /// see (company items, its groups' and its own).
  ///
  /// Checking a candidate against a filter advances that filter's posting lists to it: requiring "company
  /// or mine" walked the company list, nearly every document, for each query (a fifth of suggest's time at
  /// 100k items). Instead the few documents a query must not return are excluded: disabled items, and the
  /// personal and group items (`TermPrefix.restricted`) that are not the agent's.
  struct Visibility {
    /// Documents must match this (the asked sources; the tenant when others share the index), when set.
    var required: IndexQuery?
    /// The agent's own scopes (its personal replies, its groups'), when it has any.
    var mine: IndexQuery?

    static let restricted = IndexQuery.term(TermPrefix.restricted)
    static let disabled = IndexQuery.term(TermPrefix.enabled + "0")

    /// Documents left out: disabled ones, and restricted ones that are not the agent's.
    var excluded: IndexQuery { .or([mine.map { .andNot(Self.restricted, $0) } ?? Self.restricted, Self.disabled]) }

    func apply(to query: IndexQuery) -> IndexQuery { .andNot(scoped(query), excluded) }

    /// `query` among the documents every agent may see (enabled company items).
    func everyones(_ query: IndexQuery) -> IndexQuery { .andNot(scoped(query), .or([Self.restricted, Self.disabled])) }

    /// `query` among the agent's own restricted items (every scope term but the company's is restricted).
    func agentsOwn(_ query: IndexQuery) -> IndexQuery? {
      mine.map { .andNot(.filter(scoped(query), $0), Self.disabled) }
    }

    private func scoped(_ query: IndexQuery) -> IndexQuery { required.map { .filter(query, $0) } ?? query }
  }

  func visibility(tenant: String, agent: String?, sources: Set<KnowledgeSource>, context: TenantContext) -> Visibility {
    var mine: [IndexQuery] = []
    if let agent {
      mine.append(.term(TermPrefix.scope + Scope.personal(agent).description))
      for group in context.agents[agent]?.groups ?? [] {
        mine.append(.term(TermPrefix.scope + Scope.group(group).description))
      }
    }
    var required: [IndexQuery] = []
    if sources.count < KnowledgeSource.allCases.count {  // all sources: nothing to check
      let sourceTerms = KnowledgeSource.allCases.filter(sources.contains).map {
        IndexQuery.term(TermPrefix.source + $0.rawValue)
      }
      required.append(.or(sourceTerms))
    }
    // The tenant's term is checked only when other tenants share the index: a filter that every document
    // passes still costs a look-up per candidate.
    if !((try? tenantOwnsIndex(tenant)) ?? false) { required.append(.term(TermPrefix.tenant + tenant)) }
    return Visibility(
      required: required.isEmpty ? nil : required.count == 1 ? required[0] : .and(required),
      mine: mine.isEmpty ? nil : .or(mine))
  }

  /// Cached until a commit changes terms (the answer changes only when documents come or go; picks, which
  /// only rewrite documents, do not change it).
  private func tenantOwnsIndex(_ tenant: String) throws -> Bool {
    let generation = readers.currentTermsGeneration
    if let cached = ownership.withLock({ $0.generation == generation ? $0.owners[tenant] : nil }) { return cached }
    let owns = try readers.withReader { index in
      try index.termFrequency(TermPrefix.tenant + tenant) == index.documentCount
    }
    ownership.withLock { state in
      if state.generation != generation { state = (generation, [:]) }
      state.owners[tenant] = owns
    }
    return owns
  }

  // MARK: Building the query

  /// `text`'s tokens and, when it has any, their query plan (the `analysis` stage).
  func analysed(_ text: String, options: AnalysisOptions, analyzer: Analyzer, context: TenantContext) throws
    -> (tokens: [Token], plan: QueryPlan?)
  {
    try stages.measure(.analysis) {
      let tokens = try analyzer.analyze(text, options: options)
      return (tokens, tokens.isEmpty ? nil : try plan(for: tokens, analyzer: analyzer, context: context))
    }
  }

  func plan(for tokens: [Token], analyzer: Analyzer, context: TenantContext) throws -> QueryPlan {
    var plan = QueryPlan()
    var seen = Set<String>()
    for token in tokens {
      plan.whole += token.term
      // A repeated word adds nothing but work.
      guard seen.insert(token.term + (token.isUnfinished ? "*" : "")).inserted else { continue }
      let queries =
        token.isUnfinished
        ? try prefixQuery(token, alone: tokens.count == 1, context: context, plan: &plan)
        : try wordQuery(token, context: context, plan: &plan)
      let (title, full) = (queries.title, queries.full)
      plan.titleQueries.append(title)
      plan.questionQueries.append(queries.questions)
      plan.questionTerms.append(token.isUnfinished || token.script != .han ? "" : token.term)
      plan.fullQueries.append(full)
      // In the relaxed (any word) tiers, a one-character unfinished word after others is the weakest
      // evidence and the longest posting list: it is left out there.
      let weak = token.isUnfinished && token.term.count == 1 && tokens.count > 1
      if !weak {
        plan.relaxedTitleQueries.append(title)
        plan.relaxedFullQueries.append(full)
      }
    }
    return plan
  }

  /// A finished word: its term (or its parts, or a synonym, or a typo's correction) in any text field.
  private func wordQuery(_ token: Token, context: TenantContext, plan: inout QueryPlan) throws -> TokenQueries {
    let term = token.term
    plan.match(term, as: .exact)
    var alternatives: [(term: String, weight: Double, kind: MatchKind)] = [(term, 1, .exact)]
    for synonym in context.synonyms[term] ?? [] {
      alternatives.append((synonym, weights.matching.synonym, .synonym))
      plan.match(synonym, as: .synonym)
    }
    if token.script == .latin, try !termOccurs(term),
      let corrected = try spellingCorrection(term, tenant: context.tenant)
    {
      alternatives.append((corrected, weights.matching.typo, .typo))
      plan.match(corrected, as: .typo)
    }
    var queries = TokenQueries()
    for (field, weight) in textFields {
      var options: [IndexQuery] = []
      for alternative in alternatives {
        let prefixed = field + alternative.term
        guard TermPrefix.fits(prefixed) else { continue }
        options.append(.scaled(.term(prefixed), by: alternative.weight))
      }
      if !token.parts.isEmpty {
        // 退款进度 typed whole also finds 退款的进度.
        options.append(
          .and(
            token.parts.map { part in
              return .term(field + part)
            }))
        for part in token.parts { plan.match(part, as: .exact) }
      }
      let query = IndexQuery.scaled(options.count == 1 ? options[0] : .or(options), by: weight)
      queries.add(query, in: field)
    }
    if token.script == .latin && context.settings.pinyinEnabled && isLetters(term) {
      // A whole pinyin word typed and finished with a space: tuikuan, tk.
      plan.pinyinPrefix = term
      queries.fields.append(.scaled(.term(TermPrefix.pinyin + term), by: weights.matching.pinyin))
      queries.fields.append(.scaled(.term(TermPrefix.initials + term), by: weights.matching.initials))
    }
    return queries
  }

  /// The unfinished last word: a prefix of title words (precomputed terms), of content words (a bounded
  /// wildcard), and of pinyin keys.
  private func prefixQuery(_ token: Token, alone: Bool, context: TenantContext, plan: inout QueryPlan) throws
    -> TokenQueries
  {
    let term = token.term
    plan.unfinished = term
    var queries = TokenQueries()
    if alone && term.count == 1 && token.script != .latin {
      // One character typed alone: titles that start with it (half the posting list of "any title word
      // starts with it", and what an agent typing one character is after). The term is also the tiers'
      // exact-title boost (`withExactTitleBoost`): weighed here with both weights, its posting list is walked
      // once instead of twice.
      queries.fields.append(
        .scaled(
          .term(TermPrefix.titlePrefix + term),
          by: weights.matching.titleWordPrefix + weights.matching.exactTitlePrefix))
      plan.exactTitlePrefixWeighed = true
    } else if term.count <= KnowledgeDocumentBuilder.wordPrefixLength {
      queries.fields.append(.scaled(.term(TermPrefix.titleWordPrefix + term), by: weights.matching.titleWordPrefix))
    } else {
      queries.fields.append(
        .scaled(
          .prefix(TermPrefix.title + term, maxExpansion: weights.matching.maxPrefixExpansion),
          by: weights.matching.titleWordPrefix)
      )
    }
    for (field, weight) in textFields {
      queries.add(.scaled(.term(field + term), by: weight), in: field)
    }
    let longEnough = token.script == .latin ? term.count >= 3 : term.count >= 2
    if longEnough {
      for field in [TermPrefix.body, TermPrefix.similar] {
        queries.add(
          .scaled(
            .prefix(field + term, maxExpansion: weights.matching.maxPrefixExpansion), by: weights.matching.bodyPrefix),
          in: field)
      }
    }
    if token.script == .latin && context.settings.pinyinEnabled && isLetters(term) {
      plan.pinyinPrefix = term
      // One letter starts half of all syllables: only the title's first initial is worth matching (and it
      // keeps four huge posting lists out of the query). From two letters on, every word's keys count.
      if term.count > 1 {
        // Two letters are indexed as such; from three on, a wildcard over the whole keys (see the builder).
        func pinyin(_ prefix: String) -> IndexQuery {
          term.count == 2
            ? .term(prefix + term) : .prefix(prefix + term, maxExpansion: weights.matching.maxPrefixExpansion)
        }
        queries.fields.append(.scaled(pinyin(TermPrefix.pinyin), by: weights.matching.pinyin))
        queries.fields.append(.scaled(.term(TermPrefix.initials + term), by: weights.matching.initials))
        // Typed across words (tuikuanliu), or the title's start: the whole title's keys.
        queries.fields.append(
          .scaled(pinyin(TermPrefix.titlePinyin), by: weights.matching.pinyin * weights.matching.titlePinyinStart))
      }
      queries.fields.append(
        .scaled(
          .term(TermPrefix.titleInitials + term), by: weights.matching.initials * weights.matching.titlePinyinStart))
    }
    if token.script == .latin && term.count >= 4, try !prefixOccurs(term),
      let corrected = try spellingCorrection(term, tenant: context.tenant)
    {
      // Nothing starts with what was typed: it is probably a typo (pasword).
      plan.match(corrected, as: .typo)
      for (field, weight) in textFields {
        let query = IndexQuery.scaled(.term(field + corrected), by: weight * weights.matching.typo)
        queries.add(query, in: field)
      }
    }
    return queries
  }

  /// One token's query over titles (with tags and pinyin keys), over those and similar questions, and over
  /// every text field.
  struct TokenQueries {

    /// Queries on titles, tags and pinyin keys; on similar questions; on bodies.
    var fields: [IndexQuery] = []
    var similar: [IndexQuery] = []
    var bodies: [IndexQuery] = []

    var title: IndexQuery { .or(fields) }
    var questions: IndexQuery { .or(fields + similar) }
    var full: IndexQuery { .or(fields + similar + bodies) }

    mutating func add(_ query: IndexQuery, in field: String) {
      switch field {
      case TermPrefix.body: bodies.append(query)
      case TermPrefix.similar: similar.append(query)
      default: fields.append(query)
      }
    }
  }

  /// Fields searched only in the contents tier: bodies, and the similar questions (phrasings customers use,
  /// which smart reply needs; an agent typing after `#` looks for shortcuts and standard questions).
  static let contentFields: Set<String> = [TermPrefix.body, TermPrefix.similar]

  private var textFields: [(String, Double)] {
    [
      (TermPrefix.title, weights.fields.title), (TermPrefix.similar, weights.fields.similar),
      (TermPrefix.body, weights.fields.body),
      (TermPrefix.tag, weights.fields.tags),
    ]
  }

  private func isLetters(_ term: String) -> Bool {
    !term.isEmpty && term.utf8.allSatisfy { (0x61...0x7A).contains($0) }
  }

  private func termOccurs(_ term: String) throws -> Bool {
    try readers.withReader { index in
      for (field, _) in textFields where try index.termFrequency(field + term) > 0 { return true }
      return false
    }
  }

  /// Whether anything in the index starts with `term`: title words, content words, pinyin or initials.
  private func prefixOccurs(_ term: String) throws -> Bool {
    try readers.withReader { index in
      for prefix in [
        TermPrefix.title, TermPrefix.body, TermPrefix.pinyin, TermPrefix.initials, TermPrefix.titlePinyin,
        TermPrefix.titleInitials,
      ]
      where try index.hasPrefix(prefix + term) {
        return true
      }
      return false
    }
  }

  /// The tenant's word closest to a Latin word no item holds (a typo), if any is close enough.
  func spellingCorrection(_ term: String, tenant: String) throws -> String? {
    guard term.count >= 4 else { return nil }
    let generation = readers.currentTermsGeneration
    let vocabulary = try spelling.vocabulary(tenant: tenant, generation: generation) { [readers] in
      try readers.withReader { index in
        try index.prefixTerms(TermPrefix.spelling(tenant: tenant), maxTerms: SpellingVocabulary.maxWords)
          .map(SpellingVocabulary.init(frequencies:))
      }
    }
    return vocabulary?.correction(for: term, maxEditDistance: 2)
  }
}
