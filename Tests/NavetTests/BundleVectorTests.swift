import Foundation
import NavetCore
import NavetCrypto
import Testing
@testable import NavetWire

// `Bundle` and `Tag` are written with their module: Foundation has a `Bundle` and
// Testing a `Tag`.

// The test vectors in Protocol/vectors: one parameterized test walks every file, and a
// generator (run with NAVET_WRITE_VECTORS=1) writes them from fixed ids and times.
//
//   NAVET_WRITE_VECTORS=1 swift test --filter BundleVectorTests/writeVectors
//
// Generation is a separate run because the walk lists the folder when tests are
// discovered, before any test could have written it.

// MARK: - JSON description of a decoded bundle (BUNDLE.md, "Test vectors")

/// A field value as the vectors write it: `null`, `{"text": …}`, `{"int": "…"}` or `{"bool": …}`.
enum BundleVectorValue: Codable, Equatable {
    case null
    case text(String)
    case int(String)
    case bool(Bool)

    private enum Key: String, CodingKey { case text, int, bool }

    init(_ value: FieldValue) {
        switch value {
        case .null: self = .null
        case .text(let text): self = .text(text)
        case .int(let number): self = .int(String(number))
        case .bool(let flag): self = .bool(flag)
        }
    }

    init(from decoder: any Decoder) throws {
        if try decoder.singleValueContainer().decodeNil() {
            self = .null
            return
        }
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "one key expected"))
        }
        switch key {
        case .text: self = .text(try c.decode(String.self, forKey: .text))
        case .int: self = .int(try c.decode(String.self, forKey: .int))
        case .bool: self = .bool(try c.decode(Bool.self, forKey: .bool))
        }
    }

    func encode(to encoder: any Encoder) throws {
        if case .null = self {
            var c = encoder.singleValueContainer()
            try c.encodeNil()
            return
        }
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .null: break
        case .text(let text): try c.encode(text, forKey: .text)
        case .int(let number): try c.encode(number, forKey: .int)
        case .bool(let flag): try c.encode(flag, forKey: .bool)
        }
    }

    func fieldValue() throws -> FieldValue {
        switch self {
        case .null: return .null
        case .text(let text): return .text(text)
        case .int(let number): return .int(try BundleVectorParse.int64(number))
        case .bool(let flag): return .bool(flag)
        }
    }
}

struct BundleVectorStamp: Codable, Equatable {
    var version: String
    var origin: String
}

struct BundleVectorChange: Codable, Equatable {
    var origin: String
    var seq: String
    var version: String
    var replaces: [BundleVectorStamp]
    var wallTime: String
    var recordType: String
    var recordID: String
    var field: String
    var tag: String
    var value: BundleVectorValue

    private enum CodingKeys: String, CodingKey {
        case origin, seq, version, replaces, wallTime, recordType, recordID, field, tag, value
    }

    init(_ change: Change) {
        origin = change.origin.description
        seq = String(change.seq)
        version = String(change.version)
        replaces = change.replaces.map { BundleVectorStamp(version: String($0.version), origin: $0.origin.description) }
        wallTime = String(change.wallTime)
        recordType = change.recordType
        recordID = change.recordID.description
        field = change.field
        tag = change.tag.rawValue
        value = BundleVectorValue(change.value)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        origin = try c.decode(String.self, forKey: .origin)
        seq = try c.decode(String.self, forKey: .seq)
        version = try c.decode(String.self, forKey: .version)
        replaces = try c.decode([BundleVectorStamp].self, forKey: .replaces)
        wallTime = try c.decode(String.self, forKey: .wallTime)
        recordType = try c.decode(String.self, forKey: .recordType)
        recordID = try c.decode(String.self, forKey: .recordID)
        field = try c.decode(String.self, forKey: .field)
        tag = try c.decode(String.self, forKey: .tag)
        value = try c.decodeNil(forKey: .value) ? .null : try c.decode(BundleVectorValue.self, forKey: .value)
    }

    func change() throws -> Change {
        guard let tag = NavetCore.Tag(rawValue: tag) else { throw BundleVectorParse.Failure(text: tag) }
        return Change(
            origin: ReplicaID(rawValue: try BundleVectorParse.id(origin)), seq: try BundleVectorParse.uint64(seq),
            version: try BundleVectorParse.uint64(version),
            replaces: try replaces.map {
                Stamp(version: try BundleVectorParse.uint64($0.version), origin: ReplicaID(rawValue: try BundleVectorParse.id($0.origin)))
            },
            wallTime: try BundleVectorParse.int64(wallTime), recordType: recordType,
            recordID: RecordID(rawValue: try BundleVectorParse.id(recordID)), field: field,
            value: try value.fieldValue(), tag: tag
        )
    }
}

/// The signature section without its MAC, which depends on the zlib build; whether the
/// MAC verifies is recorded as `macValid` instead.
struct BundleVectorSignature: Codable, Equatable {
    var keyID: String
    var timestamp: String
    var nonce: String

