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
    /// The access section's fields (BUNDLE.md, "Access section"), each present only when
    /// not empty, so descriptions of bundles without them stay as they were.
    var redactionAck: String?
    var policyVersion: String?
    var redactions: [BundleVectorRedaction]?
    var refusals: [BundleVectorRefusedChange]?
    var permissions: [BundleVectorPermission]?
    var mayRegister: Bool?
    /// The audit part (BUNDLE.md, "Audit part"): an upload's run, a reply's ack and purpose tags.
    var readLog: BundleVectorReadLog?
    var readLogAck: String?
    var purposeTags: [String]?
    /// The audit part's ledger checkpoint (replies).
    var checkpoint: BundleVectorCheckpoint?
    var signature: BundleVectorSignature
    var macValid: Bool
    var changes: [BundleVectorChange]

    private enum CodingKeys: String, CodingKey {
        case kind, schemaVersion, sender, recipient, createdAt, cursor, newCursor, ack, epoch, more, wantsDirectory, directory,
             redactionAck, policyVersion, redactions, refusals, permissions, mayRegister, readLog, readLogAck, purposeTags, checkpoint,
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
        redactionAck = bundle.redactionAck == 0 ? nil : String(bundle.redactionAck)
        policyVersion = bundle.policyVersion == 0 ? nil : String(bundle.policyVersion)
        redactions = bundle.redactions.isEmpty ? nil : bundle.redactions.map(BundleVectorRedaction.init)
        refusals = bundle.refusals.isEmpty ? nil : bundle.refusals.map(BundleVectorRefusedChange.init)
        permissions = bundle.permissions.map { $0.map(BundleVectorPermission.init) }
        mayRegister = bundle.mayRegister
        readLog = bundle.readLog.map(BundleVectorReadLog.init)
        readLogAck = bundle.readLogAck == 0 ? nil : String(bundle.readLogAck)
        purposeTags = bundle.purposeTags.isEmpty ? nil : bundle.purposeTags
        checkpoint = bundle.checkpoint.map(BundleVectorCheckpoint.init)
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
        try c.encodeIfPresent(redactionAck, forKey: .redactionAck)
        try c.encodeIfPresent(policyVersion, forKey: .policyVersion)
        try c.encodeIfPresent(redactions, forKey: .redactions)
        try c.encodeIfPresent(refusals, forKey: .refusals)
        try c.encodeIfPresent(permissions, forKey: .permissions)
        try c.encodeIfPresent(mayRegister, forKey: .mayRegister)
        try c.encodeIfPresent(readLog, forKey: .readLog)
        try c.encodeIfPresent(readLogAck, forKey: .readLogAck)
        try c.encodeIfPresent(purposeTags, forKey: .purposeTags)
        try c.encodeIfPresent(checkpoint, forKey: .checkpoint)
        try c.encode(signature, forKey: .signature)
        try c.encode(macValid, forKey: .macValid)
        try c.encode(changes, forKey: .changes)
    }

    func bundle() throws -> NavetWire.Bundle {
        var bundle = try bundleWithoutReadLog()
        bundle.readLog = try readLog?.run()
        bundle.readLogAck = try readLogAck.map(BundleVectorParse.uint64) ?? 0
        bundle.purposeTags = purposeTags ?? []
        return bundle
    }

    func bundleWithoutReadLog() throws -> NavetWire.Bundle {
        guard let kind = ["upload": NavetWire.Bundle.Kind.upload, "reply": .reply][kind] else {
            throw BundleVectorParse.Failure(text: kind)
        }
        return NavetWire.Bundle(
            kind: kind, schemaVersion: schemaVersion, sender: ReplicaID(rawValue: try BundleVectorParse.id(sender)),
            recipient: try recipient.map { ReplicaID(rawValue: try BundleVectorParse.id($0)) },
            createdAt: try BundleVectorParse.int64(createdAt), cursor: try BundleVectorParse.uint64(cursor),
            newCursor: try BundleVectorParse.uint64(newCursor), ack: try BundleVectorParse.uint64(ack),
            epoch: try BundleVectorParse.id(epoch), more: more, changes: try changes.map { try $0.change() },
            wantsDirectory: wantsDirectory ?? false, directory: try directory.map { try $0.map { try $0.entry() } },
            redactionAck: try redactionAck.map(BundleVectorParse.uint64) ?? 0,
            redactions: try (redactions ?? []).map { try $0.redaction() },
            refusals: try (refusals ?? []).map { try $0.refusal() },
            permissions: try permissions.map { try $0.map { try $0.permission() } },
            policyVersion: try policyVersion.map(BundleVectorParse.uint64) ?? 0, mayRegister: mayRegister,
            checkpoint: try checkpoint.map { try $0.checkpoint() }
        )
    }
}

/// The ledger checkpoint of a vector description (BUNDLE.md, "Audit part", piece 2):
/// head and MAC as 64 hex digits.
struct BundleVectorCheckpoint: Codable, Equatable {
    var row: String
    var head: String
    var signedAt: String
    var mac: String

    init(_ checkpoint: LedgerCheckpoint) {
        row = String(checkpoint.row)
        head = Hex.encode(checkpoint.head)
        signedAt = String(checkpoint.signedAt)
        mac = Hex.encode(checkpoint.mac)
    }

    func checkpoint() throws -> LedgerCheckpoint {
        guard let head = Hex.decode(head), let mac = Hex.decode(mac) else { throw BundleVectorParse.Failure(text: self.head) }
        return LedgerCheckpoint(row: try BundleVectorParse.uint64(row), head: head,
                                signedAt: try BundleVectorParse.int64(signedAt), mac: mac)
    }
}

/// The read-log run of an upload in a vector description; hashes in hex.
struct BundleVectorReadLog: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var seq: String
        var replica: String
        var time: String
        var user: String
        var kind: String
        var command: String
        var records: [String]
        var fields: [String]
        var tags: [String]
        var purpose: String?
        var previousHash: String
        var hash: String
    }

    var ownCheckFailed: Bool?
    var from: String
    var last: String
    var entries: [Entry]

    init(_ run: ReadLogUpload) {
        ownCheckFailed = run.ownCheckFailed ? true : nil
        from = String(run.from)
        last = String(run.last)
        entries = run.entries.map {
            Entry(seq: String($0.seq), replica: $0.replica.description, time: String($0.time), user: $0.user, kind: $0.kind,
                  command: $0.command, records: $0.records.map(\.description), fields: $0.fields, tags: $0.tags,
                  purpose: $0.purpose, previousHash: Hex.encode($0.previousHash), hash: Hex.encode($0.hash))
        }
    }

    func run() throws -> ReadLogUpload {
        ReadLogUpload(ownCheckFailed: ownCheckFailed ?? false, from: try BundleVectorParse.uint64(from),
                      last: try BundleVectorParse.uint64(last), entries: try entries.map { entry in
            AuditEntry(seq: try BundleVectorParse.uint64(entry.seq), replica: ReplicaID(rawValue: try BundleVectorParse.id(entry.replica)),
                       time: try BundleVectorParse.int64(entry.time), user: entry.user, kind: entry.kind, command: entry.command,
                       records: try entry.records.map { RecordID(rawValue: try BundleVectorParse.id($0)) }, fields: entry.fields,
                       tags: entry.tags, purpose: entry.purpose, previousHash: Hex.decode(entry.previousHash) ?? [],
                       hash: Hex.decode(entry.hash) ?? [])
        })
    }
}

