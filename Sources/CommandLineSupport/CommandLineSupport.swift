import ArgumentParser
import Foundation
import Knowledge

/// What both executables print and parse alike: `replykit` (what users run) and `replykit-bench` (the lab).

/// `--json` output: one object, keys sorted, slashes as they are.
public enum JSONOutput {
  public static func print<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }
}

extension KnowledgeSource: ExpressibleByArgument {}

extension Duration {
  /// The duration in milliseconds, as timings are printed.
  public var milliseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
  }
}