    init(_ signature: BundleSignature) {
        keyID = signature.keyID.description
        timestamp = String(signature.timestamp)
        nonce = Hex.encode(signature.nonce)
    }
}

struct BundleVectorContent: Codable, Equatable {
    var kind: String
    var schemaVersion: UInt32
    var sender: String
    var recipient: String?
    var createdAt: String
    var cursor: String
    var newCursor: String
    var ack: String
    var epoch: String
    var more: Bool
    /// Present only when true (BUNDLE.md, "Directory"), so older descriptions stay as they were.
    var wantsDirectory: Bool?
    /// Present only when the reply carries a directory.
    var directory: [BundleVectorDirectoryEntry]?
    var signature: BundleVectorSignature
    var macValid: Bool
    var changes: [BundleVectorChange]

    private enum CodingKeys: String, CodingKey {
        case kind, schemaVersion, sender, recipient, createdAt, cursor, newCursor, ack, epoch, more, wantsDirectory, directory,
             signature, macValid, changes
    }

    /// The description of a decoded file; `macValid`: whether it verifies under the test secret.
    init(_ signed: SignedBundle, macValid: Bool) {
        let bundle = signed.bundle
        kind = bundle.kind == .upload ? "upload" : "reply"
        schemaVersion = bundle.schemaVersion
        sender = bundle.sender.description
        recipient = bundle.recipient?.description
        createdAt = String(bundle.createdAt)
        cursor = String(bundle.cursor)
        newCursor = String(bundle.newCursor)
        ack = String(bundle.ack)
        epoch = ReplicaID(rawValue: bundle.epoch).description
        more = bundle.more
        wantsDirectory = bundle.wantsDirectory ? true : nil
        directory = bundle.directory.map { $0.map(BundleVectorDirectoryEntry.init) }
        signature = BundleVectorSignature(signed.signature)
        self.macValid = macValid
        changes = bundle.changes.map(BundleVectorChange.init)
    }

    /// Written by hand so that a missing recipient appears as `null`, as the spec shows.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(sender, forKey: .sender)
        try c.encode(recipient, forKey: .recipient)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(cursor, forKey: .cursor)
        try c.encode(newCursor, forKey: .newCursor)
        try c.encode(ack, forKey: .ack)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(more, forKey: .more)
        try c.encodeIfPresent(wantsDirectory, forKey: .wantsDirectory)
        try c.encodeIfPresent(directory, forKey: .directory)
        try c.encode(signature, forKey: .signature)
        try c.encode(macValid, forKey: .macValid)
        try c.encode(changes, forKey: .changes)
    }

    func bundle() throws -> NavetWire.Bundle {
        guard let kind = ["upload": NavetWire.Bundle.Kind.upload, "reply": .reply][kind] else {
            throw BundleVectorParse.Failure(text: kind)
        }
        return NavetWire.Bundle(
            kind: kind, schemaVersion: schemaVersion, sender: ReplicaID(rawValue: try BundleVectorParse.id(sender)),
            recipient: try recipient.map { ReplicaID(rawValue: try BundleVectorParse.id($0)) },
            createdAt: try BundleVectorParse.int64(createdAt), cursor: try BundleVectorParse.uint64(cursor),
            newCursor: try BundleVectorParse.uint64(newCursor), ack: try BundleVectorParse.uint64(ack),
            epoch: try BundleVectorParse.id(epoch), more: more, changes: try changes.map { try $0.change() },
            wantsDirectory: wantsDirectory ?? false, directory: try directory.map { try $0.map { try $0.entry() } }
        )
    }
}

/// One directory entry of a vector description.
struct BundleVectorDirectoryEntry: Codable, Equatable {
    var replica: String
    var organisation: String
    var kind: String

    init(_ entry: DirectoryEntry) {
        replica = entry.replica.description
        organisation = entry.organisation
        kind = entry.kind
    }

    func entry() throws -> DirectoryEntry {
        DirectoryEntry(replica: ReplicaID(rawValue: try BundleVectorParse.id(replica)), organisation: organisation, kind: kind)
    }
}

/// What an invalid vector must be refused with: a `BundleError` case name from `decode`,
/// or `macMismatch` for a file `decode` accepts and `verify` refuses under the test secret.
struct BundleVectorRefusal: Codable, Equatable {
    static let macMismatch = "macMismatch"

    var error: String
    var why: String
    var version: UInt16?
    var flags: UInt8?
    var signatureLength: UInt16?
}

enum BundleVectorParse {
    struct Failure: Error, CustomStringConvertible {
        let text: String
        var description: String { "cannot parse \(text) in a vector description" }
    }

    static func id(_ text: String) throws -> UInt64 {
        guard text.utf8.count == 16, let value = UInt64(text, radix: 16) else { throw Failure(text: text) }
        return value
    }

    static func uint64(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else { throw Failure(text: text) }
        return value
    }

    static func int64(_ text: String) throws -> Int64 {
        guard let value = Int64(text) else { throw Failure(text: text) }
        return value
    }

    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

// MARK: - The vectors

/// One vector file as generated: where it goes, its bytes and its description.
struct GeneratedBundleVector {
    enum Folder: String { case valid, invalid }
    let folder: Folder
    let name: String
    let bytes: [UInt8]
    let description: Data
}

enum BundleVectors {
    typealias F = BundleFixtures

