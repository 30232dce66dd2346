import Foundation
import Synchronization

/// A tenant's Latin words and how many documents hold each, and the typo corrections drawn from them.
///
/// The words come from the index itself (`TermPrefix.spelling` terms, boolean, one per distinct word of a
/// document), so the vocabulary follows deletes and edits and holds one tenant's words only. It replaces
/// Xapian's spelling table, which this project must not write: Xapian 1.4's reader of compressed tags gives
/// up on a tag whose last chunk inflates to more than its 8 KB buffer once the chunk's input is consumed
/// ("Too few chunks of compressed data"), and the spelling table rewrites ever-growing, highly compressible
/// fragment lists at every commit (170,000 titles with numbered tokens such as `kx000123` corrupted the index;
/// docs/decisions/0001-no-xapian-spelling-table.md has the whole story).
///
/// `correction(for:maxEditDistance:)` follows Xapian 1.4's `Database::get_spelling_suggestion` step by step
/// (the same fragments, candidate order, score threshold, length checks and tie-breaks), so corrections are
/// the ones the spelling table gave, except that frequencies count documents rather than every word added.
package struct SpellingVocabulary: Sendable {
  /// The words in byte order (the order Xapian's merged fragment lists are walked in).
  private let words: [[UInt8]]
  private let frequencies: [Int]
  /// Each fragment's words, as ascending indexes into `words`.
  private let fragments: [UInt32: [Int32]]

  /// Candidates whose fragment score is this far below the best seen so far are skipped (Xapian's
  /// TRIGRAM_SCORE_THRESHOLD).
  private static let scoreThreshold = 2

  /// The most fragment-list entries one correction weighs (see `correction(for:maxEditDistance:)`).
  package static let maxCandidatePostings = 100_000

  package init(frequencies: [String: Int]) {
    let sorted = frequencies.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
    words = sorted.map(\.0)
    self.frequencies = sorted.map(\.1)
    var fragments: [UInt32: [Int32]] = [:]
    for (index, word) in words.enumerated() {
      for fragment in Set(Self.fragments(ofStored: word)) { fragments[fragment, default: []].append(Int32(index)) }
    }
    self.fragments = fragments
  }

  package var count: Int { words.count }

  /// The fragments a stored word is listed under: its head and tail pairs, a bookend (first and last byte)
  /// for words of up to 4 bytes, and every 3-byte middle.
  package static func fragments(ofStored word: [UInt8]) -> [UInt32] {
    guard word.count >= 2 else { return [] }
    let n = word.count
    var keys = [key("H", word[0], word[1]), key("T", word[n - 2], word[n - 1])]
    if n <= 4 { keys.append(key("B", word[0], word[n - 1])) }
    if n > 2 { for start in 0...(n - 3) { keys.append(key("M", word[start], word[start + 1], word[start + 2])) } }
    return keys
  }

  /// The fragments looked up for a word to correct: those of a stored word (middles not deduplicated, so a
  /// repeated middle counts twice), and the transposed forms Xapian adds for words of 2 and 3 bytes.
  package static func fragments(ofQuery word: [UInt8]) -> [UInt32] {
    let n = word.count
    var keys = fragments(ofStored: word)
    if n == 3 {
      keys.append(key("M", word[1], word[0], word[2]))
      keys.append(key("M", word[0], word[2], word[1]))
    } else if n == 2 {
      keys.append(key("H", word[1], word[0]))
      keys.append(key("T", word[1], word[0]))
    }
    return keys
  }

  private static func key(_ kind: Unicode.Scalar, _ a: UInt8, _ b: UInt8, _ c: UInt8 = 0) -> UInt32 {
    UInt32(kind.value) << 24 | UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
  }

  /// The most frequent word at the smallest edit distance (at most `maxEditDistance`, insertions, deletions,
  /// substitutions and adjacent transpositions) from `word`; nil when there is none, or when `word` itself is
  /// a word more frequent than every correction.
  package func correction(for word: String, maxEditDistance: Int) -> String? {
    let bytes = Array(word.utf8)
    guard bytes.count > 1, maxEditDistance > 0 else { return nil }
    let lists = Self.fragments(ofQuery: bytes).compactMap { fragments[$0] }
    // A word whose fragments are shared by this many words is in a vocabulary of numbered tokens (kx000123,
    // order numbers), where a correction means nothing and weighing every candidate would take a request
    // milliseconds per hundred thousand words. (Xapian's table had no such bound; natural vocabularies stay
    // far below it.)
    guard lists.reduce(0, { $0 + $1.count }) <= Self.maxCandidatePostings else { return nil }
    var scores = [UInt8](repeating: 0, count: words.count)
    var candidates: [Int32] = []
    for list in lists {
      for index in list {
        if scores[Int(index)] == 0 { candidates.append(index) }
        scores[Int(index)] &+= 1
      }
    }
    guard !candidates.isEmpty else { return nil }
    let scalars = Array(word.unicodeScalars).map(\.value)
    var best = 1
    var editsBest = min(maxEditDistance, bytes.count - 1)
    var result: String?
    var frequencyBest = 0
    var frequencyExact = 0
    for index in candidates.sorted() {
      let score = Int(scores[Int(index)])
      guard score + Self.scoreThreshold >= best else { continue }
      best = max(best, score)
      let candidate = words[Int(index)]
      guard abs(candidate.count - bytes.count) <= editsBest * 4 else { continue }
      let candidateScalars = Array(String(decoding: candidate, as: UTF8.self).unicodeScalars).map(\.value)
      guard abs(candidateScalars.count - scalars.count) <= editsBest else { continue }
      let edits = Self.editDistance(candidateScalars, scalars, limit: editsBest)
      guard edits <= editsBest else { continue }
      let frequency = frequencies[Int(index)]
      if edits == 0 {
        frequencyExact = frequency
        continue
      }
      if edits < editsBest || frequency > frequencyBest {
        result = String(decoding: candidate, as: UTF8.self)
        editsBest = edits
        frequencyBest = frequency
      }
    }
    return frequencyBest < frequencyExact ? nil : result
  }

  /// The optimal-string-alignment distance (adjacent transpositions count one edit), or `limit + 1` once
  /// every alignment needs more than `limit` edits.
  package static func editDistance(_ a: [UInt32], _ b: [UInt32], limit: Int) -> Int {
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      var rowMinimum = current[0]
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          value = min(value, previous2[j - 2] + 1)
        }
        current[j] = value
        rowMinimum = min(rowMinimum, value)
      }
      if rowMinimum > limit { return limit + 1 }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}

