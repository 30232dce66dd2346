import Knowledge
import Ranking

/// `GET /v1/suggest`'s suggestions as JSON, written by hand: the same bytes as `SuggestionCache.encoder` (keys
/// sorted, slashes not escaped), which every answer not in the cache went through and which took about 6 % of
/// the server's time under load. `SuggestionJSONTests` holds the two to the same output.
enum SuggestionJSON {
  static func encode(_ suggestions: [Suggestion]) throws -> [UInt8] {
    // The encoder refuses a score that is not a number; so does this, through it.
    guard suggestions.allSatisfy({ $0.score.isFinite }) else {
      return Array(try SuggestionCache.encoder.encode(suggestions))
    }
    var out: [UInt8] = []
    out.reserveCapacity(suggestions.reduce(2) { $0 + 256 + $1.content.utf8.count + $1.snippet.utf8.count })
    out.append(UInt8(ascii: "["))
    for (index, suggestion) in suggestions.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      write(suggestion, to: &out)
    }
    out.append(UInt8(ascii: "]"))
    return out
  }

  /// The keys in the encoder's sorted order (`scope` before `score`).
  private static func write(_ suggestion: Suggestion, to out: inout [UInt8]) {
    key("{\"content\":", &out)
    string(suggestion.content, &out)
    if let folder = suggestion.folder {
      key(",\"folder\":", &out)
      string(folder, &out)
    }
    key(",\"id\":", &out)
    string(suggestion.id, &out)
    if let language = suggestion.language {
      key(",\"language\":", &out)
      string(language, &out)
    }
    key(",\"matched\":[", &out)
    for (index, reason) in suggestion.matched.enumerated() {
      key(index == 0 ? "{\"field\":" : ",{\"field\":", &out)
      string(reason.field, &out)
      key(",\"kind\":", &out)
      string(reason.kind.rawValue, &out)
      out.append(UInt8(ascii: "}"))
    }
    key("],\"scope\":", &out)
    string(suggestion.scope.description, &out)
    key(",\"score\":", &out)
    number(suggestion.score, &out)
    key(",\"snippet\":", &out)
    string(suggestion.snippet, &out)
    key(",\"snippetHighlights\":", &out)
    highlights(suggestion.snippetHighlights, &out)
    key(",\"source\":", &out)
    string(suggestion.source.rawValue, &out)
    key(",\"title\":", &out)
    string(suggestion.title, &out)
    key(",\"titleHighlights\":", &out)
    highlights(suggestion.titleHighlights, &out)
    out.append(UInt8(ascii: "}"))
  }

  private static func key(_ text: StaticString, _ out: inout [UInt8]) {
    text.withUTF8Buffer { out.append(contentsOf: $0) }
  }

  private static func highlights(_ spans: [Highlight], _ out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    for (index, span) in spans.enumerated() {
      key(index == 0 ? "{\"end\":" : ",{\"end\":", &out)
      out.append(contentsOf: String(span.end).utf8)
      key(",\"start\":", &out)
      out.append(contentsOf: String(span.start).utf8)
      out.append(UInt8(ascii: "}"))
    }
    out.append(UInt8(ascii: "]"))
  }

  /// As the encoder writes a finite Double: its shortest description, without a trailing ".0".
  private static func number(_ value: Double, _ out: inout [UInt8]) {
    var text = value.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    out.append(contentsOf: text.utf8)
  }

  /// A JSON string: quote and backslash escaped, control characters as the encoder writes them, the rest as UTF-8.
  static func string(_ text: String, _ out: inout [UInt8]) {
    let hex = LowercaseHex.digits
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): key("\\\"", &out)
      case UInt8(ascii: "\\"): key("\\\\", &out)
      case 0x08: key("\\b", &out)
      case 0x0C: key("\\f", &out)
      case UInt8(ascii: "\n"): key("\\n", &out)
      case UInt8(ascii: "\r"): key("\\r", &out)
      case UInt8(ascii: "\t"): key("\\t", &out)
      case 0..<0x20:
        key("\\u00", &out)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0f)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
