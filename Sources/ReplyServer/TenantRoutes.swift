import Evaluation
import Foundation
import Hummingbird
import Knowledge
import QuestionVectors
import Ranking
import Workbench

/// A tenant's settings, user dictionary, synonyms and quick-reply folders. Changing the first three needs the
/// tenant's administrator key.
struct TenantRoutes {
  let workbench: Workbench
  var engine: SuggestionEngine { workbench.engine }

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.get("settings", use: settings)
    group.put("settings", use: putSettings)
    group.get("dictionary", use: words)
    group.post("dictionary", use: addWords)
    group.get("synonyms", use: synonyms)
    group.post("synonyms", use: addSynonyms)
    group.get("folders", use: folders)
    group.get("learn", use: learned)
    group.post("learn", use: learn)
    group.delete("learn", use: forget)
  }

  /// The tenant's suggestion settings, and how far the vectors of its meaning model are.
  struct SettingsJSON: ResponseEncodable {
    var defaultLanguage: String
    var pinyin: Bool
    var meaning: MeaningChoice
    /// The question models that rank whole questions (smart reply) and typed text (suggest): `standard` (the
    /// shipped ones) or `lexical` (the index's BM25 order), as `POST /v1/learn` or an administrator chose.
    var wholeRanking: RankingChoice
    var typedRanking: RankingChoice
    /// The vectors of the model that serves the tenant; nil when none does (`none`, or `standard` on a service
    /// run without a model).
    var vectors: VectorsJSON?
  }
  /// Any field left out keeps its value.
  struct SettingsRequest: Decodable {
    var defaultLanguage: String?
    var pinyin: Bool?
    var meaning: String?
    var wholeRanking: String?
    var typedRanking: String?
  }

  struct WordsJSON: ResponseEncodable, Decodable { var words: [String] }
  struct AddedWordsJSON: ResponseEncodable {
    var added: [String]
    var words: [String]
  }
  struct SynonymsJSON: ResponseEncodable { var sets: [[String]] }
  struct SynonymRequest: Decodable { var terms: [String] }
  struct FolderJSON: Encodable {
    var name: String
    var count: Int
  }
  struct FoldersJSON: ResponseEncodable { var folders: [FolderJSON] }

  struct LearnRequest: Decodable {
    /// The most recent picks to learn from.
    var limit: Int?
    /// Compare the rankings on the picks but leave the tenant's typed ranking as it is.
    var keepRanking: Bool?
    /// `validated` (the default: word evidence is kept only if it wins its cross-fitted check) or `always`.
    var evidence: String?
  }
  struct DecisiveWordJSON: Encodable {
    var word: String
    var differs: Double
  }
  struct LearnedJSON: ResponseEncodable {
    /// Picks learned from, and those whose picked item was among the compared candidates.
    var picks: Int
    var answered: Int
    var words: Int
    var decisive: [DecisiveWordJSON]
    /// Phrasings kept: texts picked at least twice for the same item, which the index now holds beside it.
    var phrasings: Int
    /// The picks' typed texts ranked by the shipped models and by the lexical base before anything was
    /// learned, and the typed ranking chosen (`typedRanking` in the settings).
    var typedRanking: RankingSelection.Verdict?
    /// The evidence learned from one half of the picks ranking the other, and whether it is kept (`words` is 0
    /// when it is not).
    var evidence: RankingSelection.EvidenceVerdict?
  }
  struct EvidenceJSON: ResponseEncodable {
    /// Words with learned evidence (0: the lexical model ranks).
    var words: Int
    var decisive: [DecisiveWordJSON]
    /// Learned phrasings the index holds beside the tenant's items.
    var phrasings: Int
  }

  /// The ten words that most separate answers from look-alikes, differs rounded to 3 decimals.
  static func decisive(_ evidence: [String: WordEvidence]) -> [DecisiveWordJSON] {
    evidence.sorted { $0.value.differs != $1.value.differs ? $0.value.differs > $1.value.differs : $0.key < $1.key }
      .prefix(10).map { DecisiveWordJSON(word: $0.key, differs: ($0.value.differs * 1000).rounded() / 1000) }
  }

  private static func requireAdmin(_ caller: Caller) throws {
    guard caller.isAdmin else { throw APIError.forbidden("this needs the tenant's administrator key") }
  }

  private func settingsJSON(tenant: String) throws -> SettingsJSON {
    let settings = try engine.store.settings(tenant: tenant)
    let status = try engine.semantic.status(tenant: tenant, choice: settings.meaning)
    return SettingsJSON(
      defaultLanguage: settings.defaultLanguage, pinyin: settings.pinyinEnabled, meaning: settings.meaning,
      wholeRanking: settings.wholeRanking, typedRanking: settings.typedRanking, vectors: status.map(VectorsJSON.init))
  }

  @Sendable func settings(_ request: Request, context: ReplyRequestContext) async throws -> SettingsJSON {
    try settingsJSON(tenant: try context.caller().tenant)
  }

  /// Changes the fields given. `meaning: own` needs a model installed for the tenant (`replykit model install`);
  /// without one it is refused with 422 `no_model` and nothing changes.
  @Sendable func putSettings(_ request: Request, context: ReplyRequestContext) async throws -> SettingsJSON {
    let caller = try context.caller()
    try Self.requireAdmin(caller)
    let body = try await RequestBody.decode(SettingsRequest.self, request, context: context)
    if let language = body.defaultLanguage, !LanguageTag.isWellFormed(language) {
      throw APIError.invalid("field \"defaultLanguage\" must be a BCP 47 language tag such as zh-Hans or en")
    }
    let choice = try body.meaning.map { meaning in
      guard let choice = MeaningChoice(rawValue: meaning) else {
        throw APIError.invalid("field \"meaning\" must be none, standard or own")
      }
      return choice
    }
    let rankings = try [("wholeRanking", body.wholeRanking), ("typedRanking", body.typedRanking)].map { field, value in
      try value.map { value in
        guard let choice = RankingChoice(rawValue: value) else {
          throw APIError.invalid("field \"\(field)\" must be standard or lexical")
        }
        return choice
      }
    }
    do {
      // Only the fields given change, applied to the settings as stored.
      _ = try await engine.updateSettings(tenant: caller.tenant) { settings in
        if let language = body.defaultLanguage { settings.defaultLanguage = language }
        if let pinyin = body.pinyin { settings.pinyinEnabled = pinyin }
        if let choice { settings.meaning = choice }
        if let whole = rankings[0] { settings.wholeRanking = whole }
        if let typed = rankings[1] { settings.typedRanking = typed }
      }
    } catch SemanticStageError.noOwnModel {
      throw APIError.unprocessable(
        .noModel,
        "field \"meaning\": no model of the tenant's own is installed that opens (replykit model install --tenant \(caller.tenant) DIR)"
      )
    }
    return try settingsJSON(tenant: caller.tenant)
  }

  @Sendable func words(_ request: Request, context: ReplyRequestContext) async throws -> WordsJSON {
    WordsJSON(words: try engine.store.words(tenant: try context.caller().tenant))
  }

  @Sendable func addWords(_ request: Request, context: ReplyRequestContext) async throws -> AddedWordsJSON {
    let caller = try context.caller()
    try Self.requireAdmin(caller)
    let body = try await RequestBody.decode(WordsJSON.self, request, context: context)
    guard !body.words.isEmpty, body.words.count <= 10_000, body.words.allSatisfy({ $0.unicodeScalars.count <= 64 })
    else {
      throw APIError.invalid("field \"words\" must hold 1 to 10000 words of at most 64 characters")
    }
    let added = try await engine.addWords(tenant: caller.tenant, body.words)
    return AddedWordsJSON(added: added, words: try engine.store.words(tenant: caller.tenant))
  }

  @Sendable func synonyms(_ request: Request, context: ReplyRequestContext) async throws -> SynonymsJSON {
    SynonymsJSON(sets: try engine.store.synonymSets(tenant: try context.caller().tenant))
  }

  @Sendable func addSynonyms(_ request: Request, context: ReplyRequestContext) async throws -> SynonymsJSON {
    let caller = try context.caller()
    try Self.requireAdmin(caller)
    let body = try await RequestBody.decode(SynonymRequest.self, request, context: context)
    guard body.terms.count <= 100, body.terms.allSatisfy({ $0.unicodeScalars.count <= 64 }) else {
      throw APIError.invalid("field \"terms\" must hold at most 100 terms of at most 64 characters")
    }
    try await engine.addSynonyms(tenant: caller.tenant, body.terms)
    return SynonymsJSON(sets: try engine.store.synonymSets(tenant: caller.tenant))
  }

  @Sendable func folders(_ request: Request, context: ReplyRequestContext) async throws -> FoldersJSON {
    let caller = try context.caller()
    let scopes = try workbench.visibleScopes(caller)
    let folders = try engine.store.folders(tenant: caller.tenant, visibleScopes: scopes)
    return FoldersJSON(folders: folders.map { FolderJSON(name: $0.name, count: $0.count) })
  }

  /// Learns from the tenant's pick log (what agents typed, judged by what they picked): word evidence, and the
  /// texts picked twice or more for the same item as its phrasings; both are used at once. The work (about
  /// 2.5 ms a pick) runs off the request threads.
  @Sendable func learn(_ request: Request, context: ReplyRequestContext) async throws -> LearnedJSON {
    let caller = try context.caller()
    try Self.requireAdmin(caller)
    let body = try await RequestBody.decodeIfPresent(LearnRequest.self, request, context: context)
    let limit = body?.limit ?? 20_000
    guard (1...100_000).contains(limit) else { throw APIError.invalid("field \"limit\" must be from 1 to 100000") }
    let picks = try engine.picksByPeople(tenant: caller.tenant).suffix(limit)
    guard !picks.isEmpty else {
      throw APIError(.unprocessableContent, .noPicks, "the tenant has no picks to learn from")
    }
    let policy = try (body?.evidence).map { value in
      guard let policy = RankingSelection.EvidencePolicy(rawValue: value) else {
        throw APIError.invalid("field \"evidence\" must be validated or always")
      }
      return policy
    }
    let (report, ranking, changed) = try await RankingSelection.learn(
      engine: engine, tenant: caller.tenant, judged: picks.map { ($0.input, [$0.itemId]) },
      sources: Set(KnowledgeSource.allCases), minimumCount: 2, alreadyTyped: true,
      keepRanking: body?.keepRanking ?? false, evidence: policy ?? .validated)
    guard !report.evidence.isEmpty || report.phrasingsKept > 0 || changed else {
      throw APIError(
        .unprocessableContent, .nothingLearned,
        "nothing to learn: the picked items were never, or always, among the candidates compared, and no text was picked twice for the same item"
      )
    }
    return LearnedJSON(
      picks: report.questions, answered: report.answered, words: report.evidenceKept ? report.evidence.count : 0,
      decisive: Self.decisive(report.evidenceKept ? report.evidence : [:]), phrasings: report.phrasingsKept,
      typedRanking: ranking.typed, evidence: ranking.evidence)
  }

  /// What the tenant's ranking has learned: how many words, and the most decisive. Any key may read it.
  @Sendable func learned(_ request: Request, context: ReplyRequestContext) async throws -> EvidenceJSON {
    let tenant = try context.caller().tenant
    let evidence = try engine.store.wordEvidence(tenant: tenant)
    return EvidenceJSON(
      words: evidence.count, decisive: Self.decisive(evidence),
      phrasings: try engine.store.learnedQuestionCount(tenant: tenant))
  }

  /// Drops what the tenant's ranking learned (word evidence and phrasings): it goes back to the lexical model
  /// over the items' own questions.
  @Sendable func forget(_ request: Request, context: ReplyRequestContext) async throws -> Response {
    let caller = try context.caller()
    try Self.requireAdmin(caller)
    try engine.setWordEvidence(tenant: caller.tenant, [:])
    try await engine.setLearnedQuestions(tenant: caller.tenant, [])
    return Response(status: .noContent)
  }
}
