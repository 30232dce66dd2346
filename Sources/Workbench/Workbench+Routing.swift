import Foundation
import Knowledge
import Sessions
import Synchronization

/// Why a queued session waits.
public enum QueueReason: String, Sendable {
  case noAgentOnline = "no_agent_online"
  case agentsAtLimit = "agents_at_limit"
}

/// Why a tenant's queued sessions wait (`Workbench.queueView`).
public struct QueueView: Sendable {
  /// Each agent's groups, and the agents online.
  let groups: [String: Set<String>]
  let online: [AgentPresence]
  /// Whether the tenant is within its business hours (true without any).
  let isOpen: Bool

  /// Why a queued session still waits: no agent of its group is online, or every online one is at its limit
  /// (nil when one could take it: routing is about to, and for other states).
  public func reason(_ session: Session) -> QueueReason? {
    guard session.state == .queued else { return nil }
    let able = online.filter { agent in session.group.map { groups[agent.agent]?.contains($0) == true } ?? true }
    if able.isEmpty { return .noAgentOnline }
    return able.contains(where: \.hasRoom) ? nil : .agentsAtLimit
  }

  /// Whether the customer of a queued session should be offered to leave a message, and why.
  public func leaveMessageOffer(_ session: Session) -> LeaveMessageOffer? {
    guard session.state == .queued else { return nil }
    if !isOpen { return .outsideHours }
    return reason(session) == .noAgentOnline ? .noAgentOnline : nil
  }
}

/// Agent status, capacity and routing, on the session store (`SessionStore+Routing`): who is at work, how many
/// sessions each takes, and queued sessions assigned the moment an agent can take them.
extension Workbench {
  /// Sets an agent's status: its own (`caller.agent`), or any agent's with the administrator key. The team
  /// hears of a change; an agent coming online takes queued sessions at once.
  public func setStatus(_ status: AgentStatus, agent: String, by caller: Caller) throws -> AgentPresence {
    guard caller.isAdmin || caller.agent == agent else {
      throw WorkbenchError.forbidden("an agent sets its own status only")
    }
    try checkAgent(agent, tenant: caller.tenant)
    let (presence, changed) = try sessions.setAgentStatus(
      status, agent: agent, tenant: caller.tenant, actor: caller.agent ?? "admin")
    if changed { events.publish(.agentStatus(presence, tenant: caller.tenant)) }
    if status == .online { try route(tenant: caller.tenant) }
    return try sessions.presence(tenant: caller.tenant, agents: [agent])[0]
  }

  /// An agent's own limit (nil: the tenant's); administrator only. A raised limit takes queued sessions.
  public func setCapacity(_ maxSessions: Int?, agent: String, by caller: Caller) throws -> AgentPresence {
    guard caller.isAdmin else { throw WorkbenchError.forbidden("this needs the tenant's administrator key") }
    try checkAgent(agent, tenant: caller.tenant)
    let presence = try sessions.setAgentCapacity(maxSessions, agent: agent, tenant: caller.tenant)
    events.publish(.agentStatus(presence, tenant: caller.tenant))
    try route(tenant: caller.tenant)
    return try sessions.presence(tenant: caller.tenant, agents: [agent])[0]
  }

  public func setRoutingSettings(_ settings: RoutingSettings, by caller: Caller) throws -> RoutingSettings {
    guard caller.isAdmin else { throw WorkbenchError.forbidden("this needs the tenant's administrator key") }
    let stored = try sessions.setRoutingSettings(settings, tenant: caller.tenant)
    try route(tenant: caller.tenant)
    return stored
  }

  /// Why the tenant's queued sessions wait, and whether their customers are offered to leave a message: its
  /// agents, their presence and its hours read once, for one session or a whole list.
  public func queueView(tenant: String) throws -> QueueView {
    let agents = try engine.store.agents(tenant: tenant)
    let online = try sessions.presence(tenant: tenant, agents: agents.map(\.id)).filter { $0.status == .online }
    let hours = try sessions.businessHours(tenant: tenant)
    return QueueView(
      groups: Dictionary(agents.map { ($0.id, Set($0.groups)) }, uniquingKeysWith: { first, _ in first }),
      online: online, isOpen: hours?.isOpen(at: sessions.clock.now) ?? true)
  }

  /// Every agent of the tenant with its status and load, by agent id.
  public func team(tenant: String) throws -> [AgentPresence] {
    try sessions.presence(tenant: tenant, agents: try engine.store.agents(tenant: tenant).map(\.id).sorted())
  }

  /// Assigns the tenant's queued sessions that an online agent can take now, and tells the agents.
  @discardableResult
  public func route(tenant: String) throws -> [Session] {
    let agents = try engine.store.agents(tenant: tenant)
    let groups = Dictionary(agents.map { ($0.id, Set($0.groups)) }, uniquingKeysWith: { first, _ in first })
    let assigned = try sessions.route(tenant: tenant, groups: groups)
    for session in assigned {
      WorkbenchMetrics.sessionRouted()
      events.publish(.session(.sessionAssigned, session))
    }
    try tellQueuePositions(tenant: tenant)
    return assigned
  }

  /// What the sweeper does for routing each second: agents whose live stream has been gone longer than
  /// their tenant's `offlineAfterSeconds` go offline, and every tenant with a queued session and an online
  /// agent is routed (after a restart, and whatever a request's own routing left).
  public func sweepRouting() throws {
    let now = sessions.clock.now
    let settings = try sessions.allRoutingSettings()
    for (tenant, presence) in try sessions.presentAgents() {
      let key = "\(tenant)\u{1F}\(presence.agent)"
      if events.hasStream(tenant: tenant, agent: presence.agent) {
        streamSeen.withLock { $0[key] = now }
        continue
      }
      // Never seen with a stream since the service started: counted from its start or the status change.
      let seen = streamSeen.withLock { $0[key] } ?? max(startedAt, presence.since)
      let limit = TimeInterval((settings[tenant] ?? RoutingSettings()).offlineAfterSeconds)
      guard now.timeIntervalSince(seen) > limit else { continue }
      let (changed, didChange) = try sessions.setAgentStatus(
        .offline, agent: presence.agent, tenant: tenant, actor: "system")
      if didChange { events.publish(.agentStatus(changed, tenant: tenant)) }
    }
    for tenant in try sessions.tenantsToRoute() { try route(tenant: tenant) }
  }
}
