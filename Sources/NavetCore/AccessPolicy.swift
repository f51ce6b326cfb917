/// Need to know: which organisation may read and write what of which child, and why.
///
/// Pure rules, no I/O. The server evaluates them per recipient organisation and child at
/// every sync; the policy itself is data (`navetd policy load`, parsed in NavetPolicy), so
/// each organisation's standing decisions can be written down and reviewed. The default
/// policy and the secrecy rules behind it are in `Protocol/TAGS.md`.

/// One field of one record type, written `record_type.field` (`child.name`).
public struct FieldRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let recordType: String
    public let field: String

    public init(_ recordType: String, _ field: String) {
        self.recordType = recordType
        self.field = field
    }

    /// Parses `record_type.field`; nil unless both parts exist in `schema`.
    public init?(_ text: String, schema: Schema = .current) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let type = schema.recordType(String(parts[0])), type.field(String(parts[1])) != nil
        else { return nil }
        self.init(String(parts[0]), String(parts[1]))
    }

    public var description: String { "\(recordType).\(field)" }

    public static func < (lhs: FieldRef, rhs: FieldRef) -> Bool { lhs.description < rhs.description }
}

/// A declarative need-to-know policy. Nothing is visible unless a rule here allows it.
public struct AccessPolicy: Hashable, Sendable {
    /// What hub members in some roles (of some organisation kinds) read and write.
    public struct RoleRule: Hashable, Sendable {
        /// A short name for the rule, unique in the policy; disclosures name it.
        public var id: String
        /// The organisation kinds it applies to; nil for every kind.
        public var kinds: Set<String>?
        public var roles: Set<HubRole>
        public var read: Set<Tag>
        /// Only tags also read count: nobody writes what they may not read.
        public var write: Set<Tag>
        /// Why the rule is lawful (an OSL section, a consent, an agreement).
        public var why: String

        public init(id: String, kinds: Set<String>? = nil, roles: Set<HubRole>, read: Set<Tag>, write: Set<Tag>,
                    why: String) {
            self.id = id
            self.kinds = kinds
            self.roles = roles
            self.read = read
            self.write = write
            self.why = why
        }
    }

    /// While a missing episode is open, organisations of these kinds (the police) receive
    /// these fields of the child and of the open episodes, member of the hub or not.
    public struct MissingRule: Hashable, Sendable {
        public var kinds: Set<String>
        /// Fields of `child` and of `missing` only.
        public var fields: Set<FieldRef>
        public var why: String

        public init(kinds: Set<String>, fields: Set<FieldRef>, why: String) {
            self.kinds = kinds
            self.fields = fields
            self.why = why
        }
    }

    /// A label for people (`default 2026-11`); the store numbers loaded versions itself.
    public var label: String
    public var rules: [RoleRule]
    /// The organisation kinds that may register a child, and the role the registering
    /// organisation then holds in the child's hub (from the start, without an end date).
    public var registrar: [String: HubRole]
    /// Roles whose members add and end hub members (the registering organisation always may).
    public var hubAdministrators: Set<HubRole>
    /// Roles whose members record and revoke consent.
    public var consentWriters: Set<HubRole>
    public var missing: MissingRule
    /// Whether an organisation whose access to a child ended keeps the child's name (its
    /// current value only) when it keeps notes of its own about the child.
    public var keepChildNameForOwnNotes: Bool
    /// Why each fixed rule holds, by key: `registrar`, `hub_administrators`, `consent`,
    /// `consent_writers`, `protected`, `end`, `internal`, `default`.
    public var why: [String: String]
    /// Tags whose display on a replica needs a purpose (`purpose_required`): sent with every
    /// reply, kept in the replica's `audit_purpose_tags`.
    public var purposeTags: Set<Tag>
    /// Why those tags need a purpose; nil when the policy names none.
    public var purposeWhy: String?

    public init(label: String, rules: [RoleRule], registrar: [String: HubRole], hubAdministrators: Set<HubRole>,
                consentWriters: Set<HubRole>, missing: MissingRule, keepChildNameForOwnNotes: Bool,
                why: [String: String], purposeTags: Set<Tag> = [], purposeWhy: String? = nil) {
        self.purposeTags = purposeTags
        self.purposeWhy = purposeWhy
        self.label = label
        self.rules = rules
        self.registrar = registrar
        self.hubAdministrators = hubAdministrators
        self.consentWriters = consentWriters
        self.missing = missing
        self.keepChildNameForOwnNotes = keepChildNameForOwnNotes
        self.why = why
    }

