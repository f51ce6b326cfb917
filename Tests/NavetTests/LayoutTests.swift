import Foundation
import NavetCore
@testable import NavetStore
import NavetSQLite
import NavetTestSupport
import Testing

/// Migrations are additive: a file from every earlier layout version opens, keeps its data
/// and passes `PRAGMA integrity_check`.
@Suite struct LayoutTests {
    let folder = TemporaryDirectory(prefix: "navet-layout")

    /// A replica as an earlier version of Navet left it, written with raw SQL that every
    /// layout since 1 accepts: a child whose name was edited once (the first value replaced,
    /// recorded as that version's layout records it), and a concurrent second value of its
    /// languages.
    func writeOldReplica(_ path: String, version: Int) throws {
        let db = try Database(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try Layout.migrate(db, role: version > 5 ? .replica : nil, upTo: version)  // layouts 1–5 made every table in every file
        let me = ReplicaID(rawValue: 0x1234).int64
        let other = ReplicaID(rawValue: 0x5678).int64
        let child = RecordID(rawValue: 0x99).int64
        try db.transaction {
            let meta = Meta(db: db)
            try meta.set(Meta.role, .text("replica"))
            try meta.set(Meta.id, .text(ReplicaID(rawValue: 0x1234).description))
            try meta.set(Meta.schemaVersion, .integer(1))
            try meta.set(Meta.createdAt, .integer(0))
            try meta.set(Meta.cursor, .integer(0))
            try meta.set(Meta.acked, .integer(0))
            let insert = """
                INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id, field,
                                    value_kind, value, tag, received_at) VALUES (?,?,?,?,0,'child',?,?,1,?,?,0)
                """
            try db.query(insert, [.integer(me), .integer(1), .integer(1), .null, .integer(child), .text("name"),
                                  .text("Märta"), .text("basic")])
            try db.query(insert, [.integer(me), .integer(2), .integer(2), .text("1:\(ReplicaID(rawValue: 0x1234))"),
                                  .integer(child), .text("name"), .text("Märta Öst"), .text("basic")])
            try db.query(insert, [.integer(me), .integer(3), .integer(1), .null, .integer(child), .text("languages"),
                                  .text("dari"), .text("basic")])
            try db.query(insert, [.integer(other), .integer(1), .integer(1), .null, .integer(child), .text("languages"),
                                  .text("pashto"), .text("basic")])
            if version >= 5 {
                // From layout 5 on a replaced change is marked on its own row.
                try db.query("UPDATE changes SET superseded = 1 WHERE record_id = ? AND field = 'name' AND version = 1 AND origin = ?",
                             [.integer(child), .integer(me)])
            } else {
                try db.query("INSERT INTO superseded VALUES (?, 'name', 1, ?)", [.integer(child), .integer(me)])
            }
            let cell = "INSERT INTO cells VALUES (?, ?, 'child', ?, ?, ?, 1, ?, 'basic', ?)"
            try db.query(cell, [.integer(child), .text("name"), .integer(2), .integer(me), .integer(2),
                                .text("Märta Öst"), .integer(1)])
            try db.query(cell, [.integer(child), .text("languages"), .integer(1), .integer(other), .integer(4),
                                .text("pashto"), .integer(2)])
            try db.query("INSERT INTO origins VALUES (?, 3)", [.integer(me)])
            if version >= 5 {
                // Layout 5 marks a replaced change on its own row (as its migration does).
                try db.execute("""
                    UPDATE changes SET superseded = 1 WHERE EXISTS (SELECT 1 FROM superseded s
                        WHERE s.record_id = changes.record_id AND s.field = changes.field
                          AND s.version = changes.version AND s.origin = changes.origin);
                    DELETE FROM superseded;
                    """)
            }
            if version >= 24 {
                // The Navet that wrote layout 24 kept the child's sort keys with its cells.
                try db.query("INSERT INTO child_order(record_id, sv, en) VALUES (?, ?, ?)", [
                    .integer(child), .blob(TextRules.collationBytes("Märta Öst", .swedish)),
                    .blob(TextRules.collationBytes("Märta Öst", .english)),
                ])
            }
        }
    }

    @Test(arguments: 1..<Layout.currentVersion)
    func migratesFromEarlierVersion(_ version: Int) throws {
        let path = folder.path("v\(version).db")
        try writeOldReplica(path, version: version)
        let reopened = try ReplicaStore.open(path: path)
        #expect(try reopened.db.userVersion == Layout.currentVersion)
        let child = RecordID(rawValue: 0x99)
        #expect(try reopened.records(ofType: "child").map { $0.value("name") } == [.text("Märta Öst")])
        #expect(try reopened.heads(record: child, field: "name").map(\.value) == [.text("Märta Öst")])
        #expect(try reopened.heads(record: child, field: "languages").count == 2)
        #expect(try reopened.conflicts().count == 1)
        #expect(try reopened.history(child).filter { $0.change.field == "name" }.map(\.state) == [.superseded, .shown])
        #expect(try reopened.integrityCheck() == ["ok"])
        // Layout 7: the directory exists and starts empty (every origin shown as unknown).
        #expect(try reopened.originNames().isEmpty)
        // Layout 11: a child's records are found through the index on `child` cells.
        #expect(try reopened.db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'records_by_child'") != nil)
        let plan = try reopened.db.query(
            "EXPLAIN QUERY PLAN SELECT record_id FROM cells WHERE field = 'child' AND value = ? AND record_type = ?",
            [.text(child.description), .text("membership")]).map { "\($0)" }.joined()
        #expect(plan.contains("records_by_child"), "\(plan)")
        #expect(try reopened.records(ofType: "membership", child: child).isEmpty)
        // Layout 12: no refused changes, no permissions known, nothing to purge.
        #expect(try reopened.refusedChanges().isEmpty)
        #expect(try reopened.permissionsKnown() == false)
        #expect(try reopened.status().purgePending == false)
        // Layout 23: the child's name sort keys are kept, filled by the migration.
        #expect(try ChildOrderTests.keys(reopened, child) == [.blob(TextRules.collationBytes("Märta Öst", .swedish)),
                                                              .blob(TextRules.collationBytes("Märta Öst", .english))])
        try ChildOrderTests.expectKept(reopened, "migrated from \(version)")
        // And it keeps working after the migration: an edit, a resolution.
        try reopened.set(record: child, field: "name", value: .text("Märta Östberg"), now: 2)
        try ChildOrderTests.expectKept(reopened, "renamed after the migration from \(version)")
        try reopened.resolve(record: child, field: "languages", value: .text("dari, pashto"), now: 3)
        #expect(try reopened.snapshot(child).value("name") == .text("Märta Östberg"))
        #expect(try reopened.conflicts().isEmpty)
        #expect(try reopened.status().pending == 5, "three never acknowledged, two new")
    }

    /// Layouts 1–5 made the central store's tables in replica files too; layout 6 drops them
    /// there (they were empty), adds the views and sets the application id.
    @Test(arguments: 2..<6)
    func replicaFilesLoseTheCentralTablesAndGainViews(_ version: Int) throws {
        let path = folder.path("tables-v\(version).db")
        try writeOldReplica(path, version: version)
        let tables = { (db: Database) throws -> [String] in
            try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { "\($0[0])" }
        }
        #expect(try tables(try Database(path: path)).contains("text(\"replicas\")"))
        let reopened = try ReplicaStore.open(path: path)
        #expect(try tables(reopened.db) == ["audit_log", "audit_purpose_tags", "cells", "changes", "checkpoints", "child_order", "directory", "meta",
                                            "origins", "permissions", "refused_changes", "superseded", "users"].map { "text(\"\($0)\")" })
        #expect(try Layout.applicationID(reopened.db) == Layout.applicationID)
        #expect(try reopened.db.scalar("SELECT name FROM children_view") == .text("Märta Öst"))
        #expect(try reopened.db.scalar("SELECT count(*) FROM conflicts_view") == .integer(2))
        #expect(try reopened.integrityCheck() == ["ok"])
    }

    /// A table of the central store that (against every expectation) holds rows in a replica
    /// file is kept, not dropped.
    @Test func aNonEmptyCentralTableInAReplicaIsKept() throws {
        let path = folder.path("kept.db")
        try writeOldReplica(path, version: 5)
        do {
            let db = try Database(path: path)
            try db.execute("INSERT INTO replicas(replica_id, first_seen) VALUES (7, 0)")
        }
        let reopened = try ReplicaStore.open(path: path)
        #expect(try reopened.db.scalar("SELECT count(*) FROM replicas") == .integer(1))
        #expect(try reopened.db.scalar("SELECT 1 FROM sqlite_schema WHERE name = 'nonces'") == nil)
    }

    /// A central store from layouts 3–5 keeps its registry and gains the nonce digest.
    @Test(arguments: 3..<6)
    func centralStoresMigrate(_ version: Int) throws {
        let path = folder.path("central-v\(version).db")
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA journal_mode=WAL")
            try Layout.migrate(db, upTo: version)
            let meta = Meta(db: db)
            try meta.set(Meta.role, .text("central"))
            try meta.set(Meta.id, .text(ReplicaID(rawValue: 0xabc).description))
            try meta.set(Meta.schemaVersion, .integer(1))
            try db.execute("""
                INSERT INTO organisations VALUES (1, 'HVB Norr', 'residential_home', 'Luleå', 0);
                INSERT INTO replicas(replica_id, first_seen, cursor, organisation, secret) VALUES (5, 0, 0, 1, x'00');
                INSERT INTO nonces VALUES (5, x'01', 0);
                """)
        }
        let central = try CentralStore.open(path: path)
        #expect(try central.replicaRecords().map(\.replicaID) == [ReplicaID(rawValue: 5)])
        #expect(try central.db.scalar("SELECT count(*) FROM nonces WHERE digest IS NULL") == .integer(1))
        #expect(try Layout.applicationID(central.db) == Layout.applicationID)
        #expect(try central.db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'view'") == .integer(0))
        // Layout 10: no policy loaded yet, so the embedded default is in force as version 0.
        #expect(try central.policyHistory().isEmpty)
        #expect(try central.policyInForce().version == 0)
    }

    @Test func refusesAFileFromANewerNavet() throws {
        let path = folder.path("future.db")
        _ = try ReplicaStore.create(path: path, now: 0)
        do {
            let db = try Database(path: path)
            try db.setUserVersion(Layout.currentVersion + 1)
        }
        #expect(throws: StoreError.self) { try ReplicaStore.open(path: path) }
    }

    @Test func refusesAnotherProgramsSQLiteFile() throws {
        let path = folder.path("foreign.db")
        _ = try ReplicaStore.create(path: path, now: 0)
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA application_id = 1")
        }
        #expect {
            try ReplicaStore.open(path: path)
        } throws: { error in
            guard case .notANavetDatabase(_, let reason) = error as? StoreError else { return false }
            return reason.contains("another program")
        }
    }

    @Test func refusesFilesThatAreNotReplicas() throws {
        let central = folder.path("central.db")
        _ = try CentralStore.create(path: central, now: 0)
        #expect(throws: StoreError.self) { try ReplicaStore.open(path: central) }
        let text = folder.path("notes.txt")
        try "not a database, just text that is long enough to look like a header...".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try ReplicaStore.open(path: text) }
        #expect(throws: StoreError.self) { try ReplicaStore.open(path: folder.path("missing.db")) }
    }
}
