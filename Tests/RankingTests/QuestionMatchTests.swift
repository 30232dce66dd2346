import Foundation
import Knowledge
import Testing
import TextAnalysis

@testable import Index
@testable import Ranking
@testable import Workbench

@Suite(.serialized) struct QuestionMatchTests {
  @Test(arguments: [
    ("花呗怎么还款", ["花呗", "呗怎", "怎么", "么还", "还款"]),
    // Punctuation ends a run: no pair spans it.
    ("花呗，还款", ["花呗", "还款"]),
    // Latin words are not paired.
    ("iPhone退货", ["退货"]),
    ("refund status", []),
  ])
  func hanBigramsStayInsideRunsOfHan(text: String, expected: [String]) throws {
    let tokens = try TextAnalysisFixture.analyzer().analyze(text)
    #expect(AnalyzedQuestion.hanBigrams(tokens) == Set(expected))
  }

  /// A question's character pairs are cut from its folded text by index; they must be the pairs of its
  /// Characters (grapheme clusters: Thai vowels and tone marks, emoji sequences and flags stay whole).
  @Test(arguments: ["", "退", "退款", "花呗怎么还款", "refund status", "ที่ไหน", "e\u{301}te\u{301}", "👍🏽好👨‍👩‍👧", "🇨🇳🇺🇸", "aa aa"])
  func pairsAreThoseOfTheCharacters(text: String) {
    let characters = Array(text)
    var expected = Set<String>()
    if characters.count == 1 { expected.insert(String(characters)) }
    for i in characters.indices.dropLast() { expected.insert(String(characters[i...i + 1])) }
    let (pairs, count) = AnalyzedQuestion.pairs(of: text)
    #expect(Set(pairs.map(\.text)) == expected)
    #expect(count == characters.count)
  }

  /// Folded terms are equal, hash alike and sort as their bytes: what String does for text in one normal form,
  /// which analysis leaves every term in.
  @Test func foldedTermsAreTheirBytes() throws {
    let texts = ["", "a", "退款", "退款流程", "花呗怎么还款这是一个更长的词", "refund", "ที่ไหน", "👍🏽", "é"]
    for a in texts {
      for b in texts {
        #expect((FoldedTerm(a) == FoldedTerm(b)) == (a == b), "\(a) \(b)")
        #expect((FoldedTerm(a) < FoldedTerm(b)) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a) \(b)")
      }
      // A copy made another way (a substring, bridged through an array of bytes) is the same member.
      let copy = String(decoding: Array(a.utf8), as: UTF8.self)
      #expect(Set([FoldedTerm(a)]).contains(FoldedTerm(copy)))
      #expect(FoldedTerm(a).hashValue == FoldedTerm(copy).hashValue)
    }
    // Two canonically equivalent spellings are different terms (String calls them equal); analysis folds both
    // to one of them before a term is made (`AnalyzerTests`).
    #expect("e\u{301}" == "é")
    #expect(FoldedTerm("e\u{301}") != FoldedTerm("é"))
  }

  @Test func stemmedWordsCountAsTheSameEvidence() throws {
    let analyzer = try TextAnalysisFixture.analyzer()
    let match = QuestionMatch(asked: AnalyzedQuestion("my card was charged twice", analyzer: analyzer)) { _ in 1 }
    let stemmed = match.features(of: AnalyzedQuestion("two charges on my cards", analyzer: analyzer), engine: 1)
    let plain = match.features(of: AnalyzedQuestion("my pin is blocked", analyzer: analyzer), engine: 1)
    // my, card and charged of five words.
    #expect(abs(stemmed[.stemCoverage] - 0.6) < 1e-9)
    #expect(plain[.stemCoverage] == 0.2)
  }

