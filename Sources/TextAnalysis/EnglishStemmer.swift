import Synchronization

@_implementationOnly import CStemmer

/// English stems from Snowball's `english` stemmer (Porter2, as Lucene and Xapian stem English), for the
/// question model's stemmed-word features: the index keeps words as written (stemming them in the analyzer cost
/// relevance on the demo corpus), but "charged" and "charge", "cards" and "card" are the same evidence when a
/// question is compared with another. Words that are not plain ASCII letters (Han, digits, accents) are
/// returned unchanged; an English possessive or contraction ending is dropped first.
public enum EnglishStemmer {
  public static func stem(_ word: String) -> String {
    var bytes = Array(word.utf8)
    if bytes.count > 2 && bytes[bytes.count - 2] == 0x27 && bytes[bytes.count - 1] == 0x73 {  // 's
      bytes.removeLast(2)
    } else if bytes.last == 0x27 {
      bytes.removeLast()
    }
    guard bytes.count > 2, bytes.allSatisfy({ (0x61...0x7A).contains($0) }) else {
      return bytes.count == word.utf8.count ? word : String(decoding: bytes, as: UTF8.self)
    }
    return pool.withStemmer { stemmer in
      guard let stemmed = sb_stemmer_stem(stemmer, bytes, Int32(bytes.count)) else { return word }
      return String(
        decoding: UnsafeBufferPointer(start: stemmed, count: Int(sb_stemmer_length(stemmer))), as: UTF8.self)
    }
  }

  /// A Snowball stemmer keeps its work in itself, so each is used by one thread at a time: threads take one from
  /// the pool (making one when it is empty) and put it back.
  private final class Pool: Sendable {
    private let idle = Mutex<[Stemmer]>([])

    func withStemmer<T>(_ body: (OpaquePointer) -> T) -> T {
      let stemmer = idle.withLock { $0.popLast() } ?? Stemmer()
      defer { idle.withLock { $0.append(stemmer) } }
      return body(stemmer.pointer)
    }
  }

  private final class Stemmer: @unchecked Sendable {
    // Used by one thread at a time (the pool hands it out), freed with it.
    let pointer: OpaquePointer

    init() {
      guard let made = sb_stemmer_new("english", "UTF_8") else {
        preconditionFailure("libstemmer has no english stemmer for UTF-8")
      }
      pointer = made
    }

    deinit { sb_stemmer_delete(pointer) }
  }

  private static let pool = Pool()
}
