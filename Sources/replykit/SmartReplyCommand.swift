import ArgumentParser
import CommandLineSupport
import Foundation
import Ranking
import Workbench

/// `replykit smart-reply`: answers for a whole customer message.
struct SmartReplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "smart-reply",
    abstract: "Rank bot answers and articles for a customer message, with a confidence.")

  @OptionGroup var options: DataOptions

  @Argument(help: "The customer's message.")
  var message: String

  @Option(help: "How many answers.")
  var limit = 3

  @Option(help: "The conversation's language.")
  var lang: String?

  @Flag(help: "Print JSON.")
  var json = false

  func validate() throws {
    guard (1...50).contains(limit) else { throw ValidationError("--limit must be between 1 and 50") }
    guard message.utf8.count <= 64 * 1024 else { throw ValidationError("the message is over 64 KiB") }
  }

  func run() async throws {
    let engine = try await options.openEngine()
    let started = ContinuousClock.now
    let result = try engine.suggester.smartReply(
      message, tenant: options.tenant,
      options: SuggestOptions(limit: limit, sources: [.bot, .internal], language: lang))
    let took = ContinuousClock.now - started
    if json {
      try JSONOutput.print(
        SmartReplyReport(message: message, tenant: options.tenant, tookMs: took.milliseconds, result: result))
      return
    }
    if result.noGoodAnswer {
      print("no good answer (even the best is below the minimum confidence)")
    }
    for (rank, answer) in result.answers.enumerated() {
      SuggestionText.print(rank: rank + 1, answer.suggestion, confidence: answer.confidence)
      print("   matched question: \(answer.matchedQuestion)")
    }
    print("(\(result.answers.count) in \(String(format: "%.2f", took.milliseconds)) ms)")
  }
}

struct SmartReplyReport: Encodable {
  var message: String
  var tenant: String
  var tookMs: Double
  var result: SmartReplyResult
}
