// navet-bench --ntk: W1 under need to know (issue 12, "Benchmark").
//
// Two measurements, described in README.md ("Need to know"):
// - `--ntk`: 200 replicas of four organisation kinds sync through `SyncService.accept`
//   (merge and filtered reply) under the default policy, against the same run unfiltered,
//   in alternating rounds.
// - `--ntk-access`: the reply that backfills a child of 1,000 changes after a new
//   membership, and the one that redacts it after the membership ends, in a big store.
import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetWire

/// The organisation kinds of the W1 mix and the hub role each takes. Social services
/// register the children; the other three join each child's hub.
enum HubKind: Int, CaseIterable {
    case socialServices, residentialHome, guardian, school

    var kind: OrganisationKind {
        switch self {
        case .socialServices: .socialServices
        case .residentialHome: .residentialHome
        case .guardian: .guardian
        case .school: .school
        }
    }

    var role: HubRole {
        switch self {
        case .socialServices: .socialSecretary
        case .residentialHome: .contactPerson
        case .guardian: .guardian
        case .school: .schoolMentor
        }
    }

    /// The note kind and tag this member writes: lawful under the default policy (a
    /// school writes `school`, the others `case`; `NoteRules.floor`).
    var note: (kind: String, tag: Tag) {
        switch self {
        case .socialServices: ("conversation", .care)
        case .residentialHome: ("observation", .care)
        case .guardian: ("meeting", .care)
        case .school: ("school_absence", .school)
        }
    }

    var label: String {
        switch self {
        case .socialServices: "Socialtjänsten"
        case .residentialHome: "HVB"
        case .guardian: "God man"
        case .school: "Skolan"
        }
    }
}

/// One enrolled replica of the mix: its organisation and enrollment.
struct MixReplica {
    let kind: HubKind
    let organisation: String
    let id: ReplicaID
    let secret: [UInt8]
}

/// Builds the need-to-know workload's changes for replicas already enrolled.
///
/// - Each social-services replica registers `children` children: all 10 `child` fields,
///   a hub of four memberships (itself, a residential home, a guardian and a school drawn
///   at random from the other replicas), then an edit of each field but
///   `protected_identity` (kept false, so the hubs stay as drawn).
/// - Each other replica writes `notes` notes (child, kind, text, author) about each child
///   in whose hub it is, with its kind's note kind and tag.
/// Every write is lawful under the default policy; the run checks that nothing is refused.
struct MixWorkload {
    let children: Int
    let notes: Int
    let seed: UInt64

    static let startDate = "2025-09-01"

