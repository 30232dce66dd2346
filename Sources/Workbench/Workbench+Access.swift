import Knowledge

/// Who sees and changes which knowledge. An item a caller may not see is not there, whatever asks for it.
extension Workbench {
  /// The scopes a caller sees: all (nil) for an administrator; else company, its groups and its own replies.
  public func visibleScopes(_ caller: Caller) throws -> [Scope]? {
    if caller.isAdmin { return nil }
    var scopes: [Scope] = [.company]
    if let agent = caller.agent {
      scopes.append(.personal(agent))
      scopes += try groups(of: caller).map { .group($0) }
    }
    return scopes
  }

  /// The skill groups of the caller's agent (none for a key without an agent).
  public func groups(of caller: Caller) throws -> [String] {
    guard let agent = caller.agent else { return [] }
    return try engine.store.agent(tenant: caller.tenant, id: agent)?.groups ?? []
  }

  /// An administrator changes anything; an agent only its own personal replies.
  public static func mayChange(_ item: KnowledgeItem, caller: Caller) -> Bool {
    if caller.isAdmin { return true }
    guard let agent = caller.agent else { return false }
    return item.source == .quick && item.scope == .personal(agent)
  }

  /// The item `id` means to the caller, if the caller may see it: for an agent, its own namespaced reply first
  /// (see `PersonalID`), then the shared item.
  public func visibleItem(_ id: String, source: KnowledgeSource, caller: Caller) throws -> StoredKnowledge? {
    let store = engine.store
    if source == .quick, !caller.isAdmin, let agent = caller.agent,
      let own = try store.item(tenant: caller.tenant, source: source, id: PersonalID.namespaced(id, agent: agent))
    {
      return own
    }
    guard let stored = try store.item(tenant: caller.tenant, source: source, id: id),
      try visibleScopes(caller).map({ $0.contains(stored.item.scope) }) ?? true
    else { return nil }
    return stored
  }

  /// A knowledge item the caller may see, by id (in the given source, or the first source that has it).
  func pickedItem(_ id: String, source: KnowledgeSource?, caller: Caller) throws -> StoredKnowledge {
    for source in source.map({ [$0] }) ?? KnowledgeSource.allCases {
      if let stored = try visibleItem(id, source: source, caller: caller) { return stored }
    }
    throw WorkbenchError.unknown(field: "suggestion", code: .unknownSuggestion, message: "no such item")
  }

  /// Refuses an agent the tenant does not have (`unknown_agent`).
  public func checkAgent(_ agent: String, tenant: String) throws {
    guard try engine.store.agent(tenant: tenant, id: agent) != nil else {
      throw WorkbenchError.unknown(field: "agent", code: .unknownAgent, message: "no such agent")
    }
  }

  /// Refuses a group no agent of the tenant is in (`unknown_group`).
  public func checkGroup(_ group: String, tenant: String) throws {
    guard try engine.store.agents(tenant: tenant).contains(where: { $0.groups.contains(group) }) else {
      throw WorkbenchError.unknown(field: "group", code: .unknownGroup, message: "no agent is in group \(group)")
    }
  }
}
