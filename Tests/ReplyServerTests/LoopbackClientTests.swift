import Foundation
import LoopbackHTTP
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The client the HTTP tests and the load generator send with: connections kept for the next request, deadlines,
/// and servers that close or say nothing. Against a server on a real socket that answers as each test tells it.
@Suite(.liveServers) struct LoopbackClientTests {
  /// What the scripted server does with each request head it reads (requests without bodies).
  enum Behaviour {
    /// `200 ok`, keeping the connection open.
    case answer
    /// Answers the first request of each connection, then closes it without saying so.
    case answerOnceThenClose
    /// Closes the connection once a request's head has arrived.
    case closeUnanswered
    /// Reads and never answers.
    case silent
  }

  /// A listening socket on 127.0.0.1 served by a thread per connection.
  final class ScriptedServer: Sendable {
    let port: Int
    let accepted = Atomic<Int>(0)
    private let listener: Int32

    init(_ behaviour: Behaviour) throws {
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      try #require(bound == 0 && listen(fd, 64) == 0)
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
      }
      listener = fd
      port = Int(UInt16(bigEndian: address.sin_port))
      Thread.detachNewThread { [self] in
        while true {
          let connection = accept(fd, nil, nil)
          guard connection >= 0 else { return }  // closed by stop()
          accepted.add(1, ordering: .relaxed)
          Thread.detachNewThread { Self.serve(connection, behaviour) }
        }
      }
    }

    private static func serve(_ connection: Int32, _ behaviour: Behaviour) {
      defer { close(connection) }
      let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
      var pending: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4_096)
      while true {
        let n = recv(connection, &buffer, buffer.count, 0)
        if n <= 0 { return }
        pending += buffer[0..<n]
        while let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) {
          pending.removeSubrange(..<end.upperBound)
          switch behaviour {
          case .answer:
            _ = answer.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
          case .answerOnceThenClose:
            _ = answer.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            return
          case .closeUnanswered:
            return
          case .silent:
            continue
          }
        }
      }
    }

    func stop() {
      shutdown(listener, Int32(SHUT_RDWR))
      close(listener)
    }
  }

  @Test func aClosedLoopKeepsOneConnectionPerCaller() async throws {
    let server = try ScriptedServer(.answer)
    defer { server.stop() }
    let client = LoopbackHTTPClient(port: server.port, timeout: .seconds(30))
    let answered = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<4 {
        group.addTask {
          var answered = 0
          for _ in 0..<25 {
            let response = try await client.execute(.get, "/ping")
            if response.status == .ok && String(buffer: response.body) == "ok" { answered += 1 }
          }
          return answered
        }
      }
      return try await group.reduce(0, +)
    }
    await client.shutdown()
    #expect(answered == 100)
    let connections = server.accepted.load(ordering: .relaxed)
    #expect(connections >= 1 && connections <= 4, "\(connections) connections for 4 callers")
  }

  @Test func aConnectionTheServerClosedIsReplacedNotReported() async throws {
    let server = try ScriptedServer(.answerOnceThenClose)
    defer { server.stop() }
    let client = LoopbackHTTPClient(port: server.port, timeout: .seconds(30))
    for _ in 0..<3 {
      #expect(try await client.execute(.get, "/ping").status == .ok)
    }
    await client.shutdown()
    #expect(server.accepted.load(ordering: .relaxed) == 3)
  }

  @Test func aServerThatClosesUnansweredIsAnError() async throws {
    let server = try ScriptedServer(.closeUnanswered)
    defer { server.stop() }
    let client = LoopbackHTTPClient(port: server.port, timeout: .seconds(30))
    await #expect(throws: LoopbackHTTPError.closedEarly) { try await client.execute(.get, "/ping") }
    await client.shutdown()
  }

  @Test func aSilentServerMeetsTheDeadline() async throws {
    let server = try ScriptedServer(.silent)
    defer { server.stop() }
    let client = LoopbackHTTPClient(port: server.port, timeout: .seconds(30))
    let started = ContinuousClock.now
    await #expect(throws: LoopbackHTTPError.timedOut) {
      try await client.execute(.get, "/ping", timeout: .milliseconds(300))
    }
    let waited = ContinuousClock.now - started
    #expect(waited >= .milliseconds(300) && waited < .seconds(20), "waited \(waited)")
    await client.shutdown()
  }
}
