import Foundation
import NavetCore
import NavetCrypto
import NavetHTTP
import NavetSync
import NavetTestSupport
import Testing
@testable import NavetCommands
@testable import NavetWire

// Bundle format version 3: the access section (Protocol/BUNDLE.md, "Access section").
// Each invalid vector in Protocol/vectors/invalid covers one refusal of the reader; these
// tests cover what vectors cannot: round trips at the limits, random round trips, the
// canonical form under mutation, every byte of a reason code, and how the CLI and the
// server describe a bundle of another format version.

/// Access fields drawn at random for a bundle of `kind`, in canonical order.
enum AccessFixtures {
    typealias F = BundleFixtures

    static func reason<G: RandomNumberGenerator>(using rng: inout G) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789_")
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return ["membership_ended", "consent_ended", "episode_closed", "policy_changed", "access_ended"]
            .randomElement(using: &rng)!
        case 1: return WriteRefusal.allCases.randomElement(using: &rng)!.rawValue
        default:
            let length = [1, 2, 17, 63, 64].randomElement(using: &rng)!
            return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
        }
    }

    static func id<G: RandomNumberGenerator>(using rng: inout G) -> UInt64 {
        [1, UInt64(Int64.max), UInt64.random(in: 1...UInt64(Int64.max), using: &rng), UInt64.random(in: 1...1000, using: &rng)]
            .randomElement(using: &rng)!
    }

    /// Distinct ascending ids, `count` of them.
    static func ascending<G: RandomNumberGenerator>(_ count: Int, using rng: inout G) -> [UInt64] {
        var set = Set<UInt64>()
        while set.count < count { set.insert(id(using: &rng)) }
        return set.sorted()
    }

    static func tags<G: RandomNumberGenerator>(using rng: inout G) -> Set<NavetCore.Tag> {
        Set(NavetCore.Tag.vocabulary.filter { _ in Bool.random(using: &rng) })
    }

    static func randomize<G: RandomNumberGenerator>(_ bundle: inout NavetWire.Bundle, using rng: inout G) {
        switch bundle.kind {
        case .upload:
            bundle.redactionAck = Bool.random(using: &rng) ? 0 : id(using: &rng)
        case .reply:
            bundle.policyVersion = Bool.random(using: &rng) ? 0 : id(using: &rng)
            bundle.redactions = ascending(Int.random(in: 0...3, using: &rng), using: &rng).map { redactionID in
                let refs = Set((0..<Int.random(in: 1...5, using: &rng)).map { _ in
                    ChangeRef(origin: ReplicaID(rawValue: id(using: &rng)), seq: id(using: &rng))
                })
                return Redaction(id: redactionID, child: RecordID(rawValue: id(using: &rng)), reason: reason(using: &rng),
                                 changes: refs.sorted())
            }
            bundle.refusals = ascending(Int.random(in: 0...3, using: &rng), using: &rng).map {
                ChangeRefusal(seq: $0, reason: reason(using: &rng))
            }
            bundle.permissions = Bool.random(using: &rng) ? nil : ascending(Int.random(in: 0...3, using: &rng), using: &rng).map {
                let read = tags(using: &rng)
                return ChildPermission(child: RecordID(rawValue: $0), read: read, write: read.filter { _ in Bool.random(using: &rng) },
                                       roles: Set(HubRole.allCases.filter { _ in Bool.random(using: &rng) }))
            }
            // The grants part, only with permissions.
            if bundle.permissions != nil, Bool.random(using: &rng) {
                bundle.mayRegister = Bool.random(using: &rng)
                for index in bundle.permissions?.indices ?? [].indices where Bool.random(using: &rng) {
                    bundle.permissions?[index].fields = Set(AccessSection.grantableFields
                        .filter { _ in Int.random(in: 0..<4, using: &rng) == 0 }.compactMap { FieldRef($0) })
                    bundle.permissions?[index].episodes = Set(ascending(Int.random(in: 0...2, using: &rng), using: &rng)
                        .map(RecordID.init(rawValue:)))
                    bundle.permissions?[index].isRegistrar = Bool.random(using: &rng)
                    bundle.permissions?[index].mayChangeHub = Bool.random(using: &rng)
                    bundle.permissions?[index].mayRecordConsent = true
                }
            }
        }
    }

    /// Every part populated with numbers at the edges of their ranges, and the directory too.
    static let edges: NavetWire.Bundle = {
        var bundle = BundleVectors.replyWithRedactions
        let top = UInt64(Int64.max)
        bundle.directory = [DirectoryEntry(replica: F.replicaB, organisation: "HVB Solgården", kind: "residential_home")]
        bundle.policyVersion = top
        bundle.redactions = [
            Redaction(id: 1, child: RecordID(rawValue: 1), reason: "a", changes: [
                ChangeRef(origin: ReplicaID(rawValue: 1), seq: 1), ChangeRef(origin: ReplicaID(rawValue: 1), seq: top),
                ChangeRef(origin: ReplicaID(rawValue: top), seq: 1),
            ]),
            Redaction(id: top, child: RecordID(rawValue: top),
                      reason: String(repeating: "abcdefghijklmnopqrstuvwxyz_0123456789", count: 2).prefix(64).description,
                      changes: [ChangeRef(origin: ReplicaID(rawValue: top), seq: top)]),
        ]
        bundle.refusals = [ChangeRefusal(seq: 1, reason: "z"), ChangeRefusal(seq: top, reason: "field_not_readable")]
        let all = Set(NavetCore.Tag.vocabulary)
        bundle.permissions = [
            ChildPermission(child: RecordID(rawValue: 1), read: [], write: [], roles: []),
            ChildPermission(child: RecordID(rawValue: top), read: all, write: all, roles: Set(HubRole.allCases),
                            fields: Set(AccessSection.grantableFields.compactMap { FieldRef($0) }),
                            episodes: [RecordID(rawValue: 1), RecordID(rawValue: top)], isRegistrar: true, mayChangeHub: true,
                            mayRecordConsent: true),
        ]
        bundle.mayRegister = true
        return bundle
    }()
}

