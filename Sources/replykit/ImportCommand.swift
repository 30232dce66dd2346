import ArgumentParser
import Foundation
import Knowledge
import Ranking
import Workbench

/// `replykit import`: knowledge from JSON Lines or CSV files, upserted by id.
struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import knowledge from JSON Lines or CSV files (upserts by id).",
    discussion: """
      Each bad line is reported as file:line: reason and skipped; the rest is imported. Exit status: 0 when \
      every line was imported, 1 when any line was rejected, 2 when a file could not be read.
      """)

  @OptionGroup var options: DataOptions

  @Argument(help: "JSON Lines (.jsonl, .ndjson, .json) or CSV (.csv) files.")
  var files: [String]

  @Option(help: "The format of every file: jsonl or csv (default: by extension).")
  var format: ImportFormat?

  @Option(help: "Items per store transaction.")
  var batch = 1_000

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("name at least one file") }
    guard (1...100_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 100000") }
  }

  func run() async throws {
    let engine = try await options.openEngine()
    var totals = ImportSession.Counts()
    var unreadable = false
    for file in files {
      do {
        let counts = try await importFile(file, into: engine)
        totals.add(counts)
        print("\(file): \(counts.summary)")
      } catch let error as ImportFileError {
        Terminal.note(error.description)
        unreadable = true
      }
    }
    try await engine.catchUp()
    if files.count > 1 { print("total: \(totals.summary)") }
    if unreadable { throw ExitCode(2) }
    if totals.rejected > 0 { throw ExitCode(1) }
  }

  private func importFile(_ file: String, into engine: SuggestionEngine) async throws -> ImportSession.Counts {
    let reader =
      if let format {
        KnowledgeFileReader(path: file, format: format, displayName: file)
      } else {
        try KnowledgeFileReader(path: file, displayName: file)
      }
    let progress = ProgressBar(total: try reader.totalBytes, enabled: !quiet && Terminal.isInteractive)
    // Each batch is one store transaction (a crash leaves whole items only); the index catches up in the
    // background while the next batch is read.
    let session = ImportSession(engine: engine, tenant: options.tenant, batchSize: batch)
    var printed = RejectedLinePrinter()
    session.onRejected = { error in
      progress.clear()
      printed.print(error)
    }
    try reader.read { record in
      try session.add(record)
      progress.update(bytes: record.bytesRead, items: session.counts.read + session.pendingCount)
    }
    progress.show(status: "indexing the last items")
    let counts = try await session.finish()
    progress.show(status: "")
    progress.finish()
    return counts
  }
}

/// Prints rejected lines on standard error, up to a bound (a broken 200 MB file would print millions).
struct RejectedLinePrinter {
  private var count = 0
  static let limit = 200

  mutating func print(_ error: ImportLineError) {
    count += 1
    if count <= Self.limit {
      FileHandle.standardError.write(Data("\(error.description)\n".utf8))
    } else if count == Self.limit + 1 {
      FileHandle.standardError.write(Data("(more rejected lines are counted, not printed)\n".utf8))
    }
  }
}

extension ImportFormat: ExpressibleByArgument {}
