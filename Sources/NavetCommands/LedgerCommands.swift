import Foundation
import NavetCore
import NavetStore

// `navetd audit`: the disclosure ledger for auditors (issue 13; Protocol/AUDIT.md).
// Each query prints a table, `--json` or `--csv` (RFC 4180, formula-safe).

/// A result of an auditor query: headers and rows of cells for people, and objects for `--json`.
struct AuditTable {
    var headers: [String]
    var rows: [[String]]
    /// The same rows for `--json`, with numbers as numbers.
    var json: [[String: Any]]

    func print(_ context: Context, csv: Bool, extra: [String: Any] = [:]) {
        if context.json {
            var object = extra
            object["rows"] = json
            context.printJSON(object)
        } else if csv {
            context.console.csv(CSV.records([headers] + rows))
        } else if rows.isEmpty {
            context.out(context.t("ledger.none"))
        } else {
            context.out(Format.table(headers, rows.map { $0.map(Format.line) }))
        }
    }
}

/// RFC 4180 text: CRLF line ends, a field quoted when it holds a comma, quote, CR or LF,
/// quotes doubled. A cell a spreadsheet would read as a formula (it begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading apostrophe, so it stays text.
enum CSV {
    static func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func records(_ rows: [[String]]) -> [String] {
        rows.map { $0.map(cell).joined(separator: ",") }
    }
}

extension Context {
    /// The one child whose id begins with `prefix`, or a clear error.
    func auditChild(_ prefix: String, central: CentralStore) throws(CLIError) -> RecordID {
        let children = try store { () throws(StoreError) in try central.childIDs(prefix: prefix.lowercased()) }
        guard children.count == 1, let child = children.first else {
            throw CLIError(.validation, t(children.isEmpty ? "explain.unknownChild" : "explain.ambiguousChild", Format.line(prefix)))
        }
        return child
    }

    /// The start of a Swedish calendar day given as YYYY-MM-DD, in ms since 1970.
    /// A day given to an auditor query: written YYYY-MM-DD (else a usage error, exit 2) and
    /// a real day Navet accepts (else refused input, exit 3, as `navet audit list --since`).
    func auditDay(_ text: String, option: String) throws(CLIError) -> Int64 {
        let day: CalendarDate
        switch CalendarDate.parse(text) {
        case .success(let parsed): day = parsed
        case .failure(.notISO): throw CLIError(.usage, t("audit.badDate", option, Format.line(text)), helpHint: true)
        case .failure(.noSuchDay): throw CLIError(.validation, t("schema.noSuchDate", option, Format.line(text)))
        case .failure(.outOfRange): throw CLIError(.validation, t("schema.dateOutOfRange", option, Format.line(text)))
        }
        guard case .unique(let start)? = SwedishTime.reading(local: "\(day.description) 00:00") else {
            throw CLIError(.validation, t("audit.noSuchDay", option, Format.line(text)))
        }
        return start.unixMilliseconds
    }

    /// A ledger rule for people: the kind of rule, the role, the consent's purpose.
    func auditPurpose(_ rule: String, central: CentralStore) -> String {
        let parts = rule.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        // A rule named as its role (the default policy's are) is not named again: the
        // role's label says it, in the reader's language (as `policy explain` shows it).
        case "registrar" where parts.count == 3:
            if parts[2] == parts[1] { return t("audit.rule.registrarOwnRule", strings.label("role", parts[1])) }
            return t("audit.rule.registrar", strings.label("role", parts[1]), parts[2])
        case "membership" where parts.count == 4:
            if parts[3] == parts[2] { return t("audit.rule.membershipOwnRule", strings.label("role", parts[2]), parts[1]) }
            return t("audit.rule.membership", strings.label("role", parts[2]), parts[3], parts[1])
        case "consent" where parts.count == 2:
            let purpose = RecordID(hex: parts[1]).flatMap { try? central.winningText(record: $0, field: "purpose") }
            return t("audit.rule.consent", parts[1], Format.line(purpose ?? "–"))
        case "missing" where parts.count == 2:
            return t("audit.rule.missing", parts[1])
        case "own":
            return t("audit.rule.own")
        default:
            return rule
        }
    }
}

