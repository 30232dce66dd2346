import Foundation
import Knowledge
import Ranking
import TestSupport
import Testing
import Workbench

@testable import Evaluation

/// A tenant's ranking choice (`TenantSettings.wholeRanking`, `typedRanking`) and how `replykit learn` makes it
/// from the tenant's judged questions (`RankingSelection`).
@Suite(.blocking, .serialized) struct RankingSelectionTests {
  /// Bot entries of a finance help desk; 花呗 and 借呗 entries look alike.
  static let items: [KnowledgeItem] = [
    ("hb-repay", "花呗如何还钱"), ("jb-repay", "借呗怎么还款"), ("hb-limit", "花呗额度如何提高"),
    ("jb-limit", "借呗额度怎么提升"), ("hb-close", "花呗怎么关闭"), ("jb-close", "借呗如何关掉"),
    ("refund", "退款多久到账"), ("invoice", "怎么开发票"),
  ].map { KnowledgeItem(id: $0.0, source: .bot, title: $0.1, body: "说明：" + $0.1) }

  static let judged: [(text: String, answers: Set<String>)] = [
    ("请问花呗怎么还款", ["hb-repay"]), ("借呗要怎么还钱呢", ["jb-repay"]), ("花呗的额度怎样提升", ["hb-limit"]),
    ("我想提高借呗额度", ["jb-limit"]), ("花呗可以关掉吗", ["hb-close"]), ("退款什么时候到账", ["refund"]),
    ("发票怎么开", ["invoice"]),
  ]

