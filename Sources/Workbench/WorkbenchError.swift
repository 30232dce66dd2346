import Knowledge
import Sessions

/// Why the workbench refused a request (a workflow's own rules; the stores' refusals pass through as their own
/// errors). The HTTP layer maps each to a status.
public enum WorkbenchError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The caller may not do this (the message says why).
  case forbidden(String)
  /// A field the request must have, or must have in this case (the reason, when there is one, follows).
  case missingField(String, because: String? = nil)
  /// A field's value is wrong whatever the data (the message names the field).
  case invalidField(String)
  /// A well-formed request names an agent, a group or an item the tenant does not have (or the caller cannot
  /// see): `unknown_agent`, `unknown_group`, `unknown_suggestion`.
  case unknown(field: String, code: ErrorCode, message: String)
  /// A reply's variables this session cannot fill.
  case unresolvedVariables([ReplyTemplate.Unresolved])

  public var code: ErrorCode {
    switch self {
    case .forbidden: .forbidden
    case .missingField: .missingField
    case .invalidField: .invalidArgument
    case .unknown(_, let code, _): code
    case .unresolvedVariables: .unresolvedVariables
    }
  }

  public var description: String {
    switch self {
    case .forbidden(let message), .invalidField(let message): message
    case .missingField(let field, let because): "missing field \"\(field)\"" + (because.map { ": " + $0 } ?? "")
    case .unknown(let field, _, let message): "field \"\(field)\": \(message)"
    case .unresolvedVariables(let problems):
      "the reply has variables this session cannot fill: "
        + problems.map { "\($0.name) (\($0.reason))" }.joined(separator: ", ")
        + "; give a fallback such as {{visitor.name|您}}"
    }
  }
}
