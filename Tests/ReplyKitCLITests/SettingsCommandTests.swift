import Foundation
import TestSupport
import Testing

/// `replykit settings` and `replykit model install`: a tenant's settings and its own sentence-embedding model.
@Suite(.blocking, .serialized) struct SettingsCommandTests {
  /// The model `make model` installs (or REPLYKIT_MODEL_DIR).
  static let model =
    ProcessInfo.processInfo.environment["REPLYKIT_MODEL_DIR"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("models/all-MiniLM-L6-v2").path

  static let knowledge = """
    {"id":"password","source":"bot","question":"How do I reset my password?","similar":["forgot password"],"answer":"Tap Forgot password.","language":"en"}
    {"id":"parcel","source":"bot","question":"Where is my parcel?","answer":"Track it from the Orders page.","language":"en"}

    """

  @Test func settingsChangeWhatIsNamedAndShowTheRest() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let set = try CLIProcess.run(["settings", "set", "--data", folder.data, "--tenant", "acme", "--pinyin", "off"])
    #expect(set.status == 0, "\(set.stderr)")
    let shown = try CLIProcess.run(["settings", "--data", folder.data, "--tenant", "acme"])
    #expect(shown.stdout.contains("pinyin keys: off") && shown.stdout.contains("default language: zh-Hans"))
    #expect(shown.stdout.contains("meaning: standard"))
    let nothing = try CLIProcess.run(["settings", "set", "--data", folder.data])
    #expect(nothing.status != 0 && nothing.stderr.contains("--meaning"))
    let badTag = try CLIProcess.run(["settings", "set", "--data", folder.data, "--default-language", "no tag"])
    #expect(badTag.status != 0 && badTag.stderr.contains("--default-language"))
    // A model of its own, none installed: refused, saying how to install one.
    let own = try CLIProcess.run(["settings", "set", "--data", folder.data, "--tenant", "acme", "--meaning", "own"])
    #expect(own.status != 0 && own.stderr.contains("replykit model install --tenant acme"), "\(own.stderr)")
    let after = try CLIProcess.run(["settings", "--data", folder.data, "--tenant", "acme"])
    #expect(after.stdout.contains("meaning: standard"))
  }

  @Test func aBrokenModelFolderIsRefusedNamingTheFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let broken = folder.url.appendingPathComponent("broken").path
    try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
    try #"{"hidden_size": "wide"}"#.write(toFile: broken + "/config.json", atomically: true, encoding: .utf8)
    let refused = try CLIProcess.run(["model", "install", "--data", folder.data, "--tenant", "acme", broken])
    #expect(refused.status != 0 && refused.stderr.contains("config.json"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.data + "/models/acme"))
    // A tenant named as a folder elsewhere is refused before anything is touched.
    let file = try folder.file("knowledge.jsonl", Self.knowledge)
    #expect(try CLIProcess.run(["import", "--data", folder.data, file]).status == 0)
    for tenant in ["..", "."] {
      let outside = try CLIProcess.run(["model", "install", "--data", folder.data, "--tenant", tenant, broken])
      #expect(outside.status != 0 && outside.stderr.contains("--tenant"), "\(outside.stderr)")
    }
    #expect(FileManager.default.fileExists(atPath: folder.data + "/replykit.sqlite"))
  }

  @Test func aTenantsOwnModelIsInstalledChosenAndEncoded() throws {
    try #require(
      FileManager.default.fileExists(atPath: Self.model + "/model.safetensors"),
      "no model: run `make model` (or set REPLYKIT_MODEL_DIR)")
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.file("knowledge.jsonl", Self.knowledge)
    let imported = try CLIProcess.run(["import", "--data", folder.data, "--tenant", "acme", file])
    #expect(imported.status == 0, "\(imported.stderr)")
    let installed = try CLIProcess.run(["model", "install", "--data", folder.data, "--tenant", "acme", Self.model])
    #expect(installed.status == 0, "\(installed.stderr)")
    #expect(installed.stdout.contains("6 layers, 384 wide"))
    #expect(installed.stdout.contains("replykit settings set --tenant acme --meaning own"))
    #expect(FileManager.default.fileExists(atPath: folder.data + "/models/acme/LICENSE"))
    let chosen = try CLIProcess.run(["settings", "set", "--data", folder.data, "--tenant", "acme", "--meaning", "own"])
    #expect(chosen.status == 0, "\(chosen.stderr)")
    // Both entries' questions, encoded before the command returns: 2 + 1.
    #expect(chosen.stdout.contains("vectors: 3 questions of 2 entries by acme-"), "\(chosen.stdout)")
    let again = try CLIProcess.run(["model", "install", "--data", folder.data, "--tenant", "acme", Self.model])
    #expect(!again.stdout.contains("choose it with"))
  }
}
