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
