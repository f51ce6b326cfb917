import Foundation
import NavetCore
@testable import NavetStore
import NavetSQLite
import NavetSync
import NavetTestSupport
import NavetWire
import Testing

/// The replica's side of redactions (Protocol/BUNDLE.md, "Redactions"): recomputing a cell
/// from the changes left, deleting what a reply names (never the replica's own changes), and
/// purging the bytes physically before acknowledging.
@Suite struct RedactionTests {
    let folder = TemporaryDirectory(prefix: "navet-redaction")

    static let server = ReplicaID(rawValue: 0x5e5e)
    static let secret = [UInt8](repeating: 7, count: 32)
    static let other = ReplicaID(rawValue: 0x0a0a)
    static let third = ReplicaID(rawValue: 0x0b0b)

    // MARK: recomputeCell against the incremental merge

    /// A deterministic generator (SplitMix64), so a failing seed replays.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Random valid changes over a few cells: each replaces a random subset of lower stamps
    /// already made in its cell (possibly none: a concurrent value).
    static func randomChanges(_ random: inout Seeded) -> [Change] {
        let origins = [ReplicaID(rawValue: 11), ReplicaID(rawValue: 22), ReplicaID(rawValue: 33)]
        var seqs: [ReplicaID: UInt64] = [:]
        var result: [Change] = []
        for record in [RecordID(rawValue: 100), RecordID(rawValue: 200)] {
            for field in ["name", "languages"] {
                var made: [Stamp] = []
                for _ in 0..<Int.random(in: 1...7, using: &random) {
                    let origin = origins.randomElement(using: &random)!
                    let base = made.randomElement(using: &random)?.version ?? 0
                    let version = base + UInt64.random(in: 1...2, using: &random)
                    let stamp = Stamp(version: version, origin: origin)
                    guard !made.contains(stamp) else { continue }
                    let replaces = made.filter { $0 < stamp && Bool.random(using: &random) }
                    seqs[origin, default: 0] += 1
                    result.append(Change(origin: origin, seq: seqs[origin]!, version: version, replaces: replaces,
                                         wallTime: Int64(result.count), recordType: "child", recordID: record,
                                         field: field, value: .text("v\(result.count)"), tag: .basic))
                    made.append(stamp)
                }
            }
        }
        return result
    }

    /// The merge state of a store, independent of local arrival ids.
    static func state(_ store: ReplicaStore) throws -> [String] {
        let cells = try store.db.query("""
            SELECT c.record_id, c.field, c.version, c.origin, ch.origin, ch.seq, c.value, c.heads
            FROM cells c JOIN changes ch ON ch.id = c.change_id ORDER BY 1, 2
            """).map { "cell \($0)" }
        let flags = try store.db.query("SELECT origin, seq, superseded FROM changes ORDER BY 1, 2").map { "change \($0)" }
        let pending = try store.db.query("SELECT * FROM superseded ORDER BY 1, 2, 3, 4").map { "pending \($0)" }
        return cells + flags + pending
    }

    /// Merges `changes` into `store` from scratch (its merge tables emptied first).
    @discardableResult
    func merged(_ changes: [Change], into store: ReplicaStore) throws -> ReplicaStore {
        try store.db.transaction {
            try store.db.execute("DELETE FROM changes; DELETE FROM cells; DELETE FROM superseded;")
            for change in changes { _ = try store.log.apply(change, receivedAt: 0) }
        }
        return store
    }

    func merged(_ changes: [Change], name: String) throws -> ReplicaStore {
        try merged(changes, into: try ReplicaStore.create(path: folder.path(name), replicaID: ReplicaID(rawValue: 99), now: 0))
    }

