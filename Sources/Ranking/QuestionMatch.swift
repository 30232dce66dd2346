import Index
import Knowledge
import Synchronization
import TextAnalysis

/// How well a stored question matches what was asked, as the numbers the question models weigh
/// (`QuestionFeature`; the models are `RankingWeights.models`, fitted on the AFQMC train pairs and Banking77's
/// training examples by `tools/eval/fit-question-model.py` and `fit-question-trees.py`). Plain overlap counts every word alike; AFQMC's non-answers were chosen
/// to share most words with the question, so the model needs how rare the shared and the missing words
/// are (IDF from the index), and order (the longest common subsequence).
struct QuestionMatch {
  let asked: AnalyzedQuestion
  let idf: (FoldedTerm) -> Double
  /// The IDF of a character pair (from the index's `N` terms).
  let pairIDF: (FoldedTerm) -> Double
  private let askedWeights: [FoldedTerm: Double]
  private let askedMass: Double
  private let askedPairWeights: [FoldedTerm: Double]
  private let askedPairMass: Double
  /// The asked words' stems with the words' IDFs (a stem shared by two asked words counts once, the rarer).
  private let askedStemWeights: [FoldedTerm: Double]
  /// The unfinished word and its stem as set members.
  private let unfinishedTerm: FoldedTerm?
  private let unfinishedStem: FoldedTerm?
  /// The unfinished word's IDF (0 without one), looked up once.
  private let unfinishedIDF: Double
  /// The asked text as a bit-parallel LCS pattern (when it has at most 64 characters), built once.
  private let askedLCS: LCSPattern?
  /// The tenant's synonyms of each asked word, and how much a synonym counts (`RankingWeights.synonym`).
  private let askedSynonyms: [FoldedTerm: [FoldedTerm]]
  private let synonymsOfAsked: Set<FoldedTerm>
  private let synonymWeight: Double
  /// The tenant's learned word evidence (`WordEvidence`); empty when it has none, and the features it gives are 0.
  private let evidence: [String: WordEvidence]

  init(
    asked: AnalyzedQuestion, idf: @escaping (FoldedTerm) -> Double,
    pairIDF: @escaping (FoldedTerm) -> Double = { _ in 1 },
    synonyms: [String: [String]] = [:], synonymWeight: Double = 0.8, evidence: [String: WordEvidence] = [:]
  ) {
    self.asked = asked
    self.evidence = evidence
    self.idf = idf
    self.pairIDF = pairIDF
    askedSynonyms =
      synonyms.isEmpty ? [:] : asked.words.reduce(into: [:]) { $0[$1] = synonyms[$1.text]?.map { FoldedTerm($0) } }
    synonymsOfAsked = Set(askedSynonyms.values.joined())
    self.synonymWeight = synonymWeight
    askedPairWeights = Dictionary(uniqueKeysWithValues: asked.pairs.map { ($0, pairIDF($0)) })
    askedPairMass = askedPairWeights.values.reduce(0, +)
    askedWeights = Dictionary(uniqueKeysWithValues: asked.words.map { ($0, idf($0)) })
    // The unfinished word weighs as much as a finished one: found whole in a question it counts fully (it is
    // probably finished, and typed prefixes are mostly cut between words), found as a prefix half.
    unfinishedIDF = asked.unfinished.map { idf(FoldedTerm($0)) } ?? 0
    askedMass = askedWeights.values.reduce(0, +) + unfinishedIDF
    var stemWeights: [FoldedTerm: Double] = [:]
    for (word, weight) in askedWeights {
      let stem = FoldedTerm(EnglishStemmer.stem(word.text))
      stemWeights[stem] = max(stemWeights[stem] ?? 0, weight)
    }
    askedStemWeights = stemWeights
    unfinishedTerm = asked.unfinished.map { FoldedTerm($0) }
    unfinishedStem = asked.unfinished.map { FoldedTerm(EnglishStemmer.stem($0)) }
    askedLCS = LCSPattern(asked.scalars.prefix(96))
  }

