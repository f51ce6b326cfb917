import NavetCore
import NavetSQLite

extension ReplicaStore {
    /// What this replica holds of others, per (child, tag), for `navet verify`
    /// (Protocol/HTTP.md, "Verification"): every change in its log that is not of its own
    /// origin, grouped by the record's child (a child record is its own child; any other
    /// record's child is the winning value of its `child` field) and the change's tag.
    /// Also the cursor the digests are meant to match, and `unplaced`: changes of a record
    /// without a child here or with a tag this version does not know (the server counts
    /// none of them for this replica, so each is extra).
    public func verification() throws(StoreError) -> (cursor: UInt64, digests: VerificationDigests, unplaced: [VerifiedChange]) {
        try StoreError.wrap {
            try db.transaction(.deferred) {
                var digests = VerificationDigests()
                var unplaced: [VerifiedChange] = []
                let cursor = UInt64(clamping: try meta.int(Meta.cursor) ?? 0)
                for row in try db.query("""
                    SELECT c.origin, c.seq, c.record_type, c.record_id, c.field, c.tag,
                           (SELECT value FROM cells WHERE cells.record_id = c.record_id AND cells.field = 'child')
                    FROM changes c WHERE c.origin != ?
                    """, [.integer(replicaID.int64)]) {
                    guard let origin = row[0].replicaID, case .integer(let seq) = row[1], seq > 0,
                          let recordType = row[2].textValue, let record = row[3].recordID, let field = row[4].textValue
                    else { continue }
                    let tag = row[5].textValue.flatMap(Tag.init(rawValue:))
                    let change = VerifiedChange(ref: ChangeRef(origin: origin, seq: UInt64(seq)), recordType: recordType,
                                                field: field)
                    let child = recordType == "child" ? record : row[6].textValue.flatMap(RecordID.init(hex:))
                    if let child, let tag {
                        digests.add(change, to: VerificationScope(child: child, tag: tag))
                    } else {
                        unplaced.append(change)
                    }
                }
                return (cursor, digests, unplaced)
            }
        }
    }
}

extension ReplicaStore {
    /// Deletes changes of other origins that `navet verify --purge` found held but not
    /// allowed (a leak, or values brought back before stale replies were refused), like a
    /// redaction: each named change of another origin is deleted with its cell's history
    /// and the cell recomputed, in one transaction; then the bytes are purged from the file
    /// (a purge that cannot complete now stays pending, as after a redaction). Own changes
    /// and changes not held are left alone. Returns the number deleted.
    public func purgeNotAllowed(_ refs: [ChangeRef]) throws(StoreError) -> (deleted: Int, purgePending: Bool) {
        let deleted = try StoreError.wrap {
            try db.transaction {
                var cells = Set<CellKey>()
                var deleted = 0
                for ref in refs where ref.origin != replicaID {
                    if let cell = try log.delete(origin: ref.origin, seq: ref.seq) {
                        cells.insert(cell)
                        deleted += 1
                    }
                }
                for cell in cells.sorted() { try log.recomputeCell(record: cell.recordID, field: cell.field) }
                if deleted > 0 { try meta.set(Meta.purgePending, .integer(1)) }
                return deleted
            }
        }
        guard deleted > 0 else { return (0, false) }
        return (deleted, !((try? completePurge()) ?? false))
    }
}
