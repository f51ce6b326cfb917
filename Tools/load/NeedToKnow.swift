// navet-load --ntk: W1 over HTTP under need to know (issue 12, "Benchmark").
//
// A quarter of the replicas each are social services, residential homes (HVB), guardians
// (god man) and schools, one organisation per replica. In phases, each timed as the sync
// calls alone (making the pending changes is not timed):
//   1. social services register --children children each, with a hub of four (itself, a
//      home, a guardian and a school drawn at random), and sync;
//   2. the other members sync and receive their children;
//   3. they write --notes notes per child (school notes tagged school, the others case)
//      and sync;
//   4. everyone syncs once more and receives the others' notes.
// It reports each phase's time, the total, bundle bytes the server sent (its /metrics),
// the server's peak RSS, changes refused and errors.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NavetCommands
import NavetCore
import NavetStore
import NavetTestSupport

enum MemberKind: Int, CaseIterable {
    case socialServices, residentialHome, guardian, school

    var kind: OrganisationKind { [.socialServices, .residentialHome, .guardian, .school][rawValue] }
    var role: HubRole { [.socialSecretary, .contactPerson, .guardian, .schoolMentor][rawValue] }
    var label: String { ["Socialtjänsten", "HVB", "God man", "Skolan"][rawValue] }
    /// A note kind and tag the default policy lets this member write.
    var note: (kind: String, tag: Tag) {
        [("conversation", .care), ("observation", .care), ("meeting", .care), ("school_absence", .school)][rawValue]
    }
}

struct Member {
    let kind: MemberKind
    let organisation: String
    let store: ReplicaStore
}

/// Reads one counter from the server's `/metrics`.
func metric(_ name: String, server: URL) -> Double {
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var text = ""
    URLSession.shared.dataTask(with: server.appendingPathComponent("metrics")) { data, _, _ in
        text = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        semaphore.signal()
    }.resume()
    semaphore.wait()
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
        return Double(line.split(separator: " ").last ?? "0") ?? 0
    }
    return 0
}

