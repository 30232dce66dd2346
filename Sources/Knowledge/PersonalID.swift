/// Where an agent's own quick replies keep ids no other agent can see.
///
/// Items share one id space per tenant and source, so an agent creating `qr-1` while another agent's personal
/// reply has that id would be refused, and would learn that the reply exists. Such a reply is stored as
/// `~agent-2/qr-1` instead: an id in the agent's own namespace, which only that agent's personal replies may
/// have, and which the agent still reads, changes and picks as `qr-1`. The administrator sees the stored id.
public enum PersonalID {
  /// The stored id of `id` in `agent`'s namespace.
  public static func namespaced(_ id: String, agent: String) -> String { "~\(agent)/\(id)" }

  /// The agent whose namespace `id` is in, or nil for an id in the shared space.
  public static func owner(of id: String) -> String? {
    guard id.hasPrefix("~"), let slash = id.firstIndex(of: "/") else { return nil }
    let owner = id[id.index(after: id.startIndex)..<slash]
    return owner.isEmpty ? nil : String(owner)
  }

  /// The id as `agent` knows it: an id of its own namespace without the namespace, any other as it is.
  public static func shown(_ id: String, to agent: String?) -> String {
    guard let agent, owner(of: id) == agent else { return id }
    return String(id.dropFirst(agent.count + 2))
  }
}
