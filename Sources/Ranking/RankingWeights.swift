import Index
import TextAnalysis

/// Every weight of the ranking in one value, so that evaluation can compare settings side by side.
public struct RankingWeights: Codable, Hashable, Sendable {
  /// BM25 parameters (term frequency saturation, length normalisation).
  public var k1 = 1.2
  public var b = 0.6
  /// BM25's length normalisation for the candidates of typed Chinese text's question model (the model weighs
  /// the questions' lengths itself). None (0) spares Xapian each candidate's document length, and found better
  /// candidates on afqmc_train's prefixes (MRR@10 0.0225 to 0.0253, Recall@10 0.0550 to 0.0599; 0.3 was level
  /// with 0.6). Typed English keeps `b` (Banking77's prefixes 0.0011 lower at 0, not significant).
  public var typedQuestionB = 0.0
  /// Field weights: a title or shortcut and the questions weigh more than bodies.
  public var title = 3.0
  public var similar = 2.0
  public var body = 1.0
  public var tags = 1.5
  /// A match of the typed prefix on a title word.
  public var titleWordPrefix = 2.5
  /// The whole typed text is the start of the title.
  public var exactTitlePrefix = 4.0
  /// Pinyin and initials matches rank below matches on the characters themselves (景点 / 经典).
  public var pinyin = 0.8
  public var initials = 0.6
  /// The typed pinyin or initials are the start of the whole title (on top of the word match).
  public var titlePinyinStart = 0.8
  /// Prefix expansion in bodies.
  public var bodyPrefix = 0.5
  /// A typo-corrected or synonym term, relative to the term typed.
  public var typo = 0.6
  public var synonym = 0.8
  /// Usage: log(1 + picks) decayed by age, times this.
  public var usage = 0.6
  /// Personal > group > company among equals.
  public var scope = 0.02
  /// Wildcard expansion limit for body prefixes (the most frequent terms are kept).
  public var maxPrefixExpansion: UInt32 = 30
  /// Smart reply: below this confidence there is no good answer.
  public var minimumConfidence = 0.35
  /// Smart reply: how many index hits the question model re-ranks.
  public var smartReplyCandidates = 60
  /// Han character pairs of titles and questions (`TermPrefix.bigram`), relative to a word match.
  public var bigram = 1.0
  /// Smart reply subtracts this from an internal article's model score.
  public var internalPenalty = 0.5
  /// The question model: a bias, then one weight per `QuestionMatch.names` feature (log-odds that the
  /// stored question answers the one asked), fitted by `tools/eval/fit-question-model.py`: on AFQMC train
  /// for text with Han words, on Banking77's training examples for Latin text (the evidence differs: Chinese
  /// leans on character pairs, English on words).
  public var questionModel: [Double] = [
    -4.977, 0.5, -0.198, -0.11, 0.847, 1.094, -1.447, 0.133, -0.196, 1.156, 1.045, 0.001, -1.125, 0.469, -0.448,
    0.368, 0.802, -0.06, 0, 0, 0,
  ]
  public var latinQuestionModel: [Double] = [
    -5.656, 0.239, -0.184, 0.414, 0.651, 0.742, 0.701, 0.784, 0.115, 0.104, 0.056, 0.0, -0.224, 0.922, 0.201, 0.284,
    0.281, 0.267, -0.146, 0.953, 1.327,
  ]
  /// The question model compares at most this many of an entry's questions with the asked text, those that
  /// share the most with it (`QuestionMatch.closest`): learned phrasings can give an entry hundreds.
  public var questionsCompared = 12
  /// Suggest ranks typed text of at least this many words with the typed question model (like smart reply).
  /// Two since the tree model (`typedQuestionTrees`): with the linear model, a shortcut's start typed as two
  /// words lost its place (退款到 no longer put 退款到账时间 first: that model had no "the question starts with
  /// the typed text" evidence); the trees weigh `commonStart`, and the demo's judged prefixes stay at 0.863.
  public var questionWords = 2
  /// How many index hits suggest re-ranks for such text, and its character-pair weight (see `bigram`): fewer
  /// and cheaper than smart reply's, as suggest answers every keystroke.
  public var typedQuestionCandidates = 20
  public var typedBigram = 1.0
  /// `typedQuestionCandidates` for typed Chinese of two words, when `questionWords` is 2: fewer, as two words
  /// are typed far more often than three (the 100k bench's p99 stays level at 14, where 20 raised it by 8 %).
  public var twoWordTypedQuestionCandidates = 14
  /// Typed text ranked by the question model puts the items whose title starts with it first (and makes them
  /// candidates if the index queries did not find them). Off: level on afqmc from three words, and one more
  /// query; with `questionWords` 2 it keeps a shortcut's start typed as two words first (docs/benchmarks.md).
  public var typedTitleStartFirst = false
  /// Typed Chinese text's any-word candidates leave out words and character pairs found in more than this
  /// share of the titles and questions, when a rarer finished word is typed (1: none left out).
  public var typedCommonShare = 0.1
  /// Suggest takes its candidates from items with every typed word when there are enough of them.
  public var typedQuestionAllWordsFirst = true
  /// With a value above 0, suggest skips the any-word query when the all-words tiers already found this many
  /// items (0: it runs whenever they found fewer than `typedQuestionCandidates`). A latency setting, off by
  /// default: at 10 it cut the 100k bench's p99 by about a tenth, and lost recall on afqmc_train's prefixes
  /// (Recall@10 0.0550 to 0.0541, p = 0.0002; MRR@10 -0.0002, p = 0.065).
  public var typedQuestionEnoughHits = 0
  /// Typed Chinese's any-word query asks for a two-character word by its character-pair term alone, with this
  /// weight, instead of by the word in titles, tags and similar questions plus the pair (0: the word's own
  /// terms too). Fitted on afqmc_train's prefixes, where 3 to 4 are level with the word's terms (Recall@10
  /// 0.0550 either way); the any-word query walks one posting list for such a word instead of up to four.
  public var typedPairForWord = 4.0
  /// The same for a typed two-character Chinese word still being typed (the last): asked for by its pair term
  /// alone with this weight, instead of by title-word prefixes, titles, tags, similar questions and a wildcard
  /// over them (every title or question with a word that starts with the two characters has the pair); and,
  /// beside a rarer finished word, left out when the pair is common (`typedCommonShare`). 0: the word's own terms.
  public var typedPairForUnfinished = 4.0
  /// `questionWords` and `typedQuestionCandidates` for typed text without Han words (English): from two
  /// words on, and more candidates, as English prefixes share fewer distinctive words with the answer's
  /// questions (fitted on Banking77's training examples; Han typed text keeps the cheaper settings, which
  /// the 100k-item latency target is measured with).
  public var latinQuestionWords = 2
  public var latinTypedQuestionCandidates = 40
  /// The question models for typed text (its last word unfinished), fitted on prefixes of the same training
  /// questions (`replykit eval --mode prefix --features`); the Han one on the candidates `typedQuestionB` finds.
  public var typedQuestionModel: [Double] = [
    -4.802, 0.032, 0.231, -0.11, 0.005, 1.085, 0.018, -0.401, -0.111, 0.312, 0.268, -0.249, 0.082, -0.018, 0.016,
    -0.4, -0.019, 0.127, -0.019, -0.019, 0.093,
  ]
  public var latinTypedQuestionModel: [Double] = [
    -5.071, 0.539, 0.152, -0.261, -0.359, 1.211, 0.87, 0.713, 0.127, 0.162, 0.142, 0.0, 1.126, -0.786, 0.12, 0.213,
    0.948, 0.561, 0.705, 0.288, 1.006,
  ]
  /// The Han question models for a tenant with learned word evidence (`replykit learn`): the same features
  /// and five more from the evidence, fitted on AFQMC train questions with evidence learned from the other
  /// train questions. Empty: the models above (which is also what a tenant without evidence gets).
  public var learnedQuestionModel: [Double] = [
    -4.659, -0.128, 0.04, 0.629, 0.726, 0.075, -1.612, 0.111, 0.939, 0.892, 1.175, -0.999, 0.205, 0.468, 0.54, 0.604,
    -0.96, 0.163, 0.04, 0.04, 0.883, -0.455, -0.259, -0.41, 0.146, 0.568,
  ]
  public var learnedTypedQuestionModel: [Double] = [
    -4.672, 0.561, 0.08, 0.104, -0.431, 0.644, -0.499, -0.236, 0.494, 0.328, 1.114, 0.002, 0.569, 0.249, 0.759,
    0.079, -0.27, 0.145, -0.02, -0.02, 1.079, -1.12, -0.19, -0.1, 0.638, 0.806,
  ]

