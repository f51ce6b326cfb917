import NavetCore
import NavetCrypto
import NavetSQLite

/// One change named for verification: its origin and sequence number, and what it is
/// about (record type and field; never its value).
public struct VerifiedChange: Hashable, Sendable {
    public var ref: ChangeRef
    public var recordType: String
    public var field: String

    public init(ref: ChangeRef, recordType: String, field: String) {
        self.ref = ref
        self.recordType = recordType
        self.field = field
    }

    /// `<origin as 16 hex>:<seq in decimal>`, the line the digest covers.
    public var line: String { "\(ref.origin):\(ref.seq)" }
}

/// A (child, tag) pair: the unit `navet verify` compares (Protocol/HTTP.md, "Verification").
public struct VerificationScope: Hashable, Comparable, Sendable {
    public var child: RecordID
    public var tag: Tag

    public init(child: RecordID, tag: Tag) {
        self.child = child
        self.tag = tag
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.child, a.tag.rawValue) < (b.child, b.tag.rawValue)
    }
}

/// The changes a replica holds or may hold, grouped by scope, with each scope's count and
/// digest (SHA-256 over the sorted lines joined by "\n", in lowercase hex).
public struct VerificationDigests: Sendable {
    public private(set) var changes: [VerificationScope: [VerifiedChange]] = [:]

    public init() {}

    public mutating func add(_ change: VerifiedChange, to scope: VerificationScope) {
        changes[scope, default: []].append(change)
    }

    /// The scopes in order (child, then tag).
    public var scopes: [VerificationScope] { changes.keys.sorted() }

    public func count(_ scope: VerificationScope) -> Int { changes[scope]?.count ?? 0 }

    /// The digest of a scope: 64 lowercase hex digits (the digest of nothing for an empty one).
    public func digest(_ scope: VerificationScope) -> String {
        Self.digest(lines: (changes[scope] ?? []).map(\.line))
    }

    /// SHA-256 of the lines sorted bytewise and joined by a line feed, in lowercase hex.
    public static func digest(lines: [String]) -> String {
        let text = lines.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.joined(separator: "\n")
        return SHA256.hash(Array(text.utf8)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }
}

extension CentralStore {
    /// What `replica` may hold now, up to `cursor`, per (child, tag) (Protocol/HTTP.md,
    /// "Verification"): for each child its organisation is connected to, each child it has
    /// an `access` row for and each child its organisation wrote about, every change with
    /// a server sequence number ≤ `cursor` that is not refused, not of the replica's own
    /// origin, and visible now — written by its own organisation, covered by the grant
    /// (`Grant.reason`), or the winning name of a child whose grant is empty when the
    /// policy keeps the name for an organisation's own notes.
    ///
    /// Reads only; one evaluation of the policy per child, and that child's changes.
    public func verification(for replica: ReplicaID, cursor: UInt64, context: AccessContext, now: Int64)
        throws(StoreError) -> VerificationDigests
    {
        try StoreError.wrap {
            try db.transaction(.deferred) { try buildVerification(replica, cursor: min(cursor, UInt64(Int64.max)), context: context, now: now) }
        }
    }

    private func buildVerification(_ replica: ReplicaID, cursor: UInt64, context: AccessContext, now: Int64) throws
        -> VerificationDigests
    {
        var digests = VerificationDigests()
        let policy = context.policy
        guard let organisation = try organisation(of: replica) else { return digests }
        let today = SwedishTime.today(at: now)
        var ownOrigins = Set<ReplicaID>()
        for row in try db.query("""
            SELECT r.replica_id FROM replicas r JOIN organisations o ON o.id = r.organisation WHERE o.name = ?
            """, [.text(organisation.name)]) {
            if let id = row[0].replicaID { ownOrigins.insert(id) }
        }
        var children = try childrenConnected(to: organisation, policy: policy)
        for row in try db.query("SELECT child_id FROM access WHERE replica_id = ?", [.integer(replica.int64)]) {
            if let child = row[0].recordID { children.insert(child) }
        }
        for origin in ownOrigins where origin != replica {
            // The origin's changes, run by run (`change_runs`: ids first_id … first_id + last_seq - first_seq).
            for row in try db.query("""
                SELECT DISTINCT c.child_id FROM change_runs r
                JOIN changes c ON c.id BETWEEN r.first_id AND r.first_id + (r.last_seq - r.first_seq)
                WHERE r.origin = ? AND c.refused = 0 AND c.child_id IS NOT NULL
                """, [.integer(origin.int64)]) {
                if let child = row[0].recordID { children.insert(child) }
            }
        }
        for child in children.sorted() {
            let facts = try loadFacts(child) ?? ChildFacts(child: child, registrar: nil)
            let grant = policy.grant(for: organisation, facts: facts, today: today)
            let history = try childChanges(child, upTo: cursor)
            var keptName: Int64?
            if grant.scope.isEmpty, policy.keepChildNameForOwnNotes,
               history.contains(where: { ownOrigins.contains($0.change.origin) && $0.change.recordType != "child" }),
               case .integer(let winner)? = try db.scalar(
                   "SELECT change_id FROM cells WHERE record_id = ? AND field = 'name'", [.integer(child.int64)]) {
                keptName = winner
            }
            for (id, change) in history where change.origin != replica {
                let visible = ownOrigins.contains(change.origin) || id == keptName
                    || grant.reason(recordType: change.recordType, record: change.recordID, field: change.field,
                                    tag: change.tag) != nil
                guard visible else { continue }
                digests.add(VerifiedChange(ref: ChangeRef(origin: change.origin, seq: change.seq),
                                           recordType: change.recordType, field: change.field),
                            to: VerificationScope(child: child, tag: change.tag))
            }
        }
        return digests
    }
}
