import Foundation
import NavetCore
import NavetCrypto
import NavetSQLite

/// One piece of evidence the central store keeps about a replica's read log
/// (docs/STORAGE.md, "Read logs on the central store"): a broken chain (`alarm`) or a
/// restore from a backup (a notice: the replica's log is a prefix of, or forks cleanly
/// from, what the store holds).
public struct ReadLogBreak: Hashable, Sendable {
    public let replica: ReplicaID
    public let seq: UInt64
    /// Milliseconds since the epoch, when the store found it.
    public let foundAt: Int64
    /// `hash`, `sequence`, `previous_hash`, `differs`, `foreign_replica`, `truncated`,
    /// `replica_check`; `restored` for a notice.
    public let reason: String
    /// What the store expected instead, in words and hex.
    public let expected: String
    /// The entry as received (its canonical encoding) and the hash it claimed; empty when
    /// the evidence is about entries missing.
    public let entry: [UInt8]
    public let claimedHash: [UInt8]
    /// True for a broken chain; false for a restore notice.
    public let alarm: Bool
}

/// What the store made of one upload's read log.
public struct ReadLogResult: Sendable {
    /// The highest seq of the uploader's chain the store holds now: the reply's ack.
    public var ack: UInt64
    public var stored: Int = 0
    public var breaks: [ReadLogBreak] = []
    public var restored = false

    public init(ack: UInt64) { self.ack = ack }
}

extension CentralStore {
    /// The highest read-log seq held of `replica` (the ack of a reply that carries none).
    public func readLogAck(_ replica: ReplicaID) throws(StoreError) -> UInt64 {
        try StoreError.wrap {
            if case .integer(let seq)? = try db.scalar("SELECT seq FROM central_read_log_heads WHERE replica = ?",
                                                         [.integer(replica.int64)]) { return UInt64(clamping: seq) }
            return 0
        }
    }

    /// Checks and stores the run of read-log entries `sender` uploaded; call inside the
    /// upload's transaction. Never refuses the upload: what does not continue the chain is
    /// kept as evidence (`central_read_log_breaks`), and the chain goes on from the
    /// replica's entries, flagged, with the entries they replace kept in
    /// `central_read_log_replaced`. See Protocol/AUDIT.md, "On the central store".
    public func acceptReadLog(sender: ReplicaID, from: UInt64, last: UInt64, ownCheckFailed: Bool,
                              entries: [AuditEntry], now: Int64) throws(StoreError) -> ReadLogResult {
        try StoreError.wrap { try db.enclosingTransaction { try acceptReadLogInTransaction(
            sender: sender, from: from, last: last, ownCheckFailed: ownCheckFailed, entries: entries, now: now) } }
    }

    private func storedHash(_ replica: ReplicaID, _ seq: UInt64) throws -> [UInt8]? {
        guard seq >= 1, seq < UInt64(Int64.max) else { return seq == 0 ? AuditEntry.genesis : nil }
        if case .blob(let hash)? = try db.scalar("SELECT hash FROM central_read_log WHERE replica = ? AND seq = ?",
                                                  [.integer(replica.int64), .integer(Int64(seq))]) { return hash }
        if let base = try readLogBase(replica), base.seq == seq { return base.hash }
        return nil
    }

    /// Whether the leading entries of `entries` written as `earlier` (an enrolled replica)
    /// are that replica's chain as this store holds it: each one the store holds (up to
    /// its head) has the same hash, and at least the first entry is held or the store
    /// holds none of it. A file enrolled anew sends its whole log again under its new id.
    private func continuesHeldChain(of earlier: ReplicaID, _ entries: [AuditEntry]) throws -> Bool {
        let leading = entries.prefix { $0.replica == earlier }
        guard let first = leading.first, first.seq == 1 else { return false }
        let base = try readLogBase(earlier)
        var held = 0
        for entry in leading {
            // Behind the signed base the entries are pruned here: nothing to compare.
            if let base, entry.seq < base.seq { continue }
            guard let stored = try storedHash(earlier, entry.seq) else { break }
            guard stored == entry.hash else { return false }
            held += 1
        }
        if held > 0 { return true }
        // Nothing held to compare with: only when the store holds none of its log.
        return try db.scalar("SELECT 1 FROM central_read_log WHERE replica = ? LIMIT 1", [.integer(earlier.int64)]) == nil
            && base == nil
    }

