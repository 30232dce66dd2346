import Foundation
import TestSupport
import Testing

@testable import Embeddings

/// The encoder against the reference implementation (sentence-transformers on torch): the same token ids and
/// vectors within cosine 0.999 on the sentences of `Fixtures/minilm-reference.json`
/// (`tools/embeddings/reference-vectors.py` made it once). The model is the one `make model` installs.
@Suite(.blocking) struct SentenceEncoderTests {
  struct Reference: Decodable {
    struct Sentence: Decodable {
      let text: String
      let ids: [Int]
      let vector: String
    }
    let dimension: Int
    let maxTokens: Int
    let sentences: [Sentence]
    enum CodingKeys: String, CodingKey {
      case dimension, sentences
      case maxTokens = "max_tokens"
    }
  }

  static let modelFolder: String = {
    if let folder = ProcessInfo.processInfo.environment["REPLYKIT_MODEL_DIR"] { return folder }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return root.appendingPathComponent("models/all-MiniLM-L6-v2").path
  }()

  static func encoder() throws -> SentenceEncoder {
    guard FileManager.default.fileExists(atPath: modelFolder + "/model.safetensors") else {
      Issue.record("no model in \(modelFolder): run `make model` (or set REPLYKIT_MODEL_DIR)")
      throw EmbeddingModelError.unreadable(path: modelFolder)
    }
    return try SentenceEncoder(folder: modelFolder)
  }

  static func reference() throws -> Reference {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/minilm-reference", withExtension: "json"))
    return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
  }

  /// The fixture keeps each vector as 384 little-endian float16 values, base64.
  static func floats(_ base64: String) throws -> [Float] {
    let data = try #require(Data(base64Encoded: base64))
    return data.withUnsafeBytes { raw in
      (0..<(data.count / 2)).map {
        Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))))
      }
    }
  }

  static func cosine(_ a: [Float], _ b: [Float]) -> Float {
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    return dot / norms
  }

  @Test func tokenIDsAreTheReferences() throws {
    let encoder = try Self.encoder()
    let reference = try Self.reference()
    #expect(reference.sentences.count >= 200)
    #expect(encoder.configuration.maxTokens == reference.maxTokens)
    var mismatches: [String] = []
    for sentence in reference.sentences {
      let ids = encoder.tokenizer.ids(sentence.text, maxTokens: encoder.configuration.maxTokens)
      if ids != sentence.ids { mismatches.append("\(sentence.text.debugDescription): \(ids) != \(sentence.ids)") }
    }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) sentences tokenised otherwise:\n\(mismatches.prefix(5).joined(separator: "\n"))")
  }

  @Test func vectorsAreTheReferences() throws {
    let encoder = try Self.encoder()
    let reference = try Self.reference()
    #expect(encoder.dimension == reference.dimension)
    // One batch of every sentence, long and short, laid end to end.
    let vectors = encoder.encode(reference.sentences.map(\.text))
    var worst: (Float, String) = (1, "")
    for (sentence, vector) in zip(reference.sentences, vectors) {
      let expected = try Self.floats(sentence.vector)
      #expect(expected.count == encoder.dimension)
      let cosine = Self.cosine(vector, expected)
      if cosine < worst.0 { worst = (cosine, sentence.text) }
      #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
    }
    #expect(worst.0 >= 0.9999, "lowest cosine \(worst.0) for \(worst.1.debugDescription)")
  }

  @Test func aBatchGivesEachSentenceItsOwnVector() throws {
    let encoder = try Self.encoder()
    let texts = ["How do I reset my card PIN?", "", "Where is my parcel? It was due on Monday and nothing has come."]
    let batch = encoder.encode(texts)
    for (text, vector) in zip(texts, batch) {
      let alone = encoder.encode(text)
      #expect(zip(alone, vector).allSatisfy { abs($0 - $1) < 1e-5 }, "\(text.debugDescription)")
    }
    // Meaning, not letters: the paraphrase is nearer than the question sharing its words.
    let vectors = encoder.encode(["I lost my card", "my card is missing", "I lost my temper"])
    #expect(Self.cosine(vectors[0], vectors[1]) > Self.cosine(vectors[0], vectors[2]))
  }

  @Test func aFolderThatIsNotAModelIsRefusedByName() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replykit-model-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(throws: EmbeddingModelError.unreadable(path: folder + "/config.json")) {
      try SentenceEncoder(folder: folder)
    }

    for file in ["config.json", "vocab.txt", "tokenizer_config.json", "sentence_bert_config.json"] {
      try FileManager.default.copyItem(atPath: Self.modelFolder + "/" + file, toPath: folder + "/" + file)
    }
    #expect(throws: EmbeddingModelError.unreadable(path: folder + "/model.safetensors")) {
      try SentenceEncoder(folder: folder)
    }

    // A cut-off weights file: its header says more than the file holds.
    let weights = try #require(FileManager.default.contents(atPath: Self.modelFolder + "/model.safetensors"))
    try weights.prefix(4096).write(to: URL(fileURLWithPath: folder + "/model.safetensors"))
    #expect {
      try SentenceEncoder(folder: folder)
    } throws: { error in
      guard case .malformed(let path, _) = error as? EmbeddingModelError else { return false }
      return path == folder + "/model.safetensors"
    }

    // An activation the encoder does not implement.
    let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
    try config.replacingOccurrences(of: "\"gelu\"", with: "\"relu\"").write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    #expect(
      throws: EmbeddingModelError.badConfig(
        path: folder + "/config.json", field: "hidden_act", reason: "is relu; only gelu is implemented")
    ) {
      try SentenceEncoder(folder: folder)
    }
  }
}
