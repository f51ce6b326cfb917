import NavetCore
import NavetCrypto
import NavetSQLite

// The replicas' read logs as the central store keeps them, checked again at rest and pruned
// behind signed bases (Protocol/AUDIT.md, "Retention"; docs/STORAGE.md,
// `central_read_log_bases`).

/// One place where a read log held by the central store no longer verifies.
public struct StoredReadLogProblem: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// A stored entry's hash is not the hash of its stored content.
        case entryChanged = "entry_changed"
        /// A stored entry does not chain to the one before it (or to the base).
        case chainBroken = "chain_broken"
        /// A seq is missing between two stored entries, or the first after the base.
        case entryMissing = "entry_missing"
        /// The head the store continues the chain from is not its last entry.
        case headMismatch = "head_mismatch"
        /// The base left by pruning is not signed by the server's audit key.
        case baseUnsigned = "base_unsigned"
    }

    public var replica: ReplicaID
    public var seq: UInt64
    public var kind: Kind
}

/// What `CentralStore.verifyStoredReadLogs` found.
public struct StoredReadLogVerification: Sendable {
    public var entries = 0
    public var replicas = 0
    public var problems: [StoredReadLogProblem] = []
    public var isIntact: Bool { problems.isEmpty }
}

extension CentralStore {
    /// The signed base of `replica`'s read log: the seq and hash of the last entry pruned.
    func readLogBase(_ replica: ReplicaID) throws -> (seq: UInt64, hash: [UInt8])? {
        guard let row = try cachedQuery("SELECT seq, hash FROM central_read_log_bases WHERE replica = ?",
                                        [.integer(replica.int64)]).first,
              case .integer(let seq) = row[0], case .blob(let hash) = row[1] else { return nil }
        return (UInt64(clamping: seq), hash)
    }

    /// Recomputes every stored read-log entry's hash and its link to the entry before (or to
    /// the replica's signed base), checks the seqs run without gaps and that each chain's
    /// head is its last entry. An entry the store flagged as a break when it arrived
    /// (`chain_break`) is evidence already and is not checked for its link. Finds an entry
    /// changed, deleted or moved in the central store after it was accepted. Reads every
    /// entry once, in key order.
    public func verifyStoredReadLogs() throws(StoreError) -> StoredReadLogVerification {
        try StoreError.wrap {
            var result = StoredReadLogVerification()
            let key = try auditKey()
            var bases: [ReplicaID: (seq: UInt64, hash: [UInt8])] = [:]
            for row in try db.query("SELECT replica, seq, hash, signed_at, mac FROM central_read_log_bases") {
                guard let replica = row[0].replicaID, case .integer(let seq) = row[1], case .blob(let hash) = row[2],
                      case .integer(let signedAt) = row[3], case .blob(let mac) = row[4] else { continue }
                let message = ReadLogBase.message(server: serverID, replica: replica, seq: UInt64(clamping: seq), hash: hash,
                                                  signedAt: signedAt)
                if !HMACSHA256.constantTimeEquals(HMACSHA256.authenticate(message: message, key: key), mac) {
                    result.problems.append(StoredReadLogProblem(replica: replica, seq: UInt64(clamping: seq), kind: .baseUnsigned))
                }
                bases[replica] = (UInt64(clamping: seq), hash)
            }
            var heads: [ReplicaID: (seq: UInt64, hash: [UInt8])] = [:]
            for row in try db.query("SELECT replica, seq, hash FROM central_read_log_heads") {
                guard let replica = row[0].replicaID, case .integer(let seq) = row[1], case .blob(let hash) = row[2] else { continue }
                heads[replica] = (UInt64(clamping: seq), hash)
            }
            var last: [ReplicaID: (seq: UInt64, hash: [UInt8])] = [:]
            let select = try db.prepare("""
                SELECT replica, seq, written_as, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash,
                       chain_break
                FROM central_read_log ORDER BY replica, seq
                """)
            defer { select.reset() }
            var current: ReplicaID?
            var previous: (seq: UInt64, hash: [UInt8]) = (0, AuditEntry.genesis)
            var reported: ReplicaID?
            func problem(_ replica: ReplicaID, _ seq: UInt64, _ kind: StoredReadLogProblem.Kind) {
                // The first problem of each chain: what follows it is judged against it.
                guard reported != replica else { return }
                reported = replica
                result.problems.append(StoredReadLogProblem(replica: replica, seq: seq, kind: kind))
            }
            while try select.step() {
                let replica = ReplicaID(rawValue: UInt64(bitPattern: select.int64(at: 0)))
                let seq = UInt64(clamping: select.int64(at: 1))
                if replica != current {
                    if let current { last[current] = previous }
                    current = replica
                    previous = bases[replica] ?? (0, AuditEntry.genesis)
                    result.replicas += 1
                }
                func list(_ column: Int) -> [String] { select.text(at: column).split(separator: ",").map(String.init) }
                let entry = AuditEntry(
                    seq: seq, replica: ReplicaID(rawValue: UInt64(bitPattern: select.int64(at: 2))), time: select.int64(at: 3),
                    user: select.text(at: 4), kind: select.text(at: 5), command: select.text(at: 6),
                    records: list(7).compactMap(RecordID.init(hex:)), fields: list(8), tags: list(9),
                    purpose: select.isNull(at: 10) ? nil : select.text(at: 10), previousHash: select.blob(at: 11),
                    hash: select.blob(at: 12))
                let flagged = select.int64(at: 13) != 0
                result.entries += 1
                if !flagged {
                    if entry.computedHash != entry.hash {
                        problem(replica, seq, .entryChanged)
                    } else if seq != previous.seq + 1 {
                        problem(replica, previous.seq + 1, .entryMissing)
                    } else if entry.previousHash != previous.hash {
                        problem(replica, seq, .chainBroken)
                    }
                }
                previous = (seq, entry.hash)
            }
            if let current { last[current] = previous }
            for (replica, head) in heads {
                let held = last[replica] ?? bases[replica] ?? (0, AuditEntry.genesis)
                if held.seq != head.seq || held.hash != head.hash {
                    reported = nil
                    problem(replica, head.seq, .headMismatch)
                }
            }
            result.problems.sort { ($0.replica.rawValue, $0.seq) < ($1.replica.rawValue, $1.seq) }
            return result
        }
    }

