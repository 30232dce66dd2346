import Foundation
import GRDB

/// Which items a listing asks for.
public struct KnowledgeFilter: Hashable, Sendable {
  public var source: KnowledgeSource
  /// The scopes the reader may see; nil for all (an administrator).
  public var visibleScopes: [Scope]?
  public var folder: String?
  public var scope: Scope?
  public var tag: String?
  public var enabled: Bool?

  public init(
    source: KnowledgeSource, visibleScopes: [Scope]? = nil, folder: String? = nil, scope: Scope? = nil,
    tag: String? = nil, enabled: Bool? = nil
  ) {
    self.source = source
    self.visibleScopes = visibleScopes
    self.folder = folder
    self.scope = scope
    self.tag = tag
    self.enabled = enabled
  }

  /// The WHERE clause and its arguments (after the tenant's).
  fileprivate var conditions: (sql: String, arguments: [any DatabaseValueConvertible]) {
    var sql = "tenant = ? AND source = ?"
    var arguments: [any DatabaseValueConvertible] = [source.rawValue]
    if let scopes = visibleScopes {
      sql += " AND scope IN (\(scopes.map { _ in "?" }.joined(separator: ",")))"
      arguments += scopes.map(\.description)
    }
    if let folder {
      sql += " AND folder = ?"
      arguments.append(folder)
    }
    if let scope {
      sql += " AND scope = ?"
      arguments.append(scope.description)
    }
    if let tag {
      // Tags are stored as a JSON array of strings: a quoted tag is an element.
      sql += " AND instr(tags, ?) > 0"
      arguments.append(JSONText.quoted(tag))
    }
    if let enabled {
      sql += " AND enabled = ?"
      arguments.append(enabled)
    }
    return (sql, arguments)
  }
}

extension KnowledgeStore {
  /// A page of a tenant's items, newest first, and how many match in all.
  public func list(tenant: String, filter: KnowledgeFilter, offset: Int, limit: Int) throws(KnowledgeStoreError)
    -> (items: [StoredKnowledge], total: Int)
  {
    let (conditions, arguments) = filter.conditions
    let withTenant: [(any DatabaseValueConvertible)?] = [tenant] + arguments
    return try read { db in
      let all = StatementArguments(withTenant)
      let total =
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM knowledge_item WHERE \(conditions)", arguments: all) ?? 0
      let items = try KnowledgeRecord.fetchAll(
        db, sql: "SELECT * FROM knowledge_item WHERE \(conditions) ORDER BY updated_at DESC, id LIMIT ? OFFSET ?",
        arguments: StatementArguments(withTenant + [limit, offset]))
      return (items.map(\.stored), total)
    }
  }

  /// The folders of a tenant's quick replies among the visible scopes, with how many replies each holds.
  public func folders(tenant: String, visibleScopes: [Scope]?) throws(KnowledgeStoreError) -> [(
    name: String, count: Int
  )] {
    let (conditions, arguments) = KnowledgeFilter(source: .quick, visibleScopes: visibleScopes).conditions
    let withTenant: [(any DatabaseValueConvertible)?] = [tenant] + arguments
    return try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT folder, COUNT(*) AS n FROM knowledge_item WHERE \(conditions) AND folder IS NOT NULL
          GROUP BY folder ORDER BY folder
          """, arguments: StatementArguments(withTenant)
      ).map { (name: $0["folder"], count: $0["n"]) }
    }
  }
}
