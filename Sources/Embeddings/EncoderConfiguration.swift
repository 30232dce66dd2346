import Foundation

/// What a sentence-transformers folder says about its BERT encoder, its tokenizer and its pooling
/// (`config.json`, `tokenizer_config.json`, `sentence_bert_config.json`, `1_Pooling/config.json`).
/// Only what the encoder implements is accepted: a BERT with GELU, mean pooling.
public struct EncoderConfiguration: Sendable, Equatable {
  public var hiddenSize: Int
  public var layers: Int
  public var heads: Int
  public var intermediateSize: Int
  public var layerNormEpsilon: Float
  public var vocabularySize: Int
  public var positions: Int
  public var tokenTypes: Int
  /// Tokens the encoder sees at most, `[CLS]` and `[SEP]` included; longer text is cut.
  public var maxTokens: Int
  public var lowercase: Bool

  init(folder: String) throws(EmbeddingModelError) {
    let config = try Self.object(folder + "/config.json", required: true)
    func int(_ field: String) throws(EmbeddingModelError) -> Int {
      guard let value = config[field] as? Int, value > 0 else {
        throw .badConfig(path: folder + "/config.json", field: field, reason: "is missing or not a positive integer")
      }
      return value
    }
    hiddenSize = try int("hidden_size")
    layers = try int("num_hidden_layers")
    heads = try int("num_attention_heads")
    intermediateSize = try int("intermediate_size")
    vocabularySize = try int("vocab_size")
    positions = try int("max_position_embeddings")
    tokenTypes = try int("type_vocab_size")
    layerNormEpsilon = Float(config["layer_norm_eps"] as? Double ?? 1e-12)
    guard hiddenSize % heads == 0 else {
      throw .badConfig(
        path: folder + "/config.json", field: "num_attention_heads", reason: "does not divide hidden_size")
    }
    if let type = config["model_type"] as? String, type != "bert" {
      throw .badConfig(
        path: folder + "/config.json", field: "model_type", reason: "is \(type); only bert is implemented")
    }
    if let activation = config["hidden_act"] as? String, activation != "gelu" {
      throw .badConfig(
        path: folder + "/config.json", field: "hidden_act", reason: "is \(activation); only gelu is implemented")
    }

    let sentence = try Self.object(folder + "/sentence_bert_config.json", required: false)
    maxTokens = min(sentence["max_seq_length"] as? Int ?? positions, positions)
    let tokenizer = try Self.object(folder + "/tokenizer_config.json", required: false)
    lowercase = tokenizer["do_lower_case"] as? Bool ?? true

    let pooling = try Self.object(folder + "/1_Pooling/config.json", required: false)
    if let mean = pooling["pooling_mode_mean_tokens"] as? Bool, !mean {
      throw .badConfig(
        path: folder + "/1_Pooling/config.json", field: "pooling_mode_mean_tokens",
        reason: "is false; only mean pooling is implemented")
    }
  }

  private static func object(_ path: String, required: Bool) throws(EmbeddingModelError) -> [String: Any] {
    guard let data = FileManager.default.contents(atPath: path) else {
      if required { throw .unreadable(path: path) }
      return [:]
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw .malformed(path: path, reason: "is not a JSON object")
    }
    return object
  }
}
