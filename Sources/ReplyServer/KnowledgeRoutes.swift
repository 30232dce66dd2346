import Foundation
import Hummingbird
import Knowledge
import Ranking
import Workbench

/// Create, read, update, delete and list one source's items at its path (`quick-replies`, `bot-knowledge`,
/// `internal-knowledge`). A change is indexed before the response is sent, so `suggest` sees it at once.
struct KnowledgeRoutes {
  let workbench: Workbench
  let source: KnowledgeSource
  var engine: SuggestionEngine { workbench.engine }

  static let paths: [(String, KnowledgeSource)] = [
    ("quick-replies", .quick), ("bot-knowledge", .bot), ("internal-knowledge", .internal),
  ]

  func register(on group: RouterGroup<ReplyRequestContext>, path: String) {
    group.get(RouterPath(path), use: list)
    group.post(RouterPath(path), use: create)
    group.get(RouterPath(path + "/{id}"), use: read)
    group.put(RouterPath(path + "/{id}"), use: update)
    group.delete(RouterPath(path + "/{id}"), use: delete)
  }

  private func visibleItem(_ id: String, caller: Caller) throws -> StoredKnowledge {
    guard let stored = try workbench.visibleItem(id, source: source, caller: caller) else {
      throw APIError.notFound("no \(source.rawValue) item with that id")
    }
    return stored
  }

  // MARK: Routes

  @Sendable func list(_ request: Request, context: ReplyRequestContext) async throws -> KnowledgePageJSON {
    let caller = try context.caller()
    let parameters = request.uri.queryParameters
    let page = try Self.positive(parameters, "page", default: 1, max: 1_000_000)
    let perPage = try Self.positive(parameters, "per_page", default: 20, max: 100)
    var scope: Scope?
    if let text = parameters.get("scope") {
      guard let parsed = Scope(text) else { throw APIError.invalid("scope must be company, group:ID or personal:ID") }
      scope = parsed
    }
    var enabled: Bool?
    if let text = parameters.get("enabled") {
      guard let parsed = Bool(text) else { throw APIError.invalid("enabled must be true or false") }
      enabled = parsed
    }
    let filter = KnowledgeFilter(
      source: source, visibleScopes: try workbench.visibleScopes(caller),
      folder: parameters.get("folder"),
      scope: scope, tag: parameters.get("tag"), enabled: enabled)
    let (items, total) = try engine.store.list(
      tenant: caller.tenant, filter: filter, offset: (page - 1) * perPage, limit: perPage)
    return KnowledgePageJSON(
      items: items.map { KnowledgeItemJSON(stored: $0, caller: caller) }, page: page, perPage: perPage, total: total)
  }

  @Sendable func read(_ request: Request, context: ReplyRequestContext) async throws -> KnowledgeItemJSON {
    let caller = try context.caller()
    return KnowledgeItemJSON(stored: try visibleItem(try context.pathParameter("id"), caller: caller), caller: caller)
  }

  @Sendable func create(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<
    KnowledgeItemJSON
  > {
    let caller = try context.caller()
    var item = try KnowledgeRecordDecoder(forcedSource: source).decode(
      json: try await RequestBody.bytes(request, context: context))
    guard Workbench.mayChange(item, caller: caller) else {
      throw APIError.forbidden("an agent creates its own personal quick replies only")
    }
    // Only an item the caller can see is a conflict: an agent's reply whose id another agent's personal reply
    // holds goes to the agent's own namespace, so that the agent never learns of the other.
    guard try workbench.visibleItem(item.id, source: source, caller: caller) == nil else {
      throw APIError(.conflict, .alreadyExists, "a \(source.rawValue) item with that id exists; PUT changes it")
    }
    if !caller.isAdmin, let agent = caller.agent,
      try engine.store.item(tenant: caller.tenant, source: source, id: item.id) != nil
    {
      item.id = PersonalID.namespaced(item.id, agent: agent)
    }
    try await workbench.save([item], tenant: caller.tenant)
    let stored = try engine.store.item(tenant: caller.tenant, source: source, id: item.id)!
    return EditedResponse(status: .created, response: KnowledgeItemJSON(stored: stored, caller: caller))
  }

  @Sendable func update(_ request: Request, context: ReplyRequestContext) async throws -> KnowledgeItemJSON {
    let caller = try context.caller()
    let id = try context.pathParameter("id")
    // PUT changes an item that is there: a missing one is 404 before anything of the body is judged.
    let existing = try visibleItem(id, caller: caller)
    var item = try KnowledgeRecordDecoder(forcedSource: source).decode(
      json: try await Self.withID(id, try await RequestBody.bytes(request, context: context)))
    item.id = existing.item.id
    guard Workbench.mayChange(existing.item, caller: caller) && Workbench.mayChange(item, caller: caller) else {
      throw APIError.forbidden("an agent changes its own personal quick replies only")
    }
    try await workbench.save([item], tenant: caller.tenant)
    return KnowledgeItemJSON(
      stored: try engine.store.item(tenant: caller.tenant, source: source, id: item.id)!, caller: caller)
  }

  @Sendable func delete(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let caller = try context.caller()
    let existing = try visibleItem(try context.pathParameter("id"), caller: caller)
    guard Workbench.mayChange(existing.item, caller: caller) else {
      throw APIError.forbidden("an agent deletes its own personal quick replies only")
    }
    try await workbench.delete(tenant: caller.tenant, source: source, id: existing.item.id)
    return Response(status: .noContent)
  }

  /// The body with `"id"` set to the path's id when it has none (PUT names the item in its path); a
  /// different id in the body is an error.
  static func withID(_ id: String, _ bytes: [UInt8]) async throws -> [UInt8] {
    guard var object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return bytes }
    switch object["id"] {
    case nil, is NSNull: break
    case let given as String where given != id:
      throw APIError.unprocessable(.idMismatch, "field \"id\" differs from the id in the path")
    case is String: break
    default: throw APIError(.badRequest, .invalidItem, "field \"id\" must be a string")
    }
    object["id"] = id
    return Array(try JSONSerialization.data(withJSONObject: object))
  }

  static func positive(_ parameters: Parameters, _ name: String, default value: Int, max: Int) throws -> Int {
    guard let text = parameters.get(name) else { return value }
    guard let number = Int(text), (1...max).contains(number) else {
      throw APIError.invalid("\(name) must be a whole number from 1 to \(max)")
    }
    return number
  }
}
