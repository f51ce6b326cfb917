import Foundation
import NavetTestSupport
import Testing

/// `navet child list` filters (issue 14, point 6), through the real binary: a name search
/// that ignores case and accents (å composed or as a and a ring), the municipality typed the
/// same way, open missing episodes, children with alerts, and the read log of what was shown.
@Suite struct CaseListTests {
    let folder = TemporaryDirectory(prefix: "navet-case-list")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    func add(_ arguments: String...) throws -> String {
        let result = try cli.run("navet", ["--db", "a.db", "--json", "child", "add"] + arguments)
        #expect(result.code == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        return object?["id"] as? String ?? ""
    }

    func listed(_ arguments: String...) throws -> [String] {
        let result = try cli.run("navet", ["--db", "a.db", "--json", "child", "list"] + arguments)
        #expect(result.code == 0, "\(result.err)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]] ?? []
        return rows.compactMap { ($0["fields"] as? [String: Any])?["name"] as? String }
    }

    @Test func filtersMatchAsPeopleTypeAndCombine() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        let asa = try add("--name", "A\u{30A}sa Nur", "--birth-date", "2010-05-01", "--assigned-municipality", "Östersund")
        _ = try add("--name", "Émile Zola", "--birth-date", "2009-01-01", "--assigned-municipality", "Strömsund")
        _ = try add("--name", "Bilal Ahmadi", "--birth-date", "2011-02-02", "--assigned-municipality", "östersund")
        #expect(try listed("--name", "asa") == ["Åsa Nur"])
        #expect(try listed("--name", "ÅSA") == ["Åsa Nur"])
        #expect(try listed("--name", "A\u{30A}sa") == ["Åsa Nur"])
        #expect(try listed("--name", "emile") == ["Émile Zola"])
        #expect(try listed("--name", "  AHMADI ") == ["Bilal Ahmadi"])
        #expect(try listed("--municipality", "ostersund") == ["Åsa Nur", "Bilal Ahmadi"], "English order: Å with A")
        #expect(try listed("--municipality", "Östersund", "--name", "nur") == ["Åsa Nur"])
        #expect(try listed("--missing").isEmpty)
        let none = try cli.navet("--db", "a.db", "--lang", "sv", "child", "list", "--name", "xyz")
        #expect(none.code == 0 && none.out.contains("Inget barn"), "\(none.out)")
        let empty = try cli.navet("--db", "a.db", "child", "list", "--name", "   ")
        #expect(empty.code == 2 && empty.err.contains("--name needs some text"), "\(empty.err)")

        // An open missing episode: the child is missing and has an alert (the police are not told).
        #expect(try cli.navet("--db", "a.db", "missing", "report", "--child", asa, "--last-seen-at",
                              "2026-11-29T18:00+01:00", "--last-seen-place", "Centralstationen").code == 0)
        #expect(try listed("--missing") == ["Åsa Nur"])
        #expect(try listed("--alerts", "--municipality", "Östersund") == ["Åsa Nur"])
        // What was shown is in the read log: the last display names only Åsa.
        let log = try cli.navet("--db", "a.db", "--json", "audit", "list")
        let entries = try JSONSerialization.jsonObject(with: Data(log.out.utf8)) as? [[String: Any]] ?? []
        let last = entries.last { ($0["command"] as? String) == "child list" }
        #expect(last?["records"] as? [String] == [asa], "\(String(describing: last))")
    }
}
