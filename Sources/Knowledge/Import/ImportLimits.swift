/// The sizes an import accepts; they bound the memory one record can take and keep the index sane.
public enum ImportLimits {
  /// A line (JSON Lines) or record (CSV) longer than this is rejected without being parsed.
  public static let maxLineBytes = 4 * 1024 * 1024
  /// Each text field, in bytes of UTF-8.
  public static let maxTextBytes = 1024 * 1024
  /// An id, in characters.
  public static let maxIDCharacters = 128
  /// A title or standard question, in characters.
  public static let maxTitleCharacters = 512
  /// Similar questions of one bot item.
  public static let maxSimilar = 100
  /// Tags of one item.
  public static let maxTags = 50
}
