/// What a reply tells a replica about need to know, besides changes: redactions, refused
/// changes and permissions (`Protocol/BUNDLE.md`). Plain data, shared by the stores and the wire.

/// One change named by its origin and sequence number (unique everywhere).
public struct ChangeRef: Hashable, Sendable, Comparable {
    public var origin: ReplicaID
    /// 1 ..< 2^63.
    public var seq: UInt64

    public init(origin: ReplicaID, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (lhs: ChangeRef, rhs: ChangeRef) -> Bool { (lhs.origin, lhs.seq) < (rhs.origin, rhs.seq) }
}

/// A redaction: changes about one child the recipient may no longer hold
/// (`Protocol/BUNDLE.md`, "Access section"). The replica deletes them and their history
/// physically, then acknowledges `id` in a later upload (`Bundle.redactionAck`).
public struct Redaction: Hashable, Sendable {
    /// The server's number for it, 1 ..< 2^63, increasing per server.
    public var id: UInt64
    /// The child the changes are about.
    public var child: RecordID
    /// Why access ended, as a short code (`membership_ended`, `consent_ended`,
    /// `episode_closed`, `policy_changed`, `access_ended`), 1 to 64 bytes.
    public var reason: String
    /// The changes to purge, sorted by (origin, seq), none twice.
    public var changes: [ChangeRef]

    public init(id: UInt64, child: RecordID, reason: String, changes: [ChangeRef]) {
        self.id = id
        self.child = child
        self.reason = reason
        self.changes = changes
    }
}

/// One of the recipient's own changes that the server refused on its own
/// (`Protocol/BUNDLE.md`, "Access section").
public struct ChangeRefusal: Hashable, Sendable {
    /// The change's sequence number (its origin is the recipient).
    public var seq: UInt64
    /// The reason code (`WriteRefusal`), 1 to 64 bytes; a reader keeps codes it does not know.
    public var reason: String

    public init(seq: UInt64, reason: String) {
        self.seq = seq
        self.reason = reason
    }
}

/// What the recipient's organisation may read and write of one child now
/// (`Protocol/BUNDLE.md`, "Access section"): lets the CLI refuse an edit the server would
/// refuse, by the same rule (`Grant.refusal`, on `Grant(permission)`).
public struct ChildPermission: Hashable, Sendable {
    public var child: RecordID
    public var read: Set<Tag>
    public var write: Set<Tag>
    /// The organisation's roles in the child's hub now (may be empty: consent or the missing rule).
    public var roles: Set<HubRole>
    /// Fields it reads whatever their tag (the missing-episode rule) and the open episodes
    /// whose `missing` fields they cover (the grants part; empty when not sent).
    public var fields: Set<FieldRef>
    public var episodes: Set<RecordID>
    /// Whether it registered the child, may add and end hub members, may record and
    /// revoke consent (the grants part; false when not sent).
    public var isRegistrar: Bool
    public var mayChangeHub: Bool
    public var mayRecordConsent: Bool

    public init(child: RecordID, read: Set<Tag>, write: Set<Tag>, roles: Set<HubRole>, fields: Set<FieldRef> = [],
                episodes: Set<RecordID> = [], isRegistrar: Bool = false, mayChangeHub: Bool = false,
                mayRecordConsent: Bool = false) {
        self.child = child
        self.read = read
        self.write = write
        self.roles = roles
        self.fields = fields
        self.episodes = episodes
        self.isRegistrar = isRegistrar
        self.mayChangeHub = mayChangeHub
        self.mayRecordConsent = mayRecordConsent
    }

    /// The permission of `grant` (what a reply sends).
    public init(child: RecordID, grant: Grant) {
        self.init(child: child, read: Set(grant.read.keys), write: grant.write, roles: grant.roles,
                  fields: Set(grant.fields.keys), episodes: grant.episodes, isRegistrar: grant.isRegistrar,
                  mayChangeHub: grant.mayChangeHub, mayRecordConsent: grant.mayRecordConsent)
    }

    /// Whether it says more than tags and roles (the grants part has an entry for it).
    public var hasGrantDetails: Bool {
        !fields.isEmpty || !episodes.isEmpty || isRegistrar || mayChangeHub || mayRecordConsent
    }
}

/// One line of the central store's directory: an enrolled replica and its organisation
/// (`Protocol/BUNDLE.md`, "Directory").
public struct DirectoryEntry: Hashable, Sendable {
    public var replica: ReplicaID
    /// The organisation's name as registered (`navetd org add --name`), 1 to 1024 bytes.
    public var organisation: String
    /// The organisation's kind code (e.g. `social_services`), 1 to 255 bytes.
    public var kind: String

    public init(replica: ReplicaID, organisation: String, kind: String) {
        self.replica = replica
        self.organisation = organisation
        self.kind = kind
    }
}
