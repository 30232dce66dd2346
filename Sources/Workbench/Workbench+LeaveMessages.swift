import Foundation
import Knowledge
import Sessions

/// Why a waiting customer is offered to leave a message.
public enum LeaveMessageOffer: String, Sendable {
  /// Outside the tenant's business hours.
  case outsideHours = "outside_hours"
  /// No agent of the session's group is online.
  case noAgentOnline = "no_agent_online"
}

/// Left messages (留言): when nobody can answer a waiting customer, the channel offers to leave a message; the
/// agents claim, answer, annotate and close them.
extension Workbench {
  /// The customer left a message: it is kept and the session ends (`left-message`); the agents hear of the end.
  public func leaveMessage(session id: Int64, text: String, contact: [String: String], by caller: Caller) throws
    -> LeftMessage
  {
    let message = try sessions.leaveMessage(session: id, text: text, contact: contact, by: caller)
    if let session = try sessions.session(tenant: caller.tenant, id: id) {
      events.publish(.session(.sessionEnded, session))
      events.publish(.leftMessage(message, tenant: caller.tenant, group: session.group))
    }
    return message
  }
}
