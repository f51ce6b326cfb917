import NavetCore

/// A bundle: the unit of sync, as a file carried by hand or an HTTP body.
///
/// An upload goes from a replica to the central store and carries that replica's own
/// pending changes plus its cursor. A reply goes back and carries everything the replica
/// lacks, the cursor to move to, and the acknowledgement of the replica's own changes.
/// The byte layout is specified in `Protocol/BUNDLE.md`.
public struct Bundle: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// Replica → central store.
        case upload = 1
        /// Central store → replica.
        case reply = 2
    }

    public var kind: Kind
    /// The schema version the sender wrote the changes under.
    public var schemaVersion: UInt32
    /// The replica id of the sender (the server's own id for replies).
    public var sender: ReplicaID
    /// Who the bundle is for: the replica for replies; the server for uploads, or nil
    /// when the replica has not yet learnt the server's id.
    public var recipient: ReplicaID?
    /// Sender's wall clock, milliseconds since 1970. Informational.
    public var createdAt: Int64
    /// Upload: the last server sequence number the replica has fully received.
    /// Reply: the cursor this reply continues from (it holds changes after it).
    public var cursor: UInt64
    /// Reply: the cursor to store after applying the reply. Zero in uploads.
    public var newCursor: UInt64
    /// Reply: the highest sequence number n such that the server holds all of the
    /// recipient's own changes 1...n. Zero in uploads.
    public var ack: UInt64
    /// The server epoch: a random id the central store draws again whenever its database
    /// is restored from a backup. Reply: the server's current epoch. Upload: the epoch the
    /// replica last saw in a reply, or 0 if it has seen none. A replica that sees a new
    /// epoch resets its cursor and re-sends what the restored server lacks.
    public var epoch: UInt64
    /// Reply: more changes wait at the server after this page, so the client syncs again.
    /// Always false in uploads (a reader refuses an upload with it set).
    public var more: Bool
    public var changes: [Change]
    /// Upload: asks the central store to put its directory into the reply (flag bit 1).
    /// Always false in replies.
    public var wantsDirectory: Bool
    /// Reply: which organisation each enrolled replica belongs to (flag bit 2), so the
    /// replica can name the origin of a change; nil when not sent. Always nil in uploads.
    public var directory: [DirectoryEntry]?
    /// Upload: the highest redaction id the replica has purged completely (0 = none).
    /// Always 0 in replies. (Protocol/BUNDLE.md, "Access section".)
    public var redactionAck: UInt64
    /// Reply: what the recipient must purge, in id order; applied before `changes`.
    /// Always empty in uploads.
    public var redactions: [Redaction]
    /// Reply: the recipient's own changes the server refused one by one (write checks),
    /// with their reasons. Always empty in uploads.
    public var refusals: [ChangeRefusal]
    /// Reply: what the recipient's organisation may read and write now, per child it sees
    /// anything of; nil when not sent. Always nil in uploads.
    public var permissions: [ChildPermission]?
    /// Reply: the version of the access policy the reply was filtered under (0 = none).
    /// Always 0 in uploads.
    public var policyVersion: UInt64
    /// Reply: whether the recipient's organisation may register children; nil when not
    /// sent (the grants part, which also carries each permission's fields, episodes and
    /// flags, is written exactly when this is not nil and `permissions` is sent). Always nil
    /// in uploads.
    public var mayRegister: Bool?
    /// Upload: the replica's read-log entries the central store has not acknowledged yet
    /// (the audit part, bit 6, Protocol/BUNDLE.md, "Audit part"); nil when not sent. Always nil in replies.
    public var readLog: ReadLogUpload?
    /// Reply: the highest read-log seq of the recipient the central store holds (0 = none).
    /// Always 0 in uploads.
    public var readLogAck: UInt64 = 0
    /// Reply: the tags whose display needs a purpose under the policy the reply was filtered
    /// under (meaningful with `policyVersion`). Always empty in uploads.
    public var purposeTags: [String] = []
    /// Reply: the latest signed checkpoint of the server's disclosure ledger
    /// (Protocol/AUDIT.md; the audit part's third piece); nil when the ledger is empty. Always nil in uploads.
    public var checkpoint: LedgerCheckpoint?

    /// Creates a bundle. `epoch` and `more` default to "none" so that call sites written
    /// for format version 1 keep compiling.
    public init(
        kind: Kind, schemaVersion: UInt32, sender: ReplicaID, recipient: ReplicaID?, createdAt: Int64,
        cursor: UInt64, newCursor: UInt64 = 0, ack: UInt64 = 0, epoch: UInt64 = 0, more: Bool = false,
        changes: [Change], wantsDirectory: Bool = false, directory: [DirectoryEntry]? = nil,
        redactionAck: UInt64 = 0, redactions: [Redaction] = [], refusals: [ChangeRefusal] = [],
        permissions: [ChildPermission]? = nil, policyVersion: UInt64 = 0, mayRegister: Bool? = nil,
        checkpoint: LedgerCheckpoint? = nil
    ) {
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.sender = sender
        self.recipient = recipient
        self.createdAt = createdAt
        self.cursor = cursor
        self.newCursor = newCursor
        self.ack = ack
        self.epoch = epoch
        self.more = more
        self.changes = changes
        self.wantsDirectory = wantsDirectory
        self.directory = directory
        self.redactionAck = redactionAck
        self.redactions = redactions
        self.refusals = refusals
        self.permissions = permissions
        self.policyVersion = policyVersion
        self.mayRegister = mayRegister
        self.checkpoint = checkpoint
    }
}
