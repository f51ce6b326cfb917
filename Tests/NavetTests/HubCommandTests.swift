import Foundation
import NavetCore
@testable import NavetStore
import NavetTestSupport
import Testing

/// The replica CLI for the records need to know depends on (issue 12, point 2): `navet hub`,
/// `navet consent`, `navet missing`, and the note tag floor, through the real binary. Every
/// refusal leaves the file byte for byte as it was (`sqlite3 .dump`).
@Suite struct HubCommandTests {
    let folder = TemporaryDirectory(prefix: "navet-hub")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// A day three years ahead (`MM-DD` in that year): within the ten years a planned date may lie ahead.
    static func later(_ monthDay: String) -> String {
        String(SwedishTime.today(at: Int64(Date().timeIntervalSince1970 * 1000)).year + 3) + "-" + monthDay
    }

    func json(_ result: CLIRunner.Result) -> Any? { try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) }
    func object(_ result: CLIRunner.Result) -> [String: Any] { json(result) as? [String: Any] ?? [:] }
    func dump() throws -> String { try SQLite3Tool.run(folder.path("navet.db"), ".dump") }

    static let organisations = ["Socialtjänsten Umeå", "Polisen Region Nord", "Åsa skola", "BUP Umeå", "HVB Solgården",
                                "Migrationsverket Umeå", "Röda Korset", "Gode män i Umeå"]

    /// A replica with one child (returned) and, unless `directory` is false, a directory
    /// naming this replica "Socialtjänsten Umeå" and the other organisations.
    func setUp(directory: Bool = true) throws -> String {
        #expect(try cli.navet("init").code == 0)
        if directory {
            let store = try ReplicaStore.open(path: folder.path("navet.db"))
            let entries = Self.organisations.enumerated().map { index, name in
                OriginName(replica: index == 0 ? store.replicaID : ReplicaID(rawValue: UInt64(0x1000 + index)),
                           organisation: name, kind: nil)
            }
            try store.replaceDirectory(entries, now: 1)
        }
        let added = try cli.navet("--json", "child", "add", "--name", "Amina Rahimi")
        return object(added)["id"] as? String ?? ""
    }

    /// Runs `arguments` and expects a refusal with `code` that leaves the file unchanged and
    /// whose message holds every part of `says`. Returns the message.
    @discardableResult
    func refused(_ arguments: [String], code: Int32 = 3, says: [String] = [], stdin: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let before = try dump()
        let result = try cli.run("navet", arguments, stdin: stdin)
        #expect(result.code == code, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
        for part in says {
            #expect(result.err.contains(part), "\(arguments): '\(part)' not in \(result.err)", sourceLocation: sourceLocation)
        }
        #expect(result.out.isEmpty, "\(arguments): \(result.out)", sourceLocation: sourceLocation)
        #expect(try dump() == before, "\(arguments) changed the file", sourceLocation: sourceLocation)
        return result.err
    }

    // MARK: hub

    @Test func hubAddListAndEndInEnglishAndSwedish() throws {
        let child = try setUp()
        let prefix = String(child.prefix(5))
        // Roles as people type them, in any case and Unicode form.
        let roles: [(String, String)] = [
            ("socialsekreterare", "social_secretary"), ("Social secretary", "social_secretary"),
            ("god man", "guardian"), ("Gode Man", "guardian"), ("godman", "guardian"), ("guardian", "guardian"),
            ("kontaktperson", "contact_person"), ("mentor", "school_mentor"), ("Skolmentor", "school_mentor"),
            ("hälso- och sjukvård", "health"), ("ha\u{0308}lsa", "health"), ("vården", "health"), ("bup", "health"),
            ("volontär", "volunteer"), ("frivillig", "volunteer"), ("migrationshandläggare", "migration_officer"),
            ("handläggare (Migrationsverket)", "migration_officer"), ("handläggare", "migration_officer"),
            ("POLISEN", "police"), ("polis", "police"), ("police", "police"),
        ]
        for (typed, code) in roles {
            let added = try cli.navet("--json", "hub", "add", "--child", prefix, "--org", "Röda Korset", "--role", typed,
                                      "--from", "2025-01-01")
            #expect(added.code == 0, "\(typed): \(added.err)")
            #expect(object(added)["role"] as? String == code, "\(typed)")
            // Ended at once: a second membership in the same role while one is active is refused.
            #expect(try cli.navet("hub", "end", object(added)["id"] as? String ?? "", "--on", "2025-01-01").code == 0)
        }
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT count(*) FROM cells WHERE record_type = 'membership' AND field = 'role'")
                == String(roles.count))

        // The organisation as typed (case, decomposed å), stored as the directory spells it.
        let added = try cli.navet("--json", "hub", "add", "--child", prefix, "--org", "hvb  solga\u{030A}rden",
                                  "--role", "kontaktperson", "--person", "Eva Ek", "--phone", "070-123 45 67")
        #expect(added.code == 0, "\(added.err)")
        #expect(added.err.isEmpty, "a checked organisation gives no warning: \(added.err)")
        let membership = object(added)
        #expect(membership["organisation"] as? String == "HVB Solgården")
        #expect(membership["organisation_checked"] as? Bool == true)
        #expect(membership["start_date"] as? String == SwedishTime.date(at: Int64(Date().timeIntervalSince1970 * 1000))?.description)
        let id = membership["id"] as? String ?? ""

        let english = try cli.navet("hub", "add", "--child", prefix, "--org", "bup umeå", "--role", "BUP", "--from", "2025-02-01")
        #expect(english.code == 0 && english.out.contains("Added BUP Umeå to the hub of child \(child) as health care, from 2025-02-01"),
                "\(english.out)")
        let swedish = try cli.navet("--lang", "sv", "hub", "add", "--child", prefix, "--org", "SOCIALTJÄNSTEN UMEÅ",
                                    "--role", "socialsekreterare", "--from", "2025-01-01")
        #expect(swedish.code == 0 && swedish.out.contains("Lade till Socialtjänsten Umeå i navet kring barnet \(child) som socialsekreterare"),
                "\(swedish.out)")

        // The list: sorted by role then organisation, with the organisation that registered the child.
        let listed = object(try cli.navet("--json", "hub", "list", "--child", prefix))
        #expect(listed["child"] as? String == child)
        let registrar = listed["registered_by"] as? [String: Any] ?? [:]
        #expect(registrar["organisation"] as? String == "Socialtjänsten Umeå")
        let rows = listed["memberships"] as? [[String: Any]] ?? []
        #expect(rows.count == roles.count + 3)
        let order = rows.map { HubRole(rawValue: $0["role"] as? String ?? "") ?? .police }
        #expect(order == order.sorted(), "sorted by role")
        let secretaries = rows.prefix { $0["role"] as? String == "social_secretary" }.map { $0["organisation"] as? String ?? "" }
        #expect(secretaries == ["Röda Korset", "Röda Korset", "Socialtjänsten Umeå"], "then by organisation")
        let eva = rows.first { $0["id"] as? String == id } ?? [:]
        #expect(eva["person"] as? String == "Eva Ek" && eva["phone"] as? String == "070-123 45 67")
        #expect(eva["state"] as? String == "active" && eva["end_date"] is NSNull)
        #expect(Set(rows.flatMap { $0.keys }) == ["id", "organisation", "role", "person", "phone", "start_date", "end_date", "state"])

        let table = try cli.navet("--lang", "sv", "hub", "list", "--child", prefix)
        #expect(table.code == 0)
        #expect(table.out.hasPrefix("Socialtjänsten Umeå  (registrerade barnet)"), "\(table.out)")
        for word in ["organisation", "roll", "kontaktperson", "god man", "hälso- och sjukvård", "polis", "aktiv", "Eva Ek"] {
            #expect(table.out.contains(word), "\(word) in \(table.out)")
        }
        #expect(!table.out.contains("contact_person"))
        let englishTable = try cli.navet("hub", "list", "--child", prefix)
        #expect(englishTable.out.contains("(registered the child)") && englishTable.out.contains("contact person"))

        // End: a unique prefix of the id; the last day defaults to today.
        let ended = try cli.navet("--json", "hub", "end", String(id.prefix(6)))
        #expect(ended.code == 0, "\(ended.err)")
        #expect(object(ended)["end_date"] as? String == membership["start_date"] as? String)
        // A membership that ended before today lists as ended.
        let old = object(try cli.navet("--json", "hub", "add", "--child", prefix, "--org", "Åsa skola", "--role", "mentor",
                                       "--from", "2025-01-01"))["id"] as? String ?? ""
        let endedSwedish = try cli.navet("--lang", "sv", "hub", "end", old, "--on", "2025-06-30")
        #expect(endedSwedish.out.contains("Avslutade medlemskapet \(old) (Åsa skola, mentor) den 2025-06-30"), "\(endedSwedish.out)")
        let after = (object(try cli.navet("--json", "hub", "list", "--child", prefix))["memberships"] as? [[String: Any]]) ?? []
        #expect(after.first { $0["id"] as? String == old }?["state"] as? String == "ended")
        #expect(try cli.navet("--lang", "sv", "hub", "list", "--child", prefix).out.contains("avslutad"))
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT organisation, role, start_date, end_date FROM memberships_view WHERE id = '\(old)'")
                == "Åsa skola|school_mentor|2025-01-01|2025-06-30")
    }

    @Test func hubRefusalsChangeNothing() throws {
        let child = try setUp()
        try refused(["hub", "add", "--child", child, "--org", "Röda Korset", "--role", "chef"],
                    says: ["'chef' is not a hub role", "social_secretary (social secretary)", "police"])
        try refused(["--lang", "sv", "hub", "add", "--child", child, "--org", "Röda Korset", "--role", "chef"],
                    says: ["'chef' är ingen roll i navet", "socialsekreterare, god man, kontaktperson"])
        // An unknown organisation: the known ones, in Swedish order (Å after S).
        let unknown = try refused(["hub", "add", "--child", child, "--org", "Röda Korsett", "--role", "volontär"],
                                  says: ["'Röda Korsett' is not an organisation in the directory"])
        let listed = Self.organisations.sorted {
            TextRules.collationKey($0, .swedish).lexicographicallyPrecedes(TextRules.collationKey($1, .swedish))
        }
        #expect(unknown.contains(listed.joined(separator: ", ")), "\(unknown)")
        #expect(listed.last == "Åsa skola")
        try refused(["--lang", "sv", "hub", "add", "--child", child, "--org", "Okänd", "--role", "polis"],
                    says: ["'Okänd' är ingen organisation i förteckningen. Kända organisationer:"])
        try refused(["hub", "add", "--child", child, "--org", "Röda Korset"], code: 2, says: ["Missing --role"])
        try refused(["hub", "add", "--child", child, "--org", "Röda Korset", "--role", "polis", "--from", "2026-02-30"],
                    says: ["2026-02-30 does not exist"])
        try refused(["hub", "add", "--child", "ffff", "--org", "Röda Korset", "--role", "polis"], says: ["No child has the id 'ffff'"])
        try refused(["hub", "list"], code: 2, says: ["Missing --child"])

        let membership = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Röda Korset",
                                              "--role", "volontär", "--from", "2026-03-01"))["id"] as? String ?? ""
        try refused(["hub", "end", membership, "--on", "2026-02-28"],
                    says: ["The last day 2026-02-28 is before the membership's first day 2026-03-01"])
        try refused(["--lang", "sv", "hub", "end", membership, "--on", "2026-02-28"], says: ["ligger före medlemskapets första dag"])
        #expect(try cli.navet("hub", "end", membership, "--on", "2026-03-01").code == 0)
        try refused(["hub", "end", membership], says: ["Membership \(membership) already ended on 2026-03-01"])
        try refused(["--lang", "sv", "hub", "end", String(membership.prefix(4))], says: ["avslutades redan 2026-03-01"])

        let planned = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Röda Korset",
                                           "--role", "volontär"))["id"] as? String ?? ""
        #expect(try cli.navet("hub", "end", planned, "--on", Self.later("06-30")).code == 0)
        // Without --on it ends today: a placement that ends before its planned last day.
        let endedToday = object(try cli.navet("--json", "hub", "end", planned))
        #expect(endedToday["end_date"] as? String == SwedishTime.today(at: Int64(Date().timeIntervalSince1970 * 1000)).description,
                "\(endedToday)")
        try refused(["hub", "end", planned], says: ["already ended on"])

        // Wrong id types, full and prefix.
        let note = object(try cli.navet("--json", "note", "add", "--child", child, "--kind", "samtal", "--text", "x"))["id"] as? String ?? ""
        try refused(["hub", "end", note], says: ["\(note) is a note, not a hub membership"])
        try refused(["hub", "end", String(note.prefix(8))], says: ["\(note) is a note, not a hub membership"])
        try refused(["--lang", "sv", "hub", "end", child], says: ["\(child) är av typen barn, inte medlemskap i navet"])
        try refused(["hub", "list", "--child", membership], says: ["\(membership) is a hub membership, not a child"])
        try refused(["hub", "end", "zz"], says: ["'zz' is not an id"])
    }

    @Test func anEmptyDirectoryAcceptsTheNameAsTypedWithAWarning() throws {
        let child = try setUp(directory: false)
        let added = try cli.navet("--json", "hub", "add", "--child", child, "--org", "Socialtjänsten Umeå", "--role", "socialsekreterare")
        #expect(added.code == 0, "\(added.err)")
        #expect(object(added)["organisation_checked"] as? Bool == false)
        #expect(added.err.contains("warning:") && added.err.contains("checked at the next sync"), "\(added.err)")
        let swedish = try cli.navet("--lang", "sv", "consent", "grant", "--child", child, "--by", "barnet", "--to", "Skolan",
                                    "--tags", "skola", "--purpose", "Stöd i skolan")
        #expect(swedish.code == 0 && swedish.err.contains("varning:") && swedish.err.contains("kontrolleras vid nästa synk"),
                "\(swedish.err)")
    }

    /// The directory as a real sync brings it: before the first reply only the replica's own
    /// organisation is known and other names are kept as typed, with a warning; after it,
    /// names are checked and stored as the central store spells them.
    @Test func organisationsAreCheckedAgainstTheDirectoryASyncBrings() throws {
        _ = try cli.navetd("--db", "central.db", "init")
        for (name, kind) in [("Socialtjänsten Umeå", "social_services"), ("Polisen Region Nord", "police")] {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå").code == 0)
        }
        // The directory names the organisations that have an enrolled replica.
        for (org, file) in [("Socialtjänsten Umeå", "a.enroll"), ("Polisen Region Nord", "b.enroll")] {
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", org, "--out", file,
                                   "--url", "http://127.0.0.1:9").code == 0)
        }
        #expect(try cli.navet("init", "--enroll", "a.enroll").code == 0)
        let child = object(try cli.navet("--json", "child", "add", "--name", "Sara"))["id"] as? String ?? ""
        let early = try cli.navet("--json", "hub", "add", "--child", child, "--org", "Polisen Regoin Nord", "--role", "polisen")
        #expect(early.code == 0 && early.err.contains("\"warning\""), "\(early.err)")
        #expect(object(early)["organisation"] as? String == "Polisen Regoin Nord")

        #expect(try cli.navet("export", "up.navet").code == 0)
        let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet")
        #expect(imported.code == 0, "\(imported.err)")
        // The central store refuses the membership that names an organisation it does not
        // know, on its own: the import finishes, says so (exit 7) and takes it back.
        #expect(try cli.navet("import", "reply.navet").code == 7)
        let status = try JSONSerialization.jsonObject(with: Data(try cli.navet("--json", "status").out.utf8)) as? [String: Any]
        let refusedChanges = status?["refused_changes"] as? [[String: Any]] ?? []
        #expect(!refusedChanges.isEmpty && refusedChanges.allSatisfy { $0["reason"] as? String == "unknown_organisation" },
                "\(refusedChanges)")

        let checked = try cli.navet("--json", "hub", "add", "--child", child, "--org", "POLISEN region nord", "--role", "polis")
        #expect(checked.code == 0 && checked.err.isEmpty, "\(checked.err)")
        #expect(object(checked)["organisation"] as? String == "Polisen Region Nord")
        try refused(["hub", "add", "--child", child, "--org", "Polisen Regoin Nord", "--role", "polis"],
                    says: ["Known organisations: Polisen Region Nord, Socialtjänsten Umeå."])
        let listed = try cli.navet("--lang", "sv", "hub", "list", "--child", child)
        #expect(listed.out.hasPrefix("Socialtjänsten Umeå  (registrerade barnet)"), "\(listed.out)")
    }

    @Test func errorsUnderJSONAreOneObjectOnStandardError() throws {
        let child = try setUp()
        let error = try refused(["--json", "hub", "add", "--child", child, "--org", "Röda Korset", "--role", "chef"])
        let object = (try? JSONSerialization.jsonObject(with: Data(error.utf8))) as? [String: Any] ?? [:]
        #expect(object["exit_code"] as? Int == 3 && (object["error"] as? String ?? "").contains("'chef' is not a hub role"), "\(error)")
    }

    // MARK: consent

    @Test func consentGrantListAndRevoke() throws {
        let child = try setUp()
        let granted = try cli.navet("--json", "consent", "grant", "--child", child, "--by", "God Man", "--to", "bup umeå",
                                    "--tags", "hälsa, Asyl", "--purpose", "Samordnad plan (SIP)", "--until", Self.later("12-31"))
        #expect(granted.code == 0, "\(granted.err)")
        let consent = object(granted)
        #expect(consent["given_by"] as? String == "guardian" && consent["organisation"] as? String == "BUP Umeå")
        #expect(consent["tags"] as? [String] == ["asylum", "health"] && consent["until"] as? String == Self.later("12-31"))
        let id = consent["id"] as? String ?? ""
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT value FROM cells WHERE field = 'tags'") == "asylum,health")

        let english = try cli.navet("consent", "grant", "--child", child, "--by", "child", "--to", "Åsa skola",
                                    "--tags", "school", "--purpose", "-", stdin: "Läxhjälp\noch stöd\n")
        #expect(english.code == 0 && english.out.contains("may receive school about child \(child), until revoked"), "\(english.out)")
        let swedish = try cli.navet("--lang", "sv", "consent", "grant", "--child", child, "--by", "barnet", "--to", "Röda Korset",
                                    "--tags", "grunduppgifter", "--purpose", "Kontakt", "--until", Self.later("01-01"))
        #expect(swedish.out.contains("Röda Korset får ta del av grunduppgifter om barnet \(child), till och med \(Self.later("01-01"))"),
                "\(swedish.out)")
        // One that expired (a last day in the past can only come from elsewhere: written directly).
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        _ = try store.createRecord(type: "consent", values: [
            "child": .text(child), "given_by": .text("child"), "organisation": .text("Polisen Region Nord"),
            "tags": .text("search"), "purpose": .text("Eftersökning"), "until": .text("2020-01-01"),
        ], now: 1)

        let other = object(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "barn", "--to", "Röda Korset",
                                         "--tags", "basic", "--purpose", "Prov"))["id"] as? String ?? ""
        let revokedSwedish = try cli.navet("--lang", "sv", "consent", "revoke", other)
        #expect(revokedSwedish.code == 0 && revokedSwedish.out.contains("Återkallade samtycket \(other)."), "\(revokedSwedish.out)")
        #expect(try cli.navet("consent", "revoke", other).err.contains("already revoked"))
        let revoked = try cli.navet("--json", "consent", "revoke", String(id.prefix(5)))
        #expect(revoked.code == 0 && object(revoked)["revoked"] as? Bool == true, "\(revoked.err)")
        try refused(["consent", "revoke", id], says: ["Consent \(id) is already revoked"])
        try refused(["--lang", "sv", "consent", "revoke", id], says: ["Samtycket \(id) är redan återkallat"])

        let listed = json(try cli.navet("--json", "consent", "list", "--child", child)) as? [[String: Any]] ?? []
        #expect(listed.map { $0["state"] as? String ?? "" } == ["in_force", "in_force", "expired", "revoked", "revoked"])
        // In force first, then by organisation: in English Å sorts as A, in Swedish after Z.
        #expect(listed.map { $0["organisation"] as? String ?? "" }
                == ["Åsa skola", "Röda Korset", "Polisen Region Nord", "BUP Umeå", "Röda Korset"])
        let swedishOrder = json(try cli.navet("--lang", "sv", "--json", "consent", "list", "--child", child)) as? [[String: Any]] ?? []
        #expect(swedishOrder.prefix(2).map { $0["organisation"] as? String ?? "" } == ["Röda Korset", "Åsa skola"])
        #expect(listed[0]["purpose"] as? String == "Läxhjälp\noch stöd" && listed[0]["until"] is NSNull)
        #expect(Set(listed[0].keys) == ["id", "child", "state", "given_by", "organisation", "tags", "purpose", "until", "revoked"])
        // The read-only view gives the same, for people who read the file with sqlite3.
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT organisation, tags, revoked FROM consents_view WHERE id = '\(id)'")
                == "BUP Umeå|asylum,health|yes")
        let table = try cli.navet("--lang", "sv", "consent", "list", "--child", child)
        for word in ["gäller", "har gått ut", "återkallat", "hälsa", "asyl", "gode mannen", "barnet", "tills det återkallas"] {
            #expect(table.out.contains(word), "\(word) in \(table.out)")
        }
        #expect(try cli.navet("consent", "list", "--child", child).out.contains("in force"))
    }

    @Test func consentRefusalsChangeNothing() throws {
        let child = try setUp()
        let base = ["consent", "grant", "--child", child, "--by", "guardian", "--to", "BUP Umeå", "--purpose", "Vård"]
        try refused(base + ["--tags", "health,internal"], says: ["The confidentiality tag internal never leaves its organisation"])
        try refused(["--lang", "sv"] + base + ["--tags", "hälsa,intern"], says: ["Sekretessklassen intern lämnar aldrig sin organisation"])
        try refused(base + ["--tags", "health,secret"], says: ["'secret' is not one", "asylum, health."])
        try refused(base + ["--tags", "health,police"], says: ["No consent can cover the confidentiality tag police"])
        try refused(["--lang", "sv"] + base + ["--tags", "skyddad"], says: ["Inget samtycke kan omfatta sekretessklassen skyddad identitet"])
        try refused(base + ["--tags", "health,"], says: ["'' is not one"])
        try refused(base + ["--tags", "health", "--until", "2020-12-31"], says: ["--until 2020-12-31 is in the past"])
        try refused(["--lang", "sv"] + base + ["--tags", "hälsa", "--until", "2020-12-31"], says: ["--until 2020-12-31 har redan passerat"])
        try refused(base + ["--tags", "health", "--until", "31/12/2199"], says: ["YYYY-MM-DD"])
        try refused(["consent", "grant", "--child", child, "--by", "the mayor", "--to", "BUP Umeå", "--tags", "health",
                     "--purpose", "x"], says: ["--by must be child or guardian"])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health"],
                    code: 2, says: ["Missing --purpose"])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health",
                     "--purpose", "   "], says: ["The value of --purpose is empty."])
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "health",
                     "--purpose", "-"], says: ["The value of --purpose is empty."], stdin: "")
        try refused(["consent", "grant", "--child", child, "--by", "barnet", "--to", "Kommunen", "--tags", "health",
                     "--purpose", "x"], says: ["'Kommunen' is not an organisation in the directory"])
        try refused(["consent", "revoke", child], says: ["\(child) is a child, not a consent"])
        try refused(["consent", "list"], code: 2, says: ["Missing --child"])
    }

    // MARK: missing

    @Test func missingReportListAndClose() throws {
        let child = try setUp()
        let second = object(try cli.navet("--json", "child", "add", "--name", "Ömer Aziz"))["id"] as? String ?? ""
        // A local time without an offset is read as Swedish time, and the output says how.
        let winter = try cli.navet("missing", "report", "--child", child, "--last-seen-at", "2026-11-28 14:05",
                                   "--last-seen-place", "Umeå C", "--circumstances", "Skulle till skolan")
        #expect(winter.code == 0, "\(winter.err)")
        #expect(winter.out.contains("The local time 2026-11-28 14:05 was read as Swedish time: 2026-11-28T14:05+01:00 (winter time, UTC+01:00)"),
                "\(winter.out)")
        #expect(winter.out.contains("Last seen 2026-11-28T14:05+01:00 at Umeå C. Risk: high."), "\(winter.out)")
        for wording in ["ran away", "run away", "absconded", "voluntar", "own will", "rymt", "avvik"] {
            #expect(!winter.out.lowercased().contains(wording))
        }
        let summer = try cli.navet("--lang", "sv", "--json", "missing", "report", "--child", second,
                                   "--last-seen-at", "2026-07-01T22:30", "--last-seen-place", "Badplatsen")
        let episode = object(summer)
        #expect(episode["last_seen_at"] as? String == "2026-07-01T22:30+02:00" && episode["offset_minutes"] as? Int == 120)
        #expect(episode["read_as_swedish_time"] as? Bool == true && episode["risk"] as? String == "high")
        let summerID = episode["id"] as? String ?? ""
        let summerText = try cli.navet("--db", "navet.db", "--lang", "sv", "missing", "list", "--child", second)
        #expect(summerText.out.contains("hög") && summerText.out.contains("pågår") && summerText.out.contains("Ömer Aziz"), "\(summerText.out)")

        // A second open episode for the same child is refused, naming the open one.
        let open = (json(try cli.navet("--json", "missing", "list", "--child", child)) as? [[String: Any]])?.first ?? [:]
        let openID = open["id"] as? String ?? ""
        try refused(["missing", "report", "--child", child, "--last-seen-at", "2026-11-29T10:00+01:00", "--last-seen-place", "Hemma"],
                    says: ["already has an open missing episode, \(openID)", "navet missing close \(openID)"])
        try refused(["--lang", "sv", "missing", "report", "--child", child, "--last-seen-at", "2026-11-29T10:00Z",
                     "--last-seen-place", "Hemma"], says: ["har redan ett pågående försvinnande, \(openID)"])

        // The list: open first, then the latest last seen; with the child's name.
        let third = object(try cli.navet("--json", "child", "add", "--name", "Bashir"))["id"] as? String ?? ""
        let reported = object(try cli.navet("--json", "missing", "report", "--child", third, "--last-seen-at", "2026-11-01T09:00Z",
                                            "--last-seen-place", "Skolan"))
        #expect(reported["last_seen_at"] as? String == "2026-11-01T10:00+01:00" && reported["read_as_swedish_time"] as? Bool == false)
        let closedSwedish = try cli.navet("--lang", "sv", "missing", "close", reported["id"] as? String ?? "", "--reason", "reported by mistake")
        #expect(closedSwedish.code == 0 && closedSwedish.out.hasPrefix("Avslutade försvinnandet \(reported["id"] as? String ?? "")"),
                "\(closedSwedish.out)")
        let closed = try cli.navet("--json", "missing", "close", String(summerID.prefix(5)), "--reason", "reported by mistake")
        #expect(closed.code == 0, "\(closed.err)")
        let closedAt = object(closed)["closed_at"] as? String ?? ""
        #expect(Timestamp(iso: closedAt) != nil && [ "+01:00", "+02:00"].contains(String(closedAt.suffix(6))), "\(closedAt)")
        try refused(["missing", "close", summerID, "--reason", "reported by mistake"], says: ["Missing episode \(summerID) was already closed at \(closedAt)"])
        try refused(["--lang", "sv", "missing", "close", summerID, "--reason", "reported by mistake"], says: ["Försvinnandet \(summerID) avslutades redan \(closedAt)"])
        let all = json(try cli.navet("--json", "missing", "list")) as? [[String: Any]] ?? []
        #expect(all.map { $0["state"] as? String ?? "" } == ["open", "closed", "closed"])
        #expect(all.map { $0["child_name"] as? String ?? "" } == ["Amina Rahimi", "Bashir", "Ömer Aziz"], "latest last seen first")
        #expect(all[0]["circumstances"] as? String == "Skulle till skolan" && all[0]["closed_at"] is NSNull)
        #expect(Set(all[0].keys) == ["id", "child", "child_name", "state", "phase", "checklist_done", "checklist_total",
                                     "last_seen_at", "last_seen_place", "circumstances", "discovered_at", "reported_by", "contact_phone",
                                     "police_notified_at", "police_reference", "risk", "found_at", "found_place", "follow_up_at",
                                     "withdrawn_reason", "closed_at"])
        #expect(try SQLite3Tool.run(folder.path("navet.db"), "SELECT id, last_seen_at, risk FROM missing_view WHERE closed_at IS NULL")
                == "\(openID)|2026-11-28T14:05+01:00|high")
        let onlyOpen = json(try cli.navet("--json", "missing", "list", "--open")) as? [[String: Any]] ?? []
        #expect(onlyOpen.map { $0["id"] as? String ?? "" } == [openID])
        let table = try cli.navet("missing", "list")
        #expect(table.out.contains("open") && table.out.contains("closed") && table.out.contains("last seen (where)"), "\(table.out)")
        // After closing, a new episode may be reported; with an explicit offset nothing is said about it.
        let again = try cli.navet("missing", "report", "--child", second, "--last-seen-at", "2026-11-29T08:00+01:00",
                                  "--last-seen-place", "Skolan")
        #expect(again.code == 0 && !again.out.contains("local time"), "\(again.out)")
    }

    @Test func missingRefusalsChangeNothing() throws {
        let child = try setUp()
        let base = ["missing", "report", "--child", child, "--last-seen-place", "Umeå C", "--last-seen-at"]
        // 2026-03-29 02:30 never happened in Sweden; 2026-10-25 02:30 happened twice.
        try refused(base + ["2026-03-29 02:30"], says: ["did not happen in Sweden", "forward from 02:00 to 03:00"])
        try refused(["--lang", "sv"] + base + ["2026-03-29T02:59"], says: ["fanns inte i Sverige"])
        try refused(base + ["2026-10-25 02:30"], says: ["happened twice", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00"])
        try refused(["--lang", "sv"] + base + ["2026-10-25 02:00"], says: ["inträffade två gånger", "Ange den med tidszon"])
        try refused(base + ["\(Self.later("01-01"))T00:00+01:00"], says: ["is in the future"])
        try refused(["--lang", "sv"] + base + ["\(Self.later("01-01")) 00:00"], says: ["ligger i framtiden"])
        for bad in ["yesterday", "2026-11-30", "2026-11-30 25:00", "2026-02-30 10:00", "2026-11-30T14:05+15:00", "14:05"] {
            try refused(base + [bad], says: ["is not a time"])
        }
        try refused(["missing", "report", "--child", child, "--last-seen-at", "2026-11-28 10:00"], code: 2,
                    says: ["Missing --last-seen-place"])
        try refused(base + ["2026-11-28 10:00", "--circumstances", "a\u{1B}b"], says: ["control character"])
        try refused(["missing", "close", child, "--reason", "reported by mistake"], says: ["\(child) is a child, not a missing episode"])
        try refused(["missing", "close", "abcdef", "--reason", "x"], says: ["No missing episode has the id 'abcdef'", "navet missing list"])
        try refused(["missing", "list", "--child", "0123"], says: ["No child has the id '0123'"])
    }

    // MARK: follow-up of the new-user trial

    /// Today's Swedish day plus `years`, as typed.
    static func yearsAhead(_ years: Int) -> String {
        SwedishTime.today(at: Int64(Date().timeIntervalSince1970 * 1000)).adding(years: years).description
    }

    @Test func afterAccessEndsStatesOthersWriteAreUnknown() throws {
        let child = try setUp()
        let episode = object(try cli.navet("--json", "missing", "report", "--child", child, "--last-seen-at", "2026-11-28 14:05",
                                           "--last-seen-place", "Umeå C"))["id"] as? String ?? ""
        let active = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Röda Korset", "--role", "volontär",
                                          "--from", "2026-01-01"))["id"] as? String ?? ""
        let old = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Åsa skola", "--role", "mentor",
                                       "--from", "2025-01-01"))["id"] as? String ?? ""
        #expect(try cli.navet("hub", "end", old, "--on", "2025-06-30").code == 0)
        let inForce = object(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå",
                                           "--tags", "hälsa", "--purpose", "Vård"))["id"] as? String ?? ""
        let revoked = object(try cli.navet("--json", "consent", "grant", "--child", child, "--by", "barnet", "--to", "Röda Korset",
                                           "--tags", "basic", "--purpose", "Kontakt"))["id"] as? String ?? ""
        #expect(try cli.navet("consent", "revoke", revoked).code == 0)
        // The last reply's permissions name no child. A child this replica created and the
        // central store never acknowledged keeps its access: still open.
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        try store.replacePermissions([])
        let missing = { () throws -> [[String: Any]] in
            self.json(try self.cli.navet("--json", "missing", "list", "--child", child)) as? [[String: Any]] ?? []
        }
        #expect(try missing().first?["state"] as? String == "open")
        // Once acknowledged, the child is the central store's: access has ended.
        _ = try SQLite3Tool.run(folder.path("navet.db"), "INSERT OR REPLACE INTO meta(key, value) VALUES ('acked_seq', 1000000)")
        #expect(try missing().first?["state"] as? String == "access_ended")
        let table = try cli.navet("--lang", "sv", "missing", "list")
        #expect(table.out.contains("behörigheten har upphört, läget okänt") && !table.out.contains("pågår"), "\(table.out)")
        #expect(try cli.navet("missing", "list", "--open").out.contains("access ended, state unknown"))
        try refused(["missing", "close", episode, "--reason", "reported by mistake"], code: 2,
                    says: ["Missing episode \(episode) cannot be closed from this replica", "access to child \(child) has ended",
                           "Ask an organisation in the child's hub"])
        try refused(["--lang", "sv", "missing", "close", episode, "--reason", "reported by mistake"], code: 2,
                    says: ["Försvinnandet \(episode) kan inte avslutas", "behörighet till barnet \(child) har upphört"])
        try refused(["missing", "report", "--child", child, "--last-seen-at", "2026-11-29 10:00", "--last-seen-place", "Hemma"],
                    code: 2, says: ["not in the hub of child \(child)"])

        // Every other change about the child is refused up front too: the central store would.
        for command in [["hub", "end", active], ["consent", "revoke", inForce],
                        ["hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "BUP"],
                        ["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "hälsa", "--purpose", "x"]] {
            try refused(command, code: 2, says: ["not in the hub of child \(child)"])
        }
        try refused(["--lang", "sv", "hub", "end", active], code: 2, says: ["ingår inte i navet kring barnet \(child)"])

        // hub list: an ended membership stays ended; an active one is unknown.
        let hub = object(try cli.navet("--json", "hub", "list", "--child", child))
        let states = Dictionary(((hub["memberships"] as? [[String: Any]]) ?? []).map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") },
                                uniquingKeysWith: { a, _ in a })
        #expect(hub["access_ended"] as? Bool == true && states == [active: "access_ended", old: "ended"], "\(states)")
        let hubTable = try cli.navet("hub", "list", "--child", child)
        #expect(hubTable.out.contains("access to child \(child) has ended") && hubTable.out.contains("access ended, state unknown"),
                "\(hubTable.out)")
        // consent list: a revoked consent stays revoked; one in force is unknown.
        let consents = json(try cli.navet("--json", "consent", "list", "--child", child)) as? [[String: Any]] ?? []
        #expect(consents.map { [$0["id"] as? String ?? "", $0["state"] as? String ?? ""] }
                == [[inForce, "access_ended"], [revoked, "revoked"]])
        #expect(try cli.navet("--lang", "sv", "consent", "list", "--child", child).out.contains("behörigheten har upphört, läget okänt"))
        // Permissions naming the child again: the states are known again.
        try store.replacePermissions([ChildPermission(child: RecordID(hex: child)!, read: [.basic, .search], write: [.search],
                                                      roles: [.socialSecretary])])
        #expect(try missing().first?["state"] as? String == "open")
        #expect(try cli.navet("missing", "close", episode, "--reason", "reported by mistake").code == 0)
    }

    /// The trial's case end to end, by file through the real `navetd` and the default policy:
    /// a residential home reports a child missing, social services close the episode and then
    /// withdraw the home's membership (ended on its first day, in the past); the purge takes
    /// the closing from the home's replica, which must not show the episode as open.
    @Test func aWithdrawnHomeNoLongerShowsItsEpisodeAsOpen() throws {
        func sync(_ db: String) throws {
            #expect(try cli.navet("--db", db, "export", "--force", "up.navet").code == 0)
            let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
            #expect(imported.code == 0, "\(imported.err)")
            let applied = try cli.navet("--db", db, "import", "reply.navet")
            #expect(applied.code == 0, "\(applied.err)")
        }
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        for (name, kind, file) in [("Socialtjänsten Umeå", "social_services", "social"), ("HVB Solgården", "residential_home", "home")] {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind, "--municipality", "Umeå").code == 0)
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        let child = object(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Amina Rahimi"))["id"] as? String ?? ""
        let membership = object(try cli.navet("--db", "social.db", "--json", "hub", "add", "--child", child, "--org", "HVB Solgården",
                                              "--role", "kontaktperson", "--from", "2026-01-01"))["id"] as? String ?? ""
        try sync("social.db")
        try sync("home.db")
        let episode = object(try cli.navet("--db", "home.db", "--json", "missing", "report", "--child", child,
                                           "--last-seen-at", "2026-11-28 14:05", "--last-seen-place", "Umeå C"))["id"] as? String ?? ""
        try sync("home.db")
        try sync("social.db")
        #expect(try cli.navet("--db", "social.db", "missing", "close", episode, "--reason", "reported by mistake").code == 0)
        try sync("social.db")
        try sync("home.db")
        let closed = try cli.navet("--db", "home.db", "--json", "missing", "list")
        #expect((json(closed) as? [[String: Any]])?.first?["state"] as? String == "closed", "\(closed.out)")
        // Entered by mistake: withdrawn by ending it on its first day, long past.
        let withdrawn = try cli.navet("--db", "social.db", "hub", "end", membership, "--on", "2026-01-01")
        #expect(withdrawn.code == 0, "\(withdrawn.err)")
        try sync("social.db")
        try sync("home.db")
        let after = try cli.navet("--db", "home.db", "--json", "missing", "list")
        #expect((json(after) as? [[String: Any]])?.map { $0["state"] as? String ?? "" } == ["access_ended"], "\(after.out)")
        let refusedClose = try cli.navet("--db", "home.db", "missing", "close", episode, "--reason", "reported by mistake")
        #expect(refusedClose.code == 2 && refusedClose.err.contains("cannot be closed from this replica"), "\(refusedClose.err)")
    }

    @Test func twoOpenEpisodesOfOneChildAreNamed() throws {
        let child = try setUp()
        let first = object(try cli.navet("--json", "missing", "report", "--child", child, "--last-seen-at", "2026-11-28 14:05",
                                         "--last-seen-place", "Umeå C"))["id"] as? String ?? ""
        // A second report made offline at the same time elsewhere, arrived by sync.
        let store = try ReplicaStore.open(path: folder.path("navet.db"))
        let second = try store.createRecord(type: "missing", values: [
            "child": .text(child), "last_seen_at": .text("2026-11-28T14:30+01:00"), "last_seen_place": .text("Skolan"),
            "risk": .text("high"),
        ], now: Int64(Date().timeIntervalSince1970 * 1000) - 60_000).description
        let refusal = try refused(["missing", "report", "--child", child, "--last-seen-at", "2026-11-29 10:00",
                                   "--last-seen-place", "Hemma"], says: ["already has an open missing episode", "(last seen 2026-11-28T14",
                                                                          "add what is new to it as a note"])
        #expect(refusal.contains(first) || refusal.contains(second))
        let list = try cli.navet("missing", "list")
        #expect(list.out.contains("Amina Rahimi has 2 open missing episodes (\(second), \(first))"), "\(list.out)")
        #expect(try cli.navet("--lang", "sv", "missing", "list").out.contains("Amina Rahimi har 2 pågående försvinnanden"))
        let closed = try cli.navet("missing", "close", first, "--reason", "reported by mistake")
        #expect(closed.code == 0 && closed.out.contains(
            "Child \(child) still has an open missing episode: \(second) (last seen 2026-11-28T14:30+01:00)."), "\(closed.out)")
        #expect(!(try cli.navet("missing", "list").out.contains("open missing episodes (")))
        let third = try store.createRecord(type: "missing", values: [
            "child": .text(child), "last_seen_at": .text("2026-11-28T15:00+01:00"), "last_seen_place": .text("Torget"),
        ], now: Int64(Date().timeIntervalSince1970 * 1000) - 30_000).description
        let json = object(try cli.navet("--json", "missing", "close", second, "--reason", "reported by mistake"))
        #expect((json["still_open"] as? [[String: Any]])?.map { $0["id"] as? String ?? "" } == [third])
        let swedish = try cli.navet("--lang", "sv", "missing", "close", third, "--reason", "reported by mistake")
        #expect(swedish.code == 0 && !swedish.out.contains("fortfarande"), "\(swedish.out)")
    }

    @Test func implausibleDatesAndTimesAreRefused() throws {
        _ = try setUp()
        let child = object(try cli.navet("--json", "child", "add", "--name", "Bashir", "--birth-date", "2010-05-01"))["id"] as? String ?? ""
        let seen = ["missing", "report", "--child", child, "--last-seen-place", "Umeå C", "--last-seen-at"]
        try refused(seen + ["1900-01-01T00:00+01:00"], says: ["1900-01-01T00:00+01:00 is before 2000-01-01, the earliest"])
        try refused(["--lang", "sv"] + seen + ["1999-12-31 23:59"], says: ["ligger före 2000-01-01"])
        try refused(seen + ["2009-01-01 10:00"], says: ["before the child's birth date 2010-05-01"])
        try refused(["--lang", "sv"] + seen + ["2010-04-30 23:00"], says: ["ligger före barnets födelsedatum 2010-05-01"])
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try refused(seen + [Timestamp(swedishTimeAt: now / 60_000 * 60_000 + 3_600_000).description], says: ["is in the future"])
        let far = Self.yearsAhead(11)
        let dates: [([String], String)] = [
            (["hub", "add", "--child", child, "--org", "Röda Korset", "--role", "volontär", "--from"], "--from"),
            (["consent", "grant", "--child", child, "--by", "barnet", "--to", "BUP Umeå", "--tags", "hälsa", "--purpose", "x", "--until"],
             "--until"),
        ]
        for (command, option) in dates {
            try refused(command + [far], says: ["\(option) \(far) is more than 10 years ahead (the latest accepted is \(Self.yearsAhead(10)))"])
            try refused(["--lang", "sv"] + command + [far], says: ["\(option) \(far) ligger mer än 10 år framåt"])
        }
        try refused(dates[0].0 + ["1999-12-31"], says: ["--from 1999-12-31 is before 2000-01-01"])
        try refused(dates[0].0 + ["2009-06-01"], says: ["--from 2009-06-01 is before the child's birth date 2010-05-01"])
        let membership = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Röda Korset", "--role", "volontär",
                                              "--from", "2010-05-01"))["id"] as? String ?? ""
        try refused(["hub", "end", membership, "--on", far], says: ["--on \(far) is more than 10 years ahead"])
        // A couple of minutes ahead is two clocks disagreeing, not a mistake.
        let ahead = try cli.navet("missing", "report", "--child", child, "--last-seen-place", "Umeå C",
                                  "--last-seen-at", Timestamp(swedishTimeAt: now / 60_000 * 60_000 + 120_000).description)
        #expect(ahead.code == 0, "\(ahead.err)")
    }

    @Test func aMembershipEndsOnAPastDayDownToItsFirst() throws {
        let child = try setUp()
        let mistaken = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Röda Korset", "--role", "volontär",
                                            "--from", "2025-03-01"))["id"] as? String ?? ""
        try refused(["hub", "end", mistaken, "--on", "2025-02-28"],
                    says: ["The last day 2025-02-28 is before the membership's first day 2025-03-01"])
        let withdrawn = object(try cli.navet("--json", "hub", "end", mistaken, "--on", "2025-03-01"))
        #expect(withdrawn["end_date"] as? String == "2025-03-01")
        // A planned last day may be brought earlier (to today without --on), never later.
        let planned = object(try cli.navet("--json", "hub", "add", "--child", child, "--org", "Åsa skola", "--role", "mentor",
                                           "--from", "2025-01-01"))["id"] as? String ?? ""
        #expect(try cli.navet("hub", "end", planned, "--on", Self.later("06-30")).code == 0)
        try refused(["hub", "end", planned, "--on", Self.later("07-01")],
                    says: ["already has its last day set: \(Self.later("06-30"))", "give an earlier day with --on"])
        let earlier = try cli.navet("hub", "end", planned, "--on", "2025-01-01")
        #expect(earlier.code == 0 && earlier.out.contains("on 2025-01-01"), "\(earlier.err)")
        try refused(["hub", "end", planned, "--on", "2025-01-01"], says: ["already ended on 2025-01-01"])
        #expect(try cli.navet("hub", "end", "--help").out.contains("does not recall what the\norganisation has already received"))
        #expect(try cli.navet("--lang", "sv", "hub", "end", "--help").out.contains("fått tas inte tillbaka"))
    }

    @Test func aConsentOutsideTheHubOfAProtectedChildIsWarnedAbout() throws {
        let child = try setUp()
        let grant = ["consent", "grant", "--child", child, "--by", "god man", "--tags", "hälsa", "--purpose", "Vård", "--to"]
        // Not protected: no warning.
        let plain = try cli.run("navet", ["--json"] + grant + ["BUP Umeå"])
        #expect(plain.code == 0 && plain.err.isEmpty && (object(plain)["warnings"] as? [String]) == [], "\(plain.err)")
        #expect(try cli.navet("child", "set", child, "protected-identity", "yes").code == 0)
        let outside = try cli.run("navet", grant + ["BUP Umeå"])
        #expect(outside.code == 0 && outside.err.contains(
            "warning: child \(child) has protected identity and BUP Umeå is not in the child's hub, so this consent has no effect until BUP Umeå joins the hub"),
                "\(outside.err)")
        let swedish = try cli.run("navet", ["--lang", "sv"] + grant + ["bup umeå"])
        #expect(swedish.err.contains("varning: barnet \(child) har skyddad identitet och BUP Umeå ingår inte i barnets nav"), "\(swedish.err)")
        let json = try cli.run("navet", ["--json"] + grant + ["BUP Umeå"])
        #expect((object(json)["warnings"] as? [String])?.first?.contains("no effect until BUP Umeå joins the hub") == true)
        // The registering organisation is this replica's own: a consent to it is refused
        // (nobody grants themselves access). An active member: no warning.
        let own = try cli.run("navet", grant + ["Socialtjänsten Umeå"])
        #expect(own.code == 3 && own.err.contains("nobody grants themselves access"), "\(own.err)")
        #expect(try cli.navet("hub", "add", "--child", child, "--org", "BUP Umeå", "--role", "BUP").code == 0)
        // (The consents granted above are still in force: the only warnings say so.)
        let member = try cli.run("navet", ["--json"] + grant + ["BUP Umeå"])
        let warnings = object(member)["warnings"] as? [String] ?? []
        #expect(!member.err.contains("no effect") && !warnings.isEmpty
                && warnings.allSatisfy { $0.contains("for the same confidentiality tags is already in force") }, "\(member.err)")
    }

    // MARK: note tag floor

    @Test func noteTagsKeepTheirKindsFloor() throws {
        let child = try setUp()
        try refused(["note", "add", "--child", child, "--kind", "samtal", "--text", "x", "--tag", "school"],
                    says: ["A note of the kind conversation needs at least the confidentiality tag case", "--tag case"])
        try refused(["--lang", "sv", "note", "add", "--child", child, "--kind", "möte", "--text", "x", "--tag", "grunduppgifter"],
                    says: ["En anteckning av typen möte måste ha minst sekretessklassen ärende"])
        try refused(["note", "add", "--child", child, "--kind", "school_absence", "--text", "x", "--tag", "basic"],
                    says: ["needs at least the confidentiality tag school"])
        for (kind, tag, expected) in [("skolfrånvaro", nil, "school"), ("samtal", nil, "case"), ("skolfrånvaro", "hälsa", "health"),
                                      ("iakttagelse", "police", "police"), ("möte", "intern", "internal")] as [(String, String?, String)] {
            let added = try cli.run("navet", ["--json", "note", "add", "--child", child, "--kind", kind, "--text", "x"]
                                    + (tag.map { ["--tag", $0] } ?? []))
            #expect(added.code == 0, "\(kind) \(tag ?? "-"): \(added.err)")
            let id = object(added)["id"] as? String ?? ""
            let notes = json(try cli.navet("--json", "note", "list", "--child", child)) as? [[String: Any]] ?? []
            #expect(notes.first { $0["id"] as? String == id }?["tag"] as? String == expected, "\(kind)")
        }
        // Corrections keep at least the corrected note's tag and the kind's floor.
        let absence = object(try cli.navet("--json", "note", "add", "--child", child, "--kind", "skolfrånvaro", "--text", "x"))["id"] as? String ?? ""
        let correction = try cli.navet("--json", "note", "add", "--child", child, "--kind", "samtal", "--text", "rättelse",
                                       "--corrects", absence)
        #expect(correction.code == 0, "\(correction.err)")
        let listed = json(try cli.navet("--json", "note", "list", "--child", child)) as? [[String: Any]] ?? []
        #expect(listed.first { $0["id"] as? String == object(correction)["id"] as? String }?["tag"] as? String == "case")
        try refused(["note", "add", "--child", child, "--kind", "samtal", "--text", "x", "--corrects", absence, "--tag", "school"],
                    says: ["needs at least the confidentiality tag case"])
    }

    // MARK: help

    @Test func everyCommandHasHelpInBothLanguages() throws {
        let commands = [["hub", "add"], ["hub", "list"], ["hub", "end"], ["consent", "grant"], ["consent", "revoke"],
                        ["consent", "list"], ["missing", "report"], ["missing", "close"], ["missing", "list"],
                        ["missing", "check"], ["missing", "police-notified"], ["missing", "found"], ["missing", "follow-up"],
                        ["missing", "risk"], ["missing", "show"]]
        for command in commands {
            let english = try cli.run("navet", command + ["--help"])
            #expect(english.code == 0 && english.out.contains("Usage: navet \(command.joined(separator: " "))"), "\(command)")
            let swedish = try cli.run("navet", ["--lang", "sv"] + command + ["--help"])
            #expect(swedish.code == 0 && swedish.out.contains("Användning: navet \(command.joined(separator: " "))"), "\(command)")
            #expect(!swedish.out.contains(" ROLE") && !swedish.out.contains(" ORG ") && !swedish.out.contains(" TAGS"), "\(swedish.out)")
        }
        let overview = try cli.navet("--help")
        for line in ["hub add", "hub list", "hub end", "consent grant", "consent revoke", "consent list", "missing report",
                     "missing close", "missing list"] {
            #expect(overview.out.contains("  " + line), "\(line)")
        }
        #expect(try cli.navet("--lang", "sv", "--help").out.contains("Registrera att ett barn har försvunnit"))
        let family = try cli.navet("hub")
        #expect(family.code == 2 && family.err.contains("hub add, hub list, hub end"), "\(family.err)")
    }

    // MARK: Swedish local time (pure)

    @Test func swedishLocalTimesAreReadWithTheirOffset() {
        #expect(SwedishTime.reading(local: "2026-11-30 14:05") == .unique(Timestamp(iso: "2026-11-30T14:05+01:00")!))
        #expect(SwedishTime.reading(local: "2026-07-01T14:05:30") == .unique(Timestamp(iso: "2026-07-01T14:05:30+02:00")!))
        #expect(SwedishTime.reading(local: "2026-03-29 01:59") == .unique(Timestamp(iso: "2026-03-29T01:59+01:00")!))
        #expect(SwedishTime.reading(local: "2026-03-29 02:00") == .gap)
        #expect(SwedishTime.reading(local: "2026-03-29 02:59") == .gap)
        #expect(SwedishTime.reading(local: "2026-03-29 03:00") == .unique(Timestamp(iso: "2026-03-29T03:00+02:00")!))
        #expect(SwedishTime.reading(local: "2026-10-25 01:59") == .unique(Timestamp(iso: "2026-10-25T01:59+02:00")!))
        #expect(SwedishTime.reading(local: "2026-10-25 02:00")
                == .overlap(summer: Timestamp(iso: "2026-10-25T02:00+02:00")!, winter: Timestamp(iso: "2026-10-25T02:00+01:00")!))
        #expect(SwedishTime.reading(local: "2026-10-25 03:00") == .unique(Timestamp(iso: "2026-10-25T03:00+01:00")!))
        #expect(SwedishTime.reading(local: "2026-11-30T14:05+01:00") == nil)
        #expect(SwedishTime.reading(local: "2026-11-30") == nil)
    }
}
