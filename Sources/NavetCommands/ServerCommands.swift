import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetWire

/// `navetd`: the central store's command line.
public enum NavetdCLI {
    nonisolated(unsafe) static let commands: [any Command.Type] = [
        ServerInit.self, ServeCommand.self, ServerImport.self, BackupCommand.self, RestoreCommand.self, OrgAdd.self, OrgList.self, ReplicaEnroll.self, ReplicaRevoke.self,
        ReplicaList.self, ServerStatus.self, PolicyLoad.self, PolicyCheck.self, PolicyShow.self, PolicyExplain.self,
        AuditChildCommand.self, AuditOrgCommand.self, AuditSubjectAccessCommand.self, AuditVerifyCommand.self,
        AuditPruneCommand.self, AuditReadLogs.self, AuditUserCommand.self,
    ]

    public static func run(_ arguments: [String], environment: [String: String], console: Console = Console()) -> Int32 {
        Dispatcher(program: "navetd", commands: commands, defaultDatabase: "navetd.db", databaseVariable: "NAVETD_DB",
                   summaryKey: "help.navetd", globalOptions: GlobalOptions.navetd)
            .run(arguments: arguments, environment: environment, console: console)
    }
}

extension Context {
    /// Opens the existing central store named by `--db`. Never creates one: a missing file
    /// is an error that names `navetd init`, so a mistyped path cannot start an empty store.
    func openCentral() throws(CLIError) -> CentralStore {
        do throws(StoreError) {
            return try CentralStore.open(path: databasePath)
        } catch .missing {
            throw CLIError(.io, t("error.noCentral", databasePath))
        } catch {
            throw describe(error)
        }
    }

    /// Words for a server-side refusal: the underlying error's message when there is one.
    func describe(_ refusal: Refusal, file: String) -> CLIError {
        if refusal.reason == .staleTimestamp, refusal.detail == SyncService.expiredFileDetail {
            return CLIError(.refused, t("error.bundleExpired", Format.line(file), String(SyncService.defaultFileWindowDays)))
        }
        if refusal.reason == .staleTimestamp, refusal.detail == SyncService.aheadFileDetail {
            return CLIError(.refused, t("error.bundleAhead", Format.line(file)))
        }
        if case .store(.unknownReplica(let sender))? = refusal.cause {
            // Said at the support office itself: not "ask the support office".
            return CLIError(.refused, t("error.refusedBundle", Format.line(file), t("bundle.unknownSender", sender.description)))
        }
        if let cause = refusal.cause {
            let described = describe(cause, file: file)
            if refusal.reason == .serverError { return CLIError(.io, described.message) }
            return CLIError(.refused, described.message)
        }
        return CLIError(.refused, t("error.refusedBundle", file, refusalText(refusal.reason.rawValue)))
    }
}

/// `navetd init`: the one command that creates a central store.
struct ServerInit: Command {
    static let spec = CommandSpec(["init"], help: "server.init")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let central = try context.store { () throws(StoreError) in
            try CentralStore.create(path: context.databasePath, now: context.now)
        }
        if context.json {
            context.printJSON(["server": central.serverID.description, "path": context.databasePath])
        } else {
            context.out(context.t("out.centralCreated", context.databasePath, central.serverID.description))
        }
    }
}

