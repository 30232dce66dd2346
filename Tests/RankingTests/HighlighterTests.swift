import Foundation
import Testing

@testable import Ranking
@testable import TextAnalysis

/// Shown texts that hold none of the matched words are not analysed (`Highlighter.mayMatch`): what they show
/// must be what analysing them showed.
@Suite struct HighlighterTests {
  /// Every string of the demo corpus's items (titles, questions, answers, bodies, their language versions),
  /// a deterministic sample of them.
  static func demoTexts() throws -> [String] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../corpora/demo").standardized
    var texts: [String] = []
    func collect(_ value: Any) {
      if let text = value as? String, text.count >= 2 {
        texts.append(text)
      } else if let array = value as? [Any] {
        array.forEach(collect)
      } else if let object = value as? [String: Any] {
        for key in object.keys.sorted() where !["id", "source", "language", "scope"].contains(key) {
          collect(object[key]!)
        }
      }
    }
    for file in ["quick_replies", "bot_knowledge", "internal_knowledge"] {
      let lines = try String(contentsOf: folder.appendingPathComponent("\(file).jsonl"), encoding: .utf8)
        .split(separator: "\n")
      for line in lines { collect(try JSONSerialization.jsonObject(with: Data(line.utf8))) }
    }
    return stride(from: 0, to: texts.count, by: 9).map { texts[$0] }
  }

  @Test func textsLeftUnanalysedShowWhatTheirAnalysisShowed() async throws {
    let (engine, folder) = try await SuggestTests.engine()
    defer { folder.remove() }
    let suggester = engine.suggester
    let analyzer = try suggester.analyzers.analyzer(for: "acme")
    let context = try suggester.context("acme")
    let texts =
      try Self.demoTexts() + [
        "申請退款要多久", "ＲＥＦＵＮＤ please", "Café au lait, déjà vu", "退款😀流程", "e\u{301}te\u{301} refund", "",
        // Canonically equal to a query below with other bytes, which folding keeps apart: a Bengali two-part
        // vowel, compatibility jamo.
        "ক\u{09C7}\u{09BE}ন", "ㄱㅏ 안내",
      ]
    // The starts of some texts as typed (one to four characters), and words typed another way.
    var queries = stride(from: 0, to: texts.count, by: 23).flatMap { index in
      (1...4).map { String(texts[index].prefix($0)) }
    }
    queries += [
      "申請", "退款 进度", "REFUND", "refu", "cafe", "Café", "tk", "tuikuan", "退宽", "运费 险", "😀", "ক\u{09CB}", "가 ",
    ]
    var skipped = 0
    var analysed = 0
    for query in queries {
      guard let plan = try suggester.analysed(query, options: .typedQuery, analyzer: analyzer, context: context).plan
      else { continue }
      let skipping = Highlighter(analyzer: analyzer, plan: plan)
      var analysing = skipping
      analysing.skipsTextsThatCannotMatch = false
      for text in texts {
        if skipping.mayMatch(text) { analysed += 1 } else { skipped += 1 }
        for pinyin in [false, true] {
          let (left, right) = (skipping.matches(in: text, pinyin: pinyin), analysing.matches(in: text, pinyin: pinyin))
          #expect(left.highlights == right.highlights, "\(query) in \(text)")
          #expect(left.kinds == right.kinds, "\(query) in \(text)")
        }
        let (left, right) = (skipping.snippet(of: text), analysing.snippet(of: text))
        #expect(left.0 == right.0 && left.1 == right.1 && left.2 == right.2, "\(query) in \(text)")
      }
    }
    // Both ways were taken often: the comparison is not empty on either side.
    #expect(skipped > 1_000 && analysed > 100, "skipped \(skipped), analysed \(analysed)")
  }

  @Test func onlyTextThatNeverComposesIsComparedByBytes() {
    #expect(Highlighter.comparesByBytes("退款流程, 请稍候。refund 😀"))  // folded text: the full-width comma is ","
    #expect(!Highlighter.comparesByBytes("ক\u{09C7}\u{09BE}"))
    #expect(!Highlighter.comparesByBytes("\u{1100}\u{1161}"))
    #expect(!Highlighter.comparesByBytes("e\u{301}"))
    #expect(!Highlighter.comparesByBytes("か\u{3099}"))
  }

  @Test func bytesOccurWhereTheyOccur() {
    func occurs(_ needle: String, _ haystack: String) -> Bool {
      var (needle, haystack) = (needle, haystack)
      return needle.withUTF8 { needle in haystack.withUTF8 { Highlighter.occurs(needle, in: $0) } }
    }
    #expect(occurs("", ""))
    #expect(occurs("", "退款"))
    #expect(occurs("款", "退款"))
    #expect(occurs("退款", "退款"))
    #expect(!occurs("退款流程", "退款"))
    #expect(occurs("aab", "aaab"))
    #expect(!occurs("abc", "abab"))
    // Random strings over a small alphabet, against Foundation's search of the bytes.
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let haystack = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in "ab退".randomElement()! })
      let needle = String((0..<Int.random(in: 0...4, using: &generator)).map { _ in "ab退".randomElement()! })
      let expected = needle.isEmpty || Data(haystack.utf8).range(of: Data(needle.utf8)) != nil
      #expect(occurs(needle, haystack) == expected, "\(needle) in \(haystack)")
    }
  }
}
