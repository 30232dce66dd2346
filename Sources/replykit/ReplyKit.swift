import ArgumentParser

@main
struct ReplyKit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replykit",
    abstract: "Ranked reply suggestions for customer-service agents.",
    subcommands: [
      ImportCommand.self, SuggestCommand.self, SmartReplyCommand.self, AgentsCommand.self, SynonymsCommand.self,
      DictionaryCommand.self,
      ReindexCommand.self, CompactCommand.self, LearnCommand.self, ServeCommand.self, EvalCommand.self,
      KeysCommand.self, SettingsCommand.self, ModelCommand.self, Analyze.self,
    ]
  )
}
