import Foundation
import Knowledge
import Testing

@testable import Ranking
@testable import Workbench

/// `#` beside a large bot knowledge base: the agent's quick replies whose title matches what was typed come
/// first (`Suggester.quickRepliesFirst`), however many bot questions share the word.
@Suite struct QuickRepliesFirstTests {
  /// Bot questions that start with, or hold, the words of the quick replies' titles: on words alone each
  /// outranks the quick reply (a shorter title, or the word twice).
  static func botQuestions(count: Int) -> [KnowledgeItem] {
    let words = ["花呗", "积分", "退款", "退款流程"]
    let tails = ["怎么还款", "可以分期吗", "为什么用不了", "额度是多少", "怎么兑换", "什么时候到账", "在哪里看", "被扣了怎么办"]
    return (0..<count).map { n in
      let word = words[n % words.count]
      let tail = tails[(n / words.count) % tails.count]
      return KnowledgeItem(
        id: "bot-\(n)", source: .bot, title: "\(word)\(n)", similar: ["\(word)\(word)\(tail)"],
        body: "\(word)")
    }
  }

  static let quickReplies = [
    KnowledgeItem(id: "qr-huabei", source: .quick, title: "花呗分期", body: "花呗分期请在账单页操作。"),
    KnowledgeItem(id: "qr-points", source: .quick, title: "会员积分", body: "会员积分可在会员中心查看。"),
    KnowledgeItem(id: "qr-refund", source: .quick, title: "退款流程", body: "退款会在3-5个工作日内原路退回。"),
    KnowledgeItem(
      id: "qr-mine", source: .quick, scope: .personal("agent-b"), title: "花呗提醒", body: "agent b 的花呗提醒。"),
  ]

  @Test func aQuickReplyWhoseTitleMatchesIsAmongTheFirstThree() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.quickReplies + Self.botQuestions(count: 1200))
    func ids(_ text: String, agent: String? = "agent-a", sources: Set<KnowledgeSource>? = nil) throws -> [String] {
      var options = SuggestOptions(agent: agent, limit: 10)
      if let sources { options.sources = sources }
      return try engine.suggester.suggest(text, tenant: "acme", options: options).map(\.id)
    }
    // Without the rule, every one of these ranks bot questions first (checked below with it turned off).
    for (typed, id) in [
      ("花呗", "qr-huabei"), ("花", "qr-huabei"), ("积分", "qr-points"), ("tk", "qr-refund"),
      ("退款流", "qr-refund"), ("tuikuan", "qr-refund"), ("hbfq", "qr-huabei"),
    ] {
      let shown = try ids(typed)
      #expect(shown.prefix(3).contains(id), "\(typed): \(shown)")
      #expect(Set(shown).count == shown.count, "\(typed): shown twice")
    }
    #expect(try ids("花呗").count == 10, "the bot questions still fill the list")
    // Another agent's personal reply stays invisible; its owner sees it first.
    #expect(try !ids("花呗").contains("qr-mine"))
    #expect(try ids("花呗", agent: "agent-b").prefix(3).contains("qr-mine"))
    // Bot knowledge asked for alone is ranked as before.
    #expect(try ids("花呗", sources: [.bot]).allSatisfy { $0.hasPrefix("bot-") })

    var off = engine.suggester.weights
    off.typed.quickTitleStarts = 0
    let plain = try engine.suggester(weights: off)
    let buried = try plain.suggest("花呗", tenant: "acme", options: SuggestOptions(agent: "agent-a", limit: 10))
    #expect(!buried.prefix(3).map(\.id).contains("qr-huabei"), "the fixture no longer buries the quick reply")
  }

  /// Of more matching quick replies than are lifted, the most used come first: the step itself, over a ranking
  /// of bot questions alone (what a tenant with a large bot knowledge base shows).
  @Test func usageOrdersTheQuickRepliesPutFirst() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let replies = ["花呗分期", "花呗还款", "花呗额度", "花呗开通", "花呗提额"].enumerated().map { n, title in
      KnowledgeItem(id: "qr-\(n + 1)", source: .quick, title: title, body: "回复\(n + 1)")
    }
    let engine = try await folder.open(with: replies + Self.botQuestions(count: 200))
    try engine.store.recordUse(tenant: "acme", source: .quick, id: "qr-5")
    for _ in 0..<2 { try engine.store.recordUse(tenant: "acme", source: .quick, id: "qr-4") }
    try await engine.catchUp()
    let suggester = engine.suggester
    let options = SuggestOptions(limit: 5)
    let bots = try suggester.suggest("花呗", tenant: "acme", options: SuggestOptions(limit: 5, sources: [.bot]))
    #expect(bots.count == 5)
    let context = try suggester.context("acme")
    let analyzer = try engine.analyzer(for: "acme")
    let plan = try #require(
      try suggester.analysed("花呗", options: .typedQuery, analyzer: analyzer, context: context).plan)
    let lifted = try suggester.quickRepliesFirst(bots, plan: plan, tenant: "acme", options: options, context: context)
    #expect(lifted.map(\.id) == ["qr-4", "qr-5", lifted[2].id] + bots.prefix(2).map(\.id), "\(lifted.map(\.id))")
    #expect(["qr-1", "qr-2", "qr-3"].contains(lifted[2].id))
  }
}
