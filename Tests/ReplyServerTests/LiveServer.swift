import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import LoopbackHTTP
import NIOCore
import ServiceLifecycle

/// What the HTTP tests send with: a keep-alive client on the live server's port.
struct LiveClient: Sendable {
  let http: LoopbackHTTPClient

  var port: Int { http.port }

  /// Sends a request and hands its whole response to `read`.
  func execute<Value>(
    uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
    _ read: (LoopbackResponse) async throws -> Value
  ) async throws -> Value {
    try await read(try await http.execute(method, uri, headers: headers, body: body))
  }
}

enum LiveServerError: Error {
  /// The application stopped before it listened.
  case neverListened
}

extension ApplicationProtocol {
  /// Runs the application on a free port of 127.0.0.1, calls `body` with a client on it, and shuts the application
  /// down gracefully afterwards, whether `body` returned or threw.
  func live<Value: Sendable>(
    timeout: Duration = .seconds(20), _ body: (LiveClient) async throws -> Value
  ) async throws -> Value {
    let (ports, announce) = AsyncStream<Int>.makeStream()
    let application = PortAnnouncing(base: self, announce: announce)
    let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        defer { announce.finish() }
        try await services.run()
      }
      var listening = ports.makeAsyncIterator()
      guard let port = await listening.next() else {
        try await group.next()
        throw LiveServerError.neverListened
      }
      let client = LiveClient(http: LoopbackHTTPClient(port: port, timeout: timeout))
      do {
        let value = try await body(client)
        await client.http.shutdown()
        await services.triggerGracefulShutdown()
        return value
      } catch {
        await client.http.shutdown()
        await services.triggerGracefulShutdown()
        throw error
      }
    }
  }
}

/// An application that says its port once it listens (it is given port 0 on 127.0.0.1).
private struct PortAnnouncing<Base: ApplicationProtocol>: ApplicationProtocol, Service {
  typealias Responder = Base.Responder

  let base: Base
  let announce: AsyncStream<Int>.Continuation

  var responder: Responder { get async throws { try await base.responder } }
  var server: HTTPServerBuilder { base.server }
  var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
  var configuration: ApplicationConfiguration { base.configuration.with(address: .hostname("127.0.0.1", port: 0)) }
  var logger: Logger { base.logger }
  var services: [any Service] { base.services }
  var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

  @Sendable func onServerRunning(_ channel: any Channel) async {
    await base.onServerRunning(channel)
    if let port = channel.localAddress?.port { announce.yield(port) }
  }
}