    /// Removes, per replica, the read-log entries written before `cutoff` (ms, the
    /// replica's clock) from the start of its chain, up to the first entry written at or
    /// after it, behind a signed base: the seq and hash of the last entry removed, with an
    /// HMAC-SHA256 under the server's audit key (`ReadLogBase.message`). The first kept
    /// entry chains to the base, so what remains verifies. The evidence of breaks and the
    /// entries a later upload replaced are kept. The caller verifies first: a read log that
    /// does not verify is not pruned.
    /// Returns the entries removed and the replicas whose log was pruned.
    public func pruneReadLogs(before cutoff: Int64, now: Int64) throws(StoreError) -> (removed: Int, replicas: Int) {
        try StoreError.wrap {
            try db.transaction {
                let key = try auditKey()
                var removed = 0
                var replicas = 0
                let chains = try db.query("SELECT replica, seq FROM central_read_log_heads ORDER BY replica")
                for row in chains {
                    guard let replica = row[0].replicaID, case .integer(let head) = row[1] else { continue }
                    let id: SQLValue = .integer(replica.int64)
                    let last: Int64
                    if case .integer(let firstKept)? = try db.scalar(
                        "SELECT min(seq) FROM central_read_log WHERE replica = ? AND time >= ?", [id, .integer(cutoff)]) {
                        last = firstKept - 1
                    } else {
                        last = head
                    }
                    let base = try readLogBase(replica)
                    guard last > Int64(clamping: base?.seq ?? 0),
                          case .blob(let hash)? = try db.scalar("SELECT hash FROM central_read_log WHERE replica = ? AND seq = ?",
                                                                [id, .integer(last)])
                    else { continue }
                    let message = ReadLogBase.message(server: serverID, replica: replica, seq: UInt64(last), hash: hash, signedAt: now)
                    try db.query("""
                        INSERT INTO central_read_log_bases(replica, seq, hash, signed_at, mac) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(replica) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
                            signed_at = excluded.signed_at, mac = excluded.mac
                        """, [id, .integer(last), .blob(hash), .integer(now),
                              .blob(HMACSHA256.authenticate(message: message, key: key))])
                    // The index rows by their key (record, replica, seq): a scan by replica
                    // would read the whole index once per replica.
                    let unindex = try db.prepare("DELETE FROM central_read_log_records WHERE record_id = ? AND replica = ? AND seq = ?")
                    for entry in try db.query("SELECT seq, records FROM central_read_log WHERE replica = ? AND seq <= ?",
                                              [id, .integer(last)]) {
                        guard case .integer(let seq) = entry[0], let records = entry[1].textValue else { continue }
                        for record in Set(records.split(separator: ",").compactMap({ RecordID(hex: String($0)) })) {
                            try unindex.run([.integer(record.int64), id, .integer(seq)])
                        }
                    }
                    try db.query("DELETE FROM central_read_log WHERE replica = ? AND seq <= ?", [id, .integer(last)])
                    removed += db.changes
                    replicas += 1
                }
                return (removed, replicas)
            }
        }
    }
}
