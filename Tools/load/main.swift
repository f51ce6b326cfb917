// navet-load: a real navetd on loopback and many replicas syncing over HTTP.
//
//   swift build -c release && .build/release/navet-load [--replicas 200] [--changes 1000]
//       [--concurrency 8] [--rounds 1] [--json]
//   .build/release/navet-load --incremental [--small 10000] [--large 1000000]
//
// The first form is W1 over HTTP (and, with --concurrency equal to --replicas, the
// "everyone at once" load test): each replica holds --changes pending changes per round
// (50 records, each field of a child set and then edited once) and runs the same
// SyncClient as `navet sync`. It reports errors, p50/p99 sync latency, total time,
// uploaded and downloaded changes per second, and the server's peak RSS.
//
// The second form measures the incremental cost: the time for one replica to sync 1,000
// new changes when the server already holds --small versus --large changes.
//
// The third form, --ntk, is W1 under need to know: organisations of four kinds around
// each child (NeedToKnow.swift).
//
// The fourth form, --region, is a region's nightly sync under need to know: every kind of
// organisation, a day of offline work, then every replica syncs once (Region.swift).

import Foundation
import NavetCommands
import NavetCore
import NavetStore
import NavetTestSupport

struct Options {
    var replicas = 200
    var changes = 1000
    var concurrency = 8
    var rounds = 1
    var json = false
    var incremental = false
    var small = 10_000
    var large = 1_000_000
    var samples = 5
    /// Need to know: mixed organisation kinds and hubs (NeedToKnow.swift).
    var ntk = false
    var children = 20
    var notes = 12
    /// A region's nightly sync (Region.swift).
    var region = false
    var history = 6
    var missing = 5
    var cli = false
    var scrapeEvery = 5.0
    var metricsRounds = 5

    init(_ arguments: [String]) {
        var index = 0
        func value() -> Int {
            index += 1
            guard index < arguments.count, let number = Int(arguments[index]), number > 0 else {
                fail("\(arguments[index - 1]) needs a positive whole number")
            }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--replicas": replicas = value()
            case "--changes": changes = value()
            case "--concurrency": concurrency = value()
            case "--rounds": rounds = value()
            case "--samples": samples = value()
            case "--small": small = value()
            case "--large": large = value()
            case "--json": json = true
            case "--incremental": incremental = true
            case "--ntk": ntk = true
            case "--children": children = value()
            case "--notes": notes = value()
            case "--region":
                region = true
                children = 50
            case "--history": history = value()
            case "--missing": missing = value()
            case "--cli": cli = true
            case "--scrape-every": scrapeEvery = Double(value())
            case "--no-scrape": scrapeEvery = 0
            case "--metrics-rounds": metricsRounds = value()
            case "--help", "-h":
                print("usage: navet-load [--replicas N] [--changes N] [--concurrency N] [--rounds N] [--json]\n"
                      + "       navet-load --incremental [--small N] [--large N] [--samples N] [--json]\n"
                      + "       navet-load --ntk [--replicas N] [--children N] [--notes N] [--concurrency N] [--json]\n"
                      + "       navet-load --region [--replicas N] [--children N] [--history N] [--missing N] [--concurrency N]\n"
                      + "                  [--cli] [--scrape-every SECONDS | --no-scrape] [--metrics-rounds N] [--json]")
                exit(0)
            default: fail("unknown option \(arguments[index])")
            }
            index += 1
        }
        if changes % 20 != 0 { fail("--changes must be a multiple of 20 (records × 20 field changes)") }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("navet-load: \(message)\n".utf8))
    exit(2)
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("navet-load: \(message)\n".utf8))
}

func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

let childFields = Schema.current.recordType("child")!.fields
let municipalities = ["Strömsund", "Östersund", "Umeå", "Härnösand", "Sundsvall", "Örnsköldsvik", "Kramfors"]
let languages = ["dari", "tigrinja", "arabiska", "somaliska", "pashto", "dari, svenska"]

/// A plausible value of about 20 bytes for a child field, varied by `n`.
func value(_ field: FieldSchema, _ n: Int) -> FieldValue {
    switch field.kind {
    case .date: return .text("20\(10 + n % 10)-0\(1 + n % 9)-\(10 + n % 18)")
    case .bool: return .bool(n % 2 == 0)  // alternates, so an edit always changes it
    case .choice(let options): return .text(options[n % options.count])
    case .code: return .text("MIG-\(100_000 + n * 7919 % 900_000)")
    default:
        switch field.name {
        case "name": return .text("Barn \(n) Åström-\(n % 97)")
        case "languages": return .text(languages[n % languages.count])
        default: return .text("\(municipalities[n % municipalities.count]) \(n % 1000)")
        }
    }
}