    /// Tags a consent never widens: `internal` never leaves its organisation, `police`
    /// is the police's own (OSL 18:1, 35:1: the police decide, not the child's consent
    /// recorded by others), and `protected` goes only to the child's hub (OSL 21:3, 22:1).
    public static let neverByConsent: Set<Tag> = [.internal, .police, .protected]

    /// The fixed `why` keys every policy file must explain.
    public static let whyKeys = ["registrar", "hub_administrators", "consent", "consent_writers", "protected", "end",
                                 "internal", "default"]
}

/// An organisation as the policy sees it: its registered name and kind code.
public struct PolicyOrganisation: Hashable, Sendable {
    public let name: String
    public let kind: String

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
    }
}

/// What the server knows about one child that the policy depends on: the current values
/// of the child's hub memberships, consents and missing episodes, and its protection.
public struct ChildFacts: Hashable, Sendable {
    public struct Membership: Hashable, Sendable {
        public var record: RecordID
        public var organisation: String
        public var role: HubRole
        /// First and last day (inclusive, Swedish calendar days); nil = open.
        public var start: CalendarDate?
        public var end: CalendarDate?

        public init(record: RecordID, organisation: String, role: HubRole, start: CalendarDate?, end: CalendarDate?) {
            self.record = record
            self.organisation = organisation
            self.role = role
            self.start = start
            self.end = end
        }

        public func isActive(on day: CalendarDate) -> Bool {
            (start.map { $0 <= day } ?? true) && (end.map { day <= $0 } ?? true)
        }
    }

    public struct Consent: Hashable, Sendable {
        public var record: RecordID
        public var organisation: String
        public var tags: Set<Tag>
        /// The last day it holds (Swedish time); nil = until revoked.
        public var until: CalendarDate?
        public var revoked: Bool

        public init(record: RecordID, organisation: String, tags: Set<Tag>, until: CalendarDate?, revoked: Bool) {
            self.record = record
            self.organisation = organisation
            self.tags = tags
            self.until = until
            self.revoked = revoked
        }

        public func isInForce(on day: CalendarDate) -> Bool { !revoked && (until.map { day <= $0 } ?? true) }
    }

    public var child: RecordID
    /// The organisation that registered the child (the origin of its first change).
    public var registrar: String?
    public var protected: Bool
    public var memberships: [Membership]
    public var consents: [Consent]
    /// The child's missing episodes that are open now.
    public var openEpisodes: Set<RecordID>

    /// The fields the facts are derived from, by record type: a change to any other field
    /// (a membership's phone, a consent's purpose) leaves every grant as it was.
    public static let sourceFields: [String: Set<String>] = [
        "child": ["protected_identity"],
        "membership": ["child", "organisation", "role", "start_date", "end_date"],
        "consent": ["child", "organisation", "tags", "until", "revoked"],
        // An episode's openness (`EpisodeRules.isOpen`) reads its closing, its follow-up,
        // the police's notification and the finding.
        "missing": ["child", "closed_at", "follow_up_at", "police_notified_at", "found_at"],
    ]

    /// Whether a change to `field` of a record of `recordType` may change the facts.
    public static func isSource(recordType: String, field: String) -> Bool {
        sourceFields[recordType]?.contains(field) ?? false
    }

    /// The organisation a membership or consent record names, if the facts hold it.
    public func organisation(of record: RecordID) -> String? {
        memberships.first { $0.record == record }?.organisation ?? consents.first { $0.record == record }?.organisation
    }

    public init(child: RecordID, registrar: String?, protected: Bool = false, memberships: [Membership] = [],
                consents: [Consent] = [], openEpisodes: Set<RecordID> = []) {
        self.child = child
        self.registrar = registrar
        self.protected = protected
        self.memberships = memberships
        self.consents = consents
        self.openEpisodes = openEpisodes
    }
}

/// Why a value may go to an organisation: what a disclosure records.
public enum AccessReason: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The organisation is the child's registering organisation, in this role, by this rule.
    case registrar(role: HubRole, rule: String)
    /// A hub membership (its record), its role and the rule that gives the role the tag.
    case membership(record: RecordID, role: HubRole, rule: String)
    /// A consent record in force.
    case consent(record: RecordID)
    /// The missing-episode rule, for this open episode (or the child's fields while one is open).
    case missing(episode: RecordID)
    /// The organisation wrote the value itself.
    case ownOrganisation

    /// The ledger's text form: `registrar:ROLE:RULE`, `membership:ID:ROLE:RULE`,
    /// `consent:ID`, `missing:ID`, `own`.
    public var description: String {
        switch self {
        case .registrar(let role, let rule): "registrar:\(role.rawValue):\(rule)"
        case .membership(let record, let role, let rule): "membership:\(record):\(role.rawValue):\(rule)"
        case .consent(let record): "consent:\(record)"
        case .missing(let episode): "missing:\(episode)"
        case .ownOrganisation: "own"
        }
    }

    public static func < (lhs: AccessReason, rhs: AccessReason) -> Bool { lhs.description < rhs.description }
}