  /// The IDF mass of the asked stems found among `stems` (the unfinished word whole, or half when it only
  /// starts one of `words` or its stem starts one of `stems`), over the asked words' whole mass.
  func stemCoverage(stems: Set<FoldedTerm>, words: Set<FoldedTerm>) -> Double {
    var shared = 0.0
    for (stem, weight) in askedStemWeights where stems.contains(stem) { shared += weight }
    shared += unfinishedWeight(unfinishedShare(words: words, stems: stems))
    return askedMass > 0 ? shared / askedMass : 0
  }

  /// How much of the unfinished word `words` (and `stems`, when given) hold: 1 when they hold it (or its
  /// stem) whole, as it is probably finished; 0.5 when it only starts one of them, as it may become another
  /// word; else 0.
  func unfinishedShare(words: Set<FoldedTerm>, stems: Set<FoldedTerm>?) -> Double {
    guard let unfinished = unfinishedTerm, let stem = unfinishedStem else { return 0 }
    if words.contains(unfinished) || stems?.contains(stem) == true { return 1 }
    if words.contains(where: { Self.starts($0, with: unfinished) })
      || stems?.contains(where: { Self.starts($0, with: stem) }) == true
    {
      return 0.5
    }
    return 0
  }

  /// The unfinished word's IDF times `share`.
  private func unfinishedWeight(_ share: Double) -> Double {
    share > 0 ? unfinishedIDF * share : 0
  }

  /// An entry's questions taken together: how many of them hold each asked stem, and their length in words.
  struct ItemEvidence {
    var stemCoverage: Double
    var frequencies: [FoldedTerm: Double]
    var length: Double
  }

  func itemEvidence(_ set: QuestionSet) -> ItemEvidence {
    var frequencies: [FoldedTerm: Double] = [:]
    var length = 0.0
    if let index = set.index {
      length = index.length
      for stem in askedStemWeights.keys {
        if let holding = index.byStem[stem] { frequencies[stem] = Double(holding.count) }
      }
      for share in unfinishedShares(index, stems: true).values {
        frequencies[share == 1 ? Self.unfinishedWholeKey : Self.unfinishedKey, default: 0] += 1
      }
    } else {
      for question in set.questions {
        length += Double(question.words.count)
        for stem in askedStemWeights.keys where question.stems.contains(stem) { frequencies[stem, default: 0] += 1 }
        switch unfinishedShare(words: question.words, stems: question.stems) {
        case 1: frequencies[Self.unfinishedWholeKey, default: 0] += 1
        case 0.5: frequencies[Self.unfinishedKey, default: 0] += 1
        default: break
        }
      }
    }
    // An asked stem is in the entry when one of its questions has it: what `stemCoverage` asks of one question.
    var shared = 0.0
    for (stem, weight) in askedStemWeights where frequencies[stem] != nil { shared += weight }
    shared += unfinishedWeight(
      frequencies[Self.unfinishedWholeKey] != nil ? 1 : frequencies[Self.unfinishedKey] != nil ? 0.5 : 0)
    return ItemEvidence(
      stemCoverage: askedMass > 0 ? shared / askedMass : 0, frequencies: frequencies, length: length)
  }

  /// Where `ItemEvidence.frequencies` counts the questions with a word the unfinished word starts, and those
  /// with the unfinished word (or its stem) whole.
  static let unfinishedKey: FoldedTerm = "\u{1}"
  static let unfinishedWholeKey: FoldedTerm = "\u{2}"

  /// BM25 (k1 1.2, b 0.75) of the asked stems over an entry's questions as one text (the unfinished word
  /// whole, or half as a prefix of their words or stems).
  func bm25(_ item: ItemEvidence, averageLength: Double) -> Double {
    let norm = 1.2 * (0.25 + 0.75 * item.length / max(averageLength, 1))
    var sum = 0.0
    for (stem, frequency) in item.frequencies {
      let weight =
        switch stem {
        case Self.unfinishedWholeKey: unfinishedWeight(1)
        case Self.unfinishedKey: unfinishedWeight(0.5)
        default: askedStemWeights[stem] ?? 0
        }
      sum += weight * frequency * 2.2 / (frequency + norm)
    }
    return sum
  }