    func generate(_ replicas: [MixReplica]) -> [(replica: MixReplica, changes: [Change])] {
        var values = ValueSource(rng: SplitMix64(seed: seed))
        let child = Schema.current.recordType("child")!
        let byKind = Dictionary(grouping: replicas, by: \.kind)
        var changes: [ReplicaID: [Change]] = [:]
        var wall: [ReplicaID: Int64] = [:]
        var used = Set<RecordID>()

        func newRecord() -> RecordID {
            var record = RecordID.random(using: &values.rng)
            while !used.insert(record).inserted { record = RecordID.random(using: &values.rng) }
            return record
        }
        func append(_ replica: ReplicaID, _ type: String, _ record: RecordID, _ field: String, _ value: FieldValue,
                    tag: Tag? = nil, version: UInt64 = 1, replaces: [Stamp] = []) {
            let schema = Schema.current.recordType(type)!.field(field)!
            let time = wall[replica, default: Workload.baseWallTime] + Int64.random(in: 2_000...90_000, using: &values.rng)
            wall[replica] = time
            let change = Change(
                origin: replica, seq: UInt64(changes[replica, default: []].count + 1), version: version,
                replaces: replaces, wallTime: time, recordType: type, recordID: record, field: field, value: value,
                tag: tag ?? schema.defaultTag)
            do { try Schema.current.validate(change) } catch {
                fatalError("generated change does not pass the schema: \(error) (\(type).\(field) = \(value))")
            }
            changes[replica, default: []].append(change)
        }

        // Registrations and hubs, by social services.
        var hubs: [(child: RecordID, members: [MixReplica])] = []
        for registrar in byKind[.socialServices] ?? [] {
            for _ in 0..<children {
                let id = newRecord()
                let person = values.person()
                var first: [String: FieldValue] = [:]
                for field in child.fields {
                    let value = field.name == "protected_identity"
                        ? .bool(false) : values.value(for: field.name, person: person, edit: nil)
                    first[field.name] = value
                    append(registrar.id, "child", id, field.name, value)
                }
                var members = [registrar]
                for kind in [HubKind.residentialHome, .guardian, .school] {
                    if let pool = byKind[kind], !pool.isEmpty {
                        members.append(pool[Int.random(in: 0..<pool.count, using: &values.rng)])
                    }
                }
                for member in members {
                    let record = newRecord()
                    append(registrar.id, "membership", record, "child", .text(id.description))
                    append(registrar.id, "membership", record, "organisation", .text(member.organisation))
                    append(registrar.id, "membership", record, "role", .text(member.kind.role.rawValue))
                    let contact = values.person()
                    append(registrar.id, "membership", record, "person", .text("\(contact.given) \(contact.family)"))
                    append(registrar.id, "membership", record, "phone",
                           .text("070-\(Int.random(in: 100...999, using: &values.rng)) \(Int.random(in: 10...99, using: &values.rng)) \(Int.random(in: 10...99, using: &values.rng))"))
                    append(registrar.id, "membership", record, "start_date", .text(Self.startDate))
                }
                for field in child.fields where field.name != "protected_identity" {
                    append(registrar.id, "child", id, field.name,
                           values.value(for: field.name, person: person, edit: first[field.name]),
                           version: 2, replaces: [Stamp(version: 1, origin: registrar.id)])
                }
                hubs.append((id, members))
            }
        }
        // Notes by the other members.
        for (id, members) in hubs {
            for member in members where member.kind != .socialServices {
                let (kind, tag) = member.kind.note
                for _ in 0..<notes {
                    let record = newRecord()
                    append(member.id, "note", record, "child", .text(id.description), tag: tag)
                    append(member.id, "note", record, "kind", .text(kind), tag: tag)
                    append(member.id, "note", record, "text",
                           .text("\(values.pick(ValueSource.descriptions)); \(values.pick(ValueSource.descriptions))"),
                           tag: tag)
                    append(member.id, "note", record, "author", .text(member.kind.label), tag: tag)
                }
            }
        }
        // Registrars sync first, so each hub is known before its members write.
        let ordered = replicas.sorted { ($0.kind == .socialServices ? 0 : 1) < ($1.kind == .socialServices ? 0 : 1) }
        return ordered.map { ($0, changes[$0.id] ?? []) }
    }
}

enum NeedToKnowBench {
    static let now: Int64 = Workload.baseWallTime + 90 * 86_400_000

    /// Registers `replicas` organisations (a quarter of each kind, one replica each) in a
    /// fresh central store at `path`, and enrolls one replica for each.
    static func enrolled(_ replicas: Int, at path: String) throws -> [MixReplica] {
        let central = try CentralStore.create(path: path, now: now)
        var result: [MixReplica] = []
        for index in 0..<replicas {
            let kind = HubKind(rawValue: index % HubKind.allCases.count)!
            let name = "\(kind.label) \(index / HubKind.allCases.count + 1)"
            _ = try central.addOrganisation(name: name, kind: kind.kind, municipality: "Östersunds kommun", now: now)
            let (id, secret) = try central.enroll(organisation: name, now: now)
            result.append(MixReplica(kind: kind, organisation: name, id: id, secret: secret))
        }
        return result
    }

    /// One signed upload from cursor 0, as `navet sync` sends it over HTTP.
    static func upload(_ replica: MixReplica, _ changes: [Change], nonce: [UInt8]) -> [UInt8] {
        let signer = BundleSigner(keyID: replica.id, secret: replica.secret, timestamp: now, nonce: nonce)
        return BundleCodec.encode(
            Bundle(kind: .upload, schemaVersion: Schema.current.version, sender: replica.id, recipient: nil,
                   createdAt: now, cursor: 0, changes: changes),
            signer: signer)
    }

    struct Round {
        var seconds = 0.0
        var applied = 0
        var refused = 0
        var sent = 0
        var replyBytes = 0
        /// Changes sent to each kind, summed.
        var sentByKind: [HubKind: Int] = [:]
    }

