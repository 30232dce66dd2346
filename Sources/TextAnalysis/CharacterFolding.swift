@_implementationOnly import CICU

/// Text after folding, with the way back to the input: unit `k` of `units` came from the input's UTF-16
/// range `originStart[k] ..< originEnd[k]`.
struct FoldedText {
  var units: [UInt16] = []
  var originStart: [Int32] = []
  var originEnd: [Int32] = []

  init(capacity: Int) {
    units.reserveCapacity(capacity)
    originStart.reserveCapacity(capacity)
    originEnd.reserveCapacity(capacity)
  }

  mutating func append(_ unit: UInt16, from start: Int, to end: Int) {
    units.append(unit)
    originStart.append(Int32(truncatingIfNeeded: start))
    originEnd.append(Int32(truncatingIfNeeded: end))
  }
}

/// Folds text to the form that index terms and queries share: NFKC with case folding (which also turns
/// full-width Latin and digits into ASCII) and Latin accents removed (`fold`); then Traditional to
/// Simplified Chinese (`simplifyHan`), a separate step because it maps one code point to one and the
/// analyzer runs it after segmentation for Japanese text (ICU's Japanese dictionary knows 買った, not 买った).
///
/// Why a table per code point rather than one ICU call over the whole text: every folded unit must keep
/// the input range it came from (for highlighting), and ICU's normalizers do not report offsets. ICU
/// computes the table once per process: each BMP code point is folded alone, and the result iterated to
/// a fixed point, so folding is idempotent by construction. Where code points combine (a base followed by
/// combining marks, Hangul jamo, half-width kana with a voiced mark), the whole combining sequence goes
/// through ICU at once and all of its output maps to the whole sequence.
final class CharacterFolding: @unchecked Sendable {
  // @unchecked: the tables are immutable after init, and ICU documents Normalizer2 instances as
  // thread-safe (they are owned by ICU and never freed).

  private static let identity = UInt32.max
  private static let joinsPreviousBit: UInt8 = 0x80

  /// Per BMP code point: `identity`, or `(offset << 8) | length` into `replacements`.
  private let mapping: [UInt32]
  private let replacements: [UInt16]
  /// Per BMP code point: the ScriptClass of the folded form in the low bits, and `joinsPreviousBit`.
  private let traits: [UInt8]
  private let nfkcCasefold: OpaquePointer
  private let nfd: OpaquePointer
  private let nfc: OpaquePointer
  /// Traditional (or variant) to Simplified Han code points, from ICU's `Traditional-Simplified`.
  let simplified: [UInt32: UInt32]
  /// The same map, flat over the Han blocks of the BMP (U+3400 to U+9FFF); 0 where a character is kept.
  private let simplifiedFlat: [UInt16]
  private static let hanBase = 0x3400

