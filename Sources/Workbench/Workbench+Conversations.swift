import Foundation
import Knowledge
import Ranking
import Sessions

/// A message to post, as the sender wrote it (its variables not yet filled).
public struct MessageDraft: Sendable {
  public var sender: Sender
  public var kind: MessageKind
  /// The text; for an agent's reply from a suggestion, nil sends the suggestion's own text.
  public var body: String?
  public var attachments: [Attachment]
  /// The sender's id for the message: a retry with the same id answers the stored message.
  public var clientId: String?
  /// The knowledge item an agent's reply comes from, and what the agent had typed and been shown.
  public var reply: PickedReply?

  public init(
    sender: Sender, kind: MessageKind = .text, body: String?, attachments: [Attachment] = [], clientId: String? = nil,
    reply: PickedReply? = nil
  ) {
    self.sender = sender
    self.kind = kind
    self.body = body
    self.attachments = attachments
    self.clientId = clientId
    self.reply = reply
  }
}

/// The suggestion an agent's reply was picked from.
public struct PickedReply: Sendable {
  public var suggestion: String
  public var source: KnowledgeSource?
  public var input: String?
  public var position: Int?
  public var shown: [String]

  public init(suggestion: String, source: KnowledgeSource?, input: String?, position: Int?, shown: [String]) {
    self.suggestion = suggestion
    self.source = source
    self.input = input
    self.position = position
    self.shown = shown
  }
}

/// A message the store holds, and whether the post was a retry of one it held already.
public struct PostedMessage: Sendable {
  public var message: Message
  public var session: Session
  public var isRetry: Bool
  /// The smart replies computed for a customer's new message (nil for a retry: read the stored ones).
  public var smartReplies: SmartReplyResult?
}

/// A reply as it would be sent in a session: its text, or the variables it cannot fill.
public struct RenderedReply: Sendable {
  public var variables: [String]
  public var result: ReplyTemplate.Filled
  /// The text with the variables that could not be filled left as `{{name}}`, for the agent to complete.
  public var draft: String
}

/// The session whose id a caller names: a customer for a session.
public enum SessionCustomer: Sendable {
  case id(String)
  /// Added, or updated, first (a blocked customer stays blocked).
  case upsert(Customer)
}

/// The conversation workflow: sessions opened, taken, passed on and ended, messages posted (templates filled,
/// smart replies computed, picks logged) and recalled. Each change is committed to the session store first, then
/// published to the agents who should hear of it.
extension Workbench {
  public func openSession(
    customer: SessionCustomer, channel: CustomerChannel?, group: String?, by caller: Caller
  ) throws -> Session {
    if let group { try checkGroup(group, tenant: caller.tenant) }
    let customerId: String
    switch customer {
    case .id(let id): customerId = id
    case .upsert(let customer): customerId = try sessions.upsertCustomer(customer, tenant: caller.tenant).id
    }
    let session = try sessions.createSession(customer: customerId, channel: channel, group: group, by: caller)
    events.publish(.session(.sessionQueued, session))
    sendAutoReply(.greeting, to: session)
    // An online agent with room takes it at once (a waiting customer hears its place in the queue).
    return try route(tenant: caller.tenant).first { $0.id == session.id } ?? session
  }

  /// Gives a session to an agent: the one an administrator names, or the calling agent itself (which must be
  /// in the group the session waits in), if it has room (`override`: the administrator past the limit).
  public func assign(_ current: Session, to named: String?, by caller: Caller, override: Bool = false) throws
    -> Session
  {
    let agent: String
    if caller.isAdmin {
      guard let named else {
        throw WorkbenchError.missingField("agent", because: "an administrator's key must name the agent")
      }
      try checkAgent(named, tenant: caller.tenant)
      agent = named
    } else {
      guard let own = caller.agent else { throw WorkbenchError.forbidden("this key names no agent") }
      if let named, named != own { throw WorkbenchError.forbidden("an agent can only take a session for itself") }
      if let group = current.group, !(try groups(of: caller).contains(group)) {
        throw WorkbenchError.forbidden("session \(current.id) waits in group \(group), which you are not in")
      }
      agent = own
    }
    let session = try sessions.assign(session: current.id, to: agent, by: caller, override: override)
    events.publish(.session(.sessionAssigned, session))
    return session
  }

