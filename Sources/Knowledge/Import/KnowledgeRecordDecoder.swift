import Foundation

/// Turns one JSON object of the import format into a `KnowledgeItem`, checking every rule of the format.
///
/// The import reads each JSON Lines line (and each CSV record, as an object) with it; the HTTP API can use it for the
/// body of a single create or update, with `forcedSource` set by the route.
///
/// Fields by source: quick `title`, `content`, `scope` (default company), `folder`, `tags`; bot `question`, `similar`,
/// `answer`, `category`; internal `title`, `body`, `category`, `tags`. All: `id`, `source`, `language`, `enabled`
/// (default true), `variants` (language tag to an object with the source's text fields). Other keys are ignored.
public struct KnowledgeRecordDecoder: Sendable {
  /// When set, the record's `source` may be omitted, and must be this when present.
  public var forcedSource: KnowledgeSource?

  public init(forcedSource: KnowledgeSource? = nil) {
    self.forcedSource = forcedSource
  }

  /// Decodes one JSON object from raw bytes, which are checked for valid UTF-8 first.
  public func decode(json: some Collection<UInt8>) throws(KnowledgeRecordError) -> KnowledgeItem {
    guard UTF8Check.isValid(json) else { throw .notUTF8 }
    let value: JSONValue
    do {
      value = try JSONDecoder().decode(JSONValue.self, from: Data(json))
    } catch {
      throw .notJSON
    }
    guard case .object(let object) = value else { throw .notJSONObject }
    return try decode(object: object)
  }

  /// Decodes a parsed object (a JSON line, or a CSV record laid out as one).
  func decode(object: [String: JSONValue]) throws(KnowledgeRecordError) -> KnowledgeItem {
    let fields = RecordFields(object)
    let id = try Self.id(fields)
    let source = try self.source(fields)
    let texts = try Self.texts(of: source, fields)
    var item = KnowledgeItem(id: id, source: source, title: texts.title, similar: texts.similar, body: texts.body)
    switch source {
    case .quick:
      item.scope = try Self.scope(fields)
      item.folder = try fields.string("folder")
      item.tags = try fields.strings("tags", maxCount: ImportLimits.maxTags)
    case .bot:
      try Self.requireCompanyScope(fields, source)
      item.category = try fields.string("category")
    case .internal:
      try Self.requireCompanyScope(fields, source)
      item.category = try fields.string("category")
      item.tags = try fields.strings("tags", maxCount: ImportLimits.maxTags)
    }
    item.language = try Self.language(fields)
    item.enabled = try fields.bool("enabled") ?? true
    item.variants = try Self.variants(of: source, fields)
    if item.id.hasPrefix("~") {
      guard let owner = PersonalID.owner(of: item.id), item.source == .quick, item.scope == .personal(owner) else {
        throw .foreignNamespace
      }
    }
    return item
  }

  private static func id(_ fields: RecordFields) throws(KnowledgeRecordError) -> String {
    guard let id = try fields.string("id") else { throw .missingField("id") }
    guard id.contains(where: { !$0.isWhitespace }) else { throw .emptyField("id") }
    try fields.checkLength(id, "id", limit: ImportLimits.maxIDCharacters(of: id))
    if ImportLimits.hasControlCharacter(id) { throw .controlCharacters(field: "id") }
    return id
  }

  private func source(_ fields: RecordFields) throws(KnowledgeRecordError) -> KnowledgeSource {
    var found: KnowledgeSource?
    if let text = try fields.string("source") {
      guard let source = KnowledgeSource(rawValue: text) else { throw .unknownSource(text) }
      found = source
    }
    if let forcedSource {
      if let found, found != forcedSource { throw .sourceMismatch(found: found, expected: forcedSource) }
      return forcedSource
    }
    guard let found else { throw .missingField("source") }
    return found
  }

  /// The source's texts under its own field names, as a variant (the item's own texts have the same shape).
  private static func texts(of source: KnowledgeSource, _ fields: RecordFields) throws(KnowledgeRecordError)
    -> KnowledgeVariant
  {
    switch source {
    case .quick:
      KnowledgeVariant(
        title: try fields.requiredText("title", maxCharacters: ImportLimits.maxTitleCharacters),
        body: try fields.requiredText("content"))
    case .bot:
      KnowledgeVariant(
        title: try fields.requiredText("question", maxCharacters: ImportLimits.maxTitleCharacters),
        similar: try fields.strings("similar", maxCount: ImportLimits.maxSimilar),
        body: try fields.requiredText("answer"))
    case .internal:
      KnowledgeVariant(
        title: try fields.requiredText("title", maxCharacters: ImportLimits.maxTitleCharacters),
        body: try fields.requiredText("body"))
    }
  }

  private static func scope(_ fields: RecordFields) throws(KnowledgeRecordError) -> Scope {
    guard let text = try fields.string("scope") else { return .company }
    guard let scope = Scope(text) else { throw .invalidScope(text) }
    return scope
  }

  private static func requireCompanyScope(_ fields: RecordFields, _ source: KnowledgeSource)
    throws(KnowledgeRecordError)
  {
    if let text = try fields.string("scope"), text != "company" {
      throw .scopeMustBeCompany(source)
    }
  }

  private static func language(_ fields: RecordFields) throws(KnowledgeRecordError) -> String? {
    guard let tag = try fields.string("language") else { return nil }
    guard LanguageTag.isWellFormed(tag) else { throw .invalidLanguageTag(field: fields.name("language"), value: tag) }
    return tag
  }

  private static func variants(of source: KnowledgeSource, _ fields: RecordFields) throws(KnowledgeRecordError)
    -> [String: KnowledgeVariant]
  {
    guard let object = try fields.object("variants") else { return [:] }
    var variants: [String: KnowledgeVariant] = [:]
    // Sorted, so that a record with several bad variants always reports the same one.
    for (tag, value) in object.sorted(by: { $0.key < $1.key }) {
      guard LanguageTag.isWellFormed(tag) else { throw .invalidLanguageTag(field: "variants", value: tag) }
      guard case .object(let variant) = value else {
        throw .wrongType(field: "variants.\(tag)", expected: "an object")
      }
      variants[tag] = try texts(of: source, RecordFields(variant, prefix: "variants.\(tag)."))
    }
    return variants
  }
}
