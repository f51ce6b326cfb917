import Foundation
import NavetCore
import NavetStore
import NavetTestSupport
import Testing

/// `navet child history` reads as a timeline: per field, in the order the values were
/// written, even where a concurrent value has a lower stamp than a later edit.
@Suite struct HistoryOrderTests {
    let t0: Int64 = 1_790_000_000_000

    @Test func aFieldsHistoryIsInTheOrderItWasWritten() throws {
        let sync = try SyncHarness(replicas: 2)
        let a = sync.replicas[0], b = sync.replicas[1]
        let child = try a.createRecord(type: "child", values: ["name": .text("Sara"), "asylum_status": .text("pending")], now: t0)
        try sync.syncAll(now: t0 + 1)
        // A edits twice (versions 2 and 3); B, not having seen them, once and later (version 2).
        _ = try a.set(record: child, field: "asylum_status", value: .text("appealed"), now: t0 + 10_000)
        _ = try a.set(record: child, field: "asylum_status", value: .text("rejected"), now: t0 + 20_000)
        _ = try b.set(record: child, field: "asylum_status", value: .text("granted"), now: t0 + 90_000)
        try sync.syncAll(now: t0 + 100_000)
        try sync.syncAll(now: t0 + 100_001)
        for replica in [a, b] {
            let history = try replica.history(child).filter { $0.change.field == "asylum_status" }
            #expect(history.map(\.change.wallTime) == history.map(\.change.wallTime).sorted(), "\(history.map(\.change.wallTime))")
            #expect(history.map(\.change.value) == [.text("pending"), .text("appealed"), .text("rejected"), .text("granted")])
            // The shown value is the highest stamp's (version 3), whatever the time says.
            #expect(history.filter { $0.state == .shown }.map(\.change.value) == [.text("rejected")])
        }
    }
}
