import Foundation
import Hummingbird
import Knowledge
import Sessions
import Workbench

/// The demo's channel gateway, for the customer simulator page: open a conversation as a named customer on a
/// channel, send the customer's messages, read what the customer sees. Registered only by
/// `replykit serve --demo` (`make serve`), never on a production start: it acts for the demo tenant's customers
/// without a key.
struct DemoRoutes {
  let workbench: Workbench
  /// The tenant the demo data is loaded into.
  let tenant: String

  var gateway: Caller { Caller(tenant: tenant, agent: nil, isAdmin: true) }

  func register(on router: Router<ReplyRequestContext>) {
    let demo = router.group("demo")
    demo.post("sessions", use: open)
    demo.post("sessions/{id}/messages", use: send)
    demo.get("sessions/{id}/messages", use: messages)
  }

  struct OpenBody: Decodable {
    var name: String
    var channel: CustomerChannel?
    var group: String?
    var language: String?
  }

  struct OpenedJSON: ResponseEncodable {
    var session: Int64
    var customer: String
  }

  @Sendable func open(_ request: Request, context: ReplyRequestContext) async throws -> OpenedJSON {
    let body = try await RequestBody.decode(OpenBody.self, request, context: context)
    let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty, name.count <= 100 else { throw APIError.invalid("field \"name\" must be 1 to 100 characters") }
    let customer = Customer(
      id: "sim-" + String(APIKeys.generate().dropFirst(3).prefix(10)), name: name, channel: body.channel ?? .web,
      language: body.language)
    let session = try workbench.openSession(
      customer: .upsert(customer), channel: body.channel, group: body.group, by: gateway)
    return OpenedJSON(session: session.id, customer: customer.id)
  }

  struct SendBody: Decodable {
    var body: String
    var kind: MessageKind?
  }

  @Sendable func send(_ request: Request, context: ReplyRequestContext) async throws -> SessionRoutes.MessagesJSON {
    let body = try await RequestBody.decode(SendBody.self, request, context: context)
    guard !body.body.isEmpty, body.body.utf8.count <= 64 * 1024 else {
      throw APIError.invalid("field \"body\" must be 1 byte to 64 KiB")
    }
    let session = try session(context)
    let posted = try await workbench.postMessage(
      MessageDraft(sender: .customer, kind: body.kind ?? .text, body: body.body), to: session, by: gateway)
    return SessionRoutes.MessagesJSON(messages: [MessageJSON(posted.message)])
  }

  /// What the customer sees: recalled messages left out.
  @Sendable func messages(_ request: Request, context: ReplyRequestContext) async throws -> SessionRoutes.MessagesJSON {
    let session = try session(context)
    return SessionRoutes.MessagesJSON(
      messages: try workbench.sessions.messages(session: session.id, tenant: tenant, includeRecalled: false)
        .map { MessageJSON($0) })
  }

  private func session(_ context: ReplyRequestContext) throws -> Session {
    guard let id = Int64(try context.pathParameter("id")),
      let session = try workbench.sessions.session(tenant: tenant, id: id)
    else { throw APIError.notFound("no such session") }
    return session
  }
}
