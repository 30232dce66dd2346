import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// Suggestions over a real SQLite store and a real Xapian index in a temporary data folder.
@Suite(.serialized) struct SuggestTests {
  static func engine() async throws -> (SuggestionEngine, TestDataFolder) {
    let folder = try TestDataFolder()
    let engine = try await folder.open()
    try engine.store.upsert(Fixture.items, tenant: "acme")
    try engine.store.upsert(
      [KnowledgeItem(id: "qr-other", source: .quick, title: "退款流程", body: "另一家的退款流程")], tenant: "other")
    try engine.setAgent(Agent(tenant: "acme", id: "agent-a", groups: ["vip"]))
    try engine.setAgent(Agent(tenant: "acme", id: "agent-b", groups: []))
    try await engine.catchUp()
    return (engine, folder)
  }

  static func ids(_ engine: SuggestionEngine, _ text: String, agent: String? = nil, limit: Int = 5) throws -> [String] {
    try engine.suggester.suggest(text, tenant: "acme", options: SuggestOptions(agent: agent, limit: limit)).map(\.id)
  }

  @Test func unfinishedLastWordExpandsAsAPrefix() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "退款流").first == "qr-refund")
    #expect(try Self.ids(engine, "退款进").first == "qr-progress")
    #expect(try Self.ids(engine, "催").first == "qr-ship")
    #expect(try Self.ids(engine, "退").prefix(3).contains("qr-refund"))
  }

  @Test func traditionalInputFindsSimplifiedItems() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "退款流程").first == "qr-refund")
    #expect(try Self.ids(engine, "退款進度").first == "qr-progress")
    #expect(try Self.ids(engine, "修改收貨地址").first == "qr-address")
  }

  @Test func pinyinAndInitialsFindHanTitles() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "tk").prefix(3).contains("qr-refund"))
    #expect(try Self.ids(engine, "tuikuan").prefix(3).contains("qr-refund"))
    #expect(try Self.ids(engine, "tuikuanjin").first == "qr-progress")
    #expect(try Self.ids(engine, "cfh").first == "qr-ship")
    let first = try #require(try engine.suggester.suggest("tk", tenant: "acme").first)
    #expect(first.matched.contains { $0.kind == .initials })
    #expect(!first.titleHighlights.isEmpty)
  }

  @Test func charactersRankAbovePinyin() async throws {
    // 景点 (jingdian) and 经典 (jingdian): typed 经典 must not put 景点 first.
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "经典").first == "qr-classic")
    #expect(try Self.ids(engine, "景点").first == "qr-spot")
  }

  @Test func pinyinCanBeTurnedOff() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    try await engine.setSettings(TenantSettings(tenant: "acme", pinyinEnabled: false))
    #expect(try Self.ids(engine, "tk").contains("qr-refund") == false)
  }

  @Test func latinTyposAreForgiven() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "pasword").first == "bot-password")
    #expect(try Self.ids(engine, "reset pasword").first == "bot-password")
    let first = try #require(try engine.suggester.suggest("pasword", tenant: "acme").first)
    #expect(first.matched.contains { $0.kind == .typo })
  }

  @Test func synonymsMatch() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "退钱 ").contains("qr-refund") == false)
    try await engine.addSynonyms(tenant: "acme", ["退款", "退钱", "refund"])
    #expect(try Self.ids(engine, "退钱 ").contains("qr-refund"))
    #expect(try Self.ids(engine, "refund ").contains("qr-refund"))
  }

  /// 年费 is cut into 年 费 by the segmenter: declared a synonym, it is kept whole, and finds 服务费 (and back).
  @Test func synonymsTheSegmenterCutsAreKeptWhole() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    try engine.store.upsert(
      [
        KnowledgeItem(id: "qr-service", source: .quick, title: "服务费说明", body: "服务费按月收取。"),
        KnowledgeItem(id: "qr-annual", source: .quick, title: "年费说明", body: "年费每年收取一次。"),
      ], tenant: "acme")
    try await engine.catchUp()
    #expect(try Self.ids(engine, "年费 ").contains("qr-service") == false)
    try await engine.addSynonyms(tenant: "acme", ["年费", "服务费"])
    #expect(try engine.store.words(tenant: "acme").contains("年费"))
    #expect(try engine.store.words(tenant: "acme").contains("服务费") == false)
    #expect(try Self.ids(engine, "年费 ").contains("qr-service"))
    #expect(try Self.ids(engine, "服务费 ").contains("qr-annual"))
  }

  @Test func userDictionaryWordsBecomeTerms() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    try engine.store.upsert(
      [KnowledgeItem(id: "qr-brand", source: .quick, title: "蓝月亮活动", body: "蓝月亮洗衣液买二送一。")], tenant: "acme")
    try await engine.catchUp()
    func frequency(_ term: String) throws -> Int { try engine.readers.withReader { try $0.termFrequency(term) } }
    // Before: ICU splits 蓝/月亮, so the index has no term 蓝月亮.
    #expect(try frequency("T蓝月亮") == 0)
    #expect(try frequency("B蓝月亮") == 0)
    try await engine.addWords(tenant: "acme", ["蓝月亮"])
    // After: the items that contain the word were re-indexed with it, and queries use it.
    #expect(try frequency("T蓝月亮") == 1)
    #expect(try frequency("B蓝月亮") == 1)
    let first = try #require(try engine.suggester.suggest("蓝月亮 ", tenant: "acme").first)
    #expect(first.id == "qr-brand")
    #expect(first.matched.contains(MatchReason(field: "title", kind: .exact)))
    // Its parts still find it (a compound is also found by the words in it).
    #expect(try Self.ids(engine, "月亮 ").contains("qr-brand"))
  }

  @Test func agentsSeeOnlyWhatTheyMay() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    #expect(try Self.ids(engine, "下班", agent: "agent-a").contains("qr-a-bye"))
    #expect(try Self.ids(engine, "下班", agent: "agent-a").contains("qr-b-bye") == false)
    #expect(try Self.ids(engine, "下班", agent: "agent-b").contains("qr-a-bye") == false)
    #expect(try Self.ids(engine, "下班").isEmpty)  // no agent: company items only
    #expect(try Self.ids(engine, "VIP", agent: "agent-a").contains("qr-vip"))
    #expect(try Self.ids(engine, "VIP", agent: "agent-b").contains("qr-vip") == false)
    // Another tenant's item with the same title never shows; disabled items never show.
    let refund = try engine.suggester.suggest("退款", tenant: "acme", options: SuggestOptions(limit: 20))
    #expect(refund.contains { $0.id == "qr-other" } == false)
    #expect(refund.contains { $0.id == "qr-off" } == false)
    #expect(try engine.suggester.suggest("退款", tenant: "other").map(\.id) == ["qr-other"])
  }

  @Test func reimportChangesNothing() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    let documents = try await engine.indexedDocumentCount()
    let seq = try engine.store.lastChangeSeq()
    #expect(try engine.store.upsert(Fixture.items, tenant: "acme").allSatisfy { $0 == .unchanged })
    try await engine.catchUp()
    #expect(try await engine.indexedDocumentCount() == documents)
    #expect(try engine.store.lastChangeSeq() == seq)
  }

  @Test func suggestionsCarryIdsHighlightsAndReasons() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    let first = try #require(try engine.suggester.suggest("退款流", tenant: "acme").first)
    #expect(first.id == "qr-refund")
    #expect(first.source == .quick)
    #expect(first.content == "您好，退款会在3-5个工作日内原路退回。")
    #expect(first.titleHighlights.first.map { $0.start..<$0.end } == 0..<4)
    #expect(first.matched.contains { $0.field == "title" })
    #expect(first.score > 0)
  }

  @Test func blankInputShowsMostUsedQuickReplies() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    for _ in 0..<3 { try await engine.recordPick(tenant: "acme", source: .quick, id: "qr-invoice") }
    try await engine.recordPick(tenant: "acme", source: .quick, id: "qr-ship")
    #expect(try Self.ids(engine, "").prefix(2) == ["qr-invoice", "qr-ship"])
    // Usage also lifts an item among equals.
    #expect(try Self.ids(engine, "发货").first == "qr-ship")
  }

  @Test func theIndexCatchesUpAfterRestart() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    do {
      let engine = try await folder.open()
      try engine.store.upsert(Fixture.items, tenant: "acme")
      // No catch-up: as if the process died between the store's commit and the index's.
    }
    let reopened = try await folder.open()
    #expect(reopened.openReport.caughtUp == Fixture.items.count)
    #expect(try Self.ids(reopened, "退款流").first == "qr-refund")
    #expect(await reopened.lastAppliedChange() == (try reopened.store.lastChangeSeq()))
  }

  @Test func reindexRebuildsFromTheStore() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    let before = try await engine.indexedDocumentCount()
    #expect(try await engine.reindex() == Fixture.items.count + 1)
    #expect(try await engine.indexedDocumentCount() == before)
    #expect(try Self.ids(engine, "退款流").first == "qr-refund")
  }
}