  /// The indices of the `limit` questions that share the most with what was asked (the IDF mass of shared
  /// stems and character pairs, and the unfinished word), in their stored order; all of them when there are
  /// no more than `limit`. The model's features cost microseconds a question, and an entry can hold hundreds
  /// of learned phrasings: the one that matches best is among those that share the most.
  func closest(_ set: QuestionSet, limit: Int) -> [Int] {
    let questions = set.questions
    guard questions.count > limit else { return Array(questions.indices) }
    var overlaps = [Double](repeating: 0, count: questions.count)
    if let index = set.index {
      // Per question, the same sum in the same order as `overlap`: the unfinished word, stems, pairs.
      for (position, share) in unfinishedShares(index, stems: false) { overlaps[position] += unfinishedWeight(share) }
      for (stem, weight) in askedStemWeights {
        for position in index.byStem[stem] ?? [] { overlaps[position] += weight }
      }
      for (pair, weight) in askedPairWeights {
        for position in index.byPair[pair] ?? [] { overlaps[position] += weight }
      }
    } else {
      for position in questions.indices { overlaps[position] = overlap(questions[position]) }
    }
    let best = questions.indices.sorted { overlaps[$0] != overlaps[$1] ? overlaps[$0] > overlaps[$1] : $0 < $1 }
    return best.prefix(limit).sorted()
  }

  private func overlap(_ question: borrowing AnalyzedQuestion) -> Double {
    var shared = unfinishedWeight(unfinishedShare(words: question.words, stems: nil))
    for (stem, weight) in askedStemWeights where question.stems.contains(stem) { shared += weight }
    for (pair, weight) in askedPairWeights where question.pairs.contains(pair) { shared += weight }
    return shared
  }

  /// The questions of an indexed entry that hold the unfinished word whole (1) or only as the start of a word
  /// (0.5), as `unfinishedShare` says of each (`stems`: their stems count too); the others are left out.
  private func unfinishedShares(_ index: QuestionSet.Index, stems: Bool) -> [Int: Double] {
    guard let unfinished = unfinishedTerm, let stem = unfinishedStem else { return [:] }
    var shares: [Int: Double] = [:]
    func mark(_ positions: [Int]?, _ share: Double) {
      for position in positions ?? [] where shares[position, default: 0] < share { shares[position] = share }
    }
    for (word, positions) in index.byWord where Self.starts(word, with: unfinished) { mark(positions, 0.5) }
    mark(index.byWord[unfinished], 1)
    if stems {
      for (candidate, positions) in index.byStem where Self.starts(candidate, with: stem) { mark(positions, 0.5) }
      mark(index.byStem[stem], 1)
    }
    return shares
  }

  /// Byte prefixes: the words are folded (one normal form), and String.hasPrefix compares by Characters.
  static func starts(_ word: FoldedTerm, with prefix: FoldedTerm) -> Bool {
    word.text.utf8.starts(with: prefix.text.utf8)
  }

