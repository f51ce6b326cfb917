import Foundation
import NavetCore
import NavetTestSupport
import Testing

/// `navet decision` and `navet action` (issue 14, points 1 and 4) through the real binary:
/// typed words in both languages, the asylum status an asylum decision sets, overdue
/// actions, refusals that change nothing, the read log, and where a decision goes at sync.
@Suite struct CaseworkCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-casework")

    func json(_ result: CLIRunner.Result) -> Any? { try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) }
    func list(_ result: CLIRunner.Result) -> [[String: Any]] { json(result) as? [[String: Any]] ?? [] }
    func dump(_ db: String = "navet.db") throws -> String { try SQLite3Tool.run(folder.path(db), ".dump") }

    /// A new replica with one child born 2009-03-14, asylum status pending; its id.
    func setUp() throws -> String {
        #expect(try cli.navet("init").code == 0)
        return object(try cli.navet("--json", "child", "add", "--name", "Amina Rahimi", "--birth-date", "2009-03-14",
                                    "--asylum-status", "pending"))["id"] as? String ?? ""
    }

    /// Runs `arguments` and expects a refusal with `code` that leaves `db` unchanged and whose
    /// message holds every part of `says`.
    func refused(_ arguments: [String], db: String = "navet.db", code: Int32 = 3, says: [String] = [],
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectRefused(arguments, db: db, code: code, says: says, sourceLocation: sourceLocation)
    }

    func status(_ child: String, db: String = "navet.db") throws -> String? {
        (object(try cli.navet("--db", db, "--json", "child", "show", child))["fields"] as? [String: Any])?["asylum_status"] as? String
    }

    // MARK: decisions

    @Test func decisionsInBothLanguagesSetTheAsylumStatusUnlessALaterOneIsRecorded() throws {
        let child = try setUp()
        // Swedish words as typed: any case, decomposed ä, without å ä ö, a word's beginning.
        let typed: [(kind: String, outcome: String, code: String, outcomeCode: String)] = [
            ("Asylbeslut", "AVSLAG", "asylum", "rejected"), ("asyl", "o\u{0308}verklagat", "asylum", "appeal_lodged"),
            ("asylum", "lagakraftvunnet avslag", "asylum", "final_rejection"), ("asyl", "bifall", "asylum", "granted"),
            ("asyl", "uppehallstillstand", "asylum", "granted"), ("anvisning", "anvisad", "assigned_municipality", "assigned"),
            ("placering", "omplacerad", "placement", "moved"), ("Placement", "ended", "placement", "ended"),
            ("god man", "förordnad", "guardian", "appointed"), ("gode man", "entlediga", "guardian", "discharged"),
            ("overformyndaren", "ny god man", "guardian", "replaced"),
        ]
        var ids: [String] = []
        for (index, item) in typed.enumerated() {
            let date = String(format: "2025-01-%02d", index + 1)
            let added = try cli.navet("--json", "decision", "add", "--child", String(child.prefix(4)), "--kind", item.kind,
                                      "--outcome", item.outcome, "--date", date)
            #expect(added.code == 0, "\(item): \(added.err)")
            let result = object(added)
            #expect(result["kind"] as? String == item.code && result["outcome"] as? String == item.outcomeCode, "\(item)")
            #expect(result["tag"] as? String == (item.code == "asylum" ? "asylum" : "case"), "\(item)")
            ids.append(result["id"] as? String ?? "")
        }
        // The last asylum decision (granted, 2025-01-05) set the status.
        #expect(try status(child) == "granted")
        // Each field carries the kind's tag.
        let tags = try SQLite3Tool.run(folder.path("navet.db"),
                                       "SELECT group_concat(DISTINCT c.tag) FROM changes c WHERE c.record_type = 'decision' AND c.record_id IN (SELECT record_id FROM cells WHERE field = 'kind' AND value = 'asylum')")
        #expect(tags == "asylum")
        #expect(try SQLite3Tool.run(folder.path("navet.db"),
                                    "SELECT group_concat(DISTINCT c.tag) FROM changes c WHERE c.record_type = 'decision' AND c.record_id IN (SELECT record_id FROM cells WHERE field = 'kind' AND value != 'asylum')") == "case")

        // A rejection today: the status follows, in the same edit and one read-log entry.
        let today = SwedishTime.today(at: Int64(Date().timeIntervalSince1970 * 1000)).description
        let english = try cli.navet("decision", "add", "--child", child, "--kind", "asylum", "--outcome", "rejected",
                                    "--date", today, "--note", "Avslag.\nTolk behövs vid informationssamtalet.")
        #expect(english.code == 0, "\(english.err)")
        #expect(english.out.contains("asylum decision, rejected, dated \(today)"), "\(english.out)")
        #expect(english.out.contains("The child's asylum status is now rejected (it was residence permit (granted))"), "\(english.out)")
        #expect(try status(child) == "rejected")
        let entries = json(try cli.navet("--json", "audit", "list")) as? [[String: Any]] ?? []
        let edit = entries.last { $0["command"] as? String == "decision add" } ?? [:]
        #expect(edit["kind"] as? String == "edit" && edit["tags"] as? [String] == ["asylum"])
        #expect((edit["fields"] as? [String] ?? []).contains("child.asylum_status"))
        #expect(Set(edit["records"] as? [String] ?? []).contains(child))
        // An older appeal recorded late leaves the newer status alone, and says why.
        let late = try cli.navet("--lang", "sv", "decision", "add", "--child", child, "--kind", "asyl", "--outcome", "överklagat",
                                 "--date", "2025-06-01")
        #expect(late.code == 0 && late.out.contains("Barnets asylstatus förblir avslag: asylbeslutet"), "\(late.out)")
        #expect(try status(child) == "rejected")
        let lateJSON = object(try cli.navet("--json", "decision", "add", "--child", child, "--kind", "asylum",
                                            "--outcome", "granted", "--date", "2025-06-02"))
        #expect(lateJSON["asylum_status_changed"] as? Bool == false && lateJSON["later_decision"] is String)
        #expect(lateJSON["asylum_status"] as? String == "rejected")

        // The list: newest first, everything shown logged, in both languages.
        let listed = list(try cli.navet("--json", "decision", "list", "--child", child))
        #expect(listed.count == typed.count + 3)
        let dates = listed.map { $0["date"] as? String ?? "" }
        #expect(dates == dates.sorted(by: >) && dates.first == today)
        #expect(listed.first?["note"] as? String == "Avslag.\nTolk behövs vid informationssamtalet.")
        #expect(listed.first?["child_name"] as? String == "Amina Rahimi" && listed.first?["tag"] as? String == "asylum")
        #expect(Set(listed.flatMap(\.keys)) == ["id", "child", "child_name", "kind", "outcome", "date", "note", "tag"])
        let swedish = try cli.navet("--lang", "sv", "decision", "list")
        for word in ["asylbeslut", "avslag", "lagakraftvunnet avslag", "anvisning av kommun", "omplacerad", "god man",
                     "entledigad", "Amina Rahimi", "utfall"] {
            #expect(swedish.out.contains(word), "\(word) in \(swedish.out)")
        }
        #expect(!swedish.out.contains("final_rejection") && !swedish.out.contains("\n  "), "labels, one line each")
        let table = try cli.navet("decision", "list")
        #expect(table.out.contains("final rejection") && table.out.contains("Avslag.\\nTolk"), "\(table.out)")
        let display = (json(try cli.navet("--json", "audit", "list")) as? [[String: Any]] ?? [])
            .last { $0["command"] as? String == "decision list" } ?? [:]
        #expect(Set(display["tags"] as? [String] ?? []) == ["basic", "asylum", "case"])
        #expect(Set(display["records"] as? [String] ?? []).isSuperset(of: ids + [child]))

        // Bad input changes nothing.
        let base = ["decision", "add", "--child", child]
        try refused(base + ["--kind", "dom", "--outcome", "avslag", "--date", "2025-01-01"],
                    says: ["--kind must be one of: asylum (asylum decision)", "'dom' is not one"])
        try refused(["--lang", "sv"] + base + ["--kind", "dom", "--outcome", "avslag", "--date", "2025-01-01"],
                    says: ["--kind måste vara något av: asylbeslut, anvisning av kommun, placering, god man"])
        try refused(base + ["--kind", "asylum", "--outcome", "placerad", "--date", "2025-01-01"],
                    says: ["'placerad' is an outcome of the kind placement, not of asylum decision",
                           "granted, rejected, appeal_lodged (appeal lodged), final_rejection (final rejection)"])
        try refused(["--lang", "sv"] + base + ["--kind", "placering", "--outcome", "kanske", "--date", "2025-01-01"],
                    says: ["'kanske' är inget utfall för beslutstypen placering", "placerad, omplacerad, placeringen avslutad"])
        // A beginning shorter than three letters names nothing.
        try refused(base + ["--kind", "asylum", "--outcome", "a", "--date", "2025-01-01"], says: ["'a' is not an outcome"])
        try refused(base + ["--kind", "asylum", "--outcome", "avslag", "--date", "2026-02-30"], says: ["2026-02-30 does not exist"])
        try refused(base + ["--kind", "asylum", "--outcome", "avslag", "--date", "30/11/2026"], says: ["--date"])
        try refused(base + ["--kind", "asylum", "--outcome", "avslag", "--date", "2008-12-31"],
                    says: ["before the child's birth date 2009-03-14"])
        try refused(base + ["--kind", "asylum", "--outcome", "avslag", "--date", "2099-01-01"], says: ["is after today"])
        try refused(["--lang", "sv"] + base + ["--kind", "asyl", "--outcome", "avslag", "--date", "2099-01-01"],
                    says: ["ligger efter i dag"])
        try refused(["decision", "add", "--child", "ffff", "--kind", "asylum", "--outcome", "avslag", "--date", "2025-01-01"],
                    says: ["No child has the id 'ffff'"])
        try refused(["decision", "add", "--child", ids[0], "--kind", "asylum", "--outcome", "avslag", "--date", "2025-01-01"],
                    says: ["\(ids[0]) is a decision, not a child"])
        try refused(base + ["--kind", "asylum", "--date", "2025-01-01"], code: 2, says: ["Missing --outcome"])
        try refused(base + ["--kind", "asylum", "--outcome", "avslag", "--date", "2025-01-01", "--note", "a\u{1B}b"],
                    says: ["control character"])
        try refused(["decision", "list", "--child", "zz"], says: ["'zz' is not an id"])
        // Without a user: nothing shown or changed (exit 9).
        try refused(["--user", "nobody", "decision", "list"], code: 9)
        try refused(["--user", "nobody"] + base + ["--kind", "asylum", "--outcome", "avslag", "--date", "2025-01-01"], code: 9)

        // Help in both languages.
        let help = try cli.navet("decision", "add", "--help")
        #expect(help.code == 0 && help.out.contains("appeal_lodged (överklagat)") && help.out.contains("--outcome OUTCOME"))
        let svHelp = try cli.navet("--lang", "sv", "decision", "add", "--help")
        #expect(svHelp.out.contains("--outcome UTFALL") && svHelp.out.contains("--date ÅÅÅÅ-MM-DD"), "\(svHelp.out)")
    }

    // MARK: actions

    @Test func actionsAreListedByTheirLastDayAndMarkedDoneByTheUser() throws {
        let child = try setUp()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let today = SwedishTime.today(at: now)
        let yesterday = SwedishTime.today(at: now - 86_400_000).description
        let nextYear = today.adding(years: 1).description
        let overdue = object(try cli.navet("--json", "action", "add", "--child", child, "--who", "Socialtjänsten Umeå",
                                           "--what", "Informationssamtal efter avslaget", "--due", yesterday))
        #expect(overdue["who_in_directory"] as? Bool == false, "no directory before the first sync")
        let dueToday = object(try cli.navet("--json", "action", "add", "--child", String(child.prefix(3)), "--who", "HVB Solgården",
                                            "--what", "Följ med till Migrationsverket", "--due", today.description))
        let later = try cli.navet("--lang", "sv", "action", "add", "--child", child, "--who", "Gode män i Umeå",
                                  "--what", "Överklagande", "--due", nextYear, "--follow-up", today.description)
        #expect(later.code == 0 && later.out.contains("Lade till åtgärden") && later.out.contains("senast \(nextYear)"), "\(later.out)")
        let ids = [overdue["id"] as? String ?? "", dueToday["id"] as? String ?? ""]

        let all = list(try cli.navet("--json", "action", "list"))
        #expect(all.map { $0["state"] as? String ?? "" } == ["overdue", "open", "open"], "sorted by the last day")
        #expect(all.map { $0["due"] as? String ?? "" } == [yesterday, today.description, nextYear])
        #expect(Set(all.flatMap(\.keys)) == ["id", "child", "child_name", "who", "what", "due", "follow_up", "done_at", "done_by", "state"])
        let late = list(try cli.navet("--json", "action", "list", "--overdue", "--child", child))
        #expect(late.map { $0["id"] as? String ?? "" } == [ids[0]], "due today is not yet overdue")
        let swedish = try cli.navet("--lang", "sv", "action", "list", "--overdue")
        #expect(swedish.out.contains("försenad") && swedish.out.contains("Informationssamtal efter avslaget"), "\(swedish.out)")

        // Done, by the user running the command; a unique prefix names it.
        let done = object(try cli.navet("--json", "action", "done", String(ids[0].prefix(6)), "--at", "\(yesterday) 10:00"))
        #expect((done["done_at"] as? String ?? "").hasPrefix(yesterday + "T10:00+0"))
        let user = (json(try cli.navet("--json", "user", "list")) as? [[String: Any]])?.first?["user"] as? String
        #expect(user != nil && done["done_by"] as? String == user)
        #expect((done["read_as_swedish_time"] as? Bool) == true)
        #expect(try cli.navet("action", "done", ids[1]).out.contains("Action \(ids[1]) done at"))
        #expect(try cli.navet("action", "list", "--overdue").out.contains("No overdue actions"))
        #expect(list(try cli.navet("--json", "action", "list")).map { $0["state"] as? String ?? "" } == ["done", "done", "open"])
        let entries = json(try cli.navet("--json", "audit", "list")) as? [[String: Any]] ?? []
        let edit = entries.last { $0["command"] as? String == "action done" } ?? [:]
        #expect(Set(edit["fields"] as? [String] ?? []) == ["action.done_at", "action.done_by"] && edit["tags"] as? [String] == ["case"])
        #expect(entries.contains { $0["command"] as? String == "action list" && $0["kind"] as? String == "display" })

        // Bad input changes nothing.
        try refused(["action", "done", ids[0]], says: ["Action \(ids[0]) was already done at \(yesterday)T10:00"])
        try refused(["--lang", "sv", "action", "done", ids[0]], says: ["blev redan klar"])
        let third = all[2]["id"] as? String ?? ""
        try refused(["action", "done", third, "--at", "igår"], says: ["--at 'igår' is not a time"])
        try refused(["action", "done", third, "--at", "\(nextYear)T10:00+01:00"], says: ["is in the future"])
        try refused(["action", "done", third, "--at", "1999-12-31T10:00+01:00"], says: ["before 2000-01-01"])
        try refused(["action", "done", third, "--at", "2026-03-29 02:30"], says: ["did not happen in Sweden"])
        try refused(["action", "done", child], says: ["\(child) is a child, not an action"])
        try refused(["action", "done", "abcdef"], says: ["No action has the id 'abcdef'", "navet action list"])
        let add = ["action", "add", "--child", child, "--who", "BUP", "--what", "Remiss"]
        try refused(add + ["--due", today.adding(years: 11).description], says: ["more than 10 years ahead"])
        try refused(add + ["--due", "2008-01-01"], says: ["before the child's birth date"])
        try refused(add + ["--due", "2026-13-01"], says: ["--due"])
        try refused(add + ["--due", nextYear, "--follow-up", "1999-01-01"], says: ["--follow-up 1999-01-01 is before 2000-01-01"])
        try refused(add + ["--due", nextYear, "--follow-up", "2020-01-01"], says: ["--follow-up 2020-01-01 is before today"])
        try refused(["action", "add", "--child", child, "--who", "  ", "--what", "x", "--due", nextYear], says: ["--who must name"])
        try refused(["action", "add", "--child", child, "--who", "BUP", "--due", nextYear], code: 2, says: ["Missing --what"])
        try refused(["--user", "nobody", "action", "list"], code: 9)

        let help = try cli.navet("--lang", "sv", "action", "add", "--help")
        #expect(help.code == 0 && help.out.contains("--follow-up ÅÅÅÅ-MM-DD") && help.out.contains("försenad"), "\(help.out)")
        #expect(try cli.navet("action", "done", "--help").out.contains("--at TIME"))
    }

    // MARK: sync and refused writes

    @Test func aDecisionReachesTheOrganisationsWhoseRoleReadsItsTagAndNoOther() throws {
        try socialServicesReplica("social.db")
        for (name, kind, file) in [("HVB Solgården", "residential_home", "home"), ("Migrationsverket Umeå", "migration_agency", "migration")] {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå").code == 0)
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        #expect(try sync("social.db") == 0)
        let child = object(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Canary Amina",
                                         "--asylum-status", "pending"))["id"] as? String ?? ""
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "hvb solgarden",
                              "--role", "kontaktperson").code == 0)
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Migrationsverket Umeå",
                              "--role", "handläggare").code == 0)
        let rejection = object(try cli.navet("--db", "social.db", "--json", "decision", "add", "--child", child, "--kind", "asyl",
                                             "--outcome", "avslag", "--date", "2026-11-02", "--note", "Canary asylum note"))["id"] as? String ?? ""
        let placement = object(try cli.navet("--db", "social.db", "--json", "decision", "add", "--child", child, "--kind", "placering",
                                             "--outcome", "placerad", "--date", "2026-10-01", "--note", "Canary placement note"))["id"] as? String ?? ""
        let action = object(try cli.navet("--db", "social.db", "--json", "action", "add", "--child", child, "--who", "HVB Solgarden",
                                          "--what", "Canary action", "--due", "2026-11-09"))
        #expect(action["who"] as? String == "HVB Solgården" && action["who_in_directory"] as? Bool == true)
        #expect(try sync("social.db") == 0)
        #expect(try sync("home.db") == 0)
        #expect(try sync("migration.db") == 0)

        // The group home (case, not asylum): the placement and the action, not the rejection or the status.
        let home = list(try cli.navet("--db", "home.db", "--json", "decision", "list"))
        #expect(home.map { $0["id"] as? String ?? "" } == [placement], "\(home)")
        #expect(list(try cli.navet("--db", "home.db", "--json", "action", "list", "--overdue")).count == 1)
        let homeBytes = try Data(contentsOf: folder.url.appendingPathComponent("home.db"))
        #expect(homeBytes.range(of: Data("Canary asylum note".utf8)) == nil)
        #expect(try status(child, db: "home.db") == nil)
        // The Migration Agency (asylum, not case): the rejection and the status it set, nothing else.
        let migration = list(try cli.navet("--db", "migration.db", "--json", "decision", "list", "--child", child))
        #expect(migration.map { $0["id"] as? String ?? "" } == [rejection], "\(migration)")
        #expect(migration.first?["outcome"] as? String == "rejected" && migration.first?["note"] as? String == "Canary asylum note")
        #expect(try status(child, db: "migration.db") == "rejected")
        let migrationBytes = try Data(contentsOf: folder.url.appendingPathComponent("migration.db"))
        #expect(migrationBytes.range(of: Data("Canary placement note".utf8)) == nil)
        #expect(migrationBytes.range(of: Data("Canary action".utf8)) == nil)
        #expect(list(try cli.navet("--db", "migration.db", "--json", "action", "list")).isEmpty)

        // Writes the central store would refuse are refused up front, with the reason (exit 2).
        try refused(["decision", "add", "--child", child, "--kind", "asyl", "--outcome", "bifall", "--date", "2026-11-20"],
                    db: "home.db", code: 2, says: ["may not read asylum information about child \(child)", "It may write: basic, case, search"])
        try refused(["--lang", "sv", "decision", "add", "--child", child, "--kind", "placering", "--outcome", "omplacerad",
                     "--date", "2026-11-20"], db: "migration.db", code: 2, says: ["får inte läsa uppgifter i sekretessklassen ärende"])
        try refused(["action", "add", "--child", child, "--who", "Migrationsverket Umeå", "--what", "x", "--due", "2026-12-01"],
                    db: "migration.db", code: 2, says: ["may not read case information"])
        // What each may write goes through: the Migration Agency's appeal sets the status everywhere
        // that reads it; the group home marks the action done.
        let appeal = try cli.navet("--db", "migration.db", "decision", "add", "--child", child, "--kind", "asylum",
                                   "--outcome", "appeal lodged", "--date", "2026-11-20")
        #expect(appeal.code == 0 && appeal.out.contains("now appealed (it was rejected)"), "\(appeal.out)\(appeal.err)")
        let actionID = action["id"] as? String ?? ""
        let marked = try cli.navet("--db", "home.db", "action", "done", actionID, "--at", "2026-11-29 09:00")
        #expect(marked.code == 0 && marked.out.contains("read as Swedish time: 2026-11-29T09:00+01:00 (winter time, UTC+01:00)"),
                "\(marked.out)\(marked.err)")
        #expect(try sync("migration.db") == 0)
        #expect(try sync("home.db") == 0)
        #expect(try sync("social.db") == 0)
        #expect(try status(child, db: "social.db") == "appealed")
        #expect(list(try cli.navet("--db", "social.db", "--json", "decision", "list", "--child", child)).count == 3)
        #expect(list(try cli.navet("--db", "social.db", "--json", "action", "list")).first?["state"] as? String == "done")
    }
}

