/// The fields of one JSON object, read with the import's rules; every failure names the field.
///
/// `prefix` makes the names of nested fields whole (`variants.en.` + `title`).
struct RecordFields {
  let values: [String: JSONValue]
  let prefix: String

  init(_ values: [String: JSONValue], prefix: String = "") {
    self.values = values
    self.prefix = prefix
  }

  func name(_ key: String) -> String { prefix + key }

  /// A string, or nil when the field is absent or null.
  func string(_ key: String) throws(KnowledgeRecordError) -> String? {
    switch values[key] {
    case nil, .null?: return nil
    case .string(let text)?:
      try checkSize(text, name(key))
      return text
    default: throw .wrongType(field: name(key), expected: "a string")
    }
  }

  /// A string that must be present and not only whitespace, and at most `maxCharacters` long when given.
  func requiredText(_ key: String, maxCharacters: Int? = nil) throws(KnowledgeRecordError) -> String {
    guard let text = try string(key) else { throw .missingField(name(key)) }
    guard text.contains(where: { !$0.isWhitespace }) else { throw .emptyField(name(key)) }
    if let maxCharacters {
      try checkLength(text, name(key), limit: maxCharacters)
    }
    return text
  }

  /// An array of strings (empty when absent or null) with at most `maxCount` entries.
  func strings(_ key: String, maxCount: Int) throws(KnowledgeRecordError) -> [String] {
    let entries: [JSONValue]
    switch values[key] {
    case nil, .null?: return []
    case .array(let array)?: entries = array
    default: throw .wrongType(field: name(key), expected: "an array of strings")
    }
    guard entries.count <= maxCount else {
      throw .tooManyEntries(field: name(key), count: entries.count, limit: maxCount)
    }
    var strings: [String] = []
    strings.reserveCapacity(entries.count)
    for entry in entries {
      guard case .string(let text) = entry else { throw .wrongType(field: name(key), expected: "an array of strings") }
      try checkSize(text, name(key))
      strings.append(text)
    }
    return strings
  }

  /// A boolean, or nil when the field is absent or null.
  func bool(_ key: String) throws(KnowledgeRecordError) -> Bool? {
    switch values[key] {
    case nil, .null?: return nil
    case .bool(let value)?: return value
    default: throw .wrongType(field: name(key), expected: "a boolean")
    }
  }

  /// An object, or nil when the field is absent or null.
  func object(_ key: String) throws(KnowledgeRecordError) -> [String: JSONValue]? {
    switch values[key] {
    case nil, .null?: return nil
    case .object(let object)?: return object
    default: throw .wrongType(field: name(key), expected: "an object")
    }
  }

  /// At most `limit` characters; counts characters only when the bytes could exceed it (a character is at least one
  /// byte), so that a megabyte of body is not walked for nothing.
  func checkLength(_ text: String, _ field: String, limit: Int) throws(KnowledgeRecordError) {
    guard text.utf8.count > limit else { return }
    // Unicode scalars, as JSON Schema's maxLength counts (openapi.yaml states the limits so).
    let count = text.unicodeScalars.count
    if count > limit {
      throw .fieldTooLong(field: field, length: count, limit: limit, unit: "characters")
    }
  }

  /// At most `ImportLimits.maxTextBytes`, and no NUL: SQLite would keep the text only up to it.
  private func checkSize(_ text: String, _ field: String) throws(KnowledgeRecordError) {
    if text.utf8.contains(0) { throw .nulCharacter(field: field) }
    let bytes = text.utf8.count
    if bytes > ImportLimits.maxTextBytes {
      throw .fieldTooLong(field: field, length: bytes, limit: ImportLimits.maxTextBytes, unit: "bytes")
    }
  }
}
