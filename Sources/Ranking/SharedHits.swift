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
    /// Fewer documents matched than were asked for: `hits` is all of them.
    var complete: Bool
  }

  /// The most hits kept per query: the widest window asked (`Suggester.quickStartWindow`). A query keeps as
  /// many as it was asked for (its window is the same every time): more would cost a first request the
  /// documents' data of hits it does not show.
  static let depth = 32
  /// Queries kept at most; when full, those of older terms generations go, then all.
  static let capacity = 4096

  /// A query and the BM25 length normalisation its weights were computed with.
  private struct Key: Hashable {
    var query: IndexQuery
    var b: Double
  }

  private let kept = Mutex<[Key: Kept]>([:])
  /// The hashes of the queries asked once at a terms generation: a query is kept when it is asked again. Most
  /// typed text of three or four characters is asked once, and keeping it would cost that first request a
  /// second query (the agent's own items) for nothing. Hashes, not the queries: two that collide are kept a
  /// request early, and the set stays small.
  private let seen = Mutex<(generation: Int, hashes: Set<Int>)>((-1, []))

  /// When a query's shared hits are kept.
  enum Keeping {
    case never, atOnce, whenAskedAgain
  }

  /// What is known of a query at the terms generation `generation`.
  enum Lookup: Equatable {
    /// Its best `limit` hits, kept.
    case kept([Hit])
    /// Asked for the first time: the whole query answers.
    case first
    /// Asked before: its shared hits are worth keeping.
    case again
  }

  /// What is known of `query` (weighed with BM25's `b`) at the terms generation `generation`, for `limit`
  /// hits; a first look is noted when `keeping` waits for a second.
  func lookup(_ query: IndexQuery, b: Double, generation: Int, limit: Int, keeping: Keeping) -> Lookup {
    let key = Key(query: query, b: b)
    if let hits = hits(key, generation: generation, limit: limit) { return .kept(hits) }
    guard keeping == .whenAskedAgain else { return .again }
    return seen.withLock { seen in
      if seen.generation != generation || seen.hashes.count >= Self.capacity * 4 { seen = (generation, []) }
      return seen.hashes.insert(key.hashValue).inserted ? .first : .again
    }
  }

  /// The best `limit` kept for `query` (weighed with BM25's `b`) at the terms generation `generation`, or nil
  /// when none are.
  func hits(_ query: IndexQuery, b: Double, generation: Int, limit: Int) -> [Hit]? {
    hits(Key(query: query, b: b), generation: generation, limit: limit)
  }

  private func hits(_ key: Key, generation: Int, limit: Int) -> [Hit]? {
    kept.withLock { entries in
      guard let entry = entries[key], entry.generation == generation, entry.complete || entry.hits.count >= limit
      else { return nil }
      return Array(entry.hits.prefix(limit))
    }
  }

  /// Keeps `hits`, the best `asked` of `query` (fewer when that is all), found at the terms generation
  /// `generation`.
  func keep(_ hits: [IndexHit], asked: Int, for query: IndexQuery, b: Double, generation: Int) {
    let entry = Kept(
      generation: generation, hits: hits.prefix(asked).map { Hit(docid: $0.docid, weight: $0.weight) },
      complete: hits.count < asked)
    kept.withLock { entries in
      if entries.count >= Self.capacity {
        entries = entries.filter { $0.value.generation == generation }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
      }
      entries[Key(query: query, b: b)] = entry
    }
  }

  /// The best `limit` of `shared` and `own` together, in Xapian's order: weight, then document id.
  static func merged(_ shared: [Hit], _ own: [Hit], limit: Int) -> [Hit] {
    (shared + own).sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.docid < $1.docid }
      .prefix(limit).map { $0 }
  }
}
