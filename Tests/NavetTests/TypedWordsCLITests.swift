import Foundation
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// What a new user types, through the real binaries (issue 12's trial): words and names
/// typed without å, ä and ö, duplicates in the hub and among consents, a hub not shared,
/// what `policy explain` says an organisation may write, and the wording of refusals.
@Suite struct TypedWordsCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-typed")

    func dump(_ db: String = "navet.db") throws -> String { try SQLite3Tool.run(folder.path(db), ".dump") }

    /// A replica whose directory names it "Socialtjänsten Umeå" beside `others`, with one child (returned).
    func replica(_ others: [String] = ["BUP Umeå", "HVB Solgården", "Röda Korset", "Ärla skola", "Arla skola"]) throws -> String {
        #expect(try cli.navet("init").code == 0)
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        let entries = (["Socialtjänsten Umeå"] + others).enumerated().map { index, name in
            OriginName(replica: index == 0 ? store.replicaID : ReplicaID(rawValue: UInt64(0x1000 + index)), organisation: name, kind: nil)
        }
        try store.replaceDirectory(entries, now: 1)
        return object(try cli.navet("--json", "child", "add", "--name", "Amina Rahimi"))["id"] as? String ?? ""
    }

    /// Expects a refusal (exit `code`, nothing on standard output, the file unchanged) whose
    /// message holds every part of `says` and none of `never`.
    @discardableResult
    func refused(_ arguments: [String], code: Int32 = 3, says: [String], never: [String] = [],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let before = try dump()
        let result = try cli.run("navet", arguments)
        #expect(result.code == code && result.out.isEmpty, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
        for part in says { #expect(result.err.contains(part), "'\(part)' not in \(result.err)", sourceLocation: sourceLocation) }
        for part in never { #expect(!result.err.contains(part), "'\(part)' in \(result.err)", sourceLocation: sourceLocation) }
        #expect(try dump() == before, "\(arguments) changed the file", sourceLocation: sourceLocation)
        return result.err
    }

    /// Arabic-script names are found as keyboards and copies differ: hamza on alef or not,
    /// Arabic or Persian yeh and kaf, teh marbuta or heh, vowel marks and tatweel; a Latin
    /// letter with a mark typed on purpose finds only that letter.
    @Test func aSearchFindsArabicScriptVariantsAndKeepsChosenAccents() {
        let pairs: [(name: String, typed: String)] = [
            ("\u{0623}\u{062D}\u{0645}\u{062F}", "\u{0627}\u{062D}\u{0645}\u{062F}"),        // أحمد by احمد
            ("\u{0625}\u{0628}\u{0631}\u{0627}\u{0647}\u{064A}\u{0645}", "\u{0627}\u{0628}\u{0631}\u{0627}\u{0647}\u{06CC}\u{0645}"),  // إبراهيم by ابراهیم
            ("\u{0639}\u{0644}\u{06CC}", "\u{0639}\u{0644}\u{064A}"),                          // علی by علي
            ("\u{06A9}\u{0631}\u{06CC}\u{0645}\u{06CC}", "\u{0643}\u{0631}\u{064A}\u{0645}\u{064A}"),  // کریمی by كريمي
            ("\u{0641}\u{0627}\u{0637}\u{0645}\u{0629}", "\u{0641}\u{0627}\u{0637}\u{0645}\u{0647}"),  // فاطمة by فاطمه
            ("\u{0645}\u{064F}\u{062D}\u{064E}\u{0645}\u{0651}\u{064E}\u{062F}", "\u{0645}\u{062D}\u{0645}\u{062F}"),  // مُحَمَّد by محمد
            ("\u{0645}\u{062D}\u{0640}\u{0645}\u{062F}", "\u{0645}\u{062D}\u{0645}\u{062F}"),  // tatweel
        ]
        for (name, typed) in pairs {
            let filter = TextRules.Filter(typed)
            #expect(filter?.exact == false && filter?.matches(name) == true, "\(typed) in \(name)")
            // And the other way round.
            #expect(TextRules.Filter(name)?.matches(typed) == true, "\(name) in \(typed)")
        }
        #expect(TextRules.Filter("ö")?.matches("Bo") == false)
        #expect(TextRules.Filter("ö")?.matches("Öberg") == true)
        #expect(TextRules.Filter("o")?.matches("Öberg") == true)
        #expect(TextRules.Filter("ß")?.matches("Strasse") == false)
        #expect(TextRules.Filter("ss")?.matches("Straße") == true)
        #expect(TextRules.Filter("   ") == nil)
    }

    /// Persian and Dari names keep the zero-width non-joiner (U+200C); a search typed
    /// without it finds any part of the name, in Latin and in Arabic script.
    @Test func aSearchFindsNamesWithZeroWidthJoiners() {
        #expect(TextRules.foldKey("Mohammad\u{200C}Reza") == "mohammadreza")
        for typed in ["mohammad", "hammad", "reza", "MohammadReza", "dreza"] {
            #expect(TextRules.foldedContains("Mohammad\u{200C}Reza", TextRules.foldKey(typed)), "\(typed)")
        }
        let arabic = "\u{0639}\u{0644}\u{06CC}\u{200C}\u{0631}\u{0636}\u{0627} \u{0627}\u{062D}\u{0645}\u{062F}\u{06CC}"
        #expect(TextRules.foldedContains(arabic, TextRules.foldKey("\u{0639}\u{0644}\u{06CC}")))
        #expect(TextRules.foldedContains(arabic, TextRules.foldKey("\u{0631}\u{0636}\u{0627}")))
        #expect(TextRules.foldedContains("Åsa Öberg", TextRules.foldKey("asa ob")))
        #expect(TextRules.foldedContains("Åsa Öberg", TextRules.foldKey("ÖBERG")))
        #expect(!TextRules.foldedContains("Åsa Öberg", TextRules.foldKey("berga")))
        #expect(!TextRules.foldedContains("", TextRules.foldKey("a")))
    }

    @Test func childListFindsANameWithAZeroWidthNonJoiner() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navet("child", "add", "--name", "Mohammad\u{200C}Reza Karimi").code == 0)
        #expect(try cli.navet("child", "add", "--name", "Amina Rahimi").code == 0)
        for typed in ["mohammad", "hammad", "reza", "MOHAMMADREZA"] {
            let listed = try cli.navet("child", "list", "--name", typed)
            #expect(listed.code == 0 && listed.out.contains("Karimi") && !listed.out.contains("Amina"), "\(typed): \(listed.out)")
        }
    }

    @Test func foldingDropsAccentsAndAnExactMatchWins() {
        #expect(TextRules.foldKey("BUP Umeå") == "bup umea")
        #expect(TextRules.foldKey("Hälso- och  SJUKVÅRD") == "halso och sjukvard")
        #expect(TextRules.foldKey("Ö\u{0308}rebro Ærø") == "orebro aro")
        // Letters without a decomposition, ligatures and full-width letters, as typed on a
        // keyboard without them.
        #expect(TextRules.foldKey("Yılmaz") == "yilmaz")
        #expect(TextRules.foldKey("Đorđe Łukasz") == "dorde lukasz")
        #expect(TextRules.foldKey("ﬁona") == "fiona")
        #expect(TextRules.foldKey("Œdipe Straße Þóra") == "oedipe strasse thora")
        #expect(TextRules.foldKey("ＡＭＩＮＡ") == "amina")
        #expect(TextRules.foldedContains("Yılmaz Đorđević", TextRules.foldKey("yilmaz dord")))
        let names: [(value: String, words: [String])] = [("Ärla skola", ["Ärla skola"]), ("Arla skola", ["Arla skola"]),
                                                         ("BUP Umeå", ["BUP Umeå"])]
        #expect(TextRules.match("arla skola", among: names, key: TextRules.nameKey).value == "Arla skola")
        #expect(TextRules.match("ÄRLA skola", among: names, key: TextRules.nameKey).value == "Ärla skola")
        #expect(TextRules.match("Årla skola", among: names, key: TextRules.nameKey).candidates == ["Ärla skola", "Arla skola"])
        if case .folded(let name) = TextRules.match("bup umea", among: names, key: TextRules.nameKey) {
            #expect(name == "BUP Umeå")
        } else {
            Issue.record("bup umea should fold to BUP Umeå")
        }
        #expect(TextRules.match("", among: names).value == nil)
        #expect(TextRules.match("BUP", among: names).value == nil)
    }

    @Test func wordsAndNamesTypedWithoutSwedishLettersMatchWhenUnique() throws {
        let child = try replica()
        // Organisation, role, tags, giver, note kind, tag and field, all without å, ä, ö.
        let member = try cli.navet("--json", "hub", "add", "--child", child, "--org", "HVB Solgarden", "--role", "kontaktperson")
        #expect(member.code == 0 && object(member)["organisation"] as? String == "HVB Solgården", "\(member.err)")
        let health = try cli.navet("--json", "hub", "add", "--child", child, "--org", "bup umea", "--role", "halsa")
        #expect(object(health)["organisation"] as? String == "BUP Umeå" && object(health)["role"] as? String == "health",
                "\(health.err)")
        let volunteer = try cli.navet("--json", "hub", "add", "--child", child, "--org", "roda korset", "--role", "volontar")
        #expect(object(volunteer)["role"] as? String == "volunteer", "\(volunteer.err)")
        let consent = try cli.navet("--json", "consent", "grant", "--child", child, "--by", "god man", "--to", "BUP Umea",
                                    "--tags", "halsa,arende", "--purpose", "Vård")
        #expect(consent.code == 0, "\(consent.err)")
        #expect(object(consent)["organisation"] as? String == "BUP Umeå" && object(consent)["tags"] as? [String] == ["case", "health"])
        let note = try cli.navet("--json", "note", "add", "--child", child, "--kind", "skolfranvaro", "--text", "Borta", "--tag", "arende")
        #expect(note.code == 0, "\(note.err)")
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT value FROM cells WHERE record_type = 'note' AND field = 'kind'")
                .contains("school_absence"))
        #expect(try cli.navet("child", "set", child, "fodelsedatum", "2010-03-14").code == 0)
        #expect(try cli.navet("--json", "child", "show", child).out.contains("2010-03-14"))

        // Exact wins: "Arla skola" is itself, although "Ärla skola" folds to it too.
        let exact = try cli.navet("--json", "hub", "add", "--child", child, "--org", "arla SKOLA", "--role", "mentor")
        #expect(object(exact)["organisation"] as? String == "Arla skola", "\(exact.err)")
        // Part of a name: did you mean it.
        try refused(["hub", "add", "--child", child, "--org", "Solgarden", "--role", "mentor"],
                    says: ["'Solgarden' is not an organisation in the directory", "Did you mean 'HVB Solgården'?"])
        try refused(["--lang", "sv", "hub", "add", "--child", child, "--org", "solgården", "--role", "mentor"],
                    says: ["Menade du 'HVB Solgården'?"])
        // Neither exact nor unique: did you mean, in both languages, with both candidates.
        try refused(["hub", "add", "--child", child, "--org", "Årla skola", "--role", "mentor"],
                    says: ["--org: 'Årla skola' matches more than one when å, ä and ö are read as a and o. Did you mean",
                           "'Arla skola'", " or ", "'Ärla skola'"])
        try refused(["--lang", "sv", "consent", "grant", "--child", child, "--by", "barnet", "--to", "Årla skola",
                     "--tags", "basic", "--purpose", "x"],
                    says: ["--to: 'Årla skola' stämmer med flera när å, ä och ö läses som a och o. Menade du", " eller "])
    }

    @Test func duplicateMembershipsAndConsentsAreNamed() throws {
        let child = try replica()
        let first = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "BUP",
                                         "--from", "2025-02-01"))["id"] as? String ?? ""
        // The same role again (planned, or typed otherwise): refused, naming the membership.
        try refused(["hub", "add", "--child", child, "--org", "bup umea", "--role", "health"],
                    says: ["BUP Umeå is already in child \(child)'s hub as health care: membership \(first), from 2025-02-01",
                           "Nothing was changed"])
        try refused(["--lang", "sv", "hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "vården", "--from", HubCommandTests.later("01-01")],
                    says: ["BUP Umeå ingår redan i navet kring barnet \(child) som hälso- och sjukvård: medlemskapet \(first), från 2025-02-01"])
        // Another role: allowed, with a warning naming the first.
        let other = try cli.navet("--lang", "sv", "hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "kontaktperson")
        #expect(other.code == 0 && other.err.contains("varning: BUP Umeå ingår också i navet som hälso- och sjukvård (medlemskapet \(first), från 2025-02-01)"),
                "\(other.err)")
        // Once the first has ended, the same role may start again.
        #expect(try cli.navet("hub", "end", first, "--on", "2025-06-30").code == 0)
        let again = try cli.navet("hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "health")
        #expect(again.code == 0 && again.err.contains("BUP Umeå is also in the hub as contact person"), "\(again.err)")

        // An identical consent in force: a warning naming it (the same tags in any order).
        let grant = ["consent", "grant", "--child", child, "--by", "barnet", "--to", "Röda Korset", "--purpose", "Kontakt", "--tags"]
        let consent = object(try cli.run("navet", ["--json"] + grant + ["basic,health"]))["id"] as? String ?? ""
        let same = try cli.run("navet", grant + ["hälsa,grunduppgifter"])
        #expect(same.code == 0 && same.err.contains("warning: consent \(consent) to Röda Korset for the same confidentiality tags is already in force (until revoked)"),
                "\(same.err)")
        let swedish = try cli.run("navet", ["--lang", "sv"] + grant + ["basic,health"])
        #expect(swedish.err.contains("varning: samtycket \(consent) till Röda Korset för samma sekretessklasser gäller redan (tills det återkallas)"),
                "\(swedish.err)")
        // Other tags: no such warning.
        #expect(try cli.run("navet", grant + ["basic"]).err.isEmpty)
    }

    @Test func aHubNotSharedIsSaidSo() throws {
        let child = try replica()
        #expect(try cli.navet("hub", "list", "--child", child).out.contains("No other organisations in this child's hub."))
        // The central store's permissions name no child, and it has acknowledged this one.
        try ReplicaStore.open(path: folder.path("navet.db")).replacePermissions([])
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT OR REPLACE INTO meta(key, value) VALUES ('acked_seq', 1000000)")
        let english = try cli.navet("hub", "list", "--child", child)
        #expect(english.out.contains("The child's hub is not shared with your organisation") && !english.out.contains("No other"),
                "\(english.out)")
        #expect(try cli.navet("--lang", "sv", "hub", "list", "--child", child).out
                    .contains("Navet kring barnet delas inte med din organisation"))
        #expect(try cli.navet("consent", "list", "--child", child).out.contains("this replica cannot see the child's consents"))
    }

    @Test func aRefusedWriteSaysItsOwnInternalValuesMayBeWritten() throws {
        let child = try replica()
        // A volunteer in the hub: reads the basic tag, writes no shared tag.
        try ReplicaStore.open(path: folder.path("navet.db")).replacePermissions(
            [ChildPermission(child: RecordID(hex: child)!, read: [.basic], write: [], roles: [.volunteer])])
        try refused(["child", "set", child, "asylum-status", "granted"],
                    code: 2, says: ["It may write: internal (its own, which no other organisation reads)"], never: ["nothing"])
        try refused(["--lang", "sv", "child", "set", child, "asylum-status", "granted"],
                    code: 2, says: ["Den får skriva: intern (egna uppgifter, som ingen annan organisation läser)"])
    }

    /// A case number's letters are A–Z: the refusal says so, in both languages, and does
    /// not promise the Swedish letters it refuses.
    @Test func aCaseNumberRefusalNamesTheLettersItTakes() throws {
        let child = try replica()
        try refused(["child", "set", child, "dossier-number", "ÅÄÖ-123"],
                    says: ["A–Z", "0–9", "no Å, Ä, Ö"])
        try refused(["--lang", "sv", "child", "set", child, "dossier-number", "12 34"],
                    says: ["A–Z", "0–9", "inte Å, Ä, Ö eller mellanslag"])
        #expect(try cli.navet("child", "set", child, "dossier-number", "UT-2026-1234").code == 0)
    }

    @Test func messagesNameTheOptionOnceAndTheRealLimits() throws {
        let child = try replica()
        try refused(["hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "BUP", "--from", "2026-02-30"],
                    says: ["--from: the day 2026-02-30 does not exist"], never: ["first day", "--from: --from"])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health",
                     "--purpose", "x", "--until", "31/12/2199"],
                    says: ["--until must be a date written YYYY-MM-DD"], never: ["valid through", "--until:"])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health",
                     "--until", "3000-01-01", "--purpose", "x"],
                    says: ["--until: 3000-01-01 is outside the years Navet accepts (1900 to 2200)"])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health", "--purpose", " "],
                    says: ["The value of --purpose is empty."])
        try refused(["--lang", "sv", "consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health",
                     "--purpose", ""], says: ["Värdet för --purpose är tomt."])
        try refused(["hub", "add", "--child", child, "--org", "", "--role", "BUP"], says: ["--org: the organisation's name is empty."])
        try refused(["--lang", "sv", "hub", "add", "--child", child, "--org", " ", "--role", "BUP"],
                    says: ["--org: organisationens namn är tomt."])
        try refused(["note", "add", "--child", child, "--kind", "samtal", "--text", ""], says: ["The value of --text is empty."])
        // The audit's --since names the same years as every date.
        let since = try cli.navet("audit", "list", "--since", "2201-01-01")
        #expect(since.err.contains("outside the years Navet accepts (1900 to 2200)"), "\(since.err)")
        // verify says confidentiality tag, like everything else.
        let help = try cli.navet("verify", "--help").out
        #expect(help.contains("confidentiality tag") && !help.contains("sensitivity"), "\(help)")
    }

    @Test func theCentralStoreMatchesNamesAndKindsAsTyped() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        let add = { (name: String, kind: String) throws -> CLIRunner.Result in
            try self.cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå")
        }
        #expect(try add("Socialtjänsten Umeå", "socialtjanst").code == 0)
        #expect(try add("BUP Umeå", "halso- och sjukvard").code == 0)
        let volunteer = try add("Röda Korset", "frivillig")
        #expect(volunteer.code == 0 && volunteer.out.contains("volunteer organisation"), "\(volunteer.err)")
        #expect(try add("Rädda Barnen", "volontar").code == 0)
        // The same name in another case or without å, ä, ö: refused, naming the registered one.
        let before = try dump("central.db")
        let twin = try add("bup umea", "health")
        #expect(twin.code != 0 && twin.err.contains("An organisation named BUP Umeå already exists"), "\(twin.err)")
        #expect(try dump("central.db") == before)
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "org", "add", "--name", "RODA KORSET", "--kind", "frivillig",
                                     "--municipality", "Umeå")
        #expect(swedish.err.contains("Det finns redan en organisation som heter Röda Korset"), "\(swedish.err)")

        // Enroll and explain by a name typed without å, ä, ö; an empty name is named as empty.
        for (org, file) in [("socialtjansten umea", "social.enroll"), ("Roda Korset", "red.enroll")] {
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", org, "--out", file,
                                   "--url", "http://127.0.0.1:9").code == 0)
        }
        #expect(try cli.navet("--db", "social.db", "init", "--enroll", "social.enroll").code == 0)
        let child = object(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Amina Rahimi"))["id"] as? String ?? ""
        #expect(try sync("social.db") == 0)
        // A volunteer organisation as police: a membership no rule gives anything.
        let police = object(try cli.navet("--db", "social.db", "--json", "hub", "add", "--child", child, "--org", "Roda Korset",
                                          "--role", "polis", "--from", "2025-01-01"))["id"] as? String ?? ""
        #expect(!police.isEmpty)
        #expect(try sync("social.db") == 0)
        let idle = try cli.navetd("--db", "central.db", "policy", "explain", "--org", "roda korset", "--child", child)
        #expect(idle.code == 0 && idle.out.contains(
            "Hub membership \(police) (role police, from 2025-01-01) gives nothing: no rule of the policy gives the role police to organisations of the kind volunteer organisation."),
                "\(idle.out)\(idle.err)")
        #expect(idle.out.contains("It may write: nothing."), "\(idle.out)")
        let idleSwedish = try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "explain", "--org", "Röda Korset", "--child", child)
        #expect(idleSwedish.out.contains("Medlemskapet i navet \(police) (rollen polis, från 2025-01-01) ger ingenting: ingen regel i policyn ger rollen polis till organisationer av typen frivilligorganisation."),
                "\(idleSwedish.out)")
        // As a volunteer it may write its own internal notes: said so.
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Röda Korset", "--role", "volontär").code == 0)
        #expect(try sync("social.db") == 0)
        let json = object(try cli.navetd("--db", "central.db", "--json", "policy", "explain", "--org", "Röda Korset", "--child", child))
        #expect((json["writes"] as? [String])?.contains("internal") == true, "\(json)")
        #expect((json["memberships_without_rule"] as? [[String: Any]])?.first?["id"] as? String == police)
        let english = try cli.navetd("--db", "central.db", "policy", "explain", "--org", "Röda Korset", "--child", child)
        #expect(english.out.contains("It may write: ") && english.out.contains("internal (its own, which no other organisation reads)"),
                "\(english.out)")
        #expect(!english.out.contains("It may write: nothing"))
        #expect(try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "explain", "--org", "Röda Korset", "--child", child)
                    .out.contains("intern (egna uppgifter, som ingen annan organisation läser)"))

        #expect(try cli.navetd("--db", "central.db", "policy", "explain", "--org", "korset", "--child", child).err
                    .contains("Did you mean 'Röda Korset'?"))
        let empty = try cli.navetd("--db", "central.db", "policy", "explain", "--org", "", "--child", child)
        #expect(empty.code == 3 && empty.err.contains("--org: the organisation's name is empty.") && !empty.err.contains("is called ."),
                "\(empty.err)")
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "", "--out", "x.enroll").err
                    .contains("--org: the organisation's name is empty."))
    }

    @Test func aRevokedEnrollmentIsCalledRevoked() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Solgården", "--kind", "HVB",
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Solgarden",
                               "--out", "home.enroll", "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("init", "--enroll", "home.enroll").code == 0)
        // The central store refused the last sync as revoked (as an HTTP sync records it).
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT OR REPLACE INTO meta(key, value) VALUES ('last_refusal', 'revoked_replica')")
        try refused(["enroll", "home.enroll"], says: ["whose enrollment the central store revoked", "home.enroll is that same revoked enrollment",
                                                      "Ask the support office for a new enrollment file"],
                    never: ["second live copy"])
        try refused(["--lang", "sv", "enroll", "home.enroll"], says: ["vars registrering centrallagret har spärrat"])
        // A new enrollment file from the support office is the way on.
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Solgården", "--out", "new.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        let renewed = try cli.navet("enroll", "new.enroll")
        #expect(renewed.code == 0, "\(renewed.err)")
    }
}
