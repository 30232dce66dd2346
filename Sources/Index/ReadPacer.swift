import Dispatch

/// Spaces out the background reads of a cache that is read again for every terms generation: a read that took
/// d may be followed by the next no sooner than `spacing` times d after it ended. A bulk load commits, and so
/// changes the generation, every second or so; unpaced, reading a million items' terms after every commit kept
/// a core busy and the agents' suggestions waiting (`replykit-bench soak`).
package struct ReadPacer {
  package static let spacing: UInt64 = 4
  private var nextAllowed: UInt64 = 0

  package static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

  package func mayStart(at now: UInt64 = Self.now) -> Bool { now >= nextAllowed }

  package mutating func finished(startedAt start: UInt64, endedAt end: UInt64 = Self.now) {
    nextAllowed = end + (end &- start) * Self.spacing
  }
}
