import NavetCore
import NavetSQLite
import NavetStore

/// A diagnostic third side, not a target: the statements `CentralStore.acceptUpload` and
/// `ChangeLog.apply` run, in the same order, against the real layout (`Layout.migrations`,
/// all indexes), but written as raw prepared statements with per-column binds and no
/// per-call allocation.
///
/// merge − layout floor ≈ what the Swift code around SQLite costs (statement lookup,
/// `[SQLValue]` arrays, error wrapping, copies); layout floor − floor ≈ what the layout
/// itself costs (extra indexes and tables).
///
/// It mirrors `ChangeLog.apply` as of this writing; if that changes, this must follow.
/// Only the paths W1 takes are mirrored (no duplicates, no out-of-order stamps) and it
/// stops with a fatal error if another path would be needed.
enum LayoutFloor {
    static func create(path: String) throws -> Database {
        let db = try Database(path: path, mode: .readWriteCreate)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;")
        for migration in Layout.migrations {
            try db.execute(migration)
        }
        return db
    }

    static func run(_ db: Database, uploads: [[Change]], now: Int64) throws {
        let insert = try db.prepare(Floor.insertChange)
        let selectCell = try db.prepare("SELECT version, origin FROM cells WHERE record_id = ? AND field = ?")
        let replaced = try db.prepare(
            "SELECT 1 FROM superseded WHERE record_id = ? AND field = ? AND version = ? AND origin = ?")
        let supersede = try db.prepare(
            "INSERT INTO superseded(record_id, field, version, origin) VALUES (?,?,?,?) ON CONFLICT DO NOTHING")
        let insertCell = try db.prepare("""
            INSERT INTO cells(record_id, field, record_type, version, origin, change_id, value_kind, value, tag, heads)
            VALUES (?,?,?,?,?,?,?,?,?,?)
            """)
        let updateCell = try db.prepare("""
            UPDATE cells SET version = ?, origin = ?, change_id = ?, value_kind = ?, value = ?, tag = ?,
                             heads = heads + ?
            WHERE record_id = ? AND field = ?
            """)
        let contiguous = try db.prepare("SELECT contiguous_seq FROM origins WHERE origin = ?")
        let origins = try db.prepare("""
            INSERT INTO origins(origin, contiguous_seq) VALUES (?, ?)
            ON CONFLICT(origin) DO UPDATE SET contiguous_seq = excluded.contiguous_seq
            """)
        let replicas = try db.prepare("""
            INSERT INTO replicas(replica_id, first_seen, cursor, last_sync_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(replica_id) DO UPDATE SET cursor = max(cursor, excluded.cursor),
                last_sync_at = excluded.last_sync_at
            """)

        for changes in uploads {
            try db.execute("BEGIN IMMEDIATE")
            let sender = changes[0].origin.int64
            contiguous.reset()
            contiguous.bind(sender, at: 1)
            let held: Int64 = try contiguous.step() ? contiguous.int64(at: 0) : 0
            for change in changes {
                let origin = change.origin.int64
                let record = change.recordID.int64
                let version = Int64(change.version)

                insert.reset()
                insert.bind(origin, at: 1)
                insert.bind(Int64(change.seq), at: 2)
                insert.bind(version, at: 3)
                if change.replaces.isEmpty {
                    try insert.bind(.null, at: 4)
                } else {
                    insert.bind(Floor.replacesText(change.replaces), at: 4)
                }
                insert.bind(change.wallTime, at: 5)
                insert.bind(change.recordType, at: 6)
                insert.bind(record, at: 7)
                insert.bind(change.field, at: 8)
                Floor.bindValue(change.value, to: insert, kindAt: 9, valueAt: 10)
                insert.bind(change.tag.rawValue, at: 11)
                insert.bind(now, at: 12)
                _ = try insert.step()
                guard db.changes == 1 else { fatalError("layout floor: duplicate change, not a W1 path") }
                let id = db.lastInsertRowID

                selectCell.reset()
                selectCell.bind(record, at: 1)
                selectCell.bind(change.field, at: 2)
                let winner: Stamp? = try selectCell.step()
                    ? Stamp(version: UInt64(selectCell.int64(at: 0)),
                            origin: ReplicaID(rawValue: UInt64(selectCell.int64(at: 1))))
                    : nil
                selectCell.reset()

                var headDelta: Int64 = 1
                if let winner, change.stamp < winner {
                    replaced.reset()
                    replaced.bind(record, at: 1)
                    replaced.bind(change.field, at: 2)
                    replaced.bind(version, at: 3)
                    replaced.bind(origin, at: 4)
                    if try replaced.step() { headDelta = 0 }
                    replaced.reset()
                }
                for stamp in change.replaces {
                    supersede.reset()
                    supersede.bind(record, at: 1)
                    supersede.bind(change.field, at: 2)
                    supersede.bind(Int64(stamp.version), at: 3)
                    supersede.bind(stamp.origin.int64, at: 4)
                    _ = try supersede.step()
                    guard db.changes == 1 else { continue }
                    guard stamp == winner else { fatalError("layout floor: replaces a non-winner, not a W1 path") }
                    headDelta -= 1
                }

                if winner == nil {
                    insertCell.reset()
                    insertCell.bind(record, at: 1)
                    insertCell.bind(change.field, at: 2)
                    insertCell.bind(change.recordType, at: 3)
                    insertCell.bind(version, at: 4)
                    insertCell.bind(origin, at: 5)
                    insertCell.bind(id, at: 6)
                    Floor.bindValue(change.value, to: insertCell, kindAt: 7, valueAt: 8)
                    insertCell.bind(change.tag.rawValue, at: 9)
                    insertCell.bind(headDelta, at: 10)
                    _ = try insertCell.step()
                } else if change.stamp > winner! {
                    updateCell.reset()
                    updateCell.bind(version, at: 1)
                    updateCell.bind(origin, at: 2)
                    updateCell.bind(id, at: 3)
                    Floor.bindValue(change.value, to: updateCell, kindAt: 4, valueAt: 5)
                    updateCell.bind(change.tag.rawValue, at: 6)
                    updateCell.bind(headDelta, at: 7)
                    updateCell.bind(record, at: 8)
                    updateCell.bind(change.field, at: 9)
                    _ = try updateCell.step()
                } else {
                    fatalError("layout floor: a lower stamp, not a W1 path")
                }
            }
            origins.reset()
            origins.bind(sender, at: 1)
            origins.bind(held + Int64(changes.count), at: 2)
            _ = try origins.step()
            replicas.reset()
            replicas.bind(sender, at: 1)
            replicas.bind(now, at: 2)
            replicas.bind(0, at: 3)
            replicas.bind(now, at: 4)
            _ = try replicas.step()
            try db.execute("COMMIT")
        }
    }
}
