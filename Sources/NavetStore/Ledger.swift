import Foundation
import NavetCore
import NavetCrypto
import NavetSQLite

// The disclosure ledger as a hash chain with signed checkpoints (Protocol/AUDIT.md,
// "Disclosure ledger"; docs/STORAGE.md, `disclosures`, `ledger_checkpoints`).

/// What one ledger row's rule covered in its range: `tags;fields` (docs/STORAGE.md).
/// A change of the row's child in `[first_change, last_change]`, not refused, not the
/// recipient's own, was sent under the row exactly when it matches and is not one of the
/// row's exceptions.
public struct LedgerCoverage: Hashable, Sendable {
    public var tags: Set<Tag>
    public var fields: Set<String>

    public init(tags: Set<Tag> = [], fields: Set<String> = []) {
        self.tags = tags
        self.fields = fields
    }

    public init?(text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        var tags: Set<Tag> = []
        for name in parts[0].split(separator: ",") {
            guard let tag = Tag(rawValue: String(name)) else { return nil }
            tags.insert(tag)
        }
        self.init(tags: tags, fields: Set(parts[1].split(separator: ",").map(String.init)))
    }

    public var text: String { Tag.listText(tags) + ";" + fields.sorted().joined(separator: ",") }

    /// Whether a change matches: a row of the rule `own` covers the changes its
    /// organisation's replicas wrote, with these tags (`internal` included); any other row
    /// covers changes others wrote, never `internal`, by tag or by `type.field`.
    public func matches(recordType: String, field: String, tag: Tag, ownRule: Bool, writtenByOwnOrganisation: Bool) -> Bool {
        if ownRule { return writtenByOwnOrganisation && tags.contains(tag) }
        if writtenByOwnOrganisation || tag == .internal { return false }
        return tags.contains(tag) || fields.contains("\(recordType).\(field)")
    }
}

/// One broken place found by `verifyLedger`.
public struct LedgerBreak: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// The row's stored hash is not the hash of its content after the row before.
        case rowChanged = "row_changed"
        /// The row has no hash.
        case rowUnhashed = "row_unhashed"
        /// A checkpoint's MAC is wrong (the checkpoint itself was altered or forged).
        case checkpointForged = "checkpoint_forged"
        /// A checkpoint names a row the ledger does not hold (rows removed at the end).
        case checkpointRowMissing = "checkpoint_row_missing"
        /// A checkpoint's head is not the stored hash of its row.
        case checkpointMismatch = "checkpoint_mismatch"
        /// The ledger was pruned but no valid checkpoint of the server signs its base.
        case baseUnsigned = "base_unsigned"
    }

    public var kind: Kind
    /// The ledger row (the first broken one, or the checkpoint's row).
    public var row: Int64
    /// Where the checkpoint came from: nil for the server's own, else the replica file.
    public var source: String?
}

public struct LedgerVerification: Sendable {
    public var rows = 0
    public var checkpoints = 0
    public var replicaCheckpoints = 0
    public var breaks: [LedgerBreak] = []
    public var isIntact: Bool { breaks.isEmpty }
}

/// A checkpoint as a replica file keeps it.
public struct StoredCheckpoint: Hashable, Sendable {
    public var server: ReplicaID
    public var checkpoint: LedgerCheckpoint
}

extension CentralStore {
    static let auditKeyName = "audit_key"
    static let ledgerChainedKey = "ledger_chained"
    /// After pruning: the id and hash of the last row removed (the first kept row chains to it).
    static let ledgerBaseRowKey = "ledger_base_row"
    static let ledgerBaseHashKey = "ledger_base_hash"

    static let zeroHash = [UInt8](repeating: 0, count: 32)
    /// The hash the first row of a never-pruned ledger chains to (for the vector tests).
    public static var zeroHashForTests: [UInt8] { zeroHash }

