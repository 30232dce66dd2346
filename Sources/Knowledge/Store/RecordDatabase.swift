import Foundation
import GRDB

/// What both stores stand on: a SQLite file in WAL mode (readers never wait for the writer) or a database in
/// memory, migrated when opened, and SQLite's failures sorted into the few a caller acts on. The seam a second
/// database would implement for help desks beyond one machine (docs/decisions/0002).
public struct RecordDatabase: Sendable {
  /// Why the database could not do what was asked.
  public enum Failure: Error, Equatable, Sendable {
    /// The disk is full (SQLITE_FULL): nothing of the transaction was written.
    case diskFull
    case database(String)
  }

  /// How every change must reach the disk before it is acknowledged.
  public enum Durability: Sendable {
    /// SQLite's default in WAL mode: a commit survives the process; an operating-system crash may lose the last.
    case normal
    /// `synchronous = FULL`: every commit is synced (the conversations, whose acknowledged messages must stay).
    case full
  }

  public let writer: any DatabaseWriter
  /// The folder whose file system holds the database (nil in memory).
  public let folder: String?

  /// Opens (creating if needed) the file at `path` and brings it to the migrator's last migration.
  public static func open(path: String, migrator: DatabaseMigrator, durability: Durability = .normal)
    throws(Failure) -> RecordDatabase
  {
    do {
      var configuration = Configuration()
      configuration.busyMode = .timeout(10)
      if durability == .full {
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
      }
      let pool = try DatabasePool(path: path, configuration: configuration)
      try migrator.migrate(pool)
      return RecordDatabase(writer: pool, folder: (path as NSString).deletingLastPathComponent)
    } catch {
      throw failure(error)
    }
  }

  /// A database in memory (tests, throwaway evaluation runs).
  public static func inMemory(migrator: DatabaseMigrator) throws(Failure) -> RecordDatabase {
    do {
      let queue = try DatabaseQueue()
      try migrator.migrate(queue)
      return RecordDatabase(writer: queue, folder: nil)
    } catch {
      throw failure(error)
    }
  }

  /// A thrown error as a `Failure` (errors of other kinds are described).
  public static func failure(_ error: any Error) -> Failure {
    if let error = error as? Failure { return error }
    if let error = error as? UnreadableRow { return .database(error.description) }
    if let error = error as? DatabaseError {
      return error.resultCode == .SQLITE_FULL
        ? .diskFull : .database("\(error.resultCode): \(error.message ?? "")")
    }
    return .database(String(describing: type(of: error)))
  }
}

/// A stored value the code does not know (an enumeration's text, a required time that is missing): a damaged
/// row, or one a newer version wrote. Reading it is an error, never a quiet default.
public struct UnreadableRow: Error, Equatable, Sendable, CustomStringConvertible {
  public let column: String
  public let value: String

  public init(column: String, value: String) {
    self.column = column
    self.value = value
  }

  public var description: String { "column \(column) holds \(value), which this version cannot read" }
}

extension Row {
  /// The column's text as an enumeration's case; an unknown or missing value is `UnreadableRow`.
  public func strict<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
    guard let text = self[column] as String? else { throw UnreadableRow(column: column, value: "NULL") }
    guard let value = T(rawValue: text) else { throw UnreadableRow(column: column, value: "\"\(text)\"") }
    return value
  }

  /// The same for a column that may be NULL (NULL is nil; any other unknown value is `UnreadableRow`).
  public func strictIfPresent<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T?
  where T.RawValue == String {
    guard self[column] as String? != nil else { return nil }
    return try strict(type, column)
  }
}
