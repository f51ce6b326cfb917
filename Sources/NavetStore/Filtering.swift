import NavetCore
import NavetSQLite

// The replica's side of filtered sync (Protocol/BUNDLE.md, "Redactions", "Refusals",
// "Permissions"): what a reply tells it to purge, which of its own changes the central store
// refused, and what its organisation may write. NavetSync turns a bundle's fields into these
// values; the store knows nothing of the wire format.

/// What the central store may say in a reply besides changes (all optional).
public struct ReplyFiltering: Hashable, Sendable {
    /// Applied before the reply's changes.
    public var redactions: [Redaction]
    /// This replica's own changes the central store refused.
    public var refusals: [ChangeRefusal]
    /// What the organisation may read and write per child now; nil when not sent.
    public var permissions: [ChildPermission]?
    /// Whether the organisation may register children; nil when the reply did not say
    /// (no grants part: then the permissions carry no fields, episodes or flags either).
    public var mayRegister: Bool?
    /// The latest signed checkpoint of the central store's disclosure ledger; kept in
    /// `checkpoints` (append-only) so a later rewrite of that ledger is detectable.
    public var checkpoint: LedgerCheckpoint?

    public init(redactions: [Redaction] = [], refusals: [ChangeRefusal] = [], permissions: [ChildPermission]? = nil,
                mayRegister: Bool? = nil, checkpoint: LedgerCheckpoint? = nil) {
        self.redactions = redactions
        self.refusals = refusals
        self.permissions = permissions
        self.mayRegister = mayRegister
        self.checkpoint = checkpoint
    }
}

/// One of this replica's own changes the central store refused, kept for `navet status`
/// after the change itself was retracted.
public struct RefusedChange: Hashable, Sendable {
    public var seq: UInt64
    public var recordType: String
    public var recordID: RecordID
    public var field: String
    /// The value as text, for display (nil for an empty value).
    public var value: String?
    public var tag: Tag?
    /// The central store's reason code (`WriteRefusal`, or a code from a newer server).
    public var reason: String
    /// Milliseconds since 1970, when the refusal arrived.
    public var refusedAt: Int64
}

extension ReplicaStore {
    // MARK: Applying (inside applyReply's transaction)

    /// Deletes every change the redactions name, except this replica's own (its own
    /// record-keeping stays, whatever a redaction says), and recomputes the cells they were
    /// in. Unknown changes are ignored. Raises `redaction_applied` to the highest id and
    /// marks a purge pending (`completePurge` makes it physical after the commit).
    /// Returns the number of changes deleted.
    func applyRedactions(_ redactions: [Redaction]) throws -> Int {
        guard !redactions.isEmpty else { return 0 }
        var cells = Set<CellKey>()
        var deleted = 0
        for redaction in redactions {
            for name in redaction.changes where name.origin != replicaID {
                if let cell = try log.delete(origin: name.origin, seq: name.seq) {
                    cells.insert(cell)
                    deleted += 1
                }
            }
        }
        for cell in cells.sorted() { try log.recomputeCell(record: cell.recordID, field: cell.field) }
        let highest = redactions.map(\.id).max() ?? 0
        let applied = UInt64(clamping: try meta.int(Meta.redactionApplied) ?? 0)
        if highest > applied { try meta.set(Meta.redactionApplied, .integer(Int64(clamping: highest))) }
        let acked = UInt64(clamping: try meta.int(Meta.redactionAck) ?? 0)
        if deleted > 0 || max(highest, applied) > acked { try meta.set(Meta.purgePending, .integer(1)) }
        return deleted
    }

    /// Retracts this replica's own changes the central store refused: records each in
    /// `refused_changes`, deletes it from `changes` and recomputes its cell, so the cell shows
    /// the central store's value again. The change is never sent again (the server
    /// acknowledges its sequence number like any other). A refusal of a change not held
    /// (already retracted, or unknown) is ignored. Returns the number retracted.
    func applyRefusals(_ refusals: [ChangeRefusal], now: Int64) throws -> Int {
        var cells = Set<CellKey>()
        var retracted = 0
        for refusal in refusals {
            guard let change = try log.change(origin: replicaID, seq: refusal.seq) else { continue }
            try db.query("""
                INSERT INTO refused_changes(origin, seq, record_type, record_id, field, value, tag, reason, refused_at)
                VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(origin, seq) DO NOTHING
                """, [.integer(replicaID.int64), .integer(Int64(clamping: refusal.seq)), .text(change.recordType),
                      .integer(change.recordID.int64),
                      .text(change.field), change.value.displayText.map(SQLValue.text) ?? .null,
                      .text(change.tag.rawValue), .text(refusal.reason), .integer(now)])
            if let cell = try log.delete(origin: replicaID, seq: refusal.seq) {
                cells.insert(cell)
                retracted += 1
            }
        }
        for cell in cells.sorted() { try log.recomputeCell(record: cell.recordID, field: cell.field) }
        return retracted
    }

