import Foundation
import Knowledge
import TextAnalysis

/// Turns a stored item into Xapian documents: one for the item and one for each language variant.
package struct KnowledgeDocumentBuilder {
  package let analyzer: Analyzer
  package var now = Date()

  package static let wordPrefixLength = 6
  package static let titlePrefixLength = 12
  package static let pinyinPrefixLength = 16
  /// The longest whole-title pinyin key kept (longer titles are matched on their start).
  package static let pinyinKeyLength = 40

  /// The term all language versions of an item share.
  package static func itemTerm(tenant: String, source: KnowledgeSource, id: String) -> String {
    TermPrefix.item + StableHash.hex([tenant, source.rawValue, id].joined(separator: "\u{1F}"))
  }

  package struct Built: Sendable {
    /// The term all versions of the item share; the first version's write removes the item's old documents.
    package var itemTerm: String
    package var isFirstVersion: Bool
    package var document: PreparedDocument
  }

  package func documents(for stored: StoredKnowledge) throws -> [Built] {
    let item = stored.item
    var versions: [(language: String?, KnowledgeVariant)] = [
      (item.language, KnowledgeVariant(title: item.title, similar: item.similar, body: item.body))
    ]
    for language in item.variants.keys.sorted() where language != item.language {
      versions.append((language, item.variants[language]!))
    }
    let drafts = try versions.enumerated().map { index, version in
      try document(
        stored: stored, language: version.language, texts: version.1,
        learned: index == 0 ? stored.learnedQuestions : [])
    }
    // Every version's document carries all the item's questions (`StoredQuestions.questions(of:learned:)`'s
    // order), then its learned phrasings: the question model ranks an item by its best question in any language.
    let questions =
      (item.source == .bot ? drafts.flatMap(\.questions) : Array(drafts[0].questions.prefix(1))) + drafts[0].learned
    let encoded = StoredQuestions.encode(questions)
    let ranking = IndexRanking(
      usage: Self.usageScore(count: stored.usageCount, lastUsed: stored.lastUsedAt, now: now),
      scopeRank: Double(item.scope.rank))
    return try drafts.enumerated().map { index, draft in
      var document = draft.document
      document.data = IndexedKey(tenant: stored.tenant, source: item.source, id: item.id, language: draft.language)
        .data(questions: encoded, ranking: ranking)
      return Built(
        itemTerm: Self.itemTerm(tenant: stored.tenant, source: item.source, id: item.id), isFirstVersion: index == 0,
        document: try PreparedDocument(document))
    }
  }

  /// One language version's document, before its data is set, and its questions' analysed words (title, then
  /// similar questions).
  private struct Draft {
    var language: String?
    var document: IndexDocument
    var questions: [[AnalyzedWord]]
    /// The learned phrasings' words (`StoredKnowledge.learnedQuestions`; the first version's document only).
    var learned: [[AnalyzedWord]]
  }

  private func document(stored: StoredKnowledge, language: String?, texts: KnowledgeVariant, learned: [String])
    throws -> Draft
  {
    let item = stored.item
    var document = IndexDocument()
    var spelling = Set<String>()
    var position: UInt32 = 1

    // Pinyin keys are indexed for titles only; positions are kept where phrases matter (titles and
    // questions), not for bodies, whose positions would be most of the index's size and writing time.
    func addField(_ prefix: String, _ text: String, pinyin: Bool = false, positions: Bool = true) throws -> [Token] {
      let tokens = try analyzer.analyze(text, options: AnalysisOptions(pinyinKeys: pinyin))
      for token in tokens {
        let term = prefix + token.term
        if TermPrefix.fits(term) {
          if positions {
            document.postings.append((term, position + UInt32(token.position)))
          } else {
            document.terms.append(term)
          }
        }
        for part in token.parts where TermPrefix.fits(prefix + part) { document.terms.append(prefix + part) }
        if token.script == .latin && token.term.count >= 3 { spelling.insert(token.term) }
      }
      position += UInt32(tokens.count) + 100  // a gap, so that phrases never span two fields
      return tokens
    }

    // A question's evidence under its words. Stems and trigrams count every occurrence (as words do): an
    // intent's ten example questions saying "refund" five times say more than one saying it once.
    var bigrams = Set<String>()
    var characters = Set<String>()
    var stems: [String] = []
    var trigrams: [String] = []
    func addEvidence(of tokens: [Token]) {
      bigrams.formUnion(AnalyzedQuestion.hanBigrams(tokens))
      characters.formUnion(AnalyzedQuestion.hanCharacters(tokens))
      stems += AnalyzedQuestion.latinStemList(tokens)
      trigrams += AnalyzedQuestion.latinTrigramList(tokens)
    }
    let titleTokens = try addField(TermPrefix.title, texts.title, pinyin: true)
    addEvidence(of: titleTokens)
    var questions = [titleTokens.map(AnalyzedWord.init)]
    for question in texts.similar {
      let tokens = try addField(TermPrefix.similar, question)
      addEvidence(of: tokens)
      questions.append(tokens.map(AnalyzedWord.init))
    }
    // Learned phrasings are searched as similar questions are (typed text and smart reply find the item by
    // them); they are the item's questions for the model, not its content.
    var learnedWords: [[AnalyzedWord]] = []
    for question in learned {
      let tokens = try addField(TermPrefix.similar, question)
      addEvidence(of: tokens)
      learnedWords.append(tokens.map(AnalyzedWord.init))
    }
    document.terms += bigrams.sorted().map { TermPrefix.bigram + $0 }
    // A character or trigram can be long too: combining marks folding keeps stay in it.
    document.terms += characters.sorted().map { TermPrefix.character + $0 }.filter(TermPrefix.fits)
    document.terms += stems.map { TermPrefix.stem + $0 }.filter(TermPrefix.fits)
    document.terms += trigrams.map { TermPrefix.trigram + $0 }.filter(TermPrefix.fits)
    _ = try addField(TermPrefix.body, texts.body, positions: false)
    for tag in item.tags { _ = try addField(TermPrefix.tag, tag, positions: false) }
    addTitlePrefixes(titleTokens, to: &document)

    let tenant = stored.tenant
    document.booleanTerms = [
      TermPrefix.tenant + tenant, TermPrefix.source + item.source.rawValue, TermPrefix.scope + item.scope.description,
      TermPrefix.enabled + (item.enabled ? "1" : "0"), TermPrefix.language + (language ?? "-"),
      Self.itemTerm(tenant: tenant, source: item.source, id: item.id),
    ]
    if item.scope != .company { document.booleanTerms.append(TermPrefix.restricted) }
    // Boolean, so that the typo vocabulary leaves every document's length (and so BM25) as it was.
    document.booleanTerms += spelling.sorted().map { TermPrefix.spelling(tenant: tenant) + $0 }
    if let folder = item.folder { document.booleanTerms.append(TermPrefix.folder + folder) }
    for tag in item.tags { document.booleanTerms.append(TermPrefix.tagFilter + tag) }
    document.booleanTerms = document.booleanTerms.filter(TermPrefix.fits)

    document.values[ValueSlot.usage] = Self.usageScore(
      count: stored.usageCount, lastUsed: stored.lastUsedAt, now: now)
    document.values[ValueSlot.scopeRank] = Double(item.scope.rank)
    document.values[ValueSlot.updated] = stored.updatedAt.timeIntervalSince1970

    return Draft(
      language: language, document: document, questions: questions, learned: learnedWords)
  }

  /// Edge prefixes of title words (and their parts), of the whole title, and of their pinyin keys.
  ///
  /// Pinyin and initials prefixes start at two letters: one letter is matched against the whole title's
  /// first initial only (see `Suggester`). Every term left out is Xapian work saved at import. (The first
  /// word keeps its word-level keys although the whole title's start the same: BM25 weighs a term by its
  /// rarity, and without them a later word's match outranked a title that starts with what was typed.)
  private func addTitlePrefixes(_ tokens: [Token], to document: inout IndexDocument) {
    var terms = Set<String>()
    func addPrefixes(_ prefix: String, of text: String, from start: Int = 1, upTo limit: Int) {
      var current = ""
      for (count, character) in text.prefix(limit).enumerated() {
        current.append(character)
        if count + 1 >= start { terms.insert(prefix + current) }
      }
    }
    var whole = ""
    var wholePinyin = ""
    var wholeInitials = ""
    // Pinyin: the two-letter prefix and the whole key; three letters or more are matched by a wildcard over
    // the whole keys (a selective prefix, cheap to expand), which keeps a dozen terms a word out of the index.
    func addPinyin(_ prefix: String, _ key: String) {
      if key.count >= 2 { terms.insert(prefix + String(key.prefix(2))) }
      terms.insert(prefix + key)
    }
    func addWordKeys(_ keys: PinyinKeys) {
      addPinyin(TermPrefix.pinyin, keys.full)
      addPrefixes(TermPrefix.initials, of: keys.initials, from: 2, upTo: Self.pinyinPrefixLength)
    }
    // A word's proper prefixes only: the whole word is its title term (T), which prefix queries ask for too.
    func addWordPrefixes(_ word: String) {
      addPrefixes(TermPrefix.titleWordPrefix, of: word, upTo: min(Self.wordPrefixLength, word.count - 1))
    }
    for token in tokens {
      addWordPrefixes(token.term)
      for part in token.parts { addWordPrefixes(part) }
      whole += token.term
      if let keys = token.pinyin {
        addWordKeys(keys)
        wholePinyin += keys.full
        wholeInitials += keys.initials
      }
      // Parts start words of their own: 退款进度 is also found by typing 进度 or jindu.
      for part in token.parts.dropFirst() {
        if let keys = try? analyzer.pinyin(of: part) { addWordKeys(keys) }
      }
    }
    addPrefixes(TermPrefix.titlePrefix, of: whole, upTo: Self.titlePrefixLength)
    if !wholePinyin.isEmpty { addPinyin(TermPrefix.titlePinyin, String(wholePinyin.prefix(Self.pinyinKeyLength))) }
    addPrefixes(TermPrefix.titleInitials, of: wholeInitials, upTo: Self.pinyinPrefixLength)
    document.terms += terms.sorted().filter(TermPrefix.fits)
  }

  /// log(1 + picks), halved every 90 days since the last pick.
  package static func usageScore(count: Int, lastUsed: Date?, now: Date) -> Double {
    guard count > 0 else { return 0 }
    let days = max(0, now.timeIntervalSince(lastUsed ?? now) / 86_400)
    return log1p(Double(count)) * pow(0.5, days / 90)
  }
}

/// FNV-1a, 64 bits, as a number or as hex: stable across runs and machines (Swift's Hasher is seeded per process).
package enum StableHash {
  /// FNV-1a over the text's UTF-8 bytes.
  package static func value(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }

  package static func hex(_ text: String) -> String {
    let digits = String(value(text), radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
