/// One record of an import file: the item it holds, or why it was rejected.
public struct ImportRecordResult: Hashable, Sendable {
  /// The 1-based line where the record starts.
  public var line: Int
  /// Bytes of the file consumed up to the end of this record, for a progress bar against the file's size.
  public var bytesRead: Int
  public var outcome: Result<KnowledgeItem, ImportLineError>

  public init(line: Int, bytesRead: Int, outcome: Result<KnowledgeItem, ImportLineError>) {
    self.line = line
    self.bytesRead = bytesRead
    self.outcome = outcome
  }

  /// The item, when the record is valid.
  public var item: KnowledgeItem? {
    if case .success(let item) = outcome { item } else { nil }
  }

  /// The error, when the record is not valid.
  public var error: ImportLineError? {
    if case .failure(let error) = outcome { error } else { nil }
  }
}
