import NavetCore
import NavetSQLite

/// The storage layout of replica and central files, as migrations.
///
/// `PRAGMA user_version` holds the layout version; `PRAGMA application_id` holds
/// `Layout.applicationID` ("NAVT"), so tools (`file`, `sqlite3`) and Navet itself can tell
/// a Navet file from any other SQLite database. Each step has SQL for both roles and SQL
/// for one role only: the central store's tables (replica registry, organisations, nonces)
/// are created in central files only. Layouts 1–5 made them in every file; step 6 drops
/// them from replica files, where they were always empty. Each step only adds, except
/// that one drop and layout 25, which rebuilds the central store's `changes` without its
/// UNIQUE(origin, seq) constraint (every row and id kept), so a file from any earlier
/// version opens and keeps its data;
/// `LayoutTests` migrates from every earlier version. Documented in docs/STORAGE.md.
public enum Layout {
    /// "NAVT" in ASCII: the `PRAGMA application_id` of every Navet file (both roles; the
    /// `meta` table's `role` says which).
    public static let applicationID: Int32 = 0x4E41_5654

    /// One layout step: SQL run in every file, then SQL run only in files of one role,
    /// then tables dropped from files of a role if they hold no rows.
    struct Migration: Sendable {
        let shared: String
        let replica: String
        let central: String
        let dropIfEmpty: [Role: [String]]

        init(shared: String = "", central: String = "", replica: String = "", dropIfEmpty: [Role: [String]] = [:]) {
            self.shared = shared
            self.central = central
            self.replica = replica
            self.dropIfEmpty = dropIfEmpty
        }
    }

    /// Migration `i` takes a file from version `i` to `i + 1`.
    static let migrations: [Migration] = [
        Migration(shared:
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
        """),
        Migration(shared:
        // 2: lookups the CLI and the central store make often.
        """
        CREATE INDEX cells_in_conflict ON cells(record_id, field) WHERE heads > 1;
        CREATE INDEX cells_by_type ON cells(record_type, field, value);
        """, central: """
        CREATE TABLE replicas(
            replica_id INTEGER PRIMARY KEY,
            first_seen INTEGER NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0
        );
        """),
        Migration(central:
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
        """),
        Migration(central:
        // 4: sync health per replica, for operators.
        """
        ALTER TABLE replicas ADD COLUMN client_version TEXT;
        ALTER TABLE replicas ADD COLUMN schema_version INTEGER;
        ALTER TABLE replicas ADD COLUMN epoch_seen INTEGER;
        ALTER TABLE replicas ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE replicas ADD COLUMN last_refusal TEXT;
        ALTER TABLE replicas ADD COLUMN last_refusal_at INTEGER;
        """),
        Migration(shared:
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
        """),
        // 6: the central store's tables leave replica files, a replica gets read-only views
        // for people (STORAGE.md), and a bundle file's nonce keeps the digest of its bytes,
        // so the same file imported again is answered again instead of refused as a replay.
        // Every file also gets the application id (set by `migrate`, not here).
        Migration(central: """
        ALTER TABLE nonces ADD COLUMN digest BLOB;
        """, replica: """
        CREATE VIEW children_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'name' THEN c.value END) AS name,
            max(CASE WHEN c.field = 'birth_date' THEN c.value END) AS birth_date,
            max(CASE WHEN c.field = 'dossier_number' THEN c.value END) AS dossier_number,
            max(CASE WHEN c.field = 'languages' THEN c.value END) AS languages,
            max(CASE WHEN c.field = 'arrival_date' THEN c.value END) AS arrival_date,
            max(CASE WHEN c.field = 'arrival_municipality' THEN c.value END) AS arrival_municipality,
            max(CASE WHEN c.field = 'assigned_municipality' THEN c.value END) AS assigned_municipality,
            max(CASE WHEN c.field = 'asylum_status' THEN c.value END) AS asylum_status,
            max(CASE WHEN c.field = 'search_description' THEN c.value END) AS search_description,
            max(CASE WHEN c.field = 'protected_identity' AND c.value_kind = 3
                     THEN CASE WHEN c.value THEN 'yes' ELSE 'no' END END) AS protected_identity,
            sum(c.heads > 1) AS conflicts,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS created_at,
            strftime('%Y-%m-%dT%H:%M:%fZ', max(ch.wall_time) / 1000.0, 'unixepoch') AS updated_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'child'
        GROUP BY c.record_id;

        CREATE VIEW notes_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'child' THEN c.value END) AS child,
            max(CASE WHEN c.field = 'kind' THEN c.value END) AS kind,
            max(CASE WHEN c.field = 'text' THEN c.value END) AS text,
            max(CASE WHEN c.field = 'author' THEN c.value END) AS author,
            max(CASE WHEN c.field = 'corrects' THEN c.value END) AS corrects,
            max(CASE WHEN c.field = 'text' THEN c.tag END) AS tag,
            printf('%016x', min(ch.origin)) AS origin,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS written_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'note'
        GROUP BY c.record_id;

