import Foundation

/// Where a piece of knowledge comes from; each is a source of suggestions.
public enum KnowledgeSource: String, Codable, Sendable, Hashable, CaseIterable {
  /// A canned reply an agent sends (personal, skill-group or company-wide, in folders).
  case quick
  /// Bot knowledge: a standard question, its similar phrasings, an answer.
  case bot
  /// An internal article.
  case `internal`
}

/// Who sees a quick reply. Written `company`, `group:<skill group id>` or `personal:<agent id>`.
public enum Scope: Hashable, Sendable, Codable, CustomStringConvertible {
  case company
  case group(String)
  case personal(String)

  /// Parses the written form; nil when it is not one of the three forms or names an empty id.
  public init?(_ text: String) {
    if text == "company" {
      self = .company
      return
    }
    // By Unicode scalars: an id may start with a mark that would join the colon into one Character.
    let scalars = text.unicodeScalars
    if scalars.starts(with: "group:".unicodeScalars), scalars.count > 6 {
      self = .group(String(scalars.dropFirst(6)))
      return
    }
    if scalars.starts(with: "personal:".unicodeScalars), scalars.count > 9 {
      self = .personal(String(scalars.dropFirst(9)))
      return
    }
    return nil
  }

  public var description: String {
    switch self {
    case .company: "company"
    case .group(let id): "group:\(id)"
    case .personal(let id): "personal:\(id)"
    }
  }

  /// Ties between equally relevant quick replies go personal, then group, then company.
  public var rank: Int {
    switch self {
    case .personal: 2
    case .group: 1
    case .company: 0
    }
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let scope = Scope(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a scope: \(text)"))
    }
    self = scope
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// The same item in another language: the texts only; everything else is the item's.
public struct KnowledgeVariant: Hashable, Sendable, Codable {
  public var title: String
  public var similar: [String]
  public var body: String

  public init(title: String, similar: [String] = [], body: String) {
    self.title = title
    self.similar = similar
    self.body = body
  }
}

/// One piece of knowledge of any source, in one shape so that the store and the index treat all alike.
///
/// Field by source (the import format's names in brackets):
/// - quick: `title` (title: the shortcut an agent remembers), `body` (content), `scope`, `folder`, `tags`.
/// - bot: `title` (question: the standard question), `similar` (similar), `body` (answer), `category`.
/// - internal: `title` (title), `body` (body: an article), `category`, `tags`.
public struct KnowledgeItem: Hashable, Sendable, Codable {
  /// The id it was imported or created with; unique per tenant and source.
  public var id: String
  public var source: KnowledgeSource
  /// Visibility; always `.company` for bot and internal knowledge.
  public var scope: Scope
  public var folder: String?
  public var title: String
  public var similar: [String]
  public var body: String
  public var category: String?
  public var tags: [String]
  /// A BCP 47 tag such as `zh-Hans`; nil means the tenant's default language.
  public var language: String?
  public var enabled: Bool
  /// The same item in other languages, by language tag.
  public var variants: [String: KnowledgeVariant]

  public init(
    id: String, source: KnowledgeSource, scope: Scope = .company, folder: String? = nil, title: String,
    similar: [String] = [], body: String, category: String? = nil, tags: [String] = [], language: String? = nil,
    enabled: Bool = true, variants: [String: KnowledgeVariant] = [:]
  ) {
    self.id = id
    self.source = source
    self.scope = scope
    self.folder = folder
    self.title = title
    self.similar = similar
    self.body = body
    self.category = category
    self.tags = tags
    self.language = language
    self.enabled = enabled
    self.variants = variants
  }
}
