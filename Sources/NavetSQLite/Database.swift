import CSQLite

/// An error reported by SQLite, with the extended result code and what was being done.
/// Never carries bound values: those may be case data.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    public let code: Int32
    /// SQLite's own message.
    public let message: String
    /// The SQL text or operation, for the log; no bound arguments.
    public let context: String

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xff }
    /// SQLITE_FULL: the disk (or `max_page_count`) is full.
    public var isDiskFull: Bool { primaryCode == SQLITE_FULL }
    /// SQLITE_NOTADB, SQLITE_CORRUPT: the file is not a usable database.
    public var isNotADatabase: Bool { primaryCode == SQLITE_NOTADB || primaryCode == SQLITE_CORRUPT }

    public var description: String { "SQLite error \(code): \(message) (\(context))" }
}

/// A value bound to or read from a statement.
public enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// An open SQLite connection. Owns the `sqlite3*`; not thread-safe, use from one place
/// at a time.
public final class Database {
    public let path: String
    let handle: OpaquePointer

    public enum OpenMode: Sendable {
        case readWrite
        case readWriteCreate
        case readOnly
    }

    /// Process-wide settings, made once before the first connection opens (a `static let`
    /// runs its initializer exactly once, thread-safely): SQLite's memory statistics off,
    /// which Navet never reads and which cost a global mutex around every allocation.
    /// The result is SQLITE_OK, or SQLITE_MISUSE if SQLite was already in use.
    static let processSettings: Int32 = navet_sqlite3_disable_memstatus()

    /// Opens (or creates) a database file. Sets a busy timeout so a second process waits
    /// instead of failing at once, and turns on foreign keys.
    ///
    /// `SQLITE_OPEN_NOMUTEX`: a connection is used from one thread at a time (the server
    /// calls its store only under `SyncService`'s lock), so SQLite's per-connection mutex
    /// is off.
    public init(path: String, mode: OpenMode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 10_000) throws(SQLiteError) {
        _ = Self.processSettings
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var pointer: OpaquePointer?
        let rc = sqlite3_open_v2(path, &pointer, flags, nil)
        guard rc == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let pointer { sqlite3_close_v2(pointer) }
            throw SQLiteError(code: rc, message: message, context: "open")
        }
        handle = pointer
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, _ context: String) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)),
                    context: context)
    }

    /// Runs one or more statements that take no arguments.
    public func execute(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, String(sql.prefix(80))) }
    }

    /// Compiles a statement. Prepare once and reuse in loops.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs a statement with arguments and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> [[SQLValue]] {
        try prepare(sql).rows(arguments)
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> SQLValue? {
        try query(sql, arguments).first?.first
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Set while `enclosingTransaction` runs: `transaction` calls inside it become savepoints.
    private var enclosing = false

    /// Runs `body` in a transaction: commits when it returns, rolls back on any throw and
    /// rethrows that first error. Nested calls are a programmer error, except inside
    /// `enclosingTransaction`, where they run as savepoints of the enclosing transaction.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if enclosing, isInTransaction {
            try execute("SAVEPOINT nested")
            do {
                let result = try body()
                try execute("RELEASE nested")
                return result
            } catch {
                try? execute("ROLLBACK TO nested")
                try? execute("RELEASE nested")
                throw error
            }
        }
        precondition(!isInTransaction, "nested transaction")
        try execute("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in one transaction in which the `transaction` calls it makes are
    /// savepoints: a store call and what must be committed with it (its audit entry) are
    /// written together or not at all.
    public func enclosingTransaction<T>(_ body: () throws -> T) throws -> T {
        precondition(!isInTransaction, "nested transaction")
        enclosing = true
        defer { enclosing = false }
        return try transaction(.immediate, body)
    }

    /// `PRAGMA integrity_check`: "ok", or the problems found.
    public func integrityCheck() throws(SQLiteError) -> [String] {
        try query("PRAGMA integrity_check").compactMap { row in
            if case .text(let text) = row.first { return text }
            return nil
        }
    }

    /// `PRAGMA user_version`: the storage layout version of this file.
    public var userVersion: Int {
        get throws(SQLiteError) {
            if case .integer(let value) = try scalar("PRAGMA user_version") { return Int(value) }
            return 0
        }
    }

    public func setUserVersion(_ version: Int) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }

    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}