/// Language variants: the version shown follows the agent's language, then the tenant's default.
@Suite(.serialized) struct LanguageVariantTests {
  @Test func suggestionsShowTheAgentsLanguage() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open()
    try engine.store.upsert(
      [
        KnowledgeItem(
          id: "qr-welcome", source: .quick, title: "欢迎语", body: "您好，欢迎光临！", language: "zh-Hans",
          variants: [
            "en": KnowledgeVariant(title: "Welcome", body: "Hello, welcome!"),
            "th": KnowledgeVariant(title: "ทักทาย", body: "สวัสดีค่ะ ยินดีต้อนรับ"),
          ])
      ], tenant: "acme")
    try await engine.catchUp()
    // Typed in Chinese by an English-speaking agent: the English version is shown.
    let english = try #require(
      try engine.suggester.suggest("欢迎", tenant: "acme", options: SuggestOptions(language: "en")).first)
    #expect(english.id == "qr-welcome")
    #expect(english.language == "en")
    #expect(english.title == "Welcome")
    #expect(english.content == "Hello, welcome!")
    // Typed in English: found through the English version, shown in the tenant's default without a language.
    let fallback = try #require(try engine.suggester.suggest("welc", tenant: "acme").first)
    #expect(fallback.id == "qr-welcome")
    #expect(fallback.title == "欢迎语")
    // A language the item does not have: the tenant's default.
    let japanese = try #require(
      try engine.suggester.suggest("欢迎", tenant: "acme", options: SuggestOptions(language: "ja")).first)
    #expect(japanese.title == "欢迎语")
    // Thai typed by a Thai agent.
    let thai = try #require(
      try engine.suggester.suggest("สวัสดี", tenant: "acme", options: SuggestOptions(language: "th")).first)
    #expect(thai.title == "ทักทาย")
    // One suggestion per item, however many of its versions matched.
    #expect(try engine.suggester.suggest("welcome 欢迎", tenant: "acme").count == 1)
  }
}

