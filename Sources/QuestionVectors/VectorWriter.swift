import Embeddings
import Foundation
import Index
import Knowledge

/// Whose items a set of vectors follows: the tenants on the service's model, or one tenant on a model of its own.
public enum VectorLane: Hashable, Sendable, CustomStringConvertible {
  case standard
  case own(tenant: String)

  /// The one tenant the lane follows, if it follows one.
  var tenant: String? {
    if case .own(let tenant) = self { tenant } else { nil }
  }

  /// Whether the tenant's items belong to the lane, given the tenants' choices (`KnowledgeStore.meaningChoices`,
  /// which leaves the standard ones out).
  func covers(_ tenant: String, choices: [String: MeaningChoice]) -> Bool {
    switch self {
    case .standard: choices[tenant, default: .standard] == .standard
    case .own(let own): tenant == own && choices[tenant] == .own
    }
  }

  public var description: String {
    switch self {
    case .standard: "standard"
    case .own(let tenant): "own:\(tenant)"
    }
  }
}

/// The one writer of a lane's vectors. Like the index's writer it follows the store's change log: `catchUp()`
/// encodes the questions of every bot entry and article changed since the last change it holds, and saves
/// them with that change's number, so after a crash it goes on from there. Vectors made by another model are
/// made again.
///
/// Encoding costs far more than indexing (several milliseconds a question), so it runs beside imports, never in
/// their way: an import is done when the store and the index have it, and the vectors follow. It runs on a
/// queue of its own (`SemanticStage`), not on the concurrency pool, which a catch-up of minutes would starve.
final class VectorWriter {
  private let store: KnowledgeStore
  private let encoder: SentenceEncoder
  private let table: VectorTable
  private let file: VectorFile
  let lane: VectorLane
  /// The number of the last change the vectors hold; -1 when they must be made from the whole store.
  private(set) var lastApplied: Int64
  /// The tenants whose items the vectors hold: those the lane covered when the writer last looked.
  private(set) var covered: Set<String>
  /// Questions encoded at a time: large enough that the encoder's matrix products are efficient.
  private let batchQuestions = 64

  /// Opens (or creates) the file at `path` and loads its vectors into `table`.
  init(path: String, store: KnowledgeStore, encoder: SentenceEncoder, table: VectorTable, lane: VectorLane) throws {
    self.store = store
    self.encoder = encoder
    self.table = table
    self.lane = lane
    file = try VectorFile(path: path)
    let (model, lastChange) = try file.state()
    if model == encoder.fingerprint, let lastChange {
      let covered = try file.coveredTenants()
      // A tenant's rows without its cover are what an interrupted `encodeWhole` left: not loaded, and made
      // again or dropped when the tenant's choice is next seen.
      try file.forEach(dimension: encoder.dimension) { tenant, items in
        if covered.contains(tenant) { table.apply(tenant: tenant, items) }
      }
      lastApplied = lastChange
      self.covered = covered
    } else {
      try file.reset(model: encoder.fingerprint)
      lastApplied = -1
      covered = []
    }
  }

  /// Encodes what changed since the last catch-up (everything, the first time); returns the items encoded or
  /// removed.
  /// `yielding`: before each batch, wait while the store is being written or `busy` says so (a bulk import, the
  /// index catching up with it), so that encoding does not take the cores the import runs on; never more than
  /// `patience` in a row.
  @discardableResult
  func catchUp(
    batchSize: Int = 500, yielding: Bool = false, busy: () -> Bool = { false }, patience: Duration = .seconds(30)
  ) throws -> Int {
    var applied = 0
    if lastApplied < 0 {
      let upTo = try store.lastChangeSeq()
      let choices = try store.meaningChoices()
      var seen = Set<String>()
      try store.forEachItem(tenant: lane.tenant, batchSize: batchSize) { batch in
        let chosen = batch.filter { lane.covers($0.tenant, choices: choices) }
        seen.formUnion(chosen.map(\.tenant))
        applied += try encode(chosen, removed: [], lastChange: nil)
      }
      for tenant in seen { try file.setCovered(tenant, true) }
      covered = seen
      try file.save([], lastChange: upTo)
      lastApplied = upTo
    }
    while true {
      if yielding { try waitForQuiet(busy: busy, patience: patience) }
      let changes = try store.changes(after: lastApplied, limit: batchSize)
      guard let last = changes.last?.seq else { return applied }
      // Read after the changes: at least as new as each of them.
      let choices = try store.meaningChoices()
      // Only an item's latest state matters; usage changes leave questions as they were.
      var touched: [String: (tenant: String, source: KnowledgeSource, id: String)] = [:]
      var tenants = Set<String>()
      for change in changes {
        switch change.kind {
        case .upsert, .delete:
          guard let source = change.source, let id = change.itemId, Self.sources.contains(source) else { continue }
          touched[Self.key(change.tenant, source, id)] = (change.tenant, source, id)
          tenants.insert(change.tenant)
        case .tenant:
          tenants.insert(change.tenant)
        case .usage:
          continue
        }
      }
      // A tenant the lane starts covering (a new tenant, or one whose choice of model changed) is encoded whole;
      // one it stops covering loses its vectors.
      var synced = Set<String>()
      for tenant in tenants.sorted() {
        let now = lane.covers(tenant, choices: choices)
        if now && !covered.contains(tenant) {
          applied += try encodeWhole(tenant)
          synced.insert(tenant)
        } else if !now && covered.contains(tenant) {
          try file.setCovered(tenant, false)
          table.remove(tenant: tenant)
          covered.remove(tenant)
          applied += 1
        }
      }
      let keys = touched.values.filter { covered.contains($0.tenant) && !synced.contains($0.tenant) }
      let current = try store.items(keys: keys)
      let present = Set(current.map { Self.key($0.tenant, $0.item.source, $0.item.id) })
      let removed = keys.filter { !present.contains(Self.key($0.tenant, $0.source, $0.id)) }.map {
        (tenant: $0.tenant, item: IndexedKey.itemKey(source: $0.source, id: $0.id))
      }
      applied += try encode(current, removed: removed, lastChange: last)
      lastApplied = last
    }
  }

