import Foundation
import Testing

@testable import Knowledge

/// Parsing of knowledge import files (JSON Lines and CSV) from real files in a temporary folder.
@Suite final class ImportParsingTests {
  let folder: URL

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("ImportParsingTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(at: folder)
  }

  // MARK: Helpers

  @discardableResult
  func write(_ text: String, to name: String) throws -> String {
    try write(bytes: Array(text.utf8), to: name)
  }

  @discardableResult
  func write(bytes: [UInt8], to name: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  func read(_ name: String, chunkSize: Int = KnowledgeFileReader.defaultChunkSize) throws -> [ImportRecordResult] {
    let reader = try KnowledgeFileReader(path: folder.appendingPathComponent(name).path, chunkSize: chunkSize)
    var results: [ImportRecordResult] = []
    try reader.read { results.append($0) }
    return results
  }

  func items(_ name: String) throws -> [KnowledgeItem] {
    try read(name).map { result in
      guard let item = result.item else { throw result.error! }
      return item
    }
  }

  /// The error descriptions of a file, in order (items are left out).
  func errors(_ name: String) throws -> [String] {
    try read(name).compactMap { $0.error?.description }
  }

  /// The error a reader throws for the whole file.
  func fileError(_ name: String) throws -> ImportFileError? {
    do {
      _ = try read(name)
      return nil
    } catch let error as ImportFileError {
      return error
    }
  }

  static let exampleLines = [
    #"{"id":"qr-1001","source":"quick","scope":"company","folder":"售后","title":"退款流程","content":"您好{{visitor.name}}，退款会在3-5个工作日内原路退回。","tags":["退款"],"language":"zh-Hans"}"#,
    #"{"id":"qr-1002","source":"quick","scope":"personal:agent-7","title":"下班","content":"我先下线了，同事会继续为您服务。"}"#,
    #"{"id":"bot-17","source":"bot","question":"怎么申请退款？","similar":["如何退款","退款怎么弄"],"answer":"在订单详情页点击申请退款即可。","category":"售后"}"#,
    #"{"id":"kb-3","source":"internal","title":"退款政策（2025版）","body":"……","category":"政策"}"#,
  ]

  static let exampleItems = [
    KnowledgeItem(
      id: "qr-1001", source: .quick, scope: .company, folder: "售后", title: "退款流程",
      body: "您好{{visitor.name}}，退款会在3-5个工作日内原路退回。", tags: ["退款"], language: "zh-Hans"),
    KnowledgeItem(id: "qr-1002", source: .quick, scope: .personal("agent-7"), title: "下班", body: "我先下线了，同事会继续为您服务。"),
    KnowledgeItem(
      id: "bot-17", source: .bot, title: "怎么申请退款？", similar: ["如何退款", "退款怎么弄"], body: "在订单详情页点击申请退款即可。",
      category: "售后"),
    KnowledgeItem(id: "kb-3", source: .internal, title: "退款政策（2025版）", body: "……", category: "政策"),
  ]

  // MARK: JSON Lines

  /// A scope's id may start with anything, even a mark that joins the colon into one Character.
  @Test func scopesParseByScalarsAndNeedAnId() {
    #expect(Scope("group:\u{1F3FB}x") == .group("\u{1F3FB}x"))
    #expect(Scope("personal:\u{301}a") == .personal("\u{301}a"))
    #expect(Scope("group:") == nil && Scope("personal:") == nil && Scope("team") == nil)
    #expect(Scope("company") == .company)
  }

  /// Ids starting with `~` are agents' namespaces: only that agent's personal replies may have them.
  @Test func namespacedIdsBelongToTheirAgentsPersonalReplies() throws {
    let decoder = KnowledgeRecordDecoder()
    let own = #"{"id":"~agent-1/qr","source":"quick","scope":"personal:agent-1","title":"t","content":"c"}"#
    #expect(try decoder.decode(json: Array(own.utf8)).id == "~agent-1/qr")
    for line in [
      #"{"id":"~agent-1/qr","source":"quick","scope":"personal:agent-2","title":"t","content":"c"}"#,
      #"{"id":"~agent-1/qr","source":"quick","title":"t","content":"c"}"#,
      #"{"id":"~x","source":"quick","scope":"personal:x","title":"t","content":"c"}"#,
    ] {
      #expect(throws: KnowledgeRecordError.foreignNamespace) { try decoder.decode(json: Array(line.utf8)) }
    }
    #expect(PersonalID.shown("~agent-1/qr", to: "agent-1") == "qr")
    #expect(PersonalID.shown("~agent-1/qr", to: "agent-2") == "~agent-1/qr")
  }

  @Test func exampleLinesParseIntoItems() throws {
    try write(Self.exampleLines.joined(separator: "\n") + "\n", to: "examples.jsonl")
    let results = try read("examples.jsonl")
    #expect(results.map(\.line) == [1, 2, 3, 4])
    #expect(results.compactMap(\.item) == Self.exampleItems)
  }

  @Test func unknownKeysAreIgnoredAndEnabledIsRead() throws {
    try write(
      #"{"id":"q","source":"quick","title":"t","content":"c","enabled":false,"colour":"red","similar":["x"]}"#,
      to: "extra.jsonl")
    #expect(try items("extra.jsonl") == [KnowledgeItem(id: "q", source: .quick, title: "t", body: "c", enabled: false)])
  }

  @Test func variantsOfEachSource() throws {
    try write(
      [
        #"{"id":"q","source":"quick","title":"退款","content":"您好","variants":{"en":{"title":"Refund","content":"Hello"}}}"#,
        #"{"id":"b","source":"bot","question":"怎么退款","answer":"点击","variants":{"en-US":{"question":"How to refund","similar":["Refund?"],"answer":"Click"},"ja":{"question":"返金","answer":"押す"}}}"#,
        #"{"id":"i","source":"internal","title":"政策","body":"正文","variants":{"en":{"title":"Policy","body":"Text"}}}"#,
      ].joined(separator: "\n"), to: "variants.jsonl")
    #expect(
      try items("variants.jsonl") == [
        KnowledgeItem(
          id: "q", source: .quick, title: "退款", body: "您好",
          variants: ["en": KnowledgeVariant(title: "Refund", body: "Hello")]),
        KnowledgeItem(
          id: "b", source: .bot, title: "怎么退款", body: "点击",
          variants: [
            "en-US": KnowledgeVariant(title: "How to refund", similar: ["Refund?"], body: "Click"),
            "ja": KnowledgeVariant(title: "返金", body: "押す"),
          ]),
        KnowledgeItem(
          id: "i", source: .internal, title: "政策", body: "正文",
          variants: ["en": KnowledgeVariant(title: "Policy", body: "Text")]),
      ])
  }

