import NavetCore

/// What an upload carries of the replica's read log (Protocol/BUNDLE.md, "Audit part"): one
/// run of its entries as it holds them, from `from` on, at most `AccessSection.maxReadLogEntries`.
public struct ReadLogUpload: Hashable, Sendable {
    /// The replica's own check (`navet audit verify`) found its chain broken, and this run
    /// re-sends the entries from the one before the break: the central store compares them
    /// with what it holds. Never set for an ordinary continuation.
    public var ownCheckFailed: Bool
    /// The seq the run starts at: the entry after the last one the central store
    /// acknowledged, or the one before a break the replica found itself.
    public var from: UInt64
    /// The highest seq the replica holds (0 for an empty log).
    public var last: UInt64
    /// The entries with seq ≥ `from`, ascending by seq, as stored (none left out but those
    /// whose stored lists cannot be read back).
    public var entries: [AuditEntry]

    public init(ownCheckFailed: Bool = false, from: UInt64, last: UInt64, entries: [AuditEntry]) {
        self.ownCheckFailed = ownCheckFailed
        self.from = from
        self.last = last
        self.entries = entries
    }
}

extension AccessSection {
    /// The audit part (bit 6): an upload's read-log run, or a reply's audit pieces.
    static let auditPart: UInt8 = 0x40
    /// Bits of a reply's audit pieces byte (Protocol/BUNDLE.md, "Audit part").
    static let readLogAckPiece: UInt8 = 0x01
    static let purposeTagsPiece: UInt8 = 0x02
    static let checkpointPiece: UInt8 = 0x04
    static let knownAuditPieces: UInt8 = 0x07
    static let ownCheckFailedFlag: UInt8 = 0x01
    /// Most entries in one upload; the rest go in the next.
    public static let maxReadLogEntries = 10_000
    /// Longest text of an entry (user, kind, command, a field, a tag, the purpose), in bytes.
    static let maxReadLogTextBytes = 4_096
    /// Most records of one entry (a `child list` of every child on a large replica).
    static let maxReadLogRecords = 1_000_000
    /// seq, replica, time, three text lengths, three counts, purpose flag, two hashes.
    static let minimumBytesPerReadLogEntry = 8 + 8 + 8 + 3 + 3 + 1 + 32 + 32

    static func writeReadLog(_ log: ReadLogUpload, to out: inout ByteWriter) {
        precondition(log.entries.count <= maxReadLogEntries, "more read-log entries than one upload holds; page them")
        precondition(BundlePayload.isValidID(log.from) && BundlePayload.isCounter(log.last) && log.from <= log.last + 1,
                     "read-log run outside its range")
        out.u8(log.ownCheckFailed ? ownCheckFailedFlag : 0)
        out.u64(log.from)
        out.u64(log.last)
        out.varint(log.entries.count)
        var previous: UInt64 = 0
        for entry in log.entries {
            precondition(entry.seq > previous && entry.seq >= log.from && entry.seq <= log.last, "read-log entries ascending by seq")
            previous = entry.seq
            precondition(BundlePayload.isValidID(entry.replica.rawValue), "read-log replica id outside 1 ..< 2^63")
            precondition(entry.previousHash.count == 32 && entry.hash.count == 32, "read-log hashes are 32 bytes")
            out.u64(entry.seq)
            out.u64(entry.replica.rawValue)
            out.u64(UInt64(bitPattern: entry.time))
            writeText(entry.user, to: &out)
            writeText(entry.kind, to: &out)
            writeText(entry.command, to: &out)
            out.varint(entry.records.count)
            for record in entry.records { out.u64(record.rawValue) }
            out.varint(entry.fields.count)
            for field in entry.fields { writeText(field, to: &out) }
            out.varint(entry.tags.count)
            for tag in entry.tags { writeText(tag, to: &out) }
            if let purpose = entry.purpose {
                out.u8(1)
                writeText(purpose, to: &out)
            } else {
                out.u8(0)
            }
            out.append(entry.previousHash)
            out.append(entry.hash)
        }
    }

    private static func writeText(_ text: String, to out: inout ByteWriter) {
        let bytes = Array(text.utf8)
        precondition(bytes.count <= maxReadLogTextBytes, "read-log text longer than the format allows")
        out.varint(bytes.count)
        out.append(bytes)
    }

    /// A reply's audit part: the pieces byte, then the read-log acknowledgement, the purpose
    /// tags and the ledger checkpoint, each only when not empty (canonical: one encoding).
    static func writeAuditReply(ack: UInt64, purposeTags: [String], checkpoint: LedgerCheckpoint?, to out: inout ByteWriter) {
        precondition(BundlePayload.isCounter(ack), "read-log ack outside 0 ..< 2^63")
        let pieces = (ack != 0 ? readLogAckPiece : 0) | (purposeTags.isEmpty ? 0 : purposeTagsPiece)
            | (checkpoint == nil ? 0 : checkpointPiece)
        precondition(pieces != 0, "an audit part needs at least one piece")
        out.u8(pieces)
        if ack != 0 { out.u64(ack) }
        if !purposeTags.isEmpty {
            let sorted = purposeTags.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            out.varint(sorted.count)
            for name in sorted {
                out.varint(name.count)
                out.append(name)
            }
        }
        if let checkpoint {
            precondition(BundlePayload.isValidID(checkpoint.row), "checkpoint row outside 1 ..< 2^63")
            precondition(checkpoint.head.count == 32 && checkpoint.mac.count == 32, "checkpoint head and MAC are 32 bytes")
            out.u64(checkpoint.row)
            out.append(checkpoint.head)
            out.u64(UInt64(bitPattern: checkpoint.signedAt))
            out.append(checkpoint.mac)
        }
    }
}
