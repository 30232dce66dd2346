@_implementationOnly import CICU

/// One ICU transliterator (such as `Han-Latin; Latin-ASCII`).
///
/// ICU transliterators are not safe to use from two threads at once; owners call it under a lock.
final class Transliterator {
  /// A raw pointer, not ICU's `UTransliterator*`: CICU is imported implementation-only, so no stored property
  /// may name its types.
  private let raw: UnsafeMutableRawPointer
  private var handle: UnsafeMutablePointer<UTransliterator?> { raw.assumingMemoryBound(to: UTransliterator?.self) }

  init(id: String) throws(TextAnalysisError) {
    let idUnits = Array(id.utf16)
    var status = U_ZERO_ERROR
    let handle = idUnits.withUnsafeBufferPointer { rk_utrans_open($0.baseAddress, Int32($0.count), &status) }
    try ICU.check(status, "utrans_openU(\(id))")
    guard let handle else { throw .icu(operation: "utrans_openU(\(id))", status: "no transliterator") }
    raw = UnsafeMutableRawPointer(handle)
  }

  deinit { rk_utrans_close(handle) }

  func transliterate(_ units: [UInt16]) throws(TextAnalysisError) -> [UInt16] {
    if units.isEmpty { return [] }
    var capacity = units.count * 4 + 16
    for _ in 0..<3 {
      var buffer = units + [UInt16](repeating: 0, count: capacity - units.count)
      var length = Int32(units.count)
      var status = U_ZERO_ERROR
      buffer.withUnsafeMutableBufferPointer {
        rk_utrans_chars(handle, $0.baseAddress, &length, Int32(capacity), &status)
      }
      if status == U_BUFFER_OVERFLOW_ERROR {
        capacity = Int(length) * 2 + 16
        continue
      }
      try ICU.check(status, "utrans_transUChars")
      buffer.removeSubrange(Int(length)...)
      return buffer
    }
    throw .icu(operation: "utrans_transUChars", status: "U_BUFFER_OVERFLOW_ERROR")
  }

  func transliterate(_ text: String) throws(TextAnalysisError) -> String {
    String(decoding: try transliterate(Array(text.utf16)), as: UTF16.self)
  }
}
