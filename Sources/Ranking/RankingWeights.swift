import Foundation
import Index
import Knowledge
import TextAnalysis

/// Every setting of the ranking in one value, grouped by what it tunes, so that evaluation can compare settings
/// side by side. In JSON (`--weights FILE`) it is an object of the groups below, each an object of its
/// settings; a file gives any of them and the rest keep their standard values (`RankingWeights+File`). Why
/// each standard value is what it is, with the measurements, is in docs/ranking.md and docs/benchmarks.md.
public struct RankingWeights: Codable, Hashable, Sendable {
  public var bm25 = BM25()
  public var fields = Fields()
  public var matching = Matching()
  public var signals = Signals()
  public var typed = Typed()
  public var smartReply = SmartReply()
  public var questions = Questions()
  public var indexOrder = IndexOrder()
  public var models = QuestionModels.standard

  public init() {}

  public static let standard = RankingWeights()

  /// The lexical base: the standard weights with no learned model, every candidate in the index's order
  /// (BM25 over words, Han characters and pairs, Latin stems and trigrams). What a learned model has to beat,
  /// on domains it was not fitted on, to be used (`replykit eval --ranking lexical`; docs/relevance.md).
  public static let lexical: RankingWeights = {
    var weights = RankingWeights()
    weights.models = .lexical
    return weights
  }()

  /// These weights with the question models `choice` names: their own (`standard`), or none (`lexical`, the
  /// index's order), as a tenant chose (`TenantSettings.wholeRanking`, `typedRanking`).
  public func choosing(_ choice: RankingChoice) -> RankingWeights {
    guard choice == .lexical else { return self }
    var weights = self
    weights.models = .lexical
    return weights
  }

  /// The named rankings `--ranking` takes.
  public static let named: [String: RankingWeights] = ["standard": .standard, "lexical": .lexical]

  /// Xapian's BM25.
  public struct BM25: Codable, Hashable, Sendable {
    /// Term frequency saturation and length normalisation.
    public var k1 = 1.2
    public var b = 0.6
    /// Length normalisation for the candidates of typed Chinese text's question model (the model weighs the
    /// questions' lengths itself; none spares Xapian each candidate's document length). Typed English keeps `b`.
    public var typedQuestionB = 0.0
  }

  /// How much a match counts in each field of an item.
  public struct Fields: Codable, Hashable, Sendable {
    /// A title or shortcut and the questions weigh more than bodies.
    public var title = 3.0
    public var similar = 2.0
    public var body = 1.0
    public var tags = 1.5
    /// Han character pairs of titles and questions (`TermPrefix.bigram`), relative to a word match: for whole
    /// text and for typed text.
    public var bigram = 1.0
    public var typedBigram = 1.0
    /// Han characters of titles and questions (`TermPrefix.character`), for whole text and for typed text.
    public var character = 1.0
    public var typedCharacter = 0.0
    /// Stems of Latin words (`TermPrefix.stem`) and their character trigrams (`TermPrefix.trigram`), for whole
    /// text and for typed text (where the unfinished word's stem is asked for too: typed English is cut at a
    /// word as often as inside one). The typed values were chosen on the Banking77 and CLINC150 training
    /// splits (docs/relevance.md); where the index's order is the ranking, `indexOrder` has its own.
    public var stem = 1.0
    public var typedStem = 9.0
    public var trigram = 0.5
    public var typedTrigram = 1.5
    /// Characters and trigrams found in more than this share of the documents are not asked for (1: all are).
    public var commonCharacterShare = 0.1
  }

  /// How much each way a typed word can match counts, relative to the word itself.
  public struct Matching: Codable, Hashable, Sendable {
    /// A match of the typed prefix on a title word.
    public var titleWordPrefix = 2.5
    /// The whole typed text is the start of the title.
    public var exactTitlePrefix = 4.0
    /// Prefix expansion in bodies, and how many terms a prefix expands to at most (the most frequent).
    public var bodyPrefix = 0.5
    public var maxPrefixExpansion: UInt32 = 30
    /// Pinyin and initials rank below the characters themselves (景点 / 经典); the typed pinyin or initials
    /// being the start of the whole title counts on top of the word match.
    public var pinyin = 0.8
    public var initials = 0.6
    public var titlePinyinStart = 0.8
    /// A typo-corrected or synonym term.
    public var typo = 0.6
    public var synonym = 0.8
  }

  /// The index's query where its order is the whole ranking (the lexical base, `--ranking lexical`, and a
  /// tenant that chose it): the learned models were fitted with the scores the settings above give, so
  /// these apply only where no model reorders the candidates. Chosen on the Banking77 and CLINC150
  /// training splits (docs/relevance.md).
  public struct IndexOrder: Codable, Hashable, Sendable {
    /// Whole text: Latin stems and trigrams (as `Fields.stem`, `Fields.trigram`), weighed as an engine that
    /// ranks English by its stems does.
    public var stem = 6.0
    public var trigram = 1.5
  }