    /// An upload from a replica that has synced before: it carries the epoch it last saw.
    static let newChild = F.upload([
        F.change(seq: 1, field: "name", value: .text("Amina Rahimi"), tag: .basic),
        F.change(seq: 2, field: "birth_date", value: .text("2009-03-14"), tag: .basic),
        F.change(seq: 3, field: "dossier_number", value: .text("UM-2025-123456"), tag: .asylum),
        F.change(seq: 4, field: "languages", value: .text("dari, svenska"), tag: .basic),
        F.change(seq: 5, field: "arrival_date", value: .text("2025-11-02"), tag: .care),
        F.change(seq: 6, field: "arrival_municipality", value: .text("Malmö"), tag: .care),
        F.change(seq: 7, field: "assigned_municipality", value: .text("Östersund"), tag: .care),
        F.change(seq: 8, field: "asylum_status", value: .text("pending"), tag: .asylum),
        F.change(seq: 9, field: "protected_identity", value: .bool(false), tag: .protected),
    ], epoch: F.serverEpoch)

    static let replyWithMerge = NavetWire.Bundle(
        kind: .reply, schemaVersion: 1, sender: F.server, recipient: F.replicaA, createdAt: F.epoch + 86_400_000,
        cursor: 120, newCursor: 126, ack: 9, epoch: F.serverEpoch, changes: [
            // B and C rename the child without seeing each other: a conflict …
            F.change(F.replicaB, seq: 3, version: 2, replaces: [Stamp(version: 1, origin: F.replicaA)],
                     wallTime: F.epoch + 3_600_000, value: .text("Amina Rahimi Haidari")),
            F.change(F.replicaC, seq: 11, version: 2, replaces: [Stamp(version: 1, origin: F.replicaA)],
                     wallTime: F.epoch + 3_500_000, value: .text("Amina Rahimí")),
            // … that A resolves, replacing both heads.
            F.change(F.replicaA, seq: 10, version: 3, replaces: [
                Stamp(version: 2, origin: F.replicaB), Stamp(version: 2, origin: F.replicaC),
            ], wallTime: F.epoch + 7_200_000, value: .text("Amina Haidari Rahimi")),
            F.change(F.replicaC, seq: 12, version: 2, replaces: [Stamp(version: 1, origin: F.replicaA)],
                     wallTime: F.epoch + 3_600_500, field: "languages", value: .null, tag: .basic),
            F.change(F.replicaB, seq: 4, version: 1, wallTime: F.epoch + 3_700_000, type: "note", record: F.note1,
                     field: "child", value: .text(F.child1.description), tag: .care),
            F.change(F.replicaB, seq: 5, version: 1, wallTime: F.epoch + 3_700_000, type: "note", record: F.note1,
                     field: "kind", value: .text("conversation"), tag: .care),
            F.change(F.replicaB, seq: 6, version: 1, wallTime: F.epoch + 3_700_000, type: "note", record: F.note1,
                     field: "text", value: .text(
                        "Samtal med Amina och god man. Hon trivs i skolan i Östersund men oroar sig för beslutet från Migrationsverket; vi bokar tolk på dari till nästa möte."
                     ), tag: .care),
        ]
    )

    static let valueKinds = F.upload([
        F.change(seq: 1, field: "null", value: .null),
        F.change(seq: 2, field: "empty", value: .text("")),
        F.change(seq: 3, field: "swedish", value: .text("å ä ö Å Ä Ö")),
        F.change(seq: 4, field: "combining", value: .text("e\u{301} 👩🏽‍⚕️")),
        F.change(seq: 5, field: "int_min", value: .int(Int64.min)),
        F.change(seq: 6, field: "int_max", value: .int(Int64.max)),
        F.change(seq: 7, field: "int_zero", value: .int(0)),
        F.change(seq: 8, field: "false", value: .bool(false)),
        F.change(seq: 9, field: "true", value: .bool(true)),
    ], recipient: nil)

    /// Every number at the edge of its range (BUNDLE.md, "Conventions"): counters and
    /// sequence numbers at 2^63 − 1, versions at 2^62 − 1, the lowest seq and version 1,
    /// signed values at both ends.
    static let extremes = NavetWire.Bundle(
        kind: .reply, schemaVersion: UInt32.max, sender: ReplicaID(rawValue: UInt64(Int64.max)),
        recipient: ReplicaID(rawValue: 1), createdAt: Int64.min, cursor: UInt64(Int64.max),
        newCursor: UInt64(Int64.max), ack: UInt64(Int64.max), epoch: UInt64(Int64.max), more: true, changes: [
            F.change(ReplicaID(rawValue: 1), seq: UInt64(Int64.max), version: (1 << 62) - 1,
                     replaces: [Stamp(version: 1, origin: ReplicaID(rawValue: UInt64(Int64.max)))],
                     wallTime: Int64.max, record: RecordID(rawValue: UInt64(Int64.max)), value: .text("a\u{0}b")),
            F.change(ReplicaID(rawValue: 1), seq: 1, version: 1,
                     replaces: [Stamp(version: (1 << 62) - 1, origin: ReplicaID(rawValue: 1))],
                     wallTime: Int64.min, record: RecordID(rawValue: 1)),
            F.change(ReplicaID(rawValue: 1), seq: 2, version: 1, replaces: [], wallTime: 0,
                     record: RecordID(rawValue: 1), field: "count", value: .int(Int64.min)),
            F.change(ReplicaID(rawValue: 1), seq: 3, version: 1, replaces: [], wallTime: 0,
                     record: RecordID(rawValue: 1), field: "count2", value: .int(Int64.max)),
        ]
    )

