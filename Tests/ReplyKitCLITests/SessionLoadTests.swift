import Foundation
import TestSupport
import Testing

/// `replykit-bench sessions` and `routing` as the load tests run them: a real `replykit serve` child, killed with SIGKILL
/// mid-run and restarted; the command itself counts the messages in SQLite and fails on any lost or duplicated
/// acknowledged message.
@Suite(.blocking, .serialized) struct SessionLoadTests {
  @Test func killingTheServerMidRunLosesNoAcknowledgedMessage() throws {
    let port = CLIProcess.freePortGuess()
    let output = try CLIProcess.bench([
      "sessions", "--sessions", "16", "--rounds", "12", "--agents", "4", "--items", "500",
      "--kill-after", "1.5", "--port", String(port), "--time-limit", "120",
    ])
    #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
    // The kill happened while messages were still being posted, and the count held.
    #expect(output.stdout.contains("server restarts: 1"), "\(output.stdout)")
    #expect(output.stdout.contains("384 acknowledged, 384 stored, 0 lost, 0 duplicated"), "\(output.stdout)")
  }

  /// `replykit-bench routing` with the server killed (SIGKILL) while customers arrive and agents take and end
  /// sessions: the command reads the store back and fails if a session was assigned twice, an assigned one
  /// lost its assignment, or an agent ever held more sessions than its limit.
  @Test func killingTheServerWhileRoutingAssignsNothingTwiceAndKeepsTheLimits() throws {
    let port = CLIProcess.freePortGuess()
    let output = try CLIProcess.bench([
      "routing", "--customers", "80", "--arrival-seconds", "4", "--agents", "6", "--groups", "2",
      "--max-sessions", "3", "--hold-seconds", "1", "--kill-after", "2", "--port", String(port),
    ])
    #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
    #expect(output.stdout.contains("killing the server (SIGKILL) after 2.0 s"), "\(output.stdout)")
    #expect(output.stdout.contains("checks: every session assigned at most once"), "\(output.stdout)")
  }
}
