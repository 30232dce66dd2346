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

/// Space a file or folder takes.
public enum DiskUsage {
  /// The bytes of the file at `path`, or of every file under the folder at `path` (0 when there is nothing).
  public static func bytes(under path: String) -> Int {
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { return 0 }
    if !isFolder.boolValue { return (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
    let files = (try? manager.subpathsOfDirectory(atPath: path)) ?? []
    return files.reduce(0) { total, file in
      let full = (path as NSString).appendingPathComponent(file)
      var isSub: ObjCBool = false
      guard manager.fileExists(atPath: full, isDirectory: &isSub), !isSub.boolValue else { return total }
      return total + ((try? manager.attributesOfItem(atPath: full)[.size] as? Int) ?? 0)
    }
  }
}