/// `navetd audit child ID`: who received which fields of a child, by which rule, when.
struct AuditChildCommand: Command {
    static let spec = CommandSpec(["audit", "child"], help: "audit.child", options: [
        OptionSpec("--csv", help: "opt.auditCSV"),
    ], positionals: [("ID", true)])
    let child: String
    let csv: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        child = arguments.positionals[0]
        csv = arguments.has("--csv")
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let childID = try context.auditChild(child, central: central)
        let rows = try context.store { () throws(StoreError) in try central.ledgerRows(child: childID) }
        let origins = try context.store { () throws(StoreError) in try central.originOrganisations() }
        var table = AuditTable(
            headers: ["audit.sent", "audit.organisation", "audit.replica", "audit.recordType", "audit.record", "audit.field",
                      "audit.values", "audit.rule", "audit.policy"].map { context.t($0) },
            rows: [], json: [])
        for entry in rows {
            let sent = try context.store { () throws(StoreError) in try central.disclosedChanges(entry, organisationOf: origins) }
            // One line per record and field the row sent (a later column can say who displayed it).
            var fields: [String: (type: String, record: RecordID, field: String, count: Int)] = [:]
            var order: [String] = []
            for (_, change) in sent {
                let key = "\(change.recordID):\(change.field)"
                if fields[key] == nil { order.append(key) }
                fields[key, default: (change.recordType, change.recordID, change.field, 0)].count += 1
            }
            if sent.isEmpty {
                // A row written before layout 17 (no coverage): what it sent is not derivable.
                order = [""]
                fields[""] = ("", entry.child, "", Int(entry.count))
            }
            for key in order {
                guard let item = fields[key] else { continue }
                table.rows.append([Format.time(entry.sentAt), entry.organisation, entry.replica.description,
                                   item.type.isEmpty ? "–" : context.strings.label("type", item.type),
                                   item.type.isEmpty ? "–" : item.record.description,
                                   item.field.isEmpty ? "–" : context.strings.fieldWord(item.field), String(item.count),
                                   context.auditPurpose(entry.rule, central: central), String(entry.policyVersion)])
                table.json.append([
                    "ledger_row": entry.id, "sent_at": Format.time(entry.sentAt), "organisation": entry.organisation,
                    "replica": entry.replica.description, "record_type": item.type.isEmpty ? NSNull() : item.type,
                    "record": item.type.isEmpty ? NSNull() : item.record.description,
                    "field": item.field.isEmpty ? NSNull() : item.field, "values": item.count, "rule": entry.rule,
                    "purpose": context.auditPurpose(entry.rule, central: central), "policy_version": entry.policyVersion,
                    "backfill": entry.backfill,
                ])
            }
        }
        // Who displayed them: the read logs the local databases uploaded.
        let displays = try context.store { () throws(StoreError) in try central.readLogDisplays(child: childID) }
        var shown = AuditTable(
            headers: ["audit.time", "audit.organisation", "audit.replica", "audit.user", "audit.kind", "audit.command",
                      "audit.fields", "audit.purpose", "auditUser.afterBreak"].map { context.t($0) }, rows: [], json: [])
        for display in displays {
            let organisation = origins[display.replica] ?? "–"
            let words = display.fields.map { ref in
                context.strings.fieldWord(String(ref.split(separator: ".").last ?? Substring(ref)))
            }
            var seen = Set<String>()
            shown.rows.append([Format.time(display.time), organisation, display.replica.description, display.user,
                               context.strings.label("auditKind", display.kind), display.command,
                               words.filter { seen.insert($0).inserted }.joined(separator: ", "), display.purpose ?? "–",
                               display.afterBreak ? context.t("auditUser.broken") : ""])
            shown.json.append([
                "time": Format.time(display.time), "organisation": origins[display.replica] ?? NSNull(),
                "replica": display.replica.description, "seq": NSNumber(value: display.seq), "user": display.user,
                "kind": display.kind, "command": display.command, "fields": display.fields,
                "purpose": display.purpose ?? NSNull(), "after_break": display.afterBreak,
            ])
        }
        table.print(context, csv: csv, displays: shown, extra: ["child": childID.description])
    }
}

extension AuditTable {
    /// The ledger's table, then the displays: `--json` adds the list `displays`, `--csv`
    /// a second block with its own header line after one empty line, a table a second
    /// titled table.
    func print(_ context: Context, csv: Bool, displays shown: AuditTable, extra: [String: Any]) {
        if context.json {
            var object = extra
            object["displays"] = shown.json
            print(context, csv: false, extra: object)
        } else if csv {
            print(context, csv: true)
            context.console.csv([""] + CSV.records([shown.headers] + shown.rows))
        } else {
            print(context, csv: false)
            context.out("")
            context.out(context.t("audit.displays"))
            if shown.rows.isEmpty {
                context.out(context.t("audit.displays.none"))
            } else {
                context.out(Format.table(shown.headers, shown.rows.map { $0.map(Format.line) }))
            }
        }
    }
}

/// `navetd audit org ORG [--since DATE] [--until DATE]`: what an organisation received.
struct AuditOrgCommand: Command {
    static let spec = CommandSpec(["audit", "org"], help: "audit.org", options: [
        OptionSpec("--since", value: "YYYY-MM-DD", help: "opt.auditSince"),
        OptionSpec("--until", value: "YYYY-MM-DD", help: "opt.auditUntil"),
        OptionSpec("--csv", help: "opt.auditCSV"),
    ], positionals: [("ORG", true)])
    let organisation: String
    let period: AuditPeriod
    let csv: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        organisation = TextRules.nfc(arguments.positionals[0])
        period = try AuditPeriod(arguments, context)
        csv = arguments.has("--csv")
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let known = try context.store { () throws(StoreError) in try central.organisations() }
        let found = try context.registeredOrganisation(organisation, option: "ORG", among: known)
        let rows = try context.store { () throws(StoreError) in
            try central.ledgerRows(organisation: found.name, since: period.start, until: period.end)
        }.filter { period.keeps($0.sentAt) }
        var table = AuditTable(
            headers: ["audit.sent", "audit.replica", "audit.child", "audit.covers", "audit.values", "audit.rule",
                                "audit.policy"].map { context.t($0) }, rows: [], json: [])
        for entry in rows {
            let purpose = context.auditPurpose(entry.rule, central: central)
            table.rows.append([Format.time(entry.sentAt), entry.replica.description, entry.child.description,
                               coverText(entry.covers, context), String(entry.count), purpose, String(entry.policyVersion)])
            table.json.append([
                "ledger_row": entry.id, "sent_at": Format.time(entry.sentAt), "organisation": entry.organisation,
                "replica": entry.replica.description, "child": entry.child.description, "covers": entry.covers,
                "values": entry.count, "rule": entry.rule, "purpose": purpose, "policy_version": entry.policyVersion,
                "backfill": entry.backfill,
            ])
        }
        table.print(context, csv: csv, extra: ["organisation": found.name])
    }

    /// `basic,case;` as "basic, case"; `;child.name` as the field's name.
    func coverText(_ covers: String, _ context: Context) -> String {
        guard let coverage = LedgerCoverage(text: covers) else { return "–" }
        let tags = coverage.tags.sorted().map { context.strings.label("tag", $0.rawValue) }
        let fields = coverage.fields.sorted().map { ref in
            context.strings.fieldWord(String(ref.split(separator: ".").last ?? Substring(ref)))
        }
        return (tags + fields).joined(separator: ", ")
    }
}

