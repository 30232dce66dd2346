import Foundation

/// Whether an agent is at work: `online` takes new sessions, `busy` keeps its own and takes none, `away` and
/// `offline` take none either (the sweeper sets `offline` when the agent's live stream has been gone too long).
public enum AgentStatus: String, Codable, Sendable, CaseIterable {
  case online, busy, away, offline
}

/// An agent's status and load, as the team sees it.
public struct AgentPresence: Codable, Hashable, Sendable {
  public var agent: String
  public var status: AgentStatus
  /// When the status last changed (for an agent that never set one: when its own limit was first set, else
  /// when the tenant's store began).
  public var since: Date
  /// The agent's own limit, when it has one; `capacity` is the limit in force (else the tenant's).
  public var maxSessions: Int?
  public var capacity: Int
  /// Sessions assigned to the agent and not ended.
  public var load: Int
  /// When the agent was last given a session: routing prefers the one idle longest.
  public var lastAssignedAt: Date?

  public var hasRoom: Bool { load < capacity }
}

/// A change of an agent's status, kept for statistics.
public struct AgentStatusChange: Codable, Hashable, Sendable {
  public var agent: String
  public var status: AgentStatus
  /// The agent itself, the administrator, or `system` (the sweeper).
  public var actor: String
  public var at: Date
}

/// How a tenant's queue reaches its agents.
public struct RoutingSettings: Codable, Hashable, Sendable {
  /// The most sessions an agent takes at once, unless it has a limit of its own.
  public var maxSessions: Int
  /// An agent whose live stream has been gone this long is set offline.
  public var offlineAfterSeconds: Int
  /// Customer levels served before the others, first one first (for example `["vip"]`); the rest of the
  /// queue is first come, first served.
  public var priorityLevels: [String]

  public static let maxSessionsLimit = 1_000
  public static let offlineAfterRange = 10...86_400

  public init(maxSessions: Int = 5, offlineAfterSeconds: Int = 120, priorityLevels: [String] = []) {
    self.maxSessions = maxSessions
    self.offlineAfterSeconds = offlineAfterSeconds
    self.priorityLevels = priorityLevels
  }

  /// The first field that is out of range, with why.
  public func invalidField() -> (field: String, message: String)? {
    if !(0...Self.maxSessionsLimit).contains(maxSessions) {
      return ("maxSessions", "maxSessions must be from 0 to \(Self.maxSessionsLimit)")
    }
    if !Self.offlineAfterRange.contains(offlineAfterSeconds) {
      return (
        "offlineAfterSeconds",
        "offlineAfterSeconds must be from \(Self.offlineAfterRange.lowerBound) to \(Self.offlineAfterRange.upperBound)"
      )
    }
    if priorityLevels.contains(where: \.isEmpty) {
      return ("priorityLevels", "priorityLevels must not hold an empty level")
    }
    if Set(priorityLevels).count != priorityLevels.count {
      return ("priorityLevels", "priorityLevels names a level twice")
    }
    return nil
  }
}
