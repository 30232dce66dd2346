import Index
import TextAnalysis

/// Marks the words of a shown text that matched: the analyzer splits the text again, and its ranges point
/// into the text as it is shown (Traditional, full-width, accents and all).
struct Highlighter {
  let analyzer: Analyzer
  let plan: QueryPlan
  /// Where the tokens of texts shown before are kept, for this tenant and index generation.
  var kept: (items: ShownItems, tenant: String, generation: Int)?
  /// Whether texts that cannot match are left unanalysed (`mayMatch`); off only to test that they are.
  var skipsTextsThatCannotMatch = true
  /// The matched terms and the unfinished word when every one of them compares by bytes, else nil (then no
  /// text is compared by bytes): the same for every text this highlighter is shown.
  private let byteTerms: [String]?

  init(analyzer: Analyzer, plan: QueryPlan, kept: (items: ShownItems, tenant: String, generation: Int)? = nil) {
    (self.analyzer, self.plan, self.kept) = (analyzer, plan, kept)
    let terms = plan.termKinds.keys + (plan.unfinished.map { [$0] } ?? [])
    byteTerms = terms.allSatisfy(Self.comparesByBytes) ? terms : nil
  }

  func highlights(in text: String) -> [Highlight] { matches(in: text).highlights }

  /// The matched words of `text` and the ways they matched. Pinyin counts in titles only (`pinyin`), the
  /// only field whose pinyin is indexed.
  func matches(in text: String, pinyin: Bool = true) -> (highlights: [Highlight], kinds: Set<MatchKind>) {
    let typedPinyin = pinyin ? plan.pinyinPrefix : nil
    let pinyinKeys = typedPinyin != nil
    let tokens: [Token]
    if let kept = keptTokens(of: text, pinyinKeys: pinyinKeys) {
      tokens = kept
    } else if !pinyinKeys && !mayMatch(text) {
      return ([], [])
    } else {
      guard let analysed = try? self.tokens(of: text, pinyinKeys: pinyinKeys) else { return ([], []) }
      tokens = analysed
    }
    var marked = [Bool](repeating: false, count: tokens.count)
    var kinds = Set<MatchKind>()
    for (index, token) in tokens.enumerated() {
      for term in [token.term] + token.parts {
        if let kind = plan.termKinds[term] {
          marked[index] = true
          kinds.insert(kind)
        } else if let prefix = plan.unfinished, term.hasPrefix(prefix) {
          marked[index] = true
          kinds.insert(term == prefix ? .exact : .prefix)
        }
      }
    }
    if let typed = typedPinyin, let kind = markPinyin(typed, tokens: tokens, marked: &marked) {
      kinds.insert(kind)
    }
    return (merged(tokens.indices.filter { marked[$0] }.map { tokens[$0].range }), kinds)
  }

  /// Whether a matched term or the unfinished word occurs in the folded text. Tokens' terms and parts are cut
  /// from that text, so a text holding none of them has no match and need not be analysed: most shown
  /// contents, whose items matched by their titles. (Pinyin is matched on the tokens' keys, not on the text,
  /// and is not checked here.) Terms match as Swift strings, up to canonical equivalence, and folding does not
  /// compose every sequence (a Bengali two-part vowel, compatibility jamo), so bytes decide only for text made
  /// of characters that never compose or decompose (`comparesByBytes`); any other text is analysed.
  func mayMatch(_ text: String) -> Bool {
    guard skipsTextsThatCannotMatch, let terms = byteTerms, let folded = try? analyzer.fold(text),
      Self.comparesByBytes(folded)
    else { return true }
    var haystack = folded
    return haystack.withUTF8 { haystack in
      terms.contains { term in
        var term = term
        return term.withUTF8 { Self.occurs($0, in: haystack) }
      }
    }
  }

