import Embeddings
import Foundation
import Index
import Knowledge
import QuestionVectors
import Ranking
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
  /// The vectors of bot entries and articles, for the tenants with a sentence-embedding model (the service's,
  /// given to `init`, or their own): they follow the store in the background, and smart reply weighs meaning
  /// beside words.
  public let semantic: SemanticStage

  /// What opening found and did, for logs and the CLI.
  public struct OpenReport: Sendable {
    /// Changes applied to catch up with the store (items, when the index was rebuilt before `init` returned).
    public var caughtUp: Int
    /// Whether the whole index was rebuilt, or is being rebuilt (new, made by another analyzer, or damaged).
    public var rebuilt: Bool
    /// Why the index found was set aside (it could not be opened or read), if it was.
    public var damage: String?
  }

  private let opened: OpenReport
  /// What opening found and did (a rebuild's item count once it finished).
  public var openReport: OpenReport {
    var report = opened
    if report.rebuilt { report.caughtUp = state.withLock { $0.items } }
    return report
  }

  /// When an index that must be rebuilt is rebuilt.
  public enum Rebuilding: Sendable {
    /// Before `init` returns, and before `catchUp()` returns when the index turns out damaged: the commands
    /// that run and stop.
    case beforeReturning
    /// In the background, while the engine answers `IndexStatus.rebuilding` (`replykit serve`: the service
    /// is up at once, and suggest answers 503 until the index is whole again). `before` runs first, on the
    /// rebuild's task (tests hold the rebuild there).
    case inBackground(before: @Sendable () async -> Void = {})
  }

  /// Whether the index can answer.
  public enum IndexStatus: Sendable, Equatable {
    case ready
    /// Being rebuilt from the store; searches wait for it.
    case rebuilding
    /// A rebuild failed (the message says why); the next write or `reindex()` tries again.
    case failed(String)
  }

  private let rebuilding: Rebuilding
  private struct RebuildState {
    var status = IndexStatus.ready
    var task: Task<Void, Never>?
    /// Items the last finished rebuild indexed.
    var items = 0
  }
  private let state = Mutex(RebuildState())

  public var indexStatus: IndexStatus { state.withLock { $0.status } }

  /// `reserveBytes`: the free space below which the store refuses changes (`KnowledgeStore.reserveBytes`).
  /// `encoder`: a sentence-embedding model for smart reply (none: words alone, as without the stage).
  public init(
    dataFolder: String, weights: RankingWeights = .standard, rebuilding: Rebuilding = .beforeReturning,
    reserveBytes: Int64 = KnowledgeStore.defaultReserveBytes, encoder: SentenceEncoder? = nil
  ) async throws {
    try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
    store = try KnowledgeStore(
      path: (dataFolder as NSString).appendingPathComponent("replykit.sqlite"), reserveBytes: reserveBytes)
    analyzer = try Analyzer()
    analyzers = TenantAnalyzers(base: analyzer, store: store)
    let indexPath = (dataFolder as NSString).appendingPathComponent("index")
    readers = IndexReaderPool(path: indexPath)
    writer = try IndexWriter(path: indexPath, store: store, analyzers: analyzers, readers: readers)
    // Encoding waits while the index catches up with a bulk import: the import is done only then.
    semantic = try SemanticStage(dataFolder: dataFolder, store: store, standard: encoder) { [readers, store] in
      (try? readers.isBehind(store)) ?? false
    }
    suggester = Suggester(readers: readers, store: store, analyzers: analyzers, weights: weights, semantic: semantic)
    self.rebuilding = rebuilding
    let damage = writer.damage
    var rebuild = await writer.needsRebuild
    var applied = 0
    if !rebuild {
      do {
        applied = try await writer.catchUp()
      } catch let error as IndexError where error.isDamage {
        rebuild = true
      }
    }
    opened = OpenReport(caughtUp: applied, rebuilt: rebuild, damage: damage)
    if rebuild {
      try await startRebuild()
    } else {
      // A long backlog caught up is a bulk load.
      try await writer.compactIfWorthIt()
    }
    semantic.poke()
  }

  /// Rebuilds the index from the store: now, or on a task of its own (`Rebuilding.inBackground`). A rebuild
  /// already running is the one waited for.
  private func startRebuild() async throws {
    let task = state.withLock { state -> Task<Void, Never> in
      if let task = state.task { return task }
      state.status = .rebuilding
      let task = Task { [self] in
        if case .inBackground(let before) = rebuilding { await before() }
        var items = 0
        let outcome: IndexStatus
        do {
          items = try await writer.resetAndRebuild()
          try await writer.compactIfWorthIt()
          outcome = .ready
        } catch {
          outcome = .failed(String(describing: error))
        }
        self.state.withLock { state in (state.status, state.task, state.items) = (outcome, nil, items) }
        // Writes made while the rebuild ran had their catch-up skipped; the rebuild's own catch-up took most
        // of them, and this takes the rest.
        if outcome == .ready { _ = try? await writer.catchUp() }
      }
      state.task = task
      return task
    }
    guard case .beforeReturning = rebuilding else { return }
    await task.value
    if case .failed(let message) = indexStatus { throw IndexError.runtime(message) }
  }

  /// Waits for a rebuild running in the background, if one is.
  public func waitUntilIndexed() async {
    if let task = state.withLock({ $0.task }) { await task.value }
  }

  /// A second suggester over the same index and store, ranking with other weights (its caches its own): two
  /// rankings compared side by side in one process (`replykit-bench suggest --against`).
  public func suggester(weights: RankingWeights, keepsSharedHits: Bool = true) -> Suggester {
    Suggester(
      readers: readers, store: store, analyzers: analyzers, weights: weights, semantic: semantic,
      keepsSharedHits: keepsSharedHits)
  }

  /// The tenant's analyzer (with its user dictionary), for other text the service searches (conversations).
  public func analyzer(for tenant: String) throws -> Analyzer { try analyzers.analyzer(for: tenant) }

  /// Applies the store's changes the index has not seen (call after writing to the store). While the index is
  /// rebuilt, nothing: the rebuild takes every change. An index found damaged is rebuilt (see `Rebuilding`).
  @discardableResult
  public func catchUp() async throws -> Int {
    // The vectors follow the store on their own, whatever the index is doing.
    semantic.poke()
    switch indexStatus {
    case .rebuilding: return 0
    case .failed:
      try await startRebuild()
      return 0
    case .ready: break
    }
    do {
      return try await writer.catchUp()
    } catch let error as IndexError where error.isDamage {
      try await startRebuild()
      return 0
    }
  }

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
  public func compactIfWorthIt() async throws -> Bool {
    // A rebuild compacts when it is done.
    guard indexStatus == .ready else { return false }
    return try await writer.compactIfWorthIt()
  }

  /// Compacts the index now (`replykit compact`).
  public func compactIndex() async throws { try await writer.compact() }

  /// Bumped when a tenant's agents, synonyms, dictionary or settings change.
  private let tenantState = Atomic<Int>(0)

  /// Changes whenever any suggestion could change: a commit of the index (items, usage), or a tenant's agents,
  /// synonyms, dictionary or settings. A cache of results is valid while it stays the same. (Both counters only
  /// grow, so their sum changes whenever either does.)
  public var resultsVersion: Int { readers.currentGeneration &+ tenantState.load(ordering: .acquiring) }

  /// Documents in the index (language versions count apart).
  public func indexedDocumentCount() async throws -> Int {
    // From a reader: the writer may be busy with a rebuild for minutes, and a count must not wait for it.
    try readers.withReader { try $0.documentCount }
  }

  /// Whether the store holds changes the index has not applied (outside a rebuild). It does not wait for the
  /// writer: it compares with the writer's last commit.
  public func indexIsBehind() throws -> Bool {
    guard indexStatus == .ready else { return false }
    return try readers.isBehind(store)
  }

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

  /// Applies `change` to the tenant's settings as stored (one transaction) and returns them. Throws
  /// `SemanticStageError.noOwnModel` (and changes nothing) when they would choose a model of the tenant's own
  /// and none is installed that opens.
  public func updateSettings(tenant: String, _ change: (inout TenantSettings) -> Void) async throws
    -> TenantSettings
  {
    var chosen = try store.settings(tenant: tenant)
    change(&chosen)
    if chosen.meaning == .own { try semantic.checkOwnModel(tenant: tenant) }
    let settings = try store.updateSettings(tenant: tenant, change)
    suggester.forget(tenant: tenant)
    tenantState.add(1, ordering: .releasing)
    try await catchUp()
    return settings
  }

  /// Replaces the tenant's settings (`updateSettings`, which says what it throws).
  public func setSettings(_ settings: TenantSettings) async throws {
    _ = try await updateSettings(tenant: settings.tenant) { $0 = settings }
  }

  /// An agent picked a suggestion: usage goes up and the ranking follows.
  public func recordPick(tenant: String, source: KnowledgeSource, id: String) async throws {
    try store.recordUse(tenant: tenant, source: source, id: id)
    try await catchUp()
  }
}
