import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The HTTP/1.1 connections of the service: Hummingbird's, with the limits and answers a hostile client needs.
///
/// - A request that does not parse gets the API's JSON error, not an empty 400: `414 uri_too_long` for a request
///   line over `maxRequestLine`, `431 headers_too_large` for a head over `maxHead`, `400 malformed_request` for
///   the rest (raw bad bytes or NUL in the request line); the connection then closes.
/// - A `413` is answered with `Connection: close`, and the connection closes once the client's body is read
///   (or after `lingering`), so that a client writing its whole body first reads the answer.
/// - `idleTimeout` closes a connection that has sent no complete request head for that long (slow or stalled
///   headers), and one idle between requests.
struct ReplyHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
  /// The server of `Application(server:)` with these connections.
  static func server(_ limits: Limits) -> HTTPServerBuilder {
    HTTPServerBuilder { responder in ReplyHTTP1Channel(responder: responder, limits: limits) }
  }

  typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

  struct Limits: Sendable {
    var maxRequestLine = 16 * 1024
    var maxHead = 64 * 1024
    var idleTimeout: Duration?
    var lingering: TimeAmount = .seconds(2)
  }

  let responder: HTTPChannelHandler.Responder
  let limits: Limits

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    channel.eventLoop.makeCompletedFuture {
      let requestLine = RequestLineWatch(maxRequestLine: limits.maxRequestLine)
      try channel.pipeline.syncOperations.addHandler(requestLine)
      var decoderLimits = NIOHTTPDecoderLimitConfiguration()
      decoderLimits.maxHeaderFieldSize = limits.maxHead
      decoderLimits.maxHeaderListSize = limits.maxHead
      try channel.pipeline.syncOperations.configureHTTPServerPipeline(
        withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
      try channel.pipeline.syncOperations.addHandler(
        ProtocolErrorAnswer(requestLine: requestLine, lingering: limits.lingering))
      try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
      try channel.pipeline.syncOperations.addHandler(
        HTTPConnectionStateHandler(idleTimeout: limits.idleTimeout, logger: logger))
      return try NIOAsyncChannel(
        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
    }
  }

  func handle(value asyncChannel: Value, logger: Logger) async {
    await handleHTTP(asyncChannel: asyncChannel, logger: logger)
  }
}

/// Watches the raw bytes of each request for the end of its request line, so that a head that overflows can
/// be told apart: still in the request line (414) or in the header fields (431). It looks only until that
/// first line break; `ProtocolErrorAnswer` starts it again after each request.
final class RequestLineWatch: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  let maxRequestLine: Int
  /// Bytes of the current request line seen so far, and whether it has ended.
  private(set) var lineLength = 0
  private(set) var lineEnded = false

  init(maxRequestLine: Int) { self.maxRequestLine = maxRequestLine }

  var requestLineTooLong: Bool { !lineEnded && lineLength > maxRequestLine }

  func nextRequest() {
    lineLength = 0
    lineEnded = false
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if !lineEnded {
      let buffer = unwrapInboundIn(data)
      if let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
        lineLength += newline - buffer.readerIndex
        lineEnded = true
      } else {
        lineLength += buffer.readableBytes
      }
    }
    context.fireChannelRead(data)
  }
}

/// Answers what the HTTP decoder could not parse with the API's JSON error, and closes connections whose
/// answer says so (see `ReplyHTTP1Channel`). It sits between NIO's HTTP/1 codec and Hummingbird's.
final class ProtocolErrorAnswer: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias InboundOut = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  private let requestLine: RequestLineWatch
  private let lingering: TimeAmount
  private var closeAfterResponse = false
  private var answeredError = false

  init(requestLine: RequestLineWatch, lingering: TimeAmount) {
    self.requestLine = requestLine
    self.lingering = lingering
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if case .end = unwrapInboundIn(data) { requestLine.nextRequest() }
    context.fireChannelRead(data)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard let parse = error as? HTTPParserError else { return context.fireErrorCaught(error) }
    guard !answeredError else { return }
    answeredError = true
    let answer: APIError
    if requestLine.requestLineTooLong {
      answer = APIError(.uriTooLong, .uriTooLong, "the request line is over \(requestLine.maxRequestLine) bytes")
    } else if case .headerOverflow = parse {
      answer = APIError(.requestHeaderFieldsTooLarge, .headersTooLarge, "the request's head is too large")
    } else {
      answer = APIError(.badRequest, .malformedRequest, "the request is not valid HTTP/1.1")
    }
    let body = Self.json(answer)
    var head = HTTPResponseHead(
      version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status.code),
      headers: ["content-type": "application/json; charset=utf-8", "connection": "close"])
    head.headers.add(name: "content-length", value: String(body.readableBytes))
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch unwrapOutboundIn(data) {
    case .head(var head):
      if head.status == .payloadTooLarge {
        closeAfterResponse = true
        head.headers.replaceOrAdd(name: "connection", value: "close")
        return context.write(wrapOutboundOut(.head(head)), promise: promise)
      }
    case .end where closeAfterResponse:
      // Half-close: the client reads the answer and an end of stream while what it still sends is read and
      // dropped; the connection closes for good after `lingering`.
      let channel = context.channel
      let lingering = self.lingering
      context.writeAndFlush(data).whenComplete { _ in
        channel.close(mode: .output, promise: nil)
        _ = channel.eventLoop.scheduleTask(in: lingering) { channel.close(promise: nil) }
      }
      promise?.succeed()
      return
    default: break
    }
    context.write(data, promise: promise)
  }

  static func json(_ error: APIError) -> ByteBuffer {
    let body =
      (try? JSONEncoder().encode(APIError.Body(error: .init(code: error.code, message: error.message))))
      ?? Data()
    return ByteBuffer(bytes: body)
  }
}