  /// The same for Latin text (English), fitted on Banking77's training examples. Empty: the Latin models above.
  public var learnedLatinQuestionModel: [Double] = [
    -4.244, 0.82, -1.623, -0.736, 0.671, 1.123, 0.907, 0.717, 0.575, 0.137, 0.554, 0, -0.098, 0.008, 0.657, 0.717,
    0.192, 0.099, -0.009, 0.798, 1.601, -0.36, -0.39, -0.428, 0.128, 1.89,
  ]
  public var learnedLatinTypedQuestionModel: [Double] = [
    -4.524, 0.486, 0.095, -0.286, -0.138, 0.681, 0.72, 0.172, 0.033, 0.121, 0.108, 0, 1.792, -0.514, 0.72, -0.228,
    0.672, 0.001, 0.254, 0.667, 0.986, -0.554, -0.096, -0.315, 0.028, 1.585,
  ]

  /// The tree model for typed Chinese text: it ranks in place of `typedQuestionModel` when it has trees.
  /// Fitted by `tools/eval/fit-question-trees.py` on the seven disjoint afqmc_train parts
  /// (`afqmc-fit-split.py --parts 7`), on the candidates `typedQuestionB` finds; docs/benchmarks.md says
  /// what it bought. `[]` in a weights file: the linear model ranks.
  public var typedQuestionTrees = QuestionTrees.standardTyped
  /// The same for a tenant with learned word evidence (in place of `learnedTypedQuestionModel`), fitted on
  /// the same parts with each part's evidence learned from the other six parts' questions
  /// (`fit-question-trees.py --field learnedTypedQuestionTrees`).
  /// `[]`: `typedQuestionTrees` ranks for such tenants too.
  public var learnedTypedQuestionTrees = QuestionTrees.standardLearnedTyped
  /// The tree models for smart reply's whole Chinese questions, fitted the same way on the parts' whole
  /// questions (`replykit eval --mode full --features`); `[]`: the linear `questionModel` and
  /// `learnedQuestionModel` rank.
  public var questionTrees = QuestionTrees.standardWhole
  public var learnedQuestionTrees = QuestionTrees.standardLearnedWhole
  /// How many of a candidate's compared questions the trees score: those the linear model puts first. An
  /// AFQMC entry has one question; the 100k bench's have several, and scoring all of them cost more than the
  /// rest of the ranking (docs/benchmarks.md).
  public var treeQuestions = 2