struct ServerImport: Command {
    static let spec = CommandSpec(["import"], help: "server.import",
                                  options: [OptionSpec("--reply", value: "OUT", help: "opt.reply"), forceOption],
                                  positionals: [("BUNDLE", true)])
    let file: String
    let reply: String
    let force: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        file = arguments.positionals[0]
        guard let reply = arguments.value("--reply") else {
            throw CLIError(.usage, context.t("error.missingArgument", "--reply " + Help.valueName("OUT", context.strings)), helpHint: true)
        }
        self.reply = reply
        force = arguments.has("--force")
    }

    /// The reply path is checked before the upload is merged, so a reply that cannot be
    /// written refuses the import with nothing changed. If the write still fails after the
    /// merge (a full disk), importing the same file again writes the reply: the central
    /// store answers a bundle file it has already merged again (`CentralStore.acceptUpload`).
    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        try context.checkOutput(reply, force: force, inputs: [file])
        let bytes = try context.readBundleFile(file)
        // A reply brought to the office by mistake (header: magic "NAVB", kind 2 at offset
        // 6, Protocol/BUNDLE.md): say what it is, and count no refusal against any replica.
        if bytes.count > 6, bytes.prefix(4).elementsEqual([0x4E, 0x41, 0x56, 0x42]), bytes[6] == 2 {
            throw CLIError(.refused, context.t("error.refusedBundle", file, context.t("bundle.replyNotUpload")))
        }
        let service = SyncService(central: central)
        let accepted: SyncService.Accepted
        do throws(Refusal) {
            accepted = try service.accept(bytes, arrival: .file, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        do throws(CLIError) {
            try context.writeFile(accepted.reply, to: reply, force: force, inputs: [file])
        } catch {
            // The upload is merged; the same file imported again is answered again
            // (Protocol/BUNDLE.md, "Receiving a bundle"), so say how to get the reply.
            throw CLIError(error.code, error.message + " " + context.t("error.replyNotWritten", file))
        }
        for evidence in accepted.readLogEvidence where evidence.alarm {
            // In the reader's words ("expected entry 1", not the store's note "seq 1").
            context.err(AuditReadLogs.line(evidence, context))
        }
        if context.json {
            context.printJSON(["replica": accepted.sender.description, "applied": accepted.applied,
                               "duplicates": accepted.duplicates, "reply": reply, "reply_changes": accepted.sent,
                               "more": accepted.more, "caught_up": accepted.caughtUp])
        } else if accepted.caughtUp {
            context.out(context.t("out.serverCaughtUp", accepted.sender.description, String(accepted.sent), reply))
        } else {
            context.out(context.t("out.serverImported", accepted.sender.description, String(accepted.applied),
                                  String(accepted.duplicates), String(accepted.sent), reply))
        }
    }
}

struct ServerStatus: Command {
    static let spec = CommandSpec(["status"], help: "server.status")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let count = try context.store { () throws(StoreError) in try central.changeCount }
        let records = try context.store { () throws(StoreError) in try central.recordIDs() }.count
        let conflicts = try context.store { () throws(StoreError) in try central.conflicts() }.count
        if context.json {
            context.printJSON(["server": central.serverID.description, "changes": count, "records": records,
                               "conflicts": conflicts])
        } else {
            context.out(context.t("out.serverStatus", central.serverID.description, String(count), String(records), String(conflicts)))
        }
    }
}

struct OrgAdd: Command {
    static let spec = CommandSpec(["org", "add"], help: "org.add", options: [
        OptionSpec("--name", value: "NAME", help: "opt.orgName"),
        OptionSpec("--kind", value: "KIND", help: "opt.orgKind"),
        OptionSpec("--municipality", value: "NAME", help: "opt.municipality"),
    ])
    let name: String
    let kind: OrganisationKind
    let municipality: String

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        for option in ["--name", "--kind", "--municipality"] where arguments.value(option) == nil {
            throw CLIError(.usage, context.t("error.missingArgument", option), helpHint: true)
        }
        // Stored in NFC with runs of spaces as one, so a name typed on a Mac (decomposed
        // å, ä, ö) is the same name; control characters are refused.
        name = TextRules.nfc(arguments.value("--name")!).split(whereSeparator: { $0 == " " }).joined(separator: " ")
        municipality = TextRules.nfc(arguments.value("--municipality")!).split(whereSeparator: { $0 == " " })
            .joined(separator: " ")
        for (option, value) in [("--name", name), ("--municipality", municipality)] {
            if value.unicodeScalars.contains(TextRules.replacementCharacter) {
                throw CLIError(.validation, context.t("schema.notUTF8", option))
            }
            if let hidden = TextRules.firstForbiddenInLine(value), !TextRules.isControl(hidden) {
                throw CLIError(.validation, context.t("schema.invisibleCharacter", option, TextRules.visible(String(hidden))))
            }
        }
        guard (1...200).contains(name.count), (1...100).contains(municipality.count),
              TextRules.firstControl(in: name + municipality) == nil else {
            throw CLIError(.validation, context.t("error.badName"))
        }
        let kinds = OrganisationKind.allCases.map(\.rawValue)
        guard let code = Strings.code(for: arguments.value("--kind")!, among: kinds, kind: "org"),
              let kind = OrganisationKind(rawValue: code)
        else {
            try context.checkAmbiguous(arguments.value("--kind")!, option: "--kind", among: kinds, kind: "org")
            throw CLIError(.validation, context.t("error.badOrgKind", context.choiceList(kinds, kind: "org"))
                           + context.nearChoices(arguments.value("--kind")!, among: kinds, kind: "org"))
        }
        self.kind = kind
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let organisation = try context.store { () throws(StoreError) in
            try central.addOrganisation(name: name, kind: kind, municipality: municipality, now: context.now)
        }
        if context.json {
            context.printJSON(["id": organisation.id, "name": name, "kind": kind.rawValue, "municipality": municipality])
        } else {
            context.out(context.t("out.orgAdded", name, context.strings.label("org", kind.rawValue), municipality))
        }
    }
}

