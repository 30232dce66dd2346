import Foundation
import GRDB

/// Whether the bot answers customers by itself with a smart reply, and when: `never` (the default), while the
/// session waits in the queue (`queued`), or in any open session (`always`, the agent seeing what it sent).
public struct BotSettings: Codable, Hashable, Sendable {
  public enum Mode: String, Codable, Sendable, CaseIterable {
    case never, queued, always
  }

  public var mode: Mode
  /// The smallest smart-reply confidence the bot answers with.
  public var threshold: Double
  /// A customer message with one of these asks for a person: the bot stops answering in that session.
  public var personKeywords: [String]

  public init(mode: Mode = .never, threshold: Double = 0.8, personKeywords: [String] = ["人工", "转人工", "agent", "human"])
  {
    self.mode = mode
    self.threshold = threshold
    self.personKeywords = personKeywords
  }

  /// Whether `text` asks for a person (a keyword anywhere in it, letters compared without case).
  public func asksForPerson(_ text: String) -> Bool {
    let folded = text.lowercased()
    return personKeywords.contains { folded.contains($0.lowercased()) }
  }

  public func invalidField() -> (field: String, message: String)? {
    if !(threshold.isFinite && (0...1).contains(threshold)) { return ("threshold", "threshold must be from 0 to 1") }
    if personKeywords.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
      return ("personKeywords", "personKeywords must not hold an empty keyword")
    }
    if personKeywords.count > 100 { return ("personKeywords", "personKeywords holds at most 100 keywords") }
    return nil
  }
}

extension SessionStore {
  static let botSettingsTable = "bot_settings"

  public func botSettings(tenant: String) throws(SessionStoreError) -> BotSettings {
    try read { db in try Self.document(BotSettings.self, db, table: Self.botSettingsTable, tenant: tenant) }
      ?? BotSettings()
  }

  public func setBotSettings(_ settings: BotSettings, tenant: String) throws(SessionStoreError) -> BotSettings {
    if let (field, message) = settings.invalidField() { throw .invalid(field: field, message: message) }
    try write { db in try Self.setDocument(settings, db, table: Self.botSettingsTable, tenant: tenant) }
    return settings
  }

  /// Whether the session's customer asked for a person.
  public func wantsPerson(session id: Int64, tenant: String) throws(SessionStoreError) -> Bool {
    try read { db in
      try Bool.fetchOne(
        db, sql: "SELECT wants_person FROM session WHERE tenant = ? AND id = ?", arguments: [tenant, id]) ?? false
    }
  }

  /// The customer asked for a person: the bot stops answering, and an offline session without an agent goes
  /// back to the queue. Returns the session as it now is.
  public func askForPerson(session id: Int64, tenant: String) throws(SessionStoreError) -> Session? {
    try write { db in
      try db.execute(sql: "UPDATE session SET wants_person = 1 WHERE tenant = ? AND id = ?", arguments: [tenant, id])
      try db.execute(
        sql:
          "UPDATE session SET state = 'queued' WHERE tenant = ? AND id = ? AND state = 'offline' AND agent_id IS NULL",
        arguments: [tenant, id])
      return try Self.fetchSession(db, tenant: tenant, id: id)
    }
  }
}