/// Usage and scope reach the ranking through each document's data (`IndexRanking`), not Xapian's value slots.
@Suite(.serialized) struct SuggestRankingTests {
  /// Three replies whose titles match 发货 alike: one company-wide, one the agent's own, one picked.
  static let items = [
    KnowledgeItem(id: "qr-a", source: .quick, title: "发货说明", body: "仓库会尽快安排。"),
    KnowledgeItem(id: "qr-b", source: .quick, title: "发货提醒", body: "仓库会尽快安排。"),
    KnowledgeItem(id: "qr-c", source: .quick, scope: .personal("agent-a"), title: "发货通知", body: "仓库会尽快安排。"),
  ]

  @Test func picksAndScopeLiftAnItemAmongEquals() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items)
    func ids(_ agent: String?) throws -> [String] {
      try engine.suggester.suggest("发货", tenant: "acme", options: SuggestOptions(agent: agent)).map(\.id)
    }
    #expect(try ids("agent-a").first == "qr-c")  // the agent's own reply before company replies
    #expect(try Set(ids(nil)) == ["qr-a", "qr-b"])  // nobody else's personal reply
    // Typed text of several words is ranked by the question model, over the same visible items.
    let typed = "麻烦发货通知仓库"
    #expect(
      try engine.suggester.suggest(typed, tenant: "acme", options: SuggestOptions(agent: "agent-a")).first?.id == "qr-c"
    )
    #expect(
      try engine.suggester.suggest(typed, tenant: "acme", options: SuggestOptions(agent: "agent-b")).map(\.id).contains(
        "qr-c") == false)
    #expect(
      try engine.suggester.smartReply(
        typed, tenant: "acme", options: SuggestOptions(agent: "agent-b", sources: [.quick])
      ).answers.map(\.suggestion.id).contains("qr-c") == false)

    for _ in 0..<3 { try engine.store.recordUse(tenant: "acme", source: .quick, id: "qr-b") }
    try await engine.catchUp()
    #expect(try ids(nil) == ["qr-b", "qr-a"])
    #expect(try ids("agent-a").first == "qr-b")  // three picks weigh more than the scope's tie-break

    // The picked item's documents carry its usage score; the others carry none.
    let picked = KnowledgeDocumentBuilder.usageScore(count: 3, lastUsed: Date(), now: Date())
    let ranking = try engine.suggester.readers.withReader { index in
      try index.search(.term(TermPrefix.title + "发货"), limit: 10, k1: 1.2, b: 0.6).map {
        (try IndexedKey(data: $0.data).id, IndexRanking(data: $0.data))
      }
    }
    let byID = Dictionary(uniqueKeysWithValues: ranking)
    #expect(abs((byID["qr-b"]?.usage ?? 0) - picked) < 1e-3)
    #expect(byID["qr-a"] == IndexRanking(usage: 0, scopeRank: Double(Scope.company.rank)))
    #expect(byID["qr-c"]?.scopeRank == Double(Scope.personal("agent-a").rank))
  }
}

