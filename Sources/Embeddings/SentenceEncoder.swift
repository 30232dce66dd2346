import CBLAS
import Foundation

/// A sentence-transformers BERT encoder (all-MiniLM-L6-v2 and its kind) in process: WordPiece ids, the
/// transformer over BLAS, the mean of the last layer's token vectors, normalised to length 1, so that a dot
/// product of two vectors is their cosine.
///
/// Sentences of a batch are laid end to end rather than padded: every step but attention works on tokens one
/// by one, so the batch is one matrix product a layer, and attention stays within each sentence. The weights
/// are read once and never change, so one encoder serves any number of threads.
public final class SentenceEncoder: Sendable {
  public let configuration: EncoderConfiguration
  public let tokenizer: WordPieceTokenizer
  /// The folder the model was loaded from.
  public let folder: String
  private let weights: EncoderWeights

  /// Loads a sentence-transformers folder: `config.json`, `vocab.txt`, `model.safetensors`, and when present
  /// `sentence_bert_config.json`, `tokenizer_config.json` and `1_Pooling/config.json`.
  public init(folder: String) throws(EmbeddingModelError) {
    self.folder = folder
    configuration = try EncoderConfiguration(folder: folder)
    tokenizer = try WordPieceTokenizer(vocabularyFile: folder + "/vocab.txt", lowercase: configuration.lowercase)
    guard tokenizer.vocabularySize <= configuration.vocabularySize else {
      throw .badConfig(
        path: folder + "/config.json", field: "vocab_size",
        reason: "is \(configuration.vocabularySize), below vocab.txt's \(tokenizer.vocabularySize) lines")
    }
    let file = try SafeTensorsFile(path: folder + "/model.safetensors")
    weights = try EncoderWeights(file: file, configuration: configuration)
    let digits = String(file.contentHash, radix: 16)
    fingerprint =
      "\((folder as NSString).lastPathComponent)-\(String(repeating: "0", count: 16 - digits.count) + digits)"
    readsHan = tokenizer.ideographs >= 2_000
  }

  /// The model's folder name and a hash of its weights: vectors made by one model mean nothing to another.
  public let fingerprint: String

  /// Whether the vocabulary has the Han characters of everyday Chinese (a Chinese or multilingual model has
  /// thousands; all-MiniLM-L6-v2 has 244, and reads most Chinese text as `[UNK]`).
  public let readsHan: Bool

