import Knowledge
import Synchronization
import TextAnalysis

/// Each tenant's analyzer (the shared one plus the tenant's user dictionary), built on first use and
/// dropped when the tenant's dictionary changes.
package final class TenantAnalyzers: Sendable {
  private let base: Analyzer
  private let store: KnowledgeStore
  private let cache = Mutex<[String: Analyzer]>([:])

  package init(base: Analyzer, store: KnowledgeStore) {
    self.base = base
    self.store = store
  }

  package var version: String { base.version }

  package func analyzer(for tenant: String) throws -> Analyzer {
    if let cached = cache.withLock({ $0[tenant] }) { return cached }
    let words = try store.words(tenant: tenant)
    let analyzer = words.isEmpty ? base : try base.withUserDictionary(words)
    cache.withLock { $0[tenant] = analyzer }
    return analyzer
  }

  package func forget(_ tenant: String) { _ = cache.withLock { $0.removeValue(forKey: tenant) } }
}