  /// What the ranking adds beside the text.
  public struct Signals: Codable, Hashable, Sendable {
    /// Usage: log(1 + picks) decayed by age, times this.
    public var usage = 0.6
    /// Personal > group > company among equals.
    public var scope = 0.02
  }

  /// Typed text (suggest) ranked by the question model: when, over how many candidates, found how.
  public struct Typed: Codable, Hashable, Sendable {
    /// From how many words typed Chinese text is ranked by the question model, over how many index hits
    /// (fewer for two words, which are typed far more often), and the same for text without Han words.
    public var questionWords = 2
    public var candidates = 20
    public var twoWordCandidates = 14
    public var latinQuestionWords = 2
    public var latinCandidates = 40
    /// Put the items whose title starts with the typed text first (and make them candidates).
    public var titleStartFirst = false
    /// How many of the agent's quick replies whose title starts with the typed text (or its pinyin or
    /// initials) go first, before anything else that matched (`Suggester.quickRepliesFirst`; 0: none).
    public var quickTitleStarts = 3
    /// Typed Chinese text's any-word candidates leave out words and character pairs found in more than this
    /// share of the titles and questions, when a rarer finished word is typed (1: none left out).
    public var commonShare = 0.1
    /// Take the candidates from items with every typed word when there are enough of them.
    public var allWordsFirst = true
    /// Above 0: skip the any-word query when the all-words tiers found this many items (a latency setting).
    public var enoughHits = 0
    /// Typed Chinese's any-word query asks for a two-character word, finished or being typed, by its
    /// character-pair term alone with this weight (0: by the word's own terms).
    public var pairForWord = 4.0
    public var pairForUnfinished = 4.0
  }

  /// Smart reply (a customer's whole message).
  public struct SmartReply: Codable, Hashable, Sendable {
    /// Below this confidence there is no good answer.
    public var minimumConfidence = 0.35
    /// How many index hits the question model re-ranks.
    public var candidates = 60
    /// Subtracted from an internal article's model score.
    public var internalPenalty = 0.5
    /// With a sentence-embedding model: how many items nearest in meaning join the index's candidates.
    public var meaningCandidates = 20
    /// With a sentence-embedding model, the confidence is the probability that the first answer is right:
    /// a logistic function of its best cosine and its word overlap, fitted on Banking77's training examples
    /// (`tools/eval/fit-confidence.py`, on whole-latin-semantic's dump). Below `minimumMeaningConfidence`
    /// there is no good answer: 0.5, more likely wrong than right, chosen on no collection's scores.
    public var meaningConfidence = MeaningConfidence(bias: -2.052, cosine: 4.306, overlap: 1.321)
    public var minimumMeaningConfidence = 0.5
    /// Below this a tenant's fitted confidence (`TenantSettings.confidence`, a probability) has no good answer:
    /// more likely wrong than right.
    public var minimumCalibratedConfidence = 0.5
  }

  public struct MeaningConfidence: Codable, Hashable, Sendable {
    public var bias: Double
    public var cosine: Double
    public var overlap: Double

    public init(bias: Double, cosine: Double, overlap: Double) {
      (self.bias, self.cosine, self.overlap) = (bias, cosine, overlap)
    }

    func probability(cosine itemCosine: Double, overlap wordOverlap: Double) -> Double {
      let logit: Double = bias + cosine * itemCosine + overlap * wordOverlap
      return 1 / (1 + Foundation.exp(-logit))
    }
  }

  /// How many of an entry's questions the question model reads.
  public struct Questions: Codable, Hashable, Sendable {
    /// The model compares at most this many of an entry's questions with the asked text, those that share the
    /// most with it (`QuestionMatch.closest`): learned phrasings can give an entry hundreds.
    public var compared = 12
    /// How many of a candidate's compared questions the trees score: those the linear model puts first.
    public var treeQuestions = 2
  }

  /// The question model for text with these tokens: the Latin model when no word is Han; for a tenant with
  /// learned word evidence (`learned`), the learned model when there is one; for whole Latin questions with the
  /// cosines of a sentence-embedding model (`semantic`), the semantic model when there is one.
  func questionModel(for tokens: [Token], typed: Bool, learned: Bool = false, semantic: Bool = false) -> LinearModel {
    if semantic && weighsMeaning(tokens, typed: typed), let model = models.wholeLatinSemantic { return model }
    let han = tokens.contains { $0.script == .han }
    if learned {
      let model =
        han
        ? (typed ? models.typedHanLearned : models.wholeHanLearned)
        : (typed ? models.typedLatinLearned : models.wholeLatinLearned)
      if let model { return model }
    }
    return typed ? (han ? models.typedHan : models.typedLatin) : (han ? models.wholeHan : models.wholeLatin)
  }