    /// A first page of a reply: more changes wait at the server.
    static let replyWithMore: NavetWire.Bundle = {
        var bundle = F.reply([
            F.change(F.replicaB, seq: 1, wallTime: F.epoch + 60_000, record: F.child2, value: .text("Yusuf Karimi")),
            F.change(F.replicaB, seq: 2, wallTime: F.epoch + 60_000, record: F.child2, field: "birth_date",
                     value: .text("2008-07-30")),
        ])
        bundle.epoch = F.serverEpoch
        bundle.more = true
        return bundle
    }()

    /// An upload that asks for the directory (BUNDLE.md, "Directory").
    static let uploadWantsDirectory: NavetWire.Bundle = {
        var bundle = newChild
        bundle.wantsDirectory = true
        return bundle
    }()

    /// A reply carrying the directory: two organisations, one name with å and ö.
    static let replyWithDirectory: NavetWire.Bundle = {
        var bundle = replyWithMerge
        bundle.directory = [
            DirectoryEntry(replica: F.replicaA, organisation: "Socialtjänsten Strömsund", kind: "social_services"),
            DirectoryEntry(replica: F.replicaB, organisation: "HVB Solgården", kind: "residential_home"),
        ]
        return bundle
    }()

    /// Replica identity (BUNDLE.md): an upload after a sync carries the token of the last
    /// reply applied in `new cursor` (a reply signed with the test nonce has token
    /// 70f1f2f3f4f5f6f7, the top bit cleared) and the replica's acknowledgement in `ack`; its changes follow it.
    static let uploadAfterSync: NavetWire.Bundle = {
        var bundle = F.upload([
            F.change(seq: 10, version: 2, replaces: [Stamp(version: 1, origin: F.replicaA)], field: "languages",
                     value: .text("dari"), tag: .basic),
        ], epoch: F.serverEpoch)
        bundle.newCursor = 0x70F1_F2F3_F4F5_F6F7
        bundle.ack = 9
        return bundle
    }()

    /// A catch-up reply: the recipient's own changes after its acknowledgement, the cursor
    /// unchanged, the server's ack, and `more`.
    static let catchUpReply: NavetWire.Bundle = {
        var bundle = F.reply([
            F.change(seq: 10, version: 2, replaces: [Stamp(version: 1, origin: F.replicaA)], field: "languages",
                     value: .text("dari"), tag: .basic),
            F.change(seq: 11, version: 3, replaces: [Stamp(version: 2, origin: F.replicaA)], field: "languages",
                     value: .text("dari, pashto"), tag: .basic),
        ])
        bundle.newCursor = bundle.cursor
        bundle.ack = 11
        bundle.epoch = F.serverEpoch
        bundle.more = true
        return bundle
    }()

    /// Each valid vector with its signer: the test secret and the key of BUNDLE.md's rule.
    static let valid: [(String, NavetWire.Bundle, BundleSigner)] = [
        ("upload-wants-directory", uploadWantsDirectory, F.signer(for: uploadWantsDirectory)),
        ("reply-with-directory", replyWithDirectory, F.signer(for: replyWithDirectory)),
        ("empty-upload", F.upload([], recipient: nil), F.signer(for: F.upload([], recipient: nil))),
        ("new-child", newChild, F.signer(for: newChild)),
        ("reply-with-merge", replyWithMerge, F.signer(for: replyWithMerge)),
        ("reply-with-more", replyWithMore, F.signer(for: replyWithMore)),
        ("value-kinds", valueKinds, F.signer(for: valueKinds)),
        ("extremes", extremes, F.signer(for: extremes, timestamp: Int64.min, nonce: [UInt8](repeating: 0xFF, count: 16))),
        ("upload-after-sync", uploadAfterSync, F.signer(for: uploadAfterSync)),
        ("catch-up-reply", catchUpReply, F.signer(for: catchUpReply)),
    ]

    static func all() throws -> [GeneratedBundleVector] {
        let encoder = BundleVectorParse.jsonEncoder()
        var vectors = [GeneratedBundleVector]()
        for (name, bundle, signer) in valid {
            let bytes = BundleCodec.encode(bundle, signer: signer)
            vectors.append(GeneratedBundleVector(
                folder: .valid, name: name, bytes: bytes,
                description: try encoder.encode(BundleVectorContent(try F.decode(bytes), macValid: true))
            ))
        }
        for (name, bytes, refusal) in invalid() {
            vectors.append(GeneratedBundleVector(folder: .invalid, name: name, bytes: bytes, description: try encoder.encode(refusal)))
        }
        return vectors
    }