        CREATE VIEW conflicts_view AS
        SELECT printf('%016x', ch.record_id) AS record,
            ch.record_type AS record_type,
            ch.field AS field,
            CASE ch.value_kind WHEN 3 THEN CASE WHEN ch.value THEN 'yes' ELSE 'no' END ELSE ch.value END AS value,
            ch.tag AS tag,
            ch.id = c.change_id AS shown,
            ch.version AS version,
            printf('%016x', ch.origin) AS origin,
            strftime('%Y-%m-%dT%H:%M:%fZ', ch.wall_time / 1000.0, 'unixepoch') AS written_at
        FROM cells c JOIN changes ch ON ch.record_id = c.record_id AND ch.field = c.field AND ch.superseded = 0
        WHERE c.heads > 1;

        CREATE VIEW history_view AS
        SELECT ch.id AS arrival,
            printf('%016x', ch.record_id) AS record,
            ch.record_type AS record_type,
            ch.field AS field,
            CASE ch.value_kind WHEN 3 THEN CASE WHEN ch.value THEN 'yes' ELSE 'no' END ELSE ch.value END AS value,
            ch.tag AS tag,
            CASE WHEN c.change_id = ch.id THEN 'shown' WHEN ch.superseded = 1 THEN 'superseded' ELSE 'conflict' END AS state,
            ch.version AS version,
            printf('%016x', ch.origin) AS origin,
            ch.seq AS seq,
            strftime('%Y-%m-%dT%H:%M:%fZ', ch.wall_time / 1000.0, 'unixepoch') AS written_at,
            strftime('%Y-%m-%dT%H:%M:%fZ', ch.received_at / 1000.0, 'unixepoch') AS received_at
        FROM changes ch LEFT JOIN cells c ON c.record_id = ch.record_id AND c.field = ch.field;
        """, dropIfEmpty: [.replica: ["replicas", "nonces", "organisations"]]),
        // 7: the directory on a replica: which organisation each origin belongs to, from the
        // central store's replies (Protocol/BUNDLE.md, "Directory"), so the CLI names
        // organisations instead of replica ids.
        Migration(replica: """
        CREATE TABLE directory(
            replica_id INTEGER PRIMARY KEY NOT NULL,
            organisation TEXT NOT NULL,
            kind TEXT,
            updated_at INTEGER NOT NULL
        );
        """),
        // 8: replica identity on the central store (Protocol/BUNDLE.md, "Replica identity"):
        // the sync token each replica was last given (and whether a catch-up gave it), and
        // the tokens a catch-up abandoned (a file presenting one is a second live copy).
        Migration(central: """
        ALTER TABLE replicas ADD COLUMN sync_token INTEGER;
        ALTER TABLE replicas ADD COLUMN sync_token_catch_up INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE abandoned_tokens(
            replica_id INTEGER NOT NULL,
            token INTEGER NOT NULL,
            abandoned_at INTEGER NOT NULL,
            PRIMARY KEY(replica_id, token)
        ) WITHOUT ROWID;
        """),
        // 9: need to know on the central store (docs/STORAGE.md, "Need to know"): the child
        // each change is about and whether a write check refused it; the facts the policy
        // reads (records' children, registrars, hub memberships, consents, open episodes);
        // what each replica may hold now (its scope per child), the redactions it was
        // sent, and the disclosure ledger.
        Migration(central: """
        ALTER TABLE changes ADD COLUMN child_id INTEGER;
        ALTER TABLE changes ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX changes_by_child ON changes(child_id, id) WHERE child_id IS NOT NULL;
        CREATE TABLE records(
            record_id INTEGER PRIMARY KEY NOT NULL,
            record_type TEXT NOT NULL,
            child_id INTEGER NOT NULL
        );
        CREATE TABLE child_facts(
            child_id INTEGER PRIMARY KEY NOT NULL,
            registrar TEXT,
            protected INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX child_facts_by_registrar ON child_facts(registrar);
        CREATE TABLE hub(
            record_id INTEGER PRIMARY KEY NOT NULL,
            child_id INTEGER NOT NULL,
            organisation TEXT NOT NULL,
            role TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT
        );
        CREATE INDEX hub_by_child ON hub(child_id);
        CREATE INDEX hub_by_organisation ON hub(organisation);
        CREATE TABLE consents(
            record_id INTEGER PRIMARY KEY NOT NULL,
            child_id INTEGER NOT NULL,
            organisation TEXT NOT NULL,
            tags TEXT NOT NULL,
            until TEXT,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX consents_by_child ON consents(child_id);
        CREATE INDEX consents_by_organisation ON consents(organisation);
        CREATE TABLE episodes(
            record_id INTEGER PRIMARY KEY NOT NULL,
            child_id INTEGER NOT NULL,
            open INTEGER NOT NULL
        );
        CREATE INDEX episodes_open ON episodes(child_id) WHERE open = 1;
        CREATE TABLE refusals(
            origin INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            reason TEXT NOT NULL,
            refused_at INTEGER NOT NULL,
            PRIMARY KEY(origin, seq)
        ) WITHOUT ROWID;
        CREATE TABLE access(
            replica_id INTEGER NOT NULL,
            child_id INTEGER NOT NULL,
            scope TEXT NOT NULL,
            granted_cursor INTEGER NOT NULL,
            granted_token INTEGER NOT NULL,
            PRIMARY KEY(replica_id, child_id)
        ) WITHOUT ROWID;
        CREATE TABLE redactions(
            id INTEGER PRIMARY KEY,
            replica_id INTEGER NOT NULL,
            child_id INTEGER NOT NULL,
            reason TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            changes TEXT NOT NULL
        );
        CREATE INDEX redactions_by_replica ON redactions(replica_id, id);
        CREATE TABLE disclosures(
            id INTEGER PRIMARY KEY,
            replica_id INTEGER NOT NULL,
            organisation TEXT NOT NULL,
            child_id INTEGER NOT NULL,
            rule TEXT NOT NULL,
            first_change INTEGER NOT NULL,
            last_change INTEGER NOT NULL,
            count INTEGER NOT NULL,
            backfill INTEGER NOT NULL,
            sent_at INTEGER NOT NULL,
            policy_version INTEGER NOT NULL
        );
        CREATE INDEX disclosures_by_child ON disclosures(child_id, sent_at);
        CREATE INDEX disclosures_by_replica ON disclosures(replica_id, sent_at);
        ALTER TABLE replicas ADD COLUMN redaction_ack INTEGER NOT NULL DEFAULT 0;
        """),
        // 10: the need-to-know policies loaded with `navetd policy load`, numbered 1, 2, 3…
        // by the store; the last one is in force (`CentralStore.policyInForce`).
        Migration(central: """
        CREATE TABLE policies(
            version INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            loaded_at INTEGER NOT NULL
        );
        """),
        // 11: a child's hub memberships, consents and missing episodes (and notes) found by
        // their `child` cell, for `navet hub list`, `consent list`, `missing report`; and
        // read-only views of them for people who read the file with sqlite3.
        Migration(replica: """
        CREATE INDEX records_by_child ON cells(value, record_id) WHERE field = 'child';

        CREATE VIEW memberships_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'child' THEN c.value END) AS child,
            max(CASE WHEN c.field = 'organisation' THEN c.value END) AS organisation,
            max(CASE WHEN c.field = 'role' THEN c.value END) AS role,
            max(CASE WHEN c.field = 'person' THEN c.value END) AS person,
            max(CASE WHEN c.field = 'phone' THEN c.value END) AS phone,
            max(CASE WHEN c.field = 'start_date' THEN c.value END) AS start_date,
            max(CASE WHEN c.field = 'end_date' THEN c.value END) AS end_date,
            sum(c.heads > 1) AS conflicts,
            printf('%016x', min(CASE WHEN c.field = 'child' THEN ch.origin END)) AS origin,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS written_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'membership'
        GROUP BY c.record_id;

        CREATE VIEW consents_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'child' THEN c.value END) AS child,
            max(CASE WHEN c.field = 'given_by' THEN c.value END) AS given_by,
            max(CASE WHEN c.field = 'organisation' THEN c.value END) AS organisation,
            max(CASE WHEN c.field = 'tags' THEN c.value END) AS tags,
            max(CASE WHEN c.field = 'purpose' THEN c.value END) AS purpose,
            max(CASE WHEN c.field = 'until' THEN c.value END) AS until,
            coalesce(max(CASE WHEN c.field = 'revoked' AND c.value_kind = 3
                              THEN CASE WHEN c.value THEN 'yes' ELSE 'no' END END), 'no') AS revoked,
            sum(c.heads > 1) AS conflicts,
            printf('%016x', min(CASE WHEN c.field = 'child' THEN ch.origin END)) AS origin,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS written_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'consent'
        GROUP BY c.record_id;

