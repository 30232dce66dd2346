import Dispatch
import Index
import Synchronization

/// Where suggest and smart reply spend their time, stage by stage, while recording is on
/// (`replykit-bench suggest --stages`). Latency work needs this breakdown, and every session that chased the
/// 100k-item p99 rebuilt it as throw-away instrumentation; off, a stage costs one atomic load.
public final class SuggestStages: Sendable {
  /// The stages of a request, in the order they run.
  public enum Stage: String, CaseIterable, Sendable {
    /// The typed text analysed and its queries planned.
    case analysis
    /// `#` suggest's tiers: titles with every word, contents with every word, then any of the words.
    case titleTier, contentTier, relaxedTiers
    /// The question model's path (typed questions and smart reply): candidates with every word (titles,
    /// then titles and questions), candidates with any word or character pair, each candidate's questions
    /// decoded, weighed and compared, and the model's ranking.
    case questionAllWords, questionAnyWord, questionWeighing, questionRanking
    /// Smart reply's semantic stage: the message encoded, and the items nearest in meaning found.
    case meaning
    /// The agent's quick replies whose title starts with the typed text, put first.
    case quickTitleStarts
    /// The shown items read from the store, and their titles and contents highlighted.
    case storeRead, highlighting
  }

  /// How often a stage ran and how long it took in all.
  public struct Total: Sendable, Equatable {
    public var count = 0
    public var nanoseconds: UInt64 = 0

    public init(count: Int = 0, nanoseconds: UInt64 = 0) {
      self.count = count
      self.nanoseconds = nanoseconds
    }
  }

  private let recording = Atomic<Bool>(false)
  private let totals = Mutex<[Stage: Total]>([:])

  public init() {}

  /// Starts recording from zero.
  public func start() {
    totals.withLock { $0 = [:] }
    recording.store(true, ordering: .releasing)
  }

  /// Stops recording; what was recorded stays readable.
  public func stop() { recording.store(false, ordering: .releasing) }

  /// What was recorded, by stage (stages that never ran are missing).
  public var recorded: [Stage: Total] { totals.withLock { $0 } }

  /// What was recorded between `before` and `after` (two readings of `recorded`), by stage.
  public static func difference(_ after: [Stage: Total], _ before: [Stage: Total]) -> [Stage: Total] {
    after.reduce(into: [:]) { result, entry in
      let earlier = before[entry.key] ?? Total()
      guard entry.value.count > earlier.count else { return }
      result[entry.key] = Total(
        count: entry.value.count - earlier.count, nanoseconds: entry.value.nanoseconds - earlier.nanoseconds)
    }
  }

  /// Runs `body`, adding its time to `stage` while recording.
  func measure<T>(_ stage: Stage, _ body: () throws -> T) rethrows -> T {
    guard recording.load(ordering: .acquiring) else { return try body() }
    let start = DispatchTime.now().uptimeNanoseconds
    defer {
      let elapsed = DispatchTime.now().uptimeNanoseconds - start
      totals.withLock { totals in
        totals[stage, default: Total()].count += 1
        totals[stage, default: Total()].nanoseconds += elapsed
      }
    }
    return try body()
  }
}
