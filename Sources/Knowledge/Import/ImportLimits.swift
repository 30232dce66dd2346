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

  /// The most characters (Unicode scalars) `id` may have: `maxIDCharacters`, after an agent's namespace when the
  /// id is in one (`~agent/`, see `PersonalID`).
  public static func maxIDCharacters(of id: String) -> Int {
    maxIDCharacters + (PersonalID.owner(of: id).map { $0.unicodeScalars.count + 2 } ?? 0)
  }

  /// Whether `id` has a control character: ids travel in URLs, logs and file names, where one is a bug or an
  /// attack, never meant.
  public static func hasControlCharacter(_ id: String) -> Bool {
    id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
  }

  /// Whether `id` has the form of an item's id, as an import checks it: not only white space, within its length,
  /// no control character (what the API checks of ids it is given beside an item, such as the ids shown).
  public static func isItemID(_ id: String) -> Bool {
    !id.allSatisfy(\.isWhitespace) && id.unicodeScalars.count <= maxIDCharacters(of: id) && !hasControlCharacter(id)
  }
}
