import Foundation

/// A query string as the API takes it: `name=value` pairs joined by `&`, each part percent-encoded UTF-8 (`+` a
/// space), and no NUL in any name or value. Hummingbird would hand `%FF%FE` over as U+FFFD; this tells it apart.
public enum QueryString {
  public enum Problem: Equatable, Sendable {
    /// A part is not percent-encoded UTF-8; the parameter's name when that part was the value.
    case notUTF8(parameter: String?)
    /// A name or value holds U+0000.
    case nul(parameter: String)
  }

  /// The first problem of `query` (the part of the URI after `?`), or nil.
  public static func problem(in query: String) -> Problem? {
    for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = decoded(parts[0]) else { return .notUTF8(parameter: nil) }
      guard let value = parts.count > 1 ? decoded(parts[1]) : "" else { return .notUTF8(parameter: name) }
      if name.unicodeScalars.contains("\u{0}") || value.unicodeScalars.contains("\u{0}") {
        return .nul(parameter: name)
      }
    }
    return nil
  }

  /// The text of a percent-encoded part (`+` is a space), or nil when its bytes are not UTF-8.
  public static func decoded(_ part: Substring) -> String? {
    part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
  }

  /// A path parameter's text (percent-encoded UTF-8, `+` kept as it is), or nil when it is not that or holds a
  /// NUL.
  public static func pathParameter(_ raw: Substring) -> String? {
    guard let decoded = raw.removingPercentEncoding, !decoded.unicodeScalars.contains("\u{0}") else { return nil }
    return decoded
  }
}