  /// Whether the model can make sense of `text`: it has letters or digits, and, for a model that does not
  /// read Han, no Han character (in mixed text such as 我的iPhone the Han words carry the meaning).
  public func reads(_ text: String) -> Bool {
    var letters = false
    for scalar in text.unicodeScalars where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
      if !readsHan && WordPieceTokenizer.isIdeograph(scalar) { return false }
      letters = true
    }
    return letters
  }

  public var dimension: Int { configuration.hiddenSize }

  /// Sets how many threads the matrix products use, process-wide. One suits a server: a message's encoding
  /// runs beside its lexical search on the other core, and two threads' spinning slowed both (smart reply on
  /// Banking77, p50 13.2 ms with one thread against 15.0 with two). `OPENBLAS_NUM_THREADS` in the environment
  /// wins, so that a bulk encoding can take every core.
  public static func useThreads(_ count: Int) {
    guard ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil else { return }
    openblas_set_num_threads(Int32(max(1, count)))
  }

  /// One vector of `dimension` values a text, in the order given.
  public func encode(_ texts: [String]) -> [[Float]] {
    encode(ids: texts.map { tokenizer.ids($0, maxTokens: configuration.maxTokens) })
  }

  public func encode(_ text: String) -> [Float] { encode([text])[0] }

  /// Vectors for texts already turned into ids (each begins with `[CLS]` and ends with `[SEP]`).
  public func encode(ids: [[Int]]) -> [[Float]] {
    guard !ids.isEmpty else { return [] }
    let limit = max(2, configuration.maxTokens)
    let sentences = ids.map { ids in
      if ids.isEmpty { return [tokenizer.classifierID, tokenizer.separatorID] }
      return ids.count > limit ? Array(ids.prefix(limit - 1)) + [tokenizer.separatorID] : ids
    }
    let width = configuration.hiddenSize
    let tokens = sentences.reduce(0) { $0 + $1.count }
    var hidden = [Float](repeating: 0, count: tokens * width)
    embed(sentences, into: &hidden)
    for layer in weights.layers {
      apply(layer, to: &hidden, sentences: sentences.map(\.count))
    }
    var vectors: [[Float]] = []
    vectors.reserveCapacity(sentences.count)
    var row = 0
    for sentence in sentences {
      var mean = [Float](repeating: 0, count: width)
      for token in row..<(row + sentence.count) {
        for j in 0..<width { mean[j] += hidden[token * width + j] }
      }
      row += sentence.count
      let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
      vectors.append(norm > 0 ? mean.map { $0 / norm } : mean)
    }
    return vectors
  }

  private func embed(_ sentences: [[Int]], into hidden: inout [Float]) {
    let width = configuration.hiddenSize
    var row = 0
    for sentence in sentences {
      for (position, id) in sentence.enumerated() {
        let word = min(max(id, 0), configuration.vocabularySize - 1) * width
        let place = position * width
        for j in 0..<width {
          hidden[row * width + j] =
            weights.words[word + j] + weights.positions[place + j] + weights.tokenType[j]
        }
        row += 1
      }
    }
    layerNorm(&hidden, rows: row, weights.embeddingNorm)
  }

  private func apply(_ layer: EncoderWeights.Layer, to hidden: inout [Float], sentences: [Int]) {
    let width = configuration.hiddenSize
    let tokens = sentences.reduce(0, +)
    let heads = configuration.heads
    let headWidth = width / heads

    // Queries, keys and values of every token at once: one [tokens x 3*width] product.
    var qkv = linear(hidden, rows: tokens, layer.attention)
    let scale = 1 / Float(headWidth).squareRoot()
    var context = [Float](repeating: 0, count: tokens * width)
    var first = 0
    for length in sentences {
      var scores = [Float](repeating: 0, count: length * length)
      for head in 0..<heads {
        qkv.withUnsafeMutableBufferPointer { qkv in
          let q = qkv.baseAddress! + first * 3 * width + head * headWidth
          let k = q + width
          let v = q + 2 * width
          scores.withUnsafeMutableBufferPointer { s in
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasTrans, Int32(length), Int32(length), Int32(headWidth),
              scale, q, Int32(3 * width), k, Int32(3 * width), 0, s.baseAddress!, Int32(length))
            for i in 0..<length { softmax(s.baseAddress! + i * length, count: length) }
            context.withUnsafeMutableBufferPointer { c in
              cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(length), Int32(headWidth), Int32(length),
                1, s.baseAddress!, Int32(length), v, Int32(3 * width), 0,
                c.baseAddress! + first * width + head * headWidth, Int32(width))
            }
          }
        }
      }
      first += length
    }
    var attended = linear(context, rows: tokens, layer.attentionOutput, adding: hidden)
    layerNorm(&attended, rows: tokens, layer.attentionNorm)

    var intermediate = linear(attended, rows: tokens, layer.intermediate)
    intermediate.withUnsafeMutableBufferPointer { values in
      for i in values.indices { values[i] = Self.gelu(values[i]) }
    }
    var output = linear(intermediate, rows: tokens, layer.output, adding: attended)
    layerNorm(&output, rows: tokens, layer.outputNorm)
    hidden = output
  }

  /// GELU, x·Φ(x), with Φ from erf by Abramowitz and Stegun's 7.1.26 (absolute error below 1.5e-7): libm's
  /// erff took a tenth of the encoder's time.
  @inline(__always) static func gelu(_ x: Float) -> Float {
    let z = abs(x) * 0.707_106_77
    let t = 1 / (1 + 0.327_591_1 * z)
    let polynomial =
      ((((1.061_405_429 * t - 1.453_152_027) * t + 1.421_413_741) * t - 0.284_496_736) * t + 0.254_829_592) * t
    let erf = 1 - polynomial * expf(-z * z)
    return 0.5 * x * (1 + (x < 0 ? -erf : erf))
  }

  /// `input` [rows x inputs] times the layer's weight [outputs x inputs], transposed, plus its bias, plus
  /// `residual` (the same shape as the result) when given.
  private func linear(_ input: [Float], rows: Int, _ dense: EncoderWeights.Dense, adding residual: [Float]? = nil)
    -> [Float]
  {
    var out = residual ?? [Float](repeating: 0, count: rows * dense.outputs)
    out.withUnsafeMutableBufferPointer { out in
      dense.bias.withUnsafeBufferPointer { bias in
        for r in 0..<rows {
          let row = out.baseAddress! + r * dense.outputs
          for j in 0..<dense.outputs { row[j] += bias[j] }
        }
      }
    }
    input.withUnsafeBufferPointer { x in
      dense.weight.withUnsafeBufferPointer { w in
        out.withUnsafeMutableBufferPointer { y in
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(dense.outputs), Int32(dense.inputs),
            1, x.baseAddress!, Int32(dense.inputs), w.baseAddress!, Int32(dense.inputs), 1, y.baseAddress!,
            Int32(dense.outputs))
        }
      }
    }
    return out
  }

  private func layerNorm(_ values: inout [Float], rows: Int, _ norm: EncoderWeights.Norm) {
    let width = configuration.hiddenSize
    let epsilon = configuration.layerNormEpsilon
    values.withUnsafeMutableBufferPointer { v in
      norm.weight.withUnsafeBufferPointer { weight in
        norm.bias.withUnsafeBufferPointer { bias in
          for r in 0..<rows {
            let row = v.baseAddress! + r * width
            var mean: Float = 0
            for j in 0..<width { mean += row[j] }
            mean /= Float(width)
            var variance: Float = 0
            for j in 0..<width { variance += (row[j] - mean) * (row[j] - mean) }
            variance /= Float(width)
            let inverse = 1 / (variance + epsilon).squareRoot()
            for j in 0..<width { row[j] = (row[j] - mean) * inverse * weight[j] + bias[j] }
          }
        }
      }
    }
  }

  private func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
    var largest = -Float.infinity
    for i in 0..<count { largest = max(largest, row[i]) }
    var sum: Float = 0
    for i in 0..<count {
      row[i] = expf(row[i] - largest)
      sum += row[i]
    }
    for i in 0..<count { row[i] /= sum }
  }
}