@Suite struct BundleV3Tests {
    typealias F = BundleFixtures

    static func roundTrip(_ bundle: NavetWire.Bundle) throws -> NavetWire.Bundle {
        try F.decode(F.encode(bundle)).bundle
    }

    @Test func everyPartAtTheEdgesOfItsRange() throws {
        let bundle = AccessFixtures.edges
        #expect(try Self.roundTrip(bundle) == bundle)
        // Flags: the directory and the access section, in that order in the payload.
        let bytes = F.encode(bundle)
        #expect(bytes[7] == BundleCodec.directoryFlag | BundleCodec.accessFlag)

        var upload = F.upload([F.change()])
        for ack: UInt64 in [1, 2, UInt64(Int64.max)] {
            upload.redactionAck = ack
            #expect(try Self.roundTrip(upload) == upload)
        }
    }

    /// A real limit, not a lowered one: 100,000 redactions in one reply are read.
    @Test func hundredThousandRedactions() throws {
        var bundle = F.reply([])
        bundle.redactions = (1...UInt64(AccessSection.maxRedactions)).map {
            Redaction(id: $0, child: F.child1, reason: "access_ended", changes: [ChangeRef(origin: F.replicaB, seq: $0)])
        }
        #expect(try Self.roundTrip(bundle).redactions == bundle.redactions)
    }

