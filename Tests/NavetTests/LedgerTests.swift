import Foundation
import NavetCore
import NavetCrypto
@testable import NavetCommands
import NavetStore
import NavetSync
import NavetTestSupport
import NavetWire
import Testing

/// The disclosure ledger (issue 13, point 3): exact derivation, hash chain, checkpoints,
/// tampering, and the auditor queries through the real `navetd`.
@Suite struct LedgerTests {
    /// A region whose every reply is decoded and remembered: what each replica was sent.
    final class Recorder {
        let region: Region
        var received: [String: [ChangeRef]] = [:]

        init() throws {
            region = try Region(organisations: NeedToKnowTests.organisations)
        }

        func sync(_ name: String) throws {
            var more = true
            var rounds = 0
            while try more || region[name].pendingCount() > 0 {
                rounds += 1
                precondition(rounds < 50, "sync does not finish")
                region.now += 1000
                let upload = try Sync.upload(region[name], now: region.now).bytes
                let reply = try region.service.accept(upload, arrival: .file, now: region.now).reply
                let bundle = try BundleCodec.decode(reply).bundle
                received[name, default: []] += bundle.changes.map { ChangeRef(origin: $0.origin, seq: $0.seq) }
                more = try Sync.applyReply(reply, to: region[name], now: region.now).more
            }
        }

