import Foundation
import Knowledge
import TestSupport
import Testing

/// `replykit agents password`: an agent's password for the workbench page, from standard input, stored as a
/// salted scrypt hash; bad input is refused naming what is wrong, and nothing is stored.
@Suite(.blocking) struct AgentsCommandTests {
  @Test func aPasswordFromStandardInputIsStoredHashedAndBadOnesAreRefused() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let added = try CLIProcess.run(["agents", "set", "--data", folder.data, "agent-1", "--groups", "vip"])
    #expect(added.status == 0, "\(added.stderr)")
    let set = try CLIProcess.run(["agents", "password", "--data", folder.data, "agent-1"], input: "correct horse\n")
    #expect(set.status == 0 && set.stdout.contains("password set"), "\(set.stderr)")
    #expect(!set.stdout.contains("correct horse") && !set.stderr.contains("correct horse"))
    let path = folder.url.appendingPathComponent("data/replykit.sqlite").path
    let first = try #require(try KnowledgeStore(path: path).passwordHash(tenant: "default", agent: "agent-1"))

    let short = try CLIProcess.run(["agents", "password", "--data", folder.data, "agent-1"], input: "short\n")
    #expect(short.status != 0 && short.stderr.contains("at least 8"), "\(short.stderr)")
    let unknown = try CLIProcess.run(["agents", "password", "--data", folder.data, "nobody"], input: "correct horse\n")
    #expect(unknown.status != 0 && unknown.stderr.contains("no agent nobody"), "\(unknown.stderr)")
    let empty = try CLIProcess.run(["agents", "password", "--data", folder.data, "agent-1"])
    #expect(empty.status != 0 && empty.stderr.contains("no password"), "\(empty.stderr)")

    // What was stored: the first password's scrypt hash, never the password; the refused ones changed nothing.
    let store = try KnowledgeStore(path: path)
    let stored = try #require(try store.passwordHash(tenant: "default", agent: "agent-1"))
    #expect(stored == first && stored.hasPrefix("scrypt$16384$8$1$") && !stored.contains("correct horse"))
    #expect(try store.passwordHash(tenant: "default", agent: "nobody") == nil)
  }
}
