import ArgumentParser
import CommandLineSupport
import Foundation
import Knowledge
import Ranking
import Workbench

/// `replykit suggest`: the `#` completion from the command line.
struct SuggestCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "suggest",
    abstract: "Suggest quick replies, bot answers and articles for typed text (what follows #).")

  @OptionGroup var options: DataOptions

  @Argument(help: "The typed text; its last word may be unfinished. Empty shows the most used quick replies.")
  var text: String

  @Option(help: "The agent typing (visibility of group and personal replies).")
  var agent: String?

  @Option(help: "How many suggestions.")
  var limit = 5

  @Option(help: "Sources to search, comma-separated: quick, bot, internal.")
  var sources = "quick,bot,internal"

  @Option(help: "The agent's or conversation's language (shows that version of an item).")
  var lang: String?

  @Flag(help: "Print JSON.")
  var json = false

  func validate() throws {
    guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100") }
    guard text.count <= 256 else { throw ValidationError("the text is over 256 characters") }
    _ = try parsedSources()
  }

  func parsedSources() throws -> Set<KnowledgeSource> {
    var result = Set<KnowledgeSource>()
    for name in sources.split(separator: ",") {
      guard let source = KnowledgeSource(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("--sources: unknown source \"\(name)\" (expected quick, bot or internal)")
      }
      result.insert(source)
    }
    return result
  }

  func run() async throws {
    let engine = try await options.openEngine()
    let started = ContinuousClock.now
    let suggestions = try engine.suggester.suggest(
      text, tenant: options.tenant,
      options: SuggestOptions(agent: agent, limit: limit, sources: try parsedSources(), language: lang))
    let took = ContinuousClock.now - started
    if json {
      try JSONOutput.print(
        SuggestReport(query: text, tenant: options.tenant, tookMs: took.milliseconds, suggestions: suggestions))
      return
    }
    if suggestions.isEmpty { print("(no suggestions)") }
    for (rank, suggestion) in suggestions.enumerated() {
      SuggestionText.print(rank: rank + 1, suggestion)
    }
    print("(\(suggestions.count) in \(String(format: "%.2f", took.milliseconds)) ms)")
  }
}

struct SuggestReport: Encodable {
  var query: String
  var tenant: String
  var tookMs: Double
  var suggestions: [Suggestion]
}

enum SuggestionText {
  static func print(rank: Int, _ suggestion: Suggestion, confidence: Double? = nil) {
    let reasons = suggestion.matched.map { "\($0.field) \($0.kind.rawValue)" }.joined(separator: ", ")
    var head = "\(rank). [\(suggestion.source.rawValue)] \(suggestion.id)  "
    head += Terminal.emphasized(suggestion.title, suggestion.titleHighlights)
    var details = ["score \(String(format: "%.2f", suggestion.score))"]
    if let confidence { details.insert("confidence \(String(format: "%.2f", confidence))", at: 0) }
    if !reasons.isEmpty { details.append(reasons) }
    if suggestion.scope != .company { details.append(suggestion.scope.description) }
    Swift.print(head + "  (" + details.joined(separator: "; ") + ")")
    let snippet = suggestion.snippet.replacingOccurrences(of: "\n", with: " ")
    Swift.print("   " + Terminal.emphasized(snippet, suggestion.snippetHighlights))
  }
}
