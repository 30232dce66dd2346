import Foundation
import GRDB
import Knowledge

/// The lists an agent works from.
public enum SessionView: Hashable, Sendable {
  /// Waiting for an agent, in the caller's groups (or in none).
  case queued
  /// The caller's conversations in progress (active and offline).
  case active
  /// The caller's conversations whose customer left the page.
  case offline
  /// The caller's conversations the customer left or that timed out in the last 24 hours.
  case endedPassive
  case starred
  /// A saved group: its filter over the caller's open conversations.
  case group(Int64)

  /// `queued`, `active`, `offline`, `ended-passive`, `starred` or `group:{id}`.
  public init?(_ text: String) {
    switch text {
    case "queued": self = .queued
    case "active": self = .active
    case "offline": self = .offline
    case "ended-passive": self = .endedPassive
    case "starred": self = .starred
    default:
      guard text.hasPrefix("group:"), let id = Int64(text.dropFirst(6)) else { return nil }
      self = .group(id)
    }
  }
}

/// How a list is ordered: most recent first.
public enum SessionSort: String, Sendable, CaseIterable {
  case lastMessage = "last-message"
  case lastCustomerMessage = "last-customer-message"
}

/// A session with what a list shows beside it.
public struct ListedSession: Sendable {
  public var session: Session
  public var customer: Customer?
  public var alarm: Bool
}

public struct SessionPage: Sendable {
  public var sessions: [ListedSession]
  public var total: Int

  public init(sessions: [ListedSession], total: Int) {
    self.sessions = sessions
    self.total = total
  }
}

/// What the history search looks for among ended sessions.
public struct HistoryQuery: Sendable {
  /// An FTS5 match expression over the messages' analyzed terms (nil: any).
  public var match: String?
  public var from: Date?
  public var to: Date?
  public var agent: String?
  public var customer: String?
  public var status: ResolutionStatus?
  public var limit: Int
  public var offset: Int

  public init(
    match: String? = nil, from: Date? = nil, to: Date? = nil, agent: String? = nil, customer: String? = nil,
    status: ResolutionStatus? = nil, limit: Int = 20, offset: Int = 0
  ) {
    self.match = match
    self.from = from
    self.to = to
    self.agent = agent
    self.customer = customer
    self.status = status
    self.limit = limit
    self.offset = offset
  }
}

extension SessionStore {
  /// One page of a list, most recent first. Agents see their own conversations (and the queue of their groups,
  /// passed as `groups`); the administrator sees the whole tenant's.
  public func list(
    _ view: SessionView, caller: Caller, groups: [String], channel: CustomerChannel? = nil, group: String? = nil,
    sort: SessionSort = .lastMessage, limit: Int = 20, offset: Int = 0
  ) throws(SessionStoreError) -> SessionPage {
    let settings = try settings(tenant: caller.tenant)
    let now = now.timeIntervalSince1970
    let alarmSQL = Self.alarmSQL(limit: settings.alarmAfterSeconds, now: now)
    var conditions = ["s.tenant = ?"]
    var arguments: StatementArguments = [caller.tenant]
    func mine() {
      guard !caller.isAdmin else { return }
      conditions.append("s.agent_id = ?")
      arguments += [caller.agent ?? ""]
    }
    switch view {
    case .queued:
      conditions.append("s.state = 'queued'")
      if !caller.isAdmin {
        let marks = groups.map { _ in "?" }.joined(separator: ",")
        conditions.append(groups.isEmpty ? "s.group_id IS NULL" : "(s.group_id IS NULL OR s.group_id IN (\(marks)))")
        arguments += StatementArguments(groups)
      }
    case .active:
      conditions.append("s.state IN ('active', 'offline')")
      mine()
    case .offline:
      conditions.append("s.state = 'offline'")
      mine()
    case .endedPassive:
      conditions.append("s.state = 'ended' AND s.end_reason IN ('customer', 'timeout') AND s.ended_at >= ?")
      arguments += [now - 24 * 3600]
      mine()
    case .starred:
      conditions.append("s.starred = 1")
      mine()
    case .group(let id):
      guard let saved = try savedGroup(id: id, caller: caller) else {
        throw .notFound("no saved group with id \(id)")
      }
      conditions.append("s.state != 'ended'")
      mine()
      Self.apply(saved.filter, alarmSQL: alarmSQL, to: &conditions, &arguments)
    }
    if let channel {
      conditions.append("s.channel = ?")
      arguments += [channel.rawValue]
    }
    if let group {
      conditions.append("s.group_id = ?")
      arguments += [group]
    }
    let order =
      switch sort {
      case .lastMessage: "coalesce(s.last_message_at, s.created_at) DESC, s.id DESC"
      case .lastCustomerMessage: "coalesce(s.last_customer_message_at, s.created_at) DESC, s.id DESC"
      }
    return try page(
      conditions, arguments, alarm: alarmSQL, order: order, limit: limit, offset: offset)
  }

