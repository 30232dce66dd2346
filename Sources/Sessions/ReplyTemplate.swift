/// A reply's text with `{{variables}}`, filled from the conversation before it is sent.
///
/// `{{visitor.name}}` takes the value; `{{visitor.name|您}}` falls back to `您` when there is none. A variable
/// with no value and no fallback, or one the conversation does not know, is reported and never sent raw.
public struct ReplyTemplate: Sendable {
  public let text: String

  public init(_ text: String) { self.text = text }

  /// A variable the template could not fill.
  public struct Unresolved: Hashable, Sendable, Codable {
    public var name: String
    /// `unknown` (no such variable) or `empty` (known, but this conversation has no value and there is no fallback).
    public var reason: String

    public init(name: String, reason: String) {
      self.name = name
      self.reason = reason
    }
  }

  public enum Filled: Sendable, Equatable {
    case text(String)
    case unresolved([Unresolved])
  }

  /// Fills the variables from `values`; `known` names the variables that exist even when they have no value here.
  public func fill(_ values: [String: String], known: Set<String>) -> Filled {
    let filled = filling(values, known: known)
    return filled.unresolved.isEmpty ? .text(filled.text) : .unresolved(filled.unresolved)
  }

  /// The text with what `values` fill, and each variable they cannot fill left as `{{name}}`: what the reply box
  /// shows for the agent to complete before sending.
  public func draft(_ values: [String: String], known: Set<String>) -> String {
    filling(values, known: known).draft
  }

  private func filling(_ values: [String: String], known: Set<String>)
    -> (text: String, draft: String, unresolved: [Unresolved])
  {
    var output = ""
    var draft = ""
    var unresolved: [Unresolved] = []
    var rest = Substring(text)
    while let open = rest.range(of: "{{") {
      output += rest[..<open.lowerBound]
      draft += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        rest = rest[open.lowerBound...]
        break
      }
      let inside = rest[open.upperBound..<close.lowerBound]
      let (name, fallback) = Self.split(inside)
      if let value = values[name], !value.isEmpty {
        output += value
        draft += value
      } else if let fallback {
        output += fallback
        draft += fallback
      } else {
        let problem = Unresolved(name: name, reason: known.contains(name) ? "empty" : "unknown")
        if !unresolved.contains(problem) { unresolved.append(problem) }
        draft += "{{\(name)}}"
      }
      rest = rest[close.upperBound...]
    }
    output += rest
    draft += rest
    return (output, draft, unresolved)
  }

  /// The variable names a template uses (the editor shows them).
  public var variables: [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
      let name = Self.split(rest[open.upperBound..<close.lowerBound]).name
      if !names.contains(name) { names.append(name) }
      rest = rest[close.upperBound...]
    }
    return names
  }

  private static func split(_ inside: Substring) -> (name: String, fallback: String?) {
    guard let bar = inside.firstIndex(of: "|") else { return (trimmed(inside), nil) }
    return (trimmed(inside[..<bar]), String(inside[inside.index(after: bar)...]))
  }

  private static func trimmed(_ text: Substring) -> String {
    String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}

extension ReplyTemplate {
  /// The values a conversation offers: the visitor (and its custom attributes), the agent, the session.
  /// The variables every conversation knows (a customer's own attributes come beside them as `visitor.KEY`).
  public static let builtInVariables: Set<String> = [
    "session.id", "session.channel", "session.group", "visitor.id", "visitor.name", "visitor.level",
    "visitor.language", "visitor.channel", "agent.id", "agent.name",
  ]

  public static func values(session: Session, customer: Customer?, agentId: String?, agentName: String?)
    -> (values: [String: String], known: Set<String>)
  {
    let builtIn = builtInVariables
    var values: [String: String] = [
      "session.id": String(session.id), "session.channel": session.channel.rawValue,
      "visitor.id": session.customerId,
    ]
    values["session.group"] = session.group
    values["agent.id"] = agentId
    values["agent.name"] = agentName ?? agentId
    if let customer {
      values["visitor.name"] = customer.name
      values["visitor.level"] = customer.level
      values["visitor.language"] = customer.language
      values["visitor.channel"] = customer.channel.rawValue
      for (key, value) in customer.attributes {
        values["visitor.attributes.\(key)"] = value
        // Custom attributes also answer to the short form, but never for a built-in variable.
        if !builtIn.contains("visitor.\(key)") { values["visitor.\(key)"] = value }
      }
    }
    let known = builtIn
    return (values, known.union(values.keys))
  }
}
