/// Reads JSON Lines import files: one `ImportRecordResult` per non-blank line.
struct JSONLinesRecordParser: Sendable {
  let file: String
  private var splitter = LineSplitter()
  private let decoder = KnowledgeRecordDecoder()

  init(file: String) {
    self.file = file
  }

  /// Throws whatever `body` throws.
  mutating func append(_ chunk: some Collection<UInt8>, _ body: (ImportRecordResult) throws -> Void) throws {
    let (file, decoder) = (self.file, self.decoder)
    try splitter.append(chunk) { line in try Self.handle(line, file: file, decoder: decoder, body) }
  }

  mutating func finish(_ body: (ImportRecordResult) throws -> Void) throws {
    let (file, decoder) = (self.file, self.decoder)
    try splitter.finish { line in try Self.handle(line, file: file, decoder: decoder, body) }
  }

  private static func handle(
    _ line: SplitLine, file: String, decoder: KnowledgeRecordDecoder, _ body: (ImportRecordResult) throws -> Void
  ) throws {
    let outcome: Result<KnowledgeItem, ImportLineError>
    do throws(KnowledgeRecordError) {
      switch line.content {
      case .tooLong(let byteCount):
        throw .lineTooLong(bytes: byteCount, limit: ImportLimits.maxLineBytes)
      case .bytes(let bytes):
        if bytes.allSatisfy(isJSONWhitespace) { return }
        outcome = .success(try decoder.decode(json: bytes))
      }
    } catch {
      outcome = .failure(ImportLineError(file: file, line: line.number, reason: error.description))
    }
    try body(ImportRecordResult(line: line.number, bytesRead: line.endOffset, outcome: outcome))
  }

  private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
  }
}
