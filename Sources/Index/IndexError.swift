import CXapian
import Knowledge

/// Why the index failed: misuse apart from data or environment, as Xapian separates them.
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidArgument(String)
  /// Another process holds the index for writing.
  case locked(String)
  /// The index is damaged; `replykit reindex` rebuilds it from the store.
  case corrupt(String)
  case notFound(String)
  /// Any other failure (I/O, an outdated reader that could not catch up, ...).
  case runtime(String)
  /// A reader fell too far behind the writer's commits; reopening it and trying again succeeds.
  case modified(String)
  /// A write failed for want of disk space; the writer is reopened on its last commit and tries again later.
  case diskFull(String)

  package init(_ error: rk_error) {
    var copy = error
    let message = withUnsafeBytes(of: &copy.message) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    switch rk_error_code(rawValue: UInt32(error.code)) {
    case RK_ERROR_INVALID_ARGUMENT: self = .invalidArgument(message)
    case RK_ERROR_DATABASE_LOCKED: self = .locked(message)
    case RK_ERROR_DATABASE_CORRUPT, RK_ERROR_DATABASE_VERSION: self = .corrupt(message)
    case RK_ERROR_DATABASE_MODIFIED: self = .modified(message)
    case RK_ERROR_DATABASE_NOT_FOUND: self = .notFound(message)
    case RK_ERROR_DISK_FULL: self = .diskFull(message)
    default: self = .runtime(message)
    }
  }

  /// The index is damaged (not the disk, the lock or the caller): rebuilding it from the store mends it.
  public var isDamage: Bool {
    if case .corrupt = self { true } else { false }
  }

  public var code: ErrorCode {
    switch self {
    case .invalidArgument: .invalidArgument
    case .locked: .indexLocked
    case .corrupt: .indexCorrupt
    case .notFound: .indexNotFound
    case .runtime, .modified: .indexFailure
    case .diskFull: .diskFull
    }
  }

  public var description: String {
    switch self {
    case .invalidArgument(let m), .locked(let m), .corrupt(let m), .notFound(let m), .runtime(let m), .modified(let m),
      .diskFull(let m):
      "\(code.rawValue): \(m)"
    }
  }
}
