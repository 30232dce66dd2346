import Foundation
import Knowledge
import Ranking
import Synchronization
import Workbench

/// Recent `#` completions, valid until the engine's results version moves (an index commit, or a change to a
/// tenant's agents, synonyms, dictionary or settings). Agents type the same first characters all day (退, 退款,
/// tk), so most requests repeat one answered moments ago; a repeat costs a dictionary look-up instead of a
/// Xapian match. Bounded: past `capacity` entries the oldest half goes.
final class SuggestionCache: Sendable {
  struct Key: Hashable {
    var tenant: String
    var agent: String?
    var query: String
    var limit: Int
    var sources: [KnowledgeSource]
    var language: String?
  }

  private struct State {
    var version = Int.min
    var entries: [Key: (order: Int, suggestions: [UInt8])] = [:]
    var next = 0
  }

  private let state = Mutex(State())
  let capacity: Int

  init(capacity: Int = 20_000) { self.capacity = capacity }

  static func key(query: String, tenant: String, options: SuggestOptions) -> Key {
    Key(
      tenant: tenant, agent: options.agent, query: query, limit: options.limit,
      sources: options.sources.sorted { $0.rawValue < $1.rawValue }, language: options.language)
  }

  /// How suggestions are encoded for the API (as the request context's encoder does it).
  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// The cached answer (the suggestions as JSON), if it was computed at `version`.
  func lookup(_ key: Key, version: Int) -> [UInt8]? {
    guard capacity > 0 else { return nil }
    return state.withLock { state in state.version == version ? state.entries[key]?.suggestions : nil }
  }

  /// Keeps an answer computed at `version` (an answer of an older version than the cache holds is dropped).
  func store(_ suggestions: [UInt8], for key: Key, version: Int) {
    guard capacity > 0 else { return }
    state.withLock { state in
      if version != state.version {
        guard version > state.version else { return }
        state = State(version: version)
      }
      if state.entries.count >= capacity {
        let cut = state.next - capacity / 2
        state.entries = state.entries.filter { $0.value.order >= cut }
      }
      state.entries[key] = (state.next, suggestions)
      state.next += 1
    }
  }
}