    /// Every count exactly at its limit is read and one more is refused, under limits
    /// lowered so that the test stays quick (the real values' refusals are vectors:
    /// `redactions-too-many`, `redacted-changes-too-many`, `permissions-too-many`).
    @Test func everyCountAtItsLimitAndOneMore() throws {
        let limits = BundleLimits(maxCompressedBytes: 1 << 20, maxUncompressedBytes: 1 << 22, maxChangeCount: 10,
                                  maxTextBytes: 100, maxNameBytes: 100, maxRedactions: 30, maxRedactedChanges: 500,
                                  maxRefusals: 400, maxPermissions: 20)
        func bundle(redactions: Int, redactedChanges: Int, refusals: Int, permissions: Int) -> NavetWire.Bundle {
            var bundle = F.reply([])
            // The first redaction takes what the others (one change each) leave of the total.
            bundle.redactions = (1...redactions).map { id in
                let count = id == 1 ? redactedChanges - (redactions - 1) : 1
                let first = id == 1 ? 1 : UInt64(redactedChanges + id)
                return Redaction(id: UInt64(id), child: F.child1, reason: "access_ended",
                                 changes: (0..<UInt64(count)).map { ChangeRef(origin: F.replicaB, seq: first + $0) })
            }
            bundle.refusals = (1...UInt64(refusals)).map { ChangeRefusal(seq: $0, reason: "not_in_hub") }
            bundle.permissions = (1...UInt64(permissions)).map {
                ChildPermission(child: RecordID(rawValue: $0), read: [.basic], write: [], roles: [])
            }
            return bundle
        }
        let atLimit = bundle(redactions: 30, redactedChanges: 500, refusals: 400, permissions: 20)
        #expect(try BundleCodec.decode(F.encode(atLimit), limits: limits).bundle == atLimit)
        let cases: [(NavetWire.Bundle, String)] = [
            (bundle(redactions: 31, redactedChanges: 500, refusals: 400, permissions: 20), "more than 30 redactions"),
            (bundle(redactions: 30, redactedChanges: 501, refusals: 400, permissions: 20), "more than 500 redacted changes"),
            (bundle(redactions: 1, redactedChanges: 501, refusals: 1, permissions: 1), "more than 500 redacted changes"),
            (bundle(redactions: 30, redactedChanges: 500, refusals: 401, permissions: 20), "more than 400 refusals"),
            (bundle(redactions: 30, redactedChanges: 500, refusals: 400, permissions: 21), "more than 20 permissions"),
        ]
        for (over, reason) in cases {
            #expect(throws: BundleError.tooLarge(reason)) { try BundleCodec.decode(F.encode(over), limits: limits) }
            #expect(try F.decode(F.encode(over)).bundle == over, "within the real limits")
        }
    }

