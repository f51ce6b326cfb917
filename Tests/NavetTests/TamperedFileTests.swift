import Foundation
import NavetTestSupport
import Testing

/// A replica file edited by hand is input too: negative numbers where Navet writes
/// counters, versions and ids must not trap any command (every stored integer is read
/// back with `UInt64(clamping:)`).
@Suite struct TamperedFileTests {
    let folder = TemporaryDirectory(prefix: "navet-tampered")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    @Test func negativeNumbersInAReplicaFileCannotTrapACommand() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navet("child", "add", "--name", "Amina Rahimi", "--birth-date", "2009-03-14").code == 0)
        #expect(try cli.navet("child", "add", "--name", "Bo Berg", "--birth-date", "2010-01-02").code == 0)
        _ = try SQLite3Tool.run(folder.path("navet.db"), """
            UPDATE changes SET seq = -5, version = -1, origin = -7 WHERE id = 1;
            UPDATE changes SET record_id = -9 WHERE id = 2;
            UPDATE cells SET version = -1, origin = -7;
            UPDATE meta SET value = -1 WHERE key IN ('cursor', 'acked_seq');
            UPDATE origins SET contiguous_seq = -3;
            """)
        let commands: [[String]] = [
            ["child", "list"], ["--json", "child", "list"], ["status"], ["--json", "status"], ["conflicts"],
            ["note", "list"], ["export", "up.navet"], ["child", "set", "a", "name", "Amina R"],
        ]
        for arguments in commands {
            let result = try cli.run("navet", arguments)
            #expect(!result.err.contains("Fatal error") && !result.err.contains("Signal"), "\(arguments): \(result.err)")
            #expect([0, 3, 4, 5].contains(result.code), "\(arguments): exit \(result.code) \(result.err)")
        }
    }

    /// The central store's sibling: a hand-edited store does not trap `navetd`.
    @Test func negativeNumbersInACentralStoreCannotTrapACommand() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Norr", "--kind", "residential_home",
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", "a.enroll").code == 0)
        _ = try SQLite3Tool.run(folder.path("central.db"), """
            UPDATE replicas SET cursor = -1, replica_id = -2, sync_token = -3;
            UPDATE meta SET value = -1 WHERE key = 'epoch';
            """)
        for arguments in [["replica", "list"], ["--json", "replica", "list"], ["status"], ["org", "list"]] {
            let result = try cli.run("navetd", ["--db", "central.db"] + arguments)
            #expect(!result.err.contains("Fatal error") && !result.err.contains("Signal"), "\(arguments): \(result.err)")
            #expect([0, 3, 4, 5].contains(result.code), "\(arguments): exit \(result.code) \(result.err)")
        }
    }
}
