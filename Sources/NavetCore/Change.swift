/// One field-level change: the unit of merge, of confidentiality and (later) of audit.
///
/// `(origin, seq)` names the change uniquely; `stamp` orders it within its cell; `replaces`
/// lists the stamps of the values its author saw and superseded in the same cell. Two
/// changes of one cell neither of which replaces the other were made without seeing each
/// other: they are concurrent, both stay as heads, and the higher stamp is shown.
public struct Change: Hashable, Sendable {
    /// The replica that made the change.
    public var origin: ReplicaID
    /// 1, 2, 3, ... per origin, without gaps.
    public var seq: UInt64
    /// The per-field logical version (see `Stamp`).
    public var version: UInt64
    /// Stamps this change supersedes in the same cell (empty for a first write).
    public var replaces: [Stamp]
    /// Milliseconds since 1970 on the origin's clock: for display and audit, never for order.
    public var wallTime: Int64
    public var recordType: String
    public var recordID: RecordID
    public var field: String
    public var value: FieldValue
    public var tag: Tag

    public init(
        origin: ReplicaID, seq: UInt64, version: UInt64, replaces: [Stamp], wallTime: Int64,
        recordType: String, recordID: RecordID, field: String, value: FieldValue, tag: Tag
    ) {
        self.origin = origin
        self.seq = seq
        self.version = version
        self.replaces = replaces
        self.wallTime = wallTime
        self.recordType = recordType
        self.recordID = recordID
        self.field = field
        self.value = value
        self.tag = tag
    }

    public var stamp: Stamp { Stamp(version: version, origin: origin) }
    public var cell: CellKey { CellKey(recordID: recordID, field: field) }
}

/// One field of one record: the cell that changes merge into.
public struct CellKey: Hashable, Comparable, Sendable {
    public var recordID: RecordID
    public var field: String

    public init(recordID: RecordID, field: String) {
        self.recordID = recordID
        self.field = field
    }

    public static func < (lhs: CellKey, rhs: CellKey) -> Bool {
        (lhs.recordID.rawValue, lhs.field) < (rhs.recordID.rawValue, rhs.field)
    }
}