    @Test func seededRandomRoundTrips() throws {
        let seed = F.seed(default: 0x5EED_0003)
        var rng = F.SeededRandom(seed: seed)
        for iteration in 0..<300 {
            var bundle = F.randomBundle(using: &rng)
            AccessFixtures.randomize(&bundle, using: &rng)
            if bundle.kind == .reply, Bool.random(using: &rng) {
                bundle.directory = [DirectoryEntry(replica: F.replicaA, organisation: "Skolan", kind: "school")]
            }
            let bytes = F.encode(bundle)
            let decoded = try F.decode(bytes).bundle
            #expect(decoded == bundle, "seed \(seed), iteration \(iteration)")
            #expect((bytes[7] & BundleCodec.accessFlag != 0) == (AccessSection.parts(of: bundle) != 0),
                    "seed \(seed), iteration \(iteration): the access flag is set exactly when a part is not empty")
            // Canonical: the decoded bundle encodes to exactly the same file.
            #expect(F.encode(decoded) == bytes, "seed \(seed), iteration \(iteration)")
        }
    }

    /// Nothing to say costs nothing: no flag, and the payload of version 2.
    @Test func emptyPartsCostNothing() throws {
        let bundle = BundleVectors.replyWithMerge
        let bytes = F.encode(bundle)
        #expect(bytes[7] & BundleCodec.accessFlag == 0)
        let payloadLength = Int(bytes[68]) << 24 | Int(bytes[69]) << 16 | Int(bytes[70]) << 8 | Int(bytes[71])
        #expect(payloadLength == BundlePayload.encode(bundle.changes, limits: .v1).count)
        // Permissions sent but empty ("nothing of any child") differ from not sent.
        var empty = bundle
        empty.permissions = []
        let decoded = try Self.roundTrip(empty)
        #expect(decoded.permissions == [])
        #expect(try Self.roundTrip(bundle).permissions == nil)
    }

    /// The writer puts every list in its canonical order, so the reader gets it sorted.
    @Test func listsAreWrittenInCanonicalOrder() throws {
        var bundle = F.reply([])
        bundle.redactions = [
            Redaction(id: 9, child: F.child2, reason: "consent_ended", changes: [
                ChangeRef(origin: F.replicaC, seq: 1), ChangeRef(origin: F.replicaB, seq: 8), ChangeRef(origin: F.replicaB, seq: 2),
            ]),
            Redaction(id: 3, child: F.child1, reason: "episode_closed", changes: [ChangeRef(origin: F.replicaB, seq: 1)]),
        ]
        bundle.refusals = [ChangeRefusal(seq: 5, reason: "not_in_hub"), ChangeRefusal(seq: 2, reason: "below_note_floor")]
        bundle.permissions = [
            ChildPermission(child: F.child2, read: [.health], write: [], roles: [.health]),
            ChildPermission(child: F.child1, read: [.basic], write: [.basic], roles: []),
        ]
        let decoded = try Self.roundTrip(bundle)
        #expect(decoded.redactions.map(\.id) == [3, 9])
        #expect(decoded.redactions[1].changes == [
            ChangeRef(origin: F.replicaB, seq: 2), ChangeRef(origin: F.replicaB, seq: 8), ChangeRef(origin: F.replicaC, seq: 1),
        ])
        #expect(decoded.refusals.map(\.seq) == [2, 5])
        #expect(decoded.permissions?.map(\.child) == [F.child1, F.child2])
    }

    /// A reason code keeps any code of [a-z0-9_] (also one this reader does not know) and
    /// refuses every other byte.
    @Test func everyReasonByte() throws {
        var reply = F.reply([])
        for byte in UInt8.min...UInt8.max {
            var section = ByteWriter()
            section.u8(AccessSection.refusalsPart)
            section.varint(1)
            section.u64(7)
            section.varint(3)
            section.append([0x61, byte, 0x61])
            let allowed = (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F
            let result = Result { () throws(BundleError) in
                try AccessSection.decode(section.bytes, from: 0, kind: .reply)
            }
            if allowed {
                let code = String(decoding: [0x61, byte, 0x61], as: UTF8.self)
                #expect(try result.get().refusals == [ChangeRefusal(seq: 7, reason: code)], "byte \(byte)")
                reply.refusals = [ChangeRefusal(seq: 7, reason: code)]
                #expect(try Self.roundTrip(reply).refusals == reply.refusals)
            } else {
                #expect(throws: BundleError.invalidValue("reason code outside [a-z0-9_]"), "byte \(byte)") { try result.get() }
            }
        }
    }

    /// Permission names are the codes: every tag and role is read; anything else, even
    /// the same word in another case or in Swedish, is refused.
    @Test func permissionNamesAreTheKnownCodes() throws {
        func permission(read: [String] = [], roles: [String] = []) -> [UInt8] {
            AccessBytes.parts(AccessBytes.permissionsPart)
                + AccessBytes.permissions([AccessBytes.permission(read: read, write: [], roles: roles)])
        }
        let tags = NavetCore.Tag.vocabulary.map(\.rawValue).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let roles = HubRole.allCases.map(\.rawValue).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let decoded = try AccessSection.decode(permission(read: tags, roles: roles), from: 0, kind: .reply)
        #expect(decoded.permissions?.first?.read == Set(NavetCore.Tag.vocabulary))
        #expect(decoded.permissions?.first?.roles == Set(HubRole.allCases))
        for name in ["Basic", "BASIC", "hälsa", "", "case ", "care"] {
            #expect(throws: BundleError.invalidValue("unknown tag in permissions"), "\(name)") {
                try AccessSection.decode(permission(read: [name]), from: 0, kind: .reply)
            }
        }
        for name in ["god man", "god_man", "Guardian", "socialsekreterare", ""] {
            #expect(throws: BundleError.invalidValue("unknown hub role"), "\(name)") {
                try AccessSection.decode(permission(roles: [name]), from: 0, kind: .reply)
            }
        }
    }

    /// Each part a reply may carry is refused in an upload, and the upload's part in a
    /// reply, before the part is read.
    @Test(arguments: [
        (AccessSection.policyPart, "policy version in an upload"), (AccessSection.redactionsPart, "redactions in an upload"),
        (AccessSection.refusalsPart, "refusals in an upload"), (AccessSection.permissionsPart, "permissions in an upload"),
        (AccessSection.grantsPart, "grants in an upload"),
    ])
    func replyPartsAreRefusedInUploads(_ part: UInt8, _ reason: String) {
        // The part's bytes need not even be there: the kind is checked first.
        #expect(throws: BundleError.invalidValue(reason)) { try AccessSection.decode([part], from: 0, kind: .upload) }
        #expect(throws: BundleError.invalidValue(reason)) {
            try AccessSection.decode([part | AccessSection.ackPart], from: 0, kind: .upload)
        }
        #expect(throws: BundleError.invalidValue("redaction ack in a reply")) {
            try AccessSection.decode([AccessSection.ackPart | part], from: 0, kind: .reply)
        }
    }

    /// Mutated access sections never trap; what is accepted re-encodes to the same bytes.
    @Test func mutatedSectionsNeverCrashAndAcceptedOnesAreCanonical() throws {
        let seed = F.seed(default: 0x5EED_0004)
        var rng = F.SeededRandom(seed: seed)
        var accepted = 0
        for source in [BundleVectors.replyWithRedactions, BundleVectors.replyWithRefusalsAndPermissions, AccessFixtures.edges,
                       BundleVectors.uploadWithRedactionAck] {
            var section = [UInt8]()
            AccessSection.encode(source, to: &section)
            for iteration in 0..<2000 {
                var bytes = section
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let position = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                    case 1: bytes[position] = UInt8.random(in: 0...255, using: &rng)
                    case 2: bytes.remove(at: position)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
                    }
                    if bytes.isEmpty { bytes = [0] }
                }
                do throws(BundleError) {
                    let fields = try AccessSection.decode(bytes, from: 0, kind: source.kind)
                    accepted += 1
                    var bundle = source
                    bundle.redactionAck = fields.redactionAck
                    bundle.policyVersion = fields.policyVersion
                    bundle.redactions = fields.redactions
                    bundle.refusals = fields.refusals
                    bundle.permissions = fields.permissions
                    var again = [UInt8]()
                    AccessSection.encode(bundle, to: &again)
                    #expect(again == bytes, "seed \(seed), iteration \(iteration): accepted a non-canonical section")
                } catch {
                    switch error {
                    case .malformedPayload, .invalidValue, .tooLarge: break
                    default: Issue.record("seed \(seed), iteration \(iteration): unexpected \(error)")
                    }
                }
            }
        }
        #expect(accepted > 0)
    }

    // MARK: - Another format version, as people see it

    @Test func versionMessagesSayWhichSideIsOlder() {
        #expect(BundleError.unsupportedVersion(2).reason
                == "format version 2 is older than this Navet's 3–4: the sender must update Navet")
        #expect(BundleError.unsupportedVersion(5).reason == "format version 5 is newer than this Navet's 3–4: update this Navet")
        #expect(BundleError.unsupportedVersion(2).description.contains("written by an older version of Navet"))
        #expect(BundleError.unsupportedVersion(5).description.contains("Update this Navet"))

        // Over HTTP (HTTP.md): the client derives which side must update from the message.
        #expect(WireStrings.formatRefusal("malformed_request", message: "not a valid bundle: unsupportedVersion")
                == "bundle_format_server_older")
        #expect(WireStrings.formatRefusal("malformed_request",
                                          message: "not a valid bundle: " + BundleError.unsupportedVersion(5).codeAndReason)
                == "bundle_format_server_older")
        #expect(WireStrings.formatRefusal("malformed_request",
                                          message: "not a valid bundle: " + BundleError.unsupportedVersion(2).codeAndReason)
                == "bundle_format_client_older")
        #expect(WireStrings.formatRefusal("malformed_request", message: "not a valid bundle: checksumMismatch") == "malformed_request")
        #expect(WireStrings.formatRefusal("bad_signature", message: "not a valid bundle: unsupportedVersion") == "bad_signature")
        for language in [NavetCommands.Language.english, .swedish] {
            let strings = Strings(language)
            for code in ["bundle_format_server_older", "bundle_format_client_older"] {
                let text = SyncStrings.refusalText(code, strings)
                #expect(text == (language == .swedish ? WireStrings.refusals[code]!.1 : WireStrings.refusals[code]!.0))
            }
        }
    }
}

