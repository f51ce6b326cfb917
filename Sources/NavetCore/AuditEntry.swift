/// Pure logic: the entry and its canonical encoding are shared by the replica that writes
/// the read log, the bundle that carries it upward and the central store that checks it.

/// One entry of a replica's read audit (Protocol/AUDIT.md): who displayed or changed
/// which records, fields and tags, when, with which command and for which purpose, chained
/// to the entry before by its SHA-256.
public struct AuditEntry: Hashable, Sendable {
    public var seq: UInt64
    /// The replica id the file had when the entry was written (an unenrolled file's id
    /// changes at `navet enroll`; its earlier entries keep the old one).
    public var replica: ReplicaID
    /// Milliseconds since the Unix epoch, UTC.
    public var time: Int64
    public var user: String
    /// `display`, `edit` or `user` (user management).
    public var kind: String
    public var command: String
    public var records: [RecordID]
    public var fields: [String]
    public var tags: [String]
    public var purpose: String?
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public init(seq: UInt64, replica: ReplicaID, time: Int64, user: String, kind: String, command: String,
                records: [RecordID], fields: [String], tags: [String], purpose: String?, previousHash: [UInt8],
                hash: [UInt8] = []) {
        self.seq = seq
        self.replica = replica
        self.time = time
        self.user = user
        self.kind = kind
        self.command = command
        self.records = records
        self.fields = fields
        self.tags = tags
        self.purpose = purpose
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The domain-separation prefix of the canonical encoding: ASCII, then one zero byte.
    public static let domain: [UInt8] = Array("navet-audit-entry-v1".utf8) + [0]
    /// The previous hash of entry 1: 32 zero bytes.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The canonical bytes the entry's hash covers (Protocol/AUDIT.md, "Canonical encoding"):
    /// the domain prefix; replica id, seq and time as 8-byte big-endian integers (time as
    /// two's complement); user, kind and command as texts; records as a count and 8-byte
    /// ids; fields and tags as a count and texts; the purpose as a byte 0 (none) or 1 and
    /// a text; the previous hash (32 bytes). A text is its UTF-8 length as a 4-byte
    /// big-endian integer, then its bytes; a count is a 4-byte big-endian integer.
    public var canonicalBytes: [UInt8] {
        var bytes = Self.domain
        func integer(_ value: UInt64, width: Int) {
            for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        func text(_ value: String) {
            let utf8 = Array(value.utf8)
            integer(UInt64(utf8.count), width: 4)
            bytes += utf8
        }
        integer(replica.rawValue, width: 8)
        integer(seq, width: 8)
        integer(UInt64(bitPattern: time), width: 8)
        text(user)
        text(kind)
        text(command)
        integer(UInt64(records.count), width: 4)
        for record in records { integer(record.rawValue, width: 8) }
        integer(UInt64(fields.count), width: 4)
        fields.forEach(text)
        integer(UInt64(tags.count), width: 4)
        tags.forEach(text)
        if let purpose {
            bytes.append(1)
            text(purpose)
        } else {
            bytes.append(0)
        }
        bytes += previousHash
        return bytes
    }
}
