import Foundation
import NavetStore
import NavetTestSupport
import Testing

/// A Navet file of one kind given where another kind belongs (an enrollment file or a
/// database to `import`, a bundle or a database to `enroll`) is named for what it is, with
/// the command that takes it, and changes nothing; and file names of one character, which
/// Foundation's `deletingLastPathComponent` traps on, work everywhere a file is written.
@Suite struct FileKindCLITests: FileSyncSuite {
    let folder = TemporaryDirectory(prefix: "navet-file-kind")

    func bytes(_ name: String) throws -> Data { try Data(contentsOf: folder.url.appendingPathComponent(name)) }

    @Test func aFileOfAnotherKindIsNamedForWhatItIs() throws {
        try socialServicesReplica()
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå",
                               "--out", "b.enroll", "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Åsa Öberg").code == 0)
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        let replica = try bytes("a.db"), central = try bytes("central.db")

        let enrollment = try cli.navet("--db", "a.db", "import", "b.enroll")
        #expect(enrollment.code == 4 && enrollment.err.contains("b.enroll is an enrollment file, not a bundle")
                && enrollment.err.contains("'navet enroll b.enroll'"), "\(enrollment.err)")
        let swedish = try cli.navet("--lang", "sv", "--db", "a.db", "import", "b.enroll")
        #expect(swedish.code == 4 && swedish.err.contains("är en registreringsfil, inte en överföringsfil"), "\(swedish.err)")
        let database = try cli.navet("--db", "a.db", "--json", "import", "central.db")
        #expect(database.code == 4 && (database.out + database.err).contains("is a database file"), "\(database.err)")
        let atOffice = try cli.navetd("--db", "central.db", "import", "b.enroll", "--reply", "r.navet")
        #expect(atOffice.code == 4 && atOffice.err.contains("is an enrollment file"), "\(atOffice.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("r.navet")))

        let bundle = try cli.navet("--db", "n.db", "init", "--enroll", "up.navet")
        #expect(bundle.code == 4 && bundle.err.contains("up.navet is a bundle (an upload or a reply), not an enrollment file")
                && !bundle.err.contains("not text"), "\(bundle.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("n.db")))
        let databaseToEnroll = try cli.navet("--lang", "sv", "--db", "a.db", "enroll", "central.db")
        #expect(databaseToEnroll.code == 4 && databaseToEnroll.err.contains("är en databasfil"), "\(databaseToEnroll.err)")
        // A file of no known kind is still "not a Navet bundle".
        try Data("hello".utf8).write(to: folder.url.appendingPathComponent("hello.txt"))
        #expect(try cli.navet("--db", "a.db", "import", "hello.txt").err.contains("not a Navet bundle"))

        #expect(try bytes("a.db") == replica && bytes("central.db") == central)
    }

    /// `navetd restore` names a wrong file for what it is, changes nothing, and says when
    /// it put the backup where no store was (a lost disk, or a mistyped --db).
    @Test func restoreNamesAWrongFileAndAMissingStore() throws {
        try socialServicesReplica()
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        #expect(try cli.navetd("--db", "central.db", "backup", "backup.db").code == 0)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("folder"), withIntermediateDirectories: false)
        try Data(repeating: 0x41, count: 4096).write(to: folder.url.appendingPathComponent("noise.bin"))
        let central = try bytes("central.db")
        for (file, words) in [("folder", "is a folder, not a backup"), ("up.navet", "is a bundle (an upload or a reply), not a backup"),
                              ("a.enroll", "is an enrollment file, not a backup"), ("noise.bin", "is not a database file")] {
            let refused = try cli.navetd("--db", "central.db", "restore", file)
            #expect(refused.code != 0 && refused.err.contains(words) && !refused.err.contains("PRAGMA"), "\(file): \(refused.err)")
        }
        let swedish = try cli.navetd("--lang", "sv", "--db", "central.db", "restore", "up.navet")
        #expect(swedish.err.contains("inte en säkerhetskopia"), "\(swedish.err)")
        #expect(try bytes("central.db") == central)

        let fresh = try cli.navetd("--db", "elsewhere.db", "restore", "backup.db")
        #expect(fresh.code == 0 && fresh.out.contains("There was no central store at elsewhere.db"), "\(fresh.out)")
        let json = object(try cli.navetd("--db", "central.db", "--json", "restore", "backup.db"))
        #expect(json["replaced"] as? Bool == true, "\(json)")

        // A backup of another central store is refused where a store is: it would cut off
        // every replica enrolled here.
        #expect(try cli.navetd("--db", "other.db", "init").code == 0)
        #expect(try cli.navetd("--db", "other.db", "backup", "other-backup.db").code == 0)
        let before = try bytes("central.db")
        let foreign = try cli.navetd("--db", "central.db", "restore", "other-backup.db")
        #expect(foreign.code == 4 && foreign.err.contains("is of another central store")
                && foreign.err.contains("move central.db away first"), "\(foreign.err)")
        #expect(try bytes("central.db") == before)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(!names.contains { $0.contains(".restoring-") }, "\(names)")
    }

    /// An enrollment file's address is checked as `--url` and `--server` check theirs: a
    /// port out of range is refused at enrollment, not found at the first sync.
    @Test func anEnrollmentFilesAddressIsCheckedAsTheOptionsAre() throws {
        try socialServicesReplica()
        let text = try String(decoding: bytes("a.enroll"), as: UTF8.self)
        for (name, url) in [("port", "http://127.0.0.1:99999"), ("zero", "http://127.0.0.1:0"), ("host", "http://:80"),
                            ("scheme", "ftp://127.0.0.1:80")] {
            let edited = text.replacingOccurrences(of: "url: http://127.0.0.1:9\n", with: "url: \(url)\n")
            try Data(edited.utf8).write(to: folder.url.appendingPathComponent(name + ".enroll"))
            let refused = try cli.navet("--db", name + ".db", "init", "--enroll", name + ".enroll")
            #expect(refused.code == 4 && refused.err.contains("'url'"), "\(url): \(refused.err)")
            #expect(!FileManager.default.fileExists(atPath: folder.path(name + ".db")))
            #expect(try cli.navet("--db", "a.db", "enroll", "--force", name + ".enroll").code == 4)
        }
        // A version Navet never wrote is named so; a later one asks for an update.
        for (version, words) in [("01", "is not one Navet writes"), ("x", "is not one Navet writes"), ("2", "update Navet")] {
            let edited = text.replacingOccurrences(of: "navet-enrollment: 1\n", with: "navet-enrollment: \(version)\n")
            try Data(edited.utf8).write(to: folder.url.appendingPathComponent("v.enroll"))
            let refused = try cli.navet("--db", "v.db", "init", "--enroll", "v.enroll")
            #expect(refused.code == 4 && refused.err.contains(words), "\(version): \(refused.err)")
        }
        // Restoring the store onto itself names it as the store, not as a file written over.
        let itself = try cli.navetd("--db", "central.db", "restore", "central.db")
        #expect(itself.code == 5 && itself.err.contains("is the central store itself") && !itself.err.contains("--force"),
                "\(itself.err)")
    }

    @Test func oneCharacterFileNamesWork() throws {
        try socialServicesReplica("r")
        #expect(try cli.navet("--db", "r", "child", "add", "--name", "Åsa Öberg").code == 0)
        let exported = try cli.navet("--db", "r", "export", "u")
        #expect(exported.code == 0, "\(exported.err)")
        let imported = try cli.navetd("--db", "central.db", "import", "u", "--reply", "é")
        #expect(imported.code == 0, "\(imported.err)")
        #expect(try cli.navet("--db", "r", "import", "é").code == 0)
        let backup = try cli.navetd("--db", "central.db", "backup", "b")
        #expect(backup.code == 0, "\(backup.err)")
        let folderName = try cli.navet("--db", "r", "export", ".")
        #expect(folderName.code == 5 && folderName.err.contains("is a folder"), "\(folderName.err)")
        let inMissingFolder = try cli.navet("--db", "r", "export", "x/")
        #expect(inMissingFolder.code == 5 && !inMissingFolder.err.contains("crashed"), "\(inMissingFolder.err)")
    }

    /// `PathName.folder(of:)` against coreutils' `dirname`, except a bare name, which
    /// both give as ".".
    @Test func folderOfAPathIsWhatDirnameSays() throws {
        let paths = ["x", ".", "é", "x/", "/", "//", "/x", "a/b", "a//b", "a/b/", "./x", "../x", "/a/b/c", "日本/語", "a b/c d", "..", "x//"]
        for path in paths {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/dirname")
            process.arguments = ["--", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let expected = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .newlines)
            #expect(PathName.folder(of: path) == expected, "\(path)")
        }
    }
}