  /// Passes a session to another agent (if it has room; `override` as for `assign`), or back to a group's
  /// queue, where routing may give it to an agent at once.
  public func transfer(
    _ current: Session, toAgent agent: String?, toGroup group: String?, reason: String? = nil, by caller: Caller,
    override: Bool = false
  ) throws -> Session {
    guard agent != nil || group != nil else { throw WorkbenchError.missingField("agent") }
    if let agent { try checkAgent(agent, tenant: caller.tenant) }
    if let group { try checkGroup(group, tenant: caller.tenant) }
    let session = try sessions.transfer(
      session: current.id, toAgent: agent, toGroup: group, reason: reason, by: caller, override: override)
    // The agent it leaves hears of it as well as the one (or the group) it goes to.
    if let previous = current.agent, previous != session.agent {
      events.publish(.session(.sessionTransferred, session, to: previous))
    }
    events.publish(.session(session.state == .queued ? .sessionQueued : .sessionTransferred, session))
    // Back in the queue, or room freed by the agent it left.
    let routed = try route(tenant: caller.tenant)
    return routed.first { $0.id == session.id } ?? session
  }

  /// Ends a session; without a reason, the channel's key ends it for the customer and an agent's for itself.
  public func end(_ current: Session, reason: EndReason?, by caller: Caller) throws -> Session {
    let reason = reason ?? (caller.isAdmin && caller.agent == nil ? .customer : .agent)
    let session = try sessions.end(session: current.id, reason: reason, by: caller)
    events.publish(.session(.sessionEnded, session))
    sendAutoReply(.closing, to: session)
    // The agent has room for a queued session.
    try route(tenant: caller.tenant)
    return session
  }

  /// The customer left (reported by the channel).
  public func setOffline(_ current: Session, by caller: Caller) throws -> Session {
    let session = try sessions.setOffline(session: current.id, by: caller)
    events.publish(.session(.sessionOffline, session))
    return session
  }

  /// Posts a message: an agent's reply has its suggestion's text and its variables filled (or is refused, naming
  /// them), a customer's text gets smart replies, and the message is stored once per client id. The pick an
  /// agent's reply came from is logged by the stored message's id, after the message: a retry logs a pick the
  /// first attempt could not, and never logs one twice.
  public func postMessage(_ draft: MessageDraft, to session: Session, by caller: Caller) async throws
    -> PostedMessage
  {
    var text = draft.body ?? ""
    var origin: MessageOrigin?
    var pick: Pick?
    var smartReplies: SmartReplyResult?
    switch draft.sender {
    case .agent:
      // Checked before anything is filled or logged, so that a refused reply leaves no pick behind.
      guard let agent = caller.agent, session.agent == agent else {
        throw WorkbenchError.forbidden("session \(session.id) is not assigned to you")
      }
      if let reply = draft.reply {
        let item = try pickedItem(reply.suggestion, source: reply.source, caller: caller).item
        let language = try sessions.language(of: session)
        let template = draft.body ?? Self.text(of: item, language: language)
        text = try fill(template, session: session, caller: caller)
        origin = MessageOrigin(source: item.source.rawValue, itemId: item.id, input: reply.input)
        pick = Pick(
          tenant: caller.tenant, agent: agent, input: reply.input ?? "", source: item.source, itemId: item.id,
          position: reply.position, shown: reply.shown)
      } else if text.contains("{{") {
        text = try fill(text, session: session, caller: caller)
      }
    case .customer:
      // While the index is rebuilt the message is taken without smart replies.
      if draft.kind == .text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
        engine.indexStatus == .ready
      {
        let options = SuggestOptions(
          agent: session.agent, limit: 3, sources: [.bot, .internal], language: try sessions.language(of: session))
        smartReplies = try engine.suggester.smartReply(text, tenant: caller.tenant, options: options)
      }
    case .bot, .system: break
    }
    try Self.checkContent(draft, text: text)
    let new = NewMessage(
      sender: draft.sender, kind: draft.kind, body: text, attachments: draft.attachments, clientId: draft.clientId,
      origin: origin, searchTerms: try searchTerms(text, tenant: caller.tenant),
      smartReplies: try smartReplies.map { try JSONEncoder().encode($0) })
    let posted = try await sessions.postMessage(new, session: session.id, by: caller)
    if !posted.isRetry {
      WorkbenchMetrics.messagePosted(draft.sender.rawValue)
      events.publish(WorkbenchEvent.message(posted.message, smartReplies: smartReplies, in: posted.session))
      if draft.sender == .customer && draft.kind == .text {
        await botAnswer(to: posted.message, smartReplies: smartReplies, in: posted.session)
      }
    }
    if var pick {
      pick.message = String(posted.message.id)
      try await recordPick(pick, indexed: .soon)
    }
    return PostedMessage(
      message: posted.message, session: posted.session, isRetry: posted.isRetry,
      smartReplies: posted.isRetry ? nil : smartReplies)
  }

