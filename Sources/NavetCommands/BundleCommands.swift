import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetWire

extension Context {
    /// Reads a bundle file, refusing one larger than the format allows before reading it.
    func readBundleFile(_ path: String) throws(CLIError) -> [UInt8] {
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            bytes = try FileIO.read(path, limit: BundleCodec.limits.maxCompressedBytes + 4096)
        } catch {
            if error.errno == EFBIG {
                try refuseOtherKind(FileIO.kind(ofFile: path) ?? .other, path: path)
                throw describe(SyncError.malformed(.tooLarge("file")), file: path)
            }
            throw describeRead(error, path: path)
        }
        if bytes.isEmpty { throw CLIError(.refused, t("error.emptyFile", Format.line(path))) }
        try refuseOtherKind(FileIO.kind(of: bytes), path: path)
        return bytes
    }

    /// Refuses a Navet file of another kind given where a bundle belongs, naming what it
    /// is and which command takes it (a bundle, or a file of no kind known, passes).
    private func refuseOtherKind(_ kind: FileIO.Kind, path: String) throws(CLIError) {
        switch kind {
        case .enrollment: throw CLIError(.refused, t("error.enrollmentNotBundle", Format.line(path)))
        case .database: throw CLIError(.refused, t("error.databaseNotBundle", Format.line(path)))
        case .bundle, .other: return
        }
    }

    /// Checks, before a command changes anything, that it may write `path` (see
    /// `FileIO.checkTarget`): never the `--db` file or any SQLite database, an existing
    /// file only with `force`, and only in a folder that exists and can be written.
    /// `inputs` are the files the command reads; writing over one is refused even with `force`.
    func checkOutput(_ path: String, force: Bool, inputs: [String] = []) throws(CLIError) {
        do throws(FileIO.Refusal) {
            try FileIO.checkTarget(path, database: databasePath, inputs: inputs, force: force)
        } catch {
            switch error {
            case .isDatabase: throw CLIError(.io, t("error.outputIsDatabase", path))
            case .isInput(let input): throw CLIError(.io, t("error.outputIsInput", path, input))
            case .isSQLite: throw CLIError(.io, t("error.outputIsSQLite", path))
            case .isFolder: throw CLIError(.io, t("error.outputIsFolder", path))
            case .notRegular: throw CLIError(.io, t("error.outputNotRegular", path))
            case .exists: throw CLIError(.io, t("error.outputExists", path))
            case .folder(let code):
                throw CLIError(.io, t("error.outputFolder", path, FileIO.folderOf(path), systemError(code)))
            }
        }
    }

    /// Writes a file atomically (mode 0600) after `checkOutput`, mapping a full disk to its
    /// own message. Without `force` a file that appeared meanwhile is not replaced either.
    func writeFile(_ bytes: [UInt8], to path: String, force: Bool, inputs: [String] = []) throws(CLIError) {
        try checkOutput(path, force: force, inputs: inputs)
        do throws(FileIO.Failure) {
            try FileIO.writeAtomically(bytes, to: path, replace: force)
        } catch {
            if error.isDiskFull { throw CLIError(.io, t("error.diskFull", path)) }
            if error.errno == EEXIST { throw CLIError(.io, t("error.outputExists", path)) }
            throw CLIError(.io, t("error.writeFile", path, systemError(error.errno)))
        }
    }
}

/// `--force`: replace an existing output file (never a database, never the `--db` file).
let forceOption = OptionSpec("--force", help: "opt.force")

struct ExportCommand: Command {
    static let spec = CommandSpec(["export"], help: "export", options: [forceOption], positionals: [("FILE", true)])
    let file: String
    let force: Bool
    init(_ arguments: ParsedArguments, _ context: Context) {
        file = arguments.positionals[0]
        force = arguments.has("--force")
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let lock = try context.lockForSync()
        defer { withExtendedLifetime(lock) {} }
        let reader = try context.actingUser(store)
        try context.checkOutput(file, force: force)
        let upload: (bytes: [UInt8], bundle: NavetWire.Bundle)
        do throws(SyncError) {
            upload = try Sync.upload(store, now: context.now)
        } catch {
            throw context.describe(error, file: file)
        }
        // The file carries case data out of the replica: logged before it is written.
        try context.logDisplay(store, as: reader, command: "export") { draft in
            for change in upload.bundle.changes { draft.add(change) }
        }
        try context.writeFile(upload.bytes, to: file, force: force)
        // Only for `navet status`: the export itself is complete once the file is written,
        // so failing to note its time does not make the command fail after the fact.
        try? store.noteExport(now: context.now)
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
        let lock = try context.lockForSync()
        defer { withExtendedLifetime(lock) {} }
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
                               "more": applied.more, "caught_up": summary.caughtUp, "renumbered": summary.renumbered,
                               "refused": summary.refused, "redacted": summary.redacted,
                               "purge_pending": summary.purgePending])
        } else {
            context.out(context.t("out.imported", String(summary.applied), String(summary.duplicates), String(conflicts)))
            if summary.epochChanged { context.out(context.t("out.epochChanged")) }
            if summary.caughtUp { context.out(context.t("out.caughtUp", String(summary.renumbered))) }
            if summary.redacted > 0 { context.out(context.t("out.redacted", String(summary.redacted))) }
            if applied.more { context.out(context.t("out.morePages")) }
        }
        try context.finishFiltered(refused: summary.refused, purgePending: summary.purgePending)
    }
}

