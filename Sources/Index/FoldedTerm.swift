import Foundation

/// A word, stem or character pair as analysis leaves it, as a set member or dictionary key that hashes and
/// compares its UTF-8 bytes.
///
/// String's own `==` and hashing treat canonically equivalent texts as equal, so for non-ASCII text they
/// normalise as they go: about a fifth of smart reply's time went to hashing and comparing the Chinese words
/// and pairs of the candidates' questions. Analysis folds every term to one normal form, so two terms are the
/// same text exactly when their bytes are.
package struct FoldedTerm: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
  package let text: String

  package init(_ text: String) { self.text = text }
  package init(stringLiteral text: String) { self.text = text }

  package var description: String { text }

  package static func == (a: Self, b: Self) -> Bool {
    let (x, y) = (a.text.utf8, b.text.utf8)
    guard x.count == y.count else { return false }
    let same = x.withContiguousStorageIfAvailable { x in
      y.withContiguousStorageIfAvailable { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
    }
    return same.flatMap { $0 } ?? x.elementsEqual(y)
  }

  package func hash(into hasher: inout Hasher) {
    let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    if hashed == nil { Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
  }

  /// By bytes (the order of `String`'s for text in one normal form).
  package static func < (a: Self, b: Self) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
}
