import Foundation
import HTTPTypes
import Hummingbird
import Knowledge
import LoopbackHTTP
import NIOCore
import Ranking
import ReplyServer
import Sessions
import Workbench

/// A data folder with a small help desk, agents and keys, and the service over it.
struct ServerFixture {
  let folder: URL
  let engine: SuggestionEngine
  let workbench: Workbench
  /// The sessions' clock: tests move it forward (recall window, alarms, timeouts).
  let clock = SessionClock()
  let agentA: String
  let agentB: String
  let admin: String
  let otherAdmin: String

  static let items: [KnowledgeItem] = [
    KnowledgeItem(
      id: "qr-refund", source: .quick, folder: "售后", title: "退款流程", body: "退款会在3-5个工作日内原路退回。", tags: ["退款"]),
    KnowledgeItem(id: "qr-ship", source: .quick, folder: "物流", title: "催发货", body: "已为您催促仓库尽快发货。"),
    KnowledgeItem(id: "qr-a", source: .quick, scope: .personal("agent-a"), title: "下班", body: "我先下线了。"),
    KnowledgeItem(id: "qr-b", source: .quick, scope: .personal("agent-b"), title: "下班啦", body: "agent b 的下班语。"),
    KnowledgeItem(id: "qr-off", source: .quick, title: "停用的退款", body: "不应出现", enabled: false),
    KnowledgeItem(
      id: "bot-refund", source: .bot, title: "怎么申请退款？", similar: ["如何退款", "退款怎么弄"], body: "在订单详情页点击申请退款即可。"),
    KnowledgeItem(id: "kb-refund", source: .internal, title: "退款政策", body: "退款原则上原路退回。"),
    KnowledgeItem(
      id: "qr-greet", source: .quick, title: "问候", body: "{{visitor.name|您}}好，我是{{agent.name}}，会话号{{session.id}}。"),
    KnowledgeItem(id: "qr-code", source: .quick, title: "会员码", body: "您的会员码是{{visitor.vip_code}}。"),
  ]

  init() async throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    engine = try await SuggestionEngine(dataFolder: folder.path)
    workbench = try Workbench(engine: engine, dataFolder: folder.path, clock: clock)
    try engine.store.upsert(Self.items, tenant: "acme")
    try engine.store.upsert(
      [KnowledgeItem(id: "qr-secret", source: .quick, title: "退款秘籍", body: "另一家")], tenant: "other")
    try engine.setAgent(Agent(tenant: "acme", id: "agent-a", name: "小安", groups: ["vip"]))
    try engine.setAgent(Agent(tenant: "acme", id: "agent-b", groups: []))
    try await engine.catchUp()
    agentA = try APIKeys.create(for: .init(tenant: "acme", agent: "agent-a", isAdmin: false), in: engine.store)
    agentB = try APIKeys.create(for: .init(tenant: "acme", agent: "agent-b", isAdmin: false), in: engine.store)
    admin = try APIKeys.create(for: .init(tenant: "acme", agent: nil, isAdmin: true), in: engine.store)
    otherAdmin = try APIKeys.create(for: .init(tenant: "other", agent: nil, isAdmin: true), in: engine.store)
  }

  func remove() { try? FileManager.default.removeItem(at: folder) }

  /// Runs `body` against the service on 127.0.0.1 (a real server on a free port).
  func withServer(
    demo: Bool = false, idleTimeout: Duration = .seconds(30),
    _ body: (LiveClient) async throws -> Void
  ) async throws {
    try await application(idleTimeout: idleTimeout, demo: demo).live { client in try await body(client) }
  }

  /// The service as `replykit serve` builds it, on a free port of 127.0.0.1.
  func application(idleTimeout: Duration = .seconds(30), demo: Bool = false) async throws -> some ApplicationProtocol {
    Application(
      router: buildRouter(workbench: workbench, demo: demo, demoTenant: "acme"),
      server: ServerConfiguration(idleTimeout: idleTimeout).httpServer,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)), services: [SessionSweeper(workbench: workbench)])
  }
}

/// A response as the tests read it.
struct JSONResponse {
  var status: HTTPResponse.Status
  var body: [String: Any]
  var raw: String
  var headers: HTTPFields = [:]

  var errorCode: String? { (body["error"] as? [String: Any])?["code"] as? String }
  var errorMessage: String? { (body["error"] as? [String: Any])?["message"] as? String }
}

extension LiveClient {
  func call(
    _ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil, bytes: [UInt8]? = nil,
    headers extra: HTTPFields = [:]
  ) async throws -> JSONResponse {
    var headers = extra
    if let key { headers[.authorization] = "Bearer \(key)" }
    if json != nil || bytes != nil { headers[.contentType] = "application/json" }
    let body = bytes.map { ByteBuffer(bytes: $0) } ?? json.map { ByteBuffer(string: $0) }
    return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
      let raw = String(buffer: response.body)
      let parsed = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
      return JSONResponse(status: response.status, body: parsed, raw: raw, headers: response.headers)
    }
  }
}

func percentEncoded(_ text: String) -> String {
  text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+")))
    ?? text
}
