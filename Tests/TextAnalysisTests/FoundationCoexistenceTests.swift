import Foundation
import Testing
import TextAnalysis

/// Foundation on Linux carries its own ICU under renamed symbols, and ReplyKit links the system ICU. Both
/// must work in one process: this file uses Foundation's ICU-backed APIs and the analyzer side by side.
@Suite struct FoundationCoexistenceTests {
  @Test func foundationAndSystemICUWorkInOneProcess() throws {
    // Foundation's ICU: locale-aware formatting and case mapping.
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "zh_CN")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEEE"
    #expect(formatter.string(from: Date(timeIntervalSince1970: 0)) == "星期四")
    #expect("straße".uppercased(with: Locale(identifier: "de_DE")) == "STRASSE")
    let number = NumberFormatter()
    number.locale = Locale(identifier: "en_US")
    number.numberStyle = .decimal
    #expect(number.string(from: 1_234_567) == "1,234,567")

    // The system ICU, through the analyzer, in the same process.
    let analyzer = try Analyzer()
    #expect(try analyzer.analyze("請問怎麼退貨").map(\.term) == ["请问", "怎么", "退货"])
    #expect(try analyzer.analyze("STRASSE Straße").map(\.term) == ["strasse", "strasse"])
    #expect(!Analyzer.icuVersion.isEmpty)
  }
}