  /// Whether a question model weighs cosines for text with these tokens: whole Latin questions only, until a
  /// model is fitted with the cosines of a model that reads Chinese (docs/semantic.md).
  func weighsMeaning(_ tokens: [Token], typed: Bool) -> Bool {
    !typed && models.wholeLatinSemantic != nil && !tokens.contains { $0.script == .han }
  }

  /// The tree model for text with these tokens, or nil when the linear model (`questionModel(for:typed:learned:)`)
  /// ranks: trees are fitted for Chinese text only. `learned`: the tenant has learned evidence (its learned
  /// trees when there are some, else the lexical ones).
  func questionTrees(for tokens: [Token], typed: Bool, learned: Bool = false) -> QuestionTrees? {
    guard tokens.contains(where: { $0.script == .han }) else { return nil }
    let (lexical, withEvidence) =
      typed ? (models.typedHanTrees, models.typedHanLearnedTrees) : (models.wholeHanTrees, models.wholeHanLearnedTrees)
    if learned, let withEvidence, !withEvidence.isEmpty { return withEvidence }
    return lexical.flatMap { $0.isEmpty ? nil : $0 }
  }
}

/// The question models the ranking uses, by what they rank: typed text or whole questions, Han or Latin
/// text, for a tenant without or with learned word evidence. The standard ones are the files in
/// Sources/RankingModels/Models (how each was fitted is in its `fitted`). In a weights file, a model is a
/// model file's object or a shipped model's name; `null` turns an optional one off (no learned model: the
/// lexical one ranks; no trees: the linear model ranks).
public struct QuestionModels: Codable, Hashable, Sendable {
  public var typedHan: LinearModel
  public var typedLatin: LinearModel
  public var wholeHan: LinearModel
  public var wholeLatin: LinearModel
  public var typedHanLearned: LinearModel?
  public var typedLatinLearned: LinearModel?
  public var wholeHanLearned: LinearModel?
  public var wholeLatinLearned: LinearModel?
  public var typedHanTrees: QuestionTrees?
  public var typedHanLearnedTrees: QuestionTrees?
  public var wholeHanTrees: QuestionTrees?
  public var wholeHanLearnedTrees: QuestionTrees?
  /// Whole Latin questions when a sentence-embedding model is installed: the lexical features and the cosines.
  public var wholeLatinSemantic: LinearModel?

  /// No learned model: the hand-set `lexical` model (the index's score alone) for every kind of text.
  public static let lexical: QuestionModels = {
    do {
      let lexical = try ShippedModels.model("lexical", in: ShippedModels.linear)
      return QuestionModels(
        typedHan: lexical, typedLatin: lexical, wholeHan: lexical, wholeLatin: lexical, typedHanLearned: nil,
        typedLatinLearned: nil, wholeHanLearned: nil, wholeLatinLearned: nil, typedHanTrees: nil,
        typedHanLearnedTrees: nil, wholeHanTrees: nil, wholeHanLearnedTrees: nil)
    } catch {
      preconditionFailure("\(error)")
    }
  }()

  /// The shipped models.
  public static let standard: QuestionModels = {
    do {
      let (linear, trees) = (ShippedModels.linear, ShippedModels.trees)
      return QuestionModels(
        typedHan: try ShippedModels.model("typed-han", in: linear),
        typedLatin: try ShippedModels.model("typed-latin", in: linear),
        wholeHan: try ShippedModels.model("whole-han", in: linear),
        wholeLatin: try ShippedModels.model("whole-latin", in: linear),
        typedHanLearned: try ShippedModels.model("typed-han-learned", in: linear),
        typedLatinLearned: try ShippedModels.model("typed-latin-learned", in: linear),
        wholeHanLearned: try ShippedModels.model("whole-han-learned", in: linear),
        wholeLatinLearned: try ShippedModels.model("whole-latin-learned", in: linear),
        typedHanTrees: try ShippedModels.model("typed-han-trees", in: trees),
        typedHanLearnedTrees: try ShippedModels.model("typed-han-learned-trees", in: trees),
        wholeHanTrees: try ShippedModels.model("whole-han-trees", in: trees),
        wholeHanLearnedTrees: try ShippedModels.model("whole-han-learned-trees", in: trees),
        wholeLatinSemantic: try ShippedModels.model("whole-latin-semantic", in: linear))
    } catch {
      preconditionFailure("\(error)")
    }
  }()
}