  @Test func longestCommonSubsequence() {
    func lcs(_ a: String, _ b: String) -> Int {
      QuestionMatch.longestCommonSubsequence(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value))
    }
    #expect(lcs("花呗怎么还款", "花呗如何还款") == 4)
    #expect(lcs("", "花呗") == 0)
    #expect(lcs("abc", "abc") == 3)
  }

  @Test func bitParallelLCSAgreesWithTheDynamicProgramme() {
    // Seeded texts over a small alphabet (many matches), lengths on both sides of the 64-character word.
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(bound))
    }
    for _ in 0..<2_000 {
      let a = (0..<next(100)).map { _ in UInt32(0x4E00 + next(6)) }
      let b = (0..<next(100)).map { _ in UInt32(0x4E00 + next(6)) }
      #expect(
        QuestionMatch.longestCommonSubsequence(a, b) == QuestionMatch.dynamicLCS(a.prefix(96), b.prefix(96)),
        "\(a) \(b)")
    }
  }

  @Test func rareSharedWordsOutweighCommonOnes() throws {
    let analyzer = try TextAnalysisFixture.analyzer()
    let idf: (FoldedTerm) -> Double = { ["花呗": 5, "借呗": 5][$0.text] ?? 1 }
    let match = QuestionMatch(asked: AnalyzedQuestion("我的花呗怎么还款", analyzer: analyzer), idf: idf)
    let same = match.features(of: AnalyzedQuestion("花呗怎么还款", analyzer: analyzer), engine: 1)
    let other = match.features(of: AnalyzedQuestion("借呗怎么还款", analyzer: analyzer), engine: 1)
    let model = RankingWeights.standard.models.wholeHan
    #expect(model.score(same) > model.score(other))
  }

  static func engine() async throws -> (SuggestionEngine, TestDataFolder) {
    let folder = try TestDataFolder()
    let engine = try await folder.open()
    try engine.store.upsert(
      [
        KnowledgeItem(
          id: "bot-card", source: .bot, title: "card arrival",
          similar: ["when will my new card arrive", "my card has still not arrived"], body: ""),
        KnowledgeItem(
          id: "bot-pin", source: .bot, title: "change pin",
          similar: [
            "how do i change my card pin", "can i reset my card pin at an atm", "my card pin is blocked",
            "i want a new pin for my card",
          ], body: ""),
      ], tenant: "acme")
    try await engine.catchUp()
    return (engine, folder)
  }

  @Test func anEntryScoresAsItsBestQuestion() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    // bot-pin says "card" four times over its questions; one of bot-card's questions is the one asked.
    let answer = try engine.suggester.smartReply("my new card has not arrived", tenant: "acme")
    #expect(answer.answers.first?.suggestion.id == "bot-card")
    #expect(answer.answers.first?.matchedQuestion == "my card has still not arrived")
  }

  @Test func typedQuestionsAreRankedByTheirQuestions() async throws {
    let (engine, folder) = try await Self.engine()
    defer { folder.remove() }
    let typed = try engine.suggester.suggest(
      "how do i change my ca", tenant: "acme", options: SuggestOptions(sources: [.bot]))
    #expect(typed.first?.id == "bot-pin")
    let arrival = try engine.suggester.suggest(
      "when will my new card ar", tenant: "acme", options: SuggestOptions(sources: [.bot]))
    #expect(arrival.first?.id == "bot-card")
  }

  /// Twenty Huabei questions: 花呗 is in all of them, each other word in one.
  static func huabei() async throws -> (SuggestionEngine, TestDataFolder) {
    let folder = try TestDataFolder()
    let engine = try await folder.open()
    let topics = [
      "分期", "还款", "额度", "账单", "逾期", "提前还款", "开通", "关闭", "冻结", "解冻", "收款", "付款", "退款", "充值",
      "提现", "红包", "积分", "年费", "发票", "客服",
    ]
    try engine.store.upsert(
      topics.enumerated().map { index, topic in
        KnowledgeItem(id: "hb-\(index)", source: .bot, title: "花呗\(topic)怎么办", body: "")
      }, tenant: "acme")
    try await engine.catchUp()
    return (engine, folder)
  }

  @Test func typedChineseFindsTheRareWordBesideACommonOne() async throws {
    let (engine, folder) = try await Self.huabei()
    defer { folder.remove() }
    // No question has every typed word (none has 利…): the any-word tier finds 分期 without 花呗's postings.
    let typed = try engine.suggester.suggest(
      "花呗分期利", tenant: "acme", options: SuggestOptions(limit: 3, sources: [.bot]))
    #expect(typed.first?.id == "hb-0")
  }

  /// `typedPairForWord`: a two-character word is asked for by its character pair alone, which still finds it
  /// in titles and in similar questions.
  @Test func aTypedTwoCharacterWordIsFoundByItsPairInTitlesAndQuestions() async throws {
    let (engine, folder) = try await Self.huabei()
    defer { folder.remove() }
    try engine.store.upsert(
      [KnowledgeItem(id: "bot-fee", source: .bot, title: "会员费用说明", similar: ["花呗年费怎么收"], body: "")],
      tenant: "acme")
    try await engine.catchUp()
    for pairWeight in [0.0, 4.0] {
      var weights = RankingWeights()
      weights.typed.pairForWord = pairWeight
      // Nothing starts with 扣, so no item has every word; 花呗 is common: 年费 alone finds the two.
      let typed = try engine.suggester(weights: weights).suggest(
        "花呗年费扣", tenant: "acme", options: SuggestOptions(limit: 3, sources: [.bot]))
      #expect(Set(typed.prefix(2).map(\.id)) == ["hb-17", "bot-fee"], "typedPairForWord \(pairWeight)")
    }
  }

  /// `typedPairForUnfinished`: the two characters still being typed are asked for by their pair alone, which
  /// finds them in titles and similar questions; a common one beside rarer words is left out, and the rarer
  /// words still find the items.
  @Test func aTypedUnfinishedTwoCharacterWordIsFoundByItsPair() async throws {
    let (engine, folder) = try await Self.huabei()
    defer { folder.remove() }
    try engine.store.upsert(
      [KnowledgeItem(id: "bot-points", source: .bot, title: "会员奖励说明", similar: ["花呗积分怎么用"], body: "")]
        // More items, so that 积分 (in two of them) is not one of the common pairs left out.
        + ["快递", "物流", "地址", "电话", "密码", "登录", "注册", "头像", "昵称", "邮箱"].flatMap { topic in
          ["怎么改", "在哪看"].map { ending in
            KnowledgeItem(id: "\(topic)\(ending)", source: .bot, title: topic + ending, body: "")
          }
        },
      tenant: "acme")
    try await engine.catchUp()
    for pairWeight in [0.0, 4.0] {
      var weights = RankingWeights()
      weights.typed.pairForUnfinished = pairWeight
      let suggester = engine.suggester(weights: weights)
      let options = SuggestOptions(limit: 3, sources: [.bot])
      // No item has both 开通 and 积分: any of them, 积分 (unfinished) found in a title and a similar question.
      let unfinished = try suggester.suggest("花呗开通积分", tenant: "acme", options: options)
      #expect(Set(unfinished.map(\.id)) == ["hb-6", "hb-16", "bot-points"], "typedPairForUnfinished \(pairWeight)")
      // 花呗 unfinished is in every title: left out beside 积分 and 开通, which find the same three.
      let common = try suggester.suggest("积分开通花呗", tenant: "acme", options: options)
      #expect(Set(common.map(\.id)) == ["hb-6", "hb-16", "bot-points"], "typedPairForUnfinished \(pairWeight)")
    }
  }

  /// `typedTitleStartFirst`: typed text ranked by the question model puts the shortcut whose title starts with
  /// it first, even when the index queries' candidates left it out (here the one candidate is a question with 退款
  /// and 到 as words of their own).
  @Test func aTitleThatStartsWithTheTypedTextComesFirst() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await folder.open()
    let questions = ["我的退款到哪了", "请问退款到了没有", "退款退到哪里", "退款会退到哪个账户", "退款退到银行卡了吗", "退款何时到", "退款到底什么时候退"]
    try engine.store.upsert(
      [KnowledgeItem(id: "qr-arrival", source: .quick, title: "退款到账时间", body: "退款会在3-5个工作日内原路退回。")]
        + questions.enumerated().map { index, question in
          KnowledgeItem(id: "bot-\(index)", source: .bot, title: question, similar: questions, body: "请稍候。")
        },
      tenant: "acme")
    try await engine.catchUp()
    var weights = RankingWeights()
    weights.typed.questionWords = 2
    weights.typed.twoWordCandidates = 1
    weights.typed.quickTitleStarts = 0  // this is about titles of every source (quick replies: QuickRepliesFirstTests)
    func first(_ titleStartFirst: Bool) throws -> String? {
      weights.typed.titleStartFirst = titleStartFirst
      return try engine.suggester(weights: weights).suggest("退款到", tenant: "acme", options: SuggestOptions(limit: 1))
        .first?.id
    }
    #expect(try first(true) == "qr-arrival")
    #expect(try first(false) != "qr-arrival")
  }

  /// Items only the title-start query found join the candidates as the weakest hit, once.
  @Test func titleStartsJoinTheCandidatesAsTheWeakest() {
    let hits = [IndexHit(docid: 1, weight: 9, data: Data()), IndexHit(docid: 2, weight: 4, data: Data())]
    let starts = [IndexHit(docid: 2, weight: 30, data: Data()), IndexHit(docid: 3, weight: 30, data: Data())]
    let joined = Suggester.candidates(hits, adding: starts)
    #expect(joined.map(\.docid) == [1, 2, 3])
    #expect(joined.map(\.weight) == [9, 4, 4])
    // With no other hit they keep their own weight (the model needs a positive best one).
    #expect(Suggester.candidates([], adding: starts).map(\.weight) == [30, 30])
  }

  /// A two-character word with a tenant's synonym keeps its own query in the any-word tier (`typedPairForWord`):
  /// its character pair alone would not find the items that have only the synonym.
  @Test func aTypedWordWithSynonymsStillFindsThem() async throws {
    let (engine, folder) = try await Self.huabei()
    defer { folder.remove() }
    try engine.store.upsert(
      [KnowledgeItem(id: "bot-fee", source: .bot, title: "花呗服务费怎么收", body: "")], tenant: "acme")
    try await engine.addSynonyms(tenant: "acme", ["年费", "服务费"])
    // Nothing starts with 扣 and 花呗 is common: 年费, or its synonym, is what finds the two.
    let typed = try engine.suggester.suggest(
      "花呗年费扣", tenant: "acme", options: SuggestOptions(limit: 3, sources: [.bot]))
    #expect(Set(typed.prefix(2).map(\.id)) == ["hb-17", "bot-fee"])
  }

  @Test func typedChineseOfCommonWordsOnlyStillFindsItems() async throws {
    let (engine, folder) = try await Self.huabei()
    defer { folder.remove() }
    // 花呗 is in every question and nothing starts with 利: the common word is kept, or nothing would be found.
    let typed = try engine.suggester.suggest(
      "花呗怎么利", tenant: "acme", options: SuggestOptions(limit: 3, sources: [.bot]))
    #expect(typed.count == 3)
  }

  @Test func aTenantsSynonymCountsAsTheAskedWord() throws {
    let analyzer = try Analyzer()
    let asked = AnalyzedQuestion("退款要多久到账", analyzer: analyzer)
    let synonym = AnalyzedQuestion("退钱要多久到账", analyzer: analyzer)
    let plain = QuestionMatch(asked: asked) { _ in 2 }
    let withSynonyms = QuestionMatch(asked: asked, idf: { _ in 2 }, synonyms: ["退款": ["退钱"], "退钱": ["退款"]])
    #expect(plain.features(of: synonym, engine: 1)[.queryCoverage] < 1)
    // 退钱 stands in for 退款 (at the synonym weight), and is no longer a word the customer did not write.
    #expect(
      withSynonyms.features(of: synonym, engine: 1)[.queryCoverage]
        > plain.features(of: synonym, engine: 1)[.queryCoverage])
    #expect(withSynonyms.features(of: synonym, engine: 1)[.missingInQuery] == 0)
  }

  @Test func anUnfinishedWordFoundWholeCountsMoreThanAsAPrefix() throws {
    let analyzer = try Analyzer()
    let asked = AnalyzedQuestion("where is my card", analyzer: analyzer, partial: true)
    #expect(asked.unfinished == "card")
    let match = QuestionMatch(asked: asked) { _ in 2 }
    let whole = match.features(of: AnalyzedQuestion("where is my card", analyzer: analyzer), engine: 1)
    let prefix = match.features(of: AnalyzedQuestion("where is my cardholder", analyzer: analyzer), engine: 1)
    // Typed text is mostly cut between words: "card" found whole is probably finished, a prefix may not be.
    #expect(whole[.queryCoverage] == 1)
    #expect(prefix[.queryCoverage] < whole[.queryCoverage])
  }
}
