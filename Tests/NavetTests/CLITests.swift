import Foundation
import NavetCore
import NavetStore
import NavetTestSupport
import NavetWire
import Testing

/// The `navet` and `navetd` binaries, run as a person or a script would.
@Suite struct CLITests {
    let folder = TemporaryDirectory(prefix: "navet-cli")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// A textual dump of a database by the standard sqlite3 tool: equal dumps, equal content.
    func dump(_ name: String) throws -> String { try SQLite3Tool.run(folder.path(name), ".dump") }

    /// The central store's data tables only, without the replicas' sync-health bookkeeping.
    func dataDump(_ name: String) throws -> String {
        try ["changes", "cells", "superseded", "origins", "nonces", "meta", "organisations"].map {
            try sqlite3(name, "SELECT * FROM \($0) ORDER BY 1, 2")
        }.joined(separator: "\n")
    }

    func sqlite3(_ name: String, _ sql: String) throws -> String { try SQLite3Tool.run(folder.path(name), sql) }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// Creates a replica with one child and returns the child's id.
    func replicaWithChild(_ db: String = "navet.db", name: String = "Åsa Öberg") throws -> String {
        #expect(try cli.navet("--db", db, "init").code == 0)
        let added = try cli.navet("--db", db, "--json", "child", "add", "--name", name, "--birth-date", "2009-03-14")
        #expect(added.code == 0, "\(added.err)")
        return (try json(added.out) as! [String: Any])["id"] as! String
    }

    static let commands: [[String]] = [
        [], ["init"], ["child", "add"], ["child", "list"], ["child", "show"], ["child", "set"], ["child", "history"],
        ["note", "add"], ["note", "list"], ["conflicts"], ["conflicts", "resolve"], ["export"], ["import"], ["status"],
        ["demo"],
    ]

    @Test(arguments: commands)
    func everyCommandHasHelp(_ command: [String]) throws {
        let english = try cli.run("navet", command + ["--help"])
        #expect(english.code == 0)
        #expect(english.out.contains("Usage") && english.out.contains("--db PATH"))
        let swedish = try cli.run("navet", ["--lang", "sv"] + command + ["--help"])
        #expect(swedish.code == 0)
        #expect(swedish.out.contains("Användning"))
    }

    @Test func navetdHasHelp() throws {
        for command in [[], ["import"], ["status"]] {
            let result = try cli.run("navetd", command + ["--help"])
            #expect(result.code == 0 && result.out.contains("Usage"))
        }
    }

    @Test func swedishComesFromLangOrTheOption() throws {
        var swedish = cli
        swedish.environment["LANG"] = "sv_SE.UTF-8"
        #expect(try swedish.navet("--help").out.contains("Kommandon"))
        #expect(try cli.navet("--lang", "sv", "--help").out.contains("Kommandon"))
        #expect(try swedish.navet("--lang", "en", "--help").out.contains("Commands"))
        let bad = try cli.navet("--lang", "fi", "status")
        #expect(bad.code == 2 && bad.err.contains("'fi'"))
    }

    @Test func initCreatesAnSQLiteFileTheStandardToolCanCheck() throws {
        let result = try cli.navet("init")
        #expect(result.code == 0)
        #expect(try sqlite3("navet.db", "PRAGMA integrity_check") == "ok")
        #expect(try sqlite3("navet.db", "PRAGMA journal_mode") == "wal")
        #expect(try sqlite3("navet.db", "SELECT value FROM meta WHERE key = 'schema_version'") == String(Schema.current.version))
        let before = try dump("navet.db")
        let again = try cli.navet("init")
        #expect(again.code == 5 && again.err.contains("already exists"))
        #expect(try dump("navet.db") == before)
    }

    @Test func namesWithSwedishLettersRoundTrip() throws {
        let id = try replicaWithChild(name: "Åsa Öberg-Ärlig")
        #expect(try cli.navet("child", "set", id, "arrival-municipality", "Härnösand").code == 0)
        let shown = try json(try cli.navet("--json", "child", "show", id).out) as! [String: Any]
        let fields = shown["fields"] as! [String: Any]
        #expect(fields["name"] as? String == "Åsa Öberg-Ärlig")
        #expect(fields["arrival_municipality"] as? String == "Härnösand")
        #expect(shown["turns_18"] as? String == "2027-03-14")
        #expect(try cli.navet("child", "list").out.contains("Åsa Öberg-Ärlig"))
        #expect(try sqlite3("navet.db", "SELECT value FROM cells WHERE field = 'name'") == "Åsa Öberg-Ärlig")
    }

