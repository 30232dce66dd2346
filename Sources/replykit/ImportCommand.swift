import ArgumentParser
import Foundation
import Knowledge
import SearchIndex

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
    var totals = ImportTally()
    var unreadable = false
    for file in files {
      do {
        let tally = try await importFile(file, into: engine)
        totals.add(tally)
        print("\(file): \(tally.summary)")
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

  private func importFile(_ file: String, into engine: SuggestionEngine) async throws -> ImportTally {
    let reader =
      if let format {
        KnowledgeFileReader(path: file, format: format, displayName: file)
      } else {
        try KnowledgeFileReader(path: file, displayName: file)
      }
    let progress = ProgressBar(total: try reader.totalBytes, enabled: !quiet && Terminal.isInteractive)
    let indexing = engine.backgroundCatchUp()
    var tally = ImportTally()
    var pending: [KnowledgeItem] = []
    pending.reserveCapacity(batch)

    // Each batch is one store transaction (a crash leaves whole items only); the index catches up in the
    // background while the next batch is read.
    func flush() throws {
      guard !pending.isEmpty else { return }
      for outcome in try engine.store.upsert(pending, tenant: options.tenant) { tally.count(outcome) }
      pending.removeAll(keepingCapacity: true)
      indexing.poke()
    }

    try reader.read { record in
      switch record.outcome {
      case .success(let item):
        pending.append(item)
        if pending.count >= batch { try flush() }
      case .failure(let error):
        progress.clear()
        tally.reject(error)
      }
      progress.update(bytes: record.bytesRead, items: tally.read + pending.count)
    }
    try flush()
    progress.show(status: "indexing the last items")
    try await indexing.finish()
    progress.show(status: "")
    progress.finish()
    return tally
  }
}

extension ImportFormat: ExpressibleByArgument {}

/// Counts of one import.
struct ImportTally {
  var added = 0
  var updated = 0
  var unchanged = 0
  var rejected = 0
  var printedErrors = 0
  static let maxPrintedErrors = 200

  var read: Int { added + updated + unchanged + rejected }

  mutating func count(_ outcome: KnowledgeStore.UpsertOutcome) {
    switch outcome {
    case .added: added += 1
    case .updated: updated += 1
    case .unchanged: unchanged += 1
    }
  }

  mutating func reject(_ error: ImportLineError) {
    rejected += 1
    printedErrors += 1
    if printedErrors <= Self.maxPrintedErrors {
      FileHandle.standardError.write(Data("\(error.description)\n".utf8))
    } else if printedErrors == Self.maxPrintedErrors + 1 {
      FileHandle.standardError.write(Data("(more rejected lines are counted, not printed)\n".utf8))
    }
  }

  mutating func add(_ other: ImportTally) {
    added += other.added
    updated += other.updated
    unchanged += other.unchanged
    rejected += other.rejected
  }

  var summary: String { "added \(added), updated \(updated), unchanged \(unchanged), rejected \(rejected)" }
}
