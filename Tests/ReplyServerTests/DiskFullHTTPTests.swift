import Foundation
import Hummingbird
import Knowledge
import Ranking
import ReplyServer
import TestSupport
import Testing
import Workbench

/// A small tmpfs mounted for one test (the project's machines run tests as root).
struct SmallDisk {
  let url: URL

  static var canMount: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

  init(megabytes: Int, at url: URL? = nil) throws {
    self.url =
      url ?? FileManager.default.temporaryDirectory.appendingPathComponent("replykit-disk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", self.url.path]
    try mount.run()
    mount.waitUntilExit()
    #expect(mount.terminationStatus == 0)
  }

  var free: Int64 { FreeSpace.bytes(at: url.path) ?? 0 }

  /// Fills the disk until `leaving` bytes are free (0: until a write fails for want of space).
  func fill(leaving: Int64) throws {
    let path = url.appendingPathComponent("filler").path
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    let block = Data(repeating: 0x5A, count: 64 * 1024)
    while free > leaving {
      let size = min(Int64(block.count), max(free - leaving, 1))
      do { try handle.write(contentsOf: block.prefix(Int(size))) } catch { break }
    }
  }

  func emptyFiller() throws { try FileManager.default.removeItem(at: url.appendingPathComponent("filler")) }

  func unmount() {
    let umount = Process()
    umount.executableURL = URL(fileURLWithPath: "/bin/umount")
    umount.arguments = [url.path]
    try? umount.run()
    umount.waitUntilExit()
    try? FileManager.default.removeItem(at: url)
  }
}

@Suite(.liveServers, .serialized, .enabled(if: SmallDisk.canMount, "needs root to mount a tmpfs"))
struct DiskFullHTTPTests {
  static let quickReply = #"{"id": "qr-%@", "title": "退款加急%@", "content": "已加急。"}"#

  static func create(_ client: LiveClient, _ key: String, _ id: String) async throws -> JSONResponse {
    try await client.call(
      .post, "/v1/quick-replies", key: key, json: String(format: quickReply, id, id))
  }

  static func ids(_ client: LiveClient, _ key: String) async throws -> [String] {
    let found = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款加急"))&limit=20", key: key)
    return (found.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
  }

  /// The service over `folder` with its sweeper (which catches a lagging index up), and an administrator key.
  static func service(_ folder: String, reserveBytes: Int64) async throws -> (
    engine: SuggestionEngine, admin: String, app: some ApplicationProtocol
  ) {
    let engine = try await SuggestionEngine(dataFolder: folder, reserveBytes: reserveBytes)
    let admin = try APIKeys.create(for: .init(tenant: "acme", agent: nil, isAdmin: true), in: engine.store)
    let workbench = try Workbench(engine: engine, dataFolder: folder)
    let app = Application(
      router: buildRouter(workbench: workbench), server: ServerConfiguration().httpServer,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      services: [SessionSweeper(workbench: workbench)])
    return (engine, admin, app)
  }

  /// Whether the index comes to hold exactly the store's items within 10 s (the sweeper's rounds are 1 s).
  static func becomesConsistent(_ engine: SuggestionEngine) async throws -> Bool {
    for _ in 0..<100 {
      if try await engine.verifyIndex().isConsistent { return true }
      try await Task.sleep(for: .milliseconds(100))  // between polls of a condition
    }
    return false
  }

  /// Below the reserve the store refuses a change whole, and takes it again once there is room.
  @Test func belowTheReserveAChangeIsRefusedWhole() async throws {
    let disk = try SmallDisk(megabytes: 48)
    defer { disk.unmount() }
    let (engine, admin, app) = try await Self.service(disk.url.path + "/data", reserveBytes: 8 << 20)
    try await app.live { client in
      #expect(try await Self.create(client, admin, "1").status == .created)
      try disk.fill(leaving: 4 << 20)
      let refused = try await Self.create(client, admin, "2")
      #expect(refused.status.code == 507 && refused.errorCode == "disk_full")
      #expect(refused.headers[.retryAfter] != nil)
      #expect(try await client.call(.get, "/v1/quick-replies/qr-2", key: admin).status == .notFound)
      #expect(try await Self.ids(client, admin) == ["qr-1"])

      try disk.emptyFiller()
      #expect(try await Self.create(client, admin, "2").status == .created)
      #expect(Set(try await Self.ids(client, admin)) == ["qr-1", "qr-2"])
      #expect(try await engine.verifyIndex().isConsistent)
    }
  }

