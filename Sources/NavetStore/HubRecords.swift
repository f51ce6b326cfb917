import NavetCore
import NavetSQLite

extension ReplicaStore {
    /// The records of `type` (membership, consent, missing, note: the types with a `child`
    /// reference) about one child, in id order. Uses the index on the `child` cells
    /// (layout 9), so it costs that child's records, not a scan of the file.
    public func records(ofType type: String, child: RecordID) throws(StoreError) -> [RecordSnapshot] {
        try StoreError.wrap {
            try db.query(
                "SELECT record_id FROM cells WHERE field = 'child' AND value = ? AND record_type = ? ORDER BY record_id",
                [.text(child.description), .text(type)]
            ).compactMap { row -> RecordID? in
                if case .integer(let id) = row[0] { return RecordID(rawValue: UInt64(clamping: id)) }
                return nil
            }.map { try snapshot($0) }
        }
    }

    /// The replica that registered a record: the origin of the first change of `field`
    /// (the lowest version, the earliest written among equals), or nil when this replica
    /// holds no change of that field.
    public func firstOrigin(of record: RecordID, field: String) throws(StoreError) -> ReplicaID? {
        try StoreError.wrap {
            let changes = try log.changes(where: "record_id = ? AND field = ?", [.integer(record.int64), .text(field)],
                                          orderBy: "version, wall_time, origin LIMIT 1")
            return changes.first?.origin
        }
    }

    /// Whether this replica's organisation has lost access to `child`: the central store has
    /// sent permissions at least once and the last ones name no such child (the same test as
    /// `writeCheck`'s `.notInHub`; a child created here and not yet acknowledged keeps its
    /// access). Values others wrote about the child have then been purged from this file, so
    /// a state derived from them (an episode still open, a membership still active) is
    /// unknown, not what the remaining cells suggest.
    public func accessEnded(child: RecordID) throws(StoreError) -> Bool {
        guard try permissionsKnown(), try permissions(child: child) == nil else { return false }
        return !(try createdHereUnacknowledged(child))
    }
}
