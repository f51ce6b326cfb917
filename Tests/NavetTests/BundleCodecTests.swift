import Foundation
import NavetCore
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

    static func upload(_ changes: [Change], sender: ReplicaID = replicaA, recipient: ReplicaID? = server) -> NavetWire.Bundle {
        NavetWire.Bundle(
            kind: .upload, schemaVersion: 1, sender: sender, recipient: recipient,
            createdAt: epoch + 3_600_000, cursor: 17, changes: changes
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

    /// A 64-bit value that is often small, sometimes extreme: deltas then cover both the
    /// common case and wrap-around.
    static func randomUInt64<G: RandomNumberGenerator>(using rng: inout G) -> UInt64 {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return UInt64.random(in: 0...3, using: &rng)
        case 1: return UInt64.random(in: 0...1000, using: &rng)
        case 2: return [UInt64.max, UInt64.max - 1, UInt64(Int64.max)].randomElement(using: &rng)!
        default: return rng.next()
        }
    }

    static func randomBundle<G: RandomNumberGenerator>(using rng: inout G) -> NavetWire.Bundle {
        let origins = (0..<Int.random(in: 1...4, using: &rng)).map { _ in ReplicaID.random(using: &rng) }
        let records = (0..<Int.random(in: 1...6, using: &rng)).map { _ in RecordID.random(using: &rng) }
        let changeCount = [0, 1, 2, 5, 20, 60].randomElement(using: &rng)!
        var changes = [Change]()
        for _ in 0..<changeCount {
            let replaces = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Stamp(version: randomUInt64(using: &rng), origin: origins.randomElement(using: &rng)!)
            }
            changes.append(Change(
                origin: origins.randomElement(using: &rng)!, seq: randomUInt64(using: &rng),
                version: randomUInt64(using: &rng), replaces: replaces,
                wallTime: Bool.random(using: &rng)
                    ? epoch + Int64.random(in: -10_000...10_000, using: &rng)
                    : Int64(bitPattern: rng.next()),
                recordType: names.randomElement(using: &rng)!, recordID: records.randomElement(using: &rng)!,
                field: names.randomElement(using: &rng)!, value: randomValue(using: &rng),
                tag: NavetCore.Tag.vocabulary.randomElement(using: &rng)!
            ))
        }
        return NavetWire.Bundle(
            kind: Bool.random(using: &rng) ? .upload : .reply, schemaVersion: UInt32.random(in: 0...UInt32.max, using: &rng),
            sender: ReplicaID.random(using: &rng), recipient: Bool.random(using: &rng) ? nil : ReplicaID.random(using: &rng),
            createdAt: Int64(bitPattern: rng.next()), cursor: randomUInt64(using: &rng),
            newCursor: randomUInt64(using: &rng), ack: randomUInt64(using: &rng), changes: changes
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
            cursor: 1000, newCursor: 2000, ack: nextSeq[0] - 1, changes: changes
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
        NamedBundle(name: "extreme numbers", bundle: NavetWire.Bundle(
            kind: .reply, schemaVersion: UInt32.max, sender: ReplicaID(rawValue: UInt64(Int64.max)),
            recipient: ReplicaID(rawValue: 1), createdAt: Int64.min, cursor: UInt64.max,
            newCursor: UInt64.max, ack: UInt64.max, changes: [
                F.change(ReplicaID(rawValue: 1), seq: UInt64.max, version: UInt64.max,
                         replaces: [Stamp(version: 0, origin: ReplicaID(rawValue: UInt64(Int64.max)))],
                         wallTime: Int64.max, record: RecordID(rawValue: UInt64(Int64.max))),
                F.change(ReplicaID(rawValue: 1), seq: 0, version: 0,
                         replaces: [Stamp(version: UInt64.max, origin: ReplicaID(rawValue: 1))],
                         wallTime: Int64.min, record: RecordID(rawValue: 1)),
            ]
        )),
    ]

    @Test(arguments: roundTripCases)
    func roundTrip(_ named: NamedBundle) throws {
        let bytes = BundleCodec.encode(named.bundle)
        let decoded = try BundleCodec.decode(bytes)
        #expect(decoded == named.bundle)
        // String == is canonical equivalence; check the bytes of every text too.
        for (got, want) in zip(decoded.changes, named.bundle.changes) {
            #expect(Array(got.recordType.utf8) == Array(want.recordType.utf8))
            #expect(Array(got.field.utf8) == Array(want.field.utf8))
            if case .text(let a) = got.value, case .text(let b) = want.value {
                #expect(Array(a.utf8) == Array(b.utf8))
            }
        }
    }

    @Test func emptyBundleLayout() throws {
        let bytes = BundleCodec.encode(F.upload([], recipient: nil))
        #expect(Array(bytes[0..<4]) == Array("NAVB".utf8))
        #expect(bytes[4] == 0 && bytes[5] == 1)
        #expect(bytes[7] == 0)
        let compressed = Int(bytes[64]) << 24 | Int(bytes[65]) << 16 | Int(bytes[66]) << 8 | Int(bytes[67])
        #expect(bytes.count == 68 + compressed + 32 + 2)
        #expect(Array(bytes[20..<28]) == [UInt8](repeating: 0, count: 8), "no recipient is written as 0")
        #expect(Array(bytes.suffix(2)) == [0, 0], "v1 has an empty signature section")
    }

    /// Canonical normalisation: forms that Swift's String == treats as equal must still
    /// travel as the bytes the author wrote, including as table keys.
    @Test func canonicallyEquivalentNamesStayDistinct() throws {
        let bundle = F.upload([
            F.change(seq: 1, field: "e\u{301}", value: .text("é")),
            F.change(seq: 2, field: "é", value: .text("e\u{301}")),
        ])
        let decoded = try BundleCodec.decode(BundleCodec.encode(bundle))
        #expect(decoded.changes.map { Array($0.field.utf8) } == bundle.changes.map { Array($0.field.utf8) })
    }

    @Test func seededRandomRoundTrips() throws {
        let seed = F.seed(default: 0x5EED_0001)
        var rng = F.SeededRandom(seed: seed)
        for iteration in 0..<200 {
            let bundle = F.randomBundle(using: &rng)
            let bytes = BundleCodec.encode(bundle)
            let decoded = try BundleCodec.decode(bytes)
            #expect(decoded == bundle, "seed \(seed) (NAVET_SEED=\(seed)), iteration \(iteration)")
            // Canonical: the payload of what was decoded is byte for byte the one written.
            #expect(
                BundlePayload.encode(decoded.changes, limits: .v1) == BundlePayload.encode(bundle.changes, limits: .v1),
                "seed \(seed), iteration \(iteration)"
            )
        }
    }

    // MARK: Damage is refused

    static var damageSubject: [UInt8] {
        BundleCodec.encode(BundleCodecTests.roundTripCases[4].bundle)
    }

    @Test func everyTruncationIsRefused() {
        let bytes = Self.damageSubject
        for length in 0..<bytes.count {
            #expect(throws: BundleError.self, "prefix of \(length) bytes") {
                try BundleCodec.decode(Array(bytes[0..<length]))
            }
        }
    }

    @Test func truncationErrorsNameTheCause() {
        let bytes = Self.damageSubject
        let expectTruncated = [0, 1, 3, 4, 5, 6, 40, 67, 68, 69, bytes.count - 34, bytes.count - 2, bytes.count - 1]
        for length in expectTruncated {
            #expect(throws: BundleError.truncated, "prefix of \(length) bytes") {
                try BundleCodec.decode(Array(bytes[0..<length]))
            }
        }
    }

    @Test func randomBitFlipsAreRefused() {
        let bytes = Self.damageSubject
        let seed = F.seed(default: 0xF11B)
        var rng = F.SeededRandom(seed: seed)
        var positions = Array(0..<bytes.count)  // every byte once …
        positions += (0..<300).map { _ in Int.random(in: 0..<bytes.count, using: &rng) }  // … and 300 random
        for position in positions {
            var damaged = bytes
            damaged[position] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            #expect(throws: BundleError.self, "seed \(seed), flip at byte \(position)") {
                try BundleCodec.decode(damaged)
            }
        }
    }

    @Test func flipsInEachRegionGiveTheExpectedError() {
        let bytes = Self.damageSubject
        func flipped(_ position: Int, _ mask: UInt8 = 1) -> [UInt8] {
            var copy = bytes
            copy[position] ^= mask
            return copy
        }
        #expect(throws: BundleError.badMagic) { try BundleCodec.decode(flipped(0)) }
        #expect(throws: BundleError.unsupportedVersion(0)) { try BundleCodec.decode(flipped(5)) }
        #expect(throws: BundleError.badFlags(1)) { try BundleCodec.decode(flipped(7)) }
        #expect(throws: BundleError.checksumMismatch) { try BundleCodec.decode(flipped(13)) }
        #expect(throws: BundleError.checksumMismatch) { try BundleCodec.decode(flipped(70)) }
        #expect(throws: BundleError.checksumMismatch) { try BundleCodec.decode(flipped(bytes.count - 3)) }
        #expect(throws: BundleError.unexpectedSignature) { try BundleCodec.decode(flipped(bytes.count - 1)) }
        #expect(throws: BundleError.trailingBytes) { try BundleCodec.decode(bytes + [0]) }
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
                let decoded = try BundleCodec.decode(file)
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

    /// Wraps a hand-made payload in a valid frame with a matching checksum.
    static func frame(_ payload: [UInt8], like bundle: NavetWire.Bundle = BundleFixtures.upload([])) -> [UInt8] {
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        return BundleCodec.frame(header: header(for: bundle, uncompressed: payload.count, compressed: compressed.count),
                                 compressedPayload: compressed)
    }

    static func header(for bundle: NavetWire.Bundle, uncompressed: Int, compressed: Int) -> BundleCodec.Header {
        BundleCodec.Header(
            version: 1, kind: bundle.kind.rawValue, flags: 0, schemaVersion: bundle.schemaVersion,
            sender: bundle.sender.rawValue, recipient: bundle.recipient?.rawValue ?? 0,
            createdAt: bundle.createdAt, cursor: bundle.cursor, newCursor: bundle.newCursor, ack: bundle.ack,
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
                compressedPayload: compressed
            )
        }
        #expect(throws: BundleError.tooLarge("payload above the limit")) {
            try BundleCodec.decode(file(uncompressed: (256 << 20) + 1, compressed: compressed.count))
        }
        #expect(throws: BundleError.tooLarge("compressed payload above the limit")) {
            try BundleCodec.decode(file(uncompressed: payload.count, compressed: (256 << 20) + 1))
        }
        #expect(throws: BundleError.lengthMismatch) {
            try BundleCodec.decode(file(uncompressed: compressed.count * 1032 + 1, compressed: compressed.count))
        }
        #expect(throws: BundleError.lengthMismatch) {
            try BundleCodec.decode(file(uncompressed: payload.count - 1, compressed: compressed.count))
        }
        #expect(throws: BundleError.lengthMismatch) {
            try BundleCodec.decode(file(uncompressed: payload.count + 1, compressed: compressed.count))
        }
        #expect(throws: Never.self) {
            try BundleCodec.decode(file(uncompressed: payload.count, compressed: compressed.count))
        }
    }

    @Test func zlibDamageBehindAValidChecksum() {
        let payload = BundlePayloadCase.payload()
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        func file(_ stream: [UInt8]) -> [UInt8] {
            BundleCodec.frame(
                header: Self.header(for: F.upload([]), uncompressed: payload.count, compressed: stream.count),
                compressedPayload: stream
            )
        }
        var badAdler = compressed
        badAdler[badAdler.count - 1] ^= 0xFF
        #expect(throws: BundleError.decompressionFailed) { try BundleCodec.decode(file(badAdler)) }
        #expect(throws: BundleError.decompressionFailed) { try BundleCodec.decode(file(Array(compressed.dropLast(4)))) }
        #expect(throws: BundleError.decompressionFailed) { try BundleCodec.decode(file(compressed + [0])) }
        #expect(throws: BundleError.decompressionFailed) { try BundleCodec.decode(file(payload)) }
        #expect(throws: BundleError.lengthMismatch) { try BundleCodec.decode(file([])) }
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
            for (level, hints) in [(Int32(6), false), (6, true), (9, true)] {
                let file = BundleCodec.encode(bundle, level: level, blockHints: hints)
                #expect(try BundleCodec.decode(file) == bundle)
                let perChange = Double(file.count) / Double(bundle.changes.count)
                report += " level \(level)\(hints ? "" : " one block") \(file.count) B = \(String(format: "%.2f", perChange)) B/change;"
            }
            print("[bundle compactness] \(report)")
            let shipped = BundleCodec.encode(bundle)
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
        rawOriginIndex: [UInt8]? = nil, extra: [UInt8] = []
    ) -> [UInt8] {
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
        w.zigzag(0)  // seq 1
        w.varint(UInt64(1))  // version
        w.zigzag(BundleFixtures.epoch)  // wall time, delta from 0
        w.varint(UInt64(0))  // type
        w.varint(recordIndex)
        w.varint(UInt64(0))  // field
        w.varint(UInt64(0))  // tag
        w.varint(UInt64(0))  // no replaces
        w.u8(kind)
        if kind == 1 {
            w.varint(textLength ?? UInt64(text.count))
            w.append(text)
        }
        w.append(extra)
        return w.bytes
    }

    static let all: [BundlePayloadCase] = [
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
    ]
}
