import Foundation
import NavetCore
import NavetTestSupport
import Testing

/// Need to know through the real binaries and the default policy: the file path
/// (`navet export`, `navetd import`, `navet import`), `navetd policy explain`.
@Suite struct NeedToKnowCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-ntk-cli")

    @Test func aSchoolSeesNothingUntilItIsInTheHubAndThenOnlyWhatItsRoleNeeds() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        for (name, kind) in [("Socialtjänsten Umeå", "social_services"), ("Åsa skola", "school")] {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", name, "--kind", kind,
                                   "--municipality", "Umeå").code == 0)
        }
        for (org, file) in [("Socialtjänsten Umeå", "social.enroll"), ("Åsa skola", "school.enroll")] {
            #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", org, "--out", file,
                                   "--url", "http://127.0.0.1:9").code == 0)
        }
        #expect(try cli.navet("--db", "social.db", "init", "--enroll", "social.enroll").code == 0)
        #expect(try cli.navet("--db", "school.db", "init", "--enroll", "school.enroll").code == 0)
        let child = object(try cli.navet("--db", "social.db", "--json", "child", "add", "--name", "Canary Amina",
                                         "--asylum-status", "rejected"))["id"] as? String ?? ""
        #expect(try cli.navet("--db", "social.db", "note", "add", "--child", child, "--kind", "conversation",
                              "--text", "Canary case note").code == 0)
        #expect(try sync("social.db") == 0)
        #expect(try sync("school.db") == 0)
        #expect(try cli.navet("--db", "school.db", "child", "list").out.contains("Canary") == false)

        // Explain: nothing yet, then the mentor's role.
        let before = object(try cli.navetd("--db", "central.db", "--json", "policy", "explain", "--org", "åsa SKOLA",
                                           "--child", String(child.prefix(6))))
        let beforeFields = before["fields"] as? [[String: Any]] ?? []
        #expect(!beforeFields.isEmpty && beforeFields.allSatisfy { $0["read"] as? Bool == false })
        #expect(try cli.navet("--db", "social.db", "hub", "add", "--child", child, "--org", "Åsa skola",
                              "--role", "mentor").code == 0)
        #expect(try sync("social.db") == 0)
        let after = object(try cli.navetd("--db", "central.db", "--json", "policy", "explain", "--org", "Åsa skola",
                                          "--child", child))
        #expect(after["roles"] as? [String] == ["school_mentor"])
        let fields = after["fields"] as? [[String: Any]] ?? []
        let name = fields.first { $0["record_type"] as? String == "child" && $0["field"] as? String == "name" }
        let asylum = fields.first { $0["record_type"] as? String == "child" && $0["field"] as? String == "asylum_status" }
        #expect(name?["read"] as? Bool == true && (name?["rule"] as? String ?? "").hasPrefix("membership:"))
        #expect(asylum?["read"] as? Bool == false)
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "policy", "explain", "--org", "Åsa skola",
                                     "--child", child)
        #expect(swedish.code == 0 && swedish.out.contains("Roller i barnets nav: mentor"), "\(swedish.out)")
        // Explain says what the merge does: a hub member reports a child missing, also one
        // that does not read the search fields (it showed the school may not write them).
        let lastSeen = fields.first { $0["record_type"] as? String == "missing" && $0["field"] as? String == "last_seen_at" }
        #expect(lastSeen?["read"] as? Bool == false && lastSeen?["write"] as? Bool == true, "\(String(describing: lastSeen))")
        #expect((after["writes"] as? [String] ?? []).contains("search"), "\(after["writes"] ?? "")")
        // Every row it says is writable, the merge takes: the JSON and the refusal agree.
        for row in fields { #expect((row["write"] as? Bool == true) == (row["refusal"] is NSNull), "\(row)") }

        // The school's next sync brings the name (with its history), not the asylum status or the case note.
        #expect(try sync("school.db") == 0)
        // ... and, as explain says, the school may report the child missing: the merge takes it.
        let seen = Timestamp(swedishTimeAt: (Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000) / 60_000 * 60_000).description
        #expect(try cli.navet("--db", "school.db", "missing", "report", "--child", child, "--last-seen-at", seen,
                              "--last-seen-place", "Skolgården").code == 0)
        #expect(try sync("school.db") == 0)
        #expect(try sync("social.db") == 0)
        #expect(try cli.navet("--db", "social.db", "child", "list", "--missing").out.contains("Canary Amina"))
        let shown = try cli.navet("--db", "school.db", "child", "show", child)
        #expect(shown.out.contains("Canary Amina"), "\(shown.out)")
        let raw = try Data(contentsOf: folder.url.appendingPathComponent("school.db"))
        #expect(raw.range(of: Data("Canary case note".utf8)) == nil)
        #expect(raw.range(of: Data("rejected".utf8)) == nil)

        // A forbidden write is refused up front by the CLI (it knows its permissions now).
        let forged = try cli.navet("--db", "school.db", "child", "set", child, "asylum-status", "granted")
        #expect(forged.code != 0)

        // Over HTTP: a replica that is sent nothing (its organisation sees nothing of the
        // new changes) still ends its sync with a lag of 0: the server learns its cursor.
        #expect(try cli.navet("--db", "social.db", "note", "add", "--child", child, "--kind", "conversation",
                              "--text", "Another case note").code == 0)
        let server = try ServerProcess(database: folder.path("central.db"), workingDirectory: folder.url)
        defer { _ = server.stop() }
        #expect(try cli.navet("--db", "social.db", "sync", "--server", server.url).code == 0)
        #expect(try cli.navet("--db", "school.db", "sync", "--server", server.url).code == 0)
        let replicas = try JSONSerialization.jsonObject(with: Data(
            try cli.navetd("--db", "central.db", "--json", "replica", "list").out.utf8)) as? [[String: Any]] ?? []
        #expect(!replicas.isEmpty && replicas.allSatisfy { $0["lag"] as? Int == 0 }, "\(replicas)")

        // Bad input to explain.
        let unknownOrg = try cli.navetd("--db", "central.db", "policy", "explain", "--org", "Okänd", "--child", child)
        #expect(unknownOrg.code == 3 && unknownOrg.err.contains("Åsa skola"), "\(unknownOrg.err)")
        let unknownChild = try cli.navetd("--db", "central.db", "policy", "explain", "--org", "Åsa skola", "--child", "zz")
        #expect(unknownChild.code == 3)
        #expect(try cli.navetd("--db", "central.db", "policy", "explain", "--org", "Åsa skola").code == 2)
    }
}
