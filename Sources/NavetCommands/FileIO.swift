import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File reading and atomic writing for bundles.
enum FileIO {
    struct Failure: Error {
        let errno: Int32
        var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT }
        var message: String { String(cString: strerror(errno)) }
    }

    /// Reads a whole file, refusing one larger than `limit` bytes before reading it.
    static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(errno: (info.st_mode & S_IFMT) == S_IFDIR ? EISDIR : ENODEV)  // ENODEV: a device, pipe or socket
        }
        guard Int(info.st_size) <= limit else { throw Failure(errno: EFBIG) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            if count == 0 { break }
            offset += count
        }
        return Array(bytes[..<offset])
    }

    /// Writes `bytes` to `path` so that a reader sees either the old file or the whole new
    /// one: a temporary file in the same folder, fsync, rename, fsync of the folder.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(errno: errno) }
        var failure: Int32 = 0
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += count
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw Failure(errno: failure)
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
