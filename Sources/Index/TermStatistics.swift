import Foundation
import Synchronization

/// What the question model's IDFs are computed from: the document count and the frequencies of the title and
/// similar-question words and of the Han character pairs, read from the index in one pass per terms
/// generation (`IndexReaderPool.currentTermsGeneration`).
///
/// Looking them up one by one, as candidates' questions are first weighed, cost a reader check-out, a Xapian
/// B-tree look-up and a cache key built from the tenant's name for each: about a quarter of weighing a
/// candidate seen for the first time, which most candidates are at 100k items (`bench suggest --stages`).
/// Reading all of them is one walk over the term list (74k pair terms at 100k generated items).
package struct TermStatistics: Sendable {
  package let generation: Int
  package let documents: Double
  /// Title plus similar-question frequency of each word (keyed by bytes: String's hash normalises text).
  package let words: [FoldedTerm: Int]
  package let pairs: [FoldedTerm: Int]

  /// More terms than this under one prefix are not held (a huge index looks them up one by one instead).
  package static let maxTerms = 400_000

  /// nil when a prefix holds more than `maxTerms` terms.
  package static func read(from index: XapianIndex, generation: Int) throws -> TermStatistics? {
    guard let titles = try index.prefixTerms(TermPrefix.title, maxTerms: maxTerms),
      let similar = try index.prefixTerms(TermPrefix.similar, maxTerms: maxTerms),
      let pairs = try index.prefixTerms(TermPrefix.bigram, maxTerms: maxTerms)
    else { return nil }
    func folded(_ frequencies: [String: Int]) -> [FoldedTerm: Int] {
      Dictionary(uniqueKeysWithValues: frequencies.map { (FoldedTerm($0.key), $0.value) })
    }
    return TermStatistics(
      generation: generation, documents: Double(try index.documentCount),
      words: folded(titles.merging(similar, uniquingKeysWith: +)), pairs: folded(pairs))
  }

  package func wordIDF(_ word: FoldedTerm) -> Double { Self.idf(words[word] ?? 0, documents: documents) }
  package func pairIDF(_ pair: FoldedTerm) -> Double { Self.idf(pairs[pair] ?? 0, documents: documents) }

  /// The question model's IDF of a term in `frequency` of `documents` documents (also what
  /// `Suggester.questionMatch` computes from single look-ups before the statistics are read).
  package static func idf(_ frequency: Int, documents: Double) -> Double {
    log((documents + 1) / (Double(frequency) + 0.5))
  }

  /// The statistics of the current terms generation, read in the background when first asked for.
  ///
  /// Reading them takes about 45 ms at 100k items (the walk passes every pair's postings), once per commit
  /// that changes terms: a request must not wait for it. Until they are read, the question model looks terms
  /// up one by one, which gives the same IDFs.
  package final class Cache: Sendable {
    private struct State {
      /// The newest generation read, and its statistics (nil: too many terms, or the read failed).
      var generation = -1
      var statistics: TermStatistics?
      /// The generation being read, if any.
      var reading: Int?
      var pacer = ReadPacer()
    }
    private let state = Mutex(State())

    package init() {}

    /// `generation`'s statistics when they have been read; nil until then (the first call starts `read` on
    /// another thread, when `ReadPacer` allows: until then too, terms are looked up one by one) or when that
    /// generation has too many terms.
    package func statistics(generation: Int, read: @escaping @Sendable () throws -> TermStatistics?) -> TermStatistics?
    {
      let (current, start) = state.withLock { state -> (TermStatistics?, Bool) in
        if state.generation == generation { return (state.statistics, false) }
        guard state.reading == nil, state.pacer.mayStart() else { return (nil, false) }
        state.reading = generation
        return (nil, true)
      }
      if start {
        DispatchQueue.global(qos: .utility).async {
          let started = ReadPacer.now
          let statistics = try? read()
          self.state.withLock { state in
            state.reading = nil
            state.pacer.finished(startedAt: started)
            // A newer generation may have been read in the meantime: the newest stays.
            if generation > state.generation { (state.generation, state.statistics) = (generation, statistics) }
          }
        }
      }
      return current
    }
  }
}