    /// Copies the enrolled template store, then syncs every upload through one
    /// `SyncService` (filtered under the store's policy in force, or unfiltered). Only the
    /// `accept` calls are timed.
    static func round(template: String, uploads: [(MixReplica, [UInt8])], filtered: Bool) throws -> Round {
        let folder = try ScratchFolder("navet-bench-ntk")
        defer { folder.remove() }
        let path = folder.file("central.db")
        try FileManager.default.copyItem(atPath: template, toPath: path)
        let central = try CentralStore.open(path: path)
        let metrics = SyncMetrics()
        let service = SyncService(central: central, metrics: metrics, unfiltered: !filtered)
        var result = Round()
        let clock = ContinuousClock()
        let start = clock.now
        for (replica, bytes) in uploads {
            let accepted: SyncService.Accepted
            do {
                accepted = try service.accept(bytes, arrival: .http, expectedSigner: replica.id, now: now)
            } catch {
                fatalError("\(replica.organisation): sync refused: \(error.reason.rawValue) \(error.detail)")
            }
            result.applied += accepted.applied
            result.sent += accepted.sent
            result.replyBytes += accepted.reply.count
            result.sentByKind[replica.kind, default: 0] += accepted.sent
        }
        result.seconds = seconds(clock.now - start)
        result.refused = metrics.changesRefused.value()
        return result
    }

    /// The same round without `SyncService`, to split its time: the merge
    /// (`acceptUpload`, with the policy's write checks or without) and the reply (built by
    /// `filteredReply` or `reply`, then encoded and signed), each timed on its own.
    static func splitRound(template: String, uploads: [(MixReplica, [Change])], filtered: Bool) throws -> Split {
        let folder = try ScratchFolder("navet-bench-ntk")
        defer { folder.remove() }
        let path = folder.file("central.db")
        try FileManager.default.copyItem(atPath: template, toPath: path)
        let central = try CentralStore.open(path: path)
        let (version, policy, _) = try central.policyInForce()
        let context = filtered ? AccessContext(policy: policy, version: version) : nil
        var result = Split()
        let clock = ContinuousClock()
        for (index, (replica, changes)) in uploads.enumerated() {
            let token = UInt64(index + 1)
            let before = Usage.now()
            let t0 = clock.now
            let merged = try central.acceptUpload(sender: replica.id, cursor: 0, changes: changes, token: token,
                                                  access: context, now: now)
            let t1 = clock.now
            let after = Usage.now()
            result.mergeCPU += after.cpu - before.cpu
            result.mergeBlocks += after.blocksWritten - before.blocksWritten
            let sent: [Change]
            let newCursor: UInt64
            let ack: UInt64
            var reply: FilteredReply?
            if let context {
                let filtered = try central.filteredReply(
                    for: replica.id, after: 0, uploadAck: 0, redactionAck: 0, presentedToken: 0, behind: false,
                    replyToken: token, context: context, limit: 50_000, now: now)
                (sent, newCursor, ack) = (filtered.changes, filtered.newCursor, filtered.ack)
                reply = filtered
            } else {
                let page = try central.reply(for: replica.id, after: 0, limit: 50_000)
                (sent, newCursor, ack) = (page.changes, page.newCursor, page.ack)
            }
            let signer = BundleSigner(keyID: replica.id, secret: replica.secret, timestamp: now,
                                      nonce: [UInt8](repeating: 7, count: BundleSignature.nonceByteCount))
            let bytes = BundleCodec.encode(Bundle(
                kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: replica.id,
                createdAt: now, cursor: 0, newCursor: newCursor, ack: ack, changes: sent,
                redactions: reply?.redactions ?? [], refusals: reply?.refusals ?? [], permissions: reply?.permissions,
                policyVersion: context?.version ?? 0, mayRegister: reply?.mayRegister), signer: signer)
            let t2 = clock.now
            result.merge += seconds(t1 - t0)
            result.reply += seconds(t2 - t1)
            result.applied += merged.applied
            result.refused += merged.refused
            result.sent += sent.count
            result.replyBytes += bytes.count
        }
        return result
    }

    struct Split {
        var merge = 0.0
        var reply = 0.0
        var applied = 0
        var refused = 0
        var sent = 0
        var replyBytes = 0
        /// The merge's CPU time (user + system) and the 512-byte blocks it wrote.
        var mergeCPU = 0.0
        var mergeBlocks = 0
    }

