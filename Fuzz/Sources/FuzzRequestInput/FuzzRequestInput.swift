import Foundation
import FuzzSupport
import RequestInput

/// libFuzzer's entry: any bytes as a JSON body and as a query string, and any text, once written as a JSON
/// string and once percent-encoded, which both must read back whole.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  // Raw bytes: the checks finish and report only what is there.
  let problem = JSONBodyCheck.problem(in: bytes, numbers: true)
  if case .nul = problem {
    let text = String(decoding: bytes, as: UTF8.self).lowercased()
    precondition(bytes.contains(0) || text.contains("\\u0000"), "a NUL reported in a body without one")
  }
  _ = JSONBodyCheck.problem(in: bytes)
  let raw = String(decoding: bytes, as: UTF8.self)
  _ = QueryString.problem(in: raw)
  _ = QueryString.pathParameter(raw[...])

  // Text written as a JSON string field: no problem but a NUL, which is named by its field.
  guard String(validating: bytes, as: UTF8.self) != nil else { return 0 }
  let hasNUL = raw.unicodeScalars.contains("\u{0}")
  if let body = try? JSONSerialization.data(withJSONObject: ["field": raw, "list": [raw]]) {
    let found = JSONBodyCheck.problem(in: Array(body), numbers: true)
    precondition(found == (hasNUL ? .nul("field") : nil) || (hasNUL && found == .nul("list[0]")), "\(found as Any)")
  }
  // Text percent-encoded as a parameter's value reads back whole.
  let encoded = raw.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
  let query = "q=" + encoded
  precondition(QueryString.problem(in: query) == (hasNUL ? .nul(parameter: "q") : nil), "query \(query)")
  precondition(QueryString.decoded(encoded[...]) == raw, "the value did not read back")
  return 0
}

@_cdecl("FuzzRequestInput_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
