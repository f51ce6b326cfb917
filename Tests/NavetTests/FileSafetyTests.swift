import Foundation
import NavetCore
@testable import NavetStore
import NavetSQLite
import NavetSync
import NavetWire
import NavetTestSupport
import Testing

/// Every file a command writes, and every file it opens, through the real binaries: no
/// command writes over a database, the `--db` file or (without `--force`) any existing
/// file; a command that fails has changed nothing; opening a file that is not a Navet file
/// of the right role leaves it as it was; navetd never creates a store implicitly.
@Suite struct FileSafetyTests {
    let folder = TemporaryDirectory(prefix: "navet-files")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: folder.path(name)) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.path(name)) }
    func dump(_ name: String) throws -> String { try SQLite3Tool.run(folder.path(name), ".dump") }
    func sqlite3(_ name: String, _ sql: String) throws -> String { try SQLite3Tool.run(folder.path(name), sql) }

    /// A central store with one organisation and an enrolled replica `a.db` holding a child.
    func setUp() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Norr", "--kind", "residential_home",
                               "--municipality", "Luleå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Elias").code == 0)
        try "old text".write(toFile: folder.path("old.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.path("folder"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link-to-a.db"), withDestinationPath: "a.db")
        try FileManager.default.linkItem(atPath: folder.path("a.db"), toPath: folder.path("hardlink-a.db"))
        try FileManager.default.createSymbolicLink(atPath: folder.path("link-to-central.db"), withDestinationPath: "central.db")
    }

    /// Runs `command` with each forbidden target; checks exit code 5, the message, and that
    /// the target and both databases are unchanged.
    func expectRefused(_ targets: [(String, String)], force: Bool = false,
                       _ command: (String) throws -> CLIRunner.Result) throws {
        for (target, fragment) in targets {
            let before = (bytes(target), try dump("a.db"), try dump("central.db"))
            let result = try command(target)
            #expect(result.code == 5, "\(target): \(result.err)")
            #expect(result.err.contains(fragment), "\(target): \(result.err)")
            #expect(result.err.contains("Nothing was changed"), "\(target): \(result.err)")
            #expect(bytes(target) == before.0, "\(target) was changed")
            #expect(try dump("a.db") == before.1)
            #expect(try dump("central.db") == before.2)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains(".tmp-") || $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// The targets no writer of `navet` (database a.db) may touch.
    let replicaTargets = [
        ("a.db", "is the database given in --db"), ("./a.db", "is the database given in --db"),
        ("link-to-a.db", "is the database given in --db"), ("hardlink-a.db", "is the database given in --db"),
        ("central.db", "is an SQLite database"), ("old.txt", "already exists"), ("folder", "is a folder"),
        ("no-such-folder/x.navet", "the folder no-such-folder cannot be used"),
    ]
    /// The targets no writer of `navetd` (database central.db) may touch.
    let centralTargets = [
        ("central.db", "is the database given in --db"), ("./central.db", "is the database given in --db"),
        ("link-to-central.db", "is the database given in --db"), ("a.db", "is an SQLite database"),
        ("old.txt", "already exists"), ("folder", "is a folder"),
        ("no-such-folder/x.navet", "the folder no-such-folder cannot be used"),
    ]
    /// With --force: only the plain existing file may be replaced.
    func forced(_ targets: [(String, String)]) -> [(String, String)] { targets.filter { $0.0 != "old.txt" } }

    @Test func exportNeverWritesOverADatabaseOrAnExistingFile() throws {
        try setUp()
        try expectRefused(replicaTargets) { try cli.navet("--db", "a.db", "export", $0) }
        try expectRefused(forced(replicaTargets)) { try cli.navet("--db", "a.db", "export", $0, "--force") }
        #expect(try cli.navet("--db", "a.db", "status").code == 0, "the replica still opens")
        // --force replaces a plain file, atomically, with mode 0600.
        let forced = try cli.navet("--db", "a.db", "export", "old.txt", "--force")
        #expect(forced.code == 0, "\(forced.err)")
        #expect(bytes("old.txt")?.prefix(4) != Data("old ".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path("old.txt"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let fresh = try cli.navet("--db", "a.db", "export", "up.navet")
        #expect(fresh.code == 0, "\(fresh.err)")
    }

    @Test func importReplyIsCheckedBeforeTheUploadIsMerged() throws {
        try setUp()
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        try expectRefused(centralTargets + [("/nonexistent/r.navet", "the folder /nonexistent cannot be used")]) {
            try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", $0)
        }
        try expectRefused(forced(centralTargets)) {
            try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", $0, "--force")
        }
        // Nothing was merged, so the same file is accepted now, and again after that (the
        // reply of a merged upload is written again: a lost reply is not the end).
        let first = try cli.navetd("--db", "central.db", "--json", "import", "up.navet", "--reply", "r1.navet")
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.contains("\"applied\" : 1"), "\(first.out)")
        let merged = try dump("central.db")
        let second = try cli.navetd("--db", "central.db", "--json", "import", "up.navet", "--reply", "r2.navet")
        #expect(second.code == 0, "\(second.err)")
        #expect(second.out.contains("\"applied\" : 0"), "\(second.out)")
        #expect(try sqlite3("central.db", "SELECT count(*) FROM changes") == "1")
        _ = merged
        let imported = try cli.navet("--db", "a.db", "import", "r2.navet")
        #expect(imported.code == 0, "\(imported.err)")
        #expect(try cli.navet("--db", "a.db", "--json", "status").out.contains("\"pending\" : 0"))
    }

    @Test func enrollmentFileIsCheckedBeforeTheReplicaIsRegistered() throws {
        try setUp()
        try expectRefused(centralTargets) {
            try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", $0)
        }
        try expectRefused(forced(centralTargets)) {
            try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", $0, "--force")
        }
        #expect(try sqlite3("central.db", "SELECT count(*) FROM replicas") == "1")
        let forced = try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", "old.txt", "--force")
        #expect(forced.code == 0, "\(forced.err)")
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path("old.txt"))[.posixPermissions] as? Int
        #expect(mode == 0o600, "an enrollment file holds a secret")
        #expect(try cli.navet("--db", "b.db", "init", "--enroll", "old.txt").code == 0)
    }

    @Test func backupNeverWritesOverADatabaseOrAnExistingFile() throws {
        try setUp()
        #expect(try cli.navetd("--db", "central.db", "backup", "backup.db").code == 0)
        let targets = centralTargets + [("backup.db", "is an SQLite database")]
        try expectRefused(targets) { try cli.navetd("--db", "central.db", "backup", $0) }
        try expectRefused(forced(targets)) { try cli.navetd("--db", "central.db", "backup", $0, "--force") }
        let forced = try cli.navetd("--db", "central.db", "backup", "old.txt", "--force")
        #expect(forced.code == 0, "\(forced.err)")
        #expect(try sqlite3("old.txt", "SELECT value FROM meta WHERE key = 'role'") == "central")
    }

    @Test func demoKeepNeverUsesAnExistingFile() throws {
        try setUp()
        for target in ["a.db", "old.txt"] {
            let before = bytes(target)
            let result = try cli.navet("demo", "--keep", target)
            #expect(result.code == 5, "\(target): \(result.err)")
            #expect(bytes(target) == before)
        }
    }

    /// Restore and init replace or create the --db file itself: restore only over a central
    /// store, init never over anything.
    @Test func restoreAndInitNeverReplaceAnotherFile() throws {
        try setUp()
        #expect(try cli.navetd("--db", "central.db", "backup", "backup.db").code == 0)
        for target in ["a.db", "old.txt"] {
            let before = bytes(target)
            let restored = try cli.navetd("--db", target, "restore", "backup.db")
            #expect(restored.code == 5, "\(target): \(restored.err)")
            #expect(restored.err.contains(target == "a.db" ? "is a replica file, not a central store" : "not a Navet"),
                    "\(target): \(restored.err)")
            #expect(bytes(target) == before)
        }
        for (program, target) in [("navet", "central.db"), ("navet", "old.txt"), ("navetd", "a.db"), ("navetd", "old.txt")] {
            let before = bytes(target)
            let created = try cli.run(program, ["--db", target, "init"])
            #expect(created.code == 5 && created.err.contains("already exists"), "\(program) \(target): \(created.err)")
            #expect(bytes(target) == before)
        }
        let restored = try cli.navetd("--db", "central.db", "restore", "backup.db")
        #expect(restored.code == 0, "\(restored.err)")
    }

    @Test func forceIsInTheHelpOfEveryWriterInBothLanguages() throws {
        for (program, command) in [("navet", ["export"]), ("navetd", ["import"]), ("navetd", ["replica", "enroll"]),
                                   ("navetd", ["backup"])] {
            let english = try cli.run(program, command + ["--help"])
            #expect(english.out.contains("--force") && english.out.contains("never a database"), "\(command)")
            let swedish = try cli.run(program, ["--lang", "sv"] + command + ["--help"])
            #expect(swedish.out.contains("--force") && swedish.out.contains("aldrig en databas"), "\(command)")
        }
        let overview = try cli.navetd("--help")
        #expect(overview.out.contains("init") && overview.out.contains("Create a new central store"))
    }

    // MARK: Opening files

    @Test func openingAFileThatIsNotANavetFileChangesNothing() throws {
        try setUp()
        try "notes, not a database, long enough to look like a header to someone".write(
            toFile: folder.path("notes.txt"), atomically: true, encoding: .utf8)
        #expect(try SQLite3Tool.run(folder.path("other.sqlite"), "CREATE TABLE t(x); INSERT INTO t VALUES (1);") == "")
        #expect(try SQLite3Tool.run(folder.path("foreign.sqlite"),
                                    "PRAGMA application_id = 1234; CREATE TABLE meta(key, value); INSERT INTO meta VALUES ('role', 'replica');") == "")
        FileManager.default.createFile(atPath: folder.path("empty.db"), contents: Data())
        let cases = [("notes.txt", "not an SQLite database"), ("other.sqlite", "it was not made by Navet"),
                     ("foreign.sqlite", "another program"), ("central.db", "not a replica file"), ("empty.db", "it was not made by Navet")]
        for (name, fragment) in cases {
            let before = bytes(name)
            for command in [["child", "list"], ["child", "add", "--name", "X"], ["export", "x.navet"], ["status"]] {
                let result = try cli.run("navet", ["--db", name] + command)
                #expect(result.code == 5, "\(name) \(command): \(result.err)")
                #expect(result.err.contains(fragment), "\(name) \(command): \(result.err)")
                #expect(bytes(name) == before, "\(name) changed by \(command)")
                #expect(!exists(name + "-wal") && !exists("x.navet"), "\(name) \(command)")
            }
        }
        let before = bytes("a.db")
        for command in [["status"], ["org", "list"], ["serve", "--listen", "127.0.0.1:0"]] {
            let result = try cli.run("navetd", ["--db", "a.db"] + command)
            #expect(result.code == 5 && result.err.contains("not a central store"), "\(command): \(result.err)")
        }
        #expect(bytes("a.db") == before)
        let missing = try cli.navet("--db", "missing.db", "child", "list")
        #expect(missing.code == 5 && !exists("missing.db"))
    }

    @Test func navetdOpensAnExistingStoreOnlyAndInitCreatesOne() throws {
        for command in [["serve", "--listen", "127.0.0.1:0"], ["status"], ["org", "list"], ["replica", "list"],
                        ["org", "add", "--name", "X", "--kind", "police", "--municipality", "Umeå"],
                        ["replica", "enroll", "--org", "X", "--out", "x.enroll"], ["backup", "b.db"],
                        ["import", "up.navet", "--reply", "r.navet"], ["replica", "revoke", "0123456789abcdef"]] {
            let result = try cli.run("navetd", ["--db", "typo.db"] + command)
            #expect(result.code == 5, "\(command): \(result.err)")
            #expect(result.err.contains("navetd --db typo.db init"), "\(command): \(result.err)")
            #expect(!exists("typo.db") && !exists("x.enroll") && !exists("b.db") && !exists("r.navet"), "\(command)")
        }
        let created = try cli.navetd("--db", "central.db", "--json", "init")
        #expect(created.code == 0, "\(created.err)")
        #expect(created.out.contains("\"server\""))
        let before = bytes("central.db")
        let again = try cli.navetd("--db", "central.db", "init")
        #expect(again.code == 5 && again.err.contains("already exists"), "\(again.err)")
        #expect(bytes("central.db") == before)
        #expect(try cli.navetd("--db", "central.db", "status").code == 0)
    }

    /// The same bundle file imported again is answered again; the same nonce with other
    /// bytes, or over HTTP, is a replay.
    @Test func aBundleFileImportedAgainIsAnsweredAgain() throws {
        let sync = try SyncHarness(replicas: 1)
        let now: Int64 = 1_767_229_200_000
        _ = try sync.replicas[0].createRecord(type: "child", values: ["name": .text("Sara")], now: now)
        let upload = try sync.export(0, now: now)
        let first = try sync.service.accept(upload, arrival: .file, now: now)
        let changes = try sync.central.changeCount
        let second = try sync.service.accept(upload, arrival: .file, now: now + 1)
        #expect(first.applied == 1 && second.applied == 0 && second.duplicates == 1)
        #expect(try sync.central.changeCount == changes)
        #expect(throws: Refusal.self) { try sync.service.accept(upload, arrival: .http, now: now + 2) }
        // Other bytes under a nonce already seen (only the secret's holder can make them).
        #expect(throws: StoreError.self) {
            try sync.central.acceptUpload(sender: sync.replicas[0].replicaID, cursor: 0, changes: [],
                                          nonce: try NavetWire.BundleCodec.decode(upload).signature.nonce,
                                          digest: [UInt8](repeating: 7, count: 32), now: now + 3)
        }
    }

    /// The same for an upload answered without a merge, after the server was restored.
    @Test func anUploadFromAnotherEpochImportedAgainIsAnsweredAgain() throws {
        let sync = try SyncHarness(replicas: 1)
        let now: Int64 = 1_767_229_200_000
        _ = try sync.replicas[0].createRecord(type: "child", values: ["name": .text("Sara")], now: now)
        try sync.sync(0, now: now)
        let backup = sync.folder.path("backup.db")
        try sync.central.backup(to: backup)
        try sync.restoreServer(from: backup)
        let upload = try sync.export(0, now: now + 1)
        let first = try sync.service.accept(upload, arrival: .file, now: now + 2)
        let second = try sync.service.accept(upload, arrival: .file, now: now + 3)
        #expect(first.more && second.more && first.applied == 0 && second.applied == 0)
        #expect(throws: Refusal.self) { try sync.service.accept(upload, arrival: .http, now: now + 4) }
    }

    // MARK: The files themselves

    @Test func bothFilesCarryTheApplicationIDAndReplicasHaveNoCentralTables() throws {
        try setUp()
        let navt = String(Layout.applicationID)
        #expect(try sqlite3("a.db", "PRAGMA application_id") == navt)
        #expect(try sqlite3("central.db", "PRAGMA application_id") == navt)
        let replicaTables = try sqlite3("a.db", "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        #expect(replicaTables.split(separator: "\n") == ["audit_log", "audit_purpose_tags", "cells", "changes", "checkpoints", "child_order", "directory",
                                                     "meta", "origins", "permissions", "refused_changes", "superseded", "users"])
        let centralTables = try sqlite3("central.db", "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        #expect(centralTables.split(separator: "\n") == [
            "abandoned_tokens", "access", "cells", "central_read_log", "central_read_log_bases", "central_read_log_breaks", "central_read_log_heads",
            "central_read_log_records", "central_read_log_replaced", "change_runs", "changes", "child_facts", "consents", "disclosures", "episodes", "hub",
            "ledger_checkpoints", "meta", "nonces", "organisations", "origins", "policies", "redactions", "refusals",
            "replicas", "superseded"])
        #expect(try sqlite3("central.db", "SELECT count(*) FROM sqlite_schema WHERE type = 'view'") == "0")
    }

    @Test func replicaViewsAreReadableWithSQLite3() throws {
        try setUp()
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Amina Rahimi", "--birth-date", "2009-03-14",
                              "--asylum-status", "pending", "--protected-identity", "yes").code == 0)
        let id = try sqlite3("a.db", "SELECT id FROM children_view WHERE name = 'Amina Rahimi'")
        #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
        let shown = try cli.navet("--db", "a.db", "child", "show", String(id.prefix(6)))
        #expect(shown.code == 0 && shown.out.contains(id), "the view's id is the CLI's id: \(shown.out)")
        #expect(try sqlite3("a.db", "SELECT name, birth_date, asylum_status, protected_identity, conflicts FROM children_view WHERE id = '\(id)'")
            == "Amina Rahimi|2009-03-14|pending|yes|0")
        let created = try sqlite3("a.db", "SELECT created_at FROM children_view WHERE id = '\(id)'")
        #expect(created.count == 24 && created.hasSuffix("Z") && created.dropFirst(10).first == "T", "\(created)")
        #expect(try cli.navet("--db", "a.db", "note", "add", "--child", id, "--kind", "observation", "--text", "Sov gott.").code == 0)
        #expect(try sqlite3("a.db", "SELECT child, kind, text, tag FROM notes_view") == "\(id)|observation|Sov gott.|case")
        #expect(try sqlite3("a.db", "SELECT count(*) FROM conflicts_view") == "0")
        #expect(try sqlite3("a.db", "SELECT state FROM history_view WHERE record = '\(id)' AND field = 'name'") == "shown")
        // Read-only: a view cannot be written.
        #expect(try SQLite3Tool.run(folder.path("a.db"), "UPDATE children_view SET name = 'X'") == "")
        #expect(try sqlite3("a.db", "SELECT count(*) FROM children_view WHERE name = 'X'") == "0")
    }
}
