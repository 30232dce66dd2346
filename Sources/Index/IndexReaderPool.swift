import Knowledge
import Synchronization

/// Readers of the index, one per concurrent search (Xapian objects are not thread-safe). A reader that is
/// behind the writer's last commit reopens before it is used; one that falls too far behind during a
/// search (DatabaseModifiedError) reopens and tries again.
package final class IndexReaderPool: Sendable {
  private struct Reader: @unchecked Sendable {
    // @unchecked: a reader is used by one search at a time and sits in the free list otherwise.
    let index: XapianIndex
    var generation: Int
    let epoch: Int
  }

  private let path: String
  private let free = Mutex<[Reader]>([])
  private let generation = Atomic<Int>(0)
  /// Bumped when the index folder is replaced: readers of an older epoch are closed, not reopened.
  private let epoch = Atomic<Int>(0)
  private static let maxPooled = 16

  package init(path: String) {
    self.path = path
  }

  /// Changes with every commit (and reset).
  package var currentGeneration: Int { generation.load(ordering: .acquiring) }

  /// Changes with every commit that may have changed a term's frequency or the document count (and reset):
  /// what is computed from those alone (IDFs, a document's analysed questions) holds across the commits
  /// in between, which are picks rewriting documents with a new usage. A busy help desk commits picks every
  /// few seconds; caches keyed by `currentGeneration` were cold most of the time.
  package var currentTermsGeneration: Int { termsGeneration.load(ordering: .acquiring) }
  private let termsGeneration = Atomic<Int>(0)

  /// The last store change the index holds, as of the writer's last commit (-1 before the first), readable
  /// without waiting for the writer.
  package var appliedChange: Int64 { applied.load(ordering: .acquiring) }
  private let applied = Atomic<Int64>(-1)

  /// Whether `store` holds changes the last commit does not (false before the index holds any).
  package func isBehind(_ store: KnowledgeStore) throws -> Bool {
    let applied = appliedChange
    guard applied >= 0 else { return false }
    return try store.lastChangeSeq() > applied
  }

  /// The writer opened on an index that holds the store's changes up to `change`.
  package func opened(appliedChange change: Int64) { applied.store(change, ordering: .releasing) }

  /// The writer committed: readers reopen before their next search.
  package func committed(termsChanged: Bool = true, appliedChange: Int64? = nil) {
    if let appliedChange { applied.store(appliedChange, ordering: .releasing) }
    if termsChanged { termsGeneration.add(1, ordering: .releasing) }
    generation.add(1, ordering: .releasing)
  }

  /// The index was replaced by a new database: every reader is closed and opened anew.
  package func reset() {
    epoch.add(1, ordering: .releasing)
    termsGeneration.add(1, ordering: .releasing)
    generation.add(1, ordering: .releasing)
    free.withLock { $0.removeAll() }
  }

  package func withReader<T>(_ body: (XapianIndex) throws -> T) throws -> T {
    var reader = try checkOut()
    defer { checkIn(reader) }
    let current = generation.load(ordering: .acquiring)
    if reader.generation != current {
      try reader.index.reopen()
      reader.generation = current
    }
    do {
      return try body(reader.index)
    } catch IndexError.modified {
      try reader.index.reopen()
      return try body(reader.index)
    }
  }

  private func checkOut() throws -> Reader {
    if let reader = free.withLock({ $0.popLast() }) { return reader }
    let current = generation.load(ordering: .acquiring)
    return Reader(
      index: try XapianIndex.openReader(path: path), generation: current, epoch: epoch.load(ordering: .acquiring))
  }

  private func checkIn(_ reader: Reader) {
    guard reader.epoch == epoch.load(ordering: .acquiring) else { return }
    free.withLock { readers in
      if readers.count < Self.maxPooled { readers.append(reader) }
    }
  }
}
