import Foundation
import Testing

@testable import Knowledge

/// The store on a real SQLite file: upserts, the change log that the index follows, usage, tenants.
@Suite struct KnowledgeStoreTests {
  let folder: URL
  let store: KnowledgeStore

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    store = try KnowledgeStore(path: folder.appendingPathComponent("replykit.sqlite").path)
  }

  static let refund = KnowledgeItem(
    id: "qr-1", source: .quick, folder: "售后", title: "退款流程", body: "您好{{visitor.name}}，退款会原路退回。", tags: ["退款"],
    language: "zh-Hans")
  static let bot = KnowledgeItem(
    id: "bot-1", source: .bot, title: "怎么申请退款？", similar: ["如何退款", "退款怎么弄"], body: "在订单详情页点击申请退款即可。",
    variants: ["en": KnowledgeVariant(title: "How do I get a refund?", body: "Tap Refund on the order page.")])

  @Test func upsertAddsUpdatesAndLeavesEqualItemsAlone() throws {
    #expect(try store.upsert([Self.refund, Self.bot], tenant: "acme") == [.added, .added])
    #expect(try store.upsert([Self.refund, Self.bot], tenant: "acme") == [.unchanged, .unchanged])
    var changed = Self.refund
    changed.body = "退款会在3-5个工作日内原路退回。"
    #expect(try store.upsert([changed], tenant: "acme") == [.updated])
    let stored = try #require(try store.item(tenant: "acme", source: .quick, id: "qr-1"))
    #expect(stored.item == changed)
    #expect(stored.createdAt <= stored.updatedAt)
    #expect(try store.item(tenant: "acme", source: .bot, id: "bot-1")?.item == Self.bot)
    // The same id in another tenant is another item.
    #expect(try store.upsert([Self.refund], tenant: "other") == [.added])
    #expect(try store.count(tenant: "acme") == 2)
    #expect(try store.count(tenant: "acme", source: .bot) == 1)
  }

  @Test func everyChangeIsLoggedInOrder() throws {
    try store.upsert([Self.refund, Self.bot], tenant: "acme")
    try store.upsert([Self.refund], tenant: "acme")  // unchanged: no change
    try store.recordUse(tenant: "acme", source: .quick, id: "qr-1")
    #expect(try store.delete(tenant: "acme", source: .bot, id: "bot-1"))
    #expect(try !store.delete(tenant: "acme", source: .bot, id: "bot-1"))
    let changes = try store.changes(after: 0)
    #expect(changes.map(\.kind) == [.upsert, .upsert, .usage, .delete])
    #expect(changes.map(\.itemId) == ["qr-1", "bot-1", "qr-1", "bot-1"])
    #expect(changes.compactMap(\.seq) == changes.compactMap(\.seq).sorted())
    #expect(try store.lastChangeSeq() == changes.last?.seq)
    #expect(try store.changes(after: changes[1].seq!).count == 2)
  }

  @Test func usageCountsPicks() throws {
    try store.upsert([Self.refund], tenant: "acme")
    try store.recordUse(tenant: "acme", source: .quick, id: "qr-1")
    try store.recordUse(tenant: "acme", source: .quick, id: "qr-1")
    let stored = try #require(try store.item(tenant: "acme", source: .quick, id: "qr-1"))
    #expect(stored.usageCount == 2)
    #expect(stored.lastUsedAt != nil)
    #expect(throws: KnowledgeStoreError.notFound(source: .quick, id: "nope")) {
      try store.recordUse(tenant: "acme", source: .quick, id: "nope")
    }
  }

  /// A pick names the message it was sent in: however often that message is retried, it is logged and counted
  /// once. Picks without a message (`POST /v1/suggestions/{id}/picked`) are each their own.
  @Test func aPickIsLoggedOncePerMessage() throws {
    try store.upsert([Self.refund], tenant: "acme")
    func pick(_ message: String?) -> Pick {
      Pick(
        tenant: "acme", agent: "agent-1", input: "退款", source: .quick, itemId: "qr-1", position: 0, shown: ["qr-1"],
        message: message)
    }
    #expect(try store.recordPick(pick("42")))
    #expect(try !store.recordPick(pick("42")))
    #expect(try store.recordPick(pick("43")))
    #expect(try store.recordPick(pick(nil)) && store.recordPick(pick(nil)))
    #expect(try store.picks(tenant: "acme").map(\.message) == ["42", "43", nil, nil])
    #expect(try store.item(tenant: "acme", source: .quick, id: "qr-1")?.usageCount == 4)
    // A pick of an item that is not there changes nothing, its message included.
    var missing = pick("44")
    missing.itemId = "nope"
    #expect(throws: KnowledgeStoreError.notFound(source: .quick, id: "nope")) { try store.recordPick(missing) }
    #expect(try store.picks(tenant: "acme").count == 4)
  }

  /// A stored source this version does not know is an error naming the column, never a row quietly skipped.
  @Test func rowsAreReadStrictly() throws {
    try store.upsert([Self.refund], tenant: "acme")
    try store.recordPick(
      Pick(tenant: "acme", agent: nil, input: "退", source: .quick, itemId: "qr-1", position: nil, shown: []))
    try store.database.write { db in try db.execute(sql: "UPDATE pick_log SET source = 'faq'") }
    #expect(throws: KnowledgeStoreError.database(#"column source holds "faq", which this version cannot read"#)) {
      try store.picks(tenant: "acme")
    }
  }

  @Test func forEachItemVisitsEveryItemOnce() throws {
    let items = (0..<45).map { KnowledgeItem(id: "qr-\($0)", source: .quick, title: "标题\($0)", body: "内容") }
    try store.upsert(items, tenant: "acme")
    try store.upsert([Self.bot], tenant: "other")
    var seen: [String] = []
    try store.forEachItem(tenant: "acme", batchSize: 10) { batch in seen += batch.map(\.item.id) }
    #expect(seen.sorted() == items.map(\.id).sorted())
    var all = 0
    try store.forEachItem(batchSize: 7) { all += $0.count }
    #expect(all == 46)
  }

  @Test func agentsSynonymsAndWords() throws {
    try store.setAgent(Agent(tenant: "acme", id: "agent-7", name: "小李", groups: ["aftersales", "vip"]))
    #expect(try store.agent(tenant: "acme", id: "agent-7")?.groups == ["aftersales", "vip"])
    #expect(try store.agent(tenant: "other", id: "agent-7") == nil)

    try store.addSynonyms(tenant: "acme", ["退款", "退钱"])
    try store.addSynonyms(tenant: "acme", ["refund", "退款"])  // joins the first set
    try store.addSynonyms(tenant: "acme", ["发票", "invoice"])
    #expect(try store.synonymSets(tenant: "acme") == [["refund", "退款", "退钱"], ["invoice", "发票"]])
    #expect(throws: KnowledgeStoreError.self) { try store.addSynonyms(tenant: "acme", ["退款", " 退款 "]) }

    #expect(try store.addWords(tenant: "acme", ["花呗", "顺丰到付", "花呗"]) == ["花呗", "顺丰到付"])
    #expect(try store.addWords(tenant: "acme", ["花呗"]) == [])
    #expect(try store.words(tenant: "acme") == ["花呗", "顺丰到付"])

    try store.upsert([Self.refund, Self.bot], tenant: "acme")
    #expect(try store.itemKeys(tenant: "acme", containing: "原路").map(\.id) == ["qr-1"])
    #expect(try store.itemKeys(tenant: "acme", containing: "100%").isEmpty)
  }

  @Test func reopeningTheFileKeepsEverything() throws {
    try store.upsert([Self.refund], tenant: "acme")
    let again = try KnowledgeStore(path: folder.appendingPathComponent("replykit.sqlite").path)
    #expect(try again.item(tenant: "acme", source: .quick, id: "qr-1")?.item == Self.refund)
    #expect(try again.lastChangeSeq() == 1)
  }
}
