import Foundation
import GRDB
import Knowledge

extension SessionStore {
  /// What storing a message did.
  public struct PostedMessage: Sendable {
    public var message: Message
    public var session: Session
    /// The message was already stored under its client id (a retry): nothing new was written.
    public var isRetry: Bool
  }

  /// Stores a message, updates the session's times, and puts an agent's message on the channel's outbox, all in
  /// one transaction. Customers' messages are refused when the customer is blocked, and resume an offline
  /// session; agents write only to the sessions assigned to them. Nobody writes to an ended session.
  public func addMessage(_ new: NewMessage, session id: Int64, by caller: Caller) throws(SessionStoreError)
    -> PostedMessage
  {
    try write { db in try insertMessage(db, new, session: id, by: caller) }
  }

  /// `addMessage` inside a transaction that is already open (one message of a group commit).
  func insertMessage(_ db: Database, _ new: NewMessage, session id: Int64, by caller: Caller) throws -> PostedMessage {
    guard let session = try Self.fetchSession(db, tenant: caller.tenant, id: id) else {
      throw SessionStoreError.notFound("no session with id \(id)")
    }
    if let clientId = new.clientId,
      let stored = try Row.fetchOne(
        db, sql: "SELECT * FROM message WHERE session_id = ? AND client_id = ?", arguments: [id, clientId])
    {
      return PostedMessage(message: try SessionRows.message(stored), session: session, isRetry: true)
    }
    guard session.state != .ended || (new.isAutomatic && new.sender == .system) || new.answersLeftMessage else {
      throw SessionStoreError.conflict(code: .sessionEnded, message: "session \(id) has ended")
    }
    switch new.sender {
    case .customer:
      guard caller.isAdmin else {
        throw SessionStoreError.forbidden("customers' messages arrive with the administrator (channel) key")
      }
      let customer = try Self.fetchCustomer(db, tenant: caller.tenant, id: session.customerId)
      if customer?.blocked == true { throw SessionStoreError.blocked(customer: session.customerId) }
    case .agent:
      guard let agent = caller.agent, session.agent == agent || new.answersLeftMessage else {
        throw SessionStoreError.forbidden("session \(id) is not assigned to you")
      }
    case .bot, .system:
      guard caller.isAdmin else {
        throw SessionStoreError.forbidden("bot and system messages need the administrator key")
      }
    }
    let at = now.timeIntervalSince1970
    let messageId = try Self.newRowID(db, table: "message", at: now)
    try db.execute(
      sql: """
        INSERT INTO message (id, tenant, session_id, sender, sender_id, kind, body, attachments, created_at, client_id,
          origin, smart_replies)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        messageId, caller.tenant, id, new.sender.rawValue, new.sender == .agent ? caller.agent : new.senderId,
        new.kind.rawValue, new.body, SessionRows.json(new.attachments), at, new.clientId,
        new.origin.map(SessionRows.json), new.smartReplies,
      ])
    if !new.searchTerms.isEmpty {
      try db.execute(
        sql: "INSERT INTO message_search (rowid, terms) VALUES (?, ?)", arguments: [messageId, new.searchTerms])
    }
    switch new.sender {
    case .customer:
      // A customer writing again brings an offline session back (to its agent, or to the queue).
      if session.state == .offline {
        try db.execute(sql: "UPDATE session SET state = 'active' WHERE id = ?", arguments: [id])
        try logEvent(db, tenant: caller.tenant, session: id, kind: .resumed, actor: "customer")
      }
      try db.execute(
        sql: "UPDATE session SET last_message_at = ?, last_customer_message_at = ? WHERE id = ?",
        arguments: [at, at, id])
    case .agent:
      try db.execute(
        sql: """
          UPDATE session SET last_message_at = ?, last_agent_message_at = ?, alarm_notified_at = NULL,
            first_agent_reply_at = coalesce(first_agent_reply_at, ?) WHERE id = ?
          """, arguments: [at, at, at, id])
    case .bot, .system:
      if !new.isAutomatic {
        try db.execute(sql: "UPDATE session SET last_message_at = ? WHERE id = ?", arguments: [at, id])
      }
    }
    if new.sender != .customer {
      try db.execute(
        sql: "INSERT INTO outbox (id, tenant, message_id, session_id, channel, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        arguments: [
          try Self.newRowID(db, table: "outbox", at: now), caller.tenant, messageId, id, session.channel.rawValue, at,
        ])
    }
    let stored = try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [messageId])!
    return PostedMessage(
      message: try SessionRows.message(stored), session: try Self.fetchSession(db, tenant: caller.tenant, id: id)!,
      isRetry: false)
  }

  /// `addMessage` with group commit: messages posted at the same moment share one transaction, so that one
  /// sync of the log acknowledges them all (a sync costs milliseconds; one per message would cap the store at a
  /// few hundred messages a second). Each message is applied in its own savepoint: one refused message does
  /// not undo the others, and each caller gets its own answer once the shared transaction is committed.
  public func postMessage(_ new: NewMessage, session id: Int64, by caller: Caller) async throws -> PostedMessage {
    try await withCheckedThrowingContinuation { continuation in
      let job = PendingMessage(new: new, session: id, caller: caller, continuation: continuation)
      // The first caller of a round drains the queue; the others wait for it.
      if commits.enqueue(job) { drainCommits() }
    }
  }

  private func drainCommits() {
    while let jobs = commits.takeAll() {
      var results: [Result<PostedMessage, any Error>] = []
      do {
        try database.write { db in
          results = []
          for job in jobs {
            do {
              var posted: PostedMessage?
              try db.inSavepoint {
                posted = try insertMessage(db, job.new, session: job.session, by: job.caller)
                return .commit
              }
              results.append(.success(posted!))
            } catch {
              results.append(.failure(Self.mapped(error)))
            }
          }
        }
        for (job, result) in zip(jobs, results) { job.continuation.resume(with: result) }
      } catch {
        for job in jobs { job.continuation.resume(throwing: Self.mapped(error)) }
      }
    }
  }

  /// An agent takes back its own message within `recallWindow`. The row stays, marked recalled; the customer's
  /// view and the history search no longer show it. Recalling a recalled message again changes nothing.
  public func recall(message id: Int64, by caller: Caller) throws(SessionStoreError) -> Message {
    try write { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT * FROM message WHERE tenant = ? AND id = ?", arguments: [caller.tenant, id])
      else { throw SessionStoreError.notFound("no message with id \(id)") }
      let message = try SessionRows.message(row)
      guard message.sender == .agent, let agent = caller.agent, message.senderId == agent else {
        throw SessionStoreError.forbidden("an agent can only recall its own messages")
      }
      if message.isRecalled { return message }
      let age = now.timeIntervalSince(message.createdAt)
      guard age <= Self.recallWindow else {
        throw SessionStoreError.conflict(
          code: .recallWindowPassed,
          message: "message \(id) is \(Int(age)) s old; messages can be recalled for \(Int(Self.recallWindow)) s")
      }
      try db.execute(
        sql: "UPDATE message SET recalled_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
      try db.execute(sql: "DELETE FROM message_search WHERE rowid = ?", arguments: [id])
      return try SessionRows.message(try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [id])!)
    }
  }

  /// A session's messages, oldest first; the customer's view leaves recalled ones out.
  public func messages(session id: Int64, tenant: String, includeRecalled: Bool = true) throws(SessionStoreError)
    -> [Message]
  {
    try read { db in
      let recalled = includeRecalled ? "" : " AND recalled_at IS NULL"
      return try Row.fetchAll(
        db, sql: "SELECT * FROM message WHERE tenant = ? AND session_id = ?\(recalled) ORDER BY id",
        arguments: [tenant, id]
      ).map(SessionRows.message)
    }
  }

  public func message(id: Int64, tenant: String) throws(SessionStoreError) -> Message? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM message WHERE tenant = ? AND id = ?", arguments: [tenant, id])
        .map(SessionRows.message)
    }
  }

  /// Each listed session's last message that is not recalled (what a session list shows under the name).
  public func lastMessages(sessions ids: [Int64], tenant: String) throws(SessionStoreError) -> [Int64: Message] {
    guard !ids.isEmpty else { return [:] }
    return try read { db in
      // One query for the page: each session's highest message id (message_session covers it), then those rows.
      let marks = databaseQuestionMarks(count: ids.count)
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM message WHERE id IN (
            SELECT max(id) FROM message WHERE tenant = ? AND session_id IN (\(marks)) AND recalled_at IS NULL
            GROUP BY session_id)
          """, arguments: StatementArguments([tenant] + ids.map { $0 as (any DatabaseValueConvertible) }))
      var last: [Int64: Message] = [:]
      for row in rows {
        let message = try SessionRows.message(row)
        last[message.sessionId] = message
      }
      return last
    }
  }

  /// The last customer message of a session (what smart replies answer).
  public func lastCustomerMessage(session id: Int64, tenant: String) throws(SessionStoreError) -> Message? {
    try read { db in
      try Row.fetchOne(
        db,
        sql: """
          SELECT * FROM message WHERE tenant = ? AND session_id = ? AND sender = 'customer' AND recalled_at IS NULL
          ORDER BY id DESC LIMIT 1
          """, arguments: [tenant, id]
      ).map(SessionRows.message)
    }
  }

  // MARK: Outbox

  /// Messages waiting to go out on their channels, oldest first.
  public func pendingOutbox(tenant: String, channel: CustomerChannel? = nil, limit: Int = 100) throws(SessionStoreError)
    -> [OutboxEntry]
  {
    try read { db in
      var sql = "SELECT * FROM outbox WHERE tenant = ? AND sent_at IS NULL"
      var arguments: StatementArguments = [tenant]
      if let channel {
        sql += " AND channel = ?"
        arguments += [channel.rawValue]
      }
      sql += " ORDER BY id LIMIT ?"
      arguments += [limit]
      return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
        OutboxEntry(
          id: row["id"], messageId: row["message_id"], sessionId: row["session_id"],
          channel: try row.strict(CustomerChannel.self, "channel"),
          createdAt: try SessionRows.requiredDate(row, "created_at"),
          sentAt: SessionRows.date(row, "sent_at"))
      }
    }
  }

  /// The channel delivered an outbox entry.
  public func markSent(outbox id: Int64, tenant: String) throws(SessionStoreError) {
    try write { db in
      try db.execute(
        sql: "UPDATE outbox SET sent_at = coalesce(sent_at, ?) WHERE tenant = ? AND id = ?",
        arguments: [now.timeIntervalSince1970, tenant, id])
      guard db.changesCount == 1 else { throw SessionStoreError.notFound("no outbox entry with id \(id)") }
    }
  }

  /// The client ids of a tenant's messages, one per stored message (the load test checks them).
  public func clientIds(tenant: String) throws(SessionStoreError) -> [String] {
    try read { db in
      try String.fetchAll(
        db, sql: "SELECT coalesce(client_id, '') FROM message WHERE tenant = ? ORDER BY id", arguments: [tenant])
    }
  }

  /// How many messages a tenant has (the load test counts them).
  public func messageCount(tenant: String) throws(SessionStoreError) -> Int {
    try read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM message WHERE tenant = ?", arguments: [tenant]) ?? 0
    }
  }
}
