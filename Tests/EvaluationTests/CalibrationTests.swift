import Testing

@testable import Evaluation

/// `CalibrationPoint.curve`, by hand: what a threshold answers, how often rightly, and what it refuses.
@Suite struct CalibrationTests {
  @Test func pointsByHand() {
    let judged: [(confidence: Double, right: Bool)] = [(0.9, true), (0.7, true), (0.6, false), (0.2, true)]
    let points = CalibrationPoint.curve(judged: judged, outOfScope: [0.65, 0.1], thresholds: [0, 0.5, 0.8, 0.95])
    #expect(points.map(\.answered) == [1, 0.75, 0.25, 0])
    #expect(points.map(\.precision) == [0.75, 2.0 / 3, 1, 1])  // nothing answered: nothing wrong
    #expect(points.map(\.outOfScopeRefused) == [0, 0.5, 1, 1])
    // Out-of-scope questions answered count as wrong answers.
    #expect(points.map(\.precisionWithOutOfScope) == [0.5, 0.5, 1, 1])
  }

  /// A question smart reply had no answer for (`Evaluator.noAnswer`) is never answered, even at threshold 0.
  @Test func noAnswerIsRefusedAtEveryThreshold() {
    let points = CalibrationPoint.curve(
      judged: [(Evaluator.noAnswer, false), (0.4, true)], outOfScope: [Evaluator.noAnswer], thresholds: [0])
    #expect(points[0].answered == 0.5 && points[0].precision == 1)
    #expect(points[0].outOfScopeRefused == 1)
  }

  @Test func withoutOutOfScopeQuestionsThoseFiguresAreAbsent() {
    let points = CalibrationPoint.curve(judged: [(0.5, true)], outOfScope: [])
    #expect(points.count == 21)
    #expect(points.allSatisfy { $0.outOfScopeRefused == nil && $0.precisionWithOutOfScope == nil })
    #expect(points.first?.threshold == 0 && points.last?.threshold == 1)
  }
}
