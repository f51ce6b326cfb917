import Foundation
import NavetCore
import NavetCrypto
import Testing
@testable import NavetWire

// Every seed of the libFuzzer harnesses Tools/fuzz/bundle and Tools/fuzz/enrollment, and
// every input they once failed on (added to the same corpus folders), replayed under
// `swift test`: decoding and parsing do not crash and keep the harnesses' round-trip
// invariants. Seed names carry an expectation where one is known: `valid-*` must be
// accepted, `bad-*` (enrollment) must be refused, `payload-*` (bundle) are raw payloads
// (`payload-v4-*` in format version 4's columns, the others in version 3's).

/// One file of a fuzz corpus, named for the test report.
struct FuzzCorpusFile: Sendable, CustomTestStringConvertible {
    let harness: String
    let name: String
    var testDescription: String { "\(harness)/\(name)" }

    /// `Tools/fuzz`, found from this file so the tests run from any directory.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools").appendingPathComponent("fuzz")

    static func corpus(_ harness: String) -> [FuzzCorpusFile] {
        let folder = root.appendingPathComponent(harness).appendingPathComponent("corpus")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { FuzzCorpusFile(harness: harness, name: $0) }
    }

    func bytes() throws -> [UInt8] {
        let url = Self.root.appendingPathComponent(harness).appendingPathComponent("corpus").appendingPathComponent(name)
        return [UInt8](try Data(contentsOf: url))
    }
}

@Suite struct FuzzRegressionTests {
    /// The test secret of BUNDLE.md and ENROLLMENT.md: bytes 0x00 … 0x1f.
    static let testSecret: [UInt8] = (0..<32).map { UInt8($0) }

    static let bundleCorpus = FuzzCorpusFile.corpus("bundle")
    static let enrollmentCorpus = FuzzCorpusFile.corpus("enrollment")

    @Test func corporaArePresent() {
        #expect(Self.bundleCorpus.count >= 10)
        #expect(Self.enrollmentCorpus.count >= 10)
    }

    // MARK: - Bundle

    @Test(arguments: bundleCorpus)
    func bundleInput(_ file: FuzzCorpusFile) throws {
        let bytes = try file.bytes()
        // verify must answer for any input and secret, and never for a short secret.
        _ = BundleCodec.verify(bytes, secret: Self.testSecret)
        #expect(!BundleCodec.verify(bytes, secret: []))
        #expect(!BundleCodec.verify(bytes, secret: Array(Self.testSecret.prefix(31))))
        _ = BundleCodec.verify(bytes, secret: bytes)

        if file.name.hasPrefix("access-") {
            // An access section on its own (BUNDLE.md, "Access section"), of the kind it names.
            let kind: NavetWire.Bundle.Kind = file.name.hasPrefix("access-upload") ? .upload : .reply
            let fields = try AccessSection.decode(bytes, from: 0, kind: kind)
            var bundle = NavetWire.Bundle(kind: kind, schemaVersion: 2, sender: ReplicaID(rawValue: 1), recipient: nil,
                                          createdAt: 0, cursor: 0, changes: [])
            bundle.redactionAck = fields.redactionAck
            bundle.policyVersion = fields.policyVersion
            bundle.redactions = fields.redactions
            bundle.refusals = fields.refusals
            bundle.permissions = fields.permissions
            bundle.mayRegister = fields.mayRegister
            bundle.readLog = fields.readLog
            bundle.readLogAck = fields.readLogAck
            bundle.purposeTags = fields.purposeTags
            bundle.checkpoint = fields.checkpoint
            var again = [UInt8]()
            AccessSection.encode(bundle, to: &again)
            #expect(again == bytes, "access section is canonical")
            return
        }
        if file.name.hasPrefix("payload-") {
            // `payload-v4-*` are format version 4's columns, the others version 3's.
            let version: UInt16 = file.name.hasPrefix("payload-v4-") ? 4 : 3
            let changes = try BundlePayload.decode(bytes, limits: BundleCodec.limits, version: version)
            #expect(BundlePayload.encode(changes, limits: BundleCodec.limits, version: version) == bytes, "payload is canonical")
            return
        }

        let signed: SignedBundle
        do {
            signed = try BundleCodec.decode(bytes)
        } catch {
            #expect(!file.name.hasPrefix("valid-"), "valid seed refused: \(error.code)")
            return
        }
        if file.name.hasPrefix("valid-") {
            #expect(BundleCodec.verify(bytes, secret: Self.testSecret))
        }
        // Re-encoded with the decoded signer fields and the test secret, it decodes equal.
        let signature = signed.signature
        let signer = BundleSigner(
            keyID: signature.keyID, secret: Self.testSecret, timestamp: signature.timestamp, nonce: signature.nonce
        )
        let again = BundleCodec.encode(signed.bundle, signer: signer, version: signed.formatVersion)
        let back: SignedBundle = try BundleCodec.decode(again)
        #expect(back.bundle == signed.bundle && back.formatVersion == signed.formatVersion)
        #expect(back.signature.keyID == signature.keyID)
        #expect(back.signature.timestamp == signature.timestamp)
        #expect(back.signature.nonce == signature.nonce)
        #expect(BundleCodec.verify(again, secret: Self.testSecret))
    }

    // MARK: - Enrollment

    @Test(arguments: enrollmentCorpus)
    func enrollmentInput(_ file: FuzzCorpusFile) throws {
        let bytes = try file.bytes()
        let enrollment: Enrollment
        do {
            enrollment = try Enrollment.parse(bytes)
        } catch {
            #expect(!file.name.hasPrefix("valid-"), "valid seed refused: \(error)")
            if bytes.count > Enrollment.maxBytes { #expect(error == .tooLarge) }
            return
        }
        #expect(!file.name.hasPrefix("bad-"), "broken seed accepted")
        #expect(bytes.count <= Enrollment.maxBytes)
        let text = enrollment.serialize()
        let again = try Enrollment.parse(text)
        #expect(again == enrollment)
        #expect(Array(again.url.utf8) == Array(enrollment.url.utf8))
        #expect(Array(again.organisation.utf8) == Array(enrollment.organisation.utf8))
        #expect(again.serialize() == text)
    }

    /// ENROLLMENT.md allows a CR before each LF. "\r\n" is one Character in Swift, so a
    /// parser that splits the text on the Character "\n" refuses such files; the seeds
    /// `valid-crlf-*` (every line, the last line, every other line) must parse exactly
    /// like their LF form.
    @Test(arguments: enrollmentCorpus.filter { $0.name.contains("crlf") })
    func crlfLineEndsAreAccepted(_ file: FuzzCorpusFile) throws {
        let bytes = try file.bytes()
        var lf = [UInt8]()
        for (index, byte) in bytes.enumerated() where !(byte == 0x0D && bytes.dropFirst(index + 1).first == 0x0A) {
            lf.append(byte)
        }
        let expected = try Enrollment.parse(lf)
        #expect(try Enrollment.parse(bytes) == expected)
    }
}