/// The one rule for a decision's tag, on both sides (`Grant.refusal`).
@Suite struct DecisionRulesTests {
    @Test func aDecisionCarriesExactlyItsKindsTag() {
        var grant = Grant()
        grant.roles = [.socialSecretary]
        for tag in [Tag.basic, .care, .search, .asylum, .protected] { grant.read[tag] = .ownOrganisation }
        grant.write = [.basic, .care, .search, .asylum, .protected]
        #expect(grant.refusal(writing: "decision", field: "kind", tag: .asylum, decisionKind: "asylum") == nil)
        #expect(grant.refusal(writing: "decision", field: "kind", tag: .care, decisionKind: "placement") == nil)
        for (tag, kind) in [(Tag.care, "asylum"), (.search, "asylum"), (.asylum, "placement"), (.search, "guardian"),
                            (.basic, "assigned_municipality")] {
            #expect(grant.refusal(writing: "decision", field: "outcome", tag: tag, decisionKind: kind) == .decisionTagNotKind,
                    "\(kind) under \(tag)")
        }
        // The kind's tag, and no more, when the role does not write it.
        grant.write = [.care]
        #expect(grant.refusal(writing: "decision", field: "kind", tag: .asylum, decisionKind: "asylum") == .tagNotWritable)
    }

    @Test func outcomesBelongToOneKindAndAsylumOutcomesSetTheStatus() {
        #expect(Set(DecisionRules.outcomes).count == DecisionRules.outcomes.count)
        for kind in DecisionRules.kinds {
            for outcome in DecisionRules.outcomes(kind: kind) { #expect(DecisionRules.kind(ofOutcome: outcome) == kind) }
        }
        #expect(DecisionRules.outcomes(kind: "nothing").isEmpty)
        #expect(DecisionRules.asylumStatus(kind: "asylum", outcome: "appeal_lodged") == "appealed")
        #expect(DecisionRules.asylumStatus(kind: "placement", outcome: "placed") == nil)
        let day = { (text: String) in CalendarDate(iso: text)! }
        #expect(DecisionRules.setsStatus(date: day("2026-11-02"), recorded: [day("2026-11-02"), day("2026-01-01")]))
        #expect(!DecisionRules.setsStatus(date: day("2026-11-01"), recorded: [day("2026-11-02")]))
        #expect(ActionRules.isOverdue(due: day("2026-11-29"), done: false, today: day("2026-11-30")))
        #expect(!ActionRules.isOverdue(due: day("2026-11-30"), done: false, today: day("2026-11-30")))
        #expect(!ActionRules.isOverdue(due: day("2026-11-01"), done: true, today: day("2026-11-30")))
    }
}

