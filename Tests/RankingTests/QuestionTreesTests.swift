import Foundation
import Knowledge
import TestSupport
import Testing
import TextAnalysis

@testable import Index
@testable import Ranking
@testable import Workbench

/// The tree question model (`QuestionTrees`): how a tree is walked, what a weights file may hold, and that
/// typed Chinese text is ranked by it.
@Suite(.blocking) struct QuestionTreesTests {
  /// Two trees: the first splits on feature 0 then feature 2 of the model's list, the second is one leaf.
  static let trees = """
    [{"feature":[0,2],"threshold":[0.5,1.0],"left":[-1,-2],"right":[1,-3],"leaf":[1.0,2.0,4.0]},
     {"feature":[],"threshold":[],"left":[],"right":[],"leaf":[0.25]}]
    """

  /// A trees model file over `features` (by name).
  static func file(
    _ trees: String = Self.trees, features: [String] = ["engine", "queryCoverage", "questionCoverage"],
    schema: Int = QuestionFeature.schemaVersion
  ) -> String {
    let names = features.map { "\"\($0)\"" }.joined(separator: ",")
    return """
      {"model": "trees", "name": "test-trees", "featureSchema": \(schema), "features": [\(names)],
       "fitted": {"by": "hand"}, "trees": \(trees)}
      """
  }

  @Test func aFeatureAtTheThresholdGoesLeftAndTheLeavesAreSummed() throws {
    let model = try JSONDecoder().decode(QuestionTrees.self, from: Data(Self.file().utf8))
    #expect(model.score([0.5, 9, 9]) == 1.25)
    #expect(model.score([0.6, 0, 1.0]) == 2.25)
    #expect(model.score([0.6, 0, 1.5]) == 4.25)
    // A feature the vector does not have counts 0 (here feature 2: 0 <= 1, left).
    #expect(model.score([0.6]) == 2.25)
  }

  /// Many rows are walked four side by side, whatever the trees' depths: each row's score is its trees' leaves
  /// summed in order, as walking each tree's own arrays gives them (the shipped typed trees over seeded vectors,
  /// NaN included, in blocks of four and a remainder).
  @Test func rowsWalkedSideBySideScoreAsEachAlone() throws {
    let model = try #require(QuestionModels.standard.typedHanTrees)
    var random = SpellingVocabularyTests.SplitMix(state: 11)
    let rows = (0..<23).map { _ in
      var vector = FeatureVector()
      for feature in QuestionFeature.allCases {
        vector[feature] = random.next() % 50 == 0 ? .nan : Double(random.next() % 1000) / 500 - 0.5
      }
      return vector
    }
    let alone = rows.map { row in model.trees.reduce(0) { $0 + $1.value(row.values) } }
    #expect(model.scores(rows) == alone)
    #expect(rows.map { model.score($0) } == alone)
  }

  /// A tree's `feature` indexes the model's own list, which need not be the schema's order.
  @Test func aModelsFeaturesAreReadByName() throws {
    let model = try JSONDecoder().decode(
      QuestionTrees.self, from: Data(Self.file(features: ["commonStart", "engine", "exact"]).utf8))
    var vector = FeatureVector()
    vector[.commonStart] = 0.6
    vector[.exact] = 1.5
    #expect(model.score(vector) == 4.25)
    vector[.exact] = 1.0
    #expect(model.score(vector) == 2.25)
  }

