import Knowledge
import Ranking

/// The one write path for knowledge: the store first (the change and its change-log entry in one transaction),
/// then the index caught up with the log, so that the change is indexed before the caller answers and the next
/// suggest sees it (the suggestion cache follows the index's results version). Routes write through here, never
/// to the store directly.
extension Workbench {
  /// Adds or replaces items (`upsert`'s outcomes, in order).
  @discardableResult
  public func save(_ items: [KnowledgeItem], tenant: String) async throws -> [KnowledgeStore.UpsertOutcome] {
    let outcomes = try engine.store.upsert(items, tenant: tenant)
    try await engine.catchUp()
    return outcomes
  }

  /// Deletes an item (`notFound` when there is none).
  public func delete(tenant: String, source: KnowledgeSource, id: String) async throws {
    try engine.store.delete(tenant: tenant, source: source, id: id)
    try await engine.catchUp()
  }

  /// Logs a pick and counts the item's use; false when the pick's message had logged it already. The usage
  /// reaches the ranking at once (`.now`), or within a second in the background (`.soon`: a reply being sent
  /// does not wait for the index).
  @discardableResult
  public func recordPick(_ pick: Pick, indexed: Indexing) async throws -> Bool {
    guard try engine.store.recordPick(pick) else { return false }
    switch indexed {
    case .now: try await engine.catchUp()
    case .soon: usage.poke()
    }
    return true
  }

  public enum Indexing: Sendable {
    case now, soon
  }
}