  /// What a message of its kind must have: text for text and emoji, attachments for images and files; each
  /// attachment a name, a size of 0 or more, and a link the workbench can open.
  static func checkContent(_ draft: MessageDraft, text: String) throws {
    switch draft.kind {
    case .text, .emoji:
      guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw draft.body == nil
          ? WorkbenchError.missingField("body") : WorkbenchError.invalidField("field \"body\" must not be empty")
      }
    case .image, .file:
      guard !draft.attachments.isEmpty else { throw WorkbenchError.missingField("attachments") }
    }
    for (index, attachment) in draft.attachments.enumerated() where attachment.size < 0 || attachment.name.isEmpty {
      throw WorkbenchError.invalidField("field \"attachments[\(index)]\" needs a name and a size of 0 or more")
    }
    for (index, attachment) in draft.attachments.enumerated() {
      if let url = attachment.url, !isAbsoluteURI(url) {
        throw WorkbenchError.invalidField("field \"attachments[\(index)].url\" must be an absolute URI")
      }
    }
  }

  /// What a suggestion (or a text with variables) would say in this session, without sending it.
  public func render(
    suggestion: String?, source: KnowledgeSource?, body: String?, in session: Session, by caller: Caller
  )
    throws -> RenderedReply
  {
    let template: String
    if let body {
      template = body
    } else if let suggestion {
      template = Self.text(
        of: try pickedItem(suggestion, source: source, caller: caller).item,
        language: try sessions.language(of: session))
    } else {
      throw WorkbenchError.missingField("suggestion")
    }
    let (values, known) = try variables(session: session, caller: caller)
    let reply = ReplyTemplate(template)
    return RenderedReply(
      variables: reply.variables, result: reply.fill(values, known: known), draft: reply.draft(values, known: known))
  }

  /// Takes a message back (it stays in the agent's view, marked).
  public func recall(message id: Int64, by caller: Caller) throws -> Message {
    let message = try sessions.recall(message: id, by: caller)
    if let session = try sessions.session(tenant: caller.tenant, id: message.sessionId) {
      events.publish(.recalled(message, in: session))
    }
    return message
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

  /// Fills a reply's variables, or refuses it naming each variable that cannot be filled. `extra` adds
  /// variables of the moment (an empty value has none, as for the conversation's own).
  func fill(_ template: String, session: Session, caller: Caller, extra: [String: String] = [:]) throws -> String {
    var (values, known) = try variables(session: session, caller: caller)
    values.merge(extra) { $1 }
    known.formUnion(extra.keys)
    switch ReplyTemplate(template).fill(values, known: known) {
    case .text(let text): return text
    case .unresolved(let problems): throw WorkbenchError.unresolvedVariables(problems)
    }
  }
}
