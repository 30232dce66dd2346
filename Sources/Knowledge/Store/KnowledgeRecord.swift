import Foundation
import GRDB

/// A knowledge item as the `knowledge_item` table stores it: the item's fields, plus its tenant, times and
/// usage. Arrays and variants are stored as JSON text.
struct KnowledgeRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
  static let databaseTableName = "knowledge_item"

  var tenant: String
  var source: KnowledgeSource
  var id: String
  var scope: Scope
  var folder: String?
  var title: String
  var similar: [String]
  var body: String
  var category: String?
  var tags: [String]
  var language: String?
  var enabled: Bool
  var variants: [String: KnowledgeVariant]
  var createdAt: Date
  var updatedAt: Date
  var usageCount: Int
  var lastUsedAt: Date?

  enum Columns {
    static let tenant = Column(CodingKeys.tenant)
    static let source = Column(CodingKeys.source)
    static let id = Column(CodingKeys.id)
    static let scope = Column(CodingKeys.scope)
    static let folder = Column(CodingKeys.folder)
    static let tags = Column(CodingKeys.tags)
    static let enabled = Column(CodingKeys.enabled)
    static let usageCount = Column(CodingKeys.usageCount)
    static let lastUsedAt = Column(CodingKeys.lastUsedAt)
    static let updatedAt = Column(CodingKeys.updatedAt)
  }

  static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

  init(
    tenant: String, item: KnowledgeItem, createdAt: Date, updatedAt: Date, usageCount: Int = 0, lastUsedAt: Date? = nil
  ) {
    self.tenant = tenant
    source = item.source
    id = item.id
    scope = item.scope
    folder = item.folder
    title = item.title
    similar = item.similar
    body = item.body
    category = item.category
    tags = item.tags
    language = item.language
    enabled = item.enabled
    variants = item.variants
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.usageCount = usageCount
    self.lastUsedAt = lastUsedAt
  }

  var item: KnowledgeItem {
    KnowledgeItem(
      id: id, source: source, scope: scope, folder: folder, title: title, similar: similar, body: body,
      category: category, tags: tags, language: language, enabled: enabled, variants: variants)
  }

  var stored: StoredKnowledge {
    StoredKnowledge(
      tenant: tenant, item: item, createdAt: createdAt, updatedAt: updatedAt, usageCount: usageCount,
      lastUsedAt: lastUsedAt)
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
}