    /// The server's audit key (32 random bytes in `meta`), made on first use. Only
    /// `navetd` reads it: it never leaves the central store.
    func auditKey() throws -> [UInt8] {
        if case .blob(let key)? = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(Self.auditKeyName)]),
           key.count == 32 {
            return key
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try meta.set(Self.auditKeyName, .blob(key))
        return key
    }

    /// The hash the first kept row chains to: 32 zero bytes, or the last pruned row's.
    func ledgerBase() throws -> (row: Int64, hash: [UInt8]) {
        guard case .integer(let row)? = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(Self.ledgerBaseRowKey)]),
              case .blob(let hash)? = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(Self.ledgerBaseHashKey)])
        else { return (0, Self.zeroHash) }
        return (row, hash)
    }

    /// The last row's id and hash (the chain head), or the base when the ledger is empty.
    func ledgerHead() throws -> (row: Int64, hash: [UInt8]) {
        if let row = try cachedQuery("SELECT id, hash FROM disclosures ORDER BY id DESC LIMIT 1").first,
           case .integer(let id) = row[0], case .blob(let hash) = row[1] {
            return (id, hash)
        }
        return try ledgerBase()
    }

    /// Gives rows written before layout 17 their hashes, once (at open).
    func chainLegacyLedger() throws(StoreError) {
        try StoreError.wrap {
            if try meta.int(Self.ledgerChainedKey) == 1 { return }
            try db.transaction {
                var previous = try ledgerBase().hash
                let select = try db.prepare("SELECT \(Self.entryColumns), hash FROM disclosures ORDER BY id")
                var updates: [(Int64, [UInt8])] = []
                while try select.step() {
                    let entry = Self.readEntry(select)
                    if case .blob(let stored) = select.value(at: 13) {
                        previous = stored
                        continue
                    }
                    let hash = SHA256.hash(entry.encoding(previous: previous))
                    updates.append((entry.id, hash))
                    previous = hash
                }
                select.reset()
                for (id, hash) in updates {
                    try db.query("UPDATE disclosures SET hash = ? WHERE id = ?", [.blob(hash), .integer(id)])
                }
                if !updates.isEmpty { _ = try signCheckpoint(now: 0) }
                try meta.set(Self.ledgerChainedKey, .integer(1))
            }
        }
    }

    static let entryColumns = """
        id, replica_id, organisation, child_id, rule, covers, exceptions, first_change, last_change, count, backfill, \
        sent_at, policy_version
        """

    static func readEntry(_ row: Statement) -> LedgerEntry {
        LedgerEntry(
            id: row.int64(at: 0), replica: ReplicaID(rawValue: UInt64(bitPattern: row.int64(at: 1))),
            organisation: row.text(at: 2), child: RecordID(rawValue: UInt64(bitPattern: row.int64(at: 3))),
            rule: row.text(at: 4), covers: row.text(at: 5), exceptions: row.text(at: 6), firstChange: row.int64(at: 7),
            lastChange: row.int64(at: 8), count: row.int64(at: 9), backfill: row.int64(at: 10) != 0,
            sentAt: row.int64(at: 11), policyVersion: row.int64(at: 12))
    }

    /// Appends one row to the chain (inside the caller's transaction); returns its id.
    @discardableResult
    func appendLedger(_ entry: LedgerEntry) throws -> Int64 {
        let head = try ledgerHead()
        var entry = entry
        entry.id = head.row + 1
        let hash = SHA256.hash(entry.encoding(previous: head.hash))
        try cachedQuery("""
            INSERT INTO disclosures(id, replica_id, organisation, child_id, rule, covers, exceptions, first_change,
                                    last_change, count, backfill, sent_at, policy_version, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(entry.id), .integer(entry.replica.int64), .text(entry.organisation), .integer(entry.child.int64),
                  .text(entry.rule), .text(entry.covers), .text(entry.exceptions), .integer(entry.firstChange),
                  .integer(entry.lastChange), .integer(entry.count), .integer(entry.backfill ? 1 : 0), .integer(entry.sentAt),
                  .integer(entry.policyVersion), .blob(hash)])
        return entry.id
    }

    /// Signs the chain head (inside the caller's transaction) and keeps the checkpoint;
    /// nil while the ledger is empty.
    @discardableResult
    func signCheckpoint(now: Int64) throws -> LedgerCheckpoint? {
        let head = try ledgerHead()
        guard head.row > 0 else { return nil }
        let message = LedgerCheckpoint.message(server: serverID, row: UInt64(head.row), head: head.hash, signedAt: now)
        let checkpoint = LedgerCheckpoint(row: UInt64(head.row), head: head.hash, signedAt: now,
                                          mac: HMACSHA256.authenticate(message: message, key: try auditKey()))
        try cachedQuery("INSERT INTO ledger_checkpoints(row_id, head, signed_at, mac) VALUES (?, ?, ?, ?)",
                        [.integer(head.row), .blob(head.hash), .integer(now), .blob(checkpoint.mac)])
        return checkpoint
    }

    /// The checkpoint signed last, if any.
    func latestCheckpointRow() throws -> LedgerCheckpoint? {
        guard let row = try cachedQuery("SELECT row_id, head, signed_at, mac FROM ledger_checkpoints ORDER BY id DESC LIMIT 1").first,
              case .integer(let id) = row[0], id > 0, case .blob(let head) = row[1], head.count == 32,
              case .integer(let at) = row[2], case .blob(let mac) = row[3], mac.count == 32
        else { return nil }
        return LedgerCheckpoint(row: UInt64(id), head: head, signedAt: at, mac: mac)
    }

    /// The latest signed checkpoint of the ledger, sent with every reply.
    public func latestCheckpoint() throws(StoreError) -> LedgerCheckpoint? {
        try StoreError.wrap { try latestCheckpointRow() }
    }

    // MARK: Verification (`navetd audit verify`)

    /// Recomputes the chain from the first kept row and checks every checkpoint the server
    /// signed and every checkpoint in `replicaCheckpoints` (from replica files, by source).
    /// Reads the ledger once, in id order; memory holds one row at a time plus the hashes
    /// of the rows checkpoints name.
    public func verifyLedger(replicaCheckpoints: [(source: String, checkpoints: [StoredCheckpoint])] = [])
        throws(StoreError) -> LedgerVerification
    {
        try StoreError.wrap {
            var result = LedgerVerification()
            let key = try auditKey()
            var own: [(LedgerCheckpoint, String?)] = []
            for row in try db.query("SELECT row_id, head, signed_at, mac FROM ledger_checkpoints ORDER BY id") {
                guard case .integer(let id) = row[0], case .blob(let head) = row[1], case .integer(let at) = row[2],
                      case .blob(let mac) = row[3] else { continue }
                own.append((LedgerCheckpoint(row: UInt64(clamping: id), head: head, signedAt: at, mac: mac), nil))
            }
            result.checkpoints = own.count
            var all = own
            for (source, list) in replicaCheckpoints {
                for stored in list where stored.server == serverID { all.append((stored.checkpoint, source)) }
                result.replicaCheckpoints += list.count
            }
            let base = try ledgerBase()
            var wanted: [Int64: [UInt8]?] = [:]
            for (checkpoint, _) in all { wanted[Int64(clamping: checkpoint.row)] = .some(nil) }
            if base.row > 0 { wanted[base.row] = .some(base.hash) }
            var previous = base.hash
            var firstBreak: LedgerBreak?
            let select = try db.prepare("SELECT \(Self.entryColumns), hash FROM disclosures ORDER BY id")
            defer { select.reset() }
            while try select.step() {
                let entry = Self.readEntry(select)
                result.rows += 1
                guard case .blob(let stored) = select.value(at: 13) else {
                    if firstBreak == nil { firstBreak = LedgerBreak(kind: .rowUnhashed, row: entry.id) }
                    continue
                }
                if firstBreak == nil, SHA256.hash(entry.encoding(previous: previous)) != stored {
                    firstBreak = LedgerBreak(kind: .rowChanged, row: entry.id)
                }
                if wanted[entry.id] != nil { wanted[entry.id] = .some(stored) }
                previous = stored
            }
            if let firstBreak { result.breaks.append(firstBreak) }
            if base.row > 0, !own.contains(where: { checkpoint, _ in
                checkpoint.row == UInt64(base.row) && checkpoint.head == base.hash
                    && HMACSHA256.constantTimeEquals(HMACSHA256.authenticate(message: LedgerCheckpoint.message(
                        server: serverID, row: checkpoint.row, head: checkpoint.head, signedAt: checkpoint.signedAt), key: key),
                        checkpoint.mac)
            }) {
                result.breaks.append(LedgerBreak(kind: .baseUnsigned, row: base.row))
            }
            for (checkpoint, source) in all {
                let message = LedgerCheckpoint.message(server: serverID, row: checkpoint.row, head: checkpoint.head,
                                                       signedAt: checkpoint.signedAt)
                let row = Int64(clamping: checkpoint.row)
                if !HMACSHA256.constantTimeEquals(HMACSHA256.authenticate(message: message, key: key), checkpoint.mac) {
                    result.breaks.append(LedgerBreak(kind: .checkpointForged, row: row, source: source))
                } else if row < base.row {
                    continue  // pruned behind the base, which a checkpoint covers
                } else if case .some(.some(let hash)) = wanted[row] {
                    if hash != checkpoint.head {
                        result.breaks.append(LedgerBreak(kind: .checkpointMismatch, row: row, source: source))
                    }
                } else {
                    result.breaks.append(LedgerBreak(kind: .checkpointRowMissing, row: row, source: source))
                }
            }
            return result
        }
    }

    // MARK: Retention (`navetd audit prune`)

    /// Removes the rows sent before `cutoff` (ms) from the start of the chain, behind a
    /// signed checkpoint of the last row removed, which becomes the chain's base: the first
    /// kept row chains to its hash, so what remains verifies. Stops at the first row sent
    /// at or after `cutoff` (rows are in time order; a row out of order keeps those after
    /// it). Removes the server's checkpoints of removed rows except the base's. The caller
    /// verifies the ledger first: a broken ledger is evidence and is not pruned.
    public func pruneLedger(before cutoff: Int64, now: Int64) throws(StoreError) -> (removed: Int, base: Int64) {
        try StoreError.wrap {
            try db.transaction {
                let firstKept: Int64? = try db.scalar("SELECT min(id) FROM disclosures WHERE sent_at >= ?", [.integer(cutoff)])
                    .flatMap { if case .integer(let id) = $0 { id } else { nil } }
                let last: Int64
                if let firstKept {
                    last = firstKept - 1
                } else if case .integer(let max)? = try db.scalar("SELECT max(id) FROM disclosures") {
                    last = max
                } else {
                    return (0, try ledgerBase().row)
                }
                let base = try ledgerBase()
                guard last > base.row,
                      case .blob(let hash)? = try db.scalar("SELECT hash FROM disclosures WHERE id = ?", [.integer(last)])
                else { return (0, base.row) }
                let message = LedgerCheckpoint.message(server: serverID, row: UInt64(last), head: hash, signedAt: now)
                try db.query("INSERT INTO ledger_checkpoints(row_id, head, signed_at, mac) VALUES (?, ?, ?, ?)",
                             [.integer(last), .blob(hash), .integer(now),
                              .blob(HMACSHA256.authenticate(message: message, key: try auditKey()))])
                try meta.set(Self.ledgerBaseRowKey, .integer(last))
                try meta.set(Self.ledgerBaseHashKey, .blob(hash))
                try db.query("DELETE FROM disclosures WHERE id <= ?", [.integer(last)])
                let removed = db.changes
                try db.query("DELETE FROM ledger_checkpoints WHERE row_id < ?", [.integer(last)])
                return (removed, last)
            }
        }
    }

    // MARK: What a row disclosed (the exact derivation, docs/STORAGE.md)

    /// The changes a ledger row sent, in server order: the changes of its child in its
    /// range, not refused, not the recipient's own, that match its coverage, except its
    /// exceptions. `organisationOf` maps origins to organisation names (`originOrganisations`).
    public func disclosedChanges(_ entry: LedgerEntry, organisationOf: [ReplicaID: String])
        throws(StoreError) -> [(id: Int64, change: Change)]
    {
        try StoreError.wrap {
            guard let coverage = LedgerCoverage(text: entry.covers) else { return [] }
            let exceptions = Set(entry.exceptions.split(separator: ",").compactMap { Int64($0) })
            let select = try db.prepare("""
                SELECT id, \(ChangeLog.columns()) FROM changes
                WHERE child_id = ? AND id BETWEEN ? AND ? AND refused = 0 AND origin != ? ORDER BY id
                """)
            defer { select.reset() }
            try select.bind([.integer(entry.child.int64), .integer(entry.firstChange), .integer(entry.lastChange),
                             .integer(entry.replica.int64)])
            var result: [(Int64, Change)] = []
            while try select.step() {
                let id = select.int64(at: 0)
                let change = try ChangeLog.readChange(select, from: 1)
                let own = organisationOf[change.origin] == entry.organisation
                if !exceptions.contains(id),
                   coverage.matches(recordType: change.recordType, field: change.field, tag: change.tag,
                                    ownRule: entry.rule == "own", writtenByOwnOrganisation: own) {
                    result.append((id, change))
                }
            }
            return result
        }
    }

    /// Which organisation each enrolled replica belongs to.
    public func originOrganisations() throws(StoreError) -> [ReplicaID: String] {
        try StoreError.wrap {
            var map: [ReplicaID: String] = [:]
            for row in try db.query("SELECT r.replica_id, o.name FROM replicas r JOIN organisations o ON o.id = r.organisation") {
                if let id = row[0].replicaID, let name = row[1].textValue { map[id] = name }
            }
            return map
        }
    }

    // MARK: Auditor queries (`navetd audit`)

    /// Every ledger row about a child, oldest first.
    public func ledgerRows(child: RecordID) throws(StoreError) -> [LedgerEntry] {
        try entries("WHERE child_id = ? ORDER BY sent_at, id", [.integer(child.int64)])
    }

    /// The ledger rows of an organisation sent at or after `since` (ms) and before `until`.
    public func ledgerRows(organisation: String, since: Int64, until: Int64 = .max, limit: Int = .max)
        throws(StoreError) -> [LedgerEntry]
    {
        try entries("WHERE organisation = ? AND sent_at >= ? AND sent_at < ? ORDER BY sent_at, id LIMIT ?",
                    [.text(organisation), .integer(since), .integer(until), .integer(Int64(clamping: limit))])
    }

    /// The organisation names the ledger holds rows for (registered or not).
    public func ledgerOrganisations() throws(StoreError) -> [String] {
        try StoreError.wrap {
            try db.query("SELECT name FROM organisations ORDER BY name").compactMap { $0[0].textValue }
        }
    }

    /// Per recipient organisation and rule: first and last time, rows and values sent
    /// (GDPR Art. 15: recipients, dates and purposes).
    public func subjectAccess(child: RecordID) throws(StoreError)
        -> [(organisation: String, rule: String, first: Int64, last: Int64, values: Int64)]
    {
        try StoreError.wrap {
            try db.query("""
                SELECT organisation, rule, min(sent_at), max(sent_at), sum(count) FROM disclosures
                WHERE child_id = ? GROUP BY organisation, rule ORDER BY organisation, min(sent_at), rule
                """, [.integer(child.int64)]).compactMap { row in
                guard let organisation = row[0].textValue, let rule = row[1].textValue, case .integer(let first) = row[2],
                      case .integer(let last) = row[3], case .integer(let values) = row[4] else { return nil }
                return (organisation, rule, first, last, values)
            }
        }
    }

    /// The winning text of one field of a record (a consent's purpose), if any.
    public func winningText(record: RecordID, field: String) throws(StoreError) -> String? {
        try StoreError.wrap {
            try cachedScalar("SELECT value FROM cells WHERE record_id = ? AND field = ? AND value_kind = 1",
                             [.integer(record.int64), .text(field)])?.textValue
        }
    }

    private func entries(_ clause: String, _ arguments: [SQLValue]) throws(StoreError) -> [LedgerEntry] {
        try StoreError.wrap {
            let select = try db.prepare("SELECT \(Self.entryColumns) FROM disclosures \(clause)")
            defer { select.reset() }
            try select.bind(arguments)
            var rows: [LedgerEntry] = []
            while try select.step() { rows.append(Self.readEntry(select)) }
            return rows
        }
    }
}

/// What `navetd audit verify --replica FILE` reads from a replica file, without opening it
/// as a replica (no migration, no write): the checkpoints it kept, its id and server, and
/// its own read log's seqs and hashes up to what the central store acknowledged.
public struct ReplicaAuditCopy: Sendable {
    public var replica: ReplicaID
    /// The central store the file is enrolled at, if any.
    public var server: ReplicaID?
    public var checkpoints: [StoredCheckpoint]
    /// The highest read-log seq the central store acknowledged to this file.
    public var acknowledged: UInt64
    /// The file's read-log entries with seq ≤ `acknowledged`: (seq, hash), in seq order.
    public var log: [(seq: UInt64, hash: [UInt8])]
}

public enum ReplicaCheckpoints {
    /// Why a file given as a replica copy cannot be read as one.
    public enum Unusable: Error, Sendable {
        case notSQLite
        case centralStore
        case notAReplica
        case tooOld
    }

    /// Reads a replica file for the checks of `navetd audit verify --replica`. Throws
    /// `Unusable` for a file that is not a replica of layout 17 or later, `SQLiteError` when
    /// reading fails (the caller names the file: not the central store's).
    public static func readCopy(path: String) throws -> ReplicaAuditCopy {
        do {
            if let handle = FileHandle(forReadingAtPath: path) {
                let header = (try? handle.read(upToCount: 16)) ?? Data()
                try? handle.close()
                guard header == Data("SQLite format 3\u{0}".utf8) else { throw Unusable.notSQLite }
            }
            let db = try Database(path: path, mode: .readOnly)
            let hasMeta = try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'") != nil
            let role = hasMeta ? try db.scalar("SELECT value FROM meta WHERE key = 'role'")?.textValue : nil
            if role == "central" { throw Unusable.centralStore }
            guard role == "replica", case .text(let idText)? = try db.scalar("SELECT value FROM meta WHERE key = 'id'"),
                  let replica = ReplicaID(hex: idText) else { throw Unusable.notAReplica }
            guard try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'checkpoints'") != nil,
                  try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_log'") != nil
            else { throw Unusable.tooOld }
            let server = try db.scalar("SELECT value FROM meta WHERE key = 'server_id'")?.textValue.flatMap(ReplicaID.init(hex:))
            var acknowledged: UInt64 = 0
            switch try db.scalar("SELECT value FROM meta WHERE key = 'audit_ack'") {
            case .integer(let value)?: acknowledged = UInt64(clamping: value)
            case .text(let text)?: acknowledged = UInt64(text) ?? 0
            default: break
            }
            let log: [(seq: UInt64, hash: [UInt8])] = try db.query(
                "SELECT seq, hash FROM audit_log WHERE seq <= ? ORDER BY seq", [.integer(Int64(clamping: acknowledged))]
            ).compactMap { row -> (seq: UInt64, hash: [UInt8])? in
                guard case .integer(let seq) = row[0], case .blob(let hash) = row[1] else { return nil }
                return (UInt64(clamping: seq), hash)
            }
            let checkpoints = try db.query("SELECT server_id, row_id, head, signed_at, mac FROM checkpoints ORDER BY received_at, row_id")
                .compactMap { row -> StoredCheckpoint? in
                    guard case .integer(let server) = row[0], case .integer(let id) = row[1], id > 0,
                          case .blob(let head) = row[2], case .integer(let at) = row[3], case .blob(let mac) = row[4]
                    else { return nil }
                    return StoredCheckpoint(server: ReplicaID(rawValue: UInt64(bitPattern: server)),
                                            checkpoint: LedgerCheckpoint(row: UInt64(id), head: head, signedAt: at, mac: mac))
                }
            return ReplicaAuditCopy(replica: replica, server: server, checkpoints: checkpoints, acknowledged: acknowledged, log: log)
        }
    }
}
