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

  /// The text of a percent-encoded part (`+` is a space), or nil when a `%` is not followed by two hex digits or
  /// the bytes are not UTF-8: what Foundation's `removingPercentEncoding` gives after `+` is made a space, decoded
  /// in one pass over the bytes, since every request's query is checked (the two calls were 4 % of the server's
  /// time under load).
  public static func decoded(_ part: Substring) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(part.utf8.count)
    var rest = part.utf8.makeIterator()
    while let byte = rest.next() {
      switch byte {
      case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
      case UInt8(ascii: "%"):
        guard let high = rest.next().flatMap(hexValue), let low = rest.next().flatMap(hexValue) else { return nil }
        bytes.append(high << 4 | low)
      default: bytes.append(byte)
      }
    }
    return String(validating: bytes, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// A path parameter's text (percent-encoded UTF-8, `+` kept as it is), or nil when it is not that or holds a
  /// NUL.
  public static func pathParameter(_ raw: Substring) -> String? {
    guard let decoded = raw.removingPercentEncoding, !decoded.unicodeScalars.contains("\u{0}") else { return nil }
    return decoded
  }
}
