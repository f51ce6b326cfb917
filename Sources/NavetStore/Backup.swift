import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetCore
import NavetSQLite

extension CentralStore {
    /// Writes a consistent copy of the central store to `path` while it keeps serving:
    /// `VACUUM INTO` a temporary file in the same folder (a read transaction, so writers
    /// go on), `PRAGMA integrity_check` on the copy, fsync, then an atomic rename.
    /// Returns the size of the copy in bytes. Without `replace` an existing file at `path`
    /// is never replaced (`alreadyExists`); the caller checks what may be replaced.
    @discardableResult
    public func backup(to path: String, replace: Bool = false) throws(StoreError) -> Int64 {
        if !replace, FileManager.default.fileExists(atPath: path) { throw .alreadyExists(path: path) }
        let temporary = path + ".partial-\(UInt32.random(in: 0...UInt32.max))"
        do throws(StoreError) {
            try StoreError.wrap {
                try db.query("VACUUM INTO ?", [.text(temporary)])
                let copy = try Database(path: temporary, mode: .readWrite)
                guard try copy.integrityCheck() == ["ok"] else {
                    throw StoreError.notANavetDatabase(path: temporary, reason: "the copy failed its integrity check")
                }
            }
            try NavetFile.syncAndRename(temporary, to: path, replace: replace)
        } catch {
            unlink(temporary)
            throw error
        }
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Installs a backup as the central store at `path`, with a new server epoch so every
    /// replica learns it must re-send what the restored store lacks.
    ///
    /// Refuses (and changes nothing) if `backup` fails `PRAGMA integrity_check` or is not a
    /// central store. Stop `navetd serve` first: the file is replaced underneath it.
    /// Returns the new epoch.
    @discardableResult
    public static func restore(from backup: String, to path: String) throws(StoreError) -> UInt64 {
        guard FileManager.default.fileExists(atPath: backup) else { throw .missing(path: backup) }
        let temporary = path + ".restoring-\(UInt32.random(in: 0...UInt32.max))"
        do throws(StoreError) {
            try StoreError.wrap {
                // Check the backup where it lies, read-only, before copying anything.
                let source = try Database(path: backup, mode: .readOnly)
                guard (try? source.integrityCheck()) == ["ok"] else {
                    throw StoreError.notANavetDatabase(path: backup, reason: "it fails PRAGMA integrity_check")
                }
                try source.query("VACUUM INTO ?", [.text(temporary)])
            }
            let epoch = UInt64.random(in: 1...UInt64(Int64.max))
            do {
                let restored = try CentralStore.open(path: temporary)
                try StoreError.wrap {
                    try restored.meta.set(Meta.epoch, .integer(Int64(bitPattern: epoch)))
                    try restored.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
            for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
            try NavetFile.syncAndRename(temporary, to: path)
            return epoch
        } catch {
            for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
            throw error
        }
    }
}

extension NavetFile {
    /// fsync a finished file, rename it over `path`, and fsync the folder, so that after a
    /// crash either the old file or the whole new one is there. Without `replace` the file
    /// is linked into place instead, so an existing `path` is left alone (`alreadyExists`).
    static func syncAndRename(_ temporary: String, to path: String, replace: Bool = true) throws(StoreError) {
        chmod(temporary, 0o600)
        let file = Glibc.open(temporary, O_RDONLY | O_CLOEXEC)
        guard file >= 0, fsync(file) == 0 else {
            if file >= 0 { close(file) }
            throw .notANavetDatabase(path: temporary, reason: "could not be written to disk")
        }
        close(file)
        if replace {
            guard rename(temporary, path) == 0 else {
                throw .notANavetDatabase(path: path, reason: "could not be moved into place")
            }
        } else if link(temporary, path) == 0 {
            unlink(temporary)
        } else {
            if errno == EEXIST { throw .alreadyExists(path: path) }
            var info = stat()
            if lstat(path, &info) == 0 { throw .alreadyExists(path: path) }
            guard rename(temporary, path) == 0 else {
                throw .notANavetDatabase(path: path, reason: "could not be moved into place")
            }
        }
        let folder = Glibc.open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                          O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
