@_implementationOnly import CICU

/// Small helpers over ICU's C API, shared by the folding table, the segmenter and the transliterators.
enum ICU {
  /// ICU's version, such as "72.1".
  static let version: String = {
    var buffer = [CChar](repeating: 0, count: 32)
    buffer.withUnsafeMutableBufferPointer { rk_icu_version($0.baseAddress!) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()

  static func check(_ status: UErrorCode, _ operation: String) throws(TextAnalysisError) {
    if rk_icu_failure(status) != 0 {
      throw .icu(operation: operation, status: String(cString: rk_icu_error_name(status)))
    }
  }

  /// Runs an ICU function that writes UTF-16 into a caller's buffer, growing the buffer once on overflow.
  static func produceUTF16(
    capacityHint: Int,
    _ operation: String,
    _ body: (UnsafeMutablePointer<UInt16>, Int32, inout UErrorCode) -> Int32
  ) throws(TextAnalysisError) -> [UInt16] {
    var capacity = max(capacityHint, 8)
    for _ in 0..<2 {
      var status = U_ZERO_ERROR
      var output = [UInt16](repeating: 0, count: capacity)
      let length = output.withUnsafeMutableBufferPointer { body($0.baseAddress!, Int32(capacity), &status) }
      if status == U_BUFFER_OVERFLOW_ERROR {
        capacity = Int(length) + 1
        continue
      }
      try check(status, operation)
      output.removeSubrange(Int(length)...)
      return output
    }
    throw .icu(operation: operation, status: "U_BUFFER_OVERFLOW_ERROR")
  }
}

/// The UTF-16 code units of one code point.
func utf16Units(of scalar: Unicode.Scalar) -> [UInt16] {
  var units: [UInt16] = []
  UTF16.encode(scalar) { units.append($0) }
  return units
}
