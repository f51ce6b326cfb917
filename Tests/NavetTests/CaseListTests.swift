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
        // Typed with å, ä, ö or é, a filter finds only that letter; without, any accent.
        #expect(try listed("--name", "å") == ["Åsa Nur"])
        #expect(try listed("--name", "a").count == 3, "a finds å too")
        #expect(try listed("--name", "É") == ["Émile Zola"])
        #expect(try listed("--name", "ö").isEmpty, "ö is not o")
        #expect(try listed("--municipality", "ö") == ["Åsa Nur", "Bilal Ahmadi", "Émile Zola"])
        #expect(try listed("--municipality", "strö") == ["Émile Zola"])
        #expect(try listed("--municipality", "östers") == ["Åsa Nur", "Bilal Ahmadi"])
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

    /// The case page (`navet child show`): identity with the 18th birthday, alerts, the open
    /// episode, the hub with phone numbers, open actions and the latest notes, in both
    /// languages and as JSON; every record shown is in the read-log entry.
    @Test func theCasePageShowsWhatAWorkerNeedsFirst() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        let child = try add("--name", "Amina Rahimi", "--birth-date", "2009-03-14")
        #expect(try cli.navet("--db", "a.db", "hub", "add", "--child", child, "--org", "HVB Solgården", "--role", "kontaktperson",
                              "--person", "Eva Ek", "--phone", "070-1234567").code == 0)
        #expect(try cli.navet("--db", "a.db", "action", "add", "--child", child, "--who", "Socialtjänsten", "--what",
                              "Boka tolk", "--due", "2026-01-10").code == 0)
        #expect(try cli.navet("--db", "a.db", "missing", "report", "--child", child, "--last-seen-at", "2026-11-29T18:00+01:00",
                              "--last-seen-place", "Umeå C").code == 0)
        for index in 1...7 {
            #expect(try cli.navet("--db", "a.db", "note", "add", "--child", child, "--kind", "samtal", "--text", "Samtal \(index)\nmer").code == 0)
        }
        let english = try cli.navet("--db", "a.db", "child", "show", String(child.prefix(8)))
        #expect(english.code == 0, "\(english.err)")
        for text in ["turns 18", "Alerts", "Missing now:", "Umeå C", "The hub (active members):", "070-1234567",
                     "Open actions:", "(overdue)  Socialtjänsten: Boka tolk", "Latest notes", "Samtal 7"] {
            #expect(english.out.contains(text), "\(text) in \(english.out)")
        }
        #expect(!english.out.contains("Samtal 2") && !english.out.contains("mer"), "five latest notes, first lines")
        let swedish = try cli.navet("--db", "a.db", "--lang", "sv", "child", "show", child, "--notes", "1")
        #expect(swedish.out.contains("Navet (aktiva medlemmar):") && swedish.out.contains("Försvunnen just nu:")
                && swedish.out.contains("Samtal 7") && !swedish.out.contains("Samtal 6"), "\(swedish.out)")
        #expect(try cli.navet("--db", "a.db", "child", "show", child, "--notes", "-1").code == 2)

        let json = try cli.navet("--db", "a.db", "--json", "child", "show", child)
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any] ?? [:]
        let hub = object["hub"] as? [[String: Any]] ?? []
        #expect(hub.first?["phone"] as? String == "070-1234567")
        let actions = object["open_actions"] as? [[String: Any]] ?? []
        #expect(actions.count == 1 && (object["missing"] as? [Any])?.count == 1 && (object["recent_notes"] as? [Any])?.count == 5)
        #expect((object["alerts"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "missing_not_reported" })

        let log = try cli.navet("--db", "a.db", "--json", "audit", "list")
        let entries = try JSONSerialization.jsonObject(with: Data(log.out.utf8)) as? [[String: Any]] ?? []
        let shown = entries.last { ($0["command"] as? String) == "child show" }
        let records = Set(shown?["records"] as? [String] ?? [])
        #expect(records.contains(child) && records.contains(hub.first?["id"] as? String ?? "-")
                && records.contains(actions.first?["id"] as? String ?? "-"), "\(records)")
        #expect((shown?["fields"] as? [String] ?? []).contains("membership.phone"))
    }

    /// A report withdrawn as a mistake only before the police are told (the method: a child
    /// found ends the episode by found and follow-up, never by "came back by itself").
    @Test func aReportIsWithdrawnOnlyBeforeThePoliceAreTold() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        let child = try add("--name", "Åsa Nur")
        let report = try cli.navet("--db", "a.db", "--json", "missing", "report", "--child", child, "--last-seen-at",
                                   "2026-11-29T18:00+01:00", "--last-seen-place", "Umeå C")
        let episode = (try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as? [String: Any])?["id"] as? String ?? ""
        #expect(try cli.navet("--db", "a.db", "missing", "police-notified", episode, "--at", "2026-11-29T19:00+01:00",
                              "--reference", "5000-K1-26").code == 0)
        let before = try Data(contentsOf: folder.url.appendingPathComponent("a.db"))
        let refused = try cli.navet("--db", "a.db", "--lang", "sv", "missing", "close", episode, "--reason", "Kom tillbaka")
        #expect(refused.code == 3 && refused.err.contains("navet missing found"), "\(refused.err)")
        #expect(try Data(contentsOf: folder.url.appendingPathComponent("a.db")) == before)
        #expect(try cli.navet("--db", "a.db", "missing", "found", episode, "--at", "2026-11-30T08:00+01:00", "--place", "Umeå",
                              "--by", "Polisen").code == 0)
        #expect(try cli.navet("--db", "a.db", "missing", "follow-up", episode, "--at", "2026-11-30T09:00+01:00", "--by",
                              "Socialtjänsten", "--text", "Samtal").code == 0)
        let inside = try cli.navet("--db", "a.db", "missing", "report", "--child", child, "--last-seen-at",
                                   "2026-11-30T07:00+01:00", "--last-seen-place", "Umeå C")
        #expect(inside.code == 3 && inside.err.contains("falls inside episode \(episode)"), "\(inside.err)")
        #expect(try listed("--municipality", "x").isEmpty)
        let control = try cli.navet("--db", "a.db", "child", "list", "--name", "a\u{1}")
        #expect(control.code == 2 && control.err.contains("control"), "\(control.err)")
    }
}
