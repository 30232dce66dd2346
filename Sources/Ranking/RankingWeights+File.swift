import Foundation
import Index
import Knowledge

/// A weights file that cannot be used: unreadable, not JSON, a setting the weights do not have, or a value
/// of the wrong kind.
public struct RankingWeightsFileError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

extension RankingWeights {
  /// The weights in the JSON file at `path` (any of the groups and any of their settings, the rest as in
  /// `base`), or `base` without a path.
  public static func read(_ path: String?, over base: RankingWeights = .standard) throws(RankingWeightsFileError)
    -> RankingWeights
  {
    guard let path else { return base }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RankingWeightsFileError(description: "\(path): cannot read")
    }
    do {
      return try base.overlaid(with: data)
    } catch let error as RankingWeightsFileError {
      throw RankingWeightsFileError(description: "\(path): \(error.description)")
    } catch {
      throw RankingWeightsFileError(description: "\(path): not RankingWeights JSON (\(error))")
    }
  }

  /// These weights with the settings `json` gives laid over them: each group's settings one by one, a model
  /// as a whole. A name the weights do not have is refused (a misspelt setting would otherwise change
  /// nothing, silently). The settings are listed once, in the types; the overlay works on their JSON.
  public func overlaid(with json: Data) throws -> RankingWeights {
    let given = try JSONDecoder().decode(JSONValue.self, from: json)
    let base = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(self))
    let merged = try Self.overlay(given, on: base, path: [], depth: 2)
    return try JSONDecoder().decode(RankingWeights.self, from: JSONEncoder().encode(merged))
  }

  /// `given` over `base`: objects member by member down to `depth` levels (the groups, then their settings),
  /// any other value, and anything deeper (a model), replaced whole.
  private static func overlay(_ given: JSONValue, on base: JSONValue, path: [String], depth: Int) throws -> JSONValue {
    guard depth > 0, case .object(let members) = given, case .object(var merged) = base else {
      if depth > 0, case .object = base {
        throw RankingWeightsFileError(
          description: "\(path.isEmpty ? "the file" : path.joined(separator: ".")) must be an object")
      }
      return given
    }
    for (name, value) in members.sorted(by: { $0.key < $1.key }) {
      guard let current = merged[name] else {
        let known = merged.keys.sorted().joined(separator: ", ")
        throw RankingWeightsFileError(
          description: "no setting \((path + [name]).joined(separator: ".")) (known here: \(known))")
      }
      merged[name] = try overlay(value, on: current, path: path + [name], depth: depth - 1)
    }
    return .object(merged)
  }
}
