import Foundation
import Glibc
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// Users and the read audit on a replica (issue 13, points 1 and 2; Protocol/AUDIT.md),
/// through the real `navet` binary and the real `sqlite3` tool.
@Suite struct AuditTests {
    let folder = TemporaryDirectory(prefix: "navet-audit")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// The operating-system login the binaries run as (the first user `navet init` adds).
    static let login: String = {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "" }
        return String(cString: name)
    }()

    func object(_ result: CLIRunner.Result) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) as? [String: Any] ?? [:]
    }
    func list(_ result: CLIRunner.Result) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) as? [[String: Any]] ?? []
    }
    func dump(_ name: String = "navet.db") throws -> String { try SQLite3Tool.run(folder.path(name), ".dump") }
    func entries(_ name: String = "navet.db") throws -> [AuditEntry] {
        try ReplicaStore.open(path: folder.path(name)).auditEntries()
    }

    /// Runs `arguments` (with `environment` added) and expects a refusal with `code` that
    /// shows nothing and leaves the file as it was, its message holding every part of `says`.
    @discardableResult
    func refused(_ arguments: [String], code: Int32, says: [String] = [], environment: [String: String] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let before = try dump()
        var runner = cli
        runner.environment.merge(environment) { _, new in new }
        let result = try runner.run("navet", arguments)
        #expect(result.code == code, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
        for part in says {
            #expect(result.err.contains(part), "\(arguments): '\(part)' not in \(result.err)", sourceLocation: sourceLocation)
        }
        #expect(result.out.isEmpty, "\(arguments) showed: \(result.out)", sourceLocation: sourceLocation)
        #expect(try dump() == before, "\(arguments) changed the file", sourceLocation: sourceLocation)
        return result.err
    }

    // MARK: The vectors

    /// Protocol/vectors/audit/chain.json against the Swift encoding (Tools/audit/check_vectors.py
    /// checks the same file with Python's hashlib).
    @Test func vectorsMatchTheCanonicalEncoding() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/audit/chain.json")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        let vectors = document?["entries"] as? [[String: Any]] ?? []
        #expect(vectors.count == 4)
        var previous = AuditEntry.genesis
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        for vector in vectors {
            let entry = AuditEntry(
                seq: UInt64((vector["seq"] as? Int) ?? 0), replica: ReplicaID(hex: vector["replica"] as? String ?? "")!,
                time: Int64((vector["time"] as? Int) ?? 0), user: vector["user"] as? String ?? "",
                kind: vector["kind"] as? String ?? "", command: vector["command"] as? String ?? "",
                records: (vector["records"] as? [String] ?? []).compactMap(RecordID.init(hex:)),
                fields: vector["fields"] as? [String] ?? [], tags: vector["tags"] as? [String] ?? [],
                purpose: vector["purpose"] as? String, previousHash: previous)
            #expect(vector["previous_hash"] as? String == hex(previous))
            #expect(hex(entry.canonicalBytes) == vector["canonical"] as? String, "seq \(entry.seq)")
            #expect(hex(entry.computedHash) == vector["hash"] as? String, "seq \(entry.seq)")
            previous = entry.computedHash
        }
    }

    // MARK: Users

    @Test func initAddsTheLoginAsTheFirstUserAndNoUserSkipsIt() throws {
        let initialised = try cli.navet("init")
        #expect(initialised.code == 0)
        #expect(initialised.out.contains("First user: \(Self.login)"), "\(initialised.out)")
        let users = list(try cli.navet("--json", "user", "list"))
        #expect(users.count == 1 && users.first?["user"] as? String == Self.login && users.first?["os_user"] as? String == Self.login)
        #expect(try entries().map(\.command) == ["user add"])

        // Without a first user, every display is refused until someone adds one.
        let bare = CLIRunner(workingDirectory: folder.url, environment: ["LANG": "C.UTF-8", "NAVET_DB": folder.path("bare.db")])
        let made = try bare.navet("--json", "init", "--no-user")
        #expect(made.code == 0 && object(made)["user"] is NSNull)
        let before = try dump("bare.db")
        let noUser = try bare.navet("child", "list")
        #expect(noUser.code == 9 && noUser.out.isEmpty && noUser.err.contains("no user of this replica is mapped to your login"))
        #expect(try dump("bare.db") == before)
        let swedish = try bare.navet("--lang", "sv", "child", "list")
        #expect(swedish.code == 9 && swedish.err.contains("ingen användare av den lokala databasen hör till din inloggning"))
        // The first user on a file with no enabled user: anyone may add it.
        #expect(try bare.navet("user", "add", "eva", "--name", "Eva Ek").code == 0)
        #expect(try bare.navet("--user", "eva", "child", "list").code == 0)
        #expect(try bare.navet("child", "list", "--user", "EVA").code == 0, "after the command, in any case")
        var withVariable = bare
        withVariable.environment["NAVET_USER"] = "eva"
        #expect(try withVariable.navet("child", "list").code == 0)
        let log = try ReplicaStore.open(path: folder.path("bare.db")).auditEntries()
        #expect(log.map(\.command) == ["user add", "child list", "child list", "child list"])
        #expect(log.map(\.user) == ["eva", "eva", "eva", "eva"])
    }

    @Test func userAddListDisableAndEveryRefusal() throws {
        #expect(try cli.navet("init").code == 0)
        let added = try cli.navet("--json", "user", "add", "eva", "--name", "Eva Ek", "--os-user", "eek")
        #expect(added.code == 0 && object(added)["added_by"] as? String == Self.login && object(added)["os_user"] as? String == "eek")
        #expect(try cli.navet("user", "add", "Åsa", "--name", "Åsa Öberg").code == 0)
        let listed = try cli.navet("user", "list")
        #expect(listed.out.contains("Eva Ek") && listed.out.contains("eek") && listed.out.contains("Åsa Öberg"))

        try refused(["user", "add", "EVA", "--name", "Eva Andersson"], code: 3, says: ["already a user 'eva'"])
        try refused(["user", "add", "A\u{30A}sa", "--name", "Åsa igen"], code: 3, says: ["already a user 'Åsa'"])
        try refused(["user", "add", "karl", "--name", "Karl", "--os-user", "eek"], code: 3, says: ["'eek' is already mapped to the user 'eva'"])
        try refused(["user", "add", "bad name", "--name", "X"], code: 3, says: ["cannot be a user name"])
        try refused(["user", "add", "karl"], code: 2, says: ["--name"])
        try refused(["user", "add", "karl", "--name", "Karl\u{7}"], code: 3, says: ["not allowed"])
        try refused(["--user", "nobody", "child", "list"], code: 9, says: ["no user 'nobody'", "--user"])
        try refused(["child", "list"], code: 9, says: ["no user 'ghost'", "NAVET_USER"], environment: ["NAVET_USER": "ghost"])
        try refused(["--lang", "sv", "--user", "nobody", "child", "list"], code: 9, says: ["ingen användare 'nobody'"])

        let disabled = try cli.navet("--json", "user", "disable", "Eva")
        #expect(disabled.code == 0 && object(disabled)["user"] as? String == "eva")
        try refused(["--user", "eva", "child", "list"], code: 9, says: ["'eva' is disabled"])
        try refused(["--user", "eva", "child", "add", "--name", "X"], code: 9, says: ["'eva' is disabled"])
        try refused(["--user", "eva", "user", "add", "karl", "--name", "Karl"], code: 9, says: ["'eva' is disabled"])
        try refused(["user", "disable", "eva"], code: 3, says: ["already disabled"])
        try refused(["user", "disable", "nobody"], code: 3, says: ["no user 'nobody'"])
        #expect(try cli.navet("user", "disable", "åsa").code == 0)
        try refused(["user", "disable", Self.login], code: 3, says: ["last enabled user"])
        let users = list(try cli.navet("--json", "user", "list"))
        #expect(users.filter { $0["enabled"] as? Bool == true }.map { $0["user"] as? String } == [Self.login])

        // User management is in the log, naming who did what to whom.
        let log = try entries().filter { $0.kind == "user" }
        #expect(log.map(\.command) == ["user add", "user add", "user add", "user disable", "user disable"])
        #expect(log.map(\.fields) == [["user:\(Self.login)"], ["user:eva"], ["user:Åsa"], ["user:eva"], ["user:Åsa"]])
        #expect(log.dropFirst().allSatisfy { $0.user == Self.login })
    }

    @Test func aFileFromBeforeUsersGetsTheLoginOnMigration() throws {
        #expect(try cli.navet("init", "--no-user").code == 0)
        // Back to the layout before users (15): no users, no log, no ledger checkpoints (17).
        _ = try SQLite3Tool.run(folder.path("navet.db"), """
            DROP TABLE users; DROP TABLE audit_log; DROP TABLE audit_purpose_tags; DROP TABLE checkpoints; DROP TABLE child_order;
            DELETE FROM meta WHERE key LIKE 'users%' OR key LIKE 'audit%'; PRAGMA user_version = 15;
            """)
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "PRAGMA user_version") == "15")
        let listed = try cli.navet("child", "list")
        #expect(listed.code == 0, "\(listed.err)")
        #expect(listed.err.contains("had no users: your login '\(Self.login)' was added as its first user"), "\(listed.err)")
        #expect(try entries().map(\.command) == ["user add", "child list"])
        #expect(try cli.navet("child", "list").err.isEmpty, "said once")
    }

    // MARK: Every display and every edit

    @Test func everyDisplayLogsOneEntryWithWhatItShowed() throws {
        #expect(try cli.navet("init").code == 0)
        // An empty display is logged too, with no records.
        #expect(try cli.navet("note", "list").code == 0)
        let empty = try entries().last
        #expect(empty?.command == "note list" && empty?.records == [] && empty?.kind == "display")

        let child = object(try cli.navet("--json", "child", "add", "--name", "Amina Rahimi", "--birth-date", "2009-03-14",
                                         "--asylum-status", "pending"))["id"] as? String ?? ""
        let childID = RecordID(hex: child)!
        let note = object(try cli.navet("--json", "note", "add", "--child", child, "--kind", "samtal", "--text", "Samtal."))["id"] as? String ?? ""
        let noteID = RecordID(hex: note)!
        #expect(try cli.navet("child", "set", child, "languages", "dari").code == 0)
        let membership = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "HVB Solgården", "--role",
                                              "kontaktperson", "--person", "Eva Ek"))["id"] as? String ?? ""
        let consent = object(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "god man", "--to",
                                           "BUP Umeå", "--tags", "hälsa", "--purpose", "SIP"))["id"] as? String ?? ""
        let episode = object(try cli.navet("--json", "missing", "report", "--child", child, "--last-seen-at",
                                           "2026-01-10 14:05", "--last-seen-place", "Umeå C"))["id"] as? String ?? ""

        // The edits, each with its user, records and fields.
        let edits = try entries().filter { $0.kind == "edit" }
        #expect(edits.map(\.command) == ["child add", "note add", "child set", "hub add", "consent grant", "missing report"])
        #expect(edits.allSatisfy { $0.user == Self.login })
        #expect(edits[0].records == [childID])
        #expect(edits[0].fields == ["child.asylum_status", "child.birth_date", "child.name"])
        #expect(edits[0].tags == ["asylum", "basic"])
        #expect(Set(edits[1].records) == [childID, noteID] && edits[1].tags == ["case"])
        #expect(edits[2].fields == ["child.languages"] && edits[2].records == [childID])
        #expect(edits[3].records.contains(RecordID(hex: membership)!) && edits[3].fields.contains("membership.person"))
        #expect(edits[4].purpose == "SIP", "the consent's purpose is the edit's")
        #expect(edits[5].records.contains(RecordID(hex: episode)!) && edits[5].fields.contains("missing.last_seen_place"))

        // One entry per display, naming what it showed.
        let casePage: Set<String> = [
            "child.name", "child.birth_date", "child.asylum_status", "child.languages",
            "membership.organisation", "membership.role", "membership.person", "membership.start_date",
            "missing.child", "missing.last_seen_at", "missing.last_seen_place", "missing.risk", "missing.reported_by",
            "note.child", "note.kind", "note.text",
        ]
        let displays: [(arguments: [String], command: String, records: Set<String>, fields: Set<String>)] = [
            (["child", "list"], "child list", [child], ["child.name", "child.birth_date", "child.asylum_status"]),
            (["--json", "child", "list"], "child list", [child],
             ["child.name", "child.birth_date", "child.asylum_status", "child.languages"]),
            // The case page: the child, its hub, the open episode and the latest notes.
            (["child", "show", child], "child show", [child, membership, episode, note], casePage),
            (["--json", "child", "show", child], "child show", [child, membership, episode, note], casePage),
            (["child", "history", child, "--field", "languages"], "child history", [child], ["child.languages"]),
            (["note", "list", "--child", child], "note list", [child, note], ["note.child", "note.kind", "note.text"]),
            (["conflicts"], "conflicts", [], []),
            (["hub", "list", "--child", child], "hub list", [child, membership],
             ["membership.organisation", "membership.role", "membership.person", "membership.start_date"]),
            (["consent", "list", "--child", child], "consent list", [child, consent],
             ["consent.organisation", "consent.tags", "consent.given_by", "consent.purpose"]),
            (["missing", "list"], "missing list", [child, episode],
             ["child.name", "missing.child", "missing.last_seen_at", "missing.last_seen_place", "missing.risk"]),
            (["audit", "list"], "audit list", [child, note, membership, consent, episode], []),
        ]
        for display in displays {
            let count = try entries().count
            let result = try cli.run("navet", display.arguments)
            #expect(result.code == 0, "\(display.arguments): \(result.err)")
            let log = try entries()
            #expect(log.count == count + 1, "\(display.arguments) logs one entry")
            guard let last = log.last else { continue }
            #expect(last.command == display.command && last.kind == "display" && last.user == Self.login)
            #expect(Set(last.records.map(\.description)) == display.records, "\(display.arguments): \(last.records)")
            #expect(Set(last.fields) == display.fields, "\(display.arguments): \(last.fields)")
            #expect(last.purpose == nil)
        }
        #expect(try cli.navet("audit", "verify").code == 0)
    }

    @Test func exportIsLoggedAsADisplay() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Norr", "--kind", "residential_home",
                               "--municipality", "Luleå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", "r.enroll").code == 0)
        #expect(try cli.navet("init", "--enroll", "r.enroll").code == 0)
        let child = object(try cli.navet("--json", "child", "add", "--name", "Sara"))["id"] as? String ?? ""
        try refused(["--user", "nobody", "export", "upload.navet"], code: 9)
        #expect(!FileManager.default.fileExists(atPath: folder.path("upload.navet")))
        #expect(try cli.navet("export", "upload.navet").code == 0)
        let last = try entries().last
        #expect(last?.command == "export" && last?.records.map(\.description) == [child] && last?.fields == ["child.name"])
    }

    // MARK: A mandatory purpose

    @Test func aPurposeIsAskedForWhereThePolicyWantsOne() throws {
        #expect(try cli.navet("init").code == 0)
        let child = object(try cli.navet("--json", "child", "add", "--name", "Amina", "--asylum-status", "pending"))["id"] as? String ?? ""
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT INTO audit_purpose_tags(tag) VALUES ('asylum')")
        let count = try entries().count
        // Not a terminal: refused, nothing shown, nothing logged.
        try refused(["child", "show", child], code: 10, says: ["needs a purpose", "asylum", "--purpose"])
        try refused(["child", "list"], code: 10)
        try refused(["--lang", "sv", "child", "show", child], code: 10, says: ["kräver ett syfte", "asyl"])
        try refused(["child", "show", child, "--purpose", "  "], code: 2, says: ["--purpose"])
        #expect(try entries().count == count)
        // A display without the tag needs none.
        #expect(try cli.navet("note", "list").code == 0)
        // With a purpose, before or after the command.
        let shown = try cli.navet("child", "show", child, "--purpose", "Inför samtal om beslutet")
        #expect(shown.code == 0 && shown.out.contains("Amina"))
        #expect(try entries().last?.purpose == "Inför samtal om beslutet")
        #expect(try cli.navet("--purpose", "Uppföljning", "child", "list").code == 0)
        #expect(try entries().last?.purpose == "Uppföljning" && entries().last?.tags.contains("asylum") == true)
        // consent grant's own --purpose stays the consent's; the global one goes before the command.
        #expect(try cli.navet("--purpose", "Kontroll", "child", "history", child).code == 0)
        #expect(try entries().last?.purpose == "Kontroll")
    }

    /// "No protected identity" shows nothing the `protected` tag protects: it is logged with
    /// its tag and asks for no purpose; "yes" (or a concurrent "yes") still does. It made
    /// every JSON list of the replica ask for one.
    @Test func aChildWithoutProtectedIdentityNeedsNoPurpose() throws {
        #expect(try cli.navet("init").code == 0)
        let child = object(try cli.navet("--json", "child", "add", "--name", "Amina", "--protected-identity", "no"))["id"] as? String ?? ""
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT INTO audit_purpose_tags(tag) VALUES ('protected')")
        let shown = try cli.navet("child", "show", child)
        #expect(shown.code == 0 && shown.out.contains("Amina"), "\(shown.err)")
        #expect(try entries().last?.tags.contains("protected") == true && entries().last?.purpose == nil)
        let listed = try cli.navet("--json", "child", "list")
        #expect(listed.code == 0 && listed.out.contains("\"protected_identity\" : false"), "\(listed.err)")
        #expect(try entries().last?.tags.contains("protected") == true)
        #expect(try cli.navet("--json", "child", "list", "--name", "ami").code == 0)
        #expect(try cli.navet("--json", "child", "show", child).code == 0)
        // A second child with protected identity: its display, and the whole JSON list, ask.
        let other = object(try cli.navet("--json", "child", "add", "--name", "Sara", "--protected-identity", "yes"))["id"] as? String ?? ""
        try refused(["child", "show", other], code: 10, says: ["needs a purpose"])
        try refused(["--json", "child", "list"], code: 10)
        #expect(try cli.navet("--json", "child", "list", "--name", "ami").code == 0, "the list shows only Amina")
        // Set back to "no": no purpose again.
        #expect(try cli.navet("--purpose", "Rättelse", "child", "set", other, "protected-identity", "no").code == 0)
        #expect(try cli.navet("child", "show", other).code == 0)
        #expect(try cli.navet("--json", "child", "list").code == 0)
    }

    /// On a terminal the purpose is asked for (a pseudo-terminal from util-linux `script`).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func onATerminalThePurposeIsAskedFor() throws {
        #expect(try cli.navet("init").code == 0)
        let child = object(try cli.navet("--json", "child", "add", "--name", "Amina", "--asylum-status", "pending"))["id"] as? String ?? ""
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT INTO audit_purpose_tags(tag) VALUES ('asylum')")
        let asked = try cli.shell("printf 'Inför samtal om beslutet\\n' | /usr/bin/script -qec \"$NAVET child show \(child)\" /dev/null")
        #expect(asked.code == 0 && asked.out.contains("needs a purpose") && asked.out.contains("Amina"), "\(asked)")
        #expect(try entries().last?.purpose == "Inför samtal om beslutet")
        let count = try entries().count
        let blank = try cli.shell("printf '\\n' | /usr/bin/script -qec \"$NAVET child show \(child)\" /dev/null")
        #expect(blank.code == 10 && !blank.out.contains("Amina"), "\(blank)")
        #expect(try entries().count == count)
    }

    // MARK: Tamper evidence

    @Test func triggersRefuseUpdateAndDelete() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navet("child", "list").code == 0)
        let before = try dump()
        let update = try SQLite3Tool.result(folder.path("navet.db"), "UPDATE audit_log SET user = 'mallory' WHERE seq = 2")
        #expect(update.code != 0 && update.err.contains("append-only"), "\(update)")
        let delete = try SQLite3Tool.result(folder.path("navet.db"), "DELETE FROM audit_log")
        #expect(delete.code != 0 && delete.err.contains("append-only"), "\(delete)")
        #expect(try dump() == before)
        #expect(try cli.navet("audit", "verify").code == 0)
    }

    /// A replica with a log of six entries, triggers dropped, then `sql` run by hand:
    /// `navet audit verify` must name `seq` as the first broken entry.
    func tamper(_ name: String, _ sql: String, brokenAt seq: Int, reason: String,
                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let runner = CLIRunner(workingDirectory: folder.url, environment: ["LANG": "C.UTF-8", "NAVET_DB": folder.path(name)])
        #expect(try runner.navet("init").code == 0, sourceLocation: sourceLocation)
        #expect(try runner.navet("child", "add", "--name", "Amina").code == 0, sourceLocation: sourceLocation)
        for _ in 0..<4 { #expect(try runner.navet("child", "list").code == 0, sourceLocation: sourceLocation) }
        #expect(try runner.navet("audit", "verify").code == 0, sourceLocation: sourceLocation)
        _ = try SQLite3Tool.run(folder.path(name), "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql)
        let verified = try runner.navet("--json", "audit", "verify")
        #expect(verified.code == 8, "\(sql): \(verified.out)", sourceLocation: sourceLocation)
        #expect(object(verified)["first_broken_seq"] as? Int == seq, "\(sql): \(verified.out)", sourceLocation: sourceLocation)
        #expect(object(verified)["reason"] as? String == reason, "\(sql): \(verified.out)", sourceLocation: sourceLocation)
        let text = try runner.navet("audit", "verify")
        #expect(text.code == 8 && text.err.contains("broken at entry \(seq)"), "\(text.err)", sourceLocation: sourceLocation)
    }

    @Test func verifyFindsEveryHandEdit() throws {
        // Edited: a user, a time, a record list, a purpose.
        try tamper("edit-user.db", "UPDATE audit_log SET user = 'mallory' WHERE seq = 3", brokenAt: 3, reason: "hash")
        try tamper("edit-time.db", "UPDATE audit_log SET time = time + 1 WHERE seq = 4", brokenAt: 4, reason: "hash")
        try tamper("edit-records.db", "UPDATE audit_log SET records = '' WHERE seq = 2", brokenAt: 2, reason: "hash")
        try tamper("edit-purpose.db", "UPDATE audit_log SET purpose = 'routine' WHERE seq = 5", brokenAt: 5, reason: "hash")
        try tamper("garbled.db", "UPDATE audit_log SET records = 'zz' WHERE seq = 3", brokenAt: 3, reason: "unreadable")
        // Deleted: in the middle, at the end.
        try tamper("delete-middle.db", "DELETE FROM audit_log WHERE seq = 3", brokenAt: 3, reason: "sequence")
        try tamper("delete-last.db", "DELETE FROM audit_log WHERE seq = 6", brokenAt: 6, reason: "truncated")
        // Reordered: entries 3 and 4 swap places.
        try tamper("reorder.db", """
            UPDATE audit_log SET seq = 100 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4;
            UPDATE audit_log SET seq = 4 WHERE seq = 100;
            """, brokenAt: 3, reason: "previous_hash")
        // Re-inserted: a copy of entry 2 at the end, and entry 3 deleted and put back with another time.
        try tamper("reinsert-end.db", """
            INSERT INTO audit_log SELECT 7, replica, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash
            FROM audit_log WHERE seq = 2;
            """, brokenAt: 7, reason: "previous_hash")
        try tamper("reinsert-middle.db", """
            CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE seq = 3; DELETE FROM audit_log WHERE seq = 3;
            INSERT INTO audit_log SELECT seq, replica, time - 60000, user, kind, command, records, fields, tags, purpose,
            prev_hash, hash FROM saved;
            """, brokenAt: 3, reason: "hash")
        // Added at the end with a correctly computed link is still past the recorded head.
        try tamper("append.db", """
            INSERT INTO audit_log SELECT 7, replica, time, user, kind, command, records, fields, tags, purpose, hash, hash
            FROM audit_log WHERE seq = 6;
            """, brokenAt: 7, reason: "hash")
    }

    /// A display that cannot be logged is not shown, and an edit that cannot be logged is
    /// not made (the entry is in the edit's transaction).
    @Test func aFailureToLogRefusesTheDisplayAndTheEdit() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navet("child", "add", "--name", "Amina").code == 0)
        _ = try SQLite3Tool.run(folder.path("navet.db"),
                                "CREATE TRIGGER jammed BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'jammed'); END;")
        try refused(["child", "list"], code: 5)
        try refused(["child", "add", "--name", "Sara"], code: 5)
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT count(*) FROM children_view") == "1")
    }

    @Test func statusShowsRefusedValuesOnlyToAUserAndLogsThem() throws {
        #expect(try cli.navet("init").code == 0)
        let child = object(try cli.navet("--json", "child", "add", "--name", "Amina"))["id"] as? String ?? ""
        _ = try SQLite3Tool.run(folder.path("navet.db"), """
            INSERT INTO refused_changes(origin, seq, record_type, record_id, field, value, tag, reason, refused_at)
            VALUES (1, 1, 'child', \(Int64(bitPattern: RecordID(hex: child)!.rawValue)), 'asylum_status', 'denied', 'asylum',
                    'write_not_allowed', 0);
            """)
        let count = try entries().count
        var anonymous = cli
        anonymous.environment["NAVET_USER"] = "ghost"
        let hidden = try anonymous.navet("--json", "status")
        #expect(hidden.code == 0)
        let hiddenChange = (object(hidden)["refused_changes"] as? [[String: Any]])?.first
        #expect(hiddenChange?["value"] is NSNull && hiddenChange?["value_hidden"] as? Bool == true)
        #expect(try !anonymous.navet("status").out.contains("denied"))
        #expect(try entries().count == count, "nothing shown, nothing logged")
        let shown = try cli.navet("--json", "status")
        let shownChange = (object(shown)["refused_changes"] as? [[String: Any]])?.first
        #expect(shownChange?["value"] as? String == "denied" && shownChange?["value_hidden"] as? Bool == false)
        let last = try entries().last
        #expect(last?.command == "status" && last?.records.map(\.description) == [child] && last?.tags == ["asylum"])
        // A user, but a purpose needed and not given: hidden, and it says why.
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT INTO audit_purpose_tags(tag) VALUES ('asylum')")
        let withoutPurpose = try cli.navet("status")
        #expect(withoutPurpose.code == 0 && !withoutPurpose.out.contains("denied")
                && withoutPurpose.out.contains("give --purpose TEXT") && !withoutPurpose.out.contains("no user"), "\(withoutPurpose.out)")
        #expect(try cli.navet("--purpose", "Kontroll", "status").out.contains("denied"))
    }

    @Test func auditListFiltersByUserAndDay() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navet("user", "add", "eva", "--name", "Eva Ek").code == 0)
        #expect(try cli.navet("--user", "eva", "child", "list").code == 0)
        let evas = list(try cli.navet("--json", "audit", "list", "--user", "EVA"))
        #expect(evas.map { $0["command"] as? String } == ["child list"])
        let first = list(try cli.navet("--user", "eva", "--json", "audit", "list", "--user", "eva"))
        #expect(first.map { $0["command"] as? String } == ["child list"], "not its own entry")
        let second = list(try cli.navet("--user", "eva", "--json", "audit", "list", "--user", "eva"))
        #expect(second.map { $0["command"] as? String } == ["child list", "audit list"], "the first listing was logged")
        #expect(list(try cli.navet("--json", "audit", "list", "--since", "2199-01-01")).isEmpty)
        #expect(try cli.navet("audit", "list", "--since", "2199-01-01").out.contains("No entries."))
        try refused(["audit", "list", "--since", "yesterday"], code: 3, says: ["--since"])
        try refused(["audit", "list", "--user", "nobody"], code: 3, says: ["no user 'nobody'"])
    }

    @Test func helpListsTheNewExitCodes() throws {
        let help = try cli.navet("--help")
        #expect(help.out.contains(" 9  no enabled user") && help.out.contains("10  a purpose is needed"))
        #expect(help.out.contains("--user NAME") && help.out.contains("--purpose TEXT"))
    }
}
