import NavetCore

/// One field of a record as shown: the winning change and how many heads it has.
public struct FieldState: Hashable, Sendable {
    public let change: Change
    /// More than one means concurrent values are kept and listed as a conflict.
    public let headCount: Int

    public var name: String { change.field }
    public var value: FieldValue { change.value }
    public var inConflict: Bool { headCount > 1 }
}

/// The visible state of one record.
public struct RecordSnapshot: Hashable, Sendable {
    public let id: RecordID
    public let type: String
    public let fields: [FieldState]

    public func field(_ name: String) -> FieldState? { fields.first { $0.name == name } }
    public func value(_ name: String) -> FieldValue { field(name)?.value ?? .null }
    /// The earliest wall time among the record's shown values.
    public var createdAt: Int64 { fields.map(\.change.wallTime).min() ?? 0 }
}

public struct HistoryEntry: Hashable, Sendable {
    public enum State: String, Sendable {
        /// The value shown now.
        case shown
        /// Replaced by a later edit made after seeing it.
        case superseded
        /// Concurrent with the shown value and not yet resolved.
        case conflict
    }

    public let change: Change
    public let state: State
}

/// A cell with concurrent values: the heads, highest stamp (the shown value) first.
public struct Conflict: Hashable, Sendable {
    public let cell: CellKey
    public let recordType: String
    public let heads: [Change]
}

public struct ImportSummary: Hashable, Sendable {
    public var applied = 0
    public var duplicates = 0
    public var cursor: UInt64 = 0
    public var acked: UInt64 = 0
    /// The reply came from a restored server (a new epoch): the cursor was reset and
    /// unacknowledged own changes will be sent again.
    public var epochChanged = false
    /// Own changes that never reached the server and were renumbered after the ones it
    /// holds, because this file was behind its own history (a restored backup or a copy).
    public var renumbered = 0
    /// The reply was a catch-up: it brought back this replica's own changes.
    public var caughtUp = false
    /// Changes of other origins deleted by the reply's redactions.
    public var redacted = 0
    /// Own changes the central store refused, retracted by this reply.
    public var refused = 0
    /// A redaction was applied but the file could not be purged physically yet (another
    /// process holds it); retried by the next command (`ReplicaStore.completePurge`).
    public var purgePending = false
    public init() {}
}

public struct ReplicaStatus: Hashable, Sendable {
    public let replicaID: ReplicaID
    public let serverID: ReplicaID?
    public let schemaVersion: UInt32
    public let layoutVersion: Int
    public let children: Int
    public let notes: Int
    public let conflicts: Int
    public let changes: Int
    /// Own changes not yet acknowledged by the server.
    public let pending: Int
    public let lastSeq: UInt64
    public let acked: UInt64
    /// The last server sequence number fully received.
    public let cursor: UInt64
    public let createdAt: Int64
    public let lastExportAt: Int64?
    public let lastImportAt: Int64?
    /// The last successful `navet sync` over HTTP.
    public let lastSyncAt: Int64?
    public let serverURL: String?
    /// The reason code of the last refused sync, until a sync succeeds.
    public let lastRefusal: String?
    public let lastRefusalAt: Int64?
    public let enrolled: Bool
    /// Purged values may still be in the file: a redaction's checkpoint could not complete.
    public let purgePending: Bool
    /// The highest redaction id purged completely (0 = none).
    public let redactionAck: UInt64
}
