import Foundation
import HTTPTypes
import Hummingbird
import Knowledge
import NIOCore
import SearchIndex
import ServiceLifecycle
import Sessions

/// The agent workbench: customers, sessions and their actions, messages (with smart replies in and filled
/// suggestions out), recall, history, saved groups, the outbox, and the live event stream.
struct SessionRoutes {
  let workbench: Workbench
  var engine: SuggestionEngine { workbench.engine }
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
        throw APIError.unprocessable("id_mismatch", "field \"id\" differs from the id in the path")
      }
      return Customer(
        id: id, name: name, channel: channel ?? .web, identity: identity, language: language, level: level,
        tags: tags ?? [], attributes: attributes ?? [:])
    }
  }

  @Sendable func putCustomer(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    Customer
  > {
    let caller = try Self.admin(context, "customers are written with the administrator (channel) key")
    let body = try await RequestBody.decode(CustomerBody.self, request, context: context)
    let customer = try body.customer(id: context.parameters.get("id") == nil ? nil : try context.pathParameter("id"))
    let created = try sessions.customer(tenant: caller.tenant, id: customer.id) == nil
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
    if let group = body.group { try validateGroup(group, tenant: caller.tenant) }
    let customerId: String
    switch body.customer {
    case .id(let id): customerId = id
    case .inline(let inline):
      let customer = try inline.customer(id: nil)
      // An inline customer that is blocked stays blocked: upsert keeps the flag.
      customerId = try sessions.upsertCustomer(customer, tenant: caller.tenant).id
    }
    let session = try sessions.createSession(
      customer: customerId, channel: body.channel, group: body.group, by: caller)
    Self.publish(.sessionQueued, session, on: workbench)
    return EditedResponse(status: .created, response: try json(session, tenant: caller.tenant))
  }

  @Sendable func list(_ request: Request, context: ReplyRequestContext) async throws -> SessionPageJSON {
    let caller = try context.caller()
    let parameters = request.uri.queryParameters
    let viewText = parameters.get("view") ?? "active"
    guard let view = SessionView(viewText) else {
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
      view, caller: caller, groups: try agentGroups(caller), channel: channel,
      group: parameters.get("group"), sort: sort ?? .lastMessage, limit: perPage, offset: (page - 1) * perPage)
    return SessionPageJSON(
      sessions: result.sessions.map { SessionJSON($0.session, customer: $0.customer, alarm: $0.alarm) },
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
  }

  @Sendable func assign(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let body = try await Self.optionalBody(AgentBody.self, request, context)
    let current = try session(context)
    let agent: String
    if caller.isAdmin {
      // Only an administrator's key must name the agent (an agent's key takes the session for itself).
      guard let named = body?.agent else {
        throw APIError.unprocessable(
          "missing_field", "missing field \"agent\": an administrator's key must name the agent")
      }
      try validateAgent(named, tenant: caller.tenant)
      agent = named
    } else {
      guard let own = caller.agent else { throw APIError.forbidden("this key names no agent") }
      if let named = body?.agent, named != own {
        throw APIError.forbidden("an agent can only take a session for itself")
      }
      if let group = current.group, !(try agentGroups(caller).contains(group)) {
        throw APIError.forbidden("session \(current.id) waits in group \(group), which you are not in")
      }
      agent = own
    }
    let session = try sessions.assign(session: current.id, to: agent, by: caller)
    Self.publish(.sessionAssigned, session, on: workbench)
    return try json(session, tenant: caller.tenant)
  }

  @Sendable func transfer(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    guard let body = try await Self.optionalBody(AgentBody.self, request, context),
      body.agent != nil || body.group != nil
    else { throw APIError.missing("agent") }
    let current = try session(context)
    if let agent = body.agent { try validateAgent(agent, tenant: caller.tenant) }
    if let group = body.group { try validateGroup(group, tenant: caller.tenant) }
    let session = try sessions.transfer(
      session: current.id, toAgent: body.agent, toGroup: body.group, by: caller)
    // The agent it leaves hears of it as well as the one (or the group) it goes to.
    if let previous = current.agent, previous != session.agent {
      Self.publish(.sessionTransferred, session, on: workbench, to: previous)
    }
    Self.publish(session.state == .queued ? .sessionQueued : .sessionTransferred, session, on: workbench)
    return try json(session, tenant: caller.tenant)
  }

  @Sendable func end(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try context.caller()
    let body = try await Self.optionalBody(AgentBody.self, request, context)
    let reason = body?.reason ?? (caller.isAdmin && caller.agent == nil ? .customer : .agent)
    let session = try sessions.end(session: try session(context).id, reason: reason, by: caller)
    Self.publish(.sessionEnded, session, on: workbench)
    return try json(session, tenant: caller.tenant)
  }

  @Sendable func offline(_ request: Request, context: ReplyRequestContext) async throws -> SessionJSON {
    let caller = try Self.admin(context, "the customer's leaving is reported with the administrator (channel) key")
    let session = try sessions.setOffline(session: try session(context).id, by: caller)
    Self.publish(.sessionOffline, session, on: workbench)
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
      throw APIError(.badRequest, "message_too_long", "field \"body\" is over 64 KiB")
    }
    var text = body.body ?? ""
    var origin: MessageOrigin?
    var pick: Pick?
    var smartReplies: SmartReplyResult?
    switch body.sender {
    case .agent:
      // Checked before anything is filled or logged, so that a refused reply leaves no pick behind.
      guard let agent = caller.agent, session.agent == agent else {
        throw APIError.forbidden("session \(session.id) is not assigned to you")
      }
      if let suggestion = body.suggestion {
        let item = try pickedItem(suggestion, source: body.source, caller: caller)
        let language = try sessions.language(of: session)
        let template = body.body ?? Self.text(of: item.item, language: language)
        text = try fill(template, session: session, caller: caller)
        origin = MessageOrigin(source: item.item.source.rawValue, itemId: item.item.id, input: body.input)
        pick = Pick(
          tenant: caller.tenant, agent: agent, input: body.input ?? "", source: item.item.source, itemId: item.item.id,
          position: body.position, shown: body.shown ?? [])
      } else if text.contains("{{") {
        text = try fill(text, session: session, caller: caller)
      }
    case .customer:
      // While the index is rebuilt the message is taken without smart replies.
      if kind == .text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, engine.indexStatus == .ready {
        let options = SuggestOptions(
          agent: session.agent, limit: 3, sources: [.bot, .internal],
          language: try sessions.language(of: session))
        smartReplies = try engine.suggester.smartReply(text, tenant: caller.tenant, options: options)
      }
    case .bot, .system: break
    }
    switch kind {
    case .text, .emoji:
      guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw body.body == nil ? APIError.missing("body") : APIError.invalid("field \"body\" must not be empty")
      }
    case .image, .file:
      guard !(body.attachments ?? []).isEmpty else { throw APIError.missing("attachments") }
    }
    for (index, attachment) in (body.attachments ?? []).enumerated()
    where attachment.size < 0 || attachment.name.isEmpty {
      throw APIError.invalid("field \"attachments[\(index)]\" needs a name and a size of 0 or more")
    }
    // A link the workbench will open: a scheme (RFC 3986), then no white space or control character.
    for (index, attachment) in (body.attachments ?? []).enumerated() {
      if let url = attachment.url, !Self.isAbsoluteURI(url) {
        throw APIError.invalid("field \"attachments[\(index)].url\" must be an absolute URI")
      }
    }
    let new = NewMessage(
      sender: body.sender, kind: kind, body: text, attachments: body.attachments ?? [], clientId: body.clientId,
      origin: origin, searchTerms: try workbench.searchTerms(text, tenant: caller.tenant),
      smartReplies: try smartReplies.map { try JSONEncoder().encode($0) })
    let posted = try await sessions.postMessage(new, session: session.id, by: caller)
    // The smart replies just computed, not decoded again from what was stored (a retry reads the stored ones).
    let message = MessageJSON(posted.message, smartReplies: posted.isRetry ? nil : smartReplies)
    if !posted.isRetry {
      ServiceMetrics.messagePosted(body.sender.rawValue)
      Self.publishMessage(message, session: posted.session, on: workbench)
    }
    // The pick is logged by the message's id, so that a retry logs a pick the first attempt could not (the
    // message is stored first, in the other store) and never logs one twice.
    if var pick {
      pick.message = String(posted.message.id)
      try await workbench.recordPick(pick, indexed: .soon)
    }
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
  }

  /// What a suggestion (or a text with variables) would say in this session, without sending it: the box shows
  /// it, and names the variables that cannot be filled.
  @Sendable func render(_ request: Request, context: ReplyRequestContext) async throws -> RenderJSON {
    let caller = try context.caller()
    let body = try await RequestBody.decode(RenderBody.self, request, context: context)
    if let suggestion = body.suggestion, !ImportLimits.isItemID(suggestion) {
      throw APIError.invalid("field \"suggestion\" is not an item id")
    }
    let session = try session(context)
    let template: String
    if let text = body.body {
      template = text
    } else if let suggestion = body.suggestion {
      template = Self.text(
        of: try pickedItem(suggestion, source: body.source, caller: caller).item,
        language: try sessions.language(of: session))
    } else {
      throw APIError.missing("suggestion")
    }
    let (values, known) = try variables(session: session, caller: caller)
    let reply = ReplyTemplate(template)
    switch reply.fill(values, known: known) {
    case .text(let text): return RenderJSON(text: text, variables: reply.variables, unresolved: [])
    case .unresolved(let problems): return RenderJSON(text: nil, variables: reply.variables, unresolved: problems)
    }
  }

  @Sendable func recall(_ request: Request, context: ReplyRequestContext) async throws -> MessageJSON {
    let caller = try context.caller()
    let text = try context.pathParameter("id")
    guard let id = Int64(text) else { throw APIError.notFound("no message with that id") }
    let message = try sessions.recall(message: id, by: caller)
    if let session = try sessions.session(tenant: caller.tenant, id: message.sessionId) {
      workbench.events.publish(
        WorkbenchEvent(
          type: .messageRecalled, tenant: caller.tenant, agent: session.agent, group: session.group,
          json: { Self.encode(MessageJSON(message)) }))
    }
    return MessageJSON(message)
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
      throw APIError(.badRequest, "query_too_long", "q is over \(SuggestionRoutes.maxQueryLength) characters")
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
    let match = try workbench.historyMatch(q, tenant: caller.tenant)
    if !q.trimmingCharacters(in: .whitespaces).isEmpty && match == nil {
      return SessionPageJSON(sessions: [], total: 0, page: page, perPage: perPage)
    }
    let result = try sessions.history(
      HistoryQuery(
        match: match, from: from, to: to, agent: parameters.get("agent"),
        customer: parameters.get("customer"), status: status, limit: perPage, offset: (page - 1) * perPage),
      tenant: caller.tenant)
    return SessionPageJSON(
      sessions: result.sessions.map { SessionJSON($0.session, customer: $0.customer, alarm: false) },
      total: result.total, page: page, perPage: perPage)
  }

  /// The live stream: server-sent events for the caller (see `EventHub` for who hears what).
  @Sendable func events(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let caller = try context.caller()
    let stream = workbench.events.subscribe(
      tenant: caller.tenant, agent: caller.agent, groups: try agentGroups(caller), isAdmin: caller.isAdmin)
    return Response(
      status: .ok,
      headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
      body: ResponseBody { [events = workbench.events] writer in
        // The server stops before the other services, and waits for open requests: a stream has to end
        // itself when the stop begins.
        try await withGracefulShutdownHandler {
          for await frame in stream { try await writer.write(ByteBuffer(string: frame)) }
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
    return SessionJSON(
      session, customer: try sessions.customer(tenant: tenant, id: session.customerId),
      alarm: session.hasAlarm(limit: Double(settings.alarmAfterSeconds), now: sessions.clock.now))
  }

  func agentGroups(_ caller: Caller) throws -> [String] {
    guard let agent = caller.agent else { return [] }
    return try engine.store.agent(tenant: caller.tenant, id: agent)?.groups ?? []
  }

  func validateAgent(_ agent: String, tenant: String) throws {
    guard try engine.store.agent(tenant: tenant, id: agent) != nil else {
      throw APIError.unprocessable("unknown_agent", "field \"agent\": no such agent")
    }
  }

  func validateGroup(_ group: String, tenant: String) throws {
    guard try engine.store.agents(tenant: tenant).contains(where: { $0.groups.contains(group) }) else {
      throw APIError.unprocessable("unknown_group", "field \"group\": no agent is in group \(group)")
    }
  }

  /// A knowledge item the caller may see, by id (in the given source, or the first source that has it).
  func pickedItem(_ id: String, source: KnowledgeSource?, caller: Caller) throws -> StoredKnowledge {
    for source in source.map({ [$0] }) ?? KnowledgeSource.allCases {
      if let stored = try KnowledgeRoutes.visibleItem(id, source: source, caller: caller, store: engine.store) {
        return stored
      }
    }
    throw APIError.unprocessable("unknown_suggestion", "field \"suggestion\": no such item")
  }

  /// `scheme:rest`: a scheme of ASCII letters, digits, `+`, `.` or `-` that starts with a letter, then no white
  /// space or control character (openapi.yaml's pattern for an attachment's `url`).
  static func isAbsoluteURI(_ text: String) -> Bool {
    let scalars = text.unicodeScalars
    guard let colon = scalars.firstIndex(of: ":"), let first = scalars.first, first.isASCII,
      first.properties.isAlphabetic
    else { return false }
    let schemeCharacters = CharacterSet(
      charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
    return scalars[..<colon].allSatisfy { schemeCharacters.contains($0) }
      && scalars[scalars.index(after: colon)...].allSatisfy { $0.value > 0x20 && !(0x7F...0x9F).contains($0.value) }
  }

  /// What a picked item sends: a quick reply's text, a bot answer, an article's body (in the session's language
  /// when the item has that version).
  static func text(of item: KnowledgeItem, language: String?) -> String {
    if let language, let variant = item.variants[language] { return variant.body }
    return item.body
  }

  func variables(session: Session, caller: Caller) throws -> (values: [String: String], known: Set<String>) {
    let agentId = session.agent ?? caller.agent
    let agentName = try agentId.flatMap { try engine.store.agent(tenant: caller.tenant, id: $0)?.name }
    return ReplyTemplate.values(
      session: session, customer: try sessions.customer(tenant: caller.tenant, id: session.customerId),
      agentId: agentId, agentName: agentName)
  }

  /// Fills a reply's variables, or refuses it (422) naming each variable that cannot be filled.
  func fill(_ template: String, session: Session, caller: Caller) throws -> String {
    let (values, known) = try variables(session: session, caller: caller)
    switch ReplyTemplate(template).fill(values, known: known) {
    case .text(let text): return text
    case .unresolved(let problems):
      let names = problems.map { "\($0.name) (\($0.reason))" }.joined(separator: ", ")
      throw APIError(
        .unprocessableContent, "unresolved_variables",
        "the reply has variables this session cannot fill: \(names); give a fallback such as {{visitor.name|您}}")
    }
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

  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
  }

  struct SessionEventPayload: Encodable {
    var session: SessionJSON
  }

  static func publish(_ type: WorkbenchEvent.Kind, _ session: Session, on workbench: Workbench, to agent: String? = nil)
  {
    let json = SessionJSON(session, customer: nil, alarm: type == .alarm)
    workbench.events.publish(
      WorkbenchEvent(
        type: type, tenant: session.tenant, agent: agent ?? session.agent, group: session.group,
        json: { encode(SessionEventPayload(session: json)) }))
  }

  struct MessageEventPayload: Encodable {
    var session: Int64
    var message: MessageJSON
  }

  static func publishMessage(_ message: MessageJSON, session: Session, on workbench: Workbench) {
    workbench.events.publish(
      WorkbenchEvent(
        type: .message, tenant: session.tenant, agent: session.agent, group: session.group,
        json: { encode(MessageEventPayload(session: session.id, message: message)) }))
    if let replies = message.smartReplies {
      workbench.events.publish(
        WorkbenchEvent(
          type: .smartReplies, tenant: session.tenant, agent: session.agent,
          group: session.group,
          json: { encode(SmartRepliesPayload(session: session.id, message: message.id, smartReplies: replies)) }))
    }
  }

  struct SmartRepliesPayload: Encodable {
    var session: Int64
    var message: Int64
    var smartReplies: SmartReplyResult
  }
}

extension UInt8 {
  fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
