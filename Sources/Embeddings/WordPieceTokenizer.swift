import Foundation

/// BERT's tokenizer, as the reference implementation (Hugging Face `tokenizers`: BertNormalizer, BertPreTokenizer,
/// WordPiece) gives it, so that the encoder sees the ids it was trained on:
/// 1. clean: drop NUL, U+FFFD and other control or format characters; every kind of white space becomes a space;
/// 2. put spaces around each CJK ideograph, so that each is a word;
/// 3. when lower-casing, also strip accents (NFD, then drop non-spacing marks), as the reference does by default;
/// 4. split at white space, and make each punctuation character a word of its own;
/// 5. each word into the longest vocabulary pieces from its start (`##` marks a piece inside a word); a word with
///    no such split, or longer than 100 characters, is `[UNK]`.
public struct WordPieceTokenizer: Sendable {
  public let classifierID: Int
  public let separatorID: Int
  public let unknownID: Int
  private let vocabulary: [String: Int]
  private let lowercase: Bool
  /// BERT's special tokens that the vocabulary has, with their ids.
  private let specialTokens: [(String, Int)]
  private static let maxCharactersPerWord = 100

  public init(vocabularyFile path: String, lowercase: Bool) throws(EmbeddingModelError) {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw .unreadable(path: path)
    }
    var vocabulary: [String: Int] = [:]
    var id = 0
    text.enumerateLines { line, _ in
      // The first id of a piece listed twice is the one the reference keeps.
      if vocabulary[line] == nil { vocabulary[line] = id }
      id += 1
    }
    func special(_ token: String) throws(EmbeddingModelError) -> Int {
      guard let id = vocabulary[token] else { throw .malformed(path: path, reason: "has no \(token) line") }
      return id
    }
    classifierID = try special("[CLS]")
    separatorID = try special("[SEP]")
    unknownID = try special("[UNK]")
    specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { token in
      vocabulary[token].map { (token, $0) }
    }
    self.vocabulary = vocabulary
    self.lowercase = lowercase
  }

  public var vocabularySize: Int { vocabulary.count }

  /// The single Han characters the vocabulary has.
  public var ideographs: Int {
    vocabulary.keys.count { word in
      word.unicodeScalars.count == 1 && Self.isIdeograph(word.unicodeScalars.first!)
    }
  }

  /// `[CLS]`, the text's pieces, `[SEP]`: at most `maxTokens` ids, the text's end cut off when longer.
  public func ids(_ text: String, maxTokens: Int) -> [Int] {
    let room = max(0, maxTokens - 2)
    var pieces: [Int] = []
    segments: for segment in segments(text) {
      switch segment {
      case .special(let id):
        guard pieces.count < room else { break segments }
        pieces.append(id)
      case .text(let text):
        for word in words(text) {
          for id in self.pieces(word) {
            guard pieces.count < room else { break segments }
            pieces.append(id)
          }
        }
      }
    }
    return [classifierID] + pieces + [separatorID]
  }

  enum Segment: Equatable {
    case text(String)
    case special(Int)
  }

  /// The text cut at the special tokens written in it (`[SEP]`, `[UNK]`, … exactly so): the reference takes
  /// those as the tokens themselves, before any normalisation, and so does this tokenizer.
  func segments(_ text: String) -> [Segment] {
    var segments: [Segment] = []
    var start = text.utf8.startIndex  // of the text not yet given out
    var next = start
    while let open = text.utf8[next...].firstIndex(of: UInt8(ascii: "[")) {
      guard let (token, id) = specialTokens.first(where: { text.utf8[open...].starts(with: $0.0.utf8) }) else {
        next = text.utf8.index(after: open)
        continue
      }
      if open > start { segments.append(.text(String(text[start..<open]))) }
      segments.append(.special(id))
      start = text.utf8.index(open, offsetBy: token.utf8.count)
      next = start
    }
    if start < text.endIndex { segments.append(.text(String(text[start...]))) }
    return segments
  }

  func words(_ text: String) -> [[Unicode.Scalar]] {
    var normalized = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
      if Self.isWhitespace(scalar) {
        normalized.append(" ")
      } else if Self.isIdeograph(scalar) {
        normalized.append(" ")
        normalized.append(scalar)
        normalized.append(" ")
      } else {
        normalized.append(scalar)
      }
    }
    var string = String(normalized)
    if lowercase {
      string = String(
        String.UnicodeScalarView(
          string.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
          }
        )
      ).lowercased()
    }
    var words: [[Unicode.Scalar]] = []
    var word: [Unicode.Scalar] = []
    for scalar in string.unicodeScalars {
      if Self.isWhitespace(scalar) {
        if !word.isEmpty {
          words.append(word)
          word.removeAll(keepingCapacity: true)
        }
      } else if Self.isPunctuation(scalar) {
        if !word.isEmpty {
          words.append(word)
          word.removeAll(keepingCapacity: true)
        }
        words.append([scalar])
      } else {
        word.append(scalar)
      }
    }
    if !word.isEmpty { words.append(word) }
    return words
  }

  func pieces(_ word: [Unicode.Scalar]) -> [Int] {
    guard word.count <= Self.maxCharactersPerWord else { return [unknownID] }
    var ids: [Int] = []
    var start = 0
    while start < word.count {
      var end = word.count
      var found: Int?
      while start < end {
        var piece = start > 0 ? "##" : ""
        piece.unicodeScalars.append(contentsOf: word[start..<end])
        if let id = vocabulary[piece] {
          found = id
          break
        }
        end -= 1
      }
      guard let id = found else { return [unknownID] }
      ids.append(id)
      start = end
    }
    return ids
  }

  // Tab, newline and carriage return count as white space, not as control characters.
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .unassigned, .privateUse, .surrogate: return true
    default: return false
    }
  }

  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII,
      (33...47).contains(scalar.value) || (58...64).contains(scalar.value)
        || (91...96).contains(scalar.value) || (123...126).contains(scalar.value)
    {
      return true
    }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation:
      return true
    default: return false
    }
  }

  static func isIdeograph(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
      0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
      return true
    default: return false
    }
  }
}
