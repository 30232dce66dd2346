import ArgumentParser

/// `replykit bench`: speed measurements (run them on a release build).
struct Bench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure speed (use a release build: swift build -c release).",
    subcommands: [
      BenchAnalyze.self, BenchImport.self, BenchSuggest.self, BenchHTTP.self, BenchSessions.self, BenchSoak.self,
    ]
  )
}
