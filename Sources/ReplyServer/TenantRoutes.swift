import Foundation
import Hummingbird
import Knowledge
import SearchIndex

/// A tenant's user dictionary, synonyms and quick-reply folders. Changing the first two needs the tenant's
/// administrator key.
struct TenantRoutes {
  let engine: SuggestionEngine

  func register(on group: RouterGroup<ReplyRequestContext>) {
    group.get("dictionary", use: words)
    group.post("dictionary", use: addWords)
    group.get("synonyms", use: synonyms)
    group.post("synonyms", use: addSynonyms)
    group.get("folders", use: folders)
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

  private static func requireAdmin(_ caller: Identity) throws {
    guard caller.isAdmin else { throw APIError.forbidden("this needs the tenant's administrator key") }
  }

  @Sendable func words(_ request: Request, context: ReplyRequestContext) async throws -> WordsJSON {
    WordsJSON(words: try engine.store.words(tenant: try context.caller().tenant))
  }

  @Sendable func addWords(_ request: Request, context: ReplyRequestContext) async throws -> AddedWordsJSON {
    let caller = try context.caller()
    try Self.requireAdmin(caller)
    let body = try await RequestBody.decode(WordsJSON.self, request, context: context)
    guard !body.words.isEmpty, body.words.count <= 10_000, body.words.allSatisfy({ $0.count <= 64 }) else {
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
    guard body.terms.count <= 100, body.terms.allSatisfy({ $0.count <= 64 }) else {
      throw APIError.invalid("field \"terms\" must hold at most 100 terms of at most 64 characters")
    }
    try await engine.addSynonyms(tenant: caller.tenant, body.terms)
    return SynonymsJSON(sets: try engine.store.synonymSets(tenant: caller.tenant))
  }

  @Sendable func folders(_ request: Request, context: ReplyRequestContext) async throws -> FoldersJSON {
    let caller = try context.caller()
    let scopes = try KnowledgeRoutes.visibleScopes(caller, store: engine.store)
    let folders = try engine.store.folders(tenant: caller.tenant, visibleScopes: scopes)
    return FoldersJSON(folders: folders.map { FolderJSON(name: $0.name, count: $0.count) })
  }
}
