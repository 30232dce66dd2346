import Foundation
import Knowledge
import Ranking
import Workbench

/// A data folder under the temporary directory, with an engine open on it.
struct TestDataFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  var path: String { url.path }

  func open() async throws -> SuggestionEngine { try await SuggestionEngine(dataFolder: path) }

  /// An engine on this folder with `items` stored for `tenant` and indexed.
  func open(with items: [KnowledgeItem], tenant: String = "acme") async throws -> SuggestionEngine {
    let engine = try await open()
    try engine.store.upsert(items, tenant: tenant)
    try await engine.catchUp()
    return engine
  }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A small help desk used across the tests.
enum Fixture {
  static let items: [KnowledgeItem] = [
    KnowledgeItem(
      id: "qr-refund", source: .quick, folder: "售后", title: "退款流程", body: "您好，退款会在3-5个工作日内原路退回。", tags: ["退款"]),
    KnowledgeItem(id: "qr-progress", source: .quick, title: "退款进度", body: "您的退款正在处理中，请耐心等待。"),
    KnowledgeItem(id: "qr-ship", source: .quick, title: "催发货", body: "已为您催促仓库尽快发货。"),
    KnowledgeItem(id: "qr-invoice", source: .quick, title: "开发票", body: "电子发票会在发货后发送到您的邮箱。"),
    KnowledgeItem(id: "qr-address", source: .quick, title: "修改收货地址", body: "订单发货前可以在订单详情页修改收货地址。"),
    KnowledgeItem(id: "qr-spot", source: .quick, title: "景点门票", body: "景点门票可以在出行前一天退订。"),
    KnowledgeItem(id: "qr-classic", source: .quick, title: "经典款", body: "经典款现货充足。"),
    KnowledgeItem(
      id: "qr-a-bye", source: .quick, scope: .personal("agent-a"), title: "下班", body: "我先下线了，同事会继续为您服务。"),
    KnowledgeItem(id: "qr-b-bye", source: .quick, scope: .personal("agent-b"), title: "下班啦", body: "agent b 的下班语。"),
    KnowledgeItem(id: "qr-vip", source: .quick, scope: .group("vip"), title: "VIP专属", body: "尊敬的VIP客户，您好。"),
    KnowledgeItem(
      id: "bot-password", source: .bot, title: "How do I reset my password?",
      similar: ["forgot password", "cannot log in"],
      body: "Tap Forgot password on the login page.", language: "en"),
    KnowledgeItem(
      id: "bot-refund", source: .bot, title: "怎么申请退款？", similar: ["如何退款", "退款怎么弄", "我要退钱"],
      body: "在订单详情页点击申请退款即可。"),
    KnowledgeItem(
      id: "bot-wash", source: .bot, title: "洗衣液怎么用", similar: ["洗衣液用量"], body: "每次使用一瓶盖即可。"),
    KnowledgeItem(
      id: "kb-refund", source: .internal, title: "退款政策（2025版）", body: "退款原则上原路退回，特殊情况需要主管审批。", category: "政策"),
    KnowledgeItem(id: "qr-off", source: .quick, title: "退款已停用", body: "停用的回复", enabled: false),
  ]
}
