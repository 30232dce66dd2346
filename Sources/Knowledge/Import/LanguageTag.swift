/// The shape of a language tag the import accepts: `^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$` (`zh`, `zh-Hans`,
/// `en-US`). It checks the form only, not that the subtags are registered.
public enum LanguageTag {
  public static func isWellFormed(_ tag: String) -> Bool {
    let subtags = tag.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
    guard let first = subtags.first, (2...8).contains(first.count), first.allSatisfy(isASCIILetter) else {
      return false
    }
    return subtags.dropFirst().allSatisfy { subtag in
      (1...8).contains(subtag.count) && subtag.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) }
    }
  }

  private static func isASCIILetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
  }

  private static func isASCIIDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }
}
