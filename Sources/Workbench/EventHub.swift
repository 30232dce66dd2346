import Synchronization

/// Fans events out to the agents' live streams. An agent hears about the sessions assigned to it and about the
/// queue of its groups; the administrator hears about the whole tenant. A slow reader loses its oldest events
/// rather than holding memory without bound.
public final class EventHub: Sendable {
  /// What a reader's stream carries.
  public enum Delivery: Sendable {
    /// First, once: the stream is open.
    case connected
    case event(WorkbenchEvent)
    /// Now and then, so that proxies and clients see the stream is alive.
    case keepAlive
  }

  /// Who reads a stream.
  public struct Reader: Sendable {
    public var tenant: String
    public var agent: String?
    public var groups: Set<String>
    public var isAdmin: Bool

    public init(tenant: String, agent: String?, groups: [String], isAdmin: Bool) {
      self.tenant = tenant
      self.agent = agent
      self.groups = Set(groups)
      self.isAdmin = isAdmin
    }

    public func hears(_ event: WorkbenchEvent) -> Bool {
      guard tenant == event.tenant else { return false }
      if isAdmin { return true }
      if let agent = event.agent { return agent == self.agent }
      // A queued session: the agents of its group, or every agent when it has none.
      return event.group.map { groups.contains($0) } ?? true
    }
  }

  private struct Subscriber {
    var reader: Reader
    var continuation: AsyncStream<Delivery>.Continuation
  }

  private let subscribers = Mutex<[Int: Subscriber]>([:])
  private let nextId = Atomic<Int>(0)
  private let closed = Atomic<Bool>(false)

  public init() {}

  /// A reader's stream; it ends when the hub closes or the reader goes.
  public func subscribe(_ reader: Reader) -> AsyncStream<Delivery> {
    let (stream, continuation) = AsyncStream<Delivery>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
    guard !closed.load(ordering: .acquiring) else {
      continuation.finish()
      return stream
    }
    let id = nextId.add(1, ordering: .relaxed).newValue
    subscribers.withLock { $0[id] = Subscriber(reader: reader, continuation: continuation) }
    continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
    continuation.yield(.connected)
    return stream
  }

  public func publish(_ event: WorkbenchEvent) {
    let readers = subscribers.withLock { subscribers in
      subscribers.values.filter { $0.reader.hears(event) }.map(\.continuation)
    }
    for reader in readers { reader.yield(.event(event)) }
  }

  func publish(_ events: [WorkbenchEvent]) {
    for event in events { publish(event) }
  }

  func heartbeat() {
    for reader in subscribers.withLock({ $0.values.map(\.continuation) }) { reader.yield(.keepAlive) }
  }

  /// Ends every stream (graceful shutdown: open streams must not keep the server from stopping).
  public func close() {
    closed.store(true, ordering: .releasing)
    for reader in subscribers.withLock({ $0.values.map(\.continuation) }) { reader.finish() }
  }

  public var readerCount: Int { subscribers.withLock { $0.count } }

  /// Whether `agent` of `tenant` has a live stream open.
  public func hasStream(tenant: String, agent: String) -> Bool {
    subscribers.withLock { $0.values.contains { $0.reader.tenant == tenant && $0.reader.agent == agent } }
  }
}
