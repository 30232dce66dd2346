import Foundation
import GRDB

/// The system of record for knowledge: items of the three sources, agents, synonyms and user dictionaries,
/// in SQLite. Every write also appends to the change log in the same transaction, which is what the index
/// follows; the index can always be rebuilt from here.
public final class KnowledgeStore: Sendable {
  let database: any DatabaseWriter
  /// The folder whose file system holds the store (nil in memory).
  private let folder: String?
  /// Writes are refused (`diskFull`) while the file system has less free space than this, so that a full disk
  /// stops changes before they are half made: the index, the write-ahead log and the sessions need room too.
  public let reserveBytes: Int64

  /// The default reserve: 64 MiB.
  public static let defaultReserveBytes: Int64 = 64 << 20

  /// Opens (creating if needed) the store at `path` (`RecordDatabase`: WAL, migrated).
  public init(path: String, reserveBytes: Int64 = KnowledgeStore.defaultReserveBytes) throws(KnowledgeStoreError) {
    self.reserveBytes = reserveBytes
    do throws(RecordDatabase.Failure) {
      let opened = try RecordDatabase.open(path: path, migrator: Self.migrator)
      (database, folder) = (opened.writer, opened.folder)
    } catch {
      throw Self.mapped(error)
    }
  }

  /// A store in memory (tests, throwaway evaluation runs).
  public init() throws(KnowledgeStoreError) {
    reserveBytes = 0
    do throws(RecordDatabase.Failure) {
      let opened = try RecordDatabase.inMemory(migrator: Self.migrator)
      (database, folder) = (opened.writer, opened.folder)
    } catch {
      throw Self.mapped(error)
    }
  }

  static func mapped(_ error: any Error) -> KnowledgeStoreError {
    if let error = error as? KnowledgeStoreError { return error }
    switch RecordDatabase.failure(error) {
    case .diskFull: return .diskFull
    case .database(let message): return .database(message)
    }
  }

  func read<T>(_ body: (Database) throws -> T) throws(KnowledgeStoreError) -> T {
    do { return try database.read(body) } catch { throw Self.mapped(error) }
  }

  /// A write transaction; refused whole below the reserve of free space, except for `bookkeeping`: the few bytes
  /// that say how a change ended (an import job marked failed for want of room) are what the reserve is for.
  func write<T>(bookkeeping: Bool = false, _ body: (Database) throws -> T) throws(KnowledgeStoreError) -> T {
    if !bookkeeping, let folder, reserveBytes > 0, let free = FreeSpace.bytes(at: folder), free < reserveBytes {
      throw .diskFull
    }
    do { return try database.write(body) } catch { throw Self.mapped(error) }
  }

  // MARK: Items

  /// What an upsert did to one item.
  public enum UpsertOutcome: String, Sendable, Hashable {
    case added, updated, unchanged
  }

  /// Adds or replaces items by (tenant, source, id), all in one transaction. An item equal to the stored
  /// one is left alone (and logs no change), so importing the same file twice changes nothing.
  public func upsert(
    _ items: [KnowledgeItem], tenant: String, at now: Date = Date(),
    recording progress: ((_ outcomes: [UpsertOutcome]) -> ImportJob)? = nil
  ) throws(KnowledgeStoreError) -> [UpsertOutcome] {
    try write { db in
      let outcomes = try items.map { item -> UpsertOutcome in
        // Most imported items are new: one INSERT OR IGNORE, and only a conflict reads the stored row.
        let record = KnowledgeRecord(tenant: tenant, item: item, createdAt: now, updatedAt: now)
        try db.cachedStatement(sql: KnowledgeRecord.insertOrIgnoreSQL).execute(arguments: record.insertArguments)
        if db.changesCount == 1 {
          try Self.log(db, tenant: tenant, source: item.source, id: item.id, kind: .upsert, at: now)
          return .added
        }
        guard let existing = try Self.fetchRecord(db, tenant: tenant, source: item.source, id: item.id) else {
          throw KnowledgeStoreError.database("an item vanished during its upsert")
        }
        if existing.item == item { return .unchanged }
        var changed = existing.stored
        changed.item = item
        changed.updatedAt = now
        try KnowledgeRecord(stored: changed).update(db)
        try Self.log(db, tenant: tenant, source: item.source, id: item.id, kind: .upsert, at: now)
        return .updated
      }
      // An import job's counts commit with the batch they count: after a crash or a full disk they say
      // exactly what the store holds.
      if let progress { try Self.updateImportJob(db, tenant: tenant, progress(outcomes)) }
      return outcomes
    }
  }

  /// Deletes an item; false when there was none.
  @discardableResult
  public func delete(tenant: String, source: KnowledgeSource, id: String, at now: Date = Date())
    throws(KnowledgeStoreError) -> Bool
  {
    try write { db in
      try db.execute(
        sql: "DELETE FROM knowledge_item WHERE tenant = ? AND source = ? AND id = ?",
        arguments: [tenant, source.rawValue, id])
      guard db.changesCount == 1 else { return false }
      try db.execute(
        sql: "DELETE FROM learned_question WHERE tenant = ? AND source = ? AND item_id = ?",
        arguments: [tenant, source.rawValue, id])
      try Self.log(db, tenant: tenant, source: source, id: id, kind: .delete, at: now)
      return true
    }
  }

  public func item(tenant: String, source: KnowledgeSource, id: String) throws(KnowledgeStoreError)
    -> StoredKnowledge?
  {
    try read { db in try Self.fetchRecord(db, tenant: tenant, source: source, id: id)?.stored }
  }

