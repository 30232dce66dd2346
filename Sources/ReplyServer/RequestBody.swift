import Foundation
import Hummingbird
import RequestInput

/// Reads a JSON body: at most the context's upload size, valid UTF-8, and decoding errors that name the field.
enum RequestBody {
  static func bytes(_ request: Request, context: ReplyRequestContext) async throws -> [UInt8] {
    if let type = request.headers[.contentType], !isJSON(type) {
      throw APIError(
        .unsupportedMediaType, .unsupportedMediaType, "the body must be JSON (Content-Type: application/json)")
    }
    let buffer: ByteBuffer
    do {
      buffer = try await request.body.collect(upTo: context.maxUploadSize)
    } catch {
      throw APIError(.contentTooLarge, .bodyTooLarge, "the body is over \(context.maxUploadSize) bytes")
    }
    let bytes = Array(buffer.readableBytesView)
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw APIError(.badRequest, .invalidUTF8, "the body is not valid UTF-8")
    }
    switch JSONBodyCheck.problem(in: bytes) {
    case .nul(let field):
      throw APIError(.badRequest, .invalidText, "field \"\(field)\" must not contain a NUL character (U+0000)")
    case .duplicateKey(let field):
      throw APIError(.badRequest, .duplicateField, "field \"\(field)\" is given more than once")
    case .numberOutOfRange, nil:
      return bytes
    }
  }

  /// `application/json`, or any `application/...+json`, with parameters (`; charset=utf-8`) or not. A request
  /// without a Content-Type is read as JSON too.
  static func isJSON(_ contentType: String) -> Bool {
    let media = contentType.split(separator: ";", maxSplits: 1).first.map {
      $0.trimmingCharacters(in: .whitespaces).lowercased()
    }
    guard let media else { return false }
    return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
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
      // What the decoder calls corrupted may be valid JSON with a whole number too large for the field.
      if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
        case .numberOutOfRange(let field) = JSONBodyCheck.problem(in: bytes, numbers: true)
      {
        throw APIError.invalid("field \"\(field)\" is a number out of range")
      }
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
    case .typeMismatch(_, let context) where context.codingPath.isEmpty:
      return APIError(.badRequest, .malformedJSON, "the body must be a JSON object")
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return .invalid("field \"\(path(context))\" must be \(describeType(type))")
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? APIError(.badRequest, .malformedJSON, "the body is not valid JSON")
        : .invalid("field \"\(path(context))\": \(context.debugDescription)")
    @unknown default: return APIError(.badRequest, .malformedJSON, "the body is not valid JSON")
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