  init() throws(TextAnalysisError) {
    var status = U_ZERO_ERROR
    nfkcCasefold = rk_unorm2_nfkc_casefold(&status)
    try ICU.check(status, "unorm2_getNFKCCasefoldInstance")
    nfd = rk_unorm2_nfd(&status)
    try ICU.check(status, "unorm2_getNFDInstance")
    nfc = rk_unorm2_nfc(&status)
    try ICU.check(status, "unorm2_getNFCInstance")
    simplified = try Self.traditionalToSimplified()
    var flat = [UInt16](repeating: 0, count: 0xA000 - Self.hanBase)
    for (from, to) in simplified where from >= Self.hanBase && from < 0xA000 && to < 0x10000 {
      flat[Int(from) - Self.hanBase] = UInt16(to)
    }
    simplifiedFlat = flat

    // Pass 1: each code point folded alone.
    var single = [[UInt16]?](repeating: nil, count: 0x10000)
    for cp in UInt32(0x80)..<0x10000 where !(0xD800...0xDFFF).contains(cp) {
      let folded = try Self.foldOnce(cp, nfkcCasefold: nfkcCasefold, nfd: nfd, nfc: nfc)
      if folded != [UInt16(cp)] { single[Int(cp)] = folded }
    }
    // Pass 2: iterate each mapping until folding its output changes nothing more.
    var mapping = [UInt32](repeating: Self.identity, count: 0x10000)
    var replacements: [UInt16] = []
    for cp in 0x80..<0x10000 {
      guard var folded = single[cp] else { continue }
      for _ in 0..<4 {
        var next: [UInt16] = []
        for scalar in String(decoding: folded, as: UTF16.self).unicodeScalars {
          let value = scalar.value
          if value < 0x80 {
            next.append(UInt16(value))
          } else if value < 0x10000, let mapped = single[Int(value)] {
            next.append(contentsOf: mapped)
          } else if value < 0x10000 {
            next.append(UInt16(value))
          } else {
            next.append(
              contentsOf: try Self.foldOnce(
                value, nfkcCasefold: nfkcCasefold, nfd: nfd, nfc: nfc))
          }
        }
        if next == folded { break }
        folded = next
      }
      if folded == [UInt16(cp)] { continue }
      precondition(folded.count < 256, "a folded code point is longer than 255 units")
      mapping[cp] = UInt32(replacements.count) << 8 | UInt32(folded.count)
      replacements.append(contentsOf: folded)
    }
    // Traits: the script of the folded form, and whether the code point combines with the one before.
    var traits = [UInt8](repeating: 0, count: 0x10000)
    for cp in 0..<0x10000 where !(0xD800...0xDFFF).contains(cp) {
      let foldedFirst: UInt32
      if cp >= 0x80, mapping[cp] != Self.identity, mapping[cp] & 0xFF > 0 {
        let first = replacements[Int(mapping[cp] >> 8)]
        foldedFirst = (0xD800...0xDFFF).contains(first) ? UInt32(cp) : UInt32(first)
      } else {
        foldedFirst = UInt32(cp)
      }
      var trait = ScriptClass(codePoint: foldedFirst).rawValue
      if Self.joinsPrevious(UInt32(cp), nfkcCasefold: nfkcCasefold) { trait |= Self.joinsPreviousBit }
      traits[cp] = trait
    }
    self.mapping = mapping
    self.replacements = replacements
    self.traits = traits
  }

  /// How many BMP code points fold to something other than themselves (for tests and `analyze --about`).
  var foldedCodePointCount: Int { mapping.lazy.filter { $0 != Self.identity }.count }

  // MARK: Folding text

  /// Folds `source` (UTF-16) and keeps, for every folded unit, the input range it came from.
  func fold(_ source: UnsafeBufferPointer<UInt16>) throws(TextAnalysisError) -> FoldedText {
    let n = source.count
    var out = FoldedText(capacity: n + n / 8)
    var i = 0
    while i < n {
      let (cp, length) = Self.codePoint(in: source, at: i)
      var end = i + length
      while end < n, source[end] >= 0x300 {
        let (next, nextLength) = Self.codePoint(in: source, at: end)
        guard joinsPrevious(next) else { break }
        end += nextLength
      }
      let before = out.units.count
      if end > i + length {
        for unit in try foldSequence(UnsafeBufferPointer(rebasing: source[i..<end])) {
          out.append(unit, from: i, to: end)
        }
      } else if cp < 0x80 {
        let unit = UInt16(cp)
        out.append((0x41...0x5A).contains(unit) ? unit + 0x20 : unit, from: i, to: end)
      } else if cp < 0x10000 {
        let entry = mapping[Int(cp)]
        if entry == Self.identity {
          out.append(UInt16(cp), from: i, to: end)
        } else {
          let offset = Int(entry >> 8)
          for k in offset..<offset + Int(entry & 0xFF) { out.append(replacements[k], from: i, to: end) }
        }
      } else {
        for unit in try foldSupplementary(cp) { out.append(unit, from: i, to: end) }
      }
      // A code point that folds to nothing (a soft hyphen, a variation selector) stays inside the range
      // of the unit before it, so that highlighting covers it.
      if out.units.count == before, let last = out.originEnd.indices.last, out.originEnd[last] == Int32(i) {
        out.originEnd[last] = Int32(truncatingIfNeeded: end)
      }
      i = end
    }
    return out
  }

