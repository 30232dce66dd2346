import Synchronization

/// Toneless pinyin keys for Han words: `退款` -> `tuikuan`, initials `tk`.
public struct PinyinKeys: Hashable, Sendable, Codable {
  /// The toneless syllables run together (`tuikuan`).
  public var full: String
  /// The first letter of each syllable (`tk`).
  public var initials: String
}

/// Turns Han words into pinyin keys with ICU's `Han-Latin; Latin-ASCII` transliterator.
///
/// The transliterator is slow (about 115 k characters a second here) and not thread-safe, so keys are
/// cached per distinct word under a lock: text repeats its words, and the cost is paid once per word.
/// Polyphonic characters take ICU's reading, except in the words of `PinyinReadings` (银行 is `yinhang`).
final class PinyinTranscriber: Sendable {
  private struct State: ~Copyable {
    let transliterator: Transliterator
    var cache: [String: PinyinKeys?] = [:]
  }

  private let state: Mutex<State>
  /// When the cache holds this many words it starts over (a bound on memory for endless distinct input).
  private let capacity: Int

  init(capacity: Int = 200_000) throws(TextAnalysisError) {
    state = Mutex(State(transliterator: try Transliterator(id: "Han-Latin; Latin-ASCII")))
    self.capacity = capacity
  }

  /// The keys of a folded Han word, or nil when ICU has no reading for any of its characters.
  func keys(for word: String) throws(TextAnalysisError) -> PinyinKeys? {
    let result: Result<PinyinKeys?, TextAnalysisError> = state.withLock { state in
      if let cached = state.cache[word] { return .success(cached) }
      do throws(TextAnalysisError) {
        let transliterator = state.transliterator
        let latin = try PinyinReadings.builtin.latin(for: word) { (text) throws(TextAnalysisError) in
          try transliterator.transliterate(text)
        }
        let keys = Self.keys(fromLatin: latin)
        if state.cache.count >= capacity { state.cache.removeAll(keepingCapacity: true) }
        state.cache[word] = keys
        return .success(keys)
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// `tui kuan` -> (`tuikuan`, `tk`). Anything that is not an ASCII letter separates syllables and is
  /// dropped (a character ICU cannot read stays Han in its output).
  static func keys(fromLatin latin: String) -> PinyinKeys? {
    var full = ""
    var initials = ""
    var atSyllableStart = true
    for unit in latin.utf8 {
      let lower = unit | 0x20
      if (0x61...0x7A).contains(lower) {
        full.unicodeScalars.append(Unicode.Scalar(lower))
        if atSyllableStart { initials.unicodeScalars.append(Unicode.Scalar(lower)) }
        atSyllableStart = false
      } else {
        atSyllableStart = true
      }
    }
    return full.isEmpty ? nil : PinyinKeys(full: full, initials: initials)
  }
}
