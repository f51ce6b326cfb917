import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetWire

extension Context {
    /// Reads a bundle file, refusing one larger than the format allows before reading it.
    func readBundleFile(_ path: String) throws(CLIError) -> [UInt8] {
        do throws(FileIO.Failure) {
            return try FileIO.read(path, limit: BundleCodec.limits.maxCompressedBytes + 4096)
        } catch {
            if error.errno == EFBIG { throw describe(SyncError.malformed(.tooLarge("file")), file: path) }
            throw CLIError(.io, t("error.readFile", path, error.message))
        }
    }

    /// Writes a file atomically (mode 0600), mapping a full disk to its own message.
    func writeFile(_ bytes: [UInt8], to path: String) throws(CLIError) {
        do throws(FileIO.Failure) {
            try FileIO.writeAtomically(bytes, to: path)
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
        let upload: (bytes: [UInt8], bundle: NavetWire.Bundle)
        do throws(SyncError) {
            upload = try Sync.upload(store, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        try context.writeFile(upload.bytes, to: file)
        try context.store { () throws(StoreError) in try store.noteExport(now: context.now) }
        if context.json {
            context.printJSON(["file": file, "changes": upload.bundle.changes.count, "cursor": upload.bundle.cursor])
        } else {
            context.out(context.t("out.exported", String(upload.bundle.changes.count), file))
        }
    }
}

struct ImportCommand: Command {
    static let spec = CommandSpec(["import"], help: "import", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let bytes = try context.readBundleFile(file)
        let applied: (summary: ImportSummary, more: Bool)
        do throws(SyncError) {
            applied = try Sync.applyReply(bytes, to: store, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        let summary = applied.summary
        let conflicts = try context.store { () throws(StoreError) in try store.status() }.conflicts
        if context.json {
            context.printJSON(["file": file, "applied": summary.applied, "duplicates": summary.duplicates,
                               "cursor": summary.cursor, "acked_seq": summary.acked, "conflicts": conflicts,
                               "more": applied.more, "caught_up": summary.caughtUp, "renumbered": summary.renumbered])
        } else {
            context.out(context.t("out.imported", String(summary.applied), String(summary.duplicates), String(conflicts)))
            if summary.epochChanged { context.out(context.t("out.epochChanged")) }
            if summary.caughtUp { context.out(context.t("out.caughtUp", String(summary.renumbered))) }
            if applied.more { context.out(context.t("out.morePages")) }
        }
    }
}

