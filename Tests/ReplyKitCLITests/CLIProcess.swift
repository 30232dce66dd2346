import Foundation

/// Runs the `replykit` (or `replykit-bench`) executable that the package built beside this test bundle.
struct CLIProcess {
  static var executable: URL { built("replykit") }

  /// An executable of the package: tests run from .build/<configuration>/<package>PackageTests.xctest, and the
  /// tools are built beside it.
  static func built(_ name: String) -> URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
  }

  /// Runs `replykit-bench` to completion.
  static func bench(_ arguments: [String]) throws -> Output { try run(arguments, executable: built("replykit-bench")) }

  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs to completion; `input` is its standard input (none: nothing, at once at its end).
  static func run(_ arguments: [String], executable: URL = executable, input: String? = nil) throws -> Output {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    let inputPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inputPipe.fileHandleForWriting.close()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// A port for a child server, below Linux's ephemeral range (32768 on): the suite's in-process servers
  /// listen on ports the kernel picks from that range, and a child that could not bind one of theirs would
  /// leave its test talking to another test's server.
  static func freePortGuess() -> Int { Int.random(in: 20_000...32_000) }

  /// Starts without waiting.
  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Kills `process` if it still runs, and waits for it: a test that stops half-way leaves no server behind
  /// to load the machine under the tests after it.
  static func reap(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }
}

/// A temporary folder removed by `remove()`.
struct TemporaryFolder {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-cli-\(UUID().uuidString)")

  init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

  func file(_ name: String, _ contents: String) throws -> String {
    let path = url.appendingPathComponent(name).path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  var data: String { url.appendingPathComponent("data").path }

  func remove() { try? FileManager.default.removeItem(at: url) }
}
