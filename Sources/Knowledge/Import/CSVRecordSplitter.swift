/// Cuts a CSV byte stream (RFC 4180), fed in chunks of any size, into records of fields, each with the line where it
/// starts.
///
/// Written here rather than taken from a library because every import error must name the line where its record
/// starts, and the CSV readers available report no line numbers (a quoted field can span lines, so the record count
/// is not the line number).
///
/// It works on bytes: the structural characters (`"`, `,`, CR, LF) are ASCII and never occur inside a UTF-8 multi-byte
/// sequence, so a chunk may end anywhere, and the fields' UTF-8 is checked afterwards on their raw bytes.
///
/// Rules: a record ends at LF or CRLF outside quotes; a field that starts with `"` runs to the next lone `"`, and `""`
/// inside it is one quote; line breaks inside quotes belong to the field (a CRLF there becomes LF). It is lenient
/// where RFC 4180 is silent: a `"` inside an unquoted field is kept, and text after a closing quote is appended
/// (as Python's csv module does). A blank line is skipped. A UTF-8 byte order mark at the very start is dropped.
struct CSVRecordSplitter: Sendable {
  private enum State {
    case fieldStart
    case unquoted
    case quoted
    /// A `"` inside a quoted field: the end of the field, or the first half of `""`.
    case quoteInQuoted
  }

  let maxRecordBytes: Int
  private var state = State.fieldStart
  private var fields: [[UInt8]] = []
  private var field: [UInt8] = []
  /// A CR not yet known to be the first half of a CRLF.
  private var pendingCR = false
  private var line = 1
  private var recordLine = 1
  /// Where the current record starts in the stream.
  private var recordStart = 0
  /// Field bytes kept for the current record; past `maxRecordBytes` they are counted but dropped.
  private var storedBytes = 0
  private var offset = 0
  private var byteOrderMarkMatched = 0
  private var pastByteOrderMark = false

  init(maxRecordBytes: Int = ImportLimits.maxLineBytes) {
    self.maxRecordBytes = maxRecordBytes
  }

  /// Adds bytes and calls `body` with every record they complete.
  mutating func append(_ chunk: some Collection<UInt8>, _ body: (CSVRecord) throws -> Void) rethrows {
    let done: Void? = try chunk.withContiguousStorageIfAvailable { bytes in
      for byte in bytes { try consume(byte, body) }
    }
    if done == nil {
      for byte in chunk { try consume(byte, body) }
    }
  }

  /// Ends the stream: calls `body` with the last record when it has no line break.
  mutating func finish(_ body: (CSVRecord) throws -> Void) rethrows {
    if !pastByteOrderMark {
      try replayByteOrderMarkPrefix(body)
    }
    var end = offset
    if pendingCR {
      // A CR at the very end ends the line, as CRLF would.
      pendingCR = false
      end -= 1
    }
    if state == .quoted {
      try body(CSVRecord(line: recordLine, content: .unclosedQuote, endOffset: offset))
      return
    }
    if state != .fieldStart || !fields.isEmpty {
      try endRecord(contentEnd: end, body)
    }
  }

  private mutating func consume(_ byte: UInt8, _ body: (CSVRecord) throws -> Void) rethrows {
    offset += 1
    if !pastByteOrderMark {
      if byte == Self.byteOrderMark[byteOrderMarkMatched] {
        byteOrderMarkMatched += 1
        if byteOrderMarkMatched == Self.byteOrderMark.count {
          pastByteOrderMark = true
          recordStart = offset
        }
        return
      }
      try replayByteOrderMarkPrefix(body)
    }
    if pendingCR {
      pendingCR = false
      if byte == UInt8(ascii: "\n") {
        try lineFeed(terminatorLength: 2, body)
        return
      }
      data(UInt8(ascii: "\r"))
    }
    switch byte {
    case UInt8(ascii: "\r"):
      pendingCR = true
    case UInt8(ascii: "\n"):
      try lineFeed(terminatorLength: 1, body)
    case UInt8(ascii: "\""):
      quote()
    case UInt8(ascii: ","):
      comma()
    default:
      data(byte)
    }
  }

  /// Bytes that began like a byte order mark but were not one are data.
  private mutating func replayByteOrderMarkPrefix(_ body: (CSVRecord) throws -> Void) rethrows {
    pastByteOrderMark = true
    for byte in Self.byteOrderMark.prefix(byteOrderMarkMatched) {
      data(byte)
    }
  }

  private mutating func data(_ byte: UInt8) {
    switch state {
    case .fieldStart, .quoteInQuoted: state = .unquoted
    case .unquoted, .quoted: break
    }
    store(byte)
  }

  private mutating func quote() {
    switch state {
    case .fieldStart:
      state = .quoted
    case .quoted:
      state = .quoteInQuoted
    case .quoteInQuoted:
      state = .quoted
      store(UInt8(ascii: "\""))
    case .unquoted:
      store(UInt8(ascii: "\""))
    }
  }

  private mutating func comma() {
    if state == .quoted {
      store(UInt8(ascii: ","))
      return
    }
    fields.append(field)
    field = []
    state = .fieldStart
  }

  private mutating func lineFeed(terminatorLength: Int, _ body: (CSVRecord) throws -> Void) rethrows {
    line += 1
    if state == .quoted {
      store(UInt8(ascii: "\n"))
      return
    }
    if state == .fieldStart && fields.isEmpty {
      // A blank line: no record.
      recordLine = line
      recordStart = offset
      return
    }
    try endRecord(contentEnd: offset - terminatorLength, body)
  }

  private mutating func endRecord(contentEnd: Int, _ body: (CSVRecord) throws -> Void) rethrows {
    fields.append(field)
    let length = contentEnd - recordStart
    let content: CSVRecord.Content = length > maxRecordBytes ? .tooLong(byteCount: length) : .fields(fields)
    let record = CSVRecord(line: recordLine, content: content, endOffset: offset)
    fields = []
    field = []
    state = .fieldStart
    recordLine = line
    recordStart = offset
    storedBytes = 0
    try body(record)
  }

  private mutating func store(_ byte: UInt8) {
    storedBytes += 1
    // Past the limit the record is only counted (it will be reported too long): its bytes are dropped, but the quotes
    // are still followed so that the next record starts where it should.
    if storedBytes <= maxRecordBytes {
      field.append(byte)
    } else if storedBytes == maxRecordBytes + 1 {
      fields = []
      field = []
    }
  }

  private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
