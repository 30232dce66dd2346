import Foundation
import Hummingbird

/// Reads a JSON body: at most the context's upload size, valid UTF-8, and decoding errors that name the field.
enum RequestBody {
  static func bytes(_ request: Request, context: ReplyRequestContext) async throws -> [UInt8] {
    let buffer: ByteBuffer
    do {
      buffer = try await request.body.collect(upTo: context.maxUploadSize)
    } catch {
      throw APIError(.contentTooLarge, "body_too_large", "the body is over \(context.maxUploadSize) bytes")
    }
    let bytes = Array(buffer.readableBytesView)
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw APIError(.badRequest, "invalid_utf8", "the body is not valid UTF-8")
    }
    if let field = fieldWithNUL(bytes) {
      throw APIError(.badRequest, "invalid_text", "field \"\(field)\" must not contain a NUL character (U+0000)")
    }
    return bytes
  }

  /// The first field whose string holds `\u0000` (the path, `""` for the body itself), or nil. SQLite would
  /// keep such a text only up to the NUL, so it is refused rather than stored cut. Valid JSON holds no raw NUL,
  /// so a scan for the escape finds every one; the path is looked for only then.
  static func fieldWithNUL(_ bytes: [UInt8]) -> String? {
    var index = 0
    var found = false
    while index + 5 < bytes.count {
      guard bytes[index] == UInt8(ascii: "\\") else {
        index += 1
        continue
      }
      if bytes[index + 1] == UInt8(ascii: "u")
        && bytes[(index + 2)...(index + 5)].allSatisfy({ $0 == UInt8(ascii: "0") })
      {
        found = true
        break
      }
      index += 2  // an escape: its second character is never the start of another
    }
    guard found, let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) else {
      return nil
    }
    func find(in value: Any, at path: String) -> String? {
      switch value {
      case let text as String: return text.unicodeScalars.contains("\u{0}") ? path : nil
      case let array as [Any]:
        for (offset, element) in array.enumerated() {
          if let found = find(in: element, at: "\(path)[\(offset)]") { return found }
        }
      case let object as [String: Any]:
        for key in object.keys.sorted() {
          let child = path.isEmpty ? key : "\(path).\(key)"
          if key.unicodeScalars.contains("\u{0}") { return child }
          if let found = find(in: object[key]!, at: child) { return found }
        }
      default: break
      }
      return nil
    }
    return find(in: value, at: "")
  }

  static func decode<T: Decodable>(_ type: T.Type, _ request: Request, context: ReplyRequestContext) async throws -> T {
    try parse(T.self, try await bytes(request, context: context))
  }

  /// The same for an optional body: nil when the request has none (or only white space).
  static func decodeIfPresent<T: Decodable>(_ type: T.Type, _ request: Request, context: ReplyRequestContext)
    async throws -> T?
  {
    let bytes = try await bytes(request, context: context)
    guard bytes.contains(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) else { return nil }
    return try parse(T.self, bytes)
  }

  private static func parse<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
    do {
      return try JSONDecoder().decode(T.self, from: Data(bytes))
    } catch let error as DecodingError {
      throw describe(error)
    }
  }

  /// A decoding error as the client needs it: which field, and what is wrong with it.
  static func describe(_ error: DecodingError) -> APIError {
    func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
      (context.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case .keyNotFound(let key, let context): return .missing(path(context, key))
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return .invalid("field \"\(path(context))\" must be \(describeType(type))")
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? APIError(.badRequest, "malformed_json", "the body is not valid JSON")
        : .invalid("field \"\(path(context))\": \(context.debugDescription)")
    @unknown default: return APIError(.badRequest, "malformed_json", "the body is not valid JSON")
    }
  }

  private static func describeType(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Double.Type: "a number"
    case is Bool.Type: "true or false"
    case is [String].Type: "an array of strings"
    default: "of another type"
    }
  }
}
