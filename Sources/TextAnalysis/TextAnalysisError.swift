/// Why text could not be analysed.
///
/// Descriptions never quote the user's text: it may be private, and it may be megabytes long.
public enum TextAnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The input is longer than the analyzer accepts.
  case inputTooLong(utf8Bytes: Int, limit: Int)
  /// The input bytes are not valid UTF-8; `offset` is the first byte that is not.
  case invalidUTF8(offset: Int)
  /// ICU refused a call; `operation` names the call and `status` is ICU's error name.
  case icu(operation: String, status: String)

  /// A stable machine-readable code, for the HTTP edge and the CLI.
  public var code: String {
    switch self {
    case .inputTooLong: "input_too_long"
    case .invalidUTF8: "invalid_utf8"
    case .icu: "icu_failure"
    }
  }

  public var description: String {
    switch self {
    case .inputTooLong(let bytes, let limit):
      "input is \(bytes) bytes of UTF-8; the analyzer accepts at most \(limit)"
    case .invalidUTF8(let offset):
      "input is not valid UTF-8 (first bad byte at offset \(offset))"
    case .icu(let operation, let status):
      "ICU failed in \(operation): \(status)"
    }
  }
}
