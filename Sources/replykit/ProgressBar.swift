import Foundation

/// A one-line progress bar on standard error, with rate and ETA, redrawn at most ten times a second.
/// Updated by one thread at a time (the loop whose progress it shows, which may run off the caller's task).
final class ProgressBar: @unchecked Sendable {
  private let total: Int
  private let enabled: Bool
  private let started = ContinuousClock.now
  private var lastDraw = ContinuousClock.now - .seconds(1)
  private var drawn = false
  private var bytes = 0
  private var items = 0
  private var status = ""

  init(total: Int, enabled: Bool) {
    self.total = total
    self.enabled = enabled
  }

  func update(bytes: Int, items: Int) {
    self.bytes = bytes
    self.items = items
    guard enabled, ContinuousClock.now - lastDraw >= .milliseconds(100) else { return }
    draw()
  }

  private func draw() {
    lastDraw = ContinuousClock.now
    let elapsed = max((ContinuousClock.now - started).milliseconds / 1000, 0.001)
    let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 1
    let width = 30
    let filled = Int(fraction * Double(width))
    let rate = Double(items) / elapsed
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    let line =
      "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
      + String(
        format: "%3.0f%% %@/%@ %@ items/s ETA %@", fraction * 100, Self.megabytes(bytes), Self.megabytes(total),
        Self.count(rate), Self.clock(eta)) + (status.isEmpty ? "" : "  " + status)
    FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    drawn = true
  }

  /// Shows what is happening after the file is read (the index catching up).
  func show(status: String) {
    self.status = status
    guard enabled else { return }
    draw()
  }

  /// Clears the bar so that a message can be printed on its line.
  func clear() {
    guard drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    drawn = false
  }

  func finish() {
    guard enabled else { return }
    draw()
    FileHandle.standardError.write(Data("\n".utf8))
  }

  static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
  static func count(_ value: Double) -> String { String(Int(value)) }
  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return String(format: "%d:%02d", s / 60, s % 60)
  }
}
