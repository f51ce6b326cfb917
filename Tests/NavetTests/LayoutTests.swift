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

    @Test(arguments: 1..<Layout.currentVersion)
    func migratesFromEarlierVersion(_ version: Int) throws {
        let path = folder.path("v\(version).db")
        // Build a replica the way version `version` of Navet would have: its migrations only.
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA journal_mode=WAL")
            try Layout.migrate(db, upTo: version)
            try db.transaction {
                let meta = Meta(db: db)
                try meta.set(Meta.role, .text("replica"))
                try meta.set(Meta.id, .text(ReplicaID(rawValue: 0x1234).description))
                try meta.set(Meta.schemaVersion, .integer(1))
                try meta.set(Meta.createdAt, .integer(0))
                try meta.set(Meta.cursor, .integer(0))
                try meta.set(Meta.acked, .integer(0))
            }
            let store = ReplicaStore(path: path, db: db, id: ReplicaID(rawValue: 0x1234))
            _ = try store.createRecord(type: "child", values: ["name": .text("Märta")], now: 1)
        }
        let reopened = try ReplicaStore.open(path: path)
        #expect(try reopened.db.userVersion == Layout.currentVersion)
        #expect(try reopened.records(ofType: "child").map { $0.value("name") } == [.text("Märta")])
        #expect(try reopened.integrityCheck() == ["ok"])
        // And it keeps working after the migration.
        let child = try reopened.records(ofType: "child")[0].id
        try reopened.set(record: child, field: "languages", value: .text("somaliska"), now: 2)
        #expect(try reopened.snapshot(child).value("languages") == .text("somaliska"))
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
