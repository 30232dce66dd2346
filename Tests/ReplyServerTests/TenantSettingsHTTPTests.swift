import Foundation
import TestSupport
import Testing

/// `GET` and `PUT /v1/settings`: a tenant's suggestion settings, changed by its administrator.
@Suite(.liveServers) struct TenantSettingsHTTPTests {
  @Test func theAdministratorChangesTheFieldsGivenAndTheRestStay() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let initial = try await client.call(.get, "/v1/settings", key: fixture.agentA)
      #expect(initial.status == .ok)
      #expect(initial.body["defaultLanguage"] as? String == "zh-Hans")
      #expect(initial.body["pinyin"] as? Bool == true)
      #expect(initial.body["meaning"] as? String == "standard")
      // The service runs without a model: no vectors serve the tenant.
      #expect(initial.body["vectors"] == nil)

      func typedIds() async throws -> [String] {
        let typed = try await client.call(.get, "/v1/suggest?q=tk", key: fixture.agentA)
        return (typed.body["suggestions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
      }
      #expect(try await typedIds().contains("qr-refund"))
      let agent = try await client.call(.put, "/v1/settings", key: fixture.agentA, json: #"{"pinyin": false}"#)
      #expect(agent.status == .forbidden)

      let changed = try await client.call(
        .put, "/v1/settings", key: fixture.admin, json: #"{"pinyin": false, "meaning": "none"}"#)
      #expect(changed.status == .ok)
      #expect(changed.body["pinyin"] as? Bool == false && changed.body["meaning"] as? String == "none")
      #expect(changed.body["defaultLanguage"] as? String == "zh-Hans")
      // Pinyin keys are off at once: `tk` no longer finds 退款流程.
      #expect(try await !typedIds().contains("qr-refund"))
      // Another tenant's settings are its own.
      let other = try await client.call(.get, "/v1/settings", key: fixture.otherAdmin)
      #expect(other.body["pinyin"] as? Bool == true)

      // The ranking of whole questions and of typed text, chosen apart.
      #expect(initial.body["wholeRanking"] as? String == "standard")
      #expect(initial.body["typedRanking"] as? String == "standard")
      let lexical = try await client.call(
        .put, "/v1/settings", key: fixture.admin, json: #"{"wholeRanking": "lexical"}"#)
      #expect(lexical.status == .ok)
      #expect(
        lexical.body["wholeRanking"] as? String == "lexical" && lexical.body["typedRanking"] as? String == "standard")
      #expect(lexical.body["pinyin"] as? Bool == false)
    }
  }

  @Test func changesOfDifferentFieldsAtOnceBothHold() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      for round in 0..<10 {
        let (pinyin, meaning) = (round % 2 == 0, round % 2 == 0 ? "none" : "standard")
        async let first = client.call(.put, "/v1/settings", key: fixture.admin, json: #"{"pinyin": \#(pinyin)}"#)
        async let second = client.call(
          .put, "/v1/settings", key: fixture.admin, json: #"{"meaning": "\#(meaning)"}"#)
        let (a, b) = try await (first, second)
        #expect(a.status == .ok && b.status == .ok)
        let now = try await client.call(.get, "/v1/settings", key: fixture.admin)
        #expect(now.body["pinyin"] as? Bool == pinyin && now.body["meaning"] as? String == meaning, "round \(round)")
      }
    }
  }

  @Test func aBadValueNamesItsFieldAndChangesNothing() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let meaning = try await client.call(.put, "/v1/settings", key: fixture.admin, json: #"{"meaning": "large"}"#)
      #expect(meaning.status == .badRequest && meaning.errorMessage?.contains(#"field "meaning""#) == true)
      let language = try await client.call(
        .put, "/v1/settings", key: fixture.admin, json: #"{"defaultLanguage": "not a tag", "pinyin": false}"#)
      #expect(language.status == .badRequest && language.errorMessage?.contains(#"field "defaultLanguage""#) == true)
      let ranking = try await client.call(
        .put, "/v1/settings", key: fixture.admin, json: #"{"typedRanking": "bm25", "pinyin": false}"#)
      #expect(ranking.status == .badRequest && ranking.errorMessage?.contains(#"field "typedRanking""#) == true)
      // A model of its own that is not installed: 422, and nothing changes.
      let own = try await client.call(
        .put, "/v1/settings", key: fixture.admin, json: #"{"meaning": "own", "pinyin": false}"#)
      #expect(own.status == .unprocessableContent && own.errorCode == "no_model")
      #expect(own.errorMessage?.contains(#"field "meaning""#) == true)
      #expect(own.errorMessage?.contains(fixture.folder.path) == false)
      let after = try await client.call(.get, "/v1/settings", key: fixture.admin)
      #expect(after.body["pinyin"] as? Bool == true && after.body["meaning"] as? String == "standard")
      #expect(after.body["typedRanking"] as? String == "standard")
    }
  }
}