/// `navetd audit subject-access ID`: every organisation that received the child's data,
/// first and last time, and why (GDPR Art. 15).
struct AuditSubjectAccessCommand: Command {
    static let spec = CommandSpec(["audit", "subject-access"], help: "audit.subjectAccess", options: [
        OptionSpec("--csv", help: "opt.auditCSV"),
    ], positionals: [("ID", true)])
    let child: String
    let csv: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        child = arguments.positionals[0]
        csv = arguments.has("--csv")
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let childID = try context.auditChild(child, central: central)
        let groups = try context.store { () throws(StoreError) in try central.subjectAccess(child: childID) }
        var table = AuditTable(
            headers: ["audit.organisation", "audit.first", "audit.last", "audit.purpose", "audit.values"]
                .map { context.t($0) }, rows: [], json: [])
        let sorted = groups.sorted {
            $0.organisation == $1.organisation ? $0.first < $1.first
                : TextRules.precedes($0.organisation, $1.organisation, context.collation)
        }
        for group in sorted {
            let purpose = context.auditPurpose(group.rule, central: central)
            table.rows.append([group.organisation, Format.time(group.first), Format.time(group.last), purpose,
                               String(group.values)])
            table.json.append([
                "organisation": group.organisation, "first": Format.time(group.first), "last": Format.time(group.last),
                "rule": group.rule, "purpose": purpose, "values": group.values,
            ])
        }
        // The organisations whose users displayed the child's data, from the uploaded read logs.
        let displays = try context.store { () throws(StoreError) in try central.readLogDisplays(child: childID) }
        let origins = try context.store { () throws(StoreError) in try central.originOrganisations() }
        var byOrganisation: [String: (first: Int64, last: Int64, purposes: [String], displays: Int, edits: Int, broken: Int)] = [:]
        for display in displays {
            let organisation = origins[display.replica] ?? "–"
            var group = byOrganisation[organisation] ?? (display.time, display.time, [], 0, 0, 0)
            group.first = min(group.first, display.time)
            group.last = max(group.last, display.time)
            if let purpose = display.purpose, !group.purposes.contains(purpose) { group.purposes.append(purpose) }
            if display.kind == "edit" { group.edits += 1 } else { group.displays += 1 }
            if display.afterBreak { group.broken += 1 }
            byOrganisation[organisation] = group
        }
        var shown = AuditTable(
            headers: ["audit.organisation", "audit.firstDisplay", "audit.lastDisplay", "audit.purposes", "audit.displayCount",
                      "audit.editCount", "audit.brokenCount"]
                .map { context.t($0) }, rows: [], json: [])
        for organisation in byOrganisation.keys.sorted(by: { TextRules.precedes($0, $1, context.collation) }) {
            guard let group = byOrganisation[organisation] else { continue }
            let purposes = group.purposes.sorted { TextRules.precedes($0, $1, context.collation) }
            shown.rows.append([organisation, Format.time(group.first), Format.time(group.last),
                               purposes.isEmpty ? "–" : purposes.joined(separator: "; "), String(group.displays),
                               String(group.edits), group.broken == 0 ? "" : String(group.broken)])
            shown.json.append([
                "organisation": organisation, "first": Format.time(group.first), "last": Format.time(group.last),
                "purposes": purposes, "displays": group.displays, "edits": group.edits, "after_break": group.broken,
            ])
        }
        table.print(context, csv: csv, displays: shown, extra: ["child": childID.description])
    }
}

