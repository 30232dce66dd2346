import Foundation
import Testing
import TextAnalysis

/// The analyzer's output on real sentences, kept in `corpora/analysis/golden/` and checked by eye when
/// recorded (`make goldens` sets REPLYKIT_RECORD_GOLDENS=1). Each sentence is followed by one line per
/// token: `term[position] start-end script pinyin/initials parts=a+b`, plus `unfinished` in the partial-input view.
@Suite struct GoldenTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let inputs = root.appendingPathComponent("corpora/analysis/inputs")
  static let goldens = root.appendingPathComponent("corpora/analysis/golden")
  static let languages = ["zh-Hans", "zh-Hant", "ja", "th", "en", "mixed"]

  @Test(arguments: languages)
  func analysisMatchesGolden(language: String) throws {
    let analyzer = try Analyzer()
    let input = try String(contentsOf: Self.inputs.appendingPathComponent("\(language).txt"), encoding: .utf8)
    var lines = ["# \(analyzer.version)", "# input: corpora/analysis/inputs/\(language).txt"]
    for sentence in input.split(separator: "\n", omittingEmptySubsequences: true) where !sentence.hasPrefix("#") {
      let text = String(sentence)
      lines.append("> \(text)")
      for token in try analyzer.analyze(text) { lines.append("  " + Self.describe(token)) }
      // The typed view differs only in its last token; show it where it is unfinished.
      if let last = try analyzer.analyze(text, options: .typedQuery).last, last.isUnfinished {
        lines.append("  typed: " + Self.describe(last))
      }
    }
    let actual = lines.joined(separator: "\n") + "\n"
    let goldenURL = Self.goldens.appendingPathComponent("\(language).golden")
    if ProcessInfo.processInfo.environment["REPLYKIT_RECORD_GOLDENS"] == "1" {
      try FileManager.default.createDirectory(at: Self.goldens, withIntermediateDirectories: true)
      try actual.write(to: goldenURL, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: goldenURL, encoding: .utf8)
    // The header names the analyzer version; the tokens are what must not change unseen.
    let body = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("#") } }
    let expectedBody = body(expected)
    let actualBody = body(actual)
    for (index, (want, got)) in zip(expectedBody, actualBody).enumerated() where want != got {
      Issue.record("\(language).golden body line \(index + 1): expected `\(want)`, got `\(got)`")
      break
    }
    #expect(
      expectedBody.count == actualBody.count,
      "\(language).golden: line count differs; run make goldens and read the diff")
  }

  static func describe(_ token: Token) -> String {
    var text =
      "\(token.term)[\(token.position)] \(token.range.lowerBound)-\(token.range.upperBound) \(token.script.rawValue)"
    if let keys = token.pinyin { text += " \(keys.full)/\(keys.initials)" }
    if !token.parts.isEmpty { text += " parts=" + token.parts.joined(separator: "+") }
    if token.isUnfinished { text += " unfinished" }
    return text
  }
}