/// The real binaries given a version 2 file: they say it was written by an older Navet
/// and that the other side must update, in English and Swedish, and change nothing.
@Suite(.serialized) struct BundleFormatVersionCLITests {
    let folder = TemporaryDirectory(prefix: "navet-format")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    func setUp() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "Socialtjänsten Umeå",
                               "--kind", "social_services", "--municipality", "Umeå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "Socialtjänsten Umeå",
                               "--out", "a.enroll", "--url", "http://127.0.0.1:9").code == 0)
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Amina").code == 0)
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
    }

    /// `file` with its format version set to `version` (the reader stops there).
    func rewrite(_ file: String, version: UInt8, to output: String) throws {
        var bytes = try [UInt8](Data(contentsOf: folder.url.appendingPathComponent(file)))
        bytes[4] = 0
        bytes[5] = version
        try Data(bytes).write(to: folder.url.appendingPathComponent(output))
    }

    @Test func aVersionTwoFileNamesTheOlderSide() throws {
        try setUp()
        try rewrite("up.navet", version: 2, to: "old.navet")
        let expected = [
            ("en", "it was written by an older version of Navet (bundle format version 2; this Navet reads format versions 3–4). The other side must update Navet"),
            ("sv", "den är skriven av en äldre version av Navet (överföringsformat version 2; den här versionen av Navet läser överföringsformat version 3–4). Andra sidan måste uppdatera Navet"),
        ]
        for (language, wanted) in expected {
            let server = try cli.navetd("--lang", language, "--db", "central.db", "import", "old.navet", "--reply", "r.navet")
            #expect(server.code == 4, "\(server.err)")
            #expect(server.err.contains(wanted), "\(server.err)")
            let replica = try cli.navet("--lang", language, "--db", "a.db", "import", "old.navet")
            #expect(replica.code == 4, "\(replica.err)")
            #expect(replica.err.contains(wanted), "\(replica.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("r.navet").path))
        // The same file as version 3 is merged: only the version was in the way.
        #expect(try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "r.navet").code == 0)
    }

    /// Over HTTP: a version 2 body is `malformed_request` whose message names the older
    /// side (HTTP.md), and a version 3 body breaking an access rule names that rule; the
    /// server keeps serving and the replica still syncs.
    @Test func theServerNamesTheOlderSideAndTheBrokenRule() throws {
        try setUp()
        let enrollment = try Enrollment.parse(Array(try Data(contentsOf: folder.url.appendingPathComponent("a.enroll"))))
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        func send(_ body: [UInt8]) throws -> (status: Int, reason: String, message: String) {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let headers = RequestSignature.sign(method: "POST", path: "/v1/sync", body: body, replica: enrollment.replicaID,
                                                secret: enrollment.secret, now: now).headers
            let response = try TestHTTP.request("POST", server.url + "/v1/sync", body: body, headers: headers)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            return (response.status, object["reason"] as? String ?? "ok", object["message"] as? String ?? "")
        }
        /// An empty upload signed now with the replica's secret, `section` as its access section.
        func upload(version: UInt16 = BundleCodec.formatVersion, section: [UInt8]? = nil) -> [UInt8] {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let payload = BundlePayload.encode([], limits: .v1) + (section ?? [])
            let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
            let header = BundleCodec.Header(
                version: version, kind: NavetWire.Bundle.Kind.upload.rawValue, flags: section == nil ? 0 : BundleCodec.accessFlag,
                schemaVersion: Schema.current.version, sender: enrollment.replicaID.rawValue,
                recipient: enrollment.serverID.rawValue, createdAt: now, cursor: 0, newCursor: 0, ack: 0, epoch: 0,
                uncompressedLength: UInt32(payload.count), compressedLength: UInt32(compressed.count))
            return BundleCodec.frame(header: header, compressedPayload: compressed,
                                     signer: .fresh(keyID: enrollment.replicaID, secret: enrollment.secret, now: now))
        }
        let old = try send(upload(version: 2))
        #expect(old.status == 400 && old.reason == "malformed_request", "\(old)")
        #expect(old.message == "not a valid bundle: unsupportedVersion (format version 2 is older than this Navet's 3–4: the sender must update Navet)")
        #expect(WireStrings.formatRefusal(old.reason, message: old.message) == "bundle_format_client_older")
        // Version 3, a replica not yet updated: still read and answered (BUNDLE.md, "Changes from version 3").
        let three = try send(upload(version: 3))
        #expect(three.status == 200, "\(three)")
        let newer = try send(upload(version: 5))
        #expect(newer.message == "not a valid bundle: unsupportedVersion (format version 5 is newer than this Navet's 3–4: update this Navet)")
        #expect(WireStrings.formatRefusal(newer.reason, message: newer.message) == "bundle_format_server_older")
        let redaction = try send(upload(section: AccessBytes.parts(AccessBytes.redactionsPart)
                                        + AccessBytes.redactions([AccessBytes.redaction()])))
        #expect(redaction.status == 400 && redaction.message == "not a valid bundle: invalidValue (redactions in an upload)",
                "\(redaction)")
        // An upload acknowledging a redaction is a valid upload.
        let acknowledged = try send(upload(section: AccessBytes.parts(AccessBytes.ackPart) + AccessBytes.u64(1)))
        #expect(acknowledged.status == 200, "\(acknowledged)")
        let synced = try cli.navet("--db", "a.db", "sync", "--server", server.url)
        #expect(synced.code == 0, "\(synced.err)")
    }
}
