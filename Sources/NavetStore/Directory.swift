import NavetCore
import NavetSQLite

/// Which organisation an origin (a replica id) belongs to, as people should see it.
public struct OriginName: Hashable, Sendable {
    public let replica: ReplicaID
    /// The organisation's registered name.
    public let organisation: String
    /// The organisation's kind code (`OrganisationKind`), or nil when not known (the
    /// replica's own entry before its first reply, from the enrollment file).
    public let kind: String?

    public init(replica: ReplicaID, organisation: String, kind: String?) {
        self.replica = replica
        self.organisation = organisation
        self.kind = kind
    }
}

extension CentralStore {
    /// Every enrolled replica with its organisation (revoked ones too: their changes stay),
    /// ordered by replica id; at most `limit` entries. What replies carry as the directory
    /// (`Protocol/BUNDLE.md`, "Directory").
    public func directory(limit: Int = 100_000) throws(StoreError) -> [OriginName] {
        try StoreError.wrap {
            try db.query("""
                SELECT r.replica_id, o.name, o.kind FROM replicas r JOIN organisations o ON o.id = r.organisation
                WHERE r.secret IS NOT NULL AND length(o.name) > 0 AND length(CAST(o.name AS BLOB)) <= 1024
                  AND length(o.kind) BETWEEN 1 AND 255
                ORDER BY r.replica_id LIMIT ?
                """, [.integer(Int64(limit))]).compactMap { row -> OriginName? in
                guard case .integer(let id) = row[0], id > 0, case .text(let name) = row[1], case .text(let kind) = row[2]
                else { return nil }
                return OriginName(replica: ReplicaID(rawValue: UInt64(clamping: id)), organisation: name, kind: kind)
            }
        }
    }
}

extension ReplicaStore {
    /// The names this replica knows, by origin: the central store's last directory, and its
    /// own organisation from its enrollment.
    public func originNames() throws(StoreError) -> [ReplicaID: OriginName] {
        try StoreError.wrap {
            var names: [ReplicaID: OriginName] = [:]
            for row in try db.query("SELECT replica_id, organisation, kind FROM directory") {
                guard case .integer(let id) = row[0], case .text(let name) = row[1] else { continue }
                let replica = ReplicaID(rawValue: UInt64(bitPattern: id))
                var kind: String?
                if case .text(let text) = row[2] { kind = text }
                names[replica] = OriginName(replica: replica, organisation: name, kind: kind)
            }
            return names
        }
    }

    /// Replaces the directory with the one a reply carried (the whole directory), keeping
    /// this replica's own entry if the reply lacks it. One transaction; writes only what
    /// differs, so applying the same reply again changes nothing.
    public func replaceDirectory(_ entries: [OriginName], now: Int64) throws(StoreError) {
        let known = try originNames()
        try StoreError.wrap {
            try db.transaction {
                var incoming: Set<ReplicaID> = []
                for entry in entries {
                    incoming.insert(entry.replica)
                    if let old = known[entry.replica], old.organisation.utf8.elementsEqual(entry.organisation.utf8),
                       old.kind == entry.kind {
                        continue
                    }
                    try db.query("""
                        INSERT INTO directory(replica_id, organisation, kind, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT(replica_id) DO UPDATE SET organisation = excluded.organisation,
                            kind = excluded.kind, updated_at = excluded.updated_at
                        """, [.integer(entry.replica.int64), .text(entry.organisation),
                              entry.kind.map { .text($0) } ?? .null, .integer(now)])
                }
                for replica in known.keys where !incoming.contains(replica) && replica != replicaID {
                    try db.query("DELETE FROM directory WHERE replica_id = ?", [.integer(replica.int64)])
                }
            }
        }
    }

    /// Records this replica's own organisation (from its enrollment file) until a reply
    /// brings the directory.
    public func noteOwnOrganisation(_ name: String, now: Int64) throws(StoreError) {
        try StoreError.wrap {
            try db.query("""
                INSERT INTO directory(replica_id, organisation, kind, updated_at) VALUES (?, ?, NULL, ?)
                ON CONFLICT(replica_id) DO NOTHING
                """, [.integer(replicaID.int64), .text(name), .integer(now)])
        }
    }
}