  @Test func valuesAtEveryLimitAreAccepted() throws {
    let id = String(repeating: "i", count: ImportLimits.maxIDCharacters)
    let question = String(repeating: "问", count: ImportLimits.maxTitleCharacters)
    let similar = (1...ImportLimits.maxSimilar).map { "问法\($0)" }
    let answer = String(repeating: "a", count: ImportLimits.maxTextBytes)
    let object: [String: Any] = [
      "id": id, "source": "bot", "question": question, "similar": similar, "answer": answer, "language": "zh-Hant-TW",
    ]
    let tags = (1...ImportLimits.maxTags).map { "t\($0)" }
    try write(
      String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        + #"{"id":"q","source":"quick","title":"t","content":"c","tags":\#(tags)}"#,
      to: "limits.jsonl")
    #expect(
      try items("limits.jsonl") == [
        KnowledgeItem(id: id, source: .bot, title: question, similar: similar, body: answer, language: "zh-Hant-TW"),
        KnowledgeItem(id: "q", source: .quick, title: "t", body: "c", tags: tags),
      ])
  }

  /// A line that breaks one rule, and the reason it must be given.
  struct InvalidLine: Sendable, CustomTestStringConvertible {
    let json: String
    let reason: String
    var testDescription: String { reason }
  }

  static let invalidLines: [InvalidLine] = [
    .init(json: #"{"source":"quick","title":"t","content":"c"}"#, reason: #"missing field "id""#),
    .init(json: #"{"id":null,"source":"quick","title":"t","content":"c"}"#, reason: #"missing field "id""#),
    .init(json: #"{"id":"","source":"quick","title":"t","content":"c"}"#, reason: #"field "id" must not be empty"#),
    .init(json: #"{"id":"  ","source":"quick","title":"t","content":"c"}"#, reason: #"field "id" must not be empty"#),
    .init(
      json: #"{"id":"\#(String(repeating: "x", count: 129))","source":"quick","title":"t","content":"c"}"#,
      reason: #"field "id" is 129 characters; the limit is 128"#),
    .init(
      json: #"{"id":"a\u0007b","source":"quick","title":"t","content":"c"}"#,
      reason: #"field "id" must not contain control characters"#),
    .init(
      json: #"{"id":"a\nb","source":"quick","title":"t","content":"c"}"#,
      reason: #"field "id" must not contain control characters"#),
    .init(json: #"{"id":7,"source":"quick","title":"t","content":"c"}"#, reason: #"field "id" must be a string"#),
    .init(json: #"{"id":"x","title":"t","content":"c"}"#, reason: #"missing field "source""#),
    .init(
      json: #"{"id":"x","source":"faq","title":"t","content":"c"}"#,
      reason: #"unknown source "faq" (expected quick, bot or internal)"#),
    .init(
      json: #"{"id":"x","source":"Quick","title":"t","content":"c"}"#,
      reason: #"unknown source "Quick" (expected quick, bot or internal)"#),
    .init(json: #"{"id":"x","source":1,"title":"t","content":"c"}"#, reason: #"field "source" must be a string"#),
    .init(json: #"{"id":"x","source":"quick","content":"c"}"#, reason: #"missing field "title""#),
    .init(json: #"{"id":"x","source":"quick","title":"t"}"#, reason: #"missing field "content""#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":" \n\t "}"#,
      reason: #"field "content" must not be empty"#),
    .init(json: #"{"id":"x","source":"quick","title":"","content":"c"}"#, reason: #"field "title" must not be empty"#),
    .init(
      json: #"{"id":"x","source":"quick","title":["t"],"content":"c"}"#, reason: #"field "title" must be a string"#),
    .init(json: #"{"id":"x","source":"bot","answer":"a"}"#, reason: #"missing field "question""#),
    .init(json: #"{"id":"x","source":"bot","question":"q"}"#, reason: #"missing field "answer""#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"  "}"#, reason: #"field "answer" must not be empty"#),
    .init(json: #"{"id":"x","source":"internal","body":"b"}"#, reason: #"missing field "title""#),
    .init(json: #"{"id":"x","source":"internal","title":"t"}"#, reason: #"missing field "body""#),
    .init(json: #"{"id":"x","source":"internal","title":"t","body":""}"#, reason: #"field "body" must not be empty"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"\#(String(repeating: "退", count: 513))","content":"c"}"#,
      reason: #"field "title" is 513 characters; the limit is 512"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"\#(String(repeating: "q", count: 513))","answer":"a"}"#,
      reason: #"field "question" is 513 characters; the limit is 512"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"a","similar":\#((1...101).map { "s\($0)" })}"#,
      reason: #"field "similar" has 101 entries; the limit is 100"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"a","similar":"s"}"#,
      reason: #"field "similar" must be an array of strings"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"a","similar":["s",1]}"#,
      reason: #"field "similar" must be an array of strings"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","tags":\#((1...51).map { "t\($0)" })}"#,
      reason: #"field "tags" has 51 entries; the limit is 50"#),
    .init(
      json: #"{"id":"x","source":"internal","title":"t","body":"b","tags":[true]}"#,
      reason: #"field "tags" must be an array of strings"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","scope":"team:1"}"#,
      reason: #"field "scope" is not a scope: "team:1" (expected company, group:<id> or personal:<id>)"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","scope":"personal:"}"#,
      reason: #"field "scope" is not a scope: "personal:" (expected company, group:<id> or personal:<id>)"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"a","scope":"personal:agent-7"}"#,
      reason: #"field "scope" must be "company" for bot knowledge"#),
    .init(
      json: #"{"id":"x","source":"internal","title":"t","body":"b","scope":"group:g1"}"#,
      reason: #"field "scope" must be "company" for internal knowledge"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","language":"zh_CN"}"#,
      reason: #""zh_CN" in field "language" is not a language tag (such as zh-Hans)"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","language":"z"}"#,
      reason: #""z" in field "language" is not a language tag (such as zh-Hans)"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","language":"zh-"}"#,
      reason: #""zh-" in field "language" is not a language tag (such as zh-Hans)"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","language":"en-abcdefghi"}"#,
      reason: #""en-abcdefghi" in field "language" is not a language tag (such as zh-Hans)"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","language":7}"#,
      reason: #"field "language" must be a string"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","enabled":"yes"}"#,
      reason: #"field "enabled" must be a boolean"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","enabled":1}"#,
      reason: #"field "enabled" must be a boolean"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","folder":3}"#,
      reason: #"field "folder" must be a string"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"a","category":{}}"#,
      reason: #"field "category" must be a string"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","variants":[]}"#,
      reason: #"field "variants" must be an object"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","variants":{"en_US":{"title":"t","content":"c"}}}"#,
      reason: #""en_US" in field "variants" is not a language tag (such as zh-Hans)"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","variants":{"en":"Refund"}}"#,
      reason: #"field "variants.en" must be an object"#),
    .init(
      json: #"{"id":"x","source":"quick","title":"t","content":"c","variants":{"en":{"title":"Refund"}}}"#,
      reason: #"missing field "variants.en.content""#),
    .init(
      json:
        #"{"id":"x","source":"bot","question":"q","answer":"a","variants":{"en":{"question":"Q","answer":"A","similar":[2]}}}"#,
      reason: #"field "variants.en.similar" must be an array of strings"#),
    // SQLite keeps text only up to a NUL: such text is refused, never stored cut.
    .init(
      json: #"{"id":"x","source":"quick","title":"t\u0000t","content":"c"}"#,
      reason: #"field "title" must not contain a NUL character (U+0000)"#),
    .init(
      json: #"{"id":"x","source":"bot","question":"q","answer":"a","similar":["ok","a\u0000"]}"#,
      reason: #"field "similar" must not contain a NUL character (U+0000)"#),
    .init(
      json: #"{"id":"x\u0000y","source":"quick","title":"t","content":"c"}"#,
      reason: #"field "id" must not contain a NUL character (U+0000)"#),
    .init(json: #"{"id":"x","source":"quick","#, reason: "line is not valid JSON"),
    .init(json: #"{"id":"x"} trailing"#, reason: "line is not valid JSON"),
    .init(json: "id,title", reason: "line is not valid JSON"),
    .init(json: "[1,2]", reason: "line is not a JSON object"),
    .init(json: #""text""#, reason: "line is not a JSON object"),
  ]

  @Test(arguments: invalidLines)
  func invalidLineIsReportedWithFileLineAndReason(_ invalid: InvalidLine) throws {
    try write(Self.exampleLines[0] + "\n" + invalid.json + "\n" + Self.exampleLines[1] + "\n", to: "bad.jsonl")
    let results = try read("bad.jsonl")
    #expect(results.map(\.line) == [1, 2, 3])
    #expect(results.compactMap(\.error?.description) == ["bad.jsonl:2: \(invalid.reason)"])
    #expect(results.compactMap(\.item) == [Self.exampleItems[0], Self.exampleItems[1]])
  }

  @Test func textOverOneMebibyteIsRejected() throws {
    let limit = ImportLimits.maxTextBytes
    try write(
      #"{"id":"ok","source":"quick","title":"t","content":"\#(String(repeating: "a", count: limit))"}"# + "\n"
        + #"{"id":"big","source":"quick","title":"t","content":"\#(String(repeating: "a", count: limit + 1))"}"# + "\n"
        + #"{"id":"big","source":"bot","question":"q","answer":"a","similar":["\#(String(repeating: "问", count: 350_000))"]}"#,
      to: "big.jsonl")
    #expect(
      try errors("big.jsonl") == [
        "big.jsonl:2: field \"content\" is 1048577 bytes; the limit is 1048576",
        "big.jsonl:3: field \"similar\" is 1050000 bytes; the limit is 1048576",
      ])
  }

  @Test func lineOverFourMebibytesIsRejectedUnparsed() throws {
    let prefix = #"{"id":"x","source":"quick","title":"t","content":""#
    let suffix = #""}"#
    func line(bytes: Int) -> String {
      prefix + String(repeating: "a", count: bytes - prefix.utf8.count - suffix.utf8.count) + suffix
    }
    // A line of exactly the limit is parsed (and its content is then too long); CRLF does not count.
    try write(
      [line(bytes: ImportLimits.maxLineBytes), line(bytes: ImportLimits.maxLineBytes + 1), Self.exampleLines[1]]
        .joined(separator: "\r\n"), to: "long.jsonl")
    let results = try read("long.jsonl", chunkSize: 100_000)
    let contentBytes = ImportLimits.maxLineBytes - prefix.utf8.count - suffix.utf8.count
    #expect(
      results.compactMap(\.error?.description) == [
        "long.jsonl:1: field \"content\" is \(contentBytes) bytes; the limit is 1048576",
        "long.jsonl:2: line is 4194305 bytes; the limit is 4194304",
      ])
    #expect(results.compactMap(\.item) == [Self.exampleItems[1]])
  }

  /// Bytes that are not UTF-8: a stray continuation byte, 0xFF, an overlong slash, a surrogate, a code point past
  /// U+10FFFF, and a sequence cut short.
  static let invalidUTF8: [[UInt8]] = [
    [0x80], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE9, 0x80],
  ]

  @Test(arguments: invalidUTF8)
  func invalidUTF8InsideALineIsReported(_ bad: [UInt8]) throws {
    let line = Array(#"{"id":"x","source":"quick","title":"t","content":"退"#.utf8) + bad + Array(#"款"}"#.utf8)
    let lines = [Array(Self.exampleLines[0].utf8), line, Array(Self.exampleLines[1].utf8)]
    try write(bytes: Array(lines.joined(separator: [UInt8(ascii: "\n")])), to: "utf8.jsonl")
    let results = try read("utf8.jsonl")
    #expect(results.compactMap(\.error?.description) == ["utf8.jsonl:2: line is not valid UTF-8"])
    #expect(results.compactMap(\.item) == [Self.exampleItems[0], Self.exampleItems[1]])

    let record = Array("q,t,退".utf8) + bad + Array("款".utf8)
    try write(bytes: Array("id,title,content\n".utf8) + record + Array("\nq2,t,c\n".utf8), to: "utf8.csv")
    #expect(try errors("utf8.csv") == ["utf8.csv:2: line is not valid UTF-8"])
  }

  @Test func blankLinesAreSkipped() throws {
    try write(
      "\n   \n" + Self.exampleLines[0] + "\n\r\n\t\n" + Self.exampleLines[1] + "\n\n", to: "blank.jsonl")
    let results = try read("blank.jsonl")
    #expect(results.map(\.line) == [3, 6])
    #expect(results.compactMap(\.item) == [Self.exampleItems[0], Self.exampleItems[1]])
  }

  @Test func byteOrderMarkIsIgnored() throws {
    try write("\u{FEFF}" + Self.exampleLines[0], to: "bom.jsonl")
    #expect(try items("bom.jsonl") == [Self.exampleItems[0]])
    try write("\u{FEFF}\"id\",title,content\nq1,退款,您好\n", to: "bom.csv")
    #expect(try items("bom.csv") == [KnowledgeItem(id: "q1", source: .quick, title: "退款", body: "您好")])
  }

  // MARK: CSV

  @Test func csvWithEnglishHeaders() throws {
    try write(
      """
       ID , Source,Scope,Folder,Title,Content,Question,Similar,Answer,Body,Category,Tags,Language,Enabled,Notes
      qr-1,quick,group:g1,售后,退款流程,您好,,,,,,退款|售后,zh-Hans,false,ignored
      bot-1,bot,,,,,怎么退款？,如何退款| 退款怎么弄 |,在订单详情页点击。,,售后,,,,
      kb-1,internal,company,,退款政策,,,,,正文,政策,a|b,,TRUE,

      """, to: "english.csv")
    #expect(
      try items("english.csv") == [
        KnowledgeItem(
          id: "qr-1", source: .quick, scope: .group("g1"), folder: "售后", title: "退款流程", body: "您好", tags: ["退款", "售后"],
          language: "zh-Hans", enabled: false),
        KnowledgeItem(
          id: "bot-1", source: .bot, title: "怎么退款？", similar: ["如何退款", "退款怎么弄"], body: "在订单详情页点击。", category: "售后"),
        KnowledgeItem(id: "kb-1", source: .internal, title: "退款政策", body: "正文", category: "政策", tags: ["a", "b"]),
      ])
  }

  @Test func csvWithChineseHeadersAndNoIDColumnDerivesStableIDs() throws {
    try write(
      """
      标准问题,相似问题,答案,分类
      怎么申请退款？,如何退款|退款怎么弄,在订单详情页点击申请退款即可。,售后
      运费谁出？,,商家承担。,物流
      没有答案,,,

      """, to: "faq.csv")
    let first = try read("faq.csv")
    #expect(first == (try read("faq.csv")))
    #expect(
      first.compactMap(\.item) == [
        KnowledgeItem(
          id: "bot-e608af9880384c55", source: .bot, title: "怎么申请退款？", similar: ["如何退款", "退款怎么弄"],
          body: "在订单详情页点击申请退款即可。", category: "售后"),
        KnowledgeItem(id: "bot-f35de29a262baf70", source: .bot, title: "运费谁出？", body: "商家承担。", category: "物流"),
      ])
    // Errors name the column as the header spells it.
    #expect(first.compactMap(\.error?.description) == [#"faq.csv:4: field "答案" must not be empty"#])
  }

  @Test func csvAllChineseHeaders() throws {
    try write(
      """
      编号,来源,范围,文件夹,标题,内容,标签,语言,启用
      q1,quick,personal:agent-7,常用,下班,我先下线了。,a|b,zh-Hans,否
      q2,quick,,,你好,您好！,,,是
      q3,,,,缺来源,内容,,,
      q4,quick,,,t,c,,,也许

      """, to: "quick.csv")
    let results = try read("quick.csv")
    #expect(
      results.compactMap(\.item) == [
        KnowledgeItem(
          id: "q1", source: .quick, scope: .personal("agent-7"), folder: "常用", title: "下班", body: "我先下线了。",
          tags: ["a", "b"],
          language: "zh-Hans", enabled: false),
        KnowledgeItem(id: "q2", source: .quick, title: "你好", body: "您好！"),
      ])
    #expect(
      results.compactMap(\.error?.description) == [
        #"quick.csv:4: missing field "来源""#,
        #"quick.csv:5: field "启用" must be 是, 否, true, false, 1 or 0"#,
      ])
  }

  @Test func quickRepliesWithoutIDsHashTheirScope() throws {
    try write("title,content,scope\n退款流程,a,\n退款流程,b,company\n下班,c,personal:agent-7\n", to: "ids.csv")
    #expect(
      try items("ids.csv").map(\.id) == ["quick-2da35c2f939df8d0", "quick-2da35c2f939df8d0", "quick-cd1b23a1992531fa"])
  }

  @Test func csvQuotedFieldsCommasQuotesAndNewlines() throws {
    try write(
      """
      id,title,content
      q1,"退款, 说明","他说""您好""
      第二行,还有逗号"
      q2,运费,

      q3,"a","b"
      "q4",c,"d""
      """, to: "quoted.csv")
    let results = try read("quoted.csv")
    #expect(results.map(\.line) == [2, 4, 6, 7])
    #expect(
      results.compactMap(\.item) == [
        KnowledgeItem(id: "q1", source: .quick, title: "退款, 说明", body: "他说\"您好\"\n第二行,还有逗号"),
        KnowledgeItem(id: "q3", source: .quick, title: "a", body: "b"),
      ])
    #expect(
      results.compactMap(\.error?.description) == [
        #"quoted.csv:4: field "content" must not be empty"#,
        "quoted.csv:7: a quoted field is not closed before the end of the file",
      ])
  }

  @Test func csvWithCRLF() throws {
    try write("id,title,content\r\nq1,\"two\r\nlines\",c\r\nq2,t,\r\nq3,t,c\r\n", to: "crlf.csv")
    let results = try read("crlf.csv")
    #expect(
      results.compactMap(\.item) == [
        KnowledgeItem(id: "q1", source: .quick, title: "two\nlines", body: "c"),
        KnowledgeItem(id: "q3", source: .quick, title: "t", body: "c"),
      ])
    #expect(results.compactMap(\.error?.description) == [#"crlf.csv:4: field "content" must not be empty"#])
  }

  @Test func csvRowsOfEmptyCellsAreBlank() throws {
    try write("id,title,content\n\n,,\n , ,\nq1,t,c\n,,", to: "empty-rows.csv")
    let results = try read("empty-rows.csv")
    #expect(results.map(\.line) == [5])
    #expect(results.compactMap(\.item) == [KnowledgeItem(id: "q1", source: .quick, title: "t", body: "c")])
  }

  static let invalidRecords: [(record: String, reason: String)] = [
    ("q1,t", "record has 2 fields; the header has 3"),
    ("q1,t,c,d", "record has 4 fields; the header has 3"),
    (",t,c", #"field "id" must not be empty"#),
    ("q1,,c", #"field "title" must not be empty"#),
    ("\"q1,t,c", "a quoted field is not closed before the end of the file"),
  ]

  @Test(arguments: invalidRecords)
  func invalidCSVRecordIsReported(_ record: String, _ reason: String) throws {
    try write("id,title,content\n" + record, to: "bad.csv")
    #expect(try errors("bad.csv") == ["bad.csv:2: \(reason)"])
  }

  @Test func csvRecordOverFourMebibytesIsRejectedAndTheNextOneFound() throws {
    let content = String(repeating: "a\n\"\"b,", count: ImportLimits.maxLineBytes / 6 + 1)
    let record = "q1,t,\"\(content)\""
    try write("id,title,content\n\(record)\nq2,t,c\n", to: "long.csv")
    let results = try read("long.csv", chunkSize: 65_536)
    let lines = 2 + content.filter { $0 == "\n" }.count
    #expect(
      results.compactMap(\.error?.description) == [
        "long.csv:2: line is \(record.utf8.count) bytes; the limit is 4194304"
      ])
    #expect(results.compactMap(\.item) == [KnowledgeItem(id: "q2", source: .quick, title: "t", body: "c")])
    #expect(results.map(\.line) == [2, lines + 1])
  }

  @Test func csvFileErrors() throws {
    try write("", to: "empty.csv")
    #expect(try fileError("empty.csv") == .missingHeader(file: "empty.csv"))
    try write("\n\n", to: "blank.csv")
    #expect(try fileError("blank.csv") == .missingHeader(file: "blank.csv"))
    try write("name,note\na,b\n", to: "unknown.csv")
    #expect(try fileError("unknown.csv") == .noKnownColumns(file: "unknown.csv"))
    try write("id,title,category\na,b,c\n", to: "source.csv")
    #expect(try fileError("source.csv") == .cannotInferSource(file: "source.csv"))
    #expect(
      ImportFileError.cannotInferSource(file: "source.csv").description
        == "source.csv: the CSV file has no source column, and its columns do not say the source"
        + " (question/answer: bot, content: quick, body: internal)")
    try write("question,标准问题,answer\n", to: "twice.csv")
    #expect(
      try fileError("twice.csv")
        == .invalidHeader(file: "twice.csv", reason: "names the column question twice (question, 标准问题)"))
    // 标准问题,答案 in GBK, as Excel on Chinese Windows saves "CSV".
    try write(
      bytes: [0xB1, 0xEA, 0xD7, 0xBC, 0xCE, 0xCA, 0xCC, 0xE2, 0x2C, 0xB4, 0xF0, 0xB0, 0xB8, 0x0A], to: "gbk.csv")
    #expect(
      try fileError("gbk.csv")?.description
        == #"gbk.csv: the CSV header row is not valid UTF-8 (save the file as "CSV UTF-8")"#)
  }

  // MARK: Chunks and progress

  static let chunkSizes = [1, 2, 3, 4, 5, 7, 13, 4096]

  @Test(arguments: chunkSizes)
  func chunkBoundariesAnywhereGiveTheSameRecords(_ chunkSize: Int) throws {
    let jsonLines =
      "\u{FEFF}" + Self.exampleLines[0] + "\r\n\n" + Self.exampleLines[2] + "\n{\"id\":\r\n" + Self.exampleLines[3]
    try write(jsonLines, to: "chunks.jsonl")
    let results = try read("chunks.jsonl", chunkSize: chunkSize)
    let bytes = Array(jsonLines.utf8)
    let lineEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
    #expect(results.map(\.line) == [1, 3, 4, 5])
    #expect(results.map(\.bytesRead) == [lineEnds[0], lineEnds[2], lineEnds[3], bytes.count])
    #expect(results.compactMap(\.item) == [Self.exampleItems[0], Self.exampleItems[2], Self.exampleItems[3]])
    #expect(results.compactMap(\.error?.description) == ["chunks.jsonl:4: line is not valid JSON"])
    #expect(
      results.last?.bytesRead
        == (try KnowledgeFileReader(path: folder.appendingPathComponent("chunks.jsonl").path).totalBytes))

    let csv = "\u{FEFF}标准问题,答案\r\n\"怎么\r\n退款\",点击“申请”\r\n运费,\"商家\"\"承担\"\"\"\r\n"
    try write(csv, to: "chunks.csv")
    let csvResults = try read("chunks.csv", chunkSize: chunkSize)
    #expect(csvResults.map(\.line) == [2, 4])
    #expect(
      csvResults.map(\.bytesRead) == [Array("\u{FEFF}标准问题,答案\r\n\"怎么\r\n退款\",点击“申请”\r\n".utf8).count, csv.utf8.count])
    #expect(
      csvResults.compactMap(\.item) == [
        KnowledgeItem(id: "bot-53bff0180bc8921b", source: .bot, title: "怎么\n退款", body: "点击“申请”"),
        KnowledgeItem(id: "bot-94eb561d7593f4cf", source: .bot, title: "运费", body: "商家\"承担\""),
      ])
  }

  @Test func lineSplitterNumbersLinesAcrossChunks() {
    var splitter = LineSplitter(maxLineBytes: 4)
    var lines: [SplitLine] = []
    for chunk in ["a\r", "\nb", "c\n\nd", "éé", "\nabcd\r\nx"] {
      splitter.append(Array(chunk.utf8)) { lines.append($0) }
    }
    splitter.finish { lines.append($0) }
    #expect(
      lines == [
        SplitLine(number: 1, content: .bytes(Array("a".utf8)), endOffset: 3),
        SplitLine(number: 2, content: .bytes(Array("bc".utf8)), endOffset: 6),
        SplitLine(number: 3, content: .bytes([]), endOffset: 7),
        SplitLine(number: 4, content: .tooLong(byteCount: 5), endOffset: 13),
        SplitLine(number: 5, content: .bytes(Array("abcd".utf8)), endOffset: 19),
        SplitLine(number: 6, content: .bytes(Array("x".utf8)), endOffset: 20),
      ])
  }

  @Test func inMemoryDataAndAsyncChunksGiveTheSameRecords() async throws {
    let text = Self.exampleLines.joined(separator: "\n")
    let fromData = try KnowledgeImportParser.parse(Data(text.utf8), format: .jsonLines, fileName: "x.jsonl")
    #expect(fromData.compactMap(\.item) == Self.exampleItems)

    let bytes = Array(text.utf8)
    let chunks = AsyncStream<[UInt8]> { continuation in
      for start in stride(from: 0, to: bytes.count, by: 5) {
        continuation.yield(Array(bytes[start..<min(start + 5, bytes.count)]))
      }
      continuation.finish()
    }
    var fromChunks: [ImportRecordResult] = []
    try await KnowledgeImportParser.read(chunks, format: .jsonLines, fileName: "x.jsonl") { fromChunks.append($0) }
    #expect(fromChunks == fromData)
  }

  // MARK: Files, formats and the decoder

  @Test func fileThatCannotBeReadGivesImportFileError() throws {
    #expect(try fileError("missing.jsonl") == .cannotOpen(file: "missing.jsonl", reason: "No such file or directory"))
    let missing = KnowledgeFileReader(path: folder.appendingPathComponent("missing.csv").path, format: .csv)
    #expect(throws: ImportFileError.cannotOpen(file: "missing.csv", reason: "No such file or directory")) {
      try missing.totalBytes
    }
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("folder.jsonl"), withIntermediateDirectories: false)
    #expect(try fileError("folder.jsonl") == .cannotRead(file: "folder.jsonl", reason: "Is a directory"))
    #expect(throws: ImportFileError.unsupportedFormat(file: "notes.txt")) {
      try KnowledgeFileReader(path: "/tmp/notes.txt")
    }
    #expect(
      ImportFileError.cannotOpen(file: "missing.jsonl", reason: "No such file or directory").description
        == "missing.jsonl: cannot open the file: No such file or directory")
  }

  static let formatsByPath: [(path: String, format: ImportFormat?)] = [
    ("a.jsonl", .jsonLines), ("a.NDJSON", .jsonLines), ("dir.v2/a.json", .jsonLines), ("a.csv", .csv),
    ("a.CSV", .csv), ("a.txt", nil), ("csv", nil), ("dir.csv/readme", nil),
  ]

  @Test(arguments: formatsByPath)
  func formatForFile(_ path: String, _ format: ImportFormat?) {
    #expect(ImportFormat.forFile(path: path) == format)
  }

  @Test func recordDecoderWithForcedSource() throws {
    let decoder = KnowledgeRecordDecoder(forcedSource: .quick)
    #expect(
      try decoder.decode(json: Array(#"{"id":"q","title":"t","content":"c"}"#.utf8))
        == KnowledgeItem(id: "q", source: .quick, title: "t", body: "c"))
    #expect(throws: KnowledgeRecordError.sourceMismatch(found: .bot, expected: .quick)) {
      try decoder.decode(json: Array(#"{"id":"q","source":"bot","question":"t","answer":"c"}"#.utf8))
    }
    #expect(
      KnowledgeRecordError.sourceMismatch(found: .bot, expected: .quick).description
        == #"field "source" is "bot" but must be "quick" here"#)
    #expect(
      KnowledgeRecordError.unknownSource("fa\"q\n").description
        == #"unknown source "fa\"q\n" (expected quick, bot or internal)"#)
  }

  @Test func lineErrorDescription() {
    #expect(
      ImportLineError(file: "a.jsonl", line: 7, reason: "line is not valid JSON").description
        == "a.jsonl:7: line is not valid JSON")
  }
}
