import ArgumentParser
import Foundation
import QuestionVectors
import Ranking
import Workbench

/// The options every data command takes: which data folder, which tenant.
struct DataOptions: ParsableArguments {
  @Option(help: "The data folder (SQLite store and index).")
  var data = "./replykit-data"

  @Option(help: "The tenant.")
  var tenant = "default"

  func validate() throws {
    // A tenant's name also names its folders (`models/<tenant>`): `.` or `..` would name others.
    guard Self.isValidName(tenant), SemanticStage.isFolderName(tenant) else {
      throw ValidationError("--tenant must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")
    }
  }

  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64
      && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }
  }

  /// Opens the data folder; the index catches up with the store on the way.
  func openEngine() async throws -> SuggestionEngine {
    let engine = try await SuggestionEngine(dataFolder: data)
    if let damage = engine.openReport.damage { Terminal.note("the index was damaged (\(damage)); rebuilt it") }
    if engine.openReport.rebuilt && engine.openReport.caughtUp > 0 {
      Terminal.note("index rebuilt from the store (\(engine.openReport.caughtUp) items)")
    } else if engine.openReport.caughtUp > 0 {
      Terminal.note("index caught up with \(engine.openReport.caughtUp) changes from the store")
    }
    return engine
  }
}

/// Messages for people, on standard error, so that standard output stays the command's result.
enum Terminal {
  static let isInteractive = isatty(STDERR_FILENO) == 1
  static let stdoutIsInteractive = isatty(STDOUT_FILENO) == 1

  static func note(_ message: String) {
    FileHandle.standardError.write(Data("replykit: \(message)\n".utf8))
  }

  /// `text` with the highlighted UTF-16 ranges in bold, on a terminal; plain otherwise.
  static func emphasized(_ text: String, _ highlights: [Highlight]) -> String {
    guard stdoutIsInteractive, !highlights.isEmpty else { return text }
    let utf16 = Array(text.utf16)
    var out = ""
    var at = 0
    for highlight in highlights where highlight.start >= at && highlight.end <= utf16.count {
      out += String(decoding: utf16[at..<highlight.start], as: UTF16.self)
      out += "\u{1B}[1;4m" + String(decoding: utf16[highlight.start..<highlight.end], as: UTF16.self) + "\u{1B}[0m"
      at = highlight.end
    }
    return out + String(decoding: utf16[at...], as: UTF16.self)
  }
}
