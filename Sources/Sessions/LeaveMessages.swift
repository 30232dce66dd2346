import Foundation
import GRDB
import Knowledge

/// When the tenant's agents are at work: hours per weekday in a time zone, and holidays. Outside them (or when
/// no agent of its group is online) a waiting customer is offered to leave a message.
public struct BusinessHours: Codable, Hashable, Sendable {
  /// An IANA time zone (`Asia/Shanghai`).
  public var timeZone: String
  /// `mon` ... `sun`: `HH:MM-HH:MM` intervals; a day left out is closed.
  public var weekly: [String: [String]]
  /// `YYYY-MM-DD` dates in the time zone that are closed all day.
  public var holidays: [String]

  public static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

  public init(timeZone: String = "UTC", weekly: [String: [String]] = [:], holidays: [String] = []) {
    self.timeZone = timeZone
    self.weekly = weekly
    self.holidays = holidays
  }

  /// Minutes of the day an interval spans, or nil when it is not `HH:MM-HH:MM` with the start before the end.
  static func minutes(_ interval: String) -> Range<Int>? {
    let parts = interval.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    func minute(_ text: Substring) -> Int? {
      let fields = text.split(separator: ":", omittingEmptySubsequences: false)
      guard fields.count == 2, fields.allSatisfy({ $0.count == 2 }), let hours = Int(fields[0]),
        let minutes = Int(fields[1]), (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
      else { return nil }
      return hours * 60 + minutes
    }
    guard let start = minute(parts[0]), let end = minute(parts[1]), start < end else { return nil }
    return start..<end
  }

  static func isDate(_ text: String) -> Bool {
    let fields = text.split(separator: "-", omittingEmptySubsequences: false)
    guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
      let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2])
    else { return false }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let components = DateComponents(year: year, month: month, day: day)
    guard let date = calendar.date(from: components) else { return false }
    let back = calendar.dateComponents([.year, .month, .day], from: date)
    return back.year == year && back.month == month && back.day == day
  }

  /// The first field that cannot be taken, with why: an unknown time zone or weekday, an interval that is not
  /// `HH:MM-HH:MM` or overlaps another of its day, a holiday that is not a date.
  public func invalidField() -> (field: String, message: String)? {
    if TimeZone(identifier: timeZone) == nil { return ("timeZone", "\(timeZone) is not an IANA time zone") }
    for (day, intervals) in weekly.sorted(by: { $0.key < $1.key }) {
      let field = "weekly.\(day)"
      guard Self.weekdays.contains(day) else { return (field, "days are mon, tue, wed, thu, fri, sat and sun") }
      var ranges: [Range<Int>] = []
      for interval in intervals {
        guard let range = Self.minutes(interval) else {
          return (field, "\(interval) is not HH:MM-HH:MM with the start before the end")
        }
        ranges.append(range)
      }
      ranges.sort { $0.lowerBound < $1.lowerBound }
      for (earlier, later) in zip(ranges, ranges.dropFirst()) where later.lowerBound < earlier.upperBound {
        return (field, "its intervals overlap")
      }
    }
    for (index, holiday) in holidays.enumerated() where !Self.isDate(holiday) {
      return ("holidays[\(index)]", "\(holiday) is not a date (YYYY-MM-DD)")
    }
    return nil
  }

  /// Whether `date` falls in the hours.
  public func isOpen(at date: Date) -> Bool {
    guard let zone = TimeZone(identifier: timeZone) else { return true }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
    let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    if holidays.contains(day) { return false }
    let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    let weekday = Self.weekdays[((parts.weekday ?? 1) - 1) % 7]
    return (weekly[weekday] ?? []).contains { Self.minutes($0)?.contains(minute) == true }
  }
}

/// A message a customer left when nobody could answer, and what the agents did with it.
public struct LeftMessage: Codable, Hashable, Sendable {
  public enum State: String, Codable, Sendable, CaseIterable { case open, claimed, closed }

  public struct Step: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case created, claimed, replied, noted, closed }
    public var kind: Kind
    public var actor: String
    /// A note's text, or a reply's.
    public var body: String?
    public var messageId: Int64?
    public var at: Date
  }

  public var id: Int64
  public var session: Int64
  public var customerId: String
  public var channel: CustomerChannel
  public var text: String
  /// How the customer wants to be reached (phone, email, ...).
  public var contact: [String: String]
  public var state: State
  public var claimedBy: String?
  public var createdAt: Date
  public var closedAt: Date?
  /// Oldest first (only when read one by one).
  public var steps: [Step]?
}

/// Which left messages an agent lists.
public enum LeftMessageView: String, Sendable, CaseIterable {
  /// Nobody has claimed them yet.
  case open
  /// Claimed by the caller, not closed.
  case mine
  case all
}

