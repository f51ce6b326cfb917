import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetTestSupport
import Testing

/// The proof of convergence: random replicas, random offline edits (concurrent edits of the
/// same fields, notes, conflict resolutions), synced through the central store in random
/// order with duplicated, reordered and re-imported bundles (a replica refuses every reply
/// that is not the answer to its latest upload, or was applied already). Afterwards every replica's
/// visible state, conflict set and history equal the server's, and the server's state
/// equals the pure merge rule applied to its change set.
///
/// Replay one schedule: `NAVET_SEED=<seed> swift test --filter replaySeed`.
@Suite struct ConvergenceTests {
    static let schedules = 200

    @Test(arguments: 0..<ConvergenceTests.schedules)
    func randomSchedule(_ index: Int) throws {
        try Schedule(seed: 0x4E41_5645_5400_0000 &+ UInt64(index)).run()
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["NAVET_SEED"] != nil))
    func replaySeed() throws {
        let text = ProcessInfo.processInfo.environment["NAVET_SEED"]!
        let seed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16)! : UInt64(text)!
        try Schedule(seed: seed, verbose: true).run()
    }
}

struct Schedule {
    let seed: UInt64
    var verbose = false

    static let fields = ["name", "languages", "asylum_status", "arrival_municipality", "birth_date"]
    static let values: [String: [FieldValue]] = [
        "name": ["Amina", "Åsa", "Yonas", "Märta Öst"].map { .text($0) },
        "languages": ["dari", "tigrinja", "arabiska, svenska"].map { .text($0) },
        "asylum_status": ["pending", "rejected", "appealed", "granted"].map { .text($0) },
        "arrival_municipality": ["Strömsund", "Östersund", "Malmö"].map { .text($0) },
        "birth_date": ["2008-01-01", "2009-02-28", "2010-12-31"].map { .text($0) },
    ]

    func run() throws {
        var rng = SplitMix64(seed: seed)
        let count = Int.random(in: 3...8, using: &rng)
        let sync = try SyncHarness(replicas: count)
        var clock: Int64 = 1_790_000_000_000
        var uploads: [[UInt8]] = []
        var replies: [(replica: Int, bytes: [UInt8])] = []
        func log(_ text: @autoclosure () -> String) { if verbose { print("seed \(seed): \(text())") } }

        let steps = Int.random(in: 30...80, using: &rng)
        for _ in 0..<steps {
            clock += Int64.random(in: 1...100_000, using: &rng)
            let r = Int.random(in: 0..<count, using: &rng)
            let replica = sync.replicas[r]
            let children = try replica.records(ofType: "child").map(\.id)
            let roll = children.isEmpty ? 0 : Int.random(in: 0..<100, using: &rng)
            switch roll {
            case 0..<8:
                let name = Self.values["name"]!.randomElement(using: &rng)!
                let id = try replica.createRecord(type: "child", values: ["name": name], now: clock)
                log("replica \(r) creates child \(id)")
            case 8..<45:
                let child = children.randomElement(using: &rng)!
                let field = Self.fields.randomElement(using: &rng)!
                let value = Self.values[field]!.randomElement(using: &rng)!
                try replica.set(record: child, field: field, value: value, now: clock)
                log("replica \(r) sets \(field) of \(child)")
            case 45..<55:
                let child = children.randomElement(using: &rng)!
                _ = try replica.createRecord(
                    type: "note",
                    values: ["child": .text(child.description), "kind": .text("observation"),
                             "text": .text("anteckning \(Int.random(in: 0...999, using: &rng))")],
                    tag: NavetCore.Tag.vocabulary.randomElement(using: &rng)!, now: clock)
                log("replica \(r) writes a note")
            case 55..<62:
                guard let conflict = try replica.conflicts().randomElement(using: &rng) else { continue }
                let value = conflict.heads.randomElement(using: &rng)!.value
                try replica.resolve(record: conflict.cell.recordID, field: conflict.cell.field, value: value, now: clock)
                log("replica \(r) resolves \(conflict.cell.field) of \(conflict.cell.recordID)")
            case 62..<75:
                uploads.append(try sync.export(r, now: clock))
                log("replica \(r) exports")
            case 75..<88:
                guard !uploads.isEmpty else { continue }
                let pick = Int.random(in: 0..<uploads.count, using: &rng)
                let upload = uploads[pick]
                // Sometimes keep it, so it is delivered again later: the server refuses the
                // replayed bundle (its nonce was used) and nothing changes.
                if Bool.random(using: &rng) { uploads.remove(at: pick) }
                guard let reply = try deliver(upload, sync, clock) else {
                    log("server refuses a replayed upload")
                    continue
                }
                let recipient = sync.replicas.firstIndex { $0.replicaID == (try? sync.decodeRecipient(reply)) }!
                replies.append((recipient, reply))
                log("server imports an upload for replica \(recipient)")
            default:
                guard !replies.isEmpty else { continue }
                let pick = Int.random(in: 0..<replies.count, using: &rng)
                let reply = replies[pick]
                if Bool.random(using: &rng) { replies.remove(at: pick) }
                if try importReply(reply, sync, clock) {
                    log("replica \(reply.replica) imports a reply")
                } else {
                    log("replica \(reply.replica) refuses a stale reply")
                }
            }
        }
        // Late deliveries of whatever is still in flight, in shuffled order, then a full sync.
        for upload in uploads.shuffled(using: &rng) {
            guard let reply = try deliver(upload, sync, clock) else { continue }
            let recipient = sync.replicas.firstIndex { $0.replicaID == (try? sync.decodeRecipient(reply)) }!
            replies.append((recipient, reply))
        }
        for reply in replies.shuffled(using: &rng) { _ = try importReply(reply, sync, clock) }
        try sync.syncAll(now: clock + 1)
        try check(sync)
    }

