import Foundation
import NavetCore
import NavetTestSupport
@testable import NavetWire
import Testing

/// Item 13: conflicts, histories and note lists name the organisation that recorded a
/// value, from the directory the central store sends (Protocol/BUNDLE.md, "Directory").
@Suite(.serialized) struct DirectoryTests {
    typealias F = BundleFixtures
    let folder = TemporaryDirectory(prefix: "navet-directory")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    // MARK: - Wire

    @Test func directoryAndRequestRoundTrip() throws {
        var reply = F.reply([F.change()])
        for directory in [[], [DirectoryEntry(replica: F.replicaB, organisation: "HVB Solgården", kind: "residential_home"),
                               DirectoryEntry(replica: F.replicaA, organisation: "Socialtjänsten Strömsund", kind: "social_services")]] {
            reply.directory = directory
            let decoded = try F.decode(F.encode(reply)).bundle
            #expect(decoded.directory == directory.sorted { $0.replica.rawValue < $1.replica.rawValue })
            #expect(decoded.changes == reply.changes)
        }
        reply.directory = nil
        #expect(try F.decode(F.encode(reply)).bundle.directory == nil)

        var upload = F.upload([F.change()])
        upload.wantsDirectory = true
        #expect(try F.decode(F.encode(upload)).bundle.wantsDirectory)
        upload.wantsDirectory = false
        #expect(try !F.decode(F.encode(upload)).bundle.wantsDirectory)
    }

