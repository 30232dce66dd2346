import Foundation
import GRDB
import Knowledge

/// A tenant's automatic messages to its customers, each a template (the reply variables with fallbacks, and
/// `{{queue.position}}`) per language; a kind with no template for the customer's language, nor a `default`
/// one, is not sent. They go out as `system` messages through the outbox, so the channel delivers them.
public struct AutoReplies: Codable, Hashable, Sendable {
  /// When a session opens.
  public var greeting: [String: String]
  /// While a session waits: when it is queued, and again each time its position has moved by `queueStep`.
  public var queue: [String: String]
  public var queueStep: Int
  /// When the customer has waited longer than the alarm limit for a reply (with the alarm).
  public var waitNotice: [String: String]
  /// To an idle customer, `idleReminderSeconds` before the idle timeout ends the session.
  public var idleReminder: [String: String]
  public var idleReminderSeconds: Int
  /// When the session ends.
  public var closing: [String: String]

  public enum Kind: String, CaseIterable, Sendable {
    case greeting, queue, waitNotice, idleReminder, closing
  }

  public init(
    greeting: [String: String] = [:], queue: [String: String] = [:], queueStep: Int = 1,
    waitNotice: [String: String] = [:], idleReminder: [String: String] = [:], idleReminderSeconds: Int = 60,
    closing: [String: String] = [:]
  ) {
    self.greeting = greeting
    self.queue = queue
    self.queueStep = queueStep
    self.waitNotice = waitNotice
    self.idleReminder = idleReminder
    self.idleReminderSeconds = idleReminderSeconds
    self.closing = closing
  }

  public func templates(_ kind: Kind) -> [String: String] {
    switch kind {
    case .greeting: greeting
    case .queue: queue
    case .waitNotice: waitNotice
    case .idleReminder: idleReminder
    case .closing: closing
    }
  }

  /// The template of `kind` for a customer writing `language`: that language, its primary subtag (`zh` for
  /// `zh-Hans`), or `default`.
  public func template(_ kind: Kind, language: String?) -> String? {
    let templates = templates(kind)
    if let language {
      if let exact = templates[language] { return exact }
      if let primary = language.split(separator: "-").first, let template = templates[String(primary)] {
        return template
      }
    }
    return templates["default"]
  }

  /// The variable the queue message tells the position with.
  public static let positionVariable = "queue.position"

  /// The first field that cannot be taken, with why: a language that is not a tag (or `default`), an empty
  /// template, a variable no conversation has, a step below 1, a reminder outside 10 s to a day.
  public func invalidField() -> (field: String, message: String)? {
    if queueStep < 1 || queueStep > 1_000 { return ("queueStep", "queueStep must be from 1 to 1000") }
    if idleReminderSeconds < 10 || idleReminderSeconds > 86_400 {
      return ("idleReminderSeconds", "idleReminderSeconds must be from 10 to 86400")
    }
    let known = ReplyTemplate.builtInVariables.union([Self.positionVariable])
    // Every known variable with a value: what is left unresolved is a name no conversation has.
    let values = Dictionary(uniqueKeysWithValues: known.map { ($0, "x") })
    for kind in Kind.allCases {
      for (language, template) in templates(kind).sorted(by: { $0.key < $1.key }) {
        let field = "\(kind.rawValue).\(language)"
        if language != "default" && !LanguageTag.isWellFormed(language) {
          return (field, "\(language) is not a language tag (or default)")
        }
        if template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
          return (field, "the template is empty")
        }
        if template.count > 2_000 { return (field, "the template is longer than 2000 characters") }
        // Custom attributes (`visitor.vip_code`) may have a value; other names no conversation has.
        if case .unresolved(let problems) = ReplyTemplate(template).fill(values, known: known),
          let unknown = problems.first(where: { !$0.name.hasPrefix("visitor.") })
        {
          return (field, "{{\(unknown.name)}} is not a variable of a conversation")
        }
      }
    }
    return nil
  }
}

extension SessionStore {
  static let autoRepliesTable = "auto_reply_settings"

  public func autoReplies(tenant: String) throws(SessionStoreError) -> AutoReplies {
    try read { db in try Self.document(AutoReplies.self, db, table: Self.autoRepliesTable, tenant: tenant) }
      ?? AutoReplies()
  }

  /// Every tenant's that has set some (the others send none).
  public func allAutoReplies() throws(SessionStoreError) -> [String: AutoReplies] {
    try read { db in try Self.documents(AutoReplies.self, db, table: Self.autoRepliesTable) }
  }

  public func setAutoReplies(_ replies: AutoReplies, tenant: String) throws(SessionStoreError) -> AutoReplies {
    if let (field, message) = replies.invalidField() { throw .invalid(field: field, message: message) }
    try write { db in try Self.setDocument(replies, db, table: Self.autoRepliesTable, tenant: tenant) }
    return replies
  }

  /// Records the queue position a session's customer was told; returns false when it was told a position
  /// within `step` of this one already (or the session no longer waits).
  public func tellQueuePosition(_ position: Int, session id: Int64, tenant: String, step: Int)
    throws(SessionStoreError) -> Bool
  {
    try write { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT state, queue_told_position FROM session WHERE tenant = ? AND id = ?",
          arguments: [tenant, id]), row["state"] as String == SessionState.queued.rawValue
      else { return false }
      if let told = row["queue_told_position"] as Int?, abs(told - position) < step { return false }
      try db.execute(
        sql: "UPDATE session SET queue_told_position = ? WHERE id = ?", arguments: [position, id])
      return true
    }
  }

  /// Active and offline sessions whose customer has been idle long enough for the reminder (`remindBefore`
  /// seconds before the tenant's idle timeout), not reminded since their last message; marks them reminded.
  public func sessionsToRemind(remindBefore: (String) -> Int?) throws(SessionStoreError) -> [Session] {
    let now = now
    return try write { db in
      var due: [Session] = []
      let settings = try Self.allSettings(db)
      for session in try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM session WHERE state IN ('active', 'offline')
            AND (idle_reminded_at IS NULL OR idle_reminded_at < coalesce(last_message_at, assigned_at, created_at))
          """
      ).map(SessionRows.session) {
        guard let before = remindBefore(session.tenant) else { continue }
        let idle = Double((settings[session.tenant] ?? SessionSettings()).idleTimeoutSeconds)
        guard now.timeIntervalSince(session.lastActivityAt) > idle - Double(before) else { continue }
        try db.execute(
          sql: "UPDATE session SET idle_reminded_at = ? WHERE id = ?",
          arguments: [now.timeIntervalSince1970, session.id])
        due.append(session)
      }
      return due
    }
  }
}