/// One redaction of a vector description; changes as (origin, seq).
struct BundleVectorRedaction: Codable, Equatable {
    struct Ref: Codable, Equatable {
        var origin: String
        var seq: String
    }

    var id: String
    var child: String
    var reason: String
    var changes: [Ref]

    init(_ redaction: Redaction) {
        id = String(redaction.id)
        child = redaction.child.description
        reason = redaction.reason
        changes = redaction.changes.map { Ref(origin: $0.origin.description, seq: String($0.seq)) }
    }

    func redaction() throws -> Redaction {
        Redaction(
            id: try BundleVectorParse.uint64(id), child: RecordID(rawValue: try BundleVectorParse.id(child)), reason: reason,
            changes: try changes.map {
                ChangeRef(origin: ReplicaID(rawValue: try BundleVectorParse.id($0.origin)), seq: try BundleVectorParse.uint64($0.seq))
            }
        )
    }
}

/// One refused change of a vector description.
struct BundleVectorRefusedChange: Codable, Equatable {
    var seq: String
    var reason: String

    init(_ refusal: ChangeRefusal) {
        seq = String(refusal.seq)
        reason = refusal.reason
    }

    func refusal() throws -> ChangeRefusal {
        ChangeRefusal(seq: try BundleVectorParse.uint64(seq), reason: reason)
    }
}

/// One child's permissions in a vector description; lists in tag and role order.
struct BundleVectorPermission: Codable, Equatable {
    var child: String
    var read: [String]
    var write: [String]
    var roles: [String]
    /// The grants part's entry (BUNDLE.md, "Grants"), each present only when not empty or true.
    var fields: [String]?
    var episodes: [String]?
    var registrar: Bool?
    var mayChangeHub: Bool?
    var mayRecordConsent: Bool?

    init(_ permission: ChildPermission) {
        child = permission.child.description
        read = permission.read.sorted().map(\.rawValue)
        write = permission.write.sorted().map(\.rawValue)
        roles = permission.roles.sorted().map(\.rawValue)
        fields = permission.fields.isEmpty ? nil : permission.fields.sorted().map(\.description)
        episodes = permission.episodes.isEmpty ? nil : permission.episodes.sorted().map(\.description)
        registrar = permission.isRegistrar ? true : nil
        mayChangeHub = permission.mayChangeHub ? true : nil
        mayRecordConsent = permission.mayRecordConsent ? true : nil
    }

