/// The file formats knowledge can be imported from.
public enum ImportFormat: String, Sendable, Hashable, CaseIterable {
  /// JSON Lines: one JSON object per line.
  case jsonLines = "jsonl"
  /// Comma-separated values (RFC 4180) with a header row.
  case csv

  /// The format a file's extension names (case-insensitively), or nil when it names none.
  ///
  /// `.json` counts as JSON Lines because exports of one object per line are often saved under that name.
  public static func forFile(path: String) -> ImportFormat? {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
    switch path[path.index(after: dot)...].lowercased() {
    case "jsonl", "ndjson", "json": return .jsonLines
    case "csv": return .csv
    default: return nil
    }
  }
}
