import NavetCore
import NavetSQLite
import NavetStore
import NavetTestSupport
import Testing

/// The central store merges each upload in memory and writes each cell once
/// (`ChangeLog.merging`). These tests compare what that leaves in the file with merging
/// the same changes one at a time (an upload of one change each: the cell is written
/// after every change), and both with the pure rule (`CellMerge`), over random
/// interleavings of replicas that edit the same cells concurrently, learn of each other's
/// edits before the central store does (a change replacing one that has not arrived),
/// and send uploads again (duplicates).
@Suite struct InMemoryMergeTests {
    static let schedules = 12
    let now: Int64 = 1_790_000_000_000

    @Test(arguments: 0..<InMemoryMergeTests.schedules)
    func anUploadMergedInMemoryEqualsOneChangeAtATime(_ schedule: Int) throws {
        let seed = 0x4D45_5247_4500 + UInt64(schedule)
        var rng = SplitMix64(seed: seed)
        try compareWithOneAtATime(Self.randomUploads(&rng), seed: seed)
    }

    /// Uploads of up to 300 changes over 120 cells: the deferred changes and the new cells
    /// are written in multi-row statements of 64, 32, …, 1 rows (`ChangeLog.batchInsert`),
    /// so every batch size and their seams are crossed.
    @Test(arguments: 0..<3)
    func largeUploadsMergedInMemoryEqualOneChangeAtATime(_ schedule: Int) throws {
        let seed = 0x4241_5443_4800 + UInt64(schedule)
        var rng = SplitMix64(seed: seed)
        let uploads = Self.randomUploads(&rng, steps: 900, records: 40, largestUpload: 300)
        #expect(uploads.contains { Set($0.changes).count > 128 }, "seed \(seed): an upload spans two full batches of 64")
        try compareWithOneAtATime(uploads, seed: seed)
    }

    func compareWithOneAtATime(_ uploads: [Upload], seed: UInt64) throws {
        let folder = TemporaryDirectory()
        let together = try CentralStore.create(path: folder.path("together.db"), serverID: ReplicaID(rawValue: 1), now: now)
        let oneByOne = try CentralStore.create(path: folder.path("one.db"), serverID: ReplicaID(rawValue: 1), now: now)
        var resultTogether = (applied: 0, duplicates: 0)
        var resultOneByOne = (applied: 0, duplicates: 0)
        let watch = try Database(path: folder.path("together.db"), mode: .readOnly)
        var waiting = 0  // stamps replaced before their change arrived, at most at once
        for upload in uploads {
            let merged = try together.acceptUpload(sender: upload.sender, cursor: 0, changes: upload.changes, now: now)
            if case .integer(let count)? = try watch.scalar("SELECT count(*) FROM superseded") {
                waiting = max(waiting, Int(count))
            }
            resultTogether.applied += merged.applied
            resultTogether.duplicates += merged.duplicates
            for change in upload.changes.sorted(by: { $0.seq < $1.seq }) {
                let single = try oneByOne.acceptUpload(sender: upload.sender, cursor: 0, changes: [change], now: now)
                resultOneByOne.applied += single.applied
                resultOneByOne.duplicates += single.duplicates
            }
        }
        #expect(resultTogether.applied == resultOneByOne.applied, "seed \(seed)")
        #expect(resultTogether.duplicates == resultOneByOne.duplicates, "seed \(seed)")
        #expect(resultTogether.applied == Set(uploads.flatMap(\.changes)).count, "seed \(seed)")
        #expect(resultTogether.duplicates > 0, "seed \(seed): the schedule sends some changes again")
        #expect(waiting > 0, "seed \(seed): some change arrives after one that replaces it")

        // The files hold the same rows: cells, every change with its superseded mark and
        // its arrival order, and the stamps replaced before they arrived.
        let queries = [
            "SELECT record_id, field, record_type, version, origin, change_id, value_kind, value, tag, heads FROM cells ORDER BY record_id, field",
            "SELECT id, origin, seq, version, replaces, record_id, field, value, superseded FROM changes ORDER BY id",
            "SELECT record_id, field, version, origin FROM superseded ORDER BY record_id, field, version, origin",
        ]
        let a = try Database(path: folder.path("together.db"), mode: .readOnly)
        let b = try Database(path: folder.path("one.db"), mode: .readOnly)
        for sql in queries {
            #expect(try a.query(sql) == b.query(sql), "seed \(seed): \(sql)")
        }
        // Each cell's chain links its changes in arrival order (layout 26), in both files.
        try CellChainTests.expectChainsHold(a, "seed \(seed), together")
        try CellChainTests.expectChainsHold(b, "seed \(seed), one at a time")

        // And both equal the pure rule over all the changes of each cell.
        let all = try together.allChanges()
        var conflicted = 0
        for (cell, changes) in Dictionary(grouping: all, by: \.cell) {
            let heads = CellMerge.heads(of: changes)
            let snapshot = try together.snapshot(cell.recordID)
            let state = snapshot.fields.first { $0.change.field == cell.field }
            #expect(state?.change == CellMerge.winner(of: changes), "seed \(seed): winner of \(cell)")
            #expect(state?.headCount == heads.count, "seed \(seed): heads of \(cell)")
            if heads.count > 1 { conflicted += 1 }
        }
        #expect(conflicted > 0, "seed \(seed): the schedule makes concurrent edits")
        #expect(try together.conflicts() == oneByOne.conflicts())
        #expect(try together.conflicts().count == conflicted)
        let stamps = Set(all.map(\.stamp))
        let replacedMissing = Set(all.flatMap(\.replaces)).subtracting(stamps)
        #expect(try a.query("SELECT count(*) FROM superseded") == [[.integer(Int64(replacedMissing.count))]])
    }