struct OrgList: Command {
    static let spec = CommandSpec(["org", "list"], help: "org.list")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let collation: TextRules.Collation = context.strings.language == .swedish ? .swedish : .english
        let organisations = try context.store { () throws(StoreError) in try central.organisations() }
            .sorted { TextRules.precedes($0.name, $1.name, collation) }
        if context.json {
            context.printJSON(organisations.map { ["id": $0.id, "name": $0.name, "kind": $0.kind.rawValue,
                                                   "municipality": $0.municipality] })
            return
        }
        context.out(Format.table(
            [context.t("out.organisation"), context.t("out.kind"), context.t("out.municipality")],
            organisations.map { [Format.line($0.name), context.strings.label("org", $0.kind.rawValue), Format.line($0.municipality)] }))
    }
}

struct ReplicaEnroll: Command {
    static let spec = CommandSpec(["replica", "enroll"], help: "replica.enroll", options: [
        OptionSpec("--org", value: "NAME", help: "opt.org"),
        OptionSpec("--out", value: "FILE", help: "opt.enrollOut"),
        OptionSpec("--url", value: "URL", help: "opt.url"),
        forceOption,
    ])
    let organisation: String
    let out: String
    let url: String?
    let force: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        for option in ["--org", "--out"] where arguments.value(option) == nil {
            throw CLIError(.usage, context.t("error.missingArgument", option), helpHint: true)
        }
        organisation = TextRules.nfc(arguments.value("--org")!)
        guard !TextRules.nameKey(organisation).isEmpty else { throw CLIError(.validation, context.t("error.orgNameEmpty", "--org")) }
        out = arguments.value("--out")!
        url = arguments.value("--url")
        force = arguments.has("--force")
        if let url, ServerURL.parse(url) == nil {
            throw CLIError(.usage, context.t("error.badURL", url), helpHint: true)
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        // Before the replica is registered: a file that cannot be written changes nothing.
        try context.checkOutput(out, force: force)
        let enrolled = try context.store { () throws(StoreError) in try central.enroll(organisation: organisation, now: context.now) }
        // The name as registered, however it was typed here (case, spacing, decomposed å, ä, ö).
        let known = ((try? central.organisations()) ?? []).map { (value: $0.name, words: [$0.name]) }
        let registered = TextRules.match(organisation, among: known, key: TextRules.nameKey).value ?? organisation
        let enrollment = Enrollment(serverID: central.serverID, url: url ?? "http://127.0.0.1:8080",
                                    replicaID: enrolled.replicaID, organisation: registered, secret: enrolled.secret)
        do throws(CLIError) {
            try context.writeFile(enrollment.serialize(), to: out, force: force)
        } catch {
            // Without the file the new credentials are useless: withdraw them, leaving the
            // store as it was (revoke them if even that fails).
            do throws(StoreError) {
                try central.withdrawEnrollment(enrolled.replicaID)
            } catch {
                try? central.revoke(enrolled.replicaID, now: context.now)
            }
            throw error
        }
        if url == nil { context.warn(context.t("warning.defaultURL", out)) }
        if context.json {
            context.printJSON(["replica": enrolled.replicaID.description, "organisation": registered, "file": out])
        } else {
            context.out(context.t("out.enrolled", enrolled.replicaID.description, registered, out))
        }
    }
}

