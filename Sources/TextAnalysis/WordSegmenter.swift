import Synchronization

@_implementationOnly import CICU

/// A word found by the segmenter: a range of the folded text and ICU's rule status for it.
struct Segment: Equatable {
  var start: Int
  var end: Int
  var kind: Kind

  enum Kind: Equatable {
    case number, letters, kana, ideographic
  }
}

/// Splits folded text into words with ICU's word break iterator: rules for Latin, digits and Hangul,
/// dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese. Punctuation, spaces and emoji (rule
/// status "none") are not words and are left out.
///
/// Break iterators are expensive to open and not thread-safe, so finished ones go back to a free list.
final class WordSegmenter: Sendable {
  private struct Handle: @unchecked Sendable {
    // @unchecked: a handle is used by one thread at a time; it lives in the free list otherwise.
    let iterator: OpaquePointer
  }

  private let template: Handle
  private let free = Mutex<[Handle]>([])
  private static let maxPooled = 16

  init(locale: String = "zh") throws(TextAnalysisError) {
    var status = U_ZERO_ERROR
    let iterator = rk_ubrk_open_word(locale, &status)
    try ICU.check(status, "ubrk_open")
    guard let iterator else { throw .icu(operation: "ubrk_open", status: "no iterator") }
    template = Handle(iterator: iterator)
  }

  deinit {
    rk_ubrk_close(template.iterator)
    free.withLock { handles in for handle in handles { rk_ubrk_close(handle.iterator) } }
  }

  /// The words of `text`, in order.
  func segments(of text: UnsafeBufferPointer<UInt16>) throws(TextAnalysisError) -> [Segment] {
    if text.isEmpty { return [] }
    let handle = try checkOut()
    defer { checkIn(handle) }
    let iterator = handle.iterator
    var status = U_ZERO_ERROR
    rk_ubrk_set_text(iterator, text.baseAddress, Int32(text.count), &status)
    try ICU.check(status, "ubrk_setText")

    var segments: [Segment] = []
    segments.reserveCapacity(text.count / 2)
    let done = rk_ubrk_done()
    var start = rk_ubrk_first(iterator)
    while true {
      let end = rk_ubrk_next(iterator)
      if end == done { break }
      let rule = rk_ubrk_rule_status(iterator)
      let kind: Segment.Kind? =
        switch rule {
        case ..<Int32(RK_WORD_NONE_LIMIT): nil
        case ..<Int32(RK_WORD_NUMBER_LIMIT): .number
        case ..<Int32(RK_WORD_LETTER_LIMIT): .letters
        case ..<Int32(RK_WORD_IDEO): .kana
        default: .ideographic
        }
      if let kind { segments.append(Segment(start: Int(start), end: Int(end), kind: kind)) }
      start = end
    }
    // The iterator keeps a pointer to the text; detach it before the buffer goes away.
    var empty: UInt16 = 0
    rk_ubrk_set_text(iterator, &empty, 0, &status)
    return segments
  }

  private func checkOut() throws(TextAnalysisError) -> Handle {
    if let handle = free.withLock({ $0.popLast() }) { return handle }
    var status = U_ZERO_ERROR
    let clone = rk_ubrk_clone(template.iterator, &status)
    try ICU.check(status, "ubrk_clone")
    guard let clone else { throw .icu(operation: "ubrk_clone", status: "no iterator") }
    return Handle(iterator: clone)
  }

  private func checkIn(_ handle: Handle) {
    let pooled = free.withLock { handles -> Bool in
      guard handles.count < Self.maxPooled else { return false }
      handles.append(handle)
      return true
    }
    if !pooled { rk_ubrk_close(handle.iterator) }
  }
}
