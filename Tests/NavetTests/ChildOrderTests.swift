import Foundation
import NavetCore
import NavetSQLite
@testable import NavetStore
import NavetTestSupport
import Testing

/// The kept order of `navet child list` (layout 23, `child_order`): each child record's
/// name sort keys stay what its cells say on every path that writes a name (a local edit,
/// a reply, a conflict, a redaction) and after a migration (`LayoutTests`).
@Suite struct ChildOrderTests {
    /// `child_order` equals what the cells say: one row per child record, with the
    /// Swedish and English keys of its name as shown (NULL when none is held).
    static func expectKept(_ store: ReplicaStore, _ comment: Comment) throws {
        var kept: [Int64: [SQLValue]] = [:]
        for row in try store.db.query("SELECT record_id, sv, en FROM child_order") {
            if case .integer(let id) = row[0] { kept[id] = [row[1], row[2]] }
        }
        var expected: [Int64: [SQLValue]] = [:]
        for row in try store.db.query("""
            SELECT record_id, max(CASE WHEN field = 'name' THEN \(ReplicaStore.displaySQL()) END)
            FROM cells WHERE record_type = 'child' GROUP BY record_id
            """) {
            guard case .integer(let id) = row[0] else { continue }
            if case .text(let name) = row[1] {
                expected[id] = [.blob(TextRules.collationBytes(name, .swedish)), .blob(TextRules.collationBytes(name, .english))]
            } else {
                expected[id] = [.null, .null]
            }
        }
        #expect(kept == expected, comment)
    }

    static func keys(_ store: ReplicaStore, _ child: RecordID) throws -> [SQLValue]? {
        try store.db.query("SELECT sv, en FROM child_order WHERE record_id = ?", [.integer(child.int64)]).first
    }

    @Test func theKeptKeysFollowEveryWriteOfAName() throws {
        let now: Int64 = 1_790_000_000_000
        let harness = try SyncHarness(replicas: 2, now: now)
        let (a, b) = (harness.replicas[0], harness.replicas[1])
        // A local edit: created, then renamed.
        let zara = try a.createRecord(type: "child", values: ["name": .text("Zara"), "birth_date": .text("2010-01-01")], now: now)
        let bilal = try a.createRecord(type: "child", values: ["name": .text("Bilal"), "birth_date": .text("2011-02-03")], now: now)
        try Self.expectKept(a, "created")
        _ = try a.set(record: zara, field: "name", value: .text("Åsa"), now: now + 1)
        #expect(try Self.keys(a, zara) == [.blob(TextRules.collationBytes("Åsa", .swedish)),
                                           .blob(TextRules.collationBytes("Åsa", .english))])
        try Self.expectKept(a, "renamed")
        // A reply: the other replica receives both children and the new name.
        try harness.syncAll(now: now + 2)
        try harness.syncAll(now: now + 3)
        #expect(try b.snapshot(zara).value("name") == .text("Åsa"))
        try Self.expectKept(b, "received")
        // A reply changing a name.
        _ = try a.set(record: bilal, field: "name", value: .text("Ömer"), now: now + 4)
        try harness.syncAll(now: now + 5)
        try harness.syncAll(now: now + 6)
        #expect(try b.snapshot(bilal).value("name") == .text("Ömer"))
        try Self.expectKept(b, "renamed by a reply")
        // A conflict on the name: both rename it; the winner is shown and kept on both.
        _ = try a.set(record: zara, field: "name", value: .text("Ängla"), now: now + 7)
        _ = try b.set(record: zara, field: "name", value: .text("Emile"), now: now + 7)
        try harness.syncAll(now: now + 8)
        try harness.syncAll(now: now + 9)
        #expect(try a.snapshot(zara).fields.first { $0.change.field == "name" }?.headCount == 2)
        #expect(try a.snapshot(zara).value("name") == b.snapshot(zara).value("name"))
        try Self.expectKept(a, "conflict, a")
        try Self.expectKept(b, "conflict, b")
        // A redaction removing the name (b holds only a's changes of Bilal): the child stays,
        // without a name, after the named children.
        let names = try b.history(bilal).filter { $0.change.field == "name" }.map { ChangeRef(origin: $0.change.origin, seq: $0.change.seq) }
        #expect(names.count == 2)
        try b.db.transaction { _ = try b.applyRedactions([Redaction(id: 1, child: bilal, reason: "access_ended", changes: names)]) }
        #expect(try b.snapshot(bilal).value("name") == .null)
        #expect(try Self.keys(b, bilal) == [.null, .null])
        try Self.expectKept(b, "name redacted")
        var order: [RecordID] = []
        try b.forEachChildInListOrder(collation: .swedish) { child in
            order.append(child.id)
            return true
        }
        #expect(order == [zara, bilal])
        // Redacting the rest of the child removes its row.
        let rest = try b.history(bilal).map { ChangeRef(origin: $0.change.origin, seq: $0.change.seq) }
        try b.db.transaction { _ = try b.applyRedactions([Redaction(id: 2, child: bilal, reason: "access_ended", changes: rest)]) }
        #expect(try Self.keys(b, bilal) == nil)
        try Self.expectKept(b, "child redacted")
    }

    /// Layout 24 keys every child again for the collation that puts other scripts after the
    /// Latin letters: a file whose keys were written by the collation before it (here: keys
    /// that say nothing) is re-keyed when it is opened.
    @Test func layout24KeysTheChildrenAgain() throws {
        let folder = TemporaryDirectory(prefix: "navet-order")
        let now: Int64 = 1_790_000_000_000
        let path = folder.path("r.db")
        do {
            let store = try ReplicaStore.create(path: path, now: now)
            for name in ["Мария", "Đorđe", "Zlatan"] {
                _ = try store.createRecord(type: "child", values: ["name": .text(name), "birth_date": .text("2010-01-01")], now: now)
            }
        }
        let db = try Database(path: path)
        try db.execute("UPDATE child_order SET sv = x'00', en = x'00'")
        try db.setUserVersion(23)  // as the file was before layout 24
        let reopened = try ReplicaStore.open(path: path)
        #expect(try reopened.db.userVersion == Layout.currentVersion)
        try Self.expectKept(reopened, "re-keyed by layout 24")
        var order: [String] = []
        try reopened.forEachChildInListOrder(collation: .swedish) { child in
            order.append(child.name ?? "")
            return true
        }
        #expect(order == ["Đorđe", "Zlatan", "Мария"])
    }
}
