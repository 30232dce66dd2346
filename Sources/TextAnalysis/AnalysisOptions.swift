/// How one piece of text is analysed.
public struct AnalysisOptions: Sendable, Hashable {
  /// Compute toneless pinyin and initials keys for Han words.
  public var pinyinKeys: Bool
  /// The text is being typed (a query after `#`): its last token may be unfinished.
  public var partial: Bool

  public init(pinyinKeys: Bool = true, partial: Bool = false) {
    self.pinyinKeys = pinyinKeys
    self.partial = partial
  }

  /// Stored text: quick replies, questions, articles.
  public static let document = AnalysisOptions()
  /// Text an agent is still typing.
  public static let typedQuery = AnalysisOptions(partial: true)
}
