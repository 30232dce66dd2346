import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// Learned phrasings (`LearnedQuestion`): what was asked or typed when an item was the answer, kept in the
/// store, indexed beside the item's own questions, and learned from judged questions or the pick log.
@Suite(.serialized) struct LearnedQuestionTests {
  static func engine() async throws -> (SuggestionEngine, TestDataFolder) {
    let folder = try TestDataFolder()
    return (try await folder.open(with: Fixture.items, tenant: "t1"), folder)
  }

  static func changes(_ store: KnowledgeStore, after seq: Int64) throws -> [String] {
    try store.changes(after: seq).map { "\($0.kind.rawValue) \($0.itemId ?? "-")" }
  }

  @Test func aPhrasingFindsItsItemWhereItsOwnWordsDoNot() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    func top(_ typed: String) throws -> String? {
      try engine.suggester.suggest(typed, tenant: "t1", options: SuggestOptions(limit: 5)).first?.id
    }
    // Agents answer "when does my money come back" with the refund reply, whose words are not those.
    let typed = "钱什么时候能回"
    #expect(try top(typed) != "qr-refund")
    try await engine.setLearnedQuestions(
      tenant: "t1", [LearnedQuestion(source: .quick, itemId: "qr-refund", text: "钱什么时候能回来", count: 3)])
    #expect(try top(typed) == "qr-refund")
    // Smart reply finds it too, and says which text matched: the phrasing.
    let reply = try engine.suggester.smartReply(
      "我的钱什么时候能回来", tenant: "t1", options: SuggestOptions(sources: [.quick]))
    #expect(reply.answers.first?.suggestion.id == "qr-refund")
    #expect(reply.answers.first?.matchedQuestion == "钱什么时候能回来")
    // A phrasing is not content: the item's similar questions are as they were, and another tenant has none.
    #expect(try engine.store.item(tenant: "t1", source: .quick, id: "qr-refund")?.item.similar == [])
    #expect(try engine.store.learnedQuestionCount(tenant: "other") == 0)
    // Dropped, the item is found by its own words again.
    try await engine.setLearnedQuestions(tenant: "t1", [])
    #expect(try top(typed) != "qr-refund")
  }

  @Test func phrasingsAreReplacedWholeCappedAndLoggedForTheItemsTheyChange() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    let store = engine.store
    var seq = try store.lastChangeSeq()
    let kept = try store.setLearnedQuestions(
      tenant: "t1",
      [
        LearnedQuestion(source: .quick, itemId: "qr-ship", text: "怎么还没发货"),
        LearnedQuestion(source: .quick, itemId: "qr-ship", text: " 怎么还没发货\n"),
        LearnedQuestion(source: .quick, itemId: "qr-ship", text: "快点发货"),
        LearnedQuestion(source: .bot, itemId: "bot-wash", text: "洗衣液放多少"),
        LearnedQuestion(source: .bot, itemId: "no-such-item", text: "不在库里"),
        LearnedQuestion(source: .bot, itemId: "bot-wash", text: "   "),
      ])
    // The same text once (counts added), blank and unknown items' left out.
    #expect(kept == 3)
    let ship = try #require(store.items(tenant: "t1", keys: [(.quick, "qr-ship")]).first)
    #expect(ship.learnedQuestions == ["怎么还没发货", "快点发货"])  // the most frequent first
    #expect(try store.learnedQuestions(tenant: "t1").first { $0.text == "怎么还没发货" }?.count == 2)
    #expect(try Self.changes(store, after: seq).sorted() == ["upsert bot-wash", "upsert qr-ship"])

    // The same set again changes nothing; dropping one item's phrasings logs that item alone.
    seq = try store.lastChangeSeq()
    try store.setLearnedQuestions(tenant: "t1", try store.learnedQuestions(tenant: "t1"))
    #expect(try Self.changes(store, after: seq).isEmpty)
    try store.setLearnedQuestions(
      tenant: "t1", try store.learnedQuestions(tenant: "t1").filter { $0.itemId != "bot-wash" })
    #expect(try Self.changes(store, after: seq) == ["upsert bot-wash"])

    // A bad phrasing is refused whole: what was kept stays.
    #expect(throws: KnowledgeStoreError.self) {
      try store.setLearnedQuestions(
        tenant: "t1", [LearnedQuestion(source: .quick, itemId: "qr-ship", text: "新的", count: 0)])
    }
    #expect(try store.learnedQuestionCount(tenant: "t1") == 2)

    // An item keeps its most frequent phrasings, up to the limit.
    let many = (0..<(KnowledgeStore.learnedQuestionsPerItem + 20)).map {
      LearnedQuestion(source: .quick, itemId: "qr-invoice", text: "发票问题\($0)", count: $0 + 1)
    }
    #expect(try store.setLearnedQuestions(tenant: "t1", many) == KnowledgeStore.learnedQuestionsPerItem)
    let invoice = try #require(store.items(tenant: "t1", keys: [(.quick, "qr-invoice")]).first)
    #expect(invoice.learnedQuestions.first == "发票问题\(many.count - 1)")
    #expect(!invoice.learnedQuestions.contains("发票问题0"))

    // A deleted item's phrasings go with it.
    try store.delete(tenant: "t1", source: .quick, id: "qr-invoice")
    #expect(try store.learnedQuestionCount(tenant: "t1") == 0)
  }

  @Test func theIndexKeepsPhrasingsThroughARebuild() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    try await engine.setLearnedQuestions(
      tenant: "t1", [LearnedQuestion(source: .quick, itemId: "qr-address", text: "送到另一个城市")])
    try await engine.reindex()
    let found = try engine.suggester.suggest("送到另一个城", tenant: "t1", options: SuggestOptions(limit: 3))
    #expect(found.first?.id == "qr-address")
  }

  @Test func learningFromJudgedQuestionsKeepsTheirTexts() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    let judged: [(text: String, answers: Set<String>)] = [
      ("包裹到哪里了", ["qr-ship"]), ("包裹到哪里了", ["qr-ship"]), ("能开专票吗", ["qr-invoice"]),
      ("洗衣液放多少", ["bot-wash"]), ("不在库里的问题", ["gone"]),
    ]
    let report = try await engine.learn(tenant: "t1", from: judged, sources: [.quick, .bot], minimumCount: 2)
    #expect(report.questions == judged.count)
    // Judged twice for the same item: a phrasing; once: not yet.
    #expect(report.phrasings.map(\.text) == ["包裹到哪里了"])
    #expect(report.phrasings.first?.count == 2)
    #expect(try engine.store.learnedQuestions(tenant: "t1").map(\.itemId) == ["qr-ship"])

    let once = try await engine.learn(tenant: "t1", from: judged, sources: [.quick, .bot])
    #expect(Set(once.phrasings.map(\.itemId)) == ["qr-ship", "qr-invoice", "bot-wash"])
    #expect(once.phrasings.first { $0.itemId == "bot-wash" }?.source == .bot)
    // Learning again compares the questions with the items' own questions, not with the phrasings kept from
    // the last time (each would find itself): the evidence comes out the same.
    let again = try await engine.learn(tenant: "t1", from: judged, sources: [.quick, .bot])
    #expect(again.evidence == once.evidence)
    #expect(try engine.store.learnedQuestionCount(tenant: "t1") == 3)
  }

  @Test func anEntryIsComparedOnItsClosestQuestions() throws {
    func asked(_ words: [String]) -> AnalyzedQuestion { AnalyzedQuestion(words: words.map { AnalyzedWord(term: $0) }) }
    let match = QuestionMatch(asked: asked(["card", "arrive"]), idf: { $0 == "card" ? 3 : 2 })
    var questions = (0..<30).map { asked(["question", "number", "\($0)"]) }
    questions[25] = asked(["when", "will", "my", "card", "arrive"])
    questions[7] = asked(["my", "card"])
    questions[3] = asked(["arrive", "soon"])
    // The three that share the most, in their stored order, whether compared one by one or through the
    // entry's postings.
    #expect(match.closest(QuestionSet(questions, indexedAbove: 100), limit: 3) == [3, 7, 25])
    #expect(match.closest(QuestionSet(questions, indexedAbove: 3), limit: 3) == [3, 7, 25])
    #expect(match.closest(QuestionSet(Array(questions.prefix(3)), indexedAbove: 3), limit: 3) == [0, 1, 2])
  }

  /// The entry's postings give the same entry-level evidence as comparing its questions one by one, the
  /// unfinished word (whole, or as a word's start) included.
  @Test(arguments: [nil, "ca", "card", "arr"])
  func anIndexedEntryIsWeighedAsOneComparedQuestionByQuestion(unfinished: String?) {
    func question(_ words: [String], unfinished: String? = nil) -> AnalyzedQuestion {
      AnalyzedQuestion(
        words: words.map { AnalyzedWord(term: $0) }
          + (unfinished.map { [AnalyzedWord(term: $0, isUnfinished: true)] } ?? []))
    }
    let match = QuestionMatch(asked: question(["my", "cards"], unfinished: unfinished), idf: { Double($0.text.count) })
    let questions = [
      question(["where", "is", "my", "card"]), question(["cards", "arrived"]), question(["card", "carding"]),
      question(["nothing", "here"]), question(["arrival", "of", "my", "cards"]),
    ]
    let plain = match.itemEvidence(QuestionSet(questions, indexedAbove: 100))
    let indexed = match.itemEvidence(QuestionSet(questions, indexedAbove: 1))
    #expect(plain.frequencies == indexed.frequencies)
    #expect(plain.length == indexed.length)
    #expect(abs(plain.stemCoverage - indexed.stemCoverage) < 1e-12)
    #expect(
      match.closest(QuestionSet(questions, indexedAbove: 100), limit: 2)
        == match.closest(QuestionSet(questions, indexedAbove: 1), limit: 2))
  }
}
