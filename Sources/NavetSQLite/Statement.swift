import CSQLite

/// `SQLITE_TRANSIENT`: SQLite copies the bytes before the bind call returns. The C macro
/// is a cast Swift cannot import, so it is re-created here once.
let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A compiled statement. Finalized when released; not thread-safe.
public final class Statement {
    let database: Database
    let handle: OpaquePointer
    let sql: String

    init(database: Database, sql: String) throws(SQLiteError) {
        var pointer: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard rc == SQLITE_OK, let pointer else {
            throw database.error(rc, "prepare: " + String(sql.prefix(120)))
        }
        self.database = database
        self.handle = pointer
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `arguments` to parameters 1...n.
    public func bind(_ arguments: [SQLValue]) throws(SQLiteError) {
        reset()
        for (index, argument) in arguments.enumerated() {
            try bind(argument, at: Int32(index + 1))
        }
    }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ value: SQLValue, at index: Int32) throws(SQLiteError) {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let number): rc = sqlite3_bind_int64(handle, index, number)
        case .real(let number): rc = sqlite3_bind_double(handle, index, number)
        case .text(let text): rc = bindText(text, at: index)
        case .blob(let bytes):
            rc = bytes.withUnsafeBytes { raw in
                sqlite3_bind_blob64(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count), transient)
            }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, "bind: " + String(sql.prefix(80))) }
    }

    public func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    public func bind(_ value: String, at index: Int32) {
        bindText(value, at: index)
    }

    /// Binds the text's UTF-8 bytes with their explicit length, so a text holding U+0000
    /// is stored whole (a C string would end at the first NUL).
    private func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // A nil base would bind NULL; an empty text must stay an empty text.
                guard let base = chars.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                return sqlite3_bind_text64(handle, index, base, UInt64(chars.count), transient, UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Advances to the next row: true when a row is available, false when done.
    public func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw database.error(rc, "step: " + String(sql.prefix(80)))
        }
    }

    /// Runs a statement that returns no rows.
    public func run(_ arguments: [SQLValue]) throws(SQLiteError) {
        try bind(arguments)
        while try step() {}
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func value(at column: Int) -> SQLValue {
        let index = Int32(column)
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(text(at: column))
        case SQLITE_BLOB: return .blob(blob(at: column))
        default: return .null
        }
    }

    public func int64(at column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }
    public func isNull(at column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }

    /// The text in `column`, byte for byte (its length from `sqlite3_column_bytes`, so an
    /// embedded U+0000 is kept).
    public func text(at column: Int) -> String {
        guard let pointer = sqlite3_column_text(handle, Int32(column)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func blob(at column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard count > 0, let pointer = sqlite3_column_blob(handle, Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
