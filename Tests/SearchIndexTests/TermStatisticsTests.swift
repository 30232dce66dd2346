import Foundation
import Knowledge
import Testing

@testable import SearchIndex

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
          try index.termFrequency(TermPrefix.title + word) + index.termFrequency(TermPrefix.similar + word)
        #expect(statistics.words[word, default: 0] == frequency, "\(word)")
        #expect(statistics.wordIDF(word) == log((statistics.documents + 1) / (Double(frequency) + 0.5)))
      }
      #expect(statistics.words["退钱", default: 0] > 0)
      #expect(statistics.pairs.count > 10)
      for (pair, frequency) in statistics.pairs {
        #expect(try index.termFrequency(TermPrefix.bigram + pair) == frequency, "\(pair)")
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

  @Test func theCacheReadsOncePerTermsGeneration() {
    let cache = TermStatistics.Cache()
    var reads = 0
    func read(_ generation: Int) -> TermStatistics? {
      cache.statistics(generation: generation) {
        reads += 1
        return TermStatistics(generation: generation, documents: 1, words: [:], pairs: [:])
      }
    }
    #expect(read(1)?.generation == 1)
    #expect(read(1)?.generation == 1)
    #expect(reads == 1)
    #expect(read(2)?.generation == 2)
    #expect(reads == 2)
    // A generation whose terms were too many is remembered as such, not read again on every request.
    #expect(cache.statistics(generation: 3) { reads += 1; return nil } == nil)
    #expect(cache.statistics(generation: 3) { reads += 1; return nil } == nil)
    #expect(reads == 3)
  }
}
