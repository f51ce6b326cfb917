import NavetCore
import NavetStore
import NavetTestSupport
import Testing

/// Field-level merge through real replica files and a real central store.
@Suite struct MergeTests {
    let day: Int64 = 86_400_000
    let t0: Int64 = 1_790_000_000_000

    @Test func successiveEditsNeverConflict() throws {
        let sync = try SyncHarness(replicas: 2)
        let (a, b) = (sync.replicas[0], sync.replicas[1])
        let child = try a.createRecord(type: "child", values: ["name": .text("Amina")], now: t0)
        try sync.syncAll(now: t0)
        try b.set(record: child, field: "asylum_status", value: .text("pending"), now: t0 + 1)
        try sync.syncAll(now: t0 + 2)
        try a.set(record: child, field: "asylum_status", value: .text("rejected"), now: t0 + 3)
        try sync.syncAll(now: t0 + 4)
        try b.set(record: child, field: "asylum_status", value: .text("appealed"), now: t0 + 5)
        try sync.syncAll(now: t0 + 6)
        for replica in sync.replicas {
            #expect(try replica.conflicts().isEmpty)
            #expect(try replica.snapshot(child).value("asylum_status") == .text("appealed"))
            let states = try replica.history(child).filter { $0.change.field == "asylum_status" }.map(\.state)
            #expect(states == [.superseded, .superseded, .shown])
        }
    }

    @Test func concurrentEditsAreKeptAndListed() throws {
        let sync = try SyncHarness(replicas: 2)
        let (a, b) = (sync.replicas[0], sync.replicas[1])
        let child = try a.createRecord(type: "child", values: ["name": .text("Amina")], now: t0)
        try sync.syncAll(now: t0)
        try a.set(record: child, field: "arrival_municipality", value: .text("Strömsund"), now: t0 + 10)
        try b.set(record: child, field: "arrival_municipality", value: .text("Östersund"), now: t0 + 20)
        try sync.syncAll(now: t0 + 30)
        var shown: Set<FieldValue> = []
        for replica in sync.replicas {
            let conflicts = try replica.conflicts()
            #expect(conflicts.count == 1)
            #expect(Set(conflicts[0].heads.map(\.value)) == [.text("Strömsund"), .text("Östersund")])
            shown.insert(try replica.snapshot(child).value("arrival_municipality"))
        }
        #expect(shown.count == 1, "every replica shows the same winner")
        #expect(try sync.central.conflicts().count == 1)

        // Resolving records an ordinary change that supersedes both.
        try b.resolve(record: child, field: "arrival_municipality", value: .text("Strömsund"), now: t0 + 40)
        try sync.syncAll(now: t0 + 50)
        for replica in sync.replicas {
            #expect(try replica.conflicts().isEmpty)
            #expect(try replica.snapshot(child).value("arrival_municipality") == .text("Strömsund"))
            let history = try replica.history(child).filter { $0.change.field == "arrival_municipality" }
            #expect(history.count == 3, "history keeps every value")
        }
        #expect(try sync.central.conflicts().isEmpty)
    }

    @Test(arguments: [-5, -2, 2, 5, 30])
    func aSkewedClockCannotWin(days: Int64) throws {
        let sync = try SyncHarness(replicas: 2)
        let (honest, skewed) = (sync.replicas[0], sync.replicas[1])
        let child = try honest.createRecord(type: "child", values: ["name": .text("Yonas")], now: t0)
        try sync.syncAll(now: t0)

        // The skewed replica edits first (in real time), the honest one after seeing it:
        // the honest edit wins although its wall clock says it is older or much newer.
        try skewed.set(record: child, field: "languages", value: .text("tigrinja"), now: t0 + days * day)
        try sync.syncAll(now: t0 + 1)
        try honest.set(record: child, field: "languages", value: .text("tigrinja, arabiska"), now: t0 + 2)
        try sync.syncAll(now: t0 + 3)
        for replica in sync.replicas {
            #expect(try replica.snapshot(child).value("languages") == .text("tigrinja, arabiska"))
            #expect(try replica.conflicts().isEmpty)
        }

        // Concurrent edits: the winner is decided by version and origin, never by the clock,
        // so moving the skewed replica's clock does not change who wins.
        try skewed.set(record: child, field: "search_description", value: .text("röd jacka"), now: t0 + days * day)
        try honest.set(record: child, field: "search_description", value: .text("blå jacka"), now: t0 + 4)
        try sync.syncAll(now: t0 + 5)
        let winner = try honest.snapshot(child).field("search_description")!.change.origin
        let expected = max(honest.replicaID, skewed.replicaID)
        #expect(winner == expected)
        #expect(try honest.conflicts().count == 1)
    }