extension SpellingVocabulary {
  /// More words than this for one tenant are not held: such a tenant gets no typo corrections (its
  /// vocabulary would cost more memory than the corrections are worth).
  package static let maxWords = 1_000_000

  /// A vocabulary this small is read again while the request waits (well under a millisecond), so that a
  /// correction always sees the last commit; a larger one is read again in the background, paced by
  /// `ReadPacer`, while requests use the one before.
  package static let readInlineBelow = 2_000

  /// Each tenant's vocabulary for the current terms generation.
  package final class Cache: Sendable {
    private struct Entry {
      var generation = -1
      var vocabulary: SpellingVocabulary?
      /// Whether a background read is under way.
      var reading = false
      var pacer = ReadPacer()
    }
    private let entries = Mutex<[String: Entry]>([:])

    package init() {}

    /// `tenant`'s vocabulary at `generation`, or from an earlier generation while a large one is read again;
    /// nil when the tenant has more than `maxWords` words. The first is read while the caller waits.
    package func vocabulary(
      tenant: String, generation: Int, read: @escaping @Sendable () throws -> SpellingVocabulary?
    ) throws -> SpellingVocabulary? {
      enum Plan {
        case use(SpellingVocabulary?)
        case readNow
        case useAndRefresh(SpellingVocabulary?)
      }
      let plan = entries.withLock { entries -> Plan in
        guard let entry = entries[tenant] else { return .readNow }
        if entry.generation >= generation { return .use(entry.vocabulary) }
        if (entry.vocabulary?.count ?? 0) < SpellingVocabulary.readInlineBelow { return .readNow }
        guard !entry.reading, entry.pacer.mayStart() else { return .use(entry.vocabulary) }
        entries[tenant]?.reading = true
        return .useAndRefresh(entry.vocabulary)
      }
      switch plan {
      case .use(let vocabulary):
        return vocabulary
      case .readNow:
        let vocabulary = try read()
        store(vocabulary, tenant: tenant, generation: generation, background: nil)
        return vocabulary
      case .useAndRefresh(let stale):
        DispatchQueue.global(qos: .utility).async {
          let started = ReadPacer.now
          let vocabulary = try? read()
          self.store(vocabulary, tenant: tenant, generation: generation, background: started)
        }
        return stale
      }
    }

    /// Keeps a vocabulary read (in the background when `background` is its start time).
    private func store(_ vocabulary: SpellingVocabulary?, tenant: String, generation: Int, background: UInt64?) {
      entries.withLock { entries in
        var entry = entries[tenant] ?? Entry()
        if let background {
          entry.reading = false
          entry.pacer.finished(startedAt: background)
        }
        // A newer generation may have been read in the meantime: the newest stays.
        if generation > entry.generation {
          entry.generation = generation
          entry.vocabulary = vocabulary
        }
        entries[tenant] = entry
      }
    }
  }
}