    /// Within one upload: a change and the edit that replaces it, the same change twice
    /// (a duplicate), and a change reusing a seq with other content (refused whole,
    /// nothing written); ids in arrival order and superseded marks as one at a time.
    @Test func duplicatesAndReplacementsWithinOneUpload() throws {
        let folder = TemporaryDirectory()
        let store = try CentralStore.create(path: folder.path("c.db"), serverID: ReplicaID(rawValue: 1), now: now)
        let sender = ReplicaID(rawValue: 0x2000)
        let record = RecordID(rawValue: 0xC3)
        func change(_ seq: UInt64, _ version: UInt64, _ replaces: [Stamp], _ value: String) -> Change {
            Change(origin: sender, seq: seq, version: version, replaces: replaces, wallTime: now + Int64(seq),
                   recordType: "child", recordID: record, field: "name", value: .text(value), tag: .basic)
        }
        let first = change(1, 1, [], "Amina")
        let second = change(2, 2, [first.stamp], "Amina B")
        let third = change(3, 3, [second.stamp], "Amina C")
        let result = try store.acceptUpload(sender: sender, cursor: 0, changes: [third, first, second, first, third],
                                            now: now)
        #expect(result.applied == 3 && result.duplicates == 2)
        let db = try Database(path: folder.path("c.db"), mode: .readOnly)
        #expect(try db.query("SELECT id, seq, superseded FROM changes ORDER BY id") == [
            [.integer(1), .integer(1), .integer(1)], [.integer(2), .integer(2), .integer(1)],
            [.integer(3), .integer(3), .integer(0)],
        ])
        #expect(try db.query("SELECT change_id, heads, value FROM cells") == [[.integer(3), .integer(1), .text("Amina C")]])
        // The same seq with other content, within one upload: nothing of it is written.
        let fourth = change(4, 4, [third.stamp], "Amina D")
        var forged = fourth
        forged.value = .text("Forged")
        do {
            _ = try store.acceptUpload(sender: sender, cursor: 0, changes: [fourth, forged], now: now)
            Issue.record("a seq reused with other content within one upload was accepted")
        } catch {
            guard case .conflictingDuplicate(let origin, let seq) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(origin == sender && seq == 4)
        }
        #expect(try store.changeCount == 3)
        // Sent again with the next one: the held ones are duplicates, the new one replaces
        // the stored winner.
        let again = try store.acceptUpload(sender: sender, cursor: 0, changes: [second, third, fourth, fourth], now: now)
        #expect(again.applied == 1 && again.duplicates == 3)
        #expect(try db.query("SELECT id, seq, superseded FROM changes WHERE seq >= 3 ORDER BY id") == [
            [.integer(3), .integer(3), .integer(1)], [.integer(4), .integer(4), .integer(0)],
        ])
        #expect(try store.snapshot(record).value("name") == .text("Amina D"))
    }

    /// Under need to know, with refused changes in the middle of an upload (stored as
    /// refused between changes merged in memory) and copies of accepted and refused
    /// changes: merging the upload at once leaves the same rows as one change at a time,
    /// on two copies of the same central store.
    @Test func aRefusedChangeInTheMiddleOfAnUpload() throws {
        let region = try Region(organisations: [("Socialtjänsten", .socialServices), ("Skolan", .school)])
        let social = region["Socialtjänsten"]
        let child = try social.createRecord(type: "child", values: [
            "name": .text("Amina"), "asylum_status": .text("pending"), "birth_date": .text("2010-05-01"),
        ], now: region.now)
        _ = try social.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("Skolan"), "role": .text("school_mentor"),
            "start_date": .text(region.day(-1)),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        try region.sync("Skolan")
        // A second child, its name edited twice in the same upload, a note in a tag social
        // services may not write (refused, every change of it) in the middle, and an edit
        // of the first child's stored name.
        let second = try social.createRecord(type: "child", values: [
            "name": .text("Bashir"), "asylum_status": .text("pending"), "birth_date": .text("2011-02-03"),
        ], now: region.now)
        _ = try social.set(record: second, field: "name", value: .text("Bashir A"), now: region.now)
        _ = try social.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Frånvaro"),
        ], tag: .school, now: region.now)
        _ = try social.set(record: second, field: "name", value: .text("Bashir B"), now: region.now)
        _ = try social.set(record: child, field: "name", value: .text("Amina R"), now: region.now)
        let pending = try social.pendingChanges()
        let refused = pending.filter { $0.recordType == "note" }
        #expect(!refused.isEmpty)
        let upload = pending + [refused[0], pending[0], pending[pending.count - 1]]

        // A copy of the central store as it stands.
        let copyPath = region.folder.path("copy.db")
        try Database(path: region.folder.path("central.db")).execute("VACUUM INTO '\(copyPath)'")
        let copy = try CentralStore.open(path: copyPath)
        let at = region.now + 1000
        let together = try region.central.acceptUpload(sender: social.replicaID, cursor: 0, changes: upload,
                                                       access: region.access, now: at)
        // One change at a time, except the note's changes, sent together: the write checks
        // find a note's child from the upload's `child` change (alone they would refuse
        // its other fields for another reason).
        var oneByOne = (applied: 0, duplicates: 0, refused: 0)
        var pieces: [[Change]] = []
        for change in upload.sorted(by: { $0.seq < $1.seq }) {
            if change.recordType == "note", pieces.last?.last?.recordType == "note" {
                pieces[pieces.count - 1].append(change)
            } else {
                pieces.append([change])
            }
        }
        for piece in pieces {
            let single = try copy.acceptUpload(sender: social.replicaID, cursor: 0, changes: piece,
                                               access: region.access, now: at)
            oneByOne.applied += single.applied
            oneByOne.duplicates += single.duplicates
            oneByOne.refused += single.refused
        }
        #expect(together.applied == oneByOne.applied && together.duplicates == oneByOne.duplicates
                && together.refused == oneByOne.refused)
        #expect(together.refused == refused.count && together.duplicates == 3
                && together.applied == pending.count - refused.count)
        let queries = [
            "SELECT record_id, field, record_type, version, origin, change_id, value_kind, value, tag, heads FROM cells ORDER BY record_id, field",
            "SELECT id, origin, seq, version, replaces, record_id, field, value, superseded, child_id, refused, received_at FROM changes ORDER BY id",
            "SELECT record_id, field, version, origin FROM superseded ORDER BY record_id, field, version, origin",
            "SELECT origin, seq, reason FROM refusals ORDER BY origin, seq",
            "SELECT origin, contiguous_seq FROM origins ORDER BY origin",
            "SELECT child_id, registrar, protected FROM child_facts ORDER BY child_id",
            "SELECT record_id, child_id, organisation, role FROM hub ORDER BY record_id",
        ]
        let a = try Database(path: region.folder.path("central.db"), mode: .readOnly)
        let b = try Database(path: copyPath, mode: .readOnly)
        for sql in queries {
            let (rowsA, rowsB) = (try a.query(sql), try b.query(sql))
            #expect(rowsA == rowsB, "\(sql)\n\(rowsA)\n\(rowsB)")
        }
        // Bashir and Bashir A replaced within the upload, Amina (stored) by Amina R.
        #expect(try a.query("SELECT count(*) FROM changes WHERE superseded = 1 AND refused = 0 AND field = 'name'")
                == [[.integer(3)]])
        #expect(try region.central.snapshot(second).value("name") == .text("Bashir B"))
        #expect(try region.central.snapshot(child).value("name") == .text("Amina R"))
    }

    struct Upload {
        var sender: ReplicaID
        var changes: [Change]
    }

    /// Four replicas edit six cells. Each knows its own changes and those it learned from
    /// others (directly, as by a bundle file passed on, so the central store may see an
    /// edit before the change it replaces); an edit replaces the heads it knows. Each
    /// replica's changes are cut into uploads of one to eight changes, sometimes starting
    /// again a few changes back, and the uploads of different replicas are interleaved.
    static func randomUploads(
        _ rng: inout SplitMix64, steps: Int = 120, records recordCount: Int = 2, largestUpload: Int = 8
    ) -> [Upload] {
        let replicas = (0..<4).map { ReplicaID(rawValue: 0x1000 + UInt64($0) * 0x1_0001) }
        let records = (0..<recordCount).map { RecordID(rawValue: 0xA1 + UInt64($0) * 0x1011) }
        let fields = ["name", "languages", "search_description"]
        var own: [[Change]] = Array(repeating: [], count: replicas.count)
        var known: [Set<Change>] = Array(repeating: [], count: replicas.count)
        for step in 0..<steps {
            let r = Int.random(in: 0..<replicas.count, using: &rng)
            if Int.random(in: 0..<10, using: &rng) < 3 {
                // Learn another replica's changes so far.
                let other = Int.random(in: 0..<replicas.count, using: &rng)
                known[r].formUnion(own[other])
                continue
            }
            let record = records.randomElement(using: &rng)!
            let field = fields.randomElement(using: &rng)!
            let cell = CellKey(recordID: record, field: field)
            let seen = known[r].filter { $0.cell == cell }
            let heads = CellMerge.heads(of: Array(seen))
            let change = Change(
                origin: replicas[r], seq: UInt64(own[r].count + 1),
                version: (seen.map(\.version).max() ?? 0) + 1, replaces: heads.map(\.stamp).sorted(),
                wallTime: 1_790_000_000_000 + Int64(step), recordType: "child", recordID: record, field: field,
                value: .text("värde \(step)"), tag: .basic)
            own[r].append(change)
            known[r].insert(change)
        }
        // Cut each replica's log into uploads, some repeating changes already sent.
        var queues: [[Upload]] = []
        for (r, changes) in own.enumerated() {
            var queue: [Upload] = []
            var next = 0
            while next < changes.count {
                let back = next > 0 && Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 1...min(3, next), using: &rng) : 0
                let start = next - back
                let end = min(changes.count, next + Int.random(in: 1...largestUpload, using: &rng))
                var piece = Array(changes[start..<end])
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    piece.append(piece.randomElement(using: &rng)!)  // the same change twice in one upload
                }
                piece.shuffle(using: &rng)  // the store sorts an upload by seq
                queue.append(Upload(sender: replicas[r], changes: piece))
                next = end
            }
            queues.append(queue)
        }
        var uploads: [Upload] = []
        while queues.contains(where: { !$0.isEmpty }) {
            let r = queues.indices.filter { !queues[$0].isEmpty }.randomElement(using: &rng)!
            uploads.append(queues[r].removeFirst())
        }
        return uploads
    }
}
