import Foundation
import NavetCore
import NavetStore
import NavetTestSupport
import Testing

/// What an operator is told, through the real `navetd`, when the central store is damaged
/// (its runs contradict its changes) or when a layout step would run under another Navet
/// program: exit 5, in both languages, with nothing changed.
@Suite struct UpgradeCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-upgrade")

    @Test func aDamagedStoreIsNamedDamagedInBothLanguagesAndNothingChanges() throws {
        try socialServicesReplica()
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Amina").code == 0)
        #expect(try sync("a.db") == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Bilal").code == 0)
        #expect(try cli.navet("--db", "a.db", "export", "--force", "up.navet").code == 0)
        let central = folder.path("central.db")
        _ = try SQLite3Tool.run(central, "DELETE FROM change_runs")
        let before = try SQLite3Tool.run(central, "SELECT count(*), max(id) FROM changes")
        let english = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
        #expect(english.code == 5)
        #expect(english.err.contains("is damaged") && english.err.contains("Nothing was changed")
                && english.err.contains("backup"), "\(english.err)")
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "import", "up.navet", "--reply", "reply.navet", "--force")
        #expect(swedish.code == 5)
        #expect(swedish.err.contains("är skadad") && swedish.err.contains("Inget har ändrats"), "\(swedish.err)")
        #expect(try SQLite3Tool.run(central, "SELECT count(*), max(id) FROM changes") == before)
    }

    @Test func aLayoutStepUnderARunningServerIsRefusedInBothLanguages() throws {
        try socialServicesReplica()
        let central = folder.path("central.db")
        // A store of layout 25, served by a navetd of that version (its shared lock).
        _ = try SQLite3Tool.run(central, """
            ALTER TABLE changes DROP COLUMN previous; ALTER TABLE cells DROP COLUMN latest;
            CREATE INDEX changes_by_record ON changes(record_id); PRAGMA user_version = 25;
            """)
        var serving: StoreLock?
        if case .locked(let held) = StoreLock.acquire(central, exclusive: false) { serving = held }
        #expect(serving != nil)
        let english = try cli.navetd("--db", "central.db", "replica", "list")
        #expect(english.code == 5)
        #expect(english.err.contains("another Navet program has it open") && english.err.contains("25 to"), "\(english.err)")
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "replica", "list")
        #expect(swedish.code == 5)
        #expect(swedish.err.contains("ett annat Navet-program har den öppen"), "\(swedish.err)")
        #expect(try SQLite3Tool.run(central, "PRAGMA user_version") == "25")
        serving = nil
        #expect(try cli.navetd("--db", "central.db", "replica", "list").code == 0)
        #expect(try SQLite3Tool.run(central, "PRAGMA user_version") == String(Layout.currentVersion))
    }

    /// `navetd restore` right after an upgrade: the store it replaces is still of the older
    /// layout, and opening it to check it must not trip over restore's own lock.
    @Test func restoreRightAfterAnUpgradeWorks() throws {
        try socialServicesReplica()
        #expect(try cli.navetd("--db", "central.db", "backup", "backup.db").code == 0)
        _ = try SQLite3Tool.run(folder.path("central.db"), """
            ALTER TABLE changes DROP COLUMN previous; ALTER TABLE cells DROP COLUMN latest;
            CREATE INDEX changes_by_record ON changes(record_id); PRAGMA user_version = 25;
            """)
        let restored = try cli.navetd("--db", "central.db", "restore", "backup.db")
        #expect(restored.code == 0, "\(restored.err)")
        #expect(try SQLite3Tool.run(folder.path("central.db"), "PRAGMA user_version") == String(Layout.currentVersion))
    }
}
