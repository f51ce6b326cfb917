import Foundation
import NavetCore
import NavetHTTP
import NavetStore
import NavetSync

/// `navet demo`: the README's first command. A central store and four replicas in a
/// temporary folder, under the default policy (need to know): social services register a
/// child and add the care home and the god man to its hub; offline edits with one concurrent
/// edit of a field both may write; sync over HTTP and by bundle files; and a school that
/// receives nothing of the child until it is added to the hub, and then only what a mentor
/// needs. Every step runs the real commands, and every write is one the policy allows.
struct DemoCommand: Command {
    static let spec = CommandSpec(["demo"], help: "demo", options: [OptionSpec("--keep", value: "DIR", help: "opt.keep")])
    let keep: String?

    init(_ arguments: ParsedArguments, _ context: Context) { keep = arguments.value("--keep") }

    func run(_ context: Context) throws(CLIError) {
        let folder: URL
        if let keep {
            folder = URL(fileURLWithPath: keep)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                // Foundation's error is an English dump (NSCocoaErrorDomain ...): say it in
                // the user's language, from the underlying errno where there is one.
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: keep, isDirectory: &isFolder), !isFolder.boolValue {
                    throw CLIError(.io, context.t("error.keepNotFolder", Format.line(keep)))
                }
                let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
                let code = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? Int32(truncatingIfNeeded: $0.code) : nil } ?? EACCES
                throw CLIError(.io, context.t("error.writeFile", Format.line(keep), context.systemError(code)))
            }
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if !existing.isEmpty { throw CLIError(.io, context.t("error.keepNotEmpty", Format.line(keep))) }
        } else {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("navet-demo-\(UUID().uuidString.prefix(8))")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        // Removed however the demo ends: normally, by an error, or by SIGINT, SIGTERM or
        // SIGHUP (the folder holds enrollment files with replica secrets).
        let cleanup = keep == nil ? DemoCleanup(folder: folder.path) : nil
        defer { cleanup?.finish() }
        guard context.json else {
            _ = try Demo(context: context, folder: folder).run()
            if let keep { context.out("\n" + context.t("demo.kept", keep)) }
            return
        }
        // --json: the steps run into a buffer; stdout gets one JSON summary of the end state
        // (the steps' text is in it too, for a reader who wants it).
        let steps = Console(capture: true)
        let quiet = Context(program: context.program, strings: context.strings, json: false,
                            databasePath: context.databasePath, console: steps, now: context.now)
        let findings: Demo.Findings
        do throws(CLIError) {
            findings = try Demo(context: quiet, folder: folder).run()
        } catch {
            context.err(steps.capturedOut + steps.capturedErr)
            throw error
        }
        var replicas: [[String: Any]] = []
        for (replica, _) in Demo.replicaNames {
            let store = try context.store { () throws(StoreError) in try ReplicaStore.open(path: folder.appendingPathComponent("\(replica).db").path) }
            let children = try context.store { () throws(StoreError) in try store.records(ofType: "child") }
            let status = try context.store { () throws(StoreError) in try store.status() }
            let refused = try context.store { () throws(StoreError) in try store.refusedChanges() }
            let organisation = Demo.organisations[replica]
            replicas.append(["name": replica, "organisation": organisation?.name ?? NSNull(),
                             "organisation_kind": organisation?.kind ?? NSNull(),
                             "replica": status.replicaID.description, "children": children.map(childJSON),
                             "notes": status.notes, "conflicts": status.conflicts, "pending": status.pending,
                             "refused_changes": refused.count])
        }
        let school = Demo.organisations["school"]
        let needToKnow: [String: Any] = [
            "organisation": school?.name ?? NSNull(),
            "role": HubRole.schoolMentor.rawValue,
            "before_hub": ["children": findings.schoolChildrenBefore, "notes": findings.schoolNotesBefore,
                           "text": findings.beforeText],
            "in_hub": ["fields": findings.schoolFields, "not_shared": findings.notSharedFields,
                       "notes": findings.schoolNotes, "notes_not_shared": findings.notesNotShared,
                       "text": findings.afterText.joined(separator: "\n")],
        ]
        context.printJSON(["replicas": replicas, "child": findings.child, "need_to_know": needToKnow,
                           "kept": keep ?? NSNull(), "steps": steps.capturedOut])
    }
}