    @Test func recomputingAfterDeletionEqualsMergingWhatIsLeft() throws {
        let pruned = try ReplicaStore.create(path: folder.path("pruned.db"), replicaID: ReplicaID(rawValue: 99), now: 0)
        let fresh = try ReplicaStore.create(path: folder.path("fresh.db"), replicaID: ReplicaID(rawValue: 99), now: 0)
        try pruned.db.execute("PRAGMA synchronous=OFF")
        try fresh.db.execute("PRAGMA synchronous=OFF")
        for seed in UInt64(1)...200 {
            var random = Seeded(state: seed)
            var changes = Self.randomChanges(&random)
            changes.shuffle(using: &random)
            let removed = changes.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
            let kept = changes.filter { !removed.contains($0) }

            try merged(changes, into: pruned)
            try pruned.db.transaction {
                var cells = Set<CellKey>()
                for change in removed {
                    if let cell = try pruned.log.delete(origin: change.origin, seq: change.seq) { cells.insert(cell) }
                }
                #expect(cells == Set(removed.map { CellKey(recordID: $0.recordID, field: $0.field) }))
                for cell in cells { try pruned.log.recomputeCell(record: cell.recordID, field: cell.field) }
            }
            try merged(kept.shuffled(using: &random), into: fresh)
            #expect(try Self.state(pruned) == Self.state(fresh), "seed \(seed)")
        }
    }

    @Test func recomputingAnUntouchedCellChangesNothing() throws {
        var random = Seeded(state: 4242)
        let store = try merged(Self.randomChanges(&random), name: "same.db")
        let before = try Self.state(store)
        try store.db.transaction {
            for cell in try store.db.query("SELECT record_id, field FROM cells") {
                guard case .integer(let record) = cell[0], case .text(let field) = cell[1] else { continue }
                try store.log.recomputeCell(record: RecordID(rawValue: UInt64(record)), field: field)
            }
        }
        #expect(try Self.state(store) == before)
    }

    // MARK: Redactions in a reply

    func enrolled(_ name: String = "replica.db", id: ReplicaID = ReplicaID(rawValue: 0x1234)) throws -> ReplicaStore {
        try ReplicaStore.create(path: folder.path(name), enrolledAs: id, server: Self.server,
                                url: "http://127.0.0.1:1", secret: Self.secret, now: 0)
    }

    func reply(to replica: ReplicaStore, cursor: UInt64 = 0, newCursor: UInt64 = 0, ack: UInt64 = 0,
               changes: [Change] = [], redactions: [Redaction] = [], refusals: [ChangeRefusal] = [],
               permissions: [ChildPermission]? = nil) -> NavetWire.Bundle {
        NavetWire.Bundle(kind: .reply, schemaVersion: Schema.current.version, sender: Self.server,
                         recipient: replica.replicaID, createdAt: 0, cursor: cursor, newCursor: newCursor, ack: ack,
                         changes: changes, redactions: redactions, refusals: refusals, permissions: permissions)
    }

    @discardableResult
    func apply(_ bundle: NavetWire.Bundle, to replica: ReplicaStore) throws -> ImportSummary {
        try Sync.check(bundle, kind: .reply, schema: replica.schema)
        return try Sync.apply(bundle, token: 0, to: replica, now: 1_000).summary
    }

    static func change(_ origin: ReplicaID, _ seq: UInt64, record: RecordID, type: String = "child", field: String,
                       _ value: String, version: UInt64 = 1, replaces: [Stamp] = [], tag: NavetCore.Tag = .basic) -> Change {
        Change(origin: origin, seq: seq, version: version, replaces: replaces, wallTime: 1_700_000_000_000 + Int64(seq),
               recordType: type, recordID: record, field: field, value: .text(value), tag: tag)
    }

    static let child = RecordID(rawValue: 0xC41D)
    static let note = RecordID(rawValue: 0x0407E)