/// `navetd audit verify [--replica FILE...]`: recomputes the ledger's hash chain, checks
/// every checkpoint the server signed and every checkpoint the replica files kept.
struct AuditVerifyCommand: Command {
    static let spec = CommandSpec(["audit", "verify"], help: "ledger.verify", options: [
        OptionSpec("--replica", value: "FILE", help: "opt.auditReplica"),
    ], positionals: [("FILE...", false)])
    let replicas: [String]

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        // `--replica A B C` and `A B C` alike: every file named is a replica file.
        replicas = (arguments.value("--replica").map { [$0] } ?? []) + arguments.positionals
        if replicas.contains("") { throw CLIError(.usage, context.t("error.emptyPath", "--replica"), helpHint: true) }
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        var lists: [(source: String, checkpoints: [StoredCheckpoint])] = []
        var copies: [(path: String, copy: ReplicaAuditCopy)] = []
        for path in replicas {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError(.io, context.t("error.noSuchFile", Format.line(path)))
            }
            let copy: ReplicaAuditCopy
            do {
                copy = try ReplicaCheckpoints.readCopy(path: path)
            } catch let unusable as ReplicaCheckpoints.Unusable {
                let key: String
                switch unusable {
                case .notSQLite: key = "audit.copy.notSQLite"
                case .centralStore: key = "audit.copy.central"
                case .notAReplica: key = "audit.copy.notReplica"
                case .tooOld: key = "audit.copy.tooOld"
                }
                throw CLIError(.validation, context.t(key, Format.line(path)))
            } catch {
                throw CLIError(.io, context.t("audit.copy.unreadable", Format.line(path), Format.line("\(error)")))
            }
            if let server = copy.server, server != central.serverID {
                throw CLIError(.validation, context.t("audit.copy.otherServer", Format.line(path), server.description,
                                                      central.serverID.description))
            }
            lists.append((path, copy.checkpoints))
            copies.append((path, copy))
        }
        let result = try context.store { () throws(StoreError) in try central.verifyLedger(replicaCheckpoints: lists) }
        // The read logs the replicas uploaded (Protocol/AUDIT.md, "On the central store"):
        // the breaks the store found and kept as evidence when they arrived.
        let (breaks, counts) = try context.store { () throws(StoreError) in
            (try central.readLogBreaks(), try central.readLogCounts())
        }
        // And the read logs as the store holds them now: an entry changed, deleted or moved
        // in the central store after it arrived.
        var stored = try context.store { () throws(StoreError) in try central.verifyStoredReadLogs() }
        // And each given file's own read log against what the store holds of it.
        var copySources: [ReplicaID: String] = [:]
        for (path, copy) in copies {
            let differing = try context.store { () throws(StoreError) in try central.compareReadLog(copy) }
            stored.problems += differing
            for problem in differing { copySources[problem.replica] = path }
        }
        let brokenLogs = Set(breaks.map(\.replica)).count
        let intact = result.isIntact && breaks.isEmpty && stored.isIntact
        if context.json {
            context.printJSON([
                "rows": result.rows, "checkpoints": result.checkpoints, "replica_checkpoints": result.replicaCheckpoints,
                "intact": intact, "ledger_intact": result.isIntact,
                "breaks": result.breaks.map { ["kind": $0.kind.rawValue, "row": $0.row, "source": $0.source ?? NSNull()] as [String: Any] },
                "read_logs": [
                    "entries": counts.entries, "broken_chains": brokenLogs, "intact": breaks.isEmpty && stored.isIntact,
                    "breaks": breaks.map { AuditReadLogs.json($0) },
                    "stored_intact": stored.isIntact,
                    "stored_problems": stored.problems.map {
                        ["replica": $0.replica.description, "seq": $0.seq, "kind": $0.kind.rawValue] as [String: Any]
                    },
                ] as [String: Any],
            ])
        } else {
            var lines = [context.strings.t("audit.verify.summary", count: result.rows, String(result.checkpoints),
                                   String(result.replicaCheckpoints))]
            for found in result.breaks {
                let source = found.source.map { context.t("audit.verify.fromReplica", Format.line($0)) } ?? ""
                lines.append(context.t("audit.break.\(found.kind.rawValue)", String(found.row)) + source)
            }
            // Only checkpoints kept in the given files fail their signature: those files were
            // altered, not the ledger.
            let onlyCopies = !result.isIntact && result.breaks.allSatisfy { $0.kind == .checkpointForged && $0.source != nil }
            lines.append(context.t(result.isIntact ? "audit.verify.intact" : onlyCopies ? "audit.verify.copyForged" : "audit.verify.broken"))
            lines.append(context.strings.t("audit.verify.readLogs", count: counts.entries))
            lines += breaks.map { AuditReadLogs.line($0, context) }
            lines += stored.problems.map {
                context.t("audit.stored.\($0.kind.rawValue)", $0.replica.description, String($0.seq), Format.line(copySources[$0.replica] ?? ""))
            }
            if !stored.isIntact { lines.append(context.t("audit.verify.storedBroken")) }
            lines.append(context.t(breaks.isEmpty ? "readLog.intact" : "audit.verify.readLogsBroken"))
            if intact { context.out(lines.joined(separator: "\n")) } else { context.err(lines.joined(separator: "\n")) }
        }
        if !intact {
            let reasons = (result.isIntact ? [] : [context.t("audit.verify.brokenShort")])
                + (breaks.isEmpty ? [] : [context.strings.t("readLog.broken", count: brokenLogs)])
                + (stored.isIntact ? [] : [context.t("audit.verify.storedBrokenShort")])
            throw CLIError(.differences, reasons.joined(separator: "; "), helpHint: false)
        }
    }
}

/// `navetd audit prune [--before DATE | --years N]`: removes ledger rows older than the
/// retention period (default five years) behind a signed checkpoint (Protocol/AUDIT.md,
/// "Retention"). A ledger that does not verify is evidence and is not pruned.
struct AuditPruneCommand: Command {
    static let spec = CommandSpec(["audit", "prune"], help: "audit.prune", options: [
        OptionSpec("--before", value: "YYYY-MM-DD", help: "opt.auditBefore"),
        OptionSpec("--years", value: "COUNT", help: "opt.auditYears"),
    ])
    static let defaultYears = 5
    let before: String?
    let years: Int

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        before = arguments.value("--before")
        if before != nil, arguments.has("--years") {
            throw CLIError(.usage, context.t("audit.prune.both"), helpHint: true)
        }
        if let text = arguments.value("--years") {
            guard let value = Int(text), (1...100).contains(value) else {
                throw CLIError(.usage, context.t("audit.prune.badYears", Format.line(text)), helpHint: true)
            }
            years = value
        } else {
            years = Self.defaultYears
        }
        if let before { _ = try context.auditDay(before, option: "--before") }
    }

    func run(_ context: Context) throws(CLIError) {
        let today = SwedishTime.today(at: context.now)
        let cutoffDay: CalendarDate
        if let before, let day = CalendarDate(iso: before) {
            guard day <= today else { throw CLIError(.validation, context.t("audit.prune.future", before)) }
            cutoffDay = day
        } else {
            cutoffDay = today.adding(years: -years)
        }
        let cutoff = try context.auditDay(cutoffDay.description, option: "--before")
        let central = try context.openCentral()
        let check = try context.store { () throws(StoreError) in try central.verifyLedger() }
        guard check.isIntact else { throw CLIError(.differences, context.t("audit.prune.broken")) }
        let stored = try context.store { () throws(StoreError) in try central.verifyStoredReadLogs() }
        guard stored.isIntact else { throw CLIError(.differences, context.t("audit.prune.readLogsBroken")) }
        let result = try context.store { () throws(StoreError) in try central.pruneLedger(before: cutoff, now: context.now) }
        let readLogs = try context.store { () throws(StoreError) in try central.pruneReadLogs(before: cutoff, now: context.now) }
        if context.json {
            context.printJSON(["before": cutoffDay.description, "removed": result.removed, "base_row": result.base,
                               "read_log_entries_removed": readLogs.removed, "read_logs_pruned": readLogs.replicas])
            return
        }
        var lines: [String] = []
        if result.removed == 0 {
            lines.append(context.t("audit.prune.nothing", cutoffDay.description))
        } else {
            lines.append(context.strings.t("audit.prune.done", count: result.removed, cutoffDay.description, String(result.base)))
        }
        if readLogs.removed == 0 {
            lines.append(context.t("audit.prune.readLogsNothing", cutoffDay.description))
        } else {
            lines.append(context.strings.t("audit.prune.readLogsDone", count: readLogs.removed, cutoffDay.description,
                                           String(readLogs.replicas)))
        }
        context.out(lines.joined(separator: "\n"))
    }
}

