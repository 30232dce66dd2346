import Index
import Knowledge

/// What a suggestion request asks for beyond its text.
public struct SuggestOptions: Sendable, Hashable {
  /// The agent typing: it sees company items, its groups' and its own personal replies.
  public var agent: String?
  public var limit: Int
  public var sources: Set<KnowledgeSource>
  /// The agent's or the conversation's language; suggestions show that version when an item has it.
  public var language: String?

  public init(
    agent: String? = nil, limit: Int = 5, sources: Set<KnowledgeSource> = Set(KnowledgeSource.allCases),
    language: String? = nil
  ) {
    self.agent = agent
    self.limit = limit
    self.sources = sources
    self.language = language
  }
}
