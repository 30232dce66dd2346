import Index
import Ranking
import Synchronization

/// Runs the index's catch-up in the background, one at a time: a poke while one runs makes it run once
/// more afterwards, so every batch written is indexed by the time `finish()` returns.
public final class BackgroundCatchUp: Sendable {
  private let engine: SuggestionEngine
  private let state = Mutex<(running: Task<Void, any Error>?, again: Bool)>((nil, false))

  init(engine: SuggestionEngine) { self.engine = engine }

  /// Something was written to the store: the index should follow.
  public func poke() {
    state.withLock { state in
      if state.running != nil {
        state.again = true
        return
      }
      state.running = Task { [engine, self] in
        while true {
          try await engine.catchUp()
          let more = self.state.withLock { state -> Bool in
            if state.again {
              state.again = false
              return true
            }
            state.running = nil
            return false
          }
          if !more { return }
        }
      }
    }
  }

  /// Waits until the index holds everything written before this call: the end of a bulk load, when the
  /// index is compacted if the load wrote much of it (`SuggestionEngine.compactIfWorthIt`).
  public func finish() async throws {
    while let running = state.withLock({ $0.running }) { try await running.value }
    try await engine.catchUp()
    try await engine.compactIfWorthIt()
  }
}
