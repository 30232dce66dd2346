import Foundation
import Index

/// A question model as a sum of regression trees over `QuestionFeature`s (gradient-boosted, fitted for
/// ranking by `tools/eval/fit-question-trees.py` with LightGBM's LambdaRank). Where a linear model adds up
/// what each feature says alone, trees weigh features beside each other: a shared rare word counts
/// differently when three characters were typed than when twenty were, which typed prefixes are all about.
///
/// In JSON it is a model file's object (`"model": "trees"`, tools/models/modelfile.py), whose trees' `feature`
/// indexes its `features` list.
public struct QuestionTrees: Codable, Hashable, Sendable {
  /// One tree, its nodes in arrays: node `i` sends a feature vector left when `features[feature[i]] <=
  /// threshold[i]`, else right. A child at 0 or above is a node; a negative child `c` is the leaf `-c - 1`.
  /// A tree without nodes is its one leaf.
  public struct Tree: Codable, Hashable, Sendable {
    public var feature: [Int]
    public var threshold: [Double]
    public var left: [Int]
    public var right: [Int]
    public var leaf: [Double]

    public init(feature: [Int], threshold: [Double], left: [Int], right: [Int], leaf: [Double]) {
      (self.feature, self.threshold, self.left, self.right, self.leaf) = (feature, threshold, left, right, leaf)
    }

    /// The leaf `features` reach. A feature the vector does not have counts 0 (a model fitted with more).
    func value(_ features: [Double]) -> Double {
      guard !feature.isEmpty else { return leaf.first ?? 0 }
      var node = 0
      while node >= 0 {
        let index = feature[node]
        let x = index < features.count ? features[index] : 0
        node = x <= threshold[node] ? left[node] : right[node]
      }
      return leaf[-node - 1]
    }

    /// Why a decoded tree cannot be walked, or nil when it can: every array as long as it should be, every
    /// child a node or leaf it has, no feature index below 0, and no node reachable twice (no loop).
    var problem: String? {
      let nodes = feature.count
      guard threshold.count == nodes, left.count == nodes, right.count == nodes else {
        return "feature, threshold, left and right must have one value per node"
      }
      guard nodes > 0 || leaf.count == 1 else { return "a tree without nodes must have exactly one leaf" }
      guard nodes == 0 || leaf.count == nodes + 1 else { return "a tree must have one leaf more than nodes" }
      guard !feature.contains(where: { $0 < 0 }) else { return "a feature index is below 0" }
      var seen = Set<Int>()
      var next = nodes > 0 ? [0] : []
      while let child = next.popLast() {
        if child >= 0 {
          guard child < nodes else { return "a child names node \(child), past the last" }
          guard seen.insert(child).inserted else { return "node \(child) is reached twice" }
          next += [left[child], right[child]]
        } else {
          guard -child - 1 < leaf.count else { return "a child names leaf \(-child - 1), past the last" }
          guard seen.insert(child).inserted else { return "leaf \(-child - 1) is reached twice" }
        }
      }
      return nil
    }
  }

  public let name: String
  /// The trees, their `feature` indexes those of `QuestionFeature` (a model file's own list is mapped on
  /// decoding).
  public let trees: [Tree]
  /// How it was fitted (the model file's `fitted`).
  public let fitted: [String: String]
  /// The trees' nodes in one array, walked by `score` (hundreds of trees for each of twenty candidates on every
  /// keystroke: one contiguous array instead of five per tree).
  private let flat: Flat

  /// Trees over `QuestionFeature` indexes.
  public init(name: String = "trees", _ trees: [Tree] = [], fitted: [String: String] = [:]) {
    self.name = name
    self.trees = trees
    self.fitted = fitted
    flat = Flat(trees)
  }

  public var isEmpty: Bool { trees.isEmpty }

  /// The model's score of one question's features: the sum of the trees' leaves (log-odds-like, but only
  /// its order among the candidates means anything). The same as summing `Tree.value` (a test pins it).
  func score(_ vector: FeatureVector) -> Double {
    flat.score(vector.values)
  }

  /// `score` of a vector of `QuestionFeature` values, which may be shorter (the missing count 0).
  func score(_ values: [Double]) -> Double {
    flat.score(values)
  }

  /// `score` of each of `vectors`, tree by tree: the walks of one tree over all the vectors do not wait on
  /// each other, so the processor runs them side by side (one vector at a time, each step waits on the last).
  func scores(_ vectors: [FeatureVector]) -> [Double] {
    flat.scores(vectors.map(\.values))
  }

