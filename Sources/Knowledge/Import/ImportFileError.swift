/// Why a whole import file could not be read; no record of it was (or will be) imported after this.
public enum ImportFileError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file's extension names no import format.
  case unsupportedFormat(file: String)
  /// The file could not be opened.
  case cannotOpen(file: String, reason: String)
  /// Reading the file failed part way.
  case cannotRead(file: String, reason: String)
  /// A CSV file has no header row (it is empty or blank).
  case missingHeader(file: String)
  /// A CSV header row that cannot be used as one.
  case invalidHeader(file: String, reason: String)
  /// A CSV header row names none of the import columns.
  case noKnownColumns(file: String)
  /// A CSV file has no `source` column and its columns do not say which source it holds.
  case cannotInferSource(file: String)

  /// The file's display name.
  public var file: String {
    switch self {
    case .unsupportedFormat(let file), .cannotOpen(let file, _), .cannotRead(let file, _), .missingHeader(let file),
      .invalidHeader(let file, _), .noKnownColumns(let file), .cannotInferSource(let file):
      file
    }
  }

  public var description: String {
    switch self {
    case .unsupportedFormat(let file):
      "\(file): unsupported file type (expected .jsonl, .ndjson, .json or .csv)"
    case .cannotOpen(let file, let reason):
      "\(file): cannot open the file: \(reason)"
    case .cannotRead(let file, let reason):
      "\(file): cannot read the file: \(reason)"
    case .missingHeader(let file):
      "\(file): the CSV file has no header row"
    case .invalidHeader(let file, let reason):
      "\(file): the CSV header row \(reason)"
    case .noKnownColumns(let file):
      "\(file): the CSV header row names no known column (such as id, title, content, question, answer or body)"
    case .cannotInferSource(let file):
      "\(file): the CSV file has no source column, and its columns do not say the source"
        + " (question/answer: bot, content: quick, body: internal)"
    }
  }
}