    private func acceptReadLogInTransaction(sender: ReplicaID, from: UInt64, last: UInt64, ownCheckFailed: Bool,
                                            entries: [AuditEntry], now: Int64) throws -> ReadLogResult {
        var head: UInt64 = 0
        var headHash = AuditEntry.genesis
        let rows = try db.query("SELECT seq, hash FROM central_read_log_heads WHERE replica = ?", [.integer(sender.int64)])
        if let row = rows.first, case .integer(let seq) = row[0], case .blob(let hash) = row[1] {
            head = UInt64(clamping: seq)
            headHash = hash
        }
        var result = ReadLogResult(ack: head)
        func note(_ seq: UInt64, _ reason: String, _ expected: String, _ entry: AuditEntry?, alarm: Bool = true) throws {
            let evidence = ReadLogBreak(replica: sender, seq: seq, foundAt: now, reason: reason, expected: expected,
                                        entry: entry?.canonicalBytes ?? [], claimedHash: entry?.hash ?? [], alarm: alarm)
            let inserted = try db.query("""
                INSERT OR IGNORE INTO central_read_log_breaks(replica, seq, found_at, reason, expected, entry, claimed_hash, alarm)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [.integer(sender.int64), .integer(Int64(clamping: seq)), .integer(now), .text(reason), .text(expected),
                      .blob(evidence.entry), .blob(evidence.claimedHash), .integer(alarm ? 1 : 0)])
            if !inserted.isEmpty { result.breaks.append(evidence) }
        }
        /// Moves the stored entries with seq ≥ `seq` to the replaced table.
        func replace(from seq: UInt64, reason: String) throws {
            try db.query("""
                INSERT INTO central_read_log_replaced(replica, seq, written_as, time, user, kind, command, records, fields, tags,
                    purpose, prev_hash, hash, received_at, chain_break, replaced_at, reason)
                SELECT replica, seq, written_as, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash, received_at,
                    chain_break, ?, ? FROM central_read_log WHERE replica = ? AND seq >= ? ORDER BY seq
                """, [.integer(now), .text(reason), .integer(sender.int64), .integer(Int64(clamping: seq))])
            try db.query("DELETE FROM central_read_log WHERE replica = ? AND seq >= ?",
                         [.integer(sender.int64), .integer(Int64(clamping: seq))])
            try db.query("DELETE FROM central_read_log_records WHERE replica = ? AND seq >= ?",
                         [.integer(sender.int64), .integer(Int64(clamping: seq))])
            head = seq - 1
            headHash = try storedHash(sender, head) ?? AuditEntry.genesis
        }
        if ownCheckFailed {
            try note(from, "replica_check", "", nil)
        }
        // Entries written before enrollment carry the file's earlier id: accepted only at
        // the start of a chain the store does not hold yet, until the replica's own id
        // appears, from one id that is not an enrolled replica, or from an enrolled one
        // (the file's earlier enrollment) whose chain they repeat as held here.
        var prefixID: ReplicaID?
        if try db.scalar("SELECT 1 FROM central_read_log WHERE replica = ? AND written_as = ? LIMIT 1",
                         [.integer(sender.int64), .integer(sender.int64)]) == nil {
            var candidate: ReplicaID?
            // Already accepted as this chain's start (by the rules below, an upload before).
            var accepted = false
            if case .integer(let earlier)? = try db.scalar(
                "SELECT written_as FROM central_read_log WHERE replica = ? ORDER BY seq LIMIT 1", [.integer(sender.int64)]) {
                candidate = ReplicaID(rawValue: UInt64(bitPattern: earlier))
                accepted = true
            } else if head == 0, from == 1 {
                candidate = entries.first?.replica
            }
            if let candidate, candidate != sender {
                let enrolled = try db.scalar("SELECT 1 FROM replicas WHERE replica_id = ?", [.integer(candidate.int64)]) != nil
                if accepted || !enrolled {
                    prefixID = candidate
                } else if try continuesHeldChain(of: candidate, entries) {
                    // A file enrolled anew (its replica revoked, or refused as a copy): its
                    // log starts with its earlier enrollment's, exactly as held here.
                    prefixID = candidate
                }
            }
        }
        var expectedSeq = from
        var expectedPrevious: [UInt8]? = from - 1 == head ? headHash : (from - 1 < head ? try storedHash(sender, from - 1) : nil)
        // Entries the store does not hold before the next one it stores (a gap the replica
        // left, or an entry refused for naming another replica): that entry is stored
        // flagged as a break, so the chain at rest is judged from it, next to its evidence.
        var gap = false
        if from > head + 1 {
            try note(from, "sequence", "seq \(head + 1): the store holds entries up to \(head)", entries.first)
            gap = true
        }
        var brokenInRun = false
        let base = try readLogBase(sender)
        for entry in entries {
            defer {
                expectedSeq = entry.seq &+ 1
                expectedPrevious = entry.hash
            }
            // An entry exactly as the store holds it (same seq, same hash, its own hash
            // right) was accepted once, whatever replica id it names: a replica sending its
            // log again after a restore repeats its chain's start, the entries written
            // before its enrollment included.
            let stored = entry.seq <= head ? try storedHash(sender, entry.seq) : nil
            let held = stored != nil && stored == entry.hash && entry.computedHash == entry.hash
            if entry.replica != sender, !held {
                if let prefixID, entry.replica == prefixID {
                    // still in the pre-enrollment prefix
                } else {
                    try note(entry.seq, "foreign_replica", "replica \(sender)", entry)
                    brokenInRun = true
                    gap = true
                    continue
                }
            } else if entry.replica == sender {
                prefixID = nil
            }
            var reasons: [(String, String)] = []
            if entry.hash.count != 32 || entry.computedHash != entry.hash {
                reasons.append(("hash", "sha256 " + Hex.encode(entry.computedHash)))
            }
            if entry.seq != expectedSeq { reasons.append(("sequence", "seq \(expectedSeq)")) }
            if let expectedPrevious, entry.previousHash != expectedPrevious {
                reasons.append(("previous_hash", Hex.encode(expectedPrevious)))
            }
            if let base, entry.seq <= base.seq {
                // Pruned behind the signed base (a replica sending its log again after a
                // restore): checked within the run and against the base, never stored again.
                if entry.seq == base.seq, entry.hash != base.hash {
                    reasons.append(("differs", "pruned base " + Hex.encode(base.hash)))
                }
                for (reason, expected) in reasons { try note(entry.seq, reason, expected, entry) }
                if !reasons.isEmpty { brokenInRun = true }
                continue
            }
            if entry.seq <= head {
                if held {
                    // The entry the store holds: what is wrong is around it.
                    for (reason, expected) in reasons { try note(entry.seq, reason, expected, entry) }
                    continue
                }
                if reasons.isEmpty, !ownCheckFailed, !result.breaks.contains(where: \.alarm), !brokenInRun {
                    // A clean fork: every entry of the run before it was one the store holds,
                    // and it continues them correctly. A replica restored from a backup goes
                    // on from an older entry. Kept, reported as a notice.
                    try note(entry.seq, "restored", "entries \(entry.seq)…\(head) held, replaced by the replica's", entry, alarm: false)
                    result.restored = true
                    try replace(from: entry.seq, reason: "restored")
                } else {
                    reasons.append(("differs", stored.map { "stored " + Hex.encode($0) } ?? "no stored entry"))
                    try replace(from: entry.seq, reason: "break")
                }
            }
            for (reason, expected) in reasons { try note(entry.seq, reason, expected, entry) }
            if !reasons.isEmpty { brokenInRun = true }
            try db.query("""
                INSERT INTO central_read_log(replica, seq, written_as, time, user, kind, command, records, fields, tags, purpose,
                    prev_hash, hash, received_at, chain_break)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(sender.int64), .integer(Int64(clamping: entry.seq)), .integer(entry.replica.int64),
                      .integer(entry.time), .text(entry.user),
                      .text(entry.kind), .text(entry.command), .text(entry.records.map(\.description).joined(separator: ",")),
                      .text(entry.fields.joined(separator: ",")), .text(entry.tags.joined(separator: ",")),
                      entry.purpose.map(SQLValue.text) ?? .null, .blob(entry.previousHash), .blob(entry.hash), .integer(now),
                      .integer(reasons.isEmpty && !gap ? 0 : 1)])
            gap = false
            for record in Set(entry.records) {
                try db.query("INSERT OR IGNORE INTO central_read_log_records(record_id, replica, seq) VALUES (?, ?, ?)",
                             [.integer(record.int64), .integer(sender.int64), .integer(Int64(clamping: entry.seq))])
            }
            result.stored += 1
            head = entry.seq
            headHash = entry.hash
        }
        // The run reached the replica's last entry, and the store holds more: the replica
        // lost the end of its log. A restore when the replica's chain is otherwise whole.
        let reachedEnd = entries.last.map { $0.seq == last } ?? (from == last + 1)
        if reachedEnd, last < head {
            let clean = result.breaks.allSatisfy { !$0.alarm } && !ownCheckFailed
            try note(last + 1, clean ? "restored" : "truncated", "entries \(last + 1)…\(head) held", nil, alarm: !clean)
            if clean { result.restored = true }
            try replace(from: last + 1, reason: clean ? "restored" : "break")
        }
        try db.query("INSERT OR REPLACE INTO central_read_log_heads(replica, seq, hash) VALUES (?, ?, ?)",
                     [.integer(sender.int64), .integer(Int64(clamping: head)), .blob(headHash)])
        result.ack = head
        return result
    }

    /// Every broken read-log chain the store found (alarms only, not restore notices),
    /// oldest first: what `navetd audit verify` and `navetd audit read-logs` print.
    public func readLogBreaks(includingNotices: Bool = false) throws(StoreError) -> [ReadLogBreak] {
        try StoreError.wrap {
            try db.query("""
                SELECT replica, seq, found_at, reason, expected, entry, claimed_hash, alarm FROM central_read_log_breaks
                WHERE alarm = 1 OR ? ORDER BY id
                """, [.integer(includingNotices ? 1 : 0)]).compactMap { row -> ReadLogBreak? in
                guard case .integer(let replica) = row[0], case .integer(let seq) = row[1], case .integer(let found) = row[2],
                      case .text(let reason) = row[3], case .text(let expected) = row[4], case .integer(let alarm) = row[7]
                else { return nil }
                func blob(_ value: SQLValue) -> [UInt8] { if case .blob(let bytes) = value { return bytes }; return [] }
                return ReadLogBreak(replica: ReplicaID(rawValue: UInt64(bitPattern: replica)), seq: UInt64(clamping: seq),
                                    foundAt: found, reason: reason, expected: expected, entry: blob(row[5]),
                                    claimedHash: blob(row[6]), alarm: alarm != 0)
            }
        }
    }

    /// Replicas with a broken read-log chain, and restores noted: the `/metrics` gauges.
    public func readLogCounts() throws(StoreError) -> (brokenChains: Int, restores: Int, entries: Int) {
        try StoreError.wrap {
            func count(_ sql: String) throws -> Int {
                if case .integer(let value)? = try db.scalar(sql) { return Int(value) }
                return 0
            }
            return (try count("SELECT count(DISTINCT replica) FROM central_read_log_breaks WHERE alarm = 1"),
                    try count("SELECT count(*) FROM central_read_log_breaks WHERE alarm = 0"),
                    try count("SELECT count(*) FROM central_read_log"))
        }
    }

    /// The two read-log gauges of `/metrics` alone: `readLogCounts` without counting every
    /// stored entry (a scan of the whole read log on each scrape).
    public func readLogAlarms() throws(StoreError) -> (brokenChains: Int, restores: Int) {
        try StoreError.wrap {
            func count(_ sql: String) throws -> Int {
                if case .integer(let value)? = try db.scalar(sql) { return Int(value) }
                return 0
            }
            return (try count("SELECT count(DISTINCT replica) FROM central_read_log_breaks WHERE alarm = 1"),
                    try count("SELECT count(*) FROM central_read_log_breaks WHERE alarm = 0"))
        }
    }

    /// The entries held of `replica`'s read log, oldest first (tests, auditors).
    public func readLogEntries(of replica: ReplicaID) throws(StoreError) -> [(seq: UInt64, hash: [UInt8], chainBreak: Bool)] {
        try StoreError.wrap {
            try db.query("SELECT seq, hash, chain_break FROM central_read_log WHERE replica = ? ORDER BY seq",
                         [.integer(replica.int64)]).compactMap { row in
                guard case .integer(let seq) = row[0], case .blob(let hash) = row[1], case .integer(let flag) = row[2] else { return nil }
                return (UInt64(clamping: seq), hash, flag != 0)
            }
        }
    }

    /// The uploaded read-log entries that name the child or any record of the child
    /// (its notes, memberships, consents, episodes: their `child` cell), oldest first:
    /// the displays `navetd audit child` lists. Costs the child's entries, not the log:
    /// the child's and its records' rows of `central_read_log_records`, then each entry.
    public func readLogDisplays(child: RecordID) throws(StoreError) -> [ReadLogDisplay] {
        try StoreError.wrap {
            try db.query("""
                SELECT l.replica, l.seq, l.time, l.user, l.kind, l.command, l.fields, l.purpose, l.chain_break
                FROM (SELECT replica, seq FROM central_read_log_records WHERE record_id = ?1
                      UNION
                      SELECT x.replica, x.seq FROM cells c JOIN central_read_log_records x ON x.record_id = c.record_id
                      WHERE c.field = 'child' AND c.value = ?2) k
                JOIN central_read_log l ON l.replica = k.replica AND l.seq = k.seq
                ORDER BY l.time, l.replica, l.seq
                """, [.integer(child.int64), .text(child.description)]).compactMap { row in
                guard let replica = row[0].replicaID, case .integer(let seq) = row[1], case .integer(let time) = row[2],
                      let user = row[3].textValue, let kind = row[4].textValue, let command = row[5].textValue,
                      let fields = row[6].textValue else { return nil }
                return ReadLogDisplay(replica: replica, seq: UInt64(clamping: seq), time: time, user: user, kind: kind,
                                      command: command, fields: fields.split(separator: ",").map(String.init),
                                      purpose: row[7].textValue, afterBreak: row[8] == .integer(1))
            }
        }
    }
}

/// One display of case data a replica logged and uploaded (`navetd audit child`).
public struct ReadLogDisplay: Hashable, Sendable {
    public let replica: ReplicaID
    public let seq: UInt64
    /// Milliseconds since the epoch, on the replica's clock.
    public let time: Int64
    public let user: String
    public let kind: String
    public let command: String
    /// `type.field` references.
    public let fields: [String]
    public let purpose: String?
    /// The entry did not continue the chain the store held when it arrived (a break: the
    /// replica may have changed it; `navetd audit read-logs` shows the evidence).
    public let afterBreak: Bool
}
