import Foundation
import FuzzSupport
import Knowledge

/// libFuzzer's entry: parses the input as a JSON Lines and as a CSV import, whole and fed in small chunks; both
/// ways must give the same records (line numbers, items and errors).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  for format in [ImportFormat.jsonLines, .csv] {
    let whole = try? KnowledgeImportParser.parse(Data(bytes), format: format, fileName: "fuzz")
    var parser = KnowledgeImportParser(format: format, fileName: "fuzz")
    var chunked: [ImportRecordResult] = []
    do {
      var start = 0
      while start < bytes.count {
        let end = min(bytes.count, start + 1 + (start % 7))
        try parser.append(bytes[start..<end]) { chunked.append($0) }
        start = end
      }
      try parser.finish { chunked.append($0) }
    } catch {
      precondition(whole == nil, "chunked parsing failed where whole parsing did not")
      continue
    }
    if let whole { precondition(whole == chunked, "chunked parsing differs from whole parsing") }
  }
  return 0
}

@_cdecl("FuzzImport_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
