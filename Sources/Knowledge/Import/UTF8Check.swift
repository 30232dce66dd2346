/// Checks raw bytes for well-formed UTF-8 before anything decodes them: `String(decoding:)` and Foundation replace bad
/// bytes with U+FFFD without a word, which would import damaged text instead of reporting the line.
enum UTF8Check {
  static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid: continue
      case .emptyInput: return true
      case .error: return false
      }
    }
  }
}