    @Test func prefixesFindRecords() throws {
        let id = try replicaWithChild()
        let shown = try cli.navet("child", "show", String(id.prefix(6)))
        #expect(shown.code == 0 && shown.out.contains(id))
    }

    /// Every bad argument: a clear message, the documented exit code, nothing changed.
    @Test func badArgumentsChangeNothing() throws {
        let id = try replicaWithChild()
        #expect(try cli.navet("note", "add", "--child", id, "--kind", "samtal", "--text", "Första samtalet.").code == 0)
        let before = try dump("navet.db")
        let cases: [([String], Int32, String)] = [
            (["child", "add"], 2, "--name"),
            (["child", "add", "--name", "X", "--shoe-size", "40"], 2, "--shoe-size"),
            (["child", "add", "--name", "X", "--birth-date", "14/3/2009"], 3, "YYYY-MM-DD"),
            (["child", "add", "--name", "X", "--birth-date", "2009-02-30"], 3, "does not exist"),
            (["child", "add", "--name", "X", "--asylum-status", "maybe"], 3, "rejected"),
            (["child", "add", "--name", "X", "--name", "Y"], 2, "twice"),
            (["child", "show", "0123456789abcdef"], 3, "0123456789abcdef"),
            (["child", "show", "zz"], 3, "zz"),
            (["child", "set", id, "shoe-size", "40"], 3, "shoe-size"),
            (["child", "set", id, "birth-date", "yesterday"], 3, "YYYY-MM-DD"),
            (["child", "set", id, "name", ""], 3, "required"),
            (["child", "set", id], 2, "FIELD"),
            (["child", "history", id, "--field", "colour"], 3, "colour"),
            (["note", "add", "--child", "0123456789abcdef", "--kind", "meeting", "--text", "x"], 3, "0123456789abcdef"),
            (["note", "add", "--child", id, "--kind", "gossip", "--text", "x"], 3, "information_talk"),
            (["note", "add", "--child", id, "--kind", "meeting", "--text", "x", "--tag", "public"], 3, "protected"),
            (["conflicts", "resolve", id, "name", "--choose", "1"], 3, "no conflict"),
            (["conflicts", "resolve", id, "name"], 2, "--choose"),
            (["import", "no-such-file.navet"], 5, "no-such-file.navet"),
            (["frobnicate"], 2, "frobnicate"),
            (["status", "extra"], 2, "extra"),
        ]
        for (arguments, code, fragment) in cases {
            let result = try cli.run("navet", arguments)
            #expect(result.code == code, "\(arguments): \(result.err)")
            #expect(result.err.contains(fragment), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty, "\(arguments) printed to stdout")
        }
        #expect(try dump("navet.db") == before)
    }

    @Test func errorsInJSONModeAreJSON() throws {
        let result = try cli.navet("--json", "child", "list")
        #expect(result.code == 5)
        let object = try json(result.err) as! [String: Any]
        #expect(object["exit_code"] as? Int == 5)
        #expect((object["error"] as? String)?.contains("navet init") == true)
    }

    @Test func notesCannotBeEditedOnlyCorrected() throws {
        let id = try replicaWithChild()
        let first = try json(try cli.navet("--json", "note", "add", "--child", id, "--kind", "informationssamtal",
                                           "--text", "Informationssamtal om asylprocessen.", "--tag", "asyl").out) as! [String: Any]
        let note = first["id"] as! String
        let second = try cli.navet("note", "add", "--child", id, "--kind", "information_talk",
                                   "--text", "Rättelse: samtalet hölls med tolk.", "--corrects", note)
        #expect(second.code == 0)
        let notes = try json(try cli.navet("--json", "note", "list", "--child", id).out) as! [[String: Any]]
        #expect(notes.count == 2)
        #expect(notes[0]["tag"] as? String == "asylum")
        #expect(((notes[1]["fields"] as! [String: Any])["corrects"] as? String) == note)
    }

