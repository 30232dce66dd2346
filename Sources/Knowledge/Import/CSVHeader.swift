/// The header row of a CSV import file: which column each field holds, and the source when no column says it.
struct CSVHeader: Sendable {
  /// The column of each field position; nil for columns the import ignores.
  let columns: [CSVColumn?]
  /// Each known column's header as the file spells it, so that errors name it that way.
  let spellings: [CSVColumn: String]
  /// The source of every record, when there is no `source` column.
  let inferredSource: KnowledgeSource?

  init(fields: [[UInt8]], file: String) throws(ImportFileError) {
    var columns: [CSVColumn?] = []
    var spellings: [CSVColumn: String] = [:]
    for bytes in fields {
      guard let name = String(validating: bytes, as: UTF8.self) else {
        // Excel saves "CSV" in the system's legacy code page (GBK on Chinese Windows) unless told otherwise.
        throw .invalidHeader(file: file, reason: "is not valid UTF-8 (save the file as \"CSV UTF-8\")")
      }
      let column = CSVColumn(header: name)
      if let column {
        if let earlier = spellings[column] {
          throw .invalidHeader(file: file, reason: "names the column \(column.rawValue) twice (\(earlier), \(name))")
        }
        spellings[column] = Self.trimmed(name)
      }
      columns.append(column)
    }
    guard !spellings.isEmpty else { throw .noKnownColumns(file: file) }
    self.columns = columns
    self.spellings = spellings
    if spellings[.source] != nil {
      inferredSource = nil
    } else if spellings[.question] != nil || spellings[.answer] != nil {
      inferredSource = .bot
    } else if spellings[.content] != nil {
      inferredSource = .quick
    } else if spellings[.body] != nil {
      inferredSource = .internal
    } else {
      throw .cannotInferSource(file: file)
    }
  }

  /// The header spelling of a field name, or the name itself for fields that have no column.
  func spelling(of field: String) -> String {
    CSVColumn(rawValue: field).flatMap { spellings[$0] } ?? field
  }

  private static func trimmed(_ text: String) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
