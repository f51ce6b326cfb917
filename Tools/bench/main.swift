// navet-bench: workload W1, the central store's merge against a raw-SQLite floor.
//
//   swift run -c release navet-bench [--replicas N] [--changes N] [--runs N] [--seed N] [--json]
//
// See README.md in this folder for what is measured and the figures.
import Foundation
import NavetCore
import NavetSQLite
import NavetStore
import NavetSync
import NavetWire

struct Options {
    var replicas = 200
    var changes = 1_000
    var runs = 3
    var seed: UInt64 = 0x4E41_5645_5431  // "NAVET1"
    var json = false

    static let usage = """
        usage: navet-bench [--replicas N] [--changes N] [--runs N] [--seed N] [--json]
          --replicas N  replicas uploading (default 200)
          --changes N   field changes per replica, a multiple of 20 (default 1000)
          --runs N      timed runs of each side, alternating floor and merge (default 3)
          --seed N      seed of the workload generator
          --json        print the results as one JSON object
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        func number(_ flag: String) -> Int {
            guard let text = rest.popFirst(), let value = Int(text), value > 0 else { fail("\(flag) needs a positive number") }
            return value
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--replicas": options.replicas = number(flag)
            case "--changes": options.changes = number(flag)
            case "--runs": options.runs = number(flag)
            case "--seed": options.seed = UInt64(number(flag))
            case "--json": options.json = true
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument \(flag)")
            }
        }
        if options.changes % Workload.fieldsChangedPerRecord != 0 {
            fail("--changes must be a multiple of \(Workload.fieldsChangedPerRecord) (records × 20 field changes)")
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        progress("navet-bench: \(message)\n\(usage)")
        exit(2)
    }
}

/// Time spent in one merge run, by stage.
struct MergeRun {
    var total = 0.0
    var decode = 0.0
    var check = 0.0
    var store = 0.0
    var diskBytes = 0
}

struct FloorRun {
    var total = 0.0
    var diskBytes = 0
}

let now: Int64 = Workload.baseWallTime + 90 * 86_400_000

func runFloor(_ uploads: [[Change]], expected: Int, cells: Int) throws -> FloorRun {
    let folder = try ScratchFolder("navet-bench-floor")
    defer { folder.remove() }
    var result = FloorRun()
    do {
        let db = try Floor.create(path: folder.file("floor.db"))
        let clock = ContinuousClock()
        let start = clock.now
        try Floor.run(db, uploads: uploads, now: now)
        result.total = seconds(clock.now - start)
        // Not timed: the rows are all there.
        guard case .integer(let count)? = try db.scalar("SELECT count(*) FROM changes"), count == expected,
              case .integer(let state)? = try db.scalar("SELECT count(*) FROM state"), state == cells
        else { fatalError("floor holds the wrong number of rows") }
    }
    result.diskBytes = folder.databaseBytes("floor.db")
    return result
}

/// Runs the merge; `afterwards` sees the filled store (for the reply measurement).
func runMerge(_ uploadFiles: [[UInt8]], expected: Int, afterwards: ((CentralStore) throws -> Void)? = nil) throws -> MergeRun {
    let folder = try ScratchFolder("navet-bench-merge")
    defer { folder.remove() }
    var result = MergeRun()
    do {
        let central = try CentralStore.create(path: folder.file("central.db"), now: now)
        let clock = ContinuousClock()
        var applied = 0
        let start = clock.now
        for bytes in uploadFiles {
            let t0 = clock.now
            let bundle = try BundleCodec.decode(bytes)
            let t1 = clock.now
            try Sync.check(bundle, kind: .upload)
            if let recipient = bundle.recipient, recipient != central.serverID { fatalError("wrong recipient") }
            let t2 = clock.now
            let outcome = try central.acceptUpload(sender: bundle.sender, cursor: bundle.cursor,
                                                   changes: bundle.changes, now: now)
            let t3 = clock.now
            applied += outcome.applied
            result.decode += seconds(t1 - t0)
            result.check += seconds(t2 - t1)
            result.store += seconds(t3 - t2)
        }
        result.total = seconds(clock.now - start)
        guard applied == expected, try central.changeCount == expected else {
            fatalError("central store holds the wrong number of changes")
        }
        try afterwards?(central)
    }
    result.diskBytes = folder.databaseBytes("central.db")
    return result
}

struct ReplyCost {
    var changes = 0
    var build = 0.0
    var encode = 0.0
    var bytes = 0
}

// MARK: - Main

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let workload = Workload(replicas: options.replicas, changesPerReplica: options.changes, seed: options.seed)
let total = workload.totalChanges
let cells = workload.replicas * workload.recordsPerReplica * Schema.current.recordType("child")!.fields.count

progress("navet-bench: generating W1 (\(options.replicas) replicas × \(options.changes) changes = \(grouped(total)) changes)")
let generated = workload.generate()
var textBytes = 0
var textValues = 0
for (_, changes) in generated {
    for change in changes {
        if case .text(let text) = change.value {
            textBytes += text.utf8.count
            textValues += 1
        }
    }
}

progress("navet-bench: encoding \(options.replicas) upload bundles")
let uploadFiles: [[UInt8]] = generated.map { replica, changes in
    BundleCodec.encode(Bundle(kind: .upload, schemaVersion: Schema.current.version, sender: replica, recipient: nil,
                              createdAt: changes.last!.wallTime, cursor: 0, changes: changes))
}
let uploadBytes = uploadFiles.reduce(0) { $0 + $1.count }
// The floor gets the same changes, decoded once up front: it does no decoding.
let decoded: [[Change]] = try uploadFiles.map { try BundleCodec.decode($0).changes }
precondition(decoded.map(\.count) == generated.map(\.changes.count))
precondition(zip(decoded, generated).allSatisfy { $0 == $1.changes }, "bundle round trip changed the changes")

var floorRuns: [FloorRun] = []
var mergeRuns: [MergeRun] = []
var reply = ReplyCost()
for run in 1...options.runs {
    let floor = try runFloor(decoded, expected: total, cells: cells)
    floorRuns.append(floor)
    progress("  run \(run)/\(options.runs)  floor  \(fixed(floor.total, 3)) s  \(grouped(Int(Double(total) / floor.total))) changes/s")
    let isLast = run == options.runs
    let merge = try runMerge(uploadFiles, expected: total, afterwards: isLast ? { central in
        // One reply as `Sync.acceptUpload` would build it for the last replica with cursor 0:
        // every other replica's changes. Not part of W1; measured once.
        let clock = ContinuousClock()
        let last = generated.last!.replica
        let t0 = clock.now
        let content = try central.reply(for: last, after: 0)
        let t1 = clock.now
        let file = BundleCodec.encode(Bundle(
            kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: last,
            createdAt: now, cursor: 0, newCursor: content.newCursor, ack: content.ack, changes: content.changes))
        let t2 = clock.now
        reply = ReplyCost(changes: content.changes.count, build: seconds(t1 - t0), encode: seconds(t2 - t1),
                          bytes: file.count)
    } : nil)
    mergeRuns.append(merge)
    progress("  run \(run)/\(options.runs)  merge  \(fixed(merge.total, 3)) s  \(grouped(Int(Double(total) / merge.total))) changes/s"
        + "  (decode \(fixed(merge.decode, 3)), check \(fixed(merge.check, 3)), store \(fixed(merge.store, 3)))")
}

// MARK: - Report

let floorSeconds = median(floorRuns.map(\.total))
let mergeSeconds = median(mergeRuns.map(\.total))
let floorRate = Double(total) / floorSeconds
let mergeRate = Double(total) / mergeSeconds
let ratio = mergeRate / floorRate
let bytesPerChange = Double(uploadBytes) / Double(total)
let replyBytesPerChange = reply.changes > 0 ? Double(reply.bytes) / Double(reply.changes) : 0
let decodeSeconds = median(mergeRuns.map(\.decode))
let checkSeconds = median(mergeRuns.map(\.check))
let storeSeconds = median(mergeRuns.map(\.store))
let ratioTarget = 0.5
let bytesTarget = 24.0
let ratioMet = ratio >= ratioTarget
let bytesMet = bytesPerChange <= bytesTarget

if options.json {
    let object: [String: Any] = [
        "workload": [
            "name": "W1", "replicas": options.replicas, "changesPerReplica": options.changes,
            "recordsPerReplica": workload.recordsPerReplica, "changesPerRecord": Workload.fieldsChangedPerRecord,
            "totalChanges": total, "seed": options.seed,
            "meanTextValueBytes": Double(textBytes) / Double(max(textValues, 1)),
        ],
        "machine": machineDescription(), "sqlite": Database.libraryVersion, "runs": options.runs,
        "floor": [
            "seconds": floorRuns.map(\.total), "medianSeconds": floorSeconds, "changesPerSecond": floorRate,
            "diskBytesPerChange": Double(floorRuns.last!.diskBytes) / Double(total),
        ],
        "merge": [
            "seconds": mergeRuns.map(\.total), "medianSeconds": mergeSeconds, "changesPerSecond": mergeRate,
            "medianDecodeSeconds": decodeSeconds, "medianCheckSeconds": checkSeconds,
            "medianStoreSeconds": storeSeconds,
            "diskBytesPerChange": Double(mergeRuns.last!.diskBytes) / Double(total),
        ],
        "ratio": ratio,
        "uploadBytes": uploadBytes, "bytesPerChange": bytesPerChange,
        "reply": [
            "changes": reply.changes, "buildSeconds": reply.build, "encodeSeconds": reply.encode,
            "bytes": reply.bytes, "bytesPerChange": replyBytesPerChange,
        ],
        "targets": [
            "ratio": ratioTarget, "ratioMet": ratioMet, "bytesPerChange": bytesTarget, "bytesPerChangeMet": bytesMet,
        ],
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} else {
    let perChange = { (seconds: Double) in fixed(seconds / Double(total) * 1e6, 2) + " µs/change" }
    print("""
        navet-bench W1: \(options.replicas) replicas × \(grouped(options.changes)) field changes = \(grouped(total)) changes
          per replica: \(workload.recordsPerReplica) child records × \(Workload.fieldsChangedPerRecord) changes = \
        each record's 10 fields created (version 1), then each edited once
          (version 2, replaces the version-1 stamp), edits in random order; mean text value \
        \(fixed(Double(textBytes) / Double(max(textValues, 1)), 1)) bytes
          machine: \(machineDescription()); SQLite \(Database.libraryVersion); \(options.runs) runs per side, alternating

