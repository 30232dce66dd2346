import ArgumentParser

@main
struct ReplyKit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replykit",
    abstract: "Ranked reply suggestions for customer-service agents.",
    subcommands: [Analyze.self, Bench.self]
  )
}
