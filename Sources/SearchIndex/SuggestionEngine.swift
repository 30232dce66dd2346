import Foundation
import Knowledge
import Synchronization
import TextAnalysis

/// A data folder at work: the SQLite store (the source of truth, `replykit.sqlite`), the Xapian index that
/// follows it (`index/`), and suggestions over both. Opening it brings the index up to date with the store:
/// after a crash it applies what it missed; built by another analyzer version, it is rebuilt.
public final class SuggestionEngine: Sendable {
  public let store: KnowledgeStore
  public let suggester: Suggester
  public let analyzer: Analyzer
  let writer: IndexWriter
  let readers: IndexReaderPool
  let analyzers: TenantAnalyzers

  /// What opening found and did, for logs and the CLI.
  public struct OpenReport: Sendable {
    /// Changes applied to catch up with the store.
    public var caughtUp: Int
    /// Whether the whole index was rebuilt (new, or made by another analyzer).
    public var rebuilt: Bool
  }

  public let openReport: OpenReport

  public init(dataFolder: String, weights: RankingWeights = .standard) async throws {
    try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
    store = try KnowledgeStore(path: (dataFolder as NSString).appendingPathComponent("replykit.sqlite"))
    analyzer = try Analyzer()
    analyzers = TenantAnalyzers(base: analyzer, store: store)
    let indexPath = (dataFolder as NSString).appendingPathComponent("index")
    readers = IndexReaderPool(path: indexPath)
    writer = try IndexWriter(path: indexPath, store: store, analyzers: analyzers, readers: readers)
    suggester = Suggester(readers: readers, store: store, analyzers: analyzers, weights: weights)
    let rebuild = await writer.needsRebuild
    let stale = try await writer.documentCount > 0
    let applied = rebuild && stale ? try await writer.resetAndRebuild() : try await writer.catchUp()
    // A rebuild, or a long backlog caught up, is a bulk load.
    try await writer.compactIfWorthIt()
    openReport = OpenReport(caughtUp: applied, rebuilt: rebuild)
  }

  /// A second suggester over the same index and store, ranking with other weights (its caches its own): two
  /// rankings compared side by side in one process (`replykit bench suggest --against`).
  public func suggester(weights: RankingWeights) -> Suggester {
    Suggester(readers: readers, store: store, analyzers: analyzers, weights: weights)
  }

  /// The tenant's analyzer (with its user dictionary), for other text the service searches (conversations).
  public func analyzer(for tenant: String) throws -> Analyzer { try analyzers.analyzer(for: tenant) }

  /// Applies the store's changes the index has not seen (call after writing to the store).
  @discardableResult
  public func catchUp() async throws -> Int { try await writer.catchUp() }

  /// A catch-up that runs beside the caller's writes (bulk imports): `poke()` after each write.
  public func backgroundCatchUp() -> BackgroundCatchUp { BackgroundCatchUp(engine: self) }

  /// Rebuilds the index from the store (`replykit reindex`).
  @discardableResult
  public func reindex() async throws -> Int {
    let count = try await writer.resetAndRebuild()
    try await writer.compactIfWorthIt()
    return count
  }

  /// Compacts the index if a bulk load wrote at least a tenth of it since the last compaction (see
  /// `IndexWriter.compactIfWorthIt`); returns whether it did.
  @discardableResult
  public func compactIfWorthIt() async throws -> Bool { try await writer.compactIfWorthIt() }

  /// Compacts the index now (`replykit compact`).
  public func compactIndex() async throws { try await writer.compact() }

  /// Bumped when a tenant's agents, synonyms, dictionary or settings change.
  private let tenantState = Atomic<Int>(0)

  /// Changes whenever any suggestion could change: a commit of the index (items, usage), or a tenant's agents,
  /// synonyms, dictionary or settings. A cache of results is valid while it stays the same. (Both counters only
  /// grow, so their sum changes whenever either does.)
  public var resultsVersion: Int { readers.currentGeneration &+ tenantState.load(ordering: .acquiring) }

  /// Documents in the index (language versions count apart).
  public func indexedDocumentCount() async throws -> Int { try await writer.documentCount }

  /// The number of the last store change the index holds.
  public func lastAppliedChange() async -> Int64 { await writer.lastApplied }

  // MARK: Writes that also concern cached tenant state

  public func setAgent(_ agent: Agent) throws {
    try store.setAgent(agent)
    suggester.forget(tenant: agent.tenant)
    tenantState.add(1, ordering: .releasing)
  }

  /// Declares `terms` synonyms of each other. A term the segmenter cuts into several words (年费 is 年 费 in most
  /// text) could never stand in for one word, so such terms (not Latin ones, whose phrases have spaces) also
  /// become the tenant's user-dictionary words, and the items that contain them are re-indexed.
  public func addSynonyms(tenant: String, _ terms: [String]) async throws {
    let analyzer = try analyzers.analyzer(for: tenant)
    let cut = try terms.filter { term in
      let tokens = try analyzer.analyze(term)
      return tokens.count > 1 && tokens.allSatisfy { $0.script != .latin }
    }
    if !cut.isEmpty { _ = try store.addWords(tenant: tenant, cut) }
    try store.addSynonyms(tenant: tenant, terms)
    suggester.forget(tenant: tenant)
    tenantState.add(1, ordering: .releasing)
    try await catchUp()
  }

  /// Adds user-dictionary words; the items that contain them are re-indexed.
  @discardableResult
  public func addWords(tenant: String, _ words: [String]) async throws -> [String] {
    let added = try store.addWords(tenant: tenant, words)
    suggester.forget(tenant: tenant)
    tenantState.add(1, ordering: .releasing)
    try await catchUp()
    return added
  }

  /// Replaces the tenant's learned word evidence (`WordEvidenceLearner`); the question model uses it at once.
  public func setWordEvidence(tenant: String, _ evidence: [String: WordEvidence]) throws {
    try store.setWordEvidence(tenant: tenant, evidence)
    suggester.forget(tenant: tenant)
    tenantState.add(1, ordering: .releasing)
  }

  public func setSettings(_ settings: TenantSettings) async throws {
    try store.setSettings(settings)
    suggester.forget(tenant: settings.tenant)
    tenantState.add(1, ordering: .releasing)
    try await catchUp()
  }

  /// An agent picked a suggestion: usage goes up and the ranking follows.
  public func recordPick(tenant: String, source: KnowledgeSource, id: String) async throws {
    try store.recordUse(tenant: tenant, source: source, id: id)
    try await catchUp()
  }
}