    /// This process's CPU time so far and blocks written (getrusage).
    struct Usage {
        var cpu: Double
        var blocksWritten: Int

        static func now() -> Usage {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
            return Usage(cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime), blocksWritten: usage.ru_oublock)
        }
    }

    static func main(_ arguments: [String]) throws {
        var replicas = 200, children = 20, notes = 12, runs = 3
        var split = false
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            func number() -> Int {
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { Options.fail("\(flag) needs a positive number") }
                return value
            }
            switch flag {
            case "--ntk": break
            case "--replicas": replicas = number()
            case "--children": children = number()
            case "--notes": notes = number()
            case "--runs": runs = number()
            case "--split": split = true
            case "-h", "--help":
                print(Options.usage)
                exit(0)
            default: Options.fail("unknown argument \(flag) with --ntk")
            }
        }
        guard replicas >= 4 else { Options.fail("--ntk needs at least 4 replicas (one of each kind)") }
        let folder = try ScratchFolder("navet-bench-ntk-template")
        defer { folder.remove() }
        let template = folder.file("template.db")
        progress("navet-bench --ntk: enrolling \(replicas) replicas (social services, HVB, god man, school)")
        let mix = try enrolled(replicas, at: template)
        let generated = MixWorkload(children: children, notes: notes, seed: 0x4E54_4B31).generate(mix)
        var nonceRNG = SplitMix64(seed: 0x4E4F_4E43)
        let uploads = generated.map { replica, changes in
            (replica, upload(replica, changes, nonce: (0..<BundleSignature.nonceByteCount).map { _ in
                UInt8.random(in: 0...255, using: &nonceRNG)
            }))
        }
        let total = generated.reduce(0) { $0 + $1.changes.count }
        let uploadBytes = uploads.reduce(0) { $0 + $1.1.count }
        progress("navet-bench --ntk: \(grouped(total)) changes in \(grouped(uploadBytes)) upload bytes;"
            + " \(runs) rounds of each side, alternating")

        if split {
            try splitMain(template: template, generated: generated, total: total, runs: runs)
            return
        }
        var filteredRounds: [Round] = []
        var unfilteredRounds: [Round] = []
        for run in 1...runs {
            // Alternate which side goes first, so neither always meets a warmer machine.
            for filtered in run % 2 == 1 ? [true, false] : [false, true] {
                let result = try round(template: template, uploads: uploads, filtered: filtered)
                guard result.applied == total, result.refused == 0 else {
                    fatalError("round applied \(result.applied) of \(total) changes, refused \(result.refused)")
                }
                progress("  run \(run)/\(runs)  \(filtered ? "filtered  " : "unfiltered")  \(fixed(result.seconds, 3)) s"
                    + "  merged \(grouped(Int(Double(total) / result.seconds))) changes/s, sent \(grouped(result.sent)),"
                    + " reply bytes \(grouped(result.replyBytes))")
                if filtered { filteredRounds.append(result) } else { unfilteredRounds.append(result) }
            }
        }
        let filteredSeconds = median(filteredRounds.map(\.seconds))
        let unfilteredSeconds = median(unfilteredRounds.map(\.seconds))
        func kinds(_ round: Round) -> String {
            HubKind.allCases.map { "\($0.label) \(grouped(round.sentByKind[$0] ?? 0))" }.joined(separator: ", ")
        }
        let f = filteredRounds[0], u = unfilteredRounds[0]
        print("""
            navet-bench --ntk: \(replicas) replicas (\(replicas / 4) of each kind), \(children) children per social services \
            replica, hubs of 4, \(notes) notes per member and child
              \(grouped(total)) changes uploaded (\(grouped(uploadBytes)) bytes), refused 0; \(machineDescription())
              \(runs) rounds per side, alternating; medians
                                  median s  merged changes/s  changes sent  reply bytes
              filtered (default policy) \(fixed(filteredSeconds, 3).leftPad(8))  \(grouped(Int(Double(total) / filteredSeconds)).leftPad(16))  \(grouped(f.sent).leftPad(12))  \(grouped(f.replyBytes).leftPad(11))
              unfiltered                \(fixed(unfilteredSeconds, 3).leftPad(8))  \(grouped(Int(Double(total) / unfilteredSeconds)).leftPad(16))  \(grouped(u.sent).leftPad(12))  \(grouped(u.replyBytes).leftPad(11))
              runs: filtered \(filteredRounds.map { fixed($0.seconds, 3) }.joined(separator: ", ")) s; \
            unfiltered \(unfilteredRounds.map { fixed($0.seconds, 3) }.joined(separator: ", ")) s
              filtered / unfiltered time: \(fixed(filteredSeconds / unfilteredSeconds, 2))× \
            (target ≤ 1.25×: \(filteredSeconds <= 1.25 * unfilteredSeconds ? "met" : "NOT met"))
              sent by kind, filtered: \(kinds(f))
              sent by kind, unfiltered: \(kinds(u))
            """)
    }
}

