import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetCore
import NavetSQLite

extension CentralStore {
    /// Writes a consistent copy of the central store to `path` while it keeps serving:
    /// `VACUUM INTO` a temporary file in the same folder (a read transaction, so writers
    /// go on), `PRAGMA integrity_check` and `linkProblems` on the copy (a store whose runs or
    /// chains contradict its changes throws `damaged`), fsync, then an atomic rename.
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
                // A copy is exact: rows that contradict each other there do so in the store.
                if let problem = try Self.linkProblems(copy).first {
                    throw StoreError.damaged(path: self.path, reason: problem)
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
    /// Refuses (and changes nothing) if `backup` fails `PRAGMA integrity_check` or
    /// `linkProblems`, or is not a central store. Stop `navetd serve` first: the file is replaced underneath it.
    /// Returns the new epoch.
    @discardableResult
    ///
    /// `expectedServer`: the id of the store at `path`, when there is one. A backup of
    /// another central store is refused (`wrongServer`), nothing changed: put in place, it
    /// would cut off every replica enrolled at this one.
    public static func restore(from backup: String, to path: String, expectedServer: ReplicaID? = nil) throws(StoreError) -> UInt64 {
        guard FileManager.default.fileExists(atPath: backup) else { throw .missing(path: backup) }
        let temporary = path + ".restoring-\(UInt32.random(in: 0...UInt32.max))"
        do throws(StoreError) {
            try StoreError.wrap {
                // Check the backup where it lies, read-only, before copying anything.
                let source = try Database(path: backup, mode: .readOnly)
                guard (try? source.integrityCheck()) == ["ok"] else {
                    throw StoreError.notANavetDatabase(path: backup, reason: "it fails PRAGMA integrity_check")
                }
                if let problem = try linkProblems(source).first {
                    throw StoreError.damaged(path: backup, reason: problem)
                }
                try source.query("VACUUM INTO ?", [.text(temporary)])
            }
            let epoch = UInt64.random(in: 1...UInt64(Int64.max))
            do {
                let restored = try CentralStore.open(path: temporary)
                if let expectedServer, restored.serverID != expectedServer {
                    throw StoreError.wrongServer(expected: expectedServer, got: restored.serverID)
                }
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
        let folder = Glibc.open(PathName.folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}

extension CentralStore {
    /// What in `db` (a central store file) contradicts itself beyond what `PRAGMA
    /// integrity_check` sees, in words (empty when nothing does): the runs (layout 25) must
    /// find every change at its own row and cover nothing else, and each cell's chain
    /// (layout 26) must link its merged changes in arrival order, with `cells.latest` the
    /// last. Steps a file does not have yet are not checked. One pass over `changes` per
    /// check, with sorts: about 4.6 s for 1,000,000 changes in 1,000,000 runs (the sqlite3
    /// tool, this machine); for backups and restores, never for a sync.
    static func linkProblems(_ db: Database) throws -> [String] {
        func has(_ sql: String) throws -> Bool { try db.scalar(sql) != nil }
        func count(_ sql: String) throws -> Int64 {
            if case .integer(let n)? = try db.scalar(sql) { return n }
            return 0
        }
        var problems: [String] = []
        if try has("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'change_runs'") {
            // The run at or below each seq, found by one descending seek (a range test over
            // the origin's runs would read them all for every change).
            let missed = try count("""
                SELECT count(*) FROM changes c WHERE NOT coalesce((
                    SELECT c.seq <= r.last_seq AND r.first_id + (c.seq - r.first_seq) = c.id FROM change_runs r
                    WHERE r.origin = c.origin AND r.first_seq <= c.seq ORDER BY r.first_seq DESC LIMIT 1
                ), 0)
                """)
            if missed > 0 { problems.append("\(missed) changes are not found at their own row through change_runs") }
            let covered = try count("SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM change_runs")
            let held = try count("SELECT count(*) FROM changes")
            if covered != held { problems.append("change_runs cover \(covered) seqs for \(held) changes") }
        }
        if try has("SELECT 1 FROM pragma_table_info('changes') WHERE name = 'previous'") {
            let links = try count("""
                SELECT count(*) FROM (
                    SELECT refused, previous, CASE WHEN refused = 0 THEN lag(id) OVER (PARTITION BY record_id, field, refused = 0 ORDER BY id) END AS expected
                    FROM changes
                ) WHERE previous IS NOT expected
                """)
            if links > 0 { problems.append("\(links) changes do not name the change of their cell that arrived before them") }
            let latest = try count("""
                SELECT count(*) FROM cells LEFT JOIN (
                    SELECT record_id, field, max(id) AS top FROM changes WHERE refused = 0 GROUP BY record_id, field
                ) m USING (record_id, field) WHERE cells.latest IS NOT m.top
                """)
            if latest > 0 { problems.append("\(latest) cells do not name the change of theirs that arrived last") }
        }
        return problems
    }
}