        /// A busy child: registration, hub, notes under several tags, a consent, an open
        /// missing episode, a member whose role starts while the episode's fields are held,
        /// and a membership that ends.
        func busyChild() throws -> RecordID {
            let social = region["Socialtjänsten"]
            let child = try social.createRecord(type: "child", values: [
                "name": .text("Amina"), "asylum_status": .text("pending"), "search_description": .text("Lång"),
                "birth_date": .text("2010-05-01"),
            ], now: region.now)
            _ = try social.createRecord(type: "note", values: [
                "child": .text(child.description), "kind": .text("conversation"), "text": .text("Samtal"),
            ], tag: .care, now: region.now)
            _ = try social.createRecord(type: "note", values: [
                "child": .text(child.description), "kind": .text("conversation"), "text": .text("Internt"),
            ], tag: .internal, now: region.now)
            try sync("Socialtjänsten")
            for name in ["Skolan", "Polisen", "Frivilliga"] { try sync(name) }
            let mentor = try member(child, "Skolan", .schoolMentor)
            try sync("Skolan")
            // Changes of other tags between the school's in one range.
            try social.set(record: child, field: "languages", value: .text("dari"), now: region.now)
            _ = try social.createRecord(type: "note", values: [
                "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Frånvaro"),
            ], tag: .school, now: region.now)
            try social.set(record: child, field: "asylum_status", value: .text("granted"), now: region.now)
            try sync("Socialtjänsten")
            try sync("Skolan")
            _ = try region["Skolan"].createRecord(type: "note", values: [
                "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Egen"),
            ], tag: .school, now: region.now)
            try sync("Skolan")
            _ = try social.createRecord(type: "consent", values: [
                "child": .text(child.description), "given_by": .text("guardian"), "organisation": .text("Frivilliga"),
                "tags": .text("basic"), "purpose": .text("Läxhjälp"), "until": .text(region.day(30)),
            ], now: region.now)
            _ = try social.createRecord(type: "missing", values: [
                "child": .text(child.description), "last_seen_at": .text("2026-11-29T18:30+01:00"),
                "last_seen_place": .text("Station"), "circumstances": .text("Okänt"), "risk": .text("high"),
            ], now: region.now)
            try sync("Socialtjänsten")
            for name in ["Frivilliga", "Polisen"] { try sync(name) }
            try social.set(record: child, field: "name", value: .text("Amina K"), now: region.now)
            try social.set(record: child, field: "languages", value: .text("dari, svenska"), now: region.now)
            try sync("Socialtjänsten")
            try sync("Polisen")
            // The police join the hub: basic values not held through the episode come as
            // backfill; the name it holds already is an exception in that row's range.
            _ = try member(child, "Polisen", .police)
            try sync("Polisen")
            try social.set(record: mentor, field: "end_date", value: .text(region.day(-1)), now: region.now)
            try sync("Socialtjänsten")
            for name in ["Skolan", "Polisen", "Frivilliga", "Socialtjänsten"] { try sync(name) }
            return child
        }

        func member(_ child: RecordID, _ organisation: String, _ role: HubRole) throws -> RecordID {
            let id = try region["Socialtjänsten"].createRecord(type: "membership", values: [
                "child": .text(child.description), "organisation": .text(organisation), "role": .text(role.rawValue),
                "start_date": .text(region.day(-1)),
            ], now: region.now)
            try sync("Socialtjänsten")
            return id
        }
    }

    /// Every change derived from the ledger is one the replica was sent, and every change
    /// a reply carried is derived from exactly one row.
    @Test func theDerivationGivesExactlyWhatEachReplicaReceived() throws {
        let recorder = try Recorder()
        let child = try recorder.busyChild()
        let central = recorder.region.central
        let origins = try central.originOrganisations()
        let rows = try central.ledgerRows(child: child)
        #expect(rows.contains { !$0.exceptions.isEmpty })
        #expect(rows.contains { $0.rule.hasPrefix("missing:") } && rows.contains { $0.rule.hasPrefix("consent:") })
        for (name, replica) in recorder.region.replicas {
            var derived: [ChangeRef] = []
            for entry in rows where entry.replica == replica.replicaID {
                let sent = try central.disclosedChanges(entry, organisationOf: origins)
                #expect(sent.count == Int(entry.count), "row \(entry.id)")
                derived += sent.map { ChangeRef(origin: $0.change.origin, seq: $0.change.seq) }
            }
            #expect(derived.sorted() == (recorder.received[name] ?? []).sorted(), "\(name)")
        }
    }

    /// The chain verifies, every replica keeps the checkpoints it was sent, and they match.
    @Test func checkpointsTravelWithRepliesAndVerify() throws {
        let recorder = try Recorder()
        _ = try recorder.busyChild()
        let central = recorder.region.central
        let school = try recorder.region["Skolan"].checkpoints()
        #expect(!school.isEmpty && school.allSatisfy { $0.server == central.serverID })
        let lists = recorder.region.replicas.map { (source: $0.key, checkpoints: (try? $0.value.checkpoints()) ?? []) }
        let result = try central.verifyLedger(replicaCheckpoints: lists)
        #expect(result.isIntact && result.rows > 10 && result.replicaCheckpoints >= school.count)
        #expect(try central.latestCheckpoint()?.row == UInt64(result.rows))
    }

    /// Tampering with the central file by hand, with the sqlite3 tool: each kind is found,
    /// by the real `navetd audit verify`, with the first broken row named.
    @Test func tamperingWithTheLedgerIsDetected() throws {
        let recorder = try Recorder()
        _ = try recorder.busyChild()
        let region = recorder.region
        let school = region.folder.path("school-copy.db")
        try FileManager.default.copyItem(atPath: region["Skolan"].path, toPath: school)
        let pristine = region.folder.path("pristine.db")
        _ = try SQLite3Tool.run(region.central.path, ".backup '\(pristine)'")
        let cli = CLIRunner(workingDirectory: region.folder.url)
        let clean = try cli.navetd("--db", pristine, "audit", "verify", "--replica", school)
        #expect(clean.code == 0, "\(clean.err)")
        #expect(clean.out.contains("intact"))
        let cases: [(String, String, String)] = [
            ("edit", "UPDATE disclosures SET organisation = 'Frivilliga' WHERE id = 3", "Ledger entry 3 "),
            ("delete", "DELETE FROM disclosures WHERE id = 4", "Ledger entry 5 "),
            ("reorder", "UPDATE disclosures SET id = -id WHERE id IN (5, 6); UPDATE disclosures SET id = 11 + id WHERE id < 0",
             "Ledger entry 5 "),
            ("re-insert", "INSERT INTO disclosures(id, replica_id, organisation, child_id, rule, first_change, last_change, count, backfill, sent_at, policy_version, covers, exceptions, hash) SELECT 1000, replica_id, organisation, child_id, rule, first_change, last_change, count, backfill, sent_at, policy_version, covers, exceptions, hash FROM disclosures WHERE id = 2; DELETE FROM disclosures WHERE id = 2",
             "Ledger entry 3 "),
        ]
        for (name, sql, expected) in cases {
            let copy = region.folder.path("\(name).db")
            try FileManager.default.copyItem(atPath: pristine, toPath: copy)
            _ = try SQLite3Tool.run(copy, sql)
            let result = try cli.navetd("--db", copy, "audit", "verify")
            #expect(result.code == 8, "\(name)")
            #expect(result.err.contains(expected), "\(name): \(result.err)")
        }
        // Rows cut from the end together with the server's own checkpoints of them: the
        // server alone cannot tell, a replica's checkpoints can.
        let cut = region.folder.path("cut.db")
        try FileManager.default.copyItem(atPath: pristine, toPath: cut)
        let keep = try #require(try recorder.region["Skolan"].checkpoints().first?.checkpoint.row)
        _ = try SQLite3Tool.run(cut, "DELETE FROM disclosures WHERE id > \(keep); DELETE FROM ledger_checkpoints WHERE row_id > \(keep)")
        #expect(try cli.navetd("--db", cut, "audit", "verify").code == 0)
        let caught = try cli.navetd("--db", cut, "--json", "audit", "verify", "--replica", school)
        #expect(caught.code == 8)
        #expect(caught.out.contains("checkpoint_row_missing") && caught.out.contains(school))
        // A replica's checkpoints are append-only.
        let before = try SQLite3Tool.run(school, "SELECT count(*) FROM checkpoints")
        _ = try SQLite3Tool.run(school, "DELETE FROM checkpoints")
        _ = try SQLite3Tool.run(school, "UPDATE checkpoints SET row_id = 1")
        #expect(try SQLite3Tool.run(school, "SELECT count(*) FROM checkpoints") == before)
        #expect(try SQLite3Tool.run(school, "SELECT count(*) FROM checkpoints WHERE row_id = 1") != before)
        // A copy whose checkpoints were forged by hand: the file is named, not the ledger.
        let forged = region.folder.path("forged-school.db")
        try FileManager.default.copyItem(atPath: school, toPath: forged)
        _ = try SQLite3Tool.run(forged, "DROP TRIGGER checkpoints_append_only_update; UPDATE checkpoints SET mac = zeroblob(32)")
        let named = try cli.navetd("--db", pristine, "audit", "verify", "--replica", forged)
        #expect(named.code == 8 && named.err.contains("The ledger itself verifies"), "\(named.err)")
    }

    /// The auditor queries through the real binary: table, JSON, CSV, Swedish, help.
    @Test func auditorQueriesAnswerInEveryFormat() throws {
        let recorder = try Recorder()
        let child = try recorder.busyChild()
        let region = recorder.region
        let cli = CLIRunner(workingDirectory: region.folder.url)
        let db = region.central.path
        let prefix = String(child.description.prefix(8))

        let table = try cli.navetd("--db", db, "audit", "child", prefix)
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("Skolan") && table.out.contains("hub member as school mentor"), "\(table.out)")
        // The default policy's rules are named as their roles: no code beside the role.
        #expect(!table.out.contains("(rule school_mentor"), "\(table.out)")
        let swedish = try cli.navetd("--db", db, "--lang", "sv", "audit", "child", prefix)
        #expect(!swedish.out.contains("regel school_mentor") && !swedish.out.contains("regel social_secretary"), "\(swedish.out)")
        #expect(!table.out.contains("Frivilliga  ") || table.out.contains("consent"))
        let json = try cli.navetd("--db", db, "--json", "audit", "child", prefix)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.contains { $0["organisation"] as? String == "Polisen" && ($0["rule"] as? String ?? "").hasPrefix("missing:") })
        // Internal notes never reach anyone else: no row names one.
        #expect(!rows.contains { ($0["field"] as? String) == "text" && ($0["organisation"] as? String) == "Frivilliga" })

        let access = try cli.navetd("--db", db, "--lang", "sv", "audit", "subject-access", prefix)
        #expect(access.code == 0)
        #expect(access.out.contains("samtycke") && access.out.contains("Läxhjälp") && access.out.contains("regeln vid försvinnande"))
        #expect(access.out.contains("syfte"))

        let csv = try cli.navetd("--db", db, "audit", "org", "skolan", "--since", "2020-01-01", "--csv")
        #expect(csv.code == 0)
        #expect(csv.out.contains("\r\n") && csv.out.hasPrefix("sent,local database,child"), "\(csv.out)")
        let until = try cli.navetd("--db", db, "--json", "audit", "org", "Skolan", "--until", "2020-01-01")
        #expect(until.out.contains("\"rows\" : [\n\n  ]") || until.out.contains("\"rows\" : []"))

        #expect(try cli.navetd("--db", db, "audit", "org", "Skolan", "--since", "2026-13-01").code == 3)
        #expect(try cli.navetd("--db", db, "audit", "org", "Skolan", "--since", "26-1-1").code == 2)
        #expect(try cli.navetd("--db", db, "audit", "org", "Skolan", "--since", "2026-12-01", "--until", "2026-11-01").code == 3)
        #expect(try cli.navetd("--db", db, "audit", "org", "Nobody").code == 3)
        #expect(try cli.navetd("--db", db, "audit", "child", "ffff").code == 3)
        let help = try cli.navetd("--lang", "sv", "audit", "subject-access", "--help")
        #expect(help.code == 0 && help.out.contains("registerutdrag"))
    }

    /// Retention: rows older than the cutoff go behind a signed checkpoint of the last one
    /// removed, and what remains verifies, also against a replica's older checkpoints.
    @Test func pruningKeepsWhatRemainsVerifiable() throws {
        let recorder = try Recorder()
        let region = recorder.region
        let realNow = Int64(Date().timeIntervalSince1970 * 1000)
        region.now = realNow - 40 * 86_400_000
        let child = try recorder.busyChild()
        region.now = realNow
        try region["Socialtjänsten"].set(record: child, field: "languages", value: .text("dari, arabiska"), now: region.now)
        try recorder.sync("Socialtjänsten")
        try recorder.sync("Polisen")
        let school = region.folder.path("school-copy.db")
        try FileManager.default.copyItem(atPath: region["Skolan"].path, toPath: school)
        let rows = try #require(Int(try SQLite3Tool.run(region.central.path, "SELECT count(*) FROM disclosures")))
        let cli = CLIRunner(workingDirectory: region.folder.url)
        let db = region.central.path
        let yesterday = try #require(SwedishTime.date(at: realNow - 86_400_000)).description
        let tomorrow = try #require(SwedishTime.date(at: realNow + 86_400_000)).description
        #expect(try cli.navetd("--db", db, "audit", "prune", "--before", tomorrow).code == 3)
        #expect(try cli.navetd("--db", db, "audit", "prune", "--before", yesterday, "--years", "2").code == 2)
        let pruned = try cli.navetd("--db", db, "--json", "audit", "prune", "--before", yesterday)
        #expect(pruned.code == 0, "\(pruned.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(pruned.out.utf8)) as? [String: Any])
        let removed = try #require(object["removed"] as? Int)
        #expect(removed > 0 && removed < rows)
        #expect(try SQLite3Tool.run(db, "SELECT count(*) FROM disclosures") == String(rows - removed))
        let verified = try cli.navetd("--db", db, "audit", "verify", "--replica", school)
        #expect(verified.code == 0, "\(verified.err)")
        #expect(try cli.navetd("--db", db, "audit", "prune", "--before", yesterday).out.contains("nothing removed"))
        // New rows chain on after the prune.
        try region["Socialtjänsten"].set(record: child, field: "languages", value: .text("dari"), now: region.now)
        try recorder.sync("Socialtjänsten")
        try recorder.sync("Polisen")
        #expect(try cli.navetd("--db", db, "audit", "verify").code == 0)
        // The base's checkpoint removed by hand: found.
        let copy = region.folder.path("unsigned-base.db")
        _ = try SQLite3Tool.run(db, ".backup '\(copy)'")
        _ = try SQLite3Tool.run(copy, "DELETE FROM ledger_checkpoints WHERE row_id = (SELECT value FROM meta WHERE key = 'ledger_base_row')")
        let unsigned = try cli.navetd("--db", copy, "--json", "audit", "verify")
        #expect(unsigned.code == 8 && unsigned.out.contains("base_unsigned"))
        #expect(try cli.navetd("--db", copy, "audit", "prune").code == 8)
    }

    /// Over HTTP and by bundle files alike, replies carry the checkpoint: the demo's
    /// replicas (three over HTTP, the guardian by files) all keep some, and they verify.
    @Test func httpAndFileRepliesBothCarryCheckpoints() throws {
        let folder = TemporaryDirectory(prefix: "navet-ledger-demo")
        let cli = CLIRunner(workingDirectory: folder.url)
        let demo = try cli.navet("demo", "--keep", folder.path("demo"))
        #expect(demo.code == 0, "\(demo.err)")
        let files = ["home", "social", "school", "guardian"].map { folder.path("demo/\($0).db") }
        for file in files {
            #expect(Int(try SQLite3Tool.run(file, "SELECT count(*) FROM checkpoints")) ?? 0 > 0, "\(file)")
        }
        let verified = try cli.run("navetd", ["--db", folder.path("demo/central.db"), "audit", "verify", "--replica"] + files)
        #expect(verified.code == 0, "\(verified.err)")
    }

    @Test func csvQuotesAndDisarmsFormulas() {
        #expect(CSV.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.cell("+46") == "'+46")
        #expect(CSV.cell("-1") == "'-1")
        #expect(CSV.cell("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.cell("a,b") == "\"a,b\"")
        #expect(CSV.cell("two\nlines") == "\"two\nlines\"")
        #expect(CSV.cell("plain") == "plain")
        #expect(CSV.records([["a", "b"], ["c", "d"]]) == ["a,b", "c,d"])
    }
}

