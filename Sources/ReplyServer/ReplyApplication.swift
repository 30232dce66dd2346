import Foundation
import Hummingbird
import Knowledge
import Logging
import SearchIndex

/// Where the service listens and what it serves.
public struct ServerConfiguration: Sendable {
  public var host: String
  public var port: Int

  public init(host: String = "127.0.0.1", port: Int = 8080) {
    self.host = host
    self.port = port
  }
}

/// The routes of the service, so that tests build exactly what `replykit serve` runs.
public func buildRouter(workbench: Workbench) -> Router<ReplyRequestContext> {
  let engine = workbench.engine
  _ = ServiceMetrics.registry
  let router = Router(context: ReplyRequestContext.self)
  router.add(middleware: MetricsMiddleware())
  router.add(middleware: ErrorMiddleware())
  router.get("healthz") { _, _ in HealthJSON(engine.indexStatus) }
  router.get("metrics", use: ServiceMetrics.route(engine: engine))
  let v1 = router.group("v1").add(middleware: AuthMiddleware(store: engine.store))
  SuggestionRoutes(engine: engine, sessions: workbench.sessions, cacheCapacity: workbench.suggestCacheCapacity)
    .register(on: v1)
  for (path, source) in KnowledgeRoutes.paths {
    KnowledgeRoutes(engine: engine, source: source).register(on: v1, path: path)
  }
  TenantRoutes(engine: engine).register(on: v1)
  ImportRoutes(engine: engine).register(on: v1)
  SessionRoutes(workbench: workbench).register(on: v1)
  return router
}

/// The service over a workbench. It stops gracefully on SIGTERM or SIGINT (swift-service-lifecycle): live event
/// streams close, requests in flight finish; every change is already committed to the store and the index when
/// its response is sent.
public func buildApplication(workbench: Workbench, configuration: ServerConfiguration, logger: Logger? = nil)
  -> some ApplicationProtocol
{
  // Imports a previous run left "running" were cut off by its stop.
  _ = try? workbench.engine.store.failInterruptedImports()
  var logger = logger ?? Logger(label: "replykit")
  if logger.logLevel > .info { logger.logLevel = .info }
  return Application(
    router: buildRouter(workbench: workbench),
    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "replykit"),
    services: [SessionSweeper(workbench: workbench, logger: logger)],
    logger: logger)
}

/// `{"status": "ok", "index": "ready"}`: the process answers; `index` is `ready`, `rebuilding` or `failed`.
struct HealthJSON: ResponseEncodable {
  var status = "ok"
  var index: String

  init(_ index: SuggestionEngine.IndexStatus) {
    switch index {
    case .ready: self.index = "ready"
    case .rebuilding: self.index = "rebuilding"
    case .failed: self.index = "failed"
    }
  }
}