  static func engine() async throws -> (SuggestionEngine, URL) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let engine = try await SuggestionEngine(dataFolder: url.path)
    try engine.store.upsert(items, tenant: "fin")
    try await engine.catchUp()
    return (engine, url)
  }

  /// The tenant's choice ranks as the request's override does, and the lexical base scores candidates by the
  /// index alone (other scores than the shipped models'); whole questions and typed text choose apart.
  @Test func aTenantRankedByTheLexicalBaseGetsItsScoresAndTheOtherKindKeepsTheModels() async throws {
    let (engine, url) = try await Self.engine()
    defer { try? FileManager.default.removeItem(at: url) }
    let (question, typed) = ("请问花呗怎么还款", "花呗额度怎样")
    func whole(_ ranking: RankingChoice? = nil) throws -> [Double] {
      try engine.suggester.smartReply(
        question, tenant: "fin", options: SuggestOptions(limit: 10, sources: [.bot], ranking: ranking)
      ).answers.map(\.suggestion.score)
    }
    func suggested(_ ranking: RankingChoice? = nil) throws -> [Double] {
      try engine.suggester.suggest(typed, tenant: "fin", options: SuggestOptions(limit: 10, ranking: ranking))
        .map(\.score)
    }
    let (standardWhole, lexicalWhole) = (try whole(.standard), try whole(.lexical))
    let (standardTyped, lexicalTyped) = (try suggested(.standard), try suggested(.lexical))
    #expect(!standardWhole.isEmpty && standardWhole != lexicalWhole)
    #expect(!standardTyped.isEmpty && standardTyped != lexicalTyped)
    #expect(try whole() == standardWhole && suggested() == standardTyped)

    _ = try await engine.updateSettings(tenant: "fin") { $0.wholeRanking = .lexical }
    #expect(try whole() == lexicalWhole)
    #expect(try suggested() == standardTyped)
    _ = try await engine.updateSettings(tenant: "fin") { $0.typedRanking = .lexical }
    #expect(try suggested() == lexicalTyped)
    // Kept in the store: a new engine on the folder ranks the same.
    let settings = try engine.store.settings(tenant: "fin")
    #expect(settings.wholeRanking == .lexical && settings.typedRanking == .lexical)
    #expect(try engine.store.settings(tenant: "other").wholeRanking == .standard)
  }

  /// The lexical base replaces the models only when it ranks the answers higher and the difference is not
  /// chance.
  @Test func theLexicalBaseIsChosenOnlyWhenItWinsBeyondChance() {
    let clear = RankingSelection.Verdict(
      standard: Array(repeating: 0.5, count: 40), lexical: Array(repeating: 1, count: 40))
    #expect(clear.choice == .lexical && clear.pValue < 0.05 && clear.standard == 0.5 && clear.lexical == 1)
    // Higher, but on three questions: not enough to tell.
    let few = RankingSelection.Verdict(standard: [0.5, 0.5, 0.5], lexical: [1, 1, 1])
    #expect(few.lexical > few.standard && few.pValue > 0.05 && few.choice == .standard)
    let worse = RankingSelection.Verdict(
      standard: Array(repeating: 1, count: 40), lexical: Array(repeating: 0.5, count: 40))
    #expect(worse.choice == .standard)
    let tied = RankingSelection.Verdict(standard: [1, 0.5, 0], lexical: [1, 0.5, 0])
    #expect(tied.choice == .standard && tied.pValue == 1)
  }

  /// Typed text is cut at 30, 50 and 70 % of its characters (Chinese) or words, as the shared collections'
  /// prefix queries are.
  @Test func typedPrefixesAreCutAsTheCollectionsCutThem() {
    #expect(
      RankingSelection.typedPrefixes("(⊙o⊙)是的请问这边还有什么其他的问题可以帮您吗？") == [
        "(⊙o⊙)是的请", "(⊙o⊙)是的请问这边还有", "(⊙o⊙)是的请问这边还有什么其他的",
      ])
    #expect(RankingSelection.typedPrefixes("How do I locate my card?") == ["How do", "How do I", "How do I locate"])
    #expect(RankingSelection.typedPrefixes("退款") == ["退"])
    #expect(RankingSelection.typedPrefixes("refund") == [])
  }

  /// `learn` compares both rankings on the judged questions before they become phrasings, keeps the verdicts'
  /// choices for the tenant (or not, with `keepRanking`), and reports the comparison.
  @Test func learningComparesTheRankingsAndKeepsTheVerdicts() async throws {
    let (engine, url) = try await Self.engine()
    defer { try? FileManager.default.removeItem(at: url) }
    let expected = try RankingSelection.compare(engine: engine, tenant: "fin", judged: Self.judged, sources: [.bot])
    let whole = try #require(expected.whole)
    let typed = try #require(expected.typed)
    #expect(whole.questions == Self.judged.count)
    #expect(typed.questions == Self.judged.map { RankingSelection.typedPrefixes($0.text).count }.reduce(0, +))

    _ = try await engine.updateSettings(tenant: "fin") { $0.wholeRanking = .lexical }
    let kept = try await RankingSelection.learn(
      engine: engine, tenant: "fin", judged: Self.judged, sources: [.bot], keepRanking: true)
    #expect(kept.ranking == expected && !kept.changed)
    #expect(try engine.store.settings(tenant: "fin").wholeRanking == .lexical)
    // The phrasings learned then match the judged questions exactly; the comparison ran before they did.
    #expect(kept.learned.phrasingsKept == Self.judged.count)

    // Learning again (the index re-made without the phrasings; ties may fall another way) keeps its verdicts.
    let chosen = try await RankingSelection.learn(engine: engine, tenant: "fin", judged: Self.judged, sources: [.bot])
    let (wholeAgain, typedAgain) = (try #require(chosen.ranking.whole), try #require(chosen.ranking.typed))
    #expect(wholeAgain.questions == whole.questions && typedAgain.questions == typed.questions)
    let settings = try engine.store.settings(tenant: "fin")
    #expect(settings.wholeRanking == wholeAgain.choice && settings.typedRanking == typedAgain.choice)
    #expect(chosen.changed == (wholeAgain.choice != .lexical || typedAgain.choice != .standard))
  }
}