    /// Keeps a checkpoint the central store sent (once per distinct checkpoint).
    func keepCheckpoint(_ checkpoint: LedgerCheckpoint, server: ReplicaID, now: Int64) throws {
        try db.query("""
            INSERT INTO checkpoints(server_id, row_id, head, signed_at, mac, received_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, [.integer(server.int64), .integer(Int64(clamping: checkpoint.row)), .blob(checkpoint.head),
                  .integer(checkpoint.signedAt), .blob(checkpoint.mac), .integer(now)])
    }

    /// The checkpoints this file kept, oldest first.
    public func checkpoints() throws(StoreError) -> [StoredCheckpoint] {
        try StoreError.wrap {
            try db.query("SELECT server_id, row_id, head, signed_at, mac FROM checkpoints ORDER BY received_at, row_id").compactMap { row in
                guard case .integer(let server) = row[0], case .integer(let id) = row[1], id > 0, case .blob(let head) = row[2],
                      case .integer(let at) = row[3], case .blob(let mac) = row[4] else { return nil }
                return StoredCheckpoint(server: ReplicaID(rawValue: UInt64(bitPattern: server)),
                                        checkpoint: LedgerCheckpoint(row: UInt64(id), head: head, signedAt: at, mac: mac))
            }
        }
    }

    /// Replaces the stored permissions by `permissions`, writing only rows that differ, and
    /// notes that the set is known from now on, and whether the organisation may register
    /// children (nil: not said, forgotten).
    func replacePermissions(_ permissions: [ChildPermission], mayRegister: Bool? = nil) throws {
        var stored: [Int64: [SQLValue]] = [:]
        for row in try db.query("SELECT child, read, write, roles, fields, episodes, flags FROM permissions") {
            if case .integer(let child) = row[0] { stored[child] = Array(row[1...]) }
        }
        var wanted: [Int64: [SQLValue]] = [:]
        for entry in permissions {
            let flags = (entry.isRegistrar ? 1 : 0) | (entry.mayChangeHub ? 2 : 0) | (entry.mayRecordConsent ? 4 : 0)
            wanted[entry.child.int64] = [.text(Tag.listText(entry.read)), .text(Tag.listText(entry.write)),
                                         .text(entry.roles.sorted().map(\.rawValue).joined(separator: ",")),
                                         .text(entry.fields.sorted().map(\.description).joined(separator: ",")),
                                         .text(entry.episodes.map(\.description).sorted().joined(separator: ",")),
                                         .integer(Int64(flags))]
        }
        for child in stored.keys where wanted[child] == nil {
            try db.query("DELETE FROM permissions WHERE child = ?", [.integer(child)])
        }
        for (child, row) in wanted.sorted(by: { $0.key < $1.key }) where stored[child] != row {
            try db.query("""
                INSERT INTO permissions(child, read, write, roles, fields, episodes, flags) VALUES (?,?,?,?,?,?,?)
                ON CONFLICT(child) DO UPDATE SET read = excluded.read, write = excluded.write, roles = excluded.roles,
                    fields = excluded.fields, episodes = excluded.episodes, flags = excluded.flags
                """, [.integer(child)] + row)
        }
        if try meta.int(Meta.permissionsKnown) != 1 { try meta.set(Meta.permissionsKnown, .integer(1)) }
        if let mayRegister {
            if try meta.int(Meta.mayRegister) != (mayRegister ? 1 : 0) {
                try meta.set(Meta.mayRegister, .integer(mayRegister ? 1 : 0))
            }
        } else {
            try db.query("DELETE FROM meta WHERE key = ?", [.text(Meta.mayRegister)])
        }
    }

    // MARK: The physical purge

    /// Makes purged values physically gone from the file, if a purge is pending: `VACUUM`
    /// when free pages may hold purged bytes (`freelist_count > 0`), then
    /// `PRAGMA wal_checkpoint(TRUNCATE)` (with `secure_delete` on, set whenever the file is
    /// opened, deleted cells are overwritten with zeros). Only when the checkpoint completed
    /// is the highest redaction applied acknowledged (`redaction_ack`, sent by the next
    /// upload) and the purge no longer pending.
    ///
    /// Returns true when nothing is pending any more, false when another connection's read
    /// transaction kept the checkpoint from completing (waits at most about 0.2 s): the
    /// purge stays pending and is retried by the next command that opens the replica and by
    /// the next sync. Must not run inside a transaction.
    @discardableResult
    public func completePurge() throws(StoreError) -> Bool {
        try StoreError.wrap {
            guard try meta.int(Meta.purgePending) == 1 else { return true }
            try db.execute("PRAGMA busy_timeout = 200")
            defer { try? db.execute("PRAGMA busy_timeout = 10000") }
            if case .integer(let free) = try db.scalar("PRAGMA freelist_count"), free > 0 {
                do {
                    try db.execute("VACUUM")
                } catch let error as SQLiteError where [5, 6].contains(error.primaryCode) {
                    // SQLITE_BUSY or SQLITE_LOCKED: another connection holds the file; try later.
                    return false
                }
            }
            let row = try db.query("PRAGMA wal_checkpoint(TRUNCATE)").first ?? []
            guard row.count == 3, row[0] == .integer(0) else { return false }
            try db.transaction {
                let applied = try meta.int(Meta.redactionApplied) ?? 0
                if applied > (try meta.int(Meta.redactionAck) ?? 0) { try meta.set(Meta.redactionAck, .integer(applied)) }
                try db.query("DELETE FROM meta WHERE key = ?", [.text(Meta.purgePending)])
            }
            // The meta update itself is in the WAL now; it holds no purged value.
            return true
        }
    }

    /// Whether purged values may still be in the file (a checkpoint could not complete).
    public func purgePending() throws(StoreError) -> Bool {
        try StoreError.wrap { try meta.int(Meta.purgePending) == 1 }
    }

    /// The highest redaction id purged completely (0 = none): what the next upload acknowledges.
    public func redactionAck() throws(StoreError) -> UInt64 {
        try StoreError.wrap { UInt64(clamping: try meta.int(Meta.redactionAck) ?? 0) }
    }

    // MARK: Queries

    /// Own changes the central store refused, newest refusal first, then by sequence number
    /// (including those refused under an earlier replica id of this file, before `enroll`).
    public func refusedChanges() throws(StoreError) -> [RefusedChange] {
        try StoreError.wrap {
            try db.query("""
                SELECT seq, record_type, record_id, field, value, tag, reason, refused_at FROM refused_changes
                ORDER BY refused_at DESC, seq
                """).compactMap { row -> RefusedChange? in
                guard case .integer(let seq) = row[0], case .text(let type) = row[1], case .integer(let record) = row[2],
                      case .text(let field) = row[3], case .text(let reason) = row[6], case .integer(let at) = row[7]
                else { return nil }
                var value: String?
                if case .text(let text) = row[4] { value = text }
                var tag: Tag?
                if case .text(let code) = row[5] { tag = Tag(rawValue: code) }
                return RefusedChange(seq: UInt64(clamping: seq), recordType: type,
                                     recordID: RecordID(rawValue: UInt64(clamping: record)), field: field, value: value,
                                     tag: tag, reason: reason, refusedAt: at)
            }
        }
    }

    /// Whether the central store has sent permissions at least once.
    public func permissionsKnown() throws(StoreError) -> Bool {
        try StoreError.wrap { try meta.int(Meta.permissionsKnown) == 1 }
    }

    /// The stored permissions for one child, or nil when none are stored for it.
    public func permissions(child: RecordID) throws(StoreError) -> ChildPermission? {
        try StoreError.wrap {
            guard let row = try db.query("SELECT read, write, roles, fields, episodes, flags FROM permissions WHERE child = ?",
                                         [.integer(child.int64)]).first,
                  case .text(let read) = row[0], case .text(let write) = row[1], case .text(let roles) = row[2],
                  case .text(let fields) = row[3], case .text(let episodes) = row[4], case .integer(let flags) = row[5]
            else { return nil }
            func tags(_ text: String) -> Set<Tag> { Set(text.split(separator: ",").compactMap { Tag(rawValue: String($0)) }) }
            return ChildPermission(
                child: child, read: tags(read), write: tags(write),
                roles: Set(roles.split(separator: ",").compactMap { HubRole(rawValue: String($0)) }),
                fields: Set(fields.split(separator: ",").compactMap { FieldRef(String($0)) }),
                episodes: Set(episodes.split(separator: ",").compactMap { RecordID(hex: String($0)) }),
                isRegistrar: flags & 1 != 0, mayChangeHub: flags & 2 != 0, mayRecordConsent: flags & 4 != 0)
        }
    }

    /// Every stored permission, by child id.
    public func allPermissions() throws(StoreError) -> [ChildPermission] {
        let children = try StoreError.wrap {
            try db.query("SELECT child FROM permissions ORDER BY child").compactMap { row -> RecordID? in
                if case .integer(let id) = row[0] { return RecordID(rawValue: UInt64(clamping: id)) }
                return nil
            }
        }
        var result: [ChildPermission] = []
        for child in children {
            if let entry = try permissions(child: child) { result.append(entry) }
        }
        return result
    }

    /// Would the central store refuse a value under `tag` about `child` written here now?
    /// The tag-only form of `writeCheck(child:recordType:field:tag:noteKind:)`, for a field
    /// of the child itself.
    public func writeCheck(child: RecordID, tag: Tag) throws(StoreError) -> WriteRefusal? {
        try writeCheck(child: child, recordType: "child", field: "", tag: tag)
    }

    /// Would the central store refuse writing `field` of a record of `recordType` under `tag`
    /// about `child` here now? The one check every command that writes a record about a
    /// child calls before it changes anything; it makes the server's decision
    /// (`Grant.refusal`) on the grant the last reply described (`Grant(permission:)`). The
    /// central store checks again when the change arrives.
    ///
    /// - nil (allowed) while the replica has never received permissions, and for a child
    ///   this replica created itself that the central store has not yet acknowledged;
    /// - `.notInHub` when permissions are known but name no such child;
    /// - memberships and consents are judged only when the last reply carried the grants
    ///   part (a server before it said nothing about them: allowed, as before).
    public func writeCheck(child: RecordID, recordType: String, field: String, tag: Tag,
                           noteKind: String? = nil, decisionKind: String? = nil) throws(StoreError) -> WriteRefusal? {
        guard try permissionsKnown() else { return nil }
        guard let access = try permissions(child: child) else {
            // An `internal` note after access ended: the central store allows it to a former
            // member (`Grant.wasMember`), which this replica cannot tell; it decides.
            if tag == .internal { return nil }
            return try createdHereUnacknowledged(child) ? nil : .notInHub
        }
        if try mayRegister() == nil, ["membership", "consent"].contains(recordType) { return nil }
        return Grant(permission: access).refusal(writing: recordType, field: field, tag: tag, noteKind: noteKind,
                                                 decisionKind: decisionKind)
    }

    /// Whether the central store said at the last sync that this organisation may register
    /// children; nil when it has not said (never synced, or a server before the grants part).
    public func mayRegister() throws(StoreError) -> Bool? {
        try StoreError.wrap { try meta.int(Meta.mayRegister).map { $0 == 1 } }
    }

    /// Whether `record` was created by this replica (its first version of some field came
    /// from here) and the central store has not acknowledged that change yet.
    func createdHereUnacknowledged(_ record: RecordID) throws(StoreError) -> Bool {
        try StoreError.wrap {
            try db.scalar("""
                SELECT 1 FROM changes WHERE record_id = ? AND origin = ? AND version = 1 AND replaces IS NULL AND seq > ?
                LIMIT 1
                """, [.integer(record.int64), .integer(replicaID.int64), .integer(Int64(clamping: try acked()))]) != nil
                && db.scalar("SELECT 1 FROM changes WHERE record_id = ? AND origin != ? AND version = 1 AND replaces IS NULL LIMIT 1",
                             [.integer(record.int64), .integer(replicaID.int64)]) == nil
        }
    }
}
