import ArgumentParser
import Foundation
import SearchIndex

extension RankingWeights {
  /// The weights in the JSON file at `path` (any subset of the fields), or the standard ones without a path.
  static func read(_ path: String?) throws -> RankingWeights {
    guard let path else { return .standard }
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read") }
    do { return try JSONDecoder().decode(RankingWeights.self, from: data) } catch {
      throw ValidationError("\(path): not RankingWeights JSON (\(error))")
    }
  }
}
