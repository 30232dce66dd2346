import Foundation
import GRDB

/// A signed-in browser: who it speaks for, the token its state-changing requests must echo, and when it lapses.
public struct WebSession: Hashable, Sendable {
  public var caller: Caller
  public var csrfToken: String
  public var expiresAt: Date

  public init(caller: Caller, csrfToken: String, expiresAt: Date) {
    self.caller = caller
    self.csrfToken = csrfToken
    self.expiresAt = expiresAt
  }
}

extension KnowledgeStore {
  // MARK: Passwords

  /// Stores an agent's password hash (already salted and slowed by the caller), replacing any earlier one.
  public func setPasswordHash(_ hash: String, tenant: String, agent: String, at now: Date = Date())
    throws(KnowledgeStoreError)
  {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO agent_password (tenant, agent, hash, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (tenant, agent) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
          """,
        arguments: [tenant, agent, hash, now])
    }
  }

  /// The agent's password hash, or nil when it has none.
  public func passwordHash(tenant: String, agent: String) throws(KnowledgeStoreError) -> String? {
    try read { db in
      try String.fetchOne(
        db, sql: "SELECT hash FROM agent_password WHERE tenant = ? AND agent = ?", arguments: [tenant, agent])
    }
  }

  // MARK: Browser sessions

  /// Records a signed-in browser under its cookie's hash; lapsed sessions are dropped on the way.
  public func addWebSession(hash: String, _ session: WebSession, at now: Date = Date()) throws(KnowledgeStoreError) {
    try write { db in
      try db.execute(sql: "DELETE FROM web_session WHERE expires_at <= ?", arguments: [now])
      try db.execute(
        sql: """
          INSERT INTO web_session (hash, tenant, agent, admin, csrf, created_at, expires_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          hash, session.caller.tenant, session.caller.agent, session.caller.isAdmin, session.csrfToken, now,
          session.expiresAt,
        ])
    }
  }

  /// The browser session with this cookie hash, unless it has lapsed.
  public func webSession(hash: String, at now: Date = Date()) throws(KnowledgeStoreError) -> WebSession? {
    try read { db in
      try Row.fetchOne(
        db, sql: "SELECT * FROM web_session WHERE hash = ? AND expires_at > ?", arguments: [hash, now]
      ).map {
        WebSession(
          caller: Caller(tenant: $0["tenant"], agent: $0["agent"], isAdmin: $0["admin"]), csrfToken: $0["csrf"],
          expiresAt: $0["expires_at"])
      }
    }
  }

  /// Signs a browser out.
  public func removeWebSession(hash: String) throws(KnowledgeStoreError) {
    try write { db in try db.execute(sql: "DELETE FROM web_session WHERE hash = ?", arguments: [hash]) }
  }
}
