import Foundation
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// `navet alerts` through the real binary (issue 14, point 5): the facts read from the
/// replica, the alerts sorted, who they are for, the read audit, the languages, and what a
/// replica that may not see a child (or a field) shows. Records of schema 3 that other
/// commands write (`decision`, `action`, the episode's phases, `sip`, `sip_follow_up`) are
/// written here through the store API, under the shared contract's names.
@Suite struct AlertsCLITests {
    let folder = TemporaryDirectory(prefix: "navet-alerts")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    static var today: CalendarDate { SwedishTime.today(at: now) }
    static func day(_ offset: Int) -> String { today.adding(days: offset)?.description ?? "" }
    static func time(hoursAgo: Int) -> String { Timestamp(swedishTimeAt: (now - Int64(hoursAgo) * 3_600_000) / 60_000 * 60_000).description }

    /// The contract's record types and fields this build's schema does not define yet
    /// (the other parts of issue 14 add the real definitions).
    static let contractSchema: Schema = {
        var types = Schema.current.recordTypes
        let child = FieldSchema("child", .reference("child"), tag: .care, required: true)
        if let index = types.firstIndex(where: { $0.name == "missing" }) {
            let extra = [FieldSchema("discovered_at", .timestamp, tag: .search), FieldSchema("police_notified_at", .timestamp, tag: .search),
                         FieldSchema("found_at", .timestamp, tag: .search), FieldSchema("follow_up_at", .timestamp, tag: .care)]
                .filter { types[index].field($0.name) == nil }
            types[index] = RecordTypeSchema(name: "missing", fields: types[index].fields + extra)
        }
        func add(_ name: String, _ fields: [FieldSchema]) {
            if !types.contains(where: { $0.name == name }) { types.append(RecordTypeSchema(name: name, fields: fields)) }
        }
        add("decision", [child, FieldSchema("kind", .text(maxLength: 40), tag: .asylum, required: true),
                         FieldSchema("outcome", .text(maxLength: 40), tag: .asylum, required: true),
                         FieldSchema("date", .date, tag: .asylum, required: true)])
        add("action", [child, FieldSchema("who", .text(maxLength: 200), tag: .care, required: true),
                       FieldSchema("what", .text(maxLength: 2000), tag: .care, required: true),
                       FieldSchema("due", .date, tag: .care, required: true), FieldSchema("done_at", .timestamp, tag: .care)])
        add("sip", [child, FieldSchema("needs", .text(maxLength: 2000), tag: .care, required: true),
                    FieldSchema("next_follow_up", .date, tag: .care)])
        add("sip_follow_up", [child, FieldSchema("sip", .reference("sip"), tag: .care, required: true),
                              FieldSchema("date", .date, tag: .care, required: true), FieldSchema("next_follow_up", .date, tag: .care)])
        return Schema(version: 3, recordTypes: types)
    }()

    /// The replica's file opened under the contract's schema.
    func contractStore() throws -> ReplicaStore {
        let base = try ReplicaStore.open(path: folder.path("navet.db"))
        return ReplicaStore(path: base.path, db: base.db, id: base.replicaID, schema: Self.contractSchema)
    }

