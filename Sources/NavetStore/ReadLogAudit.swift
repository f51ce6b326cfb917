import Foundation
import NavetCore
import NavetSQLite

/// One entry of a replica's read log as the central store holds it: what
/// `navetd audit user REPLICA:NAME` lists.
public struct CentralReadLogEntry: Sendable {
    public let replica: ReplicaID
    public let seq: UInt64
    /// Milliseconds since the epoch, as the replica wrote it.
    public let time: Int64
    public let user: String
    /// `display`, `edit` or `user`.
    public let kind: String
    public let command: String
    public let records: [String]
    public let fields: [String]
    public let tags: [String]
    public let purpose: String?
    /// True when the entry did not continue what the store held: the chain goes on from it.
    public let chainBreak: Bool
}

extension CentralStore {
    /// The user names that appear in `replica`'s uploaded read log, as the replica wrote
    /// them (from the index `central_read_log_by_user`).
    public func readLogUsers(of replica: ReplicaID) throws(StoreError) -> [String] {
        try StoreError.wrap {
            try db.query("SELECT DISTINCT user FROM central_read_log WHERE replica = ? ORDER BY user",
                         [.integer(replica.int64)]).compactMap { row in
                if case .text(let user) = row[0] { return user }
                return nil
            }
        }
    }

    /// The replicas with an uploaded read log.
    public func readLogReplicas() throws(StoreError) -> [ReplicaID] {
        try StoreError.wrap {
            try db.query("SELECT replica FROM central_read_log_heads ORDER BY replica").compactMap { row in
                if case .integer(let id) = row[0] { return ReplicaID(rawValue: UInt64(bitPattern: id)) }
                return nil
            }
        }
    }

    /// `user`'s entries of `replica`'s read log with `since <= time < until`, oldest first,
    /// answered from the index `central_read_log_by_user`.
    public func readLogEntries(of replica: ReplicaID, user: String, since: Int64, until: Int64) throws(StoreError)
        -> [CentralReadLogEntry] {
        try StoreError.wrap {
            try db.query("""
                SELECT seq, time, kind, command, records, fields, tags, purpose, chain_break
                FROM central_read_log INDEXED BY central_read_log_by_user
                WHERE replica = ? AND user = ? AND time >= ? AND time < ? ORDER BY time, seq
                """, [.integer(replica.int64), .text(user), .integer(since), .integer(until)]).compactMap { row in
                guard case .integer(let seq) = row[0], case .integer(let time) = row[1], case .text(let kind) = row[2],
                      case .text(let command) = row[3], case .text(let records) = row[4], case .text(let fields) = row[5],
                      case .text(let tags) = row[6], case .integer(let flag) = row[8] else { return nil }
                func list(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
                var purpose: String?
                if case .text(let text) = row[7] { purpose = text }
                return CentralReadLogEntry(replica: replica, seq: UInt64(clamping: seq), time: time, user: user, kind: kind,
                                           command: command, records: list(records), fields: list(fields), tags: list(tags),
                                           purpose: purpose, chainBreak: flag != 0)
            }
        }
    }
}
