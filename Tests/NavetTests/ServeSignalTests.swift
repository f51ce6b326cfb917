import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetTestSupport
import Testing

/// `navetd serve` handles SIGTERM from the moment it logs "listening": a supervisor (or a
/// test) that stops it right after start is obeyed. Before, the signal handlers were
/// installed after that line and registered asynchronously, so a SIGTERM sent at once was
/// ignored and the server kept running (the crash campaign hung on it).
@Suite struct ServeSignalTests {
    @Test func sigtermRightAfterListeningStopsTheServer() throws {
        let folder = TemporaryDirectory(prefix: "navet-serve-signal")
        #expect(try CLIRunner(workingDirectory: folder.url).navetd("--db", "central.db", "init").code == 0)
        for _ in 0..<5 {
            let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
            kill(server.process.processIdentifier, SIGTERM)
            // A bound for a hang only (a stopped server exits at once), never a speed check.
            var waited = 0
            while server.process.isRunning && waited < 2_000 {
                usleep(10_000)
                waited += 1
            }
            #expect(!server.process.isRunning, "navetd ignored SIGTERM: \(server.log)")
            if server.process.isRunning { server.crash(); return }
            server.process.waitUntilExit()
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0, "\(server.log)")
            #expect(server.log.contains("\"stopped\""), "\(server.log)")
        }
    }
}
