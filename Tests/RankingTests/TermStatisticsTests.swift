import Foundation
import Knowledge
import Synchronization
import Testing

@testable import Index
@testable import Ranking
@testable import Workbench

/// The question model's IDFs come from one read of the index's title, similar-question and pair terms
/// (`TermStatistics`): it must give what looking each term up gives.
@Suite struct TermStatisticsTests {
  @Test func oneReadGivesTheFrequenciesOfSingleLookUps() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Fixture.items)
    try engine.readers.withReader { index in
      let statistics = try #require(try TermStatistics.read(from: index, generation: 7))
      #expect(statistics.generation == 7)
      #expect(statistics.documents == Double(try index.documentCount))
      // Words only in titles (退款流程), only in similar questions (我要退钱's 退钱), in both, and in neither.
      #expect(statistics.words.count > 10)
      for word in Array(statistics.words.keys) + ["no-such-word"] {
        let frequency =
          try index.termFrequency(TermPrefix.title + word.text) + index.termFrequency(TermPrefix.similar + word.text)
        #expect(statistics.words[word, default: 0] == frequency, "\(word)")
        #expect(statistics.wordIDF(word) == log((statistics.documents + 1) / (Double(frequency) + 0.5)))
      }
      #expect(statistics.words["退钱", default: 0] > 0)
      #expect(statistics.pairs.count > 10)
      for (pair, frequency) in statistics.pairs {
        #expect(try index.termFrequency(TermPrefix.bigram + pair.text) == frequency, "\(pair)")
      }
      #expect(statistics.pairs["退款", default: 0] > 0)
    }
  }

  @Test func aPrefixWithTooManyTermsIsNotRead() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open(with: Fixture.items)
    try engine.readers.withReader { index in
      let pairs = try #require(try index.prefixTerms(TermPrefix.bigram, maxTerms: 100_000))
      #expect(try index.prefixTerms(TermPrefix.bigram, maxTerms: pairs.count) == pairs)
      #expect(try index.prefixTerms(TermPrefix.bigram, maxTerms: pairs.count - 1) == nil)
      #expect(try index.prefixTerms("Zno-such-prefix", maxTerms: 10) == [:])
    }
  }

  /// The statistics of a generation are read once, on another thread; until then the cache answers nil (the
  /// question model looks terms up one by one).
  @Test func theCacheReadsOncePerTermsGenerationInTheBackground() throws {
    let cache = TermStatistics.Cache()
    final class Shared: Sendable {
      let reads = Mutex(0)
      let released = Mutex(false)
    }
    let shared = Shared()
    func read(_ generation: Int, _ count: Int? = nil) -> @Sendable () throws -> TermStatistics? {
      {
        // The first read waits until the test has seen that a request does not wait for it (at most 2 s: a
        // cache that read on the caller's thread fails the test instead of hanging it).
        for _ in 0..<2_000 where generation == 1 && !shared.released.withLock({ $0 }) {
          Thread.sleep(forTimeInterval: 0.001)
        }
        shared.reads.withLock { $0 += 1 }
        return count == nil ? nil : TermStatistics(generation: generation, documents: 1, words: [:], pairs: [:])
      }
    }
    func eventually(_ generation: Int, _ count: Int? = 0) throws -> TermStatistics? {
      for _ in 0..<5_000 {
        if let statistics = cache.statistics(generation: generation, read: read(generation, count)) {
          return statistics
        }
        Thread.sleep(forTimeInterval: 0.001)
      }
      return nil
    }
    #expect(cache.statistics(generation: 1, read: read(1, 0)) == nil)
    #expect(cache.statistics(generation: 1, read: read(1, 0)) == nil)
    shared.released.withLock { $0 = true }
    #expect(try eventually(1)?.generation == 1)
    #expect(shared.reads.withLock { $0 } == 1)
    #expect(try eventually(2)?.generation == 2)
    #expect(shared.reads.withLock { $0 } == 2)
    // A generation whose terms were too many is remembered as such, not read again on every request.
    _ = cache.statistics(generation: 3, read: read(3))
    for _ in 0..<5_000 where shared.reads.withLock({ $0 }) < 3 { Thread.sleep(forTimeInterval: 0.001) }
    Thread.sleep(forTimeInterval: 0.05)
    #expect(cache.statistics(generation: 3, read: read(3)) == nil)
    #expect(cache.statistics(generation: 3, read: read(3)) == nil)
    Thread.sleep(forTimeInterval: 0.05)
    #expect(shared.reads.withLock { $0 } == 3)
  }
}
