import Foundation

/// A `safetensors` file: an 8-byte little-endian header length, a JSON header naming each tensor's type, shape
/// and byte range, then the bytes. The file is mapped, not read; a tensor is copied out as `Float`s when asked.
struct SafeTensorsFile {
  struct Entry {
    let dtype: String
    let shape: [Int]
    let offsets: [Int]
  }

  let path: String
  private let bytes: Data
  private let dataStart: Int
  private let entries: [String: Entry]

  init(path: String) throws(EmbeddingModelError) {
    self.path = path
    do {
      bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      throw .unreadable(path: path)
    }
    guard bytes.count >= 8 else { throw .malformed(path: path, reason: "shorter than its 8-byte header length") }
    let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * UInt64($1.offset))
    }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw .malformed(path: path, reason: "its header length \(headerLength) runs past the end of the file")
    }
    dataStart = 8 + Int(headerLength)
    let header = bytes.subdata(in: 8..<dataStart)
    guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
      throw .malformed(path: path, reason: "its header is not a JSON object")
    }
    var entries: [String: Entry] = [:]
    for (name, value) in object where name != "__metadata__" {
      guard let fields = value as? [String: Any],
        let dtype = fields["dtype"] as? String,
        let shape = fields["shape"] as? [Int],
        let offsets = fields["data_offsets"] as? [Int], offsets.count == 2,
        offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= bytes.count - dataStart
      else { throw .malformed(path: path, reason: "tensor \(name) has no valid dtype, shape and data_offsets") }
      entries[name] = Entry(dtype: dtype, shape: shape, offsets: offsets)
    }
    self.entries = entries
  }

  var names: [String] { entries.keys.sorted() }

  /// FNV-1a over the file's bytes, eight at a time: what tells one model's vectors from another's (a model
  /// fine-tuned in place keeps its header, not its weights).
  var contentHash: UInt64 {
    bytes.withUnsafeBytes { raw in
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      let words = raw.count / 8
      for i in 0..<words {
        hash ^= raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
        hash = hash &* 0x100_0000_01b3
      }
      for i in (8 * words)..<raw.count {
        hash ^= UInt64(raw[i])
        hash = hash &* 0x100_0000_01b3
      }
      return hash ^ UInt64(raw.count)
    }
  }

  /// The tensor's values in row-major order, as `Float`s (F32 as stored; F16 and BF16 widened), after checking
  /// its shape.
  func floats(_ name: String, shape expected: [Int]) throws(EmbeddingModelError) -> [Float] {
    guard let entry = entries[name] else { throw .missingTensor(path: path, name: name) }
    guard entry.shape == expected else {
      throw .wrongShape(path: path, name: name, expected: expected, found: entry.shape)
    }
    let count = expected.reduce(1, *)
    let width: Int
    switch entry.dtype {
    case "F32": width = 4
    case "F16", "BF16": width = 2
    default: throw .unsupportedType(path: path, name: name, dtype: entry.dtype)
    }
    let start = dataStart + entry.offsets[0]
    guard entry.offsets[1] - entry.offsets[0] == count * width else {
      throw .malformed(
        path: path, reason: "tensor \(name) holds \(entry.offsets[1] - entry.offsets[0]) bytes, not \(count * width)")
    }
    return bytes.withUnsafeBytes { raw in
      let base = raw.baseAddress! + start
      return [Float](unsafeUninitializedCapacity: count) { out, initialized in
        switch entry.dtype {
        case "F32":
          for i in 0..<count {
            out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
          }
        case "F16":
          for i in 0..<count {
            out[i] = Float(
              Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
          }
        default:
          for i in 0..<count {
            let high = UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            out[i] = Float(bitPattern: high << 16)
          }
        }
        initialized = count
      }
    }
  }

  /// The name as stored: some exports prefix every tensor with the architecture (`bert.`).
  func resolve(_ name: String, prefixes: [String]) -> String {
    prefixes.lazy.map { $0 + name }.first { entries[$0] != nil } ?? name
  }
}
