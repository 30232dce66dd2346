import ArgumentParser
import Foundation

/// Word list files (user dictionaries, synonyms): UTF-8, one entry per line, `#` starts a comment line.
enum WordListFile {
  static func read(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationError("\(path): cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ValidationError("\(path): not valid UTF-8")
    }
    return text.split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
  }
}
