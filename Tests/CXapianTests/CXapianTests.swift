import CXapian
import Foundation
import Testing

/// The C API over a real Xapian: documents, replacement by id term, queries, errors that come back as codes.
@Suite struct CXapianTests {
  /// A fresh folder under the system's temporary directory, removed afterwards by the caller.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-cxapian-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func add(_ db: OpaquePointer, id: String, postings: [String], boolean: [String] = []) throws {
    var error = rk_error()
    let document = try #require(rk_document_new(&error))
    defer { rk_document_free(document) }
    for (position, term) in postings.enumerated() {
      #expect(rk_document_add_posting(document, term, UInt32(position + 1), 1, &error) == 0)
    }
    for term in boolean + ["Q" + id] { #expect(rk_document_add_boolean_term(document, term, &error) == 0) }
    #expect(rk_document_set_data(document, id, id.utf8.count, &error) == 0)
    #expect(rk_database_replace(db, "Q" + id, document, &error) == 0, "\(message(error))")
  }

  static func search(_ db: OpaquePointer, _ query: OpaquePointer, limit: UInt32 = 10) throws -> [(
    id: String, terms: [String]
  )] {
    var error = rk_error()
    var options = rk_search_options(k1: 1.2, b: 0.75, matching_terms: 1, value_slots: 1)
    let results = try #require(rk_search(db, query, 0, limit, &options, &error), "\(message(error))")
    defer { rk_results_free(results) }
    return (0..<rk_results_count(results)).map { index in
      var length = 0
      let data = rk_results_data(results, index, &length)!
      let id = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
      let terms = rk_results_matching_terms(results, index, &length)!
      let joined = String(decoding: UnsafeRawBufferPointer(start: terms, count: length), as: UTF8.self)
      return (id, joined.split(separator: "\n").map(String.init))
    }
  }

  static func message(_ error: rk_error) -> String {
    var copy = error
    return withUnsafeBytes(of: &copy.message) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
  }

  static func term(_ text: String) -> OpaquePointer {
    var error = rk_error()
    return rk_query_term(text, 1, 0, &error)!
  }

  @Test func replaceByIdTermNeverDuplicates() throws {
    var error = rk_error()
    let db = try #require(rk_database_open_in_memory(&error))
    defer { rk_database_close(db) }
    try Self.add(db, id: "qr-1", postings: ["退款", "流程"])
    try Self.add(db, id: "qr-1", postings: ["退款", "进度"])
    try Self.add(db, id: "qr-2", postings: ["发货"])
    #expect(rk_database_commit(db, &error) == 0)
    #expect(rk_database_document_count(db, &error) == 2)
    let query = Self.term("进度")
    defer { rk_query_free(query) }
    #expect(try Self.search(db, query).map(\.id) == ["qr-1"])
    #expect(rk_database_delete(db, "Qqr-1", &error) == 0)
    #expect(rk_database_document_count(db, &error) == 1)
  }

  @Test func addGivesEachDocumentANewIdAndRefusesNone() throws {
    var error = rk_error()
    let db = try #require(rk_database_open_in_memory(&error))
    defer { rk_database_close(db) }
    for _ in 0..<2 {
      let document = try #require(rk_document_new(&error))
      defer { rk_document_free(document) }
      #expect(rk_document_add_posting(document, "退款", 1, 1, &error) == 0)
      #expect(rk_document_add_boolean_term(document, "XIitem", &error) == 0)
      #expect(rk_database_add(db, document, &error) == 0, "\(Self.message(error))")
    }
    #expect(rk_database_commit(db, &error) == 0)
    // Adding never replaces: the same document twice is two documents, removed together by their shared term.
    #expect(rk_database_document_count(db, &error) == 2)
    #expect(rk_database_delete(db, "XIitem", &error) == 0)
    #expect(rk_database_document_count(db, &error) == 0)
    #expect(rk_database_add(db, nil, &error) == -1)
    #expect(Self.message(error).contains("document"))
  }

  @Test func prefixFilterAndMatchingTerms() throws {
    var error = rk_error()
    let db = try #require(rk_database_open_in_memory(&error))
    defer { rk_database_close(db) }
    try Self.add(db, id: "a", postings: ["退款流程"], boolean: ["Tacme"])
    try Self.add(db, id: "b", postings: ["退款进度"], boolean: ["Tother"])
    try Self.add(db, id: "c", postings: ["发货"], boolean: ["Tacme"])
    let prefix = try #require(rk_query_prefix("退款", 50, &error))
    let tenant = Self.term("Tacme")
    var parts: [OpaquePointer?] = [prefix, tenant]
    let filtered = try #require(rk_query_combine(RK_QUERY_FILTER, &parts, 2, 0, &error))
    defer { for query in [prefix, tenant, filtered] { rk_query_free(query) } }
    #expect(try Self.search(db, filtered).map(\.id) == ["a"])
    #expect(rk_database_has_prefix(db, "退款", &error) == 1)
    #expect(rk_database_has_prefix(db, "退货", &error) == 0)
    #expect(try Self.search(db, prefix).map(\.id).sorted() == ["a", "b"])
    // Matching terms name the query's own terms; Xapian 1.4 does not list a prefix's expansions, so the
    // suggestion layer explains prefix matches itself.
    let plain = Self.term("发货")
    defer { rk_query_free(plain) }
    #expect(try Self.search(db, plain).first?.terms == ["发货"])
    #expect(try Self.search(db, prefix).first?.terms == [])
  }

