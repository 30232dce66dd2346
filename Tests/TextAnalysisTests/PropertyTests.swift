import PropertyBased
import Testing

@testable import TextAnalysis

/// Token invariants over random and edge input: mixed scripts, full-width, combining marks, emoji,
/// whitespace and punctuation, long strings.
@Suite struct PropertyTests {
  let analyzer: Analyzer

  init() throws { analyzer = try Analyzer() }

  /// Characters from every script and trap the analyzer meets in help-desk text.
  static let pieces: [String] = [
    "退", "款", "貨", "請問", "验证码", "花呗", "顺丰", "洗衣液", "iPhone", "15", "A12345", "café", "e\u{301}", "ß",
    "ﬁ", "Ａ", "１", "ｶﾞ", "返品", "した", "ー", "환불", "\u{1100}\u{1161}", "ขอ", "ทำ", "ໄປ", "ភ្នំ", "မြန်",
    "Привет", "😊", "👩‍💻", "🇨🇳", "❤️", "\u{FE0F}", "\u{200D}", "\u{AD}", " ", "\u{3000}", "\t", "\n", "？", "。",
    "，", "!", ".", "-", "_", "@", "¥", "299.00", "½", "㈱", "𠀀", "\u{E000}", "\u{FFFD}", "\u{0301}",
  ]

  static let texts = Gen.int(in: 0..<pieces.count).map { pieces[$0] }.array(of: 0...40).map { $0.joined() }

  @Test func invariantsHoldOnRandomMixedText() async throws {
    await propertyCheck(count: 300, input: Self.texts, Gen.bool) { text, partial in
      let tokens = try analyzer.analyze(text, options: AnalysisOptions(partial: partial))
      try TokenInvariants.check(tokens, of: text, analyzer: analyzer)
    }
  }

  @Test func invariantsHoldOnRandomUnicode() async throws {
    // Code points up to plane 2 (CJK extensions); surrogate values stand in for U+FFFD.
    let scalar = Gen.int(in: 0...0x2FFFF).map { Unicode.Scalar(UInt32($0)) ?? "\u{FFFD}" }
    let scalars = scalar.array(of: 0...60).map { String(String.UnicodeScalarView($0)) }
    await propertyCheck(count: 300, input: scalars) { text in
      let tokens = try analyzer.analyze(text, options: .typedQuery)
      try TokenInvariants.check(tokens, of: text, analyzer: analyzer)
    }
  }

  @Test func foldingIsIdempotentOnRandomText() async throws {
    await propertyCheck(count: 300, input: Self.texts) { text in
      let once = try analyzer.fold(text)
      #expect(try analyzer.fold(once) == once)
    }
  }

  @Test func analysisIsDeterministicAndThreadSafe() async throws {
    let text = Self.pieces.joined(separator: "，") + String(repeating: "请问怎么退货，", count: 50)
    let expected = try analyzer.analyze(text)
    let analyzer = self.analyzer
    try await withThrowingTaskGroup(of: [Token].self) { group in
      for _ in 0..<8 { group.addTask { try analyzer.analyze(text) } }
      for try await tokens in group { #expect(tokens == expected) }
    }
  }

  @Test func longInputKeepsInvariants() throws {
    let text = String(repeating: "请问iPhone15退貨要多久？café 😊 ขอคืนเงิน ", count: 2_000)  // about 100 KB
    #expect(text.utf8.count > 100_000)
    let tokens = try analyzer.analyze(text, options: .typedQuery)
    // 请问 iphone15 退货 要 多久 cafe ขอ คืน เงิน: nine words a repetition, nothing else.
    #expect(tokens.count == 9 * 2_000)
    try TokenInvariants.check(tokens, of: text, analyzer: analyzer)
  }
}
