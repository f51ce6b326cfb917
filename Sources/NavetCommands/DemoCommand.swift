import Foundation
import NavetCore
import NavetHTTP
import NavetStore
import NavetSync

/// `navet demo`: the README's first command. A central store and three replicas in a
/// temporary folder, offline edits with one concurrent edit, sync by bundle files, and
/// what each replica shows afterwards. Every step runs the real commands.
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
            try Demo(context: context, folder: folder).run()
            if let keep { context.out("\n" + context.t("demo.kept", keep)) }
            return
        }
        // --json: the steps run into a buffer; stdout gets one JSON summary of the end state
        // (the steps' text is in it too, for a reader who wants it).
        let steps = Console(capture: true)
        let quiet = Context(program: context.program, strings: context.strings, json: false,
                            databasePath: context.databasePath, console: steps, now: context.now)
        do throws(CLIError) {
            try Demo(context: quiet, folder: folder).run()
        } catch {
            context.err(steps.capturedOut + steps.capturedErr)
            throw error
        }
        var replicas: [[String: Any]] = []
        for (replica, _) in Demo.replicaNames {
            let store = try context.store { () throws(StoreError) in try ReplicaStore.open(path: folder.appendingPathComponent("\(replica).db").path) }
            let children = try context.store { () throws(StoreError) in try store.records(ofType: "child") }
            let status = try context.store { () throws(StoreError) in try store.status() }
            replicas.append(["name": replica, "replica": status.replicaID.description, "children": children.map(childJSON),
                             "notes": status.notes, "conflicts": status.conflicts, "pending": status.pending])
        }
        context.printJSON(["replicas": replicas, "kept": keep ?? NSNull(), "steps": steps.capturedOut])
    }
}

private struct Demo {
    let context: Context
    let folder: URL

    var central: String { folder.appendingPathComponent("central.db").path }
    static let replicaNames = [("home", "demo.home"), ("social", "demo.social"), ("guardian", "demo.guardian")]
    var replicas: [(String, String)] { Demo.replicaNames }
    /// Name, kind and municipality of each replica's organisation.
    let organisations = [
        "home": ("HVB Björkgården", "residential_home", "Strömsund"),
        "social": ("Socialtjänsten Strömsund", "social_services", "Strömsund"),
        "guardian": ("God man Lena Berg", "guardian", "Östersund"),
    ]

    func path(_ replica: String) -> String { folder.appendingPathComponent("\(replica).db").path }

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

    /// Social services and the care home sync over HTTP; the guardian has no network and
    /// carries files to the office. Both paths end in the same state.
    func sync(_ replica: String, url: String) throws(CLIError) {
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

    func run() throws(CLIError) {
        context.out(context.t("demo.intro", folder.path))
        heading(context.t("demo.step1"))
        try navetd(["init"])
        for (replica, _) in replicas {
            let (name, kind, municipality) = organisations[replica]!
            try navetd(["org", "add", "--name", name, "--kind", kind, "--municipality", municipality])
        }
        // navetd serve, in this process, on a free loopback port.
        let store = try context.store { () throws(StoreError) in try CentralStore.open(path: central) }
        let router = Router(service: SyncService(central: store), proxyHeader: nil, log: JSONLog(quiet: true))
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
            let (name, _, _) = organisations[replica]!
            let file = folder.appendingPathComponent("\(replica).enroll").path
            try navetd(["replica", "enroll", "--org", name, "--out", file, "--url", url])
            try navet(replica, ["init", "--enroll", file])
        }

        heading(context.t("demo.step2"))
        try navet("social", ["child", "add", "--name", "Amina Rahimi", "--birth-date", "2009-03-14",
                             "--arrival-date", "2025-10-02", "--arrival-municipality", "Strömsund",
                             "--assigned-municipality", "Östersund", "--languages", "dari",
                             "--asylum-status", "pending"])
        let child = try context.store { () throws(StoreError) in
            try ReplicaStore.open(path: path("social")).records(ofType: "child")[0].id.description
        }

        heading(context.t("demo.step3"))
        for replica in ["social", "home", "guardian"] { try sync(replica, url: url) }

        heading(context.t("demo.step4"))
        try navet("home", ["note", "add", "--child", child, "--kind", "observation", "--author", "Kontaktperson Jonas",
                           "--text", "Amina var orolig i kväll efter samtalet med Migrationsverket."])
        try navet("guardian", ["child", "set", child, "languages", "dari, svenska"])
        context.out(context.t("demo.concurrent"))
        try navet("social", ["child", "set", child, "asylum-status", "rejected"])
        try navet("guardian", ["child", "set", child, "asylum-status", "appealed"])

        heading(context.t("demo.step5"))
        // The guardian syncs last in the first round and so has everything; the other two
        // need one more round for what was merged after them.
        for (replica, _) in replicas { try sync(replica, url: url) }
        for (replica, _) in replicas.prefix(2) { try sync(replica, url: url) }

        heading(context.t("demo.step6"))
        for (replica, label) in replicas {
            context.out("")
            context.out("-- " + context.t(label) + " --")
            try navet(replica, ["child", "show", child])
        }
        context.out("")
        try navet("social", ["conflicts"])
        try navet("home", ["note", "list", "--child", child])

        heading(context.t("demo.step7"))
        try navet("social", ["conflicts", "resolve", child, "asylum-status", "--value", "appealed"])
        for replica in ["social", "guardian", "home"] { try sync(replica, url: url) }
        try navet("guardian", ["conflicts"])
        try navet("guardian", ["child", "history", child, "--field", "asylum-status"])
        try navet("home", ["status"])
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
