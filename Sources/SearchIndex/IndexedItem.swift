import Foundation
import Knowledge

/// What a document's data holds: the key of the item (and which language version the document is). The
/// texts to show come from the store, the source of truth: keeping a copy in the index made it larger and
/// import slower (Xapian compresses document data), and the store answers a handful of keys in microseconds.
struct IndexedKey: Hashable, Sendable {
  var tenant: String
  var source: KnowledgeSource
  var id: String
  /// The language of this document (the item's own, or a variant's); nil for the tenant's default.
  var language: String?

  private static let separator: Character = "\u{1F}"

  var data: Data {
    Data([tenant, source.rawValue, id, language ?? ""].joined(separator: String(Self.separator)).utf8)
  }

  init(tenant: String, source: KnowledgeSource, id: String, language: String?) {
    self.tenant = tenant
    self.source = source
    self.id = id
    self.language = language
  }

  init(data: Data) throws(IndexError) {
    let fields = String(decoding: data, as: UTF8.self).split(
      separator: Self.separator, omittingEmptySubsequences: false)
    guard fields.count == 4, let source = KnowledgeSource(rawValue: String(fields[1])) else {
      throw .corrupt("a document's data is not an item key; run replykit reindex")
    }
    self.init(
      tenant: String(fields[0]), source: source, id: String(fields[2]),
      language: fields[3].isEmpty ? nil : String(fields[3]))
  }

  /// The key of the item, whatever the language.
  var itemKey: String { source.rawValue + String(Self.separator) + id }
}