/// What one organisation may read and write of one child now.
public struct Grant: Hashable, Sendable {
    /// Tags it reads, each with the first reason found (registrar, then memberships, then consents).
    public var read: [Tag: AccessReason] = [:]
    /// Tags it writes: always a subset of `read`'s keys; never `internal` (see `mayWrite`).
    public var write: Set<Tag> = []
    /// Fields it reads whatever their tag (the missing-episode rule), with the reason.
    public var fields: [FieldRef: AccessReason] = [:]
    /// The open episodes whose `missing` fields `fields` covers.
    public var episodes: Set<RecordID> = []
    /// The roles it holds in the hub now (registrar role included).
    public var roles: Set<HubRole> = []
    /// Whether it is the child's registering organisation.
    public var isRegistrar = false
    /// Whether it may add and end hub members (the registrar, or a role the policy makes
    /// a hub administrator) and record and revoke consent (a consent writer's role).
    /// Set by `AccessPolicy.grant(for:)` and by `AccessPolicy.refusal`.
    public var mayChangeHub = false
    public var mayRecordConsent = false
    /// Whether the organisation registered the child or has or had a hub membership of it
    /// (any dates; a role some rule gives to its kind): its `internal` notes about the child are its own record-keeping and
    /// never leave it, so it may go on writing them after its access ended.
    public var wasMember = false

    public init() {}

    /// The grant a permission describes (the replica's copy of the server's decision):
    /// reasons are not sent, so every read tag and field carries `.ownOrganisation`, which
    /// `refusal` does not look at.
    public init(permission: ChildPermission) {
        read = Dictionary(uniqueKeysWithValues: permission.read.map { ($0, AccessReason.ownOrganisation) })
        write = permission.write.intersection(permission.read)
        fields = Dictionary(uniqueKeysWithValues: permission.fields.map { ($0, AccessReason.ownOrganisation) })
        episodes = permission.episodes
        roles = permission.roles
        isRegistrar = permission.isRegistrar
        mayChangeHub = permission.mayChangeHub
        mayRecordConsent = permission.mayRecordConsent
    }

    /// Whether the organisation holding this grant may write `field` of a record of
    /// `recordType` under `tag`; nil if it may, else why not. `noteKind` is the kind of the
    /// note a note change belongs to, `decisionKind` the kind of the decision a decision
    /// change belongs to. The one decision the server (`AccessPolicy.refusal`)
    /// and the replica's up-front check (`ReplicaStore.writeCheck`) both make. Creating a
    /// child and a record's `child` field are checked by the caller (`mayRegister`,
    /// `WriteRefusal.childCannotChange`).
    public func refusal(writing recordType: String, field: String, tag: Tag, noteKind: String? = nil,
                        decisionKind: String? = nil) -> WriteRefusal? {
        switch recordType {
        case "membership":
            guard mayChangeHub else { return inHub ? .mayNotChangeHub : .notInHub }
            return read[tag] == nil ? .fieldNotReadable : nil
        case "consent":
            guard mayRecordConsent else { return inHub ? .mayNotRecordConsent : .notInHub }
            return read[tag] == nil ? .fieldNotReadable : nil
        case "missing", "missing_check":
            // Any member of the hub reports a child missing, works through the method's
            // checklist and closes the episode, also one whose role does not read the search
            // fields (a school, a volunteer).
            guard inHub else { return .notInHub }
            return read[tag] != nil || tag <= .search ? nil : .fieldNotReadable
        default:
            if recordType == "note", let noteKind, tag < NoteRules.floor(kind: noteKind) { return .belowNoteFloor }
            if recordType == "decision", let decisionKind, tag != DecisionRules.tag(kind: decisionKind) {
                return .decisionTagNotKind
            }
            if tag == .internal { return inHub || !isEmpty || wasMember ? nil : .notInHub }
            guard inHub || !isEmpty else { return .notInHub }
            if read[tag] == nil {
                // A field the missing rule lets it read: read, not written.
                return fields[FieldRef(recordType, field)] != nil ? .fieldReadOnly : .fieldNotReadable
            }
            return write.contains(tag) ? nil : .tagNotWritable
        }
    }