  @Test func readersSeeCommitsAfterReopen() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("index").path
    var error = rk_error()
    let writer = try #require(rk_database_open_writable(path, &error))
    defer { rk_database_close(writer) }
    try Self.add(writer, id: "one", postings: ["hello"])
    #expect(rk_database_commit(writer, &error) == 0)
    let reader = try #require(rk_database_open_reader(path, &error))
    defer { rk_database_close(reader) }
    #expect(rk_database_document_count(reader, &error) == 1)
    try Self.add(writer, id: "two", postings: ["hello"])
    #expect(rk_database_commit(writer, &error) == 0)
    #expect(rk_database_document_count(reader, &error) == 1)
    #expect(rk_database_reopen(reader, &error) == 1)
    #expect(rk_database_document_count(reader, &error) == 2)
  }

  @Test func errorsComeBackAsCodesNotExceptions() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("index").path
    var error = rk_error()
    let writer = try #require(rk_database_open_writable(path, &error))
    defer { rk_database_close(writer) }
    // A second writer on the same database: DatabaseLockError.
    #expect(rk_database_open_writable(path, &error) == nil)
    #expect(error.code == Int32(RK_ERROR_DATABASE_LOCKED.rawValue))
    #expect(Self.message(error).contains("DatabaseLockError"))
    // No database there.
    #expect(rk_database_open_reader(folder.appendingPathComponent("missing").path, &error) == nil)
    #expect(error.code == Int32(RK_ERROR_DATABASE_NOT_FOUND.rawValue))
    // Misuse: an unknown operator, writing through a reader, an empty id term.
    #expect(rk_query_combine(rk_query_op(rawValue: 99), nil, 0, 0, &error) == nil)
    #expect(error.code == Int32(RK_ERROR_INVALID_ARGUMENT.rawValue))
    rk_database_commit(writer, &error)
    let reader = try #require(rk_database_open_reader(path, &error))
    defer { rk_database_close(reader) }
    #expect(rk_database_commit(reader, &error) == -1)
    #expect(error.code == Int32(RK_ERROR_INVALID_ARGUMENT.rawValue))
    let document = try #require(rk_document_new(&error))
    defer { rk_document_free(document) }
    #expect(rk_database_replace(writer, "", document, &error) == -1)
    #expect(error.code == Int32(RK_ERROR_INVALID_ARGUMENT.rawValue))
    // Out-of-range result accessors answer empty rather than throw.
    #expect(rk_results_docid(nil, 3) == 0)
  }

  @Test func metadataInMemory() throws {
    var error = rk_error()
    let db = try #require(rk_database_open_in_memory(&error))
    defer { rk_database_close(db) }
    let version = "replykit-analyzer/1"
    #expect(rk_database_set_metadata(db, "analyzer", version, version.utf8.count, &error) == 0)
    var length = 0
    let stored = try #require(rk_database_get_metadata(db, "analyzer", &length, &error))
    #expect(String(cString: stored) == version)
    rk_free(stored)
    #expect(rk_database_get_metadata(db, "absent", &length, &error) == nil && length == 0)

    // The in-memory backend keeps no spelling data: an error code, not an exception.
    #expect(rk_database_add_spelling(db, "password", 3, &error) == -1)
    #expect(error.code == Int32(RK_ERROR_INVALID_ARGUMENT.rawValue))

    // Nor synonyms: ReplyKit's index lives on disk (glass) for both.
    #expect(rk_database_add_synonym(db, "退款", "退钱", &error) == -1)
  }

  @Test func spellingAndSynonymsOnDisk() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var error = rk_error()
    let db = try #require(rk_database_open_writable(folder.appendingPathComponent("index").path, &error))
    defer { rk_database_close(db) }
    #expect(rk_database_add_spelling(db, "password", 3, &error) == 0)
    #expect(rk_database_add_spelling(db, "passport", 1, &error) == 0)
    let suggestion = try #require(rk_database_spelling_suggestion(db, "pasword", 2, &error))
    #expect(String(cString: suggestion) == "password")
    rk_free(suggestion)
    #expect(rk_database_spelling_suggestion(db, "zzzzzz", 2, &error) == nil)

    var length = 0
    #expect(rk_database_add_synonym(db, "退款", "退钱", &error) == 0)
    #expect(rk_database_add_synonym(db, "退款", "refund", &error) == 0)
    let synonyms = try #require(rk_database_synonyms(db, "退款", &length, &error))
    #expect(String(cString: synonyms).split(separator: "\n").sorted() == ["refund", "退钱"])
    rk_free(synonyms)
    #expect(rk_database_clear_synonyms(db, "退款", &error) == 0)
    #expect(rk_database_synonyms(db, "退款", &length, &error) == nil)
  }

  @Test func valueWeightBoostsByAStoredNumber() throws {
    var error = rk_error()
    let db = try #require(rk_database_open_in_memory(&error))
    defer { rk_database_close(db) }
    for (id, usage) in [("rare", 1.0), ("popular", 50.0)] {
      let document = try #require(rk_document_new(&error))
      defer { rk_document_free(document) }
      rk_document_add_posting(document, "退款", 1, 1, &error)
      var length = 0
      let value = try #require(rk_sortable_serialise(usage, &length))
      rk_document_set_value(document, 0, value, length, &error)
      rk_free(value)
      rk_document_set_data(document, id, id.utf8.count, &error)
      rk_database_replace(db, "Q" + id, document, &error)
    }
    let text = Self.term("退款")
    let usage = try #require(rk_query_value_weight(0, &error))
    var parts: [OpaquePointer?] = [text, usage]
    let boosted = try #require(rk_query_combine(RK_QUERY_AND_MAYBE, &parts, 2, 0, &error))
    defer { for query in [text, usage, boosted] { rk_query_free(query) } }
    #expect(try Self.search(db, boosted).map(\.id) == ["popular", "rare"])
  }
}