/// Protocol/vectors/audit/ledger.json: three chained rows and a checkpoint of the last, as
/// AUDIT.md specifies them; Tools/audit/check_ledger_vectors.py checks the same file with
/// Python's hashlib and hmac. Regenerate with
///   NAVET_WRITE_VECTORS=1 swift test --filter LedgerVectorTests
@Suite struct LedgerVectorTests {
    static let file = BundleVectorTests.folder.appendingPathComponent("audit").appendingPathComponent("ledger.json")
    static let key = [UInt8](repeating: 0xA5, count: 32)
    static let server = ReplicaID(rawValue: 0x5E5E_0000_0000_0001)

    static let entries: [LedgerEntry] = [
        LedgerEntry(id: 1, replica: ReplicaID(rawValue: 0x0A), organisation: "Strömsunds gymnasium",
                    child: RecordID(rawValue: 0xC1), rule: "membership:00000000000000d1:school_mentor:school",
                    covers: "basic,school;", exceptions: "", firstChange: 3, lastChange: 9, count: 5, backfill: true,
                    sentAt: 1_796_000_000_000, policyVersion: 3),
        LedgerEntry(id: 2, replica: ReplicaID(rawValue: 0x0B), organisation: "Polisen",
                    child: RecordID(rawValue: 0xC1), rule: "missing:00000000000000e1",
                    covers: ";child.name,missing.last_seen_place", exceptions: "12", firstChange: 10, lastChange: 14, count: 3,
                    backfill: false, sentAt: 1_796_000_060_000, policyVersion: 3),
        LedgerEntry(id: 3, replica: ReplicaID(rawValue: 0x0A), organisation: "Strömsunds gymnasium",
                    child: RecordID(rawValue: 0xC1), rule: "own", covers: "school;", exceptions: "", firstChange: 15,
                    lastChange: 15, count: 1, backfill: false, sentAt: 1_796_000_120_000, policyVersion: 0),
    ]

