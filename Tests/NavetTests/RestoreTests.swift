import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetTestSupport
import Testing

/// A server restored from last week's backup costs the replicas nothing (the epoch rule).
@Suite struct RestoreTests {
    let t0: Int64 = 1_790_000_000_000

    @Test func restoringAnOldBackupLosesNothing() throws {
        let sync = try SyncHarness(replicas: 3)
        var children: [RecordID] = []
        for (index, replica) in sync.replicas.enumerated() {
            children.append(try replica.createRecord(type: "child", values: ["name": .text("Barn \(index)")], now: t0))
        }
        try sync.syncAll(now: t0 + 1)
        let backup = sync.folder.path("backup.db")
        try sync.central.backup(to: backup)
        let epochBefore = try sync.central.epoch()

        // A week of work after the backup: edits, a concurrent edit, notes.
        for (index, replica) in sync.replicas.enumerated() {
            try replica.set(record: children[0], field: "languages", value: .text("språk \(index)"), now: t0 + 2)
            _ = try replica.createRecord(
                type: "note", values: ["child": .text(children[index].description), "kind": .text("meeting"),
                                       "text": .text("Möte \(index)")], now: t0 + 2)
        }
        try sync.syncAll(now: t0 + 3)
        let held = try sync.central.changeCount
        #expect(held == 3 + 3 + 3 * 3)  // children, languages, notes of three fields

        // The disk dies; last week's backup comes back.
        try sync.restoreServer(from: backup)
        #expect(try sync.central.changeCount == 3)
        #expect(try sync.central.epoch() != epochBefore)

        // Every replica syncs: each sees the new epoch, re-sends what the server lost.
        try sync.syncAll(now: t0 + 4)
        let all = Set(try sync.central.allChanges())
        #expect(all.count == held, "every change is back on the server")
        for replica in sync.replicas {
            #expect(Set(try replica.allChanges()) == all)
            #expect(try replica.conflicts() == (try sync.central.conflicts()))
            #expect(try replica.status().pending == 0)
            #expect(try replica.epoch() == (try sync.central.epoch()))
        }
        #expect(try sync.central.integrityCheck() == ["ok"])
    }

    @Test func restoreRefusesABadFileAndChangesNothing() throws {
        let sync = try SyncHarness(replicas: 1)
        _ = try sync.replicas[0].createRecord(type: "child", values: ["name": .text("Sara")], now: t0)
        try sync.syncAll(now: t0)
        let garbage = sync.folder.path("garbage.db")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let path = sync.central.path
        #expect(throws: StoreError.self) { try CentralStore.restore(from: garbage, to: path) }
        #expect(throws: StoreError.self) { try CentralStore.restore(from: sync.replicas[0].path, to: path) }
        #expect(try sync.central.changeCount == 1)
        #expect(try CentralStore.open(path: path).changeCount == 1)
    }
}
