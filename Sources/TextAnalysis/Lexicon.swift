/// A set of words that the analyzer keeps whole, matched longest-first over folded text.
///
/// The built-in help-desk lexicon and a tenant's user dictionary are both a `Lexicon`: one mechanism, two
/// word lists. Words are stored folded (the analyzer folds them on the way in), so 退貨 in a list matches
/// 退货 in text and the other way round.
///
/// The trie's edges live in one open-addressing hash table keyed by (node, UTF-16 unit): compact, and a
/// lookup is a multiply and a probe or two, which matters because every word start in Chinese text asks.
public struct Lexicon: Sendable {
  private var keys: [UInt64]
  private var children: [Int32]
  private var isWord: [Bool]
  private var mask: Int
  /// The number of distinct words.
  public private(set) var count: Int
  /// A digest of the words, so that an index can tell which word list it was built with.
  public private(set) var digest: UInt64

  /// An empty lexicon.
  public init() {
    keys = [UInt64](repeating: 0, count: 16)
    children = [Int32](repeating: 0, count: 16)
    isWord = [false]
    mask = 15
    count = 0
    digest = Self.fnvOffset
  }

  /// A lexicon of already folded words; words shorter than two UTF-16 units are ignored (a single
  /// character is a token anyway).
  init(foldedWords: some Sequence<[UInt16]>) {
    self.init()
    var sorted = Array(Set(foldedWords.filter { $0.count >= 2 }))
    sorted.sort { $0.lexicographicallyPrecedes($1) }
    reserve(edges: sorted.reduce(0) { $0 + $1.count })
    for word in sorted { insert(word) }
  }

  /// The end of the longest word that starts at `start` and ends at or before `limit`.
  func longestMatch(in text: UnsafeBufferPointer<UInt16>, from start: Int, limit: Int) -> Int? {
    var node: Int32 = 0
    var best: Int?
    var i = start
    while i < limit {
      guard let child = child(of: node, unit: text[i]) else { break }
      node = child
      i += 1
      if isWord[Int(node)] { best = i }
    }
    return best
  }

  /// Whether the folded word is in the lexicon.
  func contains(_ word: [UInt16]) -> Bool {
    var node: Int32 = 0
    for unit in word {
      guard let child = child(of: node, unit: unit) else { return false }
      node = child
    }
    return isWord[Int(node)]
  }

  // MARK: Trie storage

  private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
  private static let fnvPrime: UInt64 = 0x100_0000_01b3

  @inline(__always)
  private static func slot(_ key: UInt64, mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
  }

  @inline(__always)
  private func child(of node: Int32, unit: UInt16) -> Int32? {
    let key = (UInt64(UInt32(bitPattern: node)) << 16 | UInt64(unit)) &+ 1
    var slot = Self.slot(key, mask: mask)
    while true {
      let found = keys[slot]
      if found == key { return children[slot] }
      if found == 0 { return nil }
      slot = (slot + 1) & mask
    }
  }

  private mutating func reserve(edges: Int) {
    var capacity = 16
    while capacity < edges * 2 { capacity <<= 1 }
    guard capacity > keys.count else { return }
    let oldKeys = keys
    let oldChildren = children
    keys = [UInt64](repeating: 0, count: capacity)
    children = [Int32](repeating: 0, count: capacity)
    mask = capacity - 1
    for (key, child) in zip(oldKeys, oldChildren) where key != 0 { place(key, child) }
  }

  private mutating func place(_ key: UInt64, _ child: Int32) {
    var slot = Self.slot(key, mask: mask)
    while keys[slot] != 0 { slot = (slot + 1) & mask }
    keys[slot] = key
    children[slot] = child
  }

  private mutating func insert(_ word: [UInt16]) {
    var node: Int32 = 0
    for unit in word {
      if let next = child(of: node, unit: unit) {
        node = next
        continue
      }
      if (isWord.count + 1) * 2 > keys.count { reserve(edges: isWord.count + 1) }
      let next = Int32(isWord.count)
      isWord.append(false)
      place((UInt64(UInt32(bitPattern: node)) << 16 | UInt64(unit)) &+ 1, next)
      node = next
    }
    if !isWord[Int(node)] {
      isWord[Int(node)] = true
      count += 1
      for unit in word {
        digest = (digest ^ UInt64(unit & 0xFF)) &* Self.fnvPrime
        digest = (digest ^ UInt64(unit >> 8)) &* Self.fnvPrime
      }
      digest = (digest ^ 0x0A) &* Self.fnvPrime
    }
  }
}
