import NavetCore
import NavetPolicy
import NavetSQLite

/// Errors from the replica and central stores. Messages name ids and fields, never values.
public enum StoreError: Error, Sendable {
    /// The file does not exist (open without create).
    case missing(path: String)
    /// A file is already there (create).
    case alreadyExists(path: String)
    /// The file is not a Navet database of the expected role.
    case notANavetDatabase(path: String, reason: String)
    /// The file was written by a newer Navet (storage layout or schema).
    case tooNew(path: String, found: Int, supported: Int)
    /// A Navet file whose rows contradict each other (the central store's runs or cell
    /// chains, a row a batch insert found already there): nothing was changed; the file
    /// must be restored from a backup. `reason` is a technical detail, in English.
    case damaged(path: String, reason: String)
    /// The file needs this version's layout steps (`from` → `to`), but another process
    /// holds a `StoreLock` on it (`navetd serve`, `navet sync`, `export`, `import`, of
    /// any version): migrating under it would leave that process writing the old layout.
    case inUseDuringUpgrade(path: String, from: Int, to: Int)
    case unknownRecord(RecordID)
    case ambiguousRecord(prefix: String, matches: Int)
    case wrongRecordType(RecordID, expected: String, actual: String)
    case appendOnly(recordType: String)
    case invalid(SchemaError)
    case noConflict(RecordID, field: String)
    /// A bundle carried a change that reuses an (origin, seq) with different content.
    case conflictingDuplicate(origin: ReplicaID, seq: UInt64)
    /// An upload carried a change whose origin is not the sender.
    case foreignOrigin(sender: ReplicaID, origin: ReplicaID)
    /// An upload skipped sequence numbers of its own origin.
    case sequenceGap(origin: ReplicaID, expected: UInt64, got: UInt64)
    /// A reply came from another central store than the one this replica syncs with.
    case wrongServer(expected: ReplicaID, got: ReplicaID)
    case duplicateOrganisation(String)
    case unknownOrganisation(String)
    /// A replica this central store never enrolled.
    case unknownReplica(ReplicaID)
    /// A replica whose enrollment was revoked.
    case revokedReplica(ReplicaID)
    /// A nonce seen before from the same key: a replayed request or bundle.
    case replayedNonce(ReplicaID)
    /// The file presented a sync token an earlier catch-up abandoned: it is a second live
    /// copy of this replica (Protocol/BUNDLE.md, "Replica identity").
    case replicaCopied(ReplicaID)
    /// `navet enroll` refused the enrollment file; nothing changed.
    case enrollmentRefused(EnrollmentRefusal)
    /// A policy file was refused (`loadPolicy`); nothing changed.
    case invalidPolicy(PolicyError)
    /// The stored policy of this version no longer parses (`PolicyError`), or its text no
    /// longer matches its SHA-256 (nil): the store is damaged or was written by a newer
    /// Navet. Never replaced by the default in silence.
    case storedPolicyUnreadable(version: UInt64, PolicyError?)
    case sqlite(SQLiteError)
}

extension StoreError {
    /// Wraps anything thrown by SQLite so callers see one error type.
    static func wrap<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            throw .sqlite(error)
        } catch let error as SchemaError {
            throw .invalid(error)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

/// Why `ReplicaStore.enroll` refused an enrollment file.
public enum EnrollmentRefusal: Hashable, Sendable {
    /// The file is already this replica.
    case sameReplica(ReplicaID)
    /// The file synced with `synced`; the enrollment is for another central store.
    case otherServer(synced: ReplicaID, enrollment: ReplicaID)
    /// The enrollment's replica id already has changes in this file (a file used before)
    /// or is a server's id.
    case idInUse(ReplicaID)
}
