import Foundation

/// Reads a knowledge import file from disk in chunks, so that a file of hundreds of megabytes takes the memory of
/// one chunk and one record.
public struct KnowledgeFileReader: Sendable {
  public let path: String
  public let format: ImportFormat
  /// The name errors give the file (the uploaded name, say, rather than a temporary path).
  public let displayName: String
  /// Bytes read at a time.
  public let chunkSize: Int

  public static let defaultChunkSize = 1024 * 1024

  public init(path: String, format: ImportFormat, displayName: String? = nil, chunkSize: Int = defaultChunkSize) {
    precondition(chunkSize > 0, "chunk size must be positive")
    self.path = path
    self.format = format
    self.displayName = displayName ?? URL(fileURLWithPath: path).lastPathComponent
    self.chunkSize = chunkSize
  }

  /// A reader for the format the file's extension names; throws `unsupportedFormat` when it names none.
  public init(path: String, displayName: String? = nil, chunkSize: Int = defaultChunkSize) throws(ImportFileError) {
    guard let format = ImportFormat.forFile(path: path) else {
      throw .unsupportedFormat(file: displayName ?? URL(fileURLWithPath: path).lastPathComponent)
    }
    self.init(path: path, format: format, displayName: displayName, chunkSize: chunkSize)
  }

  /// The file's size in bytes, the total for `ImportRecordResult.bytesRead`.
  public var totalBytes: Int {
    get throws(ImportFileError) {
      let handle = try open()
      defer { try? handle.close() }
      do {
        return Int(try handle.seekToEnd())
      } catch {
        throw .cannotRead(file: displayName, reason: Self.reason(error))
      }
    }
  }

  /// Calls `body` with every record of the file, in order.
  ///
  /// Throws `ImportFileError` when the file cannot be opened or read or (CSV) its header cannot be used, and rethrows
  /// what `body` throws, which stops the reading. Invalid records are passed to `body`, not thrown.
  public func read(_ body: (ImportRecordResult) throws -> Void) throws {
    let handle = try open()
    defer { try? handle.close() }
    var parser = KnowledgeImportParser(format: format, fileName: displayName)
    while true {
      let chunk: Data?
      do {
        chunk = try handle.read(upToCount: chunkSize)
      } catch {
        throw ImportFileError.cannotRead(file: displayName, reason: Self.reason(error))
      }
      guard let chunk, !chunk.isEmpty else { break }
      try parser.append(chunk, body)
    }
    try parser.finish(body)
  }

  private func open() throws(ImportFileError) -> FileHandle {
    do {
      return try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
      throw .cannotOpen(file: displayName, reason: Self.reason(error))
    }
  }

  /// The operating system's words for a failure (Foundation's own wrap them in a sentence naming the full path).
  private static func reason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if nsError.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(nsError.code)))
    }
    return nsError.localizedDescription
  }
}
