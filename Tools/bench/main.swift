// navet-bench: workload W1, the central store's merge against two raw-SQLite floors (Swift
// and C), and W1's change set exported for the CRDT engines (Tools/bench/peers).
//
//   swift run -c release navet-bench [--replicas N] [--changes N] [--runs N] [--values names|random] [--json] ...
//   swift run -c release navet-bench --export-changes FILE [--values names|random]
//
// See README.md in this folder for what is measured, the floor, and the figures.
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
    /// One side alone (for a profiler), or nil for the benchmark.
    var only: Side?
    var values: Workload.Values = .names
    /// Write the change set as JSON lines to this file instead of running the sides.
    var exportPath: String?
    /// Encode and decode the uploads in bundle format versions 3 and 4 instead (Codec.swift).
    var codec = false
    /// Run the merge beside the durable limits (DurableLimits.swift) instead.
    var limits = false

    static let usage = """
        usage: navet-bench [--replicas N] [--changes N] [--runs N] [--seed N] [--values names|random] [--json]
                           [--only floor|cfloor|merge]
               navet-bench --export-changes FILE [--values names|random] [--replicas N] [--changes N] [--seed N]
          --replicas N       replicas uploading (default 200)
          --changes N        field changes per replica, a multiple of 20 (default 1000)
          --runs N           timed runs of each side, alternating (default 3); medians are reported
          --seed N           seed of the workload generator (default \(0x4E41_5645_5431 as UInt64))
          --values KIND      names (default): realistic values; random: every free-text value is
                             17 random bytes in base64url (23 characters)
          --json             print the results as one JSON object on stdout
          --only SIDE        run one side alone (floor: Swift floor, cfloor: C floor, merge),
                             e.g. under a profiler; prints its median only
          --export-changes FILE
                             write the change set as JSON lines (one change per line) and
                             FILE.navet.json (Navet's signed upload bytes), for Tools/bench/peers
          --codec            encode and decode the upload bundles in format versions 3 and 4,
                             alternating, --runs times; bytes and µs per change
          --limits           the merge beside the C floor and the durable limits (each change's
                             bytes as a row; each upload's as one row), alternating, --runs times
               navet-bench --ntk [--replicas N] [--children N] [--notes N] [--runs N] [--split]
          W1 under need to know: mixed organisation kinds, filtered against unfiltered;
          --split times the merge and the reply apart
               navet-bench --ntk-access [--store N] [--runs N]
          the reply that backfills a child of 1,000 changes, and the one that redacts it
               navet-bench --audit-store N [--read-log M] [--children N] [--orgs N] [--queries N] [--keep DIR]
          a central store with N disclosure-ledger rows and N read-log entries (--read-log M);
          p50/p99 of each navetd audit query
               navet-bench --replica N --out FILE
          a replica file with N children, for the CLI benchmarks (Tools/bench/read-audit-cost.py)
        Progress goes to stderr.
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
            case "--only":
                guard let name = rest.popFirst(), let side = Side(rawValue: name) else {
                    fail("--only needs floor, cfloor or merge")
                }
                options.only = side
            case "--values":
                guard let name = rest.popFirst(), let values = Workload.Values(rawValue: name) else {
                    fail("--values needs names or random")
                }
                options.values = values
            case "--export-changes":
                guard let path = rest.popFirst(), !path.isEmpty, !path.hasPrefix("--") else {
                    fail("--export-changes needs a file")
                }
                options.exportPath = path
            case "--codec": options.codec = true
            case "--limits": options.limits = true
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

    func runs(_ side: Side) -> Bool {
        if let only { return only == side }
        return true
    }
}

enum Side: String, CaseIterable {
    case floor, cfloor, merge
}

/// One timed run of one side.
struct Run {
    var total = 0.0
    /// CPU time (user + system, getrusage) over the timed part.
    var cpu = 0.0
    /// Merge only: time by stage.
    var decode = 0.0
    var verify = 0.0
    var check = 0.0
    var store = 0.0
    /// Database file plus WAL after the run.
    var diskBytes = 0
}

let now: Int64 = Workload.baseWallTime + 90 * 86_400_000

/// The floor over the decoded changes, in a fresh file.
func runRaw(_ side: Side, _ uploads: [[Change]], expected: Int, cells: Int) throws -> Run {
    let folder = try ScratchFolder("navet-bench-\(side.rawValue)")
    defer { folder.remove() }
    var result = Run()
    do {
        let db = try Floor.create(path: folder.file("raw.db"))
        let clock = ContinuousClock()
        let cpu = NeedToKnowBench.Usage.now().cpu
        let start = clock.now
        try Floor.run(db, uploads: uploads, now: now)
        result.total = seconds(clock.now - start)
        result.cpu = NeedToKnowBench.Usage.now().cpu - cpu
        result.store = result.total
        // Not timed: the rows are all there.
        let state = "state"
        guard case .integer(let count)? = try db.scalar("SELECT count(*) FROM changes"), count == expected,
              case .integer(let stateRows)? = try db.scalar("SELECT count(*) FROM \(state)"), stateRows == cells
        else { fatalError("\(side.rawValue) holds the wrong number of rows") }
    }
    result.diskBytes = folder.databaseBytes("raw.db")
    return result
}

/// The merge: decode, verify, check and store each upload, as `SyncService.accept` does
/// without building the reply. `afterwards` sees the filled store.
func runMerge(
    _ uploadFiles: [[UInt8]], secrets: [ReplicaID: [UInt8]], expected: Int,
    afterwards: ((CentralStore) throws -> Void)? = nil
) throws -> Run {
    let folder = try ScratchFolder("navet-bench-merge")
    defer { folder.remove() }
    var result = Run()
    do {
        let central = try CentralStore.create(path: folder.file("central.db"), now: now)
        let clock = ContinuousClock()
        var applied = 0
        let cpu = NeedToKnowBench.Usage.now().cpu
        let start = clock.now
        for bytes in uploadFiles {
            let t0 = clock.now
            let signed: SignedBundle = try BundleCodec.decode(bytes)
            let t1 = clock.now
            let signer = signed.signature.keyID
            guard let secret = secrets[signer], BundleCodec.verify(bytes, secret: secret) else {
                fatalError("upload signature does not verify")
            }
            let t2 = clock.now
            let bundle = signed.bundle
            guard bundle.sender == signer else { fatalError("upload not from its signer") }
            try Sync.check(bundle, kind: .upload)
            if let recipient = bundle.recipient, recipient != central.serverID { fatalError("wrong recipient") }
            let t3 = clock.now
            let outcome = try central.acceptUpload(sender: signer, cursor: bundle.cursor, changes: bundle.changes,
                                                   nonce: signed.signature.nonce, now: now)
            let t4 = clock.now
            applied += outcome.applied
            result.decode += seconds(t1 - t0)
            result.verify += seconds(t2 - t1)
            result.check += seconds(t3 - t2)
            result.store += seconds(t4 - t3)
        }
        result.total = seconds(clock.now - start)
        result.cpu = NeedToKnowBench.Usage.now().cpu - cpu
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

// MARK: - Workload, built up front (not timed)

// Need to know (issue 12): its own workloads, in NeedToKnow.swift.
if CommandLine.arguments.contains("--ntk") {
    try NeedToKnowBench.main(Array(CommandLine.arguments.dropFirst()))
    exit(0)
}
if CommandLine.arguments.contains("--replica") {
    try ReplicaBench.main(Array(CommandLine.arguments.dropFirst()))
    exit(0)
}
if CommandLine.arguments.contains("--audit-store") {
    try AuditBench.main(Array(CommandLine.arguments.dropFirst()))
    exit(0)
}
if CommandLine.arguments.contains("--ntk-access") {
    try AccessChangeBench.main(Array(CommandLine.arguments.dropFirst()))
    exit(0)
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let workload = Workload(replicas: options.replicas, changesPerReplica: options.changes, seed: options.seed,
                        values: options.values)
let total = workload.totalChanges
let childFields = Schema.current.recordType("child")!.fields
let cells = workload.replicas * workload.recordsPerReplica * childFields.count

progress("navet-bench: generating W1 (\(options.replicas) replicas × \(options.changes) changes = \(grouped(total)) changes,"
    + " \(options.values.rawValue) values)")
let generated = workload.generate()

var fieldBytes: [String: (bytes: Int, count: Int)] = [:]
for (_, changes) in generated {
    for change in changes {
        if case .text(let text) = change.value {
            fieldBytes[change.field, default: (0, 0)].bytes += text.utf8.count
            fieldBytes[change.field, default: (0, 0)].count += 1
        }
    }
}
func meanBytes(_ fields: [FieldSchema], _ fieldBytes: [String: (bytes: Int, count: Int)]) -> Double {
    let stats = fields.compactMap { fieldBytes[$0.name] }
    return Double(stats.map(\.bytes).reduce(0, +)) / Double(max(stats.map(\.count).reduce(0, +), 1))
}
let textMean = meanBytes(childFields, fieldBytes)
let freeTextMean = meanBytes(childFields.filter { if case .text = $0.kind { true } else { false } }, fieldBytes)
let fieldMeans = childFields.compactMap { field in
    fieldBytes[field.name].map { "\(field.name) \(fixed(Double($0.bytes) / Double($0.count), 1))" }
}

progress("navet-bench: encoding \(options.replicas) signed upload bundles")
// Each replica's enrollment secret and each upload's nonce, from the seeded generator so
// every run writes the same bytes.
func randomBytes(_ count: Int, using generator: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}
var keyRNG = SplitMix64(seed: options.seed ^ 0x5EC2_E75E_C2E7)
var secrets: [ReplicaID: [UInt8]] = [:]
var uploadNonces: [[UInt8]] = []
for (replica, _) in generated {
    secrets[replica] = randomBytes(32, using: &keyRNG)
    uploadNonces.append(randomBytes(BundleSignature.nonceByteCount, using: &keyRNG))
}
let uploadFiles: [[UInt8]] = zip(generated, uploadNonces).map { upload, nonce in
    let (replica, changes) = upload
    let createdAt = changes.last!.wallTime
    let signer = BundleSigner(keyID: replica, secret: secrets[replica]!, timestamp: createdAt, nonce: nonce)
    return BundleCodec.encode(
        Bundle(kind: .upload, schemaVersion: Schema.current.version, sender: replica, recipient: nil,
               createdAt: createdAt, cursor: 0, changes: changes),
        signer: signer)
}
let uploadBytes = uploadFiles.reduce(0) { $0 + $1.count }
// The floors get the same changes, decoded once up front: they do no decoding.
let signedUploads: [SignedBundle] = try uploadFiles.map { try BundleCodec.decode($0) }
let decoded = signedUploads.map(\.bundle.changes)
precondition(zip(decoded, generated).allSatisfy { $0 == $1.changes }, "the bundle round trip changed the changes")

if let path = options.exportPath {
    let summary: [String: Any] = [
        "replicas": options.replicas, "changesPerReplica": options.changes, "totalChanges": total,
        "seed": options.seed, "values": options.values.rawValue,
        "meanTextValueBytes": textMean, "meanFreeTextValueBytes": freeTextMean,
        "navetUploadBytes": uploadBytes, "navetBytesPerChange": Double(uploadBytes) / Double(total),
    ]
    try ChangeExport.write(generated, to: path, summary: summary)
    print("navet-bench: wrote \(grouped(total)) changes (\(options.values.rawValue) values) to \(path);"
        + " Navet's signed upload bundles: \(grouped(uploadBytes)) bytes = \(fixed(Double(uploadBytes) / Double(total), 2))"
        + " bytes/change (\(path).navet.json)")
    exit(0)
}
if options.codec {
    try CodecBench.run(generated, secrets: secrets, nonces: uploadNonces, runs: options.runs, total: total)
    exit(0)
}
// The C floor's flat input, built once and not timed.
let cInput: CFloorInput? = options.runs(.cfloor) || options.limits ? CFloorInput(decoded) : nil

func padLeft(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

if options.limits {
    // The merge, the C floor and the two durable limits take turns going first.
    let names = ["merge", "C floor", "row per change", "row per upload"]
    var runs: [[Run]] = Array(repeating: [], count: names.count)
    for run in 1...options.runs {
        for offset in names.indices {
            let side = (offset + run - 1) % names.count
            let result: Run
            switch side {
            case 0: result = try runMerge(uploadFiles, secrets: secrets, expected: total)
            case 1: result = try runCFloor(cInput!, expected: total, cells: cells)
            case 2: result = try DurableLimits.run(cInput!, perUpload: false)
            default: result = try DurableLimits.run(cInput!, perUpload: true)
            }
            runs[side].append(result)
            progress("  run \(run)/\(options.runs)  \(names[side].padding(toLength: 15, withPad: " ", startingAt: 0)) "
                + "\(fixed(result.total, 3)) s  \(grouped(Int(Double(total) / result.total))) changes/s  CPU \(fixed(result.cpu, 3)) s")
        }
    }
    let medians = runs.map { medianOf($0, \.total) }
    let cpus = runs.map { medianOf($0, \.cpu) }
    if options.json {
        let sides = names.indices.map { index -> [String: Any] in
            ["side": names[index], "seconds": runs[index].map(\.total), "cpuSeconds": runs[index].map(\.cpu),
             "medianSeconds": medians[index], "medianCPUSeconds": cpus[index],
             "changesPerSecond": Double(total) / medians[index]]
        }
        let object: [String: Any] = ["changes": total, "replicas": options.replicas, "runs": options.runs,
                                     "values": options.values.rawValue, "loadAverage": loadAverage(), "sides": sides]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        print("navet-bench --limits: \(grouped(total)) changes, \(options.replicas) uploads, \(options.runs) runs; medians")
        print("  side              seconds   changes/s    CPU s   merge / side")
        for index in names.indices {
            print("  \(names[index].padding(toLength: 16, withPad: " ", startingAt: 0))  \(fixed(medians[index], 3))"
                + "  \(padLeft(grouped(Int(Double(total) / medians[index])), 10))  \(fixed(cpus[index], 3))"
                + "   \(fixed(medians[0] / medians[index], 2))×")
        }
    }
    exit(0)
}

// MARK: - Timed runs, alternating sides

var floorRuns: [Run] = []
var cfloorRuns: [Run] = []
var mergeRuns: [Run] = []
var reply = ReplyCost()

func line(_ run: Int, _ side: String, _ result: Run, _ detail: String = "") {
    progress("  run \(run)/\(options.runs)  \(side.padding(toLength: 12, withPad: " ", startingAt: 0)) "
        + "\(fixed(result.total, 3)) s  \(grouped(Int(Double(total) / result.total))) changes/s  CPU \(fixed(result.cpu, 3)) s\(detail)")
}

for run in 1...options.runs {
  // The sides take turns going first: run 1 floor, C floor, merge; run 2 C floor, merge, floor; ...
  let sides = Side.allCases
  for offset in sides.indices {
    let side = sides[(offset + run - 1) % sides.count]
    guard options.runs(side) else { continue }
    switch side {
    case .floor:
        floorRuns.append(try runRaw(.floor, decoded, expected: total, cells: cells))
        line(run, "floor", floorRuns.last!)
    case .cfloor:
        cfloorRuns.append(try runCFloor(cInput!, expected: total, cells: cells))
        line(run, "C floor", cfloorRuns.last!)
    case .merge:
        let isLast = run == options.runs
        let merge = try runMerge(uploadFiles, secrets: secrets, expected: total, afterwards: isLast ? { central in
            // The visible state is the edits' values (checked on a sample of records).
            for (_, changes) in generated.prefix(20) {
                let edited = changes.suffix(changes.count / 2)
                let record = edited.first!.recordID
                let snapshot = try central.snapshot(record)
                for change in edited where change.recordID == record {
                    guard let field = snapshot.field(change.field), field.change == change, field.headCount == 1 else {
                        fatalError("central store shows the wrong value for \(record) \(change.field)")
                    }
                }
            }
            // One reply page as the server builds it for the last replica with cursor 0.
            // Not part of W1; measured once.
            let clock = ContinuousClock()
            let last = generated.last!.replica
            let t0 = clock.now
            let content = try central.reply(for: last, after: 0)
            let t1 = clock.now
            // Signed with the recipient's secret, as the server signs replies.
            let signer = BundleSigner(keyID: last, secret: secrets[last]!, timestamp: now,
                                      nonce: [UInt8](repeating: 7, count: BundleSignature.nonceByteCount))
            let file = BundleCodec.encode(Bundle(
                kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: last,
                createdAt: now, cursor: 0, newCursor: content.newCursor, ack: content.ack, changes: content.changes),
                signer: signer)
            let t2 = clock.now
            reply = ReplyCost(changes: content.changes.count, build: seconds(t1 - t0), encode: seconds(t2 - t1),
                              bytes: file.count)
        } : nil)
        mergeRuns.append(merge)
        line(run, "merge", merge,
             "  (decode \(fixed(merge.decode, 3)), verify \(fixed(merge.verify, 3)), check \(fixed(merge.check, 3)),"
                + " store \(fixed(merge.store, 3)))")
    }
  }
}

// MARK: - Report

if let only = options.only {
    let runs = [Side.floor: floorRuns, .cfloor: cfloorRuns, .merge: mergeRuns][only]!.map(\.total)
    print("\(only.rawValue): median \(fixed(median(runs), 3)) s, \(grouped(Int(Double(total) / median(runs)))) changes/s")
    exit(0)
}

func medianOf(_ runs: [Run], _ value: (Run) -> Double) -> Double { median(runs.map(value)) }
let floorSeconds = medianOf(floorRuns, \.total)
let cfloorSeconds = medianOf(cfloorRuns, \.total)
let mergeSeconds = medianOf(mergeRuns, \.total)
let floorRate = Double(total) / floorSeconds
let cfloorRate = Double(total) / cfloorSeconds
let mergeRate = Double(total) / mergeSeconds
let ratio = mergeRate / floorRate
let ratioToC = mergeRate / cfloorRate
let cRatioTarget = 1.0
let decodeSeconds = medianOf(mergeRuns, \.decode)
let verifySeconds = medianOf(mergeRuns, \.verify)
let checkSeconds = medianOf(mergeRuns, \.check)
let storeSeconds = medianOf(mergeRuns, \.store)
let bytesPerChange = Double(uploadBytes) / Double(total)
let replyBytesPerChange = reply.changes > 0 ? Double(reply.bytes) / Double(reply.changes) : 0
let ratioTarget = 0.5
let bytesTarget = 24.0
let ratioMet = ratio >= ratioTarget
let bytesMet = bytesPerChange <= bytesTarget
let machine = machineDescription()
func diskPerChange(_ runs: [Run]) -> Double { Double(runs.last!.diskBytes) / Double(total) }

if options.json {
    let object: [String: Any] = [
        "workload": [
            "name": "W1", "replicas": options.replicas, "changesPerReplica": options.changes,
            "recordsPerReplica": workload.recordsPerReplica, "changesPerRecord": Workload.fieldsChangedPerRecord,
            "totalChanges": total, "seed": options.seed, "values": options.values.rawValue,
            "meanTextValueBytes": textMean, "meanFreeTextValueBytes": freeTextMean,
        ],
        "machine": machine, "sqlite": Database.libraryVersion, "runs": options.runs,
        "floor": [
            "seconds": floorRuns.map(\.total), "cpuSeconds": floorRuns.map(\.cpu), "medianSeconds": floorSeconds, "changesPerSecond": floorRate,
            "diskBytesPerChange": diskPerChange(floorRuns),
        ],
        "cFloor": [
            "seconds": cfloorRuns.map(\.total), "cpuSeconds": cfloorRuns.map(\.cpu), "medianSeconds": cfloorSeconds, "changesPerSecond": cfloorRate,
            "diskBytesPerChange": diskPerChange(cfloorRuns),
        ],
        "merge": [
            "seconds": mergeRuns.map(\.total), "cpuSeconds": mergeRuns.map(\.cpu), "medianSeconds": mergeSeconds, "changesPerSecond": mergeRate,
            "medianDecodeSeconds": decodeSeconds, "medianVerifySeconds": verifySeconds,
            "medianCheckSeconds": checkSeconds,
            "medianStoreSeconds": storeSeconds, "diskBytesPerChange": diskPerChange(mergeRuns),
        ],
        "ratio": ratio, "ratioToCFloor": ratioToC, "loadAverage": loadAverage(),
        "uploadBytes": uploadBytes, "bytesPerChange": bytesPerChange,
        "reply": [
            "changes": reply.changes, "buildSeconds": reply.build, "encodeSeconds": reply.encode,
            "bytes": reply.bytes, "bytesPerChange": replyBytesPerChange,
        ],
        "targets": [
            "ratio": ratioTarget, "ratioMet": ratioMet, "ratioToCFloor": cRatioTarget, "ratioToCFloorMet": ratioToC >= cRatioTarget, "bytesPerChange": bytesTarget, "bytesPerChangeMet": bytesMet,
        ],
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} else {
    func row(_ name: String, _ seconds: Double, rate: Bool = true, cpu: Double? = nil) -> String {
        name.padding(toLength: 28, withPad: " ", startingAt: 0) + fixed(seconds, 3).leftPad(8)
            + (rate ? grouped(Int(Double(total) / seconds)).leftPad(12) : String(repeating: " ", count: 12))
            + (fixed(seconds / Double(total) * 1e6, 2) + " µs").leftPad(12)
            + (cpu.map { fixed($0, 3).leftPad(9) } ?? "")
    }
    let floorCPU = medianOf(floorRuns, \.cpu), cfloorCPU = medianOf(cfloorRuns, \.cpu), mergeCPU = medianOf(mergeRuns, \.cpu)
    var lines = [
        "navet-bench W1: \(options.replicas) replicas × \(grouped(options.changes)) field changes = \(grouped(total)) changes",
        "  per replica: \(workload.recordsPerReplica) of its own child records × \(Workload.fieldsChangedPerRecord) changes:"
            + " the 10 fields created (version 1),",
        "  then each field edited once (version 2, replacing the version-1 stamp), edits in random order",
        "  text values: mean \(fixed(textMean, 1)) bytes, free-text fields \(fixed(freeTextMean, 1)) bytes"
            + " (\(fieldMeans.joined(separator: ", ")))",
        "  values: \(options.values.rawValue); \(machine); load average \(loadAverage()); SQLite \(Database.libraryVersion);"
            + " \(options.runs) runs per side, alternating; medians",
        "",
        "                              median s   changes/s  per change    CPU s",
        row("  floor (Swift, raw SQLite)", floorSeconds, cpu: floorCPU),
        row("  C floor (libsqlite3)", cfloorSeconds, cpu: cfloorCPU),
        row("  merge (Navet)", mergeSeconds, cpu: mergeCPU),
        row("    decode", decodeSeconds, rate: false),
        row("    verify (HMAC)", verifySeconds, rate: false),
        row("    Sync.check", checkSeconds, rate: false),
        row("    store", storeSeconds, rate: false),
    ]
    lines += [
        "  runs: floor \(floorRuns.map { fixed($0.total, 3) }.joined(separator: ", ")) s;"
            + " C floor \(cfloorRuns.map { fixed($0.total, 3) }.joined(separator: ", ")) s;"
            + " merge \(mergeRuns.map { fixed($0.total, 3) }.joined(separator: ", ")) s",
        "  CPU: floor \(floorRuns.map { fixed($0.cpu, 3) }.joined(separator: ", ")) s;"
            + " C floor \(cfloorRuns.map { fixed($0.cpu, 3) }.joined(separator: ", ")) s;"
            + " merge \(mergeRuns.map { fixed($0.cpu, 3) }.joined(separator: ", ")) s",
        "",
        "  merge / C floor: \(fixed(ratioToC, 2))×  (issue 15 target ≥ \(cRatioTarget)×:"
            + " \(ratioToC >= cRatioTarget ? "met" : "NOT met"))",
        "  merge / Swift floor: \(fixed(ratio, 2))×  (first target ≥ \(ratioTarget)×: \(ratioMet ? "met" : "NOT met"))",
        "  C floor / Swift floor: \(fixed(cfloorRate / floorRate, 2))×",
        "  CPU (user + system, medians): merge / C floor \(fixed(cfloorCPU / mergeCPU, 2))×,"
            + " merge / Swift floor \(fixed(floorCPU / mergeCPU, 2))× (as rates: floor CPU over merge CPU)",
        "  upload bundles: \(grouped(uploadBytes)) bytes = \(fixed(bytesPerChange, 2)) bytes/change"
            + "  (target ≤ \(Int(bytesTarget)): \(bytesMet ? "met" : "NOT met"))",
        "  on disk after a run (file + WAL): floor \(fixed(diskPerChange(floorRuns), 1)) B/change,"
            + " C floor \(fixed(diskPerChange(cfloorRuns), 1)) B/change,"
            + " central store \(fixed(diskPerChange(mergeRuns), 1)) B/change",
        "  one reply page for the last replica from cursor 0 (not part of W1): \(grouped(reply.changes)) changes,"
            + " read \(fixed(reply.build, 3)) s, encode \(fixed(reply.encode, 3)) s,",
        "    \(grouped(reply.bytes)) bytes = \(fixed(replyBytesPerChange, 2)) bytes/change",
    ]
    print(lines.joined(separator: "\n"))
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
