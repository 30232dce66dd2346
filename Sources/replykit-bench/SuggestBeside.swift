import CommandLineSupport
import Foundation
import Histogram
import Ranking
import Synchronization

/// Suggestions timed while something else works on the same engine (`replykit-bench import --suggest-beside`):
/// one request at a time on a thread of its own, a typed prefix every `pause` as an agent types, until stopped.
/// What it measures is whether the writer starves the readers, not how fast suggest is alone.
final class SuggestBeside: Sendable {
  private struct State {
    var stop = false
    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var empty = 0
    var failures = 0
  }
  private let state = Mutex(State())
  private let done = DispatchSemaphore(value: 0)

  struct Report: Codable {
    var requests: Int
    var p50Ms: Double
    var p99Ms: Double
    var maxMs: Double
    /// Requests that found nothing (early in an import, few items are indexed yet).
    var empty: Int
    var failures: Int
  }

  /// Starts typing `typed` (round and round) into `suggester` as `tenant`'s agent-7.
  init(_ suggester: @escaping @Sendable () -> Suggester, typed: [String], tenant: String, pause: Duration) {
    let options = SuggestOptions(agent: "agent-7", limit: 5)
    Thread.detachNewThread { [self] in
      var next = 0
      while !state.withLock({ $0.stop }) {
        let text = typed[next % typed.count]
        next += 1
        let started = ContinuousClock.now
        let found = try? suggester().suggest(text, tenant: tenant, options: options)
        let nanoseconds = UInt64(max(((ContinuousClock.now - started).milliseconds * 1e6).rounded(), 1))
        state.withLock { state in
          state.latencies.record(nanoseconds)
          if found == nil { state.failures += 1 } else if found!.isEmpty { state.empty += 1 }
        }
        Thread.sleep(forTimeInterval: pause.milliseconds / 1000)
      }
      done.signal()
    }
  }

  /// Stops after the request under way and reports every request's latency.
  func stop() -> Report {
    state.withLock { $0.stop = true }
    done.wait()
    return state.withLock { state in
      Report(
        requests: Int(state.latencies.totalCount), p50Ms: Double(state.latencies.valueAtPercentile(50)) / 1e6,
        p99Ms: Double(state.latencies.valueAtPercentile(99)) / 1e6, maxMs: Double(state.latencies.max) / 1e6,
        empty: state.empty, failures: state.failures)
    }
  }
}
