import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// Short prefixes' best shared hits, kept while the index's terms stay the same (`SharedHits`): every agent
/// gets exactly the hits, weights and order the whole query gives, before and after picks and edits.
@Suite(.serialized) struct SharedHitsTests {
  static let alphabet = Array("退款流程花呗分期积分会员")
  static let agents: [Agent] = [
    Agent(tenant: "acme", id: "agent-0", groups: ["g0"]), Agent(tenant: "acme", id: "agent-1", groups: []),
    Agent(tenant: "acme", id: "agent-2", groups: ["g0", "g1"]),
  ]

  /// Titles of two to five characters from a small alphabet (long posting lists, many equal weights), in every
  /// scope, some disabled.
  static func items(count: Int) -> [KnowledgeItem] {
    var random = SpellingVocabularyTests.SplitMix(state: 26)
    let scopes: [Scope] = [
      .company, .company, .company, .company, .group("g0"), .group("g1"), .personal("agent-0"), .personal("agent-1"),
      .personal("agent-2"), .personal("agent-9"),
    ]
    let sources: [KnowledgeSource] = [.quick, .quick, .bot, .internal]
    return (0..<count).map { n in
      let title = String((0..<Int(2 + random.next() % 4)).map { _ in alphabet[Int(random.next() % 12)] })
      let source = sources[Int(random.next() % 4)]
      return KnowledgeItem(
        id: "item-\(n)", source: source, scope: source == .quick ? scopes[Int(random.next() % 10)] : .company,
        title: title, body: "\(title)的说明", enabled: random.next() % 10 != 0)
    }
  }

  static var texts: [String] {
    let pairs = alphabet.flatMap { a in alphabet.map { b in String([a, b]) } }
    // Three and four characters: a word and an unfinished one, or two words (the typed question's tiers).
    let longer = (0..<40).map { n in
      pairs[n * 3 % pairs.count] + String(alphabet[n % 12]) + (n % 2 == 0 ? "" : String(alphabet[n % 7]))
    }
    return alphabet.map { String($0) } + pairs + longer + ["tk", "hb", "tkl"]
  }

  /// For every short text and agent, the tiers' queries through `visibleSearch` (three times: the whole query
  /// answers, then the shared hits are found, then kept) give what the whole query gives.
  static func expectSameAsWholeQueries(_ engine: SuggestionEngine, limit: Int, _ phase: String) throws {
    let suggester = engine.suggester
    let context = try suggester.context("acme")
    let analyzer = try suggester.analyzers.analyzer(for: "acme")
    for text in texts {
      let plan = try #require(
        try suggester.analysed(text, options: .typedQuery, analyzer: analyzer, context: context).plan)
      #expect(plan.keeping != .never)
      for query in [IndexQuery.and(plan.titleQueries), .and(plan.questionQueries), .and(plan.fullQueries)] {
        for agent in [nil] + agents.map(\.id) {
          let filter = suggester.visibility(
            tenant: "acme", agent: agent, sources: Set(KnowledgeSource.allCases), context: context)
          // Typed questions' tiers weigh lengths by BM25's `typedQuestionB`: kept apart from the others.
          for b in [nil, suggester.weights.bm25.typedQuestionB] {
            let whole = try suggester.search(filter.apply(to: query), limit: limit, b: b)
            for round in ["first", "again", "kept"] {
              let shared = try suggester.visibleSearch(query, filter, limit: limit, keeping: .whenAskedAgain, b: b)
              #expect(shared.map(\.docid) == whole.map(\.docid), "\(phase): \(text), \(agent ?? "no agent"), \(round)")
              #expect(
                shared.map(\.weight) == whole.map(\.weight), "\(phase): \(text), \(agent ?? "no agent"), \(round)")
              #expect(shared.map(\.data) == whole.map(\.data), "\(phase): \(text), \(agent ?? "no agent"), \(round)")
            }
          }
        }
      }
    }
  }

  @Test func shortPrefixesGiveWhatTheWholeQueryGives() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items(count: 600))
    for agent in Self.agents { try engine.setAgent(agent) }
    for limit in [8, Suggester.quickStartWindow] { try Self.expectSameAsWholeQueries(engine, limit: limit, "imported") }

    // A pick changes a document's usage, not its terms: the hits stay kept and show the new usage.
    let context = try engine.suggester.context("acme")
    let filter = engine.suggester.visibility(
      tenant: "acme", agent: "agent-0", sources: Set(KnowledgeSource.allCases), context: context)
    let query = IndexQuery.filter(.term(TermPrefix.titlePrefix + "退"), .term(TermPrefix.source + "quick"))
    // Asked twice: the second time keeps the shared hits.
    _ = try engine.suggester.visibleSearch(query, filter, limit: 8, keeping: .atOnce)
    let first = try #require(try engine.suggester.visibleSearch(query, filter, limit: 8, keeping: .atOnce).first)
    let key = try IndexedKey(data: first.data)
    for _ in 0..<3 { try await engine.recordPick(tenant: "acme", source: key.source, id: key.id) }
    let generation = engine.readers.currentTermsGeneration
    #expect(
      engine.suggester.sharedHits.hits(
        filter.everyones(query), b: engine.suggester.weights.bm25.b, generation: generation, limit: 8) != nil)
    let picked = try #require(
      try engine.suggester.visibleSearch(query, filter, limit: 8, keeping: .atOnce).first { $0.docid == first.docid })
    #expect(picked.usage > first.usage)
    try Self.expectSameAsWholeQueries(engine, limit: 8, "picked")

    // Edits that change who may see what (a disabled item, a scope, a deletion) start the kept hits over.
    var edited = try #require(try engine.store.item(tenant: "acme", source: key.source, id: key.id)?.item)
    edited.enabled = false
    try engine.store.upsert([edited], tenant: "acme")
    var others = Self.items(count: 600).filter { $0.source == .quick && $0.scope == .company }.prefix(20).map { item in
      var moved = item
      moved.scope = .personal("agent-1")
      return moved
    }
    others[0].scope = .group("g1")
    try engine.store.upsert(Array(others), tenant: "acme")
    let bot = try #require(Self.items(count: 600).first { $0.source == .bot })
    _ = try engine.store.delete(tenant: "acme", source: .bot, id: bot.id)
    try await engine.catchUp()
    #expect(
      engine.suggester.sharedHits.hits(
        filter.everyones(query), b: engine.suggester.weights.bm25.b, generation: engine.readers.currentTermsGeneration,
        limit: 8) == nil)
    try Self.expectSameAsWholeQueries(engine, limit: 8, "edited")
  }
}
