import Foundation
import GRDB
import Knowledge

/// Agent status, capacity and routing: queued sessions go to online agents of their group with room, the least
/// loaded first, then the one given a session longest ago; the queue is served first come, first served, with
/// the tenant's priority levels first. Every assignment (routed, taken or transferred) checks the agent's
/// limit in the same transaction that makes it, so concurrent requests never put an agent over it and never
/// assign a session twice.
extension SessionStore {
  /// What the routing notes on an administrator's assignment past the agent's limit.
  public static let overCapacityNote = "over capacity"
  /// The actor of routed assignments.
  public static let router = "router"

  // MARK: Settings

  public func routingSettings(tenant: String) throws(SessionStoreError) -> RoutingSettings {
    try read { db in try Self.routingSettings(db, tenant: tenant) }
  }

  public func setRoutingSettings(_ settings: RoutingSettings, tenant: String) throws(SessionStoreError)
    -> RoutingSettings
  {
    if let (field, message) = settings.invalidField() { throw .invalid(field: field, message: message) }
    return try write { db in
      try db.execute(
        sql: """
          INSERT INTO routing_settings (tenant, max_sessions, offline_after_seconds, priority_levels)
          VALUES (?, ?, ?, ?)
          ON CONFLICT (tenant) DO UPDATE SET max_sessions = excluded.max_sessions,
            offline_after_seconds = excluded.offline_after_seconds, priority_levels = excluded.priority_levels
          """,
        arguments: [
          tenant, settings.maxSessions, settings.offlineAfterSeconds,
          String(decoding: try JSONEncoder().encode(settings.priorityLevels), as: UTF8.self),
        ])
      return try Self.routingSettings(db, tenant: tenant)
    }
  }

  static func routingSettings(_ db: Database, tenant: String) throws -> RoutingSettings {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM routing_settings WHERE tenant = ?", arguments: [tenant])
    else { return RoutingSettings() }
    let levels = try JSONDecoder().decode([String].self, from: Data((row["priority_levels"] as String).utf8))
    return RoutingSettings(
      maxSessions: row["max_sessions"], offlineAfterSeconds: row["offline_after_seconds"], priorityLevels: levels)
  }

  /// Every tenant's settings that has some (the others have the standard ones).
  public func allRoutingSettings() throws(SessionStoreError) -> [String: RoutingSettings] {
    try read { db in
      var all: [String: RoutingSettings] = [:]
      for tenant in try String.fetchAll(db, sql: "SELECT tenant FROM routing_settings") {
        all[tenant] = try Self.routingSettings(db, tenant: tenant)
      }
      return all
    }
  }

  // MARK: Status and capacity

  /// Sets an agent's status; a change is kept with its time and actor (setting the same status again is no
  /// change). Returns the agent's presence and whether the status changed.
  public func setAgentStatus(_ status: AgentStatus, agent: String, tenant: String, actor: String)
    throws(SessionStoreError) -> (presence: AgentPresence, changed: Bool)
  {
    let now = now
    return try write { db in
      let before = try Self.statusRow(db, tenant: tenant, agent: agent)
      let changed = before?.status != status && !(before == nil && status == .offline)
      if changed {
        try db.execute(
          sql: """
            INSERT INTO agent_status (tenant, agent, status, since) VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant, agent) DO UPDATE SET status = excluded.status, since = excluded.since
            """, arguments: [tenant, agent, status.rawValue, now.timeIntervalSince1970])
        try db.execute(
          sql: "INSERT INTO agent_status_change (tenant, agent, status, actor, at) VALUES (?, ?, ?, ?, ?)",
          arguments: [tenant, agent, status.rawValue, actor, now.timeIntervalSince1970])
      }
      return (try Self.presence(db, tenant: tenant, agents: [agent])[0], changed)
    }
  }

  /// Sets an agent's own limit (nil: the tenant's).
  public func setAgentCapacity(_ maxSessions: Int?, agent: String, tenant: String) throws(SessionStoreError)
    -> AgentPresence
  {
    if let maxSessions, !(0...RoutingSettings.maxSessionsLimit).contains(maxSessions) {
      throw .invalid(field: "maxSessions", message: "maxSessions must be from 0 to \(RoutingSettings.maxSessionsLimit)")
    }
    let now = now
    return try write { db in
      try db.execute(
        sql: """
          INSERT INTO agent_status (tenant, agent, status, since, max_sessions) VALUES (?, ?, 'offline', ?, ?)
          ON CONFLICT (tenant, agent) DO UPDATE SET max_sessions = excluded.max_sessions
          """, arguments: [tenant, agent, now.timeIntervalSince1970, maxSessions])
      return try Self.presence(db, tenant: tenant, agents: [agent])[0]
    }
  }