extension NeedToKnowBench {
    /// `--ntk --split`: merge and reply timed apart, filtered and unfiltered alternating.
    static func splitMain(template: String, generated: [(replica: MixReplica, changes: [Change])], total: Int,
                          runs: Int) throws {
        var filtered: [Split] = []
        var unfiltered: [Split] = []
        for run in 1...runs {
            for isFiltered in run % 2 == 1 ? [true, false] : [false, true] {
                let result = try splitRound(template: template, uploads: generated.map { ($0.replica, $0.changes) },
                                            filtered: isFiltered)
                guard result.applied == total, result.refused == 0 else {
                    fatalError("round applied \(result.applied) of \(total) changes, refused \(result.refused)")
                }
                progress("  run \(run)/\(runs)  \(isFiltered ? "filtered  " : "unfiltered")  merge \(fixed(result.merge, 3)) s"
                    + " (\(grouped(Int(Double(total) / result.merge))) changes/s)  reply \(fixed(result.reply, 3)) s"
                    + " (\(grouped(result.sent)) changes sent); merge CPU \(fixed(result.mergeCPU, 3)) s,"
                    + " \(grouped(result.mergeBlocks)) blocks written")
                if isFiltered { filtered.append(result) } else { unfiltered.append(result) }
            }
        }
        func row(_ name: String, _ rounds: [Split]) -> String {
            let merge = median(rounds.map(\.merge)), reply = median(rounds.map(\.reply))
            return "  \(name) merge \(fixed(merge, 3)) s = \(grouped(Int(Double(total) / merge))) changes/s"
                + " (CPU \(fixed(median(rounds.map(\.mergeCPU)), 3)) s, \(grouped(rounds[0].mergeBlocks)) blocks written);"
                + " reply \(fixed(reply, 3)) s for \(grouped(rounds[0].sent)) changes"
                + " (\(grouped(Int(Double(rounds[0].sent) / reply))) changes/s)"
        }
        let mergeRatio = median(filtered.map(\.merge)) / median(unfiltered.map(\.merge))
        print("""
            navet-bench --ntk --split: \(grouped(total)) changes, \(runs) rounds per side, alternating; medians; \(machineDescription())
            \(row("filtered  ", filtered))
            \(row("unfiltered", unfiltered))
              runs: filtered merge \(filtered.map { fixed($0.merge, 3) }.joined(separator: ", ")), reply \(filtered.map { fixed($0.reply, 3) }.joined(separator: ", ")) s;
                    unfiltered merge \(unfiltered.map { fixed($0.merge, 3) }.joined(separator: ", ")), reply \(unfiltered.map { fixed($0.reply, 3) }.joined(separator: ", ")) s
              merge with write checks / without: \(fixed(mergeRatio, 2))× time (target ≤ 1.25×: \(mergeRatio <= 1.25 ? "met" : "NOT met"))
            """)
    }
}

/// `--ntk-access`: what an access change costs in a big store. One child of about 1,000
/// changes (registered and noted by social services, noted by a residential home) sits
/// among `store` other changes; a guardian that has synced everything joins the child's
/// hub (backfill), and later leaves it (redaction). Each cycle adds a new membership and
/// then ends it; only `CentralStore.filteredReply` is timed.
enum AccessChangeBench {
    static let now = NeedToKnowBench.now

    struct Cycle {
        var backfill = 0.0
        var backfilled = 0
        var redaction = 0.0
        var redacted = 0
    }

