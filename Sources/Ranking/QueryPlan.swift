import Index
import Knowledge
import TextAnalysis

/// The index query for typed or whole text, and what each of its terms stands for (to explain matches).
struct QueryPlan {
  /// One query per token over titles, questions, tags and the precomputed prefix terms.
  var titleQueries: [IndexQuery] = []
  /// The same with similar questions too (what typed text's question model compares; no bodies).
  var questionQueries: [IndexQuery] = []
  /// The Han word each of `questionQueries` asks for (empty for other words and the unfinished one).
  var questionTerms: [String] = []
  /// The same with contents (bodies) too.
  var fullQueries: [IndexQuery] = []
  /// The queries the relaxed (any word) tiers use: without a one-character unfinished word after others.
  var relaxedTitleQueries: [IndexQuery] = []
  var relaxedFullQueries: [IndexQuery] = []
  /// Folded terms that count as matched, and how (the typed word, a synonym, a typo's correction).
  var termKinds: [String: MatchKind] = [:]
  /// The unfinished last word, which matches as a prefix.
  var unfinished: String?
  /// The unfinished word, when it is Latin letters that may be pinyin or initials.
  var pinyinPrefix: String?
  /// The whole typed text, folded and without spaces (the exact title prefix).
  var whole = ""
  /// The queries weigh the exact title prefix already (one character typed alone), so the tiers need not
  /// add it again.
  var exactTitlePrefixWeighed = false

  /// Whether the shared best hits of this text's queries are kept (`SharedHits`). A character or two walks
  /// the longest posting lists and is typed again and again: kept at once. Three or four (a common word and
  /// the start of the next, often) are kept when asked again: most are asked once.
  var keeping: SharedHits.Keeping {
    switch whole.count {
    case 0: .never
    case 1...2: .atOnce
    case 3...4: .whenAskedAgain
    default: .never
    }
  }

  mutating func match(_ term: String, as kind: MatchKind) {
    if let existing = termKinds[term], existing <= kind { return }
    termKinds[term] = kind
  }
}

extension MatchReason: Comparable {
  public static func < (a: MatchReason, b: MatchReason) -> Bool { (a.kind, a.field) < (b.kind, b.field) }
}
