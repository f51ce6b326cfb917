import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetTestSupport
import NavetWire
import Testing

/// A replica file restored from its own backup, copied to a second computer, or made
/// without enrollment (Protocol/BUNDLE.md, "Replica identity"), through the real `navet`
/// and `navetd` binaries, with the sqlite3 tool making the copies.
@Suite(.serialized) struct ReplicaIdentityTests {
    let folder = TemporaryDirectory(prefix: "navet-identity")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// Registers the organisation and writes one enrollment file per name (`NAME.enroll`),
    /// before any server runs on the store.
    func enroll(_ names: [String], store: String = "central.db") throws {
        if !FileManager.default.fileExists(atPath: folder.path(store)) {
            #expect(try cli.navetd("--db", store, "init").code == 0)
        }
        #expect(try cli.navetd("--db", store, "org", "add", "--name", "Socialtjänsten Umeå",
                               "--kind", "social_services", "--municipality", "Umeå").code == 0)
        for name in names {
            let enrolled = try cli.navetd("--db", store, "replica", "enroll", "--org", "Socialtjänsten Umeå",
                                          "--out", "\(name).enroll", "--url", "http://127.0.0.1:9")
            #expect(enrolled.code == 0, "\(enrolled.err)")
        }
    }

    @discardableResult
    func ok(_ result: CLIRunner.Result, _ what: String = "") -> CLIRunner.Result {
        #expect(result.code == 0, "\(what): \(result.err)")
        return result
    }

    func json(_ result: CLIRunner.Result) -> Any? { try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) }

    func addChild(_ db: String, _ name: String) throws -> String {
        let added = ok(try cli.navet("--db", db, "--json", "child", "add", "--name", name), "add \(name) to \(db)")
        return (json(added) as? [String: Any])?["id"] as? String ?? ""
    }

    func field(_ db: String, _ id: String, _ name: String) throws -> String? {
        let shown = ok(try cli.navet("--db", db, "--json", "child", "show", id), "show in \(db)")
        return ((json(shown) as? [String: Any])?["fields"] as? [String: Any])?[name] as? String
    }

    func names(_ db: String) throws -> Set<String> {
        let list = ok(try cli.navet("--db", db, "--json", "child", "list"), "list \(db)")
        return Set(((json(list) as? [[String: Any]]) ?? []).compactMap { ($0["fields"] as? [String: Any])?["name"] as? String })
    }

    func status(_ db: String) throws -> [String: Any] {
        json(ok(try cli.navet("--db", db, "--json", "status"))) as? [String: Any] ?? [:]
    }

    func sync(_ db: String, _ server: ServerProcess, lang: String = "C.UTF-8") throws -> CLIRunner.Result {
        var runner = cli
        runner.environment["LANG"] = lang
        return try runner.navet("--db", db, "sync", "--server", server.url, "--timeout", "600")
    }

    /// A file restored with `sqlite3 .restore` from a backup taken before two synced edits
    /// gets those edits back, and its new edit reaches everyone without a refusal.
    @Test func aReplicaRestoredFromItsOwnBackupCatchesUp() throws {
        try enroll(["a", "b"])
        for name in ["a", "b"] { ok(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll")) }
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let sara = try addChild("a.db", "Sara Ahmadi")
        ok(try sync("a.db", server))
        _ = try SQLite3Tool.run(folder.path("a.db"), ".backup '\(folder.path("a-backup.db"))'")
        for languages in ["dari", "dari, pashto"] {
            ok(try cli.navet("--db", "a.db", "child", "set", sara, "languages", languages))
            ok(try sync("a.db", server), "synced edit")
        }
        ok(try sync("b.db", server))
        #expect(try field("b.db", sara, "languages") == "dari, pashto")

        // The laptop's disk dies; last week's copy of a.db comes back, and work goes on.
        _ = try SQLite3Tool.run(folder.path("a.db"), ".restore '\(folder.path("a-backup.db"))'")
        #expect(try field("a.db", sara, "languages") == nil)
        let omid = try addChild("a.db", "Omid Rahimi")
        ok(try cli.navet("--db", "a.db", "child", "set", sara, "birth_date", "2009-03-01"))
        let caughtUp = ok(try sync("a.db", server), "sync after restore")
        #expect(caughtUp.err.contains("behind its own history"), "\(caughtUp.err)")
        #expect(try field("a.db", sara, "languages") == "dari, pashto", "its own synced edits came back")
        #expect(try field("a.db", sara, "birth_date") == "2009-03-01")
        #expect(try status("a.db")["pending"] as? Int == 0)
        #expect(try status("a.db")["conflicts"] as? Int == 0)

        ok(try sync("b.db", server))
        #expect(try names("b.db") == ["Sara Ahmadi", "Omid Rahimi"])
        #expect(try field("b.db", sara, "birth_date") == "2009-03-01", "the new edit reached everyone")
        #expect(try field("b.db", omid, "name") == "Omid Rahimi")
        // And the restored file goes on syncing as the replica.
        ok(try cli.navet("--db", "a.db", "child", "set", omid, "languages", "dari"))
        ok(try sync("a.db", server))
        ok(try sync("b.db", server))
        #expect(try field("b.db", omid, "languages") == "dari")
        #expect(server.stop() == 0)
    }

    /// Two live copies of one file: a copy with no edits shows current data, not stale;
    /// once both go on, one continues and the other gets a clear refusal in both
    /// languages; `navet enroll` with a new file then brings its unsynced edit out.
    @Test func twoLiveCopiesAreToldApartAndEnrollIsTheWayOut() throws {
        try enroll(["a", "b", "a2"])
        for name in ["a", "b"] { ok(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll")) }
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let sara = try addChild("a.db", "Sara Ahmadi")
        ok(try sync("a.db", server))
        _ = try SQLite3Tool.run(folder.path("a.db"), ".backup '\(folder.path("laptop2.db"))'")
        ok(try cli.navet("--db", "a.db", "child", "set", sara, "languages", "dari"))
        ok(try sync("a.db", server))

        // The second laptop, no edits: its sync shows the data as it is now.
        let fresh = ok(try sync("laptop2.db", server), "copy syncs")
        #expect(try field("laptop2.db", sara, "languages") == "dari", "\(fresh.out)")

        // Both go on editing. The copy syncs its edit; the first file, which never saw it,
        // syncs second: it catches up (its edit is renumbered after the copy's) and goes on.
        let omid = try addChild("laptop2.db", "Omid Rahimi")
        ok(try sync("laptop2.db", server))
        let leyla = try addChild("a.db", "Leyla Karimi")
        var runner = cli
        runner.environment["LANG"] = "C.UTF-8"
        let caughtUp = ok(try runner.navet("--db", "a.db", "--json", "sync", "--server", server.url, "--timeout", "600"),
                          "second to sync catches up")
        let report = json(caughtUp) as? [String: Any]
        #expect(report?["caught_up"] as? Bool == true && report?["renumbered"] as? Int == 1, "\(caughtUp.out)")
        // Now the copy that went on along the other history is told apart and refused.
        let nadia = try addChild("laptop2.db", "Nadia Sharifi")
        let refused = try sync("laptop2.db", server)
        #expect(refused.code == 4)
        #expect(refused.err.contains("second live copy") && refused.err.contains("navet enroll"), "\(refused.err)")
        let swedish = try sync("laptop2.db", server, lang: "sv_SE.UTF-8")
        #expect(swedish.code == 4)
        #expect(swedish.err.contains("registreringsfil") && swedish.err.contains("navet enroll"), "\(swedish.err)")
        #expect(try status("laptop2.db")["pending"] as? Int == 1, "nothing was lost")

        // The way out: a new enrollment file, and the unsynced edit goes out under it.
        let enrolled = ok(try cli.navet("--db", "laptop2.db", "--json", "enroll", "a2.enroll"))
        let answer = json(enrolled) as? [String: Any]
        #expect(answer?["moved"] as? Int == 1)
        ok(try sync("laptop2.db", server), "sync after enroll")
        #expect(try status("laptop2.db")["pending"] as? Int == 0)
        for db in ["a.db", "b.db", "laptop2.db"] {
            ok(try sync(db, server))
            #expect(try names(db) == ["Sara Ahmadi", "Omid Rahimi", "Leyla Karimi", "Nadia Sharifi"], "\(db)")
            #expect(try field(db, sara, "languages") == "dari")
            #expect(try field(db, leyla, "name") == "Leyla Karimi")
            #expect(try field(db, omid, "name") == "Omid Rahimi")
            #expect(try field(db, nadia, "name") == "Nadia Sharifi")
        }
        // The first file goes on as the replica.
        ok(try cli.navet("--db", "a.db", "child", "set", nadia, "languages", "pashto"))
        ok(try sync("a.db", server))
        ok(try sync("laptop2.db", server))
        #expect(try field("laptop2.db", nadia, "languages") == "pashto")
        #expect(server.stop() == 0)
    }

    /// The README tour: `navet init` without enrollment, work, then `navet enroll`; and
    /// the enrollment files `enroll` refuses.
    @Test func anUnenrolledReplicaIsEnrolledLater() throws {
        try enroll(["b", "c", "d"])
        try enroll(["x"], store: "other.db")
        ok(try cli.navet("--db", "b.db", "init", "--enroll", "b.enroll"))
        ok(try cli.navet("--db", "c.db", "init"))
        let sara = try addChild("c.db", "Sara Ahmadi")
        ok(try cli.navet("--db", "c.db", "child", "set", sara, "languages", "dari"))
        #expect(try cli.navet("--db", "c.db", "export", "up.navet").code == 3, "not enrolled yet")

        let help = ok(try cli.navet("enroll", "--help"))
        #expect(help.out.contains("enrollment file"))
        var swedish = cli
        swedish.environment["LANG"] = "sv_SE.UTF-8"
        #expect(ok(try swedish.navet("enroll", "--help")).out.contains("registreringsfil"))
        #expect(try cli.navet("--db", "c.db", "enroll", "missing.enroll").code == 5)
        #expect(try cli.navet("--db", "missing.db", "enroll", "c.enroll").code != 0)

        let initAgain = try cli.navet("--db", "c.db", "init", "--enroll", "c.enroll")
        #expect(initAgain.code == 5 && initAgain.err.contains("navet --db c.db enroll c.enroll"), "\(initAgain.err)")
        let enrolled = ok(try cli.navet("--db", "c.db", "enroll", "c.enroll"))
        #expect(enrolled.out.contains("2 changes not yet synced"), "\(enrolled.out)")
        // An enrolled file that was not refused as a copy keeps its enrollment (it cannot
        // take over another file's enrollment by mistake); --force is for a file the
        // support office says was refused.
        let before = try SQLite3Tool.run(folder.path("c.db"), ".dump")
        let kept = try cli.navet("--db", "c.db", "enroll", "d.enroll")
        #expect(kept.code == 3 && kept.err.contains("keeps its enrollment"), "\(kept.err)")
        #expect(try SQLite3Tool.run(folder.path("c.db"), ".dump") == before)
        // The enrollment the file already has: nothing to do, and it says so (it said the
        // file was "still unused").
        let again = try cli.navet("--db", "c.db", "enroll", "--force", "c.enroll")
        #expect(again.code == 0 && again.out.contains("already enrolled with c.enroll"), "\(again.out) \(again.err)")
        let againPlain = try cli.navet("--db", "c.db", "--lang", "sv", "enroll", "c.enroll")
        #expect(againPlain.code == 0 && againPlain.out.contains("redan registrerad med c.enroll"), "\(againPlain.out)")
        #expect(try SQLite3Tool.run(folder.path("c.db"), ".dump") == before)
        // Another organisation's enrollment is refused, even with --force: the file's work
        // would go out as that organisation's.
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Solgården", "--kind", "care_home",
                               "--municipality", "Umeå").code == 0)
        ok(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Solgården", "--out", "hvb.enroll",
                          "--url", "http://127.0.0.1:9"))
        let foreign = try cli.navet("--db", "c.db", "enroll", "--force", "hvb.enroll")
        #expect(foreign.code == 3 && foreign.err.contains("holds the work of Socialtjänsten Umeå")
                && foreign.err.contains("enrollment for HVB Solgården"), "\(foreign.err)")
        #expect(try SQLite3Tool.run(folder.path("c.db"), ".dump") == before)

        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        _ = try addChild("b.db", "Amir Haidari")
        ok(try sync("b.db", server))
        ok(try sync("c.db", server), "sync after enroll")
        ok(try sync("b.db", server))
        #expect(try field("b.db", sara, "languages") == "dari")
        #expect(try status("c.db")["pending"] as? Int == 0)

        // Synced now: an enrollment for another central store, or one already used here, is refused.
        let other = try cli.navet("--db", "c.db", "enroll", "--force", "x.enroll")
        #expect(other.code == 4 && other.err.contains("synced with"), "\(other.err)")
        let used = try cli.navet("--db", "c.db", "enroll", "--force", "b.enroll")
        #expect(used.code == 4 && used.err.contains("already used"), "\(used.err)")
        // A healthy file may still move to a new id: nothing is pending, nothing moves.
        let moved = json(ok(try cli.navet("--db", "c.db", "--json", "enroll", "--force", "d.enroll"))) as? [String: Any]
        #expect(moved?["moved"] as? Int == 0)
        ok(try cli.navet("--db", "c.db", "child", "set", sara, "languages", "dari, pashto"))
        ok(try sync("c.db", server))
        ok(try sync("b.db", server))
        #expect(try field("b.db", sara, "languages") == "dari, pashto")
        #expect(server.stop() == 0)
    }

    /// The same by bundle files carried by hand (`navet export`, `navetd import`, `navet
    /// import`): a restored file catches up, a second live copy is refused by the office.
    @Test func theFilePathBehavesTheSame() throws {
        try enroll(["a", "b"])
        for name in ["a", "b"] { ok(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll")) }
        var round = 0
        /// One trip to the office; returns what `navetd import` said.
        func trip(_ db: String) throws -> CLIRunner.Result {
            round += 1
            ok(try cli.navet("--db", db, "export", "up\(round).navet"))
            let imported = try cli.navetd("--db", "central.db", "import", "up\(round).navet", "--reply", "reply\(round).navet")
            if imported.code == 0 { ok(try cli.navet("--db", db, "import", "reply\(round).navet")) }
            return imported
        }
        func tripsUntilDone(_ db: String) throws {
            for _ in 0..<3 { ok(try trip(db), "trip \(db)") }
        }
        let sara = try addChild("a.db", "Sara Ahmadi")
        try tripsUntilDone("a.db")
        _ = try SQLite3Tool.run(folder.path("a.db"), ".backup '\(folder.path("a-backup.db"))'")
        for languages in ["dari", "dari, pashto"] {
            ok(try cli.navet("--db", "a.db", "child", "set", sara, "languages", languages))
            ok(try trip("a.db"))
        }
        _ = try SQLite3Tool.run(folder.path("a.db"), ".restore '\(folder.path("a-backup.db"))'")
        let omid = try addChild("a.db", "Omid Rahimi")
        try tripsUntilDone("a.db")
        #expect(try field("a.db", sara, "languages") == "dari, pashto")
        #expect(try status("a.db")["pending"] as? Int == 0)
        try tripsUntilDone("b.db")
        #expect(try field("b.db", omid, "name") == "Omid Rahimi")
        #expect(try field("b.db", sara, "languages") == "dari, pashto")

        // A copy that went on while the first file kept syncing: the office refuses the stale one.
        _ = try SQLite3Tool.run(folder.path("a.db"), ".backup '\(folder.path("laptop2.db"))'")
        ok(try cli.navet("--db", "a.db", "child", "set", sara, "languages", "dari"))
        ok(try trip("a.db"))
        _ = try addChild("laptop2.db", "Leyla Karimi")
        try tripsUntilDone("laptop2.db")
        ok(try cli.navet("--db", "a.db", "child", "set", omid, "languages", "pashto"))
        let refused = try trip("a.db")
        #expect(refused.code == 4 && refused.err.contains("navet enroll"), "\(refused.err)")
        #expect(try field("laptop2.db", sara, "languages") == "dari")
    }

    /// The catch-up rule at the store level: the rewritten change keeps its record, gets
    /// a number after the server's and a version above every version of its cell, stays
    /// concurrent with the value its author never saw, and the same reply applied twice
    /// changes nothing.
    @Test func aCatchUpRenumbersRestampsAndIsIdempotent() throws {
        let t0: Int64 = 1_790_000_000_000
        let sync = try SyncHarness(replicas: 2)
        let original = sync.replicas[0]
        let child = try original.createRecord(type: "child", values: ["name": .text("Sara Ahmadi")], now: t0)
        try sync.sync(0, now: t0)
        let copyPath = sync.folder.path("copy.db")
        _ = try SQLite3Tool.run(original.path, ".backup '\(copyPath)'")
        let copy = try ReplicaStore.open(path: copyPath)
        try original.set(record: child, field: "languages", value: .text("dari"), now: t0 + 1)
        try sync.sync(0, now: t0 + 1)
        try copy.set(record: child, field: "languages", value: .text("pashto"), now: t0 + 2)
        let pendingBefore = try copy.pendingChanges()
        #expect(pendingBefore.map(\.seq) == [2])

        let reply = try sync.serverImport(try Sync.upload(copy, now: t0 + 3).bytes, now: t0 + 3)
        #expect(try sync.central.changeCount == 2, "a diverged upload is not merged")
        let first = try Sync.applyReply(reply, to: copy, now: t0 + 3)
        #expect(first.more && first.summary.caughtUp && first.summary.renumbered == 1)
        let afterFirst = try copy.allChanges()
        // The sync layer refuses the same reply a second time (BUNDLE.md, "Which reply a
        // replica applies"); the store applying it again changes nothing all the same.
        #expect(throws: SyncError.self) { try Sync.applyReply(reply, to: copy, now: t0 + 4) }
        let decoded = try BundleCodec.decode(reply)
        let second = try Sync.apply(decoded.bundle, token: Sync.token(ofNonce: decoded.signature.nonce), to: copy, now: t0 + 4)
        #expect(second.summary.renumbered == 0 && second.summary.applied == 0)
        #expect(Set(try copy.allChanges()) == Set(afterFirst), "the same reply twice changes nothing")

        let moved = try copy.pendingChanges()
        #expect(moved.count == 1)
        #expect(moved.first?.seq == 3 && moved.first?.recordID == child && moved.first?.value == .text("pashto"))
        let theirs = try original.heads(record: child, field: "languages")
        #expect((moved.first?.version ?? 0) > (theirs.first?.version ?? .max))
        #expect(moved.first?.replaces.isEmpty == true, "it never saw the other value")
        #expect(try copy.heads(record: child, field: "languages").count == 2, "two edits that did not see each other")

        // The copy uploads normally now; everyone converges on the same conflict.
        var more = true
        var clock = t0 + 5
        while try more || copy.pendingCount() > 0 {
            let next = try sync.serverImport(try Sync.upload(copy, now: clock).bytes, now: clock)
            more = try Sync.applyReply(next, to: copy, now: clock).more
            clock += 1
        }
        // The original went on along the other history: it is now the second live copy.
        let refusal = #expect(throws: Refusal.self) { try sync.sync(0, now: clock) }
        #expect(refusal?.reason == .replicaCopied)
        try sync.sync(1, now: clock)
        #expect(Set(try copy.allChanges()) == Set(try sync.central.allChanges()))
        #expect(Set(try sync.replicas[1].allChanges()) == Set(try sync.central.allChanges()))
        #expect(try sync.replicas[1].conflicts() == (try sync.central.conflicts()))
        #expect(try copy.conflicts() == (try sync.central.conflicts()))
        #expect(try copy.integrityCheck() == ["ok"])
    }

    /// The token is the first 8 bytes of a reply's nonce, big-endian, as the vectors say.
    @Test func theSyncTokenIsTheNoncePrefix() {
        #expect(Sync.token(ofNonce: BundleFixtures.testNonce) == 0x70F1_F2F3_F4F5_F6F7)
        #expect(BundleVectors.uploadAfterSync.uploadToken == Sync.token(ofNonce: BundleFixtures.testNonce))
        #expect(Sync.token(ofNonce: [UInt8](repeating: 0, count: 16)) == 0)
    }
}
