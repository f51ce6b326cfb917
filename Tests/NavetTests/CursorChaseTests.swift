import Foundation
@testable import NavetCommands
import NavetCore
import NavetStore
import NavetTestSupport
import Testing

/// A sync tells the server a cursor that moved once, and does not chase it when other
/// replicas keep writing between its round trips (issue 15: a region's nightly sync).
@Suite struct CursorChaseTests {
    let folder = TemporaryDirectory(prefix: "navet-cursor-chase")

    @Test(arguments: [false, true]) func aMovingCursorIsToldOnceNotChased(withReadLog: Bool) throws {
        let now = Format.now()
        let centralPath = folder.path("central-\(withReadLog).db")
        let (writer, watcher): (ReplicaStore, ReplicaStore)
        do {
            let central = try CentralStore.create(path: centralPath, now: now)
            _ = try central.addOrganisation(name: "Socialtjänsten", kind: .socialServices, municipality: "Umeå", now: now)
            _ = try central.addOrganisation(name: "Stödkontoret", kind: .supportOffice, municipality: "Umeå", now: now)
            let social = try central.enroll(organisation: "Socialtjänsten", now: now)
            let office = try central.enroll(organisation: "Stödkontoret", now: now)
            writer = try ReplicaStore.create(path: folder.path("w-\(withReadLog).db"), enrolledAs: social.replicaID,
                                             server: central.serverID, url: "http://127.0.0.1:9", secret: social.secret, now: now)
            watcher = try ReplicaStore.create(path: folder.path("x-\(withReadLog).db"), enrolledAs: office.replicaID,
                                              server: central.serverID, url: "http://127.0.0.1:9", secret: office.secret, now: now)
        }
        if withReadLog {
            // An upload then always carries the read log's header, entries or not.
            _ = try watcher.appendAudit(AuditDraft(user: "anna", kind: "display", command: "child list"), now: now)
        }
        let server = try ServerProcess(database: centralPath, workingDirectory: folder.url)
        defer { server.stop() }
        let url = URL(string: server.url)!
        _ = try writer.createRecord(type: "child", values: ["name": .text("Barn")], now: now)
        _ = try SyncClient(store: writer, server: url, timeout: 60).run()
        // After each of the watcher's round trips, social services register a child the
        // support office may not see: every reply moves the watcher's cursor past it.
        var written = 0
        var failures: [String] = []
        let report = try SyncClient(store: watcher, server: url, timeout: 60).run { _ in
            do {
                _ = try writer.createRecord(type: "child", values: ["name": .text("Barn \(written)")], now: Format.now())
                _ = try SyncClient(store: writer, server: url, timeout: 60).run()
                written += 1
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        // Round 1 moves the cursor (and sends the read log); round 2 tells it; its reply
        // moves it again, which is left for the next sync.
        #expect(report.rounds == 2)
        #expect(report.received == 0)
        #expect(written == 2)
    }
}
