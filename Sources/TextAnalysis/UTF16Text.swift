extension String {
  /// A string of UTF-16 code units, an unpaired surrogate read as U+FFFD: what `String(decoding:as:
  /// UTF16.self)` gives, encoded here in one pass. The standard library's generic path took one seventh of
  /// analysis, which makes a string of every token's term.
  init(utf16Units units: UnsafeBufferPointer<UInt16>) {
    self.init(unsafeUninitializedCapacity: units.count * 3) { bytes in
      var out = 0
      var i = 0
      func put(_ byte: UInt32) {
        bytes[out] = UInt8(truncatingIfNeeded: byte)
        out += 1
      }
      while i < units.count {
        let unit = UInt32(units[i])
        i += 1
        if unit < 0x80 {
          put(unit)
        } else if unit < 0x800 {
          put(0xC0 | unit >> 6)
          put(0x80 | unit & 0x3F)
        } else if unit & 0xF800 != 0xD800 {
          put(0xE0 | unit >> 12)
          put(0x80 | unit >> 6 & 0x3F)
          put(0x80 | unit & 0x3F)
        } else if unit < 0xDC00, i < units.count, units[i] & 0xFC00 == 0xDC00 {
          let scalar = 0x10000 + ((unit - 0xD800) << 10 | (UInt32(units[i]) - 0xDC00))
          i += 1
          put(0xF0 | scalar >> 18)
          put(0x80 | scalar >> 12 & 0x3F)
          put(0x80 | scalar >> 6 & 0x3F)
          put(0x80 | scalar & 0x3F)
        } else {
          // An unpaired surrogate.
          put(0xEF)
          put(0xBF)
          put(0xBD)
        }
      }
      return out
    }
  }
}
