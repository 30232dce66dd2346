import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOPosix
import Synchronization

/// What went wrong with an exchange, beyond the socket's own errors.
public enum LoopbackHTTPError: Error, Equatable, Sendable {
  /// No whole response within the deadline; the connection was closed.
  case timedOut
  /// The server closed the connection before the response was whole.
  case closedEarly
}

/// A whole response: its head and its body, read to the end.
public struct LoopbackResponse: Sendable {
  public var head: HTTPResponse
  public var body: ByteBuffer

  public var status: HTTPResponse.Status { head.status }
  public var headers: HTTPFields { head.headerFields }
}

/// An HTTP/1.1 client for a server on this machine: what the tests and the benchmarks' load generator send with.
/// Plain HTTP only: no TLS, no proxies, no redirects, no HTTP/2, so that neither needs a TLS stack built.
///
/// `execute` keeps each connection open after a whole response (unless the server said `Connection: close`) and
/// sends the next request on an idle one: a closed loop of N concurrent callers uses N connections, as wrk does.
/// `stream` has a connection of its own, for a body sent as it is produced or a response read as it arrives.
public final class LoopbackHTTPClient: Sendable {
  public let host: String
  public let port: Int
  /// How long `execute` waits for a whole response unless told otherwise.
  public let timeout: Duration
  private let group: any EventLoopGroup
  private let idle = Mutex<[Connection]>([])

  public init(
    host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(60),
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.host = host
    self.port = port
    self.timeout = timeout
    self.group = group
  }

  /// Sends one request and reads its whole response, on an idle connection if there is one.
  public func execute(
    _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: ByteBuffer? = nil,
    timeout: Duration? = nil
  ) async throws -> LoopbackResponse {
    let head = requestHead(method, path, headers: headers, bodyLength: body?.readableBytes)
    let deadline = timeout ?? self.timeout
    if let reused = takeIdle() {
      do {
        return try await exchange(on: reused, head: head, body: body, timeout: deadline)
      } catch LoopbackHTTPError.closedEarly {
        // The server may close an idle connection just as it is reused (its idle timeout): once more, on a new one.
      }
    }
    return try await exchange(on: try await connect(), head: head, body: body, timeout: deadline)
  }

