import Foundation
import Knowledge
import Testing

@testable import Ranking
@testable import ReplyServer

/// The hand-written JSON of `GET /v1/suggest` is byte for byte what the API's JSON encoder writes.
@Suite struct SuggestionJSONTests {
  /// Text from pieces that need escaping or are not ASCII: quotes, backslashes, slashes, every control character,
  /// DEL, the line and paragraph separators, combining marks, CJK and an emoji.
  static let pieces: [String] =
    ["\"", "\\", "/", "\u{7F}", "\u{2028}", "\u{2029}", "e\u{301}", "退款", "ｔｋ", "😀", "a", "Z", " ", "{}", "[]", ":"]
    + (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }

  static func text(_ generator: inout some RandomNumberGenerator) -> String {
    (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
  }

  static func number(_ generator: inout some RandomNumberGenerator) -> Double {
    switch Int.random(in: 0..<6, using: &generator) {
    case 0: Double(Int.random(in: -1_000...1_000, using: &generator))
    case 1: Double.random(in: 0...1, using: &generator)
    case 2: Double.random(in: -1e-6...1e-6, using: &generator)
    case 3: Double.random(in: 1e15...1e22, using: &generator)
    case 4:
      [0.0, -0.0, 1.0, 0.1, 1e-7, 123_456_789.0, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude]
        .randomElement(using: &generator)!
    default: Double.random(in: -100...100, using: &generator)
    }
  }

  static func suggestion(_ generator: inout some RandomNumberGenerator) -> Suggestion {
    func spans() -> [Highlight] {
      (0..<Int.random(in: 0...3, using: &generator)).map { _ in
        Highlight(start: Int.random(in: 0...500, using: &generator), end: Int.random(in: 0...500, using: &generator))
      }
    }
    let scopes: [Scope] = [.company, .group(text(&generator) + "g"), .personal(text(&generator) + "p")]
    let kinds: [MatchKind] = [.exact, .prefix, .pinyin, .initials, .typo, .synonym]
    return Suggestion(
      id: text(&generator), source: KnowledgeSource.allCases.randomElement(using: &generator)!,
      language: Bool.random(using: &generator) ? text(&generator) : nil, title: text(&generator),
      titleHighlights: spans(), snippet: text(&generator), snippetHighlights: spans(), content: text(&generator),
      scope: scopes.randomElement(using: &generator)!, folder: Bool.random(using: &generator) ? text(&generator) : nil,
      score: number(&generator),
      matched: (0..<Int.random(in: 0...3, using: &generator)).map { _ in
        MatchReason(field: text(&generator), kind: kinds.randomElement(using: &generator)!)
      })
  }

  @Test func theBytesAreTheEncodersForRandomSuggestions() throws {
    var generator = SystemRandomNumberGenerator()
    for round in 0..<2_000 {
      let suggestions = (0..<Int.random(in: 0...4, using: &generator)).map { _ in Self.suggestion(&generator) }
      let expected = Array(try SuggestionCache.encoder.encode(suggestions))
      let written = try SuggestionJSON.encode(suggestions)
      try #require(
        written == expected,
        "round \(round): \(String(decoding: written, as: UTF8.self)) against \(String(decoding: expected, as: UTF8.self))"
      )
    }
  }

  @Test func theQueryIsQuotedAsTheEncoderQuotesIt() throws {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let query = Self.text(&generator)
      var quoted: [UInt8] = []
      SuggestionJSON.string(query, &quoted)
      try #require(quoted == Array(try SuggestionCache.encoder.encode(query)), "\(query.unicodeScalars.map(\.value))")
    }
  }

  @Test func aScoreThatIsNotANumberIsRefusedAsTheEncoderRefusesIt() {
    var generator = SystemRandomNumberGenerator()
    var suggestion = Self.suggestion(&generator)
    suggestion.score = .nan
    #expect(throws: (any Error).self) { try SuggestionJSON.encode([suggestion]) }
  }
}
