import Foundation
import GRDB

/// An agent and the skill groups it belongs to (visibility of group-scoped quick replies follows them).
public struct Agent: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "agent"
  public var tenant: String
  public var id: String
  public var name: String?
  public var groups: [String]

  public init(tenant: String, id: String, name: String? = nil, groups: [String]) {
    self.tenant = tenant
    self.id = id
    self.name = name
    self.groups = groups
  }
}

/// A tenant's settings for suggestions.
public struct TenantSettings: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "tenant_settings"
  public var tenant: String
  /// The language items without one are in, and that suggestions fall back to.
  public var defaultLanguage: String
  /// Match pinyin and initials keys (`tk` finds 退款); some tenants turn it off.
  public var pinyinEnabled: Bool
  /// Which sentence-embedding model smart reply weighs meaning with for this tenant.
  public var meaning: MeaningChoice
  /// Which ranking orders whole questions (smart reply) and typed text (suggest) for this tenant: the shipped
  /// models, or the lexical base where the tenant's own judged questions showed it ranks them better
  /// (`replykit learn` chooses; docs/relevance.md).
  public var wholeRanking: RankingChoice
  public var typedRanking: RankingChoice
  /// Smart reply's confidence as the probability that the first answer is right, fitted on the tenant's own
  /// judged questions (`replykit learn`); nil: the word overlap itself.
  public var confidence: ConfidenceCalibration?

  public init(
    tenant: String, defaultLanguage: String = "zh-Hans", pinyinEnabled: Bool = true,
    meaning: MeaningChoice = .standard, wholeRanking: RankingChoice = .standard,
    typedRanking: RankingChoice = .standard,
    confidence: ConfidenceCalibration? = nil
  ) {
    self.tenant = tenant
    self.defaultLanguage = defaultLanguage
    self.pinyinEnabled = pinyinEnabled
    self.meaning = meaning
    self.wholeRanking = wholeRanking
    self.typedRanking = typedRanking
    self.confidence = confidence
  }

  /// The ranking for typed text or for whole questions.
  public func ranking(typed: Bool) -> RankingChoice { typed ? typedRanking : wholeRanking }

  public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

/// How a tenant's smart-reply confidence becomes a probability: a logistic function of the first answer's word
/// overlap (the mean of its word and character-pair Dice overlaps with the message, 1 for the same text) and its
/// lead over the best other candidate's, fitted on the tenant's own judged questions. The same overlap means
/// different things on different help desks (a first answer with overlap 0.5 is right 80 % of the time on one
/// and half as often on another, docs/relevance.md): fitted on the tenant's questions, "0.8" means that four
/// answers in five are right there, and a bot threshold means the same in every tenant.
public struct ConfidenceCalibration: Codable, Hashable, Sendable {
  public var bias: Double
  public var overlap: Double
  public var margin: Double
  /// The judged questions it was fitted on, and how many of their first answers were right.
  public var questions: Int
  public var right: Int

  public init(bias: Double, overlap: Double, margin: Double, questions: Int, right: Int) {
    (self.bias, self.overlap, self.margin, self.questions, self.right) = (bias, overlap, margin, questions, right)
  }

  /// The probability that an answer with this overlap, leading the best other candidate by `margin`, is right.
  public func probability(overlap wordOverlap: Double, margin lead: Double) -> Double {
    let logit = bias + overlap * wordOverlap + margin * lead
    return 1 / (1 + exp(-logit))
  }
}

/// The question models a tenant's text is ranked by: the shipped ones (fitted on AFQMC's and Banking77's
/// training data), or none, the index's BM25 order (the lexical base).
public enum RankingChoice: String, Codable, Hashable, Sendable, CaseIterable, DatabaseValueConvertible {
  case standard
  case lexical
}

/// A tenant's sentence-embedding model: none (words alone), the service's (`replykit serve --model`), or one of
/// its own installed in the data folder (`replykit model install`).
public enum MeaningChoice: String, Codable, Hashable, Sendable, CaseIterable, DatabaseValueConvertible {
  case none
  case standard
  case own
}

extension KnowledgeStore {
  // MARK: Agents

  public func setAgent(_ agent: Agent) throws(KnowledgeStoreError) {
    guard !agent.id.isEmpty else { throw .invalid("agent id must not be empty") }
    try write { db in try agent.save(db) }
  }

  /// The agent, or nil when the tenant has none by that id (it then sees company items and its own only).
  public func agent(tenant: String, id: String) throws(KnowledgeStoreError) -> Agent? {
    try read { db in try Agent.fetchOne(db, key: ["tenant": tenant, "id": id]) }
  }

  public func agents(tenant: String) throws(KnowledgeStoreError) -> [Agent] {
    try read { db in try Agent.filter(Column("tenant") == tenant).order(Column("id")).fetchAll(db) }
  }

  // MARK: Tenant settings

  public func settings(tenant: String) throws(KnowledgeStoreError) -> TenantSettings {
    try read { db in try TenantSettings.fetchOne(db, key: tenant) } ?? TenantSettings(tenant: tenant)
  }

