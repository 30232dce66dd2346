import Metrics

/// The workbench's counters (swift-metrics: the process's metrics system, Prometheus under `replykit serve`, a
/// no-op elsewhere).
public enum WorkbenchMetrics {
  /// Messages stored, by sender; acknowledged retries are not counted again.
  static func messagePosted(_ sender: String) {
    Counter(label: "replykit_messages_total", dimensions: [("sender", sender)]).increment()
  }

  /// Customers who waited past their tenant's limit (alarms raised by the sweeper).
  static func alarmRaised() { Counter(label: "replykit_session_alarms_total").increment() }
  static func sessionRouted() { Counter(label: "replykit_sessions_routed_total").increment() }
}
