/// Why one knowledge record (an import line, a CSV record, or the body of a create or update) is not valid.
///
/// Descriptions name the field and quote only short values (sources, scopes, language tags), cut to 64 characters:
/// texts may be private, and megabytes long.
public enum KnowledgeRecordError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The bytes are not valid UTF-8.
  case notUTF8
  /// The bytes are not JSON.
  case notJSON
  /// The JSON is not an object.
  case notJSONObject
  /// The line or record is longer than `limit` bytes and was not parsed.
  case lineTooLong(bytes: Int, limit: Int)
  /// A required field is absent (or null).
  case missingField(String)
  /// A field has the wrong type or form; `expected` completes "must be …".
  case wrongType(field: String, expected: String)
  /// A required text is empty or only whitespace.
  case emptyField(String)
  /// A text is longer than the limit; `unit` is "bytes" or "characters".
  case fieldTooLong(field: String, length: Int, limit: Int, unit: String)
  /// An array has more entries than allowed.
  case tooManyEntries(field: String, count: Int, limit: Int)
  /// A field that must not contain control characters does.
  case controlCharacters(field: String)
  /// A text holds U+0000, which the store cannot keep whole.
  case nulCharacter(field: String)
  /// The source is none of quick, bot, internal.
  case unknownSource(String)
  /// The source differs from the one the caller requires.
  case sourceMismatch(found: KnowledgeSource, expected: KnowledgeSource)
  /// The scope does not parse.
  case invalidScope(String)
  /// Bot and internal knowledge is company-wide; the record names another scope.
  case scopeMustBeCompany(KnowledgeSource)
  /// A language tag (the `language` field or a key of `variants`) is malformed.
  case invalidLanguageTag(field: String, value: String)
  /// A CSV record has a different number of fields than the header.
  case fieldCountMismatch(found: Int, expected: Int)
  /// A CSV quoted field is still open at the end of the file.
  case unclosedQuote
  /// An id of an agent's own namespace (`~agent/...`, see `PersonalID`) on an item that is not that agent's
  /// personal reply.
  case foreignNamespace

  public var description: String {
    switch self {
    case .notUTF8: "line is not valid UTF-8"
    case .notJSON: "line is not valid JSON"
    case .notJSONObject: "line is not a JSON object"
    case .lineTooLong(let bytes, let limit): "line is \(bytes) bytes; the limit is \(limit)"
    case .missingField(let field): "missing field \"\(field)\""
    case .wrongType(let field, let expected): "field \"\(field)\" must be \(expected)"
    case .emptyField(let field): "field \"\(field)\" must not be empty"
    case .fieldTooLong(let field, let length, let limit, let unit):
      "field \"\(field)\" is \(length) \(unit); the limit is \(limit)"
    case .tooManyEntries(let field, let count, let limit):
      "field \"\(field)\" has \(count) entries; the limit is \(limit)"
    case .controlCharacters(let field): "field \"\(field)\" must not contain control characters"
    case .nulCharacter(let field): "field \"\(field)\" must not contain a NUL character (U+0000)"
    case .unknownSource(let value): "unknown source \(Self.quoted(value)) (expected quick, bot or internal)"
    case .sourceMismatch(let found, let expected):
      "field \"source\" is \"\(found.rawValue)\" but must be \"\(expected.rawValue)\" here"
    case .invalidScope(let value):
      "field \"scope\" is not a scope: \(Self.quoted(value)) (expected company, group:<id> or personal:<id>)"
    case .scopeMustBeCompany(let source):
      "field \"scope\" must be \"company\" for \(source.rawValue) knowledge"
    case .invalidLanguageTag(let field, let value):
      "\(Self.quoted(value)) in field \"\(field)\" is not a language tag (such as zh-Hans)"
    case .fieldCountMismatch(let found, let expected): "record has \(found) fields; the header has \(expected)"
    case .unclosedQuote: "a quoted field is not closed before the end of the file"
    case .foreignNamespace:
      "field \"id\": an id starting with \"~\" is an agent's own (~agent/...), for that agent's personal replies only"
    }
  }

  /// The same error with its field names passed through `rename`, so that a CSV error names the column as the file's
  /// header spells it (`答案` rather than `answer`).
  public func renamingFields(_ rename: (String) -> String) -> KnowledgeRecordError {
    switch self {
    case .missingField(let field): .missingField(rename(field))
    case .wrongType(let field, let expected): .wrongType(field: rename(field), expected: expected)
    case .emptyField(let field): .emptyField(rename(field))
    case .fieldTooLong(let field, let length, let limit, let unit):
      .fieldTooLong(field: rename(field), length: length, limit: limit, unit: unit)
    case .tooManyEntries(let field, let count, let limit):
      .tooManyEntries(field: rename(field), count: count, limit: limit)
    case .controlCharacters(let field): .controlCharacters(field: rename(field))
    case .nulCharacter(let field): .nulCharacter(field: rename(field))
    case .invalidLanguageTag(let field, let value): .invalidLanguageTag(field: rename(field), value: value)
    default: self
    }
  }

  /// Quotes a short value on one line: escapes quotes and control characters, and cuts it to 64 characters.
  private static func quoted(_ value: String) -> String {
    let limit = 64
    var text = ""
    for scalar in value.prefix(limit).unicodeScalars {
      if scalar == "\"" || scalar == "\\" || scalar.properties.generalCategory == .control {
        text += scalar.escaped(asASCII: true)
      } else {
        text.unicodeScalars.append(scalar)
      }
    }
    return value.count > limit ? "\"\(text)…\"" : "\"\(text)\""
  }
}
