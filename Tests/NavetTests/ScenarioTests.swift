import Foundation
import NavetCore
import NavetTestSupport
import Testing

/// The story from the sources, end to end, through the real binaries and a real `navetd serve`
/// on loopback, under the default policy (issue 14, point 7): a child registered by social
/// services, a hub of a residential home, a god man and a school; an information talk, an
/// asylum rejection and risk signals at school; the child disappears at night while the home's
/// replica is offline; the nightly sync brings the episode and the right alerts to every hub
/// member and only the search fields to the police; the child is found, followed up, and the
/// police's copy and the episode's alerts are gone.
@Suite struct ScenarioTests {
    let folder = TemporaryDirectory(prefix: "navet-scenario")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    static func day(_ offset: Int) -> String { SwedishTime.today(at: now).adding(days: offset)?.description ?? "" }
    static func time(hoursAgo: Double) -> String {
        Timestamp(swedishTimeAt: (now - Int64(hoursAgo * 3_600_000)) / 60_000 * 60_000).description
    }

    func json(_ result: CLIRunner.Result) -> Any? { try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) }
    func rules(_ alerts: [[String: Any]]) -> [String] { alerts.compactMap { $0["rule"] as? String } }

    @Test func aChildDisappearsAtNightAndIsFound() throws {
        let social = "Socialtjänsten Umeå", home = "HVB Solgården", guardian = "Gode män i Umeå"
        let school = "Åsa skola", police = "Polisen Region Nord"
        // 1. The central store, five organisations, a replica each.
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        for (name, kind, file) in [(social, "social_services", "social"), (home, "residential_home", "hvb"), (guardian, "guardian", "guardian"),
                                   (school, "school", "school"), (police, "police", "police")] {
            let added = try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå")
            #expect(added.code == 0, "\(added.err)")
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        defer { server.stop() }
        // Everyone by HTTP, the god man by bundle files.
        func sync(_ file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let db = file + ".db"
            if file == "guardian" {
                #expect(try cli.navet("--db", db, "export", "--force", "up.navet").code == 0, sourceLocation: sourceLocation)
                let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
                #expect(imported.code == 0, "\(imported.err)", sourceLocation: sourceLocation)
                let applied = try cli.navet("--db", db, "import", "reply.navet")
                #expect(applied.code == 0, "\(applied.err)", sourceLocation: sourceLocation)
            } else {
                let synced = try cli.navet("--db", db, "sync", "--server", server.url)
                #expect(synced.code == 0, "\(file): \(synced.err)", sourceLocation: sourceLocation)
            }
        }
        let everyone = ["social", "hvb", "guardian", "school", "police"]
        func syncAll(first: String? = nil) throws {
            let order = first.map { [$0] + everyone.filter { $0 != first } } ?? everyone
            for file in order { try sync(file) }
            for file in order { try sync(file) }   // twice round: each gets what the others sent
        }
        func alerts(_ file: String) throws -> [[String: Any]] {
            let result = try cli.navet("--db", file + ".db", "--json", "alerts")
            #expect(result.code == 0, "\(file): \(result.err)")
            return json(result) as? [[String: Any]] ?? []
        }
        func openEpisodes(_ file: String) throws -> [[String: Any]] {
            let result = try cli.navet("--db", file + ".db", "--json", "missing", "list", "--open")
            #expect(result.code == 0, "\(file): \(result.err)")
            return json(result) as? [[String: Any]] ?? []
        }

        try sync("social")
        let added = try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Amina Rahimi", "--birth-date", "2010-03-14",
                                  "--arrival-date", Self.day(-20))
        #expect(added.code == 0, "\(added.err)")
        let child = (json(added) as? [String: Any])?["id"] as? String ?? ""
        for (org, role) in [(home, "kontaktperson"), (guardian, "god man"), (school, "mentor")] {
            let phone = org == home ? ["--phone", "070-123 45 67"] : []
            let hub = try cli.run("navet", ["--db", "social.db", "hub", "add", "--child", child, "--org", org, "--role", role] + phone)
            #expect(hub.code == 0, "\(org): \(hub.err)")
        }
        try syncAll()

        // 2. The asylum rejection (the information talk about it comes later: a note is dated
        // when it is written, and a talk on or after the decision's day answers it), two
        // absences within a few days.
        let decided = try cli.navet("--db", "social.db", "decision", "add", "--child", child, "--kind", "asylum", "--outcome", "rejected",
                                    "--date", Self.day(-2))
        #expect(decided.code == 0, "\(decided.err)")
        for text in ["Frånvarande hela dagen", "Frånvarande igen, okänd orsak"] {
            #expect(try cli.navet("--db", "school.db", "note", "add", "--child", child, "--kind", "school_absence", "--text", text).code == 0)
        }
        try syncAll()

        // 3. At night, offline, the home reports the child missing.
        let lastSeen = Self.time(hoursAgo: 10), discovered = Self.time(hoursAgo: 9)
        let report = try cli.navet("--db", "hvb.db", "--json", "missing", "report", "--child", child, "--last-seen-at", lastSeen,
                                   "--last-seen-place", "HVB Solgården", "--discovered-at", discovered, "--discovered-by", "Nattpersonalen",
                                   "--circumstances", "Gick ut efter kvällsmaten och kom inte tillbaka.")
        #expect(report.code == 0, "\(report.err)")
        let episode = (json(report) as? [String: Any])?["id"] as? String ?? ""
        for item in ["responsible_named", "guardian_told"] {
            let checked = try cli.navet("--db", "hvb.db", "missing", "check", episode, item)
            #expect(checked.code == 0, "\(item): \(checked.err)")
        }

        // 4. The nightly sync, the home first; next morning.
        try syncAll(first: "hvb")
        for file in ["social", "hvb", "guardian", "police"] {
            let open = try openEpisodes(file)
            #expect(open.map { $0["id"] as? String } == [episode], "\(file): \(open)")
        }
        // The school may not see the search fields.
        #expect(try openEpisodes("school").isEmpty)
        let socialRules = rules(try alerts("social")), guardianRules = rules(try alerts("guardian"))
        let homeRules = rules(try alerts("hvb")), schoolRules = rules(try alerts("school")), policeRules = rules(try alerts("police"))
        for (file, found) in [("social", socialRules), ("guardian", guardianRules), ("hvb", homeRules)] {
            #expect(found.contains("missing_not_reported"), "\(file): \(found)")
        }
        #expect(socialRules.contains("rejection_no_talk") && guardianRules.contains("rejection_no_talk"), "\(socialRules) \(guardianRules)")
        #expect(socialRules.contains("arrival_no_talk") && guardianRules.contains("arrival_no_talk"), "\(socialRules) \(guardianRules)")
        #expect(!schoolRules.contains("rejection_no_talk") && !schoolRules.contains("missing_not_reported"), "\(schoolRules)")
        #expect(schoolRules.contains("risk_behaviour"), "\(schoolRules)")
        #expect(Set(policeRules).isSubset(of: ["missing_not_reported", "missing_escalate"]), "\(policeRules)")
        // The police hold the search fields, nothing of the case.
        let shown = try cli.navet("--db", "police.db", "--json", "child", "show", child)
        #expect(shown.code == 0, "\(shown.err)")
        #expect(shown.out.contains("Amina Rahimi") && shown.out.contains("2010-03-14"), "\(shown.out)")
        for secret in ["rejected", "asylprocessen", "Frånvarande", "information_talk", "school_absence"] {
            #expect(!shown.out.contains(secret), "police see \(secret): \(shown.out)")
        }
        let policeShow = json(try cli.navet("--db", "police.db", "--json", "missing", "show", episode)) as? [String: Any] ?? [:]
        #expect(policeShow["last_seen_place"] as? String == "HVB Solgården", "\(policeShow)")
        // Not sent the hub, the police still know whom to call back: the reporting home's phone.
        #expect(policeShow["contact_phone"] as? String == "070-123 45 67", "\(policeShow)")
        let page = json(shown) as? [String: Any] ?? [:]
        #expect(Set((page["fields"] as? [String: Any] ?? [:]).keys) == ["name", "birth_date"], "\(page)")
        for list in ["notes", "recent_notes", "hub", "sip", "open_actions"] {
            #expect((page[list] as? [Any])?.isEmpty == true, "police see \(list): \(page)")
        }
        #expect((page["missing"] as? [[String: Any]])?.map { $0["id"] as? String } == [episode], "\(page)")
        // In the file: the child's name and birth date (basic) and the episode's search fields, nothing else.
        let policeCells = try SQLite3Tool.run(folder.path("police.db"), "SELECT DISTINCT record_type || ':' || tag FROM cells ORDER BY 1")
        #expect(policeCells == "child:basic\nmissing:search", "\(policeCells)")
        #expect(try SQLite3Tool.run(folder.path("police.db"), "SELECT count(*) FROM cells WHERE field IN ('asylum_status', 'circumstances')") == "0")
        let policeTypes = try SQLite3Tool.run(folder.path("police.db"), "SELECT DISTINCT record_type FROM cells ORDER BY 1")
        for type in ["note", "decision", "hub"] { #expect(!policeTypes.contains(type), "\(policeTypes)") }
        for secret in ["rejected", "asylprocessen", "Frånvarande", "Gick ut efter"] {
            #expect(try SQLite3Tool.run(folder.path("police.db"), "SELECT count(*) FROM changes WHERE value LIKE '%\(secret)%'") == "0", "\(secret)")
        }

        // 5. The police are told; the child is found; the follow-up closes the episode.
        #expect(try cli.navet("--db", "hvb.db", "missing", "police-notified", episode, "--at", Self.time(hoursAgo: 8.5),
                              "--reference", "5000-K1234-26").code == 0)
        let found = try cli.navet("--db", "hvb.db", "missing", "found", episode, "--at", Self.time(hoursAgo: 1), "--place", "Sundsvall C",
                                  "--by", "Polisen", "--account", "Sov hos en kompis i Sundsvall.")
        #expect(found.code == 0, "\(found.err)")
        // Found, not yet followed up: the police hold where and by whom, not the child's account.
        try sync("hvb")
        try sync("police")
        let foundShow = json(try cli.navet("--db", "police.db", "--json", "missing", "show", episode)) as? [String: Any] ?? [:]
        #expect(foundShow["found_place"] as? String == "Sundsvall C" && foundShow["police_reference"] as? String == "5000-K1234-26",
                "\(foundShow)")
        #expect(foundShow["child_account"] as? String == nil, "\(foundShow)")
        #expect(try SQLite3Tool.run(folder.path("police.db"), "SELECT count(*) FROM changes WHERE value LIKE '%kompis%'") == "0")
        #expect(!rules(try alerts("police")).contains("missing_not_reported"))
        let followUp = try cli.navet("--db", "hvb.db", "missing", "follow-up", episode, "--at", Self.time(hoursAgo: 0.5),
                                     "--by", social, "--text", "Samtal med barnet och gode mannen.")
        #expect(followUp.code == 0, "\(followUp.err)")
        try syncAll(first: "hvb")
        let policeList = try cli.navet("--db", "police.db", "--json", "child", "list")
        #expect(policeList.code == 0 && !policeList.out.contains(child), "\(policeList.out)")
        #expect(try SQLite3Tool.run(folder.path("police.db"),
                                    "SELECT count(*) FROM cells WHERE record_type IN ('child', 'missing', 'missing_check')") == "0")
        for file in everyone {
            #expect(try openEpisodes(file).isEmpty, "\(file)")
            let left = rules(try alerts(file))
            #expect(!left.contains { $0.hasPrefix("missing") }, "\(file): \(left)")
        }
        // The rest of the case stays where it was, until social services hold the information
        // talk about the decision: then the talk alerts go too, for social services and the god man.
        #expect(rules(try alerts("guardian")).contains("rejection_no_talk"))
        #expect(try cli.navet("--db", "social.db", "note", "add", "--child", child, "--kind", "information_talk",
                              "--text", "Samtal om asylprocessen och beslutet, med tolk.").code == 0)
        try syncAll()
        for file in ["social", "guardian"] {
            let left = rules(try alerts(file))
            #expect(!left.contains("rejection_no_talk") && !left.contains("arrival_no_talk") && left.contains("risk_behaviour"), "\(file): \(left)")
        }
        #expect(rules(try alerts("school")) == ["risk_behaviour"])
        #expect(try SQLite3Tool.run(folder.path("police.db"), "SELECT count(*) FROM changes WHERE value LIKE '%asylprocessen%'") == "0")
        #expect(try SQLite3Tool.run(folder.path("police.db"), "SELECT count(*) FROM cells") == "0")
    }
}