    func json(_ result: CLIRunner.Result) -> Any? { try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) }
    func alerts(_ arguments: String...) throws -> [[String: Any]] {
        let result = try cli.run("navet", ["--json", "alerts"] + arguments)
        #expect(result.code == 0, "\(result.err)")
        return json(result) as? [[String: Any]] ?? []
    }
    func rules(_ list: [[String: Any]]) -> [String] { list.compactMap { $0["rule"] as? String } }

    /// A replica of "Socialtjänsten Umeå" (its directory names the other organisations) with
    /// one child and a hub of social services, a god man and a school.
    func setUp(birth: String? = nil, arrival: String? = nil) throws -> String {
        #expect(try cli.navet("init").code == 0)
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        let names = ["Socialtjänsten Umeå", "Gode män i Umeå", "Åsa skola", "Polisen Region Nord"]
        try store.replaceDirectory(names.enumerated().map { index, name in
            OriginName(replica: index == 0 ? store.replicaID : ReplicaID(rawValue: UInt64(0x1000 + index)), organisation: name, kind: nil)
        }, now: 1)
        var arguments = ["--json", "child", "add", "--name", "Amina Rahimi"]
        if let birth { arguments += ["--birth-date", birth] }
        if let arrival { arguments += ["--arrival-date", arrival] }
        let child = (json(try cli.run("navet", arguments)) as? [String: Any])?["id"] as? String ?? ""
        for (org, role) in [("Socialtjänsten Umeå", "socialsekreterare"), ("Gode män i Umeå", "god man"), ("Åsa skola", "mentor")] {
            let added = try cli.navet("hub", "add", "--child", child, "--org", org, "--role", role)
            #expect(added.code == 0, "\(added.err)")
        }
        return child
    }

    @Test func theMethodsAlertsFromRecordsMadeWithTheCommands() throws {
        // 18 in 30 days; arrived 20 days ago; missing for 30 hours, the police not told.
        let child = try setUp(birth: Self.today.adding(years: -18).adding(days: 30)?.description,
                              arrival: Self.day(-20))
        let reported = try cli.navet("--json", "missing", "report", "--child", child, "--last-seen-at", Self.time(hoursAgo: 30),
                                     "--last-seen-place", "HVB Solgården")
        let episode = (json(reported) as? [String: Any])?["id"] as? String ?? ""
        for kind in ["skolfrånvaro", "risksignal", "misstänkt brott"] {
            #expect(try cli.navet("note", "add", "--child", child, "--kind", kind, "--text", "Iakttaget").code == 0)
        }
        let list = try alerts()
        #expect(rules(list) == ["missing_not_reported", "missing_escalate", "risk_behaviour", "suspected_crime",
                                "turning_18_no_talk", "arrival_no_talk"] || rules(list) == ["missing_not_reported", "missing_escalate",
                                "suspected_crime", "risk_behaviour", "turning_18_no_talk", "arrival_no_talk"], "\(rules(list))")
        #expect(list.map { $0["severity"] as? String ?? "" } == ["critical", "critical", "high", "high", "medium", "medium"])
        let escalate = list.first { $0["rule"] as? String == "missing_escalate" } ?? [:]
        #expect(escalate["record"] as? String == episode && escalate["every_member"] as? Bool == true)
        #expect((escalate["recipients"] as? [[String: String]])?.map { $0["organisation"] ?? "" }
                == ["Socialtjänsten Umeå", "Gode män i Umeå", "Åsa skola"])
        #expect(escalate["for_you"] as? Bool == true && escalate["child_name"] as? String == "Amina Rahimi")
        #expect((list.first?["do_now"] as? String)?.contains("no waiting time") == true)

        // The read audit: a display of the episode's and the child's fields.
        let entry = try ReplicaStore.open(path: folder.path("navet.db")).auditEntries().last
        #expect(entry?.command == "alerts" && entry?.kind == "display")
        #expect(entry?.records.map(\.description).contains(episode) == true)
        #expect(entry?.fields.contains("missing.last_seen_at") == true && entry?.fields.contains("child.name") == true
                && entry?.fields.contains("child.birth_date") == true && entry?.fields.contains("membership.organisation") == true,
                "\(entry?.fields ?? [])")

        // In Swedish, as text.
        let swedish = try cli.navet("--lang", "sv", "alerts", "--child", String(child.prefix(6)))
        #expect(swedish.code == 0 && swedish.out.contains("6 larm") && swedish.out.contains("[AKUT] Amina Rahimi"), "\(swedish.out)")
        #expect(swedish.out.contains("Gör nu: Anmäl försvinnandet till polisen nu") && swedish.out.contains("<- gäller din organisation"))
        let english = try cli.navet("alerts")
        #expect(english.out.contains("6 alerts") && english.out.contains("For: every member of the hub: Socialtjänsten Umeå (social secretary)"),
                "\(english.out)")

        // The talks, typed in Swedish, end their alerts; closing the episode ends the missing ones.
        #expect(try cli.navet("note", "add", "--child", child, "--kind", "informationssamtal", "--text", "Om asylprocessen").code == 0)
        #expect(try cli.navet("note", "add", "--child", child, "--kind", "18-årssamtal", "--text", "Om att fylla 18").code == 0)
        #expect(try cli.navet("missing", "found", episode, "--at", Self.time(hoursAgo: 2), "--place", "Sundsvall C",
                              "--by", "Polisen").code == 0)
        #expect(try cli.navet("missing", "follow-up", episode, "--at", Self.time(hoursAgo: 1), "--by", "Socialtjänsten Umeå",
                              "--text", "Samtal med barnet").code == 0)
        #expect(rules(try alerts()).sorted() == ["risk_behaviour", "suspected_crime"])
    }

    @Test func theContractsRecordsDecisionsActionsPhasesAndPlans() throws {
        let child = try setUp()
        let store = try contractStore()
        let childID = RecordID(hex: child)!
        let now = Self.now
        let decision = try store.createRecord(type: "decision", values: [
            "child": .text(child), "kind": .text("asylum"), "outcome": .text("rejected"), "date": .text(Self.day(-2)),
        ], tag: nil, now: now)
        let action = try store.createRecord(type: "action", values: [
            "child": .text(child), "who": .text("Socialtjänsten Umeå"), "what": .text("Boka tolk\u{1B}[31m"), "due": .text(Self.day(-1)),
        ], now: now)
        let episode = try store.createRecord(type: "missing", values: [
            "child": .text(child), "last_seen_at": .text(Self.time(hoursAgo: 100)), "last_seen_place": .text("Umeå C"),
            "risk": .text("high"), "police_notified_at": .text(Self.time(hoursAgo: 99)), "found_at": .text(Self.time(hoursAgo: 80)),
        ], now: now)
        let plan = try store.createRecord(type: "sip", values: [
            "child": .text(child), "needs": .text("Boende och skola"), "next_follow_up": .text(Self.day(-3)),
        ], now: now)

        let list = try alerts()
        #expect(rules(list) == ["rejection_no_talk", "found_no_follow_up", "sip_follow_up_overdue", "action_overdue"], "\(rules(list))")
        let rejection = list.first { $0["rule"] as? String == "rejection_no_talk" } ?? [:]
        #expect(rejection["record"] as? String == decision.description && rejection["due"] as? String == Self.day(5))
        #expect(rejection["for_roles"] as? [String] == ["social_secretary", "guardian"])
        #expect((rejection["recipients"] as? [[String: String]])?.map { $0["organisation"] ?? "" } == ["Socialtjänsten Umeå", "Gode män i Umeå"])
        #expect(rejection["for_you"] as? Bool == true)
        #expect((list.first { $0["rule"] as? String == "action_overdue" }?["record"] as? String) == action.description)
        #expect((list.first { $0["rule"] as? String == "found_no_follow_up" }?["record"] as? String) == episode.description)

        let text = try cli.navet("--lang", "sv", "alerts")
        #expect(text.out.contains("Asylbeslut \"avslag\" den \(Self.day(-2))") && text.out.contains("För: socialsekreterare, god man: "),
                "\(text.out)")
        // Text from the records goes through the console: the escape is shown, not sent.
        #expect(!text.out.contains("\u{1B}") && text.out.contains("Boka tolk"))
        let entry = try store.auditEntries().last
        #expect(entry?.fields.contains("decision.outcome") == true && entry?.fields.contains("action.what") == true
                && entry?.records.contains(plan) == true, "\(entry?.fields ?? [])")

        // Each is met by the record its rule waits for.
        try store.set(record: action, field: "done_at", value: .text(Self.time(hoursAgo: 0)), now: now + 1)
        try store.set(record: episode, field: "follow_up_at", value: .text(Self.time(hoursAgo: 0)), now: now + 1)
        _ = try store.createRecord(type: "sip_follow_up", values: [
            "child": .text(child), "sip": .text(plan.description), "date": .text(Self.day(0)), "text": .text("Uppföljning"),
            "next_follow_up": .text(Self.day(30)),
        ], now: now + 2)
        _ = try store.createRecord(type: "note", values: [
            "child": .text(child), "kind": .text("information_talk"), "text": .text("Om beslutet"),
        ], now: now + 3)
        #expect(try alerts().isEmpty)
        #expect(try cli.navet("alerts", "--child", child).out == "No alerts.\n")
        _ = childID
    }

    @Test func aReplicaShowsOnlyWhatItMaySee() throws {
        let child = try setUp(arrival: Self.day(-30))
        let reported = try cli.navet("--json", "missing", "report", "--child", child, "--last-seen-at", Self.time(hoursAgo: 2),
                                     "--last-seen-place", "Skolan")
        #expect(reported.code == 0)
        #expect(try cli.navet("note", "add", "--child", child, "--kind", "skolfrånvaro", "--text", "Borta").code == 0)
        #expect(try cli.navet("note", "add", "--child", child, "--kind", "skolfrånvaro", "--text", "Borta igen").code == 0)
        #expect(rules(try alerts()) == ["missing_not_reported", "risk_behaviour", "arrival_no_talk"])
        // As a school: it reads basic and school. It holds its absence notes, but is not sent
        // the episode's state, the police report or the talks: no alert from their absence.
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        try store.replacePermissions([ChildPermission(child: RecordID(hex: child)!, read: [.basic, .school], write: [.school],
                                                      roles: [.schoolMentor])])
        #expect(rules(try alerts()) == ["risk_behaviour"])
        // As the police in the hub: the search fields, not the case: the police report, no talk.
        try store.replacePermissions([ChildPermission(child: RecordID(hex: child)!, read: [.basic, .search, .police],
                                                      write: [.search, .police], roles: [.police])])
        #expect(rules(try alerts()) == ["missing_not_reported", "risk_behaviour"])
        // Under the missing rule, sent some fields of the open episode but not whether the
        // child was found: no missing alert.
        try store.replacePermissions([ChildPermission(child: RecordID(hex: child)!, read: [], write: [],
                                                      roles: [], fields: [FieldRef("missing", "last_seen_at")],
                                                      episodes: [RecordID(rawValue: 1)])])
        #expect(rules(try alerts()) == ["risk_behaviour"])
        // Access ended (the child acknowledged, then no permissions): nothing about the child.
        try store.replacePermissions([])
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT OR REPLACE INTO meta(key, value) VALUES ('acked_seq', 1000000)")
        #expect(try alerts().isEmpty)
        let ended = try cli.navet("alerts", "--child", child)
        #expect(ended.code == 0 && ended.out.contains("access to child \(child) has ended"), "\(ended.out)")
    }

    /// Through a real `navetd` (by file) and the default policy: social services report a
    /// child missing, the school writes absences; after the sync each replica shows the
    /// alerts it may see.
    @Test func afterASyncEachMemberSeesTheAlertsItMaySee() throws {
        func sync(_ db: String) throws {
            #expect(try cli.navet("--db", db, "export", "--force", "up.navet").code == 0)
            let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
            #expect(imported.code == 0, "\(imported.err)")
            let applied = try cli.navet("--db", db, "import", "reply.navet")
            #expect(applied.code == 0, "\(applied.err)")
        }
        func alerts(_ db: String) throws -> [[String: Any]] {
            let result = try cli.navet("--db", db, "--json", "alerts")
            #expect(result.code == 0, "\(result.err)")
            return json(result) as? [[String: Any]] ?? []
        }
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        let organisations = [("Socialtjänsten Umeå", "social_services", "social"), ("Gode män i Umeå", "guardian", "guardian"),
                             ("Åsa skola", "school", "school"), ("Polisen Region Nord", "police", "police")]
        for (name, kind, file) in organisations {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå").code == 0)
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        try sync("social.db")
        let added = try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Amina Rahimi", "--arrival-date", Self.day(-20))
        let child = (json(added) as? [String: Any])?["id"] as? String ?? ""
        for (org, role) in [("Gode män i Umeå", "god man"), ("Åsa skola", "mentor")] {
            #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", org, "--role", role).code == 0)
        }
        #expect(try cli.navet("--db", "social.db", "missing", "report", "--child", child, "--last-seen-at", Self.time(hoursAgo: 30),
                              "--last-seen-place", "HVB Solgården").code == 0)
        try sync("social.db")
        try sync("school.db")
        for text in ["Borta", "Borta igen"] {
            #expect(try cli.navet("--db", "school.db", "note", "add", "--child", child, "--kind", "skolfrånvaro", "--text", text).code == 0)
        }
        try sync("school.db")
        for db in ["social.db", "guardian.db", "police.db"] { try sync(db) }

        let guardian = try alerts("guardian.db")
        #expect(rules(guardian) == ["missing_not_reported", "missing_escalate", "risk_behaviour", "arrival_no_talk"], "\(rules(guardian))")
        #expect(guardian.first { $0["rule"] as? String == "missing_escalate" }?["for_you"] as? Bool == true)
        #expect(rules(try alerts("social.db")) == rules(guardian))
        // The school holds its absences, not the search or the case.
        #expect(rules(try alerts("school.db")) == ["risk_behaviour"])
        // The police, not in the hub, get the search fields the missing rule names and nothing
        // of the case: at most the missing-child alerts.
        let policeAlerts = try alerts("police.db")
        let police = Set(rules(policeAlerts))
        #expect(police.isSubset(of: ["missing_not_reported", "missing_escalate"]), "\(police)")
        // The police are told rather than tell: their alert says so in their words.
        let notReported = policeAlerts.first { $0["rule"] as? String == "missing_not_reported" }
        #expect((notReported?["do_now"] as? String ?? "").contains("Check whether a report has reached the police"), "\(policeAlerts)")

        // A rejection recorded by social services reaches the god man at the next sync, as an
        // alert for the god man; the school, which may not see asylum decisions, gets none.
        let decided = try cli.navet("--db", "social.db", "decision", "add", "--child", child, "--kind", "asylbeslut",
                                    "--outcome", "avslag", "--date", Self.day(-1))
        #expect(decided.code == 0, "\(decided.err)")
        try sync("social.db")
        try sync("guardian.db")
        try sync("school.db")
        let rejection = try alerts("guardian.db").first { $0["rule"] as? String == "rejection_no_talk" }
        #expect(rejection?["for_you"] as? Bool == true, "\(String(describing: rejection))")
        #expect(!rules(try alerts("school.db")).contains("rejection_no_talk"))
        // Social services registered the child: in the hub from the start, without a membership
        // record, and the alert is for them too.
        let registrar = try alerts("social.db").first { $0["rule"] as? String == "rejection_no_talk" }
        #expect(registrar?["for_you"] as? Bool == true, "\(String(describing: registrar))")
        #expect(try cli.navet("--db", "guardian.db", "--json", "child", "show", child).out.contains("\"rejected\""))
    }

    @Test func optionsHelpAndErrors() throws {
        let child = try setUp()
        for (language, words) in [("en", ["missing_not_reported", "no waiting time", "24 h", "72 h", "7 days", "90 days", "14 days"]),
                                  ("sv", ["ingen väntetid", "24 timmar", "72 timmar", "svenska kalenderdagar"])] {
            let help = try cli.navet("--lang", language, "alerts", "--help")
            #expect(help.code == 0)
            for word in words { #expect(help.out.contains(word), "\(language): \(word)") }
        }
        #expect(try cli.navet("alerts", "--child", "zz").code == 3)
        #expect(try cli.navet("alerts", "--child", "abcdef0123456789").code == 3)
        #expect(try cli.navet("--user", "nobody", "alerts").code == 9)
        // A configuration file: sooner is allowed, later is refused with the line and key.
        try Data(#"{"navet_alerts": 1, "arrival_talk_days": 3}"#.utf8).write(to: folder.url.appendingPathComponent("ok.json"))
        _ = try cli.navet("child", "set", child, "arrival-date", Self.day(-5))
        #expect(try alerts().isEmpty)
        #expect(rules(try alerts("--config", "ok.json")) == ["arrival_no_talk"])
        try Data("{\"navet_alerts\": 1,\n  \"missing_escalate_hours\": 48}".utf8).write(to: folder.url.appendingPathComponent("late.json"))
        let late = try cli.navet("alerts", "--config", "late.json")
        #expect(late.code == 4 && late.err.contains("late.json, line 2: missing_escalate_hours: 48 is outside 1–24") && late.out.isEmpty,
                "\(late.err)")
        let lateSv = try cli.navet("--lang", "sv", "alerts", "--config", "late.json")
        #expect(lateSv.err.contains("rad 2") && lateSv.err.contains("aldrig skjuta upp det"), "\(lateSv.err)")
        try Data("{\"navet_alerts\": 1, \"police_report_hours\": 24}".utf8).write(to: folder.url.appendingPathComponent("wait.json"))
        let wait = try cli.navet("alerts", "--config", "wait.json")
        #expect(wait.code == 4 && wait.err.contains("unknown key \"police_report_hours\""), "\(wait.err)")
        #expect(try cli.navet("alerts", "--config", "missing.json").code == 5)
        try Data("{\"navet_alerts\": 1,".utf8).write(to: folder.url.appendingPathComponent("cut.json"))
        #expect(try cli.navet("alerts", "--config", "cut.json").code == 4)
    }

    /// A rejection known only from the child's asylum status (no decision recorded) is
    /// named as the status and the day it was written, not as a decision.
    @Test func aRejectedStatusWithoutADecisionIsNamedAsTheStatus() throws {
        let child = try setUp(birth: "2010-03-14")
        #expect(try cli.navet("child", "set", child, "asylum-status", "rejected").code == 0)
        let alert = try alerts().first { $0["rule"] as? String == "rejection_no_talk" }
        let what = alert?["what"] as? String ?? ""
        #expect(what.hasPrefix("Asylum status \"rejected\" recorded on \(Self.day(0))") && what.contains("no decision is recorded"),
                "\(String(describing: alert))")
        let swedish = try cli.navet("--lang", "sv", "alerts")
        #expect(swedish.out.contains("Asylstatus \"avslag\" registrerad den \(Self.day(0))"), "\(swedish.out)")
        #expect(!swedish.out.contains("Asylbeslut"), "\(swedish.out)")
        // With a decision recorded, the decision is what the alert names.
        #expect(try cli.navet("decision", "add", "--child", child, "--kind", "asylum", "--outcome", "rejected",
                              "--date", Self.day(-3)).code == 0)
        let decided = try alerts().first { $0["rule"] as? String == "rejection_no_talk" }
        #expect((decided?["what"] as? String ?? "").hasPrefix("Asylum decision \"rejected\" on \(Self.day(-3))"),
                "\(String(describing: decided))")
    }

    /// A talk noted days after it was held counts from the day it was held (`note add
    /// --date`): one held before the decision does not answer it; one held on its day does.
    @Test func aNoteDatedBackCountsFromItsDay() throws {
        let child = try setUp(birth: "2010-03-14")
        #expect(try cli.navet("decision", "add", "--child", child, "--kind", "asylum", "--outcome", "rejected",
                              "--date", Self.day(-8)).code == 0)
        #expect(rules(try alerts()).contains("rejection_no_talk"))
        let before = try cli.navet("--json", "note", "add", "--child", child, "--kind", "information_talk",
                                   "--text", "Samtal om asylprocessen", "--date", Self.day(-9))
        #expect(before.code == 0, "\(before.err)")
        #expect(rules(try alerts()).contains("rejection_no_talk"), "a talk before the decision does not answer it")
        #expect(try cli.navet("note", "add", "--child", child, "--kind", "information_talk",
                              "--text", "Samtal om beslutet", "--date", Self.day(-2)).code == 0)
        #expect(!rules(try alerts()).contains("rejection_no_talk"))
        let listed = try cli.navet("note", "list", "--child", child)
        #expect(listed.out.contains("(happened \(Self.day(-2)))"), "\(listed.out)")
        // Bad dates change nothing: tomorrow, before the child's birth, before 2000, not a date.
        for bad in [Self.day(1), "2009-01-01", "1999-12-31", "2026-02-30", "igår"] {
            let refused = try cli.navet("note", "add", "--child", child, "--kind", "conversation", "--text", "x", "--date", bad)
            #expect(refused.code == 3 && !refused.err.isEmpty, "\(bad): \(refused.code) \(refused.err)")
        }
        let sv = try cli.navet("--lang", "sv", "note", "add", "--child", child, "--kind", "conversation", "--text", "x", "--date", Self.day(3))
        #expect(sv.err.contains("ligger efter i dag"), "\(sv.err)")
        #expect(json(try cli.navet("--json", "note", "list", "--child", child)).map { ($0 as? [Any])?.count } == 2)
    }
}
