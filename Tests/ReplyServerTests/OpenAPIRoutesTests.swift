import Foundation
import Knowledge
import TestSupport
import Testing

@testable import ReplyServer

/// openapi.yaml and the router describe the same API: every registered route is documented, and every
/// documented operation is registered (HEAD, which the router makes for each GET, excepted); the error codes the
/// spec lists are the vocabulary the code answers with.
@Suite(.liveServers) struct OpenAPIRoutesTests {
  static func specText() throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml")
    return try String(contentsOf: url.standardizedFileURL, encoding: .utf8)
  }

  /// `METHOD /path/{parameter}` for each operation under `paths:` in openapi.yaml (two-space paths, four-space
  /// methods, as the file is written).
  static func documented() throws -> Set<String> {
    let lines = try specText().split(separator: "\n")
    var operations = Set<String>()
    var path: String?
    var inPaths = false
    for line in lines {
      if line == "paths:" {
        inPaths = true
        continue
      }
      guard inPaths else { continue }
      if !line.hasPrefix(" ") && !line.isEmpty { break }
      if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
        path = String(line.dropFirst(2).dropLast())
      } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
        let method = line.trimmingCharacters(in: .whitespaces).dropLast()
        if ["get", "post", "put", "delete", "patch"].contains(method) {
          operations.insert("\(method.uppercased()) \(path)")
        }
      }
    }
    return operations
  }

  /// `METHOD /path/{parameter}` for each route the service registers.
  static func registered(_ fixture: ServerFixture) -> Set<String> {
    Set(
      buildRouter(workbench: fixture.workbench).routes.compactMap { route -> String? in
        guard route.method != .head else { return nil }
        let path = route.path.components.map { component -> String in
          let text = component.description
          return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
        }
        return "\(route.method.rawValue) /" + path.joined(separator: "/")
      })
  }

  @Test func everyRouteIsDocumentedAndEveryOperationRegistered() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    let documented = try Self.documented()
    let registered = Self.registered(fixture)
    #expect(documented.count > 50, "\(documented.count) operations read from openapi.yaml")
    #expect(registered.subtracting(documented).sorted() == [], "registered but not in openapi.yaml")
    #expect(documented.subtracting(registered).sorted() == [], "in openapi.yaml but not registered")
  }

  /// The `enum` of the Error schema's `code` (a flow list, possibly over several lines).
  static func documentedCodes() throws -> [String] {
    let text = try specText()
    let schema = try #require(text.range(of: "\n    Error:\n"))
    let list = try #require(text.range(of: "enum: [", range: schema.upperBound..<text.endIndex))
    let end = try #require(text.range(of: "]", range: list.upperBound..<text.endIndex))
    return text[list.upperBound..<end.lowerBound].split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  @Test func theSpecsErrorCodesAreTheCodesVocabulary() throws {
    let documented = try Self.documentedCodes()
    #expect(documented.count == Set(documented).count, "a code listed twice")
    #expect(Set(documented) == Set(ErrorCode.allCases.map(\.rawValue)))
    // Every example of an error names a code of the vocabulary.
    let examples = try Self.specText().split(separator: "\n").compactMap { line -> String? in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      return trimmed.hasPrefix("code: ") ? String(trimmed.dropFirst(6)) : nil
    }
    #expect(!examples.isEmpty)
    #expect(examples.filter { ErrorCode(rawValue: $0) == nil } == [])
  }
}