    @Test func directoryFlagsBelongToOneKindEach() {
        let upload = F.upload([F.change()])
        let payload = BundlePayload.encode(upload.changes, limits: .v1)
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        var header = BundleCodecTests.header(for: upload, uncompressed: payload.count, compressed: compressed.count)
        header.flags = BundleCodec.directoryFlag
        #expect(throws: BundleError.invalidValue("directory in an upload")) {
            try F.decode(BundleCodec.frame(header: header, compressedPayload: compressed, signer: F.signer(for: upload)))
        }
        let reply = F.reply([F.change()])
        header = BundleCodecTests.header(for: reply, uncompressed: payload.count, compressed: compressed.count)
        header.flags = BundleCodec.wantsDirectoryFlag
        #expect(throws: BundleError.invalidValue("directory request in a reply")) {
            try F.decode(BundleCodec.frame(header: header, compressedPayload: compressed, signer: F.signer(for: reply)))
        }
    }

    // MARK: - Through the real binaries

    func enroll(_ name: String, organisation: String, kind: String) throws {
        _ = try cli.navetd("--db", "central.db", "init")  // the central store is created explicitly
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", organisation, "--kind", kind,
                               "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", organisation, "--out", "\(name).enroll",
                               "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll").code == 0)
    }

    func json(_ result: CLIRunner.Result) -> Any? { try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) }

    /// Two organisations edit the same field at once; one syncs over HTTP, the other by
    /// files. Each side's conflict list names the other organisation (and its own), never an
    /// id unless asked; history and note lists too; an origin without a name is "unknown".
    @Test func conflictsAndHistoryNameTheOrganisations() throws {
        try enroll("a", organisation: "Socialtjänsten Umeå", kind: "social_services")
        try enroll("b", organisation: "HVB Solgården", kind: "residential_home")
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        func syncB() throws {
            #expect(try cli.navet("--db", "b.db", "export", "up.navet").code == 0)
            let imported = try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet")
            #expect(imported.code == 0, "\(imported.err)")
            #expect(try cli.navet("--db", "b.db", "import", "reply.navet").code == 0)
            try? FileManager.default.removeItem(at: folder.url.appendingPathComponent("up.navet"))
            try? FileManager.default.removeItem(at: folder.url.appendingPathComponent("reply.navet"))
        }
        let added = try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Sara")
        let child = (json(added) as? [String: Any])?["id"] as? String ?? ""
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        // Need to know: the HVB sees the child only once social services add it to the hub.
        let hub = try cli.navet("--db", "a.db", "hub", "add", "--child", child, "--org", "HVB Solgården",
                                "--role", "contact_person")
        #expect(hub.code == 0, "\(hub.err)")
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        try syncB()
        // A field both roles may write under the default policy (`case`: social secretary and
        // contact person alike).
        #expect(try cli.navet("--db", "a.db", "child", "set", child, "arrival-municipality", "Umeå").code == 0)
        #expect(try cli.navet("--db", "b.db", "child", "set", child, "arrival-municipality", "Luleå").code == 0)
        #expect(try cli.navet("--db", "b.db", "note", "add", "--child", child, "--kind", "meeting", "--text", "Möte").code == 0)
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        try syncB()
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)

        let ids = try ["a", "b"].map { name in
            (json(try cli.navet("--db", "\(name).db", "--json", "status")) as? [String: Any])?["replica"] as? String ?? "?"
        }
        for (side, other) in [("a", ids[1]), ("b", ids[0])] {
            let conflicts = try cli.navet("--db", "\(side).db", "conflicts")
            #expect(conflicts.out.contains("Socialtjänsten Umeå") && conflicts.out.contains("HVB Solgården"), "\(conflicts.out)")
            #expect(conflicts.out.contains("recorded by"))
            #expect(!conflicts.out.contains(other) && !conflicts.out.contains(ids[0]), "ids only with --verbose: \(conflicts.out)")
            let verbose = try cli.navet("--db", "\(side).db", "--lang", "sv", "conflicts", "--verbose")
            #expect(verbose.out.contains("HVB Solgården (\(ids[1]))") && verbose.out.contains("registrerat av"), "\(verbose.out)")
            let values = ((json(try cli.navet("--db", "\(side).db", "--json", "conflicts")) as? [[String: Any]])?.first?["values"]
                as? [[String: Any]]) ?? []
            #expect(Set(values.compactMap { $0["organisation"] as? String }) == ["Socialtjänsten Umeå", "HVB Solgården"])
            #expect(Set(values.compactMap { $0["organisation_kind"] as? String }) == ["social_services", "residential_home"])
            #expect(Set(values.compactMap { $0["origin"] as? String }) == Set(ids))
        }
        let history = try cli.navet("--db", "a.db", "child", "history", child)
        #expect(history.out.contains("HVB Solgården") && !history.out.contains(ids[1]), "\(history.out)")
        let notes = try cli.navet("--db", "a.db", "note", "list")
        #expect(notes.out.contains("(HVB Solgården)"), "\(notes.out)")
        let noteJSON = (json(try cli.navet("--db", "a.db", "--json", "note", "list")) as? [[String: Any]])?.first
        #expect(noteJSON?["organisation"] as? String == "HVB Solgården")
        #expect(noteJSON?["origin"] as? String == ids[1])

        // Without a directory: the other side is an unknown organisation with its id, the
        // replica's own changes are "this replica".
        _ = try SQLite3Tool.run(folder.path("a.db"), "DELETE FROM directory;")
        let unknown = try cli.navet("--db", "a.db", "conflicts")
        #expect(unknown.out.contains("unknown organisation (id \(ids[1]))") && unknown.out.contains("this replica"), "\(unknown.out)")
        let swedish = try cli.navet("--db", "a.db", "--lang", "sv", "conflicts")
        #expect(swedish.out.contains("okänd organisation (id \(ids[1]))") && swedish.out.contains("den här lokala databasen"))
        // The next sync brings the directory back.
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        #expect(try cli.navet("--db", "a.db", "conflicts").out.contains("HVB Solgården"))
    }

    /// Before its first sync a replica names its own organisation from its enrollment file.
    @Test func ownOrganisationFromTheEnrollmentFile() throws {
        try enroll("a", organisation: "Skolan i Strömsund", kind: "school")
        let added = try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Omar")
        let child = (json(added) as? [String: Any])?["id"] as? String ?? ""
        let history = try cli.navet("--db", "a.db", "child", "history", child)
        #expect(history.out.contains("Skolan i Strömsund"), "\(history.out)")
    }
}
