import Foundation
import NavetCore
import NavetCrypto
import Testing
@testable import NavetWire

// `Bundle` and `Tag` are written with their module: Foundation has a `Bundle` and
// Testing a `Tag`.

// MARK: - Fixtures shared with BundleVectorTests

/// Fixed ids, builders and a seeded generator for bundle tests. A namespace with a
/// distinctive name so it cannot collide with helpers in other test files.
enum BundleFixtures {
    static let replicaA = ReplicaID(rawValue: 0x0a11_ce00_0000_0001)
    static let replicaB = ReplicaID(rawValue: 0x0b0b_0000_0000_0002)
    static let replicaC = ReplicaID(rawValue: 0x0c0c_0000_0000_0003)
    static let server = ReplicaID(rawValue: 0x5e4e_e400_0000_0001)
    static let child1 = RecordID(rawValue: 0x0c41_1d00_0000_0001)
    static let child2 = RecordID(rawValue: 0x0c41_1d00_0000_0002)
    static let note1 = RecordID(rawValue: 0x0a07_e000_0000_0001)
    /// 2026-01-01T00:00:00Z in milliseconds.
    static let epoch: Int64 = 1_767_225_600_000
    /// A server epoch (the random id of a central store's database lifetime).
    static let serverEpoch: UInt64 = 0x3a7f_19c2_8e05_d4b6

    // MARK: Signing

    /// The test secret of BUNDLE.md, "Test vectors": bytes 0x00 … 0x1f.
    static let testSecret: [UInt8] = Array(0..<32)
    /// The fixed nonce of the vectors: bytes 0xf0 … 0xff. Never reuse a nonce for real.
    static let testNonce: [UInt8] = Array(0xF0...0xFF)
    /// The fixed signing time of the vectors: 2026-01-01T01:00:00Z.
    static let testTimestamp: Int64 = 1_767_229_200_000

    /// The key that signs `bundle` by the rule of BUNDLE.md: an upload's sender, a reply's
    /// recipient (the sender when a test reply has none).
    static func keyID(for bundle: NavetWire.Bundle) -> ReplicaID {
        bundle.kind == .upload ? bundle.sender : bundle.recipient ?? bundle.sender
    }

    /// A fixed-time, fixed-nonce signer with the test secret and the right key for `bundle`.
    static func signer(
        for bundle: NavetWire.Bundle, secret: [UInt8] = testSecret, timestamp: Int64 = testTimestamp,
        nonce: [UInt8] = testNonce
    ) -> BundleSigner {
        BundleSigner(keyID: keyID(for: bundle), secret: secret, timestamp: timestamp, nonce: nonce)
    }

    /// Encodes with `signer(for:)`.
    static func encode(_ bundle: NavetWire.Bundle) -> [UInt8] {
        BundleCodec.encode(bundle, signer: signer(for: bundle))
    }

    /// `BundleCodec.decode`, with the signed result named.
    static func decode(_ bytes: [UInt8]) throws(BundleError) -> SignedBundle {
        try BundleCodec.decode(bytes)
    }

    /// Appends a signature section with any key id (even an invalid one, which
    /// `BundleSigner` refuses) and a MAC over everything before it.
    static func sign(_ prefix: [UInt8], keyID: UInt64, secret: [UInt8] = testSecret,
                     timestamp: Int64 = testTimestamp, nonce: [UInt8] = testNonce) -> [UInt8] {
        var out = ByteWriter()
        out.append(prefix)
        out.u16(64)
        out.u64(keyID)
        out.u64(UInt64(bitPattern: timestamp))
        out.append(nonce)
        out.append(HMACSHA256.authenticate(message: out.bytes, key: secret))
        return out.bytes
    }

    /// `bundle` laid out in format version 1 (68-byte header, no epoch, empty signature
    /// slot), byte for byte as a version 1 writer made it.
    static func versionOneFile(_ bundle: NavetWire.Bundle) -> [UInt8] {
        let payload = BundlePayload.encode(bundle.changes, limits: .v1)
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        var out = ByteWriter()
        out.append(BundleCodec.magic)
        out.u16(1)
        out.u8(bundle.kind.rawValue)
        out.u8(0)
        out.u32(bundle.schemaVersion)
        out.u64(bundle.sender.rawValue)
        out.u64(bundle.recipient?.rawValue ?? 0)
        out.u64(UInt64(bitPattern: bundle.createdAt))
        out.u64(bundle.cursor)
        out.u64(bundle.newCursor)
        out.u64(bundle.ack)
        out.u32(UInt32(payload.count))
        out.u32(UInt32(compressed.count))
        out.append(compressed)
        out.append(SHA256.hash(out.bytes))
        out.u16(0)
        return out.bytes
    }

    static func change(
        _ origin: ReplicaID = replicaA, seq: UInt64 = 1, version: UInt64 = 1, replaces: [Stamp] = [],
        wallTime: Int64 = epoch, type: String = "child", record: RecordID = child1,
        field: String = "name", value: FieldValue = .text("Åsa"), tag: NavetCore.Tag = .basic
    ) -> Change {
        Change(
            origin: origin, seq: seq, version: version, replaces: replaces, wallTime: wallTime,
            recordType: type, recordID: record, field: field, value: value, tag: tag
        )
    }

    static func upload(
        _ changes: [Change], sender: ReplicaID = replicaA, recipient: ReplicaID? = server, epoch seen: UInt64 = 0
    ) -> NavetWire.Bundle {
        NavetWire.Bundle(
            kind: .upload, schemaVersion: 1, sender: sender, recipient: recipient,
            createdAt: epoch + 3_600_000, cursor: 17, epoch: seen, changes: changes
        )
    }

    static func reply(_ changes: [Change], to recipient: ReplicaID = replicaA) -> NavetWire.Bundle {
        NavetWire.Bundle(
            kind: .reply, schemaVersion: 1, sender: server, recipient: recipient,
            createdAt: epoch + 7_200_000, cursor: 17, newCursor: 17 + UInt64(changes.count), ack: 42,
            changes: changes
        )
    }

    /// SplitMix64: small, fast, and the same sequence on every platform, so a printed
    /// seed replays a failure exactly.
    struct SeededRandom: RandomNumberGenerator {
        private var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// The seed for randomized tests: `NAVET_SEED` when set (to replay), otherwise fixed.
    static func seed(default value: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment["NAVET_SEED"].flatMap { UInt64($0) } ?? value
    }

    // MARK: Random bundles

