import NavetCore
import NavetStore
import NavetWire

/// Why a bundle was refused. Each case is a whole-bundle refusal: nothing was applied.
public enum SyncError: Error, Sendable {
    /// The bytes are not a valid bundle (truncated, corrupted, wrong version, ...).
    case malformed(BundleError)
    /// An upload was given where a reply was expected, or the other way round.
    case wrongKind(expected: Bundle.Kind, got: Bundle.Kind)
    /// A reply addressed to another replica.
    case notForThisReplica(recipient: ReplicaID?, this: ReplicaID)
    /// An upload addressed to another central store.
    case notForThisServer(recipient: ReplicaID, this: ReplicaID)
    /// Written under a newer schema than this program knows.
    case schemaTooNew(bundle: UInt32, supported: UInt32)
    /// A change that breaks the schema (unknown field, bad value, bad stamp).
    case invalidChange(index: Int, SchemaError)
    /// Refused by the store (foreign origin, sequence gap, conflicting duplicate, I/O).
    case store(StoreError)
}

/// The sync rules between stores and bundles, shared by the CLI, the server and the tests.
public enum Sync {
    /// Builds the upload a replica sends: its pending changes and its cursor.
    public static func makeUpload(_ replica: ReplicaStore, now: Int64) throws(SyncError) -> Bundle {
        do {
            let content = try replica.uploadContent()
            return Bundle(kind: .upload, schemaVersion: replica.schema.version, sender: replica.replicaID,
                          recipient: content.serverID, createdAt: now, cursor: content.cursor,
                          changes: content.changes)
        } catch {
            throw .store(error)
        }
    }

    /// Checks everything about a bundle that does not need a database: kind, schema
    /// version and every change against the schema. Runs before any write.
    public static func check(_ bundle: Bundle, kind: Bundle.Kind, schema: Schema = .current) throws(SyncError) {
        guard bundle.kind == kind else { throw .wrongKind(expected: kind, got: bundle.kind) }
        guard bundle.schemaVersion <= schema.version else {
            throw .schemaTooNew(bundle: bundle.schemaVersion, supported: schema.version)
        }
        for (index, change) in bundle.changes.enumerated() {
            do {
                try schema.validate(change)
            } catch {
                throw .invalidChange(index: index, error)
            }
        }
    }

    /// Merges an upload into the central store and builds the reply for its sender.
    public static func acceptUpload(_ bundle: Bundle, into central: CentralStore, now: Int64) throws(SyncError) -> (reply: Bundle, result: CentralStore.UploadResult) {
        try check(bundle, kind: .upload)
        if let recipient = bundle.recipient, recipient != central.serverID {
            throw .notForThisServer(recipient: recipient, this: central.serverID)
        }
        do {
            let result = try central.acceptUpload(sender: bundle.sender, cursor: bundle.cursor,
                                                  changes: bundle.changes, now: now)
            let content = try central.reply(for: bundle.sender, after: bundle.cursor)
            let reply = Bundle(kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID,
                               recipient: bundle.sender, createdAt: now, cursor: bundle.cursor,
                               newCursor: content.newCursor, ack: content.ack, changes: content.changes)
            return (reply, result)
        } catch {
            throw .store(error)
        }
    }

    /// Applies a reply to the replica it is addressed to, all or nothing.
    public static func applyReply(_ bundle: Bundle, to replica: ReplicaStore, now: Int64) throws(SyncError) -> ImportSummary {
        try check(bundle, kind: .reply, schema: replica.schema)
        guard bundle.recipient == replica.replicaID else {
            throw .notForThisReplica(recipient: bundle.recipient, this: replica.replicaID)
        }
        do {
            return try replica.applyReply(server: bundle.sender, cursor: bundle.cursor, newCursor: bundle.newCursor,
                                          ack: bundle.ack, changes: bundle.changes, now: now)
        } catch {
            throw .store(error)
        }
    }
}
