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
  /// The question models to rank by instead of the tenant's choice (`TenantSettings.wholeRanking`,
  /// `typedRanking`), and the word evidence instead of the tenant's learned evidence (`[:]`: none): what
  /// `replykit learn` compares on the tenant's judged questions before it chooses.
  public var ranking: RankingChoice?
  public var wordEvidence: [String: WordEvidence]?

  public init(
    agent: String? = nil, limit: Int = 5, sources: Set<KnowledgeSource> = Set(KnowledgeSource.allCases),
    language: String? = nil, ranking: RankingChoice? = nil
  ) {
    self.agent = agent
    self.limit = limit
    self.sources = sources
    self.language = language
    self.ranking = ranking
  }
}
