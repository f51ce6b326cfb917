import CSQLite

/// A Swift function callable from SQL, kept alive by the connection until it is replaced
/// or the connection closes.
private final class FunctionBox {
    let body: ([SQLValue]) -> SQLValue
    init(_ body: @escaping ([SQLValue]) -> SQLValue) { self.body = body }
}

extension Database {
    /// Registers (or replaces) a deterministic SQL function `name` taking `argumentCount`
    /// arguments, computed by `body` from the arguments' values. The result may be NULL,
    /// an integer, a real, a text or a blob. For sort keys and match keys the SQL cannot
    /// compute itself (issue 15: the Swedish order of `navet child list` in SQL).
    public func createFunction(_ name: String, argumentCount: Int32,
                               _ body: @escaping ([SQLValue]) -> SQLValue) throws(SQLiteError) {
        let box = Unmanaged.passRetained(FunctionBox(body)).toOpaque()
        let rc = sqlite3_create_function_v2(
            handle, name, argumentCount, SQLITE_UTF8 | SQLITE_DETERMINISTIC, box,
            { context, count, values in
                guard let context, let data = sqlite3_user_data(context) else { return }
                let box = Unmanaged<FunctionBox>.fromOpaque(data).takeUnretainedValue()
                var arguments: [SQLValue] = []
                arguments.reserveCapacity(Int(count))
                for index in 0..<Int(count) {
                    guard let value = values?[index] else { arguments.append(.null); continue }
                    switch sqlite3_value_type(value) {
                    case SQLITE_INTEGER: arguments.append(.integer(sqlite3_value_int64(value)))
                    case SQLITE_FLOAT: arguments.append(.real(sqlite3_value_double(value)))
                    case SQLITE_TEXT:
                        let bytes = Int(sqlite3_value_bytes(value))
                        if let pointer = sqlite3_value_text(value) {
                            arguments.append(.text(String(decoding: UnsafeBufferPointer(start: pointer, count: bytes), as: UTF8.self)))
                        } else {
                            arguments.append(.text(""))
                        }
                    case SQLITE_BLOB:
                        let bytes = Int(sqlite3_value_bytes(value))
                        if bytes > 0, let pointer = sqlite3_value_blob(value) {
                            arguments.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: bytes))))
                        } else {
                            arguments.append(.blob([]))
                        }
                    default: arguments.append(.null)
                    }
                }
                switch box.body(arguments) {
                case .null: sqlite3_result_null(context)
                case .integer(let number): sqlite3_result_int64(context, number)
                case .real(let number): sqlite3_result_double(context, number)
                case .text(var text):
                    text.withUTF8 { bytes in
                        bytes.withMemoryRebound(to: CChar.self) { chars in
                            if let base = chars.baseAddress {
                                sqlite3_result_text64(context, base, UInt64(chars.count), transient, UInt8(SQLITE_UTF8))
                            } else {
                                sqlite3_result_text(context, "", 0, transient)
                            }
                        }
                    }
                case .blob(let bytes):
                    bytes.withUnsafeBytes { raw in
                        sqlite3_result_blob64(context, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count),
                                              transient)
                    }
                }
            }, nil, nil,
            { data in
                if let data { Unmanaged<FunctionBox>.fromOpaque(data).release() }
            })
        // On failure SQLite has already called the destructor, which released the box.
        guard rc == SQLITE_OK else { throw error(rc, "create function " + name) }
    }
}
