import NavetCore
import NavetSQLite

/// One organisation's replica: a single SQLite file holding the visible state, the full
/// per-field history, the local change log, the conflict list and the sync cursor.
///
/// Every method runs in its own transaction: a failure leaves the file as it was.
public final class ReplicaStore {
    public let path: String
    /// This replica's id, also the origin of every change made here.
    public let replicaID: ReplicaID
    let db: Database
    let log: ChangeLog
    let meta: Meta
    public let schema: Schema

    /// Creates a new replica file. Refuses to overwrite anything.
    public static func create(path: String, replicaID: ReplicaID = .random(), now: Int64) throws(StoreError) -> ReplicaStore {
        try NavetFile.create(path: path, role: .replica, id: replicaID, now: now)
        return try open(path: path)
    }

    /// Creates a replica enrolled at a central store: its id, the server's id and URL, and
    /// the shared secret that signs its requests and bundles (kept in the file, mode 0600).
    public static func create(path: String, enrolledAs replicaID: ReplicaID, server: ReplicaID, url: String,
                              secret: [UInt8], now: Int64) throws(StoreError) -> ReplicaStore {
        try NavetFile.create(path: path, role: .replica, id: replicaID, now: now, extra: [
            (Meta.serverID, .text(server.description)), (Meta.serverURL, .text(url)), (Meta.secret, .blob(secret)),
        ])
        return try open(path: path)
    }

