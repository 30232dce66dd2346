import Foundation
import Index
import Knowledge
import Ranking

extension ImportJob {
  /// The job's counts of items and lines.
  public var counts: ImportSession.Counts {
    get {
      var counts = ImportSession.Counts()
      (counts.added, counts.updated, counts.unchanged, counts.rejected) = (added, updated, unchanged, rejected)
      return counts
    }
    set {
      (added, updated, unchanged, rejected, read) = (
        newValue.added, newValue.updated, newValue.unchanged, newValue.rejected, newValue.read
      )
    }
  }
}

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

    /// These counts with a batch's outcomes added.
    func adding(_ outcomes: [KnowledgeStore.UpsertOutcome]) -> Counts {
      var counts = self
      for outcome in outcomes {
        switch outcome {
        case .added: counts.added += 1
        case .updated: counts.updated += 1
        case .unchanged: counts.unchanged += 1
        }
      }
      return counts
    }
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
  /// The job this import runs as, if any (HTTP imports): its counts and first rejected lines are written in
  /// the transaction of each batch, so that they always say what the store holds.
  public var job: ImportJob?

  public init(engine: SuggestionEngine, tenant: String, batchSize: Int = 1_000) {
    self.engine = engine
    self.tenant = tenant
    self.batchSize = batchSize
    indexing = engine.backgroundCatchUp()
    pending.reserveCapacity(batchSize)
  }

  /// Adds an item; a full batch is written.
  public func add(_ item: KnowledgeItem) throws {
    pending.append(item)
    if pending.count >= batchSize { try flush() }
  }

  /// Adds items in order, writing each full batch: what a caller with items already in hand imports with.
  public func add(contentsOf items: some Sequence<KnowledgeItem>) throws {
    for item in items { try add(item) }
  }

  /// Items read but not yet written.
  public var pendingCount: Int { pending.count }

  /// Called after each batch is written, with the time its transaction took (benchmarks time the store).
  public var onBatch: (Duration) -> Void = { _ in }

  public func add(_ record: ImportRecordResult) throws {
    switch record.outcome {
    case .success(let item): try add(item)
    case .failure(let error):
      counts.rejected += 1
      if job != nil && job!.errors.count < ImportJob.maxErrors {
        job!.errors.append(.init(line: error.line, reason: error.reason))
      }
      onRejected(error)
    }
  }

  /// Writes the pending items to the store (one transaction) and lets the index follow.
  public func flush() throws {
    guard !pending.isEmpty else { return }
    let before = counts
    let started = ContinuousClock.now
    let outcomes = try engine.store.upsert(
      pending, tenant: tenant,
      recording: job.map { job in
        { outcomes in
          var counted = job
          counted.counts = before.adding(outcomes)
          return counted
        }
      })
    counts = before.adding(outcomes)
    job?.counts = counts
    pending.removeAll(keepingCapacity: true)
    onBatch(ContinuousClock.now - started)
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
