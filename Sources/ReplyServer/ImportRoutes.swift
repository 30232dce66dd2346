import Foundation
import Hummingbird
import Knowledge
import Ranking
import Workbench

/// Bulk imports over HTTP: the upload is parsed as it streams in (never held whole), written in batches,
/// and recorded as a job whose progress `GET /v1/imports/{id}` shows while the upload runs.
struct ImportRoutes {
  let engine: SuggestionEngine

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.post("imports", use: create)
    group.get("imports/{id}", use: read)
  }

  /// How often a running job's counts are written for readers.
  static let progressInterval: Duration = .milliseconds(500)

  @Sendable func create(_ request: Request, context: ReplyRequestContext) async throws -> EditedResponse<ImportJobJSON>
  {
    let caller = try context.caller()
    guard caller.isAdmin else { throw APIError.forbidden("imports need the tenant's administrator key") }
    let parameters = request.uri.queryParameters
    let format: ImportFormat
    if let name = parameters.get("format") {
      guard let parsed = ImportFormat(rawValue: name) else { throw APIError.invalid("format must be jsonl or csv") }
      format = parsed
    } else {
      format = request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true ? .csv : .jsonLines
    }
    let id = parameters.get("id") ?? "imp-" + UUID().uuidString.prefix(8).lowercased()
    guard Self.isValidID(id) else { throw APIError.invalid("id must be 1 to 64 letters, digits, '.', '_' or '-'") }

    let created = ImportJob(id: id, format: format.rawValue)
    try engine.store.createImportJob(tenant: caller.tenant, created)
    // The session keeps the job: its counts are written with each batch (see ImportSession.job).
    let session = ImportSession(engine: engine, tenant: caller.tenant)
    session.job = created
    var parser = KnowledgeImportParser(format: format, fileName: "upload")
    var lastProgress = ContinuousClock.now
    var bytes = 0
    func record(_ state: ImportJob.State, message: String? = nil) throws {
      var job = session.job!
      job.counts = session.counts  // lines rejected since the last batch too
      job.state = state
      job.bytes = bytes
      job.message = message
      if state != .running {
        job.finishedAt = Date()
        ServiceMetrics.importFinished(state.rawValue)
      }
      try engine.store.updateImportJob(tenant: caller.tenant, job)
      session.job = job
    }
    do {
      for try await chunk in request.body {
        bytes += chunk.readableBytes
        try parser.append(chunk.readableBytesView) { try session.add($0) }
        if ContinuousClock.now - lastProgress >= Self.progressInterval {
          lastProgress = ContinuousClock.now
          try record(.running)
        }
      }
      try parser.finish { try session.add($0) }
      try await session.finish()
      try record(.succeeded)
    } catch let error as ImportFileError {
      try await session.finish()
      try record(.failed, message: error.description)
    } catch {
      // What was applied stays (whole batches); the job says so.
      try? await session.finish()
      try? record(.failed, message: "the import stopped: \(APIError.from(error).message)")
      throw error
    }
    return EditedResponse(status: .created, response: ImportJobJSON(job: session.job!))
  }

  @Sendable func read(_ request: Request, context: ReplyRequestContext) async throws -> ImportJobJSON {
    let caller = try context.caller()
    let id = try context.pathParameter("id")
    guard let job = try engine.store.importJob(tenant: caller.tenant, id: id) else {
      throw APIError.notFound("no import with that id")
    }
    return ImportJobJSON(job: job)
  }

  static func isValidID(_ id: String) -> Bool {
    !id.isEmpty && id.unicodeScalars.count <= 64
      && id.unicodeScalars.allSatisfy {
        CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0)
      }
  }
}

/// A job as the API shows it (dates in ISO 8601, whatever the encoder's date strategy).
struct ImportJobJSON: ResponseEncodable {
  let job: ImportJob

  private enum Keys: String, CodingKey {
    case id, state, format, read, added, updated, unchanged, rejected, errors, bytes, createdAt, finishedAt, message
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Keys.self)
    let dates = ISO8601DateFormatter()
    try container.encode(job.id, forKey: .id)
    try container.encode(job.state, forKey: .state)
    try container.encode(job.format, forKey: .format)
    try container.encode(job.read, forKey: .read)
    try container.encode(job.added, forKey: .added)
    try container.encode(job.updated, forKey: .updated)
    try container.encode(job.unchanged, forKey: .unchanged)
    try container.encode(job.rejected, forKey: .rejected)
    try container.encode(job.errors, forKey: .errors)
    try container.encode(job.bytes, forKey: .bytes)
    try container.encode(dates.string(from: job.createdAt), forKey: .createdAt)
    try container.encodeIfPresent(job.finishedAt.map { dates.string(from: $0) }, forKey: .finishedAt)
    try container.encodeIfPresent(job.message, forKey: .message)
  }
}
