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
        let uploads = Self.randomUploads(&rng)
        let folder = try TemporaryDirectory()
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

    struct Upload {
        var sender: ReplicaID
        var changes: [Change]
    }

    /// Four replicas edit six cells. Each knows its own changes and those it learned from
    /// others (directly, as by a bundle file passed on, so the central store may see an
    /// edit before the change it replaces); an edit replaces the heads it knows. Each
    /// replica's changes are cut into uploads of one to eight changes, sometimes starting
    /// again a few changes back, and the uploads of different replicas are interleaved.
    static func randomUploads(_ rng: inout SplitMix64) -> [Upload] {
        let replicas = (0..<4).map { ReplicaID(rawValue: 0x1000 + UInt64($0) * 0x1_0001) }
        let records = [RecordID(rawValue: 0xA1), RecordID(rawValue: 0xB2)]
        let fields = ["name", "languages", "search_description"]
        var own: [[Change]] = Array(repeating: [], count: replicas.count)
        var known: [Set<Change>] = Array(repeating: [], count: replicas.count)
        for step in 0..<120 {
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
                let end = min(changes.count, next + Int.random(in: 1...8, using: &rng))
                var piece = Array(changes[start..<end])
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