private struct Demo {
    let context: Context
    let folder: URL

    /// What the school received, before and after it joined the child's hub.
    struct Findings {
        var child = ""
        var schoolChildrenBefore = 0
        var schoolNotesBefore = 0
        var beforeText = ""
        var schoolFields: [String] = []
        var notSharedFields: [String] = []
        var schoolNotes = 0
        var notesNotShared = 0
        var afterText: [String] = []
    }

    var central: String { folder.appendingPathComponent("central.db").path }
    static let replicaNames = [("home", "demo.home"), ("social", "demo.social"), ("guardian", "demo.guardian"),
                               ("school", "demo.school"), ("police", "demo.police")]
    var replicas: [(String, String)] { Demo.replicaNames }
    /// The replicas of the child's hub (the school joins it last).
    var hub: [(String, String)] { Array(Demo.replicaNames.prefix(3)) }
    /// Name, kind and municipality of each replica's organisation.
    static let organisations: [String: (name: String, kind: String, municipality: String)] = [
        "home": ("HVB Björkgården", "residential_home", "Strömsund"),
        "social": ("Socialtjänsten Strömsund", "social_services", "Strömsund"),
        "guardian": ("God man Lena Berg", "guardian", "Östersund"),
        "school": ("Strömsunds gymnasium", "school", "Strömsund"),
        "police": ("Polisen Region Mitt", "police", "Strömsund"),
    ]

    func path(_ replica: String) -> String { folder.appendingPathComponent("\(replica).db").path }

    func name(_ replica: String) -> String { Demo.organisations[replica]?.name ?? replica }

    /// A role as a person types it.
    func role(_ role: HubRole) -> String { word("role", role.rawValue) }

    /// A choice as a person types it: the code in English, the Swedish label in Swedish
    /// (the commands match either, in any case).
    func word(_ kind: String, _ code: String) -> String {
        context.strings.language == .swedish ? context.strings.label(kind, code) : code
    }

    func heading(_ text: String) {
        context.out("")
        context.out("== " + text + " ==")
    }

    /// Runs a `navet` command against one replica, echoing it like a terminal would.
    func navet(_ replica: String, _ arguments: [String]) throws(CLIError) {
        context.out("$ navet --db \(replica).db " + arguments.map(quoted).joined(separator: " "))
        let code = NavetCLI.run(["--db", path(replica), "--lang", context.strings.language.rawValue] + arguments,
                                environment: [:], console: context.console)
        guard code == 0 else { throw CLIError(ExitCode(rawValue: code) ?? .io, context.t("demo.failed")) }
    }

    func navetd(_ arguments: [String]) throws(CLIError) {
        context.out("$ navetd --db central.db " + arguments.map(quoted).joined(separator: " "))
        let code = NavetdCLI.run(["--db", central, "--lang", context.strings.language.rawValue] + arguments,
                                 environment: [:], console: context.console)
        guard code == 0 else { throw CLIError(ExitCode(rawValue: code) ?? .io, context.t("demo.failed")) }
    }

    func quoted(_ argument: String) -> String {
        let file = argument.hasPrefix(folder.path) ? String(argument.dropFirst(folder.path.count + 1)) : argument
        return file.contains(" ") || file.contains(",") ? "\"\(file)\"" : file
    }

    /// Social services, the care home and the school sync over HTTP; the guardian has no
    /// network and carries files to the office. Both paths end in the same state.
    func sync(_ replica: String) throws(CLIError) {
        if replica == "guardian" {
            try syncByFile(replica)
        } else {
            try navet(replica, ["sync"])
        }
    }

    /// The file path: export, carry to the office, import there, carry the reply back.
    func syncByFile(_ replica: String) throws(CLIError) {
        let upload = folder.appendingPathComponent("\(replica)-upload.navet").path
        let reply = folder.appendingPathComponent("\(replica)-reply.navet").path
        try navet(replica, ["export", upload])
        try navetd(["import", upload, "--reply", reply])
        try navet(replica, ["import", reply])
        // Carried and used: removed, so the next round's files get the same names (the
        // commands never write over an existing file without --force).
        unlink(upload)
        unlink(reply)
    }

