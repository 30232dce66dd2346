import Knowledge

/// Why the session store refused or failed. Each case says what the caller can do about it.
public enum SessionStoreError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No such customer, session, message or group for this tenant (another tenant's ids are not there either).
  case notFound(String)
  /// A field has a value the store cannot take.
  case invalid(field: String, message: String)
  /// A field names something the tenant does not have (a customer that is not there): the request is well
  /// formed, what it refers to is missing.
  case unknown(field: String, code: ErrorCode, message: String)
  /// The caller may see the thing but not do this to it (another agent's message or conversation).
  case forbidden(String)
  /// The thing is not in a state that allows it (recall after the window, a message to an ended session).
  case conflict(code: ErrorCode, message: String)
  /// The customer is blocked: new sessions and messages from it are refused.
  case blocked(customer: String)
  /// The disk is full: nothing of the change was written.
  case diskFull
  case database(String)

  public var code: ErrorCode {
    switch self {
    case .notFound: .notFound
    case .invalid: .invalidArgument
    case .unknown(_, let code, _): code
    case .forbidden: .forbidden
    case .conflict(let code, _): code
    case .blocked: .customerBlocked
    case .diskFull: .diskFull
    case .database: .storeFailed
    }
  }

  public var description: String {
    switch self {
    case .notFound(let what): what
    case .invalid(let field, let message), .unknown(let field, _, let message): "field \"\(field)\": \(message)"
    case .forbidden(let message): message
    case .conflict(_, let message): message
    case .blocked(let customer): "customer \(customer) is blocked"
    case .diskFull: "the disk is full: the change was not made"
    case .database(let message): "the session store failed: \(message)"
    }
  }
}