/// Picks commit documents with a new usage and nothing else: what is cached from terms (IDFs, analysed
/// questions) outlives those commits, and only those.
@Suite(.serialized) struct TermsGenerationTests {
  @Test func picksKeepTheTermsGenerationAndEditsMoveIt() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let bot = KnowledgeItem(id: "b1", source: .bot, title: "退款多久到账", similar: ["钱什么时候退回来"], body: "3-5个工作日。")
    let engine = try await folder.open(with: SuggestRankingTests.items + [bot])
    let readers = engine.suggester.readers
    let (generation, terms) = (readers.currentGeneration, readers.currentTermsGeneration)
    let before = try engine.suggester.smartReply("钱什么时候退回", tenant: "acme").answers
    #expect(before.first?.matchedQuestion == "钱什么时候退回来", "\(before.map { ($0.suggestion.id, $0.matchedQuestion) })")

    try engine.store.recordUse(tenant: "acme", source: .quick, id: "qr-a")
    try engine.store.recordUse(tenant: "acme", source: .bot, id: "b1")
    try await engine.catchUp()
    #expect(readers.currentGeneration > generation)
    #expect(readers.currentTermsGeneration == terms)
    #expect(try engine.suggester.suggest("发货", tenant: "acme").first?.id == "qr-a")  // the pick counts at once

    // An edit may change any term: the cached questions and IDFs start over, and the new question is matched.
    var edited = bot
    edited.similar = ["退款什么时候到"]
    try engine.store.upsert([edited], tenant: "acme")
    try await engine.catchUp()
    #expect(readers.currentTermsGeneration > terms)
    #expect(try engine.suggester.smartReply("退款什么时候到", tenant: "acme").answers.first?.matchedQuestion == "退款什么时候到")
  }
}
