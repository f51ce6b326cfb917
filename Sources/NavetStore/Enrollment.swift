import NavetCore
import NavetSQLite

public struct Organisation: Hashable, Sendable {
    public let id: Int64
    public let name: String
    public let kind: OrganisationKind
    public let municipality: String
}

/// One enrolled replica as the operator sees it.
public struct ReplicaRecord: Hashable, Sendable {
    public let replicaID: ReplicaID
    public let organisation: String?
    public let enrolledAt: Int64
    public let revokedAt: Int64?
    public let lastSyncAt: Int64?
    /// The last server sequence number the replica said it holds.
    public let cursor: UInt64
    /// Changes from other origins the server holds beyond that cursor, counted when the
    /// record is read (the replica's own changes are never sent back, so they are no lag).
    public let lag: UInt64
    public let clientVersion: String?
    public let schemaVersion: Int?
    public let epochSeen: UInt64?
    /// Refusals since the last successful sync, and the last reason.
    public let refusals: Int
    public let lastRefusal: String?
}

/// What the server needs to check a signature: the shared secret and whether it still counts.
public struct Credentials: Sendable {
    public let secret: [UInt8]
    public let revoked: Bool
}

extension CentralStore {
    /// Registers an organisation. Names are unique.
    public func addOrganisation(name: String, kind: OrganisationKind, municipality: String, now: Int64) throws(StoreError) -> Organisation {
        try StoreError.wrap {
            try db.transaction {
                // Names are compared as people read them: NFC, case, spacing and accents
                // aside ("bup umea" is "BUP Umeå": typed without å, ä and ö).
                let key = TextRules.foldKey(TextRules.nameKey(name))
                for row in try db.query("SELECT name FROM organisations") {
                    if case .text(let existing) = row[0], TextRules.foldKey(TextRules.nameKey(existing)) == key {
                        throw StoreError.duplicateOrganisation(existing)
                    }
                }
                try db.query("INSERT INTO organisations(name, kind, municipality, created_at) VALUES (?,?,?,?)",
                             [.text(name), .text(kind.rawValue), .text(municipality), .integer(now)])
                return Organisation(id: db.lastInsertRowID, name: name, kind: kind, municipality: municipality)
            }
        }
    }

    public func organisations() throws(StoreError) -> [Organisation] {
        try StoreError.wrap {
            try db.query("SELECT id, name, kind, municipality FROM organisations ORDER BY name").map { row in
                guard case .integer(let id) = row[0], case .text(let name) = row[1], case .text(let kind) = row[2],
                      case .text(let municipality) = row[3], let known = OrganisationKind(rawValue: kind)
                else { throw StoreError.notANavetDatabase(path: path, reason: "malformed organisation row") }
                return Organisation(id: id, name: name, kind: known, municipality: municipality)
            }
        }
    }

    /// Enrolls a new replica for an organisation (by name): a fresh replica id and a fresh
    /// 32-byte secret from the system's random source. The secret leaves the server only in
    /// the enrollment file.
    public func enroll(organisation name: String, now: Int64) throws(StoreError) -> (replicaID: ReplicaID, secret: [UInt8]) {
        try StoreError.wrap {
            try db.transaction {
                // The organisation whose name reads the same (NFC, case and spacing aside),
                // or the only one that does with accents dropped (`TextRules.match`).
                let rows = try db.query("SELECT id, name FROM organisations ORDER BY id")
                let candidates = rows.compactMap { row -> (value: Int64, words: [String])? in
                    guard case .integer(let id) = row[0], case .text(let existing) = row[1] else { return nil }
                    return (id, [existing])
                }
                guard let organisation = TextRules.match(name, among: candidates, key: TextRules.nameKey).value
                else { throw StoreError.unknownOrganisation(name) }
                var id = ReplicaID.random()
                while try db.scalar("SELECT 1 FROM replicas WHERE replica_id = ?", [.integer(id.int64)]) != nil
                        || id == serverID {
                    id = ReplicaID.random()
                }
                var generator = SystemRandomNumberGenerator()
                let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try db.query("""
                    INSERT INTO replicas(replica_id, first_seen, cursor, organisation, secret) VALUES (?, ?, 0, ?, ?)
                    """, [.integer(id.int64), .integer(now), .integer(organisation), .blob(secret)])
                return (id, secret)
            }
        }
    }

    /// Undoes an enrollment whose file could not be written: removes the replica's row,
    /// which no request can have used yet (it never synced), so the store is as before.
    public func withdrawEnrollment(_ replica: ReplicaID) throws(StoreError) {
        try StoreError.wrap {
            try db.transaction {
                try db.query("DELETE FROM replicas WHERE replica_id = ? AND last_sync_at IS NULL", [.integer(replica.int64)])
            }
        }
    }

    /// Cuts a replica off at once: every later request or bundle signed with its secret is
    /// refused. Its changes already merged stay.
    /// - Returns: false if the replica was already revoked (nothing changed).
    @discardableResult
    public func revoke(_ replica: ReplicaID, now: Int64) throws(StoreError) -> Bool {
        try StoreError.wrap {
            try db.transaction {
                try db.query("UPDATE replicas SET revoked_at = ? WHERE replica_id = ? AND secret IS NOT NULL AND revoked_at IS NULL",
                             [.integer(now), .integer(replica.int64)])
                if db.changes == 0 {
                    guard try db.scalar("SELECT 1 FROM replicas WHERE replica_id = ? AND secret IS NOT NULL",
                                        [.integer(replica.int64)]) != nil
                    else { throw StoreError.unknownReplica(replica) }
                    return false
                }
                return true
            }
        }
    }

