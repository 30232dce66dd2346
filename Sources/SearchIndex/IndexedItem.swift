import Foundation
import Knowledge

/// What a document's data holds: enough to show a suggestion without asking the store.
struct IndexedItem: Codable, Hashable, Sendable {
  var tenant: String
  var source: KnowledgeSource
  var id: String
  /// The language of this document (the item's own, or a variant's); nil for the tenant's default.
  var language: String?
  var title: String
  var similar: [String]
  var body: String
  var scope: Scope
  var folder: String?
  var category: String?
  var tags: [String]
  var usageCount: Int
  /// Every language version of the item ("-" for the tenant's default), so that a suggestion can show the
  /// agent's language even when another version matched.
  var versions: [String: KnowledgeVariant]
}
