import NavetCore
@testable import NavetStore
import NavetSQLite
import NavetTestSupport
import Testing

/// The central store finds a change by (origin, seq) through `change_runs` (layout 25):
/// one row per stretch of an origin's changes with consecutive seqs and ids, instead of a
/// UNIQUE(origin, seq) index entry per change. These tests check the runs uploads leave,
/// that every change is found through them (duplicates, conflicting copies, a replica's
/// own history), and that layout 25 cuts the runs right from a store that had the index.
@Suite struct ChangeRunsTests {
    let folder = TemporaryDirectory(prefix: "navet-runs")
    let now: Int64 = 1_790_000_000_000
    static let a = ReplicaID(rawValue: 0xA)
    static let b = ReplicaID(rawValue: 0xB)

    static func changes(_ origin: ReplicaID, _ seqs: ClosedRange<UInt64>, value: String = "x") -> [Change] {
        seqs.map { seq in
            Change(origin: origin, seq: seq, version: 1, replaces: [], wallTime: 1, recordType: "child",
                   recordID: RecordID(rawValue: origin.rawValue << 32 | seq), field: "name",
                   value: .text("\(value) \(seq)"), tag: .basic)
        }
    }

    func runs(_ central: CentralStore) throws -> [[SQLValue]] {
        try central.db.query("SELECT origin, first_seq, last_seq, first_id FROM change_runs ORDER BY origin, first_seq")
    }

    static func run(_ origin: ReplicaID, _ first: Int64, _ last: Int64, id: Int64) -> [SQLValue] {
        [.integer(origin.int64), .integer(first), .integer(last), .integer(id)]
    }

