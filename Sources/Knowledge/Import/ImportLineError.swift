/// Why one line (JSON Lines) or record (CSV) of an import file was rejected; the rest of the file still imports.
public struct ImportLineError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file's display name.
  public var file: String
  /// The 1-based line where the record starts.
  public var line: Int
  /// What is wrong, naming the field.
  public var reason: String

  public init(file: String, line: Int, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  public var description: String { "\(file):\(line): \(reason)" }
}
