import ArgumentParser
import CommandLineSupport
import Embeddings
import Foundation
import Hummingbird
import Knowledge
import Ranking
import ReplyServer
import Workbench

/// `replykit serve`: the HTTP service over a data folder.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve", abstract: "Serve the HTTP API (see openapi.yaml) over a data folder.")

  @Option(help: "The data folder (SQLite store and index).")
  var data = "./replykit-data"

  @Option(help: "The address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "The port.")
  var port = 8080

  @Option(
    help:
      "Ranking weights: a JSON file of an object with any settings of RankingWeights' groups (the rest standard), e.g. {\"typed\": {\"questionWords\": 4}} (docs/ranking.md)."
  )
  var weights: String?

  @Option(help: "How many `#` completions of the current index commit to keep for repeats (0 turns it off).")
  var suggestCache = 20_000

  @Option(help: "Seconds a connection may take to send a request's head, or stay idle between requests.")
  var idleTimeout = 30.0

  @Option(help: "Seconds requests in flight get to finish after SIGTERM or SIGINT before they are cancelled.")
  var shutdownTimeout = 10.0

  @Option(help: "Megabytes of free disk below which changes are refused with 507 disk_full.")
  var reserveMb = Int(KnowledgeStore.defaultReserveBytes >> 20)

  @Option(
    help:
      "A sentence-embedding model folder (`make model` installs models/all-MiniLM-L6-v2): smart reply weighs meaning beside words. The data folder remembers it for the next start."
  )
  var model: String?

  @Flag(help: "Serve without the model the data folder remembers.")
  var noModel = false

  @Flag(
    help:
      "Serve the demo's customer simulator at /simulator (it opens conversations and sends customers' messages for the default tenant without a key): for `make serve`, never for production."
  )
  var demo = false

  func validate() throws {
    guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
    guard suggestCache >= 0 else { throw ValidationError("--suggest-cache must be 0 or more") }
    guard reserveMb >= 0 else { throw ValidationError("--reserve-mb must be 0 or more") }
    if model != nil && noModel { throw ValidationError("--model and --no-model exclude each other") }
    guard idleTimeout > 0, shutdownTimeout >= 0 else {
      throw ValidationError("--idle-timeout must be above 0 and --shutdown-timeout 0 or more")
    }
  }

  func run() async throws {
    let encoder = try ModelChoice(data: data).encoder(given: model, off: noModel)
    // A damaged or outdated index is rebuilt from the store in the background: the service answers at once.
    let engine = try await SuggestionEngine(
      dataFolder: data, weights: RankingWeights.read(weights), rebuilding: .inBackground(),
      reserveBytes: Int64(reserveMb) << 20, encoder: encoder)
    if let encoder { Terminal.note("smart reply weighs meaning with \(encoder.folder) (\(encoder.fingerprint))") }
    if let damage = engine.openReport.damage { Terminal.note("the index was damaged (\(damage)): rebuilding it") }
    let workbench = try Workbench(engine: engine, dataFolder: data, suggestCacheCapacity: suggestCache)
    let configuration = ServerConfiguration(
      host: host, port: port, idleTimeout: .milliseconds(Int64(idleTimeout * 1000)),
      shutdownTimeout: .milliseconds(Int64(shutdownTimeout * 1000)))
    let app = buildApplication(workbench: workbench, configuration: configuration, demo: demo)
    Terminal.note("serving \(data) on http://\(host):\(port) (SIGTERM or Ctrl-C stops)")
    Terminal.note("the workbench page: http://\(host):\(port)/")
    if demo { Terminal.note("the customer simulator (demo): http://\(host):\(port)/simulator") }
    try await runService(app, configuration: configuration)
  }
}

/// Which sentence-embedding model a data folder is served with: the one `--model` names, remembered in the
/// folder's `embedding-model` file for later starts, until `--no-model`.
struct ModelChoice {
  let file: String

  init(data: String) { file = (data as NSString).appendingPathComponent("embedding-model") }

  func encoder(given: String?, off: Bool) throws -> SentenceEncoder? {
    if off {
      try? FileManager.default.removeItem(atPath: file)
      return nil
    }
    let remembered = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(
      in: .whitespacesAndNewlines)
    guard let folder = given ?? remembered.flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
    let encoder: SentenceEncoder
    do {
      encoder = try SentenceEncoder(folder: folder)
    } catch {
      let origin = given != nil ? "--model" : "\(file) (remembered; --no-model forgets it)"
      throw ValidationError("\(origin): \(error)")
    }
    if given != nil {
      try FileManager.default.createDirectory(
        atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
      try (absolute + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }
    return encoder
  }
}

/// `replykit keys`: API keys.
struct KeysCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys", abstract: "API keys for the HTTP service.", subcommands: [Create.self])

  struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create a key for an agent (or the tenant's administrator); the key is the last line printed.")
    @OptionGroup var options: DataOptions
    @Option(help: "The agent the key speaks for.") var agent: String?
    @Flag(help: "The tenant's administrator key (may change any knowledge, dictionary and synonyms).")
    var admin = false

    func validate() throws {
      guard agent != nil || admin else { throw ValidationError("name an --agent, or make an --admin key") }
      if let agent, !DataOptions.isValidName(agent) {
        throw ValidationError("--agent must be 1 to 64 letters, digits, '.', '_' or '-'")
      }
    }

    func run() async throws {
      // The store only (SQLite in WAL mode takes a second process): a key can be made while a server runs,
      // which holds the index's write lock.
      try FileManager.default.createDirectory(atPath: options.data, withIntermediateDirectories: true)
      let store = try KnowledgeStore(path: (options.data as NSString).appendingPathComponent("replykit.sqlite"))
      let key = try APIKeys.create(for: .init(tenant: options.tenant, agent: agent, isAdmin: admin), in: store)
      print("key for tenant \(options.tenant)\(agent.map { ", agent \($0)" } ?? "")\(admin ? ", administrator" : "")")
      print("(shown once; ReplyKit keeps only its hash)")
      print(key)
    }
  }
}
