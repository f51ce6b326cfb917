import Foundation
import NavetCommands
import NavetCore
import NavetCrypto
import NavetStore
import NavetSync
import NavetTestSupport
import NavetWire
import Testing

/// A real `navetd serve` on a loopback port, real replicas and the real `navet` binary.
@Suite(.serialized) struct HTTPSyncTests {
    let folder = TemporaryDirectory(prefix: "navet-http")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// Registers an organisation and enrolls `count` replicas created with the CLI.
    func setUp(replicas count: Int, url: String) throws -> [Enrollment] {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå",
                               "--kind", "social_services", "--municipality", "Umeå").code == 0)
        return try (0..<count).map { index in
            let enrolled = try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå",
                                          "--out", "r\(index).enroll", "--url", url)
            #expect(enrolled.code == 0, "\(enrolled.err)")
            #expect(try cli.navet("--db", "r\(index).db", "init", "--enroll", "r\(index).enroll").code == 0)
            return try Enrollment.parse(Array(try Data(contentsOf: folder.url.appendingPathComponent("r\(index).enroll"))))
        }
    }

    /// The server must be created before it serves, so enrollment runs first on the file,
    /// then the server starts on it. The enrollment URL is fixed up by `--server`.
    @Test func fiveReplicasSyncConcurrently() throws {
        let enrollments = try setUp(replicas: 5, url: "http://127.0.0.1:9")
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        for index in 0..<5 {
            let added = try cli.navet("--db", "r\(index).db", "child", "add", "--name", "Barn \(index) Åström")
            #expect(added.code == 0)
        }
        // Everyone at once, twice round so each gets what the others sent.
        for _ in 0..<2 {
            final class Results: @unchecked Sendable {
                let lock = NSLock()
                var codes = [Int32](repeating: -1, count: 5)
                var errors: [String] = []
            }
            let results = Results()
            let cli = self.cli
            let url = server.url
            DispatchQueue.concurrentPerform(iterations: 5) { index in
                // A generous timeout: on a shared CI machine an fsync can stall for a minute
                // under the parallel suite, and a timed-out sync (exit 6) is correct but not
                // what this test is about.
                let result = try? cli.navet("--db", "r\(index).db", "sync", "--server", url, "--timeout", "600")
                results.lock.lock()
                results.codes[index] = result?.code ?? -1
                if let result, result.code != 0 { results.errors.append(result.err) }
                results.lock.unlock()
            }
            #expect(results.codes == [0, 0, 0, 0, 0], "\(results.errors)")
        }
        for index in 0..<5 {
            let list = try cli.navet("--db", "r\(index).db", "--json", "child", "list")
            #expect((try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [Any])?.count == 5)
            let status = try JSONSerialization.jsonObject(with: Data(try cli.navet("--db", "r\(index).db", "--json", "status").out.utf8)) as! [String: Any]
            #expect(status["pending"] as? Int == 0)
            #expect(status["last_sync"] is String)
        }
        let replicas = try JSONSerialization.jsonObject(
            with: Data(try cli.navetd("--db", "central.db", "--json", "replica", "list").out.utf8)) as! [[String: Any]]
        #expect(replicas.count == enrollments.count && replicas.allSatisfy { $0["last_sync"] is String })
        #expect(replicas.allSatisfy { $0["client_version"] as? String == "navet/\(Version.string)" })
        #expect(replicas.allSatisfy { $0["schema_version"] as? Int == Int(Schema.current.version) && $0["pending_refusals"] as? Int == 0 })
        #expect(replicas.allSatisfy { ($0["epoch_seen"] as? String)?.isEmpty == false })
        let silent = try cli.navetd("--db", "central.db", "--json", "replica", "list", "--silent", "1h")
        #expect((try JSONSerialization.jsonObject(with: Data(silent.out.utf8)) as? [Any])?.isEmpty == true)
        let metrics = String(decoding: try TestHTTP.request("GET", server.url + "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("navet_replicas_active 5.0") && metrics.contains("navet_replicas_silent 0.0"))
        #expect(metrics.contains("navet_oldest_sync_age_seconds "))
        #expect(server.stop() == 0)
        #expect(server.log.contains("\"stopped\""))
        #expect(!server.log.contains("Åström"), "logs carry no case data")
    }

    @Test func unreachableServerLosesNothing() throws {
        _ = try setUp(replicas: 1, url: "http://127.0.0.1:9")
        #expect(try cli.navet("--db", "r0.db", "child", "add", "--name", "Sara").code == 0)
        let result = try cli.navet("--db", "r0.db", "sync", "--timeout", "5")
        #expect(result.code == 6, "\(result.err)")
        #expect(result.err.contains("Nothing was lost"))
        let status = try JSONSerialization.jsonObject(with: Data(try cli.navet("--db", "r0.db", "--json", "status").out.utf8)) as! [String: Any]
        #expect(status["pending"] as? Int == 1)
    }

    /// Every refusal of Protocol/HTTP.md, each by a real request, each with its own status
    /// and metric, and none changing the store.
    @Test func everyRefusalByARealRequest() throws {
        let enrollments = try setUp(replicas: 2, url: "http://127.0.0.1:9")
        let (a, b) = (enrollments[0], enrollments[1])
        #expect(try cli.navetd("--db", "central.db", "replica", "revoke", b.replicaID.description).code == 0)
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let endpoint = server.url + "/v1/sync"
        let now = Int64(Date().timeIntervalSince1970 * 1000)

        func change(_ origin: ReplicaID, seq: UInt64, field: String = "name", value: String = "Test") -> Change {
            Change(origin: origin, seq: seq, version: 1, replaces: [], wallTime: now, recordType: "child",
                   recordID: RecordID(rawValue: 77), field: field, value: .text(value), tag: .basic)
        }
        func upload(_ enrollment: Enrollment, changes: [Change] = [], recipient: ReplicaID? = nil,
                    signedAt: Int64? = nil, secret: [UInt8]? = nil, ack: UInt64 = 0) -> [UInt8] {
            let bundle = Bundle(kind: .upload, schemaVersion: 1, sender: enrollment.replicaID,
                                recipient: recipient ?? enrollment.serverID, createdAt: now, cursor: 0, ack: ack,
                                changes: changes)
            return BundleCodec.encode(bundle, signer: .fresh(keyID: enrollment.replicaID, secret: secret ?? enrollment.secret,
                                                              now: signedAt ?? now))
        }
        func send(_ body: [UInt8], as enrollment: Enrollment, secret: [UInt8]? = nil, at time: Int64? = nil,
                  headers override: [(String, String)]? = nil) throws -> (Int, String) {
            let signature = RequestSignature.sign(method: "POST", path: "/v1/sync", body: body, replica: enrollment.replicaID,
                                                  secret: secret ?? enrollment.secret, now: time ?? now)
            let response = try TestHTTP.request("POST", endpoint, body: body, headers: override ?? signature.headers)
            let reason = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["reason"] as? String
            return (response.status, reason ?? "ok")
        }
        let stranger = Enrollment(serverID: a.serverID, url: "", replicaID: ReplicaID(rawValue: 0x1234_5678),
                                  organisation: "x", secret: Array(repeating: 7, count: 32))
        let wrongKey = Array(repeating: UInt8(9), count: 32)
        let good = upload(a, changes: [change(a.replicaID, seq: 1)])
        let replayHeaders = RequestSignature.sign(method: "POST", path: "/v1/sync", body: good, replica: a.replicaID,
                                                  secret: a.secret, now: now).headers

        let cases: [(String, () throws -> (Int, String), Int, String)] = [
            ("no headers", { try send(good, as: a, headers: []) }, 400, "malformed_request"),
            ("garbage body", { try send(Array("not a bundle".utf8), as: a) }, 400, "malformed_request"),
            ("unknown replica", { try send(upload(stranger), as: stranger) }, 401, "unknown_replica"),
            ("revoked replica", { try send(upload(b), as: b) }, 403, "revoked_replica"),
            ("bad request signature", { try send(good, as: a, secret: wrongKey) }, 401, "bad_signature"),
            ("bad bundle signature", { try send(upload(a, secret: wrongKey), as: a) }, 401, "bad_signature"),
            ("stale request", { try send(good, as: a, at: now - 3_600_000) }, 401, "stale_timestamp"),
            ("stale bundle", { try send(upload(a, signedAt: now - 3_600_000), as: a) }, 401, "stale_timestamp"),
            ("foreign origin", { try send(upload(a, changes: [change(b.replicaID, seq: 1)]), as: a) }, 403, "foreign_origin"),
            ("sequence gap", { try send(upload(a, changes: [change(a.replicaID, seq: 5)]), as: a) }, 409, "sequence_gap"),
            ("invalid change", { try send(upload(a, changes: [change(a.replicaID, seq: 1, field: "shoe")]), as: a) }, 422, "invalid_change"),
            ("wrong server", { try send(upload(a, recipient: ReplicaID(rawValue: 99)), as: a) }, 421, "wrong_server"),
            ("first use", { try send(good, as: a, headers: replayHeaders) }, 200, "ok"),
            ("replayed request", { try send(good, as: a, headers: replayHeaders) }, 409, "replayed_nonce"),
            ("replayed bundle", { try send(good, as: a) }, 409, "replayed_nonce"),
            // With an honest acknowledgement (0) other content under seq 1 is a file behind
            // its own history and gets a catch-up (ReplicaIdentityTests); a sender that
            // claims the server acknowledged seq 1 and still sends other content is refused.
            ("sequence reused", { try send(upload(a, changes: [change(a.replicaID, seq: 1, value: "Other")], ack: 1), as: a) },
             409, "sequence_reused"),
        ]
        for (name, request, status, reason) in cases {
            let (gotStatus, gotReason) = try request()
            #expect(gotStatus == status && gotReason == reason, "\(name): \(gotStatus) \(gotReason)")
        }
        // A signature header given twice (the replica's id, then another's): one spelling
        // only, so malformed, whichever the server would have read.
        let twice = RequestSignature.sign(method: "POST", path: "/v1/sync", body: good, replica: a.replicaID,
                                          secret: a.secret, now: now).headers + [("Navet-Replica", b.replicaID.description)]
        let raw = try RawClient(port: try #require(UInt16(server.address.split(separator: ":").last ?? "")))
        raw.send("POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: \(good.count)\r\n"
                 + twice.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n")
        raw.send(good)
        let answer = try #require(raw.readResponse())
        #expect(answer.status == 400 && answer.text.contains("malformed_request"), "\(answer.status) \(answer.text)")
        let metrics = String(decoding: try TestHTTP.request("GET", server.url + "/metrics").body, as: UTF8.self)
        for reason in ["malformed_request", "unknown_replica", "revoked_replica", "bad_signature", "stale_timestamp",
                       "foreign_origin", "sequence_gap", "invalid_change", "wrong_server", "replayed_nonce",
                       "sequence_reused"] {
            #expect(metrics.contains("navet_refusals_total{reason=\"\(reason)\"} ") &&
                    !metrics.contains("navet_refusals_total{reason=\"\(reason)\"} 0\n"), "\(reason) counted")
        }
        #expect(metrics.contains("navet_syncs_total 1\n"))
        server.stop()
        let health = try JSONSerialization.jsonObject(
            with: Data(try cli.navetd("--db", "central.db", "--json", "replica", "list").out.utf8)) as! [[String: Any]]
        let aHealth = health.first { $0["replica"] as? String == a.replicaID.description }!
        #expect(aHealth["pending_refusals"] as? Int == 2, "only refusals after the last success count")
        #expect(aHealth["last_refusal"] as? String == "sequence_reused")
        let central = try CentralStore.open(path: folder.path("central.db"))
        #expect(try central.changeCount == 1, "only the one accepted upload changed the store")
    }

    /// kill -9 of navetd in the middle of syncs: nothing is lost, the next sync converges.
    @Test func killingTheServerMidSyncLosesNothing() throws {
        _ = try setUp(replicas: 2, url: "http://127.0.0.1:9")
        // Enough pending changes that a sync takes a while: made through the real store.
        do {
            let replica = try ReplicaStore.open(path: folder.path("r0.db"))
            for index in 0..<1500 {
                _ = try replica.createRecord(type: "child", values: ["name": .text("Barn \(index)"),
                                                                     "languages": .text("dari")], now: 1)
            }
        }
        for attempt in 0..<4 {
            let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
            let client = Process()
            client.executableURL = CLIRunner.productsFolder.appendingPathComponent("navet")
            client.arguments = ["--db", "r0.db", "sync", "--server", server.url]
            client.currentDirectoryURL = folder.url
            client.standardError = FileHandle.nullDevice
            client.standardOutput = FileHandle.nullDevice
            try client.run()
            usleep(UInt32(30_000 + attempt * 40_000))
            if attempt % 2 == 0 {
                server.crash()
                client.waitUntilExit()
                #expect([0, 6].contains(client.terminationStatus), "the client says: done, or nothing lost")
            } else {
                kill(client.processIdentifier, SIGKILL)  // the laptop dies mid-sync
                client.waitUntilExit()
                server.stop()
            }
            #expect(try ReplicaStore.open(path: folder.path("r0.db")).integrityCheck() == ["ok"])
        }
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        #expect(try cli.navet("--db", "r0.db", "sync", "--server", server.url, "--timeout", "600").code == 0)
        #expect(try cli.navet("--db", "r1.db", "sync", "--server", server.url, "--timeout", "600").code == 0)
        server.stop()
        let r0 = try ReplicaStore.open(path: folder.path("r0.db"))
        let r1 = try ReplicaStore.open(path: folder.path("r1.db"))
        let central = try CentralStore.open(path: folder.path("central.db"))
        #expect(try r0.status().pending == 0)
        #expect(try central.changeCount == 3000)
        #expect(Set(try r1.allChanges()) == Set(try central.allChanges()))
        #expect(try central.integrityCheck() == ["ok"])
    }

    @Test func onlyTheConfiguredProxyHeaderIsTrusted() throws {
        _ = try setUp(replicas: 0, url: "http://127.0.0.1:9")
        let headers = [("X-Forwarded-For", "203.0.113.9"), ("X-Real-IP", "198.51.100.7")]
        let plain = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        #expect(try TestHTTP.request("GET", plain.url + "/v1/health", headers: headers).status == 200)
        plain.stop()
        #expect(plain.log.contains("\"client\":\"127.0.0.1\""))
        #expect(!plain.log.contains("203.0.113.9") && !plain.log.contains("198.51.100.7"))

        let proxied = try ServerProcess(database: "central.db", workingDirectory: folder.url,
                                        arguments: ["--trusted-proxy-header", "X-Real-IP"])
        #expect(try TestHTTP.request("GET", proxied.url + "/v1/health", headers: headers).status == 200)
        proxied.stop()
        #expect(proxied.log.contains("\"client\":\"198.51.100.7\""))
        #expect(!proxied.log.contains("203.0.113.9"))
    }

    /// `navetd backup` while `navetd serve` is syncing replicas, then `navetd restore`:
    /// the copy passes its check, a bad file is refused, and the replicas recover.
    @Test func backupWhileServingAndRestoreThroughTheCLI() throws {
        _ = try setUp(replicas: 2, url: "http://127.0.0.1:9")
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        for index in 0..<2 {
            #expect(try cli.navet("--db", "r\(index).db", "child", "add", "--name", "Barn \(index)").code == 0)
            #expect(try cli.navet("--db", "r\(index).db", "sync", "--server", server.url, "--timeout", "600").code == 0)
        }
        // Back up while a sync is running.
        let syncing = Process()
        syncing.executableURL = CLIRunner.productsFolder.appendingPathComponent("navet")
        syncing.arguments = ["--db", "r0.db", "sync", "--server", server.url, "--timeout", "600"]
        syncing.currentDirectoryURL = folder.url
        syncing.standardOutput = FileHandle.nullDevice
        syncing.standardError = FileHandle.nullDevice
        try syncing.run()
        let backup = try cli.navetd("--db", "central.db", "backup", "backup.db")
        syncing.waitUntilExit()
        #expect(backup.code == 0, "\(backup.err)")
        #expect(syncing.terminationStatus == 0)
        // More work after the backup.
        #expect(try cli.navet("--db", "r1.db", "child", "add", "--name", "Efter säkerhetskopian").code == 0)
        #expect(try cli.navet("--db", "r1.db", "sync", "--server", server.url, "--timeout", "600").code == 0)
        #expect(server.stop() == 0)

        let garbage = folder.path("garbage.db")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let refused = try cli.navetd("--db", "central.db", "restore", "garbage.db")
        #expect(refused.code == 4, "\(refused.err)")
        #expect(try CentralStore.open(path: folder.path("central.db")).changeCount == 3)

        let restored = try cli.navetd("--db", "central.db", "restore", "backup.db")
        #expect(restored.code == 0, "\(restored.err)")
        #expect(try CentralStore.open(path: folder.path("central.db")).changeCount == 2)
        let again = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        for _ in 0..<2 {
            for index in 0..<2 {
                #expect(try cli.navet("--db", "r\(index).db", "sync", "--server", again.url, "--timeout", "600").code == 0)
            }
        }
        again.stop()
        let central = try CentralStore.open(path: folder.path("central.db"))
        #expect(try central.changeCount == 3, "the change made after the backup came back from its replica")
        for index in 0..<2 {
            #expect(Set(try ReplicaStore.open(path: folder.path("r\(index).db")).allChanges()) == Set(try central.allChanges()))
        }
    }
}
