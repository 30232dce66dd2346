/// Cuts a byte stream, fed in chunks of any size, into numbered lines: a line ends at LF, and a CR before the LF is
/// dropped. Splitting on bytes is safe for UTF-8 (no multi-byte sequence contains 0x0A), so a chunk may end in the
/// middle of a character; nothing is decoded here.
///
/// It never holds more than one line (up to `maxLineBytes`) and one chunk: a longer line is counted, dropped, and
/// reported as `tooLong`. A UTF-8 byte order mark at the very start is dropped.
public struct LineSplitter: Sendable {
  /// Lines longer than this (terminator excluded) are reported as `tooLong` instead of their bytes.
  public let maxLineBytes: Int
  private var buffer: [UInt8] = []
  /// Bytes of the current line beyond those in `buffer`, once it has passed `maxLineBytes`.
  private var overflow = 0
  /// The last byte of the current line, kept when it overflowed: a CR there is the CRLF's, not content.
  private var lastByte: UInt8?
  private var lineNumber = 1
  private var offset = 0
  /// Whether the current line has any byte yet (a last line without LF is still a line; an empty tail is not).
  private var lineStarted = false

  public init(maxLineBytes: Int = ImportLimits.maxLineBytes) {
    self.maxLineBytes = maxLineBytes
  }

  /// Adds bytes and calls `body` with every line they complete.
  public mutating func append(_ chunk: some Collection<UInt8>, _ body: (SplitLine) throws -> Void) rethrows {
    let done: Void? = try chunk.withContiguousStorageIfAvailable { bytes in try append(bytes, body) }
    if done == nil {
      try Array(chunk).withUnsafeBufferPointer { bytes in try append(bytes, body) }
    }
  }

  /// Ends the stream: calls `body` with the last line when it has no LF.
  public mutating func finish(_ body: (SplitLine) throws -> Void) rethrows {
    if lineStarted {
      try body(takeLine())
    }
  }

  private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (SplitLine) throws -> Void) rethrows {
    var start = 0
    while start < bytes.count {
      lineStarted = true
      let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
      let end = newline ?? bytes.count
      store(UnsafeBufferPointer(rebasing: bytes[start..<end]))
      offset += end - start
      guard let newline else { return }
      offset += 1
      try body(takeLine())
      start = newline + 1
    }
  }

  private mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) {
    // Room for a CR (dropped with its LF) and, on the first line, a byte order mark: a line whose content fits the
    // limit is then always whole in the buffer.
    let room = max(0, maxLineBytes + 1 + (lineNumber == 1 ? Self.byteOrderMark.count : 0) - buffer.count)
    if let last = bytes.last { lastByte = last }
    if bytes.count <= room {
      buffer.append(contentsOf: bytes)
    } else {
      buffer.append(contentsOf: bytes.prefix(room))
      overflow += bytes.count - room
    }
  }

  private mutating func takeLine() -> SplitLine {
    let markLength = lineNumber == 1 && buffer.starts(with: Self.byteOrderMark) ? Self.byteOrderMark.count : 0
    let crLength = lastByte == UInt8(ascii: "\r") && buffer.count + overflow > markLength ? 1 : 0
    let length = buffer.count + overflow - markLength - crLength
    let content: SplitLine.Content
    if length > maxLineBytes {
      content = .tooLong(byteCount: length)
    } else {
      content = .bytes(Array(buffer[markLength..<(buffer.count - crLength)]))
    }
    let line = SplitLine(number: lineNumber, content: content, endOffset: offset)
    lineNumber += 1
    buffer.removeAll(keepingCapacity: buffer.capacity <= Self.keptCapacity)
    overflow = 0
    lastByte = nil
    lineStarted = false
    return line
  }

  private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
  /// A buffer grown by one long line is released rather than kept for the short lines that follow.
  private static let keptCapacity = 64 * 1024
}
