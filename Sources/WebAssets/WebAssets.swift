/// The workbench page and the demo's customer simulator: plain HTML, CSS and JavaScript modules, embedded in
/// the binary so that `replykit serve` alone serves them (no build step, nothing fetched at run time).
public enum WebAssets {
  /// A file of the page: its bytes and its media type.
  public struct File: Sendable {
    public var bytes: [UInt8]
    public var contentType: String
  }

  /// The files by name, as the page asks for them under `/assets/`.
  public static let files: [String: File] = [
    "index.html": html(PackageResources.index_html),
    "simulator.html": html(PackageResources.simulator_html),
    "workbench.css": css(PackageResources.workbench_css),
    "simulator.css": css(PackageResources.simulator_css),
    "api.js": script(PackageResources.api_js),
    "i18n.js": script(PackageResources.i18n_js),
    "events.js": script(PackageResources.events_js),
    "caret.js": script(PackageResources.caret_js),
    "suggest-list.js": script(PackageResources.suggest_list_js),
    "composer.js": script(PackageResources.composer_js),
    "sessions.js": script(PackageResources.sessions_js),
    "conversation.js": script(PackageResources.conversation_js),
    "sidebar.js": script(PackageResources.sidebar_js),
    "history.js": script(PackageResources.history_js),
    "notify.js": script(PackageResources.notify_js),
    "dom.js": script(PackageResources.dom_js),
    "main.js": script(PackageResources.main_js),
    "simulator.js": script(PackageResources.simulator_js),
    "favicon.svg": File(bytes: PackageResources.favicon_svg, contentType: "image/svg+xml"),
  ]

  private static func html(_ bytes: [UInt8]) -> File { File(bytes: bytes, contentType: "text/html; charset=utf-8") }
  private static func css(_ bytes: [UInt8]) -> File { File(bytes: bytes, contentType: "text/css; charset=utf-8") }
  private static func script(_ bytes: [UInt8]) -> File {
    File(bytes: bytes, contentType: "text/javascript; charset=utf-8")
  }
}
