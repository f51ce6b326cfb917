import Foundation
import NavetTestSupport
import Testing

/// Which reply a replica applies (Protocol/BUNDLE.md, "Which reply a replica applies"),
/// through the real binaries: only the answer to its latest upload, and only once. A reply
/// replayed, reordered or from before a purge is refused with exit code 4 and changes
/// nothing; a lost reply is replaced by exporting again.
@Suite struct ReplyOrderCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-reply-order")

    /// One export and its answer, kept under the given names; the import's result.
    @discardableResult
    func roundTrip(_ db: String, upload: String, reply: String) throws -> CLIRunner.Result {
        #expect(try cli.navet("--db", db, "export", "--force", upload).code == 0)
        let answered = try cli.navetd("--db", "central.db", "import", upload, "--reply", reply, "--force")
        #expect(answered.code == 0, "\(answered.err)")
        return try cli.navet("--db", db, "--json", "import", reply)
    }

    func bytes(_ db: String) throws -> Data { try Data(contentsOf: folder.url.appendingPathComponent(db)) }

    func holds(_ db: String, _ text: String) throws -> Bool { try bytes(db).range(of: Data(text.utf8)) != nil }

    /// The import of `reply` is refused (exit 4) with `says` in English and `sagt` in
    /// Swedish, and the replica file is byte for byte as before.
    func refusedAsStale(_ db: String, _ reply: String, says: String, sagt: String) throws {
        let before = try bytes(db)
        let english = try cli.navet("--db", db, "import", reply)
        #expect(english.code == 4 && english.err.contains("was refused, nothing was changed") && english.err.contains(says),
                "\(english.code) \(english.err)")
        let swedish = try cli.navet("--db", db, "--lang", "sv", "import", reply)
        #expect(swedish.code == 4 && swedish.err.contains("avvisades, inget har ändrats") && swedish.err.contains(sagt),
                "\(swedish.code) \(swedish.err)")
        #expect(try bytes(db) == before, "a refused reply changes nothing in \(db)")
    }

    let stale = ("it answers an older upload than this replica's latest", "den svarar på en äldre uppladdning än den senaste")
    let again = ("was imported already", "redan inläst")

    @Test func aReplyFromBeforeAPurgeIsRefusedAndSoIsEveryOtherStaleReply() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        for (name, kind, file) in [("Socialtjänsten Umeå", "social_services", "social"), ("Polisen Nord", "police", "police")] {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind,
                                   "--municipality", "Umeå").code == 0)
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        let child = object(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Canary Zainab",
                                         "--search-description", "Canary jacket"))["id"] as? String ?? ""
        let episode = object(try cli.navet("--db", "social.db", "--json", "missing", "report", "--child", child,
                                           "--last-seen-at", "2026-11-28 14:05", "--last-seen-place", "Umeå C"))["id"]
            as? String ?? ""
        #expect(!child.isEmpty && !episode.isEmpty)
        #expect(try sync("social.db") == 0)

        // The repro: the police receive the search fields (r1), the episode is closed, the
        // next reply (r2) purges them, then r1 is imported again.
        #expect(try roundTrip("police.db", upload: "up1.navet", reply: "r1.navet").code == 0)
        #expect(try holds("police.db", "Canary Zainab"))
        // A copy from now, for the last part: values held but no longer allowed.
        _ = try SQLite3Tool.run(folder.path("police.db"), ".backup '\(folder.path("police-old.db"))'")
        #expect(try cli.navet("--db", "social.db", "missing", "close", episode, "--reason", "reported by mistake").code == 0)
        #expect(try sync("social.db") == 0)
        let purged = object(try roundTrip("police.db", upload: "up2.navet", reply: "r2.navet"))
        #expect((purged["redacted"] as? Int ?? 0) > 0, "\(purged)")
        #expect(try !holds("police.db", "Canary Zainab") && !holds("police.db", "Canary jacket"))
        try refusedAsStale("police.db", "r1.navet", says: stale.0, sagt: stale.1)
        #expect(try !holds("police.db", "Canary Zainab") && !holds("police.db", "Canary jacket"))
        // The reply just applied, imported again: refused too (never applied twice).
        try refusedAsStale("police.db", "r2.navet", says: again.0, sagt: again.1)
        // Sync goes on as usual afterwards, and r1 stays refused.
        #expect(try roundTrip("police.db", upload: "up3.navet", reply: "r3.navet").code == 0)
        try refusedAsStale("police.db", "r1.navet", says: stale.0, sagt: stale.1)
        #expect(try !holds("police.db", "Canary Zainab"))

        // Out of order, without purges: two exports answered in turn; only the answer to
        // the latest applies, the earlier one is refused before and after it.
        #expect(try cli.navet("--db", "police.db", "export", "--force", "up4.navet").code == 0)
        #expect(try cli.navet("--db", "police.db", "export", "--force", "up5.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "up4.navet", "--reply", "r4.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "up5.navet", "--reply", "r5.navet").code == 0)
        try refusedAsStale("police.db", "r4.navet", says: stale.0, sagt: stale.1)
        #expect(try cli.navet("--db", "police.db", "import", "r5.navet").code == 0)
        try refusedAsStale("police.db", "r4.navet", says: stale.0, sagt: stale.1)
        try refusedAsStale("police.db", "r3.navet", says: stale.0, sagt: stale.1)

        // A lost reply: the same upload imported again at the server is answered again
        // (same file), and that answer applies; the first answer, found later, is refused.
        #expect(try cli.navet("--db", "police.db", "export", "--force", "up6.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "up6.navet", "--reply", "lost.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "up6.navet", "--reply", "r6.navet").code == 0)
        #expect(try cli.navet("--db", "police.db", "import", "r6.navet").code == 0)
        try refusedAsStale("police.db", "lost.navet", says: again.0, sagt: again.1)
        // Or the upload is exported again and its reply applies.
        #expect(try cli.navet("--db", "police.db", "export", "--force", "up7.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "up7.navet", "--reply", "lost7.navet").code == 0)
        #expect(try roundTrip("police.db", upload: "up8.navet", reply: "r8.navet").code == 0)
        try refusedAsStale("police.db", "lost7.navet", says: stale.0, sagt: stale.1)

        // A reply made for another replica: refused as misaddressed, nothing changed.
        #expect(try cli.navet("--db", "social.db", "export", "--force", "social-up.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "import", "social-up.navet", "--reply", "social-r.navet").code == 0)
        let before = try bytes("police.db")
        let misaddressed = try cli.navet("--db", "police.db", "import", "social-r.navet")
        #expect(misaddressed.code == 4 && misaddressed.err.contains("addressed to replica"), "\(misaddressed.err)")
        #expect(try bytes("police.db") == before)
        #expect(try cli.navet("--db", "social.db", "import", "social-r.navet").code == 0)

        // The police replica holds exactly what it may: nothing of the closed episode.
        #expect(try cli.navet("--db", "police.db", "child", "list").out.contains("Canary") == false)

        // Values held but not allowed (here: a copy of the file from before the purge):
        // 'navet verify' says how to remove them, and 'navet verify --purge' does.
        let server = try ServerProcess(database: folder.path("central.db"), workingDirectory: folder.url)
        defer { _ = server.stop() }
        #expect(try cli.navet("--db", "police.db", "verify", "--server", server.url).code == 0)
        let found = try cli.navet("--db", "police-old.db", "--lang", "sv", "verify", "--server", server.url)
        #expect(found.code == 8 && found.out.contains("finns men får inte finnas")
                && found.err.contains("navet verify --purge"), "\(found.out)\(found.err)")
        let purging = try cli.navet("--db", "police-old.db", "verify", "--purge", "--server", server.url)
        #expect(purging.code == 0 && purging.out.contains("held but not allowed")
                && purging.out.contains("Deleted"), "\(purging.code) \(purging.out)\(purging.err)")
        #expect(try !holds("police-old.db", "Canary Zainab") && !holds("police-old.db", "Canary jacket"))
        #expect(try cli.navet("--db", "police-old.db", "verify", "--server", server.url).code == 0)
    }
}
