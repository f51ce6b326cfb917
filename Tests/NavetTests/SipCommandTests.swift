import Foundation
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// `navet sip` (issue 14, point 3) through the real binary: the coordinated individual plan,
/// its items and follow-ups, consent, the printable plan, the read audit, bad input, and a
/// draft that never leaves its organisation while an agreed plan reaches the hub.
@Suite struct SipCommandTests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-sip")

    func dump(_ db: String = "navet.db") throws -> String { try SQLite3Tool.run(folder.path(db), ".dump") }
    func array(_ result: CLIRunner.Result) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) as? [[String: Any]] ?? []
    }
    func id(_ result: CLIRunner.Result) -> String { object(result)["id"] as? String ?? "" }
    func tags(_ type: String, db: String = "navet.db") throws -> String {
        try SQLite3Tool.run(folder.path(db), "SELECT group_concat(DISTINCT tag) FROM cells WHERE record_type = '\(type)'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var today: CalendarDate { SwedishTime.today(at: Int64(Date().timeIntervalSince1970 * 1000)) }
    var nextYear: String { String(today.year + 1) + "-03-15" }

    /// A replica named "Socialtjänsten Umeå" in a directory with two more organisations,
    /// one child (returned) and a consent for it (returned).
    func setUp() throws -> (child: String, consent: String) {
        #expect(try cli.navet("init").code == 0)
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        try store.replaceDirectory([OriginName(replica: store.replicaID, organisation: "Socialtjänsten Umeå", kind: nil),
                                    OriginName(replica: ReplicaID(rawValue: 0x1001), organisation: "BUP Umeå", kind: nil),
                                    OriginName(replica: ReplicaID(rawValue: 0x1002), organisation: "Åsa skola", kind: nil)], now: 1)
        let child = id(try cli.navet("--json", "child", "add", "--name", "Amina <Rahimi>", "--birth-date", "2010-03-01"))
        let consent = id(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "barnet", "--to", "åsa skola",
                                       "--tags", "ärende", "--purpose", "SIP-möte"))
        #expect(!child.isEmpty && !consent.isEmpty)
        return (child, consent)
    }

    @discardableResult
    func refused(_ arguments: [String], code: Int32 = 3, says: [String] = [],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let before = try dump()
        let result = try cli.run("navet", arguments)
        #expect(result.code == code, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
        for part in says {
            #expect(result.err.contains(part), "\(arguments): '\(part)' not in \(result.err)", sourceLocation: sourceLocation)
        }
        #expect(result.out.isEmpty, "\(arguments): \(result.out)", sourceLocation: sourceLocation)
        #expect(try dump() == before, "\(arguments) changed the file", sourceLocation: sourceLocation)
        return result.err
    }

    @Test func aDraftPlanWithItemsBecomesAgreedWithConsentAndIsFollowedUp() throws {
        let (child, consent) = try setUp()
        // A draft: no consent. Every value under `internal`.
        let created = try cli.navet("--json", "sip", "create", "--child", String(child.prefix(6)), "--needs", "Trygghet\nSkolgång",
                                    "--responsible", "SOCIALTJA\u{0308}NSTEN umea", "--participants", "Amina, god man",
                                    "--next-follow-up", nextYear)
        #expect(created.code == 0, "\(created.err)")
        let plan = id(created)
        #expect(object(created)["status"] as? String == "draft" && object(created)["draft"] as? Bool == true)
        #expect(object(created)["responsible"] as? String == "Socialtjänsten Umeå", "stored as the directory spells it")
        #expect(try tags("sip") == "internal")
        let swedishCreate = try cli.run("navet", ["--lang", "sv", "sip", "create", "--child", child, "--needs", "-"], stdin: "Annat\r\n")
        #expect(swedishCreate.out.contains("UTKAST") && swedishCreate.out.contains("navet sip consent"), "\(swedishCreate.out)")

        // Items: kinds as people type them; a draft's items are drafts too.
        var items: [String] = []
        for (typed, kind) in [("Insats", "intervention"), ("INTERVENTION", "intervention"), ("a\u{0308}tgärd", "measure"),
                              ("atgard", "measure"), ("åtgärder", "measure")] {
            let added = try cli.navet("--json", "sip", "item", "add", String(plan.prefix(8)), "--kind", typed,
                                      "--what", "Samtal <\(typed)>", "--principal", "bup umeå", "--due", nextYear)
            #expect(added.code == 0 && object(added)["kind"] as? String == kind, "\(typed): \(added.err)")
            #expect(object(added)["draft"] as? Bool == true && object(added)["principal"] as? String == "BUP Umeå")
            items.append(id(added))
        }
        let outside = try cli.navet("sip", "item", "add", plan, "--kind", "åtgärd", "--what", "Läxhjälp", "--principal", "Fotbollsklubben")
        #expect(outside.code == 0 && outside.err.contains("not an organisation in the directory"), "kept as typed: \(outside.err)")
        #expect(try tags("sip_item") == "internal")
        let done = try cli.navet("--json", "sip", "item", "done", items[0])
        #expect(done.code == 0 && object(done)["draft"] as? Bool == true, "\(done.err)")

        // Shown as a draft everywhere.
        let draftShow = try cli.navet("sip", "show", plan)
        #expect(draftShow.code == 0 && draftShow.out.contains("*** DRAFT: no consent recorded"), "\(draftShow.out)")
        let draftList = array(try cli.navet("--json", "sip", "list"))
        #expect(draftList.count == 2 && draftList.allSatisfy { $0["status"] as? String == "draft" })
        #expect(try cli.navet("--lang", "sv", "sip", "list").out.contains("UTKAST"))

        // Consent attached: the plan and its items again under `case`, agreed.
        let agreed = try cli.navet("--json", "sip", "consent", plan, String(consent.prefix(7)))
        #expect(agreed.code == 0 && object(agreed)["items"] as? Int == 6, "\(agreed.err)")
        #expect(try tags("sip").split(separator: ",").sorted() == ["case", "internal"], "the other plan is still a draft")
        #expect(try tags("sip_item") == "case")
        try refused(["sip", "consent", plan, consent], says: ["already rests on consent \(consent)"])

        // Follow-up: the next date moves; without --next a held follow-up clears it.
        let followed = try cli.navet("--json", "sip", "follow-up", plan, "--date", today.description, "--text", "Gick bra\nFortsätt",
                                     "--next", String(today.year + 2) + "-01-10")
        #expect(followed.code == 0 && object(followed)["next_follow_up"] as? String == String(today.year + 2) + "-01-10",
                "\(followed.err)")

        // Show: text in both languages, JSON.
        let english = try cli.navet("sip", "show", plan)
        #expect(english.out.contains("Coordinated individual plan (SIP) \(plan) for Amina <Rahimi>"), "\(english.out)")
        #expect(english.out.contains("agreed (consent recorded)") && !english.out.contains("DRAFT"))
        #expect(english.out.contains("given by the child on") && english.out.contains("to Åsa skola; covers case; purpose: SIP-möte"))
        #expect(english.out.contains("Interventions") && english.out.contains("Measures by other actors"))
        let swedish = try cli.navet("--lang", "sv", "sip", "show", "--child", child)
        #expect(swedish.out.contains("lämnat av barnet den") && swedish.out.contains("omfattar ärende"), "\(swedish.out)")
        #expect(swedish.out.contains("Insatser (huvudmannen svarar för varje insats)") && swedish.out.contains("Åtgärder av andra aktörer"))
        #expect(swedish.out.contains("överenskommen") && swedish.out.contains("UTKAST"), "one agreed, one draft")
        let json = object(try cli.navet("--json", "sip", "show", plan))
        #expect(json["status"] as? String == "agreed" && json["child_name"] as? String == "Amina <Rahimi>")
        let consentJSON = json["consent"] as? [String: Any] ?? [:]
        #expect(consentJSON["id"] as? String == consent && consentJSON["given_by"] as? String == "child"
                && consentJSON["tags"] as? [String] == ["case"] && consentJSON["state"] as? String == "in_force")
        let shownItems = json["items"] as? [[String: Any]] ?? []
        #expect(shownItems.map { $0["kind"] as? String ?? "" } == ["intervention", "intervention", "measure", "measure", "measure", "measure"])
        #expect(shownItems.first { $0["id"] as? String == items[0] }?["done_at"] is String)
        #expect((json["follow_ups"] as? [[String: Any]])?.first?["text"] as? String == "Gick bra\nFortsätt")
        let byChild = object(try cli.navet("--json", "sip", "show", "--child", child))
        #expect((byChild["plans"] as? [[String: Any]])?.count == 2)
        let listed = array(try cli.navet("--json", "sip", "list", "--child", child))
        #expect(listed.first { $0["id"] as? String == plan }?["open_items"] as? Int == 5)

        // Every display and edit is in the read audit.
        let audit = array(try cli.navet("--json", "audit", "list"))
        let commands = audit.map { $0["command"] as? String ?? "" }
        for command in ["sip create", "sip item add", "sip item done", "sip consent", "sip follow-up", "sip show", "sip list"] {
            #expect(commands.contains(command), "\(command) not logged")
        }
        let shown = audit.last { $0["command"] as? String == "sip show" } ?? [:]
        #expect((shown["fields"] as? [String] ?? []).contains("sip.needs"))
        #expect((shown["records"] as? [String] ?? []).contains(plan))

        // A revoked consent: the plan says so, and rests on a new one once it is attached.
        #expect(try cli.navet("consent", "revoke", consent).code == 0)
        let lapsed = try cli.navet("--lang", "sv", "sip", "show", plan)
        #expect(lapsed.out.contains("gäller inte längre (återkallat)"), "\(lapsed.out)")
        #expect(object(try cli.navet("--json", "sip", "show", plan))["consent_lapsed"] as? Bool == true)
        #expect(object(try cli.navet("--json", "sip", "show", plan))["status"] as? String == "consent_lapsed")
        let listedPlans = try JSONSerialization.jsonObject(with: Data(try cli.navet("--json", "sip", "list").out.utf8)) as? [[String: Any]]
        #expect(listedPlans?.first { $0["id"] as? String == plan }?["status"] as? String == "consent_lapsed")
        // Nothing new is shared under it: items and follow-ups wait for a new consent.
        _ = try refused(["sip", "item", "add", plan, "--kind", "insats", "--what", "Ny insats", "--principal", "BUP Umeå"],
                        says: ["no longer holds (revoked)", "navet sip consent"])
        _ = try refused(["--lang", "sv", "sip", "follow-up", plan, "--date", "2026-11-20", "--text", "Möte"],
                        says: ["inte längre gäller (återkallat)"])
        let renewed = id(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "god man", "--to", "BUP Umeå",
                                       "--tags", "hälsa", "--purpose", "SIP"))
        let attached = try cli.navet("--lang", "sv", "sip", "consent", plan, renewed)
        #expect(attached.code == 0 && attached.err.contains("omfattar inte ärende"), "\(attached.err)")
        #expect(object(try cli.navet("--json", "sip", "show", plan))["consent_lapsed"] as? Bool == false)

        // Without a user: nothing shown or changed (exit 9).
        try refused(["--user", "nobody", "sip", "show", plan], code: 9)
        try refused(["--user", "nobody", "sip", "item", "done", items[1]], code: 9)
    }

    @Test func thePrintablePlanIsSelfContainedEscapedA4AndMarksADraft() throws {
        let (child, consent) = try setUp()
        let plan = id(try cli.navet("--json", "sip", "create", "--child", child,
                                    "--needs", "<script>alert('x')</script> & \"skola\"\nrad två"))
        #expect(try cli.navet("sip", "item", "add", plan, "--kind", "insats", "--what", "<img src=x onerror=y>",
                              "--principal", "BUP Umeå").code == 0)
        let written = try cli.navet("--lang", "sv", "sip", "show", plan, "--html", "plan.html")
        #expect(written.code == 0 && written.out.contains("Skrev 1 plan till plan.html"), "\(written.err)")
        let html = try String(contentsOf: folder.url.appendingPathComponent("plan.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"sv\">") && html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;skola&quot;\nrad två"))
        #expect(html.contains("&lt;img src=x onerror=y&gt;") && html.contains("Amina &lt;Rahimi&gt;"))
        for forbidden in ["<script", "<img", "<link", "src=\"", "http://", "https://", "url(", "@import"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("class=\"draft-mark\">UTKAST<") && html.contains("UTKAST: inget samtycke registrerat. Planen får inte lämna Socialtjänsten Umeå."))
        #expect(html.contains("Samordnad individuell plan (SIP)") && html.contains("Insatser (huvudmannen svarar för varje insats)"))

        let nobody = id(try cli.navet("--json", "child", "add", "--name", "Bilal"))
        try refused(["sip", "show", "--child", nobody, "--html", "empty.html"], says: ["has no plan"])
        #expect(!FileManager.default.fileExists(atPath: folder.path("empty.html")))
        // Never over an existing file without --force, never over the database.
        try refused(["sip", "show", plan, "--html", "plan.html"], code: 5, says: ["already exists"])
        try refused(["sip", "show", plan, "--html", "navet.db", "--force"], code: 5, says: ["is the database given in --db"])
        // Agreed, in English, replacing the file.
        #expect(try cli.navet("sip", "consent", plan, consent).code == 0)
        let english = try cli.navet("sip", "show", "--child", child, "--html", "plan.html", "--force")
        #expect(english.code == 0 && english.out.contains("Wrote 1 plan to plan.html"), "\(english.err)")
        let agreed = try String(contentsOf: folder.url.appendingPathComponent("plan.html"), encoding: .utf8)
        #expect(agreed.contains("<html lang=\"en\">") && agreed.contains("Coordinated individual plan (SIP)"))
        #expect(!agreed.contains("DRAFT") && agreed.contains("agreed (consent recorded)") && agreed.contains("to Åsa skola"))
        let logged = array(try cli.navet("--json", "audit", "list")).filter { $0["command"] as? String == "sip show --html" }
        #expect(logged.count == 2 && (logged.last?["fields"] as? [String] ?? []).contains("sip_item.what"))
    }

    @Test func badInputIsRefusedAndChangesNothing() throws {
        let (child, consent) = try setUp()
        let other = id(try cli.navet("--json", "child", "add", "--name", "Bilal"))
        let otherConsent = id(try cli.navet("--json", "consent", "grant", "--child", other, "--by", "god man", "--to", "BUP Umeå",
                                            "--tags", "case", "--purpose", "x"))
        let revoked = id(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "child", "--to", "BUP Umeå",
                                       "--tags", "case", "--purpose", "y"))
        #expect(try cli.navet("consent", "revoke", revoked).code == 0)
        let plan = id(try cli.navet("--json", "sip", "create", "--child", child, "--needs", "Behov"))
        let item = id(try cli.navet("--json", "sip", "item", "add", plan, "--kind", "insats", "--what", "x", "--principal", "BUP Umeå"))
        #expect(!plan.isEmpty && !item.isEmpty)
        for language in ["en", "sv"] {
            let l = ["--lang", language]
            try refused(l + ["sip", "create", "--child", "zz", "--needs", "x"])
            try refused(l + ["sip", "create", "--child", "0000000000000001", "--needs", "x"])
            try refused(l + ["sip", "create", "--child", child], code: 2)
            try refused(l + ["sip", "create", "--child", child, "--needs", "  "])
            try refused(l + ["sip", "create", "--child", child, "--needs", "x", "--next-follow-up", "2027-02-30"])
            try refused(l + ["sip", "create", "--child", child, "--needs", "x", "--next-follow-up", "2020-01-01"],
                        says: [language == "sv" ? "har redan passerat" : "is in the past"])
            try refused(l + ["sip", "create", "--child", child, "--needs", "x", "--consent", otherConsent],
                        says: [language == "sv" ? "gäller ett annat barn" : "is about another child"])
            try refused(l + ["sip", "create", "--child", child, "--needs", "x", "--consent", revoked],
                        says: [language == "sv" ? "återkallat" : "revoked"])
            try refused(l + ["sip", "create", "--child", child, "--needs", "x", "--consent", child],
                        says: [language == "sv" ? "barn" : "child"])
            try refused(l + ["sip", "item", "add", plan, "--kind", "frukost", "--what", "x", "--principal", "BUP Umeå"],
                        says: [language == "sv" ? "insats eller åtgärd" : "intervention (insats) or measure (åtgärd)"])
            try refused(l + ["sip", "item", "add", item, "--kind", "insats", "--what", "x", "--principal", "BUP Umeå"],
                        says: [language == "sv" ? "punkt i SIP" : "SIP item"])
            try refused(l + ["sip", "item", "add", plan, "--kind", "insats", "--what", "x", "--principal", "BUP Umeå", "--due", "1899-01-01"])
            try refused(l + ["sip", "item", "add", plan, "--kind", "insats", "--what", "x", "--principal", "BUP Umeå", "--due", "31/12/2027"])
            try refused(l + ["sip", "follow-up", plan, "--date", today.description, "--text", "x"],
                        says: [language == "sv" ? "är ett utkast" : "is a draft"])
            try refused(l + ["sip", "consent", plan, otherConsent])
            try refused(l + ["sip", "item", "add", plan, "--kind", "insats", "--what", "x", "--principal", "BUP\u{1B}[2J"])
            try refused(l + ["sip", "create", "--child", child, "--needs", "x", "--participants", "a\nb"])
            try refused(l + ["sip", "item", "add", plan, "--kind", "", "--what", "x", "--principal", "BUP Umeå"])
            try refused(l + ["sip", "show"], code: 2)
            try refused(l + ["sip", "show", plan, "--child", child], code: 2)
            try refused(l + ["sip", "show", "xyz"])
            try refused(l + ["sip", "item", "done", plan])
            try refused(l + ["sip", "list", "--child", "ffff"])
        }
        #expect(try cli.navet("sip", "consent", plan, consent).code == 0)
        try refused(["sip", "follow-up", plan, "--date", String(today.year + 1) + "-01-01", "--text", "x"], says: ["in the future"])
        try refused(["sip", "follow-up", plan, "--date", today.description, "--text", "x", "--next", today.description], says: ["must be after"])
        try refused(["sip", "follow-up", plan, "--date", "2009-01-01", "--text", "x"], says: ["before the child's birth date"])
        #expect(try cli.navet("sip", "item", "done", item).code == 0)
        try refused(["sip", "item", "done", item], says: ["already done"])
        #expect(try cli.navet("sip", "create", "--help").out.contains("DRAFT"))
        #expect(try cli.navet("--lang", "sv", "sip", "item", "add", "--help").out.contains("huvudman"))
    }

    /// A draft stays on its organisation's replicas; once consent is attached the plan
    /// reaches the organisations whose role or consent reads `case`, and not the others.
    @Test func aDraftStaysWithItsOrganisationAndAnAgreedPlanReachesTheHub() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        let orgs = [("Socialtjänsten Umeå", "social_services", "social"), ("HVB Solgården", "residential_home", "hvb"),
                    ("Åsa skola", "school", "school"), ("BUP Umeå", "health", "bup")]
        for (name, kind, file) in orgs {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå").code == 0)
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        // A second replica of social services.
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå", "--out", "social2.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "social2.db", "init", "--enroll", "social2.enroll").code == 0)
        let all = ["social", "social2", "hvb", "school", "bup"]
        let child = id(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Amina Rahimi"))
        for (org, role) in [("HVB Solgården", "kontaktperson"), ("Åsa skola", "mentor"), ("BUP Umeå", "BUP")] {
            #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", org, "--role", role).code == 0)
        }
        for db in all { #expect(try sync(db + ".db") == 0) }
        let plan = id(try cli.navet("--db", "social.db", "--json", "sip", "create", "--child", child, "--needs", "Canary draft needs"))
        #expect(try cli.navet("--db", "social.db", "sip", "item", "add", plan, "--kind", "insats", "--what", "Canary draft item",
                              "--principal", "BUP Umeå").code == 0)
        for db in all { #expect(try sync(db + ".db") == 0) }
        func holds(_ db: String, _ text: String) throws -> Bool {
            try Data(contentsOf: folder.url.appendingPathComponent(db)).range(of: Data(text.utf8)) != nil
        }
        // Another replica of the same organisation has the draft; no other organisation does.
        let home = array(try cli.navet("--db", "social2.db", "--json", "sip", "list"))
        #expect(home.count == 1 && home.first?["status"] as? String == "draft")
        for db in ["hvb", "school", "bup"] {
            #expect(array(try cli.navet("--db", db + ".db", "--json", "sip", "list")).isEmpty, "\(db)")
            #expect(try !holds(db + ".db", "Canary draft"), "\(db) holds the draft")
        }
        // Meanwhile the other replica of social services adds an item to the draft: a draft too.
        #expect(try cli.navet("--db", "social2.db", "sip", "item", "add", plan, "--kind", "åtgärd", "--what", "Canary late item",
                              "--principal", "Röda Korset").code == 0)
        // Consent from the child to the school (case), attached: the plan is agreed.
        let consent = id(try cli.navet("--db", "social.db", "--json", "consent", "grant", "--child", child, "--by", "barnet",
                                       "--to", "Åsa skola", "--tags", "case", "--purpose", "SIP-möte"))
        #expect(try cli.navet("--db", "social.db", "sip", "consent", plan, consent).code == 0)
        for db in all { #expect(try sync(db + ".db") == 0) }
        // The contact person (its role reads case) and the school (by consent) receive it; BUP does not.
        for db in ["hvb", "school", "social2"] {
            let shown = object(try cli.navet("--db", db + ".db", "--json", "sip", "show", plan))
            #expect(shown["status"] as? String == "agreed" && shown["needs"] as? String == "Canary draft needs", "\(db): \(shown)")
            let items = shown["items"] as? [[String: Any]] ?? []
            #expect(items.first?["what"] as? String == "Canary draft item" && items.first?["draft"] as? Bool == false, "\(db)")
            #expect(items.count == (db == "social2" ? 2 : 1), "\(db): \(items)")
        }
        // The late item is still a draft: marked, not shared, until consent is given again.
        #expect(try !holds("hvb.db", "Canary late item"))
        #expect(try cli.navet("--db", "social2.db", "sip", "show", plan).out.contains("DRAFT: not shared"))
        #expect(try cli.navet("--db", "social2.db", "sip", "consent", plan, consent).code == 0)
        #expect(try cli.navet("--db", "social2.db", "sip", "consent", plan, consent).code == 3, "nothing left to share")
        #expect(try sync("social2.db") == 0)
        #expect(try sync("hvb.db") == 0)
        #expect(try holds("hvb.db", "Canary late item"))
        #expect(try holds("hvb.db", "Canary draft needs"), "the check above looks for the right bytes")
        #expect(array(try cli.navet("--db", "bup.db", "--json", "sip", "list")).isEmpty)
        #expect(try !holds("bup.db", "Canary draft"))
        // The contact person writes case: it adds an item. The school reads case by consent
        // but does not write it: refused up front, nothing changed.
        #expect(try cli.navet("--db", "hvb.db", "sip", "item", "add", plan, "--kind", "åtgärd", "--what", "Läxhjälp",
                              "--principal", "HVB Solgården").code == 0)
        let before = try dump("school.db")
        let refusedItem = try cli.navet("--db", "school.db", "sip", "item", "add", plan, "--kind", "åtgärd", "--what", "x",
                                        "--principal", "Åsa skola")
        #expect(refusedItem.code == 2, "\(refusedItem.err)")
        let refusedFollowUp = try cli.navet("--db", "school.db", "sip", "follow-up", plan, "--date", today.description, "--text", "x")
        #expect(refusedFollowUp.code == 2, "\(refusedFollowUp.err)")
        #expect(try dump("school.db") == before)
        #expect(try sync("hvb.db") == 0)
        #expect(try sync("social.db") == 0)
        let items = object(try cli.navet("--db", "social.db", "--json", "sip", "show", plan))["items"] as? [[String: Any]] ?? []
        #expect(items.count == 3 && items.allSatisfy { $0["draft"] as? Bool == false }, "\(items)")
    }
}
