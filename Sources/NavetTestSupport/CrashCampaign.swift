import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetCore
import NavetStore

/// One seeded run of the crash campaign: real `navet` and `navetd` processes killed with
/// SIGKILL at random moments during edits, exports, imports, syncs and serving; then
/// everything is restarted and synced, and the run checks that every file passes
/// `PRAGMA integrity_check`, that no completed edit was lost or duplicated, and that all
/// replicas hold exactly the server's changes.
///
/// The scenario is lawful under the default need-to-know policy (Protocol/POLICY.md): all
/// three replicas belong to one social services organisation, which registers every child
/// (so it is in every child's hub) and only writes fields its role may write (`languages`
/// is `basic`). Every replica of it may therefore hold everything the server holds, and
/// nothing is refused: the full comparison with the server still applies.
public struct CrashCampaign {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public struct Report: Sendable {
        public var kills = 0
        public var commands = 0
        public var failures: [String] = []
    }

    public func run() throws -> Report {
        var rng = SplitMix64(seed: seed)
        var report = Report()
        let folder = TemporaryDirectory(prefix: "navet-crash")
        let cli = CLIRunner(workingDirectory: folder.url)
        let replicas = ["a.db", "b.db", "c.db"]

        // Set-up without kills: an organisation that may register children (social
        // services), three enrolled replicas of it.
        guard try cli.navetd("--db", "central.db", "init").code == 0,
              try cli.navetd("--db", "central.db", "org", "add", "--name", "Krasch", "--kind", "social_services",
                             "--municipality", "Umeå").code == 0 else { throw Failure("set-up failed") }
        for db in replicas {
            guard try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Krasch", "--out", "\(db).enroll").code == 0,
                  try cli.navet("--db", db, "init", "--enroll", "\(db).enroll").code == 0
            else { throw Failure("enrollment failed") }
        }
        var server: ServerProcess? = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        var completed: Set<String> = []   // names of children whose `child add` exited 0
        var attempted: Set<String> = []

        /// Runs a command and, with probability 1/2, kills it after a random delay.
        func maybeKill(_ program: String, _ arguments: [String]) throws -> Int32? {
            report.commands += 1
            let process = Process()
            process.executableURL = CLIRunner.productsFolder.appendingPathComponent(program)
            process.arguments = arguments
            process.currentDirectoryURL = folder.url
            process.environment = ["LANG": "C.UTF-8"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Bool.random(using: &rng) {
                usleep(UInt32.random(in: 0...40_000, using: &rng))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    report.kills += 1
                }
            }
            process.waitUntilExit()
            return process.terminationReason == .uncaughtSignal ? nil : process.terminationStatus
        }

        for step in 0..<Int.random(in: 12...24, using: &rng) {
            let db = replicas.randomElement(using: &rng)!
            switch Int.random(in: 0..<6, using: &rng) {
            case 0, 1:
                let name = "Barn \(seed % 100_000)-\(step)"
                attempted.insert(name)
                if try maybeKill("navet", ["--db", db, "child", "add", "--name", name]) == 0 { completed.insert(name) }
            case 2:
                let url = server?.url ?? "http://127.0.0.1:9"
                _ = try maybeKill("navet", ["--db", db, "sync", "--server", url, "--timeout", "30"])
            case 3:
                // The file path, any of its three steps may die.
                guard try maybeKill("navet", ["--db", db, "export", "\(db).up"]) == 0 else { break }
                guard try maybeKill("navetd", ["--db", "central.db", "import", "\(db).up", "--reply", "\(db).reply"]) == 0
                else { break }
                _ = try maybeKill("navet", ["--db", db, "import", "\(db).reply"])
            case 4:
                // navetd serve dies (maybe mid-request) and comes back.
                if let running = server, Bool.random(using: &rng) {
                    usleep(UInt32.random(in: 0...20_000, using: &rng))
                    running.crash()
                    report.kills += 1
                    server = nil
                } else if server == nil {
                    server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
                }
            default:
                let child = try? ReplicaStore.open(path: folder.path(db)).records(ofType: "child").first?.id
                if let child {
                    _ = try maybeKill("navet", ["--db", db, "child", "set", child.description, "languages",
                                                "språk \(step)"])
                }
            }
        }

        // Restart and sync everything, without kills, twice round.
        server?.stop()
        server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        for _ in 0..<2 {
            for db in replicas {
                let result = try cli.navet("--db", db, "sync", "--server", server!.url, "--timeout", "120")
                if result.code != 0 { report.failures.append("final sync of \(db): \(result.err)") }
            }
        }
        server?.stop()

        // The checks.
        let central = try CentralStore.open(path: folder.path("central.db"))
        if try central.integrityCheck() != ["ok"] { report.failures.append("central.db fails integrity_check") }
        let held = try central.allChanges()
        let heldSet = Set(held)
        if heldSet.count != held.count { report.failures.append("a change is held twice on the server") }
        var names: [String: Int] = [:]
        for change in held where change.recordType == "child" && change.field == "name" {
            if case .text(let name) = change.value { names[name, default: 0] += 1 }
        }
        for name in completed where names[name] == nil { report.failures.append("lost: \(name)") }
        for (name, count) in names where count > 1 { report.failures.append("duplicated: \(name) ×\(count)") }
        for name in names.keys where !attempted.contains(name) { report.failures.append("appeared from nowhere: \(name)") }
        for db in replicas {
            let replica = try ReplicaStore.open(path: folder.path(db))
            if try replica.integrityCheck() != ["ok"] { report.failures.append("\(db) fails integrity_check") }
            if Set(try replica.allChanges()) != heldSet { report.failures.append("\(db) differs from the server") }
            if try replica.pendingCount() != 0 { report.failures.append("\(db) still has pending changes") }
            // The scenario is lawful: a refusal would mean an edit was dropped by the policy,
            // not kept (and the full comparison above would no longer prove it).
            let refused = try replica.refusedChanges()
            if !refused.isEmpty { report.failures.append("\(db): refused \(refused.map { "\($0.field): \($0.reason)" })") }
        }
        return report
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
