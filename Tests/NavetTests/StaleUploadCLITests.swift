import Foundation
import NavetTestSupport
import Testing

/// `navetd import` of an upload its replica has already overtaken (a later sync merged more
/// of its changes): the upload is not merged, and the operator is told so and given the
/// catch-up reply, in both languages (Protocol/BUNDLE.md, "Replica identity").
@Suite struct StaleUploadCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-stale")

    @Test func anOvertakenUploadIsNamedNotMerged() throws {
        try socialServicesReplica()
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Åsa Öberg").code == 0)
        #expect(try cli.navet("--db", "a.db", "export", "stale.navet").code == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Märta Ängström").code == 0)
        #expect(try sync("a.db") == 0)
        let before = try cli.navetd("--db", "central.db", "--json", "status").out

        let english = try cli.navetd("--db", "central.db", "import", "stale.navet", "--reply", "catch-up.navet")
        #expect(english.code == 0, "\(english.err)")
        #expect(english.out.contains("Did not merge the bundle") && english.out.contains("catch-up reply")
                && english.out.contains("synced since refuses it") && !english.out.contains("Merged"), "\(english.out)")
        let swedish = try cli.navetd("--lang", "sv", "--db", "central.db", "import", "stale.navet",
                                     "--reply", "catch-up-2.navet")
        #expect(swedish.out.contains("Slog inte ihop"), "\(swedish.out)")
        let json = object(try cli.navetd("--db", "central.db", "--json", "import", "stale.navet",
                                         "--reply", "catch-up-3.navet"))
        #expect(json["caught_up"] as? Bool == true && json["applied"] as? Int == 0, "\(json)")
        #expect(try cli.navetd("--db", "central.db", "--json", "status").out == before)

        // The replica, which synced since, refuses that reply, as the message says.
        #expect(try cli.navet("--db", "a.db", "import", "catch-up.navet").code == 4)
        // A current upload is still merged and says so.
        #expect(try cli.navet("--db", "a.db", "export", "--force", "up.navet").code == 0)
        let current = object(try cli.navetd("--db", "central.db", "--json", "import", "up.navet",
                                            "--reply", "reply.navet", "--force"))
        #expect(current["caught_up"] as? Bool == false, "\(current)")
    }
}
