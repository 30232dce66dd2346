/// How far smart reply's confidence can be trusted to answer by itself: at each threshold, how many questions
/// it would answer and how often its first answer is right, for questions the knowledge answers (judged) and,
/// when given, questions it does not (out of scope). A bot that answers customers above a tenant's threshold
/// needs the precision at a threshold to hold from one tenant to the next.
public struct CalibrationPoint: Codable, Equatable, Sendable {
  public var threshold: Double
  /// Judged questions whose first answer has at least this confidence, over all judged questions.
  public var answered: Double
  /// Of those, the share whose first answer is relevant.
  public var precision: Double
  /// Out-of-scope questions below the threshold, over all of them (nil without out-of-scope questions).
  public var outOfScopeRefused: Double?
  /// The share of right first answers among every answered question, out-of-scope ones counting as wrong.
  public var precisionWithOutOfScope: Double?

  /// The points at `thresholds`, from each judged question's first-answer confidence and whether that answer
  /// is relevant, and the out-of-scope questions' confidences.
  public static func curve(
    judged: [(confidence: Double, right: Bool)], outOfScope: [Double],
    thresholds: [Double] = stride(from: 0.0, through: 1.0, by: 0.05).map { ($0 * 100).rounded() / 100 }
  ) -> [CalibrationPoint] {
    thresholds.map { threshold in
      let answered = judged.filter { $0.confidence >= threshold }
      let right = answered.filter(\.right).count
      let wrongOutOfScope = outOfScope.filter { $0 >= threshold }.count
      let all = answered.count + wrongOutOfScope
      return CalibrationPoint(
        threshold: threshold,
        answered: judged.isEmpty ? 0 : Double(answered.count) / Double(judged.count),
        precision: answered.isEmpty ? 1 : Double(right) / Double(answered.count),
        outOfScopeRefused: outOfScope.isEmpty
          ? nil : Double(outOfScope.count - wrongOutOfScope) / Double(outOfScope.count),
        precisionWithOutOfScope: outOfScope.isEmpty ? nil : all == 0 ? 1 : Double(right) / Double(all))
    }
  }
}
