import Foundation
import Knowledge
import Testing
import TextAnalysis

@testable import Index
@testable import Ranking
@testable import Workbench

@Suite(.serialized) struct SmartReplyTests {
  @Test func nearExactQuestionsAreConfidentAndWeakOnesAreNot() async throws {
    let (engine, folder) = try await SuggestTests.engine()
    defer { folder.remove() }
    let exact = try engine.suggester.smartReply("怎么申请退款？", tenant: "acme")
    #expect(exact.answers.first?.suggestion.id == "bot-refund")
    #expect(exact.answers.first?.confidence == 1)
    #expect(!exact.noGoodAnswer)
    // A similar question stored with the entry counts as the entry's question.
    let similar = try engine.suggester.smartReply("我要退钱", tenant: "acme")
    #expect(similar.answers.first?.suggestion.id == "bot-refund")
    #expect(similar.answers.first?.matchedQuestion == "我要退钱")
    // Traditional, with other words around it: still the refund entry, less sure.
    let paraphrase = try engine.suggester.smartReply("你好，請問我想退款要怎麼申請呢", tenant: "acme")
    #expect(paraphrase.answers.first?.suggestion.id == "bot-refund")
    let confidence = try #require(paraphrase.answers.first?.confidence)
    #expect(confidence > 0.35 && confidence < 1)
    // Nothing close: no good answer.
    let unrelated = try engine.suggester.smartReply("今天天气怎么样", tenant: "acme")
    #expect(unrelated.noGoodAnswer)
    // Only bot and internal knowledge answer, never quick replies.
    #expect(exact.answers.allSatisfy { $0.suggestion.source != .quick })
    #expect(paraphrase.answers.contains { $0.suggestion.id == "kb-refund" })
  }

  /// A message that is exactly one of an entry's stored questions is answered by that question, confidence 1,
  /// even under a model that scores the entry's other phrasings higher; the entry ranks by its best score.
  @Test func anExactQuestionIsTheMatchedOneWhicheverPhrasingTheModelPrefers() async throws {
    let (engine, folder) = try await SuggestTests.engine()
    defer { folder.remove() }
    var weights = RankingWeights()
    // Prefers the stored question least like the message: 我要退钱 over the exact 怎么申请退款？.
    weights.models.wholeHan = LinearModel(name: "unlike", features: [.exact, .pairDice], bias: 0, weights: [-1, -1])
    weights.models.wholeHanTrees = nil
    let answer = try engine.suggester(weights: weights).smartReply("怎么申请退款？", tenant: "acme")
    let refund = try #require(answer.answers.first { $0.suggestion.id == "bot-refund" })
    #expect(refund.matchedQuestion == "怎么申请退款？")
    #expect(refund.confidence == 1)
    // A message that is none of them keeps the model's choice.
    let other = try engine.suggester(weights: weights).smartReply("申请退款", tenant: "acme")
    #expect(other.answers.first { $0.suggestion.id == "bot-refund" }?.confidence ?? 1 < 1)
  }

  @Test func englishQuestionsAndTypos() async throws {
    let (engine, folder) = try await SuggestTests.engine()
    defer { folder.remove() }
    let answer = try engine.suggester.smartReply("I forgot my pasword", tenant: "acme")
    #expect(answer.answers.first?.suggestion.id == "bot-password")
    #expect(answer.answers.first?.matchedQuestion == "forgot password")
  }

  @Test func similarityMeasure() throws {
    let analyzer = try TextAnalysisFixture.analyzer()
    let asked = QuestionSimilarity("怎么申请退款", analyzer: analyzer)
    #expect(asked.similarity(to: "怎麼申請退款？") == 1)
    #expect(asked.similarity(to: "如何申请退款") > asked.similarity(to: "如何修改地址"))
    #expect(asked.similarity(to: "今天天气") == 0)
  }
}

enum TextAnalysisFixture {
  static func analyzer() throws -> Analyzer { try Analyzer() }
}