  /// A streamed import that reaches the reserve stops with 507; its job says `failed`, why, and exactly what the
  /// store took (whole batches), and once there is room the index holds those items.
  @Test func anImportThatRunsOutOfRoomLeavesAJobTellingWhatTheStoreHolds() async throws {
    let disk = try SmallDisk(megabytes: 64)
    defer { disk.unmount() }
    let reserve: Int64 = 8 << 20
    let (engine, admin, app) = try await Self.service(disk.url.path + "/data", reserveBytes: reserve)
    try await app.live { client in
      #expect(try await Self.create(client, admin, "0").status == .created)
      try disk.fill(leaving: reserve + (3 << 20))
      let lines = (1...40_000).map {
        #"{"id":"bulk-\#($0)","source":"quick","title":"批量导入 kx\#($0)","content":"批量导入的内容第\#($0)条，请联系客服处理退款。"}"#
      }
      let upload = try await client.call(
        .post, "/v1/imports?id=full", key: admin, json: lines.joined(separator: "\n"))
      #expect(upload.status.code == 507 && upload.errorCode == "disk_full", "\(upload.raw)")

      let job = try await client.call(.get, "/v1/imports/full", key: admin)
      let stored =
        try engine.store.list(
          tenant: "acme", filter: KnowledgeFilter(source: .quick), offset: 0, limit: 1
        ).total - 1
      #expect(job.body["state"] as? String == "failed", "\(job.raw)")
      #expect((job.body["message"] as? String)?.contains("disk") == true, "\(job.raw)")
      #expect(job.body["added"] as? Int == stored && stored > 0 && stored < 40_000, "job \(job.raw), store \(stored)")

      try disk.emptyFiller()
      #expect(try await Self.becomesConsistent(engine))
    }
  }