  public static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.trees == b.trees }
  public func hash(into hasher: inout Hasher) { hasher.combine(trees) }

  /// Every tree's nodes one after another; a tree starts at its entry in `roots`. A node's two children stand
  /// side by side (the right one after the left), so a step is one comparison added to an index. A leaf reads
  /// the padding column (always 0) against +infinity and leads to itself, so every walk of a tree takes the
  /// same number of steps (its depth): four rows are walked side by side, four independent chains of loads
  /// that the processor overlaps, where one row's walk waits for each load in turn.
  private struct Flat: Sendable {
    struct Node {
      var feature: Int32
      var children: Int32
      var threshold: Double
    }
    var nodes: [Node] = []
    /// A leaf's value, 0 for the other nodes.
    var values: [Double] = []
    var roots: [Int32] = []
    /// The most steps from each tree's root to a leaf.
    var depths: [Int] = []
    /// One more than the highest feature index a node reads: shorter feature vectors are padded with 0.
    var width = 1

    init(_ trees: [Tree]) {
      var leaves: [Int] = []
      for tree in trees {
        roots.append(Int32(nodes.count))
        func node(_ child: Int) -> (Node, Double) {
          child >= 0
            ? (Node(feature: Int32(tree.feature[child]), children: 0, threshold: tree.threshold[child]), 0)
            : (Node(feature: -1, children: 0, threshold: .infinity), tree.leaf[-child - 1])
        }
        // Breadth first from the root, each node's children appended as a pair.
        var depth = 0
        var pending = [(position: nodes.count, child: tree.feature.isEmpty ? -1 : 0, depth: 0)]
        let (root, value) = node(pending[0].child)
        nodes.append(root)
        values.append(value)
        while !pending.isEmpty {
          let (position, child, level) = pending.removeFirst()
          depth = max(depth, level)
          guard child >= 0 else {
            leaves.append(position)
            continue
          }
          width = max(width, tree.feature[child] + 1)
          nodes[position].children = Int32(nodes.count)
          for next in [tree.left[child], tree.right[child]] {
            pending.append((nodes.count, next, level + 1))
            let (built, value) = node(next)
            nodes.append(built)
            values.append(value)
          }
        }
        depths.append(depth)
      }
      for leaf in leaves {
        nodes[leaf].feature = Int32(width)
        nodes[leaf].children = Int32(leaf)
      }
    }

    func score(_ features: [Double]) -> Double { scores([features])[0] }

    func scores(_ vectors: [[Double]]) -> [Double] {
      // The vectors in one block, `stride` apart, padded with 0 (the last column is the leaves').
      let stride = width + 1
      var block = [Double](repeating: 0, count: vectors.count * stride)
      for (row, vector) in vectors.enumerated() {
        for (column, value) in vector.prefix(width).enumerated() { block[row * stride + column] = value }
      }
      var sums = [Double](repeating: 0, count: vectors.count)
      let rows = vectors.count
      nodes.withUnsafeBufferPointer { nodes in
        values.withUnsafeBufferPointer { values in
          block.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { sums in
              @inline(__always) func step(_ at: Int, _ base: Int) -> Int {
                let node = nodes[at]
                return Int(node.children) + (x[base + Int(node.feature)] <= node.threshold ? 0 : 1)
              }
              for (tree, root) in roots.enumerated() {
                let steps = depths[tree]
                var row = 0
                while row + 4 <= rows {
                  let (b0, b1, b2, b3) = (row * stride, (row + 1) * stride, (row + 2) * stride, (row + 3) * stride)
                  var (n0, n1, n2, n3) = (Int(root), Int(root), Int(root), Int(root))
                  for _ in 0..<steps {
                    n0 = step(n0, b0)
                    n1 = step(n1, b1)
                    n2 = step(n2, b2)
                    n3 = step(n3, b3)
                  }
                  sums[row] += values[n0]
                  sums[row + 1] += values[n1]
                  sums[row + 2] += values[n2]
                  sums[row + 3] += values[n3]
                  row += 4
                }
                while row < rows {
                  var n = Int(root)
                  for _ in 0..<steps { n = step(n, row * stride) }
                  sums[row] += values[n]
                  row += 1
                }
              }
            }
          }
        }
      }
      return sums
    }
  }

  enum Keys: String, CodingKey {
    case trees
  }

  public init(from decoder: any Decoder) throws {
    if let shipped = try ShippedModels.named(decoder, in: ShippedModels.trees) {
      self = shipped
      return
    }
    let header = try QuestionModelHeader(from: decoder, kind: .trees)
    let container = try decoder.container(keyedBy: Keys.self)
    var trees = try container.decode([Tree].self, forKey: .trees)
    for index in trees.indices {
      func refuse(_ problem: String) -> DecodingError {
        DecodingError.dataCorruptedError(
          forKey: .trees, in: container, debugDescription: "model \(header.name), tree \(index): \(problem)")
      }
      if let problem = trees[index].problem { throw refuse(problem) }
      guard let beyond = trees[index].feature.first(where: { $0 >= header.features.count }) else {
        trees[index].feature = trees[index].feature.map { header.features[$0].rawValue }
        continue
      }
      throw refuse("feature \(beyond) is past the model's \(header.features.count) features")
    }
    self.init(name: header.name, trees, fitted: header.fitted)
  }

  public func encode(to encoder: any Encoder) throws {
    if try ShippedModels.encodeName(of: self, in: ShippedModels.trees, to: encoder) { return }
    try QuestionModelHeader(kind: .trees, name: name, features: QuestionFeature.allCases, fitted: fitted).encode(
      to: encoder)
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(trees, forKey: .trees)
  }

}