struct ReplicaRevoke: Command {
    static let spec = CommandSpec(["replica", "revoke"], help: "replica.revoke", positionals: [("REPLICA", true)])
    /// The id as typed: all 16 hex digits or a unique prefix of them.
    let typed: String

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        typed = arguments.positionals[0].lowercased()
        guard (1...16).contains(typed.utf8.count), typed.allSatisfy(\.isHexDigit) else {
            throw CLIError(.validation, context.t("error.badReplicaID", Format.line(arguments.positionals[0])))
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let replica: ReplicaID
        if let id = ReplicaID(hex: typed) {
            replica = id
        } else {
            // A prefix, or 16 hex digits that no id can have (0, or 2^63 and above).
            let matches = try context.store { () throws(StoreError) in try central.enrolledReplicaIDs() }
                .filter { $0.description.hasPrefix(typed) }
            guard let first = matches.first else { throw CLIError(.validation, context.t("error.unknownReplica", typed)) }
            guard matches.count == 1 else {
                throw CLIError(.validation, context.t("error.ambiguousReplica", typed, String(matches.count),
                                                      matches.map(\.description).sorted().joined(separator: ", ")))
            }
            replica = first
        }
        let newlyRevoked: Bool
        do throws(StoreError) {
            newlyRevoked = try central.revoke(replica, now: context.now)
        } catch .unknownReplica {
            throw CLIError(.validation, context.t("error.unknownReplica", replica.description))
        } catch {
            throw context.describe(error)
        }
        if context.json {
            context.printJSON(["replica": replica.description, "revoked": true, "already_revoked": !newlyRevoked])
        } else {
            context.out(context.t(newlyRevoked ? "out.revoked" : "out.alreadyRevoked", replica.description))
        }
    }
}

struct ReplicaList: Command {
    static let spec = CommandSpec(["replica", "list"], help: "replica.list",
                                  options: [OptionSpec("--silent", value: "DURATION", help: "opt.silent")])
    let silent: Int64?
    let silentText: String

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        silentText = arguments.value("--silent") ?? ""
        silent = try arguments.value("--silent").map { text throws(CLIError) in
            try Duration.parse(text, option: "--silent", context: context)
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let collation: TextRules.Collation = context.strings.language == .swedish ? .swedish : .english
        var records = try context.store { () throws(StoreError) in try central.replicaRecords() }
            .sorted { TextRules.precedes($0.organisation ?? "", $1.organisation ?? "", collation) }
        if let silent {
            records = records.filter { $0.revokedAt == nil && context.now - ($0.lastSyncAt ?? $0.enrolledAt) > silent }
        }
        if context.json {
            context.printJSON(records.map { record -> [String: Any] in
                ["replica": record.replicaID.description, "organisation": record.organisation ?? NSNull(),
                 "enrolled": Format.time(record.enrolledAt), "revoked": record.revokedAt.map(Format.time) ?? NSNull(),
                 "last_sync": record.lastSyncAt.map(Format.time) ?? NSNull(), "cursor": record.cursor, "lag": record.lag,
                 "client_version": record.clientVersion ?? NSNull(), "schema_version": record.schemaVersion ?? NSNull(),
                 "epoch_seen": record.epochSeen.map { Format.hex16($0) } ?? NSNull(),
                 "pending_refusals": record.refusals, "last_refusal": record.lastRefusal ?? NSNull()]
            })
            return
        }
        if records.isEmpty {
            context.out(silent == nil ? context.t("out.noReplicas")
                        : context.t("out.noneSilent", Duration.words(silentText, context: context)))
            return
        }
        let never = context.t("out.never")
        context.out(Format.table(
            [context.t("out.replica"), context.t("out.organisation"), context.t("out.lastSync"), context.t("out.lag"),
             context.t("out.refusals"), context.t("out.client"), context.t("out.state")],
            records.map { record in
                [record.replicaID.description, record.organisation.map(Format.line) ?? "–", record.lastSyncAt.map(Format.time) ?? never,
                 String(record.lag),
                 record.refusals == 0 ? "0"
                    : "\(record.refusals) (\(Format.truncated(context.refusalText(record.lastRefusal ?? ""), to: 50)))",
                 [record.clientVersion, record.schemaVersion.map { context.t("out.schema") + " \($0)" }].compactMap { $0 }.joined(separator: ", "),
                 record.revokedAt == nil ? context.t("out.active") : context.t("out.revokedState")]
            }))
    }
}

