import Foundation
import Index
import Knowledge
import TextAnalysis

extension Suggester {
  /// A hit resolved to its item: the first (best) document of each item, with the item from the store.
  struct ResolvedHit {
    var key: IndexedKey
    var weight: Double
    var stored: StoredKnowledge
  }

  /// One hit per item (its language versions are separate documents), best first, at most `limit`, with
  /// the items read from the store in one go.
  func resolve(_ hits: [IndexHit], limit: Int) throws -> [ResolvedHit] {
    var seen = Set<String>()
    var chosen: [(IndexedKey, IndexHit)] = []
    for hit in hits {
      let key = try IndexedKey(data: hit.data)
      guard seen.insert(key.itemKey).inserted else { continue }
      chosen.append((key, hit))
      if chosen.count == limit { break }
    }
    let byKey = try storedItems(chosen.map(\.0))
    // An item deleted since the index last caught up is left out.
    return chosen.compactMap { key, hit in
      byKey[key.itemKey].map { ResolvedHit(key: key, weight: hit.weight, stored: $0) }
    }
  }

  /// The store's items for `keys`, by `IndexedKey.itemKey`, read in one go (an item deleted since the index
  /// last caught up is missing).
  func storedItems(_ keys: [IndexedKey]) throws -> [String: StoredKnowledge] {
    let generation = readers.currentTermsGeneration
    return try stages.measure(.storeRead) {
      try shownItems.items(keys, generation: generation) { missing in
        try store.items(keys: missing.map { ($0.tenant, $0.source, $0.id) })
      }
    }
  }

  /// Turns hits into suggestions in the version the agent reads, explained and highlighted.
  func present(
    _ hits: [IndexHit], plan: QueryPlan, analyzer: Analyzer, options: SuggestOptions, context: TenantContext
  ) throws -> [Suggestion] {
    let highlighter = highlighter(analyzer, plan, tenant: context.tenant)
    return try resolve(hits, limit: options.limit).map { hit in
      suggestion(
        from: hit.stored, matchedLanguage: hit.key.language, score: hit.weight, highlighter: highlighter,
        options: options, context: context)
    }
  }

  /// A suggestion for a stored item: the version the agent reads, its matched words marked, and why it
  /// matched (found by analysing the shown texts again, which also explains prefix expansions).
  func suggestion(
    from stored: StoredKnowledge, matchedLanguage: String?, score: Double, highlighter: Highlighter,
    options: SuggestOptions, context: TenantContext, explainSimilar: Bool = false
  ) -> Suggestion {
    stages.measure(.highlighting) {
      shown(
        stored, matchedLanguage: matchedLanguage, score: score, highlighter: highlighter, options: options,
        context: context, explainSimilar: explainSimilar)
    }
  }

  private func shown(
    _ stored: StoredKnowledge, matchedLanguage: String?, score: Double, highlighter: Highlighter,
    options: SuggestOptions, context: TenantContext, explainSimilar: Bool
  ) -> Suggestion {
    let item = stored.item
    let (language, version) = Self.version(
      of: item, matched: matchedLanguage, preferring: options.language, context: context)
    let title = highlighter.matches(in: version.title)
    let (snippet, snippetHighlights, contentKinds) = highlighter.snippet(of: version.body)
    var reasons = Set(title.kinds.map { MatchReason(field: "title", kind: $0) })
    reasons.formUnion(contentKinds.map { MatchReason(field: "content", kind: $0) })
    // Similar questions are customers' phrasings: they explain smart replies, not what an agent typed.
    for question in explainSimilar ? version.similar : [] {
      reasons.formUnion(
        highlighter.matches(in: question, pinyin: false).kinds.map { MatchReason(field: "similar", kind: $0) })
    }
    return Suggestion(
      id: item.id, source: item.source, language: language, title: version.title,
      titleHighlights: title.highlights, snippet: snippet, snippetHighlights: snippetHighlights,
      content: version.body, scope: item.scope, folder: item.folder, score: score, matched: reasons.sorted())
  }

  /// The version to show: the asked language, else the tenant's default, else the version that matched.
  /// An item without a language is in the tenant's default.
  static func version(
    of item: KnowledgeItem, matched: String?, preferring language: String?, context: TenantContext
  ) -> (String?, KnowledgeVariant) {
    let base = KnowledgeVariant(title: item.title, similar: item.similar, body: item.body)
    let baseLanguage = item.language ?? context.settings.defaultLanguage
    for candidate in [language, context.settings.defaultLanguage].compactMap({ $0 }) {
      if candidate == baseLanguage { return (item.language, base) }
      if let variant = item.variants[candidate] { return (candidate, variant) }
    }
    if let matched, let variant = item.variants[matched] { return (matched, variant) }
    return (item.language, base)
  }
}
