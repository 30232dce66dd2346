import ArgumentParser
import CommandLineSupport
import Foundation
import Knowledge
import Ranking
import ReplyServer
import Workbench

/// `replykit agents`: agents and their skill groups.
struct AgentsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "agents", abstract: "Agents and the skill groups they belong to.",
    subcommands: [Set.self, List.self, Import.self, Password.self])

  struct Set: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or update an agent.")
    @OptionGroup var options: DataOptions
    @Argument(help: "The agent id.") var agent: String
    @Option(help: "Skill groups, comma-separated.") var groups = ""
    @Option(help: "The agent's name (fills {{agent.name}}).") var name: String?

    func validate() throws {
      guard DataOptions.isValidName(agent) else {
        throw ValidationError("agent id must be 1 to 64 letters, digits, '.', '_' or '-'")
      }
    }

    func run() async throws {
      let engine = try await options.openEngine()
      let list = groups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      try engine.setAgent(Agent(tenant: options.tenant, id: agent, name: name, groups: list))
      print("agent \(agent): groups \(list.isEmpty ? "(none)" : list.joined(separator: ", "))")
    }
  }

  /// An agent's password for signing in to the workbench page, read from standard input (never an argument,
  /// which other users could read in the process list). Stored as a salted scrypt hash.
  struct Password: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Set an agent's password for the workbench page, read from standard input (first line).")
    @OptionGroup var options: DataOptions
    @Argument(help: "The agent id.") var agent: String

    func run() async throws {
      let engine = try await options.openEngine()
      guard try engine.store.agent(tenant: options.tenant, id: agent) != nil else {
        throw ValidationError("no agent \(agent) in tenant \(options.tenant): add it with `replykit agents set`")
      }
      if isatty(STDIN_FILENO) != 0 { Terminal.note("password for \(agent) (then Enter):") }
      guard let line = readLine(strippingNewline: true) else {
        throw ValidationError("no password on standard input")
      }
      do {
        try engine.store.setPasswordHash(try Passwords.hash(line), tenant: options.tenant, agent: agent)
      } catch let error as Passwords.PasswordError {
        throw ValidationError(error.description)
      }
      print("agent \(agent): password set")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the tenant's agents.")
    @OptionGroup var options: DataOptions
    func run() async throws {
      let engine = try await options.openEngine()
      for agent in try engine.store.agents(tenant: options.tenant) {
        print("\(agent.id)\t\(agent.name ?? "")\t\(agent.groups.joined(separator: ","))")
      }
    }
  }

  struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import agents from JSON Lines: {\"agent\": \"agent-1\", \"name\": \"小李\", \"groups\": [\"vip\"]}.")
    @OptionGroup var options: DataOptions
    @Argument(help: "The file.") var file: String

    struct Line: Decodable {
      var agent: String
      var name: String?
      var groups: [String]?
    }

    func run() async throws {
      guard let data = FileManager.default.contents(atPath: file) else { throw ExitCode(2) }
      let engine = try await options.openEngine()
      var count = 0
      for (index, line) in String(decoding: data, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false
      ).enumerated()
      where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        guard let parsed = try? JSONDecoder().decode(Line.self, from: Data(line.utf8)),
          DataOptions.isValidName(parsed.agent)
        else { throw ValidationError("\(file):\(index + 1): want {\"agent\": ID, \"name\": ..., \"groups\": [...]}") }
        try engine.setAgent(
          Agent(tenant: options.tenant, id: parsed.agent, name: parsed.name, groups: parsed.groups ?? []))
        count += 1
      }
      print("imported \(count) agents")
    }
  }
}

/// `replykit synonyms`: the tenant's synonym sets.
struct SynonymsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "synonyms", abstract: "Synonyms: terms that find each other (退款 = 退钱 = refund).",
    subcommands: [Add.self, List.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Declare terms synonyms of each other.")
    @OptionGroup var options: DataOptions
    @Argument(help: "Two or more terms.") var terms: [String]

    func validate() throws {
      guard Swift.Set(terms).count >= 2 else { throw ValidationError("give at least two different terms") }
    }

    func run() async throws {
      let engine = try await options.openEngine()
      try await engine.addSynonyms(tenant: options.tenant, terms)
      print("synonyms: \(terms.joined(separator: " = "))")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the synonym sets.")
    @OptionGroup var options: DataOptions
    func run() async throws {
      let engine = try await options.openEngine()
      for set in try engine.store.synonymSets(tenant: options.tenant) { print(set.joined(separator: " = ")) }
    }
  }
}

/// `replykit dictionary`: the tenant's user dictionary.
struct DictionaryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dictionary", abstract: "The user dictionary: words kept whole (product and brand names).",
    subcommands: [Add.self, List.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add words; the items that contain them are re-indexed.")
    @OptionGroup var options: DataOptions
    @Argument(help: "The words.") var words: [String]

    func run() async throws {
      let engine = try await options.openEngine()
      let added = try await engine.addWords(tenant: options.tenant, words)
      print("added \(added.count) words\(added.isEmpty ? "" : ": " + added.joined(separator: " "))")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the words.")
    @OptionGroup var options: DataOptions
    func run() async throws {
      let engine = try await options.openEngine()
      for word in try engine.store.words(tenant: options.tenant) { print(word) }
    }
  }
}

/// `replykit reindex`: rebuild the index from the store.
struct ReindexCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "reindex", abstract: "Rebuild the index from the store.")
  @OptionGroup var options: DataOptions

  func run() async throws {
    let engine = try await options.openEngine()
    let started = ContinuousClock.now
    let count = try await engine.reindex()
    let took = ContinuousClock.now - started
    print(
      "reindexed \(count) items (\(try await engine.indexedDocumentCount()) documents) in \(String(format: "%.1f", took.milliseconds / 1000)) s"
    )
  }
}

struct CompactCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compact",
    abstract: "Rewrite the index without the spare room writes leave (done after bulk loads by itself).")
  @OptionGroup var options: DataOptions

  func run() async throws {
    let engine = try await options.openEngine()
    let index = (options.data as NSString).appendingPathComponent("index")
    let before = DiskUsage.bytes(under: index)
    let started = ContinuousClock.now
    try await engine.compactIndex()
    let took = ContinuousClock.now - started
    let after = DiskUsage.bytes(under: index)
    func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    print(
      "compacted the index: \(megabytes(before)) -> \(megabytes(after)) in \(String(format: "%.1f", took.milliseconds / 1000)) s"
    )
  }
}
