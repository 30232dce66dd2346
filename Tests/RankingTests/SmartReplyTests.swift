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