  /// The tenants whose meaning model is not the standard one.
  public func meaningChoices() throws(KnowledgeStoreError) -> [String: MeaningChoice] {
    try read { db in
      let rows = try Row.fetchAll(db, sql: "SELECT tenant, meaning FROM tenant_settings WHERE meaning != 'standard'")
      return Dictionary(
        rows.compactMap { row in MeaningChoice(rawValue: row["meaning"]).map { (row["tenant"] as String, $0) } },
        uniquingKeysWith: { $1 })
    }
  }

  /// Applies `change` to the tenant's settings as stored, in one transaction (two changes of different fields
  /// at once both hold); returns the settings written.
  public func updateSettings(tenant: String, _ change: (inout TenantSettings) -> Void) throws(KnowledgeStoreError)
    -> TenantSettings
  {
    try write { db in
      var settings = try TenantSettings.fetchOne(db, key: tenant) ?? TenantSettings(tenant: tenant)
      change(&settings)
      try settings.save(db)
      try Self.log(db, tenant: tenant, source: nil, id: nil, kind: .tenant, at: Date())
      return settings
    }
  }

  public func setSettings(_ settings: TenantSettings) throws(KnowledgeStoreError) {
    _ = try updateSettings(tenant: settings.tenant) { $0 = settings }
  }

  // MARK: Synonyms

  /// Declares `terms` synonyms of each other. A term already in a set joins the sets together.
  public func addSynonyms(tenant: String, _ terms: [String]) throws(KnowledgeStoreError) {
    let cleaned = Array(Set(terms.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }))
    guard cleaned.count >= 2 else { throw .tooFewTerms }
    try write { db in
      let existing = try Int64.fetchAll(
        db,
        sql:
          "SELECT DISTINCT set_id FROM synonym_term WHERE tenant = ? AND term IN (\(cleaned.map { _ in "?" }.joined(separator: ",")))",
        arguments: StatementArguments([tenant] + cleaned))
      let next = try Int64.fetchOne(
        db, sql: "SELECT COALESCE(MAX(set_id), 0) + 1 FROM synonym_term WHERE tenant = ?", arguments: [tenant])
      let target = existing.min() ?? next ?? 1
      for other in existing where other != target {
        try db.execute(
          sql: "UPDATE synonym_term SET set_id = ? WHERE tenant = ? AND set_id = ?", arguments: [target, tenant, other])
      }
      for term in cleaned {
        try db.execute(
          sql: "INSERT OR REPLACE INTO synonym_term (tenant, set_id, term) VALUES (?, ?, ?)",
          arguments: [tenant, target, term])
      }
      try Self.log(db, tenant: tenant, source: nil, id: nil, kind: .tenant, at: Date())
    }
  }

  /// The tenant's synonym sets, each sorted.
  public func synonymSets(tenant: String) throws(KnowledgeStoreError) -> [[String]] {
    try read { db in
      let rows = try Row.fetchAll(
        db, sql: "SELECT set_id, term FROM synonym_term WHERE tenant = ? ORDER BY set_id, term", arguments: [tenant])
      var sets: [Int64: [String]] = [:]
      for row in rows { sets[row["set_id"], default: []].append(row["term"]) }
      return sets.keys.sorted().map { sets[$0]! }
    }
  }

  // MARK: User dictionary

  /// Adds words to the tenant's user dictionary; returns the ones that were new.
  @discardableResult
  public func addWords(tenant: String, _ words: [String], at now: Date = Date()) throws(KnowledgeStoreError)
    -> [String]
  {
    let cleaned = words.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    return try write { db in
      var added: [String] = []
      for word in cleaned {
        try db.execute(
          sql: "INSERT OR IGNORE INTO user_word (tenant, word, added_at) VALUES (?, ?, ?)",
          arguments: [tenant, word, now])
        if db.changesCount == 1 { added.append(word) }
      }
      if !added.isEmpty { try Self.log(db, tenant: tenant, source: nil, id: nil, kind: .tenant, at: now) }
      return added
    }
  }

  public func words(tenant: String) throws(KnowledgeStoreError) -> [String] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT word FROM user_word WHERE tenant = ? ORDER BY word", arguments: [tenant])
    }
  }

  /// Items whose text contains `text` (for re-indexing the items a new dictionary word touches).
  public func itemKeys(tenant: String, containing text: String) throws(KnowledgeStoreError)
    -> [(source: KnowledgeSource, id: String)]
  {
    try read { db in
      let pattern =
        "%" + text.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT source, id FROM knowledge_item WHERE tenant = ?1
          AND (title LIKE ?2 ESCAPE '\\' OR body LIKE ?2 ESCAPE '\\' OR similar LIKE ?2 ESCAPE '\\'
            OR variants LIKE ?2 ESCAPE '\\')
          """, arguments: [tenant, pattern])
      return try rows.map { row in (try row.strict(KnowledgeSource.self, "source"), row["id"]) }
    }
  }
}
