import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Removes a temporary folder and everything in it, robustly.
///
/// `FileManager.removeItem` stops at the first entry it cannot remove. In `navet demo`
/// SQLite deletes a store's `-wal` and `-shm` files when its last connection closes, which
/// can happen on another thread while the folder is being removed: the listed file is gone
/// (ENOENT), `removeItem` gave up, and the folder stayed behind with a replica secret in it.
/// Here a vanished entry counts as removed, and an entry created meanwhile (ENOTEMPTY at
/// the end) makes it go round again, a few times.
enum TemporaryFolder {
    /// - Returns: whether the folder is gone.
    @discardableResult
    static func remove(_ path: String) -> Bool {
        for attempt in 0..<20 {
            removeContents(path)
            if rmdir(path) == 0 || errno == ENOENT { return true }
            if errno != ENOTEMPTY && errno != EEXIST && errno != EBUSY { return false }
            usleep(useconds_t(5_000 * (attempt + 1)))
        }
        return false
    }

    private static func removeContents(_ path: String) {
        guard let directory = opendir(path) else { return }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(directory)
        for name in names {
            let child = path + "/" + name
            var info = stat()
            guard lstat(child, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                remove(child)
            } else {
                unlink(child)
            }
        }
    }
}