  /// The features of one stored question; `engine` is the item's index score relative to the best hit's.
  func features(of question: AnalyzedQuestion, engine: Double, rank: Int = 0) -> FeatureVector {
    var sharedPairMass = 0.0
    var questionPairMass = 0.0
    var sharedPairs = 0.0
    if let pairMass = question.pairMass {
      for (pair, weight) in askedPairWeights where question.pairs.contains(pair) {
        sharedPairMass += weight
        sharedPairs += 1
      }
      questionPairMass = pairMass
    } else {
      for pair in question.pairs {
        let weight = askedPairWeights[pair]
        if let weight {
          sharedPairMass += weight
          sharedPairs += 1
        }
        questionPairMass += weight ?? pairIDF(pair)
      }
    }
    var shared = 0.0
    var sharedWords = 0.0
    var missingInQuestion = 0.0
    for (word, weight) in askedWeights {
      if question.words.contains(word) {
        shared += weight
        sharedWords += 1
      } else if let synonyms = askedSynonyms[word], synonyms.contains(where: question.words.contains) {
        // A synonym of the asked word (a tenant's, or one learned from its judged pairs) is most of the evidence.
        shared += weight * synonymWeight
      } else {
        missingInQuestion = max(missingInQuestion, weight)
      }
    }
    var questionMass = 0.0
    var missingInQuery = 0.0
    for word in question.words {
      let weight = question.wordWeights?[word] ?? askedWeights[word] ?? idf(word)
      questionMass += weight
      if askedWeights[word] == nil && !synonymsOfAsked.contains(word) { missingInQuery = max(missingInQuery, weight) }
    }
    shared += unfinishedWeight(unfinishedShare(words: question.words, stems: nil))
    let lcs = Double(
      askedLCS.map { $0.length(with: question.scalars) }
        ?? Self.longestCommonSubsequence(asked.scalars, question.scalars))
    let askedLength = Double(max(asked.characterCount, 1))
    let questionLength = Double(max(question.characterCount, 1))
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
    var vector = FeatureVector()
    vector[.engine] = engine
    vector[.queryCoverage] = ratio(shared, askedMass)
    vector[.questionCoverage] = ratio(shared, questionMass)
    vector[.wordDice] = ratio(2 * sharedWords, Double(asked.words.count + question.words.count))
    vector[.pairDice] = ratio(2 * sharedPairs, Double(asked.pairs.count + question.pairs.count))
    vector[.queryPairCoverage] = ratio(sharedPairs, Double(asked.pairs.count))
    vector[.questionPairCoverage] = ratio(sharedPairs, Double(question.pairs.count))
    vector[.queryLCS] = lcs / askedLength
    vector[.questionLCS] = lcs / questionLength
    vector[.lengthRatio] = min(askedLength, questionLength) / max(askedLength, questionLength)
    vector[.exact] = !asked.folded.isEmpty && asked.folded == question.folded ? 1 : 0
    vector[.missingInQuestion] = missingInQuestion / Self.idfScale
    vector[.missingInQuery] = missingInQuery / Self.idfScale
    vector[.queryPairWeightedCoverage] = ratio(sharedPairMass, askedPairMass)
    vector[.questionPairWeightedCoverage] = ratio(sharedPairMass, questionPairMass)
    // The question's own coverage until the ranking knows the item's other questions (`support`); the other
    // item-level features (`itemStemCoverage`, `itemBM25`) are 0 until then.
    vector[.support] = vector[.queryCoverage]
    vector[.engineRank] = 1 / Double(1 + rank)
    vector[.stemCoverage] = stemCoverage(stems: question.stems, words: question.words)
    addEvidence(question, to: &vector)
    // Raw sizes and masses, which a linear model cannot use (they are the same for every candidate of a query,
    // or only matter beside another feature) and the tree models split on.
    vector[.askedCharacters] = askedLength / Self.sizeScale
    vector[.questionCharacters] = questionLength / Self.sizeScale
    vector[.commonStart] = Double(Self.commonStart(asked.scalars, question.scalars)) / askedLength
    vector[.unfinishedShare] = unfinishedShare(words: question.words, stems: nil)
    vector[.sharedIDF] = shared / Self.idfScale
    vector[.askedIDF] = askedMass / Self.idfScale
    vector[.sharedPairs] = sharedPairs / Self.sizeScale
    vector[.commonCharacters] = lcs / Self.sizeScale
    return vector
  }

  /// Brings character and pair counts (a typed question has 5 to 30 characters) near the other features' range.
  static let sizeScale = 10.0

  /// How many characters the two texts share from their start.
  static func commonStart(_ a: [UInt32], _ b: [UInt32]) -> Int {
    var count = 0
    while count < a.count && count < b.count && a[count] == b[count] { count += 1 }
    return count
  }

  /// What the tenant's learned word evidence says of the words the two texts do not share (the most decisive
  /// on each side, and the sum) and of those they share (the most reassuring, and the sum); sums over 5. A
  /// word the unfinished word starts is not counted as the question's alone: it may be what is being typed.
  func addEvidence(_ question: AnalyzedQuestion, to vector: inout FeatureVector) {
    guard !evidence.isEmpty else { return }
    var inQuery = 0.0
    var inQuestion = 0.0
    var differs = 0.0
    var strongest = 0.0
    var shares = 0.0
    for word in asked.words {
      let value = evidence[word.text]
      if question.words.contains(word) {
        strongest = max(strongest, value?.shares ?? 0)
        shares += value?.shares ?? 0
      } else {
        inQuery = max(inQuery, value?.differs ?? 0)
        differs += value?.differs ?? 0
      }
    }
    for word in question.words where !asked.words.contains(word) {
      if let unfinished = asked.unfinished, word.text.hasPrefix(unfinished) { continue }
      let value = evidence[word.text]
      inQuestion = max(inQuestion, value?.differs ?? 0)
      differs += value?.differs ?? 0
    }
    vector[.differsInQuery] = inQuery
    vector[.differsInQuestion] = inQuestion
    vector[.differsSum] = differs / 5
    vector[.sharesStrongest] = strongest
    vector[.sharesSum] = shares / 5
  }

