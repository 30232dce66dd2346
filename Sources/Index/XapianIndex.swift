import CXapian
import Foundation

/// One open Xapian database (a writer, or a reader of the same folder). Not thread-safe, like Xapian:
/// the writer lives in `IndexWriter` (an actor) and readers in `IndexReaderPool`.
package final class XapianIndex {
  private let handle: OpaquePointer
  package let isWriter: Bool

  private init(handle: OpaquePointer, isWriter: Bool) {
    self.handle = handle
    self.isWriter = isWriter
  }

  deinit { rk_database_close(handle) }

  /// One attempt at opening the writer (`openWriter` waits out a passing lock around it).
  private static func openWriterOnce(path: String, synced: Bool) throws(IndexError) -> XapianIndex {
    var error = rk_error()
    let opened = synced ? rk_database_open_writable(path, &error) : rk_database_open_writable_unsynced(path, &error)
    guard let handle = opened else { throw IndexError(error) }
    return XapianIndex(handle: handle, isWriter: true)
  }

  /// Opens the writer, waiting up to `patience` while the lock is held. Xapian's lock is an
  /// open-file-description lock: where this process has just closed a writer, a child process being spawned at
  /// that moment shares the description until it runs its program, so the lock just released can stay held
  /// for an instant. Only a lock error is waited out; a lock still held after `patience` is thrown.
  /// `synced: false` skips fsync at commit: the knowledge index is derived from the store, and opens at its
  /// last durable commit (whose recorded change it then catches up from) or is rebuilt.
  package static func openWriter(
    path: String, synced: Bool = true, patience: Duration = .seconds(2)
  ) throws(IndexError) -> XapianIndex {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: patience)
    var pause: TimeInterval = 0.002
    while true {
      do {
        return try openWriterOnce(path: path, synced: synced)
      } catch {
        guard case .locked = error, clock.now < deadline else { throw error }
        Thread.sleep(forTimeInterval: pause)
        pause = min(pause * 2, 0.1)
      }
    }
  }

  package static func openReader(path: String) throws(IndexError) -> XapianIndex {
    var error = rk_error()
    guard let handle = rk_database_open_reader(path, &error) else { throw IndexError(error) }
    return XapianIndex(handle: handle, isWriter: false)
  }

  @discardableResult
  package func reopen() throws(IndexError) -> Bool {
    var error = rk_error()
    let result = rk_database_reopen(handle, &error)
    if result < 0 { throw IndexError(error) }
    return result == 1
  }

  package func commit() throws(IndexError) {
    var error = rk_error()
    if rk_database_commit(handle, &error) != 0 { throw IndexError(error) }
  }

  /// Writes a compact copy of the last commit to the new folder `path`.
  package func compact(to path: String) throws(IndexError) {
    var error = rk_error()
    if rk_database_compact(handle, path, &error) != 0 { throw IndexError(error) }
  }

  package var documentCount: Int {
    get throws(IndexError) {
      var error = rk_error()
      let count = rk_database_document_count(handle, &error)
      if count < 0 { throw IndexError(error) }
      return Int(count)
    }
  }

  package func termFrequency(_ term: String) throws(IndexError) -> Int {
    var error = rk_error()
    let count = rk_database_term_frequency(handle, term, &error)
    if count < 0 { throw IndexError(error) }
    return Int(count)
  }

  /// Every term that starts with `prefix` (without it) and its frequency, read in one pass; nil when there
  /// are more than `maxTerms`.
  package func prefixTerms(_ prefix: String, maxTerms: Int) throws(IndexError) -> [String: Int]? {
    var error = rk_error()
    var count = 0
    var length = 0
    guard let records = rk_database_prefix_terms(handle, prefix, maxTerms, &count, &length, &error) else {
      if error.code != 0 { throw IndexError(error) }
      return count > maxTerms ? nil : [:]
    }
    defer { rk_free(records) }
    var terms = [String: Int](minimumCapacity: count)
    let bytes = UnsafeRawBufferPointer(start: records, count: length)
    var offset = 0
    while offset + 4 <= length {
      let size = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
      let term = String(decoding: bytes[(offset + 4)..<(offset + 4 + size)], as: UTF8.self)
      terms[term] = Int(bytes.loadUnaligned(fromByteOffset: offset + 4 + size, as: UInt32.self))
      offset += 8 + size
    }
    return terms
  }

  /// Whether any term starts with `prefix`.
  package func hasPrefix(_ prefix: String) throws(IndexError) -> Bool {
    var error = rk_error()
    let result = rk_database_has_prefix(handle, prefix, &error)
    if result < 0 { throw IndexError(error) }
    return result == 1
  }

  package func replace(idTerm: String, with document: PreparedDocument) throws(IndexError) {
    var error = rk_error()
    if rk_database_replace(handle, idTerm, document.handle, &error) != 0 { throw IndexError(error) }
  }

  /// Adds a document under a new document id.
  package func add(_ document: PreparedDocument) throws(IndexError) {
    var error = rk_error()
    if rk_database_add(handle, document.handle, &error) != 0 { throw IndexError(error) }
  }

  package func delete(idTerm: String) throws(IndexError) {
    var error = rk_error()
    if rk_database_delete(handle, idTerm, &error) != 0 { throw IndexError(error) }
  }

  package func metadata(_ key: String) throws(IndexError) -> String? {
    var error = rk_error()
    var length = 0
    guard let value = rk_database_get_metadata(handle, key, &length, &error) else {
      if error.code != 0 { throw IndexError(error) }
      return nil
    }
    defer { rk_free(value) }
    return String(decoding: UnsafeRawBufferPointer(start: value, count: length), as: UTF8.self)
  }

  package func setMetadata(_ key: String, _ value: String) throws(IndexError) {
    var error = rk_error()
    if rk_database_set_metadata(handle, key, value, value.utf8.count, &error) != 0 { throw IndexError(error) }
  }

  /// Runs a query. (Why a hit matched is found by analysing the shown texts, see `Highlighter`: Xapian's
  /// matching terms cost a term list per hit and leave out prefix expansions.)
  package func search(_ query: IndexQuery, offset: Int = 0, limit: Int, k1: Double, b: Double) throws(IndexError)
    -> [IndexHit]
  {
    let built = try query.build()
    defer { rk_query_free(built) }
    var error = rk_error()
    // No value slots: the usage and scope rank come with the data (`IndexRanking`).
    var options = rk_search_options(k1: k1, b: b, matching_terms: 0, value_slots: 0)
    guard let results = rk_search(handle, built, UInt32(offset), UInt32(limit), &options, &error) else {
      throw IndexError(error)
    }
    defer { rk_results_free(results) }
    return Self.hits(results)
  }

  /// The documents `docids` as hits of weight 0, in the order asked, without those the index no longer holds.
  package func documents(_ docids: [UInt32]) throws(IndexError) -> [IndexHit] {
    var error = rk_error()
    let found = docids.withUnsafeBufferPointer { rk_documents(handle, $0.baseAddress, $0.count, &error) }
    guard let results = found else { throw IndexError(error) }
    defer { rk_results_free(results) }
    return Self.hits(results)
  }

  private static func hits(_ results: OpaquePointer) -> [IndexHit] {
    (0..<rk_results_count(results)).map { index in
      var length = 0
      let data = rk_results_data(results, index, &length)!
      let bytes = Data(bytes: data, count: length)
      let ranking = IndexRanking(data: bytes)
      return IndexHit(
        docid: rk_results_docid(results, index), weight: rk_results_weight(results, index), data: bytes,
        usage: ranking.usage, scopeRank: ranking.scopeRank)
    }
  }
}