func runNeedToKnow(_ options: Options) throws {
    let folder = TemporaryDirectory(prefix: "navet-load-ntk")
    let centralPath = folder.path("central.db")
    var members: [Member] = []
    do {
        let central = try CentralStore.create(path: centralPath, now: nowMs())
        for index in 0..<options.replicas {
            let kind = MemberKind(rawValue: index % 4)!
            let name = "\(kind.label) \(index / 4 + 1)"
            _ = try central.addOrganisation(name: name, kind: kind.kind, municipality: "Umeå kommun", now: nowMs())
            let enrolled = try central.enroll(organisation: name, now: nowMs())
            members.append(Member(kind: kind, organisation: name, store: try ReplicaStore.create(
                path: folder.path("r\(index).db"), enrolledAs: enrolled.replicaID, server: central.serverID,
                url: "http://127.0.0.1:9", secret: enrolled.secret, now: nowMs())))
        }
    }
    let byKind = Dictionary(grouping: members, by: \.kind)
    let registrars = byKind[.socialServices] ?? []
    let others = members.filter { $0.kind != .socialServices }
    progress("need to know: \(options.replicas) replicas (\(registrars.count) of each kind), \(options.children) children"
             + " per social services replica, \(options.notes) notes per member and child")

    // Phase 1's pending changes: registrations and hubs.
    var generator = SystemRandomNumberGenerator()
    var hubs: [String: [RecordID]] = [:]  // organisation → its children
    for (number, registrar) in registrars.enumerated() {
        try registrar.store.withRelaxedDurability {
            for index in 0..<options.children {
                let n = number * 1000 + index
                var values: [String: FieldValue] = [:]
                for (offset, field) in childFields.enumerated() { values[field.name] = value(field, n + offset) }
                values["protected_identity"] = .bool(false)
                let child = try registrar.store.createRecord(type: "child", values: values, now: nowMs())
                for (offset, field) in childFields.enumerated() where field.name != "protected_identity" {
                    _ = try registrar.store.set(record: child, field: field.name, value: value(field, n + offset + 1), now: nowMs())
                }
                var hub = [registrar]
                for kind in [MemberKind.residentialHome, .guardian, .school] {
                    if let pool = byKind[kind], !pool.isEmpty { hub.append(pool[Int.random(in: 0..<pool.count, using: &generator)]) }
                }
                for member in hub {
                    _ = try registrar.store.createRecord(type: "membership", values: [
                        "child": .text(child.description), "organisation": .text(member.organisation),
                        "role": .text(member.kind.role.rawValue), "person": .text("Kontakt \(n)"),
                        "phone": .text("070-123 45 67"), "start_date": .text("2025-09-01"),
                    ], now: nowMs())
                    hubs[member.organisation, default: []].append(child)
                }
            }
        }
    }

    let server = try ServerProcess(database: centralPath, workingDirectory: folder.url)
    let url = URL(string: server.url)!
    var phases: [(name: String, result: RoundResult)] = []
    func phase(_ name: String, _ stores: [Member]) {
        let result = syncAll(stores.map(\.store), url: url, concurrency: options.concurrency)
        progress("\(name): \(String(format: "%.1f", result.seconds)) s, sent \(result.sent), received \(result.received),"
                 + " \(result.errors.count) errors")
        phases.append((name, result))
    }
    phase("1 social services register", registrars)
    phase("2 members receive their children", others)
    for member in others {
        let (kind, tag) = member.kind.note
        try member.store.withRelaxedDurability {
            for child in hubs[member.organisation] ?? [] {
                for index in 0..<options.notes {
                    _ = try member.store.createRecord(type: "note", values: [
                        "child": .text(child.description), "kind": .text(kind),
                        "text": .text("Anteckning \(index + 1): mår bra, går i skolan"), "author": .text(member.kind.label),
                    ], tag: tag, now: nowMs())
                }
            }
        }
    }
    phase("3 members write notes", others)
    phase("4 everyone receives the notes", members)

    let bytesOut = metric("navet_bytes_out_total", server: url)
    let refused = metric("navet_changes_refused_total", server: url)
    let rss = peakRSS(server.process.processIdentifier)
    server.stop()
    let total = phases.reduce(0) { $0 + $1.result.seconds }
    let errors = phases.flatMap(\.result.errors)
    let sent = phases.reduce(0) { $0 + $1.result.sent }
    let received = phases.reduce(0) { $0 + $1.result.received }
    let latencies = phases.flatMap(\.result.latencies)
    if options.json {
        let object: [String: Any] = [
            "replicas": options.replicas, "children_per_registrar": options.children, "notes": options.notes,
            "concurrency": options.concurrency, "seconds": total, "uploaded": sent, "downloaded": received,
            "bytes_sent_by_server": bytesOut, "refused": refused, "errors": errors.count,
            "server_peak_rss_mib": rss, "p50_ms": percentile(latencies, 0.5) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000,
            "phases": phases.map { ["name": $0.name, "seconds": $0.result.seconds, "uploaded": $0.result.sent,
                                    "downloaded": $0.result.received, "errors": $0.result.errors.count] },
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
                     as: UTF8.self))
    } else {
        print("W1 over HTTP under need to know: \(options.replicas) replicas, \(options.children) children per social services"
              + " replica, hubs of 4, \(options.notes) notes per member and child, \(options.concurrency) at a time")
        for (name, result) in phases {
            print(String(format: "  %@: %.1f s, uploaded %d, downloaded %d, errors %d", name, result.seconds, result.sent,
                         result.received, result.errors.count))
        }
        print(String(format: "  total %.1f s; uploaded %d, downloaded %d changes; server sent %.0f bundle bytes;"
                     + " refused %.0f; errors %d; p50 %.0f ms, p99 %.0f ms; server peak RSS %.0f MiB",
                     total, sent, received, bytesOut, refused, errors.count, percentile(latencies, 0.5) * 1000,
                     percentile(latencies, 0.99) * 1000, rss))
        for error in errors.prefix(5) { print("  error: \(error)") }
    }
    if !errors.isEmpty || refused > 0 { exit(1) }
}
