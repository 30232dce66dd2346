import Foundation
import Hummingbird
import Metrics
import Prometheus
import Ranking
import Workbench

/// Metrics in Prometheus's text format: Hummingbird's per-route request counts and latency histograms
/// (swift-metrics), the index's size, import jobs, and the workbench's counters (`WorkbenchMetrics`).
enum ServiceMetrics {
  /// swift-metrics takes one factory per process: bootstrapped on first use.
  static let registry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    var factory = PrometheusMetricsFactory(registry: registry)
    // Suggestions answer in about a millisecond: buckets from 0.25 ms to 1 s.
    factory.defaultDurationHistogramBuckets = [
      .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
      .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    ]
    MetricsSystem.bootstrap(factory)
    return registry
  }()

  static let indexDocuments = Gauge(label: "replykit_index_documents")

  static func importFinished(_ state: String) {
    Counter(label: "replykit_import_jobs_total", dimensions: [("state", state)]).increment()
  }

  /// `GET /metrics`.
  static func route(engine: SuggestionEngine) -> @Sendable (Request, ReplyRequestContext) async throws -> Response {
    { _, _ in
      indexDocuments.record(try await engine.indexedDocumentCount())
      return Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
  }
}
