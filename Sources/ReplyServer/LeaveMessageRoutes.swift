import Foundation
import Hummingbird
import Knowledge
import Sessions
import Workbench

/// Left messages (留言) and the business hours that decide when a waiting customer is offered to leave one.
struct LeaveMessageRoutes {
  let workbench: Workbench
  var sessions: SessionStore { workbench.sessions }

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.post("leave-messages", use: create)
    group.get("leave-messages", use: list)
    group.get("leave-messages/{id}", use: read)
    group.post("leave-messages/{id}/claim") { request, context in
      try await change(request, context) { id, caller, _ in try sessions.claim(leftMessage: id, by: caller) }
    }
    group.post("leave-messages/{id}/notes") { request, context in
      try await change(request, context) { id, caller, body in
        try sessions.note(leftMessage: id, body: try Self.required(body), by: caller)
      }
    }
    group.post("leave-messages/{id}/reply") { request, context in
      try await change(request, context) { id, caller, body in
        let text = try Self.required(body)
        return try sessions.reply(
          leftMessage: id, body: text, searchTerms: try workbench.searchTerms(text, tenant: caller.tenant), by: caller)
      }
    }
    group.post("leave-messages/{id}/close") { request, context in
      try await change(request, context) { id, caller, _ in try sessions.close(leftMessage: id, by: caller) }
    }
    group.get("business-hours", use: businessHours)
    group.put("business-hours", use: putBusinessHours)
  }

  struct CreateBody: Decodable {
    var session: Int64
    var text: String
    var contact: [String: String]?
  }

  struct TextBody: Decodable { var body: String? }

  static func required(_ body: TextBody?) throws -> String {
    guard let text = body?.body else { throw APIError.missing("body") }
    return text
  }

  struct StepJSON: Encodable {
    var kind: LeftMessage.Step.Kind
    var actor: String
    var body: String?
    var messageId: Int64?
    var at: String?
  }

  struct LeftMessageJSON: ResponseEncodable {
    var id: Int64
    var session: Int64
    var customerId: String
    var channel: CustomerChannel
    var text: String
    var contact: [String: String]
    var state: LeftMessage.State
    var claimedBy: String?
    var createdAt: String?
    var closedAt: String?
    var steps: [StepJSON]?

    init(_ message: LeftMessage) {
      id = message.id
      session = message.session
      customerId = message.customerId
      channel = message.channel
      text = message.text
      contact = message.contact
      state = message.state
      claimedBy = message.claimedBy
      createdAt = APITime.string(message.createdAt)
      closedAt = APITime.string(message.closedAt)
      steps = message.steps?.map {
        StepJSON(kind: $0.kind, actor: $0.actor, body: $0.body, messageId: $0.messageId, at: APITime.string($0.at))
      }
    }
  }

  struct ListJSON: ResponseEncodable { var leaveMessages: [LeftMessageJSON] }

  /// The channel (administrator key) reports that the customer of a waiting session left a message: kept, and
  /// the session ends with reason `left-message`.
  @Sendable func create(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    LeftMessageJSON
  > {
    let caller = try SessionRoutes.admin(context, "a customer's message arrives with the administrator (channel) key")
    let body = try await RequestBody.decode(CreateBody.self, request, context: context)
    let message = try workbench.leaveMessage(
      session: body.session, text: body.text, contact: body.contact ?? [:], by: caller)
    return EditedResponse(status: .created, response: LeftMessageJSON(message))
  }

  @Sendable func list(_ request: Request, context: ReplyRequestContext) async throws -> ListJSON {
    let caller = try context.caller()
    let parameters = request.uri.queryParameters
    guard let view = LeftMessageView(rawValue: parameters.get("view") ?? "open") else {
      throw APIError.invalid("view must be open, mine or all")
    }
    let limit = try KnowledgeRoutes.positive(parameters, "limit", default: 100, max: 1_000)
    let messages = try sessions.leftMessages(
      tenant: caller.tenant, view: view, agent: caller.agent, customer: parameters.get("customer"), limit: limit)
    return ListJSON(leaveMessages: messages.map(LeftMessageJSON.init))
  }

  static func id(_ context: ReplyRequestContext) throws -> Int64 {
    guard let id = Int64(try context.pathParameter("id")) else {
      throw APIError.notFound("no left message with that id")
    }
    return id
  }

  @Sendable func read(_ request: Request, context: ReplyRequestContext) async throws -> LeftMessageJSON {
    let caller = try context.caller()
    guard let message = try sessions.leftMessage(tenant: caller.tenant, id: try Self.id(context)) else {
      throw APIError.notFound("no left message with that id")
    }
    return LeftMessageJSON(message)
  }

  func change(
    _ request: Request, _ context: ReplyRequestContext,
    _ body: (Int64, Caller, TextBody?) throws -> LeftMessage
  ) async throws -> LeftMessageJSON {
    let caller = try context.caller()
    let id = try Self.id(context)
    let text = try await SessionRoutes.optionalBody(TextBody.self, request, context)
    return LeftMessageJSON(try body(id, caller, text))
  }

  struct BusinessHoursJSON: ResponseEncodable {
    var timeZone: String
    var weekly: [String: [String]]
    var holidays: [String]?
    /// Whether the tenant is open now.
    var openNow: Bool?
  }

  struct BusinessHoursBody: Decodable {
    var timeZone: String
    var weekly: [String: [String]]
    var holidays: [String]?
  }

  @Sendable func businessHours(_ request: Request, context: ReplyRequestContext) async throws -> BusinessHoursJSON {
    let caller = try context.caller()
    guard let hours = try sessions.businessHours(tenant: caller.tenant) else {
      throw APIError.notFound("the tenant has set no business hours (it is always open)")
    }
    return BusinessHoursJSON(
      timeZone: hours.timeZone, weekly: hours.weekly, holidays: hours.holidays,
      openNow: hours.isOpen(at: sessions.clock.now))
  }

  @Sendable func putBusinessHours(_ request: Request, context: ReplyRequestContext) async throws -> BusinessHoursJSON {
    let caller = try SessionRoutes.admin(context, "only the administrator changes the business hours")
    let body = try await RequestBody.decode(BusinessHoursBody.self, request, context: context)
    let hours = try sessions.setBusinessHours(
      BusinessHours(timeZone: body.timeZone, weekly: body.weekly, holidays: body.holidays ?? []), tenant: caller.tenant)
    return BusinessHoursJSON(
      timeZone: hours.timeZone, weekly: hours.weekly, holidays: hours.holidays,
      openNow: hours.isOpen(at: sessions.clock.now))
  }
}
