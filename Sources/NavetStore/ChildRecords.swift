import NavetCore
import NavetSQLite

// A replica may hold records about a child without holding the child's name, or any field
// of the child record at all: notes it received by consent (a health note, with none of the
// child's `basic` fields), or its own notes after its access to the child ended and the
// child's fields were withdrawn. Such a child is still one the replica holds: it is listed,
// shown and found by its id; the CLI shows a placeholder for the name it may not see.

extension ReplicaStore {
    /// Every child this replica holds something of, in id order: each record of type
    /// `child` (whichever of its fields are here) and each child that a note, membership,
    /// consent or missing episode here refers to.
    public func childIDs() throws(StoreError) -> [RecordID] {
        try StoreError.wrap {
            var ids = Set<RecordID>()
            for row in try db.query("SELECT DISTINCT record_id FROM cells WHERE record_type = 'child'") {
                if case .integer(let id) = row[0] { ids.insert(RecordID(rawValue: UInt64(clamping: id))) }
            }
            for row in try db.query("SELECT DISTINCT value FROM cells WHERE field = 'child' AND record_type <> 'child'") {
                if case .text(let hex) = row[0], let id = RecordID(hex: hex) { ids.insert(id) }
            }
            return ids.sorted()
        }
    }

    /// Whether `id` is a child this replica holds something of (see `childIDs`).
    public func holdsChild(_ id: RecordID) throws(StoreError) -> Bool {
        try StoreError.wrap {
            if case .text(let type) = try db.scalar("SELECT record_type FROM cells WHERE record_id = ? LIMIT 1",
                                                    [.integer(id.int64)]) {
                return type == "child"
            }
            return try db.scalar("SELECT 1 FROM cells WHERE field = 'child' AND value = ? AND record_type <> 'child' LIMIT 1",
                                 [.text(id.description)]) != nil
        }
    }

    /// The visible state of a child this replica holds something of: its fields that are
    /// here, none when it holds only records about the child.
    public func childSnapshot(_ id: RecordID) throws(StoreError) -> RecordSnapshot {
        do {
            return try snapshot(id)
        } catch .unknownRecord {
            guard try holdsChild(id) else { throw .unknownRecord(id) }
            return RecordSnapshot(id: id, type: "child", fields: [])
        }
    }

    /// Every child this replica holds something of (`childIDs`), with the fields it holds.
    public func children() throws(StoreError) -> [RecordSnapshot] {
        var result: [RecordSnapshot] = []
        for id in try childIDs() { result.append(try childSnapshot(id)) }
        return result
    }
}
