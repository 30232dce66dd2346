import Foundation
import Testing

/// `replykit-bench sessions` as the load test runs it: a real `replykit serve` child, killed with SIGKILL
/// mid-run and restarted; the command itself counts the messages in SQLite and fails on any lost or duplicated
/// acknowledged message.
@Suite(.serialized) struct SessionLoadTests {
  @Test func killingTheServerMidRunLosesNoAcknowledgedMessage() throws {
    let port = Int.random(in: 20_000...40_000)
    let output = try CLIProcess.bench([
      "sessions", "--sessions", "16", "--rounds", "12", "--agents", "4", "--items", "500",
      "--kill-after", "1.5", "--port", String(port), "--time-limit", "120",
    ])
    #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
    // The kill happened while messages were still being posted, and the count held.
    #expect(output.stdout.contains("server restarts: 1"), "\(output.stdout)")
    #expect(output.stdout.contains("384 acknowledged, 384 stored, 0 lost, 0 duplicated"), "\(output.stdout)")
  }
}