    /// Each with exactly one defect; where the defect is not the checksum or the MAC
    /// itself, both are recomputed so the reader has to find the named defect.
    static func invalid() -> [(String, [UInt8], BundleVectorRefusal)] {
        let bundle = newChild
        let signer = F.signer(for: bundle)
        let good = BundleCodec.encode(bundle, signer: signer)
        let payload = BundlePayload.encode(bundle.changes, limits: .v1)
        let compressed = Zlib.compress(payload, level: BundleCodec.compressionLevel)
        let c = compressed.count
        let n = good.count
        func header(_ edit: (inout BundleCodec.Header) -> Void = { _ in }, for stream: [UInt8] = compressed) -> BundleCodec.Header {
            var h = BundleCodecTests.header(for: bundle, uncompressed: payload.count, compressed: stream.count)
            edit(&h)
            return h
        }
        func reframed(_ edit: (inout BundleCodec.Header) -> Void) -> [UInt8] {
            BundleCodec.frame(header: header(edit), compressedPayload: compressed, signer: signer)
        }
        func stream(_ stream: [UInt8]) -> [UInt8] {
            BundleCodec.frame(header: header(for: stream), compressedPayload: stream, signer: signer)
        }
        func flipped(_ position: Int) -> [UInt8] {
            var copy = good
            copy[position] ^= 0x10
            return copy
        }
        /// Header, payload and checksum of the good file, then any signature length and section.
        func section(length: Int, bytes count: Int) -> [UInt8] {
            Array(good.prefix(n - 66)) + [UInt8(length >> 8), UInt8(length & 0xFF)] + [UInt8](repeating: 0xA5, count: count)
        }
        func resigned(keyID: UInt64) -> [UInt8] { F.sign(Array(good.prefix(n - 66)), keyID: keyID) }
        func refusal(
            _ error: String, _ why: String, version: UInt16? = nil, flags: UInt8? = nil, signatureLength: UInt16? = nil
        ) -> BundleVectorRefusal {
            BundleVectorRefusal(error: error, why: why, version: version, flags: flags, signatureLength: signatureLength)
        }
        func hand(_ payload: [UInt8]) -> [UInt8] { BundleCodecTests.frame(payload) }
        typealias P = BundlePayloadCase
        let macMismatch = BundleVectorRefusal.macMismatch
        var otherSecret = F.testSecret
        otherSecret[0] ^= 0x80
        var timestampChanged = good
        timestampChanged[n - 49] ^= 0x01  // last byte of the timestamp; MAC left as it was
        /// A reply (`replyWithMerge`) with the directory flag and `section` after its columns.
        func withDirectory(_ section: [UInt8]) -> [UInt8] {
            let reply = replyWithMerge
            let body = BundlePayload.encode(reply.changes, limits: .v1) + section
            let stream = Zlib.compress(body, level: BundleCodec.compressionLevel)
            var h = BundleCodecTests.header(for: reply, uncompressed: body.count, compressed: stream.count)
            h.flags = BundleCodec.directoryFlag
            return BundleCodec.frame(header: h, compressedPayload: stream, signer: F.signer(for: reply))
        }
        /// A directory section written by hand: entries as given, any count, a raw first name.
        func directory(_ entries: [(UInt64, String, String)], count: Int? = nil, rawName: [UInt8]? = nil) -> [UInt8] {
            var out = ByteWriter()
            out.varint(count ?? entries.count)
            for (index, entry) in entries.enumerated() {
                out.u64(entry.0)
                let name = index == 0 ? rawName ?? Array(entry.1.utf8) : Array(entry.1.utf8)
                out.varint(name.count)
                out.append(name)
                out.varint(entry.2.utf8.count)
                out.append(Array(entry.2.utf8))
            }
            return out.bytes
        }

        return [
            // Frame, before the checksum.
            ("empty", [], refusal("truncated", "an empty file")),
            ("truncated-in-magic", Array(good.prefix(2)), refusal("truncated", "two bytes that could start a bundle")),
            ("truncated-header", Array(good.prefix(40)), refusal("truncated", "cut inside the 76-byte header")),
            ("truncated-payload", Array(good.prefix(76 + c / 2)), refusal("truncated", "cut inside the compressed payload")),
            ("truncated-checksum", Array(good.prefix(76 + c + 20)), refusal("truncated", "cut inside the checksum")),
            ("truncated-signature-length", Array(good.prefix(n - 65)), refusal("truncated", "last byte of the signature length missing")),
            ("truncated-signature", Array(good.dropLast(10)), refusal("truncated", "cut inside the signature section (in the MAC)")),
            ("bad-magic", [0x4E, 0x41, 0x56, 0x58] + good.dropFirst(4), refusal("badMagic", "magic NAVX instead of NAVB")),
            ("zip-file", [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60), refusal("badMagic", "a ZIP file")),
            ("text-file", Array("Hej! Det här är ingen bundle.\n".utf8), refusal("badMagic", "a text file")),
            ("version-0", reframed { $0.version = 0 }, refusal("unsupportedVersion", "format version 0", version: 0)),
            ("version-1", F.versionOneFile(bundle),
             refusal("unsupportedVersion", "a complete format version 1 file (no epoch, no signature)", version: 1)),
            ("version-3", reframed { $0.version = 3 }, refusal("unsupportedVersion", "format version 3", version: 3)),
            ("flags-bit-3", reframed { $0.flags = 8 }, refusal("badFlags", "flags bit 3, which version 2 reserves", flags: 8)),
            ("flags-bit-7-and-more", reframed { $0.flags = 0x81 }, refusal("badFlags", "flags bits 7 and 0", flags: 0x81)),
            ("uncompressed-too-large", reframed { $0.uncompressedLength = (256 << 20) + 1 },
             refusal("tooLarge", "declared uncompressed length 256 MiB + 1")),
            ("compressed-too-large", reframed { $0.compressedLength = (256 << 20) + 1 },
             refusal("tooLarge", "declared compressed length 256 MiB + 1")),
            ("length-impossible", reframed { $0.uncompressedLength = UInt32(c * 1032 + 1) },
             refusal("lengthMismatch", "declared uncompressed length beyond deflate's 1032:1 ratio")),
            // Checksum.
            ("header-bit-flip", flipped(15), refusal("checksumMismatch", "one bit flipped in the sender id")),
            ("epoch-bit-flip", flipped(65), refusal("checksumMismatch", "one bit flipped in the epoch")),
            ("payload-bit-flip", flipped(76 + c / 2), refusal("checksumMismatch", "one bit flipped in the compressed payload")),
            ("checksum-bit-flip", flipped(76 + c + 5), refusal("checksumMismatch", "one bit flipped in the checksum")),
            // Signature length and end of file.
            ("signature-length-0", section(length: 0, bytes: 0),
             refusal("badSignatureLength", "an unsigned version 2 file: signature length 0, no section", signatureLength: 0)),
            ("signature-length-63", section(length: 63, bytes: 63),
             refusal("badSignatureLength", "a 63-byte signature section", signatureLength: 63)),
            ("signature-length-65", section(length: 65, bytes: 65),
             refusal("badSignatureLength", "a 65-byte signature section", signatureLength: 65)),
            ("trailing-garbage", good + Array("garbage".utf8), refusal("trailingBytes", "bytes after the signature section")),
            // Header and signature values.
            ("unknown-kind", reframed { $0.kind = 3 }, refusal("invalidValue", "bundle kind 3")),
            ("sender-zero", reframed { $0.sender = 0 }, refusal("invalidValue", "sender id 0")),
            ("recipient-top-bit", reframed { $0.recipient = 1 << 63 }, refusal("invalidValue", "recipient id with the top bit set")),
            ("more-in-upload", reframed { $0.flags = 1 }, refusal("invalidValue", "the more flag in an upload")),
            ("directory-in-upload", reframed { $0.flags = 4 }, refusal("invalidValue", "the directory flag in an upload")),
            ("wants-directory-in-reply", reframed { $0.kind = 2; $0.flags = 2 },
             refusal("invalidValue", "the wantsDirectory flag in a reply")),
            ("key-id-zero", resigned(keyID: 0), refusal("invalidValue", "key id 0, correctly signed")),
            ("key-id-top-bit", resigned(keyID: 1 << 63 | F.replicaA.rawValue),
             refusal("invalidValue", "key id with the top bit set, correctly signed")),
            ("cursor-top-bit", reframed { $0.cursor = 1 << 63 }, refusal("invalidValue", "cursor 2^63")),
            ("cursor-max", reframed { $0.cursor = UInt64.max }, refusal("invalidValue", "cursor 2^64 − 1")),
            ("new-cursor-top-bit", reframed { $0.newCursor = 1 << 63 }, refusal("invalidValue", "new cursor 2^63")),
            ("ack-top-bit", reframed { $0.ack = 1 << 63 }, refusal("invalidValue", "ack 2^63")),
            ("epoch-top-bit", reframed { $0.epoch = 1 << 63 }, refusal("invalidValue", "epoch 2^63")),
            // zlib.
            ("inflates-longer", reframed { $0.uncompressedLength -= 1 },
             refusal("lengthMismatch", "payload inflates to one byte more than declared")),
            ("inflates-shorter", reframed { $0.uncompressedLength += 1 },
             refusal("lengthMismatch", "payload inflates to one byte less than declared")),
            ("not-zlib", stream(payload), refusal("decompressionFailed", "uncompressed payload where the zlib stream belongs")),
            ("zlib-truncated", stream(Array(compressed.dropLast(4))), refusal("decompressionFailed", "zlib stream without its end")),
            ("zlib-bad-adler", stream(Array(compressed.dropLast(1)) + [compressed.last! ^ 0xFF]),
             refusal("decompressionFailed", "zlib stream with a wrong Adler-32")),
            ("zlib-trailing-bytes", stream(compressed + [0]), refusal("decompressionFailed", "a byte after the zlib stream")),
            // Payload.
            ("unknown-tag", hand(P.payload(tags: [Array("secret".utf8)])), refusal("invalidValue", "tag not in the vocabulary")),
            ("invalid-utf8-text", hand(P.payload(text: [0x41, 0xC3])), refusal("invalidValue", "text ending inside a UTF-8 sequence")),
            ("record-id-zero", hand(P.payload(records: [0])), refusal("invalidValue", "record id 0")),
            ("seq-zero", hand(P.payload(seqDelta: -1)), refusal("invalidValue", "sequence number 0")),
            ("seq-top-bit", hand(P.payload(seqDelta: Int64.max)), refusal("invalidValue", "sequence number 2^63")),
            ("version-zero", hand(P.payload(version: 0)), refusal("invalidValue", "version 0")),
            ("version-top-bit", hand(P.payload(version: 1 << 63)), refusal("invalidValue", "version 2^63")),
            ("version-2-62", hand(P.payload(version: 1 << 62)),
             refusal("invalidValue", "version 2^62: no room left for the next edit's version + 1")),
            ("replaced-version-zero", hand(P.payload(replacedVersionDelta: 0)),
             refusal("invalidValue", "a replaced stamp with version 0")),
            ("replaced-version-2-62", hand(P.payload(version: (1 << 62) - 1, replacedVersionDelta: -2)),
             refusal("invalidValue", "a replaced stamp with version 2^62")),
            ("replaced-version-top-bit", hand(P.payload(replacedVersionDelta: Int64.min)),
             refusal("invalidValue", "a replaced stamp with version 2^63")),
            ("unknown-value-kind", hand(P.payload(kind: 5)), refusal("invalidValue", "value kind 5")),
            ("index-out-of-range", hand(P.payload(originIndex: 1)), refusal("malformedPayload", "origin index 1 in a table of 1")),
            ("unsorted-table", hand(P.payload(records: [0xB2, 0xB1], recordIndex: 1)),
             refusal("malformedPayload", "record id table not ascending")),
            ("duplicate-table-entry", hand(P.payload(records: [0xB1, 0xB1])), refusal("malformedPayload", "record id listed twice")),
            ("unreferenced-table-entry", hand(P.payload(records: [0xB1, 0xB2])),
             refusal("malformedPayload", "record id no change uses")),
            ("non-minimal-varint", hand(P.payload(rawOriginIndex: [0x80, 0x00])), refusal("malformedPayload", "index 0 written in two bytes")),
            ("payload-trailing-bytes", hand(P.payload(extra: [0])), refusal("malformedPayload", "a byte after the last column")),
            ("change-count-exceeds-payload", hand(P.payload(count: 1000)),
             refusal("malformedPayload", "1000 changes declared in a one-change payload")),
            ("too-many-changes", hand(P.payload(count: 1_000_001)), refusal("tooLarge", "1,000,001 changes declared")),
            ("text-too-long", hand(P.payload(textLength: (1 << 20) + 1)), refusal("tooLarge", "text length 1 MiB + 1")),
            ("name-too-long", hand(P.payload(fields: [[UInt8](repeating: 0x61, count: 256)])), refusal("tooLarge", "field name of 256 bytes")),
            // Directory section (BUNDLE.md, "Directory").
            ("directory-missing", withDirectory([]), refusal("malformedPayload", "the directory flag set, no section after the columns")),
            ("directory-unsorted", withDirectory(directory([(0xB, "B", "school"), (0xA, "A", "school")])),
             refusal("malformedPayload", "directory entries not ascending")),
            ("directory-duplicate", withDirectory(directory([(0xA, "A", "school"), (0xA, "A", "school")])),
             refusal("malformedPayload", "one replica listed twice")),
            ("directory-id-zero", withDirectory(directory([(0, "A", "school")])), refusal("invalidValue", "replica id 0")),
            ("directory-empty-name", withDirectory(directory([(0xA, "", "school")])), refusal("invalidValue", "an empty organisation name")),
            ("directory-name-too-long", withDirectory(directory([(0xA, String(repeating: "å", count: 513), "school")])),
             refusal("tooLarge", "an organisation name of 1026 bytes")),
            ("directory-invalid-utf8", withDirectory(directory([(0xA, "A", "school")], rawName: [0x41, 0xC3])),
             refusal("invalidValue", "an organisation name ending inside a UTF-8 sequence")),
            ("directory-count-exceeds-payload", withDirectory(directory([(0xA, "A", "school")], count: 1000)),
             refusal("malformedPayload", "1000 entries declared, one present")),
            ("directory-too-many", withDirectory(directory([], count: 100_001)), refusal("tooLarge", "100,001 entries declared")),
            ("directory-trailing-bytes", withDirectory(directory([(0xA, "A", "school")]) + [0]),
             refusal("malformedPayload", "a byte after the directory")),
            // Decodes, but the MAC does not verify under the test secret.
            ("mac-bit-flip", flipped(n - 1), refusal(macMismatch, "one bit flipped in the MAC")),
            ("timestamp-changed", timestampChanged, refusal(macMismatch, "timestamp changed by 1 ms after signing")),
            ("wrong-secret", BundleCodec.encode(bundle, signer: F.signer(for: bundle, secret: otherSecret)),
             refusal(macMismatch, "signed with a secret that differs from the test secret in one bit")),
        ]
    }
}

// MARK: - Tests

/// One file of the vector folder, named for the test report.
struct BundleVectorFile: Sendable, CustomTestStringConvertible {
    let folder: String
    let name: String
    var testDescription: String { "\(folder)/\(name)" }
}

@Suite struct BundleVectorTests {
    /// `Protocol/vectors`, found from this file so the tests run from any directory.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol").appendingPathComponent("vectors")

