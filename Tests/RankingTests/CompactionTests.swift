import Foundation
import Knowledge
import Synchronization
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// Compacting the index after a bulk load: a smaller folder, the same answers, and the writer and readers
/// carry on with the new files.
@Suite(.serialized) struct CompactionTests {
  /// 1,500 generated quick replies beside the fixture: a bulk load, as far as compaction is concerned.
  static func bulkItems() -> [KnowledgeItem] {
    let words = ["退款", "发货", "物流", "发票", "地址", "会员", "积分", "优惠券", "售后", "换货"]
    return (0..<1_500).map { n in
      KnowledgeItem(
        id: "bulk-\(n)", source: .quick, title: words[n % 10] + words[(n / 10) % 10] + "说明\(n)",
        body: (0..<4).map { words[(n + $0 * 3) % 10] }.joined(separator: "，"))
    }
  }

  static func indexSize(_ folder: TestDataFolder) throws -> Int {
    let index = folder.url.appendingPathComponent("index").path
    return try FileManager.default.subpathsOfDirectory(atPath: index).reduce(0) { sum, file in
      sum + ((try FileManager.default.attributesOfItem(atPath: index + "/" + file)[.size] as? Int) ?? 0)
    }
  }

  static let queries = ["退款", "发货物", "发票 地", "怎么申请退款", "tk", "會員積"]

  static func answers(_ engine: SuggestionEngine) throws -> [[String]] {
    try queries.map { query in
      try engine.suggester.suggest(query, tenant: "acme", options: SuggestOptions(limit: 10)).map(\.id)
    }
  }

  @Test func aBulkLoadIsCompactedAndAnswersStayTheSame() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    var before: [[String]] = []
    var lastApplied: Int64 = 0
    do {
      let engine = try await folder.open()
      try engine.store.upsert(Fixture.items + Self.bulkItems(), tenant: "acme")
      try await engine.catchUp()
      before = try Self.answers(engine)
      let sizeBefore = try Self.indexSize(folder)
      let documents = try await engine.indexedDocumentCount()

      #expect(try await engine.compactIfWorthIt())
      #expect(try Self.indexSize(folder) < sizeBefore * 3 / 4)
      #expect(try Self.answers(engine) == before)
      #expect(try await engine.indexedDocumentCount() == documents)
      // Nothing written since: not again.
      #expect(try await engine.compactIfWorthIt() == false)

      // The writer goes on with the compacted index, and the readers see what it writes.
      try engine.store.upsert(
        [KnowledgeItem(id: "qr-new", source: .quick, title: "压缩之后", body: "新写的回复")], tenant: "acme")
      try await engine.catchUp()
      #expect(try engine.suggester.suggest("压缩之", tenant: "acme").first?.id == "qr-new")
      lastApplied = await engine.lastAppliedChange()
    }
    // The compacted folder keeps what the index knows about itself: reopened, it is neither rebuilt nor behind.
    let reopened = try await folder.open()
    #expect(reopened.openReport.rebuilt == false)
    #expect(reopened.openReport.caughtUp == 0)
    #expect(await reopened.lastAppliedChange() == lastApplied)
    #expect(try Self.answers(reopened) == before)
  }

  /// Searches on a thread of their own (not the test's task pool, which parallel tests can keep busy).
  final class SearchLoop: @unchecked Sendable {
    // @unchecked: `failures` is written by the loop's thread only, and read after `finished` is signalled.
    let done = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    let finished = DispatchSemaphore(value: 0)
    var failures: [String] = []

    func start(_ engine: SuggestionEngine) {
      Thread { [self] in
        while !stop.load(ordering: .acquiring) {
          for query in CompactionTests.queries {
            do {
              _ = try engine.suggester.suggest(query, tenant: "acme")
              _ = try engine.suggester.smartReply(query, tenant: "acme")
              done.add(1, ordering: .releasing)
            } catch {
              failures.append("\(query): \(error)")
            }
          }
        }
        finished.signal()
      }.start()
    }

    /// Waits (up to 30 s) until the loop has searched more than `count` times.
    func searched(beyond count: Int) async -> Bool {
      for _ in 0..<30_000 {
        if done.load(ordering: .acquiring) > count { return true }
        try? await Task.sleep(for: .milliseconds(1))
      }
      return false
    }
  }

  @Test func searchesGoOnWhileTheIndexIsSwapped() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open()
    try engine.store.upsert(Fixture.items, tenant: "acme")
    try await engine.catchUp()
    // Readers search without a pause while a bulk load is written and the index compacted twice under them.
    let loop = SearchLoop()
    loop.start(engine)
    #expect(await loop.searched(beyond: 0))
    for round in 0..<2 {
      let items = Self.bulkItems().map { item -> KnowledgeItem in
        var item = item
        item.body += " 第\(round)轮"
        return item
      }
      try engine.store.upsert(items, tenant: "acme")
      try await engine.catchUp()
      #expect(try await engine.compactIfWorthIt())
      // Searches ran on the swapped index too.
      #expect(await loop.searched(beyond: loop.done.load(ordering: .acquiring)))
    }
    loop.stop.store(true, ordering: .releasing)
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        loop.finished.wait()
        continuation.resume()
      }
    }
    #expect(loop.failures.isEmpty, "\(loop.failures.prefix(3))")
    #expect(try engine.suggester.suggest("说明1499", tenant: "acme").first?.id == "bulk-1499")
  }

  @Test func aFewEditsAreNotWorthACompaction() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open()
    try engine.store.upsert(Fixture.items, tenant: "acme")
    try await engine.catchUp()
    #expect(try await engine.compactIfWorthIt() == false)
  }

  @Test func anImportCompactsWhenItFinishes() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open()
    let session = ImportSession(engine: engine, tenant: "acme", batchSize: 500)
    for (line, item) in Self.bulkItems().enumerated() {
      try session.add(ImportRecordResult(line: line + 1, bytesRead: 0, outcome: .success(item)))
    }
    _ = try await session.finish()
    #expect(try await engine.indexedDocumentCount() == 1_500)
    // 1,500 documents written: worth compacting, unless the import's end already did.
    #expect(try await engine.compactIfWorthIt() == false)
  }
}
