import Foundation
import Knowledge
import TextAnalysis

/// A deterministic generator of help-desk knowledge for benchmarks: words taken from the demo corpus (as
/// the analyzer splits it), chosen with a Zipf-like skew so that some words are everywhere and most are rare,
/// as in real knowledge bases.
struct BenchCorpus {
  let words: [String]
  private var random: SplitMix64

  init(seed: UInt64 = 42) throws {
    random = SplitMix64(seed: seed)
    var vocabulary = Set<String>()
    let analyzer = try Analyzer()
    for path in BenchText.fallbackPaths.compactMap(BenchText.locate) {
      for line in try BenchText.documents(in: path) {
        for token in try analyzer.analyze(line, options: AnalysisOptions(pinyinKeys: false))
        where token.script == .han && token.term.count >= 2 {
          vocabulary.insert(token.term)
        }
      }
    }
    if vocabulary.count < 100 {
      // No demo corpus here: a fixed list still gives a usable benchmark.
      vocabulary.formUnion(
        "退款 退货 发货 物流 快递 订单 发票 地址 修改 取消 优惠券 会员 积分 账号 密码 验证码 支付 花呗 信用卡 售后 维修 换货 签收 包裹 运费 客服 投诉 评价 活动 库存"
          .split(separator: " ").map(String.init))
    }
    // Zipf ranks go to a seeded shuffle of the words: ranked in code point order, the most frequent words
    // all began with 一 (U+4E00), which made one first character absurdly common.
    var shuffler = SplitMix64(seed: seed ^ 0x5EED)
    words = vocabulary.sorted().shuffled(using: &shuffler)
  }

  /// A word index skewed towards the start of the list (rank r is picked about 1/r as often).
  private mutating func word() -> String {
    let u = Double(random.next() % 1_000_000) / 1_000_000
    let index = Int(pow(Double(words.count), u)) - 1
    return words[min(max(index, 0), words.count - 1)]
  }

  private mutating func phrase(_ count: ClosedRange<Int>) -> String {
    let n = Int(random.next() % UInt64(count.count)) + count.lowerBound
    return (0..<n).map { _ in word() }.joined()
  }

  mutating func item(_ number: Int) -> KnowledgeItem {
    let roll = random.next() % 100
    switch roll {
    case 0..<60:
      let scopeRoll = random.next() % 100
      let scope: Scope =
        scopeRoll < 60
        ? .company : scopeRoll < 85 ? .group("g\(random.next() % 20)") : .personal("agent-\(random.next() % 200)")
      return KnowledgeItem(
        id: "qr-\(number)", source: .quick, scope: scope, folder: "f\(random.next() % 30)", title: phrase(1...3),
        body: (0..<3).map { _ in phrase(3...6) }.joined(separator: "，") + "。")
    case 60..<90:
      return KnowledgeItem(
        id: "bot-\(number)", source: .bot, title: phrase(2...4) + "？", similar: [phrase(2...4), phrase(2...4)],
        body: (0..<2).map { _ in phrase(3...6) }.joined(separator: "，") + "。")
    default:
      return KnowledgeItem(
        id: "kb-\(number)", source: .internal, title: phrase(2...4),
        body: (0..<12).map { _ in phrase(3...8) }.joined(separator: "，") + "。")
    }
  }
}

extension BenchCorpus {
  /// What agents type after `#`: prefixes of 1 to 6 characters of titles, a fifth of them pinyin initials.
  /// Seeded, so that `bench suggest`, `bench http` and tools/peers ask the same prefixes.
  static func typedPrefixes(of items: [KnowledgeItem], count: Int) throws -> [String] {
    var random = SplitMix64(seed: 7)
    var typed: [String] = []
    let analyzer = try Analyzer()
    while typed.count < count {
      let item = items[Int(random.next() % UInt64(items.count))]
      let title = Array(item.title)
      let length = Int(random.next() % 6) + 1
      if random.next() % 5 == 0, let keys = try analyzer.pinyin(of: String(title.prefix(4))) {
        typed.append(String(keys.initials.prefix(length)))
      } else {
        typed.append(String(title.prefix(length)))
      }
    }
    return typed
  }

  /// Writes items as an evaluation corpus, so that other engines index the same text: the body holds the
  /// similar questions and the content, one a line.
  static func write(_ items: [KnowledgeItem], to path: String) throws {
    struct Entry: Encodable {
      var id: String
      var title: String
      var body: String
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    var out = Data()
    for item in items {
      out.append(
        try encoder.encode(
          Entry(id: item.id, title: item.title, body: (item.similar + [item.body]).joined(separator: "\n"))))
      out.append(0x0A)
    }
    try out.write(to: URL(fileURLWithPath: path))
  }
}

/// SplitMix64: a small, fast, seeded generator, so that benchmark corpora are the same on every run.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