  /// Replaces Traditional Han characters with Simplified ones, in place (one UTF-16 unit for one, so every
  /// offset stays valid).
  func simplifyHan(_ units: inout [UInt16]) {
    simplifiedFlat.withUnsafeBufferPointer { table in
      for i in units.indices {
        let unit = Int(units[i])
        guard unit >= Self.hanBase && unit < 0xA000 else { continue }
        let target = table[unit - Self.hanBase]
        if target != 0 { units[i] = target }
      }
    }
  }

  /// Whether folded text holds Hiragana or Katakana (Japanese, whose kanji are not Chinese to simplify
  /// before segmentation).
  static func containsKana(_ units: [UInt16]) -> Bool {
    units.contains { (0x3041...0x30FF).contains($0) || (0x31F0...0x31FF).contains($0) }
  }

  /// The script class of a folded code point.
  func scriptClass(of cp: UInt32) -> ScriptClass {
    if cp < 0x10000 { return ScriptClass(rawValue: traits[Int(cp)] & 0x7F) ?? .none }
    return ScriptClass(codePoint: cp)
  }

  private func joinsPrevious(_ cp: UInt32) -> Bool {
    if cp < 0x10000 { return traits[Int(cp)] & Self.joinsPreviousBit != 0 }
    return rk_u_combining_class(UChar32(bitPattern: cp)) != 0
  }

  private func foldSequence(_ units: UnsafeBufferPointer<UInt16>) throws(TextAnalysisError) -> [UInt16] {
    let normalized = try Self.normalize(Array(units), with: nfkcCasefold)
    var out: [UInt16] = []
    for scalar in String(decoding: normalized, as: UTF16.self).unicodeScalars {
      let value = scalar.value
      if value < 0x80 {
        out.append(UInt16(value))
      } else if value < 0x10000 {
        let entry = mapping[Int(value)]
        if entry == Self.identity {
          out.append(UInt16(value))
        } else {
          let offset = Int(entry >> 8)
          out.append(contentsOf: replacements[offset..<offset + Int(entry & 0xFF)])
        }
      } else {
        out.append(contentsOf: try foldSupplementary(value))
      }
    }
    return out
  }

  private func foldSupplementary(_ cp: UInt32) throws(TextAnalysisError) -> [UInt16] {
    try Self.foldOnce(cp, nfkcCasefold: nfkcCasefold, nfd: nfd, nfc: nfc)
  }

  // MARK: Building the table

  /// One folding step for one code point: NFKC_Casefold, then accents.
  private static func foldOnce(
    _ cp: UInt32, nfkcCasefold: OpaquePointer, nfd: OpaquePointer, nfc: OpaquePointer
  ) throws(TextAnalysisError) -> [UInt16] {
    guard let scalar = Unicode.Scalar(cp) else { return [0xFFFD] }
    // Thai and Lao are left alone: NFKC splits SARA AM (U+0E33) into two code points, and ICU's Thai
    // dictionary then no longer recognises the words that contain it.
    if (0x0E00...0x0EFF).contains(cp) { return utf16Units(of: scalar) }
    let units = try normalize(utf16Units(of: scalar), with: nfkcCasefold)
    return try removeAccents(units, nfd: nfd, nfc: nfc)
  }

  /// Removes combining diacritical marks (café -> cafe), leaving kana voicing marks and the marks of
  /// other scripts alone.
  private static func removeAccents(_ units: [UInt16], nfd: OpaquePointer, nfc: OpaquePointer)
    throws(TextAnalysisError) -> [UInt16]
  {
    let decomposed = try normalize(units, with: nfd)
    let kept = decomposed.filter { !isDiacritic($0) }
    if kept.count == decomposed.count { return units }
    return try normalize(kept, with: nfc)
  }