  /// A reply sent from a suggestion is stored in the session store before its pick is logged in the knowledge
  /// store. When the pick cannot be logged (the knowledge store is below its reserve) the client gets 507 and
  /// retries: the retry logs the pick, and any later retry logs nothing more.
  @Test func aPickTheStoreRefusedIsLoggedOnceByTheRetry() async throws {
    let disk = try SmallDisk(megabytes: 48)
    defer { disk.unmount() }
    let reserve: Int64 = 8 << 20
    let (engine, admin, app) = try await Self.service(disk.url.path + "/data", reserveBytes: reserve)
    try engine.setAgent(Agent(tenant: "acme", id: "agent-1", groups: []))
    let agent = try APIKeys.create(for: .init(tenant: "acme", agent: "agent-1", isAdmin: false), in: engine.store)
    try await app.live { client in
      #expect(try await Self.create(client, admin, "1").status == .created)
      let opened = try await client.call(
        .post, "/v1/sessions", key: admin, json: #"{"customer":{"id":"c-1","name":"王女士"}}"#)
      let session = try #require(opened.body["id"] as? Int, "\(opened.raw)")
      #expect(try await client.call(.post, "/v1/sessions/\(session)/assign", key: agent, json: "{}").status == .ok)

      try disk.fill(leaving: reserve - (1 << 20))
      let reply = #"{"sender":"agent","suggestion":"qr-1","source":"quick","clientId":"m-1","input":"退款"}"#
      let first = try await client.call(.post, "/v1/sessions/\(session)/messages", key: agent, json: reply)
      #expect(first.status.code == 507, "\(first.raw)")
      #expect(try engine.store.picks(tenant: "acme").isEmpty)

      try disk.emptyFiller()
      for _ in 0..<2 {
        let again = try await client.call(.post, "/v1/sessions/\(session)/messages", key: agent, json: reply)
        #expect(again.status == .ok && again.body["retried"] as? Bool == true, "\(again.raw)")
      }
      let picks = try engine.store.picks(tenant: "acme")
      #expect(picks.count == 1 && picks.first?.itemId == "qr-1")
      #expect(try engine.store.item(tenant: "acme", source: .quick, id: "qr-1")?.usageCount == 1)
    }
  }

  /// The conversations' store tells a full disk apart too (one scaffolding under both stores): `507`, not a
  /// `500`, and the session takes messages again once there is room.
  @Test func aFullDiskIs507ForMessagesToo() async throws {
    let disk = try SmallDisk(megabytes: 32)
    defer { disk.unmount() }
    let (_, admin, app) = try await Self.service(disk.url.path + "/data", reserveBytes: 0)
    try await app.live { client in
      let opened = try await client.call(.post, "/v1/sessions", key: admin, json: #"{"customer":{"id":"c-1"}}"#)
      let session = try #require(opened.body["id"] as? Int, "\(opened.raw)")
      try disk.fill(leaving: 0)
      var statuses: [Int] = []
      for number in 0..<20 {
        let body = String(repeating: "退款进度怎么查询", count: 2_000)
        let posted = try await client.call(
          .post, "/v1/sessions/\(session)/messages", key: admin,
          json: #"{"sender":"customer","body":"\#(body)","clientId":"f-\#(number)"}"#)
        statuses.append(Int(posted.status.code))
        if posted.status.code == 507 { #expect(posted.errorCode == "disk_full") }
      }
      #expect(statuses.contains(507) && !statuses.contains(500), "\(statuses)")
      try disk.emptyFiller()
      let later = try await client.call(
        .post, "/v1/sessions/\(session)/messages", key: admin,
        json: #"{"sender":"customer","body":"还在吗","clientId":"after"}"#)
      #expect(later.status == .created, "\(later.raw)")
    }
  }

  /// With no reserve the disk runs out under SQLite or Xapian: the change fails with 507, and once there is
  /// room the index follows the store again (the sweeper catches it up) and the writer takes new changes.
  @Test func aDiskThatRunsOutLeavesStoreAndIndexAgreeingOnceThereIsRoom() async throws {
    let disk = try SmallDisk(megabytes: 48)
    defer { disk.unmount() }
    let (engine, admin, app) = try await Self.service(disk.url.path + "/data", reserveBytes: 0)
    try await app.live { client in
      #expect(try await Self.create(client, admin, "1").status == .created)
      try disk.fill(leaving: 0)
      var refused = 0
      for number in 2...6 where try await Self.create(client, admin, String(number)).status.code == 507 {
        refused += 1
      }
      #expect(refused > 0)

      try disk.emptyFiller()
      #expect(try await Self.becomesConsistent(engine))
      #expect(try await Self.create(client, admin, "7").status == .created)
      #expect(try await Self.ids(client, admin).contains("qr-7"))
      #expect(try await engine.verifyIndex().isConsistent)
    }
  }

  /// The index on a disk of its own that runs out while the store's has room: the store takes the change, the
  /// answer says it waits for room (507), and the index follows once there is room.
  @Test func anIndexDiskThatRunsOutCatchesUpOnceThereIsRoom() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-disk-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let disk = try SmallDisk(megabytes: 16, at: folder.appendingPathComponent("index"))
    defer { disk.unmount() }
    let (engine, admin, app) = try await Self.service(folder.path, reserveBytes: 0)
    try await app.live { client in
      #expect(try await Self.create(client, admin, "1").status == .created)
      try disk.fill(leaving: 0)
      let waiting = try await Self.create(client, admin, "2")
      #expect(waiting.status.code == 507 && waiting.errorCode == "disk_full")
      #expect(waiting.errorMessage?.contains("stored") == true)
      #expect(try await client.call(.get, "/v1/quick-replies/qr-2", key: admin).status == .ok)

      try disk.emptyFiller()
      #expect(try await Self.becomesConsistent(engine))
      #expect(Set(try await Self.ids(client, admin)) == ["qr-1", "qr-2"])
      #expect(try await Self.create(client, admin, "3").status == .created)
      #expect(try await Self.ids(client, admin).contains("qr-3"))
    }
    // Xapian's own check finds the index sound after the failed commit.
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/usr/bin/xapian-check")
    check.arguments = [folder.appendingPathComponent("index").path]
    check.standardOutput = FileHandle.nullDevice
    try check.run()
    check.waitUntilExit()
    #expect(check.terminationStatus == 0)
  }
}