enum LedgerStrings {
    static let table: [String: (String, String)] = [
        "help.audit.child": ("Show who received which fields of a child, by which rule and when, and who displayed them.",
                             "Visa vem som fått vilka fält om ett barn, enligt vilken regel och när, och vem som visat dem."),
        "help.audit.child.long": ("From the disclosure ledger: one line per ledger entry and field, with the time it was sent,\nthe receiving organisation and local database, how many values, the rule that allowed it and the\npolicy version. Then, from the read logs the local databases uploaded, every display (or edit) that\nnamed the child or its case data: time, organisation, local database, user, kind, command,\nfields and purpose (--json: the list \"displays\"; --csv: a second block with its own header line after\nan empty line). ID is the child's id (a unique beginning is enough).",
            "Ur utlämnandeloggen: en rad per utlämnande och fält, med när det skickades, mottagande\norganisation och lokal databas, hur många värden, regeln som tillät det och policyversionen.\nSedan, ur loggarna över vem som sett vad som de lokala databaserna skickat upp, varje visning (eller\nändring) som gällde barnet eller någon av dess uppgifter: tid, organisation, lokal databas, användare,\ntyp, kommando, fält och syfte (--json: listan \"displays\"; --csv: ett andra block med egen\nrubrikrad efter en tom rad). ID är barnets id (en unik början räcker)."),
        "help.audit.org": ("Show what an organisation received, oldest first.", "Visa vad en organisation har fått, äldst först."),
        "help.audit.org.long": ("From the disclosure ledger: one line per ledger entry sent to ORG's local databases, with the child,\nthe confidentiality tags or fields the rule covered, how many values, the rule and the policy version.\n--since and --until are Swedish calendar days, both included.",
            "Ur utlämnandeloggen: en rad per utlämnande till ORG:s lokala databaser, med barnet,\nsekretessklasserna eller fälten som regeln omfattade, hur många värden, regeln och policyversionen.\n--since och --until är svenska kalenderdagar, båda medräknade."),
        "help.audit.subjectAccess": ("List every organisation that received a child's data, with dates and purposes (GDPR art. 15).",
                                     "Lista alla organisationer som fått uppgifter om ett barn, med datum och ändamål (GDPR art. 15)."),
        "help.audit.subjectAccess.long": (
            "For a request for access (registerutdrag): per receiving organisation and rule, the first and last time\nthe central store sent the child's data, the purpose (hub role, consent and its purpose, the\nmissing-episode rule) and how many values. Then, from the read logs the local databases uploaded, per\norganisation whose users displayed the child's data: the first and last display, the purposes given\nand how many displays and edits (--json: the list \"displays\"; --csv: a second\nblock with its own header line after an empty line).",
            "För ett registerutdrag: per mottagande organisation och regel, första och senaste gången centrallagret\nskickade uppgifter om barnet, ändamålet (roll i navet, samtycke och dess ändamål, regeln vid\nförsvinnande) och hur många värden. Sedan, ur loggarna över vem som sett vad som de lokala\ndatabaserna skickat upp, per organisation vars användare visat uppgifter om barnet: första och senaste\nvisningen, angivna syften och hur många visningar och ändringar (--json: listan\n\"displays\"; --csv: ett andra block med egen rubrikrad efter en tom rad)."),
        "help.ledger.verify": ("Check that the disclosure ledger and the replicas' read logs are unchanged.",
                               "Kontrollera att utlämnandeloggen och loggarna över vem som sett vad är oförändrade."),
        "help.ledger.verify.long": ("Recomputes the ledger's hash chain entry by entry and checks every checkpoint the server signed. Given\nlocal database files (FILE... or --replica FILE...), also checks the checkpoints kept in them, so a rewrite of the\nserver's ledger is found even when the server's own checkpoints were rewritten too, and compares each\nfile's own read log with the store's copy of it. Then reports the read logs the local databases uploaded:\nevery break found when they arrived (an entry deleted, changed, moved or inserted) is listed, and every\nstored entry is checked again as the store holds it now. Exits with code 8 and names the first broken\nentry when anything does not match.",
            "Räknar om utlämnandeloggens hashkedja utlämnande för utlämnande och kontrollerar varje kontrollpunkt som servern\nsignerat. Med lokala databasfiler (FIL... eller --replica FIL...) kontrolleras även kontrollpunkterna i dem, så att en\nomskriven logg upptäcks även om serverns egna kontrollpunkter också skrivits om, och varje fils egen logg\njämförs med centrallagrets kopia. Sedan redovisas loggarna över vem som sett vad som de lokala\ndatabaserna skickat upp: varje brott som hittades när de kom in (en händelse borttagen, ändrad, flyttad eller\ntillagd) listas, och varje sparad händelse kontrolleras igen som centrallagret har den nu. Avslutar med\nfelkod 8 och anger det första felaktiga utlämnandet eller den första felaktiga händelsen när något inte stämmer."),
        "help.audit.prune": ("Remove disclosure-ledger entries and uploaded read-log entries older than the retention period.",
            "Ta bort utlämnanden i utlämnandeloggen och händelser i loggarna över vem som sett vad som är äldre än lagringstiden."),
        "help.audit.prune.long": ("Removes the ledger entries sent before the day given with --before, or before the same day --years years ago\n(default 5, the period patient data law uses), and the read-log entries local databases uploaded that\nwere written before it (per local database, from the start of its log). The last ledger entry and each log's last\nentry removed are signed first and become bases, so what remains still verifies with 'navetd audit\nverify'. A ledger or read log that does not verify is kept as evidence and nothing is pruned (exit\ncode 8); the evidence of breaks is never pruned. Run it from the same timer as the backup.",
            "Tar bort utlämnandena som skickades före dagen i --before, eller före samma dag för --years år sedan\n(standard 5, den tid som patientdatalagen använder), och de händelser i loggarna över vem som sett vad som\nlokala databaser skickat upp och som skrevs före den dagen (per lokal databas, från loggens början). Det\nsista borttagna utlämnandet och varje loggs sista borttagna händelse signeras först och blir baser, så att det som\nfinns kvar fortfarande kan kontrolleras med 'navetd audit verify'. En logg som inte stämmer sparas som\nbevis och inget rensas (felkod 8); bevis om brott rensas aldrig. Kör kommandot från samma timer som säkerhetskopian."),
        "opt.auditBefore": ("remove ledger entries sent before this day (not later than today)",
            "ta bort utlämnanden skickade före den här dagen (senast i dag)"),
        "opt.auditYears": ("the retention period in years (default 5)", "lagringstiden i år (standard 5)"),
        "audit.prune.both": ("Give either --before or --years, not both.", "Ange antingen --before eller --years, inte båda."),
        "audit.prune.badYears": ("--years needs a whole number from 1 to 100, not {0}.",
                                 "--years behöver ett heltal från 1 till 100, inte {0}."),
        "audit.prune.future": ("--before {0} is after today; the ledger keeps everything up to now.",
                               "--before {0} är efter i dag; loggen behåller allt fram till nu."),
        "audit.prune.broken": ("The disclosure ledger does not verify ('navetd audit verify' says where); it is kept as evidence and not pruned.",
                               "Utlämnandeloggen stämmer inte ('navetd audit verify' visar var); den sparas som bevis och rensas inte."),
        "audit.prune.nothing": ("Nothing in the disclosure ledger was sent before {0}; nothing removed.",
            "Inget i utlämnandeloggen skickades före {0}; inget togs bort."),
        "audit.prune.done": ("Removed {0} ledger {0|entry|entries} sent before {1}. The ledger now starts after entry {2}, which a signed checkpoint keeps.",
            "Tog bort {0} {0|utlämnande|utlämnanden} skickade före {1}. Utlämnandeloggen börjar nu efter utlämnande {2}, som en signerad kontrollpunkt bevarar."),
        "audit.prune.readLogsBroken": (
            "A read log held by the central store does not verify ('navetd audit verify' says where); it is kept as evidence and nothing is pruned.",
            "En logg över vem som sett vad i centrallagret stämmer inte ('navetd audit verify' visar var); den sparas som bevis och inget rensas."),
        "audit.prune.readLogsNothing": ("No read-log entry uploaded by a local database was written before {0}; none removed.",
            "Ingen händelse i loggarna över vem som sett vad skrevs före {0}; ingen togs bort."),
        "audit.prune.readLogsDone": ("Removed {0} read-log {0|entry|entries} written before {1}, from {2} local databases' logs. Each log now starts after a signed base.",
            "Tog bort {0} {0|händelse|händelser} skrivna före {1} ur loggarna över vem som sett vad från {2} lokala databaser. Varje logg börjar nu efter en signerad bas."),
        "audit.stored.entry_changed": ("The read log of local database {0}, entry {1}: its content no longer gives its hash (changed in the central store).",
            "Loggen från lokala databasen {0}, händelse {1}: innehållet ger inte längre dess hash (ändrad i centrallagret)."),
        "audit.stored.chain_broken": ("The read log of local database {0}, entry {1}: it does not follow from the entry before it (changed, moved or inserted in the central store).",
            "Loggen från lokala databasen {0}, händelse {1}: den följer inte av händelsen före (ändrad, flyttad eller tillagd i centrallagret)."),
        "audit.stored.entry_missing": ("The read log of local database {0}: entry {1} is missing (deleted from the central store).",
            "Loggen från lokala databasen {0}: händelse {1} saknas (borttagen ur centrallagret)."),
        "audit.stored.head_mismatch": ("The read log of local database {0}: the store continues it from entry {1}, which is not its last entry.",
            "Loggen från lokala databasen {0}: centrallagret fortsätter den från händelse {1}, som inte är dess sista händelse."),
        "audit.stored.base_unsigned": ("The read log of local database {0} starts after entry {1}, but this server did not sign that base: entries were removed outside navetd.",
            "Loggen från lokala databasen {0} börjar efter händelse {1}, men servern har inte signerat den basen: händelser har tagits bort utanför navetd."),
        "audit.stored.evidence_missing": ("The read log of local database {0}, entry {1}: stored as a break, but the evidence of the break is missing or names another entry (changed in the central store).",
            "Loggen från lokala databasen {0}, händelse {1}: sparad som brott, men beviset om brottet saknas eller gäller en annan händelse (ändrat i centrallagret)."),
        "audit.stored.copy_differs": ("The read log of local database {0}, entry {1}: {2} holds another entry than the central store (or the store no longer holds it): one of the two was changed ('navet audit verify' on the file checks its side).",
            "Loggen från lokala databasen {0}, händelse {1}: {2} har en annan händelse än centrallagret (eller så saknas den där): en av dem har ändrats ('navet audit verify' på filen kontrollerar dess sida)."),
        "audit.copy.notSQLite": ("{0} is not a database file; give a copy of a local database.",
                                 "{0} är ingen databasfil; ange en kopia av en lokal databas."),
        "audit.copy.central": ("{0} is a central store, not a local database; give a copy of a local database.",
                               "{0} är ett centrallager, inte en lokal databas; ange en kopia av en lokal databas."),
        "audit.copy.notReplica": ("{0} is not a Navet local database.", "{0} är ingen lokal Navet-databas."),
        "audit.copy.tooOld": ("{0} is a local database from before the read log (open it once with this navet to bring it up to date).",
                              "{0} är en lokal databas från före loggen över vem som sett vad (öppna den en gång med den här navet för att uppdatera den)."),
        "audit.copy.unreadable": ("{0} could not be read: {1}", "{0} kunde inte läsas: {1}"),
        "audit.copy.otherServer": ("{0} belongs to another central store ({1}; this one is {2}): its checkpoints and read log cannot be checked here.",
                                   "{0} hör till ett annat centrallager ({1}; det här är {2}): dess kontrollpunkter och logg kan inte kontrolleras här."),
        "audit.verify.storedBroken": ("A read log held by the central store has been changed there. Keep this file as evidence and report it.",
                                      "En logg över vem som sett vad har ändrats i centrallagret. Spara filen som bevis och anmäl det."),
        "audit.verify.storedBrokenShort": ("a read log held by the central store does not verify",
                                           "en logg över vem som sett vad i centrallagret stämmer inte"),
        "audit.break.base_unsigned": ("The ledger starts after entry {0}, but no checkpoint of this server signs that entry: entries were removed outside navetd.",
            "Utlämnandeloggen börjar efter utlämnande {0}, men ingen kontrollpunkt från servern signerar det: utlämnanden har tagits bort utanför navetd."),
        "opt.auditCSV": ("print CSV (RFC 4180) for a spreadsheet", "skriv CSV (RFC 4180) för ett kalkylark"),
        "opt.auditSince": ("only ledger entries sent on or after this day",
            "bara utlämnanden skickade den dagen eller senare"),
        "opt.auditUntil": ("only ledger entries sent on or before this day",
            "bara utlämnanden skickade den dagen eller tidigare"),
        "opt.auditReplica": ("also check the checkpoints kept in these local database files",
                             "kontrollera även kontrollpunkterna i dessa lokala databasfiler"),
        "ledger.none": ("The ledger holds nothing for this question.", "Utlämnandeloggen har inget som svarar på frågan."),
        "audit.noSuchDay": ("{0}: there is no day {1} (or it is outside the years Navet accepts, 1900–2200). Check the month and the day.",
                            "{0}: dagen {1} finns inte (eller ligger utanför åren Navet tar emot, 1900–2200). Kontrollera månaden och dagen."),
        "audit.emptyRange": ("--since {0} is after --until {1}: no day is in between.",
                             "--since {0} är efter --until {1}: ingen dag ligger mellan dem."),
        "audit.badDate": ("{0} needs a day written YYYY-MM-DD, not {1}.", "{0} behöver en dag skriven ÅÅÅÅ-MM-DD, inte {1}."),
        "audit.sent": ("sent", "skickat"),
        "audit.organisation": ("organisation", "organisation"),
        "audit.replica": ("local database", "lokal databas"),
        "audit.recordType": ("case data",
            "uppgift"),
        "audit.record": ("its id",
            "uppgiftens id"),
        "audit.field": ("field", "fält"),
        "audit.values": ("values", "värden"),
        "audit.rule": ("rule", "regel"),
        "audit.policy": ("policy", "policy"),
        "audit.child": ("child", "barn"),
        "audit.covers": ("covered", "omfattade"),
        "audit.time": ("time", "tid"),
        "audit.user": ("user", "användare"),
        "audit.kind": ("kind", "typ"),
        "audit.command": ("command", "kommando"),
        "audit.fields": ("fields", "fält"),
        "audit.displays": ("Displayed (from the read logs the local databases uploaded):",
                           "Visat (ur loggarna över vem som sett vad som de lokala databaserna skickat upp):"),
        "audit.displays.none": ("No uploaded read log names this child or its case data.",
            "Ingen uppskickad logg över vem som sett vad nämner barnet eller dess uppgifter."),
        "auditKind.display": ("display", "visning"),
        "auditKind.edit": ("edit", "ändring"),
        "audit.firstDisplay": ("first display", "första visning"),
        "audit.lastDisplay": ("last display", "senaste visning"),
        "audit.purposes": ("purposes", "syften"),
        "audit.displayCount": ("displays", "visningar"),
        "audit.editCount": ("edits", "ändringar"),
        "audit.brokenCount": ("after a break", "efter brott"),
        "audit.first": ("first", "första"),
        "audit.last": ("last", "senaste"),
        "audit.purpose": ("purpose", "syfte"),
        "audit.rule.registrar": ("registered the child, as {0} (rule {1})", "registrerade barnet, som {0} (regel {1})"),
        "audit.rule.membership": ("hub member as {0} (rule {1}, membership {2})",
                                  "medlem i navet som {0} (regel {1}, medlemskap {2})"),
        "audit.rule.registrarOwnRule": ("registered the child, as {0}", "registrerade barnet, som {0}"),
        "audit.rule.membershipOwnRule": ("hub member as {0} (membership {1})", "medlem i navet som {0} (medlemskap {1})"),
        "audit.rule.consent": ("consent {0}: {1}", "samtycke {0}: {1}"),
        "audit.rule.missing": ("missing-episode rule (episode {0})", "regeln vid försvinnande (försvinnande {0})"),
        "audit.rule.own": ("its own case data",
            "egna uppgifter"),
        "audit.verify.summary": ("Disclosure ledger: {0} {0|entry|entries}, {1} {1|checkpoint|checkpoints} signed here, {2} kept by local databases.",
            "Utlämnandeloggen: {0} {0|utlämnande|utlämnanden}, {1} {1|kontrollpunkt|kontrollpunkter} signerade här, {2} sparade i lokala databaser."),
        "audit.verify.fromReplica": (" (checkpoint kept in {0})", " (kontrollpunkt sparad i {0})"),
        "audit.break.row_changed": ("Ledger entry {0} does not follow from the entry before it: it or an earlier entry was changed, deleted, moved or inserted.",
            "Utlämnande {0} följer inte av det före: det eller ett tidigare utlämnande har ändrats, tagits bort, flyttats eller lagts till."),
        "audit.break.row_unhashed": ("Ledger entry {0} has no hash: it was inserted outside navetd.",
            "Utlämnande {0} saknar hash: det har lagts till utanför navetd."),
        "audit.break.checkpoint_forged": ("A checkpoint at ledger entry {0} is not signed with this server's audit key.",
            "En kontrollpunkt vid utlämnande {0} är inte signerad med serverns granskningsnyckel."),
        "audit.break.checkpoint_row_missing": ("A checkpoint names ledger entry {0}, which the ledger no longer holds: entries were removed.",
            "En kontrollpunkt anger utlämnande {0}, som utlämnandeloggen inte längre har: utlämnanden har tagits bort."),
        "audit.break.checkpoint_mismatch": ("Ledger entry {0} is not the entry a checkpoint signed: the ledger was rewritten.",
            "Utlämnande {0} är inte det som en kontrollpunkt signerade: utlämnandeloggen har skrivits om."),
        "audit.verify.intact": ("The disclosure ledger is intact.", "Utlämnandeloggen är oförändrad."),
        "audit.verify.broken": ("The disclosure ledger has been changed. Keep this file as evidence and report it.",
                                "Utlämnandeloggen har ändrats. Spara filen som bevis och anmäl det."),
        "audit.verify.copyForged": (
            "The ledger itself verifies, but a checkpoint kept in a local database file is not signed by this server: that file's checkpoints were altered. Keep the file as evidence and report it.",
            "Utlämnandeloggen stämmer, men en kontrollpunkt i en lokal databasfil är inte signerad av servern: filens kontrollpunkter har ändrats. Spara filen som bevis och anmäl det."),
        "audit.verify.brokenShort": ("the disclosure ledger does not verify", "utlämnandeloggen stämmer inte"),
        "audit.verify.readLogs": ("Read logs uploaded by local databases: {0} {0|entry|entries}.",
            "Loggar över vem som sett vad från lokala databaser: {0} {0|händelse|händelser}."),
        "audit.verify.readLogsBroken": (
            "A read log has been changed on its local database. The evidence is kept; 'navetd audit read-logs' lists it.",
            "En logg över vem som sett vad har ändrats i sin lokala databas. Bevisen sparas; 'navetd audit read-logs' visar dem."),
    ]
}

