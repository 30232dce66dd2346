import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Free space on a file system, as an unprivileged writer may use it.
public enum FreeSpace {
  /// The bytes available at `path` (a file or folder on the file system), or nil when it cannot be read.
  public static func bytes(at path: String) -> Int64? {
    var stats = statvfs()
    guard statvfs(path, &stats) == 0 else { return nil }
    return Int64(stats.f_bavail) * Int64(stats.f_frsize)
  }
}
