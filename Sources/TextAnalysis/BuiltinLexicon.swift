/// The help-desk words that ReplyKit keeps whole even where ICU's dictionary splits them (退货, 验证码,
/// 花呗, 顺丰...). The list is generated from `corpora/lexicon/` (see its README); `words` lives in
/// `BuiltinLexicon+Words.swift`.
enum BuiltinLexicon {
  /// The words, one per entry, as written in the lists.
  static var list: [Substring] {
    words.split(whereSeparator: \.isNewline).map { $0.drop { $0 == " " } }.filter { !$0.isEmpty }
  }
}
