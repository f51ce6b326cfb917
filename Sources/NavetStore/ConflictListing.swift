import NavetCore
import NavetSQLite

// `navet conflicts` streams (issue 15, point 4): the conflicted cells one at a time, and the
// heads of one cell when asked, instead of every conflict with all its heads at once.
extension ReplicaStore {
    /// The cells with more than one head, in record and field order (as `conflicts()`),
    /// handed to `body` as they are read. One statement: memory does not grow with them.
    public func forEachConflictedCell(_ body: (CellKey) -> Void) throws(StoreError) {
        try StoreError.wrap {
            try log.flushCells()
            let statement = try db.prepare("SELECT record_id, field FROM cells WHERE heads > 1 ORDER BY record_id, field")
            while try statement.step() {
                guard case .integer(let record) = statement.value(at: 0), case .text(let field) = statement.value(at: 1) else {
                    throw StoreError.notANavetDatabase(path: db.path, reason: "malformed cell row")
                }
                body(CellKey(recordID: RecordID(rawValue: UInt64(clamping: record)), field: field))
            }
        }
    }

    /// The conflict of one cell, as `conflicts()` gives it, or nil when the cell has no head.
    public func conflict(at cell: CellKey) throws(StoreError) -> Conflict? {
        try StoreError.wrap {
            let heads = try log.heads(cell)
            guard let first = heads.first else { return nil }
            return Conflict(cell: cell, recordType: first.recordType, heads: heads)
        }
    }
}
