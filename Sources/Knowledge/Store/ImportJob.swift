import Foundation
import GRDB

/// A bulk import run as a job: its progress while it runs, and how it ended.
public struct ImportJob: Codable, Hashable, Sendable {
  public enum State: String, Codable, Sendable {
    case running, succeeded, failed
  }

  public struct LineError: Codable, Hashable, Sendable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
      self.line = line
      self.reason = reason
    }
  }

  public var id: String
  public var state: State
  public var format: String
  public var read = 0
  public var added = 0
  public var updated = 0
  public var unchanged = 0
  public var rejected = 0
  /// The first rejected lines (at most `maxErrors`).
  public var errors: [LineError] = []
  /// Bytes received so far.
  public var bytes = 0
  public var createdAt: Date
  public var finishedAt: Date?
  public var message: String?

  public static let maxErrors = 100

  public init(id: String, format: String, createdAt: Date = Date()) {
    self.id = id
    self.state = .running
    self.format = format
    self.createdAt = createdAt
  }
}

extension KnowledgeStore {
  private static func encode(_ job: ImportJob) throws -> String {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(job), as: UTF8.self)
  }

  /// Registers a new job; `alreadyExists` when the tenant used the id before.
  public func createImportJob(tenant: String, _ job: ImportJob) throws(KnowledgeStoreError) {
    try write { db in
      let exists =
        try Bool.fetchOne(
          db, sql: "SELECT 1 FROM import_job WHERE tenant = ? AND id = ?", arguments: [tenant, job.id]) ?? false
      if exists { throw KnowledgeStoreError.alreadyExists("an import with id \(job.id) exists") }
      try db.execute(
        sql: "INSERT INTO import_job (tenant, id, job, state) VALUES (?, ?, ?, ?)",
        arguments: [tenant, job.id, try Self.encode(job), job.state.rawValue])
    }
  }

  public func updateImportJob(tenant: String, _ job: ImportJob) throws(KnowledgeStoreError) {
    try write(bookkeeping: true) { db in try Self.updateImportJob(db, tenant: tenant, job) }
  }

  static func updateImportJob(_ db: Database, tenant: String, _ job: ImportJob) throws {
    try db.execute(
      sql: "UPDATE import_job SET job = ?, state = ? WHERE tenant = ? AND id = ?",
      arguments: [try encode(job), job.state.rawValue, tenant, job.id])
  }

  public func importJob(tenant: String, id: String) throws(KnowledgeStoreError) -> ImportJob? {
    try read { db in
      guard
        let text = try String.fetchOne(
          db, sql: "SELECT job FROM import_job WHERE tenant = ? AND id = ?", arguments: [tenant, id])
      else { return nil }
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      return try decoder.decode(ImportJob.self, from: Data(text.utf8))
    }
  }

  /// Jobs still "running" when a server starts were cut off by a stop: they are marked failed, keeping the
  /// counts of what they had applied (each applied batch is whole in the store).
  @discardableResult
  public func failInterruptedImports(at now: Date = Date()) throws(KnowledgeStoreError) -> Int {
    let running = try read { db in
      try Row.fetchAll(db, sql: "SELECT tenant, id FROM import_job WHERE state = 'running'").map {
        (tenant: $0["tenant"] as String, id: $0["id"] as String)
      }
    }
    for (tenant, id) in running {
      guard var job = try importJob(tenant: tenant, id: id) else { continue }
      job.state = .failed
      job.finishedAt = now
      job.message = "interrupted: the server stopped during the import; the counts are what was applied"
      try updateImportJob(tenant: tenant, job)
    }
    return running.count
  }
}