/// Makes `count` pending changes in a replica: records whose 10 child fields are set and
/// then edited once (20 changes per record).
func makePending(_ replica: ReplicaStore, count: Int, seed: Int) throws {
    try replica.withRelaxedDurability {
        for record in 0..<(count / 20) {
            let n = seed * 1_000 + record
            var values: [String: FieldValue] = [:]
            for (index, field) in childFields.enumerated() { values[field.name] = value(field, n + index) }
            let id = try replica.createRecord(type: "child", values: values, now: nowMs())
            for (index, field) in childFields.enumerated() {
                try replica.set(record: id, field: field.name, value: value(field, n + index + 1), now: nowMs())
            }
        }
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// Peak resident set size of a process, from /proc (VmHWM), in MiB.
func peakRSS(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kb / 1024
}

/// A central store with enrolled replicas in a temporary folder.
final class Fleet {
    let folder = TemporaryDirectory(prefix: "navet-load")
    var replicas: [ReplicaStore] = []
    var centralPath: String { folder.path("central.db") }

    init(replicas count: Int) throws {
        let central = try CentralStore.create(path: centralPath, now: nowMs())
        _ = try central.addOrganisation(name: "Lasttest", kind: .supportOffice, municipality: "Umeå", now: nowMs())
        for index in 0..<count {
            let enrolled = try central.enroll(organisation: "Lasttest", now: nowMs())
            replicas.append(try ReplicaStore.create(
                path: folder.path("r\(index).db"), enrolledAs: enrolled.replicaID, server: central.serverID,
                url: "http://127.0.0.1:9", secret: enrolled.secret, now: nowMs()))
        }
    }
}

struct RoundResult {
    var latencies: [Double] = []
    var errors: [String] = []
    var sent = 0
    var received = 0
    var seconds = 0.0
}

/// Syncs every replica once, `concurrency` at a time, through `SyncClient`.
func syncAll(_ replicas: [ReplicaStore], url: URL, concurrency: Int) -> RoundResult {
    final class Shared: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var result = RoundResult()
    }
    let shared = Shared()
    nonisolated(unsafe) let stores = replicas
    let started = Date()
    // One thread per worker: concurrentPerform would run only as many as there are cores.
    let group = DispatchGroup()
    for _ in 0..<concurrency {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            worker()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    shared.result.seconds = Date().timeIntervalSince(started)
    return shared.result

    @Sendable func worker() {
        while true {
            shared.lock.lock()
            let index = shared.next
            shared.next += 1
            shared.lock.unlock()
            guard index < stores.count else { return }
            let begin = Date()
            do {
                let report = try SyncClient(store: stores[index], server: url, timeout: 600).run()
                let seconds = Date().timeIntervalSince(begin)
                shared.lock.lock()
                shared.result.latencies.append(seconds)
                shared.result.sent += report.sent
                shared.result.received += report.received
                shared.lock.unlock()
            } catch {
                shared.lock.lock()
                shared.result.errors.append("replica \(index): \(error)")
                shared.lock.unlock()
            }
        }
    }
}

func runLoad(_ options: Options) throws {
    progress("setting up \(options.replicas) replicas")
    let fleet = try Fleet(replicas: options.replicas)
    let server = try ServerProcess(database: fleet.centralPath, workingDirectory: fleet.folder.url)
    let url = URL(string: server.url)!
    var rounds: [[String: Any]] = []
    var allLatencies: [Double] = []
    var errors: [String] = []
    var uploadRate: [Double] = []
    for round in 1...options.rounds {
        for (index, replica) in fleet.replicas.enumerated() {
            try makePending(replica, count: options.changes, seed: round * 100_000 + index)
        }
        progress("round \(round): \(options.replicas) replicas × \(options.changes) changes, \(options.concurrency) at a time")
        let result = syncAll(fleet.replicas, url: url, concurrency: options.concurrency)
        allLatencies += result.latencies
        errors += result.errors
        uploadRate.append(Double(result.sent) / result.seconds)
        rounds.append([
            "round": round, "seconds": result.seconds, "errors": result.errors.count,
            "uploaded": result.sent, "downloaded": result.received,
            "uploaded_per_s": Double(result.sent) / result.seconds,
            "downloaded_per_s": Double(result.received) / result.seconds,
            "p50_ms": percentile(result.latencies, 0.5) * 1000, "p99_ms": percentile(result.latencies, 0.99) * 1000,
        ])
        progress("round \(round): \(String(format: "%.1f", result.seconds)) s, \(result.errors.count) errors, "
                 + "p50 \(Int(percentile(result.latencies, 0.5) * 1000)) ms, p99 \(Int(percentile(result.latencies, 0.99) * 1000)) ms")
    }
    let rss = peakRSS(server.process.processIdentifier)
    server.stop()
    let summary: [String: Any] = [
        "replicas": options.replicas, "changes_per_replica": options.changes, "concurrency": options.concurrency,
        "rounds": rounds, "errors": errors.count, "error_samples": Array(errors.prefix(5)),
        "p50_ms": percentile(allLatencies, 0.5) * 1000, "p99_ms": percentile(allLatencies, 0.99) * 1000,
        "server_peak_rss_mib": rss, "median_uploaded_per_s": percentile(uploadRate, 0.5),
    ]
    if options.json {
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        print("W1 over HTTP: \(options.replicas) replicas × \(options.changes) changes, \(options.concurrency) at a time, \(options.rounds) round(s)")
        for round in rounds {
            print(String(format: "  round %d: %.1f s, uploaded %.0f changes/s, downloaded %.0f changes/s, p50 %.0f ms, p99 %.0f ms, errors %d",
                         round["round"] as! Int, round["seconds"] as! Double, round["uploaded_per_s"] as! Double,
                         round["downloaded_per_s"] as! Double, round["p50_ms"] as! Double, round["p99_ms"] as! Double,
                         round["errors"] as! Int))
        }
        print(String(format: "  all rounds: errors %d, p50 %.0f ms, p99 %.0f ms, server peak RSS %.0f MiB",
                     errors.count, percentile(allLatencies, 0.5) * 1000, percentile(allLatencies, 0.99) * 1000, rss))
        for error in errors.prefix(5) { print("  error: \(error)") }
    }
    if !errors.isEmpty { exit(1) }
}

/// A server holding `held` changes and one enrolled replica that has caught up with it.
final class IncrementalSetup {
    let fleet: Fleet
    let server: ServerProcess
    let url: URL
    var replica: ReplicaStore { fleet.replicas[0] }

    init(held: Int) throws {
        fleet = try Fleet(replicas: 1)
        do {
            // Fill the server directly through its store, as if many replicas had synced.
            let central = try CentralStore.open(path: fleet.centralPath)
            try central.withRelaxedDurability {
                let perOrigin = 10_000
                var origin = 0
                while origin * perOrigin < held {
                    let id = ReplicaID(rawValue: UInt64(0x7000_0000 + origin))
                    let count = min(perOrigin, held - origin * perOrigin)
                    let changes = (0..<count).map { index -> Change in
                        let field = childFields[index % childFields.count]
                        return Change(origin: id, seq: UInt64(index + 1), version: 1, replaces: [], wallTime: nowMs(),
                                      recordType: "child",
                                      recordID: RecordID(rawValue: UInt64(origin * perOrigin + index / 10 + 1)),
                                      field: field.name, value: value(field, index), tag: field.defaultTag)
                    }
                    _ = try central.acceptUpload(sender: id, cursor: 0, changes: changes, now: nowMs())
                    origin += 1
                    if origin % 10 == 0 { progress("server holds \(origin * perOrigin) changes") }
                }
            }
        }
        server = try ServerProcess(database: fleet.centralPath, workingDirectory: fleet.folder.url)
        url = URL(string: server.url)!
        progress("first sync of the measuring replica (downloads \(held) changes)")
        _ = try SyncClient(store: fleet.replicas[0], server: url, timeout: 3600).run()
    }

    /// One sample: 1,000 new changes, synced; the seconds it took.
    func sample(_ seed: Int) throws -> Double {
        try makePending(replica, count: 1000, seed: seed)
        let begin = Date()
        let report = try SyncClient(store: replica, server: url, timeout: 600).run()
        precondition(report.sent == 1000)
        return Date().timeIntervalSince(begin)
    }
}

/// Both servers side by side, samples alternating between them so that noise on the
/// shared machine falls on both alike.
func incremental(_ options: Options) throws -> (small: [Double], large: [Double]) {
    let small = try IncrementalSetup(held: options.small)
    let large = try IncrementalSetup(held: options.large)
    defer {
        small.server.stop()
        large.server.stop()
    }
    var times: (small: [Double], large: [Double]) = ([], [])
    for index in 0..<options.samples {
        times.small.append(try small.sample(900_000 + index))
        times.large.append(try large.sample(950_000 + index))
    }
    return times
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
do {
    if options.region {
        try runRegion(options)
    } else if options.ntk {
        try runNeedToKnow(options)
    } else if options.incremental {
        let times = try incremental(options)
        let small = percentile(times.small, 0.5)
        let large = percentile(times.large, 0.5)
        if options.json {
            let object: [String: Any] = ["small_held": options.small, "large_held": options.large,
                                         "small_median_ms": small * 1000, "large_median_ms": large * 1000,
                                         "ratio": large / small, "samples": options.samples]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("Incremental cost: one replica syncs 1,000 new changes (median of \(options.samples), alternating)")
            print(String(format: "  server holds %d changes: %.1f ms", options.small, small * 1000))
            print(String(format: "  server holds %d changes: %.1f ms", options.large, large * 1000))
            print(String(format: "  ratio large/small: %.2f× (target ≤ 2×)", large / small))
        }
    } else {
        try runLoad(options)
    }
} catch {
    fail("\(error)")
}
