import PropertyBased
import Testing

@testable import TextAnalysis

/// `String(utf16Units:)` against the standard library's decoding, on every kind of code unit.
@Suite struct UTF16TextTests {
  /// Code units from each range the encoder treats apart: ASCII, two bytes, three bytes, high and low
  /// surrogates (paired and not).
  static let units = Gen.oneOf(
    Gen.int(in: 0..<0x80), Gen.int(in: 0x80..<0x800), Gen.int(in: 0x800..<0xD800), Gen.int(in: 0xD800..<0xDC00),
    Gen.int(in: 0xDC00..<0xE000), Gen.int(in: 0xE000..<0x10000)
  ).map { UInt16($0) }.array(of: 0...24)

  @Test func decodesAsTheStandardLibraryDoes() async {
    await propertyCheck(count: 2_000, input: Self.units) { units in
      let fast = units.withUnsafeBufferPointer { String(utf16Units: $0) }
      #expect(fast == String(decoding: units, as: UTF16.self))
      #expect(Array(fast.utf8) == Array(String(decoding: units, as: UTF16.self).utf8))
    }
  }

  @Test func edges() {
    for units: [UInt16] in [
      [], [0x7F, 0x80, 0x7FF, 0x800, 0xFFFF], [0xD83D, 0xDE0A], [0xD83D], [0xDE0A, 0xD83D], [0xD800, 0xD800, 0xDC00],
    ] {
      let fast = units.withUnsafeBufferPointer { String(utf16Units: $0) }
      #expect(Array(fast.utf8) == Array(String(decoding: units, as: UTF16.self).utf8), "\(units)")
    }
  }
}
