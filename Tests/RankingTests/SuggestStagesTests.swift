import Foundation
import Knowledge
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// `replykit-bench suggest --stages`: what each kind of request records, and nothing while recording is off.
@Suite struct SuggestStagesTests {
  @Test func recordsTheStagesEachRequestRuns() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Fixture.items)
    let stages = engine.suggester.stages
    let options = SuggestOptions(limit: 3)

    _ = try engine.suggester.suggest("退款", tenant: "acme", options: options)
    #expect(stages.recorded.isEmpty)

    stages.start()
    let shown = try engine.suggester.suggest("退款", tenant: "acme", options: options)
    var recorded = stages.recorded
    #expect(!shown.isEmpty)
    #expect(recorded[.analysis]?.count == 1)
    #expect(recorded[.titleTier]?.count == 1)
    #expect(recorded[.storeRead]?.count == 1)
    #expect(recorded[.highlighting]?.count == shown.count)
    #expect(recorded[.questionAnyWord] == nil)
    #expect(recorded.values.allSatisfy { $0.nanoseconds > 0 })

    // A customer's question takes the question model's path.
    _ = try engine.suggester.smartReply("我想申请退款，怎么操作", tenant: "acme")
    recorded = stages.recorded
    #expect(recorded[.analysis]?.count == 2)
    #expect(recorded[.questionAnyWord]?.count == 1)
    #expect(recorded[.questionWeighing]?.count == 1)
    #expect(recorded[.questionRanking]?.count == 1)

    stages.stop()
    _ = try engine.suggester.suggest("退款", tenant: "acme", options: options)
    #expect(stages.recorded == recorded)
    stages.start()
    #expect(stages.recorded.isEmpty)
  }

  /// `--stages` breaks the slowest requests down by taking the difference of the totals around each one.
  @Test func aDifferenceOfTwoReadingsIsOneRequestsStages() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Fixture.items)
    let stages = engine.suggester.stages
    stages.start()
    defer { stages.stop() }
    _ = try engine.suggester.suggest("退款", tenant: "acme", options: SuggestOptions(limit: 3))
    let before = stages.recorded
    _ = try engine.suggester.smartReply("我想申请退款，怎么操作", tenant: "acme")
    let after = stages.recorded
    let request = SuggestStages.difference(after, before)

    // The smart reply's own stages, once each; the title tier, which only suggest ran, is not among them.
    #expect(request[.analysis]?.count == 1)
    #expect(request[.questionAnyWord]?.count == 1)
    #expect(request[.titleTier] == nil)
    #expect(request[.analysis]?.nanoseconds == after[.analysis]!.nanoseconds - before[.analysis]!.nanoseconds)
    #expect(SuggestStages.difference(after, after).isEmpty)
  }

  /// `typedQuestionEnoughHits` (off by default) skips the any-word query when every typed word found enough.
  @Test func enoughAllWordsHitsSkipTheAnyWordQuery() async throws {
    let (engine, folder) = try await QuestionMatchTests.huabei()
    defer { folder.remove() }
    // 花呗 分期 怎么: only hb-0 has all three, so the all-words tiers find one item.
    let typed = "花呗分期怎么"
    let options = SuggestOptions(limit: 3, sources: [.bot])
    var anyWordRuns: [Int] = []
    for enough in [0, 1, 2] {
      var weights = RankingWeights()
      weights.typed.enoughHits = enough
      let suggester = engine.suggester(weights: weights)
      suggester.stages.start()
      let shown = try suggester.suggest(typed, tenant: "acme", options: options)
      #expect(shown.first?.id == "hb-0")
      anyWordRuns.append(suggester.stages.recorded[.questionAnyWord]?.count ?? 0)
      suggester.stages.stop()
    }
    // Off, it runs; one hit is enough at 1; at 2 the one hit is too few.
    #expect(anyWordRuns == [1, 0, 1])
  }
}
