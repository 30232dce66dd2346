import Foundation
import Knowledge

/// One bulk import into a tenant: records in, batches of whole items into the store (each batch one
/// transaction), the index catching up beside it. The CLI and the HTTP service both import through it.
public final class ImportSession {
  public struct Counts: Codable, Hashable, Sendable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var read: Int { added + updated + unchanged + rejected }

    public init() {}

    public mutating func add(_ other: Counts) {
      added += other.added
      updated += other.updated
      unchanged += other.unchanged
      rejected += other.rejected
    }

    public var summary: String { "added \(added), updated \(updated), unchanged \(unchanged), rejected \(rejected)" }
  }

  private let engine: SuggestionEngine
  private let tenant: String
  private let batchSize: Int
  private let indexing: BackgroundCatchUp
  private var pending: [KnowledgeItem] = []
  /// Items written to the store so far, and lines rejected.
  public private(set) var counts = Counts()
  /// Called for each rejected line.
  public var onRejected: (ImportLineError) -> Void = { _ in }

  public init(engine: SuggestionEngine, tenant: String, batchSize: Int = 1_000) {
    self.engine = engine
    self.tenant = tenant
    self.batchSize = batchSize
    indexing = engine.backgroundCatchUp()
    pending.reserveCapacity(batchSize)
  }

  /// Items read but not yet written.
  public var pendingCount: Int { pending.count }

  public func add(_ record: ImportRecordResult) throws {
    switch record.outcome {
    case .success(let item):
      pending.append(item)
      if pending.count >= batchSize { try flush() }
    case .failure(let error):
      counts.rejected += 1
      onRejected(error)
    }
  }

  /// Writes the pending items to the store (one transaction) and lets the index follow.
  public func flush() throws {
    guard !pending.isEmpty else { return }
    for outcome in try engine.store.upsert(pending, tenant: tenant) {
      switch outcome {
      case .added: counts.added += 1
      case .updated: counts.updated += 1
      case .unchanged: counts.unchanged += 1
      }
    }
    pending.removeAll(keepingCapacity: true)
    indexing.poke()
  }

  /// Writes what is left and waits until the index holds everything.
  @discardableResult
  public func finish() async throws -> Counts {
    try flush()
    try await indexing.finish()
    return counts
  }
}