  /// The presence of `agents` (in that order); an agent that never set a status is offline.
  public func presence(tenant: String, agents: [String]) throws(SessionStoreError) -> [AgentPresence] {
    try read { db in try Self.presence(db, tenant: tenant, agents: agents) }
  }

  /// The agents of every tenant whose status is not offline.
  public func presentAgents() throws(SessionStoreError) -> [(tenant: String, presence: AgentPresence)] {
    try read { db in
      let rows = try Row.fetchAll(
        db, sql: "SELECT tenant, agent FROM agent_status WHERE status != 'offline' ORDER BY tenant, agent")
      // One read of a tenant's settings and loads for all its agents.
      let byTenant = Dictionary(grouping: rows.map { ($0["tenant"] as String, $0["agent"] as String) }, by: \.0)
      return try byTenant.keys.sorted().flatMap { tenant in
        try Self.presence(db, tenant: tenant, agents: byTenant[tenant]!.map(\.1)).map { (tenant, $0) }
      }
    }
  }

  /// Status changes of the tenant (of one agent), oldest first.
  public func statusChanges(tenant: String, agent: String? = nil, since: Date? = nil, limit: Int = 1_000)
    throws(SessionStoreError) -> [AgentStatusChange]
  {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM agent_status_change WHERE tenant = ? AND (? IS NULL OR agent = ?) AND at >= ?
          ORDER BY seq LIMIT ?
          """,
        arguments: [tenant, agent, agent, since?.timeIntervalSince1970 ?? 0, limit]
      ).map { row in
        AgentStatusChange(
          agent: row["agent"], status: try row.strict(AgentStatus.self, "status"), actor: row["actor"],
          at: Date(timeIntervalSince1970: row["at"]))
      }
    }
  }

  private struct StatusRow {
    var status: AgentStatus
    var since: Date
    var maxSessions: Int?
    var lastAssignedAt: Date?
  }

  private static func statusRow(_ db: Database, tenant: String, agent: String) throws -> StatusRow? {
    guard
      let row = try Row.fetchOne(
        db, sql: "SELECT * FROM agent_status WHERE tenant = ? AND agent = ?", arguments: [tenant, agent])
    else { return nil }
    return StatusRow(
      status: try row.strict(AgentStatus.self, "status"), since: Date(timeIntervalSince1970: row["since"]),
      maxSessions: row["max_sessions"],
      lastAssignedAt: (row["last_assigned_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
  }

  static func presence(_ db: Database, tenant: String, agents: [String]) throws -> [AgentPresence] {
    let settings = try routingSettings(db, tenant: tenant)
    let loads = try loads(db, tenant: tenant)
    return try agents.map { agent in
      let row = try statusRow(db, tenant: tenant, agent: agent)
      return AgentPresence(
        agent: agent, status: row?.status ?? .offline, since: row?.since ?? Date(timeIntervalSince1970: 0),
        maxSessions: row?.maxSessions, capacity: row?.maxSessions ?? settings.maxSessions, load: loads[agent] ?? 0,
        lastAssignedAt: row?.lastAssignedAt)
    }
  }

  /// Sessions assigned and not ended, by agent.
  static func loads(_ db: Database, tenant: String) throws -> [String: Int] {
    var loads: [String: Int] = [:]
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT agent_id, count(*) AS load FROM session
        WHERE tenant = ? AND state IN ('active', 'offline') AND agent_id IS NOT NULL GROUP BY agent_id
        """, arguments: [tenant])
    {
      loads[row["agent_id"]] = row["load"]
    }
    return loads
  }

  /// Checks, inside the transaction that assigns, that `agent` has room for one more session; an
  /// administrator's `override` passes and returns the note the assignment is recorded with.
  static func checkRoom(_ db: Database, tenant: String, agent: String, override: Bool, caller: Caller) throws
    -> String?
  {
    let presence = try presence(db, tenant: tenant, agents: [agent])[0]
    guard !presence.hasRoom else { return nil }
    if override {
      guard caller.isAdmin else {
        throw SessionStoreError.forbidden("only the administrator assigns past an agent's limit")
      }
      return overCapacityNote
    }
    throw SessionStoreError.conflict(
      code: .atCapacity,
      message: "agent \(agent) has \(presence.load) sessions, its limit is \(presence.capacity)")
  }

  static func noteAssigned(_ db: Database, tenant: String, agent: String, at: Date) throws {
    try db.execute(
      sql: """
        INSERT INTO agent_status (tenant, agent, status, since, last_assigned_at) VALUES (?, ?, 'offline', 0, ?)
        ON CONFLICT (tenant, agent) DO UPDATE SET last_assigned_at = excluded.last_assigned_at
        """, arguments: [tenant, agent, at.timeIntervalSince1970])
  }

  // MARK: The queue

  /// The SQL that orders queued sessions (alias `s`, customers `c`): priority levels first, then first come.
  private static func queueOrder(_ settings: RoutingSettings) -> (sql: String, arguments: StatementArguments) {
    guard !settings.priorityLevels.isEmpty else { return ("s.created_at, s.id", []) }
    let cases = settings.priorityLevels.indices.map { "WHEN ? THEN \($0)" }.joined(separator: " ")
    return (
      "CASE c.level \(cases) ELSE \(settings.priorityLevels.count) END, s.created_at, s.id",
      StatementArguments(settings.priorityLevels)
    )
  }

  private static func queued(_ db: Database, tenant: String, settings: RoutingSettings) throws -> [Session] {
    let order = queueOrder(settings)
    return try Row.fetchAll(
      db,
      sql: """
        SELECT s.* FROM session s LEFT JOIN customer c ON c.tenant = s.tenant AND c.id = s.customer_id
        WHERE s.tenant = ? AND s.state = 'queued' ORDER BY \(order.sql)
        """, arguments: StatementArguments([tenant]) + order.arguments
    ).map(SessionRows.session)
  }

  /// The queue positions of every queued session of the tenant, by session id: each one's place in its group's
  /// queue (1: next), in the order routing serves it.
  public func queuePositions(tenant: String) throws(SessionStoreError) -> [Int64: Int] {
    try read { db in
      var next: [String?: Int] = [:]
      var positions: [Int64: Int] = [:]
      for session in try Self.queued(db, tenant: tenant, settings: try Self.routingSettings(db, tenant: tenant)) {
        let position = (next[session.group] ?? 0) + 1
        next[session.group] = position
        positions[session.id] = position
      }
      return positions
    }
  }

  /// Assigns what can be assigned now, in one transaction: each queued session in queue order goes to an
  /// online agent of its group (`groups`: each agent's groups; a session with no group goes to any agent)
  /// with room, the least loaded first, then the one given a session longest ago. Returns the sessions
  /// assigned, in order.
  public func route(tenant: String, groups: [String: Set<String>]) throws(SessionStoreError) -> [Session] {
    let now = now
    return try write { db in
      let settings = try Self.routingSettings(db, tenant: tenant)
      let online = try Row.fetchAll(
        db, sql: "SELECT agent FROM agent_status WHERE tenant = ? AND status = 'online' ORDER BY agent",
        arguments: [tenant]
      ).map { $0["agent"] as String }
      guard !online.isEmpty else { return [] }
      var agents = try Self.presence(db, tenant: tenant, agents: online).filter { groups[$0.agent] != nil }
      var assigned: [Session] = []
      for session in try Self.queued(db, tenant: tenant, settings: settings) {
        let chosen = agents.indices.filter { index in
          agents[index].hasRoom && (session.group.map { groups[agents[index].agent]?.contains($0) == true } ?? true)
        }.min { a, b in
          let (left, right) = (agents[a], agents[b])
          if left.load != right.load { return left.load < right.load }
          let (leftAt, rightAt) = (left.lastAssignedAt ?? .distantPast, right.lastAssignedAt ?? .distantPast)
          return leftAt != rightAt ? leftAt < rightAt : left.agent < right.agent
        }
        guard let chosen else { continue }
        let agent = agents[chosen].agent
        try db.execute(
          sql: "UPDATE session SET agent_id = ?, state = 'active', assigned_at = ? WHERE id = ? AND state = 'queued'",
          arguments: [agent, now.timeIntervalSince1970, session.id])
        try logEvent(db, tenant: tenant, session: session.id, kind: .assigned, actor: Self.router, toAgent: agent)
        try Self.noteAssigned(db, tenant: tenant, agent: agent, at: now)
        agents[chosen].load += 1
        agents[chosen].lastAssignedAt = now
        assigned.append(try Self.fetchSession(db, tenant: tenant, id: session.id)!)
      }
      return assigned
    }
  }

  /// The tenants with a queued session and an online agent: those routing may have work for.
  public func tenantsToRoute() throws(SessionStoreError) -> [String] {
    try read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT DISTINCT s.tenant FROM session s WHERE s.state = 'queued'
            AND EXISTS (SELECT 1 FROM agent_status a WHERE a.tenant = s.tenant AND a.status = 'online')
          """)
    }
  }
}
