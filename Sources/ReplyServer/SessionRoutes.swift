import Foundation
import HTTPTypes
import Hummingbird
import Knowledge
import NIOCore
import Ranking
import ServiceLifecycle
import Sessions
import Workbench

/// The agent workbench: customers, sessions and their actions, messages (with smart replies in and filled
/// suggestions out), recall, history, saved groups, the outbox, and the live event stream.
struct SessionRoutes {
  let workbench: Workbench
  var sessions: SessionStore { workbench.sessions }

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.post("customers", use: putCustomer)
    group.put("customers/{id}", use: putCustomer)
    group.get("customers/{id}", use: getCustomer)
    group.post("customers/{id}/block") { request, context in try await setBlocked(true, request, context) }
    group.post("customers/{id}/unblock") { request, context in try await setBlocked(false, request, context) }

    group.post("sessions", use: createSession)
    group.get("sessions", use: list)
    group.get("sessions/{id}", use: getSession)
    group.post("sessions/{id}/assign", use: assign)
    group.post("sessions/{id}/transfer", use: transfer)
    group.post("sessions/{id}/end", use: end)
    group.post("sessions/{id}/offline", use: offline)
    group.post("sessions/{id}/star") { request, context in try await star(true, request, context) }
    group.post("sessions/{id}/unstar") { request, context in try await star(false, request, context) }
    group.put("sessions/{id}/summary", use: summary)
    group.get("sessions/{id}/messages", use: messages)
    group.post("sessions/{id}/messages", use: postMessage)
    group.post("sessions/{id}/render", use: render)
    group.post("messages/{id}/recall", use: recall)