  /// Encodes every item of a tenant the lane starts covering, then records it covered (cut off before, the
  /// next catch-up starts it again, its finished items kept by their hashes).
  private func encodeWhole(_ tenant: String) throws -> Int {
    var applied = 0
    // Rows an interrupted run left (of items gone since) go first; the others are kept by their hashes.
    var left = try file.itemKeys(tenant: tenant)
    try store.forEachItem(tenant: tenant, batchSize: 500) { batch in
      for stored in batch { left.remove(IndexedKey.itemKey(source: stored.item.source, id: stored.item.id)) }
      applied += try encode(batch, removed: [], lastChange: nil)
    }
    if !left.isEmpty {
      applied += try encode([], removed: left.map { (tenant: tenant, item: $0) }, lastChange: nil)
    }
    try file.setCovered(tenant, true)
    covered.insert(tenant)
    return applied
  }

  /// Closes the file (a lane closing, before its file is removed).
  func close() throws { try file.close() }

  /// Returns once the store's last change has stayed the same for a quarter of a second and `busy` is false, or
  /// after `patience`.
  private func waitForQuiet(busy: () -> Bool, patience: Duration) throws {
    let started = ContinuousClock.now
    var last = try store.lastChangeSeq()
    while ContinuousClock.now - started < patience {
      Thread.sleep(forTimeInterval: 0.25)
      let now = try store.lastChangeSeq()
      if now == last && !busy() { return }
      last = now
    }
  }

  private static func key(_ tenant: String, _ source: KnowledgeSource, _ id: String) -> String {
    tenant + "\u{1F}" + IndexedKey.itemKey(source: source, id: id)
  }

  /// Smart reply's sources: quick replies are found as typed, by their titles.
  static let sources: Set<KnowledgeSource> = [.bot, .internal]

  /// Encodes the items whose questions changed, saves them with `lastChange` (nil: a rebuild's batch, whose
  /// change number is saved at its end: cut off before, the rebuild starts again), and puts them in the table.
  private func encode(_ items: [StoredKnowledge], removed: [(tenant: String, item: String)], lastChange: Int64?)
    throws -> Int
  {
    var pending: [(tenant: String, item: String, hash: UInt64, questions: [Int32], texts: [String])] = []
    var saved: [(tenant: String, item: String, vectors: VectorTable.ItemVectors?)] = removed.map {
      ($0.tenant, $0.item, nil)
    }
    for stored in items where Self.sources.contains(stored.item.source) {
      let key = IndexedKey.itemKey(source: stored.item.source, id: stored.item.id)
      let all = StoredQuestions.questions(of: stored.item, learned: stored.learnedQuestions)
      let chosen = all.indices.filter { encoder.reads(all[$0]) }
      let texts = chosen.map { all[$0] }
      let hash = Self.hash(texts, places: chosen)
      if table.hash(tenant: stored.tenant, item: key) == hash { continue }
      if texts.isEmpty {
        saved.append((stored.tenant, key, nil))
      } else {
        pending.append((stored.tenant, key, hash, chosen.map { Int32($0) }, texts))
      }
    }
    // Every question of the batch encoded together, `batchQuestions` at a time.
    let texts = pending.flatMap(\.texts)
    var vectors: [[Float]] = []
    vectors.reserveCapacity(texts.count)
    for start in stride(from: 0, to: texts.count, by: batchQuestions) {
      vectors += encoder.encode(Array(texts[start..<min(start + batchQuestions, texts.count)]))
    }
    var next = 0
    for item in pending {
      let rows = vectors[next..<(next + item.texts.count)]
      next += item.texts.count
      saved.append(
        (
          item.tenant, item.item,
          VectorTable.ItemVectors(hash: item.hash, questions: item.questions, values: rows.flatMap { $0 })
        ))
    }
    guard !saved.isEmpty || lastChange != nil else { return 0 }
    try file.save(saved, lastChange: lastChange)
    for (tenant, group) in Dictionary(grouping: saved, by: \.tenant) {
      table.apply(tenant: tenant, Dictionary(group.map { ($0.item, $0.vectors) }, uniquingKeysWith: { $1 }))
    }
    return saved.count
  }

  /// The encoded texts and their places, hashed: unchanged questions are not encoded again.
  static func hash(_ texts: [String], places: [Int]) -> UInt64 {
    StableHash.value(zip(texts, places).map { text, place in "\(place)\u{1E}\(text)\u{1F}" }.joined())
  }
}
