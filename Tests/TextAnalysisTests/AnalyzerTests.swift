import Testing

@testable import TextAnalysis

/// Behaviour of the whole chain on real sentences.
@Suite struct AnalyzerTests {
  let analyzer: Analyzer

  init() throws { analyzer = try Analyzer() }

  private func terms(_ text: String, _ options: AnalysisOptions = .document) throws -> [String] {
    try analyzer.analyze(text, options: options).map(\.term)
  }

  @Test func traditionalAndSimplifiedGiveTheSameTerms() throws {
    #expect(try terms("請問怎麼退貨") == terms("请问怎么退货"))
    #expect(try terms("請問怎麼修改收貨地址") == terms("请问怎么修改收货地址"))
    #expect(try terms("請問怎麼退貨") == ["请问", "怎么", "退货"])
  }

  @Test(arguments: [
    ("iPhone15退货要多久", ["iphone15", "退货", "要", "多久"]),
    ("订单号A12345怎么查", ["订单号", "a12345", "怎么", "查"]),
    ("WhatsApp收不到验证码", ["whatsapp", "收", "不到", "验证码"]),
  ])
  func mixedTextSplitsSensibly(text: String, expected: [String]) throws {
    #expect(try terms(text) == expected)
  }

  @Test func japaneseIsSegmentedAsWrittenThenSimplified() throws {
    // Simplified first, ICU's Japanese dictionary would split 配达 and 确认 into characters.
    #expect(try terms("配達状況を確認したい") == ["配达", "状况", "を", "确认", "した", "い"])
    // Japanese shinjitai (歴, 収) are not Traditional Chinese and stay; 領 is, and folds to 领.
    #expect(try terms("注文履歴から領収書を発行できますか").prefix(4) == ["注文", "履歴", "から", "领収"])
    // Kanji alone (a query) simplify the same way.
    #expect(try terms("確認") == ["确认"])
  }

  @Test func foldsWidthCaseAndAccents() throws {
    #expect(try terms("ＡＢＣ１２３ Café NAÏVE") == ["abc123", "cafe", "naive"])
    // A decomposed accent (e + U+0301) folds like the precomposed one.
    #expect(try terms("e\u{301}te\u{301}") == terms("été"))
    // Half-width katakana with a voiced mark composes to the full-width word.
    #expect(try terms("ｶﾞｲﾄﾞ") == ["ガイド"])
  }

  @Test func punctuationWhitespaceAndEmojiAreNotTerms() throws {
    #expect(try terms("").isEmpty)
    #expect(try terms("   \t\n\u{3000} ").isEmpty)
    #expect(try terms("？！。，、…—“”《》!?.,;:()[]").isEmpty)
    #expect(try terms("😊👩‍💻🇨🇳❤️").isEmpty)
    #expect(try terms("好的😊谢谢！") == ["好的", "谢谢"])
  }

  @Test func rangesPointIntoTheOriginalInput() throws {
    let text = "請問iPhone15退貨要多久？"
    let tokens = try analyzer.analyze(text)
    #expect(tokens.map { String(text[$0.range(in: text)]) } == ["請問", "iPhone15", "退貨", "要", "多久"])
    #expect(tokens.map(\.position) == Array(0..<tokens.count))
    #expect(tokens.map(\.script) == [.han, .latin, .han, .han, .han])
  }

  @Test func rangesCoverCharactersThatFoldToNothing() throws {
    let text = "ex\u{AD}ample"  // a soft hyphen
    let tokens = try analyzer.analyze(text)
    #expect(tokens.map(\.term) == ["example"])
    #expect(tokens.first?.range == 0..<8)
  }

  @Test func pinyinKeysForHanWordsOnly() throws {
    let tokens = try analyzer.analyze("退款refund")
    #expect(tokens[0].pinyin == PinyinKeys(full: "tuikuan", initials: "tk"))
    #expect(tokens[1].pinyin == nil)
    let off = try analyzer.analyze("退款", options: AnalysisOptions(pinyinKeys: false))
    #expect(off[0].pinyin == nil)
    #expect(try analyzer.pinyin(of: "驗證碼") == PinyinKeys(full: "yanzhengma", initials: "yzm"))
  }

  @Test(arguments: [
    ("银行", "yinhang", "yh"), ("银行卡", "yinhangka", "yhk"), ("地址", "dizhi", "dz"), ("还款", "huankuan", "hk"),
    ("重新", "chongxin", "cx"), ("收货地址", "shouhuodizhi", "shdz"),
  ])
  func listedReadingsCorrectICUsPolyphones(word: String, full: String, initials: String) throws {
    #expect(try analyzer.pinyin(of: word) == PinyinKeys(full: full, initials: initials))
  }

  @Test func readingsApplyInsideLongerWordsAndLeaveTheRestToICU() throws {
    let readings = PinyinReadings(lines: "银行 yin hang\n地址 di zhi")
    let latin = try readings.latin(for: "去银行改地址吧") { (text) throws(TextAnalysisError) in "<\(text)>" }
    #expect(latin == "<去> yin hang <改> di zhi <吧>")
    #expect(PinyinReadings.builtin.count >= 50)
  }

  @Test func scriptsOfTokens() throws {
    let tokens = try analyzer.analyze("返品したい 환불 ขอคืนเงิน refund 299 iphone15")
    let scripts = Dictionary(tokens.map { ($0.term, $0.script) }, uniquingKeysWith: { a, _ in a })
    #expect(scripts["返品"] == .han)
    #expect(scripts["した"] == .kana)
    #expect(scripts["환불"] == .hangul)
    #expect(scripts["ขอ"] == .thai)
    #expect(scripts["refund"] == .latin)
    #expect(scripts["299"] == .digits)
    #expect(scripts["iphone15"] == .latin)
  }

