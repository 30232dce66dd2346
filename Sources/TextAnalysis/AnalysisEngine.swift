/// The parts of analysis that are built once per process and shared by every `Analyzer`.
final class AnalysisEngine: Sendable {
  static let shared: Result<AnalysisEngine, TextAnalysisError> = Result { () throws(TextAnalysisError) in
    try AnalysisEngine()
  }

  let folding: CharacterFolding
  let segmenter: WordSegmenter
  let pinyin: PinyinTranscriber
  let builtinLexicon: Lexicon
  let version: String

  private init() throws(TextAnalysisError) {
    let folding = try CharacterFolding()
    self.folding = folding
    segmenter = try WordSegmenter()
    pinyin = try PinyinTranscriber()
    var words: [[UInt16]] = []
    for word in BuiltinLexicon.list {
      let source = Array(word.utf16)
      words.append(
        try source.withUnsafeBufferPointer { (s) throws(TextAnalysisError) in
          var units = try folding.fold(s).units
          folding.simplifyHan(&units)
          return units
        })
    }
    builtinLexicon = Lexicon(foldedWords: words)
    version =
      "replykit-analyzer/\(Analyzer.formatVersion) icu-\(ICU.version) lexicon-\(String(builtinLexicon.digest, radix: 16))"
  }

  /// Folds and simplifies, as terms are: the form lexicon words and `Analyzer.fold` give.
  func foldedTerm(_ source: UnsafeBufferPointer<UInt16>) throws(TextAnalysisError) -> [UInt16] {
    var units = try folding.fold(source).units
    folding.simplifyHan(&units)
    return units
  }

  func lexicon(of words: some Sequence<String>) throws(TextAnalysisError) -> Lexicon {
    var folded: [[UInt16]] = []
    for word in words {
      let source = Array(word.utf16)
      let units = try source.withUnsafeBufferPointer { (s) throws(TextAnalysisError) in try foldedTerm(s) }
      // A word is kept whole between its ends; spaces at its edges are typing noise.
      var trimmed = units[...]
      while trimmed.first == 0x20 { trimmed.removeFirst() }
      while trimmed.last == 0x20 { trimmed.removeLast() }
      folded.append(Array(trimmed))
    }
    return Lexicon(foldedWords: folded)
  }

  func tokens(of source: UnsafeBufferPointer<UInt16>, userDictionary: Lexicon, options: AnalysisOptions)
    throws(TextAnalysisError) -> [Token]
  {
    var folded = try folding.fold(source)
    // Chinese is simplified before segmentation (ICU splits 收货 but keeps 收貨 whole; folding first makes
    // both spellings split alike). Japanese is segmented as written, then simplified, so terms still agree.
    let japanese = CharacterFolding.containsKana(folded.units)
    if !japanese { folding.simplifyHan(&folded.units) }
    var segments = try folded.units.withUnsafeBufferPointer { (text) throws(TextAnalysisError) in
      try segmenter.segments(of: text)
    }
    if japanese { folding.simplifyHan(&folded.units) }
    return try folded.units.withUnsafeBufferPointer { (text) throws(TextAnalysisError) -> [Token] in
      let words = keepLexiconWordsWhole(segments, in: text, userDictionary: userDictionary)
      var tokens: [Token] = []
      tokens.reserveCapacity(words.count)
      for (index, (word, parts)) in words.enumerated() {
        let units = UnsafeBufferPointer(rebasing: text[word.start..<word.end])
        let term = String(utf16Units: units)
        let script = script(of: units)
        var keys: PinyinKeys?
        if options.pinyinKeys && script == .han { keys = try pinyin.keys(for: term) }
        tokens.append(
          Token(
            term: term,
            range: Int(folded.originStart[word.start])..<Int(folded.originEnd[word.end - 1]),
            position: index,
            script: script,
            pinyin: keys,
            isUnfinished: options.partial && index == words.count - 1 && word.end == text.count,
            parts: parts.map {
              String(utf16Units: UnsafeBufferPointer(rebasing: text[$0.start..<$0.end]))
            }
          ))
      }
      return tokens
    }
  }

