import Testing

@testable import TextAnalysis

/// Snowball's English stemmer (Porter2) as the question model's stemmed-word features use it.
struct EnglishStemmerTests {
  @Test(arguments: [
    ("caresses", "caress"), ("ponies", "poni"), ("cards", "card"), ("charged", "charg"), ("charge", "charg"),
    ("charges", "charg"), ("running", "run"), ("hopping", "hop"), ("hoping", "hope"), ("relational", "relat"),
    ("activate", "activ"), ("activated", "activ"), ("transferring", "transfer"), ("generalization", "general"),
    ("happy", "happi"), ("skies", "sky"), ("dying", "die"), ("news", "news"),
    // Possessives and contractions lose their ending; what is not plain ASCII letters is kept as it is.
    ("card's", "card"), ("don't", "don't"), ("atm", "atm"), ("花呗", "花呗"), ("2fa", "2fa"), ("café", "café"),
  ])
  func snowballStems(word: String, stem: String) {
    #expect(EnglishStemmer.stem(word) == stem)
  }

  /// Each Snowball stemmer is used by one thread at a time: many threads stemming at once get what one would.
  @Test func stemsAreTheSameFromManyThreadsAtOnce() async {
    let words = ["charged", "cards", "running", "generalization", "transferring", "activated", "ponies"]
    let expected = words.map(EnglishStemmer.stem)
    let results = await withTaskGroup(of: [String].self) { group in
      for _ in 0..<16 { group.addTask { (0..<200).flatMap { _ in words.map(EnglishStemmer.stem) } } }
      return await group.reduce(into: [[String]]()) { $0.append($1) }
    }
    for result in results { #expect(result == Array((0..<200).map { _ in expected }.joined())) }
  }
}