  @Test func partialInputMarksOnlyAnUnfinishedLastToken() throws {
    let typed = try analyzer.analyze("退款流", options: .typedQuery)
    #expect(typed.map(\.term) == ["退款", "流"])
    #expect(typed.map(\.isUnfinished) == [false, true])
    // A space or punctuation after the last word means the word is finished.
    #expect(try analyzer.analyze("退款 ", options: .typedQuery).allSatisfy { !$0.isUnfinished })
    #expect(try analyzer.analyze("退款？", options: .typedQuery).allSatisfy { !$0.isUnfinished })
    // Stored text is never partial.
    #expect(try analyzer.analyze("退款流").allSatisfy { !$0.isUnfinished })
    #expect(try analyzer.analyze("pasw", options: .typedQuery).last?.isUnfinished == true)
  }

  @Test func builtinLexiconKeepsHelpDeskWordsWhole() throws {
    for word in ["退货", "收货", "验证码", "花呗", "顺丰"] {
      #expect(try terms("我的\(word)呢").contains(word), "\(word)")
    }
    #expect(analyzer.builtinLexiconCount >= 5)
  }

  @Test func compoundLexiconWordsCarryTheirParts() throws {
    let tokens = try analyzer.analyze("退款进度怎么查")
    #expect(tokens.first?.term == "退款进度")
    #expect(tokens.first?.parts == ["退款", "进度"])
    // Words ICU already keeps whole, and compounds of single characters, have no parts.
    #expect(try analyzer.analyze("怎么").first?.parts == [])
    #expect(try analyzer.analyze("花呗").first?.parts == [])
    // A user word's parts come from the built-in lexicon and ICU.
    let tenant = try analyzer.withUserDictionary(["顺丰到付"])
    #expect(try tenant.analyze("顺丰到付").first?.parts == ["顺丰", "到付"])
  }

  @Test func userDictionaryTakesEffectWithoutARebuild() throws {
    // 洗衣液 is in the built-in lexicon; the brand 蓝月亮 is not.
    #expect(try terms("这款蓝月亮洗衣液怎么用").contains("洗衣液"))
    #expect(try terms("这款蓝月亮洗衣液怎么用").contains("蓝月亮") == false)
    let tenant = try analyzer.withUserDictionary(["蓝月亮", "顺丰到付", " 花呗分期 "])
    #expect(try tenant.analyze("这款蓝月亮洗衣液怎么用").map(\.term).contains("蓝月亮"))
    #expect(try tenant.analyze("可以顺丰到付吗").map(\.term).contains("顺丰到付"))
    #expect(try tenant.analyze("能用花唄分期嗎").map(\.term).contains("花呗分期"))
    #expect(tenant.userDictionary.count == 3)
    // The shared analyzer is unchanged.
    #expect(try terms("这款蓝月亮洗衣液怎么用").contains("蓝月亮") == false)
  }

  @Test func userDictionaryWordsInTraditionalMatchSimplifiedText() throws {
    let tenant = try analyzer.withUserDictionary(["藍月亮"])
    #expect(try tenant.analyze("这款蓝月亮").map(\.term).contains("蓝月亮"))
  }

  @Test func aLexiconWordCuttingThroughAnICUWordKeepsTheRemainder() throws {
    // ICU splits 退款流程 into 退款/流程; a user word 退款流 (made up) cuts through 流程.
    let tenant = try analyzer.withUserDictionary(["退款流"])
    let tokens = try tenant.analyze("退款流程")
    #expect(tokens.map(\.term) == ["退款流", "程"])
    #expect(tokens.map(\.range) == [0..<3, 3..<4])
  }

  @Test func tooLongInputIsAClearError() throws {
    let long = String(repeating: "退", count: Analyzer.maxInputUTF8Bytes / 3 + 1)
    #expect(throws: TextAnalysisError.inputTooLong(utf8Bytes: long.utf8.count, limit: Analyzer.maxInputUTF8Bytes)) {
      try analyzer.analyze(long)
    }
  }

  @Test func oneMegabyteIsABoundedResult() throws {
    let sentence = "请问iPhone15退货要多久？"
    let text = String(repeating: sentence, count: 1_000_000 / sentence.utf8.count)
    let tokens = try analyzer.analyze(text)
    #expect(tokens.count == 5 * (1_000_000 / sentence.utf8.count))
    #expect(tokens.last!.range.upperBound < text.utf16.count)
  }

  @Test func invalidUTF8IsAClearErrorWithTheOffset() throws {
    let bytes: [UInt8] = Array("退款".utf8) + [0xE9, 0x80] + Array("ok".utf8)
    #expect(throws: TextAnalysisError.invalidUTF8(offset: 6)) { try analyzer.analyze(utf8: bytes) }
    #expect(throws: TextAnalysisError.invalidUTF8(offset: 0)) { try analyzer.analyze(utf8: [0xC0, 0x80]) }
    #expect(throws: TextAnalysisError.invalidUTF8(offset: 1)) { try analyzer.analyze(utf8: [0x61, 0xED, 0xA0, 0x80]) }
    #expect(try analyzer.analyze(utf8: Array("退款ok".utf8)).map(\.term) == ["退款", "ok"])
  }

  @Test func versionNamesICUAndTheLexicon() {
    #expect(
      analyzer.version.hasPrefix("replykit-analyzer/\(Analyzer.formatVersion) icu-\(Analyzer.icuVersion) lexicon-"))
    #expect(Analyzer.icuVersion.split(separator: ".").count >= 2)
  }
}