    /// Opens one replica's store (read only use: the commands have finished with it).
    func store(_ replica: String) throws(CLIError) -> ReplicaStore {
        try context.store { () throws(StoreError) in try ReplicaStore.open(path: path(replica)) }
    }

    /// The child fields a replica holds of `child`, in schema order; empty without the child.
    func fields(_ replica: String, child: RecordID) throws(CLIError) -> [String] {
        let store = try store(replica)
        let children = try context.store { () throws(StoreError) in try store.records(ofType: "child") }
        guard let record = children.first(where: { $0.id == child }) else { return [] }
        let held = Set(record.fields.map(\.name))
        return Schema.current.recordType("child")!.fields.map(\.name).filter(held.contains)
    }

    func noteCount(_ replica: String, child: RecordID) throws(CLIError) -> Int {
        let store = try store(replica)
        let children = try context.store { () throws(StoreError) in try store.records(ofType: "child") }
        guard children.contains(where: { $0.id == child }) else { return 0 }
        return try context.store { () throws(StoreError) in try store.notes(child: child) }.count
    }

    func run() throws(CLIError) -> Findings {
        var findings = Findings()
        context.out(context.t("demo.intro", folder.path))
        heading(context.t("demo.step1"))
        try navetd(["init"])
        for (replica, _) in replicas {
            let organisation = Demo.organisations[replica]!
            try navetd(["org", "add", "--name", organisation.name, "--kind", organisation.kind,
                        "--municipality", organisation.municipality])
        }
        // navetd serve, in this process, on a free loopback port.
        let centralStore = try context.store { () throws(StoreError) in try CentralStore.open(path: central) }
        let router = Router(service: SyncService(central: centralStore), proxyHeader: nil, log: JSONLog(quiet: true))
        let server: HTTPServer
        do throws(HTTPServerError) {
            server = try HTTPServer(address: try HTTPServer.Address.parse("127.0.0.1:0")) { request, connection in
                router.handle(request, peer: connection.peer.host)
            }
        } catch {
            throw CLIError(.io, context.t("error.cannotListen", "127.0.0.1:0", context.describeListen(error)))
        }
        server.start()
        defer {
            server.stop()
            server.waitUntilStopped()
        }
        let url = "http://\(server.address)"
        context.out("$ navetd --db central.db serve --listen \(server.address) &")
        for (replica, _) in replicas {
            let file = folder.appendingPathComponent("\(replica).enroll").path
            try navetd(["replica", "enroll", "--org", name(replica), "--out", file, "--url", url])
            try navet(replica, ["init", "--enroll", file])
        }

        // Social services register the child and so are in its hub from the start; its
        // first sync also brings the directory of organisations `hub add` checks names in.
        heading(context.t("demo.step2"))
        try navet("social", ["child", "add", "--name", "Amina Rahimi", "--birth-date", "2009-03-14",
                             "--arrival-date", "2025-10-02", "--arrival-municipality", "Strömsund",
                             "--assigned-municipality", "Östersund", "--languages", "dari",
                             "--asylum-status", "pending"])
        let childRecord = try context.store { () throws(StoreError) in
            try ReplicaStore.open(path: path("social")).records(ofType: "child")[0].id
        }
        let child = childRecord.description
        findings.child = child
        try navet("social", ["sync"])
        try navet("social", ["hub", "add", "--child", child, "--org", name("home"), "--role", role(.contactPerson),
                             "--person", "Jonas Lind", "--phone", "090-12 34 56"])
        try navet("social", ["hub", "add", "--child", child, "--org", name("guardian"), "--role", role(.guardian),
                             "--person", "Lena Berg", "--phone", "070-234 56 78"])
        try navet("social", ["sync"])
        try navet("social", ["hub", "list", "--child", child])

        heading(context.t("demo.step3"))
        for replica in ["home", "guardian", "school"] { try sync(replica) }
        try navet("school", ["child", "list"])
        findings.schoolChildrenBefore = try context.store { () throws(StoreError) in
            try ReplicaStore.open(path: path("school")).records(ofType: "child")
        }.count
        let school = try store("school")
        findings.schoolNotesBefore = try context.store { () throws(StoreError) in try school.status() }.notes
        guard findings.schoolChildrenBefore == 0, findings.schoolNotesBefore == 0 else {
            throw CLIError(.io, context.t("demo.failed"))
        }
        findings.beforeText = context.t("demo.schoolNothing", "Amina")
        context.out(findings.beforeText)

        heading(context.t("demo.step4"))
        try navet("home", ["note", "add", "--child", child, "--kind", word("note", "observation"), "--author", "Kontaktperson Jonas",
                           "--text", "Amina var orolig i kväll efter samtalet med Migrationsverket."])
        try navet("guardian", ["child", "set", child, context.strings.fieldWord("languages"), "dari, svenska"])
        context.out(context.t("demo.concurrent"))
        try navet("social", ["child", "set", child, context.strings.fieldWord("asylum_status"), word("asylum", "rejected")])
        try navet("guardian", ["child", "set", child, context.strings.fieldWord("asylum_status"), word("asylum", "appealed")])

        heading(context.t("demo.step5"))
        // The guardian syncs last in the first round and so has everything; the other two
        // need one more round for what was merged after them.
        for (replica, _) in hub { try sync(replica) }
        for (replica, _) in hub.prefix(2) { try sync(replica) }

        heading(context.t("demo.step6"))
        for (replica, label) in hub {
            context.out("")
            context.out("-- " + context.t(label) + " --")
            try navet(replica, ["child", "show", child])
            if replica == "home", !(try fields("home", child: childRecord)).contains("asylum_status") {
                context.out(context.t("demo.homeNoAsylum"))
            }
        }
        context.out("")
        try navet("social", ["conflicts"])
        try navet("home", ["note", "list", "--child", child])

        heading(context.t("demo.step7"))
        try navet("social", ["conflicts", "resolve", child, context.strings.fieldWord("asylum_status"), "--value", word("asylum", "appealed")])
        for replica in ["social", "guardian", "home"] { try sync(replica) }
        try navet("guardian", ["conflicts"])
        try navet("guardian", ["child", "history", child, "--field", context.strings.fieldWord("asylum_status")])
        try navet("home", ["status"])

        heading(context.t("demo.step8"))
        try navet("social", ["hub", "add", "--child", child, "--org", name("school"), "--role", role(.schoolMentor),
                             "--person", "Sara Holm"])
        try navet("social", ["sync"])
        try navet("school", ["sync"])
        try navet("school", ["child", "show", child])
        try navet("school", ["note", "list", "--child", child])
        findings.schoolFields = try fields("school", child: childRecord)
        findings.notSharedFields = try fields("social", child: childRecord).filter { !findings.schoolFields.contains($0) }
        findings.schoolNotes = try noteCount("school", child: childRecord)
        findings.notesNotShared = try noteCount("social", child: childRecord) - findings.schoolNotes
        guard !findings.schoolFields.isEmpty, !findings.notSharedFields.isEmpty else { throw CLIError(.io, context.t("demo.failed")) }
        let labels = { (names: [String]) -> String in names.map { context.strings.field($0) }.joined(separator: ", ") }
        findings.afterText = [
            context.t("demo.schoolSees", labels(findings.schoolFields)),
            context.strings.t("demo.schoolNotShared", count: findings.notesNotShared, labels(findings.notSharedFields)),
            context.t("demo.mentorWhy"),
        ]
        context.out("")
        findings.afterText.forEach { context.out($0) }
        try casework(child: child, childRecord: childRecord)
        return findings
    }