        CREATE VIEW missing_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'child' THEN c.value END) AS child,
            max(CASE WHEN c.field = 'last_seen_at' THEN c.value END) AS last_seen_at,
            max(CASE WHEN c.field = 'last_seen_place' THEN c.value END) AS last_seen_place,
            max(CASE WHEN c.field = 'circumstances' THEN c.value END) AS circumstances,
            max(CASE WHEN c.field = 'risk' THEN c.value END) AS risk,
            max(CASE WHEN c.field = 'closed_at' THEN c.value END) AS closed_at,
            sum(c.heads > 1) AS conflicts,
            printf('%016x', min(CASE WHEN c.field = 'child' THEN ch.origin END)) AS origin,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS written_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'missing'
        GROUP BY c.record_id;
        """),
        // 12: filtered sync on a replica (Protocol/BUNDLE.md, "Refusals", "Permissions"): its
        // own changes the central store refused (kept for `navet status` after the change
        // itself is retracted), and what its organisation may read and write per child.
        // Redaction progress lives in `meta` (`redaction_applied`, `redaction_ack`,
        // `purge_pending`).
        Migration(replica: """
        CREATE TABLE refused_changes(
            origin INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            record_type TEXT NOT NULL,
            record_id INTEGER NOT NULL,
            field TEXT NOT NULL,
            value TEXT,
            tag TEXT NOT NULL,
            reason TEXT NOT NULL,
            refused_at INTEGER NOT NULL,
            PRIMARY KEY(origin, seq)
        ) WITHOUT ROWID;
        CREATE TABLE permissions(
            child INTEGER PRIMARY KEY NOT NULL,
            read TEXT NOT NULL,
            write TEXT NOT NULL,
            roles TEXT NOT NULL
        );
        """),
        // 13: a record's child is read from its `child` cell, which the merge writes anyway
        // and which can never change (`WriteRefusal.childCannotChange`); the `records` table
        // that repeated it cost a random page write per new record.
        Migration(central: """
        DROP TABLE records;
        """),
        // 14: the grants part of permissions (Protocol/BUNDLE.md, "Grants"): per child the
        // fields the missing rule lets the organisation read (`child.name,…`), the open
        // episodes they cover (16 hex digits, comma-separated), and flags (1 registrar,
        // 2 may change the hub, 4 may record consent). Whether a grants part came at all
        // is `meta.may_register` (absent: a server before it; nothing is judged from these).
        Migration(replica: """
        ALTER TABLE permissions ADD COLUMN fields TEXT NOT NULL DEFAULT '';
        ALTER TABLE permissions ADD COLUMN episodes TEXT NOT NULL DEFAULT '';
        ALTER TABLE permissions ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
        """),
        // 15: `children_view` also lists a child the replica holds only through records
        // about it (notes received by consent, its own notes after its access ended), with
        // empty fields, as `navet child list` does (`ReplicaStore.childIDs`).
        Migration(replica: """
        DROP VIEW children_view;
        CREATE VIEW children_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'name' THEN c.value END) AS name,
            max(CASE WHEN c.field = 'birth_date' THEN c.value END) AS birth_date,
            max(CASE WHEN c.field = 'dossier_number' THEN c.value END) AS dossier_number,
            max(CASE WHEN c.field = 'languages' THEN c.value END) AS languages,
            max(CASE WHEN c.field = 'arrival_date' THEN c.value END) AS arrival_date,
            max(CASE WHEN c.field = 'arrival_municipality' THEN c.value END) AS arrival_municipality,
            max(CASE WHEN c.field = 'assigned_municipality' THEN c.value END) AS assigned_municipality,
            max(CASE WHEN c.field = 'asylum_status' THEN c.value END) AS asylum_status,
            max(CASE WHEN c.field = 'search_description' THEN c.value END) AS search_description,
            max(CASE WHEN c.field = 'protected_identity' AND c.value_kind = 3
                     THEN CASE WHEN c.value THEN 'yes' ELSE 'no' END END) AS protected_identity,
            sum(c.heads > 1) AS conflicts,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS created_at,
            strftime('%Y-%m-%dT%H:%M:%fZ', max(ch.wall_time) / 1000.0, 'unixepoch') AS updated_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'child'
        GROUP BY c.record_id
        UNION ALL
        SELECT r.value, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL
        FROM (SELECT DISTINCT value FROM cells WHERE field = 'child' AND record_type <> 'child') r
        WHERE r.value NOT IN (SELECT printf('%016x', record_id) FROM cells WHERE record_type = 'child');
        """),
        // 16: named users and the read audit on a replica (Protocol/AUDIT.md, docs/STORAGE.md,
        // "Users and the read log"): the users, the hash-chained log of every display of
        // case data and every edit (append-only: triggers refuse UPDATE and DELETE), and the
        // tags whose display needs a purpose. `users_seed_pending` makes the first command
        // that needs a user add the operating-system login as the first user (a file that
        // had no users keeps working; `navet init` does it at once, or clears it with
        // `--no-user`).
        Migration(replica: """
        CREATE TABLE users(
            name TEXT PRIMARY KEY NOT NULL,
            match_key TEXT NOT NULL UNIQUE,
            full_name TEXT NOT NULL,
            os_user TEXT UNIQUE,
            enabled INTEGER NOT NULL DEFAULT 1,
            added_at INTEGER NOT NULL,
            added_by TEXT,
            disabled_at INTEGER,
            disabled_by TEXT
        );
        CREATE TABLE audit_log(
            seq INTEGER PRIMARY KEY NOT NULL,
            replica INTEGER NOT NULL,
            time INTEGER NOT NULL,
            user TEXT NOT NULL,
            kind TEXT NOT NULL,
            command TEXT NOT NULL,
            records TEXT NOT NULL,
            fields TEXT NOT NULL,
            tags TEXT NOT NULL,
            purpose TEXT,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE INDEX audit_log_by_time ON audit_log(time);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the read audit is append-only: entries cannot be changed'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the read audit is append-only: entries cannot be deleted'); END;
        CREATE TABLE audit_purpose_tags(
            tag TEXT PRIMARY KEY NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta(key, value) VALUES ('users_seed_pending', 1);
        """),
        // 17: the disclosure ledger as a hash chain with signed checkpoints (Protocol/AUDIT.md,
        // "Disclosure ledger"). Central: what each row's rule covered and the exceptions in
        // its range (so the value-level derivation is exact), each row's SHA-256, the
        // checkpoints the server signed, and an index for `navetd audit org`. Replica: every
        // checkpoint a reply carried, append-only.
        Migration(central: """
        ALTER TABLE disclosures ADD COLUMN covers TEXT NOT NULL DEFAULT '';
        ALTER TABLE disclosures ADD COLUMN exceptions TEXT NOT NULL DEFAULT '';
        ALTER TABLE disclosures ADD COLUMN hash BLOB;
        CREATE INDEX disclosures_by_organisation ON disclosures(organisation, sent_at);
        CREATE TABLE ledger_checkpoints(
            id INTEGER PRIMARY KEY,
            row_id INTEGER NOT NULL,
            head BLOB NOT NULL,
            signed_at INTEGER NOT NULL,
            mac BLOB NOT NULL
        );
        """, replica: """
        CREATE TABLE checkpoints(
            server_id INTEGER NOT NULL,
            row_id INTEGER NOT NULL,
            head BLOB NOT NULL,
            signed_at INTEGER NOT NULL,
            mac BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY(server_id, row_id, mac)
        ) WITHOUT ROWID;
        CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
        CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
        """),
        // 18: the replicas' read logs on the central store (docs/STORAGE.md, "Read logs on
        // the central store"): each replica's chain as uploaded, the entries a later upload
        // replaced (kept), the head each chain continues from, and the evidence of breaks
        // and restores. The replica keeps its acknowledgement in `meta` (`audit_ack`).
        Migration(central: """
        CREATE TABLE central_read_log(
            replica INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            written_as INTEGER NOT NULL,
            time INTEGER NOT NULL,
            user TEXT NOT NULL,
            kind TEXT NOT NULL,
            command TEXT NOT NULL,
            records TEXT NOT NULL,
            fields TEXT NOT NULL,
            tags TEXT NOT NULL,
            purpose TEXT,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            chain_break INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (replica, seq)
        ) WITHOUT ROWID;
        CREATE INDEX central_read_log_by_time ON central_read_log(time);
        CREATE TABLE central_read_log_replaced(
            id INTEGER PRIMARY KEY,
            replica INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            written_as INTEGER NOT NULL,
            time INTEGER NOT NULL,
            user TEXT NOT NULL,
            kind TEXT NOT NULL,
            command TEXT NOT NULL,
            records TEXT NOT NULL,
            fields TEXT NOT NULL,
            tags TEXT NOT NULL,
            purpose TEXT,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            chain_break INTEGER NOT NULL,
            replaced_at INTEGER NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX central_read_log_replaced_by_replica ON central_read_log_replaced(replica, seq);
        CREATE TABLE central_read_log_heads(
            replica INTEGER PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE TABLE central_read_log_breaks(
            id INTEGER PRIMARY KEY,
            replica INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            found_at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            expected TEXT NOT NULL,
            entry BLOB NOT NULL,
            claimed_hash BLOB NOT NULL,
            alarm INTEGER NOT NULL,
            UNIQUE (replica, seq, reason, claimed_hash)
        );
        """),
        // 19: `navetd audit user REPLICA:NAME` answers from an index: one user's entries of
        // one replica's read log, by time (docs/STORAGE.md).
        Migration(central: """
        CREATE INDEX central_read_log_by_user ON central_read_log(replica, user, time);
        """),
        // 20: which uploaded read-log entries named a record (docs/STORAGE.md,
        // "central_read_log_records"), for `navetd audit child`: filled with each stored
        // entry, emptied with the entries a later upload replaced; existing entries are
        // indexed here by splitting their `records` text (16 hex digits each). A record's
        // child is its `child` cell: indexed as on replicas (layout 11).
        Migration(central: """
        CREATE TABLE central_read_log_records(
            record_id INTEGER NOT NULL,
            replica INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (record_id, replica, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS records_by_child ON cells(value, record_id) WHERE field = 'child';
        WITH RECURSIVE split(replica, seq, item, rest) AS (
            SELECT replica, seq, '', records || ',' FROM central_read_log
            UNION ALL
            SELECT replica, seq, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
            FROM split WHERE rest != ''
        )
        INSERT OR IGNORE INTO central_read_log_records(record_id, replica, seq)
        SELECT \(hexToInteger("lower(item)")), replica, seq FROM split
        WHERE length(item) = 16 AND lower(item) NOT GLOB '*[^0-9a-f]*';
        """),
        // 21: retention of the replicas' read logs on the central store (docs/STORAGE.md,
        // `central_read_log_bases`): per replica, the last entry `navetd audit prune`
        // removed, signed with the audit key; the first kept entry chains to it.
        Migration(central: """
        CREATE TABLE central_read_log_bases(
            replica INTEGER PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL,
            hash BLOB NOT NULL,
            signed_at INTEGER NOT NULL,
            mac BLOB NOT NULL
        );
        """),
        // 22: the missing episode's three phases (schema 3, issue 14): `missing_view` gains the
        // new fields, and `missing_checks_view` lists the method's checklist items done.
        Migration(replica: """
        DROP VIEW IF EXISTS missing_view;
        CREATE VIEW missing_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'child' THEN c.value END) AS child,
            max(CASE WHEN c.field = 'last_seen_at' THEN c.value END) AS last_seen_at,
            max(CASE WHEN c.field = 'last_seen_place' THEN c.value END) AS last_seen_place,
            max(CASE WHEN c.field = 'circumstances' THEN c.value END) AS circumstances,
            max(CASE WHEN c.field = 'risk' THEN c.value END) AS risk,
            max(CASE WHEN c.field = 'closed_at' THEN c.value END) AS closed_at,
            max(CASE WHEN c.field = 'discovered_at' THEN c.value END) AS discovered_at,
            max(CASE WHEN c.field = 'discovered_by' THEN c.value END) AS discovered_by,
            max(CASE WHEN c.field = 'reported_by' THEN c.value END) AS reported_by,
            max(CASE WHEN c.field = 'police_notified_at' THEN c.value END) AS police_notified_at,
            max(CASE WHEN c.field = 'police_reference' THEN c.value END) AS police_reference,
            max(CASE WHEN c.field = 'risk_reason' THEN c.value END) AS risk_reason,
            max(CASE WHEN c.field = 'found_at' THEN c.value END) AS found_at,
            max(CASE WHEN c.field = 'found_place' THEN c.value END) AS found_place,
            max(CASE WHEN c.field = 'found_by' THEN c.value END) AS found_by,
            max(CASE WHEN c.field = 'child_account' THEN c.value END) AS child_account,
            max(CASE WHEN c.field = 'follow_up_at' THEN c.value END) AS follow_up_at,
            max(CASE WHEN c.field = 'follow_up_by' THEN c.value END) AS follow_up_by,
            max(CASE WHEN c.field = 'follow_up_text' THEN c.value END) AS follow_up_text,
            max(CASE WHEN c.field = 'withdrawn_reason' THEN c.value END) AS withdrawn_reason,
            sum(c.heads > 1) AS conflicts,
            printf('%016x', min(CASE WHEN c.field = 'child' THEN ch.origin END)) AS origin,
            strftime('%Y-%m-%dT%H:%M:%fZ', min(ch.wall_time) / 1000.0, 'unixepoch') AS written_at
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'missing'
        GROUP BY c.record_id;
        DROP VIEW IF EXISTS missing_checks_view;
        CREATE VIEW missing_checks_view AS
        SELECT printf('%016x', c.record_id) AS id,
            max(CASE WHEN c.field = 'child' THEN c.value END) AS child,
            max(CASE WHEN c.field = 'episode' THEN c.value END) AS episode,
            max(CASE WHEN c.field = 'item' THEN c.value END) AS item,
            max(CASE WHEN c.field = 'done_at' THEN c.value END) AS done_at,
            max(CASE WHEN c.field = 'done_by' THEN c.value END) AS done_by,
            sum(c.heads > 1) AS conflicts,
            printf('%016x', min(CASE WHEN c.field = 'child' THEN ch.origin END)) AS origin
        FROM cells c JOIN changes ch ON ch.id = c.change_id
        WHERE c.record_type = 'missing_check'
        GROUP BY c.record_id;
        """),
        // 23: the order of `navet child list` kept (issue 15, docs/STORAGE.md "child_order"):
        // per child record, its name's sort keys in both collations (`TextRules.collationBytes`,
        // NULL when no name is held), written with the cells they derive from (`ChangeLog`),
        // so the list reads in index order without sorting. Filled here for the children
        // held (`navet_collation`, registered on the connection by `migrate`).
        Migration(replica: """
        CREATE TABLE child_order(
            record_id INTEGER PRIMARY KEY,
            sv BLOB,
            en BLOB
        );
        INSERT INTO child_order(record_id, sv, en)
        SELECT record_id, navet_collation(name, 'sv'), navet_collation(name, 'en') FROM (
            SELECT record_id, max(CASE WHEN field = 'name' THEN \(ReplicaStore.displaySQL()) END) AS name
            FROM cells WHERE record_type = 'child' GROUP BY record_id
        );
        CREATE INDEX child_order_sv ON child_order(sv);
        CREATE INDEX child_order_en ON child_order(en);
        """),
        // 24: the kept keys again, for the collation that puts other scripts after the
        // Latin letters and sorts ligatures and letters such as đ, ı, ł and œ as their base
        // letters (`TextRules.Collation`).
        // In place, indexes kept: a new file (no children) writes nothing here.
        Migration(replica: """
        INSERT OR REPLACE INTO child_order(record_id, sv, en)
        SELECT record_id, navet_collation(name, 'sv'), navet_collation(name, 'en') FROM (
            SELECT record_id, max(CASE WHEN field = 'name' THEN \(ReplicaStore.displaySQL()) END) AS name
            FROM cells WHERE record_type = 'child' GROUP BY record_id
        );
        """),
        // 25: the central store finds a change by (origin, seq) through `change_runs`
        // (issue 15, docs/STORAGE.md "change_runs"): one row per stretch of an origin's
        // changes with consecutive seqs and consecutive ids (an upload's new changes make
        // one), instead of a UNIQUE(origin, seq) index entry per change. The runs are cut
        // from the changes held (a new run wherever the seq or the id does not follow on),
        // and `changes` is rebuilt without the UNIQUE constraint, every row and id kept.
        Migration(central: """
        CREATE TABLE change_runs(
            origin INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            first_id INTEGER NOT NULL,
            PRIMARY KEY(origin, first_seq)
        ) WITHOUT ROWID;
        INSERT INTO change_runs(origin, first_seq, last_seq, first_id)
        SELECT origin, min(seq), max(seq), min(id) FROM (
            SELECT origin, seq, id, sum(starts) OVER (PARTITION BY origin ORDER BY seq ROWS UNBOUNDED PRECEDING) AS run
            FROM (
                SELECT origin, seq, id,
                       CASE WHEN seq = lag(seq) OVER byseq + 1 AND id = lag(id) OVER byseq + 1 THEN 0 ELSE 1 END AS starts
                FROM changes WINDOW byseq AS (PARTITION BY origin ORDER BY seq)
            )
        )
        GROUP BY origin, run;
        CREATE TABLE changes_rebuilt(
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
            superseded INTEGER NOT NULL DEFAULT 0,
            child_id INTEGER,
            refused INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO changes_rebuilt(id, origin, seq, version, replaces, wall_time, record_type, record_id, field,
                                    value_kind, value, tag, received_at, superseded, child_id, refused)
        SELECT id, origin, seq, version, replaces, wall_time, record_type, record_id, field,
               value_kind, value, tag, received_at, superseded, child_id, refused
        FROM changes ORDER BY id;
        DROP TABLE changes;
        ALTER TABLE changes_rebuilt RENAME TO changes;
        CREATE INDEX changes_by_record ON changes(record_id);
        CREATE INDEX changes_by_child ON changes(child_id, id) WHERE child_id IS NOT NULL;
        """),
        // 26: the central store links each cell's changes into a chain instead of indexing
        // `changes` by record (issue 15, docs/STORAGE.md "Cell chains"): `changes.previous`
        // names the change of the same cell that arrived before (NULL for the first, and
        // for refused changes, which are in no chain), `cells.latest` the last to arrive.
        // Filled through `changes_by_record`, which then goes: one index insert fewer per
        // change.
        Migration(central: """
        ALTER TABLE changes ADD COLUMN previous INTEGER;
        ALTER TABLE cells ADD COLUMN latest INTEGER;
        UPDATE changes SET previous = (
            SELECT max(c.id) FROM changes c
            WHERE c.record_id = changes.record_id AND c.field = changes.field AND c.refused = 0 AND c.id < changes.id
        ) WHERE refused = 0;
        UPDATE cells SET latest = (
            SELECT max(c.id) FROM changes c WHERE c.record_id = cells.record_id AND c.field = cells.field AND c.refused = 0
        );
        DROP INDEX changes_by_record;
        """),
    ]

    /// Registers `navet_collation(text, language)` ('sv' or 'en'; NULL for NULL) on `db`:
    /// the sort key of `TextRules.collationBytes`, as a blob (layout 23 fills `child_order`
    /// with it).
    static func registerCollation(_ db: Database) throws {
        try db.createFunction("navet_collation", argumentCount: 2) { arguments in
            guard case .text(let text) = arguments[0] else { return .null }
            let collation: TextRules.Collation = arguments[1] == .text("en") ? .english : .swedish
            return .blob(TextRules.collationBytes(text, collation))
        }
    }

    /// SQL for the signed 64-bit integer that `text` (16 lowercase hex digits) spells.
    static func hexToInteger(_ text: String) -> String {
        (1...16).map { "((instr('0123456789abcdef', substr(\(text), \($0), 1)) - 1) << \(64 - 4 * $0))" }
            .joined(separator: " | ")
    }

    public static var currentVersion: Int { migrations.count }

    /// Brings `db` up to the current layout in one transaction per step, and sets the
    /// application id. `role` picks the role-only SQL; nil means "as layouts 1–5 did, both
    /// roles' SQL" (for tests that write old files) up to layout 5, and the role stored in
    /// `meta` from then on.
    /// Throws `StoreError.tooNew` for a file from a newer Navet.
    static func migrate(_ db: Database, role: Role? = nil, upTo target: Int = currentVersion) throws(StoreError) {
        try StoreError.wrap {
            let from = try db.userVersion
            guard from <= currentVersion else {
                throw StoreError.tooNew(path: db.path, found: from, supported: currentVersion)
            }
            if from < target { try registerCollation(db) }
            for version in from..<target {
                try db.transaction {
                    let step = migrations[version]
                    var known = role
                    if known == nil, version >= 5 {
                        known = try Meta(db: db).text(Meta.role).flatMap(Role.init(rawValue:))
                        guard known != nil else {
                            throw StoreError.notANavetDatabase(path: db.path, reason: "no role")
                        }
                    }
                    try db.execute(step.shared)
                    switch known {
                    case .replica?: try db.execute(step.replica)
                    case .central?: try db.execute(step.central)
                    case nil: try db.execute(step.central + step.replica)
                    }
                    if let known {
                        for table in step.dropIfEmpty[known] ?? [] {
                            guard try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                                                [.text(table)]) != nil else { continue }
                            if try db.scalar("SELECT 1 FROM \"\(table)\" LIMIT 1") == nil {
                                try db.execute("DROP TABLE \"\(table)\"")
                            }
                        }
                    }
                    try db.setUserVersion(version + 1)
                }
            }
            if target == currentVersion, try applicationID(db) != applicationID {
                try db.execute("PRAGMA application_id = \(applicationID)")
            }
        }
    }

    /// The file's `PRAGMA application_id` (0 for a file that never set one).
    static func applicationID(_ db: Database) throws -> Int32 {
        if case .integer(let value) = try db.scalar("PRAGMA application_id") { return Int32(truncatingIfNeeded: value) }
        return 0
    }

    /// Opens a file read-write without changing it. The caller checks that it is a Navet
    /// file (`NavetFile.open`) and only then calls `configure`.
    static func openUnconfigured(path: String, create: Bool) throws(StoreError) -> Database {
        try StoreError.wrap {
            let db = try Database(path: path, mode: create ? .readWriteCreate : .readWrite)
            // A file that is not SQLite fails here, on the first read.
            _ = try db.userVersion
            return db
        }
    }

    /// The settings every Navet database uses: WAL, foreign keys, `synchronous=FULL` (a
    /// sync acknowledged to the server must survive power loss), and `secure_delete` so
    /// purged values do not linger in free pages. WAL is recorded in the file itself.
    static func configure(_ db: Database) throws(StoreError) {
        try StoreError.wrap {
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;")
        }
    }

    /// Opens a file with the settings every Navet database uses (see `configure`).
    static func open(path: String, create: Bool) throws(StoreError) -> Database {
        let db = try openUnconfigured(path: path, create: create)
        try configure(db)
        return db
    }
}
