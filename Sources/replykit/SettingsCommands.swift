import ArgumentParser
import Embeddings
import Foundation
import Knowledge
import QuestionVectors
import Workbench

/// `replykit settings`: a tenant's suggestion settings.
struct SettingsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "settings", abstract: "A tenant's settings: default language, pinyin keys, meaning model, ranking.",
    subcommands: [Show.self, Set.self], defaultSubcommand: Show.self)

  static func describe(_ settings: TenantSettings, _ status: SemanticStage.Status?) -> String {
    var lines = [
      "default language: \(settings.defaultLanguage)", "pinyin keys: \(settings.pinyinEnabled ? "on" : "off")",
      "meaning: \(settings.meaning.rawValue)",
      "ranking: whole questions \(settings.wholeRanking.rawValue), typed text \(settings.typedRanking.rawValue)",
      "confidence: "
        + (settings.confidence.map {
          "fitted on \($0.questions) judged questions (\($0.right) first answers right), a probability"
        } ?? "word overlap (replykit learn fits a probability on judged questions)"),
    ]
    if let status {
      lines.append(
        "vectors: \(status.vectors) questions of \(status.items) entries by \(status.model)"
          + (status.caughtUp ? "" : ", \(status.changesBehind) changes behind")
          + (status.error.map { ", failed: \($0)" } ?? ""))
    } else if settings.meaning != .none {
      lines.append("vectors: none (no model serves the tenant here)")
    }
    return lines.joined(separator: "\n")
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the tenant's settings.")
    @OptionGroup var options: DataOptions

    func run() async throws {
      let engine = try await options.openEngine()
      let settings = try engine.store.settings(tenant: options.tenant)
      print(describe(settings, try engine.semantic.status(tenant: options.tenant, choice: settings.meaning)))
    }
  }

  struct Set: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change the settings given; the rest keep their values.")
    @OptionGroup var options: DataOptions
    @Option(help: "The language of items without one, and the one suggestions fall back to (a BCP 47 tag).")
    var defaultLanguage: String?
    @Option(help: "Pinyin and initials keys (`tk` finds 退款): on or off.")
    var pinyin: Switch?
    @Option(
      help:
        "Smart reply's sentence-embedding model for this tenant: none, standard (the one `replykit serve --model` runs with) or own (`replykit model install`)."
    )
    var meaning: MeaningChoice?
    @Option(
      help:
        "The question models for whole questions (smart reply): standard (the shipped ones) or lexical (the index's BM25 order). `replykit learn` chooses by the tenant's judged questions."
    )
    var wholeRanking: RankingChoice?
    @Option(help: "The question models for typed text (suggest): standard or lexical.")
    var typedRanking: RankingChoice?

    enum Switch: String, ExpressibleByArgument { case on, off }

    func validate() throws {
      if let defaultLanguage, !LanguageTag.isWellFormed(defaultLanguage) {
        throw ValidationError("--default-language must be a BCP 47 language tag such as zh-Hans or en")
      }
      guard defaultLanguage != nil || pinyin != nil || meaning != nil || wholeRanking != nil || typedRanking != nil
      else {
        throw ValidationError(
          "name a setting to change: --default-language, --pinyin, --meaning, --whole-ranking or --typed-ranking")
      }
    }

    func run() async throws {
      let engine = try await options.openEngine()
      let settings = try await engine.updateSettings(tenant: options.tenant) { settings in
        if let defaultLanguage { settings.defaultLanguage = defaultLanguage }
        if let pinyin { settings.pinyinEnabled = pinyin == .on }
        if let meaning { settings.meaning = meaning }
        if let wholeRanking { settings.wholeRanking = wholeRanking }
        if let typedRanking { settings.typedRanking = typedRanking }
      }
      try await engine.semantic.finish(tenant: options.tenant)
      print(describe(settings, try engine.semantic.status(tenant: options.tenant, choice: settings.meaning)))
    }
  }
}

extension MeaningChoice: ExpressibleByArgument {}
extension RankingChoice: ExpressibleByArgument {}

/// `replykit model`: sentence-embedding models a tenant supplies.
struct ModelCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model", abstract: "A tenant's own sentence-embedding model.", subcommands: [Install.self])

  struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Install a sentence-transformers BERT folder (config.json, vocab.txt, model.safetensors) as the tenant's own model; `replykit settings set --meaning own` (or PUT /v1/settings) chooses it.",
      discussion:
        "The folder is checked by loading it, then copied into DATA/models/TENANT. A model installed again replaces the last; a running service loads it at its next change."
    )
    @OptionGroup var options: DataOptions
    @Argument(help: "The model folder.") var folder: String

    /// What is copied: the files the encoder reads, and the model's licence and card when they are there.
    static let files = [
      "config.json", "vocab.txt", "model.safetensors", "sentence_bert_config.json", "tokenizer_config.json",
      "special_tokens_map.json", "modules.json", "1_Pooling/config.json", "LICENSE", "README.md",
    ]

    func run() async throws {
      let encoder: SentenceEncoder
      do {
        encoder = try SentenceEncoder(folder: folder)
      } catch {
        throw ValidationError("\(folder): \(error)")
      }
      let manager = FileManager.default
      let target = SemanticStage.ownModelFolder(dataFolder: options.data, tenant: options.tenant)
      let staging = (target as NSString).deletingLastPathComponent + "/.\(options.tenant).installing"
      try? manager.removeItem(atPath: staging)
      try manager.createDirectory(atPath: staging + "/1_Pooling", withIntermediateDirectories: true)
      for file in Self.files where manager.fileExists(atPath: folder + "/" + file) {
        try manager.copyItem(atPath: folder + "/" + file, toPath: staging + "/" + file)
      }
      // Checked again where it will be read from, then put in place whole.
      _ = try SentenceEncoder(folder: staging)
      try? manager.removeItem(atPath: target)
      try manager.moveItem(atPath: staging, toPath: target)
      print(
        "installed \(encoder.configuration.layers) layers, \(encoder.dimension) wide, "
          + "\(encoder.tokenizer.vocabularySize) words\(encoder.readsHan ? " (reads Chinese)" : "") "
          + "as tenant \(options.tenant)'s own model in \(target)")
      let settings = try KnowledgeStore(path: (options.data as NSString).appendingPathComponent("replykit.sqlite"))
        .settings(tenant: options.tenant)
      if settings.meaning != .own {
        print("choose it with: replykit settings set --tenant \(options.tenant) --meaning own")
      }
    }
  }
}