    struct Row: Codable, Equatable {
        var id: Int64, replica: String, organisation: String, child: String, rule: String, covers: String
        var exceptions: String, first_change: Int64, last_change: Int64, count: Int64, backfill: Bool
        var sent_at: Int64, policy_version: Int64, previous: String, encoding: String, hash: String
    }

    struct Checkpoint: Codable, Equatable {
        var server: String, row: UInt64, head: String, signed_at: Int64, message: String, mac: String
    }

    struct ReadLogBaseVector: Codable, Equatable {
        var server: String, replica: String, seq: UInt64, hash: String, signed_at: Int64, message: String, mac: String
    }

    struct Vectors: Codable, Equatable {
        var key: String
        var rows: [Row]
        var checkpoint: Checkpoint
        /// The signed base of a pruned read log on the central store (AUDIT.md, "Retention").
        var read_log_base: ReadLogBaseVector
    }

    static func generate() -> Vectors {
        var previous = CentralStore.zeroHashForTests
        var rows: [Row] = []
        for entry in entries {
            let encoding = entry.encoding(previous: previous)
            let hash = SHA256.hash(encoding)
            rows.append(Row(id: entry.id, replica: entry.replica.description, organisation: entry.organisation,
                            child: entry.child.description, rule: entry.rule, covers: entry.covers, exceptions: entry.exceptions,
                            first_change: entry.firstChange, last_change: entry.lastChange, count: entry.count,
                            backfill: entry.backfill, sent_at: entry.sentAt, policy_version: entry.policyVersion,
                            previous: Hex.encode(previous), encoding: Hex.encode(encoding), hash: Hex.encode(hash)))
            previous = hash
        }
        let signedAt: Int64 = 1_796_000_120_500
        let message = LedgerCheckpoint.message(server: server, row: 3, head: previous, signedAt: signedAt)
        let replica = ReplicaID(rawValue: 0x0A)
        let entryHash = SHA256.hash(Array("read-log entry 41".utf8))
        let baseMessage = ReadLogBase.message(server: server, replica: replica, seq: 41, hash: entryHash, signedAt: signedAt)
        return Vectors(key: Hex.encode(key), rows: rows, checkpoint: Checkpoint(
            server: server.description, row: 3, head: Hex.encode(previous), signed_at: signedAt, message: Hex.encode(message),
            mac: Hex.encode(HMACSHA256.authenticate(message: message, key: key))),
            read_log_base: ReadLogBaseVector(
                server: server.description, replica: replica.description, seq: 41, hash: Hex.encode(entryHash),
                signed_at: signedAt, message: Hex.encode(baseMessage),
                mac: Hex.encode(HMACSHA256.authenticate(message: baseMessage, key: key))))
    }

    @Test func theStoredVectorsAreWhatTheCodeComputes() throws {
        let generated = Self.generate()
        if ProcessInfo.processInfo.environment["NAVET_WRITE_VECTORS"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (encoder.encode(generated) + Data("\n".utf8)).write(to: Self.file)
        }
        let stored = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: Self.file))
        #expect(stored == generated)
    }
}
