import Foundation
import Knowledge

/// Fits a tenant's smart-reply confidence (`ConfidenceCalibration`): a logistic regression of whether the first
/// answer was right on its word overlap and its lead over the best other candidate, by Newton's method with a
/// light ridge penalty (so that a perfectly separating overlap still gives finite weights). Two inputs and a
/// bias: a few hundred judged questions fit them, where a tenant's questions could not fit a model of its own.
///
/// A tenant's judged questions all have an answer in its knowledge; the customers' do not. Fitted on those
/// alone, the probability is high for whatever the knowledge lacks too (a CLINC150 tenant refused 35 % of its
/// out-of-scope questions at the threshold that gave its answered questions a precision of 0.85, the word
/// overlap 87 %: docs/relevance.md). So each judged question also gives a wrong example: what would have come
/// first had its answers not been in the knowledge (`outOfScope`).
public enum ConfidenceFit {
  /// One judged question's first answer.
  public struct Example: Hashable, Sendable {
    public var overlap: Double
    public var margin: Double
    public var right: Bool

    public init(overlap: Double, margin: Double, right: Bool) {
      (self.overlap, self.margin, self.right) = (overlap, margin, right)
    }
  }

  /// Fewer answered questions than this, or fewer than `minimumEach` right or wrong, fit nothing: the
  /// probability of a few dozen answers is mostly noise.
  public static let minimumQuestions = 50
  public static let minimumEach = 10
  /// The ridge penalty on the two weights (not the bias), per question.
  static let ridge = 1e-4

  /// The calibration fitted on the judged questions' first answers (`examples`) and, as wrong answers, on
  /// `outOfScope`; nil when the judged questions are too few.
  public static func fit(_ examples: [Example], outOfScope: [Example] = []) -> ConfidenceCalibration? {
    let right = examples.filter(\.right).count
    guard examples.count >= minimumQuestions, right >= minimumEach, examples.count - right >= minimumEach else {
      return nil
    }
    let all = examples + outOfScope.map { Example(overlap: $0.overlap, margin: $0.margin, right: false) }
    let rows = all.map { [1, $0.overlap, $0.margin] }
    let outcomes = all.map { $0.right ? 1.0 : 0.0 }
    let penalty = ridge * Double(all.count)
    let penalised = [0.0, penalty, penalty]
    var weights = [0.0, 0.0, 0.0]
    for _ in 0..<50 {
      var gradient = zip(penalised, weights).map(*)
      var hessian = (0..<3).map { row in (0..<3).map { row == $0 ? penalised[row] : 0.0 } }
      for (x, y) in zip(rows, outcomes) {
        let p = 1 / (1 + exp(-zip(weights, x).map(*).reduce(0, +)))
        for i in 0..<3 {
          gradient[i] += (p - y) * x[i]
          for j in 0..<3 { hessian[i][j] += p * (1 - p) * x[i] * x[j] }
        }
      }
      let step = solve(hessian, gradient)
      weights = zip(weights, step).map(-)
      if step.map(abs).max() ?? 0 < 1e-10 { break }
    }
    return ConfidenceCalibration(
      bias: weights[0], overlap: weights[1], margin: weights[2], questions: examples.count, right: right)
  }

  /// `matrix⁻¹ · vector` for a small symmetric positive definite matrix (Gaussian elimination).
  static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
    var a = matrix
    var b = vector
    let n = b.count
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) } ?? column
      a.swapAt(column, pivot)
      b.swapAt(column, pivot)
      for row in (column + 1)..<n where a[column][column] != 0 {
        let factor = a[row][column] / a[column][column]
        for k in column..<n { a[row][k] -= factor * a[column][k] }
        b[row] -= factor * b[column]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      let rest = ((row + 1)..<n).map { a[row][$0] * x[$0] }.reduce(0, +)
      x[row] = a[row][row] == 0 ? 0 : (b[row] - rest) / a[row][row]
    }
    return x
  }
}
