import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetWire

extension Context {
    /// Reads and decodes a bundle file, mapping every failure to a clear message.
    func readBundle(_ path: String) throws(CLIError) -> NavetWire.Bundle {
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            bytes = try FileIO.read(path, limit: BundleCodec.limits.maxCompressedBytes + 4096)
        } catch {
            if error.errno == EFBIG { throw describe(SyncError.malformed(.tooLarge("file")), file: path) }
            throw CLIError(.io, t("error.readFile", path, error.message))
        }
        do throws(BundleError) {
            return try BundleCodec.decode(bytes)
        } catch {
            throw describe(SyncError.malformed(error), file: path)
        }
    }

    func writeBundle(_ bundle: NavetWire.Bundle, to path: String) throws(CLIError) {
        do throws(FileIO.Failure) {
            try FileIO.writeAtomically(BundleCodec.encode(bundle), to: path)
        } catch {
            if error.isDiskFull { throw CLIError(.io, t("error.diskFull", path)) }
            throw CLIError(.io, t("error.writeFile", path, error.message))
        }
    }
}

struct ExportCommand: Command {
    static let spec = CommandSpec(["export"], help: "export", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let bundle: NavetWire.Bundle
        do throws(SyncError) {
            bundle = try Sync.makeUpload(store, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        try context.writeBundle(bundle, to: file)
        try context.store { () throws(StoreError) in try store.noteExport(now: context.now) }
        if context.json {
            context.printJSON(["file": file, "changes": bundle.changes.count, "cursor": bundle.cursor])
        } else {
            context.out(context.t("out.exported", String(bundle.changes.count), file))
        }
    }
}

struct ImportCommand: Command {
    static let spec = CommandSpec(["import"], help: "import", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let bundle = try context.readBundle(file)
        let summary: ImportSummary
        do throws(SyncError) {
            summary = try Sync.applyReply(bundle, to: store, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        let conflicts = try context.store { () throws(StoreError) in try store.status() }.conflicts
        if context.json {
            context.printJSON(["file": file, "applied": summary.applied, "duplicates": summary.duplicates,
                               "cursor": summary.cursor, "acked_seq": summary.acked, "conflicts": conflicts])
        } else {
            context.out(context.t("out.imported", String(summary.applied), String(summary.duplicates), String(conflicts)))
        }
    }
}

/// `navetd`: the central store's command line.
public enum NavetdCLI {
    nonisolated(unsafe) static let commands: [any Command.Type] = [ServerImport.self, ServerStatus.self]

    public static func run(_ arguments: [String], environment: [String: String], console: Console = Console()) -> Int32 {
        Dispatcher(program: "navetd", commands: commands, defaultDatabase: "navetd.db", databaseVariable: "NAVETD_DB",
                   summaryKey: "help.navetd", globalOptions: GlobalOptions.navetd)
            .run(arguments: arguments, environment: environment, console: console)
    }
}

struct ServerImport: Command {
    static let spec = CommandSpec(["import"], help: "server.import",
                                  options: [OptionSpec("--reply", value: "OUT", help: "opt.reply")],
                                  positionals: [("BUNDLE", true)])
    let file: String
    let reply: String

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        file = arguments.positionals[0]
        guard let reply = arguments.value("--reply") else {
            throw CLIError(.usage, context.t("error.missingArgument", "--reply OUT"), helpHint: true)
        }
        self.reply = reply
    }

    func run(_ context: Context) throws(CLIError) {
        // Decode before opening the store: a refused file must not even create the database.
        let bundle = try context.readBundle(file)
        let central = try context.store { () throws(StoreError) in try CentralStore.openOrCreate(path: context.databasePath, now: context.now) }
        let outcome: (reply: NavetWire.Bundle, result: CentralStore.UploadResult)
        do throws(SyncError) {
            outcome = try Sync.acceptUpload(bundle, into: central, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        try context.writeBundle(outcome.reply, to: reply)
        if context.json {
            context.printJSON(["replica": bundle.sender.description, "applied": outcome.result.applied,
                               "duplicates": outcome.result.duplicates, "reply": reply,
                               "reply_changes": outcome.reply.changes.count, "cursor": outcome.reply.newCursor])
        } else {
            context.out(context.t("out.serverImported", bundle.sender.description, String(outcome.result.applied),
                                  String(outcome.result.duplicates), String(outcome.reply.changes.count), reply))
        }
    }
}

struct ServerStatus: Command {
    static let spec = CommandSpec(["status"], help: "server.status")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let central = try context.store { () throws(StoreError) in try CentralStore.open(path: context.databasePath) }
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
