import Foundation
@testable import NavetCommands
import NavetCore
import NavetPolicy
import NavetTestSupport
import Testing

/// The words the CLI uses, through the real binaries (found by a trial user): command
/// groups list their own commands, a value given but empty is called empty, a repeated
/// option is refused, a date that does not exist is named so, a mistyped role gets a
/// "did you mean", an item without a due date says so; both languages.
@Suite struct WordsCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-words")

    func dump(_ db: String = "a.db") throws -> String { try SQLite3Tool.run(folder.path(db), ".dump") }
    func id(_ result: CLIRunner.Result) -> String { object(result)["id"] as? String ?? "" }

    /// Refused with `code`, saying each of `says`, printing nothing on stdout, changing nothing.
    func refused(_ arguments: [String], code: Int32, says: [String], db: String = "a.db",
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectRefused(arguments, db: db, code: code, says: says, sourceLocation: sourceLocation)
    }

    func child() throws -> String {
        try socialServicesReplica()
        let child = id(try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Amina Rahimi", "--birth-date", "2010-03-01"))
        #expect(!child.isEmpty)
        return child
    }

    /// An unknown --lang is refused in the environment's language.
    @Test func anUnknownLanguageIsRefusedInTheEnvironmentsLanguage() throws {
        var swedish = cli
        swedish.environment["LANG"] = "sv_SE.UTF-8"
        let refused = try swedish.navet("--lang", "xx", "status")
        #expect(refused.code == 2 && refused.err.contains("Okänt språk 'xx'"), "\(refused.err)")
        var english = cli
        english.environment["LANG"] = "C"
        #expect(try english.navet("--lang", "xx", "status").err.contains("Unknown language 'xx'"))
    }

    /// A value that starts with a dash ("-1") is read as an option; the refusal says how
    /// to give it as a value, and with "--" it is one.
    @Test func aValueStartingWithADashIsExplained() throws {
        let child = try child()
        try refused(["child", "set", child, "dossier-number", "-1"], code: 2, says: ["Unknown option '-1'", "put -- before it"])
        try refused(["--lang", "sv", "child", "set", child, "dossier-number", "-1"], code: 2, says: ["skriv -- före det"])
        try refused(["child", "list", "-x"], code: 2, says: ["Unknown option '-x'."])
        #expect(try !cli.navet("--db", "a.db", "child", "list", "-x").err.contains("put --"))
        #expect(try cli.navet("--db", "a.db", "child", "set", child, "dossier-number", "--", "-1").code == 0)
    }

    @Test func everyCommandGroupListsItsOwnCommands() throws {
        for (language, heading, needs) in [("en", "The commands of 'navet sip item':", "'sip item' needs one of its commands: sip item add, sip item done."),
                                           ("sv", "Kommandona i 'navet sip item':", "'sip item' behöver ett av sina kommandon: sip item add, sip item done.")] {
            let help = try cli.navet("--lang", language, "sip", "item", "--help")
            #expect(help.code == 0 && help.out.hasPrefix(heading), "\(help.out)")
            #expect(help.out.contains("sip item add") && help.out.contains("sip item done") && !help.out.contains("sip create"), "\(help.out)")
            #expect(help.out.contains(language == "sv" ? "Användning: navet sip item <kommando>" : "Usage: navet sip item <command>"))
            let alone = try cli.navet("--lang", language, "sip", "item")
            #expect(alone.code == 2 && alone.err.contains(needs) && alone.err.contains("'navet sip item --help'"), "\(alone.err)")
            #expect(!alone.err.contains("Unknown command") && !alone.err.contains("Okänt kommando"), "\(alone.err)")
        }
        let sip = try cli.navet("sip", "--help").out
        #expect(sip.hasPrefix("The commands of 'navet sip':") && sip.contains("sip follow-up") && !sip.contains("child add"), "\(sip)")
        let missing = try cli.navet("missing", "--help").out
        #expect(missing.hasPrefix("The commands of 'navet missing':") && missing.contains("missing report") && !missing.contains("sip create"))
        let org = try cli.navetd("--lang", "sv", "org", "--help").out
        #expect(org.hasPrefix("Kommandona i 'navetd org':") && org.contains("org add") && !org.contains("replica enroll"), "\(org)")
        let typo = try cli.navet("sip", "item", "frob")
        #expect(typo.code == 2 && typo.err.contains("Unknown command 'sip item frob'. The 'sip item' commands are: sip item add, sip item done."),
                "\(typo.err)")
        // A command's own help is unchanged; the overview is still the overview.
        #expect(try cli.navet("sip", "item", "add", "--help").out.contains("Usage: navet sip item add"))
        #expect(try cli.navet("--help").out.hasPrefix("navet: the local replica"))
    }

    @Test func aValueGivenButEmptyIsCalledEmpty() throws {
        let child = try child()
        for (language, empty) in [("en", "The value of {0} is empty."), ("sv", "Värdet för {0} är tomt.")] {
            let says = { (option: String) in empty.replacingOccurrences(of: "{0}", with: option) }
            try refused(["--lang", language, "note", "add", "--child", child, "--kind", "samtal", "--text", ""], code: 3, says: [says("--text")])
            try refused(["--lang", language, "note", "add", "--child", child, "--kind", "samtal", "--text", "  "], code: 3, says: [says("--text")])
            try refused(["--lang", language, "missing", "report", "--child", child, "--last-seen-at", "2026-01-01 10:00",
                         "--last-seen-place", ""], code: 3, says: [says("--last-seen-place")])
            try refused(["--lang", language, "--user", "", "child", "list"], code: 3, says: [says("--user")])
            try refused(["--lang", language, "child", "list", "--user", ""], code: 3, says: [says("--user")])
            try refused(["--lang", language, "audit", "list", "--user", " "], code: 3, says: [says("--user")])
            try refused(["--lang", language, "user", "add", "bo", "--name", ""], code: 3, says: [says("--name")])
            try refused(["--lang", language, "user", "disable", ""], code: 3, says: [says(language == "sv" ? "NAMN" : "NAME")])
            try refused(["--lang", language, "missing", "police-notified", "x", "--at", "2026-11-30 10:00", "--reference", ""],
                        code: 3, says: [says("--reference")])
            // Not given at all is still a missing option.
            try refused(["--lang", language, "note", "add", "--child", child, "--kind", "samtal"], code: 2, says: ["--text"])
        }
    }

    @Test func aRepeatedOptionIsRefused() throws {
        _ = try child()
        for (language, twice) in [("en", "The option {0} is given twice."), ("sv", "Alternativet {0} anges två gånger.")] {
            for (arguments, option) in [(["--db", "b.db", "child", "list"], "--db"),
                                        (["child", "list", "--db", "b.db"], "--db"),
                                        (["--lang", language, "child", "list"], "--lang"),
                                        (["--user", "root", "--user", "root", "child", "list"], "--user"),
                                        (["--user", "root", "child", "list", "--user", "root"], "--user"),
                                        (["note", "list", "--child", "x", "--child", "y"], "--child")] {
                let result = try cli.run("navet", ["--lang", language, "--db", "a.db"] + arguments)
                #expect(result.code == 2 && result.err.contains(twice.replacingOccurrences(of: "{0}", with: option)),
                        "\(arguments): \(result.err)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("b.db")))
        // Options given once each still work, before and after the command.
        #expect(try cli.navet("--db", "a.db", "child", "list", "--lang", "sv").code == 0)
    }

    @Test func aDayThatDoesNotExistIsNamedSoByEveryDateOption() throws {
        let child = try child()
        for (language, noDay, range) in [("en", "--since: the day 2026-02-30 does not exist", "--since: 2201-01-01 is outside the years Navet accepts"),
                                         ("sv", "--since: dagen 2026-02-30 finns inte", "--since: 2201-01-01 ligger utanför de år Navet tar emot")] {
            try refused(["--lang", language, "audit", "list", "--since", "2026-02-30"], code: 3, says: [noDay])
            try refused(["--lang", language, "audit", "list", "--since", "2201-01-01"], code: 3, says: [range])
            try refused(["--lang", language, "note", "add", "--child", child, "--kind", "samtal", "--text", "x", "--date", "2026-02-30"],
                        code: 3, says: [noDay.replacingOccurrences(of: "--since", with: "--date")])
        }
        #expect(try cli.navetd("--db", "central.db", "audit", "prune", "--before", "2026-02-30").err
            .contains("--before: the day 2026-02-30 does not exist"))
    }

    @Test func aMistypedRoleOrKindGetsADidYouMean() throws {
        let child = try child()
        try refused(["hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "kontakperson"], code: 3,
                    says: ["'kontakperson' is not a hub role.", "Did you mean 'contact person'?"])
        try refused(["--lang", "sv", "hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "socialsekretrare"], code: 3,
                    says: ["Menade du 'socialsekreterare'?"])
        let kind = try cli.navetd("--db", "central.db", "--lang", "sv", "org", "add", "--name", "Skolan", "--kind", "skolla",
                                  "--municipality", "Umeå")
        #expect(kind.code == 3 && kind.err.contains("Menade du 'skola'?"), "\(kind.err)")
        try refused(["--lang", "sv", "note", "add", "--child", child, "--kind", "samtal", "--text", "x", "--tag", "halsa2"], code: 3,
                    says: ["Menade du 'hälsa'?"])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "helth", "--purpose", "x"],
                    code: 3, says: ["Did you mean 'health'?"])
        try refused(["--lang", "sv", "decision", "add", "--child", child, "--kind", "asylbeslt", "--outcome", "avslag", "--date", "2026-01-02"],
                    code: 3, says: ["Menade du 'asylbeslut'?"])
        // Nothing near: no guess.
        let far = try cli.run("navet", ["--db", "a.db", "hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "borgmästare"])
        #expect(far.code == 3 && !far.err.contains("Did you mean"), "\(far.err)")
    }

    @Test func anItemWithoutADueDateSaysSo() throws {
        let child = try child()
        let plan = id(try cli.navet("--db", "a.db", "--json", "sip", "create", "--child", child, "--needs", "Skolgång"))
        #expect(!plan.isEmpty)
        for (language, wanted) in [("en", "Socialtjänsten Umeå, no due date."), ("sv", "Socialtjänsten Umeå, inget datum för när den ska vara klar.")] {
            let added = try cli.navet("--db", "a.db", "--lang", language, "sip", "item", "add", plan, "--kind", "insats",
                                      "--what", "Läxhjälp", "--principal", "Socialtjänsten Umeå")
            #expect(added.code == 0 && added.out.contains(wanted) && !added.out.contains("–."), "\(added.out) \(added.err)")
        }
        let nextYear = String(Calendar(identifier: .gregorian).component(.year, from: Date()) + 1) + "-03-15"
        let due = try cli.navet("--db", "a.db", "--lang", "sv", "sip", "item", "add", plan, "--kind", "insats",
                                "--what", "Läxhjälp", "--principal", "Socialtjänsten Umeå", "--due", nextYear)
        #expect(due.out.contains("Socialtjänsten Umeå, klart senast \(nextYear)."), "\(due.out) \(due.err)")
    }

    // MARK: Swedish words for codes in text output

    @Test func swedishTextShowsWordsNotCodesForAlertsAndTheChecklist() throws {
        let child = try child()
        let reported = try cli.navet("--db", "a.db", "--lang", "sv", "missing", "report", "--child", child,
                                     "--last-seen-at", "2026-11-30 10:00", "--last-seen-place", "Skolan", "--contact-phone", "090-123 45")
        #expect(reported.code == 0, "\(reported.err)")
        #expect(reported.out.contains("1. [ ] Utse vem som ansvarar för ärendet från början\n"), "\(reported.out)")
        let english = try cli.navet("--db", "a.db", "missing", "list", "--json")
        let episode = ((try? JSONSerialization.jsonObject(with: Data(english.out.utf8))) as? [[String: Any]])?.first?["id"] as? String ?? ""
        #expect(!episode.isEmpty, "\(english.out)")
        for code in ["responsible_named", "social_services_told", "out_of_hours_contact"] {
            #expect(!reported.out.contains(code), "\(reported.out)")
        }
        // Refused: the Swedish list names the items by their words; English keeps the codes people may type.
        try refused(["--lang", "sv", "missing", "check", episode, "frobnicera"], code: 3,
                    says: ["Punkter: 1. Utse vem som ansvarar för ärendet från början; 2. Informera barnets socialsekreterare;"])
        try refused(["missing", "check", episode, "frobnicate"], code: 3, says: ["Items: 1. responsible_named, 2. social_services_told"])
        // What the Swedish list shows is what may be typed.
        let checked = try cli.navet("--db", "a.db", "--lang", "sv", "missing", "check", episode, "Informera skolan")
        #expect(checked.code == 0 && checked.out.contains("Utfört: Informera skolan"), "\(checked.err)")
        let shown = try cli.navet("--db", "a.db", "--lang", "sv", "missing", "show", episode).out
        #expect(shown.contains("4. [x] Informera skolan") && !shown.contains("school_told"), "\(shown)")

        let swedish = try cli.navet("--db", "a.db", "--lang", "sv", "alerts")
        #expect(swedish.out.contains("försvunnen, polisen inte underrättad") && !swedish.out.contains("missing_not_reported"), "\(swedish.out)")
        let alertsEnglish = try cli.navet("--db", "a.db", "alerts")
        #expect(alertsEnglish.out.contains("missing_not_reported"), "\(alertsEnglish.out)")
        let json = try cli.navet("--db", "a.db", "--lang", "sv", "--json", "alerts")
        #expect(json.out.contains("\"rule\":\"missing_not_reported\"") || json.out.contains("\"rule\" : \"missing_not_reported\""), "\(json.out)")
        let help = try cli.navet("--lang", "sv", "alerts", "--help").out
        #expect(help.contains("  avslag, inget informationssamtal") && !help.contains("rejection_no_talk"), "\(help)")
    }

    // MARK: No database words

    @Test func statusAuditAndForeignFilesSpeakNoDatabase() throws {
        let child = try child()
        #expect(try cli.navet("--db", "a.db", "note", "add", "--child", child, "--kind", "samtal", "--text", "Samtal").code == 0)
        #expect(try sync("a.db") == 0)
        let forbidden = try Regex(#"(?i)\b(records?|rows?|tables?|seq|PRAGMA|post|poster|posten|rad|rader|raden|tabell\w*)\b"#)
        func clean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let found = text.firstMatch(of: forbidden).map { String(text[$0.range]) }
            #expect(found == nil, "\(what): '\(found ?? "")' in \(text)", sourceLocation: sourceLocation)
        }
        for (language, status, ledger, prune, audit) in [
            ("en", "case entries (children, notes, plans...)", "Disclosure ledger: ", "Nothing in the disclosure ledger was sent before 2000-01-01", "case data"),
            ("sv", "uppgifter i ärendena (barn, anteckningar, planer...)", "Utlämnandeloggen: ", "Inget i utlämnandeloggen skickades före 2000-01-01", "uppgifter"),
        ] {
            let shown = try cli.navetd("--db", "central.db", "--lang", language, "status")
            #expect(shown.out.contains(status), "\(shown.out)")
            clean(shown.out, "status")
            let verified = try cli.navetd("--db", "central.db", "--lang", language, "audit", "verify")
            #expect(verified.code == 0 && verified.out.contains(ledger), "\(verified.out) \(verified.err)")
            #expect(verified.out.contains(language == "sv" ? "utlämnanden" : "entries"), "\(verified.out)")
            clean(verified.out, "audit verify")
            let pruned = try cli.navetd("--db", "central.db", "--lang", language, "audit", "prune", "--before", "2000-01-01")
            #expect(pruned.code == 0 && pruned.out.contains(prune), "\(pruned.out) \(pruned.err)")
            clean(pruned.out, "audit prune")
            let listed = try cli.navet("--db", "a.db", "--lang", language, "audit", "list")
            #expect(listed.code == 0 && listed.out.contains(audit), "\(listed.out)")
            clean(listed.out, "audit list")
            let replicaVerify = try cli.navet("--db", "a.db", "--lang", language, "audit", "verify")
            #expect(replicaVerify.out.contains(language == "sv" ? "händelser" : "entries"), "\(replicaVerify.out)")
            clean(replicaVerify.out, "navet audit verify")
            for help in [try cli.navetd("--lang", language, "audit", "prune", "--help").out,
                         try cli.navet("--lang", language, "audit", "list", "--help").out] {
                clean(help.replacingOccurrences(of: "en rad per", with: ""), "help")
            }
        }
        // A file of another program: named as not Navet's, not by its tables.
        #expect(try SQLite3Tool.run(folder.path("other.sqlite"), "CREATE TABLE t(x);") == "")
        for (language, says) in [("en", "(it was not made by Navet)"), ("sv", "(den är inte skapad av Navet)")] {
            let other = try cli.navet("--db", "other.sqlite", "--lang", language, "status")
            #expect(other.code != 0 && other.err.contains(says), "\(other.err)")
            clean(other.err, "foreign file")
        }
    }

    /// No text counts rows, records, posts or tables, or names a ledger row, a seq or Navet's tables.
    @Test func noTextCountsDatabaseThings() throws {
        let counted = try Regex(#"(?i)\{\d\|(row|record|post|rad|table|tabell)\|"#)
        let named = try Regex(#"(?i)(ledger rows?|loggrad|Navet tables|Navets tabeller|\bseq \d|\bseq \{)"#)
        for (key, pair) in Strings.table where !key.contains("restore") {
            for text in [pair.0, pair.1] {
                #expect(text.firstMatch(of: counted) == nil && text.firstMatch(of: named) == nil, "\(key): \(text)")
            }
        }
    }

    // MARK: The default policy's reasons in Swedish

    /// Every reason of the default policy has a Swedish text, and every Swedish text a reason.
    @Test func everyDefaultReasonHasASwedishText() throws {
        let policy = PolicyFile.defaultPolicy
        let keys = policy.rules.map { "rule." + $0.id } + ["missing"] + (policy.purposeWhy == nil ? [] : ["purpose_required"])
            + AccessPolicy.whyKeys.map { "why." + $0 }
        #expect(Set(keys) == Set(PolicyReasons.swedish.keys))
        for key in keys {
            #expect(PolicyReasons.defaultReason(key)?.isEmpty == false, "\(key)")
            #expect(PolicyReasons.swedish[key] != PolicyReasons.defaultReason(key), "\(key)")
        }
    }

    @Test func policyShowGivesTheDefaultReasonsInSwedishAndAFilesOwnAsWritten() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        let policy = PolicyFile.defaultPolicy
        let english = try cli.navetd("--db", "central.db", "policy", "show")
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "show")
        #expect(english.code == 0 && swedish.code == 0, "\(swedish.err)")
        // Compared without line breaks: the text is wrapped at 80 columns.
        func flat(_ text: String) -> String {
            text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let flatEnglish = flat(english.out), flatSwedish = flat(swedish.out)
        for rule in policy.rules {
            #expect(flatEnglish.contains(flat(rule.why)), "\(rule.id)")
            #expect(!flatSwedish.contains(String(rule.why.prefix(40))), "\(rule.id) in English")
            #expect(flatSwedish.contains(flat(PolicyReasons.swedish["rule." + rule.id] ?? "-")), "\(rule.id)")
        }
        for key in AccessPolicy.whyKeys {
            #expect(flatSwedish.contains(flat(PolicyReasons.swedish["why." + key] ?? "-")), "\(key)")
        }
        #expect(flatSwedish.contains(flat(PolicyReasons.swedish["missing"]!)))
        #expect(flatSwedish.contains(flat(PolicyReasons.swedish["purpose_required"]!)))
        #expect(flatSwedish.contains("Socialtjänsten har barnets ärende och ansvarar för barnets vård"))
        #expect(!flatSwedish.contains("Social services hold the child's case"))
        // --json is for scripts: the policy's own text.
        let json = try cli.navetd("--db", "central.db", "--lang", "sv", "--json", "policy", "show")
        #expect(json.out.contains("Social services hold the child's case"))

        // A region's file: its own reason is shown as written; a reason kept from the default is Swedish.
        let own = "Vår egen motivering för skolan."
        let text = PolicyFile.defaultText.replacingOccurrences(
            of: policy.rules.first { $0.id == "school_mentor" }!.why, with: own)
            .replacingOccurrences(of: "\"label\": \"default 2026-11\"", with: "\"label\": \"region\"")
        try text.write(toFile: folder.path("region.json"), atomically: true, encoding: .utf8)
        #expect(try cli.navetd("--db", "central.db", "policy", "load", "region.json").code == 0)
        let loaded = flat(try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "show").out)
        #expect(loaded.contains(own) && !loaded.contains(flat(PolicyReasons.swedish["rule.school_mentor"]!)), "\(loaded)")
        #expect(loaded.contains(flat(PolicyReasons.swedish["rule.guardian"]!)))
        #expect(flat(try cli.navetd("--db", "central.db", "policy", "show").out).contains(own))
    }
}
