import Foundation
import Ranking
import Sessions
import Workbench

/// The server-sent-event frames of `GET /v1/events`: `event:` the event's kind, `data:` its JSON as
/// openapi.yaml documents it.
enum EventFrame {
  static func frame(_ delivery: EventHub.Delivery) -> String {
    switch delivery {
    case .connected: ": connected\n\n"
    case .keepAlive: ": keep-alive\n\n"
    case .event(let event): "event: \(event.kind.rawValue)\ndata: \(json(event.payload, kind: event.kind))\n\n"
    }
  }

  static func json(_ payload: WorkbenchEvent.Payload, kind: WorkbenchEvent.Kind) -> String {
    switch payload {
    case .session(let session):
      encode(SessionPayload(session: SessionJSON(session, customer: nil, alarm: kind == .alarm)))
    case .message(let message, let smartReplies):
      encode(MessagePayload(session: message.sessionId, message: MessageJSON(message, smartReplies: smartReplies)))
    case .smartReplies(let session, let message, let smartReplies):
      encode(SmartRepliesPayload(session: session, message: message, smartReplies: smartReplies))
    case .recalled(let message): encode(MessageJSON(message))
    case .agent(let presence): encode(AgentPresenceJSON(presence))
    case .leftMessage(let message): encode(LeaveMessageRoutes.LeftMessageJSON(message))
    }
  }

  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
  }

  struct SessionPayload: Encodable {
    var session: SessionJSON
  }

  struct MessagePayload: Encodable {
    var session: Int64
    var message: MessageJSON
  }

  struct SmartRepliesPayload: Encodable {
    var session: Int64
    var message: Int64
    var smartReplies: SmartReplyResult
  }
}
