/// What the question model knows of a stored question beside the asked text: the features, by name, in the
/// order of a `FeatureVector`. Model files name the features they read (`QuestionModelFile`), and a model
/// whose names this schema does not have is refused. Add a feature at the end; renaming, removing or
/// reordering one is a new `schemaVersion`, and the models are fitted again (`make models`).
public enum QuestionFeature: Int, CaseIterable, Sendable {
  /// The item's index score relative to the best hit's.
  case engine
  /// The IDF mass of the asked words the question has (synonyms weighed by `RankingWeights.synonym`), over
  /// the asked words' and over the question's.
  case queryCoverage, questionCoverage
  /// Dice overlap of the words and of the character pairs.
  case wordDice, pairDice
  /// The shared character pairs over the asked text's and over the question's.
  case queryPairCoverage, questionPairCoverage
  /// The longest common subsequence of characters over the asked text's and the question's length.
  case queryLCS, questionLCS
  /// The shorter length over the longer.
  case lengthRatio
  /// 1 when the folded texts are equal.
  case exact
  /// The IDF of the rarest asked word the question lacks, and of its rarest word not asked (over 10).
  case missingInQuestion, missingInQuery
  /// The shared pairs' IDF mass over the asked text's pairs' and over the question's.
  case queryPairWeightedCoverage, questionPairWeightedCoverage
  /// The mean `queryCoverage` of the item's best three questions (the item's, filled in by the ranking).
  case support
  /// 1 / (1 + the item's place among the index hits).
  case engineRank
  /// The asked words' stems the question has (IDF-weighed).
  case stemCoverage
  /// The asked words' stems anywhere in the item, and a BM25 over the item's questions as one stemmed text
  /// relative to the best candidate's (both the item's, filled in by the ranking).
  case itemStemCoverage, itemBM25
  /// The tenant's learned word evidence (`WordEvidence`; 0 without): what the unshared words say, the most
  /// decisive on each side and the sum over 5, and what the shared ones say, the strongest and the sum over 5.
  case differsInQuery, differsInQuestion, differsSum, sharesStrongest, sharesSum
  /// Raw sizes the tree models split on: characters asked and in the question (over 10), how far the two
  /// start alike, how much of the unfinished word the question has, the shared and asked IDF mass (over 10),
  /// the shared pairs and the common subsequence's length (over 10).
  case askedCharacters, questionCharacters, commonStart, unfinishedShare, sharedIDF, askedIDF, sharedPairs
  case commonCharacters
  /// Meaning, with a sentence-embedding model (`SemanticStage`; 0 without): the cosine of the asked text with
  /// the question, and with the item's nearest question.
  case cosine, itemCosine

  /// The version of this list that models are fitted on (`featureSchema` in a model file).
  public static let schemaVersion = 1

  /// The feature's name in model files and feature dumps.
  public var name: String { Self.names[rawValue] }

  public init?(name: String) {
    guard let index = Self.names.firstIndex(of: name) else { return nil }
    self.init(rawValue: index)
  }

  static let names = allCases.map { String(describing: $0) }
}

/// One stored question's features, read and written by name (`vector[.engine]`).
public struct FeatureVector: Hashable, Sendable {
  /// The values in `QuestionFeature` order (feature dumps print them so).
  public private(set) var values: [Double]

  public init() {
    values = [Double](repeating: 0, count: QuestionFeature.allCases.count)
  }

  public subscript(feature: QuestionFeature) -> Double {
    get { values[feature.rawValue] }
    set { values[feature.rawValue] = newValue }
  }
}
