import Ranking
import Sessions

/// Something an agent's page should know about at once. The HTTP layer encodes it (`GET /v1/events`).
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
    case agentStatus = "agent.status"
    case leaveMessage = "leave-message"
  }

  /// What the event carries; which payload goes with which kind is fixed by the initialisers below.
  public enum Payload: Sendable {
    /// The session as it now is (the `session.*` kinds and `alarm`).
    case session(Session)
    /// A message stored, with the smart replies computed for it (`message`).
    case message(Message, smartReplies: SmartReplyResult?)
    /// The smart replies of a customer's message (`smart-replies`).
    case smartReplies(session: Int64, message: Int64, SmartReplyResult)
    /// A message taken back (`message.recalled`).
    case recalled(Message)
    /// An agent's status and load as they now are (`agent.status`).
    case agent(AgentPresence)
    /// A customer left a message (`leave-message`).
    case leftMessage(LeftMessage)
  }

  public let kind: Kind
  public let tenant: String
  /// The agent the session is assigned to (nil: queued, everyone in the group hears of it).
  public let agent: String?
  /// The group a queued session waits in.
  public let group: String?
  public let payload: Payload

  /// A session's change; `agent` names who hears it when that is not the session's agent (the one a transfer
  /// took the session from).
  static func session(_ kind: Kind, _ session: Session, to agent: String? = nil) -> WorkbenchEvent {
    WorkbenchEvent(
      kind: kind, tenant: session.tenant, agent: agent ?? session.agent, group: session.group,
      payload: .session(session))
  }

  /// A new message, and its smart replies when it has some (two events).
  static func message(_ message: Message, smartReplies: SmartReplyResult?, in session: Session) -> [WorkbenchEvent] {
    var events = [
      WorkbenchEvent(
        kind: .message, tenant: session.tenant, agent: session.agent, group: session.group,
        payload: .message(message, smartReplies: smartReplies))
    ]
    if let smartReplies {
      events.append(
        WorkbenchEvent(
          kind: .smartReplies, tenant: session.tenant, agent: session.agent, group: session.group,
          payload: .smartReplies(session: session.id, message: message.id, smartReplies)))
    }
    return events
  }

  /// A customer of a session waiting in `group` left a message: the agents of the group hear of it (every agent
  /// when it has none).
  static func leftMessage(_ message: LeftMessage, tenant: String, group: String?) -> WorkbenchEvent {
    WorkbenchEvent(kind: .leaveMessage, tenant: tenant, agent: nil, group: group, payload: .leftMessage(message))
  }

  /// An agent's status changed: the whole team hears of it.
  static func agentStatus(_ presence: AgentPresence, tenant: String) -> WorkbenchEvent {
    WorkbenchEvent(kind: .agentStatus, tenant: tenant, agent: nil, group: nil, payload: .agent(presence))
  }

  static func recalled(_ message: Message, in session: Session) -> WorkbenchEvent {
    WorkbenchEvent(
      kind: .messageRecalled, tenant: session.tenant, agent: session.agent, group: session.group,
      payload: .recalled(message))
  }
}
