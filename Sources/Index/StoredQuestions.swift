import Foundation
import Knowledge
import TextAnalysis

/// One analysed word of a question: its folded term, a compound's parts, and whether typing may still go on.
package struct AnalyzedWord: Hashable, Sendable {
  package var term: String
  package var parts: [String] = []
  package var isUnfinished = false

  package init(term: String, parts: [String] = [], isUnfinished: Bool = false) {
    self.term = term
    self.parts = parts
    self.isUnfinished = isUnfinished
  }

  package init(_ token: Token) { self.init(term: token.term, parts: token.parts) }
}

/// An item's questions as the question model compares them, analysed at index time and kept in each of its
/// documents' data after the item's key. Smart reply and typed suggestions then rank their candidates
/// without reading them from the store or segmenting their questions again (measured at 100k items: the two
/// were a third of a typed question's time), and read from the store only the few they show.
///
/// Which questions, in `questions(of:)`'s order: the title; for bot knowledge also its similar questions and
/// every language variant's (by language). Encoded as text with separators the analyzer never emits in a
/// term (control characters are not word characters): questions by U+1E, words by U+1D, a compound's parts
/// after its term by U+1C.
package enum StoredQuestions {
  /// The separators as UTF-8 bytes (what decoding splits on) and as text (what encoding joins with).
  package static let questionByte: UInt8 = 0x1E
  package static let wordByte: UInt8 = 0x1D
  package static let partByte: UInt8 = 0x1C
  package static let questionSeparator = String(UnicodeScalar(questionByte))
  package static let wordSeparator = String(UnicodeScalar(wordByte))
  package static let partSeparator = String(UnicodeScalar(partByte))

  /// The texts the model compares for `item`, in the stored order (`matchedQuestion` indexes into it): its
  /// questions in every language, then its `learned` phrasings.
  package static func questions(of item: KnowledgeItem, learned: [String] = []) -> [String] {
    guard item.source == .bot else { return [item.title] + learned }
    var questions = [item.title] + item.similar
    for language in item.variants.keys.sorted() where language != item.language {
      let variant = item.variants[language]!
      questions += [variant.title] + variant.similar
    }
    return questions + learned
  }

  package static func encode(_ questions: [[AnalyzedWord]]) -> String {
    questions.map { words in
      words.map { word in
        ([word.term] + word.parts).joined(separator: partSeparator)
      }.joined(separator: wordSeparator)
    }.joined(separator: questionSeparator)
  }

  /// The encoded questions of `encoded` (the part of a document's data after the key's separator), each to
  /// decode with `decodeQuestion`. The separators are single bytes that never occur inside a multi-byte UTF-8
  /// sequence, so the text is split as bytes.
  package static func split(_ encoded: Substring) -> [Substring] {
    encoded.utf8.split(separator: questionByte, omittingEmptySubsequences: false).map(Substring.init)
  }

  /// The words of one encoded question.
  package static func decodeQuestion(_ question: Substring) -> [AnalyzedWord] {
    question.utf8.split(separator: wordByte).map { word in
      let fields = word.split(separator: partByte)
      return AnalyzedWord(term: String(Substring(fields[0])), parts: fields.dropFirst().map { String(Substring($0)) })
    }
  }

  package static func decode(_ encoded: Substring) -> [[AnalyzedWord]] { split(encoded).map(decodeQuestion) }
}
