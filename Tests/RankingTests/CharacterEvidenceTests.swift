import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// The evidence a plain n-gram engine has, under the words: Han characters, Latin stems and trigrams
/// (`TermPrefix.character`, `.stem`, `.trigram`), which find candidates the words alone miss.
@Suite struct CharacterEvidenceTests {
  static let items = [
    KnowledgeItem(id: "refund", source: .bot, title: "Where is my refund", similar: ["refund not received"], body: "-"),
    KnowledgeItem(id: "card", source: .bot, title: "Card arrival", similar: ["when will my card come"], body: "-"),
    KnowledgeItem(id: "huabei", source: .bot, title: "花呗怎么开通", body: "-"),
    KnowledgeItem(id: "jiebei", source: .bot, title: "借呗额度", body: "-"),
  ]

  /// Candidates of `text` (the smart reply path), with the given evidence weights.
  static func candidates(
    _ engine: SuggestionEngine, _ text: String, stem: Double = 0, trigram: Double = 0, character: Double = 0
  ) throws -> [String] {
    var weights = RankingWeights()
    weights.fields.stem = stem
    weights.fields.trigram = trigram
    weights.fields.character = character
    weights.fields.bigram = 0  // pairs would find 花呗 / 开通 too: this is about the characters
    weights.fields.commonCharacterShare = 1
    return try engine.suggester(weights: weights).smartReply("\(text)", tenant: "acme").answers.map(\.suggestion.id)
  }

  @Test func stemsFindOtherFormsOfAWord() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items)
    #expect(try Self.candidates(engine, "refunding twice").isEmpty)
    #expect(try Self.candidates(engine, "refunding twice", stem: 1).first == "refund")
  }

  @Test func theLexicalBaseWeighsStemsWithItsOwnSetting() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items)
    // Ranked by the index's order alone, the index's score is the whole ranking: `indexOrder.stem`, not
    // `fields.stem`.
    var weights = RankingWeights.lexical
    (weights.fields.stem, weights.fields.trigram, weights.indexOrder.trigram) = (0, 0, 0)
    weights.indexOrder.stem = 1
    #expect(
      try engine.suggester(weights: weights).smartReply("refunding twice", tenant: "acme").answers.first?.suggestion.id
        == "refund")
    weights.models = .standard
    #expect(try engine.suggester(weights: weights).smartReply("refunding twice", tenant: "acme").answers.isEmpty)
  }

  @Test func typedTextAsksForTheUnfinishedWordsStemToo() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items)
    // Typed English is cut at a word as often as inside one: "refunding", still being typed, is refund's.
    func typed(stem: Double) throws -> [String] {
      var weights = RankingWeights()
      (weights.fields.typedStem, weights.fields.typedTrigram) = (stem, 0)
      return try engine.suggester(weights: weights).suggest("status refunding", tenant: "acme").map(\.id)
    }
    #expect(try typed(stem: 0).isEmpty)
    #expect(try typed(stem: 1).first == "refund")
  }

  @Test func trigramsFindWordsWrittenTogether() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items)
    // "cardarrival" is no word of the index, and too far from any for a typo's correction.
    #expect(try Self.candidates(engine, "cardarrival").isEmpty)
    #expect(try Self.candidates(engine, "cardarrival", trigram: 0.5).first == "card")
  }

  @Test func hanCharactersFindWordsTheSegmenterCutOtherwise() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Self.items)
    // 呗 alone shares no word with 花呗 or 借呗, nor a pair.
    #expect(try Self.candidates(engine, "呗").isEmpty)
    #expect(try Set(Self.candidates(engine, "呗", character: 1)) == ["huabei", "jiebei"])
  }
}
