/// Reads CSV import files: the header row, then one `ImportRecordResult` per record.
struct CSVRecordParser: Sendable {
  let file: String
  private var splitter = CSVRecordSplitter()
  private var mapper: CSVRowMapper?
  private let decoder = KnowledgeRecordDecoder()

  init(file: String) {
    self.file = file
  }

  /// Throws `ImportFileError` for a header that cannot be used, and whatever `body` throws.
  mutating func append(_ chunk: some Collection<UInt8>, _ body: (ImportRecordResult) throws -> Void) throws {
    // The record handler works on copies, so that it does not touch `self` while the splitter mutates it.
    var mapper = self.mapper
    defer { self.mapper = mapper }
    let (file, decoder) = (self.file, self.decoder)
    try splitter.append(chunk) { record in
      try Self.handle(record, mapper: &mapper, file: file, decoder: decoder, body)
    }
  }

  /// Ends the file; throws `ImportFileError.missingHeader` when it had no header row.
  mutating func finish(_ body: (ImportRecordResult) throws -> Void) throws {
    var mapper = self.mapper
    defer { self.mapper = mapper }
    let (file, decoder) = (self.file, self.decoder)
    try splitter.finish { record in
      try Self.handle(record, mapper: &mapper, file: file, decoder: decoder, body)
    }
    if mapper == nil {
      throw ImportFileError.missingHeader(file: file)
    }
  }

  private static func handle(
    _ record: CSVRecord, mapper: inout CSVRowMapper?, file: String, decoder: KnowledgeRecordDecoder,
    _ body: (ImportRecordResult) throws -> Void
  ) throws {
    guard let rowMapper = mapper else {
      mapper = CSVRowMapper(header: try header(record, file: file))
      return
    }
    let outcome: Result<KnowledgeItem, ImportLineError>
    do throws(KnowledgeRecordError) {
      switch record.content {
      case .tooLong(let byteCount):
        throw .lineTooLong(bytes: byteCount, limit: ImportLimits.maxLineBytes)
      case .unclosedQuote:
        throw .unclosedQuote
      case .fields(let fields):
        // Spreadsheets export rows of empty cells below the data; they are blank lines, not errors.
        if fields.allSatisfy(isBlank) { return }
        outcome = .success(try decoder.decode(object: try rowMapper.object(fields: fields)))
      }
    } catch {
      let reason = error.renamingFields(rowMapper.header.spelling(of:)).description
      outcome = .failure(ImportLineError(file: file, line: record.line, reason: reason))
    }
    try body(ImportRecordResult(line: record.line, bytesRead: record.endOffset, outcome: outcome))
  }

  private static func header(_ record: CSVRecord, file: String) throws(ImportFileError) -> CSVHeader {
    switch record.content {
    case .fields(let fields):
      return try CSVHeader(fields: fields, file: file)
    case .tooLong(let byteCount):
      throw .invalidHeader(file: file, reason: "is \(byteCount) bytes; the limit is \(ImportLimits.maxLineBytes)")
    case .unclosedQuote:
      throw .invalidHeader(file: file, reason: "has a quoted field that is not closed before the end of the file")
    }
  }

  private static func isBlank(_ field: [UInt8]) -> Bool {
    field.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
  }
}
