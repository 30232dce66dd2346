import Foundation

/// Where a customer writes from.
public enum CustomerChannel: String, Codable, Sendable, CaseIterable {
  case web, app, wechat, whatsapp, messenger, line, email
}

/// A conversation's place in the workbench.
public enum SessionState: String, Codable, Sendable, CaseIterable {
  /// Waiting for an agent.
  case queued
  /// An agent serves it.
  case active
  /// The customer left the page, but the conversation is not over.
  case offline
  case ended
}

/// Who ended a conversation. `customer` and `timeout` are the passive ends an agent's list shows for a day.
public enum EndReason: String, Codable, Sendable, CaseIterable {
  case agent, customer, timeout
  /// The customer left a message instead of waiting (`SessionStore.leaveMessage`).
  case leftMessage = "left-message"
}

public enum Sender: String, Codable, Sendable, CaseIterable {
  case customer, agent, bot, system
}

public enum MessageKind: String, Codable, Sendable, CaseIterable {
  case text, emoji, image, file
}

/// How a conversation was resolved (the service summary).
public enum ResolutionStatus: String, Codable, Sendable, CaseIterable {
  case resolved, unresolved
  case followUp = "follow-up"
}

/// A customer (visitor) of a tenant.
public struct Customer: Codable, Hashable, Sendable {
  public var id: String
  public var name: String?
  public var channel: CustomerChannel
  /// The customer's id on its channel (a WeChat openid, a phone number, an email address).
  public var identity: String?
  public var language: String?
  /// A service level such as `VIP`.
  public var level: String?
  public var tags: [String]
  public var attributes: [String: String]
  public var blocked: Bool

  public init(
    id: String, name: String? = nil, channel: CustomerChannel = .web, identity: String? = nil, language: String? = nil,
    level: String? = nil, tags: [String] = [], attributes: [String: String] = [:], blocked: Bool = false
  ) {
    self.id = id
    self.name = name
    self.channel = channel
    self.identity = identity
    self.language = language
    self.level = level
    self.tags = tags
    self.attributes = attributes
    self.blocked = blocked
  }
}

/// The service summary an agent writes for a conversation (editable after it ended).
public struct ServiceSummary: Codable, Hashable, Sendable {
  public var status: ResolutionStatus
  public var category: String?
  public var notes: String?
  public var updatedAt: Date?
  public var updatedBy: String?

  public init(
    status: ResolutionStatus, category: String? = nil, notes: String? = nil, updatedAt: Date? = nil,
    updatedBy: String? = nil
  ) {
    self.status = status
    self.category = category
    self.notes = notes
    self.updatedAt = updatedAt
    self.updatedBy = updatedBy
  }
}

/// A conversation between a customer and the tenant's agents.
public struct Session: Codable, Hashable, Sendable {
  public var id: Int64
  public var tenant: String
  public var customerId: String
  public var channel: CustomerChannel
  /// The skill group it is queued for (nil: any agent).
  public var group: String?
  public var agent: String?
  public var state: SessionState
  public var endReason: EndReason?
  public var starred: Bool
  public var createdAt: Date
  public var assignedAt: Date?
  public var firstAgentReplyAt: Date?
  public var lastMessageAt: Date?
  public var lastCustomerMessageAt: Date?
  public var lastAgentMessageAt: Date?
  public var endedAt: Date?
  public var summary: ServiceSummary?

  /// Since when the customer has been waiting for an agent's reply (nil: not waiting).
  public var waitingSince: Date? {
    guard state == .queued || state == .active, let customer = lastCustomerMessageAt else { return nil }
    if let agent = lastAgentMessageAt, agent >= customer { return nil }
    return customer
  }

  /// What the idle timeout counts from: the last message of a person, else the assignment, else the opening.
  public var lastActivityAt: Date { lastMessageAt ?? assignedAt ?? createdAt }

  /// The customer has waited longer than `limit` for a reply.
  public func hasAlarm(limit: TimeInterval, now: Date) -> Bool {
    guard let since = waitingSince else { return false }
    return now.timeIntervalSince(since) > limit
  }
}

/// A file or image sent with a message: a reference, never the bytes.
public struct Attachment: Codable, Hashable, Sendable {
  public var name: String
  public var type: String
  public var size: Int
  public var url: String?

  public init(name: String, type: String, size: Int, url: String? = nil) {
    self.name = name
    self.type = type
    self.size = size
    self.url = url
  }
}

/// Which knowledge item an agent's message came from, and what the agent had typed and been shown.
public struct MessageOrigin: Codable, Hashable, Sendable {
  public var source: String
  public var itemId: String
  public var input: String?

