import Foundation
import GRDB
import Knowledge
import Testing

@testable import Sessions

/// The session store on a real SQLite file in a temporary folder.
struct SessionStoreTests {
  let folder: URL
  let store: SessionStore
  let clock = SessionClock()
  let admin = Caller(tenant: "acme", agent: nil, isAdmin: true)
  let agentA = Caller(tenant: "acme", agent: "agent-a", isAdmin: false)

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-sessions-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    store = try SessionStore(path: folder.appendingPathComponent("sessions.sqlite").path, clock: clock)
  }

  func activeSession(customer: String = "c-1") throws -> Session {
    try store.upsertCustomer(Customer(id: customer, name: "王女士"), tenant: "acme")
    let session = try store.createSession(customer: customer, by: admin)
    return try store.assign(session: session.id, to: "agent-a", by: agentA)
  }

  @Test func aRetriedMessageIsStoredOnce() throws {
    let session = try activeSession()
    let first = try store.addMessage(
      NewMessage(sender: .customer, body: "你好", clientId: "k-1"), session: session.id, by: admin)
    let again = try store.addMessage(
      NewMessage(sender: .customer, body: "你好", clientId: "k-1"), session: session.id, by: admin)
    #expect(!first.isRetry)
    #expect(again.isRetry)
    #expect(again.message.id == first.message.id)
    #expect(try store.messageCount(tenant: "acme") == 1)
    // Without a client id, two posts are two messages.
    _ = try store.addMessage(NewMessage(sender: .customer, body: "你好"), session: session.id, by: admin)
    _ = try store.addMessage(NewMessage(sender: .customer, body: "你好"), session: session.id, by: admin)
    #expect(try store.messageCount(tenant: "acme") == 3)
  }

  @Test func concurrentPostsShareCommitsAndFailAlone() async throws {
    let session = try activeSession()
    let store = store
    let admin = admin
    let results = await withTaskGroup(of: Result<Int64, SessionStoreError>.self) { group in
      for number in 0..<100 {
        group.addTask {
          // Every tenth message goes to a session that does not exist.
          let target = number % 10 == 9 ? session.id + 1_000 : session.id
          do {
            let posted = try await store.postMessage(
              NewMessage(sender: .customer, body: "第\(number)条", clientId: "k-\(number)"), session: target, by: admin)
            return .success(posted.message.id)
          } catch let error as SessionStoreError {
            return .failure(error)
          } catch {
            return .failure(.database("\(error)"))
          }
        }
      }
      return await group.reduce(into: []) { $0.append($1) }
    }
    let stored = results.compactMap { try? $0.get() }
    #expect(stored.count == 90)
    #expect(Set(stored).count == 90)
    #expect(results.filter { if case .failure(.notFound) = $0 { true } else { false } }.count == 10)
    #expect(try store.messageCount(tenant: "acme") == 90)
    #expect(try store.session(tenant: "acme", id: session.id)?.lastCustomerMessageAt != nil)
  }

  /// A stored value this version does not know is an error naming the column, never a default that hides it.
  @Test func rowsAreReadStrictly() throws {
    let session = try activeSession()
    try store.database.write { db in
      try db.execute(sql: "UPDATE session SET state = 'zombie' WHERE id = ?", arguments: [session.id])
    }
    #expect {
      try store.session(tenant: "acme", id: session.id)
    } throws: { error in
      guard case .database(let message) = error as? SessionStoreError else { return false }
      return message.contains("column state") && message.contains("zombie")
    }
  }

  /// Messages posted while a transaction is under way wait for the next one, and all go in it together.
  @Test func messagesPostedDuringACommitShareTheNextOne() async throws {
    let session = try activeSession()
    let store = store
    let admin = admin
    // The writer is held, so that the first message's transaction waits and the others queue behind it.
    let release = DispatchSemaphore(value: 0)
    let held = DispatchSemaphore(value: 0)
    Thread.detachNewThread { [database = store.database] in
      try? database.write { _ in
        held.signal()
        release.wait()
      }
    }
    held.wait()
    let posting = Task {
      try await withThrowingTaskGroup(of: Int64.self) { group in
        for number in 0..<50 {
          group.addTask {
            try await store.postMessage(
              NewMessage(sender: .customer, body: "第\(number)条", clientId: "s-\(number)"), session: session.id,
              by: admin
            ).message.id
          }
        }
        return try await group.reduce(into: [Int64]()) { $0.append($1) }
      }
    }
    // The first message's round has begun (and waits for the writer); the other 49 wait for the next round.
    while store.commits.rounds < 1 || store.commits.waiting < 49 { await Task.yield() }
    release.signal()
    let ids = try await posting.value
    #expect(Set(ids).count == 50)
    #expect(store.commits.rounds == 2, "the 49 waiting messages shared one transaction")
    #expect(try store.messageCount(tenant: "acme") == 50)
  }

  /// Ids grow with time (lists are ordered by them), but a tenant's ids do not count the other tenants' rows.
  @Test func idsDoNotCountOtherTenantsRows() throws {
    let other = Caller(tenant: "other", agent: nil, isAdmin: true)
    try store.upsertCustomer(Customer(id: "c-1", name: "王女士"), tenant: "acme")
    try store.upsertCustomer(Customer(id: "c-1", name: "李先生"), tenant: "other")
    var ours: [Int64] = []
    var messages: [Int64] = []
    for _ in 0..<15 {
      let session = try store.createSession(customer: "c-1", by: admin)
      _ = try store.createSession(customer: "c-1", by: other)
      ours.append(session.id)
      messages.append(
        try store.addMessage(NewMessage(sender: .customer, body: "在吗"), session: session.id, by: admin).message.id)
    }
    #expect(ours == ours.sorted() && Set(ours).count == ours.count)
    #expect(messages == messages.sorted())
    // With a shared counter every gap would be exactly 2: our session, then the other tenant's.
    let gaps = zip(ours.dropFirst(), ours).map { $0 - $1 }
    #expect(!gaps.allSatisfy { $0 == 2 })
    #expect(ours.allSatisfy { $0 < 1 << 53 })
  }

  @Test func messagesSurviveReopeningTheFile() throws {
    let session = try activeSession()
    let posted = try store.addMessage(
      NewMessage(sender: .agent, body: "您好", clientId: "a-1"), session: session.id, by: agentA)
    let reopened = try SessionStore(path: folder.appendingPathComponent("sessions.sqlite").path)
    #expect(try reopened.messages(session: session.id, tenant: "acme").map(\.id) == [posted.message.id])
    #expect(try reopened.session(tenant: "acme", id: session.id)?.firstAgentReplyAt != nil)
    #expect(try reopened.pendingOutbox(tenant: "acme").map(\.messageId) == [posted.message.id])
  }

  @Test func idleSessionsEndByTimeoutAndWaitingCustomersRaiseOneAlarm() throws {
    try store.setSettings(SessionSettings(alarmAfterSeconds: 30, idleTimeoutSeconds: 600), tenant: "acme")
    let session = try activeSession()
    _ = try store.addMessage(NewMessage(sender: .customer, body: "在吗"), session: session.id, by: admin)
    #expect(try store.sweep().alarms.isEmpty)
    clock.advance(by: 31)
    #expect(try store.sweep().alarms.map(\.id) == [session.id])
    // Reported once per wait; an agent's reply ends the wait.
    #expect(try store.sweep().alarms.isEmpty)
    _ = try store.addMessage(NewMessage(sender: .agent, body: "在的"), session: session.id, by: agentA)
    clock.advance(by: 601)
    let swept = try store.sweep()
    #expect(swept.alarms.isEmpty)
    #expect(swept.timedOut.map(\.id) == [session.id])
    let ended = try #require(try store.session(tenant: "acme", id: session.id))
    #expect(ended.state == .ended)
    #expect(ended.endReason == .timeout)
    let passive = try store.list(.endedPassive, caller: agentA, groups: [])
    #expect(passive.sessions.map(\.session.id) == [session.id])
    // A day later it has left the list.
    clock.advance(by: 24 * 3600 + 1)
    #expect(try store.list(.endedPassive, caller: agentA, groups: []).total == 0)
  }

  @Test func anOfflineSessionResumesWhenTheCustomerWrites() throws {
    let session = try activeSession()
    #expect(try store.setOffline(session: session.id, by: admin).state == .offline)
    #expect(try store.list(.offline, caller: agentA, groups: []).total == 1)
    let posted = try store.addMessage(NewMessage(sender: .customer, body: "我回来了"), session: session.id, by: admin)
    #expect(posted.session.state == .active)
    #expect(try store.events(session: session.id, tenant: "acme").map(\.kind).suffix(2) == [.offline, .resumed])
  }

  @Test func historyMatchesTheStoredTerms() throws {
    let session = try activeSession()
    _ = try store.addMessage(
      NewMessage(sender: .customer, body: "申請退款", searchTerms: "申请 退款"), session: session.id, by: admin)
    _ = try store.end(session: session.id, reason: .agent, by: agentA)
    #expect(try store.history(HistoryQuery(match: "\"退款\""), tenant: "acme").total == 1)
    #expect(try store.history(HistoryQuery(match: "\"退\"*"), tenant: "acme").total == 1)
    #expect(try store.history(HistoryQuery(match: "\"发货\""), tenant: "acme").total == 0)
    #expect(try store.history(HistoryQuery(match: "\"退款\""), tenant: "other").total == 0)
  }

  @Test func templatesFillWithFallbacksAndReportWhatTheyCannot() {
    let known: Set<String> = ["visitor.name", "agent.name"]
    let values = ["agent.name": "小安"]
    #expect(ReplyTemplate("{{visitor.name|您}}好，我是{{ agent.name }}").fill(values, known: known) == .text("您好，我是小安"))
    #expect(ReplyTemplate("{{visitor.name|}}好").fill(values, known: known) == .text("好"))
    #expect(
      ReplyTemplate("{{visitor.name}}，{{order.id}}").fill(values, known: known)
        == .unresolved([.init(name: "visitor.name", reason: "empty"), .init(name: "order.id", reason: "unknown")]))
    #expect(ReplyTemplate("没有变量 {{ 也没有结尾").fill(values, known: known) == .text("没有变量 {{ 也没有结尾"))
    #expect(ReplyTemplate("{{a}}{{b|x}}{{a}}").variables == ["a", "b"])
    // The reply box's draft: what fills is filled, the rest stays for the agent to replace.
    #expect(
      ReplyTemplate("{{ visitor.name|您好}}，订单 {{order.id}}，{{agent.name}}").draft(values, known: known)
        == "您好，订单 {{order.id}}，小安")
    #expect(ReplyTemplate("没有变量 {{ 也没有结尾").draft(values, known: known) == "没有变量 {{ 也没有结尾")
  }

  @Test func conversationValuesIncludeCustomAttributes() throws {
    let session = try activeSession()
    let customer = Customer(id: "c-1", name: nil, attributes: ["order": "A-1001", "name": "shadowed"])
    let (values, known) = ReplyTemplate.values(session: session, customer: customer, agentId: "agent-a", agentName: nil)
    #expect(values["visitor.order"] == "A-1001")
    #expect(values["visitor.attributes.name"] == "shadowed")
    #expect(values["visitor.name"] == nil)
    #expect(values["agent.name"] == "agent-a")
    #expect(values["session.id"] == String(session.id))
    #expect(known.contains("visitor.name"))
  }
}
