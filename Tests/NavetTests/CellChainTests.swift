import NavetCore
@testable import NavetStore
import NavetSQLite
import NavetTestSupport
import Testing

/// The central store links each cell's changes into a chain (layout 26) instead of
/// indexing `changes` by record: `changes.previous` names the change of the same cell that
/// arrived before, `cells.latest` the last to arrive; refused changes are in no chain.
/// The merge's lookups by stamp (concurrent edits merged, a change replacing one not yet
/// arrived) walk it; `InMemoryMergeTests` checks those against the pure rule and calls
/// `expectChainsHold` on every store it builds.
@Suite struct CellChainTests {
    let folder = TemporaryDirectory(prefix: "navet-chains")
    let now: Int64 = 1_790_000_000_000

    /// Every merged change's `previous` is the highest id of its cell below its own, every
    /// refused change has none, and every cell's `latest` is its highest id.
    static func expectChainsHold(_ db: Database, _ note: String) throws {
        let wrongLinks = try db.scalar("""
            SELECT count(*) FROM changes c WHERE c.previous IS NOT (
                SELECT max(p.id) FROM changes p
                WHERE p.record_id = c.record_id AND p.field = c.field AND p.refused = 0 AND p.id < c.id AND c.refused = 0)
            """)
        #expect(wrongLinks == .integer(0), "\(note): changes whose previous is wrong")
        let wrongLatest = try db.scalar("""
            SELECT count(*) FROM cells WHERE latest IS NOT (
                SELECT max(c.id) FROM changes c WHERE c.record_id = cells.record_id AND c.field = cells.field AND c.refused = 0)
            """)
        #expect(wrongLatest == .integer(0), "\(note): cells whose latest is wrong")
    }

    static let a = ReplicaID(rawValue: 0xA)
    static let b = ReplicaID(rawValue: 0xB)
    static let record = RecordID(rawValue: 0x77)

    static func change(_ origin: ReplicaID, _ seq: UInt64, _ version: UInt64, _ replaces: [Stamp], _ value: String,
                       field: String = "name") -> Change {
        Change(origin: origin, seq: seq, version: version, replaces: replaces, wallTime: Int64(seq), recordType: "child",
               recordID: record, field: field, value: .text(value), tag: .basic)
    }

    /// Concurrent edits of one cell, one of them replaced before it arrives, merged into a
    /// store: the chain holds, the heads are found through it, and a later change that
    /// merges the concurrent values marks both.
    static func uploads() -> [(ReplicaID, [Change])] {
        let first = change(a, 1, 1, [], "Amina")
        let fromA = change(a, 2, 2, [first.stamp], "Amina A")
        let fromB = change(b, 1, 2, [first.stamp], "Amina B")
        let languages = change(b, 2, 1, [], "dari", field: "languages")
        let merged = change(a, 3, 3, [fromA.stamp, fromB.stamp], "Amina AB")
        return [(a, [first]), (b, [fromB, languages]), (a, [fromA]), (a, [merged])]
    }

    @Test func concurrentEditsAreMergedThroughTheChain() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        let cell = CellKey(recordID: Self.record, field: "name")
        let steps = Self.uploads()
        for (sender, changes) in steps.prefix(3) {
            _ = try central.acceptUpload(sender: sender, cursor: 0, changes: changes, now: now)
        }
        #expect(try central.conflicts().map(\.cell) == [cell])
        #expect(try central.log.heads(cell).map(\.value) == [.text("Amina B"), .text("Amina A")])
        _ = try central.acceptUpload(sender: steps[3].0, cursor: 0, changes: steps[3].1, now: now)
        #expect(try central.conflicts().isEmpty)
        #expect(try central.log.heads(cell).map(\.value) == [.text("Amina AB")])
        #expect(try central.db.query("SELECT id, previous FROM changes WHERE field = 'name' ORDER BY id") == [
            [.integer(1), .null], [.integer(2), .integer(1)], [.integer(4), .integer(2)], [.integer(5), .integer(4)],
        ])
        try Self.expectChainsHold(central.db, "after the merge")
        #expect(try central.db.scalar("SELECT count(*) FROM superseded") == .integer(0))
    }

    /// A change that replaces a stamp before that stamp's change arrives: the stamp waits in
    /// `superseded`, found absent by walking the chain, and is marked when it comes.
    @Test func aStampReplacedBeforeItArrivesWaitsAndIsMarked() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        let first = Self.change(Self.a, 1, 1, [], "Amina")
        let fromB = Self.change(Self.b, 1, 2, [first.stamp], "Amina B")
        let early = Self.change(Self.a, 2, 3, [fromB.stamp, Stamp(version: 2, origin: Self.a)], "Amina C")
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: [first, early], now: now)
        #expect(try central.db.query("SELECT version, origin FROM superseded ORDER BY version, origin") == [
            [.integer(2), .integer(Self.a.int64)], [.integer(2), .integer(Self.b.int64)],
        ])
        _ = try central.acceptUpload(sender: Self.b, cursor: 0, changes: [fromB], now: now)
        #expect(try central.db.query("SELECT version, origin FROM superseded") == [[.integer(2), .integer(Self.a.int64)]])
        #expect(try central.db.query("SELECT seq, superseded FROM changes WHERE origin = ?", [.integer(Self.b.int64)])
                == [[.integer(1), .integer(1)]])
        try Self.expectChainsHold(central.db, "after the late arrival")
    }

    /// A central store of layout 25 (with `changes_by_record`, without the chains): layout 26
    /// links every cell's changes as they arrived, and merging goes on as in a store that
    /// always had them.
    @Test func layout26LinksTheChainsOfAStoreThatHadTheRecordIndex() throws {
        let steps = Self.uploads()
        let path = folder.path("central-v25.db")
        let fresh = try CentralStore.create(path: folder.path("fresh.db"), serverID: ReplicaID(rawValue: 9), now: now)
        do {
            let central = try CentralStore.create(path: path, serverID: ReplicaID(rawValue: 9), now: now)
            for (sender, changes) in steps.prefix(3) {
                _ = try central.acceptUpload(sender: sender, cursor: 0, changes: changes, now: now)
                _ = try fresh.acceptUpload(sender: sender, cursor: 0, changes: changes, now: now)
            }
        }
        // Back to layout 25 as it was: no chain columns, the record index.
        _ = try SQLite3Tool.run(path, """
            ALTER TABLE changes DROP COLUMN previous; ALTER TABLE cells DROP COLUMN latest;
            CREATE INDEX changes_by_record ON changes(record_id); PRAGMA user_version = 25;
            """)
        let migrated = try CentralStore.open(path: path)
        try Self.expectChainsHold(migrated.db, "migrated")
        #expect(try migrated.db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'changes_by_record'") == .integer(0))
        _ = try migrated.acceptUpload(sender: steps[3].0, cursor: 0, changes: steps[3].1, now: now)
        _ = try fresh.acceptUpload(sender: steps[3].0, cursor: 0, changes: steps[3].1, now: now)
        for sql in ["SELECT id, previous, superseded FROM changes ORDER BY id",
                    "SELECT record_id, field, version, origin, change_id, value, heads, latest FROM cells ORDER BY record_id, field"] {
            #expect(try migrated.db.query(sql) == fresh.db.query(sql), "\(sql)")
        }
        #expect(try migrated.db.scalar("PRAGMA integrity_check") == .text("ok"))
    }
}
