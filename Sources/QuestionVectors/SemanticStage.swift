import Embeddings
import Foundation
import Knowledge
import Synchronization

/// Meaning beside words: the vectors of a data folder's bot entries and articles, kept up with the store in the
/// background, and the sentence encoders that make them. The ranking asks it for a message's cosines with the
/// tenant's vectors (`beginScoring`).
///
/// Each tenant chooses (`TenantSettings.meaning`): no model, the service's standard one (`vectors.sqlite`), or a
/// model of its own installed in `models/<tenant>` (`vectors-own/<tenant>.sqlite`). Each model in use is a lane:
/// an encoder, its vectors in memory (`VectorTable`) and their writer. Lanes catch up one at a time on one queue.
public final class SemanticStage: @unchecked Sendable {
  /// The service's model, if it runs with one.
  public let standardEncoder: SentenceEncoder?
  private let dataFolder: String
  private let store: KnowledgeStore
  private let queue = DispatchQueue(label: "replykit.vectors", qos: .utility)
  private let state = Mutex(State())

  /// A model in use, and its vectors. The writer is used on `queue` only (hence @unchecked Sendable).
  final class Lane: @unchecked Sendable {
    let encoder: SentenceEncoder
    let table: VectorTable
    let writer: VectorWriter
    /// The size and date of the own model's weights file it was loaded from: a model installed again is loaded
    /// again.
    let weightsStamp: String?
    var applied: Int64
    var error: String?
    var encoded = 0

    init(_ lane: VectorLane, encoder: SentenceEncoder, path: String, store: KnowledgeStore, stamp: String?) throws {
      // Encoding runs beside the lexical search on the other core: two BLAS threads spinning slowed both.
      SentenceEncoder.useThreads(1)
      self.encoder = encoder
      weightsStamp = stamp
      table = VectorTable(dimension: encoder.dimension)
      writer = try VectorWriter(path: path, store: store, encoder: encoder, table: table, lane: lane)
      applied = writer.lastApplied
    }
  }

  private struct State {
    var lanes: [VectorLane: Lane] = [:]
    /// Own models that could not be opened, by tenant: why, and the weights file's stamp then (tried again
    /// only when the model is installed again).
    var failures: [String: (reason: String, stamp: String?)] = [:]
    /// A catch-up is queued and has not started: a poke meanwhile needs no other.
    var queued = false
  }

  /// What the background catch-up waits for before encoding (the index catching up with an import).
  private let busy: @Sendable () -> Bool

  /// Opens the vectors of the data folder's lanes: the standard model's (`vectors.sqlite`, when `encoder` is
  /// given) and those of the tenants with a model of their own. Vectors another model made are made anew.
  /// `busy`: while it says so, the background catch-up waits (at most 30 s at a time).
  public init(
    dataFolder: String, store: KnowledgeStore, standard encoder: SentenceEncoder?,
    busy: @escaping @Sendable () -> Bool = { false }
  ) throws {
    self.busy = busy
    self.dataFolder = dataFolder
    self.store = store
    standardEncoder = encoder
    if let encoder {
      let lane = try Lane(.standard, encoder: encoder, path: vectorPath(.standard), store: store, stamp: nil)
      state.withLock { $0.lanes[.standard] = lane }
    }
    try openOwnLanes()
  }

  /// Whether a tenant's name can name its folders (`models/<tenant>`, `vectors-own/<tenant>.sqlite`): not
  /// empty, no `/`, not starting with a dot (`..` would name another folder).
  public static func isFolderName(_ tenant: String) -> Bool {
    !tenant.isEmpty && !tenant.contains("/") && !tenant.hasPrefix(".")
  }

  /// Where a tenant's own model is installed.
  public static func ownModelFolder(dataFolder: String, tenant: String) -> String {
    (dataFolder as NSString).appendingPathComponent("models/\(tenant)")
  }

  private func vectorPath(_ lane: VectorLane) -> String {
    switch lane {
    case .standard: (dataFolder as NSString).appendingPathComponent("vectors.sqlite")
    case .own(let tenant): (dataFolder as NSString).appendingPathComponent("vectors-own/\(tenant).sqlite")
    }
  }

