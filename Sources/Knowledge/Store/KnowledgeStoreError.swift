/// Why the knowledge store refused or failed an operation.
public enum KnowledgeStoreError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No item with that id (for that tenant and source).
  case notFound(source: KnowledgeSource, id: String)
  /// The request is not valid (a field named in the message).
  case invalid(String)
  /// Something with that id exists already.
  case alreadyExists(String)
  /// SQLite failed; `message` is SQLite's (no user text).
  case database(String)
  /// The disk is full, or free space fell below the store's reserve: nothing was written.
  case diskFull
  /// Synonyms that come to fewer than two different terms once trimmed (a well-formed request the data refuses).
  case tooFewTerms

  public var code: ErrorCode {
    switch self {
    case .notFound: .notFound
    case .invalid: .invalidArgument
    case .alreadyExists: .alreadyExists
    case .database: .storeFailed
    case .diskFull: .diskFull
    case .tooFewTerms: .tooFewTerms
    }
  }

  public var description: String {
    switch self {
    case .notFound(let source, let id): "no \(source.rawValue) item with id \(id)"
    case .invalid(let message), .alreadyExists(let message): message
    case .database(let message): "storage failure: \(message)"
    case .diskFull: "the disk is full: nothing was written"
    case .tooFewTerms: "a synonym set needs at least two different terms"
    }
  }
}
