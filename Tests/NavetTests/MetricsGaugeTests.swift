import Foundation
import NavetCore
import NavetStore
import NavetTestSupport
import Testing

/// The `/metrics` gauges read the replicas table alone (issue 15): they agree with what
/// `replicaRecords` (which also counts every replica's lag) gives for the same store.
@Suite struct MetricsGaugeTests {
    let folder = TemporaryDirectory(prefix: "navet-metrics-gauges")

    @Test func replicaHealthAgreesWithTheRecords() throws {
        let central = try CentralStore.create(path: folder.path("central.db"), now: 0)
        let empty = try central.replicaHealth(now: 10_000, silentAfter: 1_000)
        #expect(empty.active == 0 && empty.silent == 0 && empty.oldestSync == nil)
        _ = try central.addOrganisation(name: "Socialtjänsten", kind: .socialServices, municipality: "Umeå", now: 0)
        let old = try central.enroll(organisation: "Socialtjänsten", now: 1_000)
        _ = try central.enroll(organisation: "Socialtjänsten", now: 8_000)
        let revoked = try central.enroll(organisation: "Socialtjänsten", now: 500)
        #expect(try central.revoke(revoked.replicaID, now: 9_000))
        for (now, silentAfter) in [(10_000 as Int64, 5_000 as Int64), (10_000, 1_000), (10_000, 20_000), (Int64.min, 1)] {
            let health = try central.replicaHealth(now: now, silentAfter: silentAfter)
            let active = try central.replicaRecords().filter { $0.revokedAt == nil }
            let times = active.map { $0.lastSyncAt ?? $0.enrolledAt }
            #expect(health.active == active.count && health.active == 2)
            #expect(health.silent == times.filter { now.subtractingReportingOverflow($0).partialValue > silentAfter
                                                     && !now.subtractingReportingOverflow($0).overflow }.count,
                    "now \(now), silent after \(silentAfter)")
            #expect(health.oldestSync == times.min())
        }
        #expect(try central.replicaHealth(now: 10_000, silentAfter: 5_000).silent == 1)
        #expect(try central.replicaHealth(now: 10_000, silentAfter: 5_000).oldestSync == 1_000)
        _ = old
    }
}
