import Index
import Knowledge

/// How a suggestion matched the input.
public enum MatchKind: String, Codable, Hashable, Sendable, Comparable {
  case exact, prefix, pinyin, initials, typo, synonym

  public static func < (a: MatchKind, b: MatchKind) -> Bool { a.order < b.order }
  private var order: Int { [.exact, .prefix, .synonym, .typo, .pinyin, .initials].firstIndex(of: self)! }
}

/// Which field matched, and how.
public struct MatchReason: Codable, Hashable, Sendable {
  public var field: String
  public var kind: MatchKind
}

/// A span of a shown text that matched, in UTF-16 offsets of that text.
public struct Highlight: Codable, Hashable, Sendable {
  public var start: Int
  public var end: Int
}

/// One suggestion for the agent.
public struct Suggestion: Codable, Hashable, Sendable {
  /// The id the item was imported or created with.
  public var id: String
  public var source: KnowledgeSource
  /// The language of the version shown (the agent's or conversation's when the item has it).
  public var language: String?
  /// The title: the quick reply's shortcut, the bot's standard question, the article's title.
  public var title: String
  public var titleHighlights: [Highlight]
  /// A piece of the content around the first match, with the matches marked.
  public var snippet: String
  public var snippetHighlights: [Highlight]
  /// The full content (quick reply text, bot answer, article body).
  public var content: String
  public var scope: Scope
  public var folder: String?
  public var score: Double
  public var matched: [MatchReason]
}

/// Smart replies for a customer message.
public struct SmartReplyResult: Codable, Hashable, Sendable {
  public struct Answer: Codable, Hashable, Sendable {
    public var suggestion: Suggestion
    /// 0 to 1: near 1 the customer asked (almost) exactly this question; low values are weak matches.
    public var confidence: Double
    /// The stored question (standard or similar) closest to the message.
    public var matchedQuestion: String
    /// The word overlap with that question (the mean of the word and character-pair Dice overlaps, 1 for the
    /// same text), and its lead over the best of the first ten other candidates': what a tenant's fitted
    /// confidence (`TenantSettings.confidence`) is a function of.
    public var overlap: Double
    public var margin: Double

    public init(
      suggestion: Suggestion, confidence: Double, matchedQuestion: String, overlap: Double = 0, margin: Double = 0
    ) {
      self.suggestion = suggestion
      self.confidence = confidence
      self.matchedQuestion = matchedQuestion
      self.overlap = overlap
      self.margin = margin
    }

    // Smart replies stored with a message before `overlap` and `margin` existed decode with 0 for them.
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      suggestion = try container.decode(Suggestion.self, forKey: .suggestion)
      confidence = try container.decode(Double.self, forKey: .confidence)
      matchedQuestion = try container.decode(String.self, forKey: .matchedQuestion)
      overlap = try container.decodeIfPresent(Double.self, forKey: .overlap) ?? 0
      margin = try container.decodeIfPresent(Double.self, forKey: .margin) ?? 0
    }
  }

  public var answers: [Answer]
  /// True when nothing is close enough to propose.
  public var noGoodAnswer: Bool
}
