import Foundation
import Knowledge
import TextAnalysis

/// The one writer of the index. It follows the store's change log: `catchUp()` applies every change after
/// the last one it applied and records that change's number in the same commit, so after a crash it goes
/// on from where its last commit left off. An index made by another analyzer version is rebuilt.
package actor IndexWriter {
  private var index: XapianIndex
  private let path: String
  private let store: KnowledgeStore
  private let analyzers: TenantAnalyzers
  private let readers: IndexReaderPool
  /// The number of the last change the index holds.
  package private(set) var lastApplied: Int64
  /// Documents written (added, replaced or deleted) since the index was last compacted or opened.
  private(set) var writtenSinceCompaction = 0

  package static let formatVersion = "12"
  private enum Key {
    static let analyzer = "replykit.analyzer"
    static let format = "replykit.format"
    static let lastChange = "replykit.last_change"
    static func words(_ tenant: String) -> String { "replykit.words.\(tenant)" }
  }

  /// Why the index found at `path` was set aside for a new, empty one (it could not be opened or read), if it
  /// was; the store then rebuilds it.
  package nonisolated let damage: String?

  package init(path: String, store: KnowledgeStore, analyzers: TenantAnalyzers, readers: IndexReaderPool) throws {
    let opened = try Self.open(path: path)
    self.index = opened.index
    self.path = path
    self.store = store
    self.analyzers = analyzers
    self.readers = readers
    damage = opened.damage
    let sameAnalysis = opened.analyzer == analyzers.version && opened.format == Self.formatVersion
    lastApplied = sameAnalysis ? Int64(opened.lastChange ?? "0") ?? 0 : -1
    readers.opened(appliedChange: lastApplied)
  }

  /// Opens the writer and reads what the index says about itself. An index that cannot be opened or read is
  /// moved aside (`index.damaged`, the newest only, for a look) and replaced by an empty one: the store is the
  /// source of truth, and a damaged index must never keep the service down.
  private static func open(path: String) throws -> (
    index: XapianIndex, analyzer: String?, format: String?, lastChange: String?, damage: String?
  ) {
    func read() throws -> (XapianIndex, String?, String?, String?) {
      // (An engine opened again in the same process, as tests and the CLI do, can meet its predecessor's lock
      // for as long as a child process being spawned shares it: `openWriter` waits that out.)
      let index = try XapianIndex.openWriter(path: path, synced: false)
      return (
        index, try index.metadata(Key.analyzer), try index.metadata(Key.format), try index.metadata(Key.lastChange)
      )
    }
    do {
      let (index, analyzer, format, lastChange) = try read()
      return (index, analyzer, format, lastChange, nil)
    } catch let error as IndexError where error.isDamage {
      let aside = path + ".damaged"
      try? FileManager.default.removeItem(atPath: aside)
      if (try? FileManager.default.moveItem(atPath: path, toPath: aside)) == nil {
        try FileManager.default.removeItem(atPath: path)
      }
      let (index, analyzer, format, lastChange) = try read()
      return (index, analyzer, format, lastChange, error.description)
    }
  }

  /// Whether the index was made by another analyzer (or is new) and must be rebuilt from the store.
  package var needsRebuild: Bool { lastApplied < 0 }

  /// Applies the changes the index has not seen; returns how many it applied.
  @discardableResult
  package func catchUp(batchSize: Int = 5_000) throws -> Int {
    if needsRebuild { return try rebuild() }
    var applied = 0
    while true {
      let changes = try store.changes(after: lastApplied, limit: batchSize)
      guard let last = changes.last?.seq else { return applied }
      try closingOnFailure {
        try apply(changes)
        // Picks only rewrite documents with their usage: every term and document count stays as it was. (A
        // batch of picks cut off from a later edit of the same item indexes the edit's text a commit early;
        // the edit's own batch, committed next, moves the terms generation.)
        try finishBatch(lastChange: last, termsChanged: changes.contains { $0.kind != .usage })
      }
      applied += changes.count
    }
  }

  /// Empties the index (a new, empty database in its folder) and re-indexes every item of the store.
  @discardableResult
  package func resetAndRebuild() throws -> Int {
    try replacingFolder { try? FileManager.default.removeItem(atPath: path) }
    lastApplied = -1
    return try rebuild()
  }

  /// Runs writes that end in a commit. When they fail, the handle may hold half a batch, or what a failed
  /// commit left behind: it is closed and the writer opened again on the last commit, where the next catch-up
  /// starts (applying a change twice is harmless). Without this, a writer that once met a full disk stayed
  /// broken until the process restarted.
  private func closingOnFailure(_ writes: () throws -> Void) throws {
    do {
      try writes()
    } catch {
      try? replacingFolder {}
      throw error
    }
  }

  /// Closes the writer, lets `change` replace or remove the index folder, then opens the writer on what is
  /// there (a new empty database if nothing) and sends the readers to it.
  private func replacingFolder(_ change: () throws -> Void) throws {
    let closing = path + ".tmp-closing"
    index = try XapianIndex.openWriter(path: closing)  // releases the old handle and its lock
    defer { try? FileManager.default.removeItem(atPath: closing) }
    try change()
    index = try XapianIndex.openWriter(path: path, synced: false)
    readers.reset()
  }

  /// Compacts the index when a bulk load wrote at least a tenth of its documents (and 1,000) since it was
  /// last compacted; returns whether it did.
  ///
  /// Xapian leaves room in the blocks that writes fill; a compacted copy of a bulk-loaded index is half the
  /// size, and a search reads its posting lists in fewer blocks (measured at 100k items: 167 -> 87 MB, suggest
  /// p50 -7 %). Compacting 100k documents takes about half a second, so it waits for the end of a bulk load.
  @discardableResult
  package func compactIfWorthIt() throws -> Bool {
    let documents = try index.documentCount
    guard writtenSinceCompaction >= max(1_000, documents / 10) else { return false }
    // A copy that could not be written (a full disk) leaves the index as it was: the bulk load it follows
    // has still succeeded.
    guard (try? writeCompactCopy()) != nil else { return false }
    try swapInCompactCopy()
    return true
  }

  /// Writes a compact copy of the last commit beside the index and swaps it in.
  package func compact() throws {
    try writeCompactCopy()
    try swapInCompactCopy()
  }

  private var compactedPath: String { path + ".compacted" }

  private func writeCompactCopy() throws {
    for leftover in [compactedPath, path + ".old"] { try? FileManager.default.removeItem(atPath: leftover) }
    try index.commit()
    do {
      try index.compact(to: compactedPath)
    } catch {
      try? FileManager.default.removeItem(atPath: compactedPath)
      throw error
    }
  }

  /// Readers reopen on the new folder; a search already running goes on with the old files (open files
  /// outlive their names). A crash between the two renames leaves no index, which the next start rebuilds
  /// from the store.
  private func swapInCompactCopy() throws {
    let old = path + ".old"
    try replacingFolder {
      try FileManager.default.moveItem(atPath: path, toPath: old)
      try FileManager.default.moveItem(atPath: compactedPath, toPath: path)
    }
    try? FileManager.default.removeItem(atPath: old)
    writtenSinceCompaction = 0
  }

  /// Re-indexes every item of the store. Run on an empty index (`SuggestionEngine` empties it first), so
  /// that nothing stale stays.
  @discardableResult
  package func rebuild() throws -> Int {
    let upTo = try store.lastChangeSeq()
    var tenants = Set<String>()
    var count = 0
    try closingOnFailure {
      try store.forEachItem { batch in
        for stored in batch where tenants.insert(stored.tenant).inserted {
          try syncWords(tenant: stored.tenant, reindex: false)
        }
        try reindex(batch)
        count += batch.count
        try index.commit()
      }
      try index.setMetadata(Key.analyzer, analyzers.version)
      try index.setMetadata(Key.format, Self.formatVersion)
      try finishBatch(lastChange: upTo)
    }
    // Whatever changed while we rebuilt is applied on top (applying a change twice is harmless).
    try catchUp()
    return count
  }

  private func finishBatch(lastChange: Int64, termsChanged: Bool = true) throws {
    try index.setMetadata(Key.lastChange, String(lastChange))
    try index.commit()
    lastApplied = lastChange
    readers.committed(termsChanged: termsChanged, appliedChange: lastChange)
  }

  private func apply(_ changes: [KnowledgeChange]) throws {
    // Only an item's latest state matters: a batch touching it ten times re-indexes it once.
    var items: [String: KnowledgeChange] = [:]
    var order: [String] = []
    var tenantsChanged = Set<String>()
    // Items whose every change here is a pick: their documents are rewritten where they are.
    var picked = Set<String>()
    var edited = Set<String>()
    for change in changes {
      guard let source = change.source, let id = change.itemId else {
        tenantsChanged.insert(change.tenant)
        continue
      }
      let key = [change.tenant, source.rawValue, id].joined(separator: "\u{1F}")
      if items.updateValue(change, forKey: key) == nil { order.append(key) }
      if change.kind == .usage {
        picked.insert(KnowledgeDocumentBuilder.itemTerm(tenant: change.tenant, source: source, id: id))
      } else {
        edited.insert(KnowledgeDocumentBuilder.itemTerm(tenant: change.tenant, source: source, id: id))
      }
    }
    for tenant in tenantsChanged.sorted() { try syncWords(tenant: tenant, reindex: true) }
    // The current state of every touched item, in one read of the store.
    var keys: [(tenant: String, source: KnowledgeSource, id: String)] = []
    for key in order {
      let change = items[key]!
      if change.kind != .delete, let source = change.source, let id = change.itemId {
        keys.append((change.tenant, source, id))
      }
    }
    var current: [String: StoredKnowledge] = [:]
    for stored in try store.items(keys: keys) {
      current[[stored.tenant, stored.item.source.rawValue, stored.item.id].joined(separator: "\u{1F}")] = stored
    }
    for key in order where current[key] == nil {  // deleted (or gone since)
      let change = items[key]!
      guard let source = change.source, let id = change.itemId else { continue }
      writtenSinceCompaction += 1
      try index.delete(idTerm: KnowledgeDocumentBuilder.itemTerm(tenant: change.tenant, source: source, id: id))
    }
    try reindex(order.compactMap { current[$0] }, inPlace: picked.subtracting(edited))
  }

  /// Re-indexes items: their documents are built on another thread while this one writes. Those whose item
  /// term is in `inPlace` (only picked: the same terms, a new usage) and that have one language version keep
  /// their document id.
  private func reindex(_ items: [StoredKnowledge], inPlace: Set<String> = []) throws {
    var builders: [String: KnowledgeDocumentBuilder] = [:]
    for tenant in Set(items.map(\.tenant)) {
      builders[tenant] = KnowledgeDocumentBuilder(analyzer: try analyzers.analyzer(for: tenant))
    }
    let frozen = builders
    let pipeline = DocumentPipeline(items: items) { stored in try frozen[stored.tenant]!.documents(for: stored) }
    try pipeline.consume { built in
      for document in built {
        if built.count == 1 && inPlace.contains(document.itemTerm) {
          // The item's one document, rewritten where it is (Xapian replaces the first document holding the
          // term): it keeps its id, and so its place among equal weights and in `SharedHits`.
          writtenSinceCompaction += 1
          try index.replace(idTerm: document.itemTerm, with: document.document)
        } else {
          try write(document)
        }
      }
    }
  }

  /// Writes a document as a new one. An item's first version removes its old documents first (versions may
  /// have gone since), and its versions are written together, so each is added: a replace by a term of its
  /// own would only look for a document that cannot be there (0.6 % of Xapian's writing instructions under
  /// callgrind, tools/bench/xapian-replay.sh; not seen in wall time).
  private func write(_ built: KnowledgeDocumentBuilder.Built) throws {
    writtenSinceCompaction += 1
    if built.isFirstVersion { try index.delete(idTerm: built.itemTerm) }
    try index.add(built.document)
  }

  private func reindex(_ stored: StoredKnowledge) throws {
    let builder = KnowledgeDocumentBuilder(analyzer: try analyzers.analyzer(for: stored.tenant))
    for built in try builder.documents(for: stored) { try write(built) }
  }

  /// A tenant's user dictionary changed: the items that contain an added or removed word get new terms.
  private func syncWords(tenant: String, reindex shouldReindex: Bool) throws {
    let words = try store.words(tenant: tenant)
    let before = Set((try index.metadata(Key.words(tenant)) ?? "").split(separator: "\n").map(String.init))
    let changed = before.symmetricDifference(words)
    guard !changed.isEmpty else { return }
    analyzers.forget(tenant)
    if shouldReindex {
      var keys: [String: (source: KnowledgeSource, id: String)] = [:]
      for word in changed {
        for key in try store.itemKeys(tenant: tenant, containing: word) { keys["\(key.source)/\(key.id)"] = key }
      }
      try reindex(try store.items(tenant: tenant, keys: Array(keys.values)))
    }
    try index.setMetadata(Key.words(tenant), words.joined(separator: "\n"))
  }

  package var documentCount: Int { get throws { try index.documentCount } }
}
