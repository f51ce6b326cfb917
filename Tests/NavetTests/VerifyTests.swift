import Foundation
import NavetCore
@testable import NavetCommands
import NavetStore
import NavetSync
import NavetTestSupport
import Testing

/// `navet verify` and `POST /v1/verify` (Protocol/HTTP.md, "Verification").
@Suite struct VerifyTests {
    let folder = TemporaryDirectory(prefix: "navet-verify")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    func json(_ result: CLIRunner.Result) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) as? [String: Any]
    }

    func enroll(_ name: String, organisation: String, url: String) throws {
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", organisation, "--out", "\(name).enroll",
                               "--url", url).code == 0)
        #expect(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll").code == 0)
    }

    /// Through the real `navetd serve` and `navet`: equal after syncs; a received change
    /// deleted from the file is missing, a forged change of another origin is extra (exit 8,
    /// named by record type, field and organisation, never by value); the endpoint refuses
    /// what `/v1/sync` refuses.
    @Test func verifyFindsMissingAndExtraChangesThroughTheRealServer() throws {
        _ = try cli.navetd("--db", "central.db", "init")
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå", "--kind",
                               "social_services", "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Skolan i Umeå", "--kind", "school",
                               "--municipality", "Umeå").code == 0)
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        try enroll("a", organisation: "Socialtjänsten Umeå", url: server.url)
        try enroll("b", organisation: "Socialtjänsten Umeå", url: server.url)
        try enroll("s", organisation: "Skolan i Umeå", url: server.url)

        let child = json(try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Canary Sara"))?["id"] as? String ?? ""
        #expect(try cli.navet("--db", "a.db", "note", "add", "--child", child, "--kind", "meeting", "--text", "Canary Note").code == 0)
        for name in ["a", "b", "s"] { #expect(try cli.navet("--db", "\(name).db", "sync").code == 0) }

        let equal = try cli.navet("--db", "b.db", "verify")
        #expect(equal.code == 0 && equal.out.contains("holds exactly what it may hold (4 changes"), "\(equal.out)\(equal.err)")
        let swedish = try cli.navet("--db", "b.db", "--lang", "sv", "verify")
        #expect(swedish.code == 0 && swedish.out.contains("exakt det den får ha (4 ändringar"), "\(swedish.out)")
        // The school sees nothing of the child, holds nothing, and that is what it may hold.
        let school = json(try cli.navet("--db", "s.db", "--json", "verify"))
        #expect(school?["equal"] as? Bool == true && school?["held"] as? Int == 0 && school?["scopes"] as? Int == 0)

        // Missing: a received change deleted behind navet's back.
        _ = try SQLite3Tool.run(folder.path("b.db"), "DELETE FROM changes WHERE field = 'text';")
        let missing = try cli.navet("--db", "b.db", "verify")
        #expect(missing.code == 8, "\(missing.out)\(missing.err)")
        #expect(missing.out.contains("Child \(child):"))
        #expect(missing.out.contains("missing: note, field text (case), written by Socialtjänsten Umeå"), "\(missing.out)")
        #expect(!missing.out.contains("Canary"), "never a value")
        #expect(missing.err.contains("1 change this replica may hold is missing"), "\(missing.err)")
        let missingJSON = json(try cli.navet("--db", "b.db", "--json", "verify"))
        let entry = (missingJSON?["missing"] as? [[String: Any]])?.first
        #expect(entry?["record_type"] as? String == "note" && entry?["field"] as? String == "text")
        #expect(entry?["tag"] as? String == "case" && entry?["organisation"] as? String == "Socialtjänsten Umeå")
        #expect(missingJSON?["equal"] as? Bool == false && (missingJSON?["extra"] as? [Any])?.isEmpty == true)

        // Extra: a change of an origin the server never sent it (a leak, as far as it knows).
        _ = try SQLite3Tool.run(folder.path("b.db"), """
            INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id, field, value_kind, value,
                                tag, received_at)
            SELECT 12345, 1, version, replaces, wall_time, record_type, record_id, 'languages', value_kind, value, 'basic',
                   received_at FROM changes WHERE field = 'name';
            """)
        let both = try cli.navet("--db", "b.db", "--lang", "sv", "verify")
        #expect(both.code == 8)
        #expect(both.out.contains("saknas: anteckning, fältet text (ärende), skrivet av Socialtjänsten Umeå"), "\(both.out)")
        #expect(both.out.contains("finns men får inte finnas: barn, fältet språk (grunduppgifter), skrivet av okänd organisation"),
                "\(both.out)")
        #expect(both.err.contains("1 ändring som den lokala databasen får ha saknas"), "\(both.err)")
        let a = json(try cli.navet("--db", "a.db", "--json", "verify"))
        #expect(a?["equal"] as? Bool == true, "the writer holds nothing of others")

        // The endpoint is signed like /v1/sync.
        let store = try ReplicaStore.open(path: folder.path("b.db"))
        let enrollment = try #require(try store.enrollment())
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let body = Array(#"{"cursor": 0}"#.utf8)
        func send(_ body: [UInt8], headers: [(String, String)]) throws -> (Int, String) {
            let response = try TestHTTP.request("POST", server.url + "/v1/verify", body: body, headers: headers)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            return (response.status, object?["reason"] as? String ?? "ok")
        }
        func signed(_ body: [UInt8], secret: [UInt8]? = nil, at time: Int64? = nil, path: String = "/v1/verify")
            -> [(String, String)]
        {
            RequestSignature.sign(method: "POST", path: path, body: body, replica: store.replicaID,
                                  secret: secret ?? enrollment.secret, now: time ?? now).headers
        }
        let replay = signed(body)
        let cases: [(String, [UInt8], [(String, String)], Int, String)] = [
            ("unsigned", body, [], 400, "malformed_request"),
            ("forged", body, signed(body, secret: Array(repeating: 9, count: 32)), 401, "bad_signature"),
            ("signed for /v1/sync", body, signed(body, path: "/v1/sync"), 401, "bad_signature"),
            ("stale", body, signed(body, at: now - 3_600_000), 401, "stale_timestamp"),
            ("first use", body, replay, 200, "ok"),
            ("replayed", body, replay, 409, "replayed_nonce"),
            ("not JSON", Array("cursor=0".utf8), signed(Array("cursor=0".utf8)), 400, "malformed_request"),
            ("negative cursor", Array(#"{"cursor": -1}"#.utf8), signed(Array(#"{"cursor": -1}"#.utf8)), 400, "malformed_request"),
            ("bad detail", Array(#"{"cursor": 1, "detail": [{"child": "xyz", "tag": "case"}]}"#.utf8),
             signed(Array(#"{"cursor": 1, "detail": [{"child": "xyz", "tag": "case"}]}"#.utf8)), 400, "malformed_request"),
        ]
        let strict = [#"{"cursor": true}"#, #"{"cursor": 1.0}"#, #"{"cursor": 0, "cursor": 5}"#, #"{"cursor": 0, "extra": 1}"#]
        for text in strict {
            let (gotStatus, gotReason) = try send(Array(text.utf8), headers: signed(Array(text.utf8)))
            #expect(gotStatus == 400 && gotReason == "malformed_request", "\(text): \(gotStatus) \(gotReason)")
        }
        for (name, body, headers, status, reason) in cases {
            let (gotStatus, gotReason) = try send(body, headers: headers)
            #expect(gotStatus == status && gotReason == reason, "\(name): \(gotStatus) \(gotReason)")
        }
        #expect(try TestHTTP.request("GET", server.url + "/v1/verify").status == 405)
    }

    @Test func verifyHelpAndAnUnreachableServer() throws {
        let help = try cli.navet("verify", "--help")
        #expect(help.code == 0 && help.out.contains("--timeout") && help.out.contains("8 on any difference"))
        let swedish = try cli.navet("--lang", "sv", "verify", "--help")
        #expect(swedish.out.contains("Kontrollera mot centrallagret"))
        #expect(try cli.navet("--help").out.contains("8  verification found differences"))
        _ = try cli.navetd("--db", "central.db", "init")
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Skolan", "--kind", "school",
                               "--municipality", "Umeå").code == 0)
        try enroll("x", organisation: "Skolan", url: "http://127.0.0.1:9")
        let unreachable = try cli.navet("--db", "x.db", "verify", "--timeout", "5")
        #expect(unreachable.code == 6, "\(unreachable.err)")
        #expect(try cli.navet("--db", "x.db", "verify", "--timeout", "0").code == 2)
        #expect(try cli.navet("--db", "fresh.db", "init").code == 0)
        #expect(try cli.navet("--db", "fresh.db", "verify").code == 3, "not enrolled")
    }

    /// The server's digests and each replica's agree in a region of several organisations
    /// after hub membership, consent, a missing episode, an ended membership with the
    /// school's own note (the kept name).
    @Test func serverAndReplicaDigestsAgreeInAMultiOrganisationRegion() throws {
        let region = try Region(organisations: NeedToKnowTests.organisations)
        let tests = NeedToKnowTests()
        let child = try tests.registered(region)
        let membership = try tests.addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan",
                                             role: .schoolMentor)
        _ = try tests.addMember(region, by: "Socialtjänsten", child: child, organisation: "God man Berg", role: .guardian)
        _ = try region["Socialtjänsten"].createRecord(type: "consent", values: [
            "child": .text(child.description), "given_by": .text("guardian"), "organisation": .text("Frivilliga"),
            "tags": .text("basic"), "purpose": .text("Läxhjälp"), "until": .text(region.day(30)),
        ], now: region.now)
        _ = try region["Socialtjänsten"].createRecord(type: "missing", values: [
            "child": .text(child.description), "last_seen_at": .text("2026-11-29T18:30+01:00"),
            "last_seen_place": .text("Canary Place"), "circumstances": .text("Canary Circumstances"), "risk": .text("high"),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        for name in region.replicas.keys.sorted() { try region.sync(name) }
        _ = try region["Skolan"].createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Canary School Own"),
        ], tag: .school, now: region.now)
        try region.sync("Skolan")
        try region["Socialtjänsten"].set(record: membership, field: "end_date", value: .text(region.day(-1)), now: region.now)
        try region.sync("Socialtjänsten")
        for name in region.replicas.keys.sorted() { try region.sync(name) }

        var tagsSeen: [String: Set<NavetCore.Tag>] = [:]
        for (name, replica) in region.replicas {
            let local = try replica.verification()
            let server = try region.central.verification(for: replica.replicaID, cursor: local.cursor, context: region.access,
                                                         now: region.now)
            #expect(local.unplaced.isEmpty, "\(name)")
            #expect(server.scopes == local.digests.scopes, "\(name): \(server.scopes) vs \(local.digests.scopes)")
            for scope in server.scopes {
                #expect(server.count(scope) == local.digests.count(scope), "\(name) \(scope)")
                #expect(server.digest(scope) == local.digests.digest(scope), "\(name) \(scope)")
            }
            tagsSeen[name] = Set(server.scopes.map(\.tag))
        }
        // Filtered, not everything: the ended school holds only the kept name (basic), the
        // volunteers and the police no case.
        #expect(tagsSeen["Frivilliga"]?.contains(.care) == false)
        #expect(tagsSeen["Skolan"] == [.basic])
        #expect(tagsSeen["Polisen"]?.contains(.care) == false)
        #expect(tagsSeen["God man Berg"]?.contains(.care) == true)

        // A change removed from a replica shows as a differing digest for its scope.
        let guardian = region["God man Berg"]
        let before = try guardian.verification()
        _ = try SQLite3Tool.run(guardian.path, "DELETE FROM changes WHERE id = (SELECT max(id) FROM changes WHERE tag = 'case');")
        let after = try guardian.verification()
        let differing = before.digests.scopes.filter { before.digests.digest($0) != after.digests.digest($0) }
        #expect(differing.count == 1 && differing.first?.tag == .care)
        // The digest is SHA-256 of the sorted lines joined by line feeds.
        #expect(VerificationDigests.digest(lines: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(VerificationDigests.digest(lines: ["b:2", "a:1"]) == VerificationDigests.digest(lines: ["a:1", "b:2"]))
        // The vector of Protocol/HTTP.md, "Verification".
        #expect(VerificationDigests.digest(lines: ["00000000000000a2:7", "00000000000000a1:12", "00000000000000a1:3"])
                == "fd14de066b2354d6597276e982f66a8a0d7c54fafe8ec3882b2e3acbe5720fbe")
    }

    /// The verification request is read strictly: a decimal cursor from 0 to 2^63 − 1, each
    /// key once, nothing else (it read `true` as 1, `1.0` as 1 and the last of two cursors).
    @Test func theVerificationRequestIsReadStrictly() {
        let good = Router.parseVerifyRequest(Array(#"{"cursor": 42, "detail": [{"child": "00000000000000ab", "tag": "case"}]}"#.utf8))
        #expect(good?.cursor == 42 && good?.detail.count == 1)
        #expect(Router.parseVerifyRequest(Array(#"{"cursor": 9223372036854775807}"#.utf8))?.cursor == UInt64(Int64.max))
        for text in [#"{"cursor": true}"#, #"{"cursor": 1.0}"#, #"{"cursor": 1e3}"#, #"{"cursor": 01}"#, #"{"cursor": -0}"#,
                     #"{"cursor": 9223372036854775808}"#, #"{"cursor": 18446744073709551616}"#, #"{"cursor": "1"}"#,
                     #"{"cursor": 0, "cursor": 5}"#, #"{"cursor": 0, "more": 1}"#, #"{"detail": []}"#, #"[0]"#,
                     #"{"cursor": 0, "detail": [{"child": "00000000000000ab", "tag": "case", "x": 1}]}"#,
                     #"{"cursor": 0, "detail": [{"child": "00000000000000ab"}]}"#,
                     String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)] {
            #expect(Router.parseVerifyRequest(Array(text.utf8)) == nil, "\(text.prefix(80))")
        }
    }
}