/// The `--since` and `--until` of an auditor query (`audit org`, `audit user`): Swedish
/// calendar days, both included, checked when the arguments are read (a day not written
/// YYYY-MM-DD exits 2, one that does not exist 3, `--since` after `--until` 3).
struct AuditPeriod {
    let since: String?
    let until: String?
    /// Milliseconds to read from: midnight of `--since` in Sweden, or the beginning of time.
    let start: Int64
    /// Milliseconds to read before: two days after midnight of `--until` (a Swedish day is
    /// at most 25 hours), or the end of time; `keeps` then trims to the day itself.
    let end: Int64
    private let lastDay: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        since = arguments.value("--since")
        until = arguments.value("--until")
        start = try since.map { (text) throws(CLIError) in try context.auditDay(text, option: "--since") } ?? Int64.min
        end = try until.map { (text) throws(CLIError) in
            let (sum, overflow) = try context.auditDay(text, option: "--until").addingReportingOverflow(86_400_000 * 2)
            return overflow ? Int64.max : sum
        } ?? Int64.max
        lastDay = until.flatMap(CalendarDate.init(iso:))
        if let since, let until, let from = CalendarDate(iso: since), let lastDay, from > lastDay {
            throw CLIError(.validation, context.t("audit.emptyRange", since, until))
        }
    }

    /// Whether a time read in the window falls on or before the `--until` day in Sweden.
    func keeps(_ milliseconds: Int64) -> Bool {
        guard let lastDay else { return true }
        return SwedishTime.date(at: milliseconds).map { $0 <= lastDay } ?? true
    }
}
