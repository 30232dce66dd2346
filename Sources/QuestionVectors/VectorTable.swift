import CBLAS
import Synchronization

/// The vectors of the stored questions, in memory: one matrix a tenant, searched exactly (every vector's dot
/// product with the asked one, then the best rows). At help-desk sizes a scan is a few milliseconds, and there
/// is no approximate index to keep up to date with every change.
///
/// An item's vectors are contiguous rows. A changed item's new rows are appended and its old rows left
/// behind, unowned; once a quarter of the rows are such, the matrix is compacted. Searches read a snapshot:
/// a change made meanwhile copies the matrix rather than move it under them.
public final class VectorTable: Sendable {
  public let dimension: Int

  /// One item's vectors: which of its questions (its place in `StoredQuestions.questions(of:)`) each row is.
  public struct ItemVectors: Sendable, Equatable {
    public var hash: UInt64
    public var questions: [Int32]
    /// `questions.count` rows of `dimension` values, normalised.
    public var values: [Float]

    public init(hash: UInt64, questions: [Int32], values: [Float]) {
      (self.hash, self.questions, self.values) = (hash, questions, values)
    }
  }

  struct TenantMatrix: Sendable {
    var rows: [String: Range<Int>] = [:]
    var hashes: [String: UInt64] = [:]
    /// Each row's item key; nil for a row a change left behind.
    var owners: [String?] = []
    var questions: [Int32] = []
    var values: [Float] = []
    var unowned = 0
  }

  private let tenants = Mutex<[String: TenantMatrix]>([:])

  public init(dimension: Int) { self.dimension = dimension }

  /// A found question: the item's key, which of its questions, and the cosine.
  public struct Neighbour: Sendable, Equatable {
    public var item: String
    public var question: Int
    public var cosine: Float
  }

  /// Replaces (or, with nil, removes) the vectors of the items named.
  public func apply(tenant: String, _ changes: [String: ItemVectors?]) {
    guard !changes.isEmpty else { return }
    tenants.withLock { tenants in
      var matrix = tenants.removeValue(forKey: tenant) ?? TenantMatrix()
      for (item, vectors) in changes {
        if let old = matrix.rows.removeValue(forKey: item) {
          for row in old { matrix.owners[row] = nil }
          matrix.unowned += old.count
          matrix.hashes[item] = nil
        }
        guard let vectors, !vectors.questions.isEmpty else { continue }
        precondition(vectors.values.count == vectors.questions.count * dimension, "one row a question")
        let first = matrix.owners.count
        matrix.rows[item] = first..<(first + vectors.questions.count)
        matrix.hashes[item] = vectors.hash
        matrix.owners += Array(repeating: item, count: vectors.questions.count)
        matrix.questions += vectors.questions
        matrix.values += vectors.values
      }
      if matrix.unowned > 0 && matrix.unowned * 4 >= matrix.owners.count { compact(&matrix) }
      if !matrix.rows.isEmpty { tenants[tenant] = matrix }
    }
  }

  private func compact(_ matrix: inout TenantMatrix) {
    var kept = TenantMatrix()
    kept.hashes = matrix.hashes
    kept.owners.reserveCapacity(matrix.owners.count - matrix.unowned)
    kept.values.reserveCapacity((matrix.owners.count - matrix.unowned) * dimension)
    for (item, range) in matrix.rows {
      let first = kept.owners.count
      kept.rows[item] = first..<(first + range.count)
      kept.owners += matrix.owners[range]
      kept.questions += matrix.questions[range]
      kept.values += matrix.values[(range.lowerBound * dimension)..<(range.upperBound * dimension)]
    }
    matrix = kept
  }

  /// Removes every vector of the tenant.
  public func remove(tenant: String) {
    _ = tenants.withLock { $0.removeValue(forKey: tenant) }
  }

  /// The content hash the item's vectors were made from, if it has any.
  public func hash(tenant: String, item: String) -> UInt64? {
    tenants.withLock { $0[tenant]?.hashes[item] }
  }

  /// Items and vectors held for the tenant.
  public func counts(tenant: String) -> (items: Int, vectors: Int) {
    tenants.withLock { tenants in
      guard let matrix = tenants[tenant] else { return (0, 0) }
      return (matrix.rows.count, matrix.owners.count - matrix.unowned)
    }
  }

  /// Items and vectors held in all, and the bytes their values take.
  public var totals: (items: Int, vectors: Int, bytes: Int) {
    tenants.withLock { tenants in
      tenants.values.reduce((0, 0, 0)) { sum, matrix in
        (
          sum.0 + matrix.rows.count, sum.1 + matrix.owners.count - matrix.unowned,
          sum.2 + matrix.values.count * MemoryLayout<Float>.size
        )
      }
    }
  }

  /// The cosine of `query` (normalised) with every vector of the tenant, in one matrix-vector product: what
  /// both the nearest items and each candidate's cosines are read from. Nil when the tenant has no vectors.
  public func scores(tenant: String, query: [Float]) -> Scores? {
    guard query.count == dimension, let matrix = tenants.withLock({ $0[tenant] }), !matrix.owners.isEmpty else {
      return nil
    }
    let count = matrix.owners.count
    var scores = [Float](repeating: 0, count: count)
    matrix.values.withUnsafeBufferPointer { values in
      query.withUnsafeBufferPointer { query in
        scores.withUnsafeMutableBufferPointer { scores in
          cblas_sgemv(
            CblasRowMajor, CblasNoTrans, Int32(count), Int32(dimension), 1, values.baseAddress!, Int32(dimension),
            query.baseAddress!, 1, 0, scores.baseAddress!, 1)
        }
      }
    }
    return Scores(matrix: matrix, cosines: scores)
  }

  /// One asked text's cosines with a tenant's vectors, as they were when it was asked.
  public struct Scores: Sendable {
    let matrix: TenantMatrix
    let cosines: [Float]

    /// The cosine with each of the item's questions that has a vector, by question.
    public func cosines(item: String) -> [Int: Float] {
      guard let range = matrix.rows[item] else { return [:] }
      var found: [Int: Float] = [:]
      for row in range { found[Int(matrix.questions[row])] = cosines[row] }
      return found
    }

    /// The `limit` items whose best question is nearest, best first, each with that question.
    public func nearest(limit: Int) -> [Neighbour] {
      guard limit > 0 else { return [] }
      // The best rows, enough of them that `limit` distinct items are among them unless items have many
      // questions each near the top; then the rows are ranked again for more.
      var wanted = limit * 4
      while true {
        let best = VectorTable.bestRows(cosines, owners: matrix.owners, count: wanted)
        var seen = Set<String>()
        var found: [Neighbour] = []
        for row in best {
          guard let owner = matrix.owners[row], seen.insert(owner).inserted else { continue }
          found.append(Neighbour(item: owner, question: Int(matrix.questions[row]), cosine: cosines[row]))
          if found.count == limit { return found }
        }
        if best.count < wanted || wanted >= cosines.count { return found }
        wanted *= 4
      }
    }
  }

  /// The indexes of the `count` highest scores among owned rows, highest first.
  static func bestRows(_ scores: [Float], owners: [String?], count: Int) -> [Int] {
    var best: [Int] = []
    best.reserveCapacity(count + 1)
    for row in scores.indices where owners[row] != nil {
      let score = scores[row]
      if best.count == count, let last = best.last, scores[last] >= score { continue }
      // Insertion into a short sorted list: most rows fail the test above.
      var place = best.count
      while place > 0 && scores[best[place - 1]] < score { place -= 1 }
      best.insert(row, at: place)
      if best.count > count { best.removeLast() }
    }
    return best
  }
}
