import Foundation
import Knowledge
import Ranking
import TestSupport
import Testing
import Workbench

/// `replykit import` as a user runs it: real files, a real data folder, the real executable.
@Suite(.blocking, .serialized) struct ImportCommandTests {
  static let good = """
    {"id":"qr-1001","source":"quick","scope":"company","folder":"售后","title":"退款流程","content":"您好{{visitor.name}}，退款会在3-5个工作日内原路退回。","tags":["退款"],"language":"zh-Hans"}
    {"id":"qr-1002","source":"quick","scope":"personal:agent-7","title":"下班","content":"我先下线了，同事会继续为您服务。"}
    {"id":"bot-17","source":"bot","question":"怎么申请退款？","similar":["如何退款","退款怎么弄"],"answer":"在订单详情页点击申请退款即可。","category":"售后"}
    {"id":"kb-3","source":"internal","title":"退款政策（2025版）","body":"退款原则上原路退回。","category":"政策"}

    """

  @Test func importsThenChangesNothingOnASecondRun() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.file("knowledge.jsonl", Self.good)
    let first = try CLIProcess.run(["import", "--data", folder.data, file])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("added 4, updated 0, unchanged 0, rejected 0"))
    let second = try CLIProcess.run(["import", "--data", folder.data, file])
    #expect(second.status == 0)
    #expect(second.stdout.contains("added 0, updated 0, unchanged 4, rejected 0"))
    let suggest = try CLIProcess.run(["suggest", "--data", folder.data, "--json", "退款流"])
    #expect(suggest.status == 0)
    let report = try JSONSerialization.jsonObject(with: Data(suggest.stdout.utf8)) as? [String: Any]
    let ids = (report?["suggestions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
    #expect(ids?.first == "qr-1001")
  }

  @Test func importsAHelpDeskCSVExportWithChineseHeaders() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = """
      标准问题,相似问题,答案,分类
      怎么申请退款？,如何退款|退款怎么弄,"在订单详情页点击""申请退款""即可。",售后
      发票怎么开？,开发票|怎么开发票,下单后在订单详情页申请电子发票。,发票

      """
    let file = try folder.file("bot.csv", csv)
    let first = try CLIProcess.run(["import", "--data", folder.data, file])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("added 2, updated 0, unchanged 0, rejected 0"))
    // No id column: the ids derived from the rows are stable, so a second import changes nothing.
    let second = try CLIProcess.run(["import", "--data", folder.data, file])
    #expect(second.stdout.contains("added 0, updated 0, unchanged 2, rejected 0"))
    let reply = try CLIProcess.run(["smart-reply", "--data", folder.data, "--json", "退款怎么弄"])
    let report = try JSONSerialization.jsonObject(with: Data(reply.stdout.utf8)) as? [String: Any]
    let answers = (report?["result"] as? [String: Any])?["answers"] as? [[String: Any]]
    let suggestion = answers?.first?["suggestion"] as? [String: Any]
    #expect(suggestion?["content"] as? String == "在订单详情页点击\"申请退款\"即可。")
    #expect(answers?.first?["confidence"] as? Double == 1)
  }

  @Test func badLinesAreReportedWithFileAndLineAndSkipped() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let lines = [
      #"{"id":"qr-1","source":"quick","title":"好的","content":"好的，马上为您处理。"}"#,
      #"{"id":"qr-2","source":"quick","title":"坏的""#,
      #"{"id":"qr-3","source":"faq","title":"x","content":"y"}"#,
      #"{"id":"qr-4","source":"quick","title":"没有内容"}"#,
      #"{"id":"bot-5","source":"bot","question":"q","answer":"a","similar":"not a list"}"#,
      #"{"id":"qr-6","source":"quick","title":"最后","content":"最后一条。"}"#,
    ]
    let file = try folder.file("mixed.jsonl", lines.joined(separator: "\n") + "\n")
    let result = try CLIProcess.run(["import", "--data", folder.data, file])
    #expect(result.status == 1)
    #expect(result.stdout.contains("added 2, updated 0, unchanged 0, rejected 4"))
    #expect(result.stderr.contains("\(file):2: "))
    #expect(result.stderr.contains("\(file):3: unknown source \"faq\""))
    #expect(result.stderr.contains("\(file):4: missing field \"content\""))
    #expect(result.stderr.contains("\(file):5: field \"similar\""))
    // Nothing of a rejected line is stored; the good ones are.
    let store = try KnowledgeStore(path: folder.data + "/replykit.sqlite")
    #expect(try store.count(tenant: "default") == 2)
  }

  @Test func anUnreadableFileExitsWithTwo() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let result = try CLIProcess.run([
      "import", "--data", folder.data, folder.url.appendingPathComponent("missing.jsonl").path,
    ])
    #expect(result.status == 2)
    #expect(result.stderr.contains("missing.jsonl"))
  }

  @Test func aKilledImportLeavesTheIndexAbleToCatchUp() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let count = 40_000
    var lines: [String] = []
    lines.reserveCapacity(count)
    for n in 0..<count {
      lines.append(#"{"id":"qr-\#(n)","source":"quick","title":"标题\#(n)退款","content":"第\#(n)条回复，退款会原路退回。"}"#)
    }
    let file = try folder.file("big.jsonl", lines.joined(separator: "\n") + "\n")
    let process = try CLIProcess.start(["import", "--data", folder.data, "--batch", "200", "--quiet", file])
    defer { CLIProcess.reap(process) }
    // Kill it once some batches are in the store.
    let deadline = Date().addingTimeInterval(60)
    var stored = 0
    while Date() < deadline && process.isRunning {
      // The index folder comes after the store's migrations: opening the store before would race them.
      if FileManager.default.fileExists(atPath: folder.data + "/index"),
        let store = try? KnowledgeStore(path: folder.data + "/replykit.sqlite")
      {
        stored = (try? store.count(tenant: "default")) ?? 0
        if stored >= 2_000 { break }
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")

    let engine = try await SuggestionEngine(dataFolder: folder.data)
    let items = try engine.store.count(tenant: "default")
    #expect(items >= stored && items < count)
    #expect(items % 200 == 0, "a store batch is all or nothing")
    #expect(try await engine.indexedDocumentCount() == items)
    #expect(await engine.lastAppliedChange() == (try engine.store.lastChangeSeq()))
    // The last item stored is found (among the suggestions: which title ranks first for 标题N退款 depends on N,
    // as 标题13退款 shares most of 标题13799退款).
    let last = "qr-\(items - 1)"
    let found = try engine.suggester.suggest("标题\(items - 1)退款", tenant: "default").map(\.id)
    #expect(found.contains(last), "\(found)")
  }
}
