import Foundation
import Index
import Knowledge
import Ranking
import Sessions
import Synchronization
import TextAnalysis

/// The application: everything the service serves from one data folder, the knowledge and its index
/// (`SuggestionEngine`), the conversations (`sessions.sqlite`), and the live events that tie them to the agents'
/// pages. It holds the workflows that span them (the write path for knowledge, posting a message, the history
/// search); the HTTP layer parses, authorises and calls it.
public final class Workbench: Sendable {
  public let engine: SuggestionEngine
  public let sessions: SessionStore
  public let events: EventHub
  /// Picks made while sending replies reach the index in the background (usage ranking within a second).
  let usage: BackgroundCatchUp
  /// How many `#` completions of the current index commit the service keeps (0: none).
  public let suggestCacheCapacity: Int
  /// When each agent (tenant, U+001F, agent) was last seen with a live stream open, and when the service
  /// started: an agent without a stream for its tenant's `offlineAfterSeconds` is set offline.
  let streamSeen = Mutex<[String: Date]>([:])
  let startedAt: Date

  public init(engine: SuggestionEngine, sessions: SessionStore, suggestCacheCapacity: Int = 20_000) {
    self.engine = engine
    self.sessions = sessions
    self.suggestCacheCapacity = suggestCacheCapacity
    events = EventHub()
    usage = engine.backgroundCatchUp()
    startedAt = sessions.clock.now
  }

  /// Opens the conversations beside the engine's store, in `dataFolder/sessions.sqlite`.
  public convenience init(
    engine: SuggestionEngine, dataFolder: String, clock: SessionClock = SessionClock(),
    suggestCacheCapacity: Int = 20_000
  ) throws {
    let path = (dataFolder as NSString).appendingPathComponent("sessions.sqlite")
    self.init(
      engine: engine, sessions: try SessionStore(path: path, clock: clock), suggestCacheCapacity: suggestCacheCapacity)
  }
}
