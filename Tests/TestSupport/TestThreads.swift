import NIOPosix
import Testing

/// Pools of threads for tests that must not share the global concurrent pool with the rest of the suite.
///
/// On Linux, Swift's tasks and `DispatchQueue.global()` run on libdispatch's worker threads, about as many as the
/// machine has cores (two here). Swift Testing starts every test at once; a synchronous test holds its worker until
/// it returns, and one that waits for a subprocess or computes for seconds holds it that long. Behind two of them
/// everything else waits in line: a live server's handlers, its client's reads, even the start of the next test.
/// Loaded runs stalled every HTTP test for about ninety seconds, long enough for the live test client's read timeout
/// and the server's idle timeout to close connections. A suite with one of the traits below runs its tests, the
/// tasks they start in structure and the actors they call, on threads of its pool; the operating system then shares
/// the cores between the pools, so no test waits for another to return.
public final class TestThreads: TaskExecutor {
  /// For suites that run a live server in the test process and talk to it: they wait for replies, with timeouts.
  public static let servers = TestThreads(count: 8)
  /// For suites whose tests wait for a subprocess or compute for seconds.
  public static let blocking = TestThreads(count: 4)

  private let pool: NIOThreadPool

  private init(count: Int) {
    pool = NIOThreadPool(numberOfThreads: count)
    pool.start()
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    pool.submit { _ in job.runSynchronously(on: executor) }
  }
}

/// Runs each test of a suite on a pool of `TestThreads`.
public struct OnTestThreads: SuiteTrait, TestTrait, TestScoping {
  let threads: TestThreads

  public var isRecursive: Bool { true }

  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    try await withTaskExecutorPreference(threads) { try await function() }
  }
}

extension Trait where Self == OnTestThreads {
  /// The suite runs live servers in the test process (`TestThreads.servers`).
  public static var liveServers: Self { Self(threads: .servers) }
  /// The suite's tests wait for subprocesses or compute for seconds (`TestThreads.blocking`).
  public static var blocking: Self { Self(threads: .blocking) }
}
