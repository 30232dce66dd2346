/// Every weight of the ranking in one value, so that evaluation can compare settings side by side.
public struct RankingWeights: Codable, Hashable, Sendable {
  /// BM25 parameters (term frequency saturation, length normalisation).
  public var k1 = 1.2
  public var b = 0.6
  /// Field weights: a title or shortcut and the questions weigh more than bodies.
  public var title = 3.0
  public var similar = 2.0
  public var body = 1.0
  public var tags = 1.5
  /// A match of the typed prefix on a title word.
  public var titleWordPrefix = 2.5
  /// The whole typed text is the start of the title.
  public var exactTitlePrefix = 4.0
  /// Pinyin and initials matches rank below matches on the characters themselves (景点 / 经典).
  public var pinyin = 0.8
  public var initials = 0.6
  /// The typed pinyin or initials are the start of the whole title (on top of the word match).
  public var titlePinyinStart = 0.8
  /// Prefix expansion in bodies.
  public var bodyPrefix = 0.5
  /// A typo-corrected or synonym term, relative to the term typed.
  public var typo = 0.6
  public var synonym = 0.8
  /// Usage: log(1 + picks) decayed by age, times this.
  public var usage = 0.6
  /// Personal > group > company among equals.
  public var scope = 0.02
  /// Wildcard expansion limit for body prefixes (the most frequent terms are kept).
  public var maxPrefixExpansion: UInt32 = 30
  /// Smart reply: below this confidence there is no good answer.
  public var minimumConfidence = 0.35
  /// Smart reply ranks by (1 - this) x the engine's score (relative to the best) + this x the confidence.
  public var smartReplyConfidence = 0.9

  public init() {}

  /// Weights from JSON: any subset of the fields; the rest keep their standard values.
  public init(from decoder: any Decoder) throws {
    self.init()
    let container = try decoder.container(keyedBy: CodingKeys.self)
    func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
      if let given = try container.decodeIfPresent(T.self, forKey: key) { value = given }
    }
    try read(.k1, &k1)
    try read(.b, &b)
    try read(.title, &title)
    try read(.similar, &similar)
    try read(.body, &body)
    try read(.tags, &tags)
    try read(.titleWordPrefix, &titleWordPrefix)
    try read(.exactTitlePrefix, &exactTitlePrefix)
    try read(.pinyin, &pinyin)
    try read(.initials, &initials)
    try read(.titlePinyinStart, &titlePinyinStart)
    try read(.bodyPrefix, &bodyPrefix)
    try read(.typo, &typo)
    try read(.synonym, &synonym)
    try read(.usage, &usage)
    try read(.scope, &scope)
    try read(.maxPrefixExpansion, &maxPrefixExpansion)
    try read(.minimumConfidence, &minimumConfidence)
    try read(.smartReplyConfidence, &smartReplyConfidence)
  }

  public static let standard = RankingWeights()
}
