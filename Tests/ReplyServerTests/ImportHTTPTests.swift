import Foundation
import Knowledge
import NIOCore
import TestSupport
import Testing

/// Bulk imports over HTTP: streamed uploads run as jobs.
@Suite(.liveServers, .serialized) struct ImportHTTPTests {
  static func generated(_ count: Int, prefix: String = "gen") -> String {
    var lines: [String] = []
    lines.reserveCapacity(count)
    for n in 0..<count {
      lines.append(
        #"{"id":"\#(prefix)-\#(n)","source":"quick","folder":"批量","title":"批量回复\#(n)","content":"这是第\#(n)条批量导入的回复，内容足够长以便测试流式上传的行为。"}"#
      )
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `POST /v1/imports?id=ID` of `body` with a deadline of ten minutes: a guard against a hang, far beyond what
  /// an import of this size takes on a loaded machine.
  static func upload(_ body: String, id: String, client: LiveClient, key: String) async throws -> JSONResponse {
    let response = try await client.http.execute(
      .post, "/v1/imports?id=\(id)", headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
      body: ByteBuffer(string: body), timeout: .seconds(600))
    let raw = String(buffer: response.body)
    let parsed = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
    return JSONResponse(status: response.status, body: parsed, raw: raw)
  }

  @Test func aLargeStreamedUploadImportsTwiceToTheSameStore() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    // About 1 MB, streamed in many chunks. The import answers when it is done, which in a debug build beside
    // the whole suite on two cores can take longer than the live test client waits for a response (20 s): the two
    // uploads have a deadline of their own. The 200 MB case is measured by hand
    // with curl (README).
    let items = 5_000
    let body = Self.generated(items)
    // The server closes a connection whose request it has stopped reading for `idleTimeout`: an import slowed by
    // the rest of the suite must not meet that (ProtocolEdgeTests pins the timeout itself).
    try await fixture.withServer(idleTimeout: .seconds(300)) { client in
      let first = try await Self.upload(body, id: "bulk-1", client: client, key: fixture.admin)
      #expect(first.status == .created, "\(first.raw.prefix(300))")
      #expect(first.body["state"] as? String == "succeeded")
      #expect(first.body["added"] as? Int == items)
      #expect(first.body["bytes"] as? Int == body.utf8.count)
      let job = try await client.call(.get, "/v1/imports/bulk-1", key: fixture.admin)
      #expect(job.body["added"] as? Int == items)
      #expect(job.body["finishedAt"] is String)
      let count = try fixture.engine.store.count(tenant: "acme")
      let seq = try fixture.engine.store.lastChangeSeq()
      let second = try await Self.upload(body, id: "bulk-2", client: client, key: fixture.admin)
      #expect(second.body["unchanged"] as? Int == items)
      #expect(try fixture.engine.store.count(tenant: "acme") == count)
      #expect(try fixture.engine.store.lastChangeSeq() == seq)
      // Imported items are suggested.
      let found = try await client.call(
        .get, "/v1/suggest?q=\(percentEncoded("批量回复\(items - 1)"))", key: fixture.agentA)
      #expect((found.body["suggestions"] as? [[String: Any]])?.first?["id"] as? String == "gen-\(items - 1)")
      // Another tenant does not see the job.
      #expect(try await client.call(.get, "/v1/imports/bulk-1", key: fixture.otherAdmin).status == .notFound)
    }
  }

  @Test func badLinesAreCountedWithTheirLineNumbers() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    let body = """
      {"id":"qr-x1","source":"quick","title":"好","content":"好的"}
      {"id":"qr-x2","source":"quick","title":"缺内容"}
      not json
      {"id":"qr-x3","source":"faq","title":"a","content":"b"}

      """
    try await fixture.withServer { client in
      let job = try await client.call(.post, "/v1/imports", key: fixture.admin, json: body)
      #expect(job.status == .created)
      #expect(job.body["state"] as? String == "succeeded")
      #expect(job.body["added"] as? Int == 1)
      #expect(job.body["rejected"] as? Int == 3)
      let errors = (job.body["errors"] as? [[String: Any]]) ?? []
      #expect(errors.compactMap { $0["line"] as? Int } == [2, 3, 4])
      #expect((errors.first?["reason"] as? String)?.contains("content") == true)
      #expect((job.body["id"] as? String)?.hasPrefix("imp-") == true)
    }
  }

  @Test func csvUploadsFollowTheContentType() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let csv = "标准问题,相似问题,答案,分类\n发票怎么开？,开发票|怎么开发票,下单后申请电子发票。,发票\n"
      let job = try await client.execute(
        uri: "/v1/imports?format=csv", method: .post,
        headers: [.authorization: "Bearer \(fixture.admin)", .contentType: "text/csv"], body: .init(string: csv)
      ) { response in
        try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
      }
      #expect(job?["added"] as? Int == 1)
      #expect(job?["format"] as? String == "csv")
    }
  }

  @Test func importsNeedTheAdministratorAndFreshIds() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      #expect(try await client.call(.post, "/v1/imports", key: fixture.agentA, json: "").status == .forbidden)
      #expect(try await client.call(.post, "/v1/imports?id=a", key: fixture.admin, json: "").status == .created)
      let again = try await client.call(.post, "/v1/imports?id=a", key: fixture.admin, json: "")
      #expect(again.status == .conflict)
      #expect(again.errorCode == "already_exists")
      #expect(try await client.call(.post, "/v1/imports?id=a%20b", key: fixture.admin, json: "").status == .badRequest)
      #expect(
        try await client.call(.post, "/v1/imports?format=xml", key: fixture.admin, json: "").status == .badRequest)
    }
  }

  @Test func anImportCutOffByAStopIsMarkedFailed() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    var job = ImportJob(id: "cut", format: "jsonl")
    job.added = 3_000
    try fixture.engine.store.createImportJob(tenant: "acme", job)  // left "running", as by a killed server
    #expect(try fixture.engine.store.failInterruptedImports() == 1)
    try await fixture.withServer { client in
      let read = try await client.call(.get, "/v1/imports/cut", key: fixture.admin)
      #expect(read.body["state"] as? String == "failed")
      #expect((read.body["message"] as? String)?.hasPrefix("interrupted") == true)
      #expect(read.body["added"] as? Int == 3_000)
    }
  }
}
