import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What a hostile or broken client sends below the JSON API: requests that do not parse, oversized heads,
/// stalled headers, bodies over the limit. Real sockets to the real server on 127.0.0.1.
@Suite(.liveServers, .serialized) struct ProtocolEdgeTests {
  /// One connection to 127.0.0.1:`port`: sends `request`, then reads until the server closes it (or `timeout`
  /// seconds pass without a byte); what was read, as text.
  static func exchange(port: Int, _ request: [UInt8], timeout: Int = 10) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    #expect(connected == 0)
    var wait = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    var sent = 0
    while sent < request.count {
      let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if n <= 0 { break }  // the server answered and closed before taking everything
      sent += n
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      received += buffer[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
  }

  static func status(_ response: String) -> Int? {
    response.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
  }

  static func body(_ response: String) -> [String: Any] {
    guard let range = response.range(of: "\r\n\r\n") else { return [:] }
    let data = Data(response[range.upperBound...].utf8)
    return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
  }

  static func code(_ response: String) -> String? {
    (body(response)["error"] as? [String: Any])?["code"] as? String
  }

  @Test func requestsThatDoNotParseGetTheJSONError() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let port = client.port
      // Raw bytes that are not UTF-8, and a NUL, in the request line.
      for line in [
        Array("GET /v1/suggest?q=".utf8) + [0xFF, 0xFE], Array("GET /v1/sug".utf8) + [0x00] + Array("gest".utf8),
      ] {
        let response = try Self.exchange(port: port, line + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(Self.status(response) == 400)
        #expect(Self.code(response) == "malformed_request")
        #expect(response.lowercased().contains("content-type: application/json"))
      }
      let longURL = "GET /v1/suggest?q=" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n"
      let uri = try Self.exchange(port: port, Array(longURL.utf8))
      #expect(Self.status(uri) == 414 && Self.code(uri) == "uri_too_long")
      let longHeader =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 1 << 20) + "\r\n\r\n"
      let header = try Self.exchange(port: port, Array(longHeader.utf8))
      #expect(Self.status(header) == 431 && Self.code(header) == "headers_too_large")
    }
  }

  @Test func aBodyOverTheLimitIsAnsweredAndTheConnectionClosed() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    try await fixture.withServer { client in
      let port = client.port
      // The whole body written before anything is read: the answer must still arrive, and the connection end.
      let body = "{\"words\": [\"" + String(repeating: "x", count: 3 << 20) + "\"]}"
      let request =
        "POST /v1/dictionary HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(fixture.admin)\r\n"
        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
      let started = ContinuousClock.now
      let response = try Self.exchange(port: port, Array(request.utf8))
      #expect(Self.status(response) == 413 && Self.code(response) == "body_too_large")
      #expect(response.lowercased().contains("connection: close"))
      // Closed by the server, not by the 10 s read timeout.
      #expect(ContinuousClock.now - started < .seconds(8))
    }
  }

  @Test func aConnectionThatNeverFinishesItsHeadIsClosed() async throws {
    let fixture = try await ServerFixture()
    defer { fixture.remove() }
    let app = try await fixture.application(idleTimeout: .milliseconds(500))
    try await app.live { client in
      let port = client.port
      let started = ContinuousClock.now
      let response = try Self.exchange(port: port, Array("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8), timeout: 20)
      #expect(response.isEmpty)
      let waited = ContinuousClock.now - started
      #expect(waited >= .milliseconds(400) && waited < .seconds(15))
    }
  }
}