  /// Ended sessions that match a history query, most recently ended first.
  public func history(_ query: HistoryQuery, tenant: String) throws(SessionStoreError) -> SessionPage {
    var conditions = ["s.tenant = ?", "s.state = 'ended'"]
    var arguments: StatementArguments = [tenant]
    if let match = query.match {
      conditions.append(
        """
        s.id IN (SELECT m.session_id FROM message_search JOIN message m ON m.id = message_search.rowid
          WHERE message_search MATCH ? AND m.tenant = ?)
        """)
      arguments += [match, tenant]
    }
    if let from = query.from {
      conditions.append("s.ended_at >= ?")
      arguments += [from.timeIntervalSince1970]
    }
    if let to = query.to {
      conditions.append("s.created_at <= ?")
      arguments += [to.timeIntervalSince1970]
    }
    if let agent = query.agent {
      conditions.append("(s.agent_id = ? OR s.id IN (SELECT session_id FROM session_event WHERE to_agent = ?))")
      arguments += [agent, agent]
    }
    if let customer = query.customer {
      conditions.append("s.customer_id = ?")
      arguments += [customer]
    }
    if let status = query.status {
      conditions.append("s.summary_status = ?")
      arguments += [status.rawValue]
    }
    return try page(
      conditions, arguments, alarm: "0", order: "s.ended_at DESC, s.id DESC", limit: query.limit,
      offset: query.offset)
  }