    /// Registers the organisation (once) and creates a replica from a fresh enrollment file.
    func enrolledReplica(_ db: String) throws -> Enrollment {
        if !FileManager.default.fileExists(atPath: folder.path("central.db")) {
            #expect(try cli.navetd("--db", "central.db", "init").code == 0)
            let added = try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Björkgården",
                                       "--kind", "residential_home", "--municipality", "Strömsund")
            #expect(added.code == 0, "\(added.err)")
        }
        let enrolled = try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Björkgården",
                                      "--out", "\(db).enroll")
        #expect(enrolled.code == 0, "\(enrolled.err)")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.path("\(db).enroll"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "enrollment files hold secrets")
        let created = try cli.navet("--db", db, "init", "--enroll", "\(db).enroll")
        #expect(created.code == 0, "\(created.err)")
        let dbAttributes = try FileManager.default.attributesOfItem(atPath: folder.path(db))
        #expect((dbAttributes[.posixPermissions] as? Int) == 0o600)
        return try Enrollment.parse(Array(try Data(contentsOf: folder.url.appendingPathComponent("\(db).enroll"))))
    }

    func roundTrip(_ db: String) throws {
        #expect(try cli.navet("--db", db, "export", "\(db).up").code == 0)
        let merged = try cli.navetd("--db", "central.db", "import", "\(db).up", "--reply", "\(db).reply")
        #expect(merged.code == 0, "\(merged.err)")
        let imported = try cli.navet("--db", db, "import", "\(db).reply")
        #expect(imported.code == 0, "\(imported.err)")
    }

    /// export → navetd import → navet import, and refused bundles of every kind.
    @Test func fileSyncAndRefusedBundles() throws {
        _ = try enrolledReplica("a.db")
        let b = try enrolledReplica("b.db")
        let added = try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Åsa Öberg")
        let id = (try json(added.out) as! [String: Any])["id"] as! String
        try roundTrip("a.db")
        try roundTrip("b.db")
        let shown = try cli.navet("--db", "b.db", "child", "show", id)
        #expect(shown.code == 0 && shown.out.contains("Åsa Öberg"))

        // The same reply again: refused as imported already (exit 4), nothing changes
        // (BUNDLE.md, "Which reply a replica applies").
        let before = try dump("b.db")
        let again = try cli.navet("--db", "b.db", "import", "b.db.reply")
        #expect(again.code == 4 && again.err.contains("was imported already"), "\(again.err)")
        #expect(try dump("b.db") == before)

        // Damaged, forged and foreign bundles: refused with exit code 4, nothing changes.
        let good = try Data(contentsOf: folder.url.appendingPathComponent("b.db.reply"))
        var flipped = good
        flipped[flipped.count / 2] ^= 0x10
        var wrongVersion = good
        wrongVersion[5] = 9
        var forged = good
        forged[forged.count - 1] ^= 0x01  // the MAC: structure and checksum still fine
        let wrongSchema = BundleCodec.encode(
            NavetWire.Bundle(kind: .reply, schemaVersion: 99, sender: b.serverID, recipient: b.replicaID,
                             createdAt: 0, cursor: 0, changes: []),
            signer: .fresh(keyID: b.replicaID, secret: b.secret, now: 0))
        let upload = try Data(contentsOf: folder.url.appendingPathComponent("a.db.up"))
        let cases: [(String, Data, String)] = [
            ("truncated", good.prefix(good.count - 7), "truncated"),
            ("empty", Data(), "is empty"),
            ("flipped", flipped, "checksum"),
            ("version", wrongVersion, "version 9"),
            ("forged", forged, "signature"),
            ("schema", Data(wrongSchema), "schema version 99"),
            ("upload", upload, "upload"),
            ("other", try Data(contentsOf: folder.url.appendingPathComponent("a.db.reply")), "addressed"),
            ("text", Data("hello".utf8), "not a Navet bundle"),
        ]
        for (name, bytes, fragment) in cases {
            try bytes.write(to: folder.url.appendingPathComponent(name))
            let result = try cli.navet("--db", "b.db", "import", name)
            #expect(result.code == 4, "\(name): \(result.err)")
            #expect(result.err.contains(fragment), "\(name): \(result.err)")
        }
        #expect(try dump("b.db") == before)

        // The server refuses the same way, changes no data and writes no reply. (It does
        // count refusals of authenticated replicas in their sync health.)
        let central = try dataDump("central.db")
        for (name, _, _) in cases where name != "upload" {
            let result = try cli.navetd("--db", "central.db", "import", name, "--reply", "\(name).reply")
            #expect(result.code == 4, "\(name): \(result.err)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("\(name).reply")))
        }
        #expect(try dataDump("central.db") == central)
        // The same upload file again is not a replay: it is answered again (its reply may
        // have been lost), and merging it again changes no data.
        let reimported = try cli.navetd("--db", "central.db", "import", "a.db.up", "--reply", "again.reply")
        #expect(reimported.code == 0, "\(reimported.err)")
        #expect(FileManager.default.fileExists(atPath: folder.path("again.reply")))
        #expect(try dataDump("central.db") == central)
        #expect(try sqlite3("central.db", "PRAGMA integrity_check") == "ok")
    }

    @Test func revokedAndUnenrolledReplicasCannotSync() throws {
        let a = try enrolledReplica("a.db")
        #expect(try cli.navet("--db", "a.db", "export", "a.up").code == 0)
        let revoked = try cli.navetd("--db", "central.db", "replica", "revoke", a.replicaID.description)
        #expect(revoked.code == 0, "\(revoked.err)")
        let refused = try cli.navetd("--db", "central.db", "import", "a.up", "--reply", "a.reply")
        #expect(refused.code == 4 && refused.err.contains("revoked"), "\(refused.err)")
        let list = try json(try cli.navetd("--db", "central.db", "--json", "replica", "list").out) as! [[String: Any]]
        #expect(list.count == 1 && list[0]["revoked"] is String)
        // The revoked replica's own signed file is counted in its sync health (it keeps
        // trying: the operator sees it); a forged one, in its name, counts against nobody.
        #expect(list[0]["pending_refusals"] as? Int == 1 && list[0]["last_refusal"] as? String == "revoked_replica",
                "\(list)")
        var forged = try Array(Data(contentsOf: URL(fileURLWithPath: folder.path("a.up"))))
        forged[forged.count - 1] ^= 0x01
        try Data(forged).write(to: URL(fileURLWithPath: folder.path("forged.up")))
        let forgedImport = try cli.navetd("--db", "central.db", "import", "forged.up", "--reply", "f.reply")
        #expect(forgedImport.code == 4 && forgedImport.err.contains("revoked"), "\(forgedImport.err)")
        let after = try json(try cli.navetd("--db", "central.db", "--json", "replica", "list").out) as! [[String: Any]]
        #expect(after[0]["pending_refusals"] as? Int == 1, "\(after)")
        let table = try cli.navetd("--db", "central.db", "replica", "list")
        #expect(table.out.contains("1 ("), "\(table.out)")

        #expect(try cli.navet("--db", "local.db", "init").code == 0)
        let local = try cli.navet("--db", "local.db", "export", "local.up")
        #expect(local.code == 3 && local.err.contains("not enrolled"), "\(local.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("local.up")))

        let bad = try cli.navet("--db", "x.db", "init", "--enroll", "a.up")
        #expect(bad.code == 4 && bad.err.contains("enrollment"), "\(bad.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.db")))
    }

    @Test func demoRuns() throws {
        let result = try cli.navet("demo", "--keep", "demo")
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err.isEmpty, "\(result.err)")
        #expect(result.out.contains("conflict: 2 values"))
        #expect(result.out.contains("No conflicts."))
        // Need to know: the hub is built with `hub add`, the school sees nothing until it
        // joins as mentor, and then only the basic fields.
        #expect(result.out.contains("to the hub of child") && result.out.contains("as contact person"))
        #expect(result.out.contains("it received nothing about her, not even her name"))
        #expect(result.out.contains("As mentor, the school now sees: name, birth date (stated), languages."))
        #expect(result.out.contains("Not shared with the school: arrival date, arrival municipality, assigned municipality, asylum status,"))
        #expect(!result.out.contains("refused") && !result.out.contains("error"))
        #expect(try sqlite3("demo/school.db", "SELECT count(*) FROM refused_changes") == "0")
        // The method's story: a rejection's alert, a disappearance reported offline at night,
        // the morning's alerts in the hub, the police with the search fields only, found,
        // followed up, and the police's access gone.
        #expect(result.out.contains("rejection_no_talk") && result.out.contains("missing_not_reported"))
        #expect(result.out.contains("The police hold: name, birth date (stated), and the episode's search fields"))
        #expect(result.out.contains("the police were told at") && result.out.contains("found at"))
        #expect(result.out.contains("the search fields were removed from their file"))
        #expect(try sqlite3("demo/police.db", "SELECT count(*) FROM cells") == "0")
        for name in ["home", "social", "guardian", "school", "police", "central"] {
            #expect(try sqlite3("demo/\(name).db", "PRAGMA integrity_check") == "ok")
        }
    }
}