  public init(source: String, itemId: String, input: String?) {
    self.source = source
    self.itemId = itemId
    self.input = input
  }
}

public struct Message: Codable, Hashable, Sendable {
  public var id: Int64
  public var sessionId: Int64
  public var sender: Sender
  /// The agent's id for an agent's message.
  public var senderId: String?
  public var kind: MessageKind
  public var body: String
  public var attachments: [Attachment]
  public var createdAt: Date
  public var recalledAt: Date?
  /// The sender's own id for the message; a retry with the same id is answered with the stored message.
  public var clientId: String?
  public var origin: MessageOrigin?
  /// Smart replies computed when a customer's message arrived (JSON, as the service encoded them).
  public var smartReplies: Data?

  public var isRecalled: Bool { recalledAt != nil }
}

/// A message to store (the store gives it its id and time).
public struct NewMessage: Sendable {
  public var sender: Sender
  public var senderId: String?
  public var kind: MessageKind
  public var body: String
  public var attachments: [Attachment]
  public var clientId: String?
  public var origin: MessageOrigin?
  /// The words the history search finds the message by (the analyzer's terms, space-separated).
  public var searchTerms: String
  public var smartReplies: Data?
  /// An automatic reply (`AutoReplies`): it does not count as the conversation's activity (the idle timeout
  /// and the lists' last message go by people's messages), and the closing one goes to a session that has
  /// just ended.
  public var isAutomatic = false
  /// An agent's answer to a left message (`SessionStore.reply(leftMessage:)`): it goes to the session the
  /// customer left it from, which has ended and has no agent.
  var answersLeftMessage = false

  public init(
    sender: Sender, senderId: String? = nil, kind: MessageKind = .text, body: String, attachments: [Attachment] = [],
    clientId: String? = nil, origin: MessageOrigin? = nil, searchTerms: String = "", smartReplies: Data? = nil
  ) {
    self.sender = sender
    self.senderId = senderId
    self.kind = kind
    self.body = body
    self.attachments = attachments
    self.clientId = clientId
    self.origin = origin
    self.searchTerms = searchTerms
    self.smartReplies = smartReplies
  }
}

/// One line of a conversation's history of actions: who did what, and when.
public struct SessionEvent: Codable, Hashable, Sendable {
  public enum Kind: String, Codable, Sendable {
    case created, assigned, transferred, offline, resumed, ended, starred, unstarred, alarm, summary
  }
  public var kind: Kind
  /// The agent (or `admin`, `customer`, `system`) who did it.
  public var actor: String
  public var fromAgent: String?
  public var toAgent: String?
  public var toGroup: String?
  public var at: Date
  /// Why, beyond the kind: `over capacity` for an administrator's assignment past the agent's limit.
  public var note: String?
}

/// A message on its way to the customer's channel.
public struct OutboxEntry: Codable, Hashable, Sendable {
  public var id: Int64
  public var messageId: Int64
  public var sessionId: Int64
  public var channel: CustomerChannel
  public var createdAt: Date
  public var sentAt: Date?
}

/// A saved filter over an agent's open conversations ("VIP customers").
public struct SessionFilter: Codable, Hashable, Sendable {
  public var levels: [String]?
  public var languages: [String]?
  public var tags: [String]?
  public var channels: [CustomerChannel]?
  public var starred: Bool?
  public var alarm: Bool?

  public init(
    levels: [String]? = nil, languages: [String]? = nil, tags: [String]? = nil, channels: [CustomerChannel]? = nil,
    starred: Bool? = nil, alarm: Bool? = nil
  ) {
    self.levels = levels
    self.languages = languages
    self.tags = tags
    self.channels = channels
    self.starred = starred
    self.alarm = alarm
  }
}

public struct SavedGroup: Codable, Hashable, Sendable {
  public var id: Int64
  /// The agent who saved it (nil: the whole tenant sees it).
  public var owner: String?
  public var name: String
  public var filter: SessionFilter
}

/// A tenant's limits for conversations.
public struct SessionSettings: Codable, Hashable, Sendable {
  /// A customer waiting longer than this for a reply raises an alarm.
  public var alarmAfterSeconds: Int
  /// An active or offline conversation with no message for this long ends by timeout.
  public var idleTimeoutSeconds: Int

  /// A day: an alarm later than that is no alarm.
  public static let maxAlarmAfterSeconds = 86_400
  /// Thirty days.
  public static let maxIdleTimeoutSeconds = 2_592_000

  public init(alarmAfterSeconds: Int = 60, idleTimeoutSeconds: Int = 1800) {
    self.alarmAfterSeconds = alarmAfterSeconds
    self.idleTimeoutSeconds = idleTimeoutSeconds
  }
}
