import Foundation
import HTTPTypes
import Hummingbird
import WebAssets

/// The workbench page at `/`, its files at `/assets/{file}`, and (demo only) the customer simulator at
/// `/simulator`. Everything the page shows it reads from the documented `/v1` API.
struct WebRoutes {
  /// Whether the server runs for the demo (`replykit serve --demo`): only then is the simulator served.
  let demo: Bool

  func register(on router: Router<ReplyRequestContext>) {
    router.get("/") { _, _ in try Self.response(for: "index.html") }
    router.get("assets/{file}") { _, context in
      let name = try context.parameters.require("file")
      guard WebAssets.files[name] != nil else { throw APIError.notFound("no such asset") }
      return try Self.response(for: name)
    }
    if demo {
      router.get("simulator") { _, _ in try Self.response(for: "simulator.html") }
    }
  }

  /// What every page file is sent with: no framing by other sites, scripts and styles from this origin only,
  /// images (message attachments are references) from anywhere.
  static let securityHeaders: HTTPFields = [
    HTTPField.Name("Content-Security-Policy")!:
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; "
      + "connect-src 'self'; media-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'",
    HTTPField.Name("X-Content-Type-Options")!: "nosniff",
    HTTPField.Name("Referrer-Policy")!: "no-referrer",
    HTTPField.Name("X-Frame-Options")!: "DENY",
  ]

  static func response(for name: String) throws -> Response {
    guard let file = WebAssets.files[name] else { throw APIError.notFound("no such asset") }
    var headers = securityHeaders
    headers[.contentType] = file.contentType
    // The files change only with the binary: a reload asks again, an unchanged file costs little.
    headers[.cacheControl] = "no-cache"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
  }
}
