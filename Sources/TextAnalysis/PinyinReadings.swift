/// Word readings that correct ICU's transliterator where it reads a polyphonic character the wrong way for
/// the word (银行 is `yin hang`, not ICU's `yin xing`). The list lives in `corpora/lexicon/pinyin-readings.txt`;
/// the words are in `PinyinReadings+Words.swift`.
struct PinyinReadings: Sendable {
  private let readings: [String: String]
  private let longest: Int

  static let builtin = PinyinReadings(lines: lines)

  init(lines: String) {
    var readings: [String: String] = [:]
    for line in lines.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: " ")
      guard fields.count >= 2 else { continue }
      readings[String(fields[0])] = fields.dropFirst().joined(separator: " ")
    }
    self.readings = readings
    longest = readings.keys.map(\.count).max() ?? 0
  }

  var count: Int { readings.count }

  /// The Latin reading of `word`: listed words inside it (longest first) take their listed reading, and the
  /// text between them goes to `transliterate`.
  func latin(
    for word: String, transliterate: (String) throws(TextAnalysisError) -> String
  ) throws(TextAnalysisError) -> String {
    let characters = Array(word)
    var pieces: [String] = []
    var pending = ""
    var i = 0
    while i < characters.count {
      var matched = false
      var length = min(longest, characters.count - i)
      while length >= 2 {
        if let reading = readings[String(characters[i..<i + length])] {
          if !pending.isEmpty {
            pieces.append(try transliterate(pending))
            pending = ""
          }
          pieces.append(reading)
          i += length
          matched = true
          break
        }
        length -= 1
      }
      if !matched {
        pending.append(characters[i])
        i += 1
      }
    }
    if !pending.isEmpty { pieces.append(try transliterate(pending)) }
    return pieces.joined(separator: " ")
  }
}
