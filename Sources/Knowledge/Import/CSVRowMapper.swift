import Foundation

/// Lays out one CSV record as the JSON object the JSON Lines format would have for it, so that one decoder checks
/// both formats by the same rules.
///
/// Empty cells are left out (an optional field is then absent), except required texts, which are passed on empty so
/// that the error says so. `similar` and `tags` split on `|`; `enabled` takes 是/否/true/false/1/0.
struct CSVRowMapper: Sendable {
  let header: CSVHeader

  func object(fields: [[UInt8]]) throws(KnowledgeRecordError) -> [String: JSONValue] {
    guard fields.count == header.columns.count else {
      throw .fieldCountMismatch(found: fields.count, expected: header.columns.count)
    }
    var object: [String: JSONValue] = [:]
    for (column, bytes) in zip(header.columns, fields) {
      guard let column else { continue }
      guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
      if let value = try value(of: column, text) {
        object[column.rawValue] = value
      }
    }
    if let source = header.inferredSource {
      object[CSVColumn.source.rawValue] = .string(source.rawValue)
    }
    if header.spellings[.id] == nil {
      object[CSVColumn.id.rawValue] = .string(Self.derivedID(object))
    }
    return object
  }

  private func value(of column: CSVColumn, _ text: String) throws(KnowledgeRecordError) -> JSONValue? {
    if column.isRequiredText {
      // An id is a token; surrounding spaces are an artefact of the export.
      return .string(column == .id ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text)
    }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return nil }
    if column.isList {
      return .array(
        trimmed.split(separator: "|").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
          .filter { !$0.isEmpty }.map(JSONValue.string))
    }
    if column == .enabled {
      guard let enabled = Self.enabledValues[trimmed.lowercased()] else {
        throw .wrongType(field: column.rawValue, expected: "是, 否, true, false, 1 or 0")
      }
      return .bool(enabled)
    }
    return .string(trimmed)
  }

  private static let enabledValues = ["是": true, "否": false, "true": true, "false": false, "1": true, "0": false]

  /// The id for a record of a file without an id column. A record without a valid source gets one too, so that the
  /// decoder reports the source rather than a missing id.
  private static func derivedID(_ object: [String: JSONValue]) -> String {
    func string(_ key: CSVColumn) -> String? {
      if case .string(let text)? = object[key.rawValue] { text } else { nil }
    }
    let source = string(.source).flatMap(KnowledgeSource.init(rawValue:))
    return DerivedItemID.make(
      source: source?.rawValue ?? "item", scope: source == .quick ? string(.scope) : nil,
      title: string(source == .bot ? .question : .title) ?? "")
  }
}