  private static func stamp(_ folder: String) -> String? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/model.safetensors") else {
      return nil
    }
    let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(attributes[.size] ?? 0)@\(date)"
  }

  /// Opens a lane for every tenant that chose a model of its own and has none open (or had its model installed
  /// again); closes those of tenants that chose otherwise once their vectors are gone.
  private func openOwnLanes() throws {
    let own = try store.meaningChoices().filter { $0.value == .own && Self.isFolderName($0.key) }.map(\.key)
    for tenant in own {
      let folder = Self.ownModelFolder(dataFolder: dataFolder, tenant: tenant)
      let stamp = Self.stamp(folder)
      let (open, failed) = state.withLock { ($0.lanes[.own(tenant: tenant)], $0.failures[tenant]) }
      if let open, open.weightsStamp == stamp { continue }
      if let failed, failed.stamp == stamp { continue }
      do {
        let encoder = try SentenceEncoder(folder: folder)
        try FileManager.default.createDirectory(
          atPath: (dataFolder as NSString).appendingPathComponent("vectors-own"), withIntermediateDirectories: true)
        let lane = try Lane(
          .own(tenant: tenant), encoder: encoder, path: vectorPath(.own(tenant: tenant)), store: store, stamp: stamp)
        state.withLock { state in
          state.lanes[.own(tenant: tenant)] = lane
          state.failures[tenant] = nil
        }
      } catch {
        state.withLock { $0.failures[tenant] = (String(describing: error), stamp) }
      }
    }
    let ended = state.withLock { state in
      state.lanes.filter { key, lane in
        key.tenant.map { !own.contains($0) } ?? false && lane.writer.covered.isEmpty
      }.keys
    }
    for key in ended {
      guard let lane = state.withLock({ $0.lanes.removeValue(forKey: key) }) else { continue }
      // Closed first: a pool closed after its files are gone could remove a new lane's journal at the path.
      try? lane.writer.close()
      for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: vectorPath(key) + suffix) }
    }
    state.withLock { state in
      state.failures = state.failures.filter { own.contains($0.key) }
    }
  }

  /// The lane whose vectors serve the tenant, given its choice.
  private func lane(tenant: String, choice: MeaningChoice) -> Lane? {
    switch choice {
    case .none: nil
    case .standard: state.withLock { $0.lanes[.standard] }
    case .own: state.withLock { $0.lanes[.own(tenant: tenant)] }
    }
  }

  /// Starts encoding `text` and scoring the tenant's vectors with it on another thread, so that the caller's
  /// lexical search runs meanwhile (the encoder takes a few milliseconds, about as long as the rest of smart
  /// reply). Nil when the tenant has no model or no vectors, or its model cannot read the text.
  public func beginScoring(_ text: String, tenant: String, choice: MeaningChoice) -> PendingScores? {
    guard let lane = lane(tenant: tenant, choice: choice), lane.table.counts(tenant: tenant).items > 0,
      lane.encoder.reads(text)
    else { return nil }
    return PendingScores { [encoder = lane.encoder, table = lane.table] in
      table.scores(tenant: tenant, query: encoder.encode(text))
    }
  }

  /// Something was written to the store: the vectors should follow, in the background.
  public func poke() {
    let schedule = state.withLock { state -> Bool in
      defer { state.queued = true }
      return !state.queued
    }
    guard schedule else { return }
    queue.async { [self] in
      state.withLock { $0.queued = false }
      catchUpOnce(yielding: true)
    }
  }

  /// Waits until the vectors hold everything written before this call; throws what the catch-up met: in any
  /// lane, or (`tenant`) in the lanes that serve that tenant.
  public func finish(tenant: String? = nil) async throws {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      queue.async { [self] in
        catchUpOnce(yielding: false)
        done.resume()
      }
    }
    let errors = state.withLock { state in
      state.lanes.compactMap { key, lane -> String? in
        guard tenant == nil || key == .standard || key == .own(tenant: tenant!) else { return nil }
        return lane.error.map { "\(key): \($0)" }
      }
        + state.failures.filter { tenant == nil || $0.key == tenant }.map {
          "own model of \($0.key): \($0.value.reason)"
        }
    }
    if let error = errors.sorted().first { throw SemanticStageError.catchUpFailed(error) }
  }

  /// `yielding`: a background catch-up lets a bulk import finish writing first (`VectorWriter.catchUp`).
  private func catchUpOnce(yielding: Bool) {
    try? openOwnLanes()
    catchUpLanes(yielding: yielding)
    // A lane whose tenant chose another model has dropped its vectors by now, and closes.
    try? openOwnLanes()
  }

  private func catchUpLanes(yielding: Bool) {
    let lanes = state.withLock { $0.lanes.sorted { $0.key.description < $1.key.description }.map(\.value) }
    for lane in lanes {
      do {
        let encoded = try lane.writer.catchUp(yielding: yielding, busy: busy)
        let applied = lane.writer.lastApplied
        state.withLock { _ in
          (lane.applied, lane.error) = (applied, nil)
          lane.encoded += encoded
        }
      } catch {
        state.withLock { _ in lane.error = String(describing: error) }
      }
    }
  }

  /// How far a lane's vectors are: what health routes, tenant settings and import status report.
  public struct Status: Sendable, Equatable {
    /// The model's folder name and weights hash (`SentenceEncoder.fingerprint`).
    public var model: String
    /// Whether every change of the store is encoded.
    public var caughtUp: Bool
    /// Store changes not encoded yet.
    public var changesBehind: Int64
    /// Entries with vectors, and their vectors (questions).
    public var items: Int
    public var vectors: Int
    /// Items encoded or removed since the stage opened (vectors read back from `vectors.sqlite` are not).
    public var encodedSinceOpen: Int
    /// Memory the vectors' values take.
    public var bytes: Int
    /// Why the last catch-up failed, if it did (the next write tries again).
    public var error: String?
  }

  /// The standard lane's status; nil when the service runs without a model.
  public func status() throws -> Status? {
    try state.withLock({ $0.lanes[.standard] }).map { try status(of: $0, tenant: nil) }
  }

  /// The status of the lane that serves the tenant, for its choice; nil when it has none. A tenant whose own
  /// model failed to open gets the failure.
  public func status(tenant: String, choice: MeaningChoice) throws -> Status? {
    if choice == .own, let failure = state.withLock({ $0.failures[tenant] }) {
      return Status(
        model: "", caughtUp: false, changesBehind: 0, items: 0, vectors: 0, encodedSinceOpen: 0, bytes: 0,
        error: failure.reason)
    }
    return try lane(tenant: tenant, choice: choice).map { try status(of: $0, tenant: tenant) }
  }

  /// A lane's status, its vectors counted for `tenant` (all of them when nil).
  private func status(of lane: Lane, tenant: String?) throws -> Status {
    let last = try store.lastChangeSeq()
    let (applied, error, encoded) = state.withLock { _ in (lane.applied, lane.error, lane.encoded) }
    let behind = applied < 0 ? max(last, 1) : max(0, last - applied)
    let held: (items: Int, vectors: Int, bytes: Int)
    if let tenant {
      let counts = lane.table.counts(tenant: tenant)
      held = (counts.items, counts.vectors, counts.vectors * lane.encoder.dimension * MemoryLayout<Float>.size)
    } else {
      held = lane.table.totals
    }
    return Status(
      model: lane.encoder.fingerprint, caughtUp: behind == 0, changesBehind: behind, items: held.items,
      vectors: held.vectors, encodedSinceOpen: encoded, bytes: held.bytes, error: error)
  }

  /// Whether the tenant can choose a model of its own: one is installed for it and opens. Throws why not.
  public func checkOwnModel(tenant: String) throws {
    guard Self.isFolderName(tenant) else {
      throw SemanticStageError.noOwnModel(tenant: tenant, "the tenant's name cannot name a folder")
    }
    do {
      _ = try SentenceEncoder(folder: Self.ownModelFolder(dataFolder: dataFolder, tenant: tenant))
    } catch {
      throw SemanticStageError.noOwnModel(tenant: tenant, String(describing: error))
    }
  }
}

/// Scores being computed on another thread; `wait()` blocks until they are there.
public final class PendingScores: @unchecked Sendable {
  // Written once on the worker thread before `leave()`; read only after `wait()`: the group orders the two.
  private var scores: VectorTable.Scores?
  private let group = DispatchGroup()

  init(_ work: @escaping @Sendable () -> VectorTable.Scores?) {
    group.enter()
    DispatchQueue.global(qos: .userInitiated).async {
      self.scores = work()
      self.group.leave()
    }
  }

  public func wait() -> VectorTable.Scores? {
    group.wait()
    return scores
  }
}

public enum SemanticStageError: Error, Equatable, CustomStringConvertible {
  case catchUpFailed(String)
  /// The tenant chose a model of its own, and none is installed that opens.
  case noOwnModel(tenant: String, String)

  public var description: String {
    switch self {
    case .catchUpFailed(let reason): "the vectors could not catch up with the store: \(reason)"
    case .noOwnModel(let tenant, let reason):
      "tenant \(tenant) has no model of its own that opens (replykit model install --tenant \(tenant) DIR): \(reason)"
    }
  }
}
