import CXapian
import Foundation
import Knowledge
import TestSupport
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// Typo corrections from the index's own vocabulary terms, in place of Xapian's spelling table.
@Suite(.blocking) struct SpellingVocabularyTests {
  /// A seeded generator, so that a failure names a case that can be run again.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// The corrections are Xapian 1.4's: the same vocabulary in a real glass spelling table (small enough to
  /// stay clear of its compressed-tag bug) and in `SpellingVocabulary` give the same answer to every query.
  @Test(arguments: [1, 2, 3])
  func correctionsAreXapiansOwn(seed: UInt64) throws {
    var random = SplitMix(state: seed)
    // A small alphabet, so that words share fragments and many queries have several candidates.
    let letters = Array("abcdeéor")
    func word(_ length: Int) -> String { String((0..<length).map { _ in letters.randomElement(using: &random)! }) }
    var frequencies: [String: Int] = [:]
    while frequencies.count < 400 {
      frequencies[word(Int.random(in: 3...8, using: &random))] = Int.random(in: 1...5, using: &random)
    }

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-spelling-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    var error = rk_error()
    let db = try #require(rk_database_open_writable(folder.path, &error))
    defer { rk_database_close(db) }
    for (word, frequency) in frequencies { #expect(rk_database_add_spelling(db, word, UInt32(frequency), &error) == 0) }
    #expect(rk_database_commit(db, &error) == 0)
    let vocabulary = SpellingVocabulary(frequencies: frequencies)

    let known = frequencies.keys.sorted()
    var compared = 0
    var corrected = 0
    for _ in 0..<1_500 {
      // Known words with an edit or two, and words made up from the same letters.
      var query = Array(known.randomElement(using: &random)!)
      for _ in 0..<Int.random(in: 0...2, using: &random) {
        let at = Int.random(in: 0..<query.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: query.remove(at: at)
        case 1: query.insert(letters.randomElement(using: &random)!, at: at)
        case 2: query[at] = letters.randomElement(using: &random)!
        default: if at + 1 < query.count { query.swapAt(at, at + 1) }
        }
      }
      let text = Bool.random(using: &random) ? String(query) : word(Int.random(in: 2...9, using: &random))
      guard text.utf8.count >= 2 else { continue }
      let expected = rk_database_spelling_suggestion(db, text, 2, &error).map { pointer in
        defer { rk_free(pointer) }
        return String(cString: pointer)
      }
      #expect(error.code == 0)
      #expect(vocabulary.correction(for: text, maxEditDistance: 2) == expected, "query \(text), seed \(seed)")
      compared += 1
      if expected != nil { corrected += 1 }
    }
    // The comparison means something only if Xapian corrected a good share of the queries.
    #expect(compared > 1_000 && corrected > compared / 4)
  }

  /// In a vocabulary of numbered tokens every fragment is shared by most words: a correction would weigh
  /// them all, for nothing. Past `maxCandidatePostings` there is none; natural words are corrected as before.
  @Test func numberedTokensAreNotWeighedOneByOne() {
    var frequencies: [String: Int] = ["password": 3]
    for number in 0..<60_000 { frequencies["kx\(100_000 + number)"] = 1 }
    let vocabulary = SpellingVocabulary(frequencies: frequencies)
    #expect(vocabulary.correction(for: "kx1000x1", maxEditDistance: 2) == nil)
    #expect(vocabulary.correction(for: "pasword", maxEditDistance: 2) == "password")
    // Under the bound the same token is corrected.
    let small = SpellingVocabulary(frequencies: frequencies.filter { $0.key.count < 8 || $0.key.hasPrefix("kx1000") })
    #expect(small.correction(for: "kx1000x1", maxEditDistance: 2) == "kx100001")
  }

  @Test func backgroundReadsAreSpacedByTheirOwnDuration() {
    var pacer = ReadPacer()
    #expect(pacer.mayStart(at: 0))
    // A read from 1 s to 1.5 s: the next may start at 3.5 s.
    pacer.finished(startedAt: 1_000_000_000, endedAt: 1_500_000_000)
    #expect(!pacer.mayStart(at: 3_499_999_999))
    #expect(pacer.mayStart(at: 3_500_000_000))
  }

  @Test func editDistanceCountsATranspositionAsOneEdit() {
    func distance(_ a: String, _ b: String, limit: Int = 5) -> Int {
      SpellingVocabulary.editDistance(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value), limit: limit)
    }
    #expect(distance("password", "password") == 0)
    #expect(distance("pasword", "password") == 1)
    #expect(distance("psasword", "password") == 1)
    #expect(distance("kitten", "sitting") == 3)
    #expect(distance("", "abc") == 3)
    // Optimal string alignment: a transposed pair is not edited again.
    #expect(distance("ca", "abc") == 3)
    #expect(distance("kitten", "sitting", limit: 1) == 2)
  }

  @Test func theIndexWritesNoXapianSpellingData() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let items = (0..<300).map {
      KnowledgeItem(id: "q\($0)", source: .quick, title: "order kx\(100_000 + $0)", body: "")
    }
    let engine = try await folder.open(with: items)
    #expect(try await engine.indexedDocumentCount() == 300)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/index")
    #expect(!files.contains("spelling.glass"))
  }

  @Test func correctionsComeFromTheTenantsOwnLiveItems() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: [
      KnowledgeItem(id: "pw", source: .bot, title: "How do I reset my password?", body: "", language: "en")
    ])
    try engine.store.upsert(
      [KnowledgeItem(id: "pp", source: .bot, title: "Renew a passport", body: "", language: "en")], tenant: "other")
    try await engine.catchUp()

    func correction(_ text: String, tenant: String) throws -> String? {
      try engine.suggester.spellingCorrection(text, tenant: tenant)
    }
    #expect(try correction("pasword", tenant: "acme") == "password")
    #expect(try engine.suggester.suggest("reset pasword", tenant: "acme").first?.id == "pw")
    // "other" holds only passport: acme's words never correct its queries, nor its words acme's.
    #expect(try correction("pasword", tenant: "other") == nil)
    #expect(try correction("pasport", tenant: "other") == "passport")
    #expect(try correction("pasport", tenant: "acme") == nil)

    // A deleted item's words correct nothing any more.
    try engine.store.delete(tenant: "acme", source: .bot, id: "pw")
    try await engine.catchUp()
    #expect(try correction("pasword", tenant: "acme") == nil)
  }
}
