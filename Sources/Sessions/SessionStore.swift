import Foundation
import GRDB
import Knowledge
import Synchronization

/// The conversations of the agent workbench: customers, sessions, messages, their history of actions, service
/// summaries and the outbox, in SQLite beside the knowledge store (`sessions.sqlite` in the data folder).
///
/// Every action is one transaction, and a message is acknowledged only after its transaction committed with
/// `synchronous=FULL` in WAL mode, so a killed process loses no acknowledged message. Times are stored as
/// seconds since 1970 so that SQL can compare them (alarms, the last 24 hours).
public final class SessionStore: Sendable {
  let database: any DatabaseWriter
  /// The store's clock; tests move it forward to cross the recall window without waiting.
  public let clock: SessionClock

  /// Messages waiting for the next group commit.
  let commits = CommitQueue()

  /// How long an agent may recall its own message.
  public static let recallWindow: TimeInterval = 120

  public init(path: String, clock: SessionClock = SessionClock()) throws(SessionStoreError) {
    self.clock = clock
    do throws(RecordDatabase.Failure) {
      database = try RecordDatabase.open(path: path, migrator: Self.migrator, durability: .full).writer
    } catch {
      throw Self.mapped(error)
    }
  }

  public init(clock: SessionClock = SessionClock()) throws(SessionStoreError) {
    self.clock = clock
    do throws(RecordDatabase.Failure) {
      database = try RecordDatabase.inMemory(migrator: Self.migrator).writer
    } catch {
      throw Self.mapped(error)
    }
  }

  static func mapped(_ error: any Error) -> SessionStoreError {
    if let error = error as? SessionStoreError { return error }
    switch RecordDatabase.failure(error) {
    case .diskFull: return .diskFull
    case .database(let message): return .database(message)
    }
  }

  func read<T>(_ body: (Database) throws -> T) throws(SessionStoreError) -> T {
    do { return try database.read(body) } catch { throw Self.mapped(error) }
  }

  func write<T>(_ body: (Database) throws -> T) throws(SessionStoreError) -> T {
    do { return try database.write(body) } catch { throw Self.mapped(error) }
  }

  var now: Date { clock.now }
}

/// The wall clock, plus an offset that tests can move forward.
public final class SessionClock: Sendable {
  private let offset = Mutex(0.0)

  public init() {}

  public var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }

  /// Moves the clock forward (tests: a recall after the window, an alarm, a timeout).
  public func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

/// A message waiting for its group commit, and the caller waiting for its answer.
struct PendingMessage: Sendable {
  var new: NewMessage
  var session: Int64
  var caller: Caller
  var continuation: CheckedContinuation<SessionStore.PostedMessage, any Error>
}

/// The queue of a group commit: who is waiting, and whether someone is already committing.
final class CommitQueue: Sendable {
  private let state = Mutex<(pending: [PendingMessage], draining: Bool, rounds: Int)>(([], false, 0))

  /// How many transactions the queue has handed out (each commits every message waiting when it began).
  var rounds: Int { state.withLock { $0.rounds } }
  /// How many messages wait for the next transaction.
  var waiting: Int { state.withLock { $0.pending.count } }

  /// Adds a message; true when the caller has to drain the queue (nobody else is).
  func enqueue(_ job: PendingMessage) -> Bool {
    state.withLock { state in
      state.pending.append(job)
      if state.draining { return false }
      state.draining = true
      return true
    }
  }

  /// Everything waiting, or nil (and the drainer stops) when nothing is.
  func takeAll() -> [PendingMessage]? {
    state.withLock { state in
      guard !state.pending.isEmpty else {
        state.draining = false
        return nil
      }
      defer { state.pending = [] }
      state.rounds += 1
      return state.pending
    }
  }
}

extension SessionStore {
  /// A new id for a row of `table` (sessions, messages, outbox entries, saved groups): the milliseconds since
  /// 2020 times 1,024 plus a random part, or the table's largest id plus a random step when that is larger. Ids
  /// still grow with time, so lists ordered by id stay in the order rows were made; but they no longer count
  /// every tenant's rows as the plain row counter did, which let a tenant's first session id tell how busy
  /// the other tenants were. They stay below 2^53, exact in any JSON reader.
  static func newRowID(_ db: Database, table: String, at now: Date) throws -> Int64 {
    let milliseconds = max(0, Int64((now.timeIntervalSince1970 - 1_577_836_800) * 1000))
    let timed = milliseconds << 10 | Int64.random(in: 0..<1024)
    let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(table)") ?? 0
    return max(timed, largest + Int64.random(in: 1...1024))
  }
}
