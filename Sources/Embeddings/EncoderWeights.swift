/// The encoder's tensors, copied out of `model.safetensors` once, shapes checked against the configuration.
struct EncoderWeights: Sendable {
  struct Dense: Sendable {
    let weight: [Float]  // [outputs x inputs], as PyTorch's Linear keeps it
    let bias: [Float]
    let inputs: Int
    let outputs: Int
  }

  struct Norm: Sendable {
    let weight: [Float]
    let bias: [Float]
  }

  struct Layer: Sendable {
    /// Query, key and value stacked: one product gives all three.
    let attention: Dense
    let attentionOutput: Dense
    let attentionNorm: Norm
    let intermediate: Dense
    let output: Dense
    let outputNorm: Norm
  }

  let words: [Float]
  let positions: [Float]
  /// Type 0's row: single sentences never use another.
  let tokenType: [Float]
  let embeddingNorm: Norm
  let layers: [Layer]

  init(file: SafeTensorsFile, configuration c: EncoderConfiguration) throws(EmbeddingModelError) {
    func tensor(_ name: String, _ shape: [Int]) throws(EmbeddingModelError) -> [Float] {
      try file.floats(file.resolve(name, prefixes: ["", "bert.", "model."]), shape: shape)
    }
    func dense(_ name: String, inputs: Int, outputs: Int) throws(EmbeddingModelError) -> Dense {
      Dense(
        weight: try tensor(name + ".weight", [outputs, inputs]), bias: try tensor(name + ".bias", [outputs]),
        inputs: inputs, outputs: outputs)
    }
    func norm(_ name: String) throws(EmbeddingModelError) -> Norm {
      Norm(weight: try tensor(name + ".weight", [c.hiddenSize]), bias: try tensor(name + ".bias", [c.hiddenSize]))
    }
    let width = c.hiddenSize
    words = try tensor("embeddings.word_embeddings.weight", [c.vocabularySize, width])
    positions = try tensor("embeddings.position_embeddings.weight", [c.positions, width])
    tokenType = Array(try tensor("embeddings.token_type_embeddings.weight", [c.tokenTypes, width]).prefix(width))
    embeddingNorm = try norm("embeddings.LayerNorm")
    var layers: [Layer] = []
    for index in 0..<c.layers {
      let prefix = "encoder.layer.\(index)."
      let query = try dense(prefix + "attention.self.query", inputs: width, outputs: width)
      let key = try dense(prefix + "attention.self.key", inputs: width, outputs: width)
      let value = try dense(prefix + "attention.self.value", inputs: width, outputs: width)
      layers.append(
        Layer(
          attention: Dense(
            weight: query.weight + key.weight + value.weight, bias: query.bias + key.bias + value.bias,
            inputs: width, outputs: 3 * width),
          attentionOutput: try dense(prefix + "attention.output.dense", inputs: width, outputs: width),
          attentionNorm: try norm(prefix + "attention.output.LayerNorm"),
          intermediate: try dense(prefix + "intermediate.dense", inputs: width, outputs: c.intermediateSize),
          output: try dense(prefix + "output.dense", inputs: c.intermediateSize, outputs: width),
          outputNorm: try norm(prefix + "output.LayerNorm")))
    }
    self.layers = layers
  }
}
