/// Turns text into tokens, the same way for stored knowledge and for queries.
///
/// The chain: fold (NFKC, case, width, Traditional to Simplified, accents; see `CharacterFolding`) ->
/// split into words with ICU (`WordSegmenter`) -> keep lexicon words whole (the built-in help-desk lexicon
/// and the tenant's user dictionary, see `Lexicon`) -> drop punctuation, spaces and emoji -> add pinyin
/// keys to Han words (`PinyinTranscriber`).
///
/// An `Analyzer` is a small value: the heavy parts (ICU tables, break iterators, the pinyin cache) are
/// built once per process and shared, so making one per tenant with its own user dictionary is cheap.
public struct Analyzer: Sendable {
  /// Bumped whenever a change to the analysis would change the terms of stored text.
  public static let formatVersion = 1
  /// The longest input accepted, in UTF-8 bytes.
  public static let maxInputUTF8Bytes = 4 << 20

  private let engine: AnalysisEngine
  /// The tenant's own words (product and brand names) that are kept whole.
  public let userDictionary: Lexicon

  /// An analyzer with the built-in lexicon and no user dictionary.
  public init() throws(TextAnalysisError) {
    engine = try AnalysisEngine.shared.get()
    userDictionary = Lexicon()
  }

  private init(engine: AnalysisEngine, userDictionary: Lexicon) {
    self.engine = engine
    self.userDictionary = userDictionary
  }

  /// The same analyzer with `words` as its user dictionary; it takes effect at once, without a rebuild.
  public func withUserDictionary(_ words: some Sequence<String>) throws(TextAnalysisError) -> Analyzer {
    Analyzer(engine: engine, userDictionary: try engine.lexicon(of: words))
  }

  /// Names this analysis: the format version, ICU's version and the built-in lexicon. An index records it
  /// and is rebuilt when it changes. (A user dictionary is versioned apart, by `userDictionary.digest`.)
  public var version: String { engine.version }

  /// The number of words in the built-in lexicon.
  public var builtinLexiconCount: Int { engine.builtinLexicon.count }

  /// ICU's version, such as "72.1".
  public static var icuVersion: String { ICU.version }

  // MARK: Analysis

  /// The tokens of `text`.
  public func analyze(_ text: String, options: AnalysisOptions = .document) throws(TextAnalysisError) -> [Token] {
    let bytes = text.utf8.count
    guard bytes <= Self.maxInputUTF8Bytes else {
      throw .inputTooLong(utf8Bytes: bytes, limit: Self.maxInputUTF8Bytes)
    }
    if bytes == 0 { return [] }
    let source = Array(text.utf16)
    return try source.withUnsafeBufferPointer { (source) throws(TextAnalysisError) -> [Token] in
      try engine.tokens(of: source, userDictionary: userDictionary, options: options)
    }
  }

  /// The tokens of UTF-8 bytes from outside (a file, a request body), which are checked first.
  public func analyze(utf8 bytes: some Collection<UInt8>, options: AnalysisOptions = .document)
    throws(TextAnalysisError) -> [Token]
  {
    guard bytes.count <= Self.maxInputUTF8Bytes else {
      throw .inputTooLong(utf8Bytes: bytes.count, limit: Self.maxInputUTF8Bytes)
    }
    return try analyze(try UTF8Validation.string(from: bytes), options: options)
  }

  /// The folded form of the whole text (spaces and punctuation kept): what tokens' terms are cut from.
  public func fold(_ text: String) throws(TextAnalysisError) -> String {
    let bytes = text.utf8.count
    guard bytes <= Self.maxInputUTF8Bytes else {
      throw .inputTooLong(utf8Bytes: bytes, limit: Self.maxInputUTF8Bytes)
    }
    let source = Array(text.utf16)
    let folded = try source.withUnsafeBufferPointer { (source) throws(TextAnalysisError) in
      try engine.foldedTerm(source)
    }
    return String(decoding: folded, as: UTF16.self)
  }

  /// The pinyin keys of a Han word (folded first), or nil when it has none.
  public func pinyin(of word: String) throws(TextAnalysisError) -> PinyinKeys? {
    try engine.pinyin.keys(for: try fold(word))
  }
}