  private static func isDiacritic(_ unit: UInt16) -> Bool {
    switch unit {
    case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F: true
    default: false
    }
  }

  private static func joinsPrevious(_ cp: UInt32, nfkcCasefold: OpaquePointer) -> Bool {
    if (0x1160...0x11FF).contains(cp) || (0xD7B0...0xD7FF).contains(cp) { return true }  // Hangul V and T jamo
    if rk_u_combining_class(UChar32(bitPattern: cp)) != 0 { return true }
    guard cp >= 0x80, let scalar = Unicode.Scalar(cp),
      let folded = try? normalize(utf16Units(of: scalar), with: nfkcCasefold),
      let first = String(decoding: folded, as: UTF16.self).unicodeScalars.first
    else { return false }
    return rk_u_combining_class(UChar32(bitPattern: first.value)) != 0
  }

  static func normalize(_ units: [UInt16], with normalizer: OpaquePointer) throws(TextAnalysisError) -> [UInt16] {
    if units.isEmpty { return [] }
    return try units.withUnsafeBufferPointer { (src) throws(TextAnalysisError) -> [UInt16] in
      try ICU.produceUTF16(capacityHint: src.count * 3 + 4, "unorm2_normalize") { dest, capacity, status in
        rk_unorm2_normalize(normalizer, src.baseAddress, Int32(src.count), dest, capacity, &status)
      }
    }
  }

  /// ICU's `Traditional-Simplified` transliterator as a code point map. The Han blocks of the BMP go
  /// through the transliterator in one call (it maps character by character, so input and output line up);
  /// should a future ICU change that, each character goes through alone.
  private static func traditionalToSimplified() throws(TextAnalysisError) -> [UInt32: UInt32] {
    let transliterator = try Transliterator(id: "Traditional-Simplified")
    var han: [UInt16] = []
    for range in [0x3400...0x4DBF, 0x4E00...0x9FFF] { for cp in range { han.append(UInt16(cp)) } }
    var map: [UInt32: UInt32] = [:]
    let batch = try transliterator.transliterate(han)
    if batch.count == han.count && !batch.contains(where: { (0xD800...0xDFFF).contains($0) }) {
      for (from, to) in zip(han, batch) where from != to { map[UInt32(from)] = UInt32(to) }
    } else {
      for unit in han {
        let out = try transliterator.transliterate([unit])
        if out.count == 1, out[0] != unit, !(0xD800...0xDFFF).contains(out[0]) { map[UInt32(unit)] = UInt32(out[0]) }
      }
    }
    return resolvingChains(map)
  }

  /// Follows each mapping to its end, so that a character maps straight to its final form. ICU's data has
  /// a few chains and cycles (苎 -> 苧 and 苧 -> 苎); every member of a cycle maps to its smallest member.
  static func resolvingChains(_ map: [UInt32: UInt32]) -> [UInt32: UInt32] {
    var resolved: [UInt32: UInt32] = [:]
    for start in map.keys {
      var path = [start]
      var current = start
      while let next = map[current], !path.contains(next) {
        path.append(next)
        current = next
      }
      let target: UInt32
      if let next = map[current], let loopStart = path.firstIndex(of: next) {
        target = path[loopStart...].min()!  // a cycle: its smallest member stands for all
      } else {
        target = current  // a chain: its end
      }
      if target != start { resolved[start] = target }
    }
    return resolved
  }

  @inline(__always)
  static func codePoint(in source: UnsafeBufferPointer<UInt16>, at i: Int) -> (UInt32, Int) {
    let u = source[i]
    if u < 0xD800 || u >= 0xE000 { return (UInt32(u), 1) }
    if u < 0xDC00, i + 1 < source.count, (0xDC00..<0xE000).contains(source[i + 1]) {
      return (0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(source[i + 1] - 0xDC00), 2)
    }
    return (0xFFFD, 1)  // a lone surrogate (only reachable from raw UTF-16)
  }
}
