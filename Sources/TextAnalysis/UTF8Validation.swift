/// Checks bytes from outside before they become a `String` (which would silently repair them).
enum UTF8Validation {
  /// The text of `bytes`, or `.invalidUTF8` with the offset of the first byte that is not valid UTF-8.
  static func string(from bytes: some Collection<UInt8>) throws(TextAnalysisError) -> String {
    let array = Array(bytes)
    if let offset = firstInvalidOffset(array) { throw .invalidUTF8(offset: offset) }
    return String(decoding: array, as: UTF8.self)
  }

  /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no
  /// overlong forms, no surrogates, nothing above U+10FFFF), or nil.
  static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
    var i = 0
    let n = bytes.count
    while i < n {
      let b0 = bytes[i]
      if b0 < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var lower: UInt8 = 0x80
      var upper: UInt8 = 0xBF
      switch b0 {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        lower = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        upper = 0x9F
      case 0xF0:
        length = 4
        lower = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        upper = 0x8F
      default: return i
      }
      guard i + length <= n else { return i }
      guard (lower...upper).contains(bytes[i + 1]) else { return i }
      for k in 2..<length where !(0x80...0xBF).contains(bytes[i + k]) { return i }
      i += length
    }
    return nil
  }
}
