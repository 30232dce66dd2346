import Foundation
import GRDB
import Knowledge

/// The vectors on disk (`vectors.sqlite` in the data folder): each item's rows, and the last change of the
/// store they follow, written in one transaction a batch, so that a crash loses no more than the batch being
/// encoded. Derived data, like the index: deleted, it is made again from the store.
struct VectorFile: Sendable {
  private let database: RecordDatabase

  private enum Meta {
    static let model = "model"
    static let lastChange = "last_change"
  }

  init(path: String) throws(RecordDatabase.Failure) {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("vectors-1") { db in
      try db.execute(
        sql: """
          CREATE TABLE item_vectors (
            tenant TEXT NOT NULL, item TEXT NOT NULL, hash INTEGER NOT NULL, questions BLOB NOT NULL,
            vectors BLOB NOT NULL, PRIMARY KEY (tenant, item)) WITHOUT ROWID;
          CREATE TABLE vector_meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
          """)
    }
    migrator.registerMigration("vectors-2-covered-tenants") { db in
      // The tenants the vectors follow: a tenant's choice of model changing is seen against it.
      try db.execute(
        sql: """
          CREATE TABLE covered_tenant (tenant TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
          INSERT INTO covered_tenant SELECT DISTINCT tenant FROM item_vectors;
          """)
    }
    database = try RecordDatabase.open(path: path, migrator: migrator)
  }

  /// The items of a tenant that have rows.
  func itemKeys(tenant: String) throws(RecordDatabase.Failure) -> Set<String> {
    try run { db in
      Set(try String.fetchAll(db, sql: "SELECT item FROM item_vectors WHERE tenant = ?", arguments: [tenant]))
    }
  }

  func close() throws { try database.writer.close() }

  /// The tenants whose items the vectors follow.
  func coveredTenants() throws(RecordDatabase.Failure) -> Set<String> {
    try run { db in Set(try String.fetchAll(db, sql: "SELECT tenant FROM covered_tenant")) }
  }

  /// Records that the vectors follow the tenant (`covered`), or removes the tenant's vectors and stops following
  /// it.
  func setCovered(_ tenant: String, _ covered: Bool) throws(RecordDatabase.Failure) {
    try write { db in
      if covered {
        try db.execute(sql: "INSERT OR IGNORE INTO covered_tenant (tenant) VALUES (?)", arguments: [tenant])
      } else {
        try db.execute(sql: "DELETE FROM item_vectors WHERE tenant = ?", arguments: [tenant])
        try db.execute(sql: "DELETE FROM covered_tenant WHERE tenant = ?", arguments: [tenant])
      }
    }
  }

  /// The model the vectors were made with, and the last change they hold (nil: never written).
  func state() throws(RecordDatabase.Failure) -> (model: String?, lastChange: Int64?) {
    try run { db in
      let model = try String.fetchOne(db, sql: "SELECT value FROM vector_meta WHERE name = ?", arguments: [Meta.model])
      let last = try String.fetchOne(
        db, sql: "SELECT value FROM vector_meta WHERE name = ?", arguments: [Meta.lastChange])
      return (model, last.flatMap { Int64($0) })
    }
  }

  /// Empties the file for vectors of `model`.
  func reset(model: String) throws(RecordDatabase.Failure) {
    try write { db in
      try db.execute(sql: "DELETE FROM item_vectors")
      try db.execute(sql: "DELETE FROM covered_tenant")
      try db.execute(sql: "DELETE FROM vector_meta")
      try db.execute(
        sql: "INSERT INTO vector_meta (name, value) VALUES (?, ?)", arguments: [Meta.model, model])
    }
  }

  /// Writes the items' vectors (nil: removes them) and, with them, the last change they follow (if given).
  func save(_ changes: [(tenant: String, item: String, vectors: VectorTable.ItemVectors?)], lastChange: Int64?)
    throws(RecordDatabase.Failure)
  {
    try write { db in
      for change in changes {
        if let vectors = change.vectors {
          try db.execute(
            sql: """
              INSERT OR REPLACE INTO item_vectors (tenant, item, hash, questions, vectors) VALUES (?, ?, ?, ?, ?)
              """,
            arguments: [
              change.tenant, change.item, Int64(bitPattern: vectors.hash), Self.bytes(vectors.questions),
              Self.bytes(vectors.values),
            ])
        } else {
          try db.execute(
            sql: "DELETE FROM item_vectors WHERE tenant = ? AND item = ?", arguments: [change.tenant, change.item])
        }
      }
      if let lastChange {
        try db.execute(
          sql: "INSERT OR REPLACE INTO vector_meta (name, value) VALUES (?, ?)",
          arguments: [Meta.lastChange, String(lastChange)])
      }
    }
  }

  /// Every item's vectors, tenant by tenant.
  func forEach(dimension: Int, _ body: (String, [String: VectorTable.ItemVectors?]) throws -> Void)
    throws(RecordDatabase.Failure)
  {
    try run { db in
      let rows = try Row.fetchCursor(
        db, sql: "SELECT tenant, item, hash, questions, vectors FROM item_vectors ORDER BY tenant")
      var tenant: String?
      var batch: [String: VectorTable.ItemVectors?] = [:]
      while let row = try rows.next() {
        let rowTenant: String = row["tenant"]
        if rowTenant != tenant, let done = tenant {
          try body(done, batch)
          batch.removeAll()
        }
        tenant = rowTenant
        let questions: [Int32] = Self.values(row["questions"])
        let values: [Float] = Self.values(row["vectors"])
        // A row that does not fit the dimension is skipped: its item is encoded again on its next change.
        guard values.count == questions.count * dimension else { continue }
        batch[row["item"]] = VectorTable.ItemVectors(
          hash: UInt64(bitPattern: row["hash"]), questions: questions, values: values)
      }
      if let tenant { try body(tenant, batch) }
    }
  }

  private func run<T>(_ body: (Database) throws -> T) throws(RecordDatabase.Failure) -> T {
    do { return try database.writer.read(body) } catch { throw RecordDatabase.failure(error) }
  }

  private func write<T>(_ body: (Database) throws -> T) throws(RecordDatabase.Failure) -> T {
    do { return try database.writer.write(body) } catch { throw RecordDatabase.failure(error) }
  }

  /// Little-endian bytes of fixed-width numbers (every platform Swift runs this on is little-endian).
  static func bytes<T: BitwiseCopyable>(_ values: [T]) -> Data {
    values.withUnsafeBytes { Data($0) }
  }

  static func values<T: BitwiseCopyable>(_ data: Data) -> [T] {
    let count = data.count / MemoryLayout<T>.size
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      data.withUnsafeBytes { raw in
        for i in 0..<count { buffer[i] = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self) }
      }
      initialized = count
    }
  }
}
