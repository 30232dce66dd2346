import Foundation
import RequestInput
import Testing

/// The query string's decoding is Foundation's `removingPercentEncoding` (after `+` is made a space), byte for
/// byte, done in one pass.
@Suite struct QueryStringTests {
  /// Pieces of percent-encoding whole, cut short, not hex, or decoding to bytes that are not UTF-8.
  static let pieces = [
    "%", "%2", "%e9", "%E9", "%zz", "%G1", "+", "%2B", "%2b", "%00", "a", "Z", "退", "é", "%E9%80%80", "%80", "%C3",
    "%C3%A9", "%ff%fe", "%F0%9F%98%80", "=", "&", " ", "%%", "%25", "/", "?", "#",
  ]

  static func foundation(_ part: Substring) -> String? {
    part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
  }

  @Test func decodingIsFoundationsForRandomParts() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
        Self.pieces.randomElement(using: &generator)!
      }.joined()
      let part = Substring(text)
      let decoded = QueryString.decoded(part)
      #expect(decoded == Self.foundation(part), "\(text)")
      if decoded != Self.foundation(part) { return }
    }
  }

  @Test func aPartCutShortOrNotUTF8IsAProblem() {
    #expect(QueryString.decoded("%E9%80") == nil)
    #expect(QueryString.decoded("%4") == nil)
    #expect(QueryString.decoded("a%zz") == nil)
    #expect(QueryString.decoded("%E9%80%80+%2B") == "退 +")
    #expect(QueryString.problem(in: "q=%FF%FE") == .notUTF8(parameter: "q"))
    #expect(QueryString.problem(in: "q=a%00b") == .nul(parameter: "q"))
    #expect(QueryString.problem(in: "q=%E9%80%80&limit=5") == nil)
  }
}
