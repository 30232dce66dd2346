import Foundation
import Knowledge

/// What a document's data holds: the key of the item (and which language version the document is), its
/// usage and scope rank (`IndexRanking`), then the item's questions as the question model reads them
/// (`StoredQuestions`). The texts to show come from the
/// store, the source of truth: keeping a copy in the index made it larger and import slower (Xapian
/// compresses document data), and the store answers a handful of keys in microseconds.
package struct IndexedKey: Hashable, Sendable {
  package var tenant: String
  package var source: KnowledgeSource
  package var id: String
  /// The language of this document (the item's own, or a variant's); nil for the tenant's default.
  package var language: String?

  private static let separator: Character = "\u{1F}"

  /// A document's data: the key, the ranking, then the item's encoded questions.
  package func data(questions: String, ranking: IndexRanking) -> Data {
    let rankingText = String(Self.separator) + ranking.text
    return Data((keyText + rankingText + StoredQuestions.questionSeparator + questions).utf8)
  }

  private var keyText: String {
    [tenant, source.rawValue, id, language ?? ""].joined(separator: String(Self.separator))
  }

  package init(tenant: String, source: KnowledgeSource, id: String, language: String?) {
    self.tenant = tenant
    self.source = source
    self.id = id
    self.language = language
  }

  package init(data: Data) throws(IndexError) {
    // From the key's bytes: decoding the whole data as text (the questions after the key can be long) and
    // splitting it by Characters cost a twentieth of a suggestion, once per hit and look.
    guard let key = data.withUnsafeBytes(Self.parsed) else { throw Self.notAKey }
    self = key
  }

  /// The key at the start of a document's data (or of its key's part), nil when it is not one.
  private static func parsed(_ raw: UnsafeRawBufferPointer) -> IndexedKey? {
    let fields = fields(raw)
    guard fields.count == 6, let source = KnowledgeSource(rawValue: String(decoding: fields[1], as: UTF8.self))
    else { return nil }
    return IndexedKey(
      tenant: String(decoding: fields[0], as: UTF8.self), source: source,
      id: String(decoding: fields[2], as: UTF8.self),
      language: fields[3].isEmpty ? nil : String(decoding: fields[3], as: UTF8.self))
  }

  private static let notAKey = IndexError.corrupt("a document's data is not an item key; run replykit reindex")

  /// The fields of the key's part of a document's data (up to the questions), split at the separator: the
  /// key's four, then the ranking's two (`IndexRanking`).
  fileprivate static func fields(_ raw: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
    var fields: [UnsafeRawBufferPointer] = []
    fields.reserveCapacity(6)
    var (start, index) = (0, 0)
    while index < raw.count {
      let byte = raw[index]
      if byte == StoredQuestions.questionByte { break }
      if byte == 0x1F {
        fields.append(UnsafeRawBufferPointer(rebasing: raw[start..<index]))
        start = index + 1
      }
      index += 1
    }
    fields.append(UnsafeRawBufferPointer(rebasing: raw[start..<index]))
    return fields
  }

  /// A document's data as its key's text and its questions' (nil when the data holds the key alone).
  package static func split(_ data: Data) -> (key: Substring, questions: Substring?) {
    // Through the raw bytes: decoding `Data` itself takes the standard library's slow path.
    let text = data.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    guard let end = text.utf8.firstIndex(of: StoredQuestions.questionByte) else { return (text[...], nil) }
    return (text[..<end], text[text.utf8.index(after: end)...])
  }

  /// From the key's part of a document's data (`split(_:)`).
  package init(keyText: Substring) throws(IndexError) {
    var text = keyText
    guard let key = text.withUTF8({ Self.parsed(UnsafeRawBufferPointer($0)) }) else { throw Self.notAKey }
    self = key
  }

  /// The key of the item, whatever the language.
  package var itemKey: String { Self.itemKey(source: source, id: id) }

  package static func itemKey(source: KnowledgeSource, id: String) -> String {
    source.rawValue + String(separator) + id
  }
}

/// What suggest adds to an item's text score, kept in its documents' data (read with every hit anyway):
/// Xapian's value slots cost a look-up per slot and hit, a tenth of a suggestion's index time.
package struct IndexRanking: Equatable, Sendable {
  /// `KnowledgeDocumentBuilder.usageScore` when the document was written (a pick rewrites it).
  package var usage: Double = 0
  /// `Scope.rank`: personal before group before company.
  package var scopeRank: Double = 0

  /// Two fields: the usage, then the scope rank.
  fileprivate var text: String { "\(usage)\u{1F}\(Int(scopeRank))" }

  package init(usage: Double = 0, scopeRank: Double = 0) {
    self.usage = usage
    self.scopeRank = scopeRank
  }

  /// From a document's data (zero for data without a ranking).
  package init(data: Data) {
    // The key's bytes only: the questions after them can be long.
    let parsed = data.withUnsafeBytes { raw -> (Double, Double)? in
      let fields = IndexedKey.fields(raw)
      guard fields.count == 6 else { return nil }
      return (
        Double(String(decoding: fields[4], as: UTF8.self)) ?? 0, Double(String(decoding: fields[5], as: UTF8.self)) ?? 0
      )
    }
    if let (usage, scopeRank) = parsed { (self.usage, self.scopeRank) = (usage, scopeRank) }
  }
}