    private static let textPieces = [
        "", "Åsa", "Östersund", "ärende", "å ä ö Å Ä Ö", "dari, pashto", "UM-2025-123456",
        "2009-03-14", "e\u{301}", "é", "👩🏽‍⚕️", "\u{0}", "line\nbreak", "\"quoted\"", "ليلى", "Zoë",
    ]
    private static let names = ["child", "note", "a", "", "ärende", "name", "birth_date", "x\u{301}", "z"]

    static func randomText<G: RandomNumberGenerator>(using rng: inout G) -> String {
        (0..<Int.random(in: 0...4, using: &rng)).map { _ in textPieces.randomElement(using: &rng)! }.joined()
    }

    static func randomValue<G: RandomNumberGenerator>(using rng: inout G) -> FieldValue {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int([Int64.min, Int64.max, 0, -1, 1].randomElement(using: &rng)!)
        case 3: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng))
        default: return .text(randomText(using: &rng))
        }
    }

    /// A sequence number or version (1 ..< 2^63) that is often small, sometimes extreme:
    /// deltas then cover both the common case and wrap-around.
    static func randomUInt64<G: RandomNumberGenerator>(using rng: inout G) -> UInt64 {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return UInt64.random(in: 1...3, using: &rng)
        case 1: return UInt64.random(in: 1...1000, using: &rng)
        case 2: return [UInt64(Int64.max), UInt64(Int64.max) - 1, 1 << 62].randomElement(using: &rng)!
        default: return UInt64.random(in: 1...UInt64(Int64.max), using: &rng)
        }
    }

    /// A version: 1 ..< 2^62, often small, sometimes at the top.
    static func randomVersion<G: RandomNumberGenerator>(using rng: inout G) -> UInt64 {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return UInt64.random(in: 1...1000, using: &rng)
        case 1: return [(1 << 62) - 1, (1 << 62) - 2].randomElement(using: &rng)!
        default: return UInt64.random(in: 1..<(1 << 62), using: &rng)
        }
    }

    /// A cursor, ack or epoch: 0 ..< 2^63.
    static func randomCounter<G: RandomNumberGenerator>(using rng: inout G) -> UInt64 {
        Bool.random(using: &rng) ? 0 : randomUInt64(using: &rng)
    }

    static func randomBundle<G: RandomNumberGenerator>(using rng: inout G) -> NavetWire.Bundle {
        let origins = (0..<Int.random(in: 1...4, using: &rng)).map { _ in ReplicaID.random(using: &rng) }
        let records = (0..<Int.random(in: 1...6, using: &rng)).map { _ in RecordID.random(using: &rng) }
        let changeCount = [0, 1, 2, 5, 20, 60].randomElement(using: &rng)!
        var changes = [Change]()
        for _ in 0..<changeCount {
            let replaces = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Stamp(version: randomVersion(using: &rng), origin: origins.randomElement(using: &rng)!)
            }
            changes.append(Change(
                origin: origins.randomElement(using: &rng)!, seq: randomUInt64(using: &rng),
                version: randomVersion(using: &rng), replaces: replaces,
                wallTime: Bool.random(using: &rng)
                    ? epoch + Int64.random(in: -10_000...10_000, using: &rng)
                    : Int64(bitPattern: rng.next()),
                recordType: names.randomElement(using: &rng)!, recordID: records.randomElement(using: &rng)!,
                field: names.randomElement(using: &rng)!, value: randomValue(using: &rng),
                tag: NavetCore.Tag.vocabulary.randomElement(using: &rng)!
            ))
        }
        let kind: NavetWire.Bundle.Kind = Bool.random(using: &rng) ? .upload : .reply
        return NavetWire.Bundle(
            kind: kind, schemaVersion: UInt32.random(in: 0...UInt32.max, using: &rng),
            sender: ReplicaID.random(using: &rng), recipient: Bool.random(using: &rng) ? nil : ReplicaID.random(using: &rng),
            createdAt: Int64(bitPattern: rng.next()), cursor: randomCounter(using: &rng),
            newCursor: randomCounter(using: &rng), ack: randomCounter(using: &rng),
            epoch: randomCounter(using: &rng), more: kind == .reply && Bool.random(using: &rng),
            changes: changes
        )
    }

    // MARK: Benchmark workload

    enum WorkloadValues: String, CaseIterable, Sendable {
        /// Random lowercase letters, digits and spaces: close to incompressible text.
        case random
        /// Names, places, dates, codes and Swedish phrases drawn from small vocabularies.
        case realistic
    }

    /// 1,000 changes from `originCount` origins to random cells of 50 records × 20 fields,
    /// with versions and `replaces` kept consistent per cell, wall times 0–5 s apart, every
    /// value a text of about 20 bytes (16–24).
    static func workload(values: WorkloadValues, originCount: Int, seed: UInt64) -> NavetWire.Bundle {
        var rng = SeededRandom(seed: seed)
        let origins = (0..<originCount).map { _ in ReplicaID.random(using: &rng) }
        let records = (0..<50).map { _ in RecordID.random(using: &rng) }
        let fields = [
            "name", "birth_date", "dossier_number", "languages", "arrival_date", "arrival_municipality",
            "assigned_municipality", "asylum_status", "search_description", "guardian", "school",
            "health_contact", "phone", "address", "legal_counsel", "interpreter", "contact_person",
            "housing", "allergies", "religion",
        ]
        let tags = fields.indices.map { NavetCore.Tag.vocabulary[$0 % NavetCore.Tag.vocabulary.count] }
        var heads = [Int: Stamp]()
        var nextSeq = [UInt64](repeating: 1, count: originCount)
        var clock = epoch
        var changes = [Change]()
        for _ in 0..<1000 {
            let record = Int.random(in: 0..<records.count, using: &rng)
            let field = Int.random(in: 0..<fields.count, using: &rng)
            let origin = Int.random(in: 0..<originCount, using: &rng)
            let cell = record * fields.count + field
            let previous = heads[cell]
            let version = (previous?.version ?? 0) + 1
            clock += Int64.random(in: 0...5000, using: &rng)
            let text = values == .random ? randomWorkloadText(using: &rng) : realisticText(field: field, using: &rng)
            let change = Change(
                origin: origins[origin], seq: nextSeq[origin], version: version,
                replaces: previous.map { [$0] } ?? [], wallTime: clock, recordType: "child",
                recordID: records[record], field: fields[field], value: .text(text), tag: tags[field]
            )
            nextSeq[origin] += 1
            heads[cell] = change.stamp
            changes.append(change)
        }
        return NavetWire.Bundle(
            kind: .reply, schemaVersion: 1, sender: server, recipient: origins[0], createdAt: clock,
            cursor: 1000, newCursor: 2000, ack: nextSeq[0] - 1, epoch: serverEpoch, more: true, changes: changes
        )
    }

    private static func randomWorkloadText<G: RandomNumberGenerator>(using rng: inout G) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 ")
        return String((0..<Int.random(in: 16...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }

    private static let givenNames = ["Amina", "Yusuf", "Ahmad", "Fatima", "Omid", "Zahra", "Samir", "Leyla", "Hamid", "Nour"]
    private static let familyNames = ["Ahmadi", "Hosseini", "Mohammadi", "Rahimi", "Karimi", "Haidari", "Nazari", "Sultani"]
    private static let places = [
        "Göteborg", "Malmö", "Östersund", "Umeå", "Jönköping", "Västerås", "Örebro", "Linköping", "Härnösand",
    ]
    private static let phrases = [
        "Bor i familjehem", "Går i förberedelseklass", "Behöver tolk (dari)", "Saknad sedan måndag",
        "Väntar på beslut", "Träffat god man", "Kontakt med BUP", "Ny skola från hösten",
    ]

    /// About 20 bytes of text shaped like the field it fills.
    private static func realisticText<G: RandomNumberGenerator>(field: Int, using rng: inout G) -> String {
        func pick(_ list: [String]) -> String { list.randomElement(using: &rng)! }
        switch field % 5 {
        case 0: return "\(pick(givenNames)) \(pick(givenNames)) \(pick(familyNames))"
        case 1:
            return "20\(Int.random(in: 10...25, using: &rng))-"
                + String(format: "%02d-%02d", Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
                + " \(pick(places))"
        case 2: return "UM-20\(Int.random(in: 15...25, using: &rng))-\(Int.random(in: 100_000...999_999, using: &rng))-\(Int.random(in: 1...9, using: &rng))"
        case 3: return "\(pick(places)) kommun, \(pick(places))"
        default: return pick(phrases)
        }
    }
}

/// A bundle with a name, so parameterized tests say which case failed.
struct NamedBundle: Sendable, CustomTestStringConvertible {
    let name: String
    let bundle: NavetWire.Bundle
    var testDescription: String { name }
}

// MARK: - Tests

@Suite struct BundleCodecTests {
    typealias F = BundleFixtures

    static let roundTripCases: [NamedBundle] = [
        NamedBundle(name: "empty upload without recipient", bundle: F.upload([], recipient: nil)),
        NamedBundle(name: "empty reply", bundle: F.reply([])),
        NamedBundle(name: "Swedish text", bundle: F.upload([
            F.change(value: .text("Åsa Öberg-Ärlig, född i Västerås")),
            F.change(seq: 2, field: "arrival_municipality", value: .text("Malmö kommun – Jönköping"), tag: .care),
        ])),
        NamedBundle(name: "every value kind", bundle: F.upload([
            F.change(seq: 1, field: "a", value: .null),
            F.change(seq: 2, field: "b", value: .text("")),
            F.change(seq: 3, field: "c", value: .int(Int64.min)),
            F.change(seq: 4, field: "d", value: .int(Int64.max)),
            F.change(seq: 5, field: "e", value: .int(0)),
            F.change(seq: 6, field: "f", value: .int(-1)),
            F.change(seq: 7, field: "g", value: .bool(true)),
            F.change(seq: 8, field: "h", value: .bool(false)),
            F.change(seq: 9, field: "i", value: .text("👩🏽‍⚕️ e\u{301} \u{0} \n")),
        ])),
        NamedBundle(name: "several origins and multiple replaces", bundle: F.reply([
            F.change(F.replicaA, seq: 1, version: 1, wallTime: F.epoch),
            F.change(F.replicaB, seq: 1, version: 1, wallTime: F.epoch - 50),
            F.change(F.replicaC, seq: 7, version: 2, replaces: [
                Stamp(version: 1, origin: F.replicaA), Stamp(version: 1, origin: F.replicaB),
            ], wallTime: F.epoch + 1000, value: .text("Åsa Ö")),
            F.change(F.replicaA, seq: 2, version: 1, type: "note", record: F.note1, field: "text",
                     value: .text("Samtal med god man om skolgång."), tag: .care),
            F.change(F.replicaB, seq: 2, version: 5, replaces: [
                Stamp(version: 4, origin: F.replicaC), Stamp(version: 2, origin: F.replicaC),
                Stamp(version: 1, origin: F.replicaA),
            ], record: F.child2, field: "protected_identity", value: .bool(true), tag: .protected),
        ])),
        // Every number at the edge of its range: the same bundle as the `extremes` vector.
        NamedBundle(name: "extreme numbers", bundle: BundleVectors.extremes),
    ]

    @Test(arguments: roundTripCases)
    func roundTrip(_ named: NamedBundle) throws {
        let bytes = F.encode(named.bundle)
        let signed = try F.decode(bytes)
        let decoded = signed.bundle
        #expect(decoded == named.bundle)
        #expect(signed.signature.keyID == F.keyID(for: named.bundle))
        #expect(signed.signature.timestamp == F.testTimestamp)
        #expect(signed.signature.nonce == F.testNonce)
        #expect(signed.signature.mac == Array(bytes.suffix(32)))
        #expect(BundleCodec.verify(bytes, secret: F.testSecret))
        // String == is canonical equivalence; check the bytes of every text too.
        for (got, want) in zip(decoded.changes, named.bundle.changes) {
            #expect(Array(got.recordType.utf8) == Array(want.recordType.utf8))
            #expect(Array(got.field.utf8) == Array(want.field.utf8))
            if case .text(let a) = got.value, case .text(let b) = want.value {
                #expect(Array(a.utf8) == Array(b.utf8))
            }
        }
    }

    /// The offsets of BUNDLE.md's tables, checked on real output.
    @Test func layout() throws {
        var bundle = F.reply([])
        bundle.epoch = 0x0102_0304_0506_0708
        bundle.more = true
        let bytes = F.encode(bundle)
        #expect(Array(bytes[0..<4]) == Array("NAVB".utf8))
        #expect(bytes[4] == 0 && bytes[5] == 4)
        #expect(bytes[6] == 2, "kind: reply")
        #expect(bytes[7] == 1, "flags: more")
        #expect(Array(bytes[60..<68]) == [1, 2, 3, 4, 5, 6, 7, 8], "epoch")
        let uncompressed = Int(bytes[68]) << 24 | Int(bytes[69]) << 16 | Int(bytes[70]) << 8 | Int(bytes[71])
        let c = Int(bytes[72]) << 24 | Int(bytes[73]) << 16 | Int(bytes[74]) << 8 | Int(bytes[75])
        #expect(uncompressed == 6)
        #expect(bytes.count == 174 + c)
        #expect(Array(bytes[(76 + c)..<(108 + c)]) == SHA256.hash(bytes[0..<(76 + c)]), "checksum")
        #expect(Array(bytes[(108 + c)..<(110 + c)]) == [0, 64], "signature length")
        #expect(Array(bytes[(110 + c)..<(118 + c)]) == [0x0a, 0x11, 0xce, 0, 0, 0, 0, 1], "key id: the recipient")
        #expect(Array(bytes[(118 + c)..<(126 + c)]) == [0, 0, 0x01, 0x9b, 0x77, 0x11, 0x96, 0x80], "timestamp")
        #expect(Array(bytes[(126 + c)..<(142 + c)]) == F.testNonce)
        #expect(Array(bytes[(142 + c)...]) == HMACSHA256.authenticate(message: bytes[0..<(142 + c)], key: F.testSecret))

        let upload = F.encode(F.upload([], recipient: nil))
        #expect(upload[7] == 0)
        #expect(Array(upload[20..<28]) == [UInt8](repeating: 0, count: 8), "no recipient is written as 0")
        #expect(Array(upload[60..<68]) == [UInt8](repeating: 0, count: 8), "no epoch seen is written as 0")
    }

    /// Canonical normalisation: forms that Swift's String == treats as equal must still
    /// travel as the bytes the author wrote, including as table keys.
    @Test func canonicallyEquivalentNamesStayDistinct() throws {
        let bundle = F.upload([
            F.change(seq: 1, field: "e\u{301}", value: .text("é")),
            F.change(seq: 2, field: "é", value: .text("e\u{301}")),
        ])
        let decoded = try F.decode(F.encode(bundle)).bundle
        #expect(decoded.changes.map { Array($0.field.utf8) } == bundle.changes.map { Array($0.field.utf8) })
    }

    @Test func seededRandomRoundTrips() throws {
        let seed = F.seed(default: 0x5EED_0001)
        var rng = F.SeededRandom(seed: seed)
        for iteration in 0..<200 {
            let bundle = F.randomBundle(using: &rng)
            var secret = [UInt8](repeating: 0, count: 32)
            for index in secret.indices { secret[index] = UInt8.random(in: 0...255, using: &rng) }
            let signer = BundleSigner(
                keyID: ReplicaID.random(using: &rng), secret: secret, timestamp: Int64(bitPattern: rng.next()),
                nonce: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
            )
            let bytes = BundleCodec.encode(bundle, signer: signer)
            let signed = try F.decode(bytes)
            let decoded = signed.bundle
            #expect(decoded == bundle, "seed \(seed) (NAVET_SEED=\(seed)), iteration \(iteration)")
            #expect(signed.signature.keyID == signer.keyID && signed.signature.timestamp == signer.timestamp
                    && signed.signature.nonce == signer.nonce, "seed \(seed), iteration \(iteration)")
            #expect(BundleCodec.verify(bytes, secret: secret), "seed \(seed), iteration \(iteration)")
            #expect(!BundleCodec.verify(bytes, secret: F.testSecret), "seed \(seed), iteration \(iteration)")
            // Canonical: the payload of what was decoded is byte for byte the one written.
            #expect(
                BundlePayload.encode(decoded.changes, limits: .v1) == BundlePayload.encode(bundle.changes, limits: .v1),
                "seed \(seed), iteration \(iteration)"
            )
        }
    }

    // MARK: Damage is refused

    static var damageSubject: [UInt8] {
        F.encode(BundleCodecTests.roundTripCases[4].bundle)
    }

    @Test func everyTruncationIsRefused() {
        let bytes = Self.damageSubject
        for length in 0..<bytes.count {
            #expect(throws: BundleError.self, "prefix of \(length) bytes") {
                try F.decode(Array(bytes[0..<length]))
            }
        }
    }

    @Test func truncationErrorsNameTheCause() {
        let bytes = Self.damageSubject
        let n = bytes.count
        // In the header, at the end of the payload, in the checksum, in the signature length,
        // right after it, and in the signature section.
        let expectTruncated = [0, 1, 3, 4, 5, 6, 40, 75, 76, 77, n - 98, n - 97, n - 66, n - 65, n - 64, n - 33, n - 1]
        for length in expectTruncated {
            #expect(throws: BundleError.truncated, "prefix of \(length) bytes") {
                try F.decode(Array(bytes[0..<length]))
            }
        }
    }

    /// Every single-bit change anywhere in the file is caught: by `decode` up to and
    /// including the signature length, by `verify` in the signature section (which the
    /// checksum does not cover).
    @Test func everyBitFlipIsRefusedByDecodeOrVerify() throws {
        let bytes = Self.damageSubject
        let signatureStart = bytes.count - 64
        for position in bytes.indices {
            for bit in 0..<8 {
                var damaged = bytes
                damaged[position] ^= 1 << UInt8(bit)
                let label = "flip of bit \(bit) at byte \(position)"
                if position < signatureStart {
                    #expect(throws: BundleError.self, "\(label)") { try F.decode(damaged) }
                } else if position == signatureStart, bit == 7 {
                    // The key id's top bit: an id outside 1 ..< 2^63.
                    #expect(throws: BundleError.invalidValue("key id outside 1 ..< 2^63")) { try F.decode(damaged) }
                } else {
                    // Structure and checksum are intact, so decode accepts; only the MAC tells.
                    #expect(throws: Never.self, "\(label)") { try F.decode(damaged) }
                }
                #expect(!BundleCodec.verify(damaged, secret: F.testSecret), "\(label)")
            }
        }
        #expect(BundleCodec.verify(bytes, secret: F.testSecret))
    }

    @Test func flipsInEachRegionGiveTheExpectedError() {
        let bytes = Self.damageSubject
        func flipped(_ position: Int, _ mask: UInt8 = 1) -> [UInt8] {
            var copy = bytes
            copy[position] ^= mask
            return copy
        }
        let n = bytes.count
        #expect(throws: BundleError.badMagic) { try F.decode(flipped(0)) }
        #expect(throws: BundleError.unsupportedVersion(5)) { try F.decode(flipped(5)) }
        #expect(throws: BundleError.badFlags(0x10)) { try F.decode(flipped(7, 0x10)) }
        #expect(throws: BundleError.checksumMismatch) { try F.decode(flipped(13)) }
        #expect(throws: BundleError.checksumMismatch) { try F.decode(flipped(63)) }  // epoch
        #expect(throws: BundleError.checksumMismatch) { try F.decode(flipped(80)) }  // payload
        #expect(throws: BundleError.checksumMismatch) { try F.decode(flipped(n - 67)) }  // checksum
        #expect(throws: BundleError.badSignatureLength(320)) { try F.decode(flipped(n - 66)) }
        #expect(throws: BundleError.badSignatureLength(65)) { try F.decode(flipped(n - 65)) }
        #expect(throws: BundleError.trailingBytes) { try F.decode(bytes + [0]) }
    }

    @Test func signatureIsCheckedByTheReceiverNotTheDecoder() throws {
        let bundle = F.upload([F.change()])
        let bytes = F.encode(bundle)
        #expect(BundleCodec.verify(bytes, secret: F.testSecret))
        var otherSecret = F.testSecret
        otherSecret[31] ^= 1
        #expect(!BundleCodec.verify(bytes, secret: otherSecret))
        #expect(!BundleCodec.verify(bytes, secret: Array(F.testSecret.prefix(31))), "a short secret never verifies")
        #expect(!BundleCodec.verify(bytes, secret: []), "a missing secret never verifies")
        #expect(!BundleCodec.verify(Array(bytes.prefix(173)), secret: F.testSecret))
        #expect(!BundleCodec.verify([], secret: F.testSecret))
        // Signed with another key: a structurally valid bundle whose MAC is wrong for the test key.
        let forged = BundleCodec.encode(bundle, signer: F.signer(for: bundle, secret: otherSecret))
        #expect(try F.decode(forged).bundle == bundle)
        #expect(!BundleCodec.verify(forged, secret: F.testSecret))
        #expect(BundleCodec.verify(forged, secret: otherSecret))
    }

    @Test func versionOneIsRefused() {
        let bundle = F.upload([F.change()])
        #expect(throws: BundleError.unsupportedVersion(1)) { try F.decode(F.versionOneFile(bundle)) }
        #expect(throws: BundleError.unsupportedVersion(1)) { try F.decode(Array(F.versionOneFile(bundle).prefix(6))) }
    }

    @Test(arguments: [0, 1, 32, 63, 65, 128, Int(UInt16.max)])
    func signatureLengthOtherThan64IsRefused(_ length: Int) {
        let bundle = F.upload([F.change()])
        let good = F.encode(bundle)
        var file = Array(good.dropLast(66))
        file += [UInt8(length >> 8), UInt8(length & 0xFF)] + [UInt8](repeating: 0xA5, count: length)
        #expect(throws: BundleError.badSignatureLength(UInt16(length))) { try F.decode(file) }
        // Also when the declared section is missing from the file: the length is refused first.
        #expect(throws: BundleError.badSignatureLength(UInt16(length))) { try F.decode(Array(file.prefix(good.count - 64))) }
    }

    @Test func moreIsForRepliesOnly() throws {
        var reply = F.reply([F.change()])
        reply.more = true
        #expect(try F.decode(F.encode(reply)).bundle.more)
        reply.more = false
        #expect(try !F.decode(F.encode(reply)).bundle.more)

        let upload = F.upload([F.change()])
        let payload = BundlePayload.encode(upload.changes, limits: .v1)
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        var header = Self.header(for: upload, uncompressed: payload.count, compressed: compressed.count)
        header.flags = 1
        let file = BundleCodec.frame(header: header, compressedPayload: compressed, signer: F.signer(for: upload))
        #expect(throws: BundleError.invalidValue("more flag set in an upload")) { try F.decode(file) }
        // Bits 1 and 2 are the directory flags (DirectoryTests), 3 the access section
        // (BundleV3Tests); 4 to 7 stay reserved.
        for flags: UInt8 in [0x10, 0x20, 0x80, 0xFF] {
            header.flags = flags
            let file = BundleCodec.frame(header: header, compressedPayload: compressed, signer: F.signer(for: upload))
            #expect(throws: BundleError.badFlags(flags)) { try F.decode(file) }
        }
    }

    @Test(arguments: [0, 1, 0x3a7f_19c2_8e05_d4b6, UInt64(Int64.max)])
    func epochRoundTrips(_ epoch: UInt64) throws {
        for var bundle in [F.upload([F.change()]), F.reply([F.change()])] {
            bundle.epoch = epoch
            #expect(try F.decode(F.encode(bundle)).bundle == bundle)
        }
    }

    /// Cursor, new cursor, ack and epoch are SQLite integers at both ends: the reader
    /// refuses the top bit in each (the value 2^63 once crashed `navetd`).
    @Test(arguments: [UInt64(Int64.max) + 1, UInt64.max])
    func countersWithTheTopBitAreRefused(_ value: UInt64) throws {
        let bundle = F.upload([F.change()])
        let payload = BundlePayload.encode(bundle.changes, limits: .v1)
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        let edits: [(String, (inout BundleCodec.Header) -> Void)] = [
            ("cursor", { $0.cursor = value }), ("new cursor", { $0.newCursor = value }),
            ("ack", { $0.ack = value }), ("epoch", { $0.epoch = value }),
        ]
        for (name, edit) in edits {
            var header = Self.header(for: bundle, uncompressed: payload.count, compressed: compressed.count)
            edit(&header)
            let file = BundleCodec.frame(header: header, compressedPayload: compressed, signer: F.signer(for: bundle))
            #expect(throws: BundleError.invalidValue("\(name) outside 0 ..< 2^63")) { try F.decode(file) }
        }
    }

    @Test func keyIDMustBeAnID() throws {
        let bundle = F.upload([F.change()])
        let unsigned = Array(F.encode(bundle).dropLast(66))
        #expect(throws: Never.self) { try F.decode(F.sign(unsigned, keyID: 1)) }
        #expect(throws: Never.self) { try F.decode(F.sign(unsigned, keyID: UInt64(Int64.max))) }
        #expect(throws: BundleError.invalidValue("key id outside 1 ..< 2^63")) { try F.decode(F.sign(unsigned, keyID: 0)) }
        #expect(throws: BundleError.invalidValue("key id outside 1 ..< 2^63")) { try F.decode(F.sign(unsigned, keyID: 1 << 63)) }
        // The hand-made section is byte for byte what the encoder writes.
        #expect(F.sign(unsigned, keyID: F.replicaA.rawValue) == F.encode(bundle))
    }

    @Test func freshSignersDrawNewNoncesAndHideTheSecret() {
        let a = BundleSigner.fresh(keyID: F.replicaA, secret: F.testSecret, now: 42)
        let b = BundleSigner.fresh(keyID: F.replicaA, secret: F.testSecret, now: 42)
        #expect(a.nonce.count == 16 && b.nonce.count == 16)
        #expect(a.nonce != b.nonce)
        #expect(a.timestamp == 42 && a.keyID == F.replicaA)
        for text in ["\(a)", String(reflecting: a)] {
            #expect(!text.contains(Hex.encode(F.testSecret)) && !text.contains("0, 1, 2, 3"), "\(text)")
        }
        let bundle = F.upload([F.change()])
        #expect(BundleCodec.verify(BundleCodec.encode(bundle, signer: a), secret: F.testSecret))
    }

    /// The checksum hides the payload parser from random damage, so damage the payload
    /// *behind* a valid checksum: the parser must never crash, and whatever it accepts
    /// must re-encode to exactly the bytes it was given (the payload is canonical).
    @Test func mutatedPayloadsNeverCrashAndAcceptedOnesAreCanonical() throws {
        let seed = F.seed(default: 0xBADB17E5)
        var rng = F.SeededRandom(seed: seed)
        var accepted = 0
        for iteration in 0..<1500 {
            let original = F.randomBundle(using: &rng)
            var payload = BundlePayload.encode(original.changes, limits: .v1)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let position = Int.random(in: 0..<payload.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: payload[position] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                case 1: payload[position] = UInt8.random(in: 0...255, using: &rng)
                case 2: payload.insert(UInt8.random(in: 0...255, using: &rng), at: position)
                default: if payload.count > 1 { payload.remove(at: position) }
                }
            }
            let file = BundleCodecTests.frame(payload, like: original)
            do throws(BundleError) {
                let decoded = try F.decode(file).bundle
                accepted += 1
                #expect(
                    BundlePayload.encode(decoded.changes, limits: .v1) == payload,
                    "seed \(seed), iteration \(iteration): accepted a non-canonical payload"
                )
            } catch {
                switch error {
                case .malformedPayload, .invalidValue, .tooLarge: break
                default: Issue.record("seed \(seed), iteration \(iteration): unexpected \(error)")
                }
            }
        }
        // Some mutations (e.g. of a text byte into another ASCII byte) are valid bundles.
        #expect(accepted > 0)
    }

    // MARK: Payload structure

    /// Wraps a hand-made payload in a valid frame with a matching checksum and MAC.
    static func frame(_ payload: [UInt8], like bundle: NavetWire.Bundle = BundleFixtures.upload([])) -> [UInt8] {
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        return BundleCodec.frame(header: header(for: bundle, uncompressed: payload.count, compressed: compressed.count),
                                 compressedPayload: compressed, signer: F.signer(for: bundle))
    }

    /// The header `encode` would write for `bundle` (no directory, no access section), with the given lengths.
    static func header(for bundle: NavetWire.Bundle, uncompressed: Int, compressed: Int) -> BundleCodec.Header {
        BundleCodec.Header(
            version: BundleCodec.formatVersion, kind: bundle.kind.rawValue, flags: bundle.more ? 1 : 0, schemaVersion: bundle.schemaVersion,
            sender: bundle.sender.rawValue, recipient: bundle.recipient?.rawValue ?? 0,
            createdAt: bundle.createdAt, cursor: bundle.cursor, newCursor: bundle.newCursor, ack: bundle.ack,
            epoch: bundle.epoch,
            uncompressedLength: UInt32(truncatingIfNeeded: uncompressed), compressedLength: UInt32(truncatingIfNeeded: compressed)
        )
    }

    @Test(arguments: BundlePayloadCase.all)
    func handMadePayloads(_ test: BundlePayloadCase) {
        #expect(throws: test.error) { try BundlePayload.decode(test.payload, limits: test.limits) }
        #expect(throws: test.error) { try BundleCodec.decode(Self.frame(test.payload), limits: test.limits) }
    }

    @Test func handMadeBaselineIsValid() throws {
        let decoded = try BundlePayload.decode(BundlePayloadCase.payload(), limits: .v1)
        #expect(decoded == [F.change(ReplicaID(rawValue: 0xA1), record: RecordID(rawValue: 0xB1))])
        #expect(BundlePayloadCase.payload() == BundlePayload.encode(decoded, limits: .v1))
    }

    @Test func varintEdges() throws {
        for value: UInt64 in [0, 1, 127, 128, 16_383, 16_384, UInt64(Int64.max), UInt64.max] {
            var writer = ByteWriter()
            writer.varint(value)
            var reader = ByteReader(writer.bytes)
            #expect(try reader.varint() == value)
            #expect(reader.isAtEnd)
        }
        for value: Int64 in [0, -1, 1, Int64.min, Int64.max] {
            #expect(Zigzag.decode(Zigzag.encode(value)) == value)
        }
        let refused: [[UInt8]] = [
            [0x80, 0x00],  // non-minimal zero
            [0xFF, 0x80, 0x00],  // non-minimal
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02],  // overflow
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00],  // too long
        ]
        for bytes in refused {
            var reader = ByteReader(bytes)
            #expect(throws: ByteReaderFailure.badVarint) { try reader.varint() }
        }
        var short = ByteReader([0x80])
        #expect(throws: ByteReaderFailure.endOfInput) { try short.varint() }
    }

    // MARK: Frame limits

    @Test func declaredLengthsAreCheckedBeforeAllocating() {
        let payload = BundlePayloadCase.payload()
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        func file(uncompressed: Int, compressed c: Int) -> [UInt8] {
            BundleCodec.frame(
                header: Self.header(for: F.upload([]), uncompressed: uncompressed, compressed: c),
                compressedPayload: compressed, signer: F.signer(for: F.upload([]))
            )
        }
        #expect(throws: BundleError.tooLarge("payload above the limit")) {
            try F.decode(file(uncompressed: (256 << 20) + 1, compressed: compressed.count))
        }
        #expect(throws: BundleError.tooLarge("compressed payload above the limit")) {
            try F.decode(file(uncompressed: payload.count, compressed: (256 << 20) + 1))
        }
        #expect(throws: BundleError.lengthMismatch) {
            try F.decode(file(uncompressed: compressed.count * 1032 + 1, compressed: compressed.count))
        }
        #expect(throws: BundleError.lengthMismatch) {
            try F.decode(file(uncompressed: payload.count - 1, compressed: compressed.count))
        }
        #expect(throws: BundleError.lengthMismatch) {
            try F.decode(file(uncompressed: payload.count + 1, compressed: compressed.count))
        }
        #expect(throws: Never.self) {
            try F.decode(file(uncompressed: payload.count, compressed: compressed.count))
        }
    }

    @Test func zlibDamageBehindAValidChecksum() {
        let payload = BundlePayloadCase.payload()
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        func file(_ stream: [UInt8]) -> [UInt8] {
            BundleCodec.frame(
                header: Self.header(for: F.upload([]), uncompressed: payload.count, compressed: stream.count),
                compressedPayload: stream, signer: F.signer(for: F.upload([]))
            )
        }
        var badAdler = compressed
        badAdler[badAdler.count - 1] ^= 0xFF
        #expect(throws: BundleError.decompressionFailed) { try F.decode(file(badAdler)) }
        #expect(throws: BundleError.decompressionFailed) { try F.decode(file(Array(compressed.dropLast(4)))) }
        #expect(throws: BundleError.decompressionFailed) { try F.decode(file(compressed + [0])) }
        #expect(throws: BundleError.decompressionFailed) { try F.decode(file(payload)) }
        #expect(throws: BundleError.lengthMismatch) { try F.decode(file([])) }
    }

    // MARK: Compactness

    /// Prints the bytes-per-change figures quoted in BUNDLE.md and holds the format to the
    /// 24-byte target on both workloads, including the worst case (random text).
    @Test(arguments: BundleFixtures.WorkloadValues.allCases)
    func compactness(_ values: BundleFixtures.WorkloadValues) throws {
        for origins in [1, 3] {
            let bundle = F.workload(values: values, originCount: origins, seed: 0xC0FFEE)
            let payload = BundlePayload.encode(bundle.changes, limits: .v1)
            var report = "\(values.rawValue) values, \(origins) origin(s), payload \(payload.count) B:"
            // Version 3 as it was written (default strategy), then version 4 with each strategy.
            let variants: [(UInt16, Zlib.Strategy, Int32, Bool)] = [
                (3, .default, 6, false), (3, .default, 6, true), (3, .default, 9, true),
                (4, .default, 6, true), (4, .filtered, 6, false), (4, .filtered, 6, true), (4, .filtered, 9, true),
            ]
            for (version, strategy, level, hints) in variants {
                let file = BundleCodec.encode(bundle, signer: F.signer(for: bundle), level: level, blockHints: hints,
                                              strategy: strategy, version: version)
                #expect(try F.decode(file).bundle == bundle)
                let perChange = Double(file.count) / Double(bundle.changes.count)
                report += " v\(version) \(strategy) level \(level)\(hints ? "" : " one block") \(file.count) B = \(String(format: "%.2f", perChange)) B/change;"
            }
            print("[bundle compactness] \(report)")
            let shipped = F.encode(bundle)
            #expect(Double(shipped.count) / Double(bundle.changes.count) <= 24, "\(report)")
        }
    }
}