/// The central store applies the same rule to a decision that arrives: under its kind's tag
/// it is accepted and goes where that tag goes; under another tag (a replica that skipped
/// the check) every field is refused (`decision_tag_not_kind`) and reaches nobody.
@Suite struct DecisionServerTests {
    @Test func theCentralStoreRefusesADecisionUnderAnotherTagThanItsKinds() throws {
        let region = try Region(organisations: [("Socialtjänsten", .socialServices), ("HVB Solgården", .residentialHome)])
        let social = region["Socialtjänsten"]
        let child = try social.createRecord(type: "child", values: ["name": .text("Canary Amina")], now: region.now)
        _ = try social.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("HVB Solgården"), "role": .text("contact_person"),
            "start_date": .text(region.day(-1)),
        ], now: region.now)
        let decision = { (kind: String, outcome: String, note: String) throws -> RecordID in
            try social.createRecord(type: "decision", values: [
                "child": .text(child.description), "kind": .text(kind), "outcome": .text(outcome),
                "date": .text(region.day(-1)), "note": .text(note),
            ], now: region.now)
        }
        let placement = try decision("placement", "placed", "Canary Placement")
        let rejection = try decision("asylum", "rejected", "Canary Rejection")
        let forged = try decision("asylum", "granted", "Canary Forged")
        // As a replica that skipped the check would send it: the asylum decision under `case`.
        _ = try SQLite3Tool.run(social.path, "UPDATE changes SET tag = 'case' WHERE record_id = \(forged.int64); UPDATE cells SET tag = 'case' WHERE record_id = \(forged.int64)")
        try region.sync("Socialtjänsten")
        let refusals = try region.central.refusals(of: social.replicaID, after: 0)
        #expect(refusals.map(\.reason) == Array(repeating: "decision_tag_not_kind", count: 5), "\(refusals)")
        #expect(try region.central.snapshot(rejection).value("outcome") == .text("rejected"))
        #expect(try region.central.snapshot(placement).value("outcome") == .text("placed"))
        // The group home reads `case`, not `asylum`: the placement only.
        try region.sync("HVB Solgården")
        let home = try region.texts("HVB Solgården")
        #expect(home.contains("Canary Placement"))
        #expect(!home.contains("Canary Rejection") && !home.contains("Canary Forged"))
    }
}

