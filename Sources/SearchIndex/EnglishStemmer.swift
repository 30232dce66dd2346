/// Porter's English stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), for the question
/// model's stemmed-word features only: the index keeps words as written (stemming them in the analyzer cost
/// relevance on the demo corpus), but "charged" and "charge", "cards" and "card" are the same evidence when a
/// question is compared with another. Words that are not plain ASCII letters (Han, digits, accents) are
/// returned unchanged; an English possessive or contraction ending is dropped first.
enum EnglishStemmer {
  static func stem(_ word: String) -> String {
    var bytes = Array(word.utf8)
    if bytes.count > 2 && bytes[bytes.count - 2] == 0x27 && bytes[bytes.count - 1] == 0x73 {  // 's
      bytes.removeLast(2)
    } else if bytes.last == 0x27 {
      bytes.removeLast()
    }
    guard bytes.count > 2, bytes.allSatisfy({ (0x61...0x7A).contains($0) }) else {
      return bytes.count == word.utf8.count ? word : String(decoding: bytes, as: UTF8.self)
    }
    var stemmer = Porter(bytes)
    stemmer.run()
    return String(decoding: stemmer.b[..<stemmer.k], as: UTF8.self)
  }

  private struct Porter {
    var b: [UInt8]
    /// The word is `b[..<k]`; `j` is where a matched suffix starts.
    var k: Int
    var j = 0

    init(_ bytes: [UInt8]) {
      b = bytes
      k = bytes.count
    }

    func consonant(_ i: Int) -> Bool {
      switch b[i] {
      case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): false
      case UInt8(ascii: "y"): i == 0 ? true : !consonant(i - 1)
      default: true
      }
    }

    /// The number of vowel-consonant sequences in `b[..<j]`.
    func measure() -> Int {
      var n = 0
      var i = 0
      while i < j && consonant(i) { i += 1 }
      while i < j {
        while i < j && !consonant(i) { i += 1 }
        guard i < j else { break }
        n += 1
        while i < j && consonant(i) { i += 1 }
      }
      return n
    }

    func vowelInStem() -> Bool { (0..<j).contains { !consonant($0) } }

    func doubleConsonant(_ end: Int) -> Bool { end >= 2 && b[end - 1] == b[end - 2] && consonant(end - 1) }

    /// consonant-vowel-consonant ending at `end`, the last not w, x or y (hop -> hope).
    func cvc(_ end: Int) -> Bool {
      guard end >= 3, consonant(end - 1), !consonant(end - 2), consonant(end - 3) else { return false }
      let last = b[end - 1]
      return last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != UInt8(ascii: "y")
    }

    mutating func ends(_ suffix: String) -> Bool {
      let s = Array(suffix.utf8)
      guard s.count <= k, Array(b[(k - s.count)..<k]) == s else { return false }
      j = k - s.count
      return true
    }

    mutating func setTo(_ replacement: String) {
      let r = Array(replacement.utf8)
      b.replaceSubrange(j..<k, with: r)
      k = j + r.count
      b.removeSubrange(k...)
    }

    /// The first rule whose suffix matches decides; it applies when the stem's measure is over `minimum`.
    mutating func replace(_ rules: [(String, String)], minimum: Int) {
      for (suffix, replacement) in rules where ends(suffix) {
        if measure() > minimum { setTo(replacement) }
        return
      }
    }

    mutating func run() {
      step1ab()
      if k > 2 {
        step1c()
        replace(Self.step2, minimum: 0)
        replace(Self.step3, minimum: 0)
        step4()
        step5()
      }
    }

    mutating func step1ab() {
      if b[k - 1] == UInt8(ascii: "s") {
        if ends("sses") {
          k -= 2
        } else if ends("ies") {
          setTo("i")
        } else if k >= 2 && b[k - 2] != UInt8(ascii: "s") {
          k -= 1
        }
        b.removeSubrange(k...)
      }
      if ends("eed") {
        if measure() > 0 {
          k -= 1
          b.removeSubrange(k...)
        }
      } else if (ends("ed") || ends("ing")) && vowelInStem() {
        k = j
        b.removeSubrange(k...)
        if ends("at") {
          setTo("ate")
        } else if ends("bl") {
          setTo("ble")
        } else if ends("iz") {
          setTo("ize")
        } else if doubleConsonant(k) {
          let last = b[k - 1]
          if last != UInt8(ascii: "l") && last != UInt8(ascii: "s") && last != UInt8(ascii: "z") {
            k -= 1
            b.removeSubrange(k...)
          }
        } else {
          j = k
          if measure() == 1 && cvc(k) {
            b.append(UInt8(ascii: "e"))
            k += 1
          }
        }
      }
    }

    mutating func step1c() {
      if ends("y") && vowelInStem() { b[k - 1] = UInt8(ascii: "i") }
    }

    static let step2: [(String, String)] = [
      ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("bli", "ble"),
      ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
      ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
      ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
    ]
    static let step3: [(String, String)] = [
      ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ]
    static let step4 = [
      "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
      "iti", "ous", "ive", "ize",
    ]

    mutating func step4() {
      // Porter's order: the longest of the suffixes that share an ending is tried first.
      for suffix in Self.step4.sorted(by: { $0.count > $1.count }) where ends(suffix) {
        if suffix == "ion" && !(j > 0 && (b[j - 1] == UInt8(ascii: "s") || b[j - 1] == UInt8(ascii: "t"))) {
          continue
        }
        if measure() > 1 { setTo("") }
        return
      }
    }

    mutating func step5() {
      j = k - 1
      if b[k - 1] == UInt8(ascii: "e") {
        let m = measure()
        if m > 1 || (m == 1 && !cvc(k - 1)) {
          k -= 1
          b.removeSubrange(k...)
        }
      }
      j = k
      if b[k - 1] == UInt8(ascii: "l") && doubleConsonant(k) && measure() > 1 {
        k -= 1
        b.removeSubrange(k...)
      }
    }
  }
}
