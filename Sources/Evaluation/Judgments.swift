import Foundation

/// Why evaluation input could not be read: the file and line, and what is wrong.
public struct EvaluationInputError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var line: Int
  public var reason: String

  public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }

  public init(file: String, line: Int, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }
}

/// TREC relevance judgments: `qid 0 docid grade`, one per line.
public struct Qrels: Sendable, Equatable {
  /// Query id -> document id -> grade (grades above 0 are relevant).
  public var judgments: [String: [String: Int]]

  public init(judgments: [String: [String: Int]]) { self.judgments = judgments }

  public init(path: String) throws {
    judgments = [:]
    for (number, line) in try Self.lines(path) {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard fields.count == 4, let grade = Int(fields[3]) else {
        throw EvaluationInputError(file: path, line: number, reason: "want `qid 0 docid grade`")
      }
      judgments[String(fields[0]), default: [:]][String(fields[2])] = grade
    }
  }

  /// The documents relevant to a query (grade above 0).
  public func relevant(_ qid: String) -> [String: Int] { (judgments[qid] ?? [:]).filter { $0.value > 0 } }

  /// The non-blank lines of a UTF-8 file with their 1-based numbers (a final `\r` dropped).
  public static func lines(_ path: String) throws -> [(Int, Substring)] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EvaluationInputError(file: path, line: 0, reason: "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw EvaluationInputError(file: path, line: 0, reason: "not valid UTF-8")
    }
    return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
      return trimmed.isEmpty ? nil : (index + 1, line.hasSuffix("\r") ? line.dropLast() : line)
    }
  }
}

/// Queries: `qid<TAB>text`, one per line.
public struct Queries: Sendable, Equatable {
  public var items: [(id: String, text: String)]

  public static func == (a: Queries, b: Queries) -> Bool {
    a.items.map(\.id) == b.items.map(\.id) && a.items.map(\.text) == b.items.map(\.text)
  }

  public init(items: [(id: String, text: String)]) { self.items = items }

  public init(path: String) throws {
    items = []
    for (number, line) in try Qrels.lines(path) {
      guard let tab = line.firstIndex(of: "\t") else {
        throw EvaluationInputError(file: path, line: number, reason: "want `qid<TAB>text`")
      }
      items.append((String(line[..<tab]), String(line[line.index(after: tab)...])))
    }
  }

  /// Prefixes of each query at the given percentages of its length, as `qid__p30`: characters for CJK and
  /// Thai text, words for text with spaces (the same cut as the shared collections' prefix files).
  public func cut(at percentages: [Int]) -> Queries {
    var out: [(String, String)] = []
    for (id, text) in items {
      let words = text.split(separator: " ")
      for percent in percentages {
        if words.count > 1 {
          let count = max(1, Int((Double(words.count) * Double(percent) / 100).rounded(.up)))
          out.append(("\(id)__p\(percent)", words.prefix(count).joined(separator: " ")))
        } else {
          let characters = Array(text)
          let count = max(1, Int((Double(characters.count) * Double(percent) / 100).rounded(.up)))
          out.append(("\(id)__p\(percent)", String(characters.prefix(count))))
        }
      }
    }
    return Queries(items: out)
  }
}
