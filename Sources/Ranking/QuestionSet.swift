import Index

/// An entry's analysed questions as the question model compares them. An entry with more than a few (a
/// hundred learned phrasings) also keeps which of its questions hold each stem, character pair and word, so
/// that choosing the closest and weighing the entry as a whole cost a look-up per asked term, not one per
/// question. Built once per document and cached until a commit changes terms (`QuestionMatch.Cache`).
struct QuestionSet: Sendable {
  let questions: [AnalyzedQuestion]
  /// The postings, when the entry has more than `indexedAbove` questions (fewer are compared one by one).
  let index: Index?

  struct Index: Sendable {
    var byStem: [FoldedTerm: [Int]] = [:]
    var byPair: [FoldedTerm: [Int]] = [:]
    var byWord: [FoldedTerm: [Int]] = [:]
    /// Words in all the questions (the entry's length, for its BM25).
    var length = 0.0
  }

  init(_ questions: [AnalyzedQuestion], indexedAbove: Int) {
    self.questions = questions
    guard questions.count > indexedAbove else {
      index = nil
      return
    }
    var index = Index()
    for (position, question) in questions.enumerated() {
      for stem in question.stems { index.byStem[stem, default: []].append(position) }
      for pair in question.pairs { index.byPair[pair, default: []].append(position) }
      for word in question.words { index.byWord[word, default: []].append(position) }
      index.length += Double(question.words.count)
    }
    self.index = index
  }
}