    /// A child from another organisation with a history (two names), a note about it, and
    /// this replica's own note: canaries in every value that will be redacted.
    func seed(_ replica: ReplicaStore) throws -> (theirs: [Change], own: RecordID) {
        let theirs = [
            Self.change(Self.other, 1, record: Self.child, field: "name", "CANARY-NAME-OLD-41c7"),
            Self.change(Self.other, 2, record: Self.child, field: "name", "CANARY-NAME-NEW-8d02", version: 2,
                        replaces: [Stamp(version: 1, origin: Self.other)]),
            Self.change(Self.other, 3, record: Self.note, type: "note", field: "child", Self.child.description),
            Self.change(Self.other, 4, record: Self.note, type: "note", field: "kind", "observation"),
            // Long enough to spill into overflow pages.
            Self.change(Self.other, 5, record: Self.note, type: "note", field: "text",
                        String(repeating: "lorem ipsum ", count: 800) + "CANARY-HEALTH-NOTE-55aa", tag: .health),
            Self.change(Self.other, 6, record: Self.note, type: "note", field: "author", "Dr CANARY-AUTHOR-90bb"),
        ]
        try apply(reply(to: replica, newCursor: 6, changes: theirs), to: replica)
        let own = try replica.createRecord(type: "note", values: [
            "child": .text(Self.child.description), "kind": .text("observation"), "text": .text("own words OWN-3c3c"),
            "author": .text("Kim"),
        ], now: 2_000)
        return (theirs, own)
    }

    static let canaries = ["CANARY-NAME-OLD-41c7", "CANARY-NAME-NEW-8d02", "CANARY-HEALTH-NOTE-55aa", "CANARY-AUTHOR-90bb"]

