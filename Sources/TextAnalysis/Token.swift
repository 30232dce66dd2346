/// One word of analysed text.
public struct Token: Hashable, Sendable {
  /// The folded form: the term an index stores and a query looks up (`退货` for 退貨, `cafe` for Café).
  public var term: String
  /// Where the word stands in the original input, in UTF-16 code units (what a browser's input box counts).
  public var range: Range<Int>
  /// The word's position among the tokens of the input, from 0 and increasing by one.
  public var position: Int
  public var script: Script
  /// Toneless pinyin keys, for Han words when pinyin keys were asked for.
  public var pinyin: PinyinKeys?
  /// The last token of partial input (typed text) that the user may still be typing: an index expands it
  /// as a prefix.
  public var isUnfinished: Bool
  /// For a lexicon word made of shorter words, those words' terms (退款进度 -> 退款, 进度), so that an index
  /// can find the compound by its parts too. Empty for other words.
  public var parts: [String]

  public init(
    term: String, range: Range<Int>, position: Int, script: Script, pinyin: PinyinKeys? = nil,
    isUnfinished: Bool = false, parts: [String] = []
  ) {
    self.term = term
    self.range = range
    self.position = position
    self.script = script
    self.pinyin = pinyin
    self.isUnfinished = isUnfinished
    self.parts = parts
  }

  /// The token's range as indices of the string it was analysed from.
  public func range(in text: String) -> Range<String.Index> {
    String.Index(utf16Offset: range.lowerBound, in: text)..<String.Index(utf16Offset: range.upperBound, in: text)
  }
}

extension Token: Codable {
  private enum CodingKeys: String, CodingKey {
    case term, start, end, position, script, pinyin, initials, unfinished, parts
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    term = try container.decode(String.self, forKey: .term)
    let start = try container.decode(Int.self, forKey: .start)
    let end = try container.decode(Int.self, forKey: .end)
    guard start <= end else {
      throw DecodingError.dataCorruptedError(forKey: .end, in: container, debugDescription: "end before start")
    }
    range = start..<end
    position = try container.decode(Int.self, forKey: .position)
    script = try container.decode(Script.self, forKey: .script)
    if let full = try container.decodeIfPresent(String.self, forKey: .pinyin) {
      pinyin = PinyinKeys(full: full, initials: try container.decodeIfPresent(String.self, forKey: .initials) ?? "")
    }
    isUnfinished = try container.decodeIfPresent(Bool.self, forKey: .unfinished) ?? false
    parts = try container.decodeIfPresent([String].self, forKey: .parts) ?? []
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(term, forKey: .term)
    try container.encode(range.lowerBound, forKey: .start)
    try container.encode(range.upperBound, forKey: .end)
    try container.encode(position, forKey: .position)
    try container.encode(script, forKey: .script)
    try container.encodeIfPresent(pinyin?.full, forKey: .pinyin)
    try container.encodeIfPresent(pinyin?.initials, forKey: .initials)
    if isUnfinished { try container.encode(true, forKey: .unfinished) }
    if !parts.isEmpty { try container.encode(parts, forKey: .parts) }
  }
}
