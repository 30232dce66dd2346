import Foundation
import Testing
import TextAnalysis

@testable import Index
@testable import Knowledge
@testable import Ranking
@testable import Workbench

/// The questions the index keeps in each document's data are the store's texts, analysed as the question
/// model analyses what is asked, in the order `StoredQuestions.questions(of:)` gives (which smart reply uses
/// to name the matched question).
@Suite struct StoredQuestionsTests {
  let analyzer: Analyzer
  init() throws { analyzer = try TextAnalysisFixture.analyzer() }

  func documentsData(_ item: KnowledgeItem) throws -> [Data] {
    let stored = StoredKnowledge(tenant: "t", item: item, createdAt: Date(), updatedAt: Date(), usageCount: 0)
    return try KnowledgeDocumentBuilder(analyzer: analyzer).documents(for: stored).map { built in
      built.document.data
    }
  }

  /// A document's key and ranking are read from the bytes before its questions, whatever those hold; data
  /// that is not a key is refused (the index is rebuilt), and a ranking without its fields reads as zero.
  @Test func aDocumentsKeyAndRankingAreReadFromItsData() throws {
    let key = IndexedKey(tenant: "租户", source: .bot, id: "é-1\u{301}", language: "zh-Hant")
    let ranking = IndexRanking(usage: 2.5, scopeRank: 2)
    for questions in ["", "退款\u{1F}进度\u{1E}钱\u{1F}退回"] {
      let data = key.data(questions: questions, ranking: ranking)
      #expect(try IndexedKey(data: data) == key)
      #expect(IndexRanking(data: data) == ranking)
      #expect(try IndexedKey(keyText: IndexedKey.split(data).key) == key)
    }
    let plain = IndexedKey(tenant: "t", source: .quick, id: "q", language: nil)
    #expect(try IndexedKey(data: plain.data(questions: "", ranking: IndexRanking())).language == nil)
    for broken in ["", "t\u{1F}quick\u{1F}q", "t\u{1F}nosuch\u{1F}q\u{1F}\u{1F}0\u{1F}0"] {
      #expect(throws: IndexError.self) { try IndexedKey(data: Data(broken.utf8)) }
      #expect(IndexRanking(data: Data(broken.utf8)) == IndexRanking())
    }
  }

  @Test func everyVersionCarriesAllTheBotItemsQuestionsInStoreOrder() throws {
    let item = KnowledgeItem(
      id: "b1", source: .bot, title: "退款進度怎麼查", similar: ["钱什么时候退回来", "Refund STATUS?"],
      body: "在订单详情里查看。", language: "zh",
      variants: [
        "fr": KnowledgeVariant(title: "Où en est mon remboursement", similar: ["remboursement"], body: "…"),
        "en": KnowledgeVariant(title: "Where is my refund", body: "Open the order."),
      ])
    let texts = StoredQuestions.questions(of: item)
    #expect(texts.count == 6)
    #expect(texts.first == "退款進度怎麼查")
    #expect(texts[3] == "Where is my refund")  // variants by language: en before fr
    let data = try documentsData(item)
    #expect(data.count == 3)
    for documentData in data {
      let (key, encoded) = IndexedKey.split(documentData)
      #expect(try IndexedKey(keyText: key).id == "b1")
      let stored = StoredQuestions.decode(try #require(encoded)).map(AnalyzedQuestion.init(words:))
      let analysed = texts.map { AnalyzedQuestion($0, analyzer: analyzer) }
      #expect(stored.map(\.folded) == analysed.map(\.folded))
      #expect(stored.map(\.words) == analysed.map(\.words))
      #expect(stored.map(\.pairs) == analysed.map(\.pairs))
    }
    // A compound keeps its parts (退款进度 is found by 退款 and 进度).
    let first = StoredQuestions.decode(try #require(IndexedKey.split(data[0]).questions))[0]
    #expect(first.contains { !$0.parts.isEmpty })
  }

  @Test func otherSourcesKeepTheirTitleOnly() throws {
    let item = KnowledgeItem(
      id: "q1", source: .quick, title: "发货时间", similar: ["不会被读到"], body: "48小时内发货。",
      variants: ["en": KnowledgeVariant(title: "Shipping time", body: "Within 48 hours.")])
    #expect(StoredQuestions.questions(of: item) == ["发货时间"])
    for documentData in try documentsData(item) {
      let questions = StoredQuestions.decode(try #require(IndexedKey.split(documentData).questions))
      #expect(questions.map { AnalyzedQuestion(words: $0).folded } == ["发货时间"])
    }
  }

  @Test func anEmptyQuestionStaysAQuestion() {
    let encoded = StoredQuestions.encode([[], [AnalyzedWord(term: "退款")], []])
    #expect(StoredQuestions.decode(encoded[...]).map(\.count) == [0, 1, 0])
  }
}
