/// What JSONDecoder lets through or reports badly, found in one walk over a body's JSON text: a key given twice
/// in one object (the decoder keeps the last, silently), a text holding a NUL (SQLite would keep it only up to
/// the NUL), and a whole number too large for the 64 bits the API's integer fields have (the decoder called
/// that malformed JSON). Each with the path of the field, as the API's errors name fields (`words[0]`, `a.b`).
///
/// The walk follows JSON's grammar only as far as it needs: anything it cannot follow is left for the decoder,
/// which reports the JSON as malformed.
public struct JSONBodyCheck {
  public enum Problem: Equatable, Sendable {
    case duplicateKey(String)
    case nul(String)
    case numberOutOfRange(String)
  }

  private let bytes: [UInt8]
  private var index = 0
  private var checkNumbers = false

  private init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// The first problem of `bytes`, or nil (also when the text is not JSON the walk can follow). Numbers out
  /// of range count only with `numbers` (a large whole number is fine for a floating-point field).
  public static func problem(in bytes: [UInt8], numbers: Bool = false) -> Problem? {
    var check = JSONBodyCheck(bytes)
    check.checkNumbers = numbers
    do {
      try check.value(at: "")
      return nil
    } catch let stop as Stop {
      return stop.problem
    } catch {
      return nil
    }
  }

  private struct Stop: Error {
    /// nil: the text is not JSON this walk follows.
    var problem: Problem?
  }

  private static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

  private mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  private mutating func value(at path: String) throws {
    skipSpace()
    guard index < bytes.count else { throw Stop() }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var keys = Set<String>()
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Stop() }
        let key = try string(at: path)
        let field = Self.child(path, key)
        if key.unicodeScalars.contains("\u{0}") { throw Stop(problem: .nul(field)) }
        guard keys.insert(key).inserted else { throw Stop(problem: .duplicateKey(field)) }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Stop() }
        index += 1
        try value(at: field)
        skipSpace()
        guard index < bytes.count else { throw Stop() }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return
        } else {
          throw Stop()
        }
      }
    case UInt8(ascii: "["):
      index += 1
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return
      }
      var offset = 0
      while true {
        try value(at: "\(path)[\(offset)]")
        offset += 1
        skipSpace()
        guard index < bytes.count else { throw Stop() }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return
        } else {
          throw Stop()
        }
      }
    case UInt8(ascii: "\""):
      if try string(at: path).unicodeScalars.contains("\u{0}") { throw Stop(problem: .nul(path)) }
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let start = index
      var whole = true
      while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) {
        if "+.eE".utf8.contains(bytes[index]) { whole = false }
        index += 1
      }
      if checkNumbers, whole, Int64(String(decoding: bytes[start..<index], as: UTF8.self)) == nil {
        throw Stop(problem: .numberOutOfRange(path))
      }
    default:
      // true, false, null
      while index < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) { index += 1 }
    }
  }

  /// The string starting at `index` (its opening quote), unescaped.
  private mutating func string(at path: String) throws -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var start = index
    func flush(_ end: Int) {
      scalars.append(contentsOf: String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars)
    }
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "\""):
        flush(index)
        index += 1
        return String(scalars)
      case UInt8(ascii: "\\"):
        flush(index)
        guard index + 1 < bytes.count else { throw Stop() }
        let escaped = bytes[index + 1]
        index += 2
        switch escaped {
        case UInt8(ascii: "u"):
          guard index + 4 <= bytes.count,
            var unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
          else { throw Stop() }
          index += 4
          // A surrogate pair: the second half follows as another escape.
          if (0xD800..<0xDC00).contains(unit), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u"),
            let low = UInt32(String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16),
            (0xDC00..<0xE000).contains(low)
          {
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            index += 6
          }
          scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "b"): scalars.append("\u{8}")
        case UInt8(ascii: "f"): scalars.append("\u{C}")
        default: scalars.append(Unicode.Scalar(escaped))
        }
        start = index
      default:
        index += 1
      }
    }
    throw Stop()
  }
}
