import Knowledge
import TextAnalysis

/// The index query for typed or whole text, and what each of its terms stands for (to explain matches).
struct QueryPlan {
  var tokenQueries: [IndexQuery] = []
  /// Query term -> why a document holding it matched.
  var reasons: [String: MatchReason] = [:]
  /// Terms (folded) whose tokens count as matched when highlighting.
  var highlightTerms = Set<String>()
  /// The unfinished last word, which matches as a prefix.
  var unfinished: String?
  /// The unfinished word, when it is Latin letters that may be pinyin or initials.
  var pinyinPrefix: String?
  /// The whole typed text, folded and without spaces (the exact title prefix).
  var whole = ""

  static let fieldNames: [String: String] = [
    TermPrefix.title: "title", TermPrefix.similar: "similar", TermPrefix.body: "content", TermPrefix.tag: "tags",
    TermPrefix.titleWordPrefix: "title", TermPrefix.titlePrefix: "title", TermPrefix.pinyin: "title",
    TermPrefix.initials: "title", TermPrefix.titlePinyin: "title", TermPrefix.titleInitials: "title",
  ]

  mutating func note(_ term: String, field: String, kind: MatchKind) {
    reasons[term] = MatchReason(field: Self.fieldNames[field] ?? field, kind: kind)
  }

  /// Why a hit matched, from the query terms Xapian says it holds (prefix expansions are not listed by
  /// Xapian 1.4: a hit with no listed term matched through one, in the content).
  func reasons(for matchingTerms: [String]) -> [MatchReason] {
    var found = Set<MatchReason>()
    for term in matchingTerms { if let reason = reasons[term] { found.insert(reason) } }
    if found.isEmpty && unfinished != nil { found.insert(MatchReason(field: "content", kind: .prefix)) }
    return found.sorted { ($0.kind, $0.field) < ($1.kind, $1.field) }
  }
}

extension MatchReason: Comparable {
  public static func < (a: MatchReason, b: MatchReason) -> Bool { (a.kind, a.field) < (b.kind, b.field) }
}