    static func files() -> [BundleVectorFile] {
        ["valid", "invalid"].flatMap { folder -> [BundleVectorFile] in
            let directory = Self.folder.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { $0.hasSuffix(".navb") }.sorted().map {
                BundleVectorFile(folder: folder, name: String($0.dropLast(".navb".count)))
            }
        }
    }

    static func read(_ file: BundleVectorFile, _ ext: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(file.folder).appendingPathComponent("\(file.name).\(ext)"))
    }

    @Test(arguments: files())
    func vector(_ file: BundleVectorFile) throws {
        let bytes = [UInt8](try Self.read(file, "navb"))
        let description = try Self.read(file, "json")
        let macValid = BundleCodec.verify(bytes, secret: BundleFixtures.testSecret)
        if file.folder == "valid" {
            let expected = try JSONDecoder().decode(BundleVectorContent.self, from: description)
            let signed = try BundleFixtures.decode(bytes)
            // Compare through the JSON form so text is compared byte for byte, not by
            // Swift's canonical equivalence.
            let encoder = BundleVectorParse.jsonEncoder()
            #expect(try encoder.encode(BundleVectorContent(signed, macValid: macValid)) == encoder.encode(expected))
            #expect(try signed.bundle == expected.bundle())
            #expect(macValid == expected.macValid)
            let signer = BundleSigner(
                keyID: signed.signature.keyID, secret: BundleFixtures.testSecret,
                timestamp: signed.signature.timestamp, nonce: signed.signature.nonce
            )
            let reencoded = BundleCodec.encode(signed.bundle, signer: signer)
            #expect(try BundleFixtures.decode(reencoded).bundle == signed.bundle)
            for length in 0..<bytes.count {
                #expect(throws: BundleError.self, "prefix of \(length) bytes") {
                    try BundleFixtures.decode(Array(bytes[0..<length]))
                }
            }
        } else {
            let expected = try JSONDecoder().decode(BundleVectorRefusal.self, from: description)
            do throws(BundleError) {
                let signed = try BundleFixtures.decode(bytes)
                #expect(expected.error == BundleVectorRefusal.macMismatch,
                        "decoded an invalid vector as a bundle with \(signed.bundle.changes.count) changes")
                #expect(!macValid, "the MAC of a macMismatch vector verifies")
            } catch {
                #expect(error.code == expected.error, "\(error)")
                if let version = expected.version { #expect(error == .unsupportedVersion(version)) }
                if let flags = expected.flags { #expect(error == .badFlags(flags)) }
                if let length = expected.signatureLength { #expect(error == .badSignatureLength(length)) }
            }
        }
    }

    @Test func folderIsCompleteAndMatchesTheGenerator() throws {
        let files = Self.files()
        let generated = try BundleVectors.all()
        #expect(files.filter { $0.folder == "valid" }.count == generated.filter { $0.folder == .valid }.count)
        #expect(files.filter { $0.folder == "invalid" }.count == generated.filter { $0.folder == .invalid }.count)
        for vector in generated {
            let file = BundleVectorFile(folder: vector.folder.rawValue, name: vector.name)
            // Descriptions are plain JSON and must match exactly; the .navb bytes may differ
            // with another zlib build, so only their decoded content is compared (above).
            #expect(try Self.read(file, "json") == vector.description + [0x0A], "\(file.testDescription)")
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["NAVET_WRITE_VECTORS"] == "1"))
    func writeVectors() throws {
        let manager = FileManager.default
        for folder in ["valid", "invalid"] {
            let directory = Self.folder.appendingPathComponent(folder)
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            // Remove only what the generator owns, so a renamed vector leaves no stale file.
            for name in try manager.contentsOfDirectory(atPath: directory.path)
            where name.hasSuffix(".navb") || name.hasSuffix(".json") {
                try manager.removeItem(at: directory.appendingPathComponent(name))
            }
        }
        for vector in try BundleVectors.all() {
            let base = Self.folder.appendingPathComponent(vector.folder.rawValue).appendingPathComponent(vector.name)
            try Data(vector.bytes).write(to: base.appendingPathExtension("navb"))
            try (vector.description + [0x0A]).write(to: base.appendingPathExtension("json"))
        }
    }
}
