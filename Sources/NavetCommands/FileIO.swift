import Foundation
import NavetStore
#if canImport(Glibc)
import Glibc
#endif

/// File reading and atomic writing for every file a command writes (bundles, replies,
/// enrollment files).
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

    /// Why a command may not write to a path, found before anything is changed.
    enum Refusal: Error, Equatable {
        /// The path is the database given in `--db` (same device and inode, or its -wal, -shm
        /// or -journal file). Never overwritten, not even with `--force`.
        case isDatabase
        /// The path is one of the command's own input files (`isInput` names it). Never
        /// overwritten, not even with `--force`: the input would be lost.
        case isInput(String)
        /// The file starts with the SQLite header. Never overwritten, not even with `--force`.
        case isSQLite
        /// A folder is there.
        case isFolder
        /// Something other than a regular file is there (a device such as /dev/null, a pipe,
        /// a socket). Never replaced, not even with `--force`: renaming over it would remove
        /// a device the whole machine uses.
        case notRegular
        /// Some other file is there, and `--force` was not given.
        case exists
        /// The folder it would go in is missing or cannot be written (errno).
        case folder(Int32)
    }

    /// The 16 bytes every SQLite database file starts with.
    static let sqliteHeader: [UInt8] = Array("SQLite format 3".utf8) + [0]

    /// Checks that a command may write `path`: not the database at `database` (compared by
    /// device and inode, so `./gm.db`, a symlink or a hard link all count), not any SQLite
    /// database, not a folder, not an existing file unless `force`, and in a folder that
    /// exists and can be written. Reads only; call it before the command changes anything.
    /// `inputs` are the files the command reads: none of them may be the target either
    /// (same device and inode, or the same path when the target does not exist yet).
    static func checkTarget(_ path: String, database: String?, inputs: [String] = [], force: Bool) throws(Refusal) {
        for input in inputs where sameFile(path, input) { throw .isInput(input) }
        if let database {
            var target = stat()
            if stat(path, &target) == 0 {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    var info = stat()
                    if stat(database + suffix, &info) == 0, info.st_dev == target.st_dev, info.st_ino == target.st_ino {
                        throw .isDatabase
                    }
                }
            }
        }
        var link = stat()
        if lstat(path, &link) == 0 {
            var info = stat()
            if stat(path, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR { throw .isFolder }
                if (info.st_mode & S_IFMT) != S_IFREG { throw .notRegular }
                if startsWithSQLiteHeader(path) { throw .isSQLite }
            }
            if !force { throw .exists }
        }
        let folder = folderOf(path)
        var info = stat()
        guard stat(folder, &info) == 0 else { throw .folder(errno) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .folder(ENOTDIR) }
        guard access(folder, W_OK | X_OK) == 0 else { throw .folder(errno) }
    }

    /// Whether `first` and `second` name the same file: the same device and inode when both
    /// exist (symlinks and hard links count), otherwise the same absolute, standardized path.
    static func sameFile(_ first: String, _ second: String) -> Bool {
        var one = stat()
        var two = stat()
        if stat(first, &one) == 0, stat(second, &two) == 0 {
            return one.st_dev == two.st_dev && one.st_ino == two.st_ino
        }
        func absolute(_ path: String) -> String {
            let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            return URL(fileURLWithPath: full).standardizedFileURL.resolvingSymlinksInPath().path
        }
        return absolute(first) == absolute(second)
    }

    /// Whether the file at `path` begins with "SQLite format 3\0". False if it cannot be read.
    static func startsWithSQLiteHeader(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = header.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, 16) }
        return count == 16 && header == sqliteHeader
    }

    /// What kind of Navet file `bytes` (a file's first bytes at least) look like, so that
    /// a file given to the wrong command is named for what it is: a bundle begins with
    /// "NAVB" (Protocol/BUNDLE.md), an enrollment file has a `navet-enrollment:` line near
    /// its top, a replica file or central store begins with SQLite's header.
    enum Kind: Equatable {
        case bundle, enrollment, database, other
    }

    static func kind(of bytes: some Collection<UInt8>) -> Kind {
        if bytes.starts(with: [0x4E, 0x41, 0x56, 0x42]) { return .bundle }
        if bytes.starts(with: sqliteHeader) { return .database }
        let top = Array(bytes.prefix(1024))
        let key = Array("navet-enrollment:".utf8)
        // At the start of a line: the file's comments come first.
        for start in top.indices where start == 0 || top[start - 1] == 0x0A {
            if top[start...].starts(with: key) { return .enrollment }
        }
        return .other
    }

    /// `kind(of:)` for the first kilobyte of the file at `path`; nil when nothing can be
    /// read from it (missing, unreadable, a folder, empty), which its caller names.
    static func kind(ofFile path: String) -> Kind? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var top = [UInt8](repeating: 0, count: 1024)
        let count = top.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, 1024) }
        return count > 0 ? kind(of: top.prefix(count)) : nil
    }

    /// The folder a path lies in ("." for a bare file name).
    static func folderOf(_ path: String) -> String { PathName.folder(of: path) }

    /// Writes `bytes` to `path` so that a reader sees either the old file or the whole new
    /// one: a temporary file in the same folder, fsync, rename, fsync of the folder.
    ///
    /// Without `replace`, the new file is linked into place, which fails with EEXIST if a
    /// file appeared at `path` since it was checked; nothing is ever overwritten then.
    /// `mode` is the new file's permission bits (0600: bundles and enrollment files hold
    /// case data or secrets).
    static func writeAtomically(_ bytes: [UInt8], to path: String, replace: Bool = true, mode: mode_t = 0o600) throws(Failure) {
        let name = (path as NSString).lastPathComponent
        let folder = folderOf(path)
        let temporary = folder + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(errno: errno) }
        var failure: Int32 = 0
        if fchmod(descriptor, mode) != 0 { failure = errno }
        var offset = 0
        while failure == 0, offset < bytes.count {
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
        if failure == 0 {
            if replace {
                if rename(temporary, path) != 0 { failure = errno }
            } else if link(temporary, path) == 0 {
                unlink(temporary)
            } else if errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK {
                // A file system without hard links: check once more, then rename.
                var info = stat()
                if lstat(path, &info) == 0 { failure = EEXIST } else if rename(temporary, path) != 0 { failure = errno }
            } else {
                failure = errno
            }
        }
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
