import NavetCore

/// The access section of a version 3 payload (`Protocol/BUNDLE.md`, "Access section"):
/// what need to know adds to a bundle besides the changes. Flag bit 3 announces it; it
/// ends the payload (after the directory when both are present).
///
/// ```
/// access      = parts u8                 bit 0 ack (uploads), 1 policy version, 2 redactions,
///                                        3 refusals, 4 permissions, 5 grants (replies; 5 only
///                                        with 4), 6 audit (both kinds, see ReadLogPart.swift);
///                                        7 zero; not 0
///               [redactionAck u64] [policyVersion u64] [redactions] [refusals] [permissions] [grants]
///               [audit: readLog (uploads) | auditReply (replies)]
/// redactions  = count varint (1 … 100,000), redactions strictly ascending by id
/// redaction   = id u64, child u64, reason code, n varint (1 … 1,000,000),
///               n × (origin u64, seq u64) strictly ascending
/// refusals    = count varint (1 … 1,000,000), (seq u64, reason code) strictly ascending by seq
/// permissions = count varint (0 … 100,000), (child u64, read names, write names, roles names)
///               strictly ascending by child
/// grants      = flags u8 (bit 0 may register children; 1–7 zero),
///               count varint (0 … 100,000), (child u64, flags u8 (bit 0 registrar, 1 may change
///               the hub, 2 may record consent; 3–7 zero), fields names, episodes count varint
///               (0 … 1,000), episodes × u64 strictly ascending) strictly ascending by child,
///               each child one of the permissions part, none without something to say
/// names       = count varint, names (varint length, bytes) strictly ascending by bytes
/// auditReply  = pieces u8 (bit 0 read-log ack, 1 purpose tags, 2 checkpoint; 3–7 zero; not 0),
///               [ack u64 (1 ..< 2^63)] [purposeTags names (1 … 9)] [checkpoint]
/// checkpoint  = row u64 (1 ..< 2^63), head 32 bytes, signedAt i64, mac 32 bytes
/// code        = varint length (1 … 64), bytes in [a-z0-9_]
/// ```
/// A part is present exactly when it is not empty, so the encoding is canonical, and a
/// bundle with nothing to say here has no section at all (costs 0 bytes).
enum AccessSection {
    /// Part bits of the parts byte.
    static let ackPart: UInt8 = 0x01
    static let policyPart: UInt8 = 0x02
    static let redactionsPart: UInt8 = 0x04
    static let refusalsPart: UInt8 = 0x08
    static let permissionsPart: UInt8 = 0x10
    static let grantsPart: UInt8 = 0x20
    static let knownParts: UInt8 = 0x7F

    /// Bits of the grants part's flags byte and of each grant's flags byte.
    static let mayRegisterFlag: UInt8 = 0x01
    static let registrarFlag: UInt8 = 0x01
    static let mayChangeHubFlag: UInt8 = 0x02
    static let mayRecordConsentFlag: UInt8 = 0x04
    static let knownGrantFlags: UInt8 = 0x07
    /// Most open episodes in one grant.
    static let maxEpisodes = 1_000
    /// The fields a grant may name: those of `child` and `missing` (the missing rule's).
    static let grantableFields: [String] = ["child", "missing"].flatMap { type in
        (Schema.current.recordType(type)?.fields ?? []).map { "\(type).\($0.name)" }
    }

    // The reader's limits, the defaults of `BundleLimits` (which a test or the fuzzer may
    // lower): BUNDLE.md, "Limits a reader enforces".

    /// Most redactions in one bundle.
    static let maxRedactions = 100_000
    /// Most changes in one redaction, and in all redactions of one bundle together.
    static let maxRedactedChanges = 1_000_000
    /// Most refusals in one bundle (an upload holds at most 1,000,000 changes).
    static let maxRefusals = 1_000_000
    /// Most children in the permissions part.
    static let maxPermissions = 100_000
    /// Longest reason code, in bytes.
    static let maxReasonBytes = 64
    /// Longest name in a permission's lists (every known tag and role is far shorter).
    static let maxNameBytes = 255