/// A Xapian document built ahead of writing. Building one (bridging every term to C, filling Xapian's term
/// map) is as much work as writing it, and a document belongs to no database, so the indexer builds them on
/// another thread and the writer only hands them over.
package final class PreparedDocument: @unchecked Sendable {
  // @unchecked: made on one thread, then used by the writer alone; never shared at the same time.
  package let handle: OpaquePointer
  /// The document's data as given (Xapian's copy is not read back before it is written).
  package let data: Data

  package init(_ document: IndexDocument) throws(IndexError) {
    data = document.data
    var error = rk_error()
    guard let built = rk_document_new(&error) else { throw IndexError(error) }
    handle = built
    for posting in document.postings {
      if rk_document_add_posting(built, posting.term, posting.position, 1, &error) != 0 { throw IndexError(error) }
    }
    for term in document.terms {
      if rk_document_add_term(built, term, 1, &error) != 0 { throw IndexError(error) }
    }
    for term in document.booleanTerms {
      if rk_document_add_boolean_term(built, term, &error) != 0 { throw IndexError(error) }
    }
    for (slot, value) in document.values {
      var length = 0
      guard let bytes = rk_sortable_serialise(value, &length) else { throw .runtime("sortable_serialise failed") }
      defer { rk_free(bytes) }
      if rk_document_set_value(built, slot, bytes, length, &error) != 0 { throw IndexError(error) }
    }
    let status = document.data.withUnsafeBytes { raw in
      rk_document_set_data(built, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &error)
    }
    if status != 0 { throw IndexError(error) }
  }

  deinit { rk_document_free(handle) }
}

/// What goes into one Xapian document.
package struct IndexDocument: Sendable {
  package var postings: [(term: String, position: UInt32)] = []
  package var terms: [String] = []
  package var booleanTerms: [String] = []
  package var values: [UInt32: Double] = [:]
  package var data = Data()
}

/// One search result from Xapian.
package struct IndexHit {
  package var docid: UInt32
  package var weight: Double
  package var data: Data
  /// The usage and scope rank of the document (from its data, `IndexRanking`), for rescoring.
  package var usage: Double = 0
  package var scopeRank: Double = 0
}