/// Durations like `90s`, `30m`, `12h`, `3d`, in milliseconds.
enum Duration {
    static func parse(_ text: String, option: String, context: Context) throws(CLIError) -> Int64 {
        let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]
        guard let unit = text.last.flatMap({ units[$0] }),
              let number = DecimalNumber.parse(text.dropLast(), in: 1...99_999).map(Int64.init) else {
            throw CLIError(.usage, context.t("error.badDuration", option, text), helpHint: true)
        }
        return number * unit
    }

    /// "3 days" / "3 dagar" for a duration `parse` took ("3d").
    static func words(_ text: String, context: Context) -> String {
        let keys: [Character: String] = ["s": "duration.seconds", "m": "duration.minutes", "h": "duration.hours", "d": "duration.days"]
        guard let key = text.last.flatMap({ keys[$0] }) else { return Format.line(text) }
        return context.t(key, String(text.dropLast()))
    }
}

struct BackupCommand: Command {
    static let spec = CommandSpec(["backup"], help: "backup", options: [forceOption], positionals: [("FILE", true)])
    let file: String
    let force: Bool
    init(_ arguments: ParsedArguments, _ context: Context) {
        file = arguments.positionals[0]
        force = arguments.has("--force")
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        try context.checkOutput(file, force: force)
        let bytes: Int64
        do throws(StoreError) {
            bytes = try central.backup(to: file, replace: force)
        } catch .alreadyExists {
            throw CLIError(.io, context.t("error.outputExists", file))
        } catch {
            throw context.describe(error)
        }
        if context.json {
            context.printJSON(["file": file, "bytes": bytes])
        } else {
            context.out(context.t("out.backedUp", file, String(bytes)))
        }
    }
}

struct RestoreCommand: Command {
    static let spec = CommandSpec(["restore"], help: "restore", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        // Restore replaces the --db file: only a central store may be replaced (a replica
        // file or another program's database given by mistake is refused unchanged).
        if FileIO.sameFile(file, context.databasePath) {
            throw CLIError(.io, context.t("error.restoreOntoItself", Format.line(file), context.databasePath))
        }
        // The backup first, so a wrong file is named for what it is (a folder, a bundle,
        // an enrollment file), not as a damaged store or a failed check.
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), isFolder.boolValue {
            throw CLIError(.io, context.t("error.backupIsFolder", Format.line(file)))
        }
        switch FileIO.kind(ofFile: file) {
        case .bundle: throw CLIError(.refused, context.t("error.badBackup", file, context.t("backup.isBundle")))
        case .enrollment: throw CLIError(.refused, context.t("error.badBackup", file, context.t("backup.isEnrollment")))
        case .other: throw CLIError(.refused, context.t("error.badBackup", file, context.t("backup.notDatabase")))
        // A missing, unreadable or empty file is named by the restore below.
        case .database, nil: break
        }
        // Opened first (it must be a central store), before the lock below: opening a store
        // of an older layout brings it to this one under a lock of its own.
        let existed = FileManager.default.fileExists(atPath: context.databasePath)
        var current: ReplicaID?
        if existed {
            current = try context.openCentral().serverID
        }
        // A running `navetd serve` holds a shared lock; the store is not replaced under it.
        var lock: StoreLock?
        switch StoreLock.acquire(context.databasePath, exclusive: true) {
        case .locked(let held): lock = held
        case .busy: throw CLIError(.io, context.t("error.storeInUse", context.databasePath))
        case .failed(ENOENT): lock = nil
        case .failed(let code): throw CLIError(.io, context.t("error.storeLock", context.databasePath, String(cString: strerror(code))))
        }
        defer { withExtendedLifetime(lock) {} }
        let epoch: UInt64
        do throws(StoreError) {
            epoch = try CentralStore.restore(from: file, to: context.databasePath, expectedServer: current)
        } catch .wrongServer(let expected, let got) {
            throw CLIError(.refused, context.t("error.otherCentralBackup", file, got.description, context.databasePath,
                                               expected.description))
        } catch .notANavetDatabase(_, let reason) {
            throw CLIError(.refused, context.t("error.badBackup", file, context.notNavetReason(reason)))
        } catch .missing {
            throw CLIError(.io, context.t("error.noSuchFile", Format.line(file)))
        } catch {
            throw context.describe(error)
        }
        if context.json {
            context.printJSON(["file": file, "epoch": Format.hex16(epoch), "replaced": existed])
        } else {
            context.out(context.t("out.restored", file, context.databasePath, Format.hex16(epoch)))
            // Where no store was (a lost disk, or a mistyped --db): say so.
            if !existed { context.out(context.t("out.restoredWhereNone", context.databasePath)) }
        }
    }
}