    @Test func arrivalOrderDoesNotMatter() throws {
        // Three changes of one cell: b replaces a; c is concurrent with both. Every order of
        // arrival, including the replacing change before the one it replaces, gives the
        // same state: heads {b, c}, winner the higher stamp.
        let sync = try SyncHarness(replicas: 1)
        let (x, y, z) = (ReplicaID(rawValue: 11), ReplicaID(rawValue: 22), ReplicaID(rawValue: 33))
        let record = RecordID(rawValue: 99)
        func change(_ origin: ReplicaID, _ version: UInt64, _ replaces: [Stamp], _ text: String) -> Change {
            Change(origin: origin, seq: 1, version: version, replaces: replaces, wallTime: t0, recordType: "child",
                   recordID: record, field: "name", value: .text(text), tag: .basic)
        }
        let a = change(x, 1, [], "Hamid")
        let b = change(y, 2, [a.stamp], "Hamid A.")
        let c = change(z, 1, [], "Hamed")
        let orders = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]]
        for (index, order) in orders.enumerated() {
            let replica = try ReplicaStore.create(path: sync.folder.path("order\(index).db"), now: t0)
            for item in order {  // one at a time, as separate imports
                _ = try replica.applyReply(server: ReplicaID(rawValue: 5), cursor: 0, newCursor: 0, ack: 0,
                                           changes: [item], now: t0)
            }
            _ = try replica.applyReply(server: ReplicaID(rawValue: 5), cursor: 0, newCursor: 0, ack: 0,
                                       changes: order, now: t0)  // and all again: duplicates
            #expect(try replica.heads(record: record, field: "name") == [b, c])
            #expect(try replica.snapshot(record).value("name") == .text("Hamid A."))
            #expect(try replica.conflicts().count == 1)
        }
    }

    @Test func notesAreAppendOnly() throws {
        let sync = try SyncHarness(replicas: 1)
        let a = sync.replicas[0]
        let child = try a.createRecord(type: "child", values: ["name": .text("Sara")], now: t0)
        let note = try a.createRecord(
            type: "note", values: ["child": .text(child.description), "kind": .text("information_talk"),
                                   "text": .text("Informationssamtal om asylprocessen.")],
            tag: .asylum, now: t0)
        #expect(throws: StoreError.self) {
            try a.set(record: note, field: "text", value: .text("ändrad"), now: t0)
        }
        let notes = try a.notes(child: child)
        #expect(notes.map(\.id) == [note])
        #expect(notes[0].fields.allSatisfy { $0.change.tag == .asylum })
    }

    @Test func invalidLocalEditsChangeNothing() throws {
        let sync = try SyncHarness(replicas: 1)
        let a = sync.replicas[0]
        let child = try a.createRecord(type: "child", values: ["name": .text("Sara")], now: t0)
        let before = try a.allChanges()
        #expect(throws: StoreError.self) { try a.set(record: child, field: "shoe_size", value: .text("40"), now: t0) }
        #expect(throws: StoreError.self) { try a.set(record: child, field: "birth_date", value: .text("2009-13-01"), now: t0) }
        #expect(throws: StoreError.self) { try a.set(record: RecordID(rawValue: 42), field: "name", value: .text("X"), now: t0) }
        #expect(throws: StoreError.self) { try a.createRecord(type: "child", values: [:], now: t0) }
        #expect(throws: StoreError.self) {
            try a.createRecord(type: "note", values: ["child": .text(RecordID(rawValue: 7).description),
                                                      "kind": .text("meeting"), "text": .text("x")], now: t0)
        }
        #expect(try a.allChanges() == before)
    }

    @Test func theReferenceRuleAgreesWithTheStore() throws {
        // heads/winner from the pure rule equal what the store keeps incrementally.
        let sync = try SyncHarness(replicas: 3)
        let child = try sync.replicas[0].createRecord(type: "child", values: ["name": .text("Noor")], now: t0)
        try sync.syncAll(now: t0)
        for (index, replica) in sync.replicas.enumerated() {
            try replica.set(record: child, field: "name", value: .text("Noor \(index)"), now: t0 + 1)
        }
        try sync.syncAll(now: t0 + 2)
        let all = try sync.central.allChanges().filter { $0.field == "name" }
        let heads = CellMerge.heads(of: all)
        #expect(heads.count == 3)
        #expect(try sync.central.conflicts()[0].heads == heads)
        #expect(try sync.central.snapshot(child).value("name") == CellMerge.winner(of: all)!.value)
    }

    @Test func largeRepliesAndUploadsArePaged() throws {
        let sync = try SyncHarness(replicas: 2)
        let (a, b) = (sync.replicas[0], sync.replicas[1])
        for index in 0..<10 {
            _ = try a.createRecord(type: "child", values: ["name": .text("Barn \(index)")], now: t0)
        }
        // Uploads in pages of 4: three uploads carry all ten changes, in order.
        var rounds = 0
        while try a.status().pending > 0 {
            let page = try a.pendingChanges(limit: 4)
            #expect(page.count <= 4)
            let result = try sync.central.acceptUpload(sender: a.replicaID, cursor: 0, changes: page, now: t0)
            let reply = try sync.central.reply(for: a.replicaID, after: 0)
            _ = try a.applyReply(server: sync.central.serverID, cursor: 0, newCursor: reply.newCursor, ack: reply.ack,
                                 changes: reply.changes, now: t0)
            #expect(result.applied == page.count)
            rounds += 1
        }
        #expect(rounds == 3)
        // Replies in pages of 3: B catches up in four replies, never skipping a change.
        var cursor: UInt64 = 0
        rounds = 0
        repeat {
            let page = try sync.central.reply(for: b.replicaID, after: cursor, limit: 3)
            _ = try b.applyReply(server: sync.central.serverID, cursor: cursor, newCursor: page.newCursor, ack: page.ack,
                                 changes: page.changes, now: t0)
            #expect(try b.status().cursor == page.newCursor)
            cursor = page.newCursor
            rounds += 1
        } while try b.allChanges().count < 10
        #expect(rounds == 4)
        #expect(Set(try b.allChanges()) == Set(try a.allChanges()))
        #expect(try sync.central.reply(for: b.replicaID, after: cursor).changes.isEmpty)
    }

    /// A change may replace each lower stamp once: a stamp named twice is refused at every
    /// count (pairwise up to 8 stamps, through a set above), at any place in the list.
    @Test func aStampReplacedTwiceIsRefusedAtEveryCount() {
        func change(version: UInt64, _ replaces: [Stamp]) -> Change {
            Change(origin: ReplicaID(rawValue: 1), seq: 1, version: version, replaces: replaces, wallTime: 0,
                   recordType: "child", recordID: RecordID(rawValue: 1), field: "name", value: .text("x"), tag: .basic)
        }
        for count in [0, 1, 2, 3, 8, 9, 20] {
            let distinct = (0..<count).map { Stamp(version: UInt64($0 + 1), origin: ReplicaID(rawValue: UInt64($0 % 3 + 1))) }
            #expect(CellMerge.validateReplaces(change(version: 100, distinct)), "\(count) distinct stamps")
            #expect(!CellMerge.validateReplaces(change(version: UInt64(count), distinct)) || count == 0,
                    "\(count) stamps, one not below the version")
            for (first, second) in [(0, 1), (0, count - 1), (count / 2, count - 1)] where count >= 2 && first < second {
                var twice = distinct
                twice[second] = twice[first]
                #expect(!CellMerge.validateReplaces(change(version: 100, twice)), "\(count) stamps, \(first) at \(second)")
            }
        }
        #expect(!CellMerge.validateReplaces(change(version: 0, [])), "version 0")
    }
}
