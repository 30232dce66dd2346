import Foundation
import Hummingbird
import Knowledge

/// An item as the API shows it: the import format's fields for its source (quick: title and content; bot:
/// question, similar and answer; internal: title and body), plus what the store keeps about it.
struct KnowledgeItemJSON: ResponseEncodable {
  let stored: StoredKnowledge
  /// The agent the item is shown to: its namespaced replies show the id it knows them by (`PersonalID`).
  var agent: String? = nil

  init(stored: StoredKnowledge, caller: Caller? = nil) {
    self.stored = stored
    self.agent = caller.flatMap { $0.isAdmin ? nil : $0.agent }
  }

  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    let item = stored.item
    try container.encode(PersonalID.shown(item.id, to: agent), forKey: Key("id"))
    try container.encode(item.source, forKey: Key("source"))
    try Self.encodeTexts(
      title: item.title, similar: item.similar, body: item.body, source: item.source, into: &container)
    if item.source == .quick {
      try container.encode(item.scope, forKey: Key("scope"))
      try container.encodeIfPresent(item.folder, forKey: Key("folder"))
    } else {
      try container.encodeIfPresent(item.category, forKey: Key("category"))
    }
    if item.source != .bot { try container.encode(item.tags, forKey: Key("tags")) }
    try container.encodeIfPresent(item.language, forKey: Key("language"))
    try container.encode(item.enabled, forKey: Key("enabled"))
    if !item.variants.isEmpty {
      var variants = container.nestedContainer(keyedBy: Key.self, forKey: Key("variants"))
      for language in item.variants.keys.sorted() {
        let variant = item.variants[language]!
        var nested = variants.nestedContainer(keyedBy: Key.self, forKey: Key(language))
        try Self.encodeTexts(
          title: variant.title, similar: variant.similar, body: variant.body, source: item.source, into: &nested)
      }
    }
    let dates = ISO8601DateFormatter()
    try container.encode(dates.string(from: stored.createdAt), forKey: Key("createdAt"))
    try container.encode(dates.string(from: stored.updatedAt), forKey: Key("updatedAt"))
    try container.encode(stored.usageCount, forKey: Key("usageCount"))
    try container.encodeIfPresent(stored.lastUsedAt.map { dates.string(from: $0) }, forKey: Key("lastUsedAt"))
  }

  private static func encodeTexts(
    title: String, similar: [String], body: String, source: KnowledgeSource,
    into container: inout KeyedEncodingContainer<Key>
  ) throws {
    switch source {
    case .quick:
      try container.encode(title, forKey: Key("title"))
      try container.encode(body, forKey: Key("content"))
    case .bot:
      try container.encode(title, forKey: Key("question"))
      try container.encode(similar, forKey: Key("similar"))
      try container.encode(body, forKey: Key("answer"))
    case .internal:
      try container.encode(title, forKey: Key("title"))
      try container.encode(body, forKey: Key("body"))
    }
  }
}

struct KnowledgePageJSON: ResponseEncodable {
  var items: [KnowledgeItemJSON]
  var page: Int
  var perPage: Int
  var total: Int
}