  public init() {}

  /// Weights from JSON: any subset of the fields; the rest keep their standard values.
  public init(from decoder: any Decoder) throws {
    self.init()
    let container = try decoder.container(keyedBy: CodingKeys.self)
    func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
      if let given = try container.decodeIfPresent(T.self, forKey: key) { value = given }
    }
    try read(.k1, &k1)
    try read(.b, &b)
    try read(.typedQuestionB, &typedQuestionB)
    try read(.title, &title)
    try read(.similar, &similar)
    try read(.body, &body)
    try read(.tags, &tags)
    try read(.titleWordPrefix, &titleWordPrefix)
    try read(.exactTitlePrefix, &exactTitlePrefix)
    try read(.pinyin, &pinyin)
    try read(.initials, &initials)
    try read(.titlePinyinStart, &titlePinyinStart)
    try read(.bodyPrefix, &bodyPrefix)
    try read(.typo, &typo)
    try read(.synonym, &synonym)
    try read(.usage, &usage)
    try read(.scope, &scope)
    try read(.maxPrefixExpansion, &maxPrefixExpansion)
    try read(.minimumConfidence, &minimumConfidence)
    try read(.smartReplyCandidates, &smartReplyCandidates)
    try read(.bigram, &bigram)
    try read(.internalPenalty, &internalPenalty)
    try read(.questionModel, &questionModel)
    try read(.questionWords, &questionWords)
    try read(.questionsCompared, &questionsCompared)
    try read(.typedQuestionModel, &typedQuestionModel)
    try read(.latinQuestionModel, &latinQuestionModel)
    try read(.latinTypedQuestionModel, &latinTypedQuestionModel)
    try read(.typedQuestionCandidates, &typedQuestionCandidates)
    try read(.twoWordTypedQuestionCandidates, &twoWordTypedQuestionCandidates)
    try read(.typedTitleStartFirst, &typedTitleStartFirst)
    try read(.typedBigram, &typedBigram)
    try read(.typedQuestionAllWordsFirst, &typedQuestionAllWordsFirst)
    try read(.typedQuestionEnoughHits, &typedQuestionEnoughHits)
    try read(.typedPairForWord, &typedPairForWord)
    try read(.typedPairForUnfinished, &typedPairForUnfinished)
    try read(.latinTypedQuestionCandidates, &latinTypedQuestionCandidates)
    try read(.latinQuestionWords, &latinQuestionWords)
    try read(.typedCommonShare, &typedCommonShare)
    try read(.learnedQuestionModel, &learnedQuestionModel)
    try read(.learnedTypedQuestionModel, &learnedTypedQuestionModel)
    try read(.learnedLatinQuestionModel, &learnedLatinQuestionModel)
    try read(.learnedLatinTypedQuestionModel, &learnedLatinTypedQuestionModel)
    try read(.typedQuestionTrees, &typedQuestionTrees)
    try read(.learnedTypedQuestionTrees, &learnedTypedQuestionTrees)
    try read(.treeQuestions, &treeQuestions)
    try read(.questionTrees, &questionTrees)
    try read(.learnedQuestionTrees, &learnedQuestionTrees)
  }

  public static let standard = RankingWeights()

  /// The question model for text with these tokens: the Latin model when no word is Han; for a tenant with
  /// learned word evidence (`learned`), the learned model when there is one.
  func questionModel(for tokens: [Token], typed: Bool, learned: Bool = false) -> [Double] {
    let han = tokens.contains { $0.script == .han }
    if learned {
      let model =
        han
        ? (typed ? learnedTypedQuestionModel : learnedQuestionModel)
        : (typed ? learnedLatinTypedQuestionModel : learnedLatinQuestionModel)
      if !model.isEmpty { return model }
    }
    return typed ? (han ? typedQuestionModel : latinTypedQuestionModel) : (han ? questionModel : latinQuestionModel)
  }

  /// The tree model for text with these tokens, or nil when the linear model (`questionModel(for:typed:learned:)`)
  /// ranks: trees are fitted for Chinese text only. `learned`: the tenant has learned evidence (its learned
  /// trees when there are some, else the lexical ones).
  func questionTrees(for tokens: [Token], typed: Bool, learned: Bool = false) -> QuestionTrees? {
    guard tokens.contains(where: { $0.script == .han }) else { return nil }
    let (lexical, withEvidence) =
      typed ? (typedQuestionTrees, learnedTypedQuestionTrees) : (questionTrees, learnedQuestionTrees)
    if learned && !withEvidence.isEmpty { return withEvidence }
    return lexical.isEmpty ? nil : lexical
  }
}
