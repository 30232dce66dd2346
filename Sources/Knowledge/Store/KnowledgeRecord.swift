import Foundation
import GRDB

/// A knowledge item as the `knowledge_item` table stores it: a `StoredKnowledge` (the item, its tenant,
/// times and usage). Arrays and variants are stored as JSON text.
///
/// Rows are mapped by hand rather than through Codable: imports write and the index reads every item, and
/// the generic coding (with JSON for the arrays) was a third of the import time.
struct KnowledgeRecord: FetchableRecord, PersistableRecord, Sendable {
  static let databaseTableName = "knowledge_item"

  /// The row: an item, its tenant, times and usage.
  var stored: StoredKnowledge

  var item: KnowledgeItem { stored.item }

  enum Columns {
    static let tenant = Column("tenant")
    static let source = Column("source")
    static let id = Column("id")
    static let folder = Column("folder")
    static let enabled = Column("enabled")
    static let usageCount = Column("usage_count")
    static let updatedAt = Column("updated_at")
  }

  init(stored: StoredKnowledge) { self.stored = stored }

  init(
    tenant: String, item: KnowledgeItem, createdAt: Date, updatedAt: Date, usageCount: Int = 0, lastUsedAt: Date? = nil
  ) {
    stored = StoredKnowledge(
      tenant: tenant, item: item, createdAt: createdAt, updatedAt: updatedAt, usageCount: usageCount,
      lastUsedAt: lastUsedAt)
  }

  init(row: Row) throws {
    let source = try row.strict(KnowledgeSource.self, "source")
    let scopeText: String = row["scope"]
    let item = KnowledgeItem(
      id: row["id"], source: source, scope: Scope(scopeText) ?? .company, folder: row["folder"], title: row["title"],
      similar: try JSONText.strings(row["similar"]), body: row["body"], category: row["category"],
      tags: try JSONText.strings(row["tags"]), language: row["language"], enabled: row["enabled"],
      variants: try JSONText.variants(row["variants"]))
    self.init(
      tenant: row["tenant"], item: item, createdAt: row["created_at"], updatedAt: row["updated_at"],
      usageCount: row["usage_count"], lastUsedAt: row["last_used_at"])
  }

  /// The row's columns in table order, with `columnValues()`: both the INSERT statement and `encode(to:)`
  /// are made from these two, so that a column added here is written everywhere.
  static let columnNames = [
    "tenant", "source", "id", "scope", "folder", "title", "similar", "body", "category", "tags", "language",
    "enabled", "variants", "created_at", "updated_at", "usage_count", "last_used_at",
  ]

  func columnValues() throws -> [(any DatabaseValueConvertible)?] {
    let item = stored.item
    return [
      stored.tenant, item.source.rawValue, item.id, item.scope.description, item.folder, item.title,
      JSONText.encode(item.similar), item.body, item.category, JSONText.encode(item.tags), item.language,
      item.enabled, try JSONText.encode(item.variants), stored.createdAt, stored.updatedAt, stored.usageCount,
      stored.lastUsedAt,
    ]
  }

  static let insertOrIgnoreSQL =
    "INSERT OR IGNORE INTO knowledge_item (\(columnNames.joined(separator: ", "))) VALUES ("
    + Array(repeating: "?", count: columnNames.count).joined(separator: ", ") + ")"

  var insertArguments: StatementArguments { get throws { StatementArguments(try columnValues()) } }

  func encode(to container: inout PersistenceContainer) throws {
    for (name, value) in zip(Self.columnNames, try columnValues()) { container[name] = value }
  }
}

/// An item as stored: the item and what the store keeps about it.
public struct StoredKnowledge: Hashable, Sendable {
  public var tenant: String
  public var item: KnowledgeItem
  public var createdAt: Date
  public var updatedAt: Date
  /// How often agents picked it.
  public var usageCount: Int
  public var lastUsedAt: Date?
  /// What was asked or typed when the item was the answer (`LearnedQuestion`), most frequent first: read with
  /// the items the index reads (`items(keys:)`, `forEachItem`), not part of the item's content.
  public var learnedQuestions: [String] = []
}

/// JSON text for the array and object columns, with fast paths for the common empty and short cases.
enum JSONText {
  static func encode(_ strings: [String]) -> String {
    if strings.isEmpty { return "[]" }
    var out = "["
    for (index, string) in strings.enumerated() {
      if index > 0 { out += "," }
      out += quoted(string)
    }
    return out + "]"
  }

  static func quoted(_ string: String) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  static func encode(_ variants: [String: KnowledgeVariant]) throws -> String {
    if variants.isEmpty { return "{}" }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(variants), as: UTF8.self)
  }

  static func strings(_ text: String) throws -> [String] {
    if text == "[]" { return [] }
    return try JSONDecoder().decode([String].self, from: Data(text.utf8))
  }

  static func variants(_ text: String) throws -> [String: KnowledgeVariant] {
    if text == "{}" { return [:] }
    return try JSONDecoder().decode([String: KnowledgeVariant].self, from: Data(text.utf8))
  }
}
