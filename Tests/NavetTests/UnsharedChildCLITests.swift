import Foundation
@testable import NavetCommands
import NavetCore
import NavetTestSupport
import Testing

/// What a replica holds of a child without the fields it may not see (issue 12 follow-up):
/// a child held only through notes received by consent is listed, shown and found by its
/// id, with a placeholder for its name; and `navetd policy explain` in both languages.
@Suite struct UnsharedChildCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-unshared-cli")

    /// A region: social services (registers the children), a volunteer organisation and a
    /// school, each with a replica enrolled by file (the school's sync puts it in the directory).
    func region() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        for (name, kind) in [("Socialtjänsten Umeå", "social_services"), ("Röda Korset Umeå", "volunteer"),
                             ("Åsa skola", "school")] {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind,
                                   "--municipality", "Umeå").code == 0)
        }
        for (org, file) in [("Socialtjänsten Umeå", "social.enroll"), ("Röda Korset Umeå", "volunteer.enroll"),
                            ("Åsa skola", "school.enroll")] {
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", org, "--out", file,
                                   "--url", "http://127.0.0.1:9").code == 0)
        }
        #expect(try cli.navet("--db", "social.db", "init", "--enroll", "social.enroll").code == 0)
        #expect(try cli.navet("--db", "volunteer.db", "init", "--enroll", "volunteer.enroll").code == 0)
        #expect(try cli.navet("--db", "school.db", "init", "--enroll", "school.enroll").code == 0)
        #expect(try sync("school.db") == 0)
        #expect(try sync("social.db") == 0)
    }

    func addChild(_ name: String, _ extra: String...) throws -> String {
        object(try cli.run("navet", ["--db", "social.db", "--json", "child", "add", "--name", name] + extra))["id"] as? String ?? ""
    }

    @Test func aChildWhoseNameIsNotSharedIsListedShownAndFoundByItsID() throws {
        try region()
        // Amina: the volunteer gets her case fields and notes by consent, not her name.
        // Bashir: only his notes (no case field set). Östen: the volunteer is in his hub.
        let amina = try addChild("Canary Amina", "--arrival-municipality", "Umeå")
        let bashir = try addChild("Canary Bashir")
        let osten = try addChild("Östen Canary")
        for (child, text) in [(amina, "Canary note A"), (bashir, "Canary note B")] {
            #expect(try cli.navet("--db", "social.db", "note", "add", "--child", child, "--kind", "conversation",
                                  "--text", text).code == 0)
            let granted = try cli.navet("--db", "social.db", "consent", "grant", "--child", child, "--by", "guardian",
                                        "--to", "Röda Korset Umeå", "--tags", "case,search", "--purpose", "läxhjälp")
            #expect(granted.code == 0, "\(granted.err)")
        }
        let membership = object(try cli.navet("--db", "social.db", "--json", "hub", "add", "--child", osten,
                                              "--org", "Röda Korset Umeå", "--role", "volunteer"))["id"] as? String ?? ""
        #expect(!membership.isEmpty)
        // A membership's fields are named in Swedish too, and typed as people read them.
        let unknownField = try cli.navet("--db", "social.db", "--lang", "sv", "conflicts", "resolve", membership, "xyz",
                                         "--choose", "1")
        #expect(unknownField.code == 3 && unknownField.err.contains("från, till") && !unknownField.err.contains("start_date"),
                "\(unknownField.err)")
        let noConflict = try cli.navet("--db", "social.db", "--lang", "sv", "conflicts", "resolve", membership, "Från",
                                       "--choose", "1")
        #expect(noConflict.code == 3 && !noConflict.err.contains("Okänt fält"), "\(noConflict.err)")
        let reported = try cli.navet("--db", "social.db", "missing", "report", "--child", bashir,
                                     "--last-seen-at", "2026-01-05T18:00", "--last-seen-place", "Vasaplan")
        #expect(reported.code == 0, "\(reported.err)")
        #expect(try sync("social.db") == 0)
        #expect(try sync("volunteer.db") == 0)
        let raw = try Data(contentsOf: folder.url.appendingPathComponent("volunteer.db"))
        #expect(raw.range(of: Data("Canary Amina".utf8)) == nil && raw.range(of: Data("Canary note B".utf8)) != nil)

        // child list: every child, the named first, the others by id with the placeholder.
        let list = try cli.navet("--db", "volunteer.db", "child", "list")
        #expect(list.code == 0)
        let lines = list.out.split(separator: "\n").map(String.init)
        let ostenLine = lines.firstIndex { $0.contains(osten) } ?? -1
        let unnamed = [amina, bashir].sorted().map { id in lines.firstIndex { $0.contains(id) } ?? -1 }
        #expect(ostenLine > 0 && unnamed[0] > ostenLine && unnamed[1] > unnamed[0], "\(list.out)")
        #expect(lines.filter { $0.contains("(name not shared)") }.count == 2, "\(list.out)")
        let swedish = try cli.navet("--db", "volunteer.db", "--lang", "sv", "child", "list")
        #expect(swedish.out.components(separatedBy: "(namnet har inte lämnats ut)").count == 3, "\(swedish.out)")
        let json = try JSONSerialization.jsonObject(with: Data(
            try cli.navet("--db", "volunteer.db", "--json", "child", "list").out.utf8)) as? [[String: Any]] ?? []
        #expect(json.count == 3)
        #expect((object(try cli.navet("--db", "volunteer.db", "--json", "status"))["children"] as? Int) == 3)
        // The view for people lists the same three, the unnamed with an empty name.
        let viewed = try SQLite3Tool.run(folder.path("volunteer.db"), "SELECT id, name IS NULL FROM children_view ORDER BY id")
        #expect(viewed.split(separator: "\n").sorted() == ["\(amina)|1", "\(bashir)|1", "\(osten)|0"].sorted(), "\(viewed)")

        // child show: by a prefix of the id, with what is held and the placeholder.
        let shown = try cli.navet("--db", "volunteer.db", "child", "show", String(amina.prefix(8)))
        #expect(shown.code == 0 && shown.out.contains("(name not shared)") && shown.out.contains("Umeå"), "\(shown.out)\(shown.err)")
        let onlyNotes = try cli.navet("--db", "volunteer.db", "--lang", "sv", "child", "show", bashir)
        #expect(onlyNotes.code == 0 && onlyNotes.out.contains("(namnet har inte lämnats ut)"), "\(onlyNotes.out)\(onlyNotes.err)")

        // Its notes, its history and its consents are found by its id.
        let notes = try cli.navet("--db", "volunteer.db", "note", "list", "--child", bashir)
        #expect(notes.code == 0 && notes.out.contains("Canary note B") && !notes.out.contains("Canary note A"), "\(notes.out)\(notes.err)")
        let history = try cli.navet("--db", "volunteer.db", "child", "history", bashir)
        #expect(history.code == 0 && history.out.contains("note list --child \(bashir)"), "\(history.out)\(history.err)")
        let consents = try cli.navet("--db", "volunteer.db", "consent", "list", "--child", amina)
        #expect(consents.code == 0 && consents.out.contains("Röda Korset Umeå"), "\(consents.out)\(consents.err)")

        // Writing to it is refused up front, as for any child whose fields it may not write.
        let write = try cli.navet("--db", "volunteer.db", "child", "set", bashir, "languages", "dari")
        #expect(write.code == 2 && write.err.contains("Nothing was changed"), "\(write.err)")

        // The missing episode names its child by id, with the placeholder.
        let missing = try cli.navet("--db", "volunteer.db", "--lang", "sv", "missing", "list")
        #expect(missing.code == 0 && missing.out.contains("\(bashir) (namnet har inte lämnats ut)") && missing.out.contains("Vasaplan"),
                "\(missing.out)\(missing.err)")

        // An id this replica holds nothing of is still unknown.
        #expect(try cli.navet("--db", "volunteer.db", "child", "show", "0123456789abcdef").code == 3)
    }

    @Test func ownNotesStayVisibleAfterAccessEndsWhenThePolicyDropsTheName() throws {
        try region()
        // The default policy, except that the child's name is not kept for own notes.
        let policy = try cli.navetd("policy", "show", "--default").out
            .replacingOccurrences(of: "\"keep_child_name_for_own_notes\": true", with: "\"keep_child_name_for_own_notes\": false")
        #expect(policy.contains("\"keep_child_name_for_own_notes\": false"))
        try policy.write(to: folder.url.appendingPathComponent("nokeep.json"), atomically: true, encoding: .utf8)
        #expect(try cli.navetd("--db", "central.db", "policy", "load", "nokeep.json").code == 0)

        let osten = try addChild("Östen Canary")
        let named = try addChild("Canary Amina")
        for child in [osten, named] {
            #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Röda Korset Umeå",
                                  "--role", "volunteer", "--from", "2020-01-01").code == 0)
        }
        #expect(try sync("social.db") == 0)
        #expect(try sync("volunteer.db") == 0)
        #expect(try cli.navet("--db", "volunteer.db", "note", "add", "--child", osten, "--kind", "conversation",
                              "--tag", "internal", "--text", "Canary own note").code == 0)
        #expect(try sync("volunteer.db") == 0)
        let memberships = try JSONSerialization.jsonObject(with: Data(try cli.navet(
            "--db", "social.db", "--json", "hub", "list", "--child", osten).out.utf8)) as? [String: Any] ?? [:]
        let membership = (memberships["memberships"] as? [[String: Any]])?.first?["id"] as? String ?? ""
        #expect(try cli.navet("--db", "social.db", "hub", "end", membership, "--on", "2020-06-01").code == 0)
        #expect(try sync("social.db") == 0)
        #expect(try sync("volunteer.db") == 0)

        // The name is gone; the child is still listed (after the named one), with its own note.
        let list = try cli.navet("--db", "volunteer.db", "--lang", "sv", "child", "list")
        #expect(!list.out.contains("Östen") && list.out.contains("Canary Amina"), "\(list.out)")
        let lines = list.out.split(separator: "\n").map(String.init)
        let ostenLine = lines.firstIndex { $0.contains(osten) } ?? -1
        let aminaLine = lines.firstIndex { $0.contains(named) } ?? -1
        #expect(aminaLine > 0 && ostenLine > aminaLine && lines[ostenLine].contains("(namnet har inte lämnats ut)"), "\(list.out)")
        let notes = try cli.navet("--db", "volunteer.db", "note", "list", "--child", String(osten.prefix(6)))
        #expect(notes.code == 0 && notes.out.contains("Canary own note") && notes.out.contains("\(osten) (name not shared)"),
                "\(notes.out)\(notes.err)")
        let shown = try cli.navet("--db", "volunteer.db", "child", "show", osten)
        #expect(shown.code == 0 && shown.out.contains("(name not shared)"), "\(shown.out)\(shown.err)")
    }

    @Test func aConflictAboutAChildWhoseNameIsNotSharedIsListedWithThePlaceholder() throws {
        try region()
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "God man Eva", "--kind", "guardian",
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "God man Eva", "--out", "guardian.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "guardian.db", "init", "--enroll", "guardian.enroll").code == 0)
        #expect(try sync("guardian.db") == 0)
        #expect(try sync("social.db") == 0)
        let child = try addChild("Canary Amina", "--arrival-municipality", "Umeå")
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "God man Eva",
                              "--role", "guardian").code == 0)
        #expect(try cli.navet("--db", "social.db", "consent", "grant", "--child", child, "--by", "guardian",
                              "--to", "Röda Korset Umeå", "--tags", "case", "--purpose", "läxhjälp").code == 0)
        #expect(try sync("social.db") == 0)
        #expect(try sync("guardian.db") == 0)
        // Two concurrent edits of a case field, then the volunteer receives both.
        #expect(try cli.navet("--db", "social.db", "child", "set", child, "ankomstkommun", "Lund").code == 0)
        #expect(try cli.navet("--db", "guardian.db", "child", "set", child, "ankomstkommun", "Malmö").code == 0)
        #expect(try sync("social.db") == 0)
        #expect(try sync("guardian.db") == 0)
        #expect(try sync("volunteer.db") == 0)
        let conflicts = try cli.navet("--db", "volunteer.db", "--lang", "sv", "conflicts")
        #expect(conflicts.code == 0 && conflicts.out.contains("\(child) (namnet har inte lämnats ut) – ankomstkommun"),
                "\(conflicts.out)\(conflicts.err)")
        #expect(conflicts.out.contains("Lund") && conflicts.out.contains("Malmö"))
    }

    @Test func everyRefusalCodeHasWordsInBothLanguages() {
        for refusal in WriteRefusal.allCases {
            for key in ["explain.refusal.", "writeRefusal."] {
                let words = Strings.table[key + refusal.rawValue]
                #expect(words != nil && words?.0 != words?.1, "\(key)\(refusal.rawValue)")
            }
        }
    }

    @Test func policyExplainSpeaksSwedishAndSaysWhyOncePerRow() throws {
        try region()
        let child = try addChild("Canary Amina")
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Åsa skola",
                              "--role", "mentor").code == 0)
        #expect(try sync("social.db") == 0)

        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "explain", "--org", "Åsa skola",
                                     "--child", child)
        #expect(swedish.code == 0, "\(swedish.err)")
        // No field, refusal or rule code in the Swedish text.
        var codes = Schema.current.recordTypes.flatMap(\.fields).map(\.name).filter { $0.contains("_") }
        codes += WriteRefusal.allCases.map(\.rawValue) + ["membership:", "school_mentor", "(every field)"]
        for code in codes { #expect(!swedish.out.contains(code), "\(code) in \(swedish.out)") }
        #expect(swedish.out.contains("medlemskap i navet") && swedish.out.contains("födelsedatum (uppgivet)"), "\(swedish.out)")
        #expect(swedish.out.contains("nej (rollen får inte skriva i den här sekretessklassen)"), "\(swedish.out)")
        #expect(swedish.out.contains("lämnar aldrig organisationen som skrev dem"), "\(swedish.out)")

        let english = try cli.navetd("--db", "central.db", "policy", "explain", "--org", "Åsa skola", "--child", child)
        #expect(english.out.contains("hub membership") && english.out.contains(": school mentor"), "\(english.out)")
        #expect(!english.out.contains("school_mentor") && !english.out.contains("birth_date"), "\(english.out)")
        #expect(english.out.contains("internal values never leave the organisation that wrote them"))

        // --json keeps the codes.
        let json = object(try cli.navetd("--db", "central.db", "--lang", "sv", "--json", "policy", "explain",
                                         "--org", "Åsa skola", "--child", child))
        let fields = json["fields"] as? [[String: Any]] ?? []
        let name = fields.first { $0["record_type"] as? String == "child" && $0["field"] as? String == "name" }
        #expect((name?["rule"] as? String ?? "").hasSuffix(":school_mentor:school_mentor"))
        let refusals = Set(fields.compactMap { $0["refusal"] as? String })
        #expect(!refusals.isEmpty && refusals.isSubset(of: Set(WriteRefusal.allCases.map(\.rawValue))), "\(refusals)")
        let internalRows = fields.filter { $0["tag"] as? String == "internal" }
        #expect(!internalRows.isEmpty && internalRows.allSatisfy { $0["own_only"] as? Bool == true && $0["read"] as? Bool == false })

        // policy show names the missing rule's fields in Swedish.
        let show = try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "show")
        #expect(show.code == 0 && show.out.contains("senast sedd (när)") && !show.out.contains("missing.last_seen_at"), "\(show.out)")
    }
}
