import Foundation
import GRDB
import Knowledge

extension Caller {
  /// How the history of actions names the caller.
  var name: String { agent ?? (isAdmin ? "admin" : "unknown") }
}

extension SessionStore {
  // MARK: Customers

  /// Adds or updates a customer. Its blocked flag is kept: only `setBlocked` changes it.
  @discardableResult
  public func upsertCustomer(_ customer: Customer, tenant: String) throws(SessionStoreError) -> Customer {
    guard !customer.id.isEmpty, customer.id.unicodeScalars.count <= 200 else {
      throw .invalid(field: "customer.id", message: "must be 1 to 200 characters")
    }
    return try write { db in
      try db.execute(
        sql: """
          INSERT INTO customer (tenant, id, name, channel, identity, language, level, tags, attributes, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, channel = excluded.channel,
            identity = excluded.identity, language = excluded.language, level = excluded.level,
            tags = excluded.tags, attributes = excluded.attributes
          """,
        arguments: [
          tenant, customer.id, customer.name, customer.channel.rawValue, customer.identity, customer.language,
          customer.level, SessionRows.json(customer.tags), SessionRows.json(customer.attributes),
          now.timeIntervalSince1970,
        ])
      return try Self.fetchCustomer(db, tenant: tenant, id: customer.id)!
    }
  }

  public func customer(tenant: String, id: String) throws(SessionStoreError) -> Customer? {
    try read { db in try Self.fetchCustomer(db, tenant: tenant, id: id) }
  }

  /// Blocks or unblocks a customer: a blocked customer's new sessions and messages are refused.
  @discardableResult
  public func setBlocked(_ blocked: Bool, customer id: String, tenant: String) throws(SessionStoreError) -> Customer {
    try write { db in
      try db.execute(
        sql: "UPDATE customer SET blocked = ? WHERE tenant = ? AND id = ?", arguments: [blocked, tenant, id])
      guard db.changesCount == 1, let customer = try Self.fetchCustomer(db, tenant: tenant, id: id) else {
        throw SessionStoreError.notFound("no customer with id \(id)")
      }
      return customer
    }
  }

  /// A conversation's language: its customer's (nil: the tenant's default applies).
  public func language(of session: Session) throws(SessionStoreError) -> String? {
    try customer(tenant: session.tenant, id: session.customerId)?.language
  }

  static func fetchCustomer(_ db: Database, tenant: String, id: String) throws -> Customer? {
    try Row.fetchOne(db, sql: "SELECT * FROM customer WHERE tenant = ? AND id = ?", arguments: [tenant, id])
      .map(SessionRows.customer)
  }

  // MARK: Sessions

