// `--audit-store N`: a central store with N disclosure-ledger rows and N uploaded read-log
// entries (`--read-log M` for another count) over many children and organisations, and the
// auditor queries timed on it (issue 13, "Benchmark").
//
//   swift run -c release navet-bench --audit-store 10000000 [--read-log M] [--children N]
//                                    [--orgs N] [--queries N] [--keep DIR]
//
// The store is made by the real `CentralStore.create` (so it has the real layout and
// indexes); organisations and replicas by the real enrollment; children, their changes
// and the ledger rows are written in bulk with SQL, each row hash-chained exactly as
// `navetd` chains it (Protocol/AUDIT.md), and one signed checkpoint of the head; the read
// logs one chain per replica, each entry hashed as a replica hashes it, with the record
// index `navetd` fills as entries arrive. The
// queries run in-process through `NavetdCLI.run` (the same code as the `navetd` binary,
// store opened per query, output captured), with `--json`.
import Foundation
import NavetCommands
import NavetCore
import NavetCrypto
import NavetSQLite
import NavetStore

enum AuditBench {
    static func main(_ arguments: [String]) throws {
        var rows = 10_000_000, children = 100_000, organisations = 200, queries = 200
        var readLog: Int?
        var keep: String?
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            func number() -> Int {
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { Options.fail("\(flag) needs a positive number") }
                return value
            }
            switch flag {
            case "--audit-store": rows = number()
            case "--read-log": readLog = number()
            case "--children": children = number()
            case "--orgs": organisations = number()
            case "--queries": queries = number()
            case "--keep": keep = rest.popFirst()
            default: Options.fail("unknown argument \(flag) with --audit-store")
            }
        }
        let folder = try ScratchFolder("navet-bench-audit")
        defer { if keep == nil { folder.remove() } }
        let path = keep.map { $0 + "/central.db" } ?? folder.file("central.db")
        let end: Int64 = 1_796_000_000_000  // 2026-11-30
        let span: Int64 = 5 * 365 * 86_400_000
        var rng = SplitMix64(seed: 0xA0D1_7000)

        var started = ContinuousClock.now
        let central = try CentralStore.create(path: path, now: end - span)
        let serverID = central.serverID
        var replicas: [(id: ReplicaID, organisation: String)] = []
        let kinds: [OrganisationKind] = [.socialServices, .residentialHome, .guardian, .school, .health, .police, .volunteer]
        for index in 0..<organisations {
            let name = "Organisation \(index + 1)"
            _ = try central.addOrganisation(name: name, kind: kinds[index % kinds.count], municipality: "Kommun", now: end - span)
            let (id, _) = try central.enroll(organisation: name, now: end - span)
            replicas.append((id, name))
        }
        let writer = replicas[0]

        let db = try Database(path: path)
        // A large page cache while writing: the indexes take rows in child and organisation order.
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000000;")
        // Children, each with 20 changes written by the first organisation's replica.
        let changesPerChild = 20
        var childIDs: [RecordID] = []
        var firstChange: [Int64] = []
        let fields = ["name", "birth_date", "languages", "arrival_date", "asylum_status"]
        let tags: [Tag] = [.basic, .basic, .basic, .school, .care]
        try db.transaction {
            let child = try db.prepare("INSERT INTO child_facts(child_id, registrar, protected) VALUES (?, ?, 0)")
            let change = try db.prepare("""
                INSERT INTO changes(id, origin, seq, version, replaces, wall_time, record_type, record_id, field, value_kind,
                                    value, tag, received_at, superseded, child_id, refused)
                VALUES (?, ?, ?, 1, NULL, ?, 'child', ?, ?, 1, ?, ?, ?, 0, ?, 0)
                """)
            var id: Int64 = 0
            for index in 0..<children {
                let childID = RecordID(rawValue: rng.next() >> 1 | 1)
                childIDs.append(childID)
                firstChange.append(id + 1)
                try child.bind([.integer(childID.int64), .text(writer.organisation)]); _ = try child.step(); child.reset()
                for field in 0..<changesPerChild {
                    id += 1
                    let at = end - span + Int64(index) * (span / Int64(children))
                    try change.bind([.integer(id), .integer(writer.id.int64), .integer(id), .integer(at), .integer(childID.int64),
                                     .text(fields[field % fields.count]), .text("value \(id)"),
                                     .text(tags[field % tags.count].rawValue), .integer(at), .integer(childID.int64)])
                    _ = try change.step()
                    change.reset()
                }
            }
        }
        progress("children and changes: \(grouped(children)) children, \(grouped(children * changesPerChild)) changes, "
                 + "\(fixed(seconds(ContinuousClock.now - started), 1)) s")

