import Embeddings
import Foundation
import Knowledge
import QuestionVectors
import Testing

@testable import Ranking
@testable import Workbench

/// The semantic stage with the model `make model` installs: vectors that follow the store, and smart reply
/// finding by meaning what shares no word with the message.
@Suite(.serialized) struct SemanticStageTests {
  static let encoder: SentenceEncoder? = {
    let folder =
      ProcessInfo.processInfo.environment["REPLYKIT_MODEL_DIR"]
      ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("models/all-MiniLM-L6-v2").path
    return try? SentenceEncoder(folder: folder)
  }()

  static func requireEncoder() throws -> SentenceEncoder {
    try #require(encoder, "no model: run `make model` (or set REPLYKIT_MODEL_DIR)")
  }

  /// An engine with the model on `folder`, `items` stored for tenant acme, indexed and encoded.
  static func engine(with items: [KnowledgeItem], in folder: TestDataFolder) async throws -> SuggestionEngine {
    let engine = try await SuggestionEngine(dataFolder: folder.path, encoder: try requireEncoder())
    try engine.store.upsert(items, tenant: "acme")
    try await engine.catchUp()
    try await engine.semantic.finish()
    return engine
  }

  static let helpDesk: [KnowledgeItem] = [
    KnowledgeItem(
      id: "password", source: .bot, title: "How do I reset my password?", similar: ["forgot password"],
      body: "Tap Forgot password on the login page.", language: "en"),
    KnowledgeItem(
      id: "parcel", source: .bot, title: "Where is my parcel?", similar: ["my order has not arrived"],
      body: "Track it from the Orders page.", language: "en"),
    KnowledgeItem(
      id: "close", source: .bot, title: "How can I close my account?", body: "Write to support.", language: "en"),
    KnowledgeItem(id: "refund-policy", source: .internal, title: "Refund policy", body: "Refunds take five days."),
    KnowledgeItem(id: "greeting", source: .quick, title: "Hello", body: "Hello, how can I help?"),
    KnowledgeItem(id: "tuikuan", source: .bot, title: "怎么申请退款？", similar: ["我要退钱"], body: "在订单详情页申请。"),
  ]

  @Test func vectorsFollowTheStoreAndOutliveTheProcess() async throws {
    let encoder = try Self.requireEncoder()
    let folder = try TestDataFolder()
    defer { folder.remove() }
    var engine: SuggestionEngine? = try await SuggestionEngine(dataFolder: folder.path, encoder: encoder)
    try engine!.store.upsert(Self.helpDesk, tenant: "acme")
    try await engine!.catchUp()
    let stage = engine!.semantic
    try await stage.finish()
    // Bot questions and article titles the model reads: 2 + 2 + 1 + 1; the quick reply and the Chinese entry
    // have none.
    var status = try #require(try stage.status())
    #expect(status.caughtUp && status.changesBehind == 0)
    #expect(status.vectors == 6)
    #expect(status.items == 4)
    #expect(status.bytes == 6 * encoder.dimension * 4)

    // A new phrasing is encoded; a deleted entry's vectors go.
    try engine!.store.upsert(
      [
        KnowledgeItem(
          id: "password", source: .bot, title: "How do I reset my password?",
          similar: ["forgot password", "I cannot sign in"], body: "Tap Forgot password.", language: "en")
      ], tenant: "acme")
    _ = try engine!.store.delete(tenant: "acme", source: .bot, id: "close")
    try await engine!.catchUp()
    try await stage.finish()
    status = try #require(try stage.status())
    #expect(status.vectors == 6)
    #expect(status.items == 3)

    // Opened again, the vectors are read back, not encoded again.
    engine = nil
    let reopened = try await SuggestionEngine(dataFolder: folder.path, encoder: encoder)
    let again = reopened.semantic
    try await again.finish()
    status = try #require(try again.status())
    #expect(status.vectors == 6 && status.caughtUp)
    #expect(status.encodedSinceOpen == 0)
  }

