/// One line that `LineSplitter` cut from a byte stream.
public struct SplitLine: Hashable, Sendable {
  /// What the line holds.
  public enum Content: Hashable, Sendable {
    /// The line's bytes without its terminator (LF or CRLF), exactly as read: not checked for UTF-8.
    case bytes([UInt8])
    /// The line was longer than the splitter's limit; its bytes were counted and dropped.
    case tooLong(byteCount: Int)
  }

  /// The 1-based line number.
  public var number: Int
  public var content: Content
  /// Bytes of the stream consumed up to the end of this line, its terminator included.
  public var endOffset: Int

  public init(number: Int, content: Content, endOffset: Int) {
    self.number = number
    self.content = content
    self.endOffset = endOffset
  }
}
