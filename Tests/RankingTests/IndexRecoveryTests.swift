import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// The store is the source of truth: a damaged or missing index is rebuilt from it, never a reason to stop.
@Suite(.serialized) struct IndexRecoveryTests {
  /// Writes `bytes` over part of a file of the index, as a torn write or a bad disk would.
  static func damage(_ folder: TestDataFolder, file: String, at offset: UInt64, with bytes: [UInt8]) throws {
    let handle = try FileHandle(forWritingTo: folder.url.appendingPathComponent("index/\(file)"))
    defer { try? handle.close() }
    try handle.seek(toOffset: offset)
    try handle.write(contentsOf: Data(bytes))
  }

  /// A folder with the fixture indexed, and its engine closed again.
  static func indexedFolder() async throws -> TestDataFolder {
    let folder = try TestDataFolder()
    _ = try await folder.open(with: Fixture.items)
    return folder
  }

  static func ids(_ engine: SuggestionEngine, _ text: String) throws -> [String] {
    try engine.suggester.suggest(text, tenant: "acme").map(\.id)
  }

  /// The writer reopened after a failure waits out a lock held for a moment (in the service: a child process
  /// being spawned shares the lock until it runs its program); a lock held past its patience is an error.
  @Test func aReopenedWriterWaitsOutAPassingLock() throws {
    final class Holder: @unchecked Sendable {
      var index: XapianIndex?
      init(_ index: XapianIndex) { self.index = index }
    }
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let path = folder.url.appendingPathComponent("index").path
    let holder = Holder(try XapianIndex.openWriter(path: path, patience: .zero))
    do {
      _ = try XapianIndex.openWriter(path: path, patience: .milliseconds(50))
      Issue.record("opened a second writer while the first held the lock")
    } catch {
      #expect(error.code == .indexLocked)
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { holder.index = nil }
    let reopened = try XapianIndex.openWriter(path: path, patience: .seconds(60))
    #expect(try reopened.documentCount == 0)
  }

  @Test func anIndexThatCannotBeOpenedIsSetAsideAndRebuilt() async throws {
    let folder = try await Self.indexedFolder()
    defer { folder.remove() }
    try Self.damage(folder, file: "iamglass", at: 0, with: Array("not a glass version file".utf8))

    let engine = try await folder.open()
    #expect(engine.openReport.damage?.contains("index_corrupt") == true)
    #expect(engine.openReport.rebuilt)
    #expect(engine.openReport.caughtUp == Fixture.items.count)
    #expect(engine.indexStatus == .ready)
    #expect(try Self.ids(engine, "退款流").first == "qr-refund")
    // The damaged copy is kept beside the index for a look.
    #expect(FileManager.default.fileExists(atPath: folder.path + "/index.damaged/iamglass"))
  }

  @Test func anIndexWhoseTablesAreGarbageIsRebuilt() async throws {
    let folder = try await Self.indexedFolder()
    defer { folder.remove() }
    let size = try #require(
      try FileManager.default.attributesOfItem(atPath: folder.path + "/index/postlist.glass")[.size] as? Int)
    var random = SpellingVocabularyTests.SplitMix(state: 7)
    try Self.damage(
      folder, file: "postlist.glass", at: 0, with: (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) })

    let engine = try await folder.open()
    #expect(engine.openReport.rebuilt)
    #expect(try Self.ids(engine, "退款进").first == "qr-progress")
  }

  @Test func aBackgroundRebuildAnswersRebuildingAndMissesNoWrite() async throws {
    let folder = try await Self.indexedFolder()
    defer { folder.remove() }
    try FileManager.default.removeItem(atPath: folder.path + "/index")

    let gate = Gate()
    let engine = try await SuggestionEngine(
      dataFolder: folder.path, rebuilding: .inBackground(before: { await gate.wait() }))
    #expect(engine.indexStatus == .rebuilding)
    #expect(engine.openReport.rebuilt)

    // Writes go on while the index is rebuilt: the store takes them, and the rebuild indexes them.
    try engine.store.upsert(
      [KnowledgeItem(id: "qr-late", source: .quick, title: "退款加急", body: "已加急。")], tenant: "acme")
    #expect(try await engine.catchUp() == 0)
    #expect(try await engine.compactIfWorthIt() == false)

    await gate.open()
    await engine.waitUntilIndexed()
    #expect(engine.indexStatus == .ready)
    #expect(engine.openReport.caughtUp == Fixture.items.count + 1)
    #expect(try Self.ids(engine, "退款加").contains("qr-late"))
    #expect(try Self.ids(engine, "退款流").first == "qr-refund")
    #expect(try await engine.lastAppliedChange() == (try engine.store.lastChangeSeq()))
  }
}

extension IndexRecoveryTests {
  @Test func verificationComparesTheIndexWithTheStoreItemByItem() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let items =
      Fixture.items + [
        KnowledgeItem(
          id: "bot-two", source: .bot, title: "怎么开发票", body: "在订单页申请。",
          variants: [
            "en": KnowledgeVariant(title: "How do I get an invoice?", similar: [], body: "From the order page.")
          ])
      ]
    let engine = try await folder.open(with: items)
    let whole = try await engine.verifyIndex()
    #expect(whole.isConsistent)
    #expect(whole.items == items.count && whole.expectedDocuments == items.count + 1)
    #expect(whole.indexedDocuments == whole.expectedDocuments)

    // Stored but not yet indexed: missing, and the index behind the store.
    try engine.store.upsert([KnowledgeItem(id: "qr-new", source: .quick, title: "新的", body: "新")], tenant: "acme")
    let behind = try await engine.verifyIndex()
    #expect(!behind.isConsistent)
    #expect(behind.missing == 1 && behind.missingExamples == ["acme/quick/qr-new"])
    #expect(behind.lastApplied < behind.lastChange)
    try await engine.catchUp()
    #expect(try await engine.verifyIndex().isConsistent)
  }
}

/// Holds a task until the test opens it.
actor Gate {
  private var isOpen = false
  private var waiting: [CheckedContinuation<Void, Never>] = []

  func wait() async {
    if isOpen { return }
    await withCheckedContinuation { waiting.append($0) }
  }

  func open() {
    isOpen = true
    for continuation in waiting { continuation.resume() }
    waiting.removeAll()
  }
}