    static func main(_ arguments: [String]) throws {
        var store = 1_000_000, runs = 3
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            func number() -> Int {
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { Options.fail("\(flag) needs a positive number") }
                return value
            }
            switch flag {
            case "--ntk-access": break
            case "--store": store = number()
            case "--runs": runs = number()
            case "-h", "--help":
                print(Options.usage)
                exit(0)
            default: Options.fail("unknown argument \(flag) with --ntk-access")
            }
        }
        let folder = try ScratchFolder("navet-bench-access")
        defer { folder.remove() }
        let central = try CentralStore.create(path: folder.file("central.db"), now: now)
        let (version, policy, _) = try central.policyInForce()
        let context = AccessContext(policy: policy, version: version)

        var members: [HubKind: MixReplica] = [:]
        for kind in [HubKind.socialServices, .residentialHome, .guardian] {
            _ = try central.addOrganisation(name: kind.label, kind: kind.kind, municipality: "Östersunds kommun", now: now)
            let (id, secret) = try central.enroll(organisation: kind.label, now: now)
            members[kind] = MixReplica(kind: kind, organisation: kind.label, id: id, secret: secret)
        }
        let social = members[.socialServices]!, home = members[.residentialHome]!, guardian = members[.guardian]!

        // The child's changes, all lawful: registration, a hub of social services and the
        // home, 62 notes by social services and 182 by the home (998 changes).
        var rng = SplitMix64(seed: 0xACCE55)
        var sequences: [ReplicaID: UInt64] = [:]
        func change(_ by: MixReplica, _ type: String, _ record: RecordID, _ field: String, _ value: FieldValue,
                    tag: Tag? = nil) -> Change {
            let seq = sequences[by.id, default: 0] + 1
            sequences[by.id] = seq
            return Change(origin: by.id, seq: seq, version: 1, replaces: [], wallTime: now - 86_400_000 + Int64(seq),
                          recordType: type, recordID: record, field: field, value: value,
                          tag: tag ?? Schema.current.recordType(type)!.field(field)!.defaultTag)
        }
        func membership(_ member: MixReplica, child: RecordID) -> (record: RecordID, changes: [Change]) {
            let record = RecordID.random(using: &rng)
            return (record, [
                change(social, "membership", record, "child", .text(child.description)),
                change(social, "membership", record, "organisation", .text(member.organisation)),
                change(social, "membership", record, "role", .text(member.kind.role.rawValue)),
                change(social, "membership", record, "person", .text("Anna Berg")),
                change(social, "membership", record, "phone", .text("070-123 45 67")),
                change(social, "membership", record, "start_date", .text(MixWorkload.startDate)),
            ])
        }
        func notes(_ by: MixReplica, _ count: Int, child: RecordID) -> [Change] {
            (0..<count).flatMap { index -> [Change] in
                let record = RecordID.random(using: &rng)
                let (kind, tag) = by.kind.note
                return [
                    change(by, "note", record, "child", .text(child.description), tag: tag),
                    change(by, "note", record, "kind", .text(kind), tag: tag),
                    change(by, "note", record, "text", .text("Samtal \(index + 1): mår bra, går i skolan"), tag: tag),
                    change(by, "note", record, "author", .text(by.kind.label), tag: tag),
                ]
            }
        }
        let child = RecordID.random(using: &rng)
        var values = ValueSource(rng: rng)
        let person = values.person()
        var socialChanges = Schema.current.recordType("child")!.fields.map { field in
            change(social, "child", child, field.name,
                   field.name == "protected_identity" ? .bool(false) : values.value(for: field.name, person: person, edit: nil))
        }
        socialChanges += membership(social, child: child).changes + membership(home, child: child).changes
        socialChanges += notes(social, 62, child: child)
        let homeChanges = notes(home, 182, child: child)
        let childChanges = socialChanges.count + homeChanges.count

