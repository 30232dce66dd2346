import FuzzSupport
import TextAnalysis

private let analyzer = try! Analyzer()

/// libFuzzer's entry: analyses the input as every kind of text the service analyses. A crash, a hang or an
/// error other than the analyzer's own (`TextAnalysisError`) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  let text = String(decoding: bytes, as: UTF8.self)
  for options in [AnalysisOptions(pinyinKeys: true), AnalysisOptions(pinyinKeys: false), .typedQuery] {
    do {
      let tokens = try analyzer.analyze(text, options: options)
      // Offsets stay inside the text and never go backwards.
      var last = 0
      let length = text.utf16.count
      for token in tokens {
        precondition(token.range.lowerBound >= 0 && token.range.upperBound <= length, "a token outside the text")
        precondition(token.range.lowerBound >= last, "offsets went backwards")
        last = token.range.lowerBound
      }
    } catch {
      continue
    }
  }
  return 0
}

@_cdecl("FuzzAnalyzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
