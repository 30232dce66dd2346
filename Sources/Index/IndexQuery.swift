import CXapian

/// A query for the index, as a value: built freely in Swift, turned into Xapian's query only to search.
public indirect enum IndexQuery: Hashable, Sendable {
  case term(String, weight: UInt32 = 1)
  /// Every term starting with the text, keeping the `maxExpansion` most frequent.
  case prefix(String, maxExpansion: UInt32)
  case and([IndexQuery])
  case or([IndexQuery])
  /// Matches what the first matches; the second only adds weight.
  case andMaybe(IndexQuery, IndexQuery)
  /// Matches what both match; weight from the first only.
  case filter(IndexQuery, IndexQuery)
  case andNot(IndexQuery, IndexQuery)
  /// Alternatives counted as one term (synonyms, spellings).
  case synonym([IndexQuery])
  case scaled(IndexQuery, by: Double)
  /// A weight equal to the number in a value slot.
  case valueWeight(slot: UInt32)
  case matchAll

  /// Builds the Xapian query; the caller frees the result with `rk_query_free`.
  package func build() throws(IndexError) -> OpaquePointer {
    var error = rk_error()
    let built: OpaquePointer?
    switch self {
    case .term(let text, let weight): built = rk_query_term(text, weight, 0, &error)
    case .prefix(let text, let maxExpansion): built = rk_query_prefix(text, maxExpansion, &error)
    case .and(let parts): built = try Self.combine(RK_QUERY_AND, parts)
    case .or(let parts): built = try Self.combine(RK_QUERY_OR, parts)
    case .synonym(let parts): built = try Self.combine(RK_QUERY_SYNONYM, parts)
    case .andMaybe(let a, let b): built = try Self.combine(RK_QUERY_AND_MAYBE, [a, b])
    case .filter(let a, let b): built = try Self.combine(RK_QUERY_FILTER, [a, b])
    case .andNot(let a, let b): built = try Self.combine(RK_QUERY_AND_NOT, [a, b])
    case .scaled(let query, let factor):
      let inner = try query.build()
      defer { rk_query_free(inner) }
      built = rk_query_scale(inner, factor, &error)
    case .valueWeight(let slot): built = rk_query_value_weight(slot, &error)
    case .matchAll: built = rk_query_match_all(&error)
    }
    guard let built else { throw IndexError(error) }
    return built
  }

  private static func combine(_ op: rk_query_op, _ parts: [IndexQuery]) throws(IndexError) -> OpaquePointer {
    var built: [OpaquePointer?] = []
    defer { for query in built { rk_query_free(query) } }
    for part in parts { built.append(try part.build()) }
    var error = rk_error()
    guard let combined = rk_query_combine(op, &built, built.count, 0, &error) else { throw IndexError(error) }
    return combined
  }

  /// Xapian's description of the query, for logs and tests.
  public func describe() throws(IndexError) -> String {
    let built = try build()
    defer { rk_query_free(built) }
    var error = rk_error()
    guard let text = rk_query_describe(built, &error) else { throw IndexError(error) }
    defer { rk_free(text) }
    return String(cString: text)
  }
}