    /// The least bytes each counted item takes: bounds a count before anything is reserved.
    /// Counted from the structure alone (a reason's length byte, a change count), so that
    /// an empty reason or redaction is refused as such, not as a short payload.
    static let minimumBytesPerRedaction = 8 + 8 + 1 + 1
    static let minimumBytesPerRedactedChange = 16
    static let minimumBytesPerRefusal = 8 + 1
    static let minimumBytesPerPermission = 8 + 3
    static let minimumBytesPerName = 1
    static let minimumBytesPerGrant = 8 + 1 + 1 + 1
    static let minimumBytesPerEpisode = 8

    /// The seven fields the section carries (the grants part's per-child half lives in
    /// `permissions`).
    struct Fields: Hashable {
        var redactionAck: UInt64 = 0
        var policyVersion: UInt64 = 0
        var redactions: [Redaction] = []
        var refusals: [ChangeRefusal] = []
        var permissions: [ChildPermission]?
        var mayRegister: Bool?
        /// Upload: the run of read-log entries (bit 6).
        var readLog: ReadLogUpload?
        /// Reply: the highest read-log seq of the recipient the central store holds, and
        /// the tags whose display needs a purpose under its policy (bit 6).
        var readLogAck: UInt64 = 0
        var purposeTags: [String] = []
        /// Reply: the latest signed checkpoint of the disclosure ledger (bit 6).
        var checkpoint: LedgerCheckpoint?

        var parts: UInt8 {
            (redactionAck != 0 ? ackPart : 0) | (policyVersion != 0 ? policyPart : 0)
                | (redactions.isEmpty ? 0 : redactionsPart) | (refusals.isEmpty ? 0 : refusalsPart)
                | (permissions == nil ? 0 : permissionsPart) | (mayRegister == nil ? 0 : grantsPart)
                | (readLog != nil || readLogAck != 0 || !purposeTags.isEmpty || checkpoint != nil ? auditPart : 0)
        }
    }

    /// The parts byte for `bundle`: one bit per non-empty part; 0 means "no section".
    static func parts(of bundle: Bundle) -> UInt8 {
        fields(of: bundle).parts
    }

    static func fields(of bundle: Bundle) -> Fields {
        Fields(redactionAck: bundle.redactionAck, policyVersion: bundle.policyVersion, redactions: bundle.redactions,
               refusals: bundle.refusals, permissions: bundle.permissions, mayRegister: bundle.mayRegister,
               readLog: bundle.readLog, readLogAck: bundle.readLogAck, purposeTags: bundle.purposeTags,
               checkpoint: bundle.checkpoint)
    }

    /// A reason code: 1 to 64 bytes of a–z, 0–9 and `_`.
    static func isValidReason(_ code: some Collection<UInt8>) -> Bool {
        (1...maxReasonBytes).contains(code.count) && code.allSatisfy(isReasonByte)
    }

