import Foundation
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// The replicas' read logs at rest on the central store (issue 13, points 4 and 6;
/// Protocol/AUDIT.md, "Retention"): `navetd audit verify` recomputes every stored entry, so
/// an entry changed, deleted or moved in the central store with the real `sqlite3` tool is
/// found; `navetd audit prune` removes old entries behind a signed base and what remains
/// still verifies, also when a replica sends its whole log again.
@Suite struct ReadLogRetentionTests {
    let folder = TemporaryDirectory(prefix: "navet-readlog-retention")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }
    let day: Int64 = 86_400_000
    let realNow = Int64(Date().timeIntervalSince1970 * 1000)

    /// A chain of `count` entries of `replica` from `seq`, continuing `previous`, written
    /// `daysAgo` days before now, one a minute.
    func chain(_ replica: ReplicaID, from seq: UInt64 = 1, count: Int, previous: [UInt8] = AuditEntry.genesis,
               daysAgo: Int64, child: RecordID) -> [AuditEntry] {
        var previous = previous
        return (0..<count).map { index in
            var entry = AuditEntry(seq: seq + UInt64(index), replica: replica, time: realNow - daysAgo * day + Int64(index) * 60_000,
                                   user: "anna", kind: "display", command: "child show", records: [child],
                                   fields: ["child.name"], tags: ["basic"], purpose: nil, previousHash: previous)
            entry.hash = entry.computedHash
            previous = entry.hash
            return entry
        }
    }

    /// A central store holding two replicas' logs: 10 entries 400 days old, then 5 from yesterday.
    func setUp() throws -> (central: CentralStore, replicas: [ReplicaID], entries: [ReplicaID: [AuditEntry]]) {
        let central = try CentralStore.create(path: folder.path("central.db"), now: realNow)
        _ = try central.addOrganisation(name: "Socialtjänsten Umeå", kind: .socialServices, municipality: "Umeå", now: realNow)
        var entries: [ReplicaID: [AuditEntry]] = [:]
        var replicas: [ReplicaID] = []
        let child = RecordID(rawValue: 0x7099_a1b2_c3d4_e5f6)
        for _ in 0..<2 {
            let replica = try central.enroll(organisation: "Socialtjänsten Umeå", now: realNow).replicaID
            let old = chain(replica, count: 10, daysAgo: 400, child: child)
            let recent = chain(replica, from: 11, count: 5, previous: old.last!.hash, daysAgo: 1, child: child)
            let result = try central.acceptReadLog(sender: replica, from: 1, last: 15, ownCheckFailed: false,
                                                   entries: old + recent, now: realNow)
            #expect(result.ack == 15 && result.breaks.isEmpty)
            replicas.append(replica)
            entries[replica] = old + recent
        }
        return (central, replicas, entries)
    }

    func verify(_ db: String = "central.db") throws -> (code: Int32, problems: [String]) {
        let result = try cli.navetd("--db", db, "--json", "audit", "verify")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let logs = object?["read_logs"] as? [String: Any]
        let problems = (logs?["stored_problems"] as? [[String: Any]] ?? []).map { "\($0["kind"]!)@\($0["seq"]!)" }
        return (result.code, problems)
    }

    @Test func anEntryChangedDeletedOrMovedInTheCentralStoreIsFound() throws {
        let (_, replicas, _) = try setUp()
        #expect(try verify() == (0, []))
        let key = Int64(bitPattern: replicas[0].rawValue)
        func tampered(_ name: String, _ sql: String) throws -> [String] {
            let copy = folder.path(name)
            _ = try SQLite3Tool.run(folder.path("central.db"), ".backup '\(copy)'")
            _ = try SQLite3Tool.run(copy, sql)
            let result = try verify(name)
            #expect(result.code == 8)
            return result.problems
        }
        #expect(try tampered("edited.db", "UPDATE central_read_log SET user = 'mallory' WHERE replica = \(key) AND seq = 4")
                == ["entry_changed@4"])
        #expect(try tampered("deleted.db", "DELETE FROM central_read_log WHERE replica = \(key) AND seq = 6") == ["entry_missing@6"])
        // Rehashed after the edit, to hide it: the next entry no longer follows.
        #expect(try tampered("moved.db", """
            UPDATE central_read_log SET seq = 100 WHERE replica = \(key) AND seq = 7;
            UPDATE central_read_log SET seq = 7 WHERE replica = \(key) AND seq = 8;
            UPDATE central_read_log SET seq = 8 WHERE replica = \(key) AND seq = 100;
            """).first?.hasPrefix("entry_changed@7") == true)
        #expect(try tampered("cut.db", "DELETE FROM central_read_log WHERE replica = \(key) AND seq = 15") == ["head_mismatch@15"])
        let text = try cli.navetd("--db", "edited.db", "--lang", "sv", "audit", "verify")
        #expect(text.code == 8 && text.err.contains("post 4") && text.err.contains("ändrad i centrallagret"), "\(text.err)")
        // A store whose read logs do not verify is not pruned.
        #expect(try cli.navetd("--db", "edited.db", "audit", "prune", "--years", "1").code == 8)
        #expect(try SQLite3Tool.run(folder.path("edited.db"), "SELECT count(*) FROM central_read_log") == "30")
    }

    @Test func pruningLeavesASignedBaseAndWhatRemainsVerifies() throws {
        let (_, replicas, entries) = try setUp()
        let pruned = try cli.navetd("--db", "central.db", "--json", "audit", "prune", "--years", "1")
        #expect(pruned.code == 0, "\(pruned.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(pruned.out.utf8)) as? [String: Any])
        #expect(object["read_log_entries_removed"] as? Int == 20 && object["read_logs_pruned"] as? Int == 2)
        #expect(try SQLite3Tool.run(folder.path("central.db"), "SELECT count(*) FROM central_read_log") == "10")
        #expect(try SQLite3Tool.run(folder.path("central.db"), "SELECT group_concat(seq) FROM central_read_log_bases") == "10,10")
        // The record index keeps only what remains.
        #expect(try SQLite3Tool.run(folder.path("central.db"), "SELECT count(*) FROM central_read_log_records") == "10")
        #expect(try verify() == (0, []))
        let again = try cli.navetd("--db", "central.db", "audit", "prune", "--years", "1")
        #expect(again.code == 0 && again.out.contains("none removed"), "\(again.out)")

        // A replica sending its whole log again (after the central store was restored):
        // the pruned entries are checked against the base, not stored, and raise no alarm.
        let store = try CentralStore.open(path: folder.path("central.db"))
        let replica = replicas[0]
        let resent = try store.acceptReadLog(sender: replica, from: 1, last: 15, ownCheckFailed: false,
                                             entries: entries[replica]!, now: realNow)
        #expect(resent.breaks.isEmpty && resent.ack == 15 && resent.stored == 0)
        let more = chain(replica, from: 16, count: 2, previous: entries[replica]!.last!.hash, daysAgo: 0,
                         child: RecordID(rawValue: 1))
        #expect(try store.acceptReadLog(sender: replica, from: 16, last: 17, ownCheckFailed: false, entries: more,
                                        now: realNow).breaks.isEmpty)
        // One whose pruned part differs from what was signed: a break, kept as evidence.
        var forged = entries[replicas[1]]!
        forged[9].user = "mallory"
        forged[9].hash = forged[9].computedHash
        let differing = try store.acceptReadLog(sender: replicas[1], from: 10, last: 15, ownCheckFailed: false,
                                                entries: [forged[9]], now: realNow)
        #expect(differing.breaks.map(\.reason) == ["differs"])
        #expect(try verify().problems.isEmpty)

        // The base's signature removed or its hash changed by hand: found.
        let key = Int64(bitPattern: replica.rawValue)
        _ = try SQLite3Tool.run(folder.path("central.db"), "UPDATE central_read_log_bases SET seq = 9 WHERE replica = \(key)")
        let unsigned = try verify()
        #expect(unsigned.code == 8 && unsigned.problems.contains("base_unsigned@9"), "\(unsigned.problems)")
    }
}
