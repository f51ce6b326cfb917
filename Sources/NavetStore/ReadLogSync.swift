import NavetCore
import NavetSQLite

/// The run of read-log entries an upload carries (Protocol/BUNDLE.md, "Read log").
public struct ReadLogRun: Sendable {
    public var ownCheckFailed: Bool
    public var from: UInt64
    public var last: UInt64
    public var entries: [AuditEntry]
}

extension ReplicaStore {
    /// The highest seq of this replica's read log the central store acknowledged.
    static let auditAck = "audit_ack"
    /// The first broken seq the replica's own check found and put into an upload, waiting
    /// for the reply; then the one the central store has been told about.
    static let auditBreakPending = "audit_break_pending"
    static let auditBreakReported = "audit_break_reported"

    /// The entries the next upload carries: those after the central store's
    /// acknowledgement, at most `limit` and about `byteBudget` bytes; when the replica's own
    /// check finds its chain broken at an entry it has not reported yet, from the entry
    /// before that one, flagged. Nil for an empty log. Entries stay on the replica.
    public func readLogRun(limit: Int = 10_000, byteBudget: Int = 16 << 20) throws(StoreError) -> ReadLogRun? {
        try StoreError.wrap {
            guard case .integer(let lastValue)? = try db.scalar("SELECT max(seq) FROM audit_log"), lastValue > 0 else { return nil }
            let last = UInt64(lastValue)
            let ack = min(UInt64(clamping: try meta.int(Self.auditAck) ?? 0), last)
            var from = ack + 1
            var flagged = false
            if let broken = try verifyAudit().firstBreak {
                let reported = try meta.int(Self.auditBreakReported).map { UInt64(clamping: $0) }
                if reported != broken.seq {
                    flagged = true
                    from = min(from, max(1, broken.seq - 1))
                    try db.transaction { try meta.set(Self.auditBreakPending, .integer(Int64(clamping: broken.seq))) }
                }
            }
            var entries: [AuditEntry] = []
            var bytes = 0
            for row in try db.query("""
                SELECT seq, replica, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash
                FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?
                """, [.integer(Int64(clamping: from)), .integer(Int64(limit))]) {
                // An entry whose lists cannot be read back is left out: the store sees the gap.
                guard let entry = Self.entry(row), entry.previousHash.count == 32, entry.hash.count == 32,
                      entry.replica.rawValue >= 1, entry.replica.rawValue < UInt64(Int64.max),
                      ([entry.user, entry.kind, entry.command, entry.purpose ?? ""] + entry.fields + entry.tags)
                        .allSatisfy({ $0.utf8.count <= 4_096 })
                else { continue }
                let size = 100 + entry.records.count * 8 + entry.canonicalBytes.count
                if !entries.isEmpty, bytes + size > byteBudget { break }
                bytes += size
                entries.append(entry)
            }
            // A run cut short ends where it was cut: `last` stays the replica's last entry.
            return ReadLogRun(ownCheckFailed: flagged, from: from, last: last, entries: entries)
        }
    }

    /// The highest seq of this replica's read log the central store acknowledged.
    public func readLogAcknowledged() throws(StoreError) -> UInt64 {
        try StoreError.wrap { UInt64(clamping: try meta.int(Self.auditAck) ?? 0) }
    }

    /// Takes what a reply says of the read log: the acknowledgement (when the reply carries
    /// one) and, for a reply filtered under a policy, the tags whose display needs a purpose.
    public func applyReadLogReply(ack: UInt64?, purposeTags: [String]?, epochChanged: Bool) throws(StoreError) {
        try StoreError.wrap {
            try db.transaction {
                if let ack {
                    try meta.set(Self.auditAck, .integer(Int64(clamping: ack)))
                } else if epochChanged {
                    // A central store restored from a backup may have lost entries: send them again.
                    try meta.set(Self.auditAck, .integer(0))
                }
                if case .integer(let pending)? = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(Self.auditBreakPending)]) {
                    try meta.set(Self.auditBreakReported, .integer(pending))
                    try db.query("DELETE FROM meta WHERE key = ?", [.text(Self.auditBreakPending)])
                }
                if let purposeTags {
                    try db.query("DELETE FROM audit_purpose_tags")
                    for tag in Set(purposeTags) { try db.query("INSERT INTO audit_purpose_tags(tag) VALUES (?)", [.text(tag)]) }
                }
            }
        }
    }
}
