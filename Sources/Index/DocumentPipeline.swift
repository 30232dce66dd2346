import Dispatch
import Foundation
import Knowledge
import Synchronization

/// Builds documents on another thread while the caller writes the ones already built: analysis and term
/// generation (about half the work of indexing) then overlap with Xapian's writing, one core each.
///
/// The builder is a thread of its own, not a job on the global queues: the caller blocks waiting for it, and
/// behind a global pool busy with requests (or, in the tests, with other tests) it could wait for any length of
/// time.
package final class DocumentPipeline: Sendable {
  private let chunks: [[StoredKnowledge]]
  private let results: Mutex<[Result<[KnowledgeDocumentBuilder.Built], any Error>?]>
  private let ready: [DispatchSemaphore]

  package init(
    items: [StoredKnowledge], chunkSize: Int = 64,
    build: @escaping @Sendable (StoredKnowledge) throws -> [KnowledgeDocumentBuilder.Built]
  ) {
    chunks = stride(from: 0, to: items.count, by: chunkSize).map { Array(items[$0..<min($0 + chunkSize, items.count)]) }
    results = Mutex(Array(repeating: nil, count: chunks.count))
    ready = chunks.map { _ in DispatchSemaphore(value: 0) }
    let chunks = self.chunks
    Thread.detachNewThread { [self] in
      for (index, chunk) in chunks.enumerated() {
        let result = Result { try chunk.flatMap(build) }
        results.withLock { $0[index] = result }
        ready[index].signal()
      }
    }
  }

  /// Calls `body` with each chunk's documents in order, waiting for each to be built.
  package func consume(_ body: ([KnowledgeDocumentBuilder.Built]) throws -> Void) throws {
    for index in chunks.indices {
      ready[index].wait()
      let result = results.withLock { results in
        defer { results[index] = nil }
        return results[index]!
      }
      try body(try result.get())
    }
  }
}
