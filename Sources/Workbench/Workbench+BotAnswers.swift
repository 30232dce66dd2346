import Foundation
import Knowledge
import Ranking
import Sessions

/// The bot answering customers by itself (`BotSettings`): a customer's message whose best smart reply is
/// confident enough gets that reply from the `bot`, named by the item it came from and logged like a pick,
/// while the session waits (`queued`) or in any open session (`always`); a customer who asks for a person
/// (the tenant's keywords) hears no more from the bot in that session.
extension Workbench {
  public func setBotSettings(_ settings: BotSettings, by caller: Caller) throws -> BotSettings {
    guard caller.isAdmin else { throw WorkbenchError.forbidden("this needs the tenant's administrator key") }
    return try sessions.setBotSettings(settings, tenant: caller.tenant)
  }

  /// After a customer's text `message` was stored with its `smartReplies`: the bot's answer, if it gives one.
  /// Never makes the customer's post fail.
  func botAnswer(to message: Message, smartReplies: SmartReplyResult?, in session: Session) async {
    do {
      let settings = try sessions.botSettings(tenant: session.tenant)
      if settings.asksForPerson(message.body) {
        let updated = try sessions.askForPerson(session: session.id, tenant: session.tenant)
        if updated?.state == .queued { try route(tenant: session.tenant) }
        return
      }
      guard settings.mode != .never, let replies = smartReplies, !replies.noGoodAnswer,
        let best = replies.answers.first, best.confidence >= settings.threshold,
        settings.mode == .always ? session.state != .ended : session.state == .queued,
        try !sessions.wantsPerson(session: session.id, tenant: session.tenant)
      else { return }
      let caller = Caller(tenant: session.tenant, agent: nil, isAdmin: true)
      let item = try pickedItem(best.suggestion.id, source: best.suggestion.source, caller: caller).item
      // An answer whose variables do not all fill is not sent raw (`fill` refuses it): an agent answers instead.
      let body = try fill(
        Self.text(of: item, language: try sessions.language(of: session)), session: session, caller: caller)
      let new = NewMessage(
        sender: .bot, senderId: "bot", body: body,
        origin: MessageOrigin(source: item.source.rawValue, itemId: item.id, input: message.body),
        searchTerms: try searchTerms(body, tenant: session.tenant))
      let posted = try await sessions.postMessage(new, session: session.id, by: caller)
      WorkbenchMetrics.messagePosted("bot")
      events.publish(WorkbenchEvent.message(posted.message, smartReplies: nil, in: posted.session))
      // Logged as agents' picks are: what was asked, what was shown, what was sent.
      var pick = Pick(
        tenant: session.tenant, agent: Self.botAgent, input: message.body, source: item.source, itemId: item.id,
        position: 0, shown: replies.answers.map(\.suggestion.id))
      pick.message = String(posted.message.id)
      _ = try await recordPick(pick, indexed: .soon)
    } catch {
      return
    }
  }

  /// The agent id the bot's answers are logged with.
  public static let botAgent = "bot"
}
