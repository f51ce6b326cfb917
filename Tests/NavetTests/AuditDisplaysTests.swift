import Foundation
import NavetCore
import NavetTestSupport
import Testing

/// `navetd audit child` lists who displayed the child's data (issue 13, point 5): from the
/// read logs the replicas uploaded, through the record index `central_read_log_records`.
/// Through the real `navet` and `navetd`, the log reaching the server by file.
@Suite struct AuditDisplaysTests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-displays")

    @Test func aDisplayWithItsPurposeIsListedAndAnotherChildsIsNot() throws {
        try socialServicesReplica()
        #expect(try cli.navet("--db", "a.db", "user", "add", "eva", "--name", "Eva Ek").code == 0)
        let amina = object(try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Amina"))["id"] as? String ?? ""
        let bilal = object(try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Bilal"))["id"] as? String ?? ""
        #expect(try cli.navet("--db", "a.db", "note", "add", "--child", amina, "--kind", "samtal", "--text", "Samtal.").code == 0)
        // The changes reach the server first, so it knows the note is Amina's.
        func fileSync() throws {
            #expect(try cli.navet("--db", "a.db", "export", "--force", "up.navet").code == 0)
            let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet", "--force")
            #expect(imported.code == 0, "\(imported.err)")
            #expect(try cli.navet("--db", "a.db", "import", "reply.navet").code == 0)
        }
        try fileSync()
        #expect(try cli.navet("--db", "a.db", "--user", "eva", "child", "show", amina, "--purpose", "Placering").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "eva", "child", "show", bilal, "--purpose", "Annat barn").code == 0)
        #expect(try cli.navet("--db", "a.db", "--user", "eva", "note", "list", "--child", amina, "--purpose", "Uppföljning").code == 0)
        try fileSync()

        func displays() throws -> [[String: Any]] {
            let result = try cli.navetd("--db", "central.db", "--json", "audit", "child", amina)
            #expect(result.code == 0, "\(result.err)")
            return object(result)["displays"] as? [[String: Any]] ?? []
        }
        let listed = try displays()
        let purposes = listed.compactMap { $0["purpose"] as? String }
        #expect(purposes.contains("Placering"), "\(listed)")
        #expect(purposes.contains("Uppföljning"), "\(listed)")
        #expect(!purposes.contains("Annat barn"), "\(listed)")
        let shown = listed.first { $0["purpose"] as? String == "Placering" }
        #expect(shown?["user"] as? String == "eva")
        #expect(shown?["organisation"] as? String == "Socialtjänsten Umeå")
        #expect(shown?["kind"] as? String == "display")
        #expect((shown?["fields"] as? [String])?.isEmpty == false)
        // Bilal's audit lists his own display, not Amina's.
        let other = object(try cli.navetd("--db", "central.db", "--json", "audit", "child", bilal))["displays"] as? [[String: Any]] ?? []
        #expect(other.compactMap { $0["purpose"] as? String }.contains("Annat barn"))
        #expect(!other.compactMap { $0["purpose"] as? String }.contains("Placering"))

        // Table, in both languages; CSV as two blocks.
        let table = try cli.navetd("--db", "central.db", "audit", "child", amina)
        #expect(table.code == 0 && table.out.contains("Displayed") && table.out.contains("eva") && table.out.contains("Placering"),
                "\(table.out)")
        #expect(!table.out.contains("Annat barn"))
        let swedish = try cli.navetd("--db", "central.db", "--lang", "sv", "audit", "child", amina)
        #expect(swedish.code == 0 && swedish.out.contains("Visat") && swedish.out.contains("visning"), "\(swedish.out)")
        let csv = try cli.navetd("--db", "central.db", "audit", "child", amina, "--csv")
        let blocks = csv.out.components(separatedBy: "\r\n\r\n")
        #expect(blocks.count == 2, "\(csv.out)")
        #expect(blocks.last?.hasPrefix("time,organisation,local database,user,kind,command,fields,purpose,chain\r\n") == true, "\(csv.out)")
        #expect(blocks.last?.contains("Placering") == true)

        // The subject-access answer names the organisation whose users displayed the data, and why.
        let access = object(try cli.navetd("--db", "central.db", "--json", "audit", "subject-access", amina))
        let byOrganisation = access["displays"] as? [[String: Any]] ?? []
        #expect(byOrganisation.count == 1, "\(access)")
        #expect(byOrganisation.first?["organisation"] as? String == "Socialtjänsten Umeå")
        #expect(byOrganisation.first?["purposes"] as? [String] == ["Placering", "Uppföljning"], "\(access)")
        #expect((byOrganisation.first?["displays"] as? Int ?? 0) + (byOrganisation.first?["edits"] as? Int ?? 0) == listed.count)
        let accessTable = try cli.navetd("--db", "central.db", "--lang", "sv", "audit", "subject-access", amina)
        #expect(accessTable.code == 0 && accessTable.out.contains("första visning") && accessTable.out.contains("Placering; Uppföljning"),
                "\(accessTable.out)")

        // An entry that names only the note (not the child) is found through the note's child.
        _ = try SQLite3Tool.run(folder.path("central.db"), "DELETE FROM central_read_log_records WHERE record_id = \(Int64(bitPattern: UInt64(amina, radix: 16) ?? 0))")
        #expect(try displays().compactMap { $0["purpose"] as? String }.contains("Uppföljning"))

        // A store from before the index: the migration fills it from the stored entries.
        _ = try SQLite3Tool.run(folder.path("central.db"),
                                """
                                DROP TABLE central_read_log_records; DROP INDEX records_by_child; DROP TABLE central_read_log_bases;
                                DROP TABLE change_runs; ALTER TABLE cells DROP COLUMN latest; PRAGMA user_version = 19
                                """)
        let again = try displays()
        #expect(again.count == listed.count, "\(again)")
        #expect(try SQLite3Tool.run(folder.path("central.db"), "SELECT count(*) FROM central_read_log_records") != "0")
    }
}
