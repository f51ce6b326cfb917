import Foundation
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// The read log travels upward (issue 13, points 2 and 4; Protocol/AUDIT.md, "On the
/// central store"): through the real `navet` and `navetd`, HTTP and bundle files, with
/// hand edits by the real `sqlite3` tool.
@Suite struct ReadLogUploadTests {
    let folder = TemporaryDirectory(prefix: "navet-readlog")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    func object(_ result: CLIRunner.Result) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) as? [String: Any] ?? [:]
    }
    func central(_ sql: String) throws -> String { try SQLite3Tool.run(folder.path("central.db"), sql) }
    func replica(_ db: String, _ sql: String) throws -> String { try SQLite3Tool.run(folder.path(db), sql) }
    /// The replica id of `db`, as the central store keys it (a signed integer).
    func replicaKey(_ db: String) throws -> String {
        let hex = try replica(db, "SELECT value FROM meta WHERE key = 'id'")
        return String(Int64(bitPattern: UInt64(hex, radix: 16) ?? 0))
    }

    /// A central store with one organisation and replicas `dbs`, enrolled and initialised.
    func setUp(_ dbs: [String]) throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå", "--kind", "social_services",
                               "--municipality", "Umeå").code == 0)
        for db in dbs {
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå", "--out", db + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", db, "init", "--enroll", db + ".enroll").code == 0)
        }
    }

    /// One round trip by file; the import must succeed whatever the read log holds.
    func fileSync(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIRunner.Result {
        #expect(try cli.navet("--db", db, "export", "--force", "up.navet").code == 0, sourceLocation: sourceLocation)
        let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
        #expect(imported.code == 0, "\(imported.err)", sourceLocation: sourceLocation)
        #expect(try cli.navet("--db", db, "import", "reply.navet").code == 0, sourceLocation: sourceLocation)
        return imported
    }

    func displays(_ db: String, _ count: Int) throws {
        for _ in 0..<count { #expect(try cli.navet("--db", db, "child", "list").code == 0) }
    }

    func breaks(_ db: String) throws -> [String] {
        try central("SELECT reason FROM central_read_log_breaks WHERE alarm = 1 AND replica = \(try replicaKey(db)) ORDER BY id")
            .split(separator: "\n").map(String.init)
    }

    @Test func entriesArriveOverHTTPAndABreakIsReportedWithoutBlockingSync() throws {
        try setUp(["a.db"])
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Amina").code == 0)
        try displays("a.db", 3)
        let server = try ServerProcess(database: folder.path("central.db"), workingDirectory: folder.url)
        defer { _ = server.stop() }
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        let key = try replicaKey("a.db")
        let held = try replica("a.db", "SELECT count(*) FROM audit_log")
        #expect(try central("SELECT count(*) FROM central_read_log WHERE replica = \(key)") == held)
        #expect(try central("SELECT group_concat(hex(hash)) FROM (SELECT hash FROM central_read_log ORDER BY seq)")
                == (try replica("a.db", "SELECT group_concat(hex(hash)) FROM (SELECT hash FROM audit_log ORDER BY seq)")))
        #expect(try replica("a.db", "SELECT value FROM meta WHERE key = 'audit_ack'") == held)
        // Entries stay on the replica.
        #expect(try replica("a.db", "SELECT count(*) FROM audit_log") == held)
        var metrics = String(decoding: try TestHTTP.request("GET", server.url + "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("navet_read_log_broken_chains 0.0"), "\(metrics)")

        // Edited by hand after the triggers are dropped: found at the next sync, which succeeds.
        _ = try replica("a.db", "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user = 'mallory' WHERE seq = 2")
        try displays("a.db", 1)
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        #expect(try breaks("a.db").contains("hash"))
        #expect(try breaks("a.db").contains("replica_check"))
        // The evidence: the entry as received (its canonical bytes name mallory), what was expected.
        let evidence = try central("SELECT hex(entry) FROM central_read_log_breaks WHERE reason = 'hash'")
        #expect(evidence.contains(Array("mallory".utf8).map { String(format: "%02X", $0) }.joined()))
        // The old entry is kept; the chain goes on, flagged.
        #expect(try central("SELECT count(*) FROM central_read_log_replaced WHERE replica = \(key) AND seq = 2") == "1")
        #expect(try central("SELECT chain_break FROM central_read_log WHERE replica = \(key) AND seq = 2") == "1")
        #expect(try central("SELECT max(seq) FROM central_read_log WHERE replica = \(key)")
                == (try replica("a.db", "SELECT max(seq) FROM audit_log")))
        metrics = String(decoding: try TestHTTP.request("GET", server.url + "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("navet_read_log_broken_chains 1.0"), "\(metrics)")
        #expect(metrics.contains("navet_read_log_breaks_total "))
        // Later syncs keep working and do not report the same break again.
        let count = try central("SELECT count(*) FROM central_read_log_breaks")
        try displays("a.db", 1)
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        #expect(try central("SELECT count(*) FROM central_read_log_breaks") == count)
        #expect(server.stop() == 0)
        #expect(server.log.contains("\"event\":\"read_log_break\""), "\(server.log)")
        // The alarm stays: navetd audit read-logs exits 8 and names the replica.
        let report = try cli.navetd("--db", "central.db", "audit", "read-logs")
        #expect(report.code == 8 && report.out.contains("entry 2") && report.err.contains("broken chain"), "\(report)")
        let json = object(try cli.navetd("--db", "central.db", "--json", "audit", "read-logs"))
        #expect(json["broken_chains"] as? Int == 1)
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "audit", "read-logs")
        #expect(swedish.code == 8 && swedish.out.contains("händelse 2") && swedish.err.contains("lokal databas"), "\(swedish)")
        // navetd audit verify checks the disclosure ledger and the read logs together: the
        // ledger is intact, the read log is not, so it exits 8 and names the entry.
        let verified = try cli.navetd("--db", "central.db", "audit", "verify")
        #expect(verified.code == 8 && verified.err.contains("entry 2") && verified.err.contains("The disclosure ledger is intact")
                && verified.err.contains("broken chain"), "\(verified)")
        let verifiedJSON = object(try cli.navetd("--db", "central.db", "--json", "audit", "verify"))
        #expect(verifiedJSON["intact"] as? Bool == false && verifiedJSON["ledger_intact"] as? Bool == true, "\(verifiedJSON)")
        let logs = verifiedJSON["read_logs"] as? [String: Any]
        #expect(logs?["broken_chains"] as? Int == 1 && (logs?["breaks"] as? [[String: Any]])?.isEmpty == false, "\(verifiedJSON)")
        let verifiedSwedish = try cli.navetd("--db", "central.db", "--lang", "sv", "audit", "verify")
        #expect(verifiedSwedish.code == 8 && verifiedSwedish.err.contains("händelse 2")
                && verifiedSwedish.err.contains("En logg över vem som sett vad har ändrats"), "\(verifiedSwedish)")
    }

    /// Each kind of hand edit after an upload, by file: detected at the next sync, which succeeds.
    @Test func everyHandEditIsFoundAtTheNextFileSync() throws {
        let cases: [(db: String, sql: String, reason: String)] = [
            ("edit.db", "UPDATE audit_log SET purpose = 'routine' WHERE seq = 3", "hash"),
            ("delete.db", "DELETE FROM audit_log WHERE seq = 3", "sequence"),
            ("reorder.db", """
                UPDATE audit_log SET seq = 100 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4;
                UPDATE audit_log SET seq = 4 WHERE seq = 100;
                """, "hash"),
            ("reinsert.db", """
                CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE seq = 3; DELETE FROM audit_log WHERE seq = 3;
                INSERT INTO audit_log SELECT seq, replica, time - 60000, user, kind, command, records, fields, tags, purpose,
                prev_hash, hash FROM saved;
                """, "hash"),
            // The last two: the export's own entry (not uploaded yet) and the one before it (uploaded).
            ("delete-last.db", "DELETE FROM audit_log WHERE seq >= (SELECT max(seq) - 1 FROM audit_log)", "truncated"),
        ]
        try setUp(cases.map(\.db))
        for (db, sql, reason) in cases {
            try displays(db, 4)
            _ = try fileSync(db)
            #expect(try breaks(db).isEmpty, "\(db)")
            _ = try replica(db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql)
            let imported = try fileSync(db)
            let found = try breaks(db)
            #expect(found.contains(reason), "\(db): \(found)")
            #expect(imported.err.contains("entry"), "\(db): \(imported.err)")
            // Ordinary sync goes on.
            #expect(try cli.navet("--db", db, "child", "add", "--name", "Efter").code == 0)
            _ = try fileSync(db)
        }
        #expect(try cli.navetd("--db", "central.db", "audit", "read-logs").code == 8)
    }

    /// A rewritten chain (every hash recomputed, so the replica's own check passes) no
    /// longer matches what the central store holds.
    @Test func anEntryClaimingAnotherReplicaIsRefused() throws {
        try setUp(["a.db", "b.db"])
        try displays("a.db", 2)
        _ = try fileSync("a.db")
        let other = try replicaKey("b.db")
        // A forged entry at the end naming replica b.
        _ = try replica("a.db", """
            INSERT INTO audit_log SELECT seq + 1, \(other), time, user, kind, command, records, fields, tags, purpose, hash, hash
            FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);
            """)
        _ = try fileSync("a.db")
        #expect(try breaks("a.db").contains("foreign_replica"))
        #expect(try central("SELECT count(*) FROM central_read_log WHERE replica = \(other)") == "0")
        let forged = try replica("a.db", "SELECT max(seq) FROM audit_log")
        #expect(try central("SELECT count(*) FROM central_read_log WHERE replica = \(try replicaKey("a.db")) AND seq = \(forged)") == "0")
    }

    @Test func aReplicaRestoredFromABackupIsNotTampering() throws {
        try setUp(["a.db"])
        try displays("a.db", 2)
        _ = try fileSync("a.db")
        _ = try replica("a.db", ".backup '\(folder.path("backup.db"))'")
        try displays("a.db", 3)
        _ = try fileSync("a.db")
        let held = try central("SELECT max(seq) FROM central_read_log")
        // Restored: its log is a prefix of what the store holds.
        try FileManager.default.removeItem(atPath: folder.path("a.db"))
        try FileManager.default.copyItem(atPath: folder.path("backup.db"), toPath: folder.path("a.db"))
        _ = try fileSync("a.db")
        #expect(try breaks("a.db").isEmpty)
        // It goes on from its older entry; the entries it lost stay on the store.
        try displays("a.db", 2)
        _ = try fileSync("a.db")
        try displays("a.db", 1)
        _ = try fileSync("a.db")
        let all = try central("SELECT reason, expected FROM central_read_log_breaks")
        #expect(try breaks("a.db").isEmpty, "\(all)")
        #expect(try central("SELECT count(*) FROM central_read_log_breaks WHERE reason = 'restored'") != "0")
        #expect(try central("SELECT max(seq) FROM central_read_log_replaced") == held)
        // All but the export's own entry, written after its upload was built.
        #expect(try central("SELECT max(seq) FROM central_read_log")
                == (try replica("a.db", "SELECT max(seq) FROM audit_log WHERE seq < (SELECT max(seq) FROM audit_log)")))
        #expect(try cli.navetd("--db", "central.db", "audit", "read-logs").code == 0)
        let notices = try cli.navetd("--db", "central.db", "audit", "read-logs", "--notices")
        #expect(notices.code == 0 && notices.out.contains("restored from a backup"), "\(notices)")
        // A restore is not a break: navetd audit verify passes too.
        #expect(try cli.navetd("--db", "central.db", "audit", "verify").code == 0)
        // Restored again, and it writes new entries before its next sync: a clean fork from
        // an older entry, a restore too.
        try FileManager.default.removeItem(atPath: folder.path("a.db"))
        try FileManager.default.copyItem(atPath: folder.path("backup.db"), toPath: folder.path("a.db"))
        try displays("a.db", 2)
        _ = try fileSync("a.db")
        try displays("a.db", 1)
        _ = try fileSync("a.db")
        let after = try central("SELECT reason, expected FROM central_read_log_breaks")
        #expect(try breaks("a.db").isEmpty, "\(after)")
        #expect(try cli.navetd("--db", "central.db", "audit", "read-logs").code == 0)
    }

    @Test func thePolicysPurposeTagsReachTheReplicaAndAreAskedFor() throws {
        try setUp(["a.db"])
        let child = object(try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Amina",
                                         "--protected-identity", "true"))["id"] as? String ?? ""
        #expect(try cli.navet("--db", "a.db", "child", "show", child).code == 0)
        _ = try fileSync("a.db")
        #expect(try replica("a.db", "SELECT group_concat(tag) FROM (SELECT tag FROM audit_purpose_tags ORDER BY tag)")
                == "health,protected")
        let refused = try cli.navet("--db", "a.db", "child", "show", child)
        #expect(refused.code == 10 && refused.out.isEmpty && refused.err.contains("purpose"), "\(refused)")
        let shown = try cli.navet("--db", "a.db", "child", "show", child, "--purpose", "Placering")
        #expect(shown.code == 0 && shown.out.contains("Amina"))
        // The policy shows the rule.
        let policy = try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "show")
        #expect(policy.out.contains("Visningar som kräver ett syfte"), "\(policy.out)")
        let json = object(try cli.navetd("--db", "central.db", "--json", "policy", "show"))
        #expect((json["purpose_required"] as? [String: Any])?["tags"] as? [String] == ["health", "protected"])
    }

    /// A policy loaded later replaces the list at the next sync; a bad rule is refused by name.
    @Test func aNewPolicyReplacesThePurposeTagsAndABadOneIsRefused() throws {
        try setUp(["a.db"])
        _ = try fileSync("a.db")
        #expect(try replica("a.db", "SELECT count(*) FROM audit_purpose_tags") == "2")
        let defaultText = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Protocol/policy/default.json"),
                                     encoding: .utf8)
        let listed = #""tags": ["health", "protected"]"#
        #expect(defaultText.contains(listed))
        for (name, tags) in [("bad.json", #""tags": ["secret"]"#), ("asylum.json", #""tags": ["asylum"]"#), ("none.json", #""tags": []"#)] {
            try defaultText.replacingOccurrences(of: listed, with: tags).write(toFile: folder.path(name), atomically: true, encoding: .utf8)
        }
        let bad = try cli.navetd("--db", "central.db", "policy", "load", "bad.json")
        #expect(bad.code == 4 && bad.err.contains("purpose_required.tags[0]"), "\(bad)")
        #expect(try cli.navetd("--db", "central.db", "policy", "load", "asylum.json").code == 0)
        _ = try fileSync("a.db")
        #expect(try replica("a.db", "SELECT group_concat(tag) FROM audit_purpose_tags") == "asylum")
        #expect(try cli.navetd("--db", "central.db", "policy", "load", "none.json").code == 0)
        _ = try fileSync("a.db")
        #expect(try replica("a.db", "SELECT count(*) FROM audit_purpose_tags") == "0")
    }

    /// Entries written before `navet enroll` carry the file's earlier id: accepted at the
    /// start of the chain, not refused as another replica's.
    @Test func entriesFromBeforeEnrollmentAreAccepted() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Åsa skola", "--kind", "school",
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Åsa skola", "--out", "a.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        try displays("a.db", 2)
        #expect(try cli.navet("--db", "a.db", "enroll", "a.enroll").code == 0)
        try displays("a.db", 1)
        _ = try fileSync("a.db")
        #expect(try replica("a.db", "SELECT count(DISTINCT replica) FROM audit_log") == "2")
        #expect(try central("SELECT count(*) FROM central_read_log") == "4")
        #expect(try central("SELECT count(*) FROM central_read_log_breaks") == "0")
        #expect(try cli.navetd("--db", "central.db", "audit", "read-logs").code == 0)
    }

    /// A file enrolled anew (its replica revoked; or refused as a copy) goes on with its
    /// read log under the new id: its first upload carries the whole log again, the earlier
    /// enrollment's entries as the chain's start, exactly as the store holds them. No alarm
    /// (it was "the entry names another replica" and "not the next number").
    @Test func aFileEnrolledAnewContinuesItsReadLog() throws {
        try setUp(["a.db"])
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Amina").code == 0)
        try displays("a.db", 2)
        _ = try fileSync("a.db")
        let first = try replicaKey("a.db")
        let held = try central("SELECT count(*) FROM central_read_log WHERE replica = \(first)")
        #expect(held != "0")
        let id = try replica("a.db", "SELECT value FROM meta WHERE key = 'id'")
        #expect(try cli.navetd("--db", "central.db", "replica", "revoke", id).code == 0)
        try displays("a.db", 1)  // written as the revoked id, before the new enrollment
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå", "--out", "new.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "a.db", "enroll", "--force", "new.enroll").code == 0)
        try displays("a.db", 1)
        _ = try fileSync("a.db")
        _ = try fileSync("a.db")
        // Everything up to what the replica's last upload carried (its export is logged after).
        let acknowledged = try replica("a.db", "SELECT value FROM meta WHERE key = 'audit_ack'")
        let stored = try central("SELECT count(*) || ' ' || min(seq) || ' ' || max(seq) FROM central_read_log WHERE replica = \(try replicaKey("a.db"))")
        #expect(stored == "\(acknowledged) 1 \(acknowledged)", "\(stored)")
        let breaks = try central("SELECT seq, reason, expected FROM central_read_log_breaks")
        #expect(breaks.isEmpty, "\(breaks)")
        let verified = try cli.navetd("--db", "central.db", "audit", "verify")
        #expect(verified.code == 0, "\(verified.out) \(verified.err)")
        #expect(try cli.navetd("--db", "central.db", "audit", "read-logs").code == 0)
        // The earlier enrollment's chain is kept as it was.
        #expect(try central("SELECT count(*) FROM central_read_log WHERE replica = \(first)") == held)

        // The central store restored from a backup: the replica sends its log again, the
        // earlier enrollment's entries first; those the store holds are recognised.
        #expect(try cli.navetd("--db", "central.db", "backup", "backup.db").code == 0)
        try displays("a.db", 1)
        _ = try fileSync("a.db")
        #expect(try cli.navetd("--db", "central.db", "restore", "backup.db").code == 0)
        _ = try fileSync("a.db")
        _ = try fileSync("a.db")
        let afterRestore = try central("SELECT seq, reason, expected FROM central_read_log_breaks WHERE alarm = 1")
        #expect(afterRestore.isEmpty, "\(afterRestore)")
        let verifiedAgain = try cli.navetd("--db", "central.db", "audit", "verify")
        #expect(verifiedAgain.code == 0, "\(verifiedAgain.out) \(verifiedAgain.err)")
    }

    /// A backlog longer than one upload's page (10,000 entries) goes in one `navet sync`,
    /// a page per round trip; here written before `navet enroll`, so the pages after the
    /// first still carry the file's earlier id.
    @Test func aLongBacklogIsPagedWithinOneSync() throws {
        try setUp([])
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå", "--out", "a.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        let store = try ReplicaStore.open(path: folder.path("a.db"))
        try store.withRelaxedDurability {
            try store.db.transaction {
                for _ in 0..<10_050 {
                    try store.appendAuditInTransaction(AuditDraft(user: "anna", kind: "display", command: "child list"), now: 1_000)
                }
            }
        }
        #expect(try cli.navet("--db", "a.db", "enroll", "a.enroll").code == 0)
        try displays("a.db", 1)
        let last = try replica("a.db", "SELECT max(seq) FROM audit_log")
        #expect(try replica("a.db", "SELECT count(DISTINCT replica) FROM audit_log") == "2")
        let server = try ServerProcess(database: folder.path("central.db"), workingDirectory: folder.url)
        defer { _ = server.stop() }
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        #expect(try central("SELECT count(*) FROM central_read_log") == last)
        #expect(try replica("a.db", "SELECT value FROM meta WHERE key = 'audit_ack'") == last)
        #expect(try central("SELECT count(*) FROM central_read_log_breaks") == "0")
    }
}