extension SessionStore {
  static let businessHoursTable = "business_hours"

  /// The tenant's hours; nil when none are set (always open).
  public func businessHours(tenant: String) throws(SessionStoreError) -> BusinessHours? {
    try read { db in try Self.document(BusinessHours.self, db, table: Self.businessHoursTable, tenant: tenant) }
  }

  public func setBusinessHours(_ hours: BusinessHours, tenant: String) throws(SessionStoreError) -> BusinessHours {
    if let (field, message) = hours.invalidField() { throw .invalid(field: field, message: message) }
    try write { db in try Self.setDocument(hours, db, table: Self.businessHoursTable, tenant: tenant) }
    return hours
  }

  /// The customer of a session that has not ended leaves a message: it is kept, and the session ends with
  /// that reason, in one transaction.
  public func leaveMessage(session id: Int64, text: String, contact: [String: String], by caller: Caller)
    throws(SessionStoreError) -> LeftMessage
  {
    guard caller.isAdmin else {
      throw .forbidden("a customer's message arrives with the administrator (channel) key")
    }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw .invalid(field: "text", message: "the message is empty") }
    guard text.count <= 10_000 else {
      throw .invalid(field: "text", message: "the message is longer than 10000 characters")
    }
    let now = now
    return try write { db in
      guard let session = try Self.fetchSession(db, tenant: caller.tenant, id: id) else {
        throw SessionStoreError.unknown(field: "session", code: .notFound, message: "no session with id \(id)")
      }
      guard session.state != .ended else {
        throw SessionStoreError.conflict(code: .sessionEnded, message: "session \(id) has ended")
      }
      let messageId = try Self.newRowID(db, table: "left_message", at: now)
      try db.execute(
        sql: """
          INSERT INTO left_message (id, tenant, session_id, customer_id, channel, text, contact, state, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
          """,
        arguments: [
          messageId, caller.tenant, id, session.customerId, session.channel.rawValue, text,
          SessionRows.json(contact), now.timeIntervalSince1970,
        ])
      try Self.logStep(db, tenant: caller.tenant, message: messageId, kind: .created, actor: "customer", at: now)
      try endSession(db, id: id, tenant: caller.tenant, reason: .leftMessage, actor: "customer", at: now)
      return try Self.leftMessage(db, tenant: caller.tenant, id: messageId, steps: true)!
    }
  }

  public func leftMessages(
    tenant: String, view: LeftMessageView, agent: String?, customer: String? = nil, limit: Int = 100
  ) throws(SessionStoreError) -> [LeftMessage] {
    try read { db in
      var conditions = ["tenant = ?"]
      var arguments: StatementArguments = [tenant]
      switch view {
      case .open: conditions.append("state = 'open'")
      case .mine:
        conditions.append("state = 'claimed' AND claimed_by = ?")
        arguments += [agent ?? ""]
      case .all: break
      }
      if let customer {
        conditions.append("customer_id = ?")
        arguments += [customer]
      }
      return try Row.fetchAll(
        db,
        sql:
          "SELECT * FROM left_message WHERE \(conditions.joined(separator: " AND ")) ORDER BY created_at DESC LIMIT ?",
        arguments: arguments + [limit]
      ).map { try Self.leftMessage($0, steps: nil) }
    }
  }

  public func leftMessage(tenant: String, id: Int64) throws(SessionStoreError) -> LeftMessage? {
    try read { db in try Self.leftMessage(db, tenant: tenant, id: id, steps: true) }
  }

  /// An agent takes a left message to answer it; one another agent has claimed, or a closed one, is refused.
  public func claim(leftMessage id: Int64, by caller: Caller) throws(SessionStoreError) -> LeftMessage {
    guard let agent = caller.agent else { throw .forbidden("a left message is claimed with an agent's key") }
    return try changeLeftMessage(id, caller: caller) { db, message in
      guard message.state == .open else {
        throw SessionStoreError.conflict(
          code: .invalidState,
          message: message.state == .closed
            ? "left message \(id) is closed" : "left message \(id) is claimed by \(message.claimedBy ?? "")")
      }
      try db.execute(
        sql: "UPDATE left_message SET state = 'claimed', claimed_by = ? WHERE id = ?", arguments: [agent, id])
      try Self.logStep(db, tenant: caller.tenant, message: id, kind: .claimed, actor: agent, at: now)
    }
  }

  /// An internal note on a left message (any agent; not sent to the customer).
  public func note(leftMessage id: Int64, body: String, by caller: Caller) throws(SessionStoreError) -> LeftMessage {
    let body = try Self.checkedBody(body)
    return try changeLeftMessage(id, caller: caller) { db, _ in
      try Self.logStep(db, tenant: caller.tenant, message: id, kind: .noted, actor: caller.name, body: body, at: now)
    }
  }

  /// The claiming agent answers the customer: a message on the session the customer left it from, through
  /// the outbox to the customer's channel.
  public func reply(leftMessage id: Int64, body: String, searchTerms: String, by caller: Caller)
    throws(SessionStoreError) -> LeftMessage
  {
    let body = try Self.checkedBody(body)
    return try changeLeftMessage(id, caller: caller) { db, message in
      guard message.state == .claimed, message.claimedBy == caller.agent else {
        throw SessionStoreError.conflict(code: .invalidState, message: "claim left message \(id) before replying")
      }
      var new = NewMessage(sender: .agent, body: body, searchTerms: searchTerms)
      new.answersLeftMessage = true
      let posted = try insertMessage(db, new, session: message.session, by: caller)
      try Self.logStep(
        db, tenant: caller.tenant, message: id, kind: .replied, actor: caller.name, body: body,
        messageId: posted.message.id, at: now)
    }
  }

  public func close(leftMessage id: Int64, by caller: Caller) throws(SessionStoreError) -> LeftMessage {
    try changeLeftMessage(id, caller: caller) { db, message in
      guard message.state != .closed else {
        throw SessionStoreError.conflict(code: .invalidState, message: "left message \(id) is closed")
      }
      if message.state == .claimed && message.claimedBy != caller.agent && !caller.isAdmin {
        throw SessionStoreError.forbidden("left message \(id) is claimed by another agent")
      }
      try db.execute(
        sql: "UPDATE left_message SET state = 'closed', closed_at = ? WHERE id = ?",
        arguments: [now.timeIntervalSince1970, id])
      try Self.logStep(db, tenant: caller.tenant, message: id, kind: .closed, actor: caller.name, at: now)
    }
  }

  private static func checkedBody(_ body: String) throws(SessionStoreError) -> String {
    guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .invalid(field: "body", message: "the text is empty")
    }
    guard body.count <= 10_000 else {
      throw .invalid(field: "body", message: "the text is longer than 10000 characters")
    }
    return body
  }

  private func changeLeftMessage(
    _ id: Int64, caller: Caller, _ body: (Database, LeftMessage) throws -> Void
  ) throws(SessionStoreError) -> LeftMessage {
    try write { db in
      guard let message = try Self.leftMessage(db, tenant: caller.tenant, id: id, steps: false) else {
        throw SessionStoreError.notFound("no left message with id \(id)")
      }
      try body(db, message)
      return try Self.leftMessage(db, tenant: caller.tenant, id: id, steps: true)!
    }
  }

  private static func logStep(
    _ db: Database, tenant: String, message: Int64, kind: LeftMessage.Step.Kind, actor: String, body: String? = nil,
    messageId: Int64? = nil, at: Date
  ) throws {
    try db.execute(
      sql: """
        INSERT INTO left_message_step (tenant, left_message_id, kind, actor, body, message_id, at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """, arguments: [tenant, message, kind.rawValue, actor, body, messageId, at.timeIntervalSince1970])
  }

  private static func leftMessage(_ db: Database, tenant: String, id: Int64, steps: Bool) throws -> LeftMessage? {
    guard
      let row = try Row.fetchOne(
        db, sql: "SELECT * FROM left_message WHERE tenant = ? AND id = ?", arguments: [tenant, id])
    else { return nil }
    let list =
      try steps
      ? Row.fetchAll(db, sql: "SELECT * FROM left_message_step WHERE left_message_id = ? ORDER BY seq", arguments: [id])
        .map { step in
          LeftMessage.Step(
            kind: try step.strict(LeftMessage.Step.Kind.self, "kind"), actor: step["actor"], body: step["body"],
            messageId: step["message_id"], at: Date(timeIntervalSince1970: step["at"]))
        } : nil
    return try leftMessage(row, steps: list)
  }

  private static func leftMessage(_ row: Row, steps: [LeftMessage.Step]?) throws -> LeftMessage {
    LeftMessage(
      id: row["id"], session: row["session_id"], customerId: row["customer_id"],
      channel: try row.strict(CustomerChannel.self, "channel"), text: row["text"],
      contact: (try? JSONDecoder().decode([String: String].self, from: Data((row["contact"] as String).utf8))) ?? [:],
      state: try row.strict(LeftMessage.State.self, "state"), claimedBy: row["claimed_by"],
      createdAt: Date(timeIntervalSince1970: row["created_at"]),
      closedAt: (row["closed_at"] as Double?).map(Date.init(timeIntervalSince1970:)), steps: steps)
  }
}
