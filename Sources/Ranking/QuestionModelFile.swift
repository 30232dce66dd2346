import Foundation
import RankingModels

/// What every question-model file says besides its parameters (the format: tools/models/modelfile.py): its
/// kind, its name, the feature schema it was fitted on and the features it reads, and how it was fitted. A
/// model is refused, with what is wrong, when its schema is not this build's or it names a feature the schema
/// does not have: a model read against the wrong features ranks silently badly.
struct QuestionModelHeader {
  enum Kind: String, Codable {
    case linear, trees
  }

  var kind: Kind
  var name: String
  var features: [QuestionFeature]
  var fitted: [String: String]

  enum Keys: String, CodingKey {
    case model, name, featureSchema, features, fitted
  }

  init(kind: Kind, name: String, features: [QuestionFeature], fitted: [String: String]) {
    (self.kind, self.name, self.features, self.fitted) = (kind, name, features, fitted)
  }

  /// The header of a model of `kind`, from the model's object.
  init(from decoder: any Decoder, kind expected: Kind) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    let kind = try container.decode(Kind.self, forKey: .model)
    let name = try container.decode(String.self, forKey: .name)
    func refuse(_ message: String) -> DecodingError {
      DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "model \(name): \(message)"))
    }
    guard kind == expected else { throw refuse("a \(kind.rawValue) model where a \(expected.rawValue) one goes") }
    let schema = try container.decode(Int.self, forKey: .featureSchema)
    guard schema == QuestionFeature.schemaVersion else {
      throw refuse(
        "fitted on feature schema \(schema), and this build computes schema \(QuestionFeature.schemaVersion): "
          + "fit it again (make models)")
    }
    let features = try container.decode([String].self, forKey: .features).map { feature in
      guard let known = QuestionFeature(name: feature) else {
        throw refuse("reads feature \"\(feature)\", which feature schema \(schema) does not have")
      }
      return known
    }
    self.init(
      kind: kind, name: name, features: features,
      fitted: try container.decodeIfPresent([String: String].self, forKey: .fitted) ?? [:])
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(kind, forKey: .model)
    try container.encode(name, forKey: .name)
    try container.encode(QuestionFeature.schemaVersion, forKey: .featureSchema)
    try container.encode(features.map(\.name), forKey: .features)
    try container.encode(fitted, forKey: .fitted)
  }
}

/// A linear question model: a bias and one weight per feature it reads (a logistic regression's log-odds that
/// the stored question answers the one asked), fitted by `tools/eval/fit-question-model.py`.
public struct LinearModel: Codable, Hashable, Sendable {
  public let name: String
  public let features: [QuestionFeature]
  public let bias: Double
  public let weights: [Double]
  /// How it was fitted (the model file's `fitted`).
  public let fitted: [String: String]

  public init(
    name: String, features: [QuestionFeature], bias: Double, weights: [Double], fitted: [String: String] = [:]
  ) {
    precondition(features.count == weights.count, "one weight per feature")
    (self.name, self.features, self.bias, self.weights, self.fitted) = (name, features, bias, weights, fitted)
    indexes = features.map(\.rawValue)
  }

  /// Where each weight's feature stands in a `FeatureVector`.
  private let indexes: [Int]

  /// Whether the model keeps the index's order (the engine's score, weighed up, is all it reads): the lexical
  /// base, whose index query is then the whole ranking.
  var keepsIndexOrder: Bool { features == [.engine] && weights.allSatisfy { $0 > 0 } }

  /// Bias plus weights times features, in the model's order.
  func score(_ vector: FeatureVector) -> Double {
    var sum = bias
    for (weight, index) in zip(weights, indexes) { sum += weight * vector.values[index] }
    return sum
  }

  enum Keys: String, CodingKey {
    case bias, weights
  }

  public init(from decoder: any Decoder) throws {
    if let shipped = try ShippedModels.named(decoder, in: ShippedModels.linear) {
      self = shipped
      return
    }
    let header = try QuestionModelHeader(from: decoder, kind: .linear)
    let container = try decoder.container(keyedBy: Keys.self)
    let weights = try container.decode([Double].self, forKey: .weights)
    guard weights.count == header.features.count else {
      throw DecodingError.dataCorruptedError(
        forKey: .weights, in: container,
        debugDescription:
          "model \(header.name): \(weights.count) weights for \(header.features.count) features (one each)")
    }
    self.init(
      name: header.name, features: header.features, bias: try container.decode(Double.self, forKey: .bias),
      weights: weights, fitted: header.fitted)
  }

  public func encode(to encoder: any Encoder) throws {
    if try ShippedModels.encodeName(of: self, in: ShippedModels.linear, to: encoder) { return }
    try QuestionModelHeader(kind: .linear, name: name, features: features, fitted: fitted).encode(to: encoder)
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(bias, forKey: .bias)
    try container.encode(weights, forKey: .weights)
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.name == b.name && a.features == b.features && a.bias == b.bias && a.weights == b.weights
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(name)
    hasher.combine(weights)
  }
}

/// The shipped models (Sources/RankingModels/Models), decoded once. Where a model goes in JSON (a weights
/// file), a shipped model may be named instead of given whole (`"typedHanTrees": "whole-han-trees"`), and a
/// shipped model is encoded by its name: weights files stay small, and reading one does not encode and decode
/// the shipped trees again.
enum ShippedModels {
  static let linear: [String: LinearModel] = decodeAll { !$0.hasSuffix("-trees") }
  static let trees: [String: QuestionTrees] = decodeAll { $0.hasSuffix("-trees") }

  /// The shipped model `name`.
  static func model<Model>(_ name: String, in models: [String: Model]) throws -> Model {
    guard let model = models[name] else {
      throw StandardModelError(
        description:
          "no shipped model named \(name) of this kind (shipped: \(models.keys.sorted().joined(separator: ", ")))")
    }
    return model
  }

  /// The shipped model a JSON string names, or nil when the value is not a string (a whole model). `models`
  /// is read only for a name: the shipped files themselves, decoded while `linear` and `trees` are being made,
  /// are whole models.
  static func named<Model>(_ decoder: any Decoder, in models: @autoclosure () -> [String: Model]) throws -> Model? {
    guard let name = try? decoder.singleValueContainer().decode(String.self) else { return nil }
    do { return try model(name, in: models()) } catch let error as StandardModelError {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }

  /// Encodes a shipped model as its name; false when `model` is not one (it is encoded whole).
  static func encodeName<Model: Equatable>(
    of model: Model, in models: [String: Model], to encoder: any Encoder
  ) throws -> Bool {
    guard let (name, _) = models.first(where: { $0.value == model }) else { return false }
    var container = encoder.singleValueContainer()
    try container.encode(name)
    return true
  }

  private static func decodeAll<Model: Decodable>(_ include: (String) -> Bool) -> [String: Model] {
    var models: [String: Model] = [:]
    for (name, bytes) in StandardModelFiles.files where include(name) {
      do {
        models[name] = try JSONDecoder().decode(Model.self, from: Data(bytes))
      } catch {
        preconditionFailure("the shipped question model \(name) does not decode: \(error)")
      }
    }
    return models
  }
}

/// A shipped model file that is missing, or does not decode.
struct StandardModelError: Error, CustomStringConvertible {
  let description: String
}
