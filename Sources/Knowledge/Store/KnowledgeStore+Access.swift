import Foundation
import GRDB

/// Who asks: a tenant, and an agent or the tenant's administrator (which also stands for the channels: customers'
/// messages and their leaving arrive with the administrator's key). An API key's owner; the one caller type of
/// the stores and the service.
public struct Caller: Hashable, Sendable {
  public var tenant: String
  /// The agent the key speaks for; nil for an administrator key without an agent.
  public var agent: String?
  public var isAdmin: Bool

  public init(tenant: String, agent: String?, isAdmin: Bool) {
    self.tenant = tenant
    self.agent = agent
    self.isAdmin = isAdmin
  }
}

/// One pick: the agent chose a suggestion for what it had typed.
public struct Pick: Hashable, Sendable {
  public var tenant: String
  public var agent: String?
  public var input: String
  public var source: KnowledgeSource
  public var itemId: String
  /// Where the picked item stood in the shown list (0 first), when known.
  public var position: Int?
  /// The ids shown, in order.
  public var shown: [String]
  public var at: Date
  /// The message the pick was sent in (its id in the session store), when it was: such a pick is logged once,
  /// whichever attempt of the message records it.
  public var message: String?

  public init(
    tenant: String, agent: String?, input: String, source: KnowledgeSource, itemId: String, position: Int?,
    shown: [String], at: Date = Date(), message: String? = nil
  ) {
    self.message = message
    self.tenant = tenant
    self.agent = agent
    self.input = input
    self.source = source
    self.itemId = itemId
    self.position = position
    self.shown = shown
    self.at = at
  }
}

extension KnowledgeStore {
  // MARK: API keys

  /// Stores a key's hash (never the key).
  public func addAPIKey(hash: String, owner: Caller, at now: Date = Date()) throws(KnowledgeStoreError) {
    try write { db in
      try db.execute(
        sql: "INSERT INTO api_key (hash, tenant, agent, admin, created_at) VALUES (?, ?, ?, ?, ?)",
        arguments: [hash, owner.tenant, owner.agent, owner.isAdmin, now])
    }
  }

  /// The owner of the key with this hash, or nil.
  public func apiKeyOwner(hash: String) throws(KnowledgeStoreError) -> Caller? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT tenant, agent, admin FROM api_key WHERE hash = ?", arguments: [hash]).map {
        Caller(tenant: $0["tenant"], agent: $0["agent"], isAdmin: $0["admin"])
      }
    }
  }

  // MARK: Picks

  /// Logs a pick and counts it as a use of the item, in one transaction.
  /// Logs a pick and counts the item's use, in one transaction; false (and nothing changed) when the pick's
  /// message already logged it.
  @discardableResult
  public func recordPick(_ pick: Pick) throws(KnowledgeStoreError) -> Bool {
    try write { db in
      try db.execute(
        sql: """
          INSERT OR IGNORE INTO pick_log (tenant, agent, input, source, item_id, position, shown, at, message)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          pick.tenant, pick.agent, pick.input, pick.source.rawValue, pick.itemId, pick.position,
          JSONText.encode(pick.shown), pick.at, pick.message,
        ])
      guard db.changesCount == 1 else { return false }
      try Self.countUse(db, tenant: pick.tenant, source: pick.source, id: pick.itemId, at: pick.at)
      return true
    }
  }

  /// A tenant's picks, oldest first.
  public func picks(tenant: String, limit: Int = 100_000) throws(KnowledgeStoreError) -> [Pick] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM pick_log WHERE tenant = ? ORDER BY seq LIMIT ?", arguments: [tenant, limit]
      ).map { row in
        Pick(
          tenant: row["tenant"], agent: row["agent"], input: row["input"],
          source: try row.strict(KnowledgeSource.self, "source"), itemId: row["item_id"],
          position: row["position"], shown: try JSONText.strings(row["shown"]), at: row["at"],
          message: row["message"])
      }
    }
  }
}
