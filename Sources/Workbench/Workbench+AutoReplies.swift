import Foundation
import Knowledge
import Sessions

/// The tenant's automatic messages (`AutoReplies`): greeting, queue position, wait notice, idle reminder and
/// closing, each filled like a reply and sent as a `system` message through the outbox.
extension Workbench {
  public func setAutoReplies(_ replies: AutoReplies, by caller: Caller) throws -> AutoReplies {
    guard caller.isAdmin else { throw WorkbenchError.forbidden("this needs the tenant's administrator key") }
    return try sessions.setAutoReplies(replies, tenant: caller.tenant)
  }

  /// Sends the automatic message of `kind` to `session`'s customer, when the tenant has one for the customer's
  /// language and every variable fills (one that does not is never sent raw: the message is left out). An
  /// automatic message never makes the action it follows fail.
  @discardableResult
  func sendAutoReply(
    _ kind: AutoReplies.Kind, to session: Session, replies known: AutoReplies? = nil, position: Int? = nil
  ) -> Message? {
    do {
      let replies = try known ?? sessions.autoReplies(tenant: session.tenant)
      guard let template = replies.template(kind, language: try sessions.language(of: session)) else { return nil }
      let caller = Caller(tenant: session.tenant, agent: nil, isAdmin: true)
      let text = try fill(
        template, session: session, caller: caller,
        extra: [AutoReplies.positionVariable: position.map(String.init) ?? ""])
      var new = NewMessage(
        sender: .system, senderId: "auto-reply:\(kind.rawValue)", body: text,
        searchTerms: try searchTerms(text, tenant: session.tenant))
      new.isAutomatic = true
      let posted = try sessions.addMessage(new, session: session.id, by: caller)
      WorkbenchMetrics.messagePosted("system")
      events.publish(WorkbenchEvent.message(posted.message, smartReplies: nil, in: posted.session))
      return posted.message
    } catch {
      return nil
    }
  }

  /// Tells each waiting customer of the tenant its queue position, when it has none yet or it moved by the
  /// tenant's `queueStep` since the last one.
  func tellQueuePositions(tenant: String) throws {
    let replies = try sessions.autoReplies(tenant: tenant)
    guard !replies.queue.isEmpty else { return }
    for (id, position) in try sessions.queuePositions(tenant: tenant).sorted(by: { $0.value < $1.value }) {
      guard try sessions.tellQueuePosition(position, session: id, tenant: tenant, step: replies.queueStep),
        let session = try sessions.session(tenant: tenant, id: id)
      else { continue }
      sendAutoReply(.queue, to: session, replies: replies, position: position)
    }
  }

  /// The sweeper's part: idle customers reminded before the timeout ends their session.
  func remindIdleCustomers() throws {
    let all = try sessions.allAutoReplies()
    guard all.values.contains(where: { !$0.idleReminder.isEmpty }) else { return }
    let due = try sessions.sessionsToRemind { tenant in
      guard let replies = all[tenant], !replies.idleReminder.isEmpty else { return nil }
      return replies.idleReminderSeconds
    }
    for session in due { sendAutoReply(.idleReminder, to: session, replies: all[session.tenant]) }
  }
}
