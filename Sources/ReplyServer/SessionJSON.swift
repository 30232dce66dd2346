import Foundation
import Hummingbird
import Ranking
import Sessions
import Workbench

/// Times as the API writes them: ISO 8601 in UTC with milliseconds.
enum APITime {
  static func string(_ date: Date?) -> String? {
    date.map { $0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
  }

  /// Parses `2026-11-25T10:00:00Z`, with or without fractional seconds, or a date alone (midnight UTC).
  static func parse(_ text: String) -> Date? {
    if let date = try? Date(text, strategy: .iso8601) { return date }
    if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
      return date
    }
    return try? Date(text, strategy: .iso8601.year().month().day())
  }
}

/// A customer is answered as the store holds it (its Codable form is the API's).
extension Customer: ResponseEncodable {}

struct SummaryJSON: Codable {
  var status: ResolutionStatus
  var category: String?
  var notes: String?
  var updatedAt: String?
  var updatedBy: String?

  init(_ summary: ServiceSummary) {
    status = summary.status
    category = summary.category
    notes = summary.notes
    updatedAt = APITime.string(summary.updatedAt)
    updatedBy = summary.updatedBy
  }
}

struct SessionEventJSON: Codable {
  var kind: SessionEvent.Kind
  var actor: String
  var fromAgent: String?
  var toAgent: String?
  var toGroup: String?
  var at: String?
  var note: String?

  init(_ event: SessionEvent) {
    kind = event.kind
    actor = event.actor
    fromAgent = event.fromAgent
    toAgent = event.toAgent
    toGroup = event.toGroup
    at = APITime.string(event.at)
    note = event.note
  }
}

struct MessageJSON: Codable {
  var id: Int64
  var session: Int64
  var sender: Sender
  var senderId: String?
  var kind: MessageKind
  var body: String
  var attachments: [Attachment]
  var createdAt: String?
  var recalled: Bool
  var recalledAt: String?
  var clientId: String?
  var origin: MessageOrigin?
  /// For a customer's message: the smart replies computed when it arrived.
  var smartReplies: SmartReplyResult?

  /// `smartReplies`: the ones just computed for a new message; nil reads them from the stored message.
  init(_ message: Message, smartReplies: SmartReplyResult? = nil) {
    id = message.id
    session = message.sessionId
    sender = message.sender
    senderId = message.senderId
    kind = message.kind
    body = message.body
    attachments = message.attachments
    createdAt = APITime.string(message.createdAt)
    recalled = message.isRecalled
    recalledAt = APITime.string(message.recalledAt)
    clientId = message.clientId
    origin = message.origin
    self.smartReplies =
      smartReplies ?? message.smartReplies.flatMap { try? JSONDecoder().decode(SmartReplyResult.self, from: $0) }
  }
}

extension MessageJSON: ResponseEncodable {}

struct SessionJSON: Codable {
  var id: Int64
  var customerId: String
  var customer: Customer?
  var channel: CustomerChannel
  var group: String?
  var agent: String?
  var state: SessionState
  var endReason: EndReason?
  var starred: Bool
  var alarm: Bool
  var createdAt: String?
  var assignedAt: String?
  var firstAgentReplyAt: String?
  var lastMessageAt: String?
  var lastCustomerMessageAt: String?
  var endedAt: String?
  var summary: SummaryJSON?
  /// With `GET /v1/sessions/{id}`: its messages and the history of its actions.
  var messages: [MessageJSON]?
  var events: [SessionEventJSON]?
  /// A queued session's place in its group's queue (1: next), in the order routing serves it, and why it
  /// waits (`no_agent_online`, `agents_at_limit`).
  /// In a list: the last message, for the line under the customer's name.
  var lastMessage: MessagePreviewJSON?
  var queuePosition: Int?
  var queueReason: String?
  /// Whether the channel should offer the waiting customer to leave a message, and why.
  var leaveMessage: String?

  init(_ session: Session, customer: Customer?, alarm: Bool) {
    id = session.id
    customerId = session.customerId
    self.customer = customer
    channel = session.channel
    group = session.group
    agent = session.agent
    state = session.state
    endReason = session.endReason
    starred = session.starred
    self.alarm = alarm
    createdAt = APITime.string(session.createdAt)
    assignedAt = APITime.string(session.assignedAt)
    firstAgentReplyAt = APITime.string(session.firstAgentReplyAt)
    lastMessageAt = APITime.string(session.lastMessageAt)
    lastCustomerMessageAt = APITime.string(session.lastCustomerMessageAt)
    endedAt = APITime.string(session.endedAt)
    summary = session.summary.map(SummaryJSON.init)
  }
}

extension SessionJSON: ResponseEncodable {}

struct SessionPageJSON: ResponseEncodable {
  var sessions: [SessionJSON]
  var total: Int
  var page: Int
  var perPage: Int
}

/// A posted message and, for a customer's, its smart replies.
struct PostedMessageJSON: ResponseEncodable {
  var message: MessageJSON
  var session: SessionJSON
  /// True when the message had been stored before under its `clientId` (a retry).
  var retried: Bool
  var smartReplies: SmartReplyResult?
}

struct SavedGroupJSON: ResponseEncodable, Codable {
  var id: Int64
  var name: String
  var owner: String?
  var filter: SessionFilter
  /// `GET /v1/sessions?view=` for this group.
  var view: String

  init(_ group: SavedGroup) {
    id = group.id
    name = group.name
    owner = group.owner
    filter = group.filter
    view = "group:\(group.id)"
  }
}

/// A message as a session list shows it: who, what kind, the start of its text, when.
struct MessagePreviewJSON: Codable {
  var sender: Sender
  var kind: MessageKind
  var body: String
  var createdAt: String?

  init(_ message: Message) {
    sender = message.sender
    kind = message.kind
    body = String(message.body.prefix(80))
    createdAt = APITime.string(message.createdAt)
  }
}
