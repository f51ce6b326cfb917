import CSQLite

/// `SQLITE_TRANSIENT`: SQLite copies the bytes before the bind call returns. The C macro
/// is a cast Swift cannot import, so it is re-created here once.
let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A compiled statement. Finalized when released; not thread-safe.
///
/// Text is bound without an allocation per value: each parameter has its own buffer, owned
/// by the statement and reused (grown when a longer text comes), into which the bytes are
/// copied and bound as `SQLITE_STATIC`. The buffer stays valid while the value is bound:
/// until that parameter is bound again or the statement is finalized. (`SQLITE_TRANSIENT`
/// made SQLite allocate a copy for every text bound.)
public final class Statement {
    let database: Database
    let handle: OpaquePointer
    let sql: String
    /// The number of `?` parameters.
    let parameterCount: Int32
    /// Per parameter (index - 1): its text buffer (nil until a text is bound there) and that
    /// buffer's capacity in bytes; `parameterCount` entries, owned by the statement. A fixed
    /// table behind a constant pointer, not an array property: reading and replacing an
    /// entry of a class's array property cost a dynamic exclusivity check and a uniqueness
    /// check on every text bound (about 150 instructions, most of a bind).
    private let textBuffers: UnsafeMutablePointer<TextBuffer>

    private struct TextBuffer {
        var pointer: UnsafeMutableRawPointer?
        var capacity: Int
    }

    init(database: Database, sql: String) throws(SQLiteError) {
        var pointer: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard rc == SQLITE_OK, let pointer else {
            throw database.error(rc, "prepare: " + String(sql.prefix(120)))
        }
        self.database = database
        self.handle = pointer
        self.sql = sql
        self.parameterCount = sqlite3_bind_parameter_count(pointer)
        let slots = Int(max(0, parameterCount))
        self.textBuffers = UnsafeMutablePointer<TextBuffer>.allocate(capacity: max(slots, 1))
        self.textBuffers.initialize(repeating: TextBuffer(pointer: nil, capacity: 0), count: max(slots, 1))
    }

    deinit {
        // Finalized first: SQLite may hold pointers into the text buffers until then.
        sqlite3_finalize(handle)
        for slot in 0..<max(Int(parameterCount), 1) { textBuffers[slot].pointer?.deallocate() }
        textBuffers.deallocate()
    }

    /// Resets the statement and binds `arguments` to parameters 1...n. Parameters past
    /// the last argument are NULL.
    public func bind(_ arguments: [SQLValue]) throws(SQLiteError) {
        reset()
        if arguments.count < Int(parameterCount) { sqlite3_clear_bindings(handle) }
        for (index, argument) in arguments.enumerated() {
            try bind(argument, at: Int32(index + 1))
        }
    }

    /// Runs the statement with `arguments` and returns its rows; reset afterwards, so a
    /// statement kept prepared can run again (and holds no read transaction open meanwhile).
    public func rows(_ arguments: [SQLValue] = []) throws(SQLiteError) -> [[SQLValue]] {
        defer { reset() }
        try bind(arguments)
        var rows: [[SQLValue]] = []
        while try step() {
            rows.append((0..<columnCount).map { value(at: $0) })
        }
        return rows
    }

    /// Resets the statement to run again. The values bound stay bound (a caller that binds
    /// every parameter again needs nothing else; `clearBindings` sets them all to NULL).
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Sets every parameter to NULL.
    public func clearBindings() {
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

    /// Texts longer than this are bound as `SQLITE_TRANSIENT` (SQLite copies them).
    static let longestBufferedText = 1024

    /// Binds the text's UTF-8 bytes with their explicit length, so a text holding U+0000
    /// is stored whole (a C string would end at the first NUL). The bytes are copied into
    /// the parameter's own buffer and bound as `SQLITE_STATIC` (see the type's comment).
    private func bindText(_ text: String, at index: Int32) -> Int32 {
        // Read in place when the string has contiguous UTF-8 (every native or small one):
        // `withUTF8` needs a mutable copy, a retain and a release per bind.
        if let rc = text.utf8.withContiguousStorageIfAvailable({ bindText($0, at: index) }) { return rc }
        var text = text
        return text.withUTF8 { bindText($0, at: index) }
    }

    /// `bindText(_:at:)` for the text's bytes.
    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) -> Int32 {
        let slot = Int(index) - 1
        // An index out of range (SQLite reports SQLITE_RANGE), or a long text, which
        // SQLite copies: a buffer is kept only for the short values of everyday rows.
        guard slot >= 0, slot < Int(parameterCount), bytes.count <= Self.longestBufferedText else {
            return bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text64(handle, index, chars.baseAddress, UInt64(chars.count), transient,
                                    UInt8(SQLITE_UTF8))
            }
        }
        // Never a nil pointer (that would bind NULL): an empty text stays an empty text.
        let needed = max(bytes.count, 1)
        let buffer: UnsafeMutableRawPointer
        if let held = textBuffers[slot].pointer, textBuffers[slot].capacity >= needed {
            buffer = held
        } else {
            // Replacing the buffer of a value still bound is safe: the bind below
            // releases that value without reading it (it was bound as static).
            textBuffers[slot].pointer?.deallocate()
            let capacity = needed <= 32 ? 32 : needed * 2
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            textBuffers[slot] = TextBuffer(pointer: buffer, capacity: capacity)
        }
        if let base = bytes.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
        return sqlite3_bind_text64(handle, index, buffer.assumingMemoryBound(to: CChar.self), UInt64(bytes.count),
                                   nil, UInt8(SQLITE_UTF8))
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

    /// The bytes of the text or blob in `column`, without copying them: valid only inside
    /// `body` (until the next step or reset). Empty for NULL.
    public func withBytes<R>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let index = Int32(column)
        let pointer = sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// Binds `bytes` as a blob (SQLite copies them).
    public func bindBlob(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        sqlite3_bind_blob64(handle, index, UnsafeRawPointer(bytes.baseAddress) ?? UnsafeRawPointer(bitPattern: 1), UInt64(bytes.count), transient)
    }

    public func blob(at column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard count > 0, let pointer = sqlite3_column_blob(handle, Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
