import Foundation
import HTTPTypes
import Knowledge
import NIOCore
import TestSupport
import Testing

/// Every route over a real server on 127.0.0.1, the error table, and tenant and agent isolation.
@Suite(.liveServers, .serialized) struct HTTPTests {
  @Test func healthAndKeys() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      #expect(try await client.call(.get, "/healthz").status == .ok)
      let missing = try await client.call(.get, "/v1/suggest?q=x")
      #expect(missing.status == .unauthorized)
      #expect(missing.errorCode == "unauthorized")
      #expect(try await client.call(.get, "/v1/suggest?q=x", key: "rk_wrong").status == .unauthorized)
      let unknown = try await client.call(.get, "/v1/nothing-here", key: fixture.admin)
      #expect(unknown.status == .notFound)
      #expect(unknown.errorCode == "not_found")
    }
  }

  @Test func suggestReturnsRankedHighlightedSuggestions() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let response = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款流"))&limit=3", key: fixture.agentA)
      #expect(response.status == .ok)
      let suggestions = try #require(response.body["suggestions"] as? [[String: Any]])
      #expect(suggestions.first?["id"] as? String == "qr-refund")
      #expect((suggestions.first?["titleHighlights"] as? [[String: Int]])?.first == ["start": 0, "end": 4])
      #expect(response.body["tookMs"] is Double)
      #expect(suggestions.count <= 3)
      // Sources, and disabled and other tenants' items never show.
      let bots = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))&sources=bot", key: fixture.agentA)
      let botIds = (bots.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
      #expect(botIds == ["bot-refund"])
      let all = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))&limit=20", key: fixture.agentA)
      let ids = (all.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
      #expect(!ids.contains("qr-off") && !ids.contains("qr-secret"))
    }
  }

  @Test func repeatedSuggestionsComeFromTheCacheUntilTheIndexChanges() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let path = "/v1/suggest?q=\(percentEncoded("退款"))&limit=10"
      let first = try await client.call(.get, path, key: fixture.agentA)
      let second = try await client.call(.get, path, key: fixture.agentA)
      #expect(first.body["cached"] as? Bool == false)
      #expect(second.body["cached"] as? Bool == true)
      #expect(
        (second.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
          == (first.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
      // Another agent sees other personal replies: its answers are its own.
      #expect(try await client.call(.get, path, key: fixture.agentB).body["cached"] as? Bool == false)
      // A new item is a new commit: the next answer is computed again and has it.
      let created = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin,
        json: #"{"id": "qr-new", "title": "退款加急", "content": "已为您加急处理退款。"}"#)
      #expect(created.status == .created)
      let third = try await client.call(.get, path, key: fixture.agentA)
      #expect(third.body["cached"] as? Bool == false)
      #expect((third.body["suggestions"] as? [[String: Any]])?.contains { $0["id"] as? String == "qr-new" } == true)
    }
  }

  @Test func suggestErrors() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let long = String(repeating: "退", count: 257)
      let tooLong = try await client.call(.get, "/v1/suggest?q=\(percentEncoded(long))", key: fixture.agentA)
      #expect(tooLong.status == .badRequest)
      #expect(tooLong.errorCode == "query_too_long")
      let limit = try await client.call(.get, "/v1/suggest?q=x&limit=0", key: fixture.agentA)
      #expect(limit.status == .badRequest)
      #expect(limit.errorMessage?.contains("limit") == true)
      let sources = try await client.call(.get, "/v1/suggest?q=x&sources=faq", key: fixture.agentA)
      #expect(sources.status == .badRequest)
      #expect(sources.errorMessage?.contains("faq") == true)
    }
  }

  @Test func agentsSeeOnlyTheirOwnPersonalReplies() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      func ids(_ key: String) async throws -> [String] {
        let response = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("下班"))", key: key)
        return (response.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
      }
      #expect(try await ids(fixture.agentA).contains("qr-a"))
      #expect(try await !ids(fixture.agentA).contains("qr-b"))
      #expect(try await !ids(fixture.agentB).contains("qr-a"))
      // Another agent's personal reply is as if it did not exist: reading, changing and deleting it all answer
      // 404, as for an id nobody has.
      #expect(try await client.call(.get, "/v1/quick-replies/qr-b", key: fixture.agentA).status == .notFound)
      let edit = try await client.call(
        .put, "/v1/quick-replies/qr-b", key: fixture.agentA,
        json: #"{"title":"改","content":"改了","scope":"personal:agent-b"}"#)
      #expect(edit.status == .notFound && edit.errorCode == "not_found")
      #expect(try await client.call(.delete, "/v1/quick-replies/qr-b", key: fixture.agentA).status == .notFound)
      // A company reply the agent sees but may not change is forbidden.
      let company = try await client.call(
        .put, "/v1/quick-replies/qr-refund", key: fixture.agentA, json: #"{"title":"改","content":"改了"}"#)
      #expect(company.status == .forbidden)
      // An agent edits its own.
      let own = try await client.call(
        .put, "/v1/quick-replies/qr-a", key: fixture.agentA,
        json: #"{"title":"下班了","content":"我下班了，明天见。","scope":"personal:agent-a"}"#)
      #expect(own.status == .ok, "\(own.raw)")
      #expect(own.body["title"] as? String == "下班了")
      // An agent cannot create company replies.
      let created = try await client.call(
        .post, "/v1/quick-replies", key: fixture.agentA, json: #"{"id":"qr-new","title":"新","content":"新的"}"#)
      #expect(created.status == .forbidden)
    }
  }

  /// An agent creating a reply with the id of another agent's personal reply learns nothing of it: the reply is
  /// made (in the agent's own namespace, `PersonalID`), and both agents go on reading, picking and changing
  /// their own under the same id.
  @Test func anAgentsIdsNeverTellOfAnotherAgentsReplies() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let mine = #"{"id":"qr-b","title":"我的下班语","content":"agent a 的。","scope":"personal:agent-a"}"#
      let created = try await client.call(.post, "/v1/quick-replies", key: fixture.agentA, json: mine)
      #expect(created.status == .created, "\(created.raw)")
      #expect(created.body["id"] as? String == "qr-b")
      // The same request again is a conflict with the agent's own reply (which it may know of).
      #expect(try await client.call(.post, "/v1/quick-replies", key: fixture.agentA, json: mine).status == .conflict)
      // A company reply's id is a conflict too: the agent sees it.
      let shared = try await client.call(
        .post, "/v1/quick-replies", key: fixture.agentA,
        json: #"{"id":"qr-refund","title":"x","content":"y","scope":"personal:agent-a"}"#)
      #expect(shared.status == .conflict)

      let a = try await client.call(.get, "/v1/quick-replies/qr-b", key: fixture.agentA)
      let b = try await client.call(.get, "/v1/quick-replies/qr-b", key: fixture.agentB)
      #expect(a.body["title"] as? String == "我的下班语" && a.body["id"] as? String == "qr-b")
      #expect(b.body["title"] as? String == "下班啦")
      let suggested = try await client.call(
        .get, "/v1/suggest?q=\(percentEncoded("我的下班"))", key: fixture.agentA)
      let first = (suggested.body["suggestions"] as? [[String: Any]])?.first
      #expect(first?["id"] as? String == "qr-b" && first?["title"] as? String == "我的下班语")
      let pick = try await client.call(
        .post, "/v1/suggestions/qr-b/picked", key: fixture.agentA, json: #"{"input":"我的","source":"quick"}"#)
      #expect(pick.status == .ok && pick.body["usageCount"] as? Int == 1, "\(pick.raw)")
      let changed = try await client.call(
        .put, "/v1/quick-replies/qr-b", key: fixture.agentA,
        json: #"{"title":"改过的下班语","content":"改了。","scope":"personal:agent-a"}"#)
      #expect(changed.status == .ok && changed.body["id"] as? String == "qr-b", "\(changed.raw)")
      #expect(
        try await client.call(.get, "/v1/quick-replies/qr-b", key: fixture.agentB).body["title"] as? String == "下班啦")
      // The administrator sees both, the agent's under its namespaced id.
      let all = try await client.call(.get, "/v1/quick-replies?per_page=100", key: fixture.admin)
      let ids = (all.body["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
      #expect(ids.contains("qr-b") && ids.contains("~agent-a/qr-b"))
      // Nobody else may take an id of an agent's namespace.
      let foreign = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin, json: #"{"id":"~agent-a/x","title":"x","content":"y"}"#)
      #expect(foreign.status == .unprocessableContent && foreign.errorCode == "invalid_item")
      #expect(try await client.call(.delete, "/v1/quick-replies/qr-b", key: fixture.agentA).status == .noContent)
      #expect(try await client.call(.get, "/v1/quick-replies/qr-b", key: fixture.agentA).status == .notFound)
      #expect(
        try await client.call(.get, "/v1/quick-replies/qr-b", key: fixture.agentB).body["title"] as? String == "下班啦")
    }
  }

  @Test func tenantsAreIsolated() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      #expect(try await client.call(.get, "/v1/quick-replies/qr-refund", key: fixture.otherAdmin).status == .notFound)
      #expect(try await client.call(.get, "/v1/quick-replies/qr-secret", key: fixture.admin).status == .notFound)
      #expect(
        try await client.call(.delete, "/v1/quick-replies/qr-refund", key: fixture.otherAdmin).status == .notFound)
      let other = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))", key: fixture.otherAdmin)
      let ids = (other.body["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
      #expect(ids == ["qr-secret"])
      // The item is untouched by the other tenant's attempts.
      #expect(try fixture.engine.store.item(tenant: "acme", source: .quick, id: "qr-refund") != nil)
    }
  }

  @Test func createReadUpdateDeleteAndSuggestSeesItAtOnce() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let created = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin,
        json: #"{"id":"qr-invoice","folder":"发票","title":"开发票","content":"电子发票会发到您的邮箱。","tags":["发票"]}"#)
      #expect(created.status == .created, "\(created.raw)")
      #expect(created.body["content"] as? String == "电子发票会发到您的邮箱。")
      #expect(created.body["source"] as? String == "quick")
      let duplicate = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin, json: #"{"id":"qr-invoice","title":"x","content":"y"}"#)
      #expect(duplicate.status == .conflict)
      func firstSuggestion(_ text: String) async throws -> String? {
        let response = try await client.call(.get, "/v1/suggest?q=\(percentEncoded(text))", key: fixture.agentA)
        return (response.body["suggestions"] as? [[String: Any]])?.first?["id"] as? String
      }
      #expect(try await firstSuggestion("开发") == "qr-invoice")
      let updated = try await client.call(
        .put, "/v1/quick-replies/qr-invoice", key: fixture.admin, json: #"{"title":"开具发票","content":"已为您开具。"}"#)
      #expect(updated.status == .ok, "\(updated.raw)")
      #expect(
        try await client.call(.get, "/v1/quick-replies/qr-invoice", key: fixture.agentA).body["title"] as? String
          == "开具发票")
      let mismatch = try await client.call(
        .put, "/v1/quick-replies/qr-invoice", key: fixture.admin, json: #"{"id":"other","title":"a","content":"b"}"#)
      #expect(mismatch.status == .unprocessableContent && mismatch.errorCode == "id_mismatch")
      // null is an id left out; an id that is not text is refused.
      let nullID = try await client.call(
        .put, "/v1/quick-replies/qr-invoice", key: fixture.admin,
        json: #"{"id":null,"title":"开具发票","content":"已为您开具。","folder":null}"#)
      #expect(nullID.status == .ok, "\(nullID.raw)")
      let numberID = try await client.call(
        .put, "/v1/quick-replies/qr-invoice", key: fixture.admin, json: #"{"id":{"a":1},"title":"a","content":"b"}"#)
      #expect(numberID.status == .badRequest && numberID.errorMessage == #"field "id" must be a string"#)
      #expect(try await client.call(.delete, "/v1/quick-replies/qr-invoice", key: fixture.admin).status == .noContent)
      #expect(try await client.call(.get, "/v1/quick-replies/qr-invoice", key: fixture.admin).status == .notFound)
      #expect(try await firstSuggestion("开具发") != "qr-invoice")
      // Bot knowledge and articles take their own field names.
      let bot = try await client.call(
        .post, "/v1/bot-knowledge", key: fixture.admin,
        json: #"{"id":"bot-2","question":"发票怎么开？","similar":["开发票"],"answer":"下单后申请。"}"#)
      #expect(bot.status == .created, "\(bot.raw)")
      #expect(bot.body["answer"] as? String == "下单后申请。")
      let article = try await client.call(.get, "/v1/internal-knowledge/kb-refund", key: fixture.agentA)
      #expect(article.body["body"] as? String == "退款原则上原路退回。")
    }
  }

  @Test(arguments: ["退款-1", "emoji 😀 id", "a/b?c#d%e(f)", "100%"])
  func idsWithAnyCharacterCanBeReadChangedAndDeleted(id: String) async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let body = try String(
        decoding: JSONSerialization.data(withJSONObject: ["id": id, "title": "特殊", "content": "内容"]), as: UTF8.self)
      #expect(try await client.call(.post, "/v1/quick-replies", key: fixture.admin, json: body).status == .created)
      let path = "/v1/quick-replies/" + id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
      let read = try await client.call(.get, path, key: fixture.admin)
      #expect(read.status == .ok && read.body["id"] as? String == id)
      let changed = try await client.call(.put, path, key: fixture.admin, json: #"{"title": "特殊二", "content": "改"}"#)
      #expect(changed.status == .ok && changed.body["title"] as? String == "特殊二")
      #expect(try await client.call(.delete, path, key: fixture.admin).status == .noContent)
      let gone = try await client.call(.get, path, key: fixture.admin)
      #expect(gone.status == .notFound)
      // The message never echoes what was asked for.
      #expect(gone.errorMessage?.contains(id) == false)
    }
  }

  @Test func aPathThatIsNotPercentEncodedUTF8IsABadRequest() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let bad = try await client.call(.get, "/v1/quick-replies/%FF%FE", key: fixture.admin)
      #expect(bad.status == .badRequest && bad.errorCode == "invalid_path")
      let nul = try await client.call(.get, "/v1/quick-replies/a%00b", key: fixture.admin)
      #expect(nul.status == .badRequest && nul.errorCode == "invalid_path")
    }
  }

  @Test func aNULInAnyJSONTextIsRefusedAndNothingIsStored() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let word = try await client.call(.post, "/v1/dictionary", key: fixture.admin, json: #"{"words":["a\u0000b"]}"#)
      #expect(word.status == .badRequest && word.errorCode == "invalid_text")
      #expect(word.errorMessage?.contains(#"field "words[0]""#) == true)
      #expect(try await client.call(.get, "/v1/dictionary", key: fixture.admin).body["words"] as? [String] == [])
      let item = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin, json: #"{"id": "nul", "title": "t\u0000t", "content": "c"}"#)
      #expect(item.status == .badRequest && item.errorMessage?.contains(#"field "title""#) == true)
      #expect(try await client.call(.get, "/v1/quick-replies/nul", key: fixture.admin).status == .notFound)
      // An escaped backslash before u0000 is text, not a NUL.
      let text = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin, json: #"{"id": "bs", "title": "a\\u0000", "content": "c"}"#)
      #expect(text.status == .created && text.body["title"] as? String == #"a\u0000"#)
    }
  }

  @Test func aMethodAPathDoesNotTakeIs405WithAllow() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let trace = try await client.call(.trace, "/v1/suggest?q=x", key: fixture.agentA)
      #expect(trace.status == .methodNotAllowed && trace.errorCode == "method_not_allowed")
      #expect(trace.headers[.allow] == "GET")
      let delete = try await client.call(.delete, "/v1/quick-replies", key: fixture.admin)
      #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "GET, POST")
      let item = try await client.call(.post, "/v1/quick-replies/qr-refund", key: fixture.admin, json: "{}")
      #expect(item.status == .methodNotAllowed && item.headers[.allow] == "DELETE, GET, PUT")
      let query = try await client.call(HTTPRequest.Method("QUERY")!, "/v1/sessions", key: fixture.admin)
      #expect(query.status == .methodNotAllowed)
      // HEAD follows GET; a path that does not exist is still 404.
      #expect(try await client.call(.head, "/healthz").status == .ok)
      #expect(try await client.call(.trace, "/v1/nothing-here", key: fixture.admin).status == .notFound)
    }
  }

  @Test func queryParametersWithAFixedFormAreChecked() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      for lang in ["", "x", "zh_CN", "%E4%B8%AD"] {
        let response = try await client.call(.get, "/v1/suggest?q=a&lang=\(lang)", key: fixture.agentA)
        #expect(
          response.status == .badRequest && response.errorMessage == "lang must be a language tag such as zh-Hans")
      }
      #expect(try await client.call(.get, "/v1/suggest?q=a&lang=zh-Hans", key: fixture.agentA).status == .ok)
      let smart = try await client.call(
        .post, "/v1/smart-replies", key: fixture.agentA, json: #"{"message": "怎么退款", "lang": "中文"}"#)
      #expect(smart.status == .badRequest)
    }
  }

  @Test func queryStringsMustBePercentEncodedUTF8() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let bytes = try await client.call(.get, "/v1/suggest?q=%FF%FE", key: fixture.agentA)
      #expect(bytes.status == .badRequest && bytes.errorCode == "invalid_utf8")
      #expect(bytes.errorMessage?.contains(#"query parameter "q""#) == true)
      let nul = try await client.call(.get, "/v1/suggest?q=a%00b", key: fixture.agentA)
      #expect(nul.status == .badRequest && nul.errorCode == "invalid_text")
      // Well-formed text, encoded or with + for a space, still searches.
      #expect(try await client.call(.get, "/v1/suggest?q=%E9%80%80%E6%AC%BE+a", key: fixture.agentA).status == .ok)
    }
  }

  @Test func bodiesMustBeJSONObjectsWithEachKeyOnce() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      func post(_ body: String, type: String?) async throws -> JSONResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(fixture.admin)"]
        if let type { headers[.contentType] = type }
        return try await client.execute(
          uri: "/v1/dictionary", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { response in
          let raw = String(buffer: response.body)
          let parsed = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
          return JSONResponse(status: response.status, body: parsed, raw: raw)
        }
      }
      let words = #"{"words": ["蓝月亮"]}"#
      for type in ["text/plain", "application/xml", "multipart/form-data; boundary=x"] {
        let refused = try await post(words, type: type)
        #expect(refused.status == .unsupportedMediaType && refused.errorCode == "unsupported_media_type")
      }
      #expect(try await client.call(.get, "/v1/dictionary", key: fixture.admin).body["words"] as? [String] == [])
      #expect(try await post(words, type: "application/json; charset=utf-8").status == .ok)
      #expect(try await post(#"{"words": ["洗衣机"]}"#, type: nil).status == .ok)

      let twice = try await post(#"{"words": ["a"], "words": ["b"]}"#, type: "application/json")
      #expect(twice.status == .badRequest && twice.errorCode == "duplicate_field")
      #expect(twice.errorMessage?.contains(#"field "words""#) == true)
      let array = try await post(#"[{"words": ["a"]}]"#, type: "application/json")
      #expect(array.status == .badRequest && array.errorMessage == "the body must be a JSON object")

      let huge = try await client.call(
        .post, "/v1/smart-replies", key: fixture.agentA, json: #"{"message": "怎么退款", "limit": 9223372036854775808}"#)
      #expect(huge.status == .badRequest && huge.errorCode == "invalid_argument")
      #expect(huge.errorMessage == #"field "limit" is a number out of range"#)
    }
  }

  @Test func listingsArePagedFilteredAndVisible() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let page = try await client.call(.get, "/v1/quick-replies?per_page=2&page=1", key: fixture.agentA)
      #expect(page.status == .ok)
      #expect((page.body["items"] as? [Any])?.count == 2)
      // agent-a sees the company replies (5 incl. the disabled one) and its own, not agent-b's.
      #expect(page.body["total"] as? Int == 6)
      let folder = try await client.call(.get, "/v1/quick-replies?folder=\(percentEncoded("售后"))", key: fixture.agentA)
      #expect((folder.body["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["qr-refund"])
      let tag = try await client.call(.get, "/v1/quick-replies?tag=\(percentEncoded("退款"))", key: fixture.agentA)
      #expect(tag.body["total"] as? Int == 1)
      let disabled = try await client.call(.get, "/v1/quick-replies?enabled=false", key: fixture.admin)
      #expect(disabled.body["total"] as? Int == 1)
      #expect(try await client.call(.get, "/v1/quick-replies?page=0", key: fixture.admin).status == .badRequest)
      #expect(try await client.call(.get, "/v1/quick-replies?scope=team", key: fixture.admin).status == .badRequest)
      let folders = try await client.call(.get, "/v1/folders", key: fixture.agentA)
      let names = (folders.body["folders"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
      #expect(names == ["售后", "物流"])
    }
  }

  @Test func malformedBodiesAreClearErrorsAndChangeNothing() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let seq = try fixture.engine.store.lastChangeSeq()
      let broken = try await client.call(.post, "/v1/quick-replies", key: fixture.admin, json: #"{"id": "x", "#)
      #expect(broken.status == .badRequest)
      let missing = try await client.call(
        .post, "/v1/quick-replies", key: fixture.admin, json: #"{"id":"qr-x","title":"no content"}"#)
      #expect(missing.status == .badRequest)
      #expect(missing.errorMessage?.contains("content") == true)
      let wrongType = try await client.call(
        .post, "/v1/bot-knowledge", key: fixture.admin, json: #"{"id":"b","question":"q","answer":"a","similar":"x"}"#)
      #expect(wrongType.status == .badRequest)
      #expect(wrongType.errorMessage?.contains("similar") == true)
      let notUTF8 = try await client.call(
        .post, "/v1/smart-replies", key: fixture.agentA,
        bytes: Array(#"{"message":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
      #expect(notUTF8.status == .badRequest)
      #expect(notUTF8.errorCode == "invalid_utf8")
      let noMessage = try await client.call(.post, "/v1/smart-replies", key: fixture.agentA, json: #"{"limit":2}"#)
      #expect(noMessage.status == .badRequest)
      #expect(noMessage.errorCode == "missing_field")
      #expect(noMessage.errorMessage?.contains("message") == true)
      let typed = try await client.call(.post, "/v1/smart-replies", key: fixture.agentA, json: #"{"message":5}"#)
      #expect(typed.errorMessage?.contains("\"message\" must be a string") == true)
      let huge = try await client.call(
        .post, "/v1/smart-replies", key: fixture.agentA,
        json: #"{"message":""# + String(repeating: "a", count: 2 << 20) + #""}"#)
      #expect(huge.status == .contentTooLarge)
      #expect(huge.errorCode == "body_too_large")
      #expect(try fixture.engine.store.lastChangeSeq() == seq)
    }
  }

  @Test func smartRepliesAndPicks() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let reply = try await client.call(.post, "/v1/smart-replies", key: fixture.agentA, json: #"{"message":"退款怎么弄"}"#)
      #expect(reply.status == .ok, "\(reply.raw)")
      let answers = try #require(reply.body["answers"] as? [[String: Any]])
      #expect((answers.first?["suggestion"] as? [String: Any])?["id"] as? String == "bot-refund")
      #expect(answers.first?["confidence"] as? Double == 1)
      #expect(reply.body["noGoodAnswer"] as? Bool == false)

      let pick = try await client.call(
        .post, "/v1/suggestions/qr-ship/picked", key: fixture.agentA,
        json: #"{"input":"催","position":0,"shown":["qr-ship","qr-refund"]}"#)
      #expect(pick.status == .ok, "\(pick.raw)")
      #expect(pick.body["usageCount"] as? Int == 1)
      #expect(pick.body["source"] as? String == "quick")
      let picks = try fixture.engine.store.picks(tenant: "acme")
      #expect(picks.map(\.itemId) == ["qr-ship"])
      #expect(picks.first?.shown == ["qr-ship", "qr-refund"])
      #expect(picks.first?.agent == "agent-a")
      // Right after #, the most used reply comes first.
      let blank = try await client.call(.get, "/v1/suggest?q=", key: fixture.agentA)
      #expect((blank.body["suggestions"] as? [[String: Any]])?.first?["id"] as? String == "qr-ship")
      #expect(
        try await client.call(.post, "/v1/suggestions/nope/picked", key: fixture.agentA, json: #"{"input":"x"}"#).status
          == .notFound)
      // A pick's position and shown list have bounds; past them nothing is recorded.
      for body in [
        #"{"input":"x","position":-1}"#, #"{"input":"x","position":101}"#,
        #"{"input":"x","shown":[""]}"#,
        "{\"input\":\"x\",\"shown\":[\(Array(repeating: "\"a\"", count: 101).joined(separator: ","))]}",
      ] {
        let refused = try await client.call(.post, "/v1/suggestions/qr-ship/picked", key: fixture.agentA, json: body)
        #expect(refused.status == .badRequest && refused.errorCode == "invalid_argument", "\(body)")
      }
      // Another agent's personal reply cannot be picked, nor its usage raised.
      let other = try await client.call(
        .post, "/v1/suggestions/qr-b/picked", key: fixture.agentA, json: #"{"input":"下"}"#)
      #expect(other.status == .notFound)
      #expect(try fixture.engine.store.item(tenant: "acme", source: .quick, id: "qr-b")?.usageCount == 0)
    }
  }

  @Test func dictionaryAndSynonymsNeedTheAdministrator() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      #expect(
        try await client.call(.post, "/v1/synonyms", key: fixture.agentA, json: #"{"terms":["退款","退钱"]}"#).status
          == .forbidden)
      let synonyms = try await client.call(.post, "/v1/synonyms", key: fixture.admin, json: #"{"terms":["退款","退钱"]}"#)
      #expect(synonyms.status == .ok)
      #expect(synonyms.body["sets"] as? [[String]] == [["退款", "退钱"]])
      let found = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退钱 "))", key: fixture.agentA)
      #expect((found.body["suggestions"] as? [[String: Any]])?.isEmpty == false)
      let words = try await client.call(.post, "/v1/dictionary", key: fixture.admin, json: #"{"words":["蓝月亮"]}"#)
      #expect(words.status == .ok)
      #expect(words.body["added"] as? [String] == ["蓝月亮"])
      #expect(try await client.call(.get, "/v1/dictionary", key: fixture.agentA).body["words"] as? [String] == ["蓝月亮"])
      #expect(
        try await client.call(.post, "/v1/dictionary", key: fixture.agentA, json: #"{"words":["x"]}"#).status
          == .forbidden)
    }
  }
}

/// `POST /v1/learn`: word evidence from the tenant's pick log, used at once; `DELETE` drops it.
@Suite(.liveServers, .serialized) struct LearnHTTPTests {
  @Test func theAdministratorLearnsFromPicksAndCanDropIt() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let none = try await client.call(.post, "/v1/learn", key: fixture.admin)
      #expect(none.status == .unprocessableContent)
      #expect(none.errorCode == "no_picks")
      for (input, id) in [
        ("退款流程怎么走", "qr-refund"), ("怎么申请退款", "bot-refund"), ("催一下发货", "qr-ship"),
        ("退款政策是什么", "kb-refund"), ("如何退款", "bot-refund"), ("发货太慢了", "qr-ship"),
      ] {
        let picked = try await client.call(
          .post, "/v1/suggestions/\(id)/picked", key: fixture.agentA, json: #"{"input":"\#(input)"}"#)
        #expect(picked.status == .ok)
      }
      #expect(try await client.call(.post, "/v1/learn", key: fixture.agentA).status == .forbidden)
      #expect(
        try await client.call(.post, "/v1/learn", key: fixture.admin, json: #"{"limit":0}"#).status == .badRequest)
      let badPolicy = try await client.call(.post, "/v1/learn", key: fixture.admin, json: #"{"evidence":"sometimes"}"#)
      #expect(badPolicy.status == .badRequest && badPolicy.errorMessage?.contains(#"field "evidence""#) == true)
      // Six picks cannot show that evidence learned from three ranks the other three better: not kept.
      let validated = try await client.call(.post, "/v1/learn", key: fixture.admin, json: #"{"limit":100}"#)
      #expect(validated.status == .ok)
      #expect((validated.body["evidence"] as? [String: Any])?["kept"] as? Bool == false)
      #expect(validated.body["words"] as? Int == 0)
      #expect(try fixture.engine.store.wordEvidence(tenant: "acme").isEmpty)
      let learned = try await client.call(
        .post, "/v1/learn", key: fixture.admin, json: #"{"limit":100, "evidence":"always"}"#)
      #expect(learned.status == .ok)
      #expect(learned.body["picks"] as? Int == 6)
      // The picks' typed texts ranked both ways before anything was learned; the verdict is the tenant's choice.
      let verdict = try #require(learned.body["typedRanking"] as? [String: Any])
      #expect(verdict["questions"] as? Int == 6)
      let settings = try await client.call(.get, "/v1/settings", key: fixture.agentA)
      #expect(settings.body["typedRanking"] as? String == verdict["choice"] as? String)
      #expect(settings.body["wholeRanking"] as? String == "standard")
      let words = try #require(learned.body["words"] as? Int)
      #expect(words > 0)
      // Any key of the tenant sees what was learned; another tenant's sees nothing.
      let seen = try await client.call(.get, "/v1/learn", key: fixture.agentA)
      #expect(seen.body["words"] as? Int == words)
      #expect(
        (seen.body["decisive"] as? [[String: Any]])?.compactMap { $0["word"] as? String }
          == (learned.body["decisive"] as? [[String: Any]])?.compactMap { $0["word"] as? String })
      #expect(try await client.call(.get, "/v1/learn", key: fixture.otherAdmin).body["words"] as? Int == 0)
      #expect(try fixture.engine.store.wordEvidence(tenant: "acme").isEmpty == false)
      #expect(try fixture.engine.store.wordEvidence(tenant: "other").isEmpty)
      // Smart replies go on answering with the evidence in use.
      let answers = try await client.call(
        .post, "/v1/smart-replies", key: fixture.agentA, json: #"{"message":"怎么申请退款"}"#)
      #expect(answers.status == .ok)
      #expect(
        ((answers.body["answers"] as? [[String: Any]])?.first?["suggestion"] as? [String: Any])?["id"] as? String
          == "bot-refund")

      #expect(try await client.call(.delete, "/v1/learn", key: fixture.admin).status == .noContent)
      #expect(try fixture.engine.store.wordEvidence(tenant: "acme").isEmpty)
      #expect(try await client.call(.get, "/v1/learn", key: fixture.agentA).body["words"] as? Int == 0)
    }
  }

  /// What agents typed before picking an item, twice or more, becomes its phrasing: the next agent who types
  /// it is offered the item first.
  @Test func textsPickedTwiceBecomePhrasingsOfTheirItem() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      func first(_ typed: String) async throws -> String? {
        let response = try await client.call(
          .get, "/v1/suggest?q=\(percentEncoded(typed))&limit=3", key: fixture.agentA)
        #expect(response.status == .ok)
        return ((response.body["suggestions"] as? [[String: Any]])?.first)?["id"] as? String
      }
      let typed = "钱什么时候能回"
      #expect(try await first(typed) != "qr-refund")
      for (input, id) in [("钱什么时候能回来", "qr-refund"), ("钱什么时候能回来", "qr-refund"), ("发货太慢了", "qr-ship")] {
        let picked = try await client.call(
          .post, "/v1/suggestions/\(id)/picked", key: fixture.agentA, json: #"{"input":"\#(input)"}"#)
        #expect(picked.status == .ok)
      }
      let learned = try await client.call(.post, "/v1/learn", key: fixture.admin)
      #expect(learned.status == .ok)
      // Picked once is not yet a phrasing.
      #expect(learned.body["phrasings"] as? Int == 1)
      #expect(try await client.call(.get, "/v1/learn", key: fixture.agentA).body["phrasings"] as? Int == 1)
      #expect(try await first(typed) == "qr-refund")

      #expect(try await client.call(.delete, "/v1/learn", key: fixture.admin).status == .noContent)
      #expect(try await client.call(.get, "/v1/learn", key: fixture.agentA).body["phrasings"] as? Int == 0)
      #expect(try await first(typed) != "qr-refund")
    }
  }
}

@Suite(.liveServers, .serialized) struct MetricsTests {
  @Test func metricsAreOpenAndInPrometheusFormat() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      _ = try await client.call(.get, "/v1/suggest?q=\(percentEncoded("退款"))", key: fixture.agentA)
      _ = try await client.call(.get, "/v1/suggest?q=x")  // 401, counted as an error
      let metrics = try await client.call(.get, "/metrics")
      #expect(metrics.status == .ok)
      #expect(metrics.raw.contains("replykit_index_documents 10"))  // nine items of acme, one of other
      #expect(metrics.raw.contains("http_server_request_duration_bucket"))
      #expect(metrics.raw.contains("/v1/suggest"))
      #expect(metrics.raw.contains("# TYPE"))
    }
  }
}