/// A hand-made payload and the error it must produce.
struct BundlePayloadCase: Sendable, CustomTestStringConvertible {
    let name: String
    let payload: [UInt8]
    let error: BundleError
    var limits: BundleLimits = .v1
    var testDescription: String { name }

    /// A one-change payload, written field by field so each case can break exactly one thing.
    static func payload(
        count: UInt64 = 1, origins: [UInt64] = [0xA1], records: [UInt64] = [0xB1],
        types: [[UInt8]] = [Array("child".utf8)], fields: [[UInt8]] = [Array("name".utf8)],
        tags: [[UInt8]] = [Array("basic".utf8)], originIndex: UInt64 = 0, recordIndex: UInt64 = 0,
        kind: UInt8 = 1, text: [UInt8] = Array("Åsa".utf8), textLength: UInt64? = nil,
        rawOriginIndex: [UInt8]? = nil, seqDelta: Int64 = 0, version: UInt64 = 1,
        replacedVersionDelta: Int64? = nil, extra: [UInt8] = [],
        tagValue: UInt64 = 0, rawWallTime: [UInt8]? = nil, rawKind: UInt8? = nil, textLengthValue: Int64? = nil
    ) -> [UInt8] {
        // Version 4's columns (BUNDLE.md, "Payload"): for one change, the tag and the value
        // kind are predicted (tag index 0, kind text) and written as 0; another kind is
        // written as kind + 1; the text length is a zigzag delta from 0.
        var w = ByteWriter()
        w.varint(count)
        w.varint(origins.count)
        for id in origins { w.u64(id) }
        w.varint(records.count)
        for id in records { w.u64(id) }
        for table in [types, fields, tags] {
            w.varint(table.count)
            for name in table {
                w.varint(name.count)
                w.append(name)
            }
        }
        if let rawOriginIndex { w.append(rawOriginIndex) } else { w.varint(originIndex) }
        w.zigzag(seqDelta)  // seq 1 by default
        w.varint(version)
        if let rawWallTime { w.append(rawWallTime) } else { w.zigzag(BundleFixtures.epoch) }  // wall time, delta from 0
        w.varint(UInt64(0))  // type
        w.varint(recordIndex)
        w.varint(UInt64(0))  // field
        w.varint(tagValue)  // 0: the predicted tag, index 0
        if let replacedVersionDelta {
            w.varint(UInt64(1))  // one replaced stamp
            w.varint(UInt64(0))  // its origin: the first
            w.zigzag(replacedVersionDelta)  // version − replaced − 1
        } else {
            w.varint(UInt64(0))  // no replaces
        }
        w.u8(rawKind ?? (kind == 1 ? 0 : kind &+ 1))
        if kind == 1 {
            w.zigzag(textLengthValue ?? Int64(textLength ?? UInt64(text.count)))
            w.append(text)
        }
        w.append(extra)
        return w.bytes
    }