        // The ledger: rows in time order over five years, each to one of five hub members
        // of a random child, under rules of every kind.
        started = ContinuousClock.now
        var hubs: [[Int]] = []
        for _ in 0..<children { hubs.append((0..<5).map { _ in 1 + Int(rng.next() % UInt64(organisations - 1)) }) }
        var previous = [UInt8](repeating: 0, count: 32)
        let key = (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try db.transaction {
            let insert = try db.prepare("""
                INSERT INTO disclosures(id, replica_id, organisation, child_id, rule, covers, exceptions, first_change,
                                        last_change, count, backfill, sent_at, policy_version, hash)
                VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 1, ?)
                """)
            for index in 0..<rows {
                let childIndex = Int(rng.next() % UInt64(children))
                let member = hubs[childIndex][Int(rng.next() % 5)]
                let recipient = replicas[member]
                let child = childIDs[childIndex]
                let kind = member % 4
                let rule: String
                let covers: String
                switch kind {
                case 0: rule = "membership:\(RecordID(rawValue: UInt64(member) << 32 | UInt64(childIndex) + 1)):school_mentor:school_mentor"
                    covers = "basic,school;"
                case 1: rule = "membership:\(RecordID(rawValue: UInt64(member) << 32 | UInt64(childIndex) + 1)):contact_person:contact_person"
                    covers = "basic,care;"
                case 2: rule = "consent:\(RecordID(rawValue: UInt64(member) << 40 | UInt64(childIndex) + 1))"
                    covers = "basic;"
                default: rule = "missing:\(RecordID(rawValue: UInt64(member) << 48 | UInt64(childIndex) + 1))"
                    covers = ";child.name,child.birth_date"
                }
                let first = firstChange[childIndex] + Int64(rng.next() % 10)
                let last = first + Int64(rng.next() % 10)
                let entry = LedgerEntry(
                    id: Int64(index + 1), replica: recipient.id, organisation: recipient.organisation, child: child, rule: rule,
                    covers: covers, exceptions: "", firstChange: first, lastChange: last, count: last - first + 1,
                    backfill: rng.next() % 4 == 0, sentAt: end - span + Int64(index) * (span / Int64(rows)), policyVersion: 1)
                let hash = SHA256.hash(entry.encoding(previous: previous))
                try insert.bind([.integer(entry.id), .integer(entry.replica.int64), .text(entry.organisation),
                                 .integer(child.int64), .text(rule), .text(covers), .integer(first), .integer(last),
                                 .integer(entry.count), .integer(entry.backfill ? 1 : 0), .integer(entry.sentAt), .blob(hash)])
                _ = try insert.step()
                insert.reset()
                previous = hash
                if (index + 1) % 1_000_000 == 0 { progress("  \(grouped(index + 1)) ledger rows") }
            }
            let message = LedgerCheckpoint.message(server: serverID, row: UInt64(rows), head: previous, signedAt: end)
            try db.query("INSERT INTO meta(key, value) VALUES ('audit_key', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [.blob(key)])
            try db.query("INSERT INTO ledger_checkpoints(row_id, head, signed_at, mac) VALUES (?, ?, ?, ?)",
                         [.integer(Int64(rows)), .blob(previous), .integer(end),
                          .blob(HMACSHA256.authenticate(message: message, key: key))])
        }
        progress("ledger: \(grouped(rows)) rows, \(fixed(seconds(ContinuousClock.now - started), 1)) s")

        // The read logs: one chain per replica (entries spread over the same five years), ten
        // users each, mostly displays of one child, a purpose on one in five.
        started = ContinuousClock.now
        let entries = readLog ?? rows
        var heads = [(seq: UInt64, hash: [UInt8])](repeating: (0, AuditEntry.genesis), count: replicas.count)
        let commands = ["child show", "note list", "child history", "hub list", "note add"]
        try db.transaction {
            let insert = try db.prepare("""
                INSERT INTO central_read_log(replica, seq, written_as, time, user, kind, command, records, fields, tags, purpose,
                                             prev_hash, hash, received_at, chain_break)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """)
            let index = try db.prepare("INSERT OR IGNORE INTO central_read_log_records(record_id, replica, seq) VALUES (?, ?, ?)")
            for number in 0..<entries {
                let r = number % replicas.count
                let replica = replicas[r].id
                let seq = heads[r].seq + 1
                let child = childIDs[Int(rng.next() % UInt64(children))]
                let command = commands[Int(rng.next() % UInt64(commands.count))]
                var entry = AuditEntry(
                    seq: seq, replica: replica, time: end - span + Int64(number) * (span / Int64(entries)),
                    user: "user \(r)-\(rng.next() % 10)", kind: command == "note add" ? "edit" : "display", command: command,
                    records: [child], fields: command == "note list" ? ["note.kind", "note.text"] : ["child.name", "child.birth_date"],
                    tags: command == "note list" ? ["case"] : ["basic"], purpose: rng.next() % 5 == 0 ? "Uppföljning" : nil,
                    previousHash: heads[r].hash)
                entry.hash = entry.computedHash
                try insert.bind([.integer(replica.int64), .integer(Int64(seq)), .integer(replica.int64), .integer(entry.time),
                                 .text(entry.user), .text(entry.kind), .text(command), .text(child.description),
                                 .text(entry.fields.joined(separator: ",")), .text(entry.tags.joined(separator: ",")),
                                 entry.purpose.map(SQLValue.text) ?? .null, .blob(entry.previousHash), .blob(entry.hash),
                                 .integer(entry.time)])
                _ = try insert.step()
                try index.run([.integer(child.int64), .integer(replica.int64), .integer(Int64(seq))])
                heads[r] = (seq, entry.hash)
                if (number + 1) % 1_000_000 == 0 { progress("  \(grouped(number + 1)) read-log entries") }
            }
            let head = try db.prepare("INSERT INTO central_read_log_heads(replica, seq, hash) VALUES (?, ?, ?)")
            for (r, replica) in replicas.enumerated() where heads[r].seq > 0 {
                try head.run([.integer(replica.id.int64), .integer(Int64(heads[r].seq)), .blob(heads[r].hash)])
            }
        }
        progress("read logs: \(grouped(entries)) entries, \(fixed(seconds(ContinuousClock.now - started), 1)) s")
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        progress("file \(grouped(bytes / 1_000_000)) MB")

        // The queries, each through the navetd command line in-process.
        func time(_ arguments: [String]) -> (Double, Int32, Int) {
            let console = Console(capture: true)
            let start = ContinuousClock.now
            let code = NavetdCLI.run(["--db", path, "--json"] + arguments, environment: [:], console: console)
            return (seconds(ContinuousClock.now - start) * 1000, code, console.capturedOut.utf8.count)
        }
        var results: [(String, [Double], Int)] = []
        for (name, make) in [
            ("audit child ID", { (i: Int) in ["audit", "child", childIDs[(i * 7919) % children].description] }),
            ("audit subject-access ID", { (i: Int) in ["audit", "subject-access", childIDs[(i * 104_729) % children].description] }),
            ("audit org ORG --since (last 30 days)", { (i: Int) in
                ["audit", "org", replicas[1 + (i * 31) % (organisations - 1)].organisation, "--since", "2026-10-31"] }),
            ("audit user REPLICA:NAME --since (last 30 days)", { (i: Int) in
                let r = (i * 37) % organisations
                return ["audit", "user", "\(replicas[r].id):user \(r)-\(i % 10)", "--since", "2026-10-31"] }),
            ("audit user REPLICA:NAME (five years)", { (i: Int) in
                let r = (i * 41) % organisations
                return ["audit", "user", "\(replicas[r].id):user \(r)-\(i % 10)"] }),
        ] as [(String, (Int) -> [String])] {
            var times: [Double] = []
            var output = 0
            for index in 0..<queries {
                let (ms, code, size) = time(make(index))
                guard code == 0 else { Options.fail("\(name) failed with exit code \(code)") }
                times.append(ms)
                output += size
            }
            times.sort()
            results.append((name, times, output / queries))
        }
        print("Auditor queries on \(grouped(rows)) ledger rows and \(grouped(entries)) read-log entries, \(grouped(children)) children, "
              + "\(organisations) organisations, file \(grouped(bytes / 1_000_000)) MB (\(queries) queries each, store opened per query; \(machineDescription())):")
        for (name, times, output) in results {
            let p50 = times[times.count / 2], p99 = times[min(times.count - 1, times.count * 99 / 100)]
            print("  \(name): p50 \(fixed(p50, 1)) ms, p99 \(fixed(p99, 1)) ms, max \(fixed(times.last ?? 0, 1)) ms, "
                  + "\(grouped(output)) bytes of JSON on average")
        }
        started = ContinuousClock.now
        let (verify, code, _) = time(["audit", "verify"])
        print("  audit verify (the ledger's chain and every read log): \(fixed(verify / 1000, 1)) s, exit code \(code)")
        _ = started
    }
}
