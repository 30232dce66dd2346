import Foundation

/// Parses an import file fed in chunks of bytes (from a file, memory or an upload), calling back with each record as
/// soon as it is complete; it holds one record and one chunk at a time, never the file.
///
/// Feed it with `append` in order, then call `finish` once. Methods throw `ImportFileError` when the file as a whole
/// cannot be imported (a CSV header that is missing or names no known column), and rethrow what `body` throws;
/// invalid records are not thrown but passed to `body` as failures.
public struct KnowledgeImportParser: Sendable {
  public let format: ImportFormat
  /// The name errors give the file.
  public let fileName: String
  // One of the two is set; kept as optionals so that each mutates in place (its buffers are not copied).
  private var jsonLines: JSONLinesRecordParser?
  private var csv: CSVRecordParser?

  public init(format: ImportFormat, fileName: String) {
    self.format = format
    self.fileName = fileName
    switch format {
    case .jsonLines: jsonLines = JSONLinesRecordParser(file: fileName)
    case .csv: csv = CSVRecordParser(file: fileName)
    }
  }

  /// Adds the next bytes of the file; `body` gets every record they complete. A chunk may end anywhere, even inside
  /// a character.
  public mutating func append(_ chunk: some Collection<UInt8>, _ body: (ImportRecordResult) throws -> Void) throws {
    try jsonLines?.append(chunk, body)
    try csv?.append(chunk, body)
  }

  /// Ends the file; `body` gets the last record when the file does not end with a line break.
  public mutating func finish(_ body: (ImportRecordResult) throws -> Void) throws {
    try jsonLines?.finish(body)
    try csv?.finish(body)
  }

  /// Parses a whole file held in memory.
  public static func parse(_ data: Data, format: ImportFormat, fileName: String) throws -> [ImportRecordResult] {
    var parser = KnowledgeImportParser(format: format, fileName: fileName)
    var results: [ImportRecordResult] = []
    try parser.append(data) { results.append($0) }
    try parser.finish { results.append($0) }
    return results
  }

  /// Parses a file that arrives as a sequence of byte chunks, such as an HTTP upload; also rethrows the sequence's
  /// errors.
  public static func read<Chunks: AsyncSequence>(
    _ chunks: Chunks, format: ImportFormat, fileName: String, _ body: (ImportRecordResult) throws -> Void
  ) async throws where Chunks.Element: Collection<UInt8> {
    var parser = KnowledgeImportParser(format: format, fileName: fileName)
    for try await chunk in chunks {
      try parser.append(chunk, body)
    }
    try parser.finish(body)
  }
}
