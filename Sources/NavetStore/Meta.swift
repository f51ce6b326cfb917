import Foundation
import NavetCore
import NavetSQLite

/// Key-value settings of a Navet file (`meta` table).
struct Meta {
    let db: Database

    func int(_ key: String) throws -> Int64? {
        if case .integer(let value) = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(key)]) {
            return value
        }
        return nil
    }

    func text(_ key: String) throws -> String? {
        if case .text(let value) = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(key)]) {
            return value
        }
        return nil
    }

    func set(_ key: String, _ value: SQLValue) throws {
        try db.query("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     [.text(key), value])
    }

    static let role = "role"
    static let id = "id"
    static let schemaVersion = "schema_version"
    static let createdAt = "created_at"
    static let cursor = "cursor"
    static let acked = "acked_seq"
    static let serverID = "server_id"
    static let lastExportAt = "last_export_at"
    static let lastImportAt = "last_import_at"
    static let epoch = "epoch"
    static let lastSyncAt = "last_sync_at"
    static let lastRefusal = "last_refusal"
    static let lastRefusalAt = "last_refusal_at"
    static let serverURL = "server_url"
    static let secret = "secret"
    /// The sync token of the last reply applied (Protocol/BUNDLE.md, "Replica identity").
    static let syncToken = "sync_token"
    /// Redactions (Protocol/BUNDLE.md, "Redactions"): the highest id applied, the highest id
    /// purged physically and acknowledged in uploads, and 1 while a purge is pending.
    static let redactionApplied = "redaction_applied"
    static let redactionAck = "redaction_ack"
    static let purgePending = "purge_pending"
    /// 1 once a reply has carried permissions (Protocol/BUNDLE.md, "Permissions").
    static let permissionsKnown = "permissions_known"
    /// 1 or 0 once a reply has carried the grants part: whether the organisation may
    /// register children (Protocol/BUNDLE.md, "Grants"); absent = not said.
    static let mayRegister = "may_register"
}

/// What kind of Navet file this is.
enum Role: String {
    case replica
    case central
}

/// Creates or opens a Navet file of one role, migrating it to the current layout.
enum NavetFile {
    /// Creates a new file atomically: it is built under a temporary name and renamed into
    /// place, so a failure never leaves a half-made file at `path`.
    static func create(path: String, role: Role, id: ReplicaID, now: Int64, extra: [(String, SQLValue)] = []) throws(StoreError) {
        if FileManager.default.fileExists(atPath: path) { throw .alreadyExists(path: path) }
        let temporary = path + ".creating-\(UInt32.random(in: 0...UInt32.max))"
        do throws(StoreError) {
            try StoreError.wrap {
                let db = try Layout.open(path: temporary, create: true)
                try Layout.migrate(db, role: role)
                try db.transaction {
                    let meta = Meta(db: db)
                    try meta.set(Meta.role, .text(role.rawValue))
                    try meta.set(Meta.id, .text(id.description))
                    try meta.set(Meta.schemaVersion, .integer(Int64(Schema.current.version)))
                    try meta.set(Meta.createdAt, .integer(now))
                    try meta.set(Meta.cursor, .integer(0))
                    try meta.set(Meta.acked, .integer(0))
                    for (key, value) in extra { try meta.set(key, value) }
                }
                try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            }
            // Case data and secrets: readable by the owner only. SQLite gives the -wal and
            // -shm files the same mode as the database.
            chmod(temporary, 0o600)
            // The connection is closed here; WAL mode is recorded in the file itself. Linked
            // into place (never over a file that appeared meanwhile), after an fsync.
            try syncAndRename(temporary, to: path, replace: false)
        } catch {
            for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
            throw error
        }
    }

    /// Opens an existing file of the given role and brings it to the current layout.
    ///
    /// Nothing is written until the file is known to be a Navet file of `role`: a missing
    /// file is not created, and a file that is not SQLite, is another program's SQLite file
    /// (another `application_id`), has no Navet tables or has the other role is refused
    /// unchanged (not even switched to WAL).
    static func open(path: String, role: Role) throws(StoreError) -> (Database, ReplicaID) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        return try StoreError.wrap {
            let db: Database
            do {
                db = try Layout.openUnconfigured(path: path, create: false)
            } catch let error as StoreError {
                if case .sqlite(let sqlite) = error, sqlite.isNotADatabase {
                    throw StoreError.notANavetDatabase(path: path, reason: "not an SQLite database")
                }
                throw error
            }
            let application = try Layout.applicationID(db)
            guard application == 0 || application == Layout.applicationID else {
                throw StoreError.notANavetDatabase(
                    path: path, reason: "another program's SQLite database, application_id 0x\(String(UInt32(bitPattern: application), radix: 16))")
            }
            let hasMeta = try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'") != nil
            guard hasMeta else { throw StoreError.notANavetDatabase(path: path, reason: "no Navet tables") }
            let meta = Meta(db: db)
            guard let stored = try meta.text(Meta.role), stored == role.rawValue else {
                throw StoreError.notANavetDatabase(
                    path: path, reason: "it is a \(try meta.text(Meta.role) ?? "unknown") file, not a \(role.rawValue) file")
            }
            guard let idText = try meta.text(Meta.id), let id = ReplicaID(hex: idText) else {
                throw StoreError.notANavetDatabase(path: path, reason: "no id")
            }
            let found = try db.userVersion
            guard found <= Layout.currentVersion else {
                throw StoreError.tooNew(path: path, found: found, supported: Layout.currentVersion)
            }
            let schema = try meta.int(Meta.schemaVersion) ?? 0
            if schema > Int64(Schema.current.version) {
                throw StoreError.tooNew(path: path, found: Int(schema), supported: Int(Schema.current.version))
            }
            try Layout.configure(db)
            // A layout step rewrites tables another running Navet would go on writing the
            // old way: it runs only while no other process holds a `StoreLock` on the file
            // (`navetd serve` holds one for its life, `navet sync`, `export` and `import`
            // while they run), and this one is held until the steps are done.
            var upgradeLock: StoreLock?
            if found < Layout.currentVersion, found > 0 {
                switch StoreLock.acquire(path, exclusive: true) {
                case .locked(let lock): upgradeLock = lock
                case .busy: throw StoreError.inUseDuringUpgrade(path: path, from: found, to: Layout.currentVersion)
                case .failed: break  // no lock to be had (a read-only folder): SQLite's own locks still apply
                }
            }
            defer { withExtendedLifetime(upgradeLock) {} }
            try Layout.migrate(db, role: role)
            if schema < Int64(Schema.current.version) {
                try meta.set(Meta.schemaVersion, .integer(Int64(Schema.current.version)))
            }
            return (db, id)
        }
    }
}
