import Foundation
import Index
import Knowledge
import Ranking

/// What comparing the index with the store found (`SuggestionEngine.verifyIndex()`).
public struct IndexVerification: Codable, Sendable {
  /// Items in the store, and the documents they should have in the index (one per language version).
  public var items = 0
  public var expectedDocuments = 0
  public var indexedDocuments = 0
  /// Language versions the index lacks, and the first few items they belong to (tenant/source/id).
  public var missing = 0
  public var missingExamples: [String] = []
  /// Language versions the index holds more than once.
  public var duplicated = 0
  /// The store's last change and the last one the index holds.
  public var lastChange: Int64 = 0
  public var lastApplied: Int64 = 0

  /// Every stored item indexed once, nothing else indexed, and the index at the store's last change.
  public var isConsistent: Bool {
    missing == 0 && duplicated == 0 && expectedDocuments == indexedDocuments && lastChange == lastApplied
  }
}

extension SuggestionEngine {
  /// Compares the index with the store item by item: each stored item must have one document per language
  /// version in the index, and the index must hold nothing else. Call it on a still store (the soak
  /// benchmark calls it after its import).
  public func verifyIndex() async throws -> IndexVerification {
    var verification = IndexVerification()
    verification.lastChange = try store.lastChangeSeq()
    verification.lastApplied = await lastAppliedChange()
    try store.forEachItem { batch in
      try readers.withReader { index in
        for stored in batch {
          verification.items += 1
          let item = stored.item
          let languages = Set([item.language] + item.variants.keys.map { Optional($0) })
          verification.expectedDocuments += languages.count
          // An item's documents share its item term (documents carry no id term: an item is re-indexed by
          // deleting its item term's documents, then adding each version).
          let indexed = try index.termFrequency(
            KnowledgeDocumentBuilder.itemTerm(tenant: stored.tenant, source: item.source, id: item.id))
          if indexed < languages.count {
            verification.missing += languages.count - indexed
            if verification.missingExamples.count < 10 {
              verification.missingExamples.append(
                [stored.tenant, item.source.rawValue, item.id].joined(separator: "/"))
            }
          } else if indexed > languages.count {
            verification.duplicated += indexed - languages.count
          }
        }
      }
    }
    verification.indexedDocuments = try await indexedDocumentCount()
    return verification
  }
}