    @Test func eachUploadIsOneRunAndAFollowingUploadExtendsIt() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 1...5), now: now)
        _ = try central.acceptUpload(sender: Self.b, cursor: 0, changes: Self.changes(Self.b, 1...3), now: now)
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 6...8), now: now)
        // Follows A's last run in seq and id: the run grows, no row is added.
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 9...10).reversed(), now: now)
        #expect(try runs(central) == [Self.run(Self.a, 1, 5, id: 1), Self.run(Self.a, 6, 10, id: 9),
                                      Self.run(Self.b, 1, 3, id: 6)])
        #expect(try central.db.scalar("SELECT count(*) FROM changes") == .integer(13))
        for change in Self.changes(Self.a, 1...10) + Self.changes(Self.b, 1...3) {
            #expect(try central.log.change(origin: change.origin, seq: change.seq) == change)
        }
        #expect(try central.log.change(origin: Self.a, seq: 11) == nil)
        #expect(try central.log.change(origin: Self.b, seq: 0) == nil)
        #expect(try central.log.change(origin: ReplicaID(rawValue: 0xC), seq: 1) == nil)
        #expect(try central.log.change(origin: Self.a, seq: UInt64.max) == nil)
    }

    @Test func aCopyIsADuplicateAndAnotherChangeUnderItsSeqIsRefused() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 1...5), now: now)
        _ = try central.acceptUpload(sender: Self.b, cursor: 0, changes: Self.changes(Self.b, 1...2), now: now)
        let again = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 3...7), now: now)
        #expect(again.applied == 2)
        #expect(again.duplicates == 3)
        #expect(try runs(central) == [Self.run(Self.a, 1, 5, id: 1), Self.run(Self.a, 6, 7, id: 8),
                                      Self.run(Self.b, 1, 2, id: 6)])
        let before = try central.db.query("SELECT * FROM changes ORDER BY id")
        let error = #expect(throws: StoreError.self) {
            try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 4...8, value: "y"), now: now)
        }
        guard case .conflictingDuplicate(let origin, let seq)? = error else {
            Issue.record("expected conflictingDuplicate, got \(String(describing: error))")
            return
        }
        #expect(origin == Self.a && seq == 4)
        #expect(try central.db.query("SELECT * FROM changes ORDER BY id") == before)
        #expect(try runs(central).count == 3)
    }

    @Test func aReplicasOwnHistoryIsReadRunByRun() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 1...4), now: now)
        _ = try central.acceptUpload(sender: Self.b, cursor: 0, changes: Self.changes(Self.b, 1...3), now: now)
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 5...6), now: now)
        _ = try central.acceptUpload(sender: Self.b, cursor: 0, changes: Self.changes(Self.b, 4...4), now: now)
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 7...9), now: now)
        #expect(try central.ownChanges(of: Self.a, after: 2, limit: 100) == Self.changes(Self.a, 3...9))
        #expect(try central.ownChanges(of: Self.a, after: 5, limit: 4) == Self.changes(Self.a, 6...9))
        #expect(try central.ownChanges(of: Self.a, after: 5, limit: 3) == nil, "more than the limit")
        #expect(try central.ownChanges(of: Self.a, after: 9, limit: 3) == [])
        #expect(try central.ownChanges(of: Self.b, after: 0, limit: 10) == Self.changes(Self.b, 1...4))
        #expect(try central.ownChanges(of: Self.b, after: UInt64.max, limit: 10) == [])
    }

    /// A central store of layout 24 (changes with UNIQUE(origin, seq)) whose rows interleave
    /// origins, and one origin's rows out of seq order (as no Navet wrote them, but a file
    /// may hold): layout 25 cuts a run wherever the seq or the id does not follow on, keeps
    /// every row and id, and drops the UNIQUE index.
    @Test func layout25CutsTheRunsOfAStoreThatHadTheIndex() throws {
        let path = folder.path("central-v24.db")
        let c = ReplicaID(rawValue: 0xC)
        // (origin, seq) in id order 1, 2, …
        let rows: [(ReplicaID, UInt64)] = [(Self.a, 1), (Self.a, 2), (Self.a, 3), (Self.b, 1), (Self.a, 4), (Self.a, 5),
                                           (c, 2), (c, 1), (Self.b, 2), (Self.b, 3), (c, 3)]
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA journal_mode=WAL")
            try Layout.migrate(db, role: .central, upTo: 24)
            let meta = Meta(db: db)
            try meta.set(Meta.role, .text("central"))
            try meta.set(Meta.id, .text(ReplicaID(rawValue: 0xabc).description))
            try meta.set(Meta.schemaVersion, .integer(1))
            try db.query("INSERT INTO origins(origin, contiguous_seq) VALUES (?, 5)", [.integer(Self.a.int64)])
            for (origin, seq) in rows {
                let change = Self.changes(origin, seq...seq)[0]
                try db.query("""
                    INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id, field,
                                        value_kind, value, tag, received_at, child_id)
                    VALUES (?, ?, 1, NULL, 1, 'child', ?, 'name', 1, ?, 'basic', 7, ?)
                    """, [.integer(origin.int64), .integer(Int64(seq)), .integer(change.recordID.int64),
                          .text(change.value.displayText ?? ""), .integer(change.recordID.int64)])
            }
        }
        let central = try CentralStore.open(path: path)
        #expect(try runs(central) == [
            Self.run(Self.a, 1, 3, id: 1), Self.run(Self.a, 4, 5, id: 5),
            Self.run(Self.b, 1, 1, id: 4), Self.run(Self.b, 2, 3, id: 9),
            Self.run(c, 1, 1, id: 8), Self.run(c, 2, 2, id: 7), Self.run(c, 3, 3, id: 11),
        ])
        for (index, (origin, seq)) in rows.enumerated() {
            #expect(try central.log.change(origin: origin, seq: seq) == Self.changes(origin, seq...seq)[0])
            #expect(try central.db.scalar("SELECT id FROM changes WHERE origin = ? AND seq = ?",
                                          [.integer(origin.int64), .integer(Int64(seq))]) == .integer(Int64(index + 1)))
        }
        #expect(try central.db.scalar("SELECT count(*) FROM changes WHERE received_at = 7 AND child_id = record_id")
                == .integer(Int64(rows.count)))
        #expect(try central.db.scalar("PRAGMA integrity_check") == .text("ok"))
        let indexes = try central.db.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'changes' ORDER BY name")
        #expect(indexes == [[.text("changes_by_child")]], "layout 26 drops changes_by_record")
        // The next upload of A follows its last run.
        _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: Self.changes(Self.a, 6...7), now: now)
        #expect(try central.log.change(origin: Self.a, seq: 7) == Self.changes(Self.a, 7...7)[0])
        #expect(try runs(central).contains(Self.run(Self.a, 6, 7, id: 12)))
    }
}
