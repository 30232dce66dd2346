import Foundation

/// The id of an imported item whose file has no id column (help-desk exports have none): derived from what names the
/// item, so that importing the same file twice updates the same items instead of adding copies.
///
/// The hash is FNV-1a 64, written out here because it must never change between releases or platforms (Swift's
/// `Hasher` is seeded per process). An item's id changes when its title is edited, as the export gives nothing else.
enum DerivedItemID {
  /// `<source>-<16 hex digits>` of the trimmed title; quick replies of a group or personal scope hash the scope too,
  /// so that two agents' replies of the same title stay two items.
  static func make(source: String, scope: String?, title: String) -> String {
    let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
    let key = scope.map { $0 == "company" ? title : "\($0)\n\(title)" } ?? title
    return "\(source)-\(hexadecimal(fnv1a64(key.utf8)))"
  }

  static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
  }

  private static func hexadecimal(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
