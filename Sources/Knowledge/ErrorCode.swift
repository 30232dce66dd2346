/// The one vocabulary of error codes: what a module's typed error says went wrong, and what the API answers in
/// `{"error": {"code": ...}}` (openapi.yaml documents each; a test ties the two). Text analysis, below this
/// module, has its own three, which the API maps to `inputTooLong`, `invalidUTF8` and `icuFailure`.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
  // A request wrong whatever the data (400).
  case invalidArgument = "invalid_argument"
  case missingField = "missing_field"
  case malformedJSON = "malformed_json"
  case malformedRequest = "malformed_request"
  case duplicateField = "duplicate_field"
  case invalidPath = "invalid_path"
  case invalidText = "invalid_text"
  case invalidItem = "invalid_item"
  case inputTooLong = "input_too_long"
  case invalidUTF8 = "invalid_utf8"
  case messageTooLong = "message_too_long"
  case queryTooLong = "query_too_long"
  case unsupportedMediaType = "unsupported_media_type"
  // Who may do it (401, 403).
  case unauthorized
  case forbidden
  /// A signed-in browser's state-changing request without its `X-CSRF-Token`.
  case csrfToken = "csrf_token"
  case signInFailed = "sign_in_failed"
  /// Too many failed sign-ins for one agent in a short time (429, with `Retry-After`).
  case tooManyAttempts = "too_many_attempts"
  case customerBlocked = "customer_blocked"
  // What is there and what is not (404, 409, 422).
  case notFound = "not_found"
  case alreadyExists = "already_exists"
  case invalidState = "invalid_state"
  case sessionEnded = "session_ended"
  case recallWindowPassed = "recall_window_passed"
  case idMismatch = "id_mismatch"
  case unknownAgent = "unknown_agent"
  case unknownGroup = "unknown_group"
  case unknownCustomer = "unknown_customer"
  case unknownSuggestion = "unknown_suggestion"
  case unresolvedVariables = "unresolved_variables"
  case tooFewTerms = "too_few_terms"
  case noPicks = "no_picks"
  case nothingLearned = "nothing_learned"
  /// The agent already has as many sessions as its limit allows (the administrator may override it).
  case atCapacity = "at_capacity"
  /// The tenant chose a sentence-embedding model of its own, and none is installed that opens.
  case noModel = "no_model"
  // The HTTP exchange itself (405, 413, 414, 431, other statuses).
  case methodNotAllowed = "method_not_allowed"
  case bodyTooLarge = "body_too_large"
  case uriTooLong = "uri_too_long"
  case headersTooLarge = "headers_too_large"
  case httpError = "http_error"
  // The service cannot do it now (503, 507) or failed (500).
  case indexRebuilding = "index_rebuilding"
  case indexUnavailable = "index_unavailable"
  case diskFull = "disk_full"
  case storeFailed = "store_failed"
  case indexFailure = "index_failure"
  case indexLocked = "index_locked"
  case indexCorrupt = "index_corrupt"
  case indexNotFound = "index_not_found"
  case icuFailure = "icu_failure"
  case `internal`
}