  /// Re-cuts ICU's words where a lexicon knows a longer word: at each word start, the longest lexicon word
  /// that begins there (within a run of words with nothing between them) replaces the words it covers. A
  /// word it cuts through keeps its remainder as a word of its own. A word made of several of ICU's words
  /// gets `parts`: the same re-cutting inside it, with words shorter than the whole (退款进度 -> 退款, 进度).
  private func keepLexiconWordsWhole(
    _ segments: [Segment], in text: UnsafeBufferPointer<UInt16>, userDictionary: Lexicon
  ) -> [(word: Segment, parts: [Segment])] {
    guard !segments.isEmpty else { return [] }
    // runLimit[k]: the end of the run of touching words that starts with word k.
    var runLimit = [Int](repeating: 0, count: segments.count)
    runLimit[segments.count - 1] = segments[segments.count - 1].end
    for k in stride(from: segments.count - 2, through: 0, by: -1) {
      runLimit[k] = segments[k].end == segments[k + 1].start ? runLimit[k + 1] : segments[k].end
    }
    var words: [(word: Segment, parts: [Segment])] = []
    words.reserveCapacity(segments.count)
    var k = 0
    while k < segments.count {
      let (word, consumed) = longestWord(
        from: segments[k...], in: text, limit: runLimit[k], userDictionary: userDictionary)
      var parts: [Segment] = []
      if word.end > segments[k].end {
        // The covered ICU words, the last one cut at the word's end, re-cut with shorter lexicon words.
        var inner = Array(segments[k..<k + consumed])
        inner[inner.count - 1].end = min(inner[inner.count - 1].end, word.end)
        var i = 0
        while i < inner.count {
          let (part, used) = longestWord(
            from: inner[i...], in: text, limit: min(word.end, inner[i].start + (word.end - word.start) - 1),
            userDictionary: userDictionary)
          parts.append(part)
          i += used
          if inner[i - 1].end > part.end {  // the part cut through an ICU word: its rest goes on
            i -= 1
            inner[i].start = part.end
          }
        }
        // A compound of single characters (花呗 -> 花, 呗) has no parts worth finding it by.
        if !parts.contains(where: { $0.end - $0.start >= 2 }) { parts = [] }
      }
      words.append((word, parts))
      k += consumed
      // An ICU word the lexicon word cut through goes on from the lexicon word's end.
      if k > 0, k <= segments.count, segments[k - 1].end > word.end {
        k -= 1
        var rest = segments[k]
        rest.start = word.end
        words.append((rest, []))
        k += 1
      }
    }
    return words
  }

  /// The longest word at `segments.first`: a lexicon word ending at or before `limit` if one is longer than
  /// ICU's word, else ICU's word. Returns it and how many of `segments` it touches.
  private func longestWord(
    from segments: ArraySlice<Segment>, in text: UnsafeBufferPointer<UInt16>, limit: Int, userDictionary: Lexicon
  ) -> (Segment, Int) {
    let first = segments.first!
    // Only a word longer than ICU's counts: none fits before a gap (a space after a Latin word).
    guard limit > first.end else { return (first, 1) }
    var end = builtinLexicon.longestMatch(in: text, from: first.start, limit: limit) ?? 0
    if let user = userDictionary.longestMatch(in: text, from: first.start, limit: limit) { end = max(end, user) }
    guard end > first.end else { return (first, 1) }
    var touched = 0
    for segment in segments {
      guard segment.start < end else { break }
      touched += 1
    }
    return (Segment(start: first.start, end: end, kind: first.kind), touched)
  }

  private func script(of units: UnsafeBufferPointer<UInt16>) -> Script {
    var classes = ScriptClass.Mask()
    var i = 0
    while i < units.count {
      let (cp, length) = CharacterFolding.codePoint(in: units, at: i)
      classes.insert(folding.scriptClass(of: cp))
      i += length
    }
    return Script(classes)
  }
}
