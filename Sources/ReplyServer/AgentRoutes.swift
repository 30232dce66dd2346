import Foundation
import Hummingbird
import Knowledge
import Sessions
import Workbench

/// Agent status, capacity and the tenant's routing settings (`Workbench+Routing`).
struct AgentRoutes {
  let workbench: Workbench

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.get("agents/status", use: team)
    group.get("agents/status-changes", use: statusChanges)
    group.put("agents/me/status", use: setOwnStatus)
    group.put("agents/{id}/status", use: setStatus)
    group.put("agents/{id}/capacity", use: setCapacity)
    group.get("routing-settings", use: routingSettings)
    group.put("routing-settings", use: putRoutingSettings)
  }

  struct TeamJSON: ResponseEncodable { var agents: [AgentPresenceJSON] }

  /// Every agent of the tenant with its status and load; any key may read it.
  @Sendable func team(_ request: Request, context: ReplyRequestContext) async throws -> TeamJSON {
    let tenant = try context.caller().tenant
    let agents = Dictionary(
      try workbench.engine.store.agents(tenant: tenant).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    return TeamJSON(
      agents: try workbench.team(tenant: tenant).map { presence in
        var json = AgentPresenceJSON(presence)
        json.name = agents[presence.agent]?.name
        json.groups = agents[presence.agent]?.groups
        return json
      })
  }

  struct StatusBody: Decodable { var status: String }

  static func status(_ body: StatusBody) throws -> AgentStatus {
    guard let status = AgentStatus(rawValue: body.status) else {
      throw APIError.invalid(
        "field \"status\" must be \(AgentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return status
  }

  @Sendable func setOwnStatus(_ request: Request, context: ReplyRequestContext) async throws -> AgentPresenceJSON {
    let caller = try context.caller()
    guard let agent = caller.agent else {
      throw APIError.forbidden("this key names no agent: use /v1/agents/{id}/status")
    }
    let status = try Self.status(try await RequestBody.decode(StatusBody.self, request, context: context))
    return AgentPresenceJSON(try workbench.setStatus(status, agent: agent, by: caller))
  }

  @Sendable func setStatus(_ request: Request, context: ReplyRequestContext) async throws -> AgentPresenceJSON {
    let caller = try context.caller()
    let agent = try context.pathParameter("id")
    let status = try Self.status(try await RequestBody.decode(StatusBody.self, request, context: context))
    return AgentPresenceJSON(try workbench.setStatus(status, agent: agent, by: caller))
  }

  struct CapacityBody: Decodable {
    /// The agent's own limit; null goes back to the tenant's.
    var maxSessions: Int?
  }

  @Sendable func setCapacity(_ request: Request, context: ReplyRequestContext) async throws -> AgentPresenceJSON {
    let caller = try context.caller()
    let agent = try context.pathParameter("id")
    let body = try await RequestBody.decode(CapacityBody.self, request, context: context)
    return AgentPresenceJSON(try workbench.setCapacity(body.maxSessions, agent: agent, by: caller))
  }

  struct ChangesJSON: ResponseEncodable {
    struct Change: Encodable {
      var agent: String
      var status: AgentStatus
      var actor: String
      var at: String?
    }
    var changes: [Change]
  }

  /// The tenant's status changes (optionally one agent's, from a time), oldest first: administrator only.
  @Sendable func statusChanges(_ request: Request, context: ReplyRequestContext) async throws -> ChangesJSON {
    let caller = try SessionRoutes.admin(context, "only the administrator reads the status history")
    let parameters = request.uri.queryParameters
    let since = try parameters.get("since").map { text in
      guard let date = APITime.parse(text) else { throw APIError.invalid("since must be an ISO 8601 time") }
      return date
    }
    let limit = try KnowledgeRoutes.positive(parameters, "limit", default: 1_000, max: 10_000)
    let changes = try workbench.sessions.statusChanges(
      tenant: caller.tenant, agent: parameters.get("agent"), since: since, limit: limit)
    return ChangesJSON(
      changes: changes.map {
        ChangesJSON.Change(agent: $0.agent, status: $0.status, actor: $0.actor, at: APITime.string($0.at))
      })
  }

  struct RoutingSettingsJSON: ResponseEncodable, Decodable {
    var maxSessions: Int?
    var offlineAfterSeconds: Int?
    var priorityLevels: [String]?
  }

  static func json(_ settings: RoutingSettings) -> RoutingSettingsJSON {
    RoutingSettingsJSON(
      maxSessions: settings.maxSessions, offlineAfterSeconds: settings.offlineAfterSeconds,
      priorityLevels: settings.priorityLevels)
  }

  @Sendable func routingSettings(_ request: Request, context: ReplyRequestContext) async throws -> RoutingSettingsJSON {
    Self.json(try workbench.sessions.routingSettings(tenant: try context.caller().tenant))
  }

  /// Changes the fields given; the others keep their values.
  @Sendable func putRoutingSettings(_ request: Request, context: ReplyRequestContext) async throws
    -> RoutingSettingsJSON
  {
    let caller = try SessionRoutes.admin(context, "only the administrator changes the routing settings")
    let body = try await RequestBody.decode(RoutingSettingsJSON.self, request, context: context)
    var settings = try workbench.sessions.routingSettings(tenant: caller.tenant)
    if let value = body.maxSessions { settings.maxSessions = value }
    if let value = body.offlineAfterSeconds { settings.offlineAfterSeconds = value }
    if let value = body.priorityLevels { settings.priorityLevels = value }
    return Self.json(try workbench.setRoutingSettings(settings, by: caller))
  }
}

/// An agent's status and load (`GET /v1/agents/status`, the `agent.status` event).
struct AgentPresenceJSON: ResponseEncodable {
  var agent: String
  var status: AgentStatus
  var since: String?
  var maxSessions: Int?
  var capacity: Int
  var load: Int
  var lastAssignedAt: String?
  /// In the team list: the agent's name and skill groups (for a transfer's choice).
  var name: String?
  var groups: [String]?

  init(_ presence: AgentPresence) {
    agent = presence.agent
    status = presence.status
    since = APITime.string(presence.since)
    maxSessions = presence.maxSessions
    capacity = presence.capacity
    load = presence.load
    lastAssignedAt = presence.lastAssignedAt.map(APITime.string) ?? nil
  }
}
