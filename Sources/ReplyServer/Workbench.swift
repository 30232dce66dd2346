import Foundation
import Knowledge
import Logging
import SearchIndex
import ServiceLifecycle
import Sessions
import TextAnalysis

/// Everything the service serves from one data folder: the knowledge and its index (`SuggestionEngine`), the
/// conversations (`sessions.sqlite`), and the live events that tie them to the agents' pages.
public final class Workbench: Sendable {
  public let engine: SuggestionEngine
  public let sessions: SessionStore
  public let events: EventHub
  /// Picks made while sending replies reach the index in the background (usage ranking within a second).
  let usage: BackgroundCatchUp
  /// How many `#` completions of the current index commit the service keeps (0: none).
  public let suggestCacheCapacity: Int

  public init(engine: SuggestionEngine, sessions: SessionStore, suggestCacheCapacity: Int = 20_000) {
    self.engine = engine
    self.sessions = sessions
    self.suggestCacheCapacity = suggestCacheCapacity
    events = EventHub()
    usage = engine.backgroundCatchUp()
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

  /// The words the history search finds a message by: the tenant analyzer's terms (and compounds' parts).
  func searchTerms(_ text: String, tenant: String) throws -> String {
    let tokens = try engine.analyzer(for: tenant).analyze(text, options: AnalysisOptions(pinyinKeys: false))
    var terms: [String] = []
    for token in tokens {
      terms.append(token.term)
      terms += token.parts
    }
    return terms.map(Self.ftsSafe).joined(separator: " ")
  }

  /// An FTS5 match expression that finds messages with every word of `query` (the last may be unfinished).
  func historyMatch(_ query: String, tenant: String) throws -> String? {
    let tokens = try engine.analyzer(for: tenant).analyze(query, options: AnalysisOptions(pinyinKeys: false))
    let terms = tokens.map { token -> String in
      let quoted = "\"" + Self.ftsSafe(token.term).replacingOccurrences(of: "\"", with: "\"\"") + "\""
      return token.isUnfinished ? quoted + "*" : quoted
    }
    return terms.isEmpty ? nil : terms.joined(separator: " AND ")
  }

  /// unicode61 splits on punctuation inside a term; spaces are the only separators the analyzer's terms need.
  private static func ftsSafe(_ term: String) -> String {
    term.replacingOccurrences(of: " ", with: "_")
  }
}

/// Raises alarms and ends idle sessions once a second, and closes the live streams when the service stops
/// (an open stream would otherwise keep the graceful shutdown waiting).
public struct SessionSweeper: Service {
  let workbench: Workbench
  let logger: Logger

  public init(workbench: Workbench, logger: Logger = Logger(label: "replykit.sessions")) {
    self.workbench = workbench
    self.logger = logger
  }

  public func run() async throws {
    await withGracefulShutdownHandler {
      var beats = 0
      while !Task.isCancelled && !Task.isShuttingDownGracefully {
        try? await Task.sleep(for: .seconds(1))
        do {
          let result = try workbench.sessions.sweep()
          for session in result.alarms {
            ServiceMetrics.alarmRaised()
            SessionRoutes.publish(.alarm, session, on: workbench)
          }
          for session in result.timedOut { SessionRoutes.publish(.sessionEnded, session, on: workbench) }
        } catch {
          logger.error("session sweep failed: \(error)")
        }
        // An index left behind the store (its writer met a full disk) follows once there is room again.
        if (try? workbench.engine.indexIsBehind()) == true {
          do { try await workbench.engine.catchUp() } catch { logger.warning("the index could not catch up: \(error)") }
        }
        beats += 1
        if beats % 15 == 0 { workbench.events.heartbeat() }
      }
    } onGracefulShutdown: {
      workbench.events.close()
    }
    workbench.events.close()
  }
}
