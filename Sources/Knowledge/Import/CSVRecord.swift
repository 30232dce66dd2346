/// One record that `CSVRecordSplitter` cut from a CSV byte stream.
struct CSVRecord: Hashable, Sendable {
  enum Content: Hashable, Sendable {
    /// The raw bytes of each field, quotes removed and doubled quotes undone; not checked for UTF-8.
    case fields([[UInt8]])
    /// The record was longer than the limit; its bytes were counted and dropped.
    case tooLong(byteCount: Int)
    /// The stream ended inside a quoted field.
    case unclosedQuote
  }

  /// The 1-based line where the record starts.
  var line: Int
  var content: Content
  /// Bytes of the stream consumed up to the end of this record, its terminator included.
  var endOffset: Int
}
