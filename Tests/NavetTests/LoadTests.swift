import Foundation
import NavetTestSupport
import Testing

/// The load tool (`Tools/load`) in its short form: a real navetd on loopback and 20
/// replicas that sync at once, each with pending changes, two rounds.
@Suite struct LoadTests {
    @Test func twentyReplicasSyncAtOnce() throws {
        let folder = TemporaryDirectory(prefix: "navet-load-test")
        let result = try CLIRunner(workingDirectory: folder.url)
            .run("navet-load", ["--replicas", "20", "--changes", "100", "--concurrency", "20", "--rounds", "2", "--json"])
        #expect(result.code == 0, "\(result.err)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        #expect(summary["errors"] as? Int == 0)
        let rounds = summary["rounds"] as! [[String: Any]]
        #expect(rounds.count == 2)
        #expect(rounds.allSatisfy { $0["uploaded"] as? Int == 20 * 100 })
        #expect((summary["server_peak_rss_mib"] as? Double ?? 0) > 0)
    }
}
