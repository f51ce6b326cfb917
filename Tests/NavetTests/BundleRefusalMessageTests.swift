import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetTestSupport
import Testing

/// A refused bundle file is explained in the reader's language with one piece of advice
/// (`Context.describe(_: BundleError)`): every kind of refusal, through the real `navetd
/// import` (the reader runs before anything about the sender is looked up; `navet import`
/// says the same through the same function).
/// The malformed-content refusals name the broken rule as a technical detail (a fixed
/// English phrase, Protocol/BUNDLE.md), labelled as such in both languages.
@Suite struct BundleRefusalMessageTests {
    let folder = TemporaryDirectory(prefix: "navet-refusal")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// One invalid vector per `BundleError` case the reader names beyond checksum, size,
    /// version and magic (which have their own tests), including version 4's new rules.
    static let vectors = [
        "flags-bit-4", "signature-length-0", "signature-length-63", "trailing-garbage", "not-zlib",
        "inflates-longer", "cursor-top-bit", "tag-written-out-where-predicted",
        "value-kind-written-out-where-predicted", "text-length-below-0",
    ]

    /// English sentences of `BundleError.description`, which must not reach a person.
    static let englishSentences = ["Ask the sender", "The bundle's", "The bundle file", "This bundle", "Copy or download"]
    /// Its advice, in the words of the reader's own English messages.
    static let englishAdvice = ["copy it again", "write it again", "update Navet"]

    @Test(arguments: BundleRefusalMessageTests.vectors)
    func aRefusedFileIsExplainedInSwedishWithOneAdvice(_ vector: String) throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        let source = BundleVectorTests.folder.appendingPathComponent("invalid").appendingPathComponent(vector + ".navb")
        try FileManager.default.copyItem(at: source, to: folder.url.appendingPathComponent("in.navb"))

        let before = try SQLite3Tool.run(folder.path("central.db"), ".dump")
        let swedish = try cli.navetd("--lang", "sv", "--db", "central.db", "import", "in.navb", "--reply", "out.navb")
        #expect(swedish.code == 4, "\(vector): \(swedish.err)")
        for phrase in Self.englishSentences + Self.englishAdvice {
            #expect(!swedish.err.contains(phrase), "\(vector): \(swedish.err)")
        }
        let english = try cli.navetd("--db", "central.db", "import", "in.navb", "--reply", "out.navb")
        #expect(english.code == 4, "\(vector): \(english.err)")
        // One piece of advice: either copy the file again or have it written again.
        #expect(!(english.err.contains("copy it again") && english.err.contains("write it again")), "\(vector): \(english.err)")
        for phrase in Self.englishSentences {
            #expect(!english.err.contains(phrase), "\(vector): \(english.err)")
        }
        #expect(try SQLite3Tool.run(folder.path("central.db"), ".dump") == before, "\(vector) changed the store")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.navb")), "\(vector): a reply was written")
        if vector.contains("predicted") || vector.contains("below-0") || vector.hasPrefix("cursor") {
            #expect(swedish.err.contains("teknisk uppgift"), "\(vector): \(swedish.err)")
            #expect(english.err.contains("technical detail"), "\(vector): \(english.err)")
        }
    }

    /// `navet sync`, `export` and `import` of one file never run at once: while another
    /// holds the file's lock (here the test), each is refused at once, changing nothing.
    @Test func aSecondSyncExportOrImportOfOneFileIsRefusedWhileOneRuns() throws {
        #expect(try cli.navet("--db", "r.db", "init").code == 0)
        #expect(try cli.navet("--db", "r.db", "child", "add", "--name", "Amina Rahimi").code == 0)
        FileManager.default.createFile(atPath: folder.path("reply.navb"), contents: Data([0x4E, 0x41, 0x56, 0x42]))
        let before = try SQLite3Tool.run(folder.path("r.db"), ".dump")
        let descriptor = open(folder.path("r.db"), O_RDONLY)
        #expect(descriptor >= 0 && flock(descriptor, LOCK_EX) == 0)
        for arguments in [["sync", "--server", "http://127.0.0.1:9"], ["export", "out.navb"], ["import", "reply.navb"]] {
            let swedish = try cli.run("navet", ["--lang", "sv", "--db", "r.db"] + arguments)
            #expect(swedish.code == 5 && swedish.err.contains("pågår"), "\(arguments): \(swedish.err)")
            let english = try cli.run("navet", ["--db", "r.db"] + arguments)
            #expect(english.code == 5 && english.err.contains("is running"), "\(arguments): \(english.err)")
        }
        close(descriptor)
        #expect(try SQLite3Tool.run(folder.path("r.db"), ".dump") == before)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.navb")))
        // Once the lock is released, the export goes on to its own checks (this file is
        // not enrolled).
        let after = try cli.navet("--db", "r.db", "export", "out.navb")
        #expect(after.code != 5 && !after.err.contains("is running"), "\(after.err)")
    }
}