    func permission() throws -> ChildPermission {
        func tag(_ name: String) throws -> NavetCore.Tag {
            guard let tag = NavetCore.Tag(rawValue: name) else { throw BundleVectorParse.Failure(text: name) }
            return tag
        }
        func role(_ name: String) throws -> HubRole {
            guard let role = HubRole(rawValue: name) else { throw BundleVectorParse.Failure(text: name) }
            return role
        }
        func field(_ text: String) throws -> FieldRef {
            guard let ref = FieldRef(text) else { throw BundleVectorParse.Failure(text: text) }
            return ref
        }
        return ChildPermission(
            child: RecordID(rawValue: try BundleVectorParse.id(child)), read: Set(try read.map(tag)),
            write: Set(try write.map(tag)), roles: Set(try roles.map(role)), fields: Set(try (fields ?? []).map(field)),
            episodes: Set(try (episodes ?? []).map { RecordID(rawValue: try BundleVectorParse.id($0)) }),
            isRegistrar: registrar ?? false, mayChangeHub: mayChangeHub ?? false, mayRecordConsent: mayRecordConsent ?? false
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
    /// The exact `BundleError.reason` for `tooLarge`, `malformedPayload` and `invalidValue`.
    var reason: String?

    /// The codes whose refusal names its reason.
    static let codesWithReason: Set<String> = ["tooLarge", "malformedPayload", "invalidValue"]
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

    /// A reply under a policy that redacts values of two children (BUNDLE.md, "Access
    /// section"): three changes of child 1 from two origins, one of child 2, and a new
    /// value sent in the same reply.
    static let replyWithRedactions: NavetWire.Bundle = {
        var bundle = F.reply([
            F.change(F.replicaB, seq: 7, wallTime: F.epoch + 90_000, field: "languages", value: .text("dari"), tag: .basic),
        ])
        bundle.epoch = F.serverEpoch
        bundle.policyVersion = 3
        bundle.redactions = [
            Redaction(id: 41, child: F.child1, reason: "membership_ended", changes: [
                ChangeRef(origin: F.replicaB, seq: 4), ChangeRef(origin: F.replicaB, seq: 5),
                ChangeRef(origin: F.replicaC, seq: 11),
            ]),
            Redaction(id: 44, child: F.child2, reason: "consent_ended", changes: [ChangeRef(origin: F.replicaC, seq: 2)]),
        ]
        return bundle
    }()

    /// A reply that refuses two of the recipient's changes (one with a reason this reader
    /// does not know: it is kept) and tells it what its organisation may read and write of
    /// two children: one as the school mentor, one by consent (no role).
    static let replyWithRefusalsAndPermissions: NavetWire.Bundle = {
        var bundle = F.reply([])
        bundle.ack = 12
        bundle.epoch = F.serverEpoch
        bundle.policyVersion = 3
        bundle.refusals = [
            ChangeRefusal(seq: 10, reason: "tag_not_writable"),
            ChangeRefusal(seq: 12, reason: "a_reason_from_a_newer_server_2"),
        ]
        bundle.permissions = [
            ChildPermission(child: F.child1, read: [.basic, .school, .care], write: [.school], roles: [.schoolMentor]),
            ChildPermission(child: F.child2, read: [.basic, .health], write: [], roles: []),
        ]
        return bundle
    }()

    /// A reply with the grants part (BUNDLE.md, "Grants"): the organisation may not
    /// register children; it registered child 1 and may change its hub and record consent
    /// there; it reads child 2 only by the missing rule (two fields, one open episode);
    /// child 3 has tags only (no entry in the grants part).
    static let replyWithGrants: NavetWire.Bundle = {
        var bundle = F.reply([])
        bundle.ack = 12
        bundle.epoch = F.serverEpoch
        bundle.policyVersion = 4
        bundle.permissions = [
            ChildPermission(child: F.child1, read: [.basic, .care], write: [.basic, .care], roles: [.socialSecretary],
                            isRegistrar: true, mayChangeHub: true, mayRecordConsent: true),
            ChildPermission(child: F.child2, read: [], write: [], roles: [],
                            fields: [FieldRef("child", "name"), FieldRef("missing", "last_seen_place")],
                            episodes: [RecordID(rawValue: 0x0E01)]),
            ChildPermission(child: RecordID(rawValue: 0xC3), read: [.basic], write: [], roles: [.contactPerson]),
        ]
        bundle.mayRegister = false
        return bundle
    }()

    /// A reply that carries the server's latest ledger checkpoint (BUNDLE.md, "Audit
    /// part", piece 2; AUDIT.md, "Checkpoints"): row 1042, its head, signed with the audit
    /// key `AUDIT.md`'s vector uses.
    static let replyWithCheckpoint: NavetWire.Bundle = {
        var bundle = F.reply([])
        bundle.ack = 12
        bundle.epoch = F.serverEpoch
        bundle.policyVersion = 3
        let head = SHA256.hash(Array("ledger row 1042".utf8))
        let signedAt = F.epoch + 120_000
        let message = LedgerCheckpoint.message(server: bundle.sender, row: 1042, head: head, signedAt: signedAt)
        bundle.checkpoint = LedgerCheckpoint(row: 1042, head: head, signedAt: signedAt,
                                             mac: HMACSHA256.authenticate(message: message, key: [UInt8](repeating: 0xA5, count: 32)))
        return bundle
    }()

    /// An upload that acknowledges redactions up to 44 as purged, with a change.
    static let uploadWithRedactionAck: NavetWire.Bundle = {
        var bundle = F.upload([
            F.change(seq: 13, wallTime: F.epoch + 100_000, record: F.child2, field: "languages", value: .text("pashto")),
        ], epoch: F.serverEpoch)
        bundle.ack = 12
        bundle.redactionAck = 44
        return bundle
    }()

    /// Two read-log entries of replica A, chained, the run cut short before entry 3 (the
    /// next upload carries it): a display with two records and a Swedish purpose, an edit
    /// without one.
    static let readLogEntries: [AuditEntry] = {
        var first = AuditEntry(seq: 1, replica: F.replicaA, time: F.epoch + 1_000, user: "åsa", kind: "display",
                               command: "child show", records: [F.child1, F.child2], fields: ["child.name", "child.protected_identity"],
                               tags: ["basic", "protected"], purpose: "Inför samtal om placering", previousHash: AuditEntry.genesis)
        first.hash = SHA256.hash(first.canonicalBytes)
        var second = AuditEntry(seq: 2, replica: F.replicaA, time: F.epoch + 2_000, user: "åsa", kind: "edit",
                                command: "child set", records: [F.child1], fields: ["child.languages"], tags: ["basic"],
                                purpose: nil, previousHash: first.hash)
        second.hash = SHA256.hash(second.canonicalBytes)
        return [first, second]
    }()

    static let uploadWithReadLog: NavetWire.Bundle = {
        var bundle = F.upload([], epoch: F.serverEpoch)
        bundle.readLog = ReadLogUpload(from: 1, last: 3, entries: readLogEntries)
        return bundle
    }()

    /// A reply filtered under policy 4 that acknowledges read-log entries up to 2 and
    /// names the tags whose display needs a purpose.
    static let replyWithReadLogAck: NavetWire.Bundle = {
        var bundle = F.reply([])
        bundle.ack = 12
        bundle.epoch = F.serverEpoch
        bundle.policyVersion = 4
        bundle.readLogAck = 2
        bundle.purposeTags = ["health", "protected"]
        return bundle
    }()

    /// A reply whose audit part carries all three pieces (BUNDLE.md, "Audit part"): the
    /// read-log acknowledgement, the purpose tags and the ledger checkpoint.
    static let replyWithAudit: NavetWire.Bundle = {
        var bundle = replyWithCheckpoint
        bundle.readLogAck = 2
        bundle.purposeTags = ["health", "protected"]
        return bundle
    }()

    /// Each valid vector with its signer: the test secret and the key of BUNDLE.md's rule.
    static let valid: [(String, NavetWire.Bundle, BundleSigner)] = [
        ("reply-with-redactions", replyWithRedactions, F.signer(for: replyWithRedactions)),
        ("reply-with-refusals-and-permissions", replyWithRefusalsAndPermissions, F.signer(for: replyWithRefusalsAndPermissions)),
        ("reply-with-grants", replyWithGrants, F.signer(for: replyWithGrants)),
        ("upload-with-redaction-ack", uploadWithRedactionAck, F.signer(for: uploadWithRedactionAck)),
        ("reply-with-checkpoint", replyWithCheckpoint, F.signer(for: replyWithCheckpoint)),
        ("upload-with-read-log", uploadWithReadLog, F.signer(for: uploadWithReadLog)),
        ("reply-with-read-log-ack", replyWithReadLogAck, F.signer(for: replyWithReadLogAck)),
        ("reply-with-audit", replyWithAudit, F.signer(for: replyWithAudit)),
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

    /// Version 3 files a reader of version 4 still accepts (BUNDLE.md, "Changes from
    /// version 3"): the same bundles as the vectors without the prefix.
    static var versionThree: [(String, NavetWire.Bundle, BundleSigner)] {
        valid.filter { ["new-child", "reply-with-merge", "value-kinds", "extremes"].contains($0.0) }
            .map { ("version-3-" + $0.0, $0.1, $0.2) }
    }

    static func all() throws -> [GeneratedBundleVector] {
        let encoder = BundleVectorParse.jsonEncoder()
        var vectors = [GeneratedBundleVector]()
        for (name, bundle, signer) in valid + versionThree {
            let version: UInt16 = name.hasPrefix("version-3-") ? 3 : BundleCodec.formatVersion
            let bytes = BundleCodec.encode(bundle, signer: signer, version: version)
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

    /// The exact reason each `tooLarge`, `malformedPayload` and `invalidValue` vector must
    /// be refused with (`BundleError.reason`): the phrases of BUNDLE.md.
    static let reasons: [String: String] = [
        "uncompressed-too-large": "payload above the limit",
        "compressed-too-large": "compressed payload above the limit",
        "unknown-kind": "unknown bundle kind",
        "sender-zero": "sender id outside 1 ..< 2^63",
        "recipient-top-bit": "recipient id outside 1 ..< 2^63",
        "more-in-upload": "more flag set in an upload",
        "directory-in-upload": "directory in an upload",
        "wants-directory-in-reply": "directory request in a reply",
        "key-id-zero": "key id outside 1 ..< 2^63",
        "key-id-top-bit": "key id outside 1 ..< 2^63",
        "cursor-top-bit": "cursor outside 0 ..< 2^63",
        "cursor-max": "cursor outside 0 ..< 2^63",
        "new-cursor-top-bit": "new cursor outside 0 ..< 2^63",
        "ack-top-bit": "ack outside 0 ..< 2^63",
        "epoch-top-bit": "epoch outside 0 ..< 2^63",
        "unknown-tag": "unknown tag",
        "invalid-utf8-text": "text is not valid UTF-8",
        "record-id-zero": "id outside 1 ..< 2^63",
        "seq-zero": "sequence number outside 1 ..< 2^63",
        "seq-top-bit": "sequence number outside 1 ..< 2^63",
        "version-zero": "version outside 1 ..< 2^62",
        "version-top-bit": "version outside 1 ..< 2^62",
        "version-2-62": "version outside 1 ..< 2^62",
        "replaced-version-zero": "replaced version outside 1 ..< 2^62",
        "replaced-version-2-62": "replaced version outside 1 ..< 2^62",
        "replaced-version-top-bit": "replaced version outside 1 ..< 2^62",
        "unknown-value-kind": "unknown value kind",
        "tag-written-out-where-predicted": "tag written out where it is predicted",
        "value-kind-written-out-where-predicted": "value kind written out where it is predicted",
        "text-length-below-0": "text length below 0",
        "wall-time-planes-non-minimal": "invalid varint",
        "wall-time-planes-cut-short": "payload ends before its last column",
        "index-out-of-range": "table index out of range",
        "unsorted-table": "table entries not in strictly ascending order",
        "duplicate-table-entry": "table entries not in strictly ascending order",
        "unreferenced-table-entry": "table entry not used by any change",
        "non-minimal-varint": "invalid varint",
        "payload-trailing-bytes": "bytes after the last column",
        "change-count-exceeds-payload": "count larger than the payload can hold",
        "too-many-changes": "more than 1000000 changes",
        "text-too-long": "text value longer than 1048576 bytes",
        "name-too-long": "name longer than 255 bytes",
        "directory-missing": "directory ends before its last entry",
        "directory-unsorted": "directory entries not in strictly ascending order",
        "directory-duplicate": "directory entries not in strictly ascending order",
        "directory-id-zero": "id outside 1 ..< 2^63",
        "directory-empty-name": "empty directory text",
        "directory-name-too-long": "directory text longer than 1024 bytes",
        "directory-invalid-utf8": "directory text is not valid UTF-8",
        "directory-count-exceeds-payload": "count larger than the payload can hold",
        "directory-too-many": "more than 100000 directory entries",
        "directory-trailing-bytes": "bytes after the directory",
        "redaction-in-upload": "redactions in an upload",
        "refusals-in-upload": "refusals in an upload",
        "permissions-in-upload": "permissions in an upload",
        "policy-version-in-upload": "policy version in an upload",
        "redaction-ack-in-reply": "redaction ack in a reply",
        "access-missing": "access section ends early",
        "access-empty": "empty access section",
        "access-unknown-part": "unknown access part",
        "checkpoint-in-upload": "unknown read-log flag",
        "checkpoint-row-zero": "checkpoint row outside 1 ..< 2^63",
        "checkpoint-short": "access section ends early",
        "checkpoint-after-ack-and-tags-short": "access section ends early",
        "audit-unknown-piece": "unknown audit piece",
        "read-log-ack-zero": "read-log ack outside 1 ..< 2^63",
        "purpose-tags-empty": "no tags in the purpose tags piece",
        "access-trailing-bytes": "bytes after the access section",
        "read-log-empty-reply-part": "empty audit part",
        "read-log-ack-top-bit": "read-log ack outside 1 ..< 2^63",
        "read-log-unknown-purpose-tag": "unknown tag in purpose tags",
        "read-log-unknown-flag": "unknown read-log flag",
        "read-log-from-zero": "read-log start outside 1 ..< 2^63",
        "read-log-end-before-start": "read-log end before its start",
        "read-log-unsorted": "read-log entries not ascending within the run",
        "read-log-duplicate": "read-log entries not ascending within the run",
        "read-log-beyond-last": "read-log entries not ascending within the run",
        "read-log-too-many": "more read-log entries than one upload holds",
        "read-log-count-exceeds-payload": "count larger than the payload can hold",
        "read-log-replica-zero": "read-log replica outside 1 ..< 2^63",
        "read-log-purpose-flag": "read-log purpose flag not 0 or 1",
        "read-log-text-not-utf8": "read-log text not UTF-8",
        "read-log-text-too-long": "read-log text longer than 4096 bytes",
        "read-log-ends-early": "access section ends early",
        "redaction-ack-zero": "redaction ack outside 1 ..< 2^63",
        "policy-version-top-bit": "policy version outside 1 ..< 2^63",
        "redaction-id-zero": "redaction id outside 1 ..< 2^63",
        "redaction-child-zero": "redaction child id outside 1 ..< 2^63",
        "redaction-ids-unsorted": "redactions not in strictly ascending id order",
        "redaction-ids-duplicate": "redactions not in strictly ascending id order",
        "redaction-changes-unsorted": "redacted changes not in strictly ascending order",
        "redaction-changes-unsorted-origin": "redacted changes not in strictly ascending order",
        "redaction-changes-duplicate": "redacted changes not in strictly ascending order",
        "redaction-change-seq-zero": "redacted change sequence number outside 1 ..< 2^63",
        "redaction-change-origin-top-bit": "redacted change origin outside 1 ..< 2^63",
        "redaction-empty": "redaction without changes",
        "redactions-part-empty": "no redactions in the redactions part",
        "redactions-too-many": "more than 100000 redactions",
        "redaction-count-exceeds-payload": "count larger than the payload can hold",
        "redacted-changes-too-many": "more than 1000000 redacted changes",
        "reason-bad-bytes": "reason code outside [a-z0-9_]",
        "reason-not-ascii": "reason code outside [a-z0-9_]",
        "reason-empty": "empty reason code",
        "reason-too-long": "reason code longer than 64 bytes",
        "refusals-unsorted": "refusals not in strictly ascending order",
        "refusals-duplicate": "refusals not in strictly ascending order",
        "refusal-seq-zero": "refused sequence number outside 1 ..< 2^63",
        "refusals-part-empty": "no refusals in the refusals part",
        "permissions-unknown-tag": "unknown tag in permissions",
        "permissions-unknown-role": "unknown hub role",
        "permissions-swedish-role": "unknown hub role",
        "permissions-write-not-read": "write tag not readable",
        "permissions-tags-unsorted": "permission names not in strictly ascending order",
        "permissions-tag-duplicate": "permission names not in strictly ascending order",
        "permissions-too-many-tags": "more names than the vocabulary holds",
        "permissions-children-unsorted": "permissions not in strictly ascending order",
        "permissions-child-zero": "permission child id outside 1 ..< 2^63",
        "permissions-too-many": "more than 100000 permissions",
        "grants-in-upload": "grants in an upload",
        "grants-without-permissions": "grants without permissions",
        "grants-unknown-flag": "unknown grants flag",
        "grant-unknown-flag": "unknown grant flag",
        "grant-child-without-permissions": "grant for a child without permissions",
        "grants-unsorted": "grants not in strictly ascending order",
        "grant-empty": "empty grant",
        "grant-unknown-field": "unknown field in grants",
        "grant-field-of-note": "unknown field in grants",
        "grant-fields-unsorted": "permission names not in strictly ascending order",
        "grant-episodes-unsorted": "grant episodes not in strictly ascending order",
        "grant-episode-zero": "grant episode id outside 1 ..< 2^63",
        "grant-too-many-episodes": "more than 1000 episodes in a grant",
        "grants-too-many": "more than 100000 grants",
    ]

    /// Each with exactly one defect; where the defect is not the checksum or the MAC
    /// itself, both are recomputed so the reader has to find the named defect.
    static func invalid() -> [(String, [UInt8], BundleVectorRefusal)] {
        invalidWithoutReasons().map { name, bytes, refusal in
            var refusal = refusal
            refusal.reason = reasons[name]
            return (name, bytes, refusal)
        }
    }

    private static func invalidWithoutReasons() -> [(String, [UInt8], BundleVectorRefusal)] {
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
        // As a version 2 writer made it: version 3's columns (version 3's payload is version 2's).
        let versionTwo: [UInt8] = {
            let columns = BundlePayload.encode(bundle.changes, limits: .v1, version: 3)
            let deflated = Zlib.compress(columns, level: BundleCodec.compressionLevel, strategy: .default)
            var h = BundleCodecTests.header(for: bundle, uncompressed: columns.count, compressed: deflated.count)
            h.version = 2
            return BundleCodec.frame(header: h, compressedPayload: deflated, signer: signer)
        }()
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
        let upload = uploadWithRedactionAck
        let reply = replyWithMerge
        typealias A = AccessBytes
        /// `bundle`'s changes followed by `section`, with the access flag (and the
        /// directory flag when `directory`), framed and signed as `encode` would.
        func withAccess(_ bundle: NavetWire.Bundle, _ section: [UInt8], directory: Bool = false) -> [UInt8] {
            let body = BundlePayload.encode(bundle.changes, limits: .v1) + section
            let stream = Zlib.compress(body, level: BundleCodec.compressionLevel)
            var h = BundleCodecTests.header(for: bundle, uncompressed: body.count, compressed: stream.count)
            h.flags |= BundleCodec.accessFlag | (directory ? BundleCodec.directoryFlag : 0)
            return BundleCodec.frame(header: h, compressedPayload: stream, signer: F.signer(for: bundle))
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
            ("version-2", versionTwo,
             refusal("unsupportedVersion", "a complete format version 2 file, as a version 2 writer made it", version: 2)),
            ("version-5", reframed { $0.version = 5 }, refusal("unsupportedVersion", "format version 5", version: 5)),
            ("flags-bit-4", reframed { $0.flags = 0x10 }, refusal("badFlags", "flags bit 4, which version 3 reserves", flags: 0x10)),
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
             refusal("badSignatureLength", "an unsigned file: signature length 0, no section", signatureLength: 0)),
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
            ("tag-written-out-where-predicted", hand(P.payload(tagValue: 1)),
             refusal("malformedPayload", "version 4: the tag column writes index 0 + 1 where 0 (the prediction) is the only encoding")),
            ("value-kind-written-out-where-predicted", hand(P.payload(rawKind: 2)),
             refusal("malformedPayload", "version 4: the kind column writes text + 1 for a cell's first change, whose prediction is text")),
            ("text-length-below-0", hand(P.payload(textLengthValue: -1)),
             refusal("malformedPayload", "version 4: a text length delta of -1 from the cell's previous length 0")),
            ("wall-time-planes-non-minimal", hand(P.payload(rawWallTime: [0x80, 0x00])),
             refusal("malformedPayload", "version 4: a wall time whose byte planes end in a 0x00 byte (a non-minimal varint)")),
            ("wall-time-planes-cut-short", hand(Array(P.payload(rawWallTime: [0x80]).prefix(42))),
             refusal("malformedPayload", "version 4: the payload ends where the wall times' second byte plane should be")),
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
            // Access section (BUNDLE.md, "Access section"): parts in the wrong kind.
            ("redaction-in-upload", withAccess(upload, A.parts(A.redactionsPart) + A.redactions([A.redaction()])),
             refusal("invalidValue", "a redaction in an upload")),
            ("refusals-in-upload", withAccess(upload, A.parts(A.refusalsPart) + A.refusals([(10, "tag_not_writable")])),
             refusal("invalidValue", "refusals in an upload")),
            ("permissions-in-upload", withAccess(upload, A.parts(A.permissionsPart) + A.permissions([A.permission()])),
             refusal("invalidValue", "permissions in an upload")),
            ("policy-version-in-upload", withAccess(upload, A.parts(A.policyPart) + A.u64(3)),
             refusal("invalidValue", "a non-zero policy version in an upload")),
            ("redaction-ack-in-reply", withAccess(reply, A.parts(A.ackPart) + A.u64(44)),
             refusal("invalidValue", "a non-zero redaction acknowledgement in a reply")),
            // The section itself.
            ("access-missing", withAccess(reply, []), refusal("malformedPayload", "the access flag set, no section after the columns")),
            ("access-empty", withAccess(reply, A.parts(0)), refusal("invalidValue", "an access section without parts")),
            ("access-unknown-part", withAccess(reply, A.parts(0x80)), refusal("malformedPayload", "access part bit 7")),
            // The audit part of a reply (BUNDLE.md, "Audit part"): its pieces byte, the
            // read-log acknowledgement and purpose tags, the ledger checkpoint.
            ("read-log-empty-reply-part", withAccess(reply, A.parts(A.auditPart) + [0]),
             refusal("invalidValue", "an audit part whose pieces byte is 0")),
            ("audit-unknown-piece", withAccess(reply, A.parts(A.auditPart) + [A.checkpointPiece | 0x08] + A.checkpoint()),
             refusal("malformedPayload", "audit piece bit 3")),
            ("read-log-ack-zero", withAccess(reply, A.parts(A.auditPart) + [A.readLogAckPiece] + A.u64(0)),
             refusal("invalidValue", "a read-log acknowledgement written as present but 0")),
            ("read-log-ack-top-bit", withAccess(reply, A.parts(A.auditPart) + [A.readLogAckPiece] + A.u64(1 << 63)),
             refusal("invalidValue", "read-log ack 2^63")),
            ("read-log-unknown-purpose-tag", withAccess(reply, A.parts(A.auditPart) + [A.readLogAckPiece | A.purposeTagsPiece]
                + A.u64(2) + [1] + A.code(Array("secret".utf8))),
             refusal("invalidValue", "purpose tag 'secret'")),
            ("purpose-tags-empty", withAccess(reply, A.parts(A.auditPart) + [A.purposeTagsPiece] + [0]),
             refusal("invalidValue", "a purpose tags piece written as present with no tags")),
            // An upload's run.
            ("read-log-unknown-flag", withAccess(upload, A.parts(A.auditPart) + A.readLog(flags: 0x02)),
             refusal("invalidValue", "run flag bit 1")),
            ("read-log-from-zero", withAccess(upload, A.parts(A.auditPart) + A.readLog(from: 0)),
             refusal("invalidValue", "run starting at 0")),
            ("read-log-end-before-start", withAccess(upload, A.parts(A.auditPart) + A.readLog(from: 5, last: 3, entries: [])),
             refusal("invalidValue", "run from 5 on a log that ends at 3")),
            ("read-log-unsorted", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [A.readLogEntry(seq: 2), A.readLogEntry(seq: 1)])),
             refusal("invalidValue", "entry 2 before entry 1")),
            ("read-log-duplicate", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [A.readLogEntry(seq: 1), A.readLogEntry(seq: 1)])),
             refusal("invalidValue", "entry 1 twice")),
            ("read-log-beyond-last", withAccess(upload, A.parts(A.auditPart) + A.readLog(last: 1, entries: [A.readLogEntry(seq: 2)])),
             refusal("invalidValue", "entry 2 in a run whose log ends at 1")),
            ("read-log-too-many", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [], count: 10_001)),
             refusal("tooLarge", "10,001 entries declared")),
            ("read-log-count-exceeds-payload", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [A.readLogEntry(seq: 1)], count: 5)),
             refusal("malformedPayload", "5 entries declared, one present")),
            ("read-log-replica-zero", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [A.readLogEntry(seq: 1, replica: 0)])),
             refusal("invalidValue", "an entry of replica 0")),
            ("read-log-purpose-flag", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [A.readLogEntry(seq: 1, purposeFlag: 2)])),
             refusal("invalidValue", "purpose flag 2")),
            ("read-log-text-not-utf8", withAccess(upload, A.parts(A.auditPart) + A.readLog(entries: [A.readLogEntry(seq: 1, user: [0x61, 0xC3])])),
             refusal("invalidValue", "a user name ending inside a UTF-8 sequence")),
            ("read-log-text-too-long", withAccess(upload, A.parts(A.auditPart)
                + A.readLog(entries: [A.readLogEntry(seq: 1, user: [UInt8](repeating: 0x61, count: 4097))])),
             refusal("tooLarge", "a user name of 4097 bytes")),
            ("read-log-ends-early", withAccess(upload, A.parts(A.auditPart) + Array(A.readLog(entries: [A.readLogEntry(seq: 1)]).dropLast(1))),
             refusal("malformedPayload", "the last hash one byte short")),
            ("checkpoint-in-upload", withAccess(upload, A.parts(A.auditPart) + [A.checkpointPiece] + A.checkpoint()),
             refusal("invalidValue", "a reply's audit part (a checkpoint) in an upload, read as a read-log run: pieces byte 0x04 is an unknown run flag")),
            ("checkpoint-row-zero", withAccess(reply, A.parts(A.auditPart) + [A.checkpointPiece] + A.checkpoint(row: 0)),
             refusal("invalidValue", "a checkpoint of row 0")),
            ("checkpoint-after-ack-and-tags-short", withAccess(reply, A.parts(A.auditPart) + [A.knownAuditPieces] + A.u64(2)
                + [1] + A.code(Array("health".utf8)) + Array(A.checkpoint().dropLast())),
             refusal("malformedPayload", "all three pieces, the checkpoint one byte short of its MAC")),
            ("checkpoint-short", withAccess(reply, A.parts(A.auditPart) + [A.checkpointPiece] + Array(A.checkpoint().dropLast())),
             refusal("malformedPayload", "a checkpoint one byte short of its MAC")),
            ("access-trailing-bytes", withAccess(reply, A.parts(A.policyPart) + A.u64(3) + [0]),
             refusal("malformedPayload", "a byte after the access section")),
            ("redaction-ack-zero", withAccess(upload, A.parts(A.ackPart) + A.u64(0)),
             refusal("invalidValue", "a redaction acknowledgement written as present but 0")),
            ("policy-version-top-bit", withAccess(reply, A.parts(A.policyPart) + A.u64(1 << 63)),
             refusal("invalidValue", "policy version 2^63")),
            // Redactions.
            ("redaction-id-zero", withAccess(reply, A.parts(A.redactionsPart) + A.redactions([A.redaction(id: 0)])),
             refusal("invalidValue", "redaction id 0")),
            ("redaction-child-zero", withAccess(reply, A.parts(A.redactionsPart) + A.redactions([A.redaction(child: 0)])),
             refusal("invalidValue", "a redaction of child 0")),
            ("redaction-ids-unsorted", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(id: 7), A.redaction(id: 6)])),
             refusal("malformedPayload", "redaction 7 before redaction 6")),
            ("redaction-ids-duplicate", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(id: 7), A.redaction(id: 7)])),
             refusal("malformedPayload", "redaction 7 twice")),
            ("redaction-changes-unsorted", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(changes: [(0xB, 5), (0xB, 4)])])),
             refusal("malformedPayload", "redacted change (b, 5) before (b, 4)")),
            ("redaction-changes-unsorted-origin", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(changes: [(0xC, 1), (0xB, 9)])])),
             refusal("malformedPayload", "redacted change of origin c before one of origin b")),
            ("redaction-changes-duplicate", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(changes: [(0xB, 4), (0xB, 4)])])),
             refusal("malformedPayload", "one redacted change twice")),
            ("redaction-change-seq-zero", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(changes: [(0xB, 0)])])),
             refusal("invalidValue", "a redacted change with sequence number 0")),
            ("redaction-change-origin-top-bit", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(changes: [(1 << 63 | 0xB, 1)])])),
             refusal("invalidValue", "a redacted change whose origin has the top bit set")),
            ("redaction-empty", withAccess(reply, A.parts(A.redactionsPart) + A.redactions([A.redaction(changes: [])])),
             refusal("invalidValue", "a redaction without changes")),
            ("redactions-part-empty", withAccess(reply, A.parts(A.redactionsPart) + A.redactions([])),
             refusal("invalidValue", "the redactions part present with count 0")),
            ("redactions-too-many", withAccess(reply, A.parts(A.redactionsPart) + A.redactions([A.redaction()], count: 100_001)),
             refusal("tooLarge", "100,001 redactions declared")),
            ("redaction-count-exceeds-payload", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction()], count: 1000)),
             refusal("malformedPayload", "1000 redactions declared, one present")),
            ("redacted-changes-too-many", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(changeCount: 1_000_001)])),
             refusal("tooLarge", "a redaction declaring 1,000,001 changes")),
            // Reason codes (redactions and refusals alike).
            ("reason-bad-bytes", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(reason: Array("Membership_ended".utf8))])),
             refusal("invalidValue", "a reason code with a capital letter")),
            ("reason-not-ascii", withAccess(reply, A.parts(A.refusalsPart) + A.refusals([(10, "tag_not_writable")], rawReason: Array("åtkomst".utf8))),
             refusal("invalidValue", "a refusal reason code with å")),
            ("reason-empty", withAccess(reply, A.parts(A.refusalsPart) + A.refusals([(10, "")])),
             refusal("invalidValue", "an empty refusal reason code")),
            ("reason-too-long", withAccess(reply, A.parts(A.redactionsPart)
                + A.redactions([A.redaction(reason: [UInt8](repeating: 0x61, count: 65))])),
             refusal("tooLarge", "a reason code of 65 bytes")),
            // Refusals.
            ("refusals-unsorted", withAccess(reply, A.parts(A.refusalsPart) + A.refusals([(12, "not_in_hub"), (10, "not_in_hub")])),
             refusal("malformedPayload", "refused change 12 before 10")),
            ("refusals-duplicate", withAccess(reply, A.parts(A.refusalsPart) + A.refusals([(10, "not_in_hub"), (10, "not_in_hub")])),
             refusal("malformedPayload", "refused change 10 twice")),
            ("refusal-seq-zero", withAccess(reply, A.parts(A.refusalsPart) + A.refusals([(0, "not_in_hub")])),
             refusal("invalidValue", "refused sequence number 0")),
            ("refusals-part-empty", withAccess(reply, A.parts(A.refusalsPart) + A.refusals([])),
             refusal("invalidValue", "the refusals part present with count 0")),
            // Permissions.
            ("permissions-unknown-tag", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([A.permission(read: ["basic", "secret"])])),
             refusal("invalidValue", "read tag 'secret', not in the vocabulary")),
            ("permissions-unknown-role", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([A.permission(roles: ["mentor"])])),
             refusal("invalidValue", "role 'mentor', not a hub role")),
            ("permissions-swedish-role", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([A.permission(roles: ["god_man"])])),
             refusal("invalidValue", "the Swedish word for a role instead of its code")),
            ("permissions-write-not-read", withAccess(reply, A.parts(A.permissionsPart)
                + A.permissions([A.permission(read: ["basic"], write: ["basic", "health"])])),
             refusal("invalidValue", "write tag health, which is not a read tag")),
            ("permissions-tags-unsorted", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([A.permission(read: ["school", "basic"])])),
             refusal("malformedPayload", "read tags not in byte order")),
            ("permissions-tag-duplicate", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([A.permission(read: ["basic", "basic"])])),
             refusal("malformedPayload", "one read tag twice")),
            ("permissions-too-many-tags", withAccess(reply, A.parts(A.permissionsPart)
                + A.permissions([A.permission(read: Array(repeating: "basic", count: 10))])),
             refusal("tooLarge", "ten read tags, more than the vocabulary holds")),
            ("permissions-children-unsorted", withAccess(reply, A.parts(A.permissionsPart)
                + A.permissions([A.permission(child: 0xC2), A.permission(child: 0xC1)])),
             refusal("malformedPayload", "child c2 before child c1")),
            ("permissions-child-zero", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([A.permission(child: 0)])),
             refusal("invalidValue", "permissions for child 0")),
            // Grants (BUNDLE.md, "Grants"): permissions for c1 and c2, then the grants part.
            ("grants-in-upload", withAccess(upload, A.parts(A.grantsPart) + A.grants([])),
             refusal("invalidValue", "the grants part in an upload")),
            ("grants-without-permissions", withAccess(reply, A.parts(A.grantsPart) + A.grants([])),
             refusal("invalidValue", "the grants part without the permissions part")),
            ("grants-unknown-flag", withAccess(reply, A.grantsSection(A.grants([], flags: 0x02))),
             refusal("malformedPayload", "grants flag bit 1")),
            ("grant-unknown-flag", withAccess(reply, A.grantsSection(A.grants([A.grant(flags: 0x08)]))),
             refusal("malformedPayload", "a grant's flag bit 3")),
            ("grant-child-without-permissions", withAccess(reply, A.grantsSection(A.grants([A.grant(child: 0xC3)]))),
             refusal("invalidValue", "a grant for child c3, which has no permissions")),
            ("grants-unsorted", withAccess(reply, A.grantsSection(A.grants([A.grant(child: 0xC2), A.grant(child: 0xC1)]))),
             refusal("malformedPayload", "grant for c2 before grant for c1")),
            ("grant-empty", withAccess(reply, A.grantsSection(A.grants([A.grant(flags: 0, fields: [], episodes: [])]))),
             refusal("invalidValue", "a grant with nothing to say")),
            ("grant-unknown-field", withAccess(reply, A.grantsSection(A.grants([A.grant(fields: ["child.shoe_size"])]))),
             refusal("invalidValue", "field child.shoe_size, not in the schema")),
            ("grant-field-of-note", withAccess(reply, A.grantsSection(A.grants([A.grant(fields: ["note.text"])]))),
             refusal("invalidValue", "a field of note: grants name fields of child and missing only")),
            ("grant-fields-unsorted", withAccess(reply, A.grantsSection(A.grants([A.grant(fields: ["missing.last_seen_place", "child.name"])]))),
             refusal("malformedPayload", "fields not in byte order")),
            ("grant-episodes-unsorted", withAccess(reply, A.grantsSection(A.grants([A.grant(episodes: [0xE2, 0xE1])]))),
             refusal("malformedPayload", "episode e2 before e1")),
            ("grant-episode-zero", withAccess(reply, A.grantsSection(A.grants([A.grant(episodes: [0])]))),
             refusal("invalidValue", "episode 0")),
            ("grant-too-many-episodes", withAccess(reply, A.grantsSection(A.grants([A.grant(episodes: [], episodeCount: 1001)]))),
             refusal("tooLarge", "1001 episodes declared")),
            ("grants-too-many", withAccess(reply, A.grantsSection(A.grants([], count: 100_001))),
             refusal("tooLarge", "100001 grants declared")),
            ("permissions-too-many", withAccess(reply, A.parts(A.permissionsPart) + A.permissions([], count: 100_001)),
             refusal("tooLarge", "100,001 children declared")),
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
            let version: UInt16 = file.name.hasPrefix("version-3-") ? 3 : BundleCodec.formatVersion
            #expect(signed.formatVersion == version && bytes[5] == UInt8(version))
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
            let reencoded = BundleCodec.encode(signed.bundle, signer: signer, version: version)
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
                #expect(BundleVectorRefusal.codesWithReason.contains(expected.error) == (expected.reason != nil),
                        "the description gives a reason exactly for tooLarge, malformedPayload and invalidValue")
                if let reason = expected.reason { #expect(error.reason == reason, "\(error)") }
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

/// Access sections written byte by byte (BUNDLE.md, "Access section"), so each invalid
/// vector can break exactly one rule the encoder would never break.
enum AccessBytes {
    static let ackPart = AccessSection.ackPart
    static let policyPart = AccessSection.policyPart
    static let redactionsPart = AccessSection.redactionsPart
    static let refusalsPart = AccessSection.refusalsPart
    static let permissionsPart = AccessSection.permissionsPart
    static let grantsPart = AccessSection.grantsPart
    static let auditPart = AccessSection.auditPart
    static let readLogAckPiece = AccessSection.readLogAckPiece
    static let purposeTagsPiece = AccessSection.purposeTagsPiece
    static let checkpointPiece = AccessSection.checkpointPiece
    static let knownAuditPieces = AccessSection.knownAuditPieces

    /// An upload's read-log run written by hand: any flags, bounds and count.
    static func readLog(flags: UInt8 = 0, from: UInt64 = 1, last: UInt64 = 3, entries: [[UInt8]] = [], count: Int? = nil) -> [UInt8] {
        var out = ByteWriter()
        out.u8(flags)
        out.u64(from)
        out.u64(last)
        out.varint(count ?? entries.count)
        for entry in entries { out.append(entry) }
        return out.bytes
    }

    /// One read-log entry written by hand (hashes are not checked by the reader).
    static func readLogEntry(seq: UInt64, replica: UInt64 = 0x0a11_ce00_0000_0001, user: [UInt8] = Array("åsa".utf8),
                             purposeFlag: UInt8 = 0) -> [UInt8] {
        var out = ByteWriter()
        out.u64(seq)
        out.u64(replica)
        out.u64(1_000)
        out.varint(user.count)
        out.append(user)
        for text in ["display", "child list"] {
            out.varint(text.utf8.count)
            out.append(Array(text.utf8))
        }
        out.varint(1)
        out.u64(0x0c41_1d00_0000_0001)
        out.varint(0)
        out.varint(0)
        out.u8(purposeFlag)
        out.append([UInt8](repeating: 0, count: 32))
        out.append([UInt8](repeating: 0xAB, count: 32))
        return out.bytes
    }

    /// Permissions for c1 and c2, then `grants`: a reply's section with both parts.
    static func grantsSection(_ grants: [UInt8]) -> [UInt8] {
        parts(permissionsPart | grantsPart) + permissions([permission(child: 0xC1), permission(child: 0xC2)]) + grants
    }

    /// One grant; `episodeCount` declares another number of episodes than given.
    static func grant(child: UInt64 = 0xC1, flags: UInt8 = 0x01, fields: [String] = ["child.name"],
                      episodes: [UInt64] = [0xE1], episodeCount: Int? = nil) -> [UInt8] {
        var out = ByteWriter()
        out.u64(child)
        out.u8(flags)
        out.varint(fields.count)
        for name in fields { out.append(code(Array(name.utf8))) }
        out.varint(episodeCount ?? episodes.count)
        for episode in episodes { out.u64(episode) }
        return out.bytes
    }

    static func grants(_ entries: [[UInt8]], flags: UInt8 = 0, count: Int? = nil) -> [UInt8] {
        var out = ByteWriter()
        out.u8(flags)
        out.varint(count ?? entries.count)
        for entry in entries { out.append(entry) }
        return out.bytes
    }

    /// A checkpoint piece: row, head, time, MAC (the MAC is not checked by the codec).
    static func checkpoint(row: UInt64 = 1042) -> [UInt8] {
        var out = ByteWriter()
        out.u64(row)
        out.append([UInt8](repeating: 0x11, count: 32))
        out.u64(1_796_000_000_000)
        out.append([UInt8](repeating: 0x22, count: 32))
        return out.bytes
    }

    static func parts(_ bits: UInt8) -> [UInt8] { [bits] }

    static func u64(_ value: UInt64) -> [UInt8] {
        var out = ByteWriter()
        out.u64(value)
        return out.bytes
    }

    static func code(_ bytes: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        out.varint(bytes.count)
        out.append(bytes)
        return out.bytes
    }

    /// One redaction; `changeCount` declares another number of changes than given.
    static func redaction(
        id: UInt64 = 41, child: UInt64 = 0xC1, reason: [UInt8] = Array("membership_ended".utf8),
        changes: [(UInt64, UInt64)] = [(0xB, 4), (0xB, 5), (0xC, 1)], changeCount: Int? = nil
    ) -> [UInt8] {
        var out = ByteWriter()
        out.u64(id)
        out.u64(child)
        out.append(code(reason))
        out.varint(changeCount ?? changes.count)
        for (origin, seq) in changes {
            out.u64(origin)
            out.u64(seq)
        }
        return out.bytes
    }

    static func redactions(_ entries: [[UInt8]], count: Int? = nil) -> [UInt8] {
        var out = ByteWriter()
        out.varint(count ?? entries.count)
        for entry in entries { out.append(entry) }
        return out.bytes
    }

    /// Refusals as (seq, reason); `rawReason` replaces the first one's reason bytes.
    static func refusals(_ entries: [(UInt64, String)], rawReason: [UInt8]? = nil) -> [UInt8] {
        var out = ByteWriter()
        out.varint(entries.count)
        for (index, entry) in entries.enumerated() {
            out.u64(entry.0)
            out.append(code(index == 0 ? rawReason ?? Array(entry.1.utf8) : Array(entry.1.utf8)))
        }
        return out.bytes
    }

    /// One child's permissions, names written in the order given.
    static func permission(
        child: UInt64 = 0xC1, read: [String] = ["basic", "school"], write: [String] = ["school"],
        roles: [String] = ["school_mentor"]
    ) -> [UInt8] {
        var out = ByteWriter()
        out.u64(child)
        for list in [read, write, roles] {
            out.varint(list.count)
            for name in list { out.append(code(Array(name.utf8))) }
        }
        return out.bytes
    }

    static func permissions(_ entries: [[UInt8]], count: Int? = nil) -> [UInt8] {
        var out = ByteWriter()
        out.varint(count ?? entries.count)
        for entry in entries { out.append(entry) }
        return out.bytes
    }
}
