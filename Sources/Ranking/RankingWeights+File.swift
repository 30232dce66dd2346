import Foundation
import Index

/// A weights file that cannot be used: unreadable, or not `RankingWeights` JSON.
public struct RankingWeightsFileError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

extension RankingWeights {
  /// The weights in the JSON file at `path` (any subset of the fields, the rest standard), or the standard ones
  /// without a path.
  public static func read(_ path: String?) throws(RankingWeightsFileError) -> RankingWeights {
    guard let path else { return .standard }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RankingWeightsFileError(description: "\(path): cannot read")
    }
    do { return try JSONDecoder().decode(RankingWeights.self, from: data) } catch {
      throw RankingWeightsFileError(description: "\(path): not RankingWeights JSON (\(error))")
    }
  }
}
