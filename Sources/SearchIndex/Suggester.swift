import Foundation
import Knowledge
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
  private let tenantCache = Mutex<[String: TenantContext]>([:])

  /// What a tenant's queries need from the store, cached until `forget(tenant:)`.
  struct TenantContext {
    var settings: TenantSettings
    var synonyms: [String: [String]]
    var agents: [String: Agent]
  }

  init(readers: IndexReaderPool, store: KnowledgeStore, analyzers: TenantAnalyzers, weights: RankingWeights) {
    self.readers = readers
    self.store = store
    self.analyzers = analyzers
    self.weights = weights
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
    let context = TenantContext(settings: try store.settings(tenant: tenant), synonyms: synonyms, agents: agents)
    tenantCache.withLock { $0[tenant] = context }
    return context
  }

  // MARK: Suggest

  /// Suggestions for `text` (what follows `#`, or the whole input when suggesting as the agent types).
  public func suggest(_ text: String, tenant: String, options: SuggestOptions = SuggestOptions()) throws -> [Suggestion]
  {
    let context = try context(tenant)
    let analyzer = try analyzers.analyzer(for: tenant)
    let tokens = try analyzer.analyze(text, options: .typedQuery)
    let filter = visibility(tenant: tenant, agent: options.agent, sources: options.sources, context: context)
    let fetch = options.limit * 3 + 5  // language variants of one item come back as separate hits

    guard !tokens.isEmpty else {
      // Right after `#`: the agent's most used (then most recent) quick replies.
      let query = IndexQuery.filter(
        .andMaybe(
          .scaled(.matchAll, by: 0),
          .or([.valueWeight(slot: ValueSlot.usage), .scaled(.valueWeight(slot: ValueSlot.scopeRank), by: 0.01)])),
        filter)
      let hits = try search(query, limit: fetch)
      return try present(hits, plan: QueryPlan(), analyzer: analyzer, options: options, context: context)
    }

    let plan = try plan(for: tokens, analyzer: analyzer, context: context)
    let boosts = boostQuery(plan)
    var hits = try search(.filter(.andMaybe(.and(plan.tokenQueries), boosts), filter), limit: fetch)
    if hits.count < fetch && plan.tokenQueries.count > 1 {
      // Relax: any of the words, ranked by how many and how well they match.
      let seen = Set(hits.map(\.docid))
      let relaxed = try search(.filter(.andMaybe(.or(plan.tokenQueries), boosts), filter), limit: fetch)
      hits += relaxed.filter { !seen.contains($0.docid) }
    }
    return try present(hits, plan: plan, analyzer: analyzer, options: options, context: context)
  }

  func search(_ query: IndexQuery, limit: Int) throws -> [IndexHit] {
    try readers.withReader { index in
      try index.search(query, limit: limit, k1: weights.k1, b: weights.b, matchingTerms: true)
    }
  }

  /// The filter every query carries: this tenant, enabled, the asked sources, and what the agent may see.
  func visibility(tenant: String, agent: String?, sources: Set<KnowledgeSource>, context: TenantContext) -> IndexQuery {
    var scopes: [IndexQuery] = [.term(TermPrefix.scope + Scope.company.description)]
    if let agent {
      scopes.append(.term(TermPrefix.scope + Scope.personal(agent).description))
      for group in context.agents[agent]?.groups ?? [] {
        scopes.append(.term(TermPrefix.scope + Scope.group(group).description))
      }
    }
    let sourceTerms = KnowledgeSource.allCases.filter(sources.contains).map {
      IndexQuery.term(TermPrefix.source + $0.rawValue)
    }
    return .and([.term(TermPrefix.tenant + tenant), .term(TermPrefix.enabled + "1"), .or(scopes), .or(sourceTerms)])
  }

  private func boostQuery(_ plan: QueryPlan) -> IndexQuery {
    var boosts: [IndexQuery] = [
      .scaled(.valueWeight(slot: ValueSlot.usage), by: weights.usage),
      .scaled(.valueWeight(slot: ValueSlot.scopeRank), by: weights.scope),
    ]
    if !plan.whole.isEmpty && plan.whole.count <= KnowledgeDocumentBuilder.titlePrefixLength {
      boosts.append(.scaled(.term(TermPrefix.titlePrefix + plan.whole), by: weights.exactTitlePrefix))
    }
    return .or(boosts)
  }

  // MARK: Building the query

  func plan(for tokens: [Token], analyzer: Analyzer, context: TenantContext) throws -> QueryPlan {
    var plan = QueryPlan()
    let pinyinEnabled = context.settings.pinyinEnabled
    for token in tokens {
      plan.whole += token.term
      if token.isUnfinished {
        plan.tokenQueries.append(try prefixQuery(token, pinyinEnabled: pinyinEnabled, plan: &plan))
      } else {
        plan.tokenQueries.append(try wordQuery(token, context: context, plan: &plan))
      }
    }
    return plan
  }

  /// A finished word: its term (or its parts, or a synonym, or a typo's correction) in any text field.
  private func wordQuery(_ token: Token, context: TenantContext, plan: inout QueryPlan) throws -> IndexQuery {
    let term = token.term
    plan.highlightTerms.insert(term)
    var alternatives: [(term: String, weight: Double, kind: MatchKind)] = [(term, 1, .exact)]
    for synonym in context.synonyms[term] ?? [] {
      alternatives.append((synonym, weights.synonym, .synonym))
      plan.highlightTerms.insert(synonym)
    }
    if token.script == .latin, try !termOccurs(term), let corrected = try spellingCorrection(term) {
      alternatives.append((corrected, weights.typo, .typo))
      plan.highlightTerms.insert(corrected)
    }
    var fieldQueries: [IndexQuery] = []
    for (field, weight) in textFields {
      var options: [IndexQuery] = []
      for alternative in alternatives {
        let prefixed = field + alternative.term
        guard TermPrefix.fits(prefixed) else { continue }
        plan.note(prefixed, field: field, kind: alternative.kind)
        options.append(.scaled(.term(prefixed), by: alternative.weight))
      }
      if !token.parts.isEmpty {
        // 退款进度 typed whole also finds 退款的进度.
        options.append(
          .and(
            token.parts.map { part in
              plan.note(field + part, field: field, kind: .exact)
              return .term(field + part)
            }))
        plan.highlightTerms.formUnion(token.parts)
      }
      fieldQueries.append(.scaled(options.count == 1 ? options[0] : .or(options), by: weight))
    }
    if token.script == .latin && context.settings.pinyinEnabled && isLetters(term) {
      // A whole pinyin word typed and finished with a space: tuikuan, tk.
      plan.note(TermPrefix.pinyin + term, field: TermPrefix.pinyin, kind: .pinyin)
      plan.note(TermPrefix.initials + term, field: TermPrefix.initials, kind: .initials)
      fieldQueries.append(.scaled(.term(TermPrefix.pinyin + term), by: weights.pinyin))
      fieldQueries.append(.scaled(.term(TermPrefix.initials + term), by: weights.initials))
    }
    return .or(fieldQueries)
  }

  /// The unfinished last word: a prefix of title words (precomputed terms), of content words (a bounded
  /// wildcard), and of pinyin keys.
  private func prefixQuery(_ token: Token, pinyinEnabled: Bool, plan: inout QueryPlan) throws -> IndexQuery {
    let term = token.term
    plan.unfinished = term
    var options: [IndexQuery] = []
    if term.count <= KnowledgeDocumentBuilder.wordPrefixLength {
      plan.note(TermPrefix.titleWordPrefix + term, field: TermPrefix.titleWordPrefix, kind: .prefix)
      options.append(.scaled(.term(TermPrefix.titleWordPrefix + term), by: weights.titleWordPrefix))
    } else {
      options.append(
        .scaled(.prefix(TermPrefix.title + term, maxExpansion: weights.maxPrefixExpansion), by: weights.titleWordPrefix)
      )
    }
    for (field, weight) in textFields {
      plan.note(field + term, field: field, kind: .exact)
      options.append(.scaled(.term(field + term), by: weight))
    }
    let longEnough = token.script == .latin ? term.count >= 3 : term.count >= 2
    if longEnough {
      for field in [TermPrefix.body, TermPrefix.similar] {
        options.append(
          .scaled(.prefix(field + term, maxExpansion: weights.maxPrefixExpansion), by: weights.bodyPrefix))
      }
    }
    if token.script == .latin && pinyinEnabled && isLetters(term) {
      plan.pinyinPrefix = term
      plan.note(TermPrefix.pinyin + term, field: TermPrefix.pinyin, kind: .pinyin)
      plan.note(TermPrefix.initials + term, field: TermPrefix.initials, kind: .initials)
      plan.note(TermPrefix.titlePinyin + term, field: TermPrefix.titlePinyin, kind: .pinyin)
      plan.note(TermPrefix.titleInitials + term, field: TermPrefix.titleInitials, kind: .initials)
      options.append(.scaled(.term(TermPrefix.pinyin + term), by: weights.pinyin))
      options.append(.scaled(.term(TermPrefix.initials + term), by: weights.initials))
      // Typed across words (tuikuanliu), or the title's start: the whole title's keys.
      options.append(.scaled(.term(TermPrefix.titlePinyin + term), by: weights.pinyin * weights.titlePinyinStart))
      options.append(.scaled(.term(TermPrefix.titleInitials + term), by: weights.initials * weights.titlePinyinStart))
    }
    if token.script == .latin && term.count >= 4, try !prefixOccurs(term), let corrected = try spellingCorrection(term)
    {
      // Nothing starts with what was typed: it is probably a typo (pasword).
      plan.highlightTerms.insert(corrected)
      for (field, weight) in textFields {
        plan.note(field + corrected, field: field, kind: .typo)
        options.append(.scaled(.term(field + corrected), by: weight * weights.typo))
      }
    }
    return .or(options)
  }

  private var textFields: [(String, Double)] {
    [
      (TermPrefix.title, weights.title), (TermPrefix.similar, weights.similar), (TermPrefix.body, weights.body),
      (TermPrefix.tag, weights.tags),
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

  private func prefixOccurs(_ term: String) throws -> Bool {
    if try termOccurs(term) { return true }
    guard term.count <= KnowledgeDocumentBuilder.wordPrefixLength else { return false }
    return try readers.withReader { index in
      for prefix in [
        TermPrefix.titleWordPrefix, TermPrefix.pinyin, TermPrefix.initials, TermPrefix.titlePinyin,
        TermPrefix.titleInitials,
      ]
      where try index.termFrequency(prefix + term) > 0 {
        return true
      }
      return false
    }
  }

  private func spellingCorrection(_ term: String) throws -> String? {
    guard term.count >= 4 else { return nil }
    return try readers.withReader { index in try index.spellingSuggestion(for: term, maxEditDistance: 2) }
  }
}
