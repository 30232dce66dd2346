import Foundation
import GRDB

/// Tenant settings kept as one JSON document a tenant (tables of `tenant` and `settings`: the automatic
/// messages, the bot's settings).
extension SessionStore {
  static func document<T: Decodable>(_ type: T.Type, _ db: Database, table: String, tenant: String) throws -> T? {
    try String.fetchOne(db, sql: "SELECT settings FROM \(table) WHERE tenant = ?", arguments: [tenant]).map {
      try JSONDecoder().decode(T.self, from: Data($0.utf8))
    }
  }

  static func setDocument<T: Encodable>(_ value: T, _ db: Database, table: String, tenant: String) throws {
    try db.execute(
      sql: """
        INSERT INTO \(table) (tenant, settings) VALUES (?, ?)
        ON CONFLICT (tenant) DO UPDATE SET settings = excluded.settings
        """, arguments: [tenant, String(decoding: try JSONEncoder().encode(value), as: UTF8.self)])
  }

  /// Every tenant's document in `table`.
  static func documents<T: Decodable>(_ type: T.Type, _ db: Database, table: String) throws -> [String: T] {
    var all: [String: T] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT tenant, settings FROM \(table)") {
      all[row["tenant"]] = try JSONDecoder().decode(T.self, from: Data((row["settings"] as String).utf8))
    }
    return all
  }
}