    /// Which of `needles` occur anywhere in the raw bytes of the file and its -wal file.
    func found(_ needles: [String], in path: String) -> [String] {
        let files = [path, path + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
        return needles.filter { needle in files.contains { $0.range(of: Data(needle.utf8)) != nil } }
    }

    func redaction(_ id: UInt64, _ changes: [Change]) -> Redaction {
        Redaction(id: id, child: Self.child, reason: "membership_ended",
                  changes: changes.map { ChangeRef(origin: $0.origin, seq: $0.seq) }.sorted())
    }

    @Test func aRedactionDeletesTheNamedChangesAndTheirBytesButNeverOwnChanges() throws {
        let replica = try enrolled()
        let (theirs, own) = try seed(replica)
        // Every canary is in the main file too, not only in the WAL.
        _ = try replica.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(found(Self.canaries, in: replica.path) == Self.canaries)

        // The redaction also names one of this replica's own changes and one never held.
        let ownChange = try #require(replica.allChanges().first { $0.origin == replica.replicaID })
        var named = theirs
        named.append(ownChange)
        named.append(Self.change(Self.third, 9, record: Self.child, field: "name", "never held"))
        let summary = try apply(reply(to: replica, cursor: 6, newCursor: 6, redactions: [redaction(3, named)]), to: replica)
        #expect(summary.redacted == theirs.count)
        #expect(!summary.purgePending)

        #expect(found(Self.canaries, in: replica.path).isEmpty)
        #expect(try replica.records(ofType: "child").isEmpty)
        #expect(try replica.allChanges().allSatisfy { $0.origin == replica.replicaID })
        #expect(try replica.snapshot(own).value("text") == .text("own words OWN-3c3c"), "own record-keeping stays")
        #expect(try replica.status().redactionAck == 3)
        #expect(try replica.status().purgePending == false)
        #expect(try replica.integrityCheck() == ["ok"])
        #expect(try Sync.upload(replica, now: 3_000).bundle.redactionAck == 3)
        // Applying the same reply again changes nothing and keeps the acknowledgement.
        let again = try apply(reply(to: replica, cursor: 6, newCursor: 6, redactions: [redaction(3, named)]), to: replica)
        #expect(again.redacted == 0)
        #expect(try replica.redactionAck() == 3)
    }

    @Test func everyReplicaConnectionDeletesSecurely() throws {
        let replica = try enrolled()
        #expect(try replica.db.scalar("PRAGMA secure_delete") == .integer(1))
        let reopened = try ReplicaStore.open(path: replica.path)
        #expect(try reopened.db.scalar("PRAGMA secure_delete") == .integer(1))
    }

    @Test func aRedactionOfPartOfACellShowsWhatIsLeft() throws {
        let replica = try enrolled()
        let (theirs, _) = try seed(replica)
        // Only the newer name goes: the older one, which it replaced, is shown again.
        try apply(reply(to: replica, cursor: 6, newCursor: 6, redactions: [redaction(1, [theirs[1]])]), to: replica)
        #expect(try replica.snapshot(Self.child).value("name") == .text("CANARY-NAME-OLD-41c7"))
        #expect(try replica.conflicts().isEmpty)
        #expect(found(["CANARY-NAME-NEW-8d02"], in: replica.path).isEmpty)
        // It may come back later (a new grant): the merge takes it as new.
        let summary = try apply(reply(to: replica, cursor: 6, newCursor: 7, changes: [theirs[1]]), to: replica)
        #expect(summary.applied == 1)
        #expect(try replica.snapshot(Self.child).value("name") == .text("CANARY-NAME-NEW-8d02"))
    }

    @Test func aPurgeWaitsForAnotherReaderAndCompletesLater() throws {
        let replica = try enrolled()
        let (theirs, _) = try seed(replica)
        _ = try replica.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
        // Another process reads the file and holds its read transaction open.
        let reader = try Database(path: replica.path)
        try reader.execute("BEGIN")
        _ = try reader.scalar("SELECT count(*) FROM changes")

        let summary = try apply(reply(to: replica, cursor: 6, newCursor: 6, redactions: [redaction(5, theirs)]), to: replica)
        #expect(summary.redacted == theirs.count)
        #expect(summary.purgePending)
        #expect(try replica.status().purgePending)
        #expect(try replica.redactionAck() == 0, "not acknowledged before the purge is complete")
        #expect(try replica.records(ofType: "child").isEmpty, "the values are gone from what the replica shows")
        #expect(try !replica.completePurge(), "still held")
        #expect(try Sync.upload(replica, now: 3_000).bundle.redactionAck == 0)

        try reader.execute("COMMIT")
        // The next command (here: an upload) completes it first, and acknowledges it.
        #expect(try Sync.upload(replica, now: 4_000).bundle.redactionAck == 5)
        #expect(try replica.status().purgePending == false)
        #expect(found(Self.canaries, in: replica.path).isEmpty)
        #expect(try replica.integrityCheck() == ["ok"])
    }

    @Test func aPendingPurgeCompletesWhenTheReplicaIsOpenedAgain() throws {
        let path: String
        do {
            let replica = try enrolled()
            path = replica.path
            let (theirs, _) = try seed(replica)
            let reader = try Database(path: replica.path)
            try reader.execute("BEGIN")
            _ = try reader.scalar("SELECT count(*) FROM cells")
            #expect(try apply(reply(to: replica, cursor: 6, newCursor: 6, redactions: [redaction(2, theirs)]),
                              to: replica).purgePending)
            try reader.execute("COMMIT")
        }
        let status = try CLIRunner(workingDirectory: folder.url).navet("--db", path, "--json", "status")
        #expect(status.code == 0, "\(status.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as? [String: Any])
        #expect(object["purge_pending"] as? Bool == false, "the command that opened it completed the purge")
        #expect(object["redaction_ack"] as? Int == 2)
        #expect(found(Self.canaries, in: path).isEmpty)
    }

    @Test func statusSaysAPurgeIsPending() throws {
        let replica = try enrolled()
        let (theirs, _) = try seed(replica)
        let reader = try Database(path: replica.path)
        try reader.execute("BEGIN")
        _ = try reader.scalar("SELECT count(*) FROM cells")
        #expect(try apply(reply(to: replica, cursor: 6, newCursor: 6, redactions: [redaction(2, theirs)]),
                          to: replica).purgePending)
        let cli = CLIRunner(workingDirectory: folder.url)
        let json = try cli.navet("--db", replica.path, "--json", "status")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["purge_pending"] as? Bool == true)
        #expect(object["redaction_ack"] as? Int == 0)
        let english = try cli.navet("--db", replica.path, "status")
        #expect(english.out.contains("purge pending"), "\(english.out)")
        let swedish = try cli.navet("--db", replica.path, "--lang", "sv", "status")
        #expect(swedish.out.contains("rensning väntar"), "\(swedish.out)")
        try reader.execute("COMMIT")
    }
}
