import Foundation
import GRDB

/// Reading the store's rows into the public types, and the JSON columns.
enum SessionRows {
  static func date(_ row: Row, _ column: String) -> Date? {
    (row[column] as Double?).map { Date(timeIntervalSince1970: $0) }
  }

  static func json<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
  }

  static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
    guard let text else { return nil }
    return try JSONDecoder().decode(T.self, from: Data(text.utf8))
  }

  static func customer(_ row: Row) throws -> Customer {
    Customer(
      id: row["id"], name: row["name"], channel: CustomerChannel(rawValue: row["channel"]) ?? .web,
      identity: row["identity"], language: row["language"], level: row["level"],
      tags: try decode([String].self, row["tags"]) ?? [],
      attributes: try decode([String: String].self, row["attributes"]) ?? [:], blocked: row["blocked"])
  }

  static func session(_ row: Row) -> Session {
    var summary: ServiceSummary?
    if let status = (row["summary_status"] as String?).flatMap(ResolutionStatus.init(rawValue:)) {
      summary = ServiceSummary(
        status: status, category: row["summary_category"], notes: row["summary_notes"],
        updatedAt: date(row, "summary_updated_at"), updatedBy: row["summary_updated_by"])
    }
    return Session(
      id: row["id"], tenant: row["tenant"], customerId: row["customer_id"],
      channel: CustomerChannel(rawValue: row["channel"]) ?? .web, group: row["group_id"], agent: row["agent_id"],
      state: SessionState(rawValue: row["state"]) ?? .queued,
      endReason: (row["end_reason"] as String?).flatMap(EndReason.init(rawValue:)), starred: row["starred"],
      createdAt: date(row, "created_at") ?? Date(timeIntervalSince1970: 0), assignedAt: date(row, "assigned_at"),
      firstAgentReplyAt: date(row, "first_agent_reply_at"), lastMessageAt: date(row, "last_message_at"),
      lastCustomerMessageAt: date(row, "last_customer_message_at"),
      lastAgentMessageAt: date(row, "last_agent_message_at"), endedAt: date(row, "ended_at"), summary: summary)
  }

  static func message(_ row: Row) throws -> Message {
    Message(
      id: row["id"], sessionId: row["session_id"], sender: Sender(rawValue: row["sender"]) ?? .system,
      senderId: row["sender_id"], kind: MessageKind(rawValue: row["kind"]) ?? .text, body: row["body"],
      attachments: try decode([Attachment].self, row["attachments"]) ?? [],
      createdAt: date(row, "created_at") ?? Date(timeIntervalSince1970: 0), recalledAt: date(row, "recalled_at"),
      clientId: row["client_id"], origin: try decode(MessageOrigin.self, row["origin"]),
      smartReplies: row["smart_replies"])
  }

  static func event(_ row: Row) -> SessionEvent {
    SessionEvent(
      kind: SessionEvent.Kind(rawValue: row["kind"]) ?? .created, actor: row["actor"], fromAgent: row["from_agent"],
      toAgent: row["to_agent"], toGroup: row["to_group"], at: date(row, "at") ?? Date(timeIntervalSince1970: 0))
  }
}