  /// Whether every character of `text` is one whose strings are canonically equal only when their bytes are:
  /// below U+0300 (no combining marks), CJK ideographs and their punctuation, emoji.
  static func comparesByBytes(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
      switch scalar.value {
      // (Not the compatibility ideographs, U+F900 and U+2F800 on, each canonically another ideograph.)
      case 0..<0x300, 0x3000..<0x302A, 0x3030..<0x3040, 0x3400..<0x4DC0, 0x4E00..<0xA000, 0x1F000..<0x1FB00,
        0x20000..<0x2F800, 0x30000..<0x32400:
        true
      default: false
      }
    }
  }

  /// Whether `needle`'s bytes occur in `haystack` (an empty needle occurs everywhere). Both are UTF-8, so a
  /// match of bytes is a match of whole characters.
  static func occurs(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = needle.first else { return true }
    guard needle.count <= haystack.count else { return false }
    var start = 0
    let last = haystack.count - needle.count
    while start <= last {
      if haystack[start] == first {
        var k = 1
        while k < needle.count && haystack[start + k] == needle[k] { k += 1 }
        if k == needle.count { return true }
      }
      start += 1
    }
    return false
  }

  private func keptTokens(of text: String, pinyinKeys: Bool) -> [Token]? {
    guard let kept else { return nil }
    return kept.items.keptTokens(
      of: text, tenant: kept.tenant, dictionary: analyzer.userDictionary.digest, pinyinKeys: pinyinKeys,
      generation: kept.generation)
  }

  private func tokens(of text: String, pinyinKeys: Bool) throws -> [Token] {
    let analyze = { try analyzer.analyze(text, options: AnalysisOptions(pinyinKeys: pinyinKeys)) }
    guard let kept else { return try analyze() }
    return try kept.items.tokens(
      of: text, tenant: kept.tenant, dictionary: analyzer.userDictionary.digest, pinyinKeys: pinyinKeys,
      generation: kept.generation, analyze: analyze)
  }

  /// Pinyin typed across words (`tuikuanliu` over 退款 / 流程): from each Han word, follow the words whose keys
  /// the typed letters spell, full or initials.
  private func markPinyin(_ typed: String, tokens: [Token], marked: inout [Bool]) -> MatchKind? {
    for start in tokens.indices {
      for (keyPath, kind) in [(\PinyinKeys.full, MatchKind.pinyin), (\PinyinKeys.initials, MatchKind.initials)] {
        var rest = Substring(typed)
        var index = start
        var covered: [Int] = []
        // A compound's parts are words too: tk marks 申请退款 by its part 退款.
        if tokens[start].parts.count > 1, partStarts(with: typed, in: tokens[start], keyPath) {
          marked[start] = true
          return kind
        }
        while !rest.isEmpty, index < tokens.count, let keys = tokens[index].pinyin {
          let key = keys[keyPath: keyPath]
          if rest.hasPrefix(key) {
            rest = rest.dropFirst(key.count)
          } else if key.hasPrefix(rest) {
            rest = ""
          } else {
            break
          }
          covered.append(index)
          index += 1
        }
        if rest.isEmpty && !covered.isEmpty {
          for index in covered { marked[index] = true }
          return kind
        }
      }
    }
    return nil
  }

  /// Whether the typed letters start the keys of one of the token's later parts (its first part starts the
  /// token itself, which the walk over whole words covers).
  private func partStarts(with typed: String, in token: Token, _ keyPath: KeyPath<PinyinKeys, String>) -> Bool {
    token.parts.dropFirst().contains { part in
      (try? analyzer.pinyin(of: part)).flatMap { $0 }.map { $0[keyPath: keyPath].hasPrefix(typed) } ?? false
    }
  }

  private func merged(_ ranges: [Range<Int>]) -> [Highlight] {
    var result: [Highlight] = []
    for range in ranges {
      if let last = result.last, last.end >= range.lowerBound {
        result[result.count - 1].end = max(last.end, range.upperBound)
      } else {
        result.append(Highlight(start: range.lowerBound, end: range.upperBound))
      }
    }
    return result
  }

  /// A window of `text` around its first highlight (about `length` UTF-16 units), with the highlights
  /// moved into the window; "…" marks a cut.
  func snippet(of text: String, length: Int = 120) -> (String, [Highlight], Set<MatchKind>) {
    let (all, kinds) = matches(in: text, pinyin: false)
    let utf16 = Array(text.utf16)
    guard utf16.count > length else { return (text, all, kinds) }
    var start = max(0, (all.first?.start ?? 0) - 20)
    // Never cut a surrogate pair or a combining sequence in two: move to a character boundary.
    func isBoundary(_ offset: Int) -> Bool { String.Index(utf16Offset: offset, in: text).samePosition(in: text) != nil }
    while start > 0, !isBoundary(start) { start -= 1 }
    var end = min(utf16.count, start + length)
    while end < utf16.count, !isBoundary(end) { end += 1 }
    let head = start > 0 ? "…" : ""
    let tail = end < utf16.count ? "…" : ""
    let body = String(decoding: utf16[start..<end], as: UTF16.self)
    let shift = head.utf16.count - start
    let moved = all.compactMap { h -> Highlight? in
      guard h.start >= start && h.end <= end else { return nil }
      return Highlight(start: h.start + shift, end: h.end + shift)
    }
    return (head + body + tail, moved, kinds)
  }
}