    /// A Swedish time with its offset, `minutesAgo` before now (whole minutes).
    func moment(minutesAgo: Int64) -> String {
        Timestamp(swedishTimeAt: (context.now - minutesAgo * 60_000) / 60_000 * 60_000).description
    }

    /// Steps 9–11, the method's story (issue 14): a rejection, risk signals, a disappearance
    /// at night reported offline, the morning after the nightly sync, the finding in another
    /// municipality and the follow-up that ends the police's access.
    func casework(child: String, childRecord: RecordID) throws(CLIError) {
        heading(context.t("demo.step9"))
        let today = SwedishTime.today(at: context.now)
        try navet("social", ["decision", "add", "--child", child, "--kind", word("decisionkind", "asylum"),
                             "--outcome", word("outcome", "final_rejection"), "--date", today.adding(days: -1)?.description ?? today.description])
        try navet("social", ["alerts", "--child", child])
        try navet("social", ["note", "add", "--child", child, "--kind", word("note", "information_talk"),
                             "--text", "Informationssamtal med tolk om avslaget och vad som händer nu."])
        for text in ["Frånvarande hela dagen utan anmälan.", "Frånvarande igen; kom inte till mentorssamtalet."] {
            try navet("school", ["note", "add", "--child", child, "--kind", word("note", "school_absence"), "--text", text])
        }
        context.out(context.t("demo.night"))
        try navet("home", ["missing", "report", "--child", child, "--last-seen-at", moment(minutesAgo: 10 * 60),
                           "--last-seen-place", "HVB Björkgården", "--discovered-at", moment(minutesAgo: 9 * 60),
                           "--discovered-by", "Nattpersonalen", "--circumstances", "Rummet tomt vid nattkollen; sängen orörd, telefonen borta."])
        let episode = try context.store { () throws(StoreError) in
            try ReplicaStore.open(path: path("home")).records(ofType: "missing")[0].id
        }.description
        try navet("home", ["missing", "check", episode, "1"])
        try navet("home", ["missing", "check", episode, "2"])

        heading(context.t("demo.step10"))
        for replica in ["home", "school", "social", "guardian", "police"] { try sync(replica) }
        try sync("home")
        for replica in ["social", "guardian", "home"] {
            context.out("")
            context.out("-- " + context.t("demo.\(replica)") + " --")
            try navet(replica, ["alerts", "--child", child])
        }
        context.out("")
        context.out("-- " + context.t("demo.police") + " --")
        try navet("police", ["missing", "list", "--open"])
        try navet("police", ["child", "show", child])
        let policeFields = try fields("police", child: childRecord)
        guard !policeFields.contains("asylum_status"), try noteCount("police", child: childRecord) == 0 else {
            throw CLIError(.io, context.t("demo.failed"))
        }
        context.out(context.t("demo.policeSees", policeFields.map { context.strings.field($0) }.joined(separator: ", ")))

        heading(context.t("demo.step11"))
        try navet("home", ["missing", "police-notified", episode, "--at", moment(minutesAgo: 8 * 60 + 40),
                           "--reference", "5000-K4711-26"])
        try navet("home", ["missing", "found", episode, "--at", moment(minutesAgo: 2 * 60), "--place", "Sundsvall C",
                           "--by", "Polisen i Sundsvall", "--account", "Åkte till en kompis i Sundsvall efter beskedet."])
        try sync("home")
        try navet("social", ["sync"])
        try navet("social", ["missing", "follow-up", episode, "--at", moment(minutesAgo: 20), "--by", name("social"),
                             "--text", "Samtal med Amina och gode mannen om beskedet och boendet."])
        for replica in ["social", "home", "guardian", "police"] { try sync(replica) }
        try navet("police", ["child", "list"])
        guard try fields("police", child: childRecord).isEmpty else { throw CLIError(.io, context.t("demo.failed")) }
        context.out(context.t("demo.policeEnded"))
        try navet("guardian", ["child", "show", child])
    }
}

/// Removes the demo's temporary folder at the end, and on SIGINT, SIGTERM or SIGHUP before
/// the process exits with the shell's status for that signal (128 + its number).
private final class DemoCleanup: @unchecked Sendable {
    let folder: String
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var removed = false

    init(folder: String) {
        self.folder = folder
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                // The lock is never released: the demo, failing now that its files are
                // gone, waits in `finish` until the signal ends the process.
                self.lock.lock()
                if !self.removed { TemporaryFolder.remove(self.folder) }
                self.removed = true
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    func finish() {
        lock.lock()
        if !removed { TemporaryFolder.remove(folder) }
        removed = true
        lock.unlock()
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM, SIGHUP] { signal(number, SIG_DFL) }
    }
}