    /// The enrollment this replica syncs with, or nil for a local-only replica.
    public func enrollment() throws(StoreError) -> (server: ReplicaID, url: String, secret: [UInt8])? {
        try StoreError.wrap {
            guard case .blob(let secret)? = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(Meta.secret)]),
                  let server = try meta.text(Meta.serverID).flatMap(ReplicaID.init(hex:)),
                  let url = try meta.text(Meta.serverURL)
            else { return nil }
            return (server, url, secret)
        }
    }

    /// Enrolls this existing file as the replica of an enrollment file (`navet enroll`),
    /// in one transaction. Reopen the store afterwards: its `replicaID` is the new id.
    ///
    /// Own changes the server has not acknowledged (all of them in a file that never
    /// synced) move to the new origin as its changes 1...m, their versions and record ids
    /// kept and their `replaces` following them; acknowledged ones stay under the old
    /// origin, where the server holds them. The cursor and epoch stay when the server is
    /// the one the file synced with. Refused (`enrollmentRefused`) when the enrollment is
    /// this replica's own, when the file synced with another server, or when the new id
    /// already has changes here. Returns the number of changes moved and the old id.
    public func enroll(as newID: ReplicaID, server: ReplicaID, url: String, secret: [UInt8], now: Int64) throws(StoreError) -> (moved: Int, previous: ReplicaID) {
        try StoreError.wrap {
            try db.transaction {
                guard newID != replicaID else { throw StoreError.enrollmentRefused(.sameReplica(newID)) }
                let known = try meta.text(Meta.serverID).flatMap(ReplicaID.init(hex:))
                let importedAt = try meta.int(Meta.lastImportAt)
                let epoch = try meta.int(Meta.epoch) ?? 0
                let cursor = try meta.int(Meta.cursor) ?? 0
                let synced = try importedAt != nil || epoch != 0 || cursor != 0 || acked() != 0
                if let known, known != server, synced {
                    throw StoreError.enrollmentRefused(.otherServer(synced: known, enrollment: server))
                }
                let used = try db.scalar("SELECT 1 FROM changes WHERE origin = ? LIMIT 1", [.integer(newID.int64)]) != nil
                if newID == server || newID == known || used {
                    throw StoreError.enrollmentRefused(.idInUse(newID))
                }
                let acked = try acked()
                let entries = try log.entries()
                let isPending = { (change: Change) in change.origin == self.replicaID && change.seq > acked }
                let pending = entries.filter { isPending($0.change) }.sorted { $0.change.seq < $1.change.seq }
                let moved: [Change]
                do {
                    moved = try Identity.rewrite(pending.map(\.change), origin: newID, firstSeq: 1, known: [],
                                                 raiseVersions: false)
                } catch {
                    throw StoreError.notANavetDatabase(path: path, reason: "sequence numbers exhausted")
                }
                try log.rebuild(entries.filter { !isPending($0.change) }
                                + zip(pending, moved).map { (change: $1, receivedAt: $0.receivedAt) })
                try db.query("DELETE FROM origins WHERE origin = ?", [.integer(replicaID.int64)])
                if let last = moved.last {
                    try db.query("INSERT INTO origins(origin, contiguous_seq) VALUES (?, ?)",
                                 [.integer(newID.int64), .integer(Int64(last.seq))])
                }
                try meta.set(Meta.id, .text(newID.description))
                try meta.set(Meta.serverID, .text(server.description))
                try meta.set(Meta.serverURL, .text(url))
                try meta.set(Meta.secret, .blob(secret))
                try meta.set(Meta.acked, .integer(0))
                if known != server {
                    try meta.set(Meta.cursor, .integer(0))
                    try db.query("DELETE FROM meta WHERE key = ?", [.text(Meta.epoch)])
                }
                try db.query("DELETE FROM meta WHERE key IN (?, ?, ?)",
                             [.text(Meta.syncToken), .text(Meta.lastRefusal), .text(Meta.lastRefusalAt)])
                // Redaction ids and permissions belong to the old enrollment: the new one starts
                // its own (a purge still pending stays pending).
                try db.query("DELETE FROM meta WHERE key IN (?, ?, ?, ?)",
                             [.text(Meta.redactionApplied), .text(Meta.redactionAck), .text(Meta.permissionsKnown),
                              .text(Meta.mayRegister)])
                try db.query("DELETE FROM permissions")
                // The read log goes on in this file, but the central store holds none of it
                // under the new id: the next upload carries it from its first entry (the
                // earlier id's entries as the chain's start, Protocol/AUDIT.md).
                try db.query("DELETE FROM meta WHERE key IN (?, ?, ?)",
                             [.text(Self.auditAck), .text(Self.auditBreakPending), .text(Self.auditBreakReported)])
                return (moved.count, replicaID)
            }
        }
    }

    /// The server epoch last seen in a reply (0 before the first).
    public func epoch() throws(StoreError) -> UInt64 {
        try StoreError.wrap { UInt64(bitPattern: try meta.int(Meta.epoch) ?? 0) }
    }

    /// Records a successful sync over HTTP (shown by `navet status`); clears any refusal.
    public func noteSync(now: Int64) throws(StoreError) {
        try StoreError.wrap {
            try db.transaction {
                try meta.set(Meta.lastSyncAt, .integer(now))
                try db.query("DELETE FROM meta WHERE key IN (?, ?)", [.text(Meta.lastRefusal), .text(Meta.lastRefusalAt)])
            }
        }
    }

    /// Records why the server last refused a sync, for `navet status`.
    public func noteRefusal(_ reason: String, now: Int64) throws(StoreError) {
        try StoreError.wrap {
            try db.transaction {
                try meta.set(Meta.lastRefusal, .text(reason))
                try meta.set(Meta.lastRefusalAt, .integer(now))
            }
        }
    }

    /// Opens an existing replica file, migrating it to the current layout.
    public static func open(path: String) throws(StoreError) -> ReplicaStore {
        let (db, id) = try NavetFile.open(path: path, role: .replica)
        return ReplicaStore(path: path, db: db, id: id)
    }

    init(path: String, db: Database, id: ReplicaID, schema: Schema = .current) {
        self.path = path
        self.db = db
        self.replicaID = id
        self.log = ChangeLog(db: db, keepsChildOrder: true)
        self.meta = Meta(db: db)
        self.schema = schema
    }

    // MARK: Local edits

    /// Creates a record with the given field values (nulls are skipped) and returns its
    /// new id. Every required field must be present; references must point at records
    /// of the right type that this replica holds.
    public func createRecord(type: String, values: [String: FieldValue], tag: Tag? = nil, now: Int64) throws(StoreError) -> RecordID {
        try StoreError.wrap {
            guard let recordType = schema.recordType(type) else { throw SchemaError.unknownRecordType(type) }
            for name in values.keys where recordType.field(name) == nil {
                throw SchemaError.unknownField(recordType: type, field: name)
            }
            for field in recordType.fields {
                try field.validate(values[field.name] ?? .null)
                if case .reference(let target) = field.kind, case .text(let hex)? = values[field.name] {
                    _ = try self.record(RecordID(hex: hex)!, ofType: target)
                }
            }
            return try db.transaction {
                var id = RecordID.random()
                while try db.scalar("SELECT 1 FROM changes WHERE record_id = ? LIMIT 1", [.integer(id.int64)]) != nil {
                    id = RecordID.random()
                }
                for field in recordType.fields {
                    guard let value = values[field.name], !value.isNull else { continue }
                    // A note's author chooses its tag; a decision's kind decides its tag;
                    // `internal` keeps any record with its organisation (a draft SIP).
                    let fieldTag = recordType.authorChoosesTag || tag == .internal ? (tag ?? field.defaultTag)
                        : type == "decision" ? (DecisionRules.tag(values: values) ?? field.defaultTag) : field.defaultTag
                    try appendLocal(type: type, record: id, field: field.name, value: value, tag: fieldTag,
                                    version: 1, replaces: [], now: now)
                }
                return id
            }
        }
    }

    /// Sets one field. The new value supersedes the value shown now; a concurrent value
    /// from elsewhere stays listed as a conflict until resolved. Returns nil when the field
    /// already shows this value and has no conflict (and, when `tag` is given, under that tag).
    /// `tag` overrides the field's default tag: `internal` for a draft SIP, or the default
    /// again to re-write a draft's values once it is agreed.
    @discardableResult
    public func set(record: RecordID, field: String, value: FieldValue, tag: Tag? = nil, now: Int64) throws(StoreError) -> Change? {
        try StoreError.wrap {
            let type = try recordType(of: record)
            let recordSchema = schema.recordType(type)!
            if recordSchema.appendOnly { throw StoreError.appendOnly(recordType: type) }
            guard let fieldSchema = recordSchema.field(field) else {
                throw SchemaError.unknownField(recordType: type, field: field)
            }
            try fieldSchema.validate(value)
            return try db.transaction {
                let cell = CellKey(recordID: record, field: field)
                let heads = try log.heads(cell)
                if heads.count == 1, heads[0].value == value, tag == nil || heads[0].tag == tag { return nil }
                let winner = try log.winner(cell)
                return try appendLocal(type: type, record: record, field: field, value: value,
                                       tag: tag ?? fieldSchema.defaultTag,
                                       version: CellMerge.nextVersion(after: winner),
                                       replaces: winner.map { [$0] } ?? [], now: now)
            }
        }
    }

    /// Resolves a conflict: records `value` as an ordinary change that supersedes every
    /// head of the cell.
    @discardableResult
    public func resolve(record: RecordID, field: String, value: FieldValue, now: Int64) throws(StoreError) -> Change {
        try StoreError.wrap {
            let type = try recordType(of: record)
            guard let fieldSchema = schema.recordType(type)!.field(field) else {
                throw SchemaError.unknownField(recordType: type, field: field)
            }
            try fieldSchema.validate(value)
            return try db.transaction {
                let cell = CellKey(recordID: record, field: field)
                let heads = try log.heads(cell)
                guard heads.count > 1 else { throw StoreError.noConflict(record, field: field) }
                return try appendLocal(type: type, record: record, field: field, value: value, tag: fieldSchema.defaultTag,
                                       version: CellMerge.nextVersion(after: heads[0].stamp),
                                       replaces: heads.map(\.stamp), now: now)
            }
        }
    }

    @discardableResult
    private func appendLocal(
        type: String, record: RecordID, field: String, value: FieldValue, tag: Tag, version: UInt64,
        replaces: [Stamp], now: Int64
    ) throws -> Change {
        guard version <= CellMerge.maxVersion else { throw SchemaError.versionExhausted(field: field) }
        let seq = try lastOwnSeq() + 1
        let change = Change(origin: replicaID, seq: seq, version: version, replaces: replaces, wallTime: now,
                            recordType: type, recordID: record, field: field, value: value, tag: tag)
        _ = try log.apply(change, receivedAt: now)
        try db.query("INSERT INTO origins(origin, contiguous_seq) VALUES (?, ?) ON CONFLICT(origin) DO UPDATE SET contiguous_seq = excluded.contiguous_seq",
                     [.integer(replicaID.int64), .integer(Int64(seq))])
        return change
    }

    func lastOwnSeq() throws -> UInt64 {
        if case .integer(let seq) = try db.scalar("SELECT contiguous_seq FROM origins WHERE origin = ?",
                                                  [.integer(replicaID.int64)]) {
            return UInt64(clamping: seq)
        }
        return 0
    }

    // MARK: Queries

    /// The type of a record this replica holds; throws `unknownRecord` otherwise.
    public func recordType(of record: RecordID) throws(StoreError) -> String {
        guard let type = try StoreError.wrap({ try log.recordType(of: record) }) else { throw .unknownRecord(record) }
        return type
    }

    func record(_ id: RecordID, ofType expected: String) throws -> RecordID {
        let actual = try recordType(of: id)
        guard actual == expected else { throw StoreError.wrongRecordType(id, expected: expected, actual: actual) }
        return id
    }

    /// Finds a record of a type by its full id or a unique prefix of its hex digits.
    public func resolveID(_ text: String, type: String) throws(StoreError) -> RecordID {
        let prefix = text.lowercased()
        if let id = RecordID(hex: prefix) {
            // A child may be held only through records about it (`childIDs`).
            if type == "child", try holdsChild(id) { return id }
            return try StoreError.wrap { try record(id, ofType: type) }
        }
        // A range of ids (issue 15), not a scan of every id in Swift.
        let matches = try recordIDs(prefix: prefix, type: type)
        guard !prefix.isEmpty, prefix.allSatisfy(\.isHexDigit), let first = matches.first else {
            throw .unknownRecord(RecordID(rawValue: 0))
        }
        guard matches.count == 1 else { throw .ambiguousRecord(prefix: prefix, matches: matches.count) }
        return first
    }

    public func records(ofType type: String) throws(StoreError) -> [RecordSnapshot] {
        try StoreError.wrap { try log.records(ofType: type).map { try snapshot($0) } }
    }

    /// Notes about one child, oldest first.
    public func notes(child: RecordID?) throws(StoreError) -> [RecordSnapshot] {
        try StoreError.wrap {
            let ids: [RecordID]
            if let child {
                ids = try db.query(
                    "SELECT record_id FROM cells WHERE record_type = 'note' AND field = 'child' AND value = ?",
                    [.text(child.description)]
                ).compactMap { if case .integer(let id) = $0[0] { RecordID(rawValue: UInt64(clamping: id)) } else { nil } }
            } else {
                ids = try log.records(ofType: "note")
            }
            return try ids.map { try snapshot($0) }.sorted { $0.createdAt < $1.createdAt }
        }
    }

    /// Every change of a record, per field in the order they were written (their wall
    /// time, as a reader reads a history; ties by stamp). Which value is shown is the
    /// stamp's to say, not the time's: `HistoryEntry.state` says it.
    public func history(_ record: RecordID) throws(StoreError) -> [HistoryEntry] {
        try StoreError.wrap {
            let changes = try log.changes(where: "record_id = ?", [.integer(record.int64)],
                                          orderBy: "field, wall_time, version, origin")
            guard !changes.isEmpty else { throw StoreError.unknownRecord(record) }
            let superseded = Set(changes.flatMap(\.replaces))
            var winners: [String: Stamp] = [:]
            for change in changes where change.stamp > (winners[change.field] ?? Stamp(version: 0, origin: ReplicaID(rawValue: 0))) {
                winners[change.field] = change.stamp
            }
            return changes.map { change in
                let state: HistoryEntry.State =
                    winners[change.field] == change.stamp ? .shown
                    : superseded.contains(change.stamp) ? .superseded : .conflict
                return HistoryEntry(change: change, state: state)
            }
        }
    }

    /// The heads of one cell (one head when it is not in conflict).
    public func heads(record: RecordID, field: String) throws(StoreError) -> [Change] {
        try StoreError.wrap { try log.heads(CellKey(recordID: record, field: field)) }
    }

    // MARK: Sync state

    /// Own changes the server has not acknowledged yet, in sequence order: at most `limit`
    /// changes and about `byteBudget` bytes of values; the rest go in the next upload.
    public func pendingChanges(limit: Int = 100_000, byteBudget: Int = 64 << 20) throws(StoreError) -> [Change] {
        try StoreError.wrap {
            var bytes = 0
            return try log.changes(
                where: "origin = ? AND seq > ?", [.integer(replicaID.int64), .integer(Int64(try acked()))],
                orderBy: "seq LIMIT \(limit)"
            ) { change in
                bytes += 64 + (change.value.displayText?.utf8.count ?? 0)
                return bytes <= byteBudget
            }
        }
    }

    func acked() throws -> UInt64 { UInt64(clamping: try meta.int(Meta.acked) ?? 0) }

    public func status() throws(StoreError) -> ReplicaStatus {
        try StoreError.wrap {
            let counts = try db.query("""
                SELECT (SELECT count(*) FROM (SELECT printf('%016x', record_id) FROM cells WHERE record_type = 'child'
                               UNION SELECT value FROM cells WHERE field = 'child' AND record_type <> 'child')),
                       (SELECT count(*) FROM cells WHERE record_type = 'note' AND field = 'child'),
                       (SELECT count(*) FROM cells WHERE heads > 1),
                       (SELECT count(*) FROM changes)
                """)[0].map { if case .integer(let n) = $0 { Int(n) } else { 0 } }
            let last = try lastOwnSeq()
            let acked = try acked()
            return ReplicaStatus(
                replicaID: replicaID, serverID: try meta.text(Meta.serverID).flatMap(ReplicaID.init(hex:)),
                schemaVersion: schema.version, layoutVersion: try db.userVersion,
                children: counts[0], notes: counts[1], conflicts: counts[2], changes: counts[3],
                pending: Int(last - min(acked, last)), lastSeq: last, acked: acked,
                cursor: UInt64(clamping: try meta.int(Meta.cursor) ?? 0),
                createdAt: try meta.int(Meta.createdAt) ?? 0,
                lastExportAt: try meta.int(Meta.lastExportAt), lastImportAt: try meta.int(Meta.lastImportAt),
                lastSyncAt: try meta.int(Meta.lastSyncAt), serverURL: try meta.text(Meta.serverURL),
                lastRefusal: try meta.text(Meta.lastRefusal), lastRefusalAt: try meta.int(Meta.lastRefusalAt),
                enrolled: try enrollment() != nil, purgePending: try meta.int(Meta.purgePending) == 1,
                redactionAck: UInt64(clamping: try meta.int(Meta.redactionAck) ?? 0))
        }
    }

    /// What an upload needs: the cursor, the server id if known, and the pending changes.
    /// Reads only what it needs (no counts over the whole file), so a sync costs the same
    /// whatever the size of the replica.
    ///
    /// `token` is the sync token of the last reply applied (0 before the first) and `acked`
    /// the highest n such that the server acknowledged this replica's changes 1...n: the
    /// upload carries both so the server can tell a file that is behind its own history
    /// (Protocol/BUNDLE.md, "Replica identity").
    public func uploadContent() throws(StoreError) -> (cursor: UInt64, serverID: ReplicaID?, changes: [Change],
                                                       token: UInt64, acked: UInt64) {
        try StoreError.wrap {
            (UInt64(clamping: try meta.int(Meta.cursor) ?? 0), try meta.text(Meta.serverID).flatMap(ReplicaID.init(hex:)),
             try pendingChanges(), try syncToken(), try acked())
        }
    }

    func syncToken() throws -> UInt64 { UInt64(bitPattern: try meta.int(Meta.syncToken) ?? 0) }

    /// Own changes not yet acknowledged, counted without reading them.
    public func pendingCount() throws(StoreError) -> Int {
        try StoreError.wrap {
            let last = try lastOwnSeq()
            return Int(last - min(try acked(), last))
        }
    }

    /// Records that an upload was written (shown by `navet status`).
    public func noteExport(now: Int64) throws(StoreError) {
        try StoreError.wrap { try meta.set(Meta.lastExportAt, .integer(now)) }
    }

    /// Applies a reply from the central store in one transaction. The changes must have
    /// passed `Schema.validate`. Applying the same reply twice changes nothing.
    ///
    /// The cursor moves to `newCursor` only if this reply continues from a point the
    /// replica has reached (`cursor <= current`); an old or out-of-order reply still
    /// delivers its changes but cannot make the replica skip others.
    ///
    /// Changes of this replica's own origin arrive only in a catch-up reply (the file is
    /// behind its own history: restored from a backup, or a copy). They are stored, and
    /// own changes that never reached the server and collide with them are renumbered
    /// after `ack` and re-stamped, in the same transaction (`catchUp`). `token` is the
    /// reply's sync token (0 = none), sent back with the next upload.
    ///
    /// `filtering` (Filtering.swift): redactions are applied first (their changes deleted,
    /// never this replica's own), then refusals (own changes retracted), then the changes;
    /// permissions, when sent, replace the stored set. After the commit a redaction is
    /// made physical (`completePurge`); `summary.purgePending` says when that must wait.
    public func applyReply(
        server: ReplicaID, cursor base: UInt64, newCursor: UInt64, ack: UInt64, epoch: UInt64 = 0, changes: [Change],
        token: UInt64 = 0, filtering: ReplyFiltering = ReplyFiltering(), answering: UInt64? = nil, now: Int64
    ) throws(StoreError) -> ImportSummary {
        var summary = try StoreError.wrap {
            try db.transaction {
                if let known = try meta.text(Meta.serverID), known != server.description {
                    throw StoreError.wrongServer(expected: ReplicaID(hex: known)!, got: server)
                }
                // The upload this reply answers is answered now (ReplyOrder.swift).
                if let answering { try noteAnswered(answering) }
                var summary = ImportSummary()
                summary.redacted = try applyRedactions(filtering.redactions)
                summary.refused = try applyRefusals(filtering.refusals, now: now)
                if let permissions = filtering.permissions {
                    try replacePermissions(permissions, mayRegister: filtering.mayRegister)
                }
                if let checkpoint = filtering.checkpoint { try keepCheckpoint(checkpoint, server: server, now: now) }
                let own = changes.filter { $0.origin == replicaID }
                if !own.isEmpty {
                    let caught = try catchUp(own, ack: ack, now: now)
                    summary.applied += caught.applied
                    summary.duplicates += caught.duplicates
                    summary.renumbered = caught.renumbered
                    summary.caughtUp = true
                }
                for change in changes where change.origin != replicaID {
                    switch try log.apply(change, receivedAt: now) {
                    case .applied: summary.applied += 1
                    case .duplicate: summary.duplicates += 1
                    }
                }
                let current = UInt64(clamping: try meta.int(Meta.cursor) ?? 0)
                let acked = try acked()
                let effectiveAck = min(ack, try lastOwnSeq())
                let known = UInt64(bitPattern: try meta.int(Meta.epoch) ?? 0)
                summary.cursor = current
                summary.acked = acked
                if epoch != 0, known != 0, epoch != known {
                    // The server was restored from a backup (Protocol/BUNDLE.md, "Epoch"): it
                    // numbers changes anew and may lack some it had acknowledged. Download
                    // everything again and re-send every own change after what it holds.
                    summary.epochChanged = true
                    summary.cursor = 0
                    summary.acked = effectiveAck
                    try meta.set(Meta.cursor, .integer(0))
                    try meta.set(Meta.acked, .integer(Int64(effectiveAck)))
                } else {
                    if base <= current, newCursor > current {
                        summary.cursor = newCursor
                        try meta.set(Meta.cursor, .integer(Int64(newCursor)))
                    }
                    summary.acked = max(acked, effectiveAck)
                    if effectiveAck > acked { try meta.set(Meta.acked, .integer(Int64(effectiveAck))) }
                }
                let changed = summary.applied > 0 || summary.cursor != current || summary.acked != acked
                    || summary.redacted > 0 || summary.refused > 0
                if epoch != 0, epoch != known {
                    try meta.set(Meta.epoch, .integer(Int64(bitPattern: epoch)))
                }
                if changed {
                    try meta.set(Meta.serverID, .text(server.description))
                    try meta.set(Meta.lastImportAt, .integer(now))
                }
                if token != 0 { try meta.set(Meta.syncToken, .integer(Int64(bitPattern: token))) }
                return summary
            }
        }
        // The reply is applied; a purge that fails for any reason (busy, I/O) stays pending
        // and is retried, and is not acknowledged before it completes.
        if !filtering.redactions.isEmpty { summary.purgePending = !((try? completePurge()) ?? false) }
        return summary
    }

    /// Stores this replica's own changes sent back by a catch-up reply. Runs inside
    /// `applyReply`'s transaction.
    ///
    /// If a local change holds a sequence number the server holds with other content, the
    /// file went on from an older point of its own history: every own change from that
    /// number on never reached the server (the server would have refused it), so they are
    /// renumbered to follow the higher of `ack` and the last own number held, and
    /// re-stamped above every version their cells hold (`Identity.rewrite`); the log is
    /// rebuilt from the result. Applying the same reply again finds nothing in conflict
    /// and changes nothing.
    private func catchUp(_ own: [Change], ack: UInt64, now: Int64) throws -> (applied: Int, duplicates: Int, renumbered: Int) {
        var conflictAt: UInt64?
        for change in own {
            if let local = try log.change(origin: replicaID, seq: change.seq), local != change {
                conflictAt = min(conflictAt ?? change.seq, change.seq)
            }
        }
        guard let conflictAt else {
            var applied = 0
            var duplicates = 0
            for change in own.sorted(by: { $0.seq < $1.seq }) {
                switch try log.apply(change, receivedAt: now) {
                case .applied: applied += 1
                case .duplicate: duplicates += 1
                }
            }
            try setLastOwnSeq(max(try lastOwnSeq(), own.map(\.seq).max() ?? 0))
            return (applied, duplicates, 0)
        }
        let entries = try log.entries()
        let isPending = { (change: Change) in change.origin == self.replicaID && change.seq >= conflictAt }
        var kept = entries.filter { !isPending($0.change) }
        let held = Set(kept.map { Key(origin: $0.change.origin, seq: $0.change.seq) })
        var applied = 0
        for change in own.sorted(by: { $0.seq < $1.seq }) where !held.contains(Key(origin: change.origin, seq: change.seq)) {
            kept.append((change, now))
            applied += 1
        }
        let pending = entries.map(\.change).filter(isPending).sorted { $0.seq < $1.seq }
        let lastHeld = kept.filter { $0.change.origin == replicaID }.map(\.change.seq).max() ?? 0
        let (first, overflow) = max(ack, lastHeld).addingReportingOverflow(1)
        if overflow { throw StoreError.notANavetDatabase(path: path, reason: "sequence numbers exhausted") }
        let rewritten: [Change]
        do {
            rewritten = try Identity.rewrite(pending, origin: replicaID, firstSeq: first, known: kept.map(\.change),
                                             raiseVersions: true)
        } catch {
            throw StoreError.notANavetDatabase(path: path, reason: "versions exhausted")
        }
        let receivedAt = Dictionary(entries.map { (Key(origin: $0.change.origin, seq: $0.change.seq), $0.receivedAt) },
                                    uniquingKeysWith: { first, _ in first })
        let moved = zip(pending, rewritten).map { old, new in
            (change: new, receivedAt: receivedAt[Key(origin: old.origin, seq: old.seq)] ?? now)
        }
        try log.rebuild(kept + moved)
        try setLastOwnSeq(rewritten.last?.seq ?? lastHeld)
        return (applied, own.count - applied, rewritten.count)
    }

    private struct Key: Hashable {
        let origin: ReplicaID
        let seq: UInt64
    }

    private func setLastOwnSeq(_ seq: UInt64) throws {
        try db.query("INSERT INTO origins(origin, contiguous_seq) VALUES (?, ?) ON CONFLICT(origin) DO UPDATE SET contiguous_seq = excluded.contiguous_seq",
                     [.integer(replicaID.int64), .integer(Int64(min(seq, UInt64(Int64.max))))])
    }

    // MARK: Shared queries (bodies in ChangeLog)

    /// The visible state of one record.
    public func snapshot(_ record: RecordID) throws(StoreError) -> RecordSnapshot {
        try StoreError.wrap { try log.snapshot(record) }
    }

    /// Every cell with concurrent values, each with its heads (the shown value first).
    public func conflicts() throws(StoreError) -> [Conflict] {
        try StoreError.wrap { try log.conflicts() }
    }

    /// Every change held, in arrival order. For tests, tools and audits.
    public func allChanges() throws(StoreError) -> [Change] {
        try StoreError.wrap { try log.changes(where: "1", []) }
    }

    /// `PRAGMA integrity_check` on the file: "ok" or the problems.
    public func integrityCheck() throws(StoreError) -> [String] {
        try StoreError.wrap { try db.integrityCheck() }
    }

    /// See `ChangeLog.withRelaxedDurability`: for tools that build large test stores only.
    public func withRelaxedDurability<T>(_ body: () throws -> T) throws -> T {
        try log.withRelaxedDurability(body)
    }
}