    /// Whether the organisation is in the hub now (a member or the registrar).
    public var inHub: Bool { !roles.isEmpty }

    /// Whether nothing of the child is visible.
    public var isEmpty: Bool { read.isEmpty && fields.isEmpty }

    /// What the grant makes visible, without the reasons: what a replica holds.
    public var scope: Scope { Scope(read: Set(read.keys), fields: Set(fields.keys), episodes: episodes) }

    /// Why a change to this child (not written by the organisation itself) may be sent, or
    /// nil. `internal` values go only to their writer's organisation, never by a grant.
    public func reason(recordType: String, record: RecordID, field: String, tag: Tag) -> AccessReason? {
        if tag == .internal { return nil }
        if let reason = read[tag] { return reason }
        if let reason = fields[FieldRef(recordType, field)], recordType != "missing" || episodes.contains(record) {
            return reason
        }
        return nil
    }

    /// The visible part of a grant: tags, fields, and the episodes the fields cover.
    /// Stored per replica and child on the server, so that a narrowing is noticed.
    public struct Scope: Hashable, Sendable {
        public var read: Set<Tag>
        public var fields: Set<FieldRef>
        public var episodes: Set<RecordID>

        public init(read: Set<Tag> = [], fields: Set<FieldRef> = [], episodes: Set<RecordID> = []) {
            self.read = read
            self.fields = fields
            self.episodes = episodes
        }

        public var isEmpty: Bool { read.isEmpty && fields.isEmpty }

        public func covers(recordType: String, record: RecordID, field: String, tag: Tag) -> Bool {
            if tag == .internal { return false }
            if read.contains(tag) { return true }
            return fields.contains(FieldRef(recordType, field)) && (recordType != "missing" || episodes.contains(record))
        }

        /// `tags;fields;episodes`, each part comma-separated and sorted (`basic,case;child.name;`).
        public var text: String {
            [Tag.listText(read), fields.sorted().map(\.description).joined(separator: ","),
             episodes.map(\.description).sorted().joined(separator: ",")].joined(separator: ";")
        }

        /// Parses `text`; nil if it is not one (a damaged store is then treated as holding nothing).
        public init?(text: String) {
            let parts = text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { return nil }
            var read: Set<Tag> = []
            if !parts[0].isEmpty {
                guard let tags = Tag.list(parts[0]) else { return nil }
                read = Set(tags)
            }
            var fields: Set<FieldRef> = []
            for item in parts[1].split(separator: ",") {
                guard let ref = FieldRef(String(item)) else { return nil }
                fields.insert(ref)
            }
            var episodes: Set<RecordID> = []
            for item in parts[2].split(separator: ",") {
                guard let id = RecordID(hex: String(item)) else { return nil }
                episodes.insert(id)
            }
            self.init(read: read, fields: fields, episodes: episodes)
        }
    }
}

/// Why the server refused one change on its own (the rest of the upload applies).
/// The raw values travel in replies (`Protocol/BUNDLE.md`, "Refusals").
public enum WriteRefusal: String, CaseIterable, Hashable, Sendable {
    /// The organisation is not in the child's hub (and no rule lets it write).
    case notInHub = "not_in_hub"
    /// Its role may not write values under this tag.
    case tagNotWritable = "tag_not_writable"
    /// It may not read this field, so it may not write it either.
    case fieldNotReadable = "field_not_readable"
    /// It reads this field by the missing-episode rule only, which gives reading, not writing.
    case fieldReadOnly = "field_read_only"
    /// Its organisation kind may not register children.
    case mayNotRegister = "may_not_register"
    /// Only the registering organisation and the policy's hub administrators add and end members.
    case mayNotChangeHub = "may_not_change_hub"
    /// Only the policy's consent writers record and revoke consent.
    case mayNotRecordConsent = "may_not_record_consent"
    /// A note's tag is below the floor of its kind (`NoteRules.floor`).
    case belowNoteFloor = "below_note_floor"
    /// A decision's tag is not the one its kind decides (`DecisionRules.tag(kind:)`).
    case decisionTagNotKind = "decision_tag_not_kind"
    /// The record names a child the central store does not hold.
    case unknownChild = "unknown_child"
    /// A record's child is fixed when it is created.
    case childCannotChange = "child_cannot_change"
    /// A membership or consent names an organisation the central store does not know.
    case unknownOrganisation = "unknown_organisation"
    /// A consent names the organisation that records it: nobody grants themselves access.
    case selfConsent = "self_consent"
    /// A missing episode withdrawn as a mistake after the police were told or the child was
    /// found. No longer produced since schema 4 (the withdrawal is kept and contested,
    /// `EpisodeRules`); kept so that a replica still names it.
    case withdrawnTooLate = "withdrawn_too_late"
}

