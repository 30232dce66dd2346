import Foundation

/// Whether two runs over the same queries differ by more than chance: a paired randomization test (each
/// query's pair of values is swapped at random; the p-value is the share of shuffles whose mean difference
/// is at least as large as the observed one).
public enum PairedComparison {
  public struct Result: Codable, Hashable, Sendable {
    public var metric: String
    public var a: Double
    public var b: Double
    public var difference: Double
    public var pValue: Double
    public var queries: Int
  }

  public static func randomization(_ a: [Double], _ b: [Double], rounds: Int = 10_000, seed: UInt64 = 1) -> Double {
    precondition(a.count == b.count)
    guard !a.isEmpty else { return 1 }
    let differences = zip(a, b).map { $1 - $0 }
    let observed = abs(differences.reduce(0, +))
    var state = seed
    var atLeast = 0
    for _ in 0..<rounds {
      var total = 0.0
      for difference in differences {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        total += (state >> 63) == 0 ? difference : -difference
      }
      if abs(total) >= observed - 1e-12 { atLeast += 1 }
    }
    return Double(atLeast + 1) / Double(rounds + 1)
  }

  /// Compares per-query values (`[qid: [metric: value]]`) over the queries both runs have.
  public static func compare(_ a: [String: [String: Double]], _ b: [String: [String: Double]], metrics: [String])
    -> [Result]
  {
    let shared = Set(a.keys).intersection(b.keys).sorted()
    return metrics.map { metric in
      let left = shared.map { a[$0]?[metric] ?? 0 }
      let right = shared.map { b[$0]?[metric] ?? 0 }
      let n = Double(max(shared.count, 1))
      let meanA = left.reduce(0, +) / n
      let meanB = right.reduce(0, +) / n
      return Result(
        metric: metric, a: meanA, b: meanB, difference: meanB - meanA, pValue: randomization(left, right),
        queries: shared.count)
    }
  }
}