  /// A new queued session for an existing customer, on the customer's channel unless another is given.
  public func createSession(
    customer customerId: String, channel: CustomerChannel? = nil, group: String? = nil, by caller: Caller
  )
    throws(SessionStoreError) -> Session
  {
    try write { db in
      guard let customer = try Self.fetchCustomer(db, tenant: caller.tenant, id: customerId) else {
        throw SessionStoreError.unknown(
          field: "customer", code: .unknownCustomer, message: "no customer with id \(customerId)")
      }
      guard !customer.blocked else { throw SessionStoreError.blocked(customer: customerId) }
      let at = now.timeIntervalSince1970
      let id = try Self.newRowID(db, table: "session", at: now)
      try db.execute(
        sql: """
          INSERT INTO session (id, tenant, customer_id, channel, group_id, state, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          id, caller.tenant, customerId, (channel ?? customer.channel).rawValue, group, SessionState.queued.rawValue,
          at,
        ])
      try logEvent(db, tenant: caller.tenant, session: id, kind: .created, actor: caller.name, toGroup: group)
      return try Self.fetchSession(db, tenant: caller.tenant, id: id)!
    }
  }

  public func session(tenant: String, id: Int64) throws(SessionStoreError) -> Session? {
    try read { db in try Self.fetchSession(db, tenant: tenant, id: id) }
  }

  /// A queued session goes to an agent and becomes active, if the agent has room for it (`override`: the
  /// administrator assigns past the agent's limit, and the event says so).
  public func assign(session id: Int64, to agent: String, by caller: Caller, override: Bool = false)
    throws(SessionStoreError) -> Session
  {
    try change(session: id, caller: caller) { db, session in
      guard session.state == .queued else {
        throw SessionStoreError.conflict(
          code: .invalidState, message: "session \(id) is \(session.state.rawValue), not queued")
      }
      guard caller.isAdmin || caller.agent == agent else {
        throw SessionStoreError.forbidden("an agent can only take a session for itself")
      }
      let note = try Self.checkRoom(db, tenant: caller.tenant, agent: agent, override: override, caller: caller)
      let at = now.timeIntervalSince1970
      try db.execute(
        sql: "UPDATE session SET agent_id = ?, state = 'active', assigned_at = ? WHERE id = ?",
        arguments: [agent, at, id])
      try logEvent(
        db, tenant: caller.tenant, session: id, kind: .assigned, actor: caller.name, toAgent: agent, note: note)
      try Self.noteAssigned(db, tenant: caller.tenant, agent: agent, at: now)
    }
  }

  /// Hands a session to another agent (it stays active) if that agent has room (`override` as for `assign`),
  /// or back to a group's queue (no agent). `reason`, the agent's words for why, goes into the history.
  public func transfer(
    session id: Int64, toAgent: String?, toGroup: String?, reason: String? = nil, by caller: Caller,
    override: Bool = false
  ) throws(SessionStoreError) -> Session {
    guard toAgent != nil || toGroup != nil else {
      throw .invalid(field: "agent", message: "name an agent or a group to transfer to")
    }
    return try change(session: id, caller: caller) { db, session in
      guard session.state != .ended else {
        throw SessionStoreError.conflict(code: .invalidState, message: "session \(id) has ended")
      }
      try Self.requireOwner(session, caller)
      let at = now.timeIntervalSince1970
      var note: String?
      if let toAgent, toAgent != session.agent {
        note = try Self.checkRoom(db, tenant: caller.tenant, agent: toAgent, override: override, caller: caller)
        try Self.noteAssigned(db, tenant: caller.tenant, agent: toAgent, at: now)
      }
      if let toAgent {
        try db.execute(
          sql: """
            UPDATE session SET agent_id = ?, group_id = coalesce(?, group_id), assigned_at = ?,
              state = CASE state WHEN 'queued' THEN 'active' ELSE state END WHERE id = ?
            """, arguments: [toAgent, toGroup, at, id])
      } else {
        try db.execute(
          sql: "UPDATE session SET agent_id = NULL, group_id = ?, state = 'queued' WHERE id = ?",
          arguments: [toGroup, id])
      }
      let notes = [reason, note].compactMap { $0 }.filter { !$0.isEmpty }
      try logEvent(
        db, tenant: caller.tenant, session: id, kind: .transferred, actor: caller.name, fromAgent: session.agent,
        toAgent: toAgent, toGroup: toGroup, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
  }

  /// Ends a session. An agent ends its own; the administrator (standing for the channel) also records that the
  /// customer left or that the session timed out.
  public func end(session id: Int64, reason: EndReason, by caller: Caller) throws(SessionStoreError) -> Session {
    try change(session: id, caller: caller) { db, session in
      guard session.state != .ended else {
        throw SessionStoreError.conflict(code: .invalidState, message: "session \(id) has already ended")
      }
      if reason != .agent && !caller.isAdmin {
        throw SessionStoreError.forbidden("only the administrator key records a customer's or a timeout's end")
      }
      if !caller.isAdmin { try Self.requireOwner(session, caller) }
      try endSession(db, id: id, tenant: caller.tenant, reason: reason, actor: caller.name, at: now)
    }
  }

  func endSession(_ db: Database, id: Int64, tenant: String, reason: EndReason, actor: String, at: Date)
    throws
  {
    try db.execute(
      sql: "UPDATE session SET state = 'ended', end_reason = ?, ended_at = ? WHERE id = ?",
      arguments: [reason.rawValue, at.timeIntervalSince1970, id])
    try logEvent(db, tenant: tenant, session: id, kind: .ended, actor: actor, at: at)
  }

  /// The customer left the page: an active session waits offline (a new customer message resumes it).
  public func setOffline(session id: Int64, by caller: Caller) throws(SessionStoreError) -> Session {
    try change(session: id, caller: caller) { db, session in
      guard session.state == .active else {
        throw SessionStoreError.conflict(
          code: .invalidState, message: "session \(id) is \(session.state.rawValue), not active")
      }
      try db.execute(sql: "UPDATE session SET state = 'offline' WHERE id = ?", arguments: [id])
      try logEvent(db, tenant: caller.tenant, session: id, kind: .offline, actor: caller.name)
    }
  }

  public func setStarred(_ starred: Bool, session id: Int64, by caller: Caller) throws(SessionStoreError) -> Session {
    try change(session: id, caller: caller) { db, session in
      try Self.requireOwner(session, caller)
      guard session.starred != starred else { return }
      try db.execute(sql: "UPDATE session SET starred = ? WHERE id = ?", arguments: [starred, id])
      try logEvent(db, tenant: caller.tenant, session: id, kind: starred ? .starred : .unstarred, actor: caller.name)
    }
  }

  /// Writes the service summary (also after the session ended).
  public func setSummary(_ summary: ServiceSummary, session id: Int64, by caller: Caller) throws(SessionStoreError)
    -> Session
  {
    try change(session: id, caller: caller) { db, session in
      try Self.requireOwner(session, caller)
      try db.execute(
        sql: """
          UPDATE session SET summary_status = ?, summary_category = ?, summary_notes = ?, summary_updated_at = ?,
            summary_updated_by = ? WHERE id = ?
          """,
        arguments: [
          summary.status.rawValue, summary.category, summary.notes, now.timeIntervalSince1970, caller.name, id,
        ])
      try logEvent(db, tenant: caller.tenant, session: id, kind: .summary, actor: caller.name)
    }
  }

  /// The history of a session's actions, oldest first.
  public func events(session id: Int64, tenant: String) throws(SessionStoreError) -> [SessionEvent] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM session_event WHERE tenant = ? AND session_id = ? ORDER BY seq",
        arguments: [tenant, id]
      ).map(SessionRows.event)
    }
  }

  /// Runs `body` on a session of the caller's tenant in one transaction, and answers the session as it is after.
  func change(session id: Int64, caller: Caller, _ body: (Database, Session) throws -> Void) throws(SessionStoreError)
    -> Session
  {
    try write { db in
      guard let session = try Self.fetchSession(db, tenant: caller.tenant, id: id) else {
        throw SessionStoreError.notFound("no session with id \(id)")
      }
      try body(db, session)
      return try Self.fetchSession(db, tenant: caller.tenant, id: id)!
    }
  }

  /// The administrator may act on any session of its tenant; an agent only on the sessions assigned to it.
  static func requireOwner(_ session: Session, _ caller: Caller) throws {
    guard caller.isAdmin || (caller.agent != nil && session.agent == caller.agent) else {
      throw SessionStoreError.forbidden("session \(session.id) is not assigned to you")
    }
  }

  static func fetchSession(_ db: Database, tenant: String, id: Int64) throws -> Session? {
    try Row.fetchOne(db, sql: "SELECT * FROM session WHERE tenant = ? AND id = ?", arguments: [tenant, id])
      .map(SessionRows.session)
  }

  func logEvent(
    _ db: Database, tenant: String, session: Int64, kind: SessionEvent.Kind, actor: String, fromAgent: String? = nil,
    toAgent: String? = nil, toGroup: String? = nil, at: Date? = nil, note: String? = nil
  ) throws {
    try db.execute(
      sql: """
        INSERT INTO session_event (tenant, session_id, kind, actor, from_agent, to_agent, to_group, at, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        tenant, session, kind.rawValue, actor, fromAgent, toAgent, toGroup,
        (at ?? now).timeIntervalSince1970, note,
      ])
  }
}
