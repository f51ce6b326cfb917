/// A signed checkpoint of the central store's disclosure ledger (Protocol/AUDIT.md,
/// "Disclosure ledger"): the chain head at one row, signed by the server with its audit
/// key. Every reply carries the latest one (Protocol/BUNDLE.md, "Audit part", piece 2)
/// and every replica keeps what it received, so that a later rewrite of the server's
/// ledger is detectable from any replica.
public struct LedgerCheckpoint: Hashable, Sendable {
    /// The ledger row the head belongs to (its id), 1 ..< 2^63.
    public var row: UInt64
    /// SHA-256 of that row's canonical encoding (32 bytes).
    public var head: [UInt8]
    /// When the server signed it, milliseconds since 1970.
    public var signedAt: Int64
    /// HMAC-SHA256 under the server's audit key over `LedgerCheckpoint.message` (32 bytes).
    public var mac: [UInt8]

    public init(row: UInt64, head: [UInt8], signedAt: Int64, mac: [UInt8]) {
        self.row = row
        self.head = head
        self.signedAt = signedAt
        self.mac = mac
    }

    /// The bytes the MAC covers: `NAVET-CHECKPOINT-1`, the server id, row, head and time,
    /// numbers as 8-byte big-endian (AUDIT.md, "Checkpoints").
    public static func message(server: ReplicaID, row: UInt64, head: [UInt8], signedAt: Int64) -> [UInt8] {
        var bytes = Array("NAVET-CHECKPOINT-1".utf8)
        LedgerEncoding.u64(server.rawValue, to: &bytes)
        LedgerEncoding.u64(row, to: &bytes)
        bytes += head
        LedgerEncoding.u64(UInt64(bitPattern: signedAt), to: &bytes)
        return bytes
    }
}

/// One row of the disclosure ledger as the hash chain sees it (AUDIT.md, "Canonical
/// encoding of a row").
public struct LedgerEntry: Hashable, Sendable {
    public var id: Int64
    public var replica: ReplicaID
    public var organisation: String
    public var child: RecordID
    public var rule: String
    /// What the rule covered in the range: `tags;fields` (docs/STORAGE.md, "disclosures").
    public var covers: String
    /// Server change ids in the range that match `covers` and were not sent, comma-separated.
    public var exceptions: String
    public var firstChange: Int64
    public var lastChange: Int64
    public var count: Int64
    public var backfill: Bool
    public var sentAt: Int64
    public var policyVersion: Int64

    public init(id: Int64, replica: ReplicaID, organisation: String, child: RecordID, rule: String, covers: String,
                exceptions: String, firstChange: Int64, lastChange: Int64, count: Int64, backfill: Bool, sentAt: Int64,
                policyVersion: Int64) {
        self.id = id
        self.replica = replica
        self.organisation = organisation
        self.child = child
        self.rule = rule
        self.covers = covers
        self.exceptions = exceptions
        self.firstChange = firstChange
        self.lastChange = lastChange
        self.count = count
        self.backfill = backfill
        self.sentAt = sentAt
        self.policyVersion = policyVersion
    }

    /// The canonical encoding, given the hash of the row before (32 zero bytes for the
    /// first row of a ledger never pruned). The row's hash is SHA-256 of these bytes.
    public func encoding(previous: [UInt8]) -> [UInt8] {
        var bytes = Array("NAVET-LEDGER-1".utf8)
        bytes += previous
        LedgerEncoding.u64(UInt64(bitPattern: id), to: &bytes)
        LedgerEncoding.u64(replica.rawValue, to: &bytes)
        LedgerEncoding.text(organisation, to: &bytes)
        LedgerEncoding.u64(child.rawValue, to: &bytes)
        LedgerEncoding.text(rule, to: &bytes)
        LedgerEncoding.text(covers, to: &bytes)
        LedgerEncoding.text(exceptions, to: &bytes)
        for number in [firstChange, lastChange, count] { LedgerEncoding.u64(UInt64(bitPattern: number), to: &bytes) }
        bytes.append(backfill ? 1 : 0)
        LedgerEncoding.u64(UInt64(bitPattern: sentAt), to: &bytes)
        LedgerEncoding.u64(UInt64(bitPattern: policyVersion), to: &bytes)
        return bytes
    }
}

enum LedgerEncoding {
    static func u64(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func text(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = Array(text.utf8)
        let count = UInt32(clamping: utf8.count)
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: count >> UInt32(shift))) }
        bytes += utf8.prefix(Int(count))
    }
}

/// The signed base of one replica's read log on the central store after pruning
/// (Protocol/AUDIT.md, "Retention"): the last entry removed, whose hash the first kept entry
/// chains to, signed by the server with its audit key so that what remains still verifies.
public enum ReadLogBase {
    /// The bytes the MAC covers: `NAVET-READ-LOG-BASE-1`, the server id, the replica id, the
    /// seq of the last entry removed, its hash (32 bytes) and the time of signing
    /// (milliseconds since 1970), numbers as 8-byte big-endian.
    public static func message(server: ReplicaID, replica: ReplicaID, seq: UInt64, hash: [UInt8], signedAt: Int64) -> [UInt8] {
        var bytes = Array("NAVET-READ-LOG-BASE-1".utf8)
        LedgerEncoding.u64(server.rawValue, to: &bytes)
        LedgerEncoding.u64(replica.rawValue, to: &bytes)
        LedgerEncoding.u64(seq, to: &bytes)
        bytes += hash
        LedgerEncoding.u64(UInt64(bitPattern: signedAt), to: &bytes)
        return bytes
    }
}
