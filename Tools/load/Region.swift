// navet-load --region: a region's nightly sync under need to know (issue 15, point 5).
//
// Replicas of every organisation kind the default policy knows, in a region's proportions
// (per 200: 20 social services, 40 residential homes, 50 guardians, 40 schools, 16 health
// care, 4 Migration Agency, 4 police, 24 volunteer organisations, 2 regional support
// offices). Each social services replica registers --children children; each child's hub:
// its social services, a home, a guardian and a school, health care for 30%, the Migration
// Agency for 50%, a volunteer organisation for 15%. Setup (not timed as the night): the
// registrations sync, the members receive their children, everyone writes --history notes
// per child of its hub and syncs, and syncs once more, so every replica starts the night
// caught up. A few children are missing at the start of the night (their episodes open).
//
// The day (not timed): every replica works offline as its kind does: notes, edits of the
// child, decisions, actions, a new child registered by each social services replica, missing
// episodes reported by homes (the police get the search fields), an episode closed (the
// police's access ends: a redaction), and displays, each with its read-log entry.
//
// The night (timed): every replica syncs once, in a shuffled order, --concurrency at a time,
// each opening its file as `navet sync` does (or, with --cli, running the real `navet sync`
// process). Reported: the night's total, per-sync latency, errors and refusals, the server's
// peak RSS (VmHWM), and where the time went: client phases (open, build and sign the upload,
// HTTP, apply the reply, the rest) against server phases from navetd's request log (nonce,
// lock wait, merge, read log, filtered reply, ledger, encoding).
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NavetCommands
import NavetCore
import NavetStore
import NavetTestSupport

/// The organisation kinds of a region, with their share per 200 replicas and hub role.
struct RegionKind {
    let kind: OrganisationKind
    let role: HubRole?
    let label: String
    let per200: Int

    static let all: [RegionKind] = [
        RegionKind(kind: .socialServices, role: .socialSecretary, label: "Socialtjänsten", per200: 20),
        RegionKind(kind: .residentialHome, role: .contactPerson, label: "HVB", per200: 40),
        RegionKind(kind: .guardian, role: .guardian, label: "God man", per200: 50),
        RegionKind(kind: .school, role: .schoolMentor, label: "Skolan", per200: 40),
        RegionKind(kind: .health, role: .health, label: "BUP", per200: 16),
        RegionKind(kind: .migrationAgency, role: .migrationOfficer, label: "Migrationsverket", per200: 4),
        RegionKind(kind: .police, role: nil, label: "Polisen", per200: 4),
        RegionKind(kind: .volunteer, role: .volunteer, label: "Föreningen", per200: 24),
        RegionKind(kind: .supportOffice, role: nil, label: "Stödkontoret", per200: 2),
    ]

    /// How many replicas of each kind for `total` replicas: at least one each, the rest to guardians.
    static func counts(total: Int) -> [(RegionKind, Int)] {
        var counts = all.map { ($0, max(1, $0.per200 * total / 200)) }
        let sum = counts.reduce(0) { $0 + $1.1 }
        if let guardian = counts.firstIndex(where: { $0.0.kind == .guardian }) {
            counts[guardian].1 = max(1, counts[guardian].1 + total - sum)
        }
        return counts
    }
}

final class RegionMember: @unchecked Sendable {
    let kind: RegionKind
    let organisation: String
    let path: String
    var store: ReplicaStore?
    /// The children in whose hub it is (for police: those it may see while missing).
    var children: [RecordID] = []
    init(kind: RegionKind, organisation: String, path: String, store: ReplicaStore) {
        self.kind = kind
        self.organisation = organisation
        self.path = path
        self.store = store
    }
}