  @Test func meaningFindsWhatSharesNoWord() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    // Entries that share the messages' words but not their meaning.
    let sharingWords = [
      KnowledgeItem(
        id: "address", source: .bot, title: "Can I change the delivery address?", body: "Yes.", language: "en"),
      KnowledgeItem(
        id: "courier", source: .bot, title: "How do I become a courier?", body: "Apply online.", language: "en"),
      KnowledgeItem(
        id: "memory", source: .bot, title: "Can I remember my card on this device?", body: "Yes.", language: "en"),
    ]
    let engine = try await Self.engine(with: Self.helpDesk + sharingWords, in: folder)
    let words = engine.suggester(weights: .standard)
    let plain = Suggester(
      readers: engine.readers, store: engine.store, analyzers: engine.analyzers, weights: .standard)
    for (message, expected) in [
      ("I can't remember my login credentials", "password"), ("I want to delete my profile for good", "close"),
    ] {
      let answer = try words.smartReply(message, tenant: "acme")
      #expect(answer.answers.first?.suggestion.id == expected, "\(message)")
      // The confidence is the cosine's and the overlap's probability that the answer is right.
      #expect(!answer.noGoodAnswer, "\(message)")
      // Words alone miss it, or put it first with too little confidence to answer: the message shares only
      // "my" with the entries.
      let lexical = try plain.smartReply(message, tenant: "acme")
      #expect(lexical.answers.first?.suggestion.id != expected || lexical.noGoodAnswer, "\(message)")
    }
  }

  @Test func aQuestionNothingAnswersGetsNoGoodAnswer() async throws {
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await Self.engine(with: Self.helpDesk, in: folder)
    let unrelated = try engine.suggester.smartReply("what is the tallest mountain on mars", tenant: "acme")
    #expect(unrelated.noGoodAnswer)
    let confidence = try #require(unrelated.answers.first?.confidence)
    #expect(confidence < engine.suggester.weights.smartReply.minimumMeaningConfidence)
    let asked = try engine.suggester.smartReply("how do i reset my password", tenant: "acme")
    #expect(asked.answers.first?.suggestion.id == "password")
    #expect(try #require(asked.answers.first?.confidence) > 0.9)
  }

  @Test func chineseTextLeavesAnEnglishModelOut() async throws {
    let encoder = try Self.requireEncoder()
    #expect(!encoder.readsHan)
    let folder = try TestDataFolder()
    defer { folder.remove() }
    let engine = try await Self.engine(with: Self.helpDesk, in: folder)
    let plain = Suggester(
      readers: engine.readers, store: engine.store, analyzers: engine.analyzers, weights: .standard)
    for message in ["我想退款", "退钱怎么弄"] {
      let withModel = try engine.suggester.smartReply(message, tenant: "acme")
      let without = try plain.smartReply(message, tenant: "acme")
      #expect(withModel.answers.map(\.suggestion.id) == without.answers.map(\.suggestion.id))
      #expect(withModel.answers.map(\.confidence) == without.answers.map(\.confidence))
    }
  }

  /// Entries with vectors in the lane that serves the tenant as it chose.
  static func items(_ engine: SuggestionEngine, _ tenant: String, _ choice: MeaningChoice) throws -> Int? {
    try engine.semantic.status(tenant: tenant, choice: choice)?.items
  }

  static let message = "I can't remember my login credentials"

  @Test func eachTenantChoosesWhetherMeaningCounts() async throws {
    let encoder = try Self.requireEncoder()
    let folder = try TestDataFolder()
    defer { folder.remove() }
    var engine: SuggestionEngine? = try await SuggestionEngine(dataFolder: folder.path, encoder: encoder)
    try await engine!.setSettings(TenantSettings(tenant: "words", meaning: .none))
    try engine!.store.upsert(Self.helpDesk, tenant: "acme")
    try engine!.store.upsert(Self.helpDesk, tenant: "words")
    try await engine!.catchUp()
    try await engine!.semantic.finish()
    #expect(try Self.items(engine!, "acme", .standard) == 4)
    #expect(try Self.items(engine!, "words", .none) == nil)
    #expect(try Self.items(engine!, "words", .standard) == 0)
    func plain(_ engine: SuggestionEngine) -> Suggester {
      Suggester(readers: engine.readers, store: engine.store, analyzers: engine.analyzers, weights: .standard)
    }
    func answers(_ suggester: Suggester, _ tenant: String) throws -> [String] {
      try suggester.smartReply(Self.message, tenant: tenant).answers.map { "\($0.suggestion.id) \($0.confidence)" }
    }
    // Without a model the tenant is answered exactly as words alone answer it.
    #expect(try answers(engine!.suggester, "words") == answers(plain(engine!), "words"))
    #expect(try answers(engine!.suggester, "acme") != answers(plain(engine!), "acme"))

    // The choices swapped: one tenant's vectors are made, the other's dropped.
    try await engine!.setSettings(TenantSettings(tenant: "words", meaning: .standard))
    try await engine!.setSettings(TenantSettings(tenant: "acme", meaning: .none))
    try await engine!.semantic.finish()
    #expect(try Self.items(engine!, "words", .standard) == 4)
    #expect(try Self.items(engine!, "acme", .standard) == 0)
    #expect(try answers(engine!.suggester, "acme") == answers(plain(engine!), "acme"))
    #expect(try engine!.suggester.smartReply(Self.message, tenant: "words").answers.first?.suggestion.id == "password")

    // Opened again, each tenant's vectors are as it chose, none encoded again.
    engine = nil
    let reopened = try await SuggestionEngine(dataFolder: folder.path, encoder: encoder)
    try await reopened.semantic.finish()
    #expect(try Self.items(reopened, "words", .standard) == 4)
    #expect(try Self.items(reopened, "acme", .standard) == 0)
    #expect(try reopened.semantic.status()?.encodedSinceOpen == 0)
  }

  @Test func aTenantsOwnModelServesItAlone() async throws {
    let encoder = try Self.requireEncoder()
    let folder = try TestDataFolder()
    defer { folder.remove() }
    // A service without a model: the tenant's own is the only one.
    let engine = try await SuggestionEngine(dataFolder: folder.path)
    try engine.store.upsert(Self.helpDesk, tenant: "acme")
    try engine.store.upsert(Self.helpDesk, tenant: "own")
    try await engine.catchUp()

    // Chosen before one is installed: refused, and nothing changes.
    await #expect(throws: SemanticStageError.self) {
      try await engine.setSettings(TenantSettings(tenant: "own", meaning: .own))
    }
    #expect(try engine.store.settings(tenant: "own").meaning == .standard)

    // Installed (the standard model's files, linked) and chosen: vectors of its own, for it alone.
    let installed = SemanticStage.ownModelFolder(dataFolder: folder.path, tenant: "own")
    try FileManager.default.createDirectory(atPath: installed, withIntermediateDirectories: true)
    for file in ["config.json", "vocab.txt", "model.safetensors"] {
      try FileManager.default.createSymbolicLink(
        atPath: installed + "/" + file, withDestinationPath: encoder.folder + "/" + file)
    }
    try await engine.setSettings(TenantSettings(tenant: "own", meaning: .own))
    try await engine.semantic.finish()
    let own = try #require(try engine.semantic.status(tenant: "own", choice: .own))
    #expect(own.items == 4 && own.caughtUp)
    #expect(own.model.hasPrefix("own-"))
    #expect(try engine.semantic.status() == nil)
    #expect(try Self.items(engine, "acme", .standard) == nil)
    #expect(try engine.suggester.smartReply(Self.message, tenant: "own").answers.first?.suggestion.id == "password")
    let vectorFile = folder.path + "/vectors-own/own.sqlite"
    #expect(FileManager.default.fileExists(atPath: vectorFile))

    // Back to the standard model, which this service does not have: words alone, and the own vectors gone.
    try await engine.setSettings(TenantSettings(tenant: "own", meaning: .standard))
    try await engine.semantic.finish()
    #expect(try engine.semantic.status(tenant: "own", choice: .own) == nil)
    #expect(!FileManager.default.fileExists(atPath: vectorFile))
  }
}
