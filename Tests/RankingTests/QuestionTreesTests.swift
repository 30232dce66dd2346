import Foundation
import Knowledge
import Testing
import TextAnalysis

@testable import Index
@testable import Ranking
@testable import Workbench

/// The tree question model (`QuestionTrees`): how a tree is walked, what a weights file may hold, and that
/// typed Chinese text is ranked by it.
@Suite struct QuestionTreesTests {
  /// Two trees: the first splits on feature 0 then feature 2, the second is one leaf.
  static let json = """
    [{"feature":[0,2],"threshold":[0.5,1.0],"left":[-1,-2],"right":[1,-3],"leaf":[1.0,2.0,4.0]},
     {"feature":[],"threshold":[],"left":[],"right":[],"leaf":[0.25]}]
    """

  @Test func aFeatureAtTheThresholdGoesLeftAndTheLeavesAreSummed() throws {
    let model = try JSONDecoder().decode(QuestionTrees.self, from: Data(Self.json.utf8))
    #expect(model.score([0.5, 9, 9]) == 1.25)
    #expect(model.score([0.6, 0, 1.0]) == 2.25)
    #expect(model.score([0.6, 0, 1.5]) == 4.25)
    // A feature the vector does not have counts 0 (here feature 2: 0 <= 1, left).
    #expect(model.score([0.6]) == 2.25)
  }

  /// The flat array `score` walks gives what walking each tree's own arrays gives, on the standard model.
  @Test(arguments: [RankingWeights.standard.typedQuestionTrees, RankingWeights.standard.learnedTypedQuestionTrees])
  func theStandardModelsScoreAsTheirTreesSay(model: QuestionTrees) {
    #expect(!model.isEmpty)
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      let features = (0..<QuestionMatch.names.count).map { _ in Double.random(in: 0...1.2, using: &generator) }
      let summed = model.trees.reduce(0) { $0 + $1.value(features) }
      #expect(abs(model.score(features) - summed) < 1e-9)
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
      try JSONDecoder().decode(QuestionTrees.self, from: Data(json.utf8))
    } throws: { error in
      "\(error)".contains("tree 0") && "\(error)".contains(problem)
    }
  }

  /// A weights file may give its own trees, or `[]` for the linear models; the trees rank typed Chinese only.
  @Test func aWeightsFileChoosesTheTreesOrNone() throws {
    let none = try JSONDecoder().decode(RankingWeights.self, from: Data(#"{"typedQuestionTrees": []}"#.utf8))
    #expect(none.typedQuestionTrees.isEmpty)
    let given = try JSONDecoder().decode(
      RankingWeights.self, from: Data(#"{"typedQuestionTrees": \#(Self.json)}"#.utf8))
    #expect(given.typedQuestionTrees.trees.count == 2)
    #expect(RankingWeights.standard.typedQuestionTrees != given.typedQuestionTrees)
    // Round trip: what `--weights` reads back is what was written.
    let encoded = try JSONEncoder().encode(given)
    #expect(try JSONDecoder().decode(RankingWeights.self, from: encoded) == given)

    let analyzer = try Analyzer()
    let chinese = try analyzer.analyze("花呗怎么还款", options: .typedQuery)
    let english = try analyzer.analyze("how do i pay", options: .typedQuery)
    #expect(given.questionTrees(for: chinese, typed: true) == given.typedQuestionTrees)
    // Whole questions (smart reply) have trees of their own; `[]` gives the linear model back for them too.
    let whole = try JSONDecoder().decode(
      RankingWeights.self, from: Data(#"{"questionTrees": \#(Self.json), "learnedQuestionTrees": []}"#.utf8))
    #expect(whole.questionTrees(for: chinese, typed: false) == whole.questionTrees)
    #expect(whole.questionTrees(for: chinese, typed: false, learned: true) == whole.questionTrees)
    #expect(whole.questionTrees(for: chinese, typed: true) == whole.typedQuestionTrees)
    #expect(whole.questionTrees(for: english, typed: false) == nil)
    #expect(given.questionTrees(for: english, typed: true) == nil)
    #expect(none.questionTrees(for: chinese, typed: true) == nil)
    // A tenant with learned evidence gets the learned trees (the standard ones here), or without them the same.
    #expect(!given.learnedTypedQuestionTrees.isEmpty)
    #expect(given.questionTrees(for: chinese, typed: true, learned: true) == given.learnedTypedQuestionTrees)
    var unlearned = given
    unlearned.learnedTypedQuestionTrees = QuestionTrees()
    #expect(unlearned.questionTrees(for: chinese, typed: true, learned: true) == given.typedQuestionTrees)
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
    let commonStart = QuestionMatch.names.firstIndex(of: "commonStart")!
    return QuestionTrees([.init(feature: [commonStart], threshold: [0.99], left: [-1], right: [-2], leaf: leaves)])
  }

  /// Suggest ranks typed Chinese of several words by the trees: a model that only rewards how far a question
  /// starts like the typed text puts that question first, and one that rewards the opposite puts it last.
  @Test func typedChineseIsRankedByTheTrees() async throws {
    let (engine, folder) = try await Self.repaymentQuestions()
    defer { folder.remove() }
    func ranked(leaves: [Double]) throws -> [String] {
      var weights = RankingWeights()
      weights.questionWords = 2
      weights.typedQuestionTrees = Self.startsAlike(leaves)
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
      weights.questionTrees = Self.startsAlike(leaves)
      // The typed trees would put the opposite first: they must not be the ones asked.
      weights.typedQuestionTrees = Self.startsAlike(leaves.reversed())
      return try engine.suggester(weights: weights).smartReply("花呗怎么还款最划算", tenant: "acme").answers
        .map(\.suggestion.id)
    }
    #expect(try ranked(leaves: [0, 1]).first == "bot-0")
    #expect(try ranked(leaves: [1, 0]).first != "bot-0")
  }
}
