import Testing

@testable import TextAnalysis

/// The checks every token stream must pass, whatever the input (after Lucene's BaseTokenStreamTestCase).
enum TokenInvariants {
  static func check(
    _ tokens: [Token], of text: String, analyzer: Analyzer, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let length = text.utf16.count
    var previous: Token?
    for (index, token) in tokens.enumerated() {
      #expect(!token.term.isEmpty, "empty term at \(index)", sourceLocation: sourceLocation)
      #expect(
        token.range.lowerBound >= 0 && token.range.upperBound <= length, "range outside the input",
        sourceLocation: sourceLocation)
      #expect(!token.range.isEmpty, "empty range at \(index)", sourceLocation: sourceLocation)
      #expect(token.position == index, "positions must count up from 0", sourceLocation: sourceLocation)
      if let previous {
        #expect(
          token.range.lowerBound >= previous.range.lowerBound, "ranges go backwards", sourceLocation: sourceLocation)
        #expect(
          token.range.upperBound >= previous.range.upperBound, "range ends go backwards", sourceLocation: sourceLocation
        )
      }
      // A term is already folded: folding it again changes nothing.
      #expect(try analyzer.fold(token.term) == token.term, "term not idempotent", sourceLocation: sourceLocation)
      #expect(
        !token.term.unicodeScalars.contains { $0.properties.isWhitespace }, "whitespace in a term",
        sourceLocation: sourceLocation)
      #expect(
        !token.isUnfinished || index == tokens.count - 1, "only the last token may be unfinished",
        sourceLocation: sourceLocation)
      if let keys = token.pinyin {
        #expect(token.script == .han, sourceLocation: sourceLocation)
        #expect(!keys.full.isEmpty && keys.full.allSatisfy { ("a"..."z").contains($0) }, sourceLocation: sourceLocation)
        #expect(keys.initials.count <= keys.full.count, sourceLocation: sourceLocation)
      }
      // Parts spell the term, each shorter than it.
      if !token.parts.isEmpty {
        #expect(token.parts.joined() == token.term, "parts do not spell the term", sourceLocation: sourceLocation)
        #expect(token.parts.count >= 2, sourceLocation: sourceLocation)
      }
      previous = token
    }
  }
}
