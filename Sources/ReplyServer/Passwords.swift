import Crypto
import Foundation
import Knowledge
import _CryptoExtras

/// Agents' passwords for signing in to the page: scrypt with a random salt, stored as
/// `scrypt$N$r$p$salt$key` (base64), so that a stolen store costs an attacker about 16 MB and tens of
/// milliseconds per guess.
public enum Passwords {
  /// scrypt's parameters; the stored form keeps them, so a password hashed at one cost is checked at it.
  public struct Cost: Sendable {
    public var rounds: Int
    public var blockSize: Int
    public var parallelism: Int

    public init(rounds: Int, blockSize: Int, parallelism: Int) {
      (self.rounds, self.blockSize, self.parallelism) = (rounds, blockSize, parallelism)
    }

    /// N = 2^14, r = 8, p = 1: 16 MB and tens of milliseconds per hash.
    public static let standard = Cost(rounds: 1 << 14, blockSize: 8, parallelism: 1)
  }

  static let keyBytes = 32
  /// Passwords shorter than this are refused.
  public static let minimumLength = 8

  public enum PasswordError: Error, CustomStringConvertible, Equatable {
    case tooShort
    case tooLong

    public var description: String {
      switch self {
      case .tooShort: "a password needs at least \(Passwords.minimumLength) characters"
      case .tooLong: "a password may have at most 1024 bytes"
      }
    }
  }

  /// The stored form of a new password.
  public static func hash(_ password: String, cost: Cost = .standard) throws -> String {
    guard password.count >= minimumLength else { throw PasswordError.tooShort }
    guard password.utf8.count <= 1024 else { throw PasswordError.tooLong }
    var generator = SystemRandomNumberGenerator()
    let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let key = try derive(
      password, salt: salt, rounds: cost.rounds, blockSize: cost.blockSize, parallelism: cost.parallelism)
    return [
      "scrypt", "\(cost.rounds)", "\(cost.blockSize)", "\(cost.parallelism)", Data(salt).base64EncodedString(),
      key.base64EncodedString(),
    ].joined(separator: "$")
  }

  /// Whether `password` matches the stored form (compared in constant time); false for a form it cannot read.
  public static func verify(_ password: String, against stored: String) -> Bool {
    let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]),
      let p = Int(parts[3]), let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
      password.utf8.count <= 1024,
      let key = try? derive(password, salt: Array(salt), rounds: n, blockSize: r, parallelism: p)
    else { return false }
    guard key.count == expected.count else { return false }
    return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
  }

  /// Spends the time of one check, for a name that has no password: a failed sign-in takes as long whether
  /// or not the agent exists.
  static func verifyNothing(_ password: String) {
    let cost = Cost.standard
    _ = try? derive(
      password, salt: Array(repeating: 0, count: 16), rounds: cost.rounds, blockSize: cost.blockSize,
      parallelism: cost.parallelism)
  }

  /// `verify` (or, with nothing stored, `verifyNothing`) on a queue of its own, one at a time: a hash holds a
  /// core and 16 MB for tens of milliseconds, which must not hold the threads that serve other requests, nor
  /// multiply under a flood of sign-ins.
  static func check(_ password: String, against stored: String?) async -> Bool {
    await withCheckedContinuation { continuation in
      queue.async {
        guard let stored else {
          verifyNothing(password)
          return continuation.resume(returning: false)
        }
        continuation.resume(returning: verify(password, against: stored))
      }
    }
  }

  private static let queue = DispatchQueue(label: "replykit.passwords")

  private static func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws
    -> Data
  {
    let key = try KDF.Scrypt.deriveKey(
      from: Data(password.utf8), salt: salt, outputByteCount: keyBytes, rounds: rounds, blockSize: blockSize,
      parallelism: parallelism)
    return key.withUnsafeBytes { Data($0) }
  }
}
