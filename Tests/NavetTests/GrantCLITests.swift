import Foundation
import NavetCore
import NavetTestSupport
import Testing

/// The up-front checks that use the grants part of permissions (Protocol/BUNDLE.md,
/// "Grants"), through the real binaries and the default policy: registering a child,
/// changing the hub, recording consent, and the fields the missing rule lets the police read.
@Suite struct GrantCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-grant-cli")

    func changes(_ db: String) throws -> Int {
        object(try cli.navet("--db", db, "--json", "status"))["changes"] as? Int ?? -1
    }

    @Test func whatTheServerWouldRefuseIsRefusedUpFrontAndWhatItAllowsIsNot() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        let orgs = [("Socialtjänsten Umeå", "social_services", "social"), ("Åsa skola", "school", "school"),
                    ("Röda korset Umeå", "volunteer", "volunteer"), ("Polisen Nord", "police", "police")]
        for (name, kind, file) in orgs {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind,
                                   "--municipality", "Umeå").code == 0)
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", name, "--out", file + ".enroll",
                                   "--url", "http://127.0.0.1:9").code == 0)
            #expect(try cli.navet("--db", file + ".db", "init", "--enroll", file + ".enroll").code == 0)
        }
        let child = object(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Amina Yusuf",
                                         "--search-description", "Grön jacka"))["id"] as? String ?? ""
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Åsa skola",
                              "--role", "mentor").code == 0)
        #expect(try sync("social.db") == 0)

        // 1. A volunteer organisation: before its first sync nothing is known (today's
        // behaviour: not judged here); after it, registering a child is refused up front.
        #expect(object(try cli.navet("--db", "volunteer.db", "--json", "status"))["may_register"] is NSNull)
        #expect(try sync("volunteer.db") == 0)
        #expect(object(try cli.navet("--db", "volunteer.db", "--json", "status"))["may_register"] as? Bool == false)
        let before = try changes("volunteer.db")
        let register = try cli.navet("--db", "volunteer.db", "child", "add", "--name", "Omid Karimi")
        #expect(register.code == 2 && register.err.contains("may not register children")
                && register.err.contains("Nothing was changed"), "\(register.err)")
        let swedish = try cli.navet("--db", "volunteer.db", "--lang", "sv", "child", "add", "--name", "Omid Karimi")
        #expect(swedish.code == 2 && swedish.err.contains("får inte registrera barn"), "\(swedish.err)")
        #expect(try changes("volunteer.db") == before)
        #expect(try cli.navet("--db", "volunteer.db", "child", "list").out.contains("Omid") == false)
        // Social services may register (the grants part says so), and may change the hub and record consent.
        #expect(object(try cli.navet("--db", "social.db", "--json", "status"))["may_register"] as? Bool == true)

        // 2. The school mentor may not change the hub or record consent: refused up front.
        #expect(try sync("school.db") == 0)
        let schoolBefore = try changes("school.db")
        let hub = try cli.navet("--db", "school.db", "hub", "add", "--child", child, "--org", "Röda korset Umeå",
                                "--role", "volunteer")
        #expect(hub.code == 2 && hub.err.contains("may not add or end members of the hub"), "\(hub.err)")
        let consent = try cli.navet("--db", "school.db", "consent", "grant", "--child", child, "--by", "child",
                                    "--to", "Röda korset Umeå", "--tags", "basic", "--purpose", "Läxhjälp")
        #expect(consent.code == 2 && consent.err.contains("may not record or revoke consent"), "\(consent.err)")
        let consentSv = try cli.navet("--db", "school.db", "--lang", "sv", "consent", "grant", "--child", child, "--by",
                                      "barnet", "--to", "Röda korset Umeå", "--tags", "basic", "--purpose", "Läxhjälp")
        #expect(consentSv.code == 2 && consentSv.err.contains("får inte registrera eller återkalla samtycke"),
                "\(consentSv.err)")
        let memberships = object(try cli.navet("--db", "school.db", "--json", "hub", "list", "--child", child))["memberships"]
            as? [[String: Any]] ?? []
        let membership = memberships.first?["id"] as? String ?? ""
        let end = try cli.navet("--db", "school.db", "hub", "end", membership)
        #expect(end.code == 2 && end.err.contains("may not add or end members of the hub"), "\(end.err)")
        #expect(try changes("school.db") == schoolBefore)
        // What it may write is not refused: a school note.
        #expect(try cli.navet("--db", "school.db", "note", "add", "--child", child, "--kind", "school_absence", "--tag", "school",
                              "--text", "Bra vecka").code == 0)
        // The registrar's hub and consent changes are not refused up front after a sync.
        let added = try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Röda korset Umeå",
                                  "--role", "volunteer")
        #expect(added.code == 0, "\(added.err)")
        let granted = try cli.navet("--db", "social.db", "consent", "grant", "--child", child, "--by", "child",
                                    "--to", "Åsa skola", "--tags", "case", "--purpose", "Stöd i skolan")
        #expect(granted.code == 0, "\(granted.err)")
        // Nobody grants themselves access: refused up front, in either language, nothing written.
        let held = try changes("social.db")
        let selfGranted = try cli.navet("--db", "social.db", "--lang", "sv", "consent", "grant", "--child", child,
                                        "--by", "child", "--to", "socialtjänsten umeå", "--tags", "health", "--purpose", "x")
        #expect(selfGranted.code == 3 && selfGranted.err.contains("ingen ger sig själv behörighet"), "\(selfGranted.err)")
        #expect(try changes("social.db") == held)

        // 3. The police, during an open missing episode, read the search fields by the
        // missing rule: writing them is refused as read-only, never as "may not read".
        let episode = object(try cli.navet("--db", "social.db", "--json", "missing", "report", "--child", child,
                                           "--last-seen-at", "2026-11-28 14:05", "--last-seen-place", "Umeå C"))["id"]
            as? String ?? ""
        #expect(!episode.isEmpty)
        #expect(try sync("social.db") == 0)
        #expect(try sync("police.db") == 0)
        let shown = try cli.navet("--db", "police.db", "child", "show", child)
        #expect(shown.out.contains("Amina Yusuf") && shown.out.contains("Grön jacka"), "\(shown.out)")
        // The missing rule gives the search fields, not the hub: not "no other organisations".
        let policeHub = try cli.navet("--db", "police.db", "hub", "list", "--child", child)
        #expect(policeHub.out.contains("not shared with your organisation"), "\(policeHub.out)")
        let policeBefore = try changes("police.db")
        let search = try cli.navet("--db", "police.db", "child", "set", child, "search-description", "Blå jacka")
        #expect(search.code == 2 && search.err.contains("may read") && !search.err.contains("may not read"),
                "\(search.err)")
        let name = try cli.navet("--db", "police.db", "--lang", "sv", "child", "set", child, "name", "Amina Y")
        #expect(name.code == 2 && name.err.contains("får läsa") && !name.err.contains("får inte läsa"), "\(name.err)")
        let other = try cli.navet("--db", "police.db", "child", "set", child, "asylum-status", "granted")
        #expect(other.code == 2 && other.err.contains("may not read"), "\(other.err)")
        let close = try cli.navet("--db", "police.db", "hub", "add", "--child", child, "--org", "Polisen Nord",
                                  "--role", "police")
        #expect(close.code == 2 && close.err.contains("not in the hub"), "\(close.err)")
        // Missing episodes are written by the hub: the police (not in it) may not close one.
        let closing = try cli.navet("--db", "police.db", "missing", "close", episode, "--reason", "reported by mistake")
        #expect(closing.code == 2 && closing.err.contains("not in the hub"), "\(closing.err)")
        #expect(try changes("police.db") == policeBefore)

        // 4. The school, a member that does not read the search fields, is not sent an
        // episode's closing: its own report shows "not shared", never "open" forever, and
        // does not block a later report.
        #expect(try cli.navet("--db", "social.db", "missing", "close", episode, "--reason", "reported by mistake").code == 0)
        #expect(try sync("social.db") == 0)
        #expect(try sync("school.db") == 0)
        let reported = try cli.navet("--db", "school.db", "--json", "missing", "report", "--child", child,
                                     "--last-seen-at", "2026-11-29 08:10", "--last-seen-place", "Skolgården")
        #expect(reported.code == 0, "\(reported.err)")
        #expect(try sync("school.db") == 0)
        #expect(try sync("social.db") == 0)
        let schoolEpisode = object(reported)["id"] as? String ?? ""
        #expect(try cli.navet("--db", "social.db", "missing", "close", schoolEpisode, "--reason", "reported by mistake").code == 0)
        #expect(try sync("social.db") == 0)
        #expect(try sync("school.db") == 0)
        let listed = try cli.navet("--db", "school.db", "--lang", "sv", "missing", "list")
        #expect(listed.out.contains("öppet eller avslutat: delas inte med din organisation"), "\(listed.out)")
        let again = try cli.navet("--db", "school.db", "missing", "report", "--child", child,
                                  "--last-seen-at", "2026-11-30 08:10", "--last-seen-place", "Skolgården")
        #expect(again.code == 0, "\(again.err)")
    }
}
