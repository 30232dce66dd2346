import Logging
import ServiceLifecycle

/// Once a second: raises alarms, ends idle sessions, sets agents without a live stream offline and routes the
/// queues. Closes the live streams when the service stops (an open stream would otherwise keep the graceful
/// shutdown waiting).
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
        // A stop ends the wait at once: it would otherwise hold the shutdown for up to a second, and the sweep
        // after it would run on a workbench that is stopping.
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        if Task.isCancelled || Task.isShuttingDownGracefully { break }
        do {
          let result = try workbench.sessions.sweep()
          for session in result.alarms {
            WorkbenchMetrics.alarmRaised()
            workbench.events.publish(.session(.alarm, session))
            workbench.sendAutoReply(.waitNotice, to: session)
          }
          for session in result.timedOut {
            workbench.events.publish(.session(.sessionEnded, session))
            workbench.sendAutoReply(.closing, to: session)
          }
          try workbench.remindIdleCustomers()
        } catch {
          logger.error("session sweep failed: \(error)")
        }
        do {
          try workbench.sweepRouting()
        } catch {
          logger.error("routing sweep failed: \(error)")
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
