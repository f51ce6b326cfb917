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
        #expect(text.code == 8 && text.err.contains("händelse 4") && text.err.contains("ändrad i centrallagret"), "\(text.err)")
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

    /// An entry stored as a break is checked against its evidence: edited, or its evidence
    /// deleted, in the central store, it is found. An entry refused for naming another
    /// replica leaves a gap that is evidence, not an alarm against the central store.
    @Test func entriesStoredAsBreaksAreCheckedAgainstTheirEvidence() throws {
        let (central, replicas, entries) = try setUp()
        let replica = replicas[0]
        let child = RecordID(rawValue: 0x7099_a1b2_c3d4_e5f6)
        // Entry 16 does not follow entry 15 (its previous hash is wrong): stored as a break.
        let wrong = chain(replica, from: 16, count: 2, previous: [UInt8](repeating: 7, count: 32), daysAgo: 0, child: child)
        #expect(try central.acceptReadLog(sender: replica, from: 16, last: 17, ownCheckFailed: false, entries: wrong,
                                          now: realNow).breaks.map(\.reason) == ["previous_hash"])
        // On the other replica, entry 16 names a foreign replica and entry 17 continues it.
        var foreign = chain(replicas[1], from: 16, count: 2, previous: entries[replicas[1]]!.last!.hash, daysAgo: 0, child: child)
        foreign[0].replica = ReplicaID(rawValue: 0x0BAD)
        foreign[0].hash = foreign[0].computedHash
        foreign[1].previousHash = foreign[0].hash
        foreign[1].hash = foreign[1].computedHash
        #expect(try central.acceptReadLog(sender: replicas[1], from: 16, last: 17, ownCheckFailed: false, entries: foreign,
                                          now: realNow).breaks.map(\.reason) == ["foreign_replica"])
        let clean = try verify()
        #expect(clean.code == 8 && clean.problems.isEmpty, "the alarms stand, the store itself verifies: \(clean.problems)")

        let key = Int64(bitPattern: replica.rawValue)
        func tampered(_ name: String, _ sql: String) throws -> [String] {
            let copy = folder.path(name)
            _ = try SQLite3Tool.run(folder.path("central.db"), ".backup '\(copy)'")
            _ = try SQLite3Tool.run(copy, sql)
            return try verify(name).problems
        }
        #expect(try tampered("flagged.db", "UPDATE central_read_log SET user = 'eva', purpose = 'Rutin' WHERE replica = \(key) AND seq = 16")
                == ["evidence_missing@16"])
        #expect(try tampered("evidence.db", "DELETE FROM central_read_log_breaks") .contains("evidence_missing@16"))
        #expect(try tampered("unflagged.db", "UPDATE central_read_log SET chain_break = 0 WHERE replica = \(key) AND seq = 16")
                == ["chain_broken@16"])
    }

    /// `navetd audit verify --replica FILE` compares the file's own read log with what the
    /// store holds: the end of a chain deleted in the central store, with its head rewritten
    /// to match, is found. Files that are not replicas are named as such.
    @Test func aReplicaCopyShowsEntriesDeletedFromTheStore() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå", "--kind", "social_services",
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå", "--out", "a.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Amina").code == 0)
        for _ in 0..<3 { #expect(try cli.navet("--db", "a.db", "child", "list").code == 0) }
        #expect(try cli.navet("--db", "a.db", "export", "--force", "up.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force").code == 0)
        #expect(try cli.navet("--db", "a.db", "import", "reply.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "audit", "verify", "--replica", "a.db").code == 0)

        let head = try SQLite3Tool.run(folder.path("central.db"), "SELECT max(seq) FROM central_read_log")
        _ = try SQLite3Tool.run(folder.path("central.db"), """
            DELETE FROM central_read_log WHERE seq = \(head);
            UPDATE central_read_log_heads SET seq = seq - 1, hash = (SELECT hash FROM central_read_log l
                WHERE l.replica = central_read_log_heads.replica AND l.seq = central_read_log_heads.seq - 1);
            """)
        #expect(try cli.navetd("--db", "central.db", "audit", "verify").code == 0, "the chain at rest alone cannot show it")
        let compared = try cli.navetd("--db", "central.db", "audit", "verify", "--replica", "a.db")
        #expect(compared.code == 8 && compared.err.contains("entry \(head): a.db holds another entry"), "\(compared.err)")

        try Data("not a database".utf8).write(to: folder.url.appendingPathComponent("junk.db"))
        let junk = try cli.navetd("--db", "central.db", "audit", "verify", "--replica", "junk.db")
        #expect(junk.code == 3 && junk.err.contains("junk.db is not a database file"), "\(junk.err)")
        let swapped = try cli.navetd("--db", "central.db", "--lang", "sv", "audit", "verify", "--replica", "central.db")
        #expect(swapped.code == 3 && swapped.err.contains("central.db är ett centrallager"), "\(swapped.err)")
    }
}
