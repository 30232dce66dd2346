import Foundation
import Knowledge
import TextAnalysis

extension Suggester {
  /// Turns hits into suggestions: one per item (its language versions are separate documents), in the
  /// version the agent reads, explained and highlighted.
  func present(
    _ hits: [IndexHit], plan: QueryPlan, analyzer: Analyzer, options: SuggestOptions, context: TenantContext
  ) throws -> [Suggestion] {
    let decoder = JSONDecoder()
    var seen = Set<String>()
    var suggestions: [Suggestion] = []
    let highlighter = Highlighter(analyzer: analyzer, plan: plan)
    for hit in hits {
      let indexed = try decoder.decode(IndexedItem.self, from: hit.data)
      let key = indexed.source.rawValue + "\u{1F}" + indexed.id
      guard seen.insert(key).inserted else { continue }
      let (language, version) = Self.version(of: indexed, preferring: options.language, context: context)
      let (snippet, snippetHighlights) = highlighter.snippet(of: version.body)
      suggestions.append(
        Suggestion(
          id: indexed.id, source: indexed.source, language: language == "-" ? nil : language, title: version.title,
          titleHighlights: highlighter.highlights(in: version.title), snippet: snippet,
          snippetHighlights: snippetHighlights, content: version.body, scope: indexed.scope, folder: indexed.folder,
          score: hit.weight, matched: plan.reasons(for: hit.matchingTerms)))
      if suggestions.count == options.limit { break }
    }
    return suggestions
  }

  /// The version to show: the asked language, else the tenant's default, else the version that matched.
  static func version(of item: IndexedItem, preferring language: String?, context: TenantContext)
    -> (String, KnowledgeVariant)
  {
    let matched = item.language ?? "-"
    for candidate in [language, context.settings.defaultLanguage].compactMap({ $0 }) {
      if let version = item.versions[candidate] { return (candidate, version) }
      if candidate == context.settings.defaultLanguage, let version = item.versions["-"] { return ("-", version) }
    }
    return (
      matched, item.versions[matched] ?? KnowledgeVariant(title: item.title, similar: item.similar, body: item.body)
    )
  }
}
