import Foundation
import Sessions
import TextAnalysis

/// The history search: messages are found by the tenant analyzer's terms, through the session store's FTS5
/// table.
extension Workbench {
  /// Ended sessions whose messages have every word of `text` (the last may be unfinished), within `filters`
  /// (`filters.match` is set from `text`). Text with no searchable word finds nothing; blank text, everything.
  public func searchHistory(_ text: String, filters: HistoryQuery, tenant: String) throws -> SessionPage {
    var query = filters
    query.match = try historyMatch(text, tenant: tenant)
    if !text.trimmingCharacters(in: .whitespaces).isEmpty && query.match == nil {
      return SessionPage(sessions: [], total: 0)
    }
    return try sessions.history(query, tenant: tenant)
  }

  /// The words the history search finds a message by: the tenant analyzer's terms (and compounds' parts).
  public func searchTerms(_ text: String, tenant: String) throws -> String {
    let tokens = try engine.analyzer(for: tenant).analyze(text, options: AnalysisOptions(pinyinKeys: false))
    var terms: [String] = []
    for token in tokens {
      terms.append(token.term)
      terms += token.parts
    }
    return terms.map(Self.ftsSafe).joined(separator: " ")
  }

  /// An FTS5 match expression that finds messages with every word of `query` (the last may be unfinished).
  func historyMatch(_ query: String, tenant: String) throws -> String? {
    let tokens = try engine.analyzer(for: tenant).analyze(query, options: AnalysisOptions(pinyinKeys: false))
    let terms = tokens.map { token -> String in
      let quoted = "\"" + Self.ftsSafe(token.term).replacingOccurrences(of: "\"", with: "\"\"") + "\""
      return token.isUnfinished ? quoted + "*" : quoted
    }
    return terms.isEmpty ? nil : terms.joined(separator: " AND ")
  }

  /// unicode61 splits on punctuation inside a term; spaces are the only separators the analyzer's terms need.
  private static func ftsSafe(_ term: String) -> String {
    term.replacingOccurrences(of: " ", with: "_")
  }
}
