import ArgumentParser

/// `replykit-bench`: speed and load measurements, apart from the `replykit` users run, so that the shipping binary
/// does not carry the load generator (run them on a release build).
@main
struct ReplyKitBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replykit-bench",
    abstract: "Measure speed and load (use a release build: swift build -c release).",
    subcommands: [
      BenchAnalyze.self, BenchEmbed.self, BenchImport.self, BenchSuggest.self, BenchHTTP.self, BenchSessions.self,
      BenchSoak.self, BenchVectors.self, BenchRouting.self,
    ]
  )
}
