import Index
import Synchronization

/// The best hits of a short prefix's query among the documents every agent may see (enabled company items),
/// kept while the index's terms stay the same.
///
/// One or two typed characters walk the longest posting lists in the index (at a million items, a common
/// first character starts tens of thousands of titles), and agents type the same few characters all day. The
/// documents' text weights change only when terms do (a pick rewrites a document with a new usage and the
/// same terms), so the shared part of such a query's answer is kept, and each request adds only the agent's
/// own restricted items, a query that walks the agent's few documents, and reads the shown hits' data afresh
/// (their usage). The answer is the one the whole query gives: the best `limit` of the union of the shared
/// best and the agent's own best, by weight and then document id, as Xapian orders them.
final class SharedHits: Sendable {
  struct Hit: Equatable {
    var docid: UInt32
    var weight: Double
  }

  private struct Kept {
    var generation: Int
    var hits: [Hit]
    /// Fewer than `depth` documents matched: `hits` is all of them.
    var complete: Bool
  }

  /// How many hits are kept per query: enough for the widest window asked (`Suggester.quickStartWindow`).
  static let depth = 32
  /// Queries kept at most; when full, those of older terms generations go, then all.
  static let capacity = 4096

  private let kept = Mutex<[IndexQuery: Kept]>([:])

  /// The best `limit` kept for `query` at the terms generation `generation`, or nil when none are.
  func hits(_ query: IndexQuery, generation: Int, limit: Int) -> [Hit]? {
    kept.withLock { entries in
      guard let entry = entries[query], entry.generation == generation, entry.complete || entry.hits.count >= limit
      else { return nil }
      return Array(entry.hits.prefix(limit))
    }
  }

  /// Keeps `hits`, the best `depth` of `query` (fewer when that is all), found at the terms generation
  /// `generation`.
  func keep(_ hits: [IndexHit], for query: IndexQuery, generation: Int) {
    let entry = Kept(
      generation: generation, hits: hits.prefix(Self.depth).map { Hit(docid: $0.docid, weight: $0.weight) },
      complete: hits.count < Self.depth)
    kept.withLock { entries in
      if entries.count >= Self.capacity {
        entries = entries.filter { $0.value.generation == generation }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
      }
      entries[query] = entry
    }
  }

  /// The best `limit` of `shared` and `own` together, in Xapian's order: weight, then document id.
  static func merged(_ shared: [Hit], _ own: [Hit], limit: Int) -> [Hit] {
    (shared + own).sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.docid < $1.docid }
      .prefix(limit).map { $0 }
  }
}