    group.get("history", use: history)
    group.get("events", use: events)
    group.get("session-groups", use: savedGroups)
    group.post("session-groups", use: saveGroup)
    group.delete("session-groups/{id}", use: deleteGroup)
    group.get("session-settings", use: getSettings)
    group.put("session-settings", use: putSettings)
    group.get("auto-replies", use: getAutoReplies)
    group.put("auto-replies", use: putAutoReplies)
    group.get("bot-settings", use: getBotSettings)
    group.put("bot-settings", use: putBotSettings)
    group.get("outbox", use: outbox)
    group.post("outbox/{id}/sent", use: outboxSent)
  }

  // MARK: Customers

  struct CustomerBody: Decodable {
    var id: String?
    var name: String?
    var channel: CustomerChannel?
    var identity: String?
    var language: String?
    var level: String?
    var tags: [String]?
    var attributes: [String: String]?

    func customer(id pathId: String?) throws -> Customer {
      guard let id = pathId ?? id else { throw APIError.missing("id") }
      if let pathId, let bodyId = self.id, bodyId != pathId {
        throw APIError.unprocessable(.idMismatch, "field \"id\" differs from the id in the path")
      }
      return Customer(
        id: id, name: name, channel: channel ?? .web, identity: identity, language: language, level: level,
        tags: tags ?? [], attributes: attributes ?? [:])
    }
  }

  @Sendable func putCustomer(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    Customer
  > {
    let caller = try context.caller()
    let body = try await RequestBody.decode(CustomerBody.self, request, context: context)
    let customer = try body.customer(id: context.parameters.get("id") == nil ? nil : try context.pathParameter("id"))
    let created = try sessions.customer(tenant: caller.tenant, id: customer.id) == nil
    // Agents keep the information of customers they serve up to date (the workbench's customer panel); adding
    // customers stays the channel's.
    if created && !caller.isAdmin {
      throw APIError.forbidden("customers are added with the administrator (channel) key")
    }
    let stored = try sessions.upsertCustomer(customer, tenant: caller.tenant)
    return EditedResponse(status: created ? .created : .ok, response: stored)
  }

  @Sendable func getCustomer(_ request: Request, context: ReplyRequestContext) async throws -> Customer {
    let caller = try context.caller()
    let id = try context.pathParameter("id")
    guard let customer = try sessions.customer(tenant: caller.tenant, id: id) else {
      throw APIError.notFound("no customer with that id")
    }
    return customer
  }

  func setBlocked(_ blocked: Bool, _ request: Request, _ context: ReplyRequestContext) async throws -> Customer {
    let caller = try context.caller()
    let customer = try sessions.setBlocked(
      blocked, customer: try context.pathParameter("id"), tenant: caller.tenant)
    return customer
  }

  // MARK: Sessions

  struct CreateSessionBody: Decodable {
    /// A customer id, or a customer object (added or updated first).
    var customer: CustomerReference
    var channel: CustomerChannel?
    var group: String?
  }

  enum CustomerReference: Decodable {
    case id(String)
    case inline(CustomerBody)

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let id = try? container.decode(String.self) {
        self = .id(id)
      } else {
        self = .inline(try container.decode(CustomerBody.self))
      }
    }
  }

  @Sendable func createSession(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    SessionJSON
  > {
    let caller = try Self.admin(context, "sessions are opened with the administrator (channel) key")
    let body = try await RequestBody.decode(CreateSessionBody.self, request, context: context)
    let customer: SessionCustomer
    switch body.customer {
    case .id(let id): customer = .id(id)
    case .inline(let inline): customer = .upsert(try inline.customer(id: nil))
    }
    let session = try workbench.openSession(customer: customer, channel: body.channel, group: body.group, by: caller)
    return EditedResponse(status: .created, response: try json(session, tenant: caller.tenant))
  }

  @Sendable func list(_ request: Request, context: ReplyRequestContext) async throws -> SessionPageJSON {
    let caller = try context.caller()
    let parameters = request.uri.queryParameters
    let viewText = parameters.get("view") ?? "active"
    guard let view = SessionView(viewText) else {
      // Digits too many for an id name no saved group: 404, as any unknown group is (and as DELETE answers).
      let id = viewText.dropFirst("group:".count)
      if viewText.hasPrefix("group:") && !id.isEmpty && id.allSatisfy({ $0.isASCII && $0.isNumber }) {
        throw APIError.notFound("no saved group with that id")
      }
      throw APIError.invalid("view must be queued, active, offline, ended-passive, starred or group:{id}")
    }
    var channel: CustomerChannel?
    if let text = parameters.get("channel") {
      guard let parsed = CustomerChannel(rawValue: text) else {
        throw APIError.invalid(
          "channel must be one of \(CustomerChannel.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      channel = parsed
    }
    let sort = try parameters.get("sort").map { text in
      guard let sort = SessionSort(rawValue: text) else {
        throw APIError.invalid("sort must be last-message or last-customer-message")
      }
      return sort
    }
    let page = try KnowledgeRoutes.positive(parameters, "page", default: 1, max: 1_000_000)
    let perPage = try KnowledgeRoutes.positive(parameters, "per_page", default: 20, max: 100)
    let result = try sessions.list(
      view, caller: caller, groups: try workbench.groups(of: caller), channel: channel,
      group: parameters.get("group"), sort: sort ?? .lastMessage, limit: perPage, offset: (page - 1) * perPage)
    let anyQueued = result.sessions.contains { $0.session.state == .queued }
    let positions = anyQueued ? try sessions.queuePositions(tenant: caller.tenant) : [:]
    let queue = anyQueued ? try workbench.queueView(tenant: caller.tenant) : nil
    let last = try sessions.lastMessages(sessions: result.sessions.map(\.session.id), tenant: caller.tenant)
    return SessionPageJSON(
      sessions: result.sessions.map {
        var json = SessionJSON($0.session, customer: $0.customer, alarm: $0.alarm)
        json.lastMessage = last[$0.session.id].map(MessagePreviewJSON.init)
        if $0.session.state == .queued {
          json.queuePosition = positions[$0.session.id]
          json.queueReason = queue?.reason($0.session)?.rawValue
          json.leaveMessage = queue?.leaveMessageOffer($0.session)?.rawValue
        }
        return json
      },
      total: result.total, page: page, perPage: perPage)
  }

  /// A session with its messages and the history of its actions. `view=customer` leaves recalled messages out.
  @Sendable func getSession(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let session = try session(context)
    var body = try json(session, tenant: caller.tenant)
    let customerView = try Self.customerView(request)
    body.messages = try sessions.messages(session: session.id, tenant: caller.tenant, includeRecalled: !customerView)
      .map { MessageJSON($0) }
    body.events = try sessions.events(session: session.id, tenant: caller.tenant).map(SessionEventJSON.init)
    return body
  }

  struct AgentBody: Decodable {
    var agent: String?
    var group: String?
    var reason: EndReason?
    /// The administrator assigns past the agent's limit (recorded in the session's history).
    var override: Bool?
    /// Why a session is transferred, in the agent's words (kept in the session's history).
    var note: String?
  }

  @Sendable func assign(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let body = try await Self.optionalBody(AgentBody.self, request, context)
    let session = try workbench.assign(
      try session(context), to: body?.agent, by: caller, override: body?.override ?? false)
    return try json(session, tenant: caller.tenant)
  }

  @Sendable func transfer(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let body = try await Self.optionalBody(AgentBody.self, request, context)
    guard body?.agent != nil || body?.group != nil else { throw APIError.missing("agent") }
    guard (body?.note?.count ?? 0) <= 500 else { throw APIError.invalid("field \"note\" is over 500 characters") }
    let session = try workbench.transfer(
      try session(context), toAgent: body?.agent, toGroup: body?.group, reason: body?.note, by: caller,
      override: body?.override ?? false)
    return try json(session, tenant: caller.tenant)
  }

  @Sendable func end(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let body = try await Self.optionalBody(AgentBody.self, request, context)
    if body?.reason == .leftMessage {
      throw APIError.invalid("field \"reason\": a left message ends its session through POST /v1/leave-messages")
    }
    let session = try workbench.end(try session(context), reason: body?.reason, by: caller)
    return try json(session, tenant: caller.tenant)
  }

  @Sendable func offline(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try Self.admin(context, "the customer's leaving is reported with the administrator (channel) key")
    let session = try workbench.setOffline(try session(context), by: caller)
    return try json(session, tenant: caller.tenant)
  }

  func star(_ starred: Bool, _ request: Request, _ context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let session = try sessions.setStarred(starred, session: try session(context).id, by: caller)
    return try json(session, tenant: caller.tenant)
  }

  struct SummaryBody: Decodable {
    var status: ResolutionStatus
    var category: String?
    var notes: String?
  }

  @Sendable func summary(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let body = try await RequestBody.decode(SummaryBody.self, request, context: context)
    guard (body.notes?.count ?? 0) <= 10_000 else {
      throw APIError.invalid("field \"notes\" is over 10,000 characters")
    }
    let session = try sessions.setSummary(
      ServiceSummary(status: body.status, category: body.category, notes: body.notes), session: try session(context).id,
      by: caller)
    return try json(session, tenant: caller.tenant)
  }

  // MARK: Messages

  struct MessageBody: Decodable {
    var sender: Sender
    var kind: MessageKind?
    var body: String?
    var attachments: [Attachment]?
    /// The sender's id for the message: a retry with the same id answers the stored message.
    var clientId: String?
    /// The knowledge item an agent's reply comes from, and what the agent had typed and been shown.
    var suggestion: String?
    var source: KnowledgeSource?
    var input: String?
    var shown: [String]?
    var position: Int?
  }

  /// `view=customer` (what the customer sees: recalled messages left out) or `view=agent` (the default).
  static func customerView(_ request: Request) throws -> Bool {
    switch request.uri.queryParameters.get("view") {
    case nil, "agent": false
    case "customer": true
    default: throw APIError.invalid("view must be agent or customer")
    }
  }

  @Sendable func messages(_ request: Request, context: ReplyRequestContext) async throws -> MessagesJSON {
    let caller = try context.caller()
    let session = try session(context)
    let customerView = try Self.customerView(request)
    return MessagesJSON(
      messages: try sessions.messages(session: session.id, tenant: caller.tenant, includeRecalled: !customerView)
        .map { MessageJSON($0) })
  }

  struct MessagesJSON: ResponseEncodable {
    var messages: [MessageJSON]
  }

  @Sendable func postMessage(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    PostedMessageJSON
  > {
    let caller = try context.caller()
    let body = try await RequestBody.decode(MessageBody.self, request, context: context)
    let session = try session(context)
    let kind = body.kind ?? .text
    try SuggestionRoutes.checkPick(input: body.input, position: body.position, shown: body.shown)
    if let suggestion = body.suggestion, !ImportLimits.isItemID(suggestion) {
      throw APIError.invalid("field \"suggestion\" is not an item id")
    }
    guard (body.clientId?.unicodeScalars.count ?? 0) <= 200 else {
      throw APIError.invalid("field \"clientId\" is over 200 characters")
    }
    guard (body.body?.utf8.count ?? 0) <= 64 * 1024 else {
      throw APIError(.badRequest, .messageTooLong, "field \"body\" is over 64 KiB")
    }
    let draft = MessageDraft(
      sender: body.sender, kind: kind, body: body.body, attachments: body.attachments ?? [], clientId: body.clientId,
      reply: body.suggestion.map {
        PickedReply(
          suggestion: $0, source: body.source, input: body.input, position: body.position, shown: body.shown ?? [])
      })
    let posted = try await workbench.postMessage(draft, to: session, by: caller)
    // The smart replies just computed, not decoded again from what was stored (a retry reads the stored ones).
    let message = MessageJSON(posted.message, smartReplies: posted.smartReplies)
    return EditedResponse(
      status: posted.isRetry ? .ok : .created,
      response: PostedMessageJSON(
        message: message, session: try json(posted.session, tenant: caller.tenant), retried: posted.isRetry,
        smartReplies: message.smartReplies))
  }

  struct RenderBody: Decodable {
    var suggestion: String?
    var source: KnowledgeSource?
    var body: String?
  }

  struct RenderJSON: ResponseEncodable {
    var text: String?
    var variables: [String]
    var unresolved: [ReplyTemplate.Unresolved]
    /// What the reply box shows: the text, or (variables unresolved) what could be filled, the rest as `{{name}}`.
    var draft: String
  }

  /// What a suggestion (or a text with variables) would say in this session, without sending it: the box shows
  /// it, and names the variables that cannot be filled.
  @Sendable func render(_ request: Request, context: ReplyRequestContext) async throws -> RenderJSON {
    let caller = try context.caller()
    let body = try await RequestBody.decode(RenderBody.self, request, context: context)
    if let suggestion = body.suggestion, !ImportLimits.isItemID(suggestion) {
      throw APIError.invalid("field \"suggestion\" is not an item id")
    }
    let rendered = try workbench.render(
      suggestion: body.suggestion, source: body.source, body: body.body, in: try session(context), by: caller)
    switch rendered.result {
    case .text(let text):
      return RenderJSON(text: text, variables: rendered.variables, unresolved: [], draft: rendered.draft)
    case .unresolved(let problems):
      return RenderJSON(text: nil, variables: rendered.variables, unresolved: problems, draft: rendered.draft)
    }
  }

  @Sendable func recall(_ request: Request, context: ReplyRequestContext) async throws -> MessageJSON {
    let caller = try context.caller()
    let text = try context.pathParameter("id")
    guard let id = Int64(text) else { throw APIError.notFound("no message with that id") }
    return MessageJSON(try workbench.recall(message: id, by: caller))
  }

  // MARK: History, groups, settings, outbox

  @Sendable func history(_ request: Request, context: ReplyRequestContext) async throws -> SessionPageJSON {
    let caller = try context.caller()
    let parameters = request.uri.queryParameters
    func date(_ name: String) throws -> Date? {
      guard let text = parameters.get(name) else { return nil }
      guard let date = APITime.parse(text) else {
        throw APIError.invalid("\(name) must be an ISO 8601 time such as 2026-11-25T09:00:00Z")
      }
      return date
    }
    let q = parameters.get("q") ?? ""
    guard q.unicodeScalars.count <= SuggestionRoutes.maxQueryLength else {
      throw APIError(.badRequest, .queryTooLong, "q is over \(SuggestionRoutes.maxQueryLength) characters")
    }
    let status = try parameters.get("status").map { text in
      guard let status = ResolutionStatus(rawValue: text) else {
        throw APIError.invalid("status must be resolved, unresolved or follow-up")
      }
      return status
    }
    let page = try KnowledgeRoutes.positive(parameters, "page", default: 1, max: 1_000_000)
    let perPage = try KnowledgeRoutes.positive(parameters, "per_page", default: 20, max: 100)
    // Every parameter is checked before a query with no possible match returns early.
    let (from, to) = (try date("from"), try date("to"))
    let result = try workbench.searchHistory(
      q,
      filters: HistoryQuery(
        from: from, to: to, agent: parameters.get("agent"), customer: parameters.get("customer"), status: status,
        limit: perPage, offset: (page - 1) * perPage),
      tenant: caller.tenant)
    return SessionPageJSON(
      sessions: result.sessions.map { SessionJSON($0.session, customer: $0.customer, alarm: false) },
      total: result.total, page: page, perPage: perPage)
  }

  /// The live stream: server-sent events for the caller (see `EventHub` for who hears what).
  @Sendable func events(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let caller = try context.caller()
    let stream = workbench.events.subscribe(
      EventHub.Reader(
        tenant: caller.tenant, agent: caller.agent, groups: try workbench.groups(of: caller), isAdmin: caller.isAdmin))
    return Response(
      status: .ok,
      headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
      body: ResponseBody { [events = workbench.events] writer in
        // The server stops before the other services, and waits for open requests: a stream has to end
        // itself when the stop begins.
        try await withGracefulShutdownHandler {
          for await delivery in stream { try await writer.write(ByteBuffer(string: EventFrame.frame(delivery))) }
        } onGracefulShutdown: {
          events.close()
        }
        try await writer.finish(nil)
      })
  }

  struct GroupsJSON: ResponseEncodable {
    var groups: [SavedGroupJSON]
  }

  @Sendable func savedGroups(_ request: Request, context: ReplyRequestContext) async throws -> GroupsJSON {
    let caller = try context.caller()
    return GroupsJSON(groups: try sessions.savedGroups(caller: caller).map(SavedGroupJSON.init))
  }

  struct SaveGroupBody: Decodable {
    var name: String
    var filter: SessionFilter
    /// Every agent of the tenant sees it (administrator only); otherwise it is the caller's own.
    var shared: Bool?
  }

  @Sendable func saveGroup(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    SavedGroupJSON
  > {
    let caller = try context.caller()
    let body = try await RequestBody.decode(SaveGroupBody.self, request, context: context)
    let shared = body.shared ?? (caller.agent == nil)
    if shared && !caller.isAdmin { throw APIError.forbidden("only the administrator saves shared groups") }
    let group = try sessions.saveGroup(
      name: body.name, filter: body.filter, shared: shared, caller: caller)
    return EditedResponse(status: .created, response: SavedGroupJSON(group))
  }

  @Sendable func deleteGroup(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let caller = try context.caller()
    let text = try context.pathParameter("id")
    guard let id = Int64(text) else { throw APIError.notFound("no saved group with that id") }
    try sessions.deleteGroup(id: id, caller: caller)
    return Response(status: .noContent)
  }

  struct SettingsJSON: ResponseEncodable, Decodable {
    var alarmAfterSeconds: Int
    var idleTimeoutSeconds: Int
  }

  @Sendable func getSettings(_ request: Request, context: ReplyRequestContext) async throws -> SettingsJSON {
    let settings = try sessions.settings(tenant: try context.caller().tenant)
    return SettingsJSON(alarmAfterSeconds: settings.alarmAfterSeconds, idleTimeoutSeconds: settings.idleTimeoutSeconds)
  }

  @Sendable func putSettings(_ request: Request, context: ReplyRequestContext) async throws -> SettingsJSON {
    let caller = try Self.admin(context, "only the administrator changes the session settings")
    let body = try await RequestBody.decode(SettingsJSON.self, request, context: context)
    try sessions.setSettings(
      SessionSettings(alarmAfterSeconds: body.alarmAfterSeconds, idleTimeoutSeconds: body.idleTimeoutSeconds),
      tenant: caller.tenant)
    return body
  }

  /// The tenant's automatic messages; in a PUT, fields left out (or null) keep their values.
  struct AutoRepliesJSON: ResponseEncodable, Decodable {
    var greeting: [String: String]?
    var queue: [String: String]?
    var queueStep: Int?
    var waitNotice: [String: String]?
    var idleReminder: [String: String]?
    var idleReminderSeconds: Int?
    var closing: [String: String]?

    init(_ replies: AutoReplies) {
      greeting = replies.greeting
      queue = replies.queue
      queueStep = replies.queueStep
      waitNotice = replies.waitNotice
      idleReminder = replies.idleReminder
      idleReminderSeconds = replies.idleReminderSeconds
      closing = replies.closing
    }

    func applied(to stored: AutoReplies) -> AutoReplies {
      var replies = stored
      if let greeting { replies.greeting = greeting }
      if let queue { replies.queue = queue }
      if let queueStep { replies.queueStep = queueStep }
      if let waitNotice { replies.waitNotice = waitNotice }
      if let idleReminder { replies.idleReminder = idleReminder }
      if let idleReminderSeconds { replies.idleReminderSeconds = idleReminderSeconds }
      if let closing { replies.closing = closing }
      return replies
    }
  }

  @Sendable func getAutoReplies(_ request: Request, context: ReplyRequestContext) async throws -> AutoRepliesJSON {
    AutoRepliesJSON(try sessions.autoReplies(tenant: try context.caller().tenant))
  }

  @Sendable func putAutoReplies(_ request: Request, context: ReplyRequestContext) async throws -> AutoRepliesJSON {
    let caller = try Self.admin(context, "only the administrator changes the automatic messages")
    let body = try await RequestBody.decode(AutoRepliesJSON.self, request, context: context)
    let replies = body.applied(to: try sessions.autoReplies(tenant: caller.tenant))
    return AutoRepliesJSON(try workbench.setAutoReplies(replies, by: caller))
  }

  /// Whether and when the bot answers by itself; in a PUT, fields left out (or null) keep their values.
  struct BotSettingsJSON: ResponseEncodable, Decodable {
    var mode: String?
    var threshold: Double?
    var personKeywords: [String]?
  }

  static func json(_ settings: BotSettings) -> BotSettingsJSON {
    BotSettingsJSON(
      mode: settings.mode.rawValue, threshold: settings.threshold, personKeywords: settings.personKeywords)
  }

  @Sendable func getBotSettings(_ request: Request, context: ReplyRequestContext) async throws -> BotSettingsJSON {
    Self.json(try sessions.botSettings(tenant: try context.caller().tenant))
  }

  @Sendable func putBotSettings(_ request: Request, context: ReplyRequestContext) async throws -> BotSettingsJSON {
    let caller = try Self.admin(context, "only the administrator changes when the bot answers")
    let body = try await RequestBody.decode(BotSettingsJSON.self, request, context: context)
    var settings = try sessions.botSettings(tenant: caller.tenant)
    if let mode = body.mode {
      guard let parsed = BotSettings.Mode(rawValue: mode) else {
        throw APIError.invalid("field \"mode\" must be never, queued or always")
      }
      settings.mode = parsed
    }
    if let threshold = body.threshold { settings.threshold = threshold }
    if let keywords = body.personKeywords { settings.personKeywords = keywords }
    return Self.json(try workbench.setBotSettings(settings, by: caller))
  }

  struct OutboxJSON: ResponseEncodable {
    struct Entry: Encodable {
      var id: Int64
      var session: Int64
      var channel: CustomerChannel
      var createdAt: String?
      var message: MessageJSON?
    }
    var entries: [Entry]
  }

  /// What the channels still have to deliver, oldest first (the channel gateways read this).
  @Sendable func outbox(_ request: Request, context: ReplyRequestContext) async throws -> OutboxJSON {
    let caller = try Self.admin(context, "the outbox is read with the administrator (channel) key")
    let parameters = request.uri.queryParameters
    let channel = try parameters.get("channel").map { text in
      guard let channel = CustomerChannel(rawValue: text) else { throw APIError.invalid("channel: unknown channel") }
      return channel
    }
    let limit = try SuggestionRoutes.limit(parameters, default: 100, max: 1_000)
    let entries = try sessions.pendingOutbox(tenant: caller.tenant, channel: channel, limit: limit)
    return OutboxJSON(
      entries: try entries.map { entry in
        OutboxJSON.Entry(
          id: entry.id, session: entry.sessionId, channel: entry.channel, createdAt: APITime.string(entry.createdAt),
          message: try sessions.message(id: entry.messageId, tenant: caller.tenant).map { MessageJSON($0) })
      })
  }

  @Sendable func outboxSent(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let caller = try Self.admin(context, "the outbox is written with the administrator (channel) key")
    let text = try context.pathParameter("id")
    guard let id = Int64(text) else { throw APIError.notFound("no outbox entry with that id") }
    try sessions.markSent(outbox: id, tenant: caller.tenant)
    return Response(status: .noContent)
  }

  // MARK: Helpers

  /// The session named in the path, of the caller's tenant (another tenant's is not found).
  func session(_ context: ReplyRequestContext) throws -> Session {
    let caller = try context.caller()
    let text = try context.pathParameter("id")
    guard let id = Int64(text), let session = try sessions.session(tenant: caller.tenant, id: id) else {
      throw APIError.notFound("no session with that id")
    }
    return session
  }

  func json(_ session: Session, tenant: String) throws -> SessionJSON {
    let settings = try sessions.settings(tenant: tenant)
    var json = SessionJSON(
      session, customer: try sessions.customer(tenant: tenant, id: session.customerId),
      alarm: session.hasAlarm(limit: Double(settings.alarmAfterSeconds), now: sessions.clock.now))
    if session.state == .queued {
      let queue = try workbench.queueView(tenant: tenant)
      json.queuePosition = try sessions.queuePositions(tenant: tenant)[session.id]
      json.queueReason = queue.reason(session)?.rawValue
      json.leaveMessage = queue.leaveMessageOffer(session)?.rawValue
    }
    return json
  }

  static func admin(_ context: ReplyRequestContext, _ why: String) throws -> Caller {
    let caller = try context.caller()
    guard caller.isAdmin else { throw APIError.forbidden(why) }
    return caller
  }

  /// A JSON body that may be absent (an empty body is no body).
  static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: ReplyRequestContext)
    async throws -> T?
  {
    let bytes = try await RequestBody.bytes(request, context: context)
    guard bytes.contains(where: { !$0.isWhitespace }) else { return nil }
    do {
      return try JSONDecoder().decode(T.self, from: Data(bytes))
    } catch let error as DecodingError {
      throw RequestBody.describe(error)
    }
  }
}

extension UInt8 {
  fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
