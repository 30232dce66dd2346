import Embeddings
import Foundation
import Knowledge
import Synchronization

/// Meaning beside words: a sentence encoder, the vectors of a data folder's bot entries and articles
/// (`vectors.sqlite`, in memory as a `VectorTable`), and the writer that keeps them up with the store in the
/// background. The ranking asks it for a message's cosines with the tenant's vectors (`beginScoring`).
public final class SemanticStage: @unchecked Sendable {
  public let encoder: SentenceEncoder
  public let table: VectorTable
  private let store: KnowledgeStore
  // Used on `queue` only: every catch-up runs there, one at a time (hence @unchecked Sendable).
  private let writer: VectorWriter
  private let queue = DispatchQueue(label: "replykit.vectors", qos: .utility)
  private let state = Mutex(State())

  private struct State {
    /// A catch-up is queued and has not started: a poke meanwhile needs no other.
    var queued = false
    /// The last change the vectors hold (the writer's, kept here for readers).
    var applied: Int64 = -1
    var error: String?
    /// Items encoded (or removed) since the stage opened.
    var encoded = 0
  }

  /// What the background catch-up waits for before encoding (the index catching up with an import).
  private let busy: @Sendable () -> Bool

  /// Opens the vectors of the data folder (`vectors.sqlite`), made anew when another model made them.
  /// `busy`: while it says so, the background catch-up waits (at most 30 s at a time).
  public init(
    dataFolder: String, store: KnowledgeStore, encoder: SentenceEncoder,
    busy: @escaping @Sendable () -> Bool = { false }
  ) throws {
    self.busy = busy
    self.encoder = encoder
    self.store = store
    SentenceEncoder.useThreads(1)
    table = VectorTable(dimension: encoder.dimension)
    writer = try VectorWriter(
      path: (dataFolder as NSString).appendingPathComponent("vectors.sqlite"), store: store, encoder: encoder,
      table: table)
    let applied = writer.lastApplied
    state.withLock { $0.applied = applied }
  }

  /// Starts encoding `text` and scoring the tenant's vectors with it on another thread, so that the caller's
  /// lexical search runs meanwhile (the encoder takes a few milliseconds, about as long as the rest of smart
  /// reply). Nil when the model cannot read the text or the tenant has no vectors.
  public func beginScoring(_ text: String, tenant: String) -> PendingScores? {
    guard table.counts(tenant: tenant).items > 0, encoder.reads(text) else { return nil }
    return PendingScores { [encoder, table] in table.scores(tenant: tenant, query: encoder.encode(text)) }
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

  /// Waits until the vectors hold everything written before this call; throws what the catch-up met.
  public func finish() async throws {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      queue.async { [self] in
        catchUpOnce(yielding: false)
        done.resume()
      }
    }
    if let error = state.withLock({ $0.error }) { throw SemanticStageError.catchUpFailed(error) }
  }

  /// `yielding`: a background catch-up lets a bulk import finish writing first (`VectorWriter.catchUp`).
  private func catchUpOnce(yielding: Bool) {
    do {
      let encoded = try writer.catchUp(yielding: yielding, busy: busy)
      let applied = writer.lastApplied
      state.withLock { state in
        (state.applied, state.error) = (applied, nil)
        state.encoded += encoded
      }
    } catch {
      state.withLock { $0.error = String(describing: error) }
    }
  }

  /// How far the vectors are: what health routes and import status report.
  public struct Status: Sendable, Equatable {
    /// The model's folder name and weights hash (`SentenceEncoder.fingerprint`).
    public var model: String
    /// Whether every change of the store is encoded.
    public var caughtUp: Bool
    /// Store changes not encoded yet.
    public var changesBehind: Int64
    public var vectors: Int
    /// Items encoded or removed since the stage opened (vectors read back from `vectors.sqlite` are not).
    public var encodedSinceOpen: Int
    /// Memory the vectors' values take.
    public var bytes: Int
    /// Why the last catch-up failed, if it did (the next write tries again).
    public var error: String?
  }

  public func status() throws -> Status {
    let last = try store.lastChangeSeq()
    let (applied, error, encoded) = state.withLock { ($0.applied, $0.error, $0.encoded) }
    let behind = applied < 0 ? max(last, 1) : max(0, last - applied)
    let totals = table.totals
    return Status(
      model: encoder.fingerprint, caughtUp: behind == 0, changesBehind: behind, vectors: totals.vectors,
      encodedSinceOpen: encoded, bytes: totals.bytes, error: error)
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

  public var description: String {
    switch self {
    case .catchUpFailed(let reason): "the vectors could not catch up with the store: \(reason)"
    }
  }
}