    static func isReasonByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F
    }

    // MARK: - Encoding

    /// Appends the section for `bundle`, whose `parts(of:)` is not 0. Lists are written in
    /// their canonical order (redactions by id, changes by (origin, seq), refusals by seq,
    /// permissions by child, names by bytes), so a bundle given in another order decodes
    /// sorted.
    ///
    /// Precondition: the parts fit the bundle's kind, every number is in its range, no
    /// list repeats an entry or exceeds its limit, every redaction has changes, every
    /// reason code is valid, every write tag is also a read tag. The sync layer builds
    /// such bundles; anything else is a bug in the caller.
    static func encode(_ bundle: Bundle, to bytes: inout [UInt8]) {
        let parts = parts(of: bundle)
        switch bundle.kind {
        case .upload:
            precondition(parts & ~(ackPart | auditPart) == 0, "an upload carries only the redaction acknowledgement and the read log")
            precondition(bundle.readLogAck == 0 && bundle.purposeTags.isEmpty && bundle.checkpoint == nil,
                         "an upload's audit part carries only read-log entries")
        case .reply:
            precondition(parts & ackPart == 0, "a reply carries no redaction acknowledgement")
            precondition(bundle.readLog == nil, "a reply carries no read-log entries")
        }
        write(fields(of: bundle), to: &bytes)
    }

    /// Appends the section for `fields` without checking which kind may carry which part:
    /// `encode` does that. Internal so that tests can write a part into the wrong kind.
    static func write(_ bundle: Fields, to bytes: inout [UInt8]) {
        let parts = bundle.parts
        precondition(parts != 0, "an access section needs at least one part")
        precondition(bundle.mayRegister == nil || bundle.permissions != nil, "grants travel only with permissions")
        precondition(bundle.mayRegister != nil || !(bundle.permissions ?? []).contains { $0.hasGrantDetails },
                     "a permission's fields, episodes and flags travel only in the grants part")
        var out = ByteWriter()
        out.u8(parts)
        if bundle.redactionAck != 0 {
            precondition(BundlePayload.isValidID(bundle.redactionAck), "redaction ack outside 0 ..< 2^63")
            out.u64(bundle.redactionAck)
        }
        if bundle.policyVersion != 0 {
            precondition(BundlePayload.isValidID(bundle.policyVersion), "policy version outside 0 ..< 2^63")
            out.u64(bundle.policyVersion)
        }
        if !bundle.redactions.isEmpty {
            let redactions = bundle.redactions.sorted { $0.id < $1.id }
            precondition(redactions.count <= BundleCodec.limits.maxRedactions, "more redactions than the format allows; page them")
            out.varint(redactions.count)
            var previous: UInt64 = 0
            var total = 0
            for redaction in redactions {
                precondition(BundlePayload.isValidID(redaction.id) && redaction.id > previous,
                             "redaction ids must be valid and distinct")
                previous = redaction.id
                precondition(BundlePayload.isValidID(redaction.child.rawValue), "redaction child outside 1 ..< 2^63")
                out.u64(redaction.id)
                out.u64(redaction.child.rawValue)
                writeReason(redaction.reason, to: &out)
                let changes = redaction.changes.sorted()
                precondition(!changes.isEmpty, "a redaction names at least one change")
                total += changes.count
                precondition(total <= BundleCodec.limits.maxRedactedChanges, "more redacted changes than the format allows; page them")
                out.varint(changes.count)
                var last: ChangeRef?
                for change in changes {
                    precondition(BundlePayload.isValidID(change.origin.rawValue) && BundlePayload.isValidID(change.seq),
                                 "redacted change outside 1 ..< 2^63")
                    precondition(last.map { $0 < change } ?? true, "a redaction names a change twice")
                    last = change
                    out.u64(change.origin.rawValue)
                    out.u64(change.seq)
                }
            }
        }
        if !bundle.refusals.isEmpty {
            let refusals = bundle.refusals.sorted { $0.seq < $1.seq }
            precondition(refusals.count <= BundleCodec.limits.maxRefusals, "more refusals than the format allows")
            out.varint(refusals.count)
            var previous: UInt64 = 0
            for refusal in refusals {
                precondition(BundlePayload.isValidID(refusal.seq) && refusal.seq > previous,
                             "refused sequence numbers must be valid and distinct")
                previous = refusal.seq
                out.u64(refusal.seq)
                writeReason(refusal.reason, to: &out)
            }
        }
        if let permissions = bundle.permissions {
            let sorted = permissions.sorted { $0.child.rawValue < $1.child.rawValue }
            precondition(sorted.count <= BundleCodec.limits.maxPermissions, "more permissions than the format allows")
            out.varint(sorted.count)
            var previous: UInt64 = 0
            for permission in sorted {
                precondition(BundlePayload.isValidID(permission.child.rawValue) && permission.child.rawValue > previous,
                             "permission children must be valid and distinct")
                previous = permission.child.rawValue
                precondition(permission.write.isSubset(of: permission.read), "a write tag must also be a read tag")
                out.u64(permission.child.rawValue)
                writeNames(permission.read.map(\.rawValue), to: &out)
                writeNames(permission.write.map(\.rawValue), to: &out)
                writeNames(permission.roles.map(\.rawValue), to: &out)
            }
            if let mayRegister = bundle.mayRegister {
                out.u8(mayRegister ? mayRegisterFlag : 0)
                let detailed = sorted.filter(\.hasGrantDetails)
                out.varint(detailed.count)
                for permission in detailed {
                    precondition(permission.episodes.count <= maxEpisodes, "more open episodes than the format allows")
                    out.u64(permission.child.rawValue)
                    out.u8((permission.isRegistrar ? registrarFlag : 0) | (permission.mayChangeHub ? mayChangeHubFlag : 0)
                        | (permission.mayRecordConsent ? mayRecordConsentFlag : 0))
                    let fields = permission.fields.map(\.description)
                    precondition(fields.allSatisfy(grantableFields.contains), "a grant names only fields of child and missing")
                    writeNames(fields, to: &out)
                    let episodes = permission.episodes.map(\.rawValue).sorted()
                    precondition(episodes.allSatisfy(BundlePayload.isValidID), "grant episode outside 1 ..< 2^63")
                    out.varint(episodes.count)
                    for episode in episodes { out.u64(episode) }
                }
            }
        }
        if let readLog = bundle.readLog {
            precondition(bundle.readLogAck == 0 && bundle.purposeTags.isEmpty && bundle.checkpoint == nil,
                         "read-log entries and a reply's audit pieces never share a part")
            writeReadLog(readLog, to: &out)
        } else if bundle.readLogAck != 0 || !bundle.purposeTags.isEmpty || bundle.checkpoint != nil {
            writeAuditReply(ack: bundle.readLogAck, purposeTags: bundle.purposeTags, checkpoint: bundle.checkpoint, to: &out)
        }
        bytes.append(contentsOf: out.bytes)
    }

    private static func writeReason(_ reason: String, to out: inout ByteWriter) {
        let code = Array(reason.utf8)
        precondition(isValidReason(code), "reason code must be 1 to 64 bytes of [a-z0-9_]")
        out.varint(code.count)
        out.append(code)
    }

    private static func writeNames(_ names: [String], to out: inout ByteWriter) {
        let sorted = names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        out.varint(sorted.count)
        for name in sorted {
            out.varint(name.count)
            out.append(name)
        }
    }

    // MARK: - Decoding

    // Reasons, as BUNDLE.md names them.
    static let endsEarly = "access section ends early"
    static let leftover = "bytes after the access section"
    static let countExceedsPayload = "count larger than the payload can hold"

    /// Reads the section that starts at `start` and must end the payload, for a bundle of
    /// `kind`. Throws `malformedPayload`, `tooLarge` or `invalidValue`, never traps;
    /// reserves memory only for counts already checked against the bytes that remain.
    static func decode(_ payload: [UInt8], from start: Int, kind: Bundle.Kind,
                       limits: BundleLimits = BundleCodec.limits) throws(BundleError) -> Fields {
        var parser = Parser(reader: ByteReader(payload, from: start), limits: limits)
        let fields = try parser.section(kind: kind)
        guard parser.reader.isAtEnd else { throw .malformedPayload(leftover) }
        return fields
    }

    private struct Parser {
        var reader: ByteReader
        let limits: BundleLimits

        // The payload parser's readers, with this section's reason for running out of bytes.
        mutating func varint() throws(BundleError) -> UInt64 {
            do { return try reader.varint() } catch { throw BundlePayload.failure(error, endsEarly: AccessSection.endsEarly) }
        }

        mutating func u8() throws(BundleError) -> UInt8 {
            do { return try reader.u8() } catch { throw BundlePayload.failure(error, endsEarly: AccessSection.endsEarly) }
        }

        mutating func u64() throws(BundleError) -> UInt64 {
            do { return try reader.u64() } catch { throw BundlePayload.failure(error, endsEarly: AccessSection.endsEarly) }
        }

        mutating func bytes(_ count: Int) throws(BundleError) -> ArraySlice<UInt8> {
            do { return try reader.bytes(count) } catch {
                throw BundlePayload.failure(error, endsEarly: AccessSection.endsEarly)
            }
        }

        /// A count of at most `limit` items of at least `minimumBytes` each.
        mutating func count(limit: Int, minimumBytes: Int, tooMany: String) throws(BundleError) -> Int {
            let value = try varint()
            guard value <= UInt64(limit) else { throw .tooLarge(tooMany) }
            guard value <= UInt64(reader.remaining / minimumBytes) else {
                throw .malformedPayload(AccessSection.countExceedsPayload)
            }
            return Int(value)
        }

        /// A u64 in 1 ..< 2^63; `name` says which field in the refusal.
        mutating func id(_ name: String) throws(BundleError) -> UInt64 {
            let value = try u64()
            guard BundlePayload.isValidID(value) else { throw .invalidValue("\(name) outside 1 ..< 2^63") }
            return value
        }

        mutating func reason() throws(BundleError) -> String {
            let length = try varint()
            guard length >= 1 else { throw .invalidValue("empty reason code") }
            guard length <= UInt64(AccessSection.maxReasonBytes) else {
                throw .tooLarge("reason code longer than \(AccessSection.maxReasonBytes) bytes")
            }
            let code = try bytes(Int(length))
            guard code.allSatisfy(AccessSection.isReasonByte) else { throw .invalidValue("reason code outside [a-z0-9_]") }
            // ASCII by the check above, so always valid UTF-8.
            return String(decoding: code, as: UTF8.self)
        }

        mutating func section(kind: Bundle.Kind) throws(BundleError) -> Fields {
            let parts = try u8()
            guard parts & ~AccessSection.knownParts == 0 else { throw .malformedPayload("unknown access part") }
            guard parts != 0 else { throw .invalidValue("empty access section") }
            switch kind {
            case .upload:
                for (bit, name) in [(AccessSection.policyPart, "policy version"), (AccessSection.redactionsPart, "redactions"),
                                    (AccessSection.refusalsPart, "refusals"), (AccessSection.permissionsPart, "permissions"),
                                    (AccessSection.grantsPart, "grants")]
                where parts & bit != 0 {
                    throw .invalidValue("\(name) in an upload")
                }
            case .reply:
                guard parts & AccessSection.ackPart == 0 else { throw .invalidValue("redaction ack in a reply") }
                if parts & AccessSection.grantsPart != 0, parts & AccessSection.permissionsPart == 0 {
                    throw .invalidValue("grants without permissions")
                }
            }
            var fields = Fields()
            if parts & AccessSection.ackPart != 0 { fields.redactionAck = try id("redaction ack") }
            if parts & AccessSection.policyPart != 0 { fields.policyVersion = try id("policy version") }
            if parts & AccessSection.redactionsPart != 0 { fields.redactions = try redactions() }
            if parts & AccessSection.refusalsPart != 0 { fields.refusals = try refusals() }
            if parts & AccessSection.permissionsPart != 0 { fields.permissions = try permissions() }
            if parts & AccessSection.grantsPart != 0, var permissions = fields.permissions {
                fields.mayRegister = try grants(into: &permissions)
                fields.permissions = permissions
            }
            if parts & AccessSection.auditPart != 0 {
                switch kind {
                case .upload: fields.readLog = try readLog()
                case .reply: try auditReply(into: &fields)
                }
            }
            return fields
        }

        /// The upload's run of read-log entries. Only the structure is checked here: what
        /// an entry says (its hash, its chain, its replica) is the central store's check,
        /// which keeps a bad entry as evidence instead of refusing the upload.
        mutating func readLog() throws(BundleError) -> ReadLogUpload {
            let flags = try u8()
            guard flags & ~AccessSection.ownCheckFailedFlag == 0 else { throw .invalidValue("unknown read-log flag") }
            let from = try id("read-log start")
            let last = try u64()
            guard BundlePayload.isCounter(last), from <= last + 1 else { throw .invalidValue("read-log end before its start") }
            let entryCount = try count(limit: AccessSection.maxReadLogEntries, minimumBytes: AccessSection.minimumBytesPerReadLogEntry,
                                  tooMany: "more read-log entries than one upload holds")
            var entries = [AuditEntry]()
            entries.reserveCapacity(entryCount)
            var previous: UInt64 = 0
            for _ in 0..<entryCount {
                let seq = try u64()
                guard seq > previous, seq >= from, seq <= last else {
                    throw .invalidValue("read-log entries not ascending within the run")
                }
                previous = seq
                let replica = try id("read-log replica")
                let time = Int64(bitPattern: try u64())
                let user = try text()
                let kind = try text()
                let command = try text()
                let recordCount = try count(limit: AccessSection.maxReadLogRecords, minimumBytes: 8,
                                            tooMany: "more records in a read-log entry than the format allows")
                var records = [RecordID]()
                records.reserveCapacity(recordCount)
                for _ in 0..<recordCount { records.append(RecordID(rawValue: try u64())) }
                let fieldCount = try count(limit: Int.max, minimumBytes: 1, tooMany: "too many fields")
                var fields = [String]()
                for _ in 0..<fieldCount { fields.append(try text()) }
                let tagCount = try count(limit: Int.max, minimumBytes: 1, tooMany: "too many tags")
                var tags = [String]()
                for _ in 0..<tagCount { tags.append(try text()) }
                var purpose: String?
                switch try u8() {
                case 0: purpose = nil
                case 1: purpose = try text()
                default: throw .invalidValue("read-log purpose flag not 0 or 1")
                }
                let previousHash = Array(try bytes(32))
                let hash = Array(try bytes(32))
                entries.append(AuditEntry(seq: seq, replica: ReplicaID(rawValue: replica), time: time, user: user, kind: kind,
                                          command: command, records: records, fields: fields, tags: tags, purpose: purpose,
                                          previousHash: previousHash, hash: hash))
            }
            return ReadLogUpload(ownCheckFailed: flags != 0, from: from, last: last, entries: entries)
        }

        /// A reply's audit part: its pieces byte, then each piece it announces.
        mutating func auditReply(into fields: inout Fields) throws(BundleError) {
            let pieces = try u8()
            guard pieces & ~AccessSection.knownAuditPieces == 0 else { throw .malformedPayload("unknown audit piece") }
            guard pieces != 0 else { throw .invalidValue("empty audit part") }
            if pieces & AccessSection.readLogAckPiece != 0 { fields.readLogAck = try id("read-log ack") }
            if pieces & AccessSection.purposeTagsPiece != 0 {
                fields.purposeTags = try names(Tag.vocabulary.map(\.rawValue), unknown: "unknown tag in purpose tags")
                guard !fields.purposeTags.isEmpty else { throw .invalidValue("no tags in the purpose tags piece") }
            }
            if pieces & AccessSection.checkpointPiece != 0 {
                let row = try id("checkpoint row")
                let head = Array(try bytes(32))
                let signedAt = Int64(bitPattern: try u64())
                let mac = Array(try bytes(32))
                fields.checkpoint = LedgerCheckpoint(row: row, head: head, signedAt: signedAt, mac: mac)
            }
        }

        /// A read-log text: varint length (≤ 4,096), UTF-8.
        mutating func text() throws(BundleError) -> String {
            let length = try varint()
            guard length <= UInt64(AccessSection.maxReadLogTextBytes) else { throw .tooLarge("read-log text longer than 4096 bytes") }
            let bytes = try bytes(Int(length))
            guard let text = String(validatingUTF8Bytes: bytes) else { throw .invalidValue("read-log text not UTF-8") }
            return text
        }

        mutating func redactions() throws(BundleError) -> [Redaction] {
            let count = try count(limit: limits.maxRedactions, minimumBytes: AccessSection.minimumBytesPerRedaction,
                                  tooMany: "more than \(limits.maxRedactions) redactions")
            guard count >= 1 else { throw .invalidValue("no redactions in the redactions part") }
            let tooMany = "more than \(limits.maxRedactedChanges) redacted changes"
            var redactions = [Redaction]()
            redactions.reserveCapacity(count)
            var previous: UInt64 = 0
            var total = 0
            for _ in 0..<count {
                let id = try id("redaction id")
                guard id > previous else { throw .malformedPayload("redactions not in strictly ascending id order") }
                previous = id
                let child = try self.id("redaction child id")
                let reason = try reason()
                let n = try self.count(limit: limits.maxRedactedChanges,
                                       minimumBytes: AccessSection.minimumBytesPerRedactedChange, tooMany: tooMany)
                guard n >= 1 else { throw .invalidValue("redaction without changes") }
                total += n
                guard total <= limits.maxRedactedChanges else { throw .tooLarge(tooMany) }
                var changes = [ChangeRef]()
                changes.reserveCapacity(n)
                for _ in 0..<n {
                    let origin = try self.id("redacted change origin")
                    let seq = try self.id("redacted change sequence number")
                    let change = ChangeRef(origin: ReplicaID(rawValue: origin), seq: seq)
                    if let last = changes.last, !(last < change) {
                        throw .malformedPayload("redacted changes not in strictly ascending order")
                    }
                    changes.append(change)
                }
                redactions.append(Redaction(id: id, child: RecordID(rawValue: child), reason: reason, changes: changes))
            }
            return redactions
        }

        mutating func refusals() throws(BundleError) -> [ChangeRefusal] {
            let count = try count(limit: limits.maxRefusals, minimumBytes: AccessSection.minimumBytesPerRefusal,
                                  tooMany: "more than \(limits.maxRefusals) refusals")
            guard count >= 1 else { throw .invalidValue("no refusals in the refusals part") }
            var refusals = [ChangeRefusal]()
            refusals.reserveCapacity(count)
            var previous: UInt64 = 0
            for _ in 0..<count {
                let seq = try id("refused sequence number")
                guard seq > previous else { throw .malformedPayload("refusals not in strictly ascending order") }
                previous = seq
                refusals.append(ChangeRefusal(seq: seq, reason: try reason()))
            }
            return refusals
        }

        mutating func permissions() throws(BundleError) -> [ChildPermission] {
            let count = try count(limit: limits.maxPermissions, minimumBytes: AccessSection.minimumBytesPerPermission,
                                  tooMany: "more than \(limits.maxPermissions) permissions")
            var permissions = [ChildPermission]()
            permissions.reserveCapacity(count)
            var previous: UInt64 = 0
            for _ in 0..<count {
                let child = try id("permission child id")
                guard child > previous else { throw .malformedPayload("permissions not in strictly ascending order") }
                previous = child
                let read = Set(try names(Tag.vocabulary.map(\.rawValue), unknown: "unknown tag in permissions")
                    .compactMap(Tag.init(rawValue:)))
                let write = Set(try names(Tag.vocabulary.map(\.rawValue), unknown: "unknown tag in permissions")
                    .compactMap(Tag.init(rawValue:)))
                guard write.isSubset(of: read) else { throw .invalidValue("write tag not readable") }
                let roles = Set(try names(HubRole.allCases.map(\.rawValue), unknown: "unknown hub role")
                    .compactMap(HubRole.init(rawValue:)))
                permissions.append(ChildPermission(child: RecordID(rawValue: child), read: read, write: write, roles: roles))
            }
            return permissions
        }

        /// The grants part: sets the details of `permissions` (sorted by child, as read) and
        /// returns whether the organisation may register children.
        mutating func grants(into permissions: inout [ChildPermission]) throws(BundleError) -> Bool {
            let flags = try u8()
            guard flags & ~AccessSection.mayRegisterFlag == 0 else { throw .malformedPayload("unknown grants flag") }
            let count = try count(limit: limits.maxPermissions, minimumBytes: AccessSection.minimumBytesPerGrant,
                                  tooMany: "more than \(limits.maxPermissions) grants")
            var index = 0
            var previous: UInt64 = 0
            for _ in 0..<count {
                let child = try id("grant child id")
                guard child > previous else { throw .malformedPayload("grants not in strictly ascending order") }
                previous = child
                while index < permissions.count, permissions[index].child.rawValue < child { index += 1 }
                guard index < permissions.count, permissions[index].child.rawValue == child else {
                    throw .invalidValue("grant for a child without permissions")
                }
                let childFlags = try u8()
                guard childFlags & ~AccessSection.knownGrantFlags == 0 else { throw .malformedPayload("unknown grant flag") }
                let fields = try names(AccessSection.grantableFields, unknown: "unknown field in grants")
                let episodeCount = try self.count(limit: AccessSection.maxEpisodes,
                                                  minimumBytes: AccessSection.minimumBytesPerEpisode,
                                                  tooMany: "more than \(AccessSection.maxEpisodes) episodes in a grant")
                var episodes = Set<RecordID>()
                var lastEpisode: UInt64 = 0
                for _ in 0..<episodeCount {
                    let episode = try id("grant episode id")
                    guard episode > lastEpisode else { throw .malformedPayload("grant episodes not in strictly ascending order") }
                    lastEpisode = episode
                    episodes.insert(RecordID(rawValue: episode))
                }
                guard childFlags != 0 || !fields.isEmpty || !episodes.isEmpty else { throw .invalidValue("empty grant") }
                permissions[index].isRegistrar = childFlags & AccessSection.registrarFlag != 0
                permissions[index].mayChangeHub = childFlags & AccessSection.mayChangeHubFlag != 0
                permissions[index].mayRecordConsent = childFlags & AccessSection.mayRecordConsentFlag != 0
                // Each name is one of `grantableFields`, so it parses.
                permissions[index].fields = Set(fields.compactMap { FieldRef($0) })
                permissions[index].episodes = episodes
            }
            return flags & AccessSection.mayRegisterFlag != 0
        }

        /// A list of names from `known` (matched by their exact bytes), strictly ascending.
        mutating func names(_ known: [String], unknown: String) throws(BundleError) -> [String] {
            let count = try count(limit: known.count, minimumBytes: AccessSection.minimumBytesPerName,
                                  tooMany: "more names than the vocabulary holds")
            var names = [String]()
            names.reserveCapacity(count)
            var previous: ArraySlice<UInt8>?
            for _ in 0..<count {
                let length = try varint()
                guard length <= UInt64(AccessSection.maxNameBytes) else {
                    throw .tooLarge("name longer than \(AccessSection.maxNameBytes) bytes")
                }
                let bytes = try bytes(Int(length))
                if let previous, !previous.lexicographicallyPrecedes(bytes) {
                    throw .malformedPayload("permission names not in strictly ascending order")
                }
                previous = bytes
                guard let name = known.first(where: { $0.utf8.elementsEqual(bytes) }) else {
                    throw .invalidValue(unknown)
                }
                names.append(name)
            }
            return names
        }
    }
}
