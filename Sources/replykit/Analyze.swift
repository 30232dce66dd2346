import ArgumentParser
import Foundation
import TextAnalysis

/// `replykit analyze`: shows how ReplyKit splits and folds text.
struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the tokens of a text: range, folded term, script and pinyin keys.",
    discussion: """
      Ranges are UTF-16 offsets into the input, as a browser's input box counts them. With no TEXT, each \
      line of standard input is analysed (with --json, one JSON object per line).
      """
  )

  @Argument(help: "The text to analyse. Reads lines from standard input when omitted.")
  var text: String?

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  @Flag(help: "Treat the text as typed input: the last token may be unfinished.")
  var partial = false

  @Flag(help: "Leave out pinyin keys.")
  var noPinyin = false

  @Option(name: .customLong("user-word"), help: "A word of the user dictionary (repeatable).")
  var userWords: [String] = []

  @Option(help: "A user dictionary file: one word per line, '#' starts a comment.")
  var userDictionary: String?

  func run() throws {
    var words = userWords
    if let path = userDictionary { words += try WordListFile.read(path) }
    let analyzer = try Analyzer().withUserDictionary(words)
    let options = AnalysisOptions(pinyinKeys: !noPinyin, partial: partial)
    if let text {
      try show(text, analyzer: analyzer, options: options, header: true)
      return
    }
    var lineNumber = 0
    while let line = readLine(strippingNewline: true) {
      lineNumber += 1
      do {
        let tokens = try analyzer.analyze(utf8: Array(line.utf8), options: options)
        try print(render(line, tokens: tokens, analyzer: analyzer, header: lineNumber == 1))
      } catch let error as TextAnalysisError {
        throw ValidationError("stdin:\(lineNumber): \(error)")
      }
    }
  }

  private func show(_ text: String, analyzer: Analyzer, options: AnalysisOptions, header: Bool) throws {
    let tokens = try analyzer.analyze(text, options: options)
    print(try render(text, tokens: tokens, analyzer: analyzer, header: header))
  }

  private func render(_ text: String, tokens: [Token], analyzer: Analyzer, header: Bool) throws -> String {
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      let data = try encoder.encode(AnalysisReport(text: text, analyzer: analyzer.version, tokens: tokens))
      return String(decoding: data, as: UTF8.self)
    }
    return TokenTable.render(text: text, tokens: tokens, header: header ? analyzer.version : nil)
  }
}

/// The JSON shape of `replykit analyze --json`.
struct AnalysisReport: Codable {
  var text: String
  var analyzer: String
  var tokens: [Token]
}