  /// A model fitted on other features is refused, saying why: a model read against the wrong features would
  /// rank silently badly.
  @Test(arguments: [
    (file(features: ["engine", "queryCoverage", "noSuchFeature"]), #"reads feature "noSuchFeature""#),
    (file(schema: QuestionFeature.schemaVersion + 1), "fitted on feature schema"),
    (file(features: ["engine", "queryCoverage"]), "feature 2 is past the model's 2 features"),
    (
      #"{"model": "linear", "name": "l", "featureSchema": 1, "features": ["engine"], "bias": 0, "weights": [1, 2]}"#,
      "a linear model where a trees one goes"
    ),
  ])
  func aModelOfOtherFeaturesIsRefused(json: String, problem: String) {
    #expect {
      try JSONDecoder().decode(QuestionTrees.self, from: Data(json.utf8))
    } throws: { error in
      "\(error)".contains(problem)
    }
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(
        LinearModel.self,
        from: Data(
          #"{"model": "linear", "name": "l", "featureSchema": 1, "features": ["engine"], "bias": 0, "weights": [1, 2]}"#
            .utf8))
    }
  }

  /// The flat array `score` walks gives what walking each tree's own arrays gives, on the standard models.
  /// (By name: Swift Testing encodes a test's arguments to tell its cases apart, and a model is large.)
  @Test(arguments: ["typed-han-trees", "typed-han-learned-trees", "whole-han-trees", "whole-han-learned-trees"])
  func theStandardModelsScoreAsTheirTreesSay(name: String) throws {
    let models = QuestionModels.standard
    let model = try #require(
      [models.typedHanTrees, models.typedHanLearnedTrees, models.wholeHanTrees, models.wholeHanLearnedTrees]
        .first { $0?.name == name } ?? nil)
    #expect(!model.isEmpty)
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      var vector = FeatureVector()
      for feature in QuestionFeature.allCases { vector[feature] = Double.random(in: 0...1.2, using: &generator) }
      let summed = model.trees.reduce(0) { $0 + $1.value(vector.values) }
      #expect(abs(model.score(vector) - summed) < 1e-9)
    }
  }

  @Test(arguments: [
    (#"[{"feature":[0],"threshold":[1,2],"left":[-1],"right":[-2],"leaf":[1,2]}]"#, "one value per node"),
    (#"[{"feature":[0],"threshold":[1],"left":[-1],"right":[-3],"leaf":[1,2]}]"#, "leaf 2, past the last"),
    (#"[{"feature":[0,1],"threshold":[1,1],"left":[1],"right":[0],"leaf":[1,2,3]}]"#, "left and right"),
    (#"[{"feature":[0,1],"threshold":[1,1],"left":[1,-1],"right":[-2,1],"leaf":[1,2,3]}]"#, "reached twice"),
    (#"[{"feature":[-1],"threshold":[1],"left":[-1],"right":[-2],"leaf":[1,2]}]"#, "below 0"),
  ])
  func aBrokenTreeIsRefusedWithWhatIsWrong(json: String, problem: String) {
    #expect {
      try JSONDecoder().decode(QuestionTrees.self, from: Data(Self.file(json).utf8))
    } throws: { error in
      "\(error)".contains("tree 0") && "\(error)".contains(problem)
    }
  }

  /// A weights file may give its own trees, or `null` for the linear models; the trees rank typed Chinese only.
  @Test func aWeightsFileChoosesTheTreesOrNone() throws {
    let standard = RankingWeights.standard
    let none = try standard.overlaid(with: Data(#"{"models": {"typedHanTrees": null}}"#.utf8))
    #expect(none.models.typedHanTrees == nil)
    let given = try standard.overlaid(with: Data(#"{"models": {"typedHanTrees": \#(Self.file())}}"#.utf8))
    #expect(given.models.typedHanTrees?.trees.count == 2)
    #expect(standard.models.typedHanTrees != given.models.typedHanTrees)
    // Round trip: what `--weights` reads back is what was written.
    let encoded = try JSONEncoder().encode(given)
    #expect(try JSONDecoder().decode(RankingWeights.self, from: encoded) == given)

    let analyzer = try Analyzer()
    let chinese = try analyzer.analyze("花呗怎么还款", options: .typedQuery)
    let english = try analyzer.analyze("how do i pay", options: .typedQuery)
    #expect(given.questionTrees(for: chinese, typed: true) == given.models.typedHanTrees)
    // Whole questions (smart reply) have trees of their own; `null` gives the linear model back for them too.
    let whole = try standard.overlaid(
      with: Data(#"{"models": {"wholeHanTrees": \#(Self.file()), "wholeHanLearnedTrees": null}}"#.utf8))
    #expect(whole.questionTrees(for: chinese, typed: false) == whole.models.wholeHanTrees)
    #expect(whole.questionTrees(for: chinese, typed: false, learned: true) == whole.models.wholeHanTrees)
    #expect(whole.questionTrees(for: chinese, typed: true) == whole.models.typedHanTrees)
    #expect(whole.questionTrees(for: english, typed: false) == nil)
    #expect(given.questionTrees(for: english, typed: true) == nil)
    #expect(none.questionTrees(for: chinese, typed: true) == nil)
    // A tenant with learned evidence gets the learned trees (the standard ones here), or without them the same.
    #expect(given.models.typedHanLearnedTrees != nil)
    #expect(given.questionTrees(for: chinese, typed: true, learned: true) == given.models.typedHanLearnedTrees)
    var unlearned = given
    unlearned.models.typedHanLearnedTrees = nil
    #expect(unlearned.questionTrees(for: chinese, typed: true, learned: true) == given.models.typedHanTrees)
  }

  /// A weights file sets any settings of any group, and the rest keep their standard values; a setting the
  /// weights do not have is refused, naming it, instead of changing nothing.
  @Test func aWeightsFileSetsWhatItNamesAndRefusesWhatItDoesNot() throws {
    let standard = RankingWeights.standard
    let set = try standard.overlaid(with: Data(#"{"bm25": {"k1": 0.9}, "typed": {"questionWords": 3}}"#.utf8))
    #expect(set.bm25.k1 == 0.9)
    #expect(set.typed.questionWords == 3)
    var expected = standard
    expected.bm25.k1 = 0.9
    expected.typed.questionWords = 3
    #expect(set == expected)
    #expect(try standard.overlaid(with: Data("{}".utf8)) == standard)
    for (json, problem) in [
      (#"{"bm25": {"k": 1}}"#, "no setting bm25.k (known here: b, k1, typedQuestionB)"),
      (#"{"questionWords": 3}"#, "no setting questionWords"),
      (#"{"bm25": 1}"#, "bm25 must be an object"),
      (#"[]"#, "the file must be an object"),
    ] {
      #expect {
        try standard.overlaid(with: Data(json.utf8))
      } throws: { error in
        "\(error)".contains(problem)
      }
    }
    #expect(throws: (any Error).self) { try standard.overlaid(with: Data(#"{"typed": {"questionWords": "3"}}"#.utf8)) }
    // A shipped model may be named instead of given whole; a name that is not one is refused.
    let named = try standard.overlaid(with: Data(#"{"models": {"typedHanTrees": "whole-han-trees"}}"#.utf8))
    #expect(named.models.typedHanTrees == standard.models.wholeHanTrees)
    #expect {
      try standard.overlaid(with: Data(#"{"models": {"typedHan": "typed-han-trees"}}"#.utf8))
    } throws: { error in
      "\(error)".contains("no shipped model named typed-han-trees of this kind")
    }
    // The standard weights are written with the shipped models' names, and read back the same.
    let written = String(decoding: try JSONEncoder().encode(standard), as: UTF8.self)
    #expect(written.contains(#""wholeHanTrees":"whole-han-trees""#))
    #expect(try JSONDecoder().decode(RankingWeights.self, from: Data(written.utf8)) == standard)
  }

  /// Four ways of asking how to repay Huabei, as bot entries bot-0 to bot-3 of tenant acme.
  static func repaymentQuestions() async throws -> (SuggestionEngine, TestDataFolder) {
    let folder = try TestDataFolder()
    let engine = try await folder.open()
    let questions = ["花呗怎么还款最划算", "我想问花呗怎么还款", "还款花呗怎么操作", "花呗还款怎么弄"]
    _ = try engine.store.upsert(
      questions.enumerated().map { index, question in
        KnowledgeItem(id: "bot-\(index)", source: .bot, title: question, body: "请到账单页还款。")
      }, tenant: "acme")
    try await engine.catchUp()
    return (engine, folder)
  }

  /// One tree: `leaves[1]` for a question that starts with the whole asked text, `leaves[0]` for the others.
  static func startsAlike(_ leaves: [Double]) -> QuestionTrees {
    QuestionTrees([
      .init(feature: [QuestionFeature.commonStart.rawValue], threshold: [0.99], left: [-1], right: [-2], leaf: leaves)
    ])
  }

  /// Suggest ranks typed Chinese of several words by the trees: a model that only rewards how far a question
  /// starts like the typed text puts that question first, and one that rewards the opposite puts it last.
  @Test func typedChineseIsRankedByTheTrees() async throws {
    let (engine, folder) = try await Self.repaymentQuestions()
    defer { folder.remove() }
    func ranked(leaves: [Double]) throws -> [String] {
      var weights = RankingWeights()
      weights.typed.questionWords = 2
      weights.models.typedHanTrees = Self.startsAlike(leaves)
      return try engine.suggester(weights: weights).suggest("花呗怎么还", tenant: "acme", options: SuggestOptions(limit: 4))
        .map(\.id)
    }
    #expect(try ranked(leaves: [0, 1]).first == "bot-0")
    #expect(try ranked(leaves: [1, 0]).last == "bot-0")
  }

  /// Smart reply ranks a whole Chinese question by its own trees (`questionTrees`), not the typed ones.
  @Test func wholeChineseQuestionsAreRankedByTheirTrees() async throws {
    let (engine, folder) = try await Self.repaymentQuestions()
    defer { folder.remove() }
    func ranked(leaves: [Double]) throws -> [String] {
      var weights = RankingWeights()
      weights.models.wholeHanTrees = Self.startsAlike(leaves)
      // The typed trees would put the opposite first: they must not be the ones asked.
      weights.models.typedHanTrees = Self.startsAlike(leaves.reversed())
      return try engine.suggester(weights: weights).smartReply("花呗怎么还款最划算", tenant: "acme").answers
        .map(\.suggestion.id)
    }
    #expect(try ranked(leaves: [0, 1]).first == "bot-0")
    #expect(try ranked(leaves: [1, 0]).first != "bot-0")
  }
}