extension AccessPolicy {
    /// What `organisation` may read and write of the child described by `facts` on `today`
    /// (a Swedish calendar day; `SwedishTime.date(at:)`).
    ///
    /// - Hub members (active memberships, start and end days inclusive) and the registering
    ///   organisation get what the role rules give their roles and kind.
    /// - Consent in force widens reading for the named organisation, unless the child has
    ///   protected identity and the organisation is not in the hub (OSL 21:3, 22:1).
    /// - While an episode is open, organisations of the missing rule's kinds get its fields.
    /// - Nothing else: no organisation sees anything of a child by default.
    public func grant(for organisation: PolicyOrganisation, facts: ChildFacts, today: CalendarDate) -> Grant {
        var grant = Grant()
        var held: [(HubRole, AccessReason?)] = []
        // A membership counts only if some rule gives its role to the organisation's kind.
        grant.wasMember = facts.memberships.contains { membership in
            membership.organisation == organisation.name
                && rules.contains { $0.roles.contains(membership.role) && ($0.kinds?.contains(organisation.kind) ?? true) }
        }
        if let registrarName = facts.registrar, registrarName == organisation.name {
            grant.isRegistrar = true
            grant.wasMember = true
            if let role = registrar[organisation.kind] { held.append((role, nil)) }
        }
        for membership in facts.memberships.sorted(by: { $0.record < $1.record })
        where membership.organisation == organisation.name && membership.isActive(on: today) {
            held.append((membership.role, .membership(record: membership.record, role: membership.role, rule: "")))
        }
        var write: Set<Tag> = []
        for (role, membership) in held {
            // A role no rule gives to this organisation's kind gives nothing, not even a
            // place in the hub (a police organisation entered as a contact person).
            let applying = rules.filter { $0.roles.contains(role) && ($0.kinds?.contains(organisation.kind) ?? true) }
            if !applying.isEmpty { grant.roles.insert(role) }
            for rule in applying {
                let reason: AccessReason
                if case .membership(let record, _, _)? = membership {
                    reason = .membership(record: record, role: role, rule: rule.id)
                } else {
                    reason = .registrar(role: role, rule: rule.id)
                }
                for tag in rule.read where tag != .internal && grant.read[tag] == nil { grant.read[tag] = reason }
                write.formUnion(rule.write)
            }
        }
        if !facts.protected || grant.inHub {
            for consent in facts.consents.sorted(by: { $0.record < $1.record })
            where consent.organisation == organisation.name && consent.isInForce(on: today) {
                for tag in consent.tags where !Self.neverByConsent.contains(tag) && grant.read[tag] == nil {
                    grant.read[tag] = .consent(record: consent.record)
                }
            }
        }
        if missing.kinds.contains(organisation.kind), let first = facts.openEpisodes.min() {
            grant.episodes = facts.openEpisodes
            for field in missing.fields {
                grant.fields[field] = .missing(episode: first)
            }
            // The episode's link to its child, so the replica can show whose episode it is.
            grant.fields[FieldRef("missing", "child")] = .missing(episode: first)
        }
        grant.write = write.filter { $0 != .internal && grant.read[$0] != nil }
        grant.mayChangeHub = grant.isRegistrar || !grant.roles.isDisjoint(with: hubAdministrators)
        grant.mayRecordConsent = !grant.roles.isDisjoint(with: consentWriters)
        return grant
    }

    /// Whether organisations of `kind` may register children (`registrar`).
    public func mayRegister(kind: String) -> Bool { registrar[kind] != nil }

    /// Whether `organisation`, holding `grant` on the child, may write `field` of a record
    /// of `recordType` under `tag`; nil if it may, else why not. `noteKind` is the kind of
    /// the note a note change belongs to. Creating a child and a record's `child` field
    /// are checked by the caller (`registrar`, `WriteRefusal.childCannotChange`).
    public func refusal(writing recordType: String, field: String, tag: Tag, noteKind: String? = nil,
                        decisionKind: String? = nil, grant: Grant) -> WriteRefusal? {
        var grant = grant
        grant.mayChangeHub = grant.isRegistrar || !grant.roles.isDisjoint(with: hubAdministrators)
        grant.mayRecordConsent = !grant.roles.isDisjoint(with: consentWriters)
        return grant.refusal(writing: recordType, field: field, tag: tag, noteKind: noteKind, decisionKind: decisionKind)
    }
}
