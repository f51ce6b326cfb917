import NavetCore
import NavetSQLite

/// The raw-SQLite floor: the least a store must do to keep W1's changes durably, written
/// directly against NavetSQLite with prepared statements and per-column binds.
///
/// Per change: one insert into a change log with the columns of `changes`
/// (Layout.migrations[0]; `INTEGER PRIMARY KEY` rowid plus `UNIQUE(origin, seq)`, which
/// any idempotent log needs) and one upsert of a state table keyed by
/// `PRIMARY KEY(record_id, field) WITHOUT ROWID`, guarded so a lower stamp never replaces
/// a higher one. One transaction per replica; the same pragmas as `Layout.open`.
///
/// Deliberately left out, because they are what the real store adds on top of the floor:
/// the `changes_by_cell` index, the `superseded` table, the head count, the
/// `cells_in_conflict` and `cells_by_type` indexes, the `origins` and `replicas`
/// bookkeeping, the sequence-gap and duplicate checks.
enum Floor {
    static let schema = """
        CREATE TABLE changes(
            id INTEGER PRIMARY KEY,
            origin INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            version INTEGER NOT NULL,
            replaces TEXT,
            wall_time INTEGER NOT NULL,
            record_type TEXT NOT NULL,
            record_id INTEGER NOT NULL,
            field TEXT NOT NULL,
            value_kind INTEGER NOT NULL,
            value,
            tag TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            UNIQUE(origin, seq)
        );
        CREATE TABLE state(
            record_id INTEGER NOT NULL,
            field TEXT NOT NULL,
            record_type TEXT NOT NULL,
            version INTEGER NOT NULL,
            origin INTEGER NOT NULL,
            change_id INTEGER NOT NULL,
            value_kind INTEGER NOT NULL,
            value,
            tag TEXT NOT NULL,
            PRIMARY KEY(record_id, field)
        ) WITHOUT ROWID;
        """

    static let insertChange = """
        INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id,
                            field, value_kind, value, tag, received_at)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(origin, seq) DO NOTHING
        """

    static let upsertState = """
        INSERT INTO state(record_id, field, record_type, version, origin, change_id, value_kind, value, tag)
        VALUES (?,?,?,?,?,?,?,?,?)
        ON CONFLICT(record_id, field) DO UPDATE SET
            record_type = excluded.record_type, version = excluded.version, origin = excluded.origin,
            change_id = excluded.change_id, value_kind = excluded.value_kind, value = excluded.value,
            tag = excluded.tag
        WHERE (excluded.version, excluded.origin) > (state.version, state.origin)
        """

    /// Creates the floor database at `path` (not timed).
    static func create(path: String) throws -> Database {
        let db = try Database(path: path, mode: .readWriteCreate)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;")
        try db.execute(schema)
        return db
    }

    /// Inserts every replica's changes, one transaction per replica (timed by the caller).
    static func run(_ db: Database, uploads: [[Change]], now: Int64) throws {
        let insert = try db.prepare(insertChange)
        let upsert = try db.prepare(upsertState)
        for changes in uploads {
            try db.execute("BEGIN IMMEDIATE")
            for change in changes {
                let origin = change.origin.int64
                let record = change.recordID.int64
                insert.reset()
                insert.bind(origin, at: 1)
                insert.bind(Int64(change.seq), at: 2)
                insert.bind(Int64(change.version), at: 3)
                if change.replaces.isEmpty {
                    try insert.bind(.null, at: 4)
                } else {
                    insert.bind(replacesText(change.replaces), at: 4)
                }
                insert.bind(change.wallTime, at: 5)
                insert.bind(change.recordType, at: 6)
                insert.bind(record, at: 7)
                insert.bind(change.field, at: 8)
                bindValue(change.value, to: insert, kindAt: 9, valueAt: 10)
                insert.bind(change.tag.rawValue, at: 11)
                insert.bind(now, at: 12)
                _ = try insert.step()
                let id = db.lastInsertRowID

                upsert.reset()
                upsert.bind(record, at: 1)
                upsert.bind(change.field, at: 2)
                upsert.bind(change.recordType, at: 3)
                upsert.bind(Int64(change.version), at: 4)
                upsert.bind(origin, at: 5)
                upsert.bind(id, at: 6)
                bindValue(change.value, to: upsert, kindAt: 7, valueAt: 8)
                upsert.bind(change.tag.rawValue, at: 9)
                _ = try upsert.step()
            }
            try db.execute("COMMIT")
        }
    }

    /// The value columns as `ChangeLog.encode` stores them: kind 0 null, 1 text, 2 int, 3 bool.
    static func bindValue(_ value: FieldValue, to statement: Statement, kindAt: Int32, valueAt: Int32) {
        switch value {
        case .null:
            statement.bind(0, at: kindAt)
            try? statement.bind(.null, at: valueAt)
        case .text(let text):
            statement.bind(1, at: kindAt)
            statement.bind(text, at: valueAt)
        case .int(let number):
            statement.bind(2, at: kindAt)
            statement.bind(number, at: valueAt)
        case .bool(let flag):
            statement.bind(3, at: kindAt)
            statement.bind(flag ? 1 : 0, at: valueAt)
        }
    }

    /// `replaces` in the store's text form, "version:originhex" joined by ",".
    static func replacesText(_ stamps: [Stamp]) -> String {
        var text = ""
        for (index, stamp) in stamps.enumerated() {
            if index > 0 { text += "," }
            text += String(stamp.version)
            text += ":"
            text += stamp.origin.description
        }
        return text
    }
}
