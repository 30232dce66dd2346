import Foundation
import GRDB

/// One row of the change log: what changed, in the order it changed. Every write to knowledge writes its
/// change in the same transaction, so the index can always catch up from the log.
public struct KnowledgeChange: Codable, FetchableRecord, PersistableRecord, Hashable, Sendable {
  public static let databaseTableName = "change_log"

  public enum Kind: String, Codable, Sendable {
    /// The item was added or its content changed.
    case upsert
    /// Only its usage changed (an agent picked it).
    case usage
    case delete
    /// The tenant's user dictionary or synonyms changed: items may need new terms.
    case tenant
  }

  /// Increases with every change; the index records the last one it applied.
  public var seq: Int64?
  public var tenant: String
  public var source: KnowledgeSource?
  public var itemId: String?
  public var kind: Kind
  public var at: Date

  public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

  public enum Columns {
    public static let seq = Column(CodingKeys.seq)
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}
