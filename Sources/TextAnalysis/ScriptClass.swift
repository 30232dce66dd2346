@_implementationOnly import CICU

/// The writing system of a token, as the index and the suggestion ranking need it.
public enum Script: String, Sendable, Hashable, Codable, CaseIterable {
  /// Chinese characters (and Japanese kanji written without kana in the same word).
  case han
  /// Japanese Hiragana or Katakana (a word with any kana is reported as kana).
  case kana
  case hangul
  case thai
  case lao
  case khmer
  case myanmar
  case latin
  /// Only digits (and the separators ICU keeps inside a number, such as `299.00`).
  case digits
  /// Any other script (Cyrillic, Greek, Arabic, ...).
  case other
}

/// The script class of one code point, packed in the folding table's trait byte.
enum ScriptClass: UInt8 {
  case none = 0
  case han, kana, hangul, thai, lao, khmer, myanmar, latin, digit, other

  init(codePoint: UInt32) {
    let c = UChar32(bitPattern: codePoint)
    if rk_u_char_type(c) == Int32(RK_CHAR_DECIMAL_DIGIT) {
      self = .digit
      return
    }
    // The prolonged sound mark and the kana iteration marks are "Common", but they only occur in kana words.
    if codePoint == 0x30FC || codePoint == 0x30FD || codePoint == 0x30FE || codePoint == 0x309D
      || codePoint == 0x309E
    {
      self = .kana
      return
    }
    switch rk_u_script(c) {
    case Int32(RK_SCRIPT_HAN): self = .han
    case Int32(RK_SCRIPT_HIRAGANA), Int32(RK_SCRIPT_KATAKANA): self = .kana
    case Int32(RK_SCRIPT_HANGUL): self = .hangul
    case Int32(RK_SCRIPT_THAI): self = .thai
    case Int32(RK_SCRIPT_LAO): self = .lao
    case Int32(RK_SCRIPT_KHMER): self = .khmer
    case Int32(RK_SCRIPT_MYANMAR): self = .myanmar
    case Int32(RK_SCRIPT_LATIN): self = .latin
    case Int32(RK_SCRIPT_COMMON), Int32(RK_SCRIPT_INHERITED), -1: self = .none
    default: self = .other
    }
  }
}

extension Script {
  /// The script of a word from the classes of its code points: kana wins over Han (a Japanese word with
  /// okurigana), any letter wins over digits (`iphone15` is Latin), digits alone are `digits`.
  /// `seen`: the classes of the word's code points. (A bit mask, not a `Set`: every token of every text
  /// analysed asks this, and a set a token made analysis a quarter slower.)
  init(_ seen: ScriptClass.Mask) {
    for (cls, script) in Self.precedence where seen.contains(cls) {
      self = script
      return
    }
    self = .other
  }

  private static let precedence: [(ScriptClass, Script)] = [
    (.kana, .kana), (.han, .han), (.hangul, .hangul), (.thai, .thai), (.lao, .lao), (.khmer, .khmer),
    (.myanmar, .myanmar), (.latin, .latin), (.other, .other), (.digit, .digits),
  ]
}

extension ScriptClass {
  /// A set of script classes, one bit each.
  struct Mask {
    private var bits: UInt16 = 0

    mutating func insert(_ cls: ScriptClass) { bits |= 1 << cls.rawValue }
    func contains(_ cls: ScriptClass) -> Bool { bits & (1 << cls.rawValue) != 0 }
  }
}
