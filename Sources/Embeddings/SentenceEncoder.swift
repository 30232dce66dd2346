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
    weights = try EncoderWeights(
      file: SafeTensorsFile(path: folder + "/model.safetensors"), configuration: configuration)
  }

  public var dimension: Int { configuration.hiddenSize }

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
    var attended = linear(context, rows: tokens, layer.attentionOutput)
    for i in 0..<attended.count { attended[i] += hidden[i] }
    layerNorm(&attended, rows: tokens, layer.attentionNorm)

    var intermediate = linear(attended, rows: tokens, layer.intermediate)
    for i in 0..<intermediate.count {
      let x = intermediate[i]
      intermediate[i] = 0.5 * x * (1 + erff(x * 0.707_106_77))
    }
    var output = linear(intermediate, rows: tokens, layer.output)
    for i in 0..<output.count { output[i] += attended[i] }
    layerNorm(&output, rows: tokens, layer.outputNorm)
    hidden = output
  }

  /// `input` [rows x inputs] times the layer's weight [outputs x inputs], transposed, plus its bias.
  private func linear(_ input: [Float], rows: Int, _ dense: EncoderWeights.Dense) -> [Float] {
    var out = [Float](repeating: 0, count: rows * dense.outputs)
    for r in 0..<rows {
      for j in 0..<dense.outputs { out[r * dense.outputs + j] = dense.bias[j] }
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
      for r in 0..<rows {
        let row = v.baseAddress! + r * width
        var mean: Float = 0
        for j in 0..<width { mean += row[j] }
        mean /= Float(width)
        var variance: Float = 0
        for j in 0..<width { variance += (row[j] - mean) * (row[j] - mean) }
        variance /= Float(width)
        let inverse = 1 / (variance + epsilon).squareRoot()
        for j in 0..<width { row[j] = (row[j] - mean) * inverse * norm.weight[j] + norm.bias[j] }
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
