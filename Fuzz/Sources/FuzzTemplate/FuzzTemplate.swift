import FuzzSupport
import Sessions

/// libFuzzer's entry: any text as a reply template. Filled with a value for every variable it names, it is
/// whole text; filled with none, what it reports unresolved are variables it names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let template = ReplyTemplate(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
  let names = template.variables
  let values = Dictionary(names.map { ($0, "v") }, uniquingKeysWith: { first, _ in first })
  guard case .text = template.fill(values, known: Set(names)) else {
    preconditionFailure("a template filled with every variable it names is not whole")
  }
  if case .unresolved(let missing) = template.fill([:], known: []) {
    precondition(missing.allSatisfy { names.contains($0.name) }, "an unresolved variable the template does not name")
  }
  return 0
}

@_cdecl("FuzzTemplate_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
