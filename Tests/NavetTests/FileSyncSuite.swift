import Foundation
import NavetTestSupport
import Testing

/// A suite that drives the real binaries in its own folder and syncs replicas with the
/// central store by file (`navet export`, `navetd import`, `navet import`).
protocol FileSyncSuite {
    var folder: TemporaryDirectory { get }
}

extension FileSyncSuite {
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// A command's `--json` output as an object (empty when it is not one).
    func object(_ result: CLIRunner.Result) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) as? [String: Any] ?? [:]
    }

    /// The whole contents of `db` as SQL text (the real `sqlite3 .dump`).
    func dumpFile(_ db: String) throws -> String { try SQLite3Tool.run(folder.path(db), ".dump") }

    /// Runs `navet --db db arguments` and expects a refusal with `code` whose message holds
    /// every part of `says`, nothing on stdout, and `db` unchanged.
    func expectRefused(_ arguments: [String], db: String, code: Int32, says: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try dumpFile(db)
        let result = try cli.run("navet", ["--db", db] + arguments)
        #expect(result.code == code, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
        for part in says {
            #expect(result.err.contains(part), "\(arguments): '\(part)' not in \(result.err)", sourceLocation: sourceLocation)
        }
        #expect(result.out.isEmpty, "\(arguments): \(result.out)", sourceLocation: sourceLocation)
        #expect(try dumpFile(db) == before, "\(arguments) changed the file", sourceLocation: sourceLocation)
    }

    /// One round trip by file for `db` with `central.db`; the replica's import exit code.
    func sync(_ db: String) throws -> Int32 {
        #expect(try cli.navet("--db", db, "export", "--force", "up.navet").code == 0)
        let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
        #expect(imported.code == 0, "\(imported.err)")
        return try cli.navet("--db", db, "import", "reply.navet").code
    }

    /// A central store with one social-services organisation, "Socialtjänsten Umeå", and
    /// its replica `db` enrolled by file.
    func socialServicesReplica(_ db: String = "a.db") throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå", "--kind", "social_services",
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå", "--out", "a.enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", db, "init", "--enroll", "a.enroll").code == 0)
    }
}