  /// One item by key, through a cached statement (imports and the index ask this for every item).
  static func fetchRecord(_ db: Database, tenant: String, source: KnowledgeSource, id: String) throws
    -> KnowledgeRecord?
  {
    let statement = try db.cachedStatement(
      sql: "SELECT * FROM knowledge_item WHERE tenant = ? AND source = ? AND id = ?")
    return try KnowledgeRecord.fetchOne(statement, arguments: [tenant, source.rawValue, id])
  }

  /// The stored items for keys of any tenants, in one read (missing ones are left out).
  public func items(keys: [(tenant: String, source: KnowledgeSource, id: String)]) throws(KnowledgeStoreError)
    -> [StoredKnowledge]
  {
    try read { db in
      var learning: [String: Bool] = [:]
      return try keys.compactMap { key in
        guard var stored = try Self.fetchRecord(db, tenant: key.tenant, source: key.source, id: key.id)?.stored else {
          return nil
        }
        try Self.attachLearnedQuestions(db, to: &stored, learning: &learning)
        return stored
      }
    }
  }

  /// The stored items for the given keys (missing ones are left out), for the index to catch up with.
  public func items(tenant: String, keys: [(source: KnowledgeSource, id: String)]) throws(KnowledgeStoreError)
    -> [StoredKnowledge]
  {
    try items(keys: keys.map { (tenant, $0.source, $0.id) })
  }

  /// Calls `body` with every item of a tenant (or of all tenants), in batches, for a rebuild of the index.
  public func forEachItem(tenant: String? = nil, batchSize: Int = 2_000, _ body: ([StoredKnowledge]) throws -> Void)
    throws
  {
    var after: (String, String, String) = ("", "", "")
    while true {
      let batch = try read { db in
        var request = KnowledgeRecord.filter(
          sql: "(tenant, source, id) > (?, ?, ?)", arguments: [after.0, after.1, after.2])
        if let tenant { request = request.filter(KnowledgeRecord.Columns.tenant == tenant) }
        return try request.order(sql: "tenant, source, id").limit(batchSize).fetchAll(db)
      }
      guard let last = batch.last else { return }
      after = (last.stored.tenant, last.item.source.rawValue, last.item.id)
      try body(
        read { db in
          var learning: [String: Bool] = [:]
          return try batch.map { record in
            var stored = record.stored
            try Self.attachLearnedQuestions(db, to: &stored, learning: &learning)
            return stored
          }
        })
    }
  }

  /// The number of items of a tenant (of one source when given).
  public func count(tenant: String, source: KnowledgeSource? = nil) throws(KnowledgeStoreError) -> Int {
    try read { db in
      var request = KnowledgeRecord.filter(KnowledgeRecord.Columns.tenant == tenant)
      if let source { request = request.filter(KnowledgeRecord.Columns.source == source.rawValue) }
      return try request.fetchCount(db)
    }
  }

  /// An agent picked the item: its usage count goes up, which ranking reads.
  public func recordUse(tenant: String, source: KnowledgeSource, id: String, at now: Date = Date())
    throws(KnowledgeStoreError)
  {
    try write { db in try Self.countUse(db, tenant: tenant, source: source, id: id, at: now) }
  }

  /// One more use of an item, and its change in the log (what ranking reads); `notFound` when it is not there.
  static func countUse(_ db: Database, tenant: String, source: KnowledgeSource, id: String, at now: Date) throws {
    try db.execute(
      sql: """
        UPDATE knowledge_item SET usage_count = usage_count + 1, last_used_at = ?
        WHERE tenant = ? AND source = ? AND id = ?
        """, arguments: [now, tenant, source.rawValue, id])
    guard db.changesCount == 1 else { throw KnowledgeStoreError.notFound(source: source, id: id) }
    try log(db, tenant: tenant, source: source, id: id, kind: .usage, at: now)
  }

  /// The enabled items of a source with the most picks (then the most recent picks, then the newest), among
  /// the given scopes: what the reply box shows before anything is typed.
  public func mostUsed(
    tenant: String, source: KnowledgeSource = .quick, scopes: [Scope], limit: Int
  ) throws(KnowledgeStoreError) -> [StoredKnowledge] {
    guard !scopes.isEmpty else { return [] }
    return try read { db in
      let marks = scopes.map { _ in "?" }.joined(separator: ",")
      let arguments: [any DatabaseValueConvertible] = [tenant, source.rawValue] + scopes.map(\.description) + [limit]
      return try KnowledgeRecord.fetchAll(
        db,
        sql: """
          SELECT * FROM knowledge_item
          WHERE tenant = ? AND source = ? AND enabled = 1 AND scope IN (\(marks))
          ORDER BY usage_count DESC, last_used_at DESC, updated_at DESC LIMIT ?
          """, arguments: StatementArguments(arguments)
      ).map(\.stored)
    }
  }

  // MARK: The change log

  /// Changes after `seq`, oldest first.
  public func changes(after seq: Int64, limit: Int = 10_000) throws(KnowledgeStoreError) -> [KnowledgeChange] {
    try read { db in
      try KnowledgeChange.filter(KnowledgeChange.Columns.seq > seq).order(KnowledgeChange.Columns.seq).limit(limit)
        .fetchAll(db)
    }
  }

  /// The newest change's number (0 when there is none).
  public func lastChangeSeq() throws(KnowledgeStoreError) -> Int64 {
    try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM change_log") ?? 0 }
  }

  static func log(
    _ db: Database, tenant: String, source: KnowledgeSource?, id: String?, kind: KnowledgeChange.Kind, at: Date
  ) throws {
    try db.cachedStatement(sql: "INSERT INTO change_log (tenant, source, item_id, kind, at) VALUES (?, ?, ?, ?, ?)")
      .execute(arguments: [tenant, source?.rawValue, id, kind.rawValue, at])
  }
}