  /// One exchange on a connection of its own, closed afterwards: the request's body is sent as `body` yields it
  /// (chunked), and `response` reads the response's body as it arrives. The connection is closed after `timeout`
  /// whatever is happening, which ends both sides.
  public func stream<Body: AsyncSequence & Sendable, Result: Sendable>(
    _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: Body?,
    timeout: Duration? = nil,
    response: (HTTPResponse, inout LoopbackResponseBody) async throws -> Result
  ) async throws -> Result where Body.Element == ByteBuffer {
    let head = requestHead(method, path, headers: headers, bodyLength: body == nil ? 0 : nil)
    let channel = try await ClientBootstrap(group: group).connect(host: host, port: port) { channel in
      channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPClientCodec())
        return try NIOAsyncChannel<HTTPResponsePart, HTTPRequestPart>(wrappingChannelSynchronously: channel)
      }
    }
    let raw = channel.channel
    let guardTimer = raw.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds(timeout ?? self.timeout))) {
      raw.close(promise: nil)
    }
    defer { guardTimer.cancel() }
    return try await channel.executeThenClose { inbound, outbound in
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
          try await outbound.write(.head(head))
          if let body {
            for try await chunk in body { try await outbound.write(.body(chunk)) }
          }
          try await outbound.write(.end(nil))
        }
        var parts = inbound.makeAsyncIterator()
        while let part = try await parts.next() {
          guard case .head(let responseHead) = part else { continue }
          if responseHead.status.kind == .informational { continue }
          var reader = LoopbackResponseBody(parts: parts)
          let result = try await response(responseHead, &reader)
          tasks.cancelAll()
          return result
        }
        throw LoopbackHTTPError.closedEarly
      }
    }
  }

  /// `stream` with no request body: a response read as it arrives (an event stream).
  public func stream<Result: Sendable>(
    _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], timeout: Duration? = nil,
    response: (HTTPResponse, inout LoopbackResponseBody) async throws -> Result
  ) async throws -> Result {
    try await stream(
      method, path, headers: headers, body: AsyncStream<ByteBuffer>?.none, timeout: timeout, response: response)
  }

  /// Closes the idle connections. Exchanges still running finish on theirs.
  public func shutdown() async {
    let connections = idle.withLock { all in
      defer { all.removeAll() }
      return all
    }
    for connection in connections { try? await connection.channel.close() }
  }

  // MARK: - Keep-alive connections

  private func requestHead(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, bodyLength: Int?)
    -> HTTPRequest
  {
    var fields = headers
    if let bodyLength, fields[.contentLength] == nil, bodyLength > 0 || method != .get && method != .head {
      fields[.contentLength] = String(bodyLength)
    }
    return HTTPRequest(method: method, scheme: "http", authority: "\(host):\(port)", path: path, headerFields: fields)
  }

  private func takeIdle() -> Connection? {
    idle.withLock { all in
      while let connection = all.popLast() {
        if connection.channel.isActive { return connection }
      }
      return nil
    }
  }

  private func connect() async throws -> Connection {
    let channel = try await ClientBootstrap(group: group)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPClientCodec())
          try channel.pipeline.syncOperations.addHandler(ResponseCollector())
        }
      }
      .connect(host: host, port: port).get()
    return Connection(channel: channel)
  }

  private func exchange(on connection: Connection, head: HTTPRequest, body: ByteBuffer?, timeout: Duration)
    async throws -> LoopbackResponse
  {
    let channel = connection.channel
    let loop = channel.eventLoop
    let wait = nanoseconds(timeout)
    let response = try await loop.flatSubmit { () -> EventLoopFuture<LoopbackResponse> in
      let promise = loop.makePromise(of: LoopbackResponse.self)
      do {
        let collector = try channel.pipeline.syncOperations.handler(type: ResponseCollector.self)
        collector.expect(promise)
        let bound = NIOLoopBound(collector, eventLoop: loop)
        let timer = loop.scheduleTask(in: .nanoseconds(wait)) {
          bound.value.fail(LoopbackHTTPError.timedOut)
          channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
      } catch {
        promise.fail(LoopbackHTTPError.closedEarly)
        return promise.futureResult
      }
      channel.write(HTTPRequestPart.head(head), promise: nil)
      if let body { channel.write(HTTPRequestPart.body(body), promise: nil) }
      channel.writeAndFlush(HTTPRequestPart.end(nil), promise: nil)
      return promise.futureResult
    }.get()
    if response.headers[.connection]?.lowercased() == "close" {
      try? await channel.close()
    } else {
      idle.withLock { $0.append(connection) }
    }
    return response
  }

  private func nanoseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
  }
}

/// A response's body as it arrives (`LoopbackHTTPClient.stream`).
public struct LoopbackResponseBody {
  fileprivate var parts: NIOAsyncChannelInboundStream<HTTPResponsePart>.AsyncIterator

  /// The next piece of the body; nil once the response is whole.
  public mutating func next() async throws -> ByteBuffer? {
    while let part = try await parts.next() {
      switch part {
      case .body(let chunk): return chunk
      case .end: return nil
      case .head: continue
      }
    }
    throw LoopbackHTTPError.closedEarly
  }

  /// The rest of the body, up to `limit` bytes.
  public mutating func collect(upTo limit: Int = 64 << 20) async throws -> ByteBuffer {
    var all = ByteBuffer()
    while var chunk = try await next() {
      guard all.readableBytes + chunk.readableBytes <= limit else { throw LoopbackHTTPError.closedEarly }
      all.writeBuffer(&chunk)
    }
    return all
  }
}

/// A connection kept open between exchanges.
private struct Connection: Sendable {
  let channel: any Channel
}

/// Gathers one response at a time into a `LoopbackResponse` for the promise of the exchange in flight. Lives on
/// the channel's event loop.
private final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPResponsePart

  private var pending: EventLoopPromise<LoopbackResponse>?
  private var head: HTTPResponse?
  private var body = ByteBuffer()
  private var open = true

  func expect(_ promise: EventLoopPromise<LoopbackResponse>) {
    guard open else {
      promise.fail(LoopbackHTTPError.closedEarly)
      return
    }
    pending = promise
    head = nil
    body.clear()
  }

  func fail(_ error: any Error) {
    guard let promise = pending else { return }
    pending = nil
    promise.fail(error)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let responseHead):
      if responseHead.status.kind != .informational { head = responseHead }
    case .body(var chunk):
      body.writeBuffer(&chunk)
    case .end:
      guard let head, let promise = pending else { return }
      pending = nil
      promise.succeed(LoopbackResponse(head: head, body: body))
      body = ByteBuffer()
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    open = false
    fail(LoopbackHTTPError.closedEarly)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    fail(error)
    context.close(promise: nil)
  }
}
