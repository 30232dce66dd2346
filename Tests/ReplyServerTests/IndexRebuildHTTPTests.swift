import Foundation
import Hummingbird
import Knowledge
import Ranking
import ReplyServer
import TestSupport
import Testing
import Workbench

/// `replykit serve` over a data folder whose index is damaged: the service is up at once, searches answer 503
/// until the rebuild from the store is done, and writes made meanwhile are not lost.
@Suite(.liveServers, .serialized) struct IndexRebuildHTTPTests {
  @Test func searchesWaitForTheRebuildAndWritesGoOn() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-rebuild-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let (agent, admin) = try await Self.indexedFolder(folder)
    // A damaged index: its version file overwritten.
    let version = try FileHandle(forWritingTo: folder.appendingPathComponent("index/iamglass"))
    try version.write(contentsOf: Data("not a glass version file".utf8))
    try version.close()

    let (held, release) = AsyncStream<Void>.makeStream()
    let engine = try await SuggestionEngine(
      dataFolder: folder.path, rebuilding: .inBackground(before: { for await _ in held { break } }))
    #expect(engine.openReport.damage != nil)
    let workbench = try Workbench(engine: engine, dataFolder: folder.path)
    let app = Application(
      router: buildRouter(workbench: workbench), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.live { client in
      let health = try await client.call(.get, "/healthz")
      #expect(health.status == .ok && health.body["index"] as? String == "rebuilding")

      let suggest = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))", key: agent)
      #expect(suggest.status == .serviceUnavailable)
      #expect(suggest.errorCode == "index_rebuilding")
      #expect(suggest.headers[.retryAfter] == "5")
      let smart = try await client.call(.post, "/v1/smart-replies", key: agent, json: #"{"message": "怎么退款"}"#)
      #expect(smart.status == .serviceUnavailable && smart.errorCode == "index_rebuilding")

      // The store takes writes while the index is rebuilt.
      let created = try await client.call(
        .post, "/v1/quick-replies", key: admin, json: #"{"id": "qr-late", "title": "退款加急", "content": "已加急。"}"#)
      #expect(created.status == .created)

      release.yield()
      await engine.waitUntilIndexed()
      #expect(try await client.call(.get, "/healthz").body["index"] as? String == "ready")
      let after = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))&limit=20", key: agent)
      #expect(after.status == .ok)
      let ids = (after.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
      #expect(ids.contains("qr-refund") && ids.contains("qr-late"))
    }
  }

  /// The fixture's help desk, indexed, with an agent's and the administrator's keys; its engine closed again.
  static func indexedFolder(_ folder: URL) async throws -> (agent: String, admin: String) {
    let engine = try await SuggestionEngine(dataFolder: folder.path)
    try engine.store.upsert(ServerFixture.items, tenant: "acme")
    try await engine.catchUp()
    return (
      try APIKeys.create(for: .init(tenant: "acme", agent: "agent-a", isAdmin: false), in: engine.store),
      try APIKeys.create(for: .init(tenant: "acme", agent: nil, isAdmin: true), in: engine.store)
    )
  }
}
