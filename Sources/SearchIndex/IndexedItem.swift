import Foundation
import Knowledge

/// What a document's data holds: the key of the item (and which language version the document is), then the
/// item's questions as the question model reads them (`StoredQuestions`). The texts to show come from the
/// store, the source of truth: keeping a copy in the index made it larger and import slower (Xapian
/// compresses document data), and the store answers a handful of keys in microseconds.
struct IndexedKey: Hashable, Sendable {
  var tenant: String
  var source: KnowledgeSource
  var id: String
  /// The language of this document (the item's own, or a variant's); nil for the tenant's default.
  var language: String?

  private static let separator: Character = "\u{1F}"

  /// A document's data: the key, then the item's encoded questions.
  func data(questions: String) -> Data {
    Data((keyText + StoredQuestions.questionSeparator + questions).utf8)
  }

  private var keyText: String {
    [tenant, source.rawValue, id, language ?? ""].joined(separator: String(Self.separator))
  }

  init(tenant: String, source: KnowledgeSource, id: String, language: String?) {
    self.tenant = tenant
    self.source = source
    self.id = id
    self.language = language
  }

  init(data: Data) throws(IndexError) {
    try self.init(keyText: Self.split(data).key)
  }

  /// A document's data as its key's text and its questions' (nil when the data holds the key alone).
  static func split(_ data: Data) -> (key: Substring, questions: Substring?) {
    // Through the raw bytes: decoding `Data` itself takes the standard library's slow path.
    let text = data.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    guard let end = text.utf8.firstIndex(of: StoredQuestions.questionByte) else { return (text[...], nil) }
    return (text[..<end], text[text.utf8.index(after: end)...])
  }

  /// From the key's part of a document's data (`split(_:)`).
  init(keyText: Substring) throws(IndexError) {
    let fields = keyText.split(separator: Self.separator, omittingEmptySubsequences: false)
    guard fields.count == 4, let source = KnowledgeSource(rawValue: String(fields[1])) else {
      throw .corrupt("a document's data is not an item key; run replykit reindex")
    }
    self.init(
      tenant: String(fields[0]), source: source, id: String(fields[2]),
      language: fields[3].isEmpty ? nil : String(fields[3]))
  }

  /// The key of the item, whatever the language.
  var itemKey: String { Self.itemKey(source: source, id: id) }

  static func itemKey(source: KnowledgeSource, id: String) -> String { source.rawValue + String(separator) + id }
}
