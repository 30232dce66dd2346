import TextAnalysis

/// A text as the question matcher compares it: its words (compounds by their parts), its folded characters
/// and their pairs. Analysed once per distinct stored question and cached (see `QuestionMatch.Cache`).
package struct AnalyzedQuestion: Sendable {
  package var words: Set<FoldedTerm>
  /// The folded text's length in characters (what the length ratio compares).
  package var characterCount: Int
  /// The folded text's Unicode scalars, which the longest common subsequence compares (fast, unlike Characters).
  package var scalars: [UInt32]
  package var pairs: Set<FoldedTerm>
  package var folded: String
  /// The words' English stems (`EnglishStemmer`; other words as they are), for the stemmed-word features.
  package var stems: Set<FoldedTerm>
  /// The unfinished last word of typed text (matches any word it starts).
  package var unfinished: String?
  /// The words' IDFs and the summed IDF of the character pairs, when weighed once for a cached stored
  /// question (`weighed(idf:pairIDF:)`); otherwise `QuestionMatch` looks them up at each comparison.
  package var wordWeights: [FoldedTerm: Double]?
  package var pairMass: Double?

  /// The question with its words' and pairs' IDFs looked up once (they do not depend on what is asked).
  package func weighed(idf: (FoldedTerm) -> Double, pairIDF: (FoldedTerm) -> Double) -> AnalyzedQuestion {
    var question = self
    question.wordWeights = Dictionary(uniqueKeysWithValues: words.map { ($0, idf($0)) })
    question.pairMass = pairs.reduce(0) { $0 + pairIDF($1) }
    return question
  }

  package init(_ text: String, analyzer: Analyzer, partial: Bool = false) {
    let options = AnalysisOptions(pinyinKeys: false, partial: partial)
    let tokens = (try? analyzer.analyze(text, options: options)) ?? []
    self.init(words: tokens.map { AnalyzedWord(term: $0.term, parts: $0.parts, isUnfinished: $0.isUnfinished) })
  }

  /// From the analysed words of a text, as `init(_:analyzer:partial:)` makes them or the index stores them
  /// (`StoredQuestions`).
  package init(words analysed: [AnalyzedWord]) {
    var words = Set<FoldedTerm>()
    for word in analysed {
      if word.isUnfinished {
        unfinished = word.term
        continue
      }
      if word.parts.isEmpty {
        words.insert(FoldedTerm(word.term))
      } else {
        words.formUnion(word.parts.map { FoldedTerm($0) })
      }
    }
    self.words = words
    stems = Set(words.map { FoldedTerm(EnglishStemmer.stem($0.text)) })
    folded = analysed.map(\.term).joined()
    scalars = folded.unicodeScalars.map(\.value)
    (pairs, characterCount) = Self.pairs(of: folded)
  }

  /// Han character bigrams of runs of adjacent Han words (the index's fallback terms, see `TermPrefix.bigram`).
  package static func hanBigrams(_ tokens: [Token]) -> Set<String> {
    var bigrams = Set<String>()
    var run: [Character] = []
    var end = -1
    func flush() {
      for i in run.indices.dropLast() { bigrams.insert(String(run[i...i + 1])) }
      run = []
    }
    for token in tokens {
      if token.script != .han || token.range.lowerBound != end { flush() }
      if token.script == .han { run += Array(token.term) }
      end = token.range.upperBound
    }
    flush()
    return bigrams
  }

  /// The Han characters of `tokens` (the index's character terms, see `TermPrefix.character`).
  package static func hanCharacters(_ tokens: [Token]) -> Set<String> {
    var characters = Set<String>()
    for token in tokens where token.script == .han {
      for character in token.term { characters.insert(String(character)) }
    }
    return characters
  }

  /// The stems of the Latin words of `tokens`, one per word (the index's stem terms, see `TermPrefix.stem`).
  package static func latinStemList(_ tokens: [Token]) -> [String] {
    tokens.filter { $0.script == .latin }.map { EnglishStemmer.stem($0.term) }
  }

  package static func latinStems(_ tokens: [Token]) -> Set<String> { Set(latinStemList(tokens)) }

  /// The character trigrams of the Latin words of `tokens` of three letters or more, every one (the index's
  /// trigram terms, see `TermPrefix.trigram`): a misspelt word (pasword) still shares most of them with the
  /// right one.
  package static func latinTrigramList(_ tokens: [Token]) -> [String] {
    var trigrams: [String] = []
    for token in tokens where token.script == .latin {
      let characters = Array(token.term)
      guard characters.count >= 3 else { continue }
      for start in 0...(characters.count - 3) { trigrams.append(String(characters[start..<start + 3])) }
    }
    return trigrams
  }

  package static func latinTrigrams(_ tokens: [Token]) -> Set<String> { Set(latinTrigramList(tokens)) }

  /// The text's adjacent character pairs (the character itself when it has one), and its length in characters.
  /// Pairs are cut from the text by its indices: building each from two `Character`s cost a fifth of
  /// analysing a stored question the first time it is weighed.
  package static func pairs(of text: String) -> (pairs: Set<FoldedTerm>, characters: Int) {
    var pairs = Set<FoldedTerm>(minimumCapacity: text.utf8.count / 2)
    guard var first = text.indices.first else { return (pairs, 0) }
    var second = text.index(after: first)
    guard second < text.endIndex else { return ([FoldedTerm(text)], 1) }
    var count = 1
    while second < text.endIndex {
      let third = text.index(after: second)
      pairs.insert(FoldedTerm(String(text[first..<third])))
      (first, second) = (second, third)
      count += 1
    }
    return (pairs, count)
  }
}