/// A missing episode withdrawn as a mistake, offline, after another replica recorded that
/// the police were told: the central store refuses the withdrawal (`withdrawn_too_late`),
/// the episode stays open and the police keep the search fields until the follow-up.
@Suite struct WithdrawalServerTests {
    /// The withdrawal arrives after the home's record that it told the police: it is kept,
    /// like any concurrent edit, and the episode stays open (`EpisodeRules`), as in the
    /// other order below, so every member ends up holding the same contested episode.
    @Test func aWithdrawalAfterThePoliceWereToldIsKeptAndTheEpisodeStaysOpen() throws {
        let region = try Region(organisations: [("Socialtjänsten", .socialServices), ("HVB Solgården", .residentialHome)])
        let social = region["Socialtjänsten"]
        let home = region["HVB Solgården"]
        let child = try social.createRecord(type: "child", values: ["name": .text("Canary Amina")], now: region.now)
        _ = try social.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("HVB Solgården"), "role": .text("contact_person"),
            "start_date": .text(region.day(-1)),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        try region.sync("HVB Solgården")
        let seen = Timestamp(swedishTimeAt: region.now - 3_600_000).description
        let episode = try home.createRecord(type: "missing", values: [
            "child": .text(child.description), "last_seen_at": .text(seen), "last_seen_place": .text("Umeå C"),
            "risk": .text("high"),
        ], now: region.now)
        try region.sync("HVB Solgården")
        try region.sync("Socialtjänsten")
        // The home tells the police; social services, offline, withdraws the report.
        _ = try home.set(record: episode, field: "police_notified_at", value: .text(Timestamp(swedishTimeAt: region.now).description),
                         now: region.now + 1)
        try region.sync("HVB Solgården")
        _ = try social.set(record: episode, field: "withdrawn_reason", value: .text("fel barn"), now: region.now + 2)
        _ = try social.set(record: episode, field: "closed_at", value: .text(Timestamp(swedishTimeAt: region.now).description),
                           now: region.now + 3)
        try region.sync("Socialtjänsten")
        #expect(try region.central.refusals(of: social.replicaID, after: 0).isEmpty)
        #expect(try region.central.facts(of: child)?.openEpisodes.contains(episode) == true)
        try region.sync("HVB Solgården")
        for name in ["Socialtjänsten", "HVB Solgården"] {
            let held = try region[name].snapshot(episode)
            #expect(EpisodeRules.withdrawalContested(closed: held.value("closed_at") != .null, followedUp: false,
                                                     policeNotified: held.value("police_notified_at") != .null, found: false),
                    "\(name)")
        }
    }

    /// The other order: the withdrawal reaches the central store first and closes the
    /// episode; the police lose the search fields. Then the home's record that it told the
    /// police arrives: the withdrawal is contested, the episode is open again everywhere
    /// (`EpisodeRules`), and the police get the search fields back until the follow-up.
    @Test func aWithdrawalThatArrivedBeforeThePoliceNotificationIsContestedAndTheEpisodeReopens() throws {
        let region = try Region(organisations: [("Socialtjänsten", .socialServices), ("HVB Solgården", .residentialHome),
                                                ("Polisen", .police)])
        let social = region["Socialtjänsten"]
        let home = region["HVB Solgården"]
        let child = try social.createRecord(type: "child", values: ["name": .text("Canary Amina")], now: region.now)
        _ = try social.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("HVB Solgården"), "role": .text("contact_person"),
            "start_date": .text(region.day(-1)),
        ], now: region.now)
        for name in ["Socialtjänsten", "HVB Solgården"] { try region.sync(name) }
        let seen = Timestamp(swedishTimeAt: region.now - 3_600_000).description
        let episode = try home.createRecord(type: "missing", values: [
            "child": .text(child.description), "last_seen_at": .text(seen), "last_seen_place": .text("Canary Umeå C"),
            "risk": .text("high"),
        ], now: region.now)
        for name in ["HVB Solgården", "Socialtjänsten", "Polisen"] { try region.sync(name) }
        #expect(try region.texts("Polisen").contains("Canary Umeå C"))
        func isOpen() throws -> Bool { try region.central.facts(of: child)?.openEpisodes.contains(episode) ?? false }

        // Social services withdraws the report and syncs first; the home, offline, has
        // told the police in the meantime and syncs after.
        _ = try social.set(record: episode, field: "withdrawn_reason", value: .text("fel barn"), now: region.now + 2)
        _ = try social.set(record: episode, field: "closed_at", value: .text(Timestamp(swedishTimeAt: region.now).description),
                           now: region.now + 3)
        try region.sync("Socialtjänsten")
        try region.sync("Polisen")
        #expect(try !isOpen())
        #expect(try !region.texts("Polisen").contains("Canary Umeå C"))

        _ = try home.set(record: episode, field: "police_notified_at", value: .text(Timestamp(swedishTimeAt: region.now).description),
                         now: region.now + 1)
        try region.sync("HVB Solgården")
        #expect(try region.central.refusals(of: home.replicaID, after: 0).isEmpty)
        #expect(try isOpen())
        for name in ["Socialtjänsten", "Polisen"] { try region.sync(name) }
        #expect(try region.texts("Polisen").contains("Canary Umeå C"))
        for name in ["Socialtjänsten", "HVB Solgården"] {
            let held = try region[name].snapshot(episode)
            #expect(held.value("withdrawn_reason") != .null && held.value("police_notified_at") != .null)
            let state = (closed: held.value("closed_at") != .null, followedUp: held.value("follow_up_at") != .null,
                         notified: held.value("police_notified_at") != .null, found: held.value("found_at") != .null)
            #expect(EpisodeRules.withdrawalContested(closed: state.closed, followedUp: state.followedUp,
                                                     policeNotified: state.notified, found: state.found))
        }

        // The follow-up ends it, and with it the police's access.
        let now = Timestamp(swedishTimeAt: region.now).description
        _ = try home.set(record: episode, field: "found_at", value: .text(now), now: region.now + 4)
        _ = try home.set(record: episode, field: "follow_up_at", value: .text(now), now: region.now + 5)
        _ = try home.set(record: episode, field: "closed_at", value: .text(now), now: region.now + 6)
        try region.sync("HVB Solgården")
        #expect(try !isOpen())
        try region.sync("Polisen")
        #expect(try !region.texts("Polisen").contains("Canary Umeå C"))
    }
}

@Suite struct EpisodeRulesTests {
    @Test func aWithdrawalCountsOnlyBeforeThePoliceWereToldOrTheChildWasFound() {
        #expect(EpisodeRules.isOpen(closed: false, followedUp: false, policeNotified: false, found: false))
        #expect(!EpisodeRules.isOpen(closed: true, followedUp: false, policeNotified: false, found: false))
        #expect(EpisodeRules.isOpen(closed: true, followedUp: false, policeNotified: true, found: false))
        #expect(EpisodeRules.isOpen(closed: true, followedUp: false, policeNotified: false, found: true))
        #expect(!EpisodeRules.isOpen(closed: true, followedUp: true, policeNotified: true, found: true))
        #expect(EpisodeRules.withdrawalContested(closed: true, followedUp: false, policeNotified: true, found: false))
        #expect(!EpisodeRules.withdrawalContested(closed: false, followedUp: false, policeNotified: true, found: false))
        #expect(!EpisodeRules.withdrawalContested(closed: true, followedUp: true, policeNotified: true, found: false))
    }
}