  /// Brings IDFs (up to about 11 for a 57k-document index) near the other features' range.
  static let idfScale = 10.0

  /// Bounded: questions are short, and a long article title is cut rather than made quadratic. Bit-parallel
  /// (Allison and Dix; Hyyrö 2004) when the shorter text has at most 64 characters: one step per character of
  /// the longer, not one per pair, and smart reply computes it for every candidate question.
  static func longestCommonSubsequence(_ a: [UInt32], _ b: [UInt32]) -> Int {
    let a = a.prefix(96)
    let b = b.prefix(96)
    let (pattern, text) = a.count <= b.count ? (a, b) : (b, a)
    return LCSPattern(pattern)?.length(with: text) ?? dynamicLCS(a, b)
  }

  /// A text of at most 64 characters as a bit-parallel LCS pattern: for each character, the positions where
  /// the pattern has it (ASCII in a table, other characters in a dictionary).
  struct LCSPattern {
    let count: Int
    var ascii = [UInt64](repeating: 0, count: 128)
    var other: [UInt32: UInt64] = [:]

    init?(_ pattern: ArraySlice<UInt32>) {
      guard pattern.count <= 64 else { return nil }
      count = pattern.count
      for (i, character) in pattern.enumerated() {
        if character < 128 {
          ascii[Int(character)] |= 1 << UInt64(i)
        } else {
          other[character, default: 0] |= 1 << UInt64(i)
        }
      }
    }

    /// The LCS of the pattern and `text` (its first 96 characters): V's zero bits count it.
    func length<Text: Collection<UInt32>>(with text: Text) -> Int {
      guard count > 0 else { return 0 }
      var v = UInt64.max
      for character in text.prefix(96) {
        let mask = character < 128 ? ascii[Int(character)] : other[character] ?? 0
        guard mask != 0 else { continue }
        let u = v & mask
        v = (v &+ u) | (v &- u)
      }
      let bits = count == 64 ? UInt64.max : (1 << UInt64(count)) - 1
      return count - (v & bits).nonzeroBitCount
    }
  }

  /// The textbook dynamic programme (for texts longer than 64 characters on both sides).
  static func dynamicLCS(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
    let b = Array(b)
    guard !a.isEmpty && !b.isEmpty else { return 0 }
    var previous = [Int](repeating: 0, count: b.count + 1)
    var current = previous
    for x in a {
      for (j, y) in b.enumerated() {
        current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// Analysed stored questions (by document) and word IDFs, reused across queries until a commit changes
  /// terms (the generation given is `IndexReaderPool.currentTermsGeneration`).
  final class Cache: Sendable {
    private struct State {
      var generation = -1
      var questions: [String: QuestionSet] = [:]
      /// The questions in `questions` (an entry with learned phrasings holds a hundred).
      var questionCount = 0
      var idf: [String: Double] = [:]
    }
    private let state = Mutex(State())
    /// Questions and IDFs kept before the cache starts over (a few MB).
    static let capacity = 200_000

    func questions(_ key: String, generation: Int, make: () -> QuestionSet) -> QuestionSet {
      if let cached = state.withLock({ $0.generation == generation ? $0.questions[key] : nil }) { return cached }
      let made = make()
      state.withLock { state in
        reset(&state, generation)
        if state.questions.updateValue(made, forKey: key) == nil { state.questionCount += made.questions.count }
      }
      return made
    }

    func idf(_ term: String, generation: Int, make: () -> Double) -> Double {
      if let cached = state.withLock({ $0.generation == generation ? $0.idf[term] : nil }) { return cached }
      let made = make()
      state.withLock { state in
        reset(&state, generation)
        state.idf[term] = made
      }
      return made
    }

    private func reset(_ state: inout State, _ generation: Int) {
      if state.generation != generation || state.questionCount + state.idf.count > Self.capacity {
        state = State(generation: generation)
      }
    }
  }
}
