import NavetSQLite

/// The storage layout of replica and central files, as additive migrations.
///
/// `PRAGMA user_version` holds the layout version. Each step only adds (tables, indexes,
/// columns with defaults), so a file from any earlier version opens and keeps its data;
/// `LayoutTests` migrates from every earlier version.
public enum Layout {
    /// Migration `i` takes a file from version `i` to `i + 1`.
    public static let migrations: [String] = [
        // 1: the field-level change log, the supersession set and the visible state.
        """
        CREATE TABLE meta(
            key TEXT PRIMARY KEY NOT NULL,
            value NOT NULL
        ) WITHOUT ROWID;

        -- Every change ever received, local or remote: the full per-field history.
        -- id is the local arrival order; on the central store it is the server sequence number.
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
        CREATE INDEX changes_by_cell ON changes(record_id, field, version, origin);

        -- Stamps some received change replaces. A change whose stamp is here is not a head.
        -- (From layout 5 on: only stamps whose change has not arrived yet.)
        CREATE TABLE superseded(
            record_id INTEGER NOT NULL,
            field TEXT NOT NULL,
            version INTEGER NOT NULL,
            origin INTEGER NOT NULL,
            PRIMARY KEY(record_id, field, version, origin)
        ) WITHOUT ROWID;

        -- The visible state: per cell, the winning change and how many heads remain.
        CREATE TABLE cells(
            record_id INTEGER NOT NULL,
            field TEXT NOT NULL,
            record_type TEXT NOT NULL,
            version INTEGER NOT NULL,
            origin INTEGER NOT NULL,
            change_id INTEGER NOT NULL,
            value_kind INTEGER NOT NULL,
            value,
            tag TEXT NOT NULL,
            heads INTEGER NOT NULL,
            PRIMARY KEY(record_id, field)
        ) WITHOUT ROWID;

        -- Per origin, the highest n such that changes 1...n are all held here.
        CREATE TABLE origins(
            origin INTEGER PRIMARY KEY,
            contiguous_seq INTEGER NOT NULL
        );
        """,
        // 2: lookups the CLI and the central store make often.
        """
        CREATE INDEX cells_in_conflict ON cells(record_id, field) WHERE heads > 1;
        CREATE INDEX cells_by_type ON cells(record_type, field, value);
        CREATE TABLE replicas(
            replica_id INTEGER PRIMARY KEY,
            first_seen INTEGER NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0
        );
        """,
        // 3: enrollment on the central store: organisations, replica credentials and
        // revocation, and the nonces of signed requests and bundles (against replay).
        """
        CREATE TABLE organisations(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            municipality TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        ALTER TABLE replicas ADD COLUMN organisation INTEGER REFERENCES organisations(id);
        ALTER TABLE replicas ADD COLUMN secret BLOB;
        ALTER TABLE replicas ADD COLUMN revoked_at INTEGER;
        ALTER TABLE replicas ADD COLUMN last_sync_at INTEGER;
        CREATE TABLE nonces(
            key_id INTEGER NOT NULL,
            nonce BLOB NOT NULL,
            seen_at INTEGER NOT NULL,
            PRIMARY KEY(key_id, nonce)
        ) WITHOUT ROWID;
        CREATE INDEX nonces_by_age ON nonces(seen_at);
        """,
        // 4: sync health per replica, for operators.
        """
        ALTER TABLE replicas ADD COLUMN client_version TEXT;
        ALTER TABLE replicas ADD COLUMN schema_version INTEGER;
        ALTER TABLE replicas ADD COLUMN epoch_seen INTEGER;
        ALTER TABLE replicas ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE replicas ADD COLUMN last_refusal TEXT;
        ALTER TABLE replicas ADD COLUMN last_refusal_at INTEGER;
        """,
        // 5: a cheaper merge (measured by Tools/bench). A replaced change is marked on its
        // own row; `superseded` keeps only stamps whose change has not arrived yet. The
        // (record_type, field, value) index, which every edit moved, gives way to partial
        // indexes over each type's anchor cell (its first required field), written once
        // per record and never moved by an edit.
        """
        ALTER TABLE changes ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
        UPDATE changes SET superseded = 1 WHERE EXISTS (SELECT 1 FROM superseded s
            WHERE s.record_id = changes.record_id AND s.field = changes.field
              AND s.version = changes.version AND s.origin = changes.origin);
        DELETE FROM superseded WHERE EXISTS (SELECT 1 FROM changes c
            WHERE c.record_id = superseded.record_id AND c.field = superseded.field
              AND c.version = superseded.version AND c.origin = superseded.origin);
        DROP INDEX cells_by_type;
        DROP INDEX changes_by_cell;
        CREATE INDEX changes_by_record ON changes(record_id);
        CREATE INDEX children ON cells(record_id) WHERE record_type = 'child' AND field = 'name';
        CREATE INDEX notes_by_child ON cells(value, record_id) WHERE record_type = 'note' AND field = 'child';
        """,
        // 6: replica identity on the central store (Protocol/BUNDLE.md, "Replica identity"):
        // the sync token each replica was last given (and whether a catch-up gave it), and
        // the tokens a catch-up abandoned (a file presenting one is a second live copy).
        """
        ALTER TABLE replicas ADD COLUMN sync_token INTEGER;
        ALTER TABLE replicas ADD COLUMN sync_token_catch_up INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE abandoned_tokens(
            replica_id INTEGER NOT NULL,
            token INTEGER NOT NULL,
            abandoned_at INTEGER NOT NULL,
            PRIMARY KEY(replica_id, token)
        ) WITHOUT ROWID;
        """,
    ]

    public static var currentVersion: Int { migrations.count }

    /// Brings `db` up to the current layout in one transaction per step.
    /// Throws `StoreError.tooNew` for a file from a newer Navet.
    static func migrate(_ db: Database, upTo target: Int = currentVersion) throws(StoreError) {
        try StoreError.wrap {
            let from = try db.userVersion
            guard from <= currentVersion else {
                throw StoreError.tooNew(path: db.path, found: from, supported: currentVersion)
            }
            for version in from..<target {
                try db.transaction {
                    try db.execute(migrations[version])
                    try db.setUserVersion(version + 1)
                }
            }
        }
    }

    /// Opens a file with the settings every Navet database uses: WAL, foreign keys,
    /// `synchronous=FULL` (a sync acknowledged to the server must survive power loss),
    /// and `secure_delete` so purged values do not linger in free pages.
    static func open(path: String, create: Bool) throws(StoreError) -> Database {
        try StoreError.wrap {
            let db = try Database(path: path, mode: create ? .readWriteCreate : .readWrite)
            // A file that is not SQLite fails here, on the first read.
            _ = try db.userVersion
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;")
            return db
        }
    }
}