    static let all: [BundlePayloadCase] = [
        BundlePayloadCase(name: "seq 0", payload: payload(seqDelta: -1),
                          error: .invalidValue("sequence number outside 1 ..< 2^63")),
        BundlePayloadCase(name: "seq 2^63", payload: payload(seqDelta: Int64.max),
                          error: .invalidValue("sequence number outside 1 ..< 2^63")),
        BundlePayloadCase(name: "seq 2^64 - 1", payload: payload(seqDelta: -2),
                          error: .invalidValue("sequence number outside 1 ..< 2^63")),
        BundlePayloadCase(name: "version 0", payload: payload(version: 0),
                          error: .invalidValue("version outside 1 ..< 2^62")),
        BundlePayloadCase(name: "version 2^62", payload: payload(version: 1 << 62),
                          error: .invalidValue("version outside 1 ..< 2^62")),
        BundlePayloadCase(name: "version 2^63", payload: payload(version: 1 << 63),
                          error: .invalidValue("version outside 1 ..< 2^62")),
        BundlePayloadCase(name: "version 2^64 - 1", payload: payload(version: UInt64.max),
                          error: .invalidValue("version outside 1 ..< 2^62")),
        BundlePayloadCase(name: "replaced version 0", payload: payload(replacedVersionDelta: 0),
                          error: .invalidValue("replaced version outside 1 ..< 2^62")),
        BundlePayloadCase(name: "replaced version 2^63", payload: payload(replacedVersionDelta: Int64.min),
                          error: .invalidValue("replaced version outside 1 ..< 2^62")),
        BundlePayloadCase(name: "empty payload", payload: [], error: .malformedPayload("payload ends before its last column")),
        BundlePayloadCase(name: "cut short", payload: Array(payload().dropLast()),
                    error: .malformedPayload("payload ends before its last column")),
        BundlePayloadCase(name: "bytes after the last column", payload: payload(extra: [0]),
                    error: .malformedPayload("bytes after the last column")),
        BundlePayloadCase(name: "origin index out of range", payload: payload(originIndex: 1),
                    error: .malformedPayload("table index out of range")),
        BundlePayloadCase(name: "non-minimal varint index", payload: payload(rawOriginIndex: [0x80, 0x00]),
                    error: .malformedPayload("invalid varint")),
        BundlePayloadCase(name: "unsorted id table", payload: payload(records: [0xB2, 0xB1]),
                    error: .malformedPayload("table entries not in strictly ascending order")),
        BundlePayloadCase(name: "duplicate id", payload: payload(records: [0xB1, 0xB1]),
                    error: .malformedPayload("table entries not in strictly ascending order")),
        BundlePayloadCase(name: "duplicate name", payload: payload(fields: [Array("name".utf8), Array("name".utf8)]),
                    error: .malformedPayload("table entries not in strictly ascending order")),
        BundlePayloadCase(name: "unreferenced record", payload: payload(records: [0xB1, 0xB2]),
                    error: .malformedPayload("table entry not used by any change")),
        BundlePayloadCase(name: "change count beyond payload", payload: payload(count: 1000),
                    error: .malformedPayload("count larger than the payload can hold")),
        BundlePayloadCase(name: "huge table count", payload: [0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
                    error: .malformedPayload("count larger than the payload can hold")),
        BundlePayloadCase(name: "too many changes", payload: payload(count: 1_000_001),
                    error: .tooLarge("more than 1000000 changes")),
        BundlePayloadCase(name: "change limit lowered", payload: payload(), error: .tooLarge("more than 0 changes"),
                    limits: BundleLimits(maxCompressedBytes: 1 << 20, maxUncompressedBytes: 1 << 20,
                                         maxChangeCount: 0, maxTextBytes: 10, maxNameBytes: 10)),
        BundlePayloadCase(name: "text longer than the limit", payload: payload(textLength: (1 << 20) + 1),
                    error: .tooLarge("text value longer than 1048576 bytes")),
        BundlePayloadCase(name: "text length beyond payload", payload: payload(textLength: 1000),
                    error: .malformedPayload("payload ends before its last column")),
        BundlePayloadCase(name: "name longer than 255 bytes", payload: payload(fields: [[UInt8](repeating: 0x61, count: 256)]),
                    error: .tooLarge("name longer than 255 bytes")),
        BundlePayloadCase(name: "unknown tag", payload: payload(tags: [Array("secret".utf8)]), error: .invalidValue("unknown tag")),
        BundlePayloadCase(name: "invalid UTF-8 text", payload: payload(text: [0x41, 0xC3]),
                    error: .invalidValue("text is not valid UTF-8")),
        BundlePayloadCase(name: "UTF-8 surrogate in text", payload: payload(text: [0xED, 0xA0, 0x80]),
                    error: .invalidValue("text is not valid UTF-8")),
        BundlePayloadCase(name: "overlong UTF-8 in name", payload: payload(types: [[0xC0, 0xAF]]),
                    error: .invalidValue("name is not valid UTF-8")),
        BundlePayloadCase(name: "zero record id", payload: payload(records: [0]), error: .invalidValue("id outside 1 ..< 2^63")),
        BundlePayloadCase(name: "origin id with top bit", payload: payload(origins: [1 << 63]),
                    error: .invalidValue("id outside 1 ..< 2^63")),
        BundlePayloadCase(name: "unknown value kind", payload: payload(kind: 5), error: .invalidValue("unknown value kind")),
        // Version 4's predicted columns.
        BundlePayloadCase(name: "tag written out where predicted", payload: payload(tagValue: 1),
                          error: .malformedPayload("tag written out where it is predicted")),
        BundlePayloadCase(name: "tag index out of range", payload: payload(tagValue: 2),
                          error: .malformedPayload("table index out of range")),
        BundlePayloadCase(name: "predicted tag outside an empty table", payload: payload(tags: []),
                          error: .malformedPayload("table index out of range")),
        BundlePayloadCase(name: "value kind written out where predicted", payload: payload(rawKind: 2),
                          error: .malformedPayload("value kind written out where it is predicted")),
        BundlePayloadCase(name: "written value kind unknown", payload: payload(rawKind: 0xFF),
                          error: .invalidValue("unknown value kind")),
        BundlePayloadCase(name: "text length below 0", payload: payload(textLengthValue: -1),
                          error: .malformedPayload("text length below 0")),
        BundlePayloadCase(name: "text length delta overflows", payload: payload(textLengthValue: Int64.max),
                          error: .tooLarge("text value longer than 1048576 bytes")),
        BundlePayloadCase(name: "non-minimal wall time in its planes", payload: payload(rawWallTime: [0x80, 0x00]),
                          error: .malformedPayload("invalid varint")),
        BundlePayloadCase(name: "wall time planes longer than 10 bytes",
                          payload: payload(rawWallTime: [UInt8](repeating: 0xFF, count: 9) + [0x02]),
                          error: .malformedPayload("invalid varint")),
        BundlePayloadCase(name: "wall time planes cut short", payload: Array(payload(rawWallTime: [0x80]).prefix(42)),
                          error: .malformedPayload("payload ends before its last column")),
    ]
}
