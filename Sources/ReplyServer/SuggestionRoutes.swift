import Foundation
import Hummingbird
import Knowledge
import NIOCore
import Ranking
import Sessions
import Workbench

/// `#` completion, smart replies, and picks.
struct SuggestionRoutes {
  let workbench: Workbench
  var engine: SuggestionEngine { workbench.engine }
  /// Conversations, for `conversation=ID`: its customer's language, and its last customer message.
  var sessions: SessionStore { workbench.sessions }
  /// Answers of the current index commit, for the prefixes agents type again and again.
  let cache: SuggestionCache

  init(workbench: Workbench) {
    self.workbench = workbench
    cache = SuggestionCache(capacity: workbench.suggestCacheCapacity)
  }
  static let maxQueryLength = 256
  /// The most suggestions a pick says were shown (and the largest position among them).
  static let maxShown = 100

  /// A `lang` given must be a language tag (zh-Hans, en).
  static func language(_ tag: String?) throws -> String? {
    guard let tag else { return nil }
    guard LanguageTag.isWellFormed(tag) else { throw APIError.invalid("lang must be a language tag such as zh-Hans") }
    return tag
  }

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.get("suggest", use: suggest)
    group.post("smart-replies", use: smartReplies)
    group.post("suggestions/{id}/picked", use: picked)
  }

  /// The answer of `GET /v1/suggest`: `{"cached", "query", "suggestions", "tookMs"}`. The suggestions arrive
  /// already encoded (the cache keeps them that way, so that a repeat costs no JSON encoding).
  struct SuggestResponse: ResponseGenerator {
    var query: String
    var tookMs: Double
    var suggestions: [UInt8]
    /// Answered from the results of the current index commit.
    var cached: Bool

    func response(from request: Request, context: some RequestContext) throws -> Response {
      var buffer = ByteBuffer()
      buffer.reserveCapacity(suggestions.count + query.utf8.count + 64)
      buffer.writeString(cached ? #"{"cached":true,"query":"# : #"{"cached":false,"query":"#)
      var quoted: [UInt8] = []
      SuggestionJSON.string(query, &quoted)
      buffer.writeBytes(quoted)
      buffer.writeString(#","suggestions":"#)
      buffer.writeBytes(suggestions)
      buffer.writeString(#","tookMs":"#)
      buffer.writeString("\(tookMs)}")
      return Response(
        status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
  }

  @Sendable func suggest(_ request: Request, context: ReplyRequestContext) async throws -> SuggestResponse {
    let caller = try context.caller()
    if let unavailable = APIError.indexUnavailable(engine.indexStatus) { throw unavailable }
    let parameters = request.uri.queryParameters
    let query = parameters.get("q") ?? ""
    guard query.unicodeScalars.count <= Self.maxQueryLength else {
      throw APIError(.badRequest, .queryTooLong, "q is over \(Self.maxQueryLength) characters")
    }
    let conversation = try parameters.get("conversation").map { try Self.conversation($0, caller, sessions) }
    let options = SuggestOptions(
      agent: caller.agent, limit: try Self.limit(parameters, default: 5), sources: try Self.sources(parameters),
      language: try Self.language(parameters.get("lang")) ?? conversation.flatMap { try sessions.language(of: $0) })
    let started = ContinuousClock.now
    // The version is read before the search, so an answer is never filed under a newer commit than it saw.
    let version = engine.resultsVersion
    let key = SuggestionCache.key(query: query, tenant: caller.tenant, options: options)
    if let cached = cache.lookup(key, version: version) {
      return SuggestResponse(
        query: query, tookMs: (ContinuousClock.now - started).milliseconds, suggestions: cached, cached: true)
    }
    var suggestions = try engine.suggester.suggest(query, tenant: caller.tenant, options: options)
    // An agent's namespaced replies show the ids it knows them by (the cache key holds the agent).
    if !caller.isAdmin, let agent = caller.agent {
      for index in suggestions.indices { suggestions[index].id = PersonalID.shown(suggestions[index].id, to: agent) }
    }
    let encoded = try SuggestionJSON.encode(suggestions)
    cache.store(encoded, for: key, version: version)
    return SuggestResponse(
      query: query, tookMs: (ContinuousClock.now - started).milliseconds, suggestions: encoded, cached: false)
  }

  struct SmartReplyRequest: Decodable {
    /// The customer's message; without it, the last customer message of `conversation`.
    var message: String?
    var conversation: Int64?
    var limit: Int?
    var lang: String?
  }

  struct SmartReplyResponse: ResponseEncodable {
    var tookMs: Double
    var answers: [SmartReplyResult.Answer]
    var noGoodAnswer: Bool
  }

  @Sendable func smartReplies(_ request: Request, context: ReplyRequestContext) async throws -> SmartReplyResponse {
    let caller = try context.caller()
    if let unavailable = APIError.indexUnavailable(engine.indexStatus) { throw unavailable }
    let body = try await RequestBody.decode(SmartReplyRequest.self, request, context: context)
    let conversation = try body.conversation.map { try Self.conversation(String($0), caller, sessions) }
    guard
      let message = try body.message
        ?? conversation.flatMap({ try sessions.lastCustomerMessage(session: $0.id, tenant: caller.tenant)?.body })
    else {
      throw body.conversation == nil
        ? APIError.missing("message") : APIError.invalid("field \"conversation\": the session has no customer message")
    }
    guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw APIError.invalid("field \"message\" must not be empty")
    }
    guard message.utf8.count <= 64 * 1024 else {
      throw APIError(.badRequest, .messageTooLong, "field \"message\" is over 64 KiB")
    }
    let limit = body.limit ?? 3
    guard (1...50).contains(limit) else { throw APIError.invalid("field \"limit\" must be between 1 and 50") }
    let started = ContinuousClock.now
    let language = try Self.language(body.lang) ?? conversation.flatMap { try sessions.language(of: $0) }
    let result = try engine.suggester.smartReply(
      message, tenant: caller.tenant,
      options: SuggestOptions(agent: caller.agent, limit: limit, sources: [.bot, .internal], language: language))
    return SmartReplyResponse(
      tookMs: (ContinuousClock.now - started).milliseconds, answers: result.answers, noGoodAnswer: result.noGoodAnswer)
  }

  struct PickRequest: Decodable {
    /// quick, bot or internal; when absent, the first source that has the id.
    var source: KnowledgeSource?
    /// What the agent had typed.
    var input: String
    var position: Int?
    var shown: [String]?
  }

  struct PickResponse: ResponseEncodable {
    var id: String
    var source: KnowledgeSource
    var usageCount: Int
  }

  /// What a pick says beside the item (here and in a reply sent from a suggestion): the input typed, where the
  /// item stood and the ids shown, each an item id (1 to 128 characters, not only white space, no control one).
  static func checkPick(input: String?, position: Int?, shown: [String]?) throws {
    guard (input?.unicodeScalars.count ?? 0) <= maxQueryLength else {
      throw APIError.invalid("field \"input\" is over \(maxQueryLength) characters")
    }
    if let position, !(0...maxShown).contains(position) {
      throw APIError.invalid("field \"position\" must be between 0 and \(maxShown)")
    }
    guard let shown else { return }
    guard shown.count <= maxShown else { throw APIError.invalid("field \"shown\" has more than \(maxShown) ids") }
    for id in shown where !ImportLimits.isItemID(id) {
      throw APIError.invalid(
        "field \"shown\" holds an id that is not an item id (1 to 128 characters, no control characters)")
    }
  }

  @Sendable func picked(_ request: Request, context: ReplyRequestContext) async throws -> PickResponse {
    let caller = try context.caller()
    let id = try context.pathParameter("id")
    let body = try await RequestBody.decode(PickRequest.self, request, context: context)
    try Self.checkPick(input: body.input, position: body.position, shown: body.shown)
    // The first source with a visible item of that id (another agent's personal reply is not one).
    var found: StoredKnowledge?
    for source in body.source.map({ [$0] }) ?? KnowledgeSource.allCases where found == nil {
      found = try workbench.visibleItem(id, source: source, caller: caller)
    }
    guard let picked = found?.item else { throw APIError.notFound("no item with that id") }
    try await workbench.recordPick(
      Pick(
        tenant: caller.tenant, agent: caller.agent, input: body.input, source: picked.source, itemId: picked.id,
        position: body.position, shown: body.shown ?? []),
      indexed: .now)
    let stored = try engine.store.item(tenant: caller.tenant, source: picked.source, id: picked.id)
    return PickResponse(id: id, source: picked.source, usageCount: stored?.usageCount ?? 0)
  }

  /// The session a request names as its conversation (of the caller's tenant).
  static func conversation(_ text: String, _ caller: Caller, _ sessions: SessionStore) throws -> Session {
    guard let id = Int64(text), let session = try sessions.session(tenant: caller.tenant, id: id) else {
      throw APIError.notFound("no conversation with that id")
    }
    return session
  }

  static func limit(_ parameters: Parameters, default value: Int, max: Int = 50) throws -> Int {
    guard let text = parameters.get("limit") else { return value }
    guard let limit = Int(text), (1...max).contains(limit) else {
      throw APIError.invalid("limit must be a whole number from 1 to \(max)")
    }
    return limit
  }

  static func sources(_ parameters: Parameters) throws -> Set<KnowledgeSource> {
    guard let text = parameters.get("sources") else { return Set(KnowledgeSource.allCases) }
    var sources = Set<KnowledgeSource>()
    for name in text.split(separator: ",") {
      guard let source = KnowledgeSource(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
        throw APIError.invalid("sources: unknown source \"\(name)\" (expected quick, bot or internal)")
      }
      sources.insert(source)
    }
    guard !sources.isEmpty else {
      throw APIError.invalid("sources must name at least one source (quick, bot or internal)")
    }
    return sources
  }
}

extension Duration {
  var milliseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
  }
}
