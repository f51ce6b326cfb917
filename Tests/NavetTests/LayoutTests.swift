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
        try Layout.migrate(db, upTo: version)
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
            if version < 5 {
                try db.query("INSERT INTO superseded VALUES (?, 'name', 1, ?)", [.integer(child), .integer(me)])
            } else {
                // From layout 5 a replaced change that has arrived is marked on its own row.
                try db.query("UPDATE changes SET superseded = 1 WHERE origin = ? AND seq = 1", [.integer(me)])
            }
            let cell = "INSERT INTO cells VALUES (?, ?, 'child', ?, ?, ?, 1, ?, 'basic', ?)"
            try db.query(cell, [.integer(child), .text("name"), .integer(2), .integer(me), .integer(2),
                                .text("Märta Öst"), .integer(1)])
            try db.query(cell, [.integer(child), .text("languages"), .integer(1), .integer(other), .integer(4),
                                .text("pashto"), .integer(2)])
            try db.query("INSERT INTO origins VALUES (?, 3)", [.integer(me)])
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
        // And it keeps working after the migration: an edit, a resolution.
        try reopened.set(record: child, field: "name", value: .text("Märta Östberg"), now: 2)
        try reopened.resolve(record: child, field: "languages", value: .text("dari, pashto"), now: 3)
        #expect(try reopened.snapshot(child).value("name") == .text("Märta Östberg"))
        #expect(try reopened.conflicts().isEmpty)
        #expect(try reopened.status().pending == 5, "three never acknowledged, two new")
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