    /// The shared secret of an enrolled replica, or nil if it was never enrolled here.
    public func credentials(_ replica: ReplicaID) throws(StoreError) -> Credentials? {
        try StoreError.wrap {
            let rows = try db.query("SELECT secret, revoked_at FROM replicas WHERE replica_id = ? AND secret IS NOT NULL",
                                    [.integer(replica.int64)])
            guard let row = rows.first, case .blob(let secret) = row[0] else { return nil }
            return Credentials(secret: secret, revoked: row[1] != .null)
        }
    }

    /// The ids of every enrolled replica (revoked ones too), without the per-replica figures
    /// of `replicaRecords` (whose lag counts changes).
    public func enrolledReplicaIDs() throws(StoreError) -> [ReplicaID] {
        try StoreError.wrap {
            try db.query("SELECT replica_id FROM replicas ORDER BY replica_id").compactMap { $0[0].replicaID }
        }
    }

    public func replicaRecords() throws(StoreError) -> [ReplicaRecord] {
        try StoreError.wrap {
            // One statement reads one snapshot, so every lag is counted at the same moment.
            try db.query("""
                SELECT r.replica_id, o.name, r.first_seen, r.revoked_at, r.last_sync_at, r.cursor, r.client_version,
                       r.schema_version, r.epoch_seen, r.refusals, r.last_refusal,
                       (SELECT count(*) FROM changes c WHERE c.id > r.cursor AND c.origin != r.replica_id)
                FROM replicas r LEFT JOIN organisations o ON o.id = r.organisation ORDER BY o.name, r.replica_id
                """).map { row in
                func int(_ value: SQLValue) -> Int64? { if case .integer(let n) = value { n } else { nil } }
                func text(_ value: SQLValue) -> String? { if case .text(let t) = value { t } else { nil } }
                let cursor = UInt64(clamping: int(row[5]) ?? 0)
                return ReplicaRecord(
                    replicaID: ReplicaID(rawValue: UInt64(clamping: int(row[0]) ?? 0)), organisation: text(row[1]),
                    enrolledAt: int(row[2]) ?? 0, revokedAt: int(row[3]), lastSyncAt: int(row[4]),
                    cursor: cursor, lag: UInt64(max(0, int(row[11]) ?? 0)), clientVersion: text(row[6]),
                    schemaVersion: int(row[7]).map(Int.init), epochSeen: int(row[8]).map { UInt64(bitPattern: $0) },
                    refusals: Int(int(row[9]) ?? 0), lastRefusal: text(row[10]))
            }
        }
    }

    /// What `/metrics` reports of the replicas, read in one pass over the `replicas` table
    /// (nothing counted in `changes`, unlike `replicaRecords`, whose lag does): replicas not
    /// revoked, those of them whose last successful sync (or enrollment, if none) is older
    /// than `silentAfter` milliseconds, and the earliest such time (nil without any).
    public func replicaHealth(now: Int64, silentAfter: Int64) throws(StoreError)
        -> (active: Int, silent: Int, oldestSync: Int64?)
    {
        try StoreError.wrap {
            let (limit, overflow) = now.subtractingReportingOverflow(silentAfter)
            guard let row = try db.query("""
                SELECT count(*), coalesce(sum(coalesce(last_sync_at, first_seen) < ?), 0), min(coalesce(last_sync_at, first_seen))
                FROM replicas WHERE revoked_at IS NULL
                """, [.integer(overflow ? Int64.min : limit)]).first,
                  case .integer(let active) = row[0], case .integer(let silent) = row[1]
            else { return (0, 0, nil) }
            if case .integer(let oldest) = row[2] { return (Int(active), Int(silent), oldest) }
            return (Int(active), Int(silent), nil)
        }
    }

    /// The server epoch: a random id that changes when the database is restored from a
    /// backup, so replicas can tell the server forgot something (see Protocol/BUNDLE.md).
    public func epoch() throws(StoreError) -> UInt64 {
        try StoreError.wrap {
            if let epoch = try meta.int(Meta.epoch) { return UInt64(bitPattern: epoch) }
            let epoch = UInt64.random(in: 1...UInt64(Int64.max))
            try meta.set(Meta.epoch, .integer(Int64(epoch)))
            return epoch
        }
    }
}

extension CentralStore {
    /// Records what a replica told about itself in a successful sync, and clears its
    /// pending refusals.
    public func noteClient(_ replica: ReplicaID, version: String?, schema: UInt32, epochSeen: UInt64) throws(StoreError) {
        try StoreError.wrap {
            try db.query("""
                UPDATE replicas SET client_version = coalesce(?, client_version), schema_version = ?, epoch_seen = ?,
                    refusals = 0, last_refusal = NULL, last_refusal_at = NULL
                WHERE replica_id = ?
                """, [version.map { .text(String($0.prefix(100))) } ?? .null, .integer(Int64(schema)),
                      .integer(Int64(bitPattern: epochSeen)), .integer(replica.int64)])
        }
    }

    /// Counts a refusal of an authenticated request from an enrolled replica.
    public func noteRefusal(_ replica: ReplicaID, reason: String, now: Int64) throws(StoreError) {
        try StoreError.wrap {
            try db.query("""
                UPDATE replicas SET refusals = refusals + 1, last_refusal = ?, last_refusal_at = ? WHERE replica_id = ?
                """, [.text(reason), .integer(now), .integer(replica.int64)])
        }
    }
}