        // The filler: W1 uploads of other replicas, merged without checks (they are about
        // other children). The child's uploads are spread among them.
        let batches = max(1, store / 50_000)
        progress("navet-bench --ntk-access: building a store of \(grouped(store)) changes and one child of"
            + " \(childChanges) changes")
        let clock = ContinuousClock()
        let buildStart = clock.now
        try central.withRelaxedDurability {
            for batch in 0..<batches {
                let workload = Workload(replicas: max(1, store / batches / 1000), changesPerReplica: 1000,
                                        seed: 0xF111 &+ UInt64(batch))
                for (replica, changes) in workload.generate() {
                    _ = try central.acceptUpload(sender: replica, cursor: 0, changes: changes, now: now)
                }
                if batch == batches / 3 {
                    let result = try central.acceptUpload(sender: social.id, cursor: 0, changes: socialChanges,
                                                          access: context, now: now)
                    guard result.refused == 0 else { fatalError("the child's registration was refused") }
                }
                if batch >= batches / 3 {
                    // The home's notes, in pieces, through the rest of the log.
                    let pieces = max(1, batches - batches / 3)
                    let size = (homeChanges.count + pieces - 1) / pieces
                    let piece = Array(homeChanges.dropFirst((batch - batches / 3) * size).prefix(size))
                    if !piece.isEmpty {
                        let result = try central.acceptUpload(sender: home.id, cursor: 0, changes: piece,
                                                              access: context, now: now)
                        guard result.refused == 0 else { fatalError("the home's notes were refused") }
                    }
                }
            }
        }
        let held = try central.changeCount
        progress("navet-bench --ntk-access: \(grouped(held)) changes held, built in \(fixed(seconds(clock.now - buildStart), 1)) s")

        // The guardian has synced everything, and holds nothing of the child.
        var token: UInt64 = 1
        var cursor: UInt64 = 0
        var redactionAck: UInt64 = 0
        func sync() throws -> (seconds: Double, reply: FilteredReply) {
            let presented = token
            token += 1
            let start = clock.now
            let reply = try central.filteredReply(
                for: guardian.id, after: cursor, uploadAck: 0, redactionAck: redactionAck, presentedToken: presented,
                behind: false, replyToken: token, context: context, limit: 50_000, now: now)
            let elapsed = seconds(clock.now - start)
            cursor = reply.newCursor
            redactionAck = reply.redactions.map(\.id).max() ?? redactionAck
            return (elapsed, reply)
        }
        var first = try sync()
        while first.reply.more { first = try sync() }
        guard first.reply.changes.isEmpty else { fatalError("the guardian got changes before it joined the hub") }
        let quiet = try sync()
        progress("navet-bench --ntk-access: a sync with nothing to send: \(fixed(quiet.seconds * 1000, 1)) ms")

        var cycles: [Cycle] = []
        for run in 1...runs {
            var cycle = Cycle()
            let (record, joining) = membership(guardian, child: child)
            _ = try central.acceptUpload(sender: social.id, cursor: 0, changes: joining, access: context, now: now)
            let joined = try sync()
            cycle.backfill = joined.seconds
            cycle.backfilled = joined.reply.backfilled
            let ending = change(social, "membership", record, "end_date", .text("2025-11-29"))
            _ = try central.acceptUpload(sender: social.id, cursor: 0, changes: [ending], access: context, now: now)
            let left = try sync()
            cycle.redaction = left.seconds
            cycle.redacted = left.reply.redactions.reduce(0) { $0 + $1.changes.count }
            progress("  cycle \(run)/\(runs)  backfill \(fixed(cycle.backfill * 1000, 1)) ms (\(cycle.backfilled) changes)"
                + "  redaction \(fixed(cycle.redaction * 1000, 1)) ms (\(cycle.redacted) changes)")
            guard cycle.backfilled >= childChanges, cycle.redacted > 0 else { fatalError("nothing backfilled or redacted") }
            cycles.append(cycle)
        }
        print("""
            navet-bench --ntk-access: a child of \(childChanges) changes in a store of \(grouped(held)) changes; \
            \(machineDescription())
              \(runs) cycles (a new membership, then its end); medians
              sync with nothing to send:            \(fixed(quiet.seconds * 1000, 1)) ms
              backfill after a new membership:      \(fixed(median(cycles.map(\.backfill)) * 1000, 1)) ms \
            (\(cycles[0].backfilled) changes)
              redaction after the membership ends:  \(fixed(median(cycles.map(\.redaction)) * 1000, 1)) ms \
            (\(cycles[0].redacted) changes named)
              runs: backfill \(cycles.map { fixed($0.backfill * 1000, 1) }.joined(separator: ", ")) ms; \
            redaction \(cycles.map { fixed($0.redaction * 1000, 1) }.joined(separator: ", ")) ms
            """)
    }
}
