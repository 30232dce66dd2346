import Testing

@testable import TextAnalysis

/// The folding table that ICU builds: every code point, not just the ones a sentence happens to hold.
@Suite struct FoldingTests {
  let analyzer: Analyzer

  init() throws { analyzer = try Analyzer() }

  @Test func foldingIsIdempotentForEveryBMPCodePoint() throws {
    var failures: [String] = []
    for value in UInt32(0)..<0x10000 {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let once = try analyzer.fold(String(Character(scalar)))
      let twice = try analyzer.fold(once)
      if once != twice { failures.append(String(value, radix: 16)) }
    }
    #expect(failures.isEmpty, "not idempotent: \(failures.prefix(20))")
  }

  @Test(arguments: [
    ("Ａｂｃ", "abc"), ("１２３", "123"), ("\u{3000}", " "), ("？", "?"), ("ß", "ss"), ("ﬁ", "fi"),
    ("Ç", "c"), ("ñ", "n"), ("Ø", "ø"), ("İ", "i"),
    ("請問", "请问"), ("貨", "货"), ("麼", "么"), ("說", "说"),
    ("ｶﾞ", "ガ"), ("が", "が"), ("ทำ", "ทำ"), ("한국", "한국"),
  ])
  func foldsCharacters(input: String, expected: String) throws {
    #expect(try analyzer.fold(input) == expected)
  }

  @Test func simplifiedTableIsLarge() throws {
    let folding = try AnalysisEngine.shared.get().folding
    #expect(folding.simplified.count > 2000)
    #expect(folding.simplified[0x8CA8] == 0x8D27)  // 貨 -> 货
  }
}

@Suite struct SimplifiedMapTests {
  @Test func chainsResolveToTheirEndAndCyclesToTheirSmallestMember() {
    let resolved = CharacterFolding.resolvingChains([1: 2, 2: 3, 10: 11, 11: 10, 20: 21])
    #expect(resolved == [1: 3, 2: 3, 11: 10, 20: 21])
  }
}
