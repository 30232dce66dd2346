/// Why a model folder could not be loaded. Each case names the file, and the field or tensor, at fault.
public enum EmbeddingModelError: Error, Equatable, CustomStringConvertible {
  case unreadable(path: String)
  case malformed(path: String, reason: String)
  case badConfig(path: String, field: String, reason: String)
  case missingTensor(path: String, name: String)
  case wrongShape(path: String, name: String, expected: [Int], found: [Int])
  case unsupportedType(path: String, name: String, dtype: String)

  public var description: String {
    switch self {
    case .unreadable(let path): "\(path): cannot be read"
    case .malformed(let path, let reason): "\(path): \(reason)"
    case .badConfig(let path, let field, let reason): "\(path): \(field) \(reason)"
    case .missingTensor(let path, let name): "\(path): no tensor \(name)"
    case .wrongShape(let path, let name, let expected, let found):
      "\(path): tensor \(name) has shape \(found), not \(expected)"
    case .unsupportedType(let path, let name, let dtype):
      "\(path): tensor \(name) is \(dtype) (F32, F16 or BF16 expected)"
    }
  }
}
