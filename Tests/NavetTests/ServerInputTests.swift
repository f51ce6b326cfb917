import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetTestSupport
import NavetHTTP
import Testing
@testable import NavetWire

/// What arrives at the central store from outside, at the edges of what the spec allows,
/// sent to the real `navetd import` and a live `navetd serve`: numbers out of range are
/// refused with a clear reason and the server keeps serving; text travels byte for byte;
/// health, metrics and syncs may arrive at once.
@Suite(.serialized) struct ServerInputTests {
    let folder = TemporaryDirectory(prefix: "navet-input")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }
    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Registers an organisation and enrolls `count` replicas created with the CLI.
    func setUp(replicas count: Int) throws -> [Enrollment] {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå",
                               "--kind", "social_services", "--municipality", "Umeå").code == 0)
        return try (0..<count).map { try enroll("r\($0)") }
    }

    func enroll(_ name: String) throws -> Enrollment {
        let enrolled = try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå",
                                      "--out", "\(name).enroll", "--url", "http://127.0.0.1:9")
        #expect(enrolled.code == 0, "\(enrolled.err)")
        #expect(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll").code == 0)
        return try Enrollment.parse(Array(try Data(contentsOf: folder.url.appendingPathComponent("\(name).enroll"))))
    }

    static func change(_ origin: ReplicaID, seq: UInt64, version: UInt64 = 1, replaces: [Stamp] = [],
                       field: String = "name", value: String = "Test", record: UInt64 = 77) -> Change {
        Change(origin: origin, seq: seq, version: version, replaces: replaces, wallTime: now, recordType: "child",
               recordID: RecordID(rawValue: record), field: field, value: .text(value), tag: .basic)
    }

    /// An upload written field by field, so that it can hold values `BundleCodec.encode`
    /// refuses to write, correctly checksummed and signed with the replica's secret.
    /// `ack` is the sender's acknowledgement (BUNDLE.md, "Replica identity"): an upload
    /// carries every own change after it, or the server answers with a catch-up.
    static func rawUpload(_ enrollment: Enrollment, changes: [Change], cursor: UInt64 = 0, ack: UInt64 = 0,
                          epoch: UInt64 = 0, signedAt: Int64? = nil) -> [UInt8] {
        let payload = BundlePayload.encode(changes, limits: .v1)
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        let header = BundleCodec.Header(
            version: BundleCodec.formatVersion, kind: NavetWire.Bundle.Kind.upload.rawValue, flags: 0,
            schemaVersion: Schema.current.version, sender: enrollment.replicaID.rawValue,
            recipient: enrollment.serverID.rawValue, createdAt: now, cursor: cursor, newCursor: 0, ack: ack, epoch: epoch,
            uncompressedLength: UInt32(payload.count), compressedLength: UInt32(compressed.count))
        return BundleCodec.frame(header: header, compressedPayload: compressed,
                                 signer: .fresh(keyID: enrollment.replicaID, secret: enrollment.secret, now: signedAt ?? now))
    }

    /// Bundles from an enrolled replica, each with one number just outside its range
    /// (BUNDLE.md, "Conventions"), and what the refusal must name.
    static func outOfRange(_ a: Enrollment) -> [(name: String, bytes: [UInt8], says: String)] {
        let id = a.replicaID
        return [
            ("cursor 2^63", rawUpload(a, changes: [], cursor: 1 << 63), "cursor outside 0 ..< 2^63"),
            ("cursor 2^64 - 1", rawUpload(a, changes: [], cursor: UInt64.max), "cursor outside 0 ..< 2^63"),
            ("epoch 2^63", rawUpload(a, changes: [], epoch: 1 << 63), "epoch outside 0 ..< 2^63"),
            ("seq 2^63", rawUpload(a, changes: [change(id, seq: 1 << 63)]), "sequence number outside 1 ..< 2^63"),
            ("seq 0", rawUpload(a, changes: [change(id, seq: 0)]), "sequence number outside 1 ..< 2^63"),
            ("version 2^64 - 1", rawUpload(a, changes: [change(id, seq: 1, version: UInt64.max)]),
             "version outside 1 ..< 2^62"),
            ("version 2^62", rawUpload(a, changes: [change(id, seq: 1, version: 1 << 62)]),
             "version outside 1 ..< 2^62"),
            ("replaced version 2^63", rawUpload(a, changes: [
                change(id, seq: 1, version: 2, replaces: [Stamp(version: 1 << 63, origin: id)])]),
             "replaced version outside 1 ..< 2^62"),
        ]
    }

    @Test func navetdImportRefusesNumbersOutOfRange() throws {
        let a = try setUp(replicas: 1)[0]
        var cases = Self.outOfRange(a).map { ($0.name, $0.bytes, $0.says) }
        // Any i64 is a valid timestamp on the wire; Int64.min must not overflow the age check.
        cases.append(("signed at Int64.min", Self.rawUpload(a, changes: [], signedAt: Int64.min), "30-day limit"))
        cases.append(("signed at Int64.max", Self.rawUpload(a, changes: [], signedAt: Int64.max), "later than this server's clock"))
        for (name, bytes, says) in cases {
            try Data(bytes).write(to: folder.url.appendingPathComponent("up.navet"))
            let result = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet")
            #expect(result.code == 4, "\(name): exit \(result.code) \(result.err)")
            #expect(result.err.contains(says) && result.err.contains("nothing was changed"), "\(name): \(result.err)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("reply.navet")), "\(name)")
        }
        // The store still works and holds nothing from the refused files.
        let good = BundleCodec.encode(
            NavetWire.Bundle(kind: .upload, schemaVersion: Schema.current.version, sender: a.replicaID,
                             recipient: a.serverID, createdAt: Self.now, cursor: 0,
                             changes: [Self.change(a.replicaID, seq: 1)]),
            signer: .fresh(keyID: a.replicaID, secret: a.secret, now: Self.now))
        try Data(good).write(to: folder.url.appendingPathComponent("up.navet"))
        let accepted = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet")
        #expect(accepted.code == 0, "\(accepted.err)")
        #expect(try CentralStore.open(path: folder.path("central.db")).changeCount == 1)
    }

    @Test func navetdServeRefusesNumbersOutOfRangeAndKeepsServing() throws {
        let a = try setUp(replicas: 1)[0]
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        func send(_ body: [UInt8], timestamp: String? = nil) throws -> (status: Int, reason: String, message: String) {
            var headers = RequestSignature.sign(method: "POST", path: "/v1/sync", body: body, replica: a.replicaID,
                                                secret: a.secret, now: Self.now).headers
            if let timestamp {
                headers = headers.map { $0.0 == RequestSignature.timestampHeader ? ($0.0, timestamp) : $0 }
            }
            let response = try TestHTTP.request("POST", server.url + "/v1/sync", body: body, headers: headers)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            return (response.status, object["reason"] as? String ?? "ok", object["message"] as? String ?? "")
        }
        for (name, bytes, says) in Self.outOfRange(a) {
            let (status, reason, message) = try send(bytes)
            #expect(status == 400 && reason == "malformed_request", "\(name): \(status) \(reason)")
            #expect(message == "not a valid bundle: invalidValue (\(says))", "\(name): \(message)")
        }
        for signedAt in [Int64.min, Int64.max] {
            let (status, reason, _) = try send(Self.rawUpload(a, changes: [], signedAt: signedAt))
            #expect(status == 401 && reason == "stale_timestamp", "bundle signed at \(signedAt): \(status) \(reason)")
        }
        // The request's own timestamp header: a valid i64 far off is stale; beyond i64, or
        // spelt another way, it is malformed.
        let empty = Self.rawUpload(a, changes: [])
        for (timestamp, status, reason) in [("-9223372036854775808", 401, "stale_timestamp"),
                                            ("9223372036854775807", 401, "stale_timestamp"),
                                            ("9223372036854775808", 400, "malformed_request"),
                                            ("-9223372036854775809", 400, "malformed_request"),
                                            ("+\(Self.now)", 400, "malformed_request"),
                                            ("0\(Self.now)", 400, "malformed_request")] {
            let answer = try send(empty, timestamp: timestamp)
            #expect(answer.status == status && answer.reason == reason, "Navet-Timestamp \(timestamp): \(answer)")
        }
        // The other signed headers have one spelling each too: lowercase hex, no sign.
        let signed = RequestSignature.sign(method: "POST", path: "/v1/sync", body: empty, replica: a.replicaID,
                                           secret: a.secret, now: Self.now).headers
        for name in [RequestSignature.replicaHeader, RequestSignature.nonceHeader, RequestSignature.signatureHeader] {
            for spelling in [{ (text: String) in text.uppercased() }, { "+" + $0.dropFirst() }] {
                guard let original = signed.first(where: { $0.0 == name })?.1, spelling(original) != original else { continue }
                let headers = signed.map { $0.0 == name ? ($0.0, spelling($0.1)) : $0 }
                let response = try TestHTTP.request("POST", server.url + "/v1/sync", body: empty, headers: headers)
                #expect(response.status == 400, "\(name): \(spelling(original))")
            }
        }
        // Still serving: health, and a good sync merges.
        #expect(try TestHTTP.request("GET", server.url + "/v1/health").status == 200)
        let good = Self.rawUpload(a, changes: [Self.change(a.replicaID, seq: 1)])
        #expect(try send(good).status == 200)
        #expect(server.process.isRunning)
        #expect(server.stop() == 0)
        #expect(try CentralStore.open(path: folder.path("central.db")).changeCount == 1)
    }

    /// BUNDLE.md: U+0000 is carried like any other character. A text "a\0b" reaches the
    /// central store and another replica whole, and its origin can send the identical
    /// change again (after a lost reply) as a duplicate.
    @Test func textWithNULTravelsByteForByte() throws {
        let enrollments = try setUp(replicas: 2)
        let (a, b) = (enrollments[0], enrollments[1])
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let text = "a\u{0}b"
        let record = RecordID(rawValue: 0x4242)
        let change = Self.change(a.replicaID, seq: 1, field: "search_description", value: text, record: record.rawValue)
        func send(_ changes: [Change]) throws -> (Int, [UInt8]) {
            let body = Self.rawUpload(a, changes: changes)
            let headers = RequestSignature.sign(method: "POST", path: "/v1/sync", body: body, replica: a.replicaID,
                                                secret: a.secret, now: Self.now).headers
            let response = try TestHTTP.request("POST", server.url + "/v1/sync", body: body, headers: headers)
            return (response.status, response.body)
        }
        #expect(try send([change]).0 == 200)
        // The identical change again: a duplicate, not "already received with other content".
        #expect(try send([change]).0 == 200)
        var cut = change
        cut.value = .text("a")
        // Other content under the same sequence number: a file behind its own history
        // (BUNDLE.md, "Replica identity"). It is answered with a catch-up that carries the
        // stored change back, byte for byte, and nothing is merged.
        let (status, body) = try send([cut])
        #expect(status == 200)
        let catchUp = try BundleCodec.decode(body).bundle
        #expect(catchUp.more && catchUp.changes.map(\.value) == [.text("a\u{0}b")])

        let synced = try cli.navet("--db", "r1.db", "sync", "--server", server.url, "--timeout", "600")
        #expect(synced.code == 0, "\(synced.err)")
        #expect(server.stop() == 0)
        func bytes(_ value: FieldValue) -> [UInt8] {
            if case .text(let text) = value { return Array(text.utf8) }
            return []
        }
        let central = try CentralStore.open(path: folder.path("central.db"))
        #expect(bytes(try central.snapshot(record).value("search_description")) == [0x61, 0x00, 0x62])
        let replica = try ReplicaStore.open(path: folder.path("r1.db"))
        #expect(bytes(try replica.snapshot(record).value("search_description")) == [0x61, 0x00, 0x62])
        #expect(b.replicaID == replica.replicaID)
        // Stored as three bytes of TEXT, as the sqlite3 tool sees the file too.
        let stored = try SQLite3Tool.run(folder.path("r1.db"), """
            SELECT typeof(value), hex(value) FROM changes WHERE field = 'search_description'
            """)
        #expect(stored == "text|610062", "\(stored)")
    }

    /// The highest version the wire allows (2^62 − 1) reaches another replica, and an edit
    /// of that cell (which would need 2^62) is refused there with a clear message instead
    /// of overflowing; one version lower, the edit works and syncs on.
    @Test func highestVersionsAreStoredAndEditsStopAtTheTop() throws {
        let enrollments = try setUp(replicas: 2)
        let a = enrollments[0]
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let (top, below): (UInt64, UInt64) = (0x5151_5151_5151, 0x5252_5252_5252)
        let body = Self.rawUpload(a, changes: [
            Self.change(a.replicaID, seq: 1, version: (1 << 62) - 1, value: "Ali", record: top),
            Self.change(a.replicaID, seq: 2, version: (1 << 62) - 2, value: "Sara", record: below),
        ])
        let headers = RequestSignature.sign(method: "POST", path: "/v1/sync", body: body, replica: a.replicaID,
                                            secret: a.secret, now: Self.now).headers
        #expect(try TestHTTP.request("POST", server.url + "/v1/sync", body: body, headers: headers).status == 200)
        #expect(try cli.navet("--db", "r1.db", "sync", "--server", server.url, "--timeout", "600").code == 0)
        let refused = try cli.navet("--db", "r1.db", "child", "set", RecordID(rawValue: top).description, "name", "Ali H")
        #expect(refused.code == 3 && refused.err.contains("cannot be edited any more"), "\(refused.code) \(refused.err)")
        let edited = try cli.navet("--db", "r1.db", "child", "set", RecordID(rawValue: below).description, "name", "Sara H")
        #expect(edited.code == 0, "\(edited.err)")
        #expect(try cli.navet("--db", "r1.db", "sync", "--server", server.url, "--timeout", "600").code == 0)
        #expect(server.stop() == 0)
        let central = try CentralStore.open(path: folder.path("central.db"))
        #expect(try central.snapshot(RecordID(rawValue: top)).value("name") == .text("Ali"))
        let shown = try central.snapshot(RecordID(rawValue: below))
        #expect(shown.field("name")?.change.version == (1 << 62) - 1)
        #expect(shown.value("name") == .text("Sara H"))
    }

    /// RFC 9110: an unknown method is 501 on any path; a known one that a path does not
    /// allow is 405 with `Allow`; an unknown path is 404. The server keeps serving.
    @Test func methodsAndPathsOfALiveServer() throws {
        _ = try setUp(replicas: 0)
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let port = UInt16(server.address.split(separator: ":").last!)!
        let cases: [(String, String, Int, String?)] = [
            ("BREW", "/v1/health", 501, nil), ("BREW", "/nope", 501, nil), ("get", "/v1/health", 501, nil),
            ("DELETE", "/v1/sync", 405, "POST"), ("GET", "/v1/sync", 405, "POST"), ("POST", "/metrics", 405, "GET, HEAD"),
            ("PUT", "/v1/health", 405, "GET, HEAD"), ("GET", "/nope", 404, nil), ("GET", "/v1/health", 200, nil),
            // RFC 9110 §9.1: HEAD wherever GET.
            ("HEAD", "/v1/health", 200, nil), ("HEAD", "/metrics", 200, nil), ("HEAD", "/v1/sync", 405, "POST"),
        ]
        for (method, path, status, allow) in cases {
            let client = try RawClient(port: port)
            client.send("\(method) \(path) HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
            let response = try #require(client.readResponse(toHEAD: method == "HEAD"), "\(method) \(path)")
            if method == "HEAD" { #expect(response.body.isEmpty, "\(path)") }
            #expect(response.status == status, "\(method) \(path)")
            #expect(response.header("Allow") == allow, "\(method) \(path)")
        }
        #expect(server.stop() == 0)
    }

    /// A replica enrolled by another process while the server runs is accepted at its
    /// first sync: nothing about enrollments or the epoch is cached.
    @Test func replicaEnrolledWhileServingIsAccepted() throws {
        _ = try setUp(replicas: 1)
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        let before = try TestHTTP.request("GET", server.url + "/v1/health")
        #expect(before.status == 200)
        _ = try enroll("late")
        #expect(try cli.navet("--db", "late.db", "child", "add", "--name", "Sent Registrerad").code == 0)
        let synced = try cli.navet("--db", "late.db", "sync", "--server", server.url, "--timeout", "600")
        #expect(synced.code == 0, "\(synced.err)")
        let after = try TestHTTP.request("GET", server.url + "/v1/health")
        #expect(after.status == 200 && after.body == before.body, "the epoch does not change")
        #expect(server.stop() == 0)
    }

    /// Monitoring polls health and metrics in parallel and during syncs. Every request is
    /// answered correctly, the epoch is the same in every health answer, every sync
    /// merges, and the server stops cleanly afterwards (it once crashed inside libsqlite3).
    @Test func concurrentHealthMetricsAndSyncs() throws {
        let enrollments = try setUp(replicas: 2)
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var failures: [String] = []
            var healthBodies = Set<[UInt8]>()
            func fail(_ text: String) { lock.lock(); failures.append(text); lock.unlock() }
        }
        let results = Results()
        let url = server.url
        let port = UInt16(server.address.split(separator: ":").last!)!
        let rounds = 20
        let polls = 150
        // Threads 0-7 poll health and 8-9 metrics, each on one keep-alive connection as
        // fast as answers come; 10-11 sync as one replica each, meanwhile.
        DispatchQueue.concurrentPerform(iterations: 12) { thread in
            do {
                switch thread {
                case 0..<10:
                    let client = try RawClient(port: port)
                    let path = thread < 8 ? "/v1/health" : "/metrics"
                    for _ in 0..<polls {
                        client.send("GET \(path) HTTP/1.1\r\nHost: h\r\n\r\n")
                        guard let response = client.readResponse() else {
                            results.fail("\(path): connection ended")
                            return
                        }
                        if thread < 8 {
                            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                            if response.status != 200 || (object?["epoch"] as? String ?? "").isEmpty {
                                results.fail("health \(response.status) \(object ?? [:])")
                            }
                            results.lock.lock(); results.healthBodies.insert(response.body); results.lock.unlock()
                        } else if response.status != 200 || !response.text.contains("navet_replicas_active 2.0") {
                            results.fail("metrics \(response.status)")
                        }
                    }
                default:
                    let a = enrollments[thread - 10]
                    for round in 0..<rounds {
                        let body = Self.rawUpload(a, changes: [Self.change(a.replicaID, seq: UInt64(round + 1),
                                                                           record: UInt64(thread * 1000 + round))],
                                                  ack: UInt64(round))
                        let headers = RequestSignature.sign(method: "POST", path: "/v1/sync", body: body,
                                                            replica: a.replicaID, secret: a.secret, now: Self.now).headers
                        let response = try TestHTTP.request("POST", url + "/v1/sync", body: body, headers: headers)
                        if response.status != 200 { results.fail("sync \(response.status)") }
                    }
                }
            } catch {
                results.fail("thread \(thread): \(error)")
            }
        }
        #expect(results.failures.isEmpty, "\(results.failures.prefix(5))")
        #expect(results.healthBodies.count == 1, "one epoch, one server id")
        #expect(server.process.isRunning)
        #expect(server.stop() == 0)
        #expect(try CentralStore.open(path: folder.path("central.db")).changeCount == 2 * rounds)
    }
}