                         median s   changes/s     per change
          floor (raw SQLite) \(fixed(floorSeconds, 3).leftPad(7))  \(grouped(Int(floorRate)).leftPad(10))    \(perChange(floorSeconds))
          merge (Navet)      \(fixed(mergeSeconds, 3).leftPad(7))  \(grouped(Int(mergeRate)).leftPad(10))    \(perChange(mergeSeconds))
            decode           \(fixed(decodeSeconds, 3).leftPad(7))                 \(perChange(decodeSeconds))
            Sync.check       \(fixed(checkSeconds, 3).leftPad(7))                 \(perChange(checkSeconds))
            store            \(fixed(storeSeconds, 3).leftPad(7))                 \(perChange(storeSeconds))
          runs: floor \(floorRuns.map { fixed($0.total, 3) }.joined(separator: ", ")) s; \
        merge \(mergeRuns.map { fixed($0.total, 3) }.joined(separator: ", ")) s

          merge / floor: \(fixed(ratio, 2))×   (target ≥ \(ratioTarget)×: \(ratioMet ? "met" : "NOT met"))
          upload bundles: \(grouped(uploadBytes)) bytes = \(fixed(bytesPerChange, 2)) bytes/change   \
        (target ≤ \(Int(bytesTarget)): \(bytesMet ? "met" : "NOT met"))
          on disk after the run: floor \(fixed(Double(floorRuns.last!.diskBytes) / Double(total), 1)) B/change, \
        central store \(fixed(Double(mergeRuns.last!.diskBytes) / Double(total), 1)) B/change (file + WAL)
          one reply with cursor 0 (not part of W1): \(grouped(reply.changes)) changes, \
        build \(fixed(reply.build, 3)) s, encode \(fixed(reply.encode, 3)) s, \
        \(grouped(reply.bytes)) bytes = \(fixed(replyBytesPerChange, 2)) bytes/change
        """)
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