  /// One page of the sessions that meet `conditions` (over `s`, the session, and `c`, its customer), with the
  /// total and each session's customer, in one read transaction.
  func page(
    _ conditions: [String], _ arguments: StatementArguments, alarm: String, order: String, limit: Int, offset: Int
  ) throws(SessionStoreError) -> SessionPage {
    let from = "FROM session s LEFT JOIN customer c ON c.tenant = s.tenant AND c.id = s.customer_id"
    let filter = conditions.joined(separator: " AND ")
    return try read { db in
      let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from) WHERE \(filter)", arguments: arguments) ?? 0
      let rows = try Row.fetchAll(
        db, sql: "SELECT s.*, \(alarm) AS alarm \(from) WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?",
        arguments: arguments + [limit, offset])
      return SessionPage(
        sessions: try rows.map { row in
          let session = try SessionRows.session(row)
          return ListedSession(
            session: session, customer: try Self.fetchCustomer(db, tenant: session.tenant, id: session.customerId),
            alarm: row["alarm"])
        }, total: total)
    }
  }

  /// True when the customer of `s` has waited longer than `limit` seconds for a reply.
  static func alarmSQL(limit: Int, now: Double) -> String {
    """
    (s.state IN ('queued', 'active') AND s.last_customer_message_at IS NOT NULL
      AND (s.last_agent_message_at IS NULL OR s.last_agent_message_at < s.last_customer_message_at)
      AND s.last_customer_message_at < \(now - Double(limit)))
    """
  }

  static func apply(
    _ filter: SessionFilter, alarmSQL: String, to conditions: inout [String], _ arguments: inout StatementArguments
  ) {
    func oneOf(_ column: String, _ values: [String]?) {
      guard let values, !values.isEmpty else { return }
      conditions.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ",")))")
      arguments += StatementArguments(values)
    }
    oneOf("c.level", filter.levels)
    oneOf("c.language", filter.languages)
    oneOf("s.channel", filter.channels?.map(\.rawValue))
    if let tags = filter.tags, !tags.isEmpty {
      let marks = tags.map { _ in "?" }.joined(separator: ",")
      conditions.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value IN (\(marks)))")
      arguments += StatementArguments(tags)
    }
    if let starred = filter.starred {
      conditions.append("s.starred = ?")
      arguments += [starred]
    }
    if let alarm = filter.alarm { conditions.append(alarm ? alarmSQL : "NOT \(alarmSQL)") }
  }

  // MARK: Saved groups

  public func saveGroup(name: String, filter: SessionFilter, shared: Bool, caller: Caller) throws(SessionStoreError)
    -> SavedGroup
  {
    guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .invalid(field: "name", message: "must not be empty")
    }
    let owner = shared ? nil : caller.agent
    return try write { db in
      let id = try Self.newRowID(db, table: "saved_group", at: clock.now)
      try db.execute(
        sql: "INSERT INTO saved_group (id, tenant, owner, name, filter) VALUES (?, ?, ?, ?, ?)",
        arguments: [id, caller.tenant, owner, name, SessionRows.json(filter)])
      return SavedGroup(id: id, owner: owner, name: name, filter: filter)
    }
  }

  /// The groups the caller sees: its own and the tenant's shared ones.
  public func savedGroups(caller: Caller) throws(SessionStoreError) -> [SavedGroup] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM saved_group WHERE tenant = ? AND (owner IS NULL OR owner = ? OR ?) ORDER BY id",
        arguments: [caller.tenant, caller.agent, caller.isAdmin]
      ).map(Self.savedGroup)
    }
  }

  public func savedGroup(id: Int64, caller: Caller) throws(SessionStoreError) -> SavedGroup? {
    try savedGroups(caller: caller).first { $0.id == id }
  }

  public func deleteGroup(id: Int64, caller: Caller) throws(SessionStoreError) {
    guard let group = try savedGroup(id: id, caller: caller) else { throw .notFound("no saved group with id \(id)") }
    guard caller.isAdmin || group.owner == caller.agent else {
      throw .forbidden("only the administrator deletes a shared group")
    }
    try write { db in try db.execute(sql: "DELETE FROM saved_group WHERE id = ?", arguments: [id]) }
  }

  static func savedGroup(_ row: Row) throws -> SavedGroup {
    SavedGroup(
      id: row["id"], owner: row["owner"], name: row["name"],
      filter: try SessionRows.decode(SessionFilter.self, row["filter"]) ?? SessionFilter())
  }

  // MARK: Settings and the sweep

  public func settings(tenant: String) throws(SessionStoreError) -> SessionSettings {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM session_settings WHERE tenant = ?", arguments: [tenant]).map {
        SessionSettings(alarmAfterSeconds: $0["alarm_after_seconds"], idleTimeoutSeconds: $0["idle_timeout_seconds"])
      }
    } ?? SessionSettings()
  }

  public func setSettings(_ settings: SessionSettings, tenant: String) throws(SessionStoreError) {
    guard (1...SessionSettings.maxAlarmAfterSeconds).contains(settings.alarmAfterSeconds) else {
      throw .invalid(field: "alarmAfterSeconds", message: "must be from 1 to \(SessionSettings.maxAlarmAfterSeconds)")
    }
    guard (1...SessionSettings.maxIdleTimeoutSeconds).contains(settings.idleTimeoutSeconds) else {
      throw .invalid(field: "idleTimeoutSeconds", message: "must be from 1 to \(SessionSettings.maxIdleTimeoutSeconds)")
    }
    try write { db in
      try db.execute(
        sql:
          "INSERT OR REPLACE INTO session_settings (tenant, alarm_after_seconds, idle_timeout_seconds) VALUES (?, ?, ?)",
        arguments: [tenant, settings.alarmAfterSeconds, settings.idleTimeoutSeconds])
    }
  }

  /// What one sweep found.
  public struct SweepResult: Sendable {
    /// Sessions whose customer has just crossed the tenant's alarm limit (each is reported once per wait).
    public var alarms: [Session]
    /// Sessions ended by timeout.
    public var timedOut: [Session]
  }

  /// Raises alarms and ends idle sessions by timeout, for every tenant (the service runs it every second).
  /// Every tenant's session settings that has set some (the others have the standard ones).
  static func allSettings(_ db: Database) throws -> [String: SessionSettings] {
    Dictionary(
      try Row.fetchAll(db, sql: "SELECT * FROM session_settings").map {
        (
          $0["tenant"] as String,
          SessionSettings(alarmAfterSeconds: $0["alarm_after_seconds"], idleTimeoutSeconds: $0["idle_timeout_seconds"])
        )
      }, uniquingKeysWith: { first, _ in first })
  }

  public func sweep() throws(SessionStoreError) -> SweepResult {
    let now = now
    let at = now.timeIntervalSince1970
    return try write { db in
      let settings = try Self.allSettings(db)
      let standard = SessionSettings()
      let waiting = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM session s WHERE s.state IN ('queued', 'active') AND s.alarm_notified_at IS NULL
            AND s.last_customer_message_at IS NOT NULL
            AND (s.last_agent_message_at IS NULL OR s.last_agent_message_at < s.last_customer_message_at)
          """
      ).map(SessionRows.session)
      var alarms: [Session] = []
      for session in waiting
      where session.hasAlarm(limit: Double((settings[session.tenant] ?? standard).alarmAfterSeconds), now: now) {
        try db.execute(sql: "UPDATE session SET alarm_notified_at = ? WHERE id = ?", arguments: [at, session.id])
        try logEvent(db, tenant: session.tenant, session: session.id, kind: .alarm, actor: "system", at: now)
        alarms.append(session)
      }
      let open = try Row.fetchAll(db, sql: "SELECT * FROM session WHERE state IN ('active', 'offline')").map(
        SessionRows.session)
      var timedOut: [Session] = []
      for session in open {
        let idle = Double((settings[session.tenant] ?? standard).idleTimeoutSeconds)
        guard now.timeIntervalSince(session.lastActivityAt) > idle else { continue }
        try endSession(db, id: session.id, tenant: session.tenant, reason: .timeout, actor: "system", at: now)
        timedOut.append(try Self.fetchSession(db, tenant: session.tenant, id: session.id)!)
      }
      return SweepResult(alarms: alarms, timedOut: timedOut)
    }
  }
}
