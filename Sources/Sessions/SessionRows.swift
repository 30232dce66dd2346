import Foundation
import GRDB
import Knowledge

/// Reading the store's rows into the public types, and the JSON columns. Rows are read strictly: a value this
/// version does not know is `UnreadableRow`, not a default that would hide it.
enum SessionRows {
  static func date(_ row: Row, _ column: String) -> Date? {
    (row[column] as Double?).map { Date(timeIntervalSince1970: $0) }
  }

  /// A time the row must have.
  static func requiredDate(_ row: Row, _ column: String) throws -> Date {
    guard let date = date(row, column) else { throw UnreadableRow(column: column, value: "NULL") }
    return date
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
      id: row["id"], name: row["name"], channel: try row.strict(CustomerChannel.self, "channel"),
      identity: row["identity"], language: row["language"], level: row["level"],
      tags: try decode([String].self, row["tags"]) ?? [],
      attributes: try decode([String: String].self, row["attributes"]) ?? [:], blocked: row["blocked"])
  }

  static func session(_ row: Row) throws -> Session {
    var summary: ServiceSummary?
    if let status = try row.strictIfPresent(ResolutionStatus.self, "summary_status") {
      summary = ServiceSummary(
        status: status, category: row["summary_category"], notes: row["summary_notes"],
        updatedAt: date(row, "summary_updated_at"), updatedBy: row["summary_updated_by"])
    }
    return Session(
      id: row["id"], tenant: row["tenant"], customerId: row["customer_id"],
      channel: try row.strict(CustomerChannel.self, "channel"), group: row["group_id"], agent: row["agent_id"],
      state: try row.strict(SessionState.self, "state"),
      endReason: try row.strictIfPresent(EndReason.self, "end_reason"), starred: row["starred"],
      createdAt: try requiredDate(row, "created_at"), assignedAt: date(row, "assigned_at"),
      firstAgentReplyAt: date(row, "first_agent_reply_at"), lastMessageAt: date(row, "last_message_at"),
      lastCustomerMessageAt: date(row, "last_customer_message_at"),
      lastAgentMessageAt: date(row, "last_agent_message_at"), endedAt: date(row, "ended_at"), summary: summary)
  }

  static func message(_ row: Row) throws -> Message {
    Message(
      id: row["id"], sessionId: row["session_id"], sender: try row.strict(Sender.self, "sender"),
      senderId: row["sender_id"], kind: try row.strict(MessageKind.self, "kind"), body: row["body"],
      attachments: try decode([Attachment].self, row["attachments"]) ?? [],
      createdAt: try requiredDate(row, "created_at"), recalledAt: date(row, "recalled_at"),
      clientId: row["client_id"], origin: try decode(MessageOrigin.self, row["origin"]),
      smartReplies: row["smart_replies"])
  }

  static func event(_ row: Row) throws -> SessionEvent {
    SessionEvent(
      kind: try row.strict(SessionEvent.Kind.self, "kind"), actor: row["actor"], fromAgent: row["from_agent"],
      toAgent: row["to_agent"], toGroup: row["to_group"], at: try requiredDate(row, "at"), note: row["note"])
  }
}