    /// The reply to an upload, or nil when the server refused it as a replay, which is the
    /// only refusal a correct schedule can meet.
    func deliver(_ upload: [UInt8], _ sync: SyncHarness, _ clock: Int64) throws -> [UInt8]? {
        do {
            return try sync.serverImport(upload, now: clock)
        } catch let refusal as Refusal where refusal.reason == .replayedNonce {
            return nil
        }
    }

    /// Imports a reply; false when the replica refused it as stale (not the answer to its
    /// latest upload, or answered already: Protocol/BUNDLE.md, "Which reply a replica
    /// applies"), the only refusal a correct schedule can meet, which changes nothing.
    func importReply(_ reply: (replica: Int, bytes: [UInt8]), _ sync: SyncHarness, _ clock: Int64) throws -> Bool {
        let replica = sync.replicas[reply.replica]
        let before = try replica.allChanges()
        do {
            try sync.importReply(reply.replica, reply.bytes, now: clock)
            return true
        } catch SyncError.staleReply {
            #expect(try replica.allChanges() == before, "seed \(seed): a stale reply changed replica \(reply.replica)")
            return false
        }
    }

    func check(_ sync: SyncHarness) throws {
        let central: CentralStore = sync.central
        let history = try central.allChanges()
        let expectedHistory = Set(history)
        #expect(expectedHistory.count == history.count, "seed \(seed): duplicate change on the server")

        // The server's incremental state equals the pure rule over its change set.
        let byCell = Dictionary(grouping: history, by: \.cell)
        var expectedConflicts: [CellKey: [Change]] = [:]
        for (cell, changes) in byCell {
            let heads = CellMerge.heads(of: changes)
            if heads.count > 1 { expectedConflicts[cell] = heads }
            let shown = try central.snapshot(cell.recordID).field(cell.field)
            #expect(shown?.change == CellMerge.winner(of: changes), "seed \(seed): winner of \(cell)")
            #expect(shown?.headCount == heads.count, "seed \(seed): heads of \(cell)")
        }
        let conflicts = try central.conflicts()
        #expect(Dictionary(uniqueKeysWithValues: conflicts.map { ($0.cell, $0.heads) }) == expectedConflicts,
                "seed \(seed): server conflicts")
        let records = try central.recordIDs()
        let serverState = try records.map { try central.snapshot($0) }

        for (index, replica) in sync.replicas.enumerated() {
            #expect(Set(try replica.allChanges()) == expectedHistory, "seed \(seed): history of replica \(index)")
            #expect(try records.map { try replica.snapshot($0) } == serverState, "seed \(seed): state of replica \(index)")
            #expect(try replica.conflicts() == conflicts, "seed \(seed): conflicts of replica \(index)")
            #expect(try replica.status().pending == 0, "seed \(seed): replica \(index) still has pending changes")
            #expect(try replica.integrityCheck() == ["ok"])
        }
        #expect(try central.integrityCheck() == ["ok"])
    }
}
