import Foundation
import Knowledge
import Ranking
import TestSupport
import Testing
import Workbench

@testable import Evaluation

/// A tenant's smart-reply confidence fitted on its judged questions (`ConfidenceFit`, `TenantSettings.confidence`):
/// a probability that the first answer is right there, whatever the help desk.
@Suite(.blocking, .serialized) struct ConfidenceFitTests {
  /// First answers whose overlap says how often they are right: 200 at each of three overlaps, right 20, 50
  /// and 80 % of the time. The fitted probabilities come back to those shares.
  @Test func theFittedProbabilityIsTheShareRightAtThatOverlap() throws {
    var examples: [ConfidenceFit.Example] = []
    for (overlap, rightOf200) in [(0.2, 40), (0.5, 100), (0.8, 160)] {
      examples += (0..<200).map { .init(overlap: overlap, margin: 0, right: $0 < rightOf200) }
    }
    let calibration = try #require(ConfidenceFit.fit(examples))
    #expect(calibration.questions == 600 && calibration.right == 300)
    for (overlap, share) in [(0.2, 0.2), (0.5, 0.5), (0.8, 0.8)] {
      #expect(abs(calibration.probability(overlap: overlap, margin: 0) - share) < 0.02, "\(overlap)")
    }
    // A lead over the other candidates that says nothing gets (almost) no weight.
    #expect(abs(calibration.margin) < 0.05)
  }

  /// The lead over the next candidate counts where it tells right from wrong at the same overlap.
  @Test func aLeadOverTheNextCandidateRaisesTheProbability() throws {
    var examples: [ConfidenceFit.Example] = []
    for index in 0..<300 {
      let leads = index % 2 == 0
      examples.append(.init(overlap: 0.6, margin: leads ? 0.3 : 0.0, right: leads ? index % 10 != 0 : index % 10 == 1))
    }
    let calibration = try #require(ConfidenceFit.fit(examples))
    #expect(calibration.margin > 0)
    #expect(calibration.probability(overlap: 0.6, margin: 0.3) > 0.75)
    #expect(calibration.probability(overlap: 0.6, margin: 0) < 0.25)
  }

  /// Too few questions, or too few right or wrong, fit nothing.
  @Test func fewQuestionsFitNothing() {
    let some = (0..<49).map { ConfidenceFit.Example(overlap: Double($0) / 49, margin: 0, right: $0 % 2 == 0) }
    #expect(ConfidenceFit.fit(some) == nil)
    let allRight = (0..<200).map { ConfidenceFit.Example(overlap: Double($0) / 200, margin: 0, right: $0 >= 191) }
    #expect(ConfidenceFit.fit(allRight) == nil)
    // A perfectly separating overlap still gives finite weights (the ridge penalty).
    let separated = (0..<200).map { ConfidenceFit.Example(overlap: Double($0) / 200, margin: 0, right: $0 >= 100) }
    let calibration = ConfidenceFit.fit(separated)
    #expect(calibration.map { [$0.bias, $0.overlap, $0.margin].allSatisfy(\.isFinite) } == true)
  }

  /// Products whose questions are alike but for the product's name.
  static let products = [
    "router", "printer", "scanner", "laptop", "tablet", "camera", "speaker", "monitor", "keyboard", "headset",
    "projector", "charger", "console", "doorbell", "thermostat", "watch", "drone", "television", "microphone",
    "webcam",
  ]

  static func engine() async throws -> (SuggestionEngine, URL) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let engine = try await SuggestionEngine(dataFolder: url.path)
    let items = products.flatMap { product in
      [
        KnowledgeItem(
          id: "\(product)-reset", source: .bot, title: "how do I reset my \(product)", body: "Hold the button."),
        KnowledgeItem(
          id: "\(product)-warranty", source: .bot, title: "what does the \(product) warranty cover",
          body: "Two years."),
      ]
    }
    try engine.store.upsert(items, tenant: "shop")
    try await engine.catchUp()
    return (engine, url)
  }

  /// Judged questions: for each product, its reset question asked nearly as stored (answered right), and a
  /// loosely worded question about it judged to be about the next product's warranty (its first answer, the
  /// product's own, is wrong by the judgment): 40 right, 20 wrong, the wrong ones with less overlap.
  static var judged: [(text: String, answers: Set<String>)] {
    products.indices.flatMap { index -> [(text: String, answers: Set<String>)] in
      let (product, next) = (products[index], products[(index + 1) % products.count])
      return [
        ("how can I reset my \(product)", ["\(product)-reset"]),
        ("how do i reset the \(product)", ["\(product)-reset"]),
        ("\(product) broke after the storm yesterday, who pays", ["\(next)-warranty"]),
      ]
    }
  }

  /// `learn` fits the confidence on the judged questions' first answers and keeps it for the tenant; smart
  /// reply's confidence is then that probability; learning from too few questions removes it; `keepRanking`
  /// leaves it as it was.
  @Test func learningFitsTheTenantsConfidenceAndSmartReplyReportsIt() async throws {
    let (engine, url) = try await Self.engine()
    defer { try? FileManager.default.removeItem(at: url) }
    let question = "how do I reset my router please"
    let before = try #require(try engine.suggester.smartReply(question, tenant: "shop").answers.first)
    #expect(before.confidence == before.overlap && before.overlap > 0)

    let learned = try await RankingSelection.learn(engine: engine, tenant: "shop", judged: Self.judged, sources: [.bot])
    let verdict = try #require(learned.ranking.confidence)
    #expect(verdict.questions == 60 && verdict.right == 40)
    let calibration = try #require(verdict.calibration)
    #expect(try engine.store.settings(tenant: "shop").confidence == calibration)
    #expect(calibration.probability(overlap: 0.9, margin: 0.3) > calibration.probability(overlap: 0.3, margin: 0))

    let answer = try #require(try engine.suggester.smartReply(question, tenant: "shop").answers.first)
    #expect(answer.suggestion.id == "router-reset")
    #expect(abs(answer.confidence - calibration.probability(overlap: answer.overlap, margin: answer.margin)) < 1e-12)
    // The lead is over the best other candidate among the first ten: the other products' reset questions.
    #expect(answer.margin > 0 && answer.margin < answer.overlap)
    // Smart replies kept with a message before the two existed still decode.
    var stored = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(answer)) as? [String: Any])
    stored["overlap"] = nil
    stored["margin"] = nil
    let old = try JSONDecoder().decode(
      Ranking.SmartReplyResult.Answer.self, from: JSONSerialization.data(withJSONObject: stored))
    #expect(old.suggestion == answer.suggestion && old.confidence == answer.confidence && old.overlap == 0)

    let few = Array(Self.judged.prefix(12))
    _ = try await RankingSelection.learn(
      engine: engine, tenant: "shop", judged: few, sources: [.bot], keepRanking: true)
    #expect(try engine.store.settings(tenant: "shop").confidence == calibration)
    let refit = try await RankingSelection.learn(engine: engine, tenant: "shop", judged: few, sources: [.bot])
    #expect(refit.ranking.confidence?.questions == 12 && refit.ranking.confidence?.calibration == nil)
    #expect(try engine.store.settings(tenant: "shop").confidence == nil)
  }
}
