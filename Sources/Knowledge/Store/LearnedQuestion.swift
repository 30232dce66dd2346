import Foundation
import GRDB

/// A phrasing learned for an item: what was asked or typed when the item was the answer (a judged question, or
/// the text an agent had typed before picking it). The index keeps an item's learned phrasings beside its own
/// questions, so that the next customer or agent who writes the same finds the same item; they are not part
/// of the item's content, and are never shown as its similar questions.
public struct LearnedQuestion: Hashable, Sendable {
  public var source: KnowledgeSource
  public var itemId: String
  public var text: String
  /// How often it was judged the answer or picked: an item with too many keeps the most frequent.
  public var count: Int

  public init(source: KnowledgeSource, itemId: String, text: String, count: Int = 1) {
    self.source = source
    self.itemId = itemId
    self.text = text
    self.count = count
  }
}

extension KnowledgeStore {
  // MARK: Learned phrasings

  /// An item keeps at most this many learned phrasings, the most frequent (each costs the question model a
  /// look at every query that finds the item).
  public static let learnedQuestionsPerItem = 100
  /// The longest learned phrasing kept, in characters (a customer's whole message is cut, not refused).
  public static let learnedQuestionLength = 300

  /// Replaces the tenant's learned phrasings in one transaction (the old set or the new, never a mix), and logs
  /// a change for every item whose phrasings changed, so that the index re-indexes it. Phrasings of items the
  /// store does not hold, and blank ones, are left out; the same text for the same item counts once, with its
  /// counts added. Returns how many were kept.
  @discardableResult
  public func setLearnedQuestions(tenant: String, _ questions: [LearnedQuestion], at now: Date = Date())
    throws(KnowledgeStoreError) -> Int
  {
    struct ItemKey: Hashable {
      var source: KnowledgeSource
      var id: String
    }
    var byItem: [ItemKey: [String: Int]] = [:]
    for question in questions {
      guard question.count > 0 else { throw .invalid("a learned question's count must be positive") }
      let text = String(
        question.text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.learnedQuestionLength))
      guard !text.isEmpty else { continue }
      byItem[ItemKey(source: question.source, id: question.itemId), default: [:]][text, default: 0] += question.count
    }
    return try write { db in
      var before: [ItemKey: [String: Int]] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT source, item_id, text, count FROM learned_question WHERE tenant = ?", arguments: [tenant])
      {
        let source = try row.strict(KnowledgeSource.self, "source")
        before[ItemKey(source: source, id: row["item_id"]), default: [:]][row["text"]] = row["count"]
      }
      try db.execute(sql: "DELETE FROM learned_question WHERE tenant = ?", arguments: [tenant])
      let insert = try db.makeStatement(
        sql: "INSERT INTO learned_question (tenant, source, item_id, text, count) VALUES (?, ?, ?, ?, ?)")
      var kept = 0
      var after: [ItemKey: [String: Int]] = [:]
      for (key, texts) in byItem {
        guard try Self.fetchRecord(db, tenant: tenant, source: key.source, id: key.id) != nil else { continue }
        let chosen = texts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
          .prefix(Self.learnedQuestionsPerItem)
        for (text, count) in chosen {
          try insert.execute(arguments: [tenant, key.source.rawValue, key.id, text, count])
        }
        kept += chosen.count
        after[key] = Dictionary(uniqueKeysWithValues: chosen.map { ($0.key, $0.value) })
      }
      // The index follows the change log: every item whose phrasings changed is re-indexed (a deleted item's
      // were dropped with it). Items with new phrasings were found above; only those that lost theirs are
      // looked up here.
      let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
      for key in changed.sorted(by: { ($0.source.rawValue, $0.id) < ($1.source.rawValue, $1.id) }) {
        let held = try after[key] != nil || Self.fetchRecord(db, tenant: tenant, source: key.source, id: key.id) != nil
        guard held else { continue }
        try Self.log(db, tenant: tenant, source: key.source, id: key.id, kind: .upsert, at: now)
      }
      return kept
    }
  }

  /// The tenant's learned phrasings, by item, the most frequent first.
  public func learnedQuestions(tenant: String) throws(KnowledgeStoreError) -> [LearnedQuestion] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT source, item_id, text, count FROM learned_question WHERE tenant = ?
          ORDER BY source, item_id, count DESC, text
          """, arguments: [tenant]
      ).map { row in
        LearnedQuestion(
          source: try row.strict(KnowledgeSource.self, "source"), itemId: row["item_id"], text: row["text"],
          count: row["count"])
      }
    }
  }

  /// How many phrasings the tenant has learned.
  public func learnedQuestionCount(tenant: String) throws(KnowledgeStoreError) -> Int {
    try read { db in
      try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM learned_question WHERE tenant = ?", arguments: [tenant]) ?? 0
    }
  }

  /// Fills in `stored.learnedQuestions` (`learning` remembers which tenants have any, so that a tenant
  /// without costs one look-up per read, not one per item).
  static func attachLearnedQuestions(_ db: Database, to stored: inout StoredKnowledge, learning: inout [String: Bool])
    throws
  {
    let tenant = stored.tenant
    if learning[tenant] == nil {
      // Every suggestion's shown items are read through here: a prepared statement, not one made per read.
      let exists = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM learned_question WHERE tenant = ?)")
      learning[tenant] = try Bool.fetchOne(exists, arguments: [tenant]) ?? false
    }
    guard learning[tenant] == true else { return }
    let statement = try db.cachedStatement(
      sql: """
        SELECT text FROM learned_question WHERE tenant = ? AND source = ? AND item_id = ?
        ORDER BY count DESC, text
        """)
    stored.learnedQuestions = try String.fetchAll(
      statement, arguments: [tenant, stored.item.source.rawValue, stored.item.id])
  }
}
