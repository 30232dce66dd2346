import Foundation
import Hummingbird
import HummingbirdCore
import Knowledge
import Logging
import QuestionVectors
import Ranking
import ServiceLifecycle
import Workbench

/// Where the service listens, and how long it waits for clients.
public struct ServerConfiguration: Sendable {
  public var host: String
  public var port: Int
  /// A connection that sends no complete request head for this long (slow or stalled headers), or stays idle
  /// between requests this long, is closed.
  public var idleTimeout: Duration
  /// On SIGTERM or SIGINT, requests in flight (a streamed import, an event stream) get this long to finish;
  /// then they are cancelled and the process exits.
  public var shutdownTimeout: Duration

  public init(
    host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(30),
    shutdownTimeout: Duration = .seconds(10)
  ) {
    self.host = host
    self.port = port
    self.idleTimeout = idleTimeout
    self.shutdownTimeout = shutdownTimeout
  }

  /// The HTTP server of the service (`ReplyHTTP1Channel`: JSON answers to requests that do not parse, 414
  /// and 431, closing after 413, the idle timeout).
  public var httpServer: HTTPServerBuilder {
    ReplyHTTP1Channel.server(.init(idleTimeout: idleTimeout))
  }
}

/// The routes of the service, so that tests build exactly what `replykit serve` runs. `demo` adds the customer
/// simulator and its gateway for `demoTenant` (`replykit serve --demo`).
public func buildRouter(workbench: Workbench, demo: Bool = false, demoTenant: String = "default")
  -> Router<ReplyRequestContext>
{
  let engine = workbench.engine
  _ = ServiceMetrics.registry
  let router = Router(context: ReplyRequestContext.self, options: .autoGenerateHeadEndpoints)
  router.add(middleware: MetricsMiddleware())
  let routes = RouteTable()
  router.add(middleware: ErrorMiddleware(routes: routes))
  router.add(middleware: QueryCheckMiddleware())
  router.get("healthz") { _, _ in HealthJSON(engine.indexStatus, vectors: (try? engine.semantic.status()) ?? nil) }
  router.get("metrics", use: ServiceMetrics.route(engine: engine))
  WebRoutes(demo: demo).register(on: router)
  if demo { DemoRoutes(workbench: workbench, tenant: demoTenant).register(on: router) }
  let v1 = router.group("v1").add(middleware: AuthMiddleware(store: engine.store))
  SignInRoutes(workbench: workbench).register(open: router, authenticated: v1)
  SuggestionRoutes(workbench: workbench).register(on: v1)
  for (path, source) in KnowledgeRoutes.paths {
    KnowledgeRoutes(workbench: workbench, source: source).register(on: v1, path: path)
  }
  TenantRoutes(workbench: workbench).register(on: v1)
  ImportRoutes(engine: engine).register(on: v1)
  SessionRoutes(workbench: workbench).register(on: v1)
  AgentRoutes(workbench: workbench).register(on: v1)
  LeaveMessageRoutes(workbench: workbench).register(on: v1)
  routes.set(router.routes.map { ($0.path.description, $0.method) })
  return router
}

/// The service over a workbench. It stops gracefully on SIGTERM or SIGINT (swift-service-lifecycle): live event
/// streams close, requests in flight finish; every change is already committed to the store and the index when
/// its response is sent.
public func buildApplication(
  workbench: Workbench, configuration: ServerConfiguration, demo: Bool = false, logger: Logger? = nil
) -> some ApplicationProtocol {
  // Imports a previous run left "running" were cut off by its stop.
  _ = try? workbench.engine.store.failInterruptedImports()
  var logger = logger ?? Logger(label: "replykit")
  if logger.logLevel > .info { logger.logLevel = .info }
  return Application(
    router: buildRouter(workbench: workbench, demo: demo),
    server: configuration.httpServer,
    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "replykit"),
    services: [SessionSweeper(workbench: workbench, logger: logger)],
    logger: logger)
}

/// `{"status": "ok", "index": "ready"}`: the process answers; `index` is `ready`, `rebuilding` or `failed`.
/// Runs the service until SIGTERM or SIGINT. Requests still running `configuration.shutdownTimeout` after the
/// signal (a streamed import, an event stream) are cancelled, so that a stop never waits on a client.
public func runService(_ app: some ApplicationProtocol, configuration: ServerConfiguration) async throws {
  var group = ServiceGroupConfiguration(
    services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
  group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
  group.maximumCancellationDuration = .seconds(10)
  try await ServiceGroup(configuration: group).run()
}

struct HealthJSON: ResponseEncodable {
  var status = "ok"
  var index: String
  /// With a sentence-embedding model: how far the vectors are behind the store.
  var vectors: VectorsJSON?

  init(_ index: SuggestionEngine.IndexStatus, vectors: SemanticStage.Status?) {
    switch index {
    case .ready: self.index = "ready"
    case .rebuilding: self.index = "rebuilding"
    case .failed: self.index = "failed"
    }
    self.vectors = vectors.map(VectorsJSON.init)
  }
}

/// How far a model's vectors are (`/healthz` for the service's model, `/v1/settings` for the tenant's).
struct VectorsJSON: Encodable {
  var model: String
  var caughtUp: Bool
  var changesBehind: Int64
  var vectors: Int
  var bytes: Int
  var error: String?

  init(_ status: SemanticStage.Status) {
    (model, caughtUp, changesBehind) = (status.model, status.caughtUp, status.changesBehind)
    (vectors, bytes, error) = (status.vectors, status.bytes, status.error)
  }
}