/// A deterministic random source, so runs are comparable.
struct RegionRandom {
    var generator: SplitMix64
    init(_ seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(generator.next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// One sync of the night, as measured by the client.
struct NightSync {
    var replica = ""
    var kind = ""
    var open = 0.0
    var timing = SyncClient.Timing()
    var total = 0.0
    var rounds = 0
    var sent = 0
    var received = 0
    var refused = 0
    var redacted = 0
    var error: String?
}

func regionDay(_ ms: Int64) -> String { SwedishTime.today(at: ms).description }

func runRegion(_ options: Options) throws {
    let folder = TemporaryDirectory(prefix: "navet-load-region")
    let centralPath = folder.path("central.db")
    let start = nowMs()
    var random = RegionRandom(0x5EED_2026)
    var members: [RegionMember] = []
    let setupStarted = Date()
    do {
        let central = try CentralStore.create(path: centralPath, now: start)
        var index = 0
        for (kind, count) in RegionKind.counts(total: options.replicas) {
            for number in 1...count {
                let name = "\(kind.label) \(number)"
                _ = try central.addOrganisation(name: name, kind: kind.kind, municipality: "Umeå kommun", now: start)
                let enrolled = try central.enroll(organisation: name, now: start)
                let path = folder.path("r\(index).db")
                members.append(RegionMember(kind: kind, organisation: name, path: path, store: try ReplicaStore.create(
                    path: path, enrolledAs: enrolled.replicaID, server: central.serverID,
                    url: "http://127.0.0.1:9", secret: enrolled.secret, now: start)))
                index += 1
            }
        }
    }
    func pool(_ kind: OrganisationKind) -> [RegionMember] { members.filter { $0.kind.kind == kind } }
    let social = pool(.socialServices), homes = pool(.residentialHome), guardians = pool(.guardian)
    let schools = pool(.school), health = pool(.health), migration = pool(.migrationAgency)
    let police = pool(.police), volunteers = pool(.volunteer)
    progress("region: \(members.count) replicas ("
             + RegionKind.counts(total: options.replicas).map { "\($1) \($0.kind.rawValue)" }.joined(separator: ", ")
             + "), \(options.children) children per social services replica")

    var serial = 0
    /// Registers a child with its hub in `registrar`'s replica; returns it.
    func register(_ registrar: RegionMember, now: Int64) throws -> RecordID {
        serial += 1
        let n = serial
        let store = registrar.store!
        var values: [String: FieldValue] = [:]
        for (offset, field) in childFields.enumerated() { values[field.name] = value(field, n + offset) }
        values["protected_identity"] = .bool(false)
        values["search_description"] = .text("Ca 165 cm, mörkt hår, grön jacka \(n)")
        let child = try store.createRecord(type: "child", values: values, now: now)
        var hub = [registrar]
        for list in [homes, guardians, schools] where !list.isEmpty { hub.append(list[random.below(list.count)]) }
        if !health.isEmpty, random.chance(30) { hub.append(health[random.below(health.count)]) }
        if !migration.isEmpty, random.chance(50) { hub.append(migration[random.below(migration.count)]) }
        if !volunteers.isEmpty, random.chance(15) { hub.append(volunteers[random.below(volunteers.count)]) }
        for member in hub {
            guard let role = member.kind.role else { continue }
            _ = try store.createRecord(type: "membership", values: [
                "child": .text(child.description), "organisation": .text(member.organisation),
                "role": .text(role.rawValue), "person": .text("Kontakt \(n)"),
                "phone": .text("070-123 45 67"), "start_date": .text(regionDay(now - 86_400_000)),
            ], now: now)
            member.children.append(child)
        }
        return child
    }

    /// One note by `member` about `child`, as its kind writes them, with its read-log entry.
    func note(_ member: RegionMember, _ child: RecordID, _ text: String, now: Int64) throws {
        let pair: (String, Tag)
        switch member.kind.kind {
        case .socialServices: pair = ("conversation", .care)
        case .residentialHome: pair = ("observation", .care)
        case .guardian: pair = ("meeting", .care)
        case .school: pair = ("school_absence", .school)
        case .health: pair = ("conversation", .health)
        default: return
        }
        let (kind, tag) = pair
        let store = member.store!
        let record = try store.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text(kind), "text": .text(text), "author": .text("Anna Lind"),
        ], tag: tag, now: now)
        var entry = AuditDraft(user: "anna", kind: "edit", command: "note add")
        entry.records = [child, record]
        entry.fields = ["note.child", "note.kind", "note.text", "note.author"]
        entry.insertTag(tag.rawValue)
        _ = try store.appendAudit(entry, now: now)
    }

    /// A display of a child's case page, with its read-log entry.
    func display(_ member: RegionMember, _ child: RecordID, now: Int64) throws {
        var entry = AuditDraft(user: "anna", kind: "display", command: "child show")
        entry.records = [child]
        entry.fields = ["child.name", "child.birth_date", "child.languages"]
        entry.insertTag("basic")
        _ = try member.store!.appendAudit(entry, now: now)
    }

    /// A missing episode reported by the child's home, the police told.
    func missingEpisode(_ home: RegionMember, _ child: RecordID, now: Int64) throws -> RecordID {
        let seen = Timestamp(swedishTimeAt: now - 3_600_000).description
        let episode = try home.store!.createRecord(type: "missing", values: [
            "child": .text(child.description), "last_seen_at": .text(seen), "last_seen_place": .text("Umeå C"),
            "risk": .text("high"), "discovered_at": .text(Timestamp(swedishTimeAt: now - 1_800_000).description),
            "discovered_by": .text("Personal HVB"), "reported_by": .text("Föreståndare"),
            "police_notified_at": .text(Timestamp(swedishTimeAt: now - 1_200_000).description),
        ], now: now)
        var entry = AuditDraft(user: "anna", kind: "edit", command: "missing report")
        entry.records = [child, episode]
        entry.insertTag("search")
        _ = try home.store!.appendAudit(entry, now: now)
        return episode
    }

    // Setup 1: registrations and hubs.
    for registrar in social {
        try registrar.store!.withRelaxedDurability {
            for _ in 0..<options.children { _ = try register(registrar, now: start) }
        }
    }
    let server = try ServerProcess(database: centralPath, workingDirectory: folder.url)
    let url = URL(string: server.url)!
    func setupPhase(_ name: String, _ list: [RegionMember]) throws {
        let result = syncAll(list.map { $0.store! }, url: url, concurrency: options.concurrency)
        progress("setup \(name): \(String(format: "%.1f", result.seconds)) s, sent \(result.sent), received \(result.received),"
                 + " \(result.errors.count) errors")
        if !result.errors.isEmpty { fail("setup failed: \(result.errors.prefix(3))") }
    }
    try setupPhase("1 social services register", social)
    try setupPhase("2 members receive their children", members.filter { $0.kind.kind != .socialServices })
    // Setup 3: some weeks of history, and a few children missing when the night starts.
    for member in members {
        try member.store!.withRelaxedDurability {
            for child in member.children {
                for index in 0..<options.history {
                    try note(member, child, "Anteckning \(index + 1): mår bra, går i skolan", now: start)
                }
            }
        }
    }
    var openEpisodes: [(home: RegionMember, episode: RecordID)] = []
    for home in homes.prefix(max(1, options.missing / 2)) {
        guard let child = home.children.first else { continue }
        let episode = try missingEpisode(home, child, now: start)
        openEpisodes.append((home, episode))
    }
    try setupPhase("3 history written", members)
    try setupPhase("4 everyone caught up", members)
    let setupSeconds = Date().timeIntervalSince(setupStarted)

    // The day: every replica works offline.
    let day = nowMs()
    var written = [String: Int]()
    func tally(_ what: String, _ n: Int = 1) { written[what, default: 0] += n }
    for member in members {
        let store = member.store!
        try store.withRelaxedDurability {
            let now = day
            switch member.kind.kind {
            case .socialServices:
                for child in member.children {
                    if random.chance(30) { try note(member, child, "Samtal med barnet om skolan och boendet", now: now); tally("notes") }
                    if random.chance(10) {
                        _ = try store.set(record: child, field: "languages", value: .text(languages[random.below(languages.count)] + ", svenska"), now: now)
                        _ = try store.set(record: child, field: "assigned_municipality", value: .text("Umeå \(random.below(100))"), now: now)
                        tally("child edits", 2)
                    }
                    if random.chance(5) {
                        _ = try store.createRecord(type: "decision", values: [
                            "child": .text(child.description), "kind": .text("placement"), "outcome": .text("placed"),
                            "date": .text(regionDay(now)), "note": .text("Placering på HVB"),
                        ], now: now)
                        tally("decisions")
                    }
                    if random.chance(10) {
                        _ = try store.createRecord(type: "action", values: [
                            "child": .text(child.description), "who": .text(member.organisation), "what": .text("Boka tolk till samtal"),
                            "due": .text(regionDay(now + 7 * 86_400_000)),
                        ], now: now)
                        tally("actions")
                    }
                    if random.chance(40) { try display(member, child, now: now); tally("displays") }
                }
            case .residentialHome:
                for child in member.children {
                    try note(member, child, "Dagens observation: åt middag, sov gott", now: now); tally("notes")
                    if random.chance(5) {
                        _ = try store.createRecord(type: "action", values: [
                            "child": .text(child.description), "who": .text(member.organisation), "what": .text("Följ med till tandläkaren"),
                            "due": .text(regionDay(now + 3 * 86_400_000)), "done_at": .text(Timestamp(swedishTimeAt: now).description),
                            "done_by": .text("Personal"),
                        ], now: now)
                        tally("actions")
                    }
                    if random.chance(50) { try display(member, child, now: now); tally("displays") }
                }
            case .guardian, .school, .health:
                let share = member.kind.kind == .guardian ? 25 : member.kind.kind == .school ? 15 : 30
                for child in member.children {
                    if random.chance(share) { try note(member, child, "Möte och uppföljning", now: now); tally("notes") }
                    if random.chance(30) { try display(member, child, now: now); tally("displays") }
                }
            case .migrationAgency:
                for child in member.children {
                    if random.chance(5) {
                        _ = try store.createRecord(type: "decision", values: [
                            "child": .text(child.description), "kind": .text("asylum"), "outcome": .text("granted"),
                            "date": .text(regionDay(now)),
                        ], now: now)
                        tally("decisions")
                    }
                    if random.chance(10) { try display(member, child, now: now); tally("displays") }
                }
            case .police, .volunteer:
                for child in member.children.prefix(5) { try display(member, child, now: now); tally("displays") }
            default: break
            }
        }
    }
    // Missing episodes: new ones reported by homes, and the first open one closed (found).
    var missingChildren = 0
    for _ in 0..<options.missing {
        let home = homes[random.below(homes.count)]
        guard !home.children.isEmpty else { continue }
        let child = home.children[random.below(home.children.count)]
        try home.store!.withRelaxedDurability { _ = try missingEpisode(home, child, now: day) }
        missingChildren += 1
    }
    tally("missing episodes", missingChildren)
    if let first = openEpisodes.first {
        let (home, episode) = first
        let found = Timestamp(swedishTimeAt: day).description
        try home.store!.withRelaxedDurability {
            _ = try home.store!.set(record: episode, field: "found_at", value: .text(found), now: day)
            _ = try home.store!.set(record: episode, field: "found_place", value: .text("Umeå, hos en kamrat"), now: day)
            _ = try home.store!.set(record: episode, field: "found_by", value: .text("Polisen"), now: day)
            _ = try home.store!.set(record: episode, field: "closed_at", value: .text(found), now: day)
        }
        tally("episodes closed")
    }
    // New arrivals last: their hub members learn of them only at a later sync.
    for member in social {
        try member.store!.withRelaxedDurability {
            for _ in 0..<max(1, options.children / 50) { _ = try register(member, now: day); tally("new children") }
        }
    }
    var pending = 0
    var readLogPending = 0
    for member in members {
        pending += try member.store!.pendingCount()
        if let run = try member.store!.readLogRun() { readLogPending += Int(run.last - run.from + 1) }
    }
    progress("the day: \(written.sorted { $0.key < $1.key }.map { "\($1) \($0)" }.joined(separator: ", ")); "
             + "\(pending) changes and \(readLogPending) read-log entries pending")

    // Client-side costs measured apart, before the night: opening a replica file, and the
    // read-log page an upload carries (the whole chain is verified for it).
    var opens: [Double] = []
    var readLogRuns: [Double] = []
    for member in members {
        member.store = nil  // closed: each sync opens its file, as `navet sync` does
        var begin = DispatchTime.now()
        let store = try ReplicaStore.open(path: member.path)
        opens.append(SyncTimingClock.since(begin))
        begin = DispatchTime.now()
        _ = try store.readLogRun()
        readLogRuns.append(SyncTimingClock.since(begin))
    }
    var processStarts: [Double] = []
    for _ in 0..<10 {
        let begin = DispatchTime.now()
        let process = Process()
        process.executableURL = CLIRunner.productsFolder.appendingPathComponent("navet")
        process.arguments = ["--version"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        processStarts.append(SyncTimingClock.since(begin))
    }

    // The night.
    let logOffset = server.log.utf8.count
    let order = members.indices.shuffled(using: &random.generator)
    let scraper = MetricsScraper(url: url, every: options.scrapeEvery)
    if options.scrapeEvery > 0 { scraper.start() }
    let night = syncNight(order.map { members[$0] }, url: url, concurrency: options.concurrency, cli: options.cli)
    scraper.stop()
    let refusedTotal = metric("navet_changes_refused_total", server: url)
    let bytesOut = metric("navet_bytes_out_total", server: url)
    let redactions = metric("navet_redactions_sent_total", server: url)
    // Scrape cost after the night, on the store as it is: /metrics over HTTP.
    var scrapes: [Double] = []
    for _ in 0..<5 {
        let begin = DispatchTime.now()
        _ = metric("navet_syncs_total", server: url)
        scrapes.append(SyncTimingClock.since(begin))
    }
    let rss = peakRSS(server.process.processIdentifier)
    let serverLines = String(decoding: Array(server.log.utf8.dropFirst(logOffset)), as: UTF8.self)
    server.stop()

    // What the store's /metrics query costs, the old way (every replica's lag counted, every
    // read-log entry counted) against the new one, alternating, in this process.
    var metricsOld: [Double] = [], metricsNew: [Double] = []
    do {
        let central = try CentralStore.open(path: centralPath)
        for _ in 0..<options.metricsRounds {
            var begin = DispatchTime.now()
            _ = try central.replicaRecords()
            _ = try central.readLogCounts()
            metricsOld.append(SyncTimingClock.since(begin))
            begin = DispatchTime.now()
            _ = try central.replicaHealth(now: nowMs(), silentAfter: 3 * 86_400_000)
            _ = try central.readLogAlarms()
            metricsNew.append(SyncTimingClock.since(begin))
        }
    }

    // Server phases from navetd's request log.
    var serverSums: [String: Double] = [:]
    var serverRequests = 0
    for line in serverLines.split(separator: "\n") {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              object["path"] as? String == "/v1/sync" else { continue }
        serverRequests += 1
        for (key, value) in object where key.hasSuffix("ms") {
            serverSums[key, default: 0] += (value as? NSNumber)?.doubleValue ?? 0
        }
    }

    let syncs = night.syncs
    let errors = syncs.compactMap(\.error)
    let latencies = syncs.map(\.total)
    func sum(_ path: (NightSync) -> Double) -> Double { syncs.reduce(0) { $0 + path($1) } }
    let clientSum = sum(\.total)
    let phases: [(String, Double)] = [
        ("open the replica", sum(\.open)), ("build and sign the upload", sum(\.timing.upload)),
        ("HTTP round trips (server + network)", sum(\.timing.http)), ("apply the reply", sum(\.timing.apply)),
        ("decide on another round, note the sync", sum(\.timing.finish)),
    ]
    let heldTotal = serverSums.filter { $0.key.hasPrefix("held_") }.reduce(0) { $0 + $1.value } / 1000
    let outsideLock = (serverSums["ms"] ?? 0) / 1000 - heldTotal - (serverSums["lock_wait_ms"] ?? 0) / 1000
    let serverPhases: [(String, String)] = [
        ("waiting for the store lock (all holds)", "lock_wait_ms"),
        ("lock held: secret looked up (x2)", "held_secret_ms"),
        ("lock held: request nonce (own transaction)", "held_nonce_ms"),
        ("lock held: epoch check", "held_epoch_ms"),
        ("lock held: history check (catch-up)", "held_catch_up_ms"),
        ("lock held: merge, read log, reply", "held_main_ms"),
        ("  merge (acceptUpload, own transaction)", "merge_ms"),
        ("  read log stored (own transaction)", "read_log_ms"),
        ("  filtered reply (grants, page, ledger; own transaction)", "reply_ms"),
        ("    of which the ledger", "ledger_ms"),
        ("  reply encoded and signed", "encode_ms"),
        ("lock held: client noted (own transaction)", "held_note_client_ms"),
    ]
    var roundsByKind: [String: [Int]] = [:]
    for sync in syncs { roundsByKind[sync.kind, default: []].append(sync.rounds) }
    let uploaded = syncs.reduce(0) { $0 + $1.sent }
    let downloaded = syncs.reduce(0) { $0 + $1.received }
    let rounds = syncs.reduce(0) { $0 + $1.rounds }
    if options.json {
        var object: [String: Any] = [
            "replicas": members.count, "children": serial, "concurrency": options.concurrency, "cli": options.cli,
            "setup_seconds": setupSeconds, "night_seconds": night.seconds, "errors": errors.count, "error_samples": Array(errors.prefix(5)),
            "refused": refusedTotal, "redactions_sent": redactions, "uploaded": uploaded, "downloaded": downloaded,
            "round_trips": rounds, "bytes_sent_by_server": bytesOut, "server_peak_rss_mib": rss,
            "p50_ms": percentile(latencies, 0.5) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
            "client_seconds_sum": clientSum, "server_requests": serverRequests, "written": written,
            "lock_held_seconds": heldTotal, "outside_lock_seconds": outsideLock,
            "open_median_ms": percentile(opens, 0.5) * 1000, "read_log_run_median_ms": percentile(readLogRuns, 0.5) * 1000,
            "process_start_median_ms": percentile(processStarts, 0.5) * 1000,
            "metrics_http_median_ms": percentile(scrapes, 0.5) * 1000,
            "metrics_store_old_median_ms": percentile(metricsOld, 0.5) * 1000,
            "metrics_store_new_median_ms": percentile(metricsNew, 0.5) * 1000,
            "metrics_store_old_ms": metricsOld.map { $0 * 1000 }, "metrics_store_new_ms": metricsNew.map { $0 * 1000 },
            "scrapes_during_night_ms": scraper.times.map { $0 * 1000 },
        ]
        object["client_phases_s"] = Dictionary(uniqueKeysWithValues: phases.map { ($0.0, $0.1) })
        object["server_phases_ms"] = serverSums
        print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
                     as: UTF8.self))
    } else {
        print("A region's nightly sync: \(members.count) replicas, \(serial) children, \(options.concurrency) at a time"
              + (options.cli ? ", each sync the real `navet sync` process" : ", in-process SyncClient, each opening its file"))
        print(String(format: "  setup (not the night): %.1f s", setupSeconds))
        print("  the day: " + written.sorted { $0.key < $1.key }.map { "\($1) \($0)" }.joined(separator: ", "))
        print(String(format: "  NIGHT: %.1f s; errors %d; refused %.0f; redactions sent %.0f; uploaded %d, downloaded %d changes"
                     + " in %d round trips; server sent %.0f bundle bytes; p50 %.0f ms, p99 %.0f ms; server peak RSS %.1f MiB",
                     night.seconds, errors.count, refusedTotal, redactions, uploaded, downloaded, rounds, bytesOut,
                     percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, rss))
        print(String(format: "  client side, summed over %d syncs: %.1f s (%.1f s of wall time × %d workers)", syncs.count, clientSum,
                     night.seconds, options.concurrency))
        // With --cli the phases are inside each `navet sync` process: only the total is known.
        for (name, seconds) in phases where !options.cli {
            print(String(format: "    %@ %7.2f s  %5.1f%%", name.padding(toLength: 42, withPad: " ", startingAt: 0), seconds, clientSum > 0 ? seconds / clientSum * 100 : 0))
        }
        let serverTotal = (serverSums["ms"] ?? 0) / 1000
        print(String(format: "  server side, summed over %d requests: %.2f s handling (the HTTP phase above includes it)",
                     serverRequests, serverTotal))
        for (name, key) in serverPhases {
            let seconds = (serverSums[key] ?? 0) / 1000
            print(String(format: "    %@ %7.2f s  %5.1f%%", name.padding(toLength: 58, withPad: " ", startingAt: 0), seconds, serverTotal > 0 ? seconds / serverTotal * 100 : 0))
        }
        print(String(format: "    %@ %7.2f s  %5.1f%%", "outside the lock (HTTP, decode, HMAC, log)".padding(toLength: 58, withPad: " ", startingAt: 0),
                     outsideLock, serverTotal > 0 ? outsideLock / serverTotal * 100 : 0))
        print(String(format: "  the store lock was held %.2f s of the night's %.2f s (%.0f%%): syncs are serialized on it",
                     heldTotal, night.seconds, heldTotal / night.seconds * 100))
        print("  round trips per sync, by kind: " + roundsByKind.sorted { $0.key < $1.key }.map { kind, rounds in
            "\(kind) " + String(format: "%.1f", Double(rounds.reduce(0, +)) / Double(max(1, rounds.count)))
                + " (max \(rounds.max() ?? 0))"
        }.joined(separator: ", "))
        print(String(format: "  apart: process start (navet --version) median %.1f ms; opening a replica median %.1f ms;"
                     + " its read-log page (chain verified) median %.1f ms", percentile(processStarts, 0.5) * 1000,
                     percentile(opens, 0.5) * 1000, percentile(readLogRuns, 0.5) * 1000))
        if !scraper.times.isEmpty {
            print(String(format: "  /metrics during the night: %d scrapes, median %.1f ms, max %.1f ms", scraper.times.count,
                         percentile(scraper.times, 0.5) * 1000, (scraper.times.max() ?? 0) * 1000))
        }
        print(String(format: "  /metrics after the night over HTTP: median %.1f ms; the store's part, %d alternating rounds:"
                     + " old (every lag, every read-log entry counted) median %.2f ms, new median %.2f ms",
                     percentile(scrapes, 0.5) * 1000, options.metricsRounds, percentile(metricsOld, 0.5) * 1000,
                     percentile(metricsNew, 0.5) * 1000))
        print("    old rounds ms: " + metricsOld.map { String(format: "%.2f", $0 * 1000) }.joined(separator: ", "))
        print("    new rounds ms: " + metricsNew.map { String(format: "%.2f", $0 * 1000) }.joined(separator: ", "))
        for error in errors.prefix(5) { print("  error: \(error)") }
    }
    if !errors.isEmpty || refusedTotal > 0 { exit(1) }
}

