import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// The shown items and their tokens, kept between requests: a pick leaves them as they were, every other change
/// shows at once.
@Suite(.serialized) struct ShownItemsTests {
  static func first(_ engine: SuggestionEngine, _ text: String) throws -> Suggestion {
    try #require(try engine.suggester.suggest(text, tenant: "acme").first { $0.id == "qr-refund" })
  }

  static var refundKey: IndexedKey { IndexedKey(tenant: "acme", source: .quick, id: "qr-refund", language: nil) }

  /// Whether the refund reply is kept for the index's current terms (asked without letting the store answer).
  static func isKept(_ engine: SuggestionEngine) -> Bool {
    let kept = engine.suggester.shownItems.items(
      [refundKey], generation: engine.readers.currentTermsGeneration
    ) { _ in [] }
    return kept[refundKey.itemKey] != nil
  }

  @Test func aPickKeepsWhatWasShownAndAnEditShowsAtOnce() async throws {
    let (engine, folder) = try await SuggestTests.engine()
    defer { folder.remove() }
    let before = try Self.first(engine, "退款流")
    #expect(before.title == "退款流程")
    #expect(Self.isKept(engine))

    // A pick changes usage only: nothing shown changes, and the items stay kept.
    try await engine.recordPick(tenant: "acme", source: .quick, id: "qr-refund")
    #expect(Self.isKept(engine))
    #expect(try Self.first(engine, "退款流") == before)

    // An edit is shown as soon as it is indexed.
    var edited = try #require(try engine.store.item(tenant: "acme", source: .quick, id: "qr-refund")?.item)
    edited.title = "退款流程（新）"
    edited.folder = "财务"
    try engine.store.upsert([edited], tenant: "acme")
    try await engine.catchUp()
    #expect(!Self.isKept(engine))
    let after = try Self.first(engine, "退款流")
    #expect(after.title == "退款流程（新）" && after.folder == "财务")

    // A deleted item is gone.
    _ = try engine.store.delete(tenant: "acme", source: .quick, id: "qr-refund")
    try await engine.catchUp()
    #expect(try engine.suggester.suggest("退款流", tenant: "acme").contains { $0.id == "qr-refund" } == false)
  }

  @Test func tenantChangesStartOver() async throws {
    let (engine, folder) = try await SuggestTests.engine()
    defer { folder.remove() }
    _ = try Self.first(engine, "退款流")
    #expect(Self.isKept(engine))
    // A dictionary word splits the tenant's texts anew: tokens kept from before would mark other words.
    _ = try await engine.addWords(tenant: "acme", ["原路退回"])
    #expect(!Self.isKept(engine))
    let shown = try Self.first(engine, "原路退回")
    let content = Array(shown.snippet.utf16)
    #expect(shown.snippetHighlights.map { String(decoding: content[$0.start..<$0.end], as: UTF16.self) } == ["原路退回"])
    #expect(Self.isKept(engine))
  }
}
