import Foundation
import NavetCore
@testable import NavetStore
import NavetSQLite
import NavetTestSupport
import Testing

/// A central store whose runs (`change_runs`) or cell chains contradict its changes is
/// refused as damaged, with nothing changed, instead of answering wrongly (a replica asking
/// for its own history again at every sync, a copy stored twice). A layout step waits for
/// no other Navet process to hold the file (`StoreLock`).
@Suite struct CentralDamageTests {
    let folder = TemporaryDirectory(prefix: "navet-damage")
    let now: Int64 = 1_790_000_000_000
    static let a = ReplicaID(rawValue: 0xA)
    static let b = ReplicaID(rawValue: 0xB)

    func store() throws -> CentralStore {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        let plan: [(ReplicaID, [ClosedRange<UInt64>])] = [(Self.a, [1...3, 4...6]), (Self.b, [1...2])]
        for (sender, uploads) in plan {
            for seqs in uploads {
                _ = try central.acceptUpload(sender: sender, cursor: 0, changes: ChangeRunsTests.changes(sender, seqs), now: now)
            }
        }
        return central
    }

    func expectDamaged(_ note: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(note): accepted")
        } catch StoreError.damaged {
        } catch {
            Issue.record("\(note): \(error)")
        }
    }

    @Test func aRunPointingAtAnotherRowIsDamage() throws {
        let central = try store()
        try central.db.execute("UPDATE change_runs SET first_id = first_id + 1 WHERE origin = \(Self.a.int64) AND first_seq = 1")
        let before = try central.db.query("SELECT * FROM changes ORDER BY id")
        expectDamaged("a copy sent again") {
            _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: ChangeRunsTests.changes(Self.a, 2...2), now: now)
        }
        expectDamaged("the replica's own history") { _ = try central.ownChanges(of: Self.a, after: 0, limit: 100) }
        #expect(try central.db.query("SELECT * FROM changes ORDER BY id") == before)
    }

    @Test func missingRunsAreDamageNotAnEmptyHistory() throws {
        let central = try store()
        try central.db.execute("DELETE FROM change_runs WHERE origin = \(Self.a.int64) AND first_seq = 1")
        expectDamaged("a hole in the history") { _ = try central.ownChanges(of: Self.a, after: 0, limit: 100) }
        expectDamaged("a copy of a change in the hole") {
            _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: ChangeRunsTests.changes(Self.a, 2...2), now: now)
        }
        try central.db.execute("DELETE FROM change_runs WHERE origin = \(Self.a.int64)")
        let before = try central.db.query("SELECT * FROM changes ORDER BY id")
        expectDamaged("the next upload") {
            _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: ChangeRunsTests.changes(Self.a, 7...7), now: now)
        }
        expectDamaged("an upload sent again") {
            _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: ChangeRunsTests.changes(Self.a, 4...6), now: now)
        }
        #expect(try central.db.query("SELECT * FROM changes ORDER BY id") == before)
        // The other origin is untouched.
        #expect(try central.ownChanges(of: Self.b, after: 0, limit: 10) == ChangeRunsTests.changes(Self.b, 1...2))
    }

    @Test func aChainThatDoesNotGoBackIsDamage() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: now)
        let steps = CellChainTests.uploads()
        for (sender, changes) in steps.prefix(3) {
            _ = try central.acceptUpload(sender: sender, cursor: 0, changes: changes, now: now)
        }
        try central.db.execute("UPDATE changes SET previous = id + 1 WHERE id = 4")
        let before = try central.db.query("SELECT * FROM changes ORDER BY id")
        expectDamaged("merging concurrent values") {
            _ = try central.acceptUpload(sender: steps[3].0, cursor: 0, changes: steps[3].1, now: now)
        }
        #expect(try central.db.query("SELECT * FROM changes ORDER BY id") == before)
    }

    /// A backup checks the runs and chains of its copy, and a restore those of the file it
    /// installs: each kind of damage is named, and nothing is written.
    @Test func backupAndRestoreRefuseDamagedRunsAndChains() throws {
        let central = try store()
        let healthy = folder.path("healthy.db")
        try central.backup(to: healthy)
        #expect(try CentralStore.linkProblems(central.db).isEmpty)
        let damages = [
            "UPDATE change_runs SET first_id = first_id + 1 WHERE origin = \(Self.a.int64) AND first_seq = 1",
            "DELETE FROM change_runs WHERE origin = \(Self.b.int64)",
            "UPDATE change_runs SET last_seq = last_seq + 5 WHERE origin = \(Self.b.int64)",
            "UPDATE changes SET previous = 1 WHERE id = 2",
            "UPDATE cells SET latest = NULL WHERE record_id = (SELECT min(record_id) FROM cells)",
        ]
        for (index, damage) in damages.enumerated() {
            let copy = folder.path("damaged-\(index).db")
            _ = try SQLite3Tool.run(healthy, ".backup '\(copy)'")
            _ = try SQLite3Tool.run(copy, damage)
            let db = try Database(path: copy, mode: .readOnly)
            #expect(try !CentralStore.linkProblems(db).isEmpty, "\(damage)")
            let target = folder.path("restored-\(index).db")
            expectDamaged("restore after \(damage)") { _ = try CentralStore.restore(from: copy, to: target) }
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        // A store damaged in place: its backup is refused and writes no file.
        try central.db.execute(damages[0])
        let refused = folder.path("refused.db")
        expectDamaged("backup") { try central.backup(to: refused) }
        #expect(!FileManager.default.fileExists(atPath: refused))
    }

    /// `navetd serve` of an older Navet holds a shared `StoreLock` on its store: opening the
    /// file with this version refuses to run the layout steps under it, changing nothing,
    /// and runs them once the lock is gone.
    @Test func aLayoutStepWaitsForTheOtherProgramToStop() throws {
        let path = folder.path("central.db")
        do {
            let central = try CentralStore.create(path: path, now: now)
            _ = try central.acceptUpload(sender: Self.a, cursor: 0, changes: ChangeRunsTests.changes(Self.a, 1...3), now: now)
        }
        _ = try SQLite3Tool.run(path, """
            ALTER TABLE changes DROP COLUMN previous; ALTER TABLE cells DROP COLUMN latest;
            CREATE INDEX changes_by_record ON changes(record_id); PRAGMA user_version = 25;
            """)
        var serving: StoreLock?
        if case .locked(let held) = StoreLock.acquire(path, exclusive: false) { serving = held }
        #expect(serving != nil, "the shared lock of a running server")
        var refusal: StoreError?
        do {
            _ = try CentralStore.open(path: path)
        } catch {
            refusal = error
        }
        if case .inUseDuringUpgrade(_, let from, let to)? = refusal {
            #expect(from == 25 && to == Layout.currentVersion)
        } else {
            Issue.record("expected inUseDuringUpgrade, got \(String(describing: refusal))")
        }
        #expect(try SQLite3Tool.run(path, "PRAGMA user_version") == "25")
        serving = nil
        let reopened = try CentralStore.open(path: path)
        #expect(try reopened.db.userVersion == Layout.currentVersion)
        try CellChainTests.expectChainsHold(reopened.db, "migrated once the lock was gone")
    }
}