enum SyncTimingClock {
    static func since(_ start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// Polls `/metrics` every `every` seconds while the night runs, as a monitoring system does,
/// and keeps each scrape's latency.
final class MetricsScraper: @unchecked Sendable {
    let url: URL
    let every: Double
    private let lock = NSLock()
    private var stopped = false
    private var samples: [Double] = []
    private let done = DispatchSemaphore(value: 0)
    private var running = false

    init(url: URL, every: Double) {
        self.url = url
        self.every = every
    }

    var times: [Double] {
        lock.lock(); defer { lock.unlock() }
        return samples
    }

    func start() {
        running = true
        let thread = Thread { [self] in
            while true {
                lock.lock()
                let stop = stopped
                lock.unlock()
                if stop { break }
                let begin = DispatchTime.now()
                _ = metric("navet_syncs_total", server: url)
                let seconds = SyncTimingClock.since(begin)
                lock.lock()
                samples.append(seconds)
                lock.unlock()
                Thread.sleep(forTimeInterval: every)
            }
            done.signal()
        }
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        if running { done.wait() }
    }
}

/// Every member syncs once, `concurrency` at a time, each opening its file first.
func syncNight(_ list: [RegionMember], url: URL, concurrency: Int, cli: Bool) -> (seconds: Double, syncs: [NightSync]) {
    final class Shared: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var syncs: [NightSync] = []
    }
    let shared = Shared()
    nonisolated(unsafe) let members = list
    let started = Date()
    let group = DispatchGroup()
    for _ in 0..<concurrency {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            while true {
                shared.lock.lock()
                let index = shared.next
                shared.next += 1
                shared.lock.unlock()
                guard index < members.count else { return }
                let member = members[index]
                var sync = NightSync()
                sync.kind = member.kind.kind.rawValue
                let begin = DispatchTime.now()
                if cli {
                    let process = Process()
                    process.executableURL = CLIRunner.productsFolder.appendingPathComponent("navet")
                    process.arguments = ["--db", member.path, "sync", "--server", url.absoluteString, "--json"]
                    process.environment = ["LANG": "C.UTF-8", "NAVET_USER": "anna"]
                    let out = Pipe()
                    process.standardOutput = out
                    process.standardError = FileHandle.nullDevice
                    do {
                        try process.run()
                        let data = out.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        if process.terminationStatus != 0 {
                            sync.error = "\(member.organisation): navet sync exit \(process.terminationStatus)"
                        } else if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                            sync.sent = object["sent"] as? Int ?? 0
                            sync.received = object["received"] as? Int ?? 0
                            sync.rounds = object["rounds"] as? Int ?? 0
                        }
                    } catch {
                        sync.error = "\(member.organisation): \(error)"
                    }
                } else {
                    do {
                        let store = try ReplicaStore.open(path: member.path)
                        sync.open = SyncTimingClock.since(begin)
                        let report = try SyncClient(store: store, server: url, timeout: 600).run()
                        sync.timing = report.timing
                        sync.rounds = report.rounds
                        sync.sent = report.sent
                        sync.received = report.received
                        sync.refused = report.refused
                        sync.redacted = report.redacted
                    } catch {
                        sync.error = "\(member.organisation): \(error)"
                    }
                }
                sync.total = SyncTimingClock.since(begin)
                shared.lock.lock()
                shared.syncs.append(sync)
                shared.lock.unlock()
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    return (Date().timeIntervalSince(started), shared.syncs)
}
