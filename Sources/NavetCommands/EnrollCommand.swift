import Foundation
import NavetCore
import NavetStore
import NavetWire

extension Context {
    /// Reads and parses an enrollment file, with the refusals `init --enroll` and
    /// `enroll` share.
    func readEnrollment(_ path: String) throws(CLIError) -> Enrollment {
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            bytes = try FileIO.read(path, limit: Enrollment.maxBytes)
        } catch {
            if error.errno == EFBIG {
                try refuseOtherKind(FileIO.kind(ofFile: path) ?? .other, path: path)
                throw CLIError(.refused, t("error.badEnrollment", path, describe(Enrollment.ParseError.tooLarge)))
            }
            throw describeRead(error, path: path)
        }
        try refuseOtherKind(FileIO.kind(of: bytes), path: path)
        let enrollment: Enrollment
        do throws(Enrollment.ParseError) {
            enrollment = try Enrollment.parse(bytes)
        } catch {
            throw CLIError(.refused, t("error.badEnrollment", path, describe(error)))
        }
        // The address as `--url` and `--server` take it (a port from 1 to 65535, a host).
        guard ServerURL.parse(enrollment.url) != nil else {
            throw CLIError(.refused, t("error.badEnrollment", path, describe(Enrollment.ParseError.invalidValue("url"))))
        }
        return enrollment
    }

    /// Refuses a bundle or a database given where an enrollment file belongs, naming what
    /// it is and which command takes it.
    private func refuseOtherKind(_ kind: FileIO.Kind, path: String) throws(CLIError) {
        switch kind {
        case .bundle: throw CLIError(.refused, t("error.bundleNotEnrollment", Format.line(path)))
        case .database: throw CLIError(.refused, t("error.databaseNotEnrollment", Format.line(path)))
        case .enrollment, .other: return
        }
    }
}

/// `navet enroll FILE`: enrolls the existing replica file in `--db` with an enrollment
/// file: a file made by `navet init` without one, or a file the central store refused as
/// a second live copy (Protocol/BUNDLE.md, "Replica identity"). Unsynced changes move to
/// the new replica id; nothing is lost.
struct EnrollCommand: Command {
    static let spec = CommandSpec(["enroll"], help: "enroll", options: [OptionSpec("--force", help: "opt.forceEnroll")],
                                  positionals: [("FILE", true)])
    let file: String
    let force: Bool
    init(_ arguments: ParsedArguments, _ context: Context) {
        file = arguments.positionals[0]
        force = arguments.has("--force")
    }

    func run(_ context: Context) throws(CLIError) {
        let enrollment = try context.readEnrollment(file)
        let store = try context.openReplica()
        // A replica that is enrolled and syncing keeps its identity: enrolling it anew is
        // the way out for a file refused as a second live copy (over HTTP the refusal is
        // recorded; by file the support office tells, hence --force), not a way to take
        // over another organisation's enrollment file.
        let current = try context.store { () throws(StoreError) in
            (try store.enrollment(), try store.status().lastRefusal)
        }
        // The enrollment this file already has: nothing to do, unless the central store
        // refused it as a copy or revoked it (a new enrollment file is the way on then).
        if current.0 != nil, enrollment.replicaID == store.replicaID {
            if current.1 == "replica_copied" {
                throw CLIError(.validation, context.t("enroll.sameAsCopied", store.replicaID.description, file))
            }
            if current.1 == "revoked_replica" {
                throw CLIError(.validation, context.t("enroll.revoked", store.replicaID.description, file))
            }
            if context.json {
                context.printJSON(["replica": store.replicaID.description, "previous": store.replicaID.description,
                                   "moved": 0, "server": enrollment.url, "organisation": enrollment.organisation,
                                   "path": context.databasePath, "unchanged": true])
            } else {
                context.out(context.t("out.enrollUnchanged", store.replicaID.description, file))
            }
            return
        }
        // A replica file holds its organisation's work (what the central store let it
        // receive, its own notes): it cannot become another organisation's, not even with
        // --force, or that work would be sent and shown as the other organisation's.
        let own = try context.store { () throws(StoreError) in try store.originNames() }[store.replicaID]?.organisation
        if let own, !own.utf8.elementsEqual(enrollment.organisation.utf8) {
            throw CLIError(.validation, context.t("enroll.otherOrganisation", Format.line(own), file,
                                                  Format.line(enrollment.organisation)))
        }
        // A revoked enrollment, or one refused as a copy, is left for a new one (the same
        // enrollment file was answered above); any other only with --force.
        if current.0 != nil, current.1 != "revoked_replica", current.1 != "replica_copied", !force {
            throw CLIError(.validation, context.t("enroll.alreadyEnrolled", store.replicaID.description, file))
        }
        let result = try context.store { () throws(StoreError) in
            try store.enroll(as: enrollment.replicaID, server: enrollment.serverID, url: enrollment.url,
                             secret: enrollment.secret, now: context.now)
        }
        // Its organisation under the new id, as `init --enroll` notes it (the next reply's
        // directory confirms it). Only a name: the enrollment stands without it.
        try? ReplicaStore.open(path: context.databasePath).noteOwnOrganisation(enrollment.organisation, now: context.now)
        if context.json {
            context.printJSON(["replica": enrollment.replicaID.description, "previous": result.previous.description,
                               "moved": result.moved, "server": enrollment.url, "organisation": enrollment.organisation,
                               "path": context.databasePath])
        } else {
            context.out(context.t("out.enrolledFile", enrollment.replicaID.description, context.databasePath,
                                  enrollment.organisation, enrollment.url))
            if result.moved > 0 {
                context.out(context.t("out.enrollMoved", String(result.moved)))
            }
        }
    }
}
