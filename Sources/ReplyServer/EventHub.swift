import Foundation
import Sessions
import Synchronization

/// Something an agent's page should know about at once.
public struct WorkbenchEvent: Sendable {
  /// The events of `GET /v1/events`, named as openapi.yaml documents them (`event:` of each server-sent event).
  public enum Kind: String, Sendable, CaseIterable {
    case message
    case messageRecalled = "message.recalled"
    case smartReplies = "smart-replies"
    case sessionQueued = "session.queued"
    case sessionAssigned = "session.assigned"
    case sessionTransferred = "session.transferred"
    case sessionEnded = "session.ended"
    case sessionOffline = "session.offline"
    case alarm
  }

  public var type: Kind
  public var tenant: String
  /// The agent the session is assigned to (nil: queued, everyone in the group hears of it).
  public var agent: String?
  /// The group a queued session waits in.
  public var group: String?
  /// The event's JSON (`data:` of the server-sent event), made only when someone listens.
  public var json: @Sendable () -> String
}

/// Fans events out to the agents' live streams (`GET /v1/events`). An agent hears about the sessions assigned to
/// it and about the queue of its groups; the administrator hears about the whole tenant. A slow reader loses its
/// oldest events rather than holding memory without bound.
public final class EventHub: Sendable {
  struct Subscriber {
    var tenant: String
    var agent: String?
    var groups: Set<String>
    var isAdmin: Bool
    var continuation: AsyncStream<String>.Continuation
  }

  private let subscribers = Mutex<[Int: Subscriber]>([:])
  private let nextId = Atomic<Int>(0)
  private let closed = Atomic<Bool>(false)

  public init() {}

  /// A stream of server-sent-event frames for one reader; it ends when the hub closes or the reader goes.
  func subscribe(tenant: String, agent: String?, groups: [String], isAdmin: Bool) -> AsyncStream<String> {
    let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
    guard !closed.load(ordering: .acquiring) else {
      continuation.finish()
      return stream
    }
    let id = nextId.add(1, ordering: .relaxed).newValue
    subscribers.withLock {
      $0[id] = Subscriber(
        tenant: tenant, agent: agent, groups: Set(groups), isAdmin: isAdmin, continuation: continuation)
    }
    continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
    continuation.yield(": connected\n\n")
    return stream
  }

  public func publish(_ event: WorkbenchEvent) {
    let readers = subscribers.withLock { subscribers in
      subscribers.values.filter { Self.hears($0, event) }.map(\.continuation)
    }
    guard !readers.isEmpty else { return }
    let frame = "event: \(event.type.rawValue)\ndata: \(event.json())\n\n"
    for reader in readers { reader.yield(frame) }
  }

  /// A comment line every reader gets, so that proxies and clients see the stream is alive.
  func heartbeat() {
    for reader in subscribers.withLock({ $0.values.map(\.continuation) }) { reader.yield(": keep-alive\n\n") }
  }

  /// Ends every stream (graceful shutdown: open streams must not keep the server from stopping).
  public func close() {
    closed.store(true, ordering: .releasing)
    for reader in subscribers.withLock({ $0.values.map(\.continuation) }) { reader.finish() }
  }

  public var readerCount: Int { subscribers.withLock { $0.count } }

  static func hears(_ subscriber: Subscriber, _ event: WorkbenchEvent) -> Bool {
    guard subscriber.tenant == event.tenant else { return false }
    if subscriber.isAdmin { return true }
    if let agent = event.agent { return agent == subscriber.agent }
    // A queued session: the agents of its group, or every agent when it has none.
    return event.group.map { subscriber.groups.contains($0) } ?? true
  }
}
