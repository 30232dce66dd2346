import Foundation
import GRDB

/// What a tenant's judged questions say about one word (folded, as the analyzer makes terms): how much a
/// stored question's being the answer grows less likely when the word is in only one of the two texts
/// (`differs`, log-odds against the tenant's base rate: 花呗 beside 借呗 is decisive, 怎么 beside 如何 is not),
/// and more likely when both have it (`shares`). Learned by `replykit learn`; the question model reads it.
public struct WordEvidence: Hashable, Sendable {
  public var differs: Double
  public var shares: Double

  public init(differs: Double, shares: Double) {
    self.differs = differs
    self.shares = shares
  }
}

extension KnowledgeStore {
  // MARK: Learned word evidence

  /// Replaces the tenant's learned word evidence (one transaction: the old table or the new, never a mix).
  public func setWordEvidence(tenant: String, _ evidence: [String: WordEvidence]) throws(KnowledgeStoreError) {
    for (word, value) in evidence where word.isEmpty || !value.differs.isFinite || !value.shares.isFinite {
      throw .invalid("word evidence for \"\(word)\" is not a word with two finite numbers")
    }
    try write { db in
      try db.execute(sql: "DELETE FROM word_evidence WHERE tenant = ?", arguments: [tenant])
      let statement = try db.makeStatement(
        sql: "INSERT INTO word_evidence (tenant, word, differs, shares) VALUES (?, ?, ?, ?)")
      for (word, value) in evidence {
        try statement.execute(arguments: [tenant, word, value.differs, value.shares])
      }
    }
  }

  /// The tenant's learned word evidence (empty when nothing was learned).
  public func wordEvidence(tenant: String) throws(KnowledgeStoreError) -> [String: WordEvidence] {
    try read { db in
      var evidence: [String: WordEvidence] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT word, differs, shares FROM word_evidence WHERE tenant = ?", arguments: [tenant])
      {
        evidence[row["word"]] = WordEvidence(differs: row["differs"], shares: row["shares"])
      }
      return evidence
    }
  }
}
