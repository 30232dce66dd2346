import Index
import Knowledge
import Synchronization
import TextAnalysis

/// What suggestions show of an item, kept from one request to the next while the index's terms stay the same
/// (`IndexReaderPool.currentTermsGeneration`, which every change but a pick's usage moves on): the items read
/// from the store, and the tokens of the texts highlighted in them. Reading the shown items and analysing
/// their titles and contents again was close to a third of a `#` suggestion at 100,000 items, while agents see
/// the same popular items all day, and picks (which change only usage, never shown) leave these as they were.
///
/// Shown as of the index's last commit: a change is in the store a moment before the index commits it, and
/// until then the item is shown as the index found it (an API change answers only after that commit).
final class ShownItems: Sendable {
  private struct State {
    var generation = -1
    var items: [String: StoredKnowledge] = [:]
    var tokens: [TextKey: [Token]] = [:]
    var tokenCount = 0
  }

  private struct TextKey: Hashable {
    /// The tenant's analyzer splits it, with its user dictionary (the digest: an analyzer fetched before a
    /// dictionary change and used after the commit that follows it must not keep its tokens as the new ones).
    var tenant: String
    var dictionary: UInt64
    var text: String
    var pinyinKeys: Bool
  }

  private let state = Mutex(State())
  /// Items, and tokens, kept before the cache starts over (about 30 MB of tokens at most).
  static let itemCapacity = 20_000
  static let tokenCapacity = 300_000

  /// The stored items for `keys`, by `IndexedKey.itemKey`: those kept for `generation`, and the rest from
  /// `read` (which leaves out an item the store no longer holds).
  func items(
    _ keys: [IndexedKey], generation: Int, read: ([IndexedKey]) throws -> [StoredKnowledge]
  ) rethrows -> [String: StoredKnowledge] {
    var found: [String: StoredKnowledge] = [:]
    var missing: [IndexedKey] = []
    state.withLock { state in
      guard state.generation == generation else {
        missing = keys
        return
      }
      for key in keys {
        if let stored = state.items[Self.key(key.tenant, key.source, key.id)] {
          found[key.itemKey] = stored
        } else {
          missing.append(key)
        }
      }
    }
    guard !missing.isEmpty else { return found }
    let read = try read(missing)
    for stored in read { found[IndexedKey.itemKey(source: stored.item.source, id: stored.item.id)] = stored }
    state.withLock { state in
      guard begin(&state, generation) else { return }
      if state.items.count + read.count > Self.itemCapacity { state = State(generation: generation) }
      for stored in read { state.items[Self.key(stored.tenant, stored.item.source, stored.item.id)] = stored }
    }
    return found
  }

  /// The tokens of a shown text kept for `generation`, if they are.
  func keptTokens(of text: String, tenant: String, dictionary: UInt64, pinyinKeys: Bool, generation: Int)
    -> [Token]?
  {
    let key = TextKey(tenant: tenant, dictionary: dictionary, text: text, pinyinKeys: pinyinKeys)
    return state.withLock { $0.generation == generation ? $0.tokens[key] : nil }
  }

  /// The tokens of a shown text, as `analyze` gives them.
  func tokens(
    of text: String, tenant: String, dictionary: UInt64, pinyinKeys: Bool, generation: Int,
    analyze: () throws -> [Token]
  ) rethrows -> [Token] {
    let key = TextKey(tenant: tenant, dictionary: dictionary, text: text, pinyinKeys: pinyinKeys)
    if let kept = state.withLock({ $0.generation == generation ? $0.tokens[key] : nil }) { return kept }
    let tokens = try analyze()
    state.withLock { state in
      guard begin(&state, generation) else { return }
      if state.tokenCount + tokens.count > Self.tokenCapacity { state = State(generation: generation) }
      if state.tokens.updateValue(tokens, forKey: key) == nil { state.tokenCount += tokens.count }
    }
    return tokens
  }

  /// Starts over for a newer generation; false for an older one (a request that began before the last
  /// commit keeps what it read to itself).
  private func begin(_ state: inout State, _ generation: Int) -> Bool {
    if generation > state.generation { state = State(generation: generation) }
    return generation == state.generation
  }

  private static func key(_ tenant: String, _ source: KnowledgeSource, _ id: String) -> String {
    tenant + "\u{1F}" + source.rawValue + "\u{1F}" + id
  }
}
