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
                throw CLIError(.refused, t("error.badEnrollment", path, describe(Enrollment.ParseError.tooLarge)))
            }
            throw describeRead(error, path: path)
        }
        do throws(Enrollment.ParseError) {
            return try Enrollment.parse(bytes)
        } catch {
            throw CLIError(.refused, t("error.badEnrollment", path, describe(error)))
        }
    }
}

/// `navet enroll FILE`: enrolls the existing replica file in `--db` with an enrollment
/// file: a file made by `navet init` without one, or a file the central store refused as
/// a second live copy (Protocol/BUNDLE.md, "Replica identity"). Unsynced changes move to
/// the new replica id; nothing is lost.
struct EnrollCommand: Command {
    static let spec = CommandSpec(["enroll"], help: "enroll", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let enrollment = try context.readEnrollment(file)
        let store = try context.openReplica()
        let result = try context.store { () throws(StoreError) in
            try store.enroll(as: enrollment.replicaID, server: enrollment.serverID, url: enrollment.url,
                             secret: enrollment.secret, now: context.now)
        }
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
