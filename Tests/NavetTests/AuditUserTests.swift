import Foundation
import NavetCore
import NavetTestSupport
import Testing

/// `navetd audit user REPLICA:NAME` (issue 13, point 5): what one user of one replica
/// displayed and changed, from the read log uploaded by file, through the real binaries.
@Suite struct AuditUserTests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-audituser")
    func rows(_ result: CLIRunner.Result) -> [[String: Any]] { object(result)["rows"] as? [[String: Any]] ?? [] }
    func central(_ sql: String) throws -> String { try SQLite3Tool.run(folder.path("central.db"), sql) }
    func replica(_ sql: String) throws -> String { try SQLite3Tool.run(folder.path("a.db"), sql) }
    func audit(_ arguments: String...) throws -> CLIRunner.Result {
        try cli.run("navetd", ["--db", "central.db", "audit", "user"] + arguments)
    }

    @Test func showsExactlyOneUsersEntriesFiltersByDayAndSpeaksBothLanguages() throws {
        try socialServicesReplica()
        #expect(try cli.navet("--db", "a.db", "user", "add", "åsa", "--name", "Åsa Öberg").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "åsa", "user", "add", "bo", "--name", "Bo Ek").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "åsa", "child", "add", "--name", "Amina").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "åsa", "child", "list").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "bo", "--purpose", "uppföljning", "child", "list").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "åsa", "child", "list").code == 0)
        // Sync by file.
        #expect(try cli.navet("--db", "a.db", "export", "--force", "up.navet").code == 0)
        let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
        #expect(imported.code == 0, "\(imported.err)")
        #expect(try cli.navet("--db", "a.db", "import", "reply.navet").code == 0)

        let id = try replica("SELECT value FROM meta WHERE key = 'id'")
        let prefix = String(id.prefix(6))
        let asaSeqs = try replica("SELECT seq FROM audit_log WHERE user = 'åsa' ORDER BY seq").split(separator: "\n").compactMap { Int($0) }
        let asaKinds = Set(try replica("SELECT kind FROM audit_log WHERE user = 'åsa'").split(separator: "\n").map(String.init))
        #expect(asaSeqs.count >= 4 && asaKinds.isSuperset(of: ["edit", "display"]), "\(asaSeqs) \(asaKinds)")

        // Exactly åsa's entries, as people type the name (any case, decomposed å, or no å at all).
        for typed in ["\(prefix):ÅSA", "\(id):A\u{30A}sa", "\(prefix):asa", "\(prefix.uppercased()): åsa "] {
            let result = try audit("--json", typed)
            #expect(result.code == 0, "\(typed): \(result.err)")
            let found = rows(result)
            #expect(found.compactMap { $0["seq"] as? Int } == asaSeqs, "\(typed): \(result.out)")
            #expect(object(result)["user"] as? String == "åsa" && object(result)["replica"] as? String == id)
        }
        let bo = rows(try audit("--json", "\(prefix):Bo"))
        #expect(bo.count == 1 && bo.first?["kind"] as? String == "display" && bo.first?["purpose"] as? String == "uppföljning"
                && bo.first?["command"] as? String == "child list" && bo.first?["chain_break"] as? Bool == false, "\(bo)")
        #expect((bo.first?["tags"] as? [String])?.contains("basic") == true)

        // The index answers the query, not a scan.
        let plan = try central("""
            EXPLAIN QUERY PLAN SELECT seq FROM central_read_log WHERE replica = 1 AND user = 'x' AND time >= 0 AND time < 9 ORDER BY time, seq
            """)
        #expect(plan.contains("central_read_log_by_user"), "\(plan)")

        // One entry moved to 2020-01-15T23:30Z: 00:30 on 16 January in Swedish time.
        let key = String(Int64(bitPattern: UInt64(id, radix: 16) ?? 0))
        let first = asaSeqs[0]
        _ = try central("UPDATE central_read_log SET time = 1579131000000, chain_break = 1 WHERE replica = \(key) AND seq = \(first)")
        let old = rows(try audit("--json", "\(prefix):åsa", "--until", "2020-01-16"))
        #expect(old.compactMap { $0["seq"] as? Int } == [first] && old.first?["time"] as? String == "2020-01-16T00:30:00+01:00"
                && old.first?["chain_break"] as? Bool == true, "\(old)")
        #expect(rows(try audit("--json", "\(prefix):åsa", "--until", "2020-01-15")).isEmpty)
        #expect(rows(try audit("--json", "\(prefix):åsa", "--since", "2020-01-16", "--until", "2020-01-16")).count == 1)
        #expect(rows(try audit("--json", "\(prefix):åsa", "--since", "2020-01-17")).compactMap { $0["seq"] as? Int }
                == Array(asaSeqs.dropFirst()))
        let none = try audit("\(prefix):åsa", "--since", "2020-01-17", "--until", "2020-01-18")
        #expect(none.code == 0 && none.out.contains("no entry by åsa"), "\(none)")

        // The table and CSV: one line per entry, the break flagged.
        let table = try audit("\(prefix):åsa")
        #expect(table.code == 0 && table.out.contains("after a break") && table.out.contains("2020-01-16T00:30:00+01:00")
                && table.out.contains("display") && table.out.contains("child list"), "\(table)")
        #expect(!table.out.contains("uppföljning"))
        let csv = try audit("--csv", "\(prefix):bo")
        let lines = csv.out.split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(csv.code == 0 && lines.count == 2, "\(csv)")
        #expect(lines.first == "time,kind,command,case data,fields and tags,purpose,chain", "\(csv.out)")
        #expect(lines.last?.hasSuffix(",uppföljning,") == true && lines.last?.contains(",display,child list,") == true, "\(csv.out)")

        // Swedish.
        let swedish = try audit("--lang", "sv", "\(prefix):bo")
        #expect(swedish.code == 0 && swedish.out.contains("tid") && swedish.out.contains("visning")
                && swedish.out.contains("syfte") && swedish.out.contains("grunduppgifter") && swedish.out.contains("barn: namn"),
                "\(swedish)")
        #expect(try audit("--lang", "sv", "\(prefix):åsa").out.contains("efter brott"))

        // Bad REPLICA:NAME: a clear error, the exit code of the other audit queries.
        let noColon = try audit("\(prefix)åsa")
        #expect(noColon.code == 2 && noColon.err.contains("REPLICA:NAME"), "\(noColon)")
        let noName = try audit("\(prefix):")
        #expect(noName.code == 2, "\(noName)")
        let unknownReplica = try audit("ffffzz:åsa")
        #expect(unknownReplica.code == 3 && unknownReplica.err.contains("No local database has an id beginning with ffffzz"),
                "\(unknownReplica)")
        let unknownUser = try audit("\(prefix):eve")
        #expect(unknownUser.code == 3 && unknownUser.err.contains("names no user eve"), "\(unknownUser)")
        let swedishError = try audit("--lang", "sv", "\(prefix):eve")
        #expect(swedishError.code == 3 && swedishError.err.contains("nämner ingen användare eve"), "\(swedishError)")
        let badDate = try audit("\(prefix):åsa", "--since", "2020-13-01")
        #expect(badDate.code == 3 && badDate.err.contains("--since"), "\(badDate)")
        // navetd audit lists the query; --help in both languages.
        #expect(try cli.navetd("audit", "user", "--help").out.contains("REPLICA:NAME"))
        #expect(try cli.navetd("--lang", "sv", "audit", "user", "--help").out.contains("lokala databasen"))
        #expect(try cli.navetd("--help").out.contains("audit user"))
    }
}
