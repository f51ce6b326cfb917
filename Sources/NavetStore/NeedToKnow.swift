import Dispatch
import NavetCore
import NavetSQLite

/// The access policy a sync is filtered under, with the version the store gave it (the
/// disclosure ledger records it; 0 is the embedded default).
public struct AccessContext: Sendable {
    public let policy: AccessPolicy
    public let version: UInt64

    public init(policy: AccessPolicy, version: UInt64) {
        self.policy = policy
        self.version = version
    }
}

/// A reply filtered by need to know (docs/STORAGE.md, "Need to know").
public struct FilteredReply: Sendable {
    /// What the recipient may read now and lacks: backfill first, then the page after its cursor.
    public var changes: [Change] = []
    public var newCursor: UInt64 = 0
    public var ack: UInt64 = 0
    /// More waits (a later page, or backfill that did not fit).
    public var more = false
    /// Every redaction the recipient has not acknowledged, in id order.
    public var redactions: [Redaction] = []
    /// The recipient's own changes refused after its acknowledgement, in seq order.
    public var refusals: [ChangeRefusal] = []
    /// What the recipient's organisation may read and write now, per child, in child order.
    public var permissions: [ChildPermission] = []
    /// Whether the recipient's organisation may register children (`AccessPolicy.mayRegister`).
    public var mayRegister = false
    /// How many changes were backfill (sent because access widened), for metrics.
    public var backfilled = 0
    /// The latest signed checkpoint of the disclosure ledger (covering this reply's rows).
    public var checkpoint: LedgerCheckpoint?
    /// Nanoseconds spent on the disclosure ledger's rows and checkpoint (the load tool's breakdown).
    public var ledgerNanoseconds: UInt64 = 0
}

extension CentralStore {
    // MARK: Facts the policy reads

    /// The organisation a replica is enrolled for (nil for a replica without one).
    public func organisation(of replica: ReplicaID) throws(StoreError) -> PolicyOrganisation? {
        try StoreError.wrap {
            let rows = try cachedQuery("""
                SELECT o.name, o.kind FROM replicas r JOIN organisations o ON o.id = r.organisation
                WHERE r.replica_id = ?
                """, [.integer(replica.int64)])
            guard let row = rows.first, case .text(let name) = row[0], case .text(let kind) = row[1] else { return nil }
            return PolicyOrganisation(name: name, kind: kind)
        }
    }

    /// The organisation with this exact registered name, if any.
    /// The organisation a name typed on a replica names: the exact registered name, else
    /// the one organisation whose name matches as people type it (any case and spacing,
    /// å ä ö typed or not: `TextRules.match`), as the CLI matches names. A replica that has
    /// not synced yet stores the name as typed. nil when none or several match.
    public func organisation(named name: String) throws(StoreError) -> PolicyOrganisation? {
        try StoreError.wrap {
            if let row = try cachedQuery("SELECT name, kind FROM organisations WHERE name = ?", [.text(name)]).first,
               case .text(let name) = row[0], case .text(let kind) = row[1] {
                return PolicyOrganisation(name: name, kind: kind)
            }
            let all = try cachedQuery("SELECT name, kind FROM organisations ORDER BY id").compactMap { row -> PolicyOrganisation? in
                guard case .text(let name) = row[0], case .text(let kind) = row[1] else { return nil }
                return PolicyOrganisation(name: name, kind: kind)
            }
            return TextRules.match(name, among: all.map { ($0, [$0.name]) }, key: TextRules.nameKey).value
        }
    }

    /// What the policy knows about a child; nil if the store holds no such child.
    public func facts(of child: RecordID) throws(StoreError) -> ChildFacts? {
        try StoreError.wrap { try loadFacts(child) }
    }

    func loadFacts(_ child: RecordID) throws -> ChildFacts? {
        let key: [SQLValue] = [.integer(child.int64)]
        guard let row = try cachedQuery("SELECT registrar, protected FROM child_facts WHERE child_id = ?", key).first
        else { return nil }
        var facts = ChildFacts(child: child, registrar: row[0].textValue, protected: row[1] == .integer(1))
        for row in try cachedQuery(
            "SELECT record_id, organisation, role, start_date, end_date FROM hub WHERE child_id = ? ORDER BY record_id", key) {
            guard let record = row[0].recordID, let organisation = row[1].textValue,
                  let role = row[2].textValue.flatMap(HubRole.init(rawValue:)) else { continue }
            facts.memberships.append(ChildFacts.Membership(
                record: record, organisation: organisation, role: role,
                start: row[3].textValue.flatMap(CalendarDate.init(iso:)), end: row[4].textValue.flatMap(CalendarDate.init(iso:))))
        }
        for row in try cachedQuery(
            "SELECT record_id, organisation, tags, until, revoked FROM consents WHERE child_id = ? ORDER BY record_id", key) {
            guard let record = row[0].recordID, let organisation = row[1].textValue,
                  let tags = row[2].textValue.flatMap(Tag.list) else { continue }
            facts.consents.append(ChildFacts.Consent(
                record: record, organisation: organisation, tags: Set(tags),
                until: row[3].textValue.flatMap(CalendarDate.init(iso:)), revoked: row[4] == .integer(1)))
        }
        for row in try cachedQuery("SELECT record_id FROM episodes WHERE child_id = ? AND open = 1", key) {
            if let record = row[0].recordID { facts.openEpisodes.insert(record) }
        }
        return facts
    }

    /// The child a record (other than a child) is about: its `child` cell, if the store
    /// merged one. The cell never changes once written (`WriteRefusal.childCannotChange`).
    func childOf(_ record: RecordID) throws -> RecordID? {
        try log.flushCells()  // an upload merged in memory so far (`ChangeLog.merging`)
        return try cachedScalar("SELECT value FROM cells WHERE record_id = ? AND field = 'child'", [.integer(record.int64)])?
            .textValue.flatMap(RecordID.init(hex:))
    }

    /// The winning values of a record's cells, by field.
    func winningValues(_ record: RecordID) throws -> [String: FieldValue] {
        try log.flushCells()  // an upload merged in memory so far (`ChangeLog.merging`)
        var values: [String: FieldValue] = [:]
        for row in try cachedQuery("SELECT field, value_kind, value FROM cells WHERE record_id = ?", [.integer(record.int64)]) {
            guard case .text(let field) = row[0], case .integer(let kind) = row[1] else { continue }
            switch (kind, row[2]) {
            case (1, .text(let text)): values[field] = .text(text)
            case (2, .integer(let number)): values[field] = .int(number)
            case (3, .integer(let flag)): values[field] = .bool(flag != 0)
            default: values[field] = .null
            }
        }
        return values
    }

    /// Keeps the policy's facts in step with an accepted change: the derived row of a
    /// membership, consent, missing episode or child's protection.
    /// Runs inside the upload's transaction, after the change was merged.
    func noteAccepted(_ change: Change, child: RecordID) throws {
        guard ChildFacts.isSource(recordType: change.recordType, field: change.field) else { return }
        let record: [SQLValue] = [.integer(change.recordID.int64)]
        switch change.recordType {
        case "child" where change.field == "protected_identity":
            let values = try winningValues(change.recordID)
            try cachedQuery("UPDATE child_facts SET protected = ? WHERE child_id = ?",
                         [.integer(values["protected_identity"] == .bool(true) ? 1 : 0), .integer(child.int64)])
        case "membership":
            let values = try winningValues(change.recordID)
            if case .text(let typed)? = values["organisation"], case .text(let role)? = values["role"] {
                let organisation = try organisation(named: typed)?.name ?? typed
                try cachedQuery("""
                    INSERT INTO hub(record_id, child_id, organisation, role, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(record_id) DO UPDATE SET organisation = excluded.organisation, role = excluded.role,
                        start_date = excluded.start_date, end_date = excluded.end_date
                    """, record + [.integer(child.int64), .text(organisation), .text(role),
                                   values["start_date"]?.sqlText ?? .null, values["end_date"]?.sqlText ?? .null])
            }
        case "consent":
            let values = try winningValues(change.recordID)
            if case .text(let typed)? = values["organisation"], case .text(let tags)? = values["tags"] {
                let organisation = try organisation(named: typed)?.name ?? typed
                try cachedQuery("""
                    INSERT INTO consents(record_id, child_id, organisation, tags, until, revoked) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(record_id) DO UPDATE SET organisation = excluded.organisation, tags = excluded.tags,
                        until = excluded.until, revoked = excluded.revoked
                    """, record + [.integer(child.int64), .text(organisation), .text(tags),
                                   values["until"]?.sqlText ?? .null,
                                   .integer(values["revoked"] == .bool(true) ? 1 : 0)])
            }
        case "missing":
            let values = try winningValues(change.recordID)
            let held = { (field: String) in (values[field] ?? .null) != .null }
            let open = EpisodeRules.isOpen(closed: held("closed_at"), followedUp: held("follow_up_at"),
                                           policeNotified: held("police_notified_at"), found: held("found_at"))
            try cachedQuery("""
                INSERT INTO episodes(record_id, child_id, open) VALUES (?, ?, ?)
                ON CONFLICT(record_id) DO UPDATE SET open = excluded.open
                """, record + [.integer(child.int64), .integer(open ? 1 : 0)])
        default:
            break
        }
    }

    // MARK: Write checks (issue 12, point 5)

    /// Checks the changes of one upload against the policy, one by one in sequence order,
    /// as `acceptUpload` merges them: a change is judged with the facts as they stand after
    /// the upload's earlier changes (a child registered, then its hub, in one upload).
    final class WriteChecker {
        let store: CentralStore
        let context: AccessContext
        let organisation: PolicyOrganisation?
        let today: CalendarDate
        /// From the upload itself: each record's `child` value and each note's `kind`.
        var uploadChildren: [RecordID: RecordID] = [:]
        var uploadNoteKinds: [RecordID: String] = [:]
        /// From the upload: the organisation each membership or consent record names.
        var uploadOrganisations: [RecordID: String] = [:]
        /// Membership and consent records refused as a whole, every change of them in this
        /// upload: one that names an organisation the store does not know, and a consent
        /// that names the sender's own organisation (nobody grants themselves access). A
        /// record never stands half-written (a membership without its organisation).
        var refusedRecords: [RecordID: WriteRefusal] = [:]
        /// Per child, its facts and the sender's grant, as they stand after the upload's
        /// earlier changes (dropped when an accepted change alters the facts).
        var factsCache: [RecordID: (facts: ChildFacts, grant: Grant)] = [:]
        /// Each record's child, once looked up in the store or accepted during this upload.
        var known: [RecordID: RecordID] = [:]

        init(store: CentralStore, context: AccessContext, sender: ReplicaID, changes: [Change], now: Int64) throws {
            self.store = store
            self.context = context
            self.organisation = try store.organisation(of: sender)
            self.today = SwedishTime.today(at: now)
            for change in changes {
                if change.field == "child", case .text(let hex) = change.value, let child = RecordID(hex: hex) {
                    uploadChildren[change.recordID] = uploadChildren[change.recordID] ?? child
                }
                if change.recordType == "note" || change.recordType == "decision", change.field == "kind",
                   case .text(let kind) = change.value {
                    uploadNoteKinds[change.recordID] = kind
                }
                if change.recordType == "membership" || change.recordType == "consent", change.field == "organisation",
                   case .text(let name) = change.value {
                    if let named = try store.organisation(named: name) {
                        uploadOrganisations[change.recordID] = named.name
                        if change.recordType == "consent", named.name == organisation?.name {
                            refusedRecords[change.recordID] = .selfConsent
                        }
                    } else {
                        uploadOrganisations[change.recordID] = name
                        refusedRecords[change.recordID] = .unknownOrganisation
                    }
                }
            }
        }

        enum Verdict {
            case accept(child: RecordID)
            case refuse(WriteRefusal, child: RecordID?)
        }

        func judge(_ change: Change) throws -> Verdict {
            let child: RecordID
            if change.recordType == "child" {
                child = change.recordID
            } else if let stored = try known[change.recordID] ?? store.childOf(change.recordID) {
                known[change.recordID] = stored
                child = stored
                if change.field == "child", change.value != .text(stored.description) {
                    return .refuse(.childCannotChange, child: stored)
                }
            } else if let fromUpload = uploadChildren[change.recordID] {
                child = fromUpload
            } else {
                return .refuse(.unknownChild, child: nil)
            }
            guard let organisation else { return .refuse(.notInHub, child: child) }
            if let refusal = refusedRecords[change.recordID] { return .refuse(refusal, child: child) }
            // A withdrawal (`navet missing close`) made offline while another replica recorded
            // that the police were told, or the finding, is accepted like any concurrent edit:
            // whichever arrives first, `EpisodeRules` keeps the episode open until its
            // follow-up (the police keep the search fields) and every member is alerted.
            let grant: Grant
            if let cached = factsCache[child] {
                grant = cached.grant
            } else {
                let facts: ChildFacts
                if let loaded = try store.loadFacts(child) {
                    facts = loaded
                } else {
                    guard change.recordType == "child" else { return .refuse(.unknownChild, child: child) }
                    guard context.policy.mayRegister(kind: organisation.kind) else {
                        return .refuse(.mayNotRegister, child: child)
                    }
                    try store.cachedQuery("INSERT INTO child_facts(child_id, registrar, protected) VALUES (?, ?, 0)",
                                          [.integer(child.int64), .text(organisation.name)])
                    facts = ChildFacts(child: child, registrar: organisation.name)
                }
                grant = context.policy.grant(for: organisation, facts: facts, today: today)
                factsCache[child] = (facts, grant)
            }
            // The kind of a note or decision decides its tag (`NoteRules.floor`, `DecisionRules.tag`).
            var kind: String?
            if change.recordType == "note" || change.recordType == "decision" {
                kind = uploadNoteKinds[change.recordID]
                if kind == nil, case .text(let stored)? = try store.winningValues(change.recordID)["kind"] {
                    kind = stored
                }
            }
            // The grant came from `AccessPolicy.grant`, which set its write rights already.
            if let refusal = grant.refusal(writing: change.recordType, field: change.field, tag: change.tag,
                                           noteKind: change.recordType == "note" ? kind : nil,
                                           decisionKind: change.recordType == "decision" ? kind : nil) {
                return .refuse(refusal, child: child)
            }
            return .accept(child: child)
        }

        /// After an accepted change: the facts are read again if the change may alter the
        /// sender's grant. A grant reads only the sender's own memberships and consents,
        /// the child's protection and, for the missing rule's kinds, its open episodes.
        func accepted(_ change: Change, child: RecordID) {
            if change.recordType != "child" { known[change.recordID] = child }
            guard ChildFacts.isSource(recordType: change.recordType, field: change.field),
                  let cached = factsCache[child] else { return }
            switch change.recordType {
            case "membership", "consent":
                let named = [uploadOrganisations[change.recordID], cached.facts.organisation(of: change.recordID)]
                if named.contains(organisation?.name) { factsCache[child] = nil }
            case "missing":
                if let organisation, context.policy.missing.kinds.contains(organisation.kind) { factsCache[child] = nil }
            default:
                factsCache[child] = nil
            }
        }
    }

    /// Stores a refused change (so that its sequence number is used, a repeat is a
    /// duplicate, and a restored replica gets it back) without merging it: it is never a
    /// head and never leaves the server to anyone else.
    /// Returns false when the same change was already stored (a repeat within the upload);
    /// throws `conflictingDuplicate` when one with other content was.
    func storeRefused(_ change: Change, reason: WriteRefusal, child: RecordID?, now: Int64) throws -> Bool {
        try log.flushChanges()  // the upload's changes merged so far come first (`ChangeLog.merging`)
        if try log.heldID(origin: change.origin, seq: change.seq) != nil {
            guard try log.change(origin: change.origin, seq: change.seq) == change else {
                throw StoreError.conflictingDuplicate(origin: change.origin, seq: change.seq)
            }
            return false
        }
        let (kind, value) = ChangeLog.encode(change.value)
        try cachedQuery("""
            INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id, field,
                                value_kind, value, tag, received_at, superseded, child_id, refused)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,1)
            """, [.integer(change.origin.int64), .integer(Int64(change.seq)), .integer(Int64(change.version)),
                  ChangeLog.encode(change.replaces), .integer(change.wallTime), .text(change.recordType),
                  .integer(change.recordID.int64), .text(change.field), .integer(kind), value,
                  .text(change.tag.rawValue), .integer(now), child.map { .integer($0.int64) } ?? .null])
        try log.noteStored(origin: change.origin, firstSeq: change.seq, lastSeq: change.seq, firstID: db.lastInsertRowID)
        log.noteInserted(change)
        try cachedQuery("INSERT INTO refusals(origin, seq, reason, refused_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                     [.integer(change.origin.int64), .integer(Int64(change.seq)), .text(reason.rawValue), .integer(now)])
        return true
    }

    /// The refusals of `replica`'s own changes after sequence number `after`, in order.
    public func refusals(of replica: ReplicaID, after: UInt64) throws(StoreError) -> [ChangeRefusal] {
        try StoreError.wrap {
            try cachedQuery("SELECT seq, reason FROM refusals WHERE origin = ? AND seq > ? ORDER BY seq LIMIT 1000000",
                         [.integer(replica.int64), .integer(Int64(min(after, UInt64(Int64.max))))]).compactMap { row in
                guard case .integer(let seq) = row[0], seq > 0, case .text(let reason) = row[1] else { return nil }
                return ChangeRefusal(seq: UInt64(seq), reason: reason)
            }
        }
    }

    // MARK: The filtered reply (issue 12, point 4)

    /// Builds the reply for `replica` under the policy, in one transaction: what it may read
    /// now and lacks, what it must purge, its refused changes and its permissions. Records
    /// what it sends in the disclosure ledger and what it may hold in `access`.
    ///
    /// - `cursor`, `uploadAck`, `redactionAck`: from the upload.
    /// - `presentedToken`: the sync token of the last reply the upload's file applied;
    ///   `behind` whether that is not the token the server last gave (a lost reply, a
    ///   restored or copied file). Access rows recorded by a reply the file did not apply
    ///   are treated as not held, so their backfill is sent again.
    /// - `replyToken`: the token of the reply being built.
    ///
    /// Costs what the recipient is sent plus one evaluation per child its organisation is
    /// connected to (hub, registration, consent, open episodes for the police), never a
    /// scan of the whole store.
    public func filteredReply(
        for replica: ReplicaID, after cursor: UInt64, uploadAck: UInt64, redactionAck: UInt64, presentedToken: UInt64,
        behind: Bool, replyToken: UInt64, context: AccessContext, limit: Int = 100_000, byteBudget: Int = 64 << 20,
        now: Int64
    ) throws(StoreError) -> FilteredReply {
        try StoreError.wrap {
            try db.transaction {
                try buildFilteredReply(
                    replica, cursor: min(cursor, UInt64(Int64.max)), uploadAck: uploadAck, redactionAck: redactionAck,
                    presentedToken: presentedToken, behind: behind, replyToken: replyToken, context: context,
                    limit: max(1, limit), byteBudget: byteBudget, now: now)
            }
        }
    }

    private struct Sent {
        var id: Int64
        var change: Change
        var child: RecordID
        var reason: AccessReason
    }

    private func buildFilteredReply(
        _ replica: ReplicaID, cursor: UInt64, uploadAck: UInt64, redactionAck: UInt64, presentedToken: UInt64,
        behind: Bool, replyToken: UInt64, context: AccessContext, limit: Int, byteBudget: Int, now: Int64
    ) throws -> FilteredReply {
        var reply = FilteredReply()
        let policy = context.policy
        var last: UInt64 = 0
        if case .integer(let id) = try cachedScalar("SELECT max(id) FROM changes") { last = UInt64(clamping: id) }
        let me: [SQLValue] = [.integer(replica.int64)]
        try cachedQuery("UPDATE replicas SET redaction_ack = ? WHERE replica_id = ?",
                     [.integer(Int64(min(redactionAck, UInt64(Int64.max))))] + me)
        if presentedToken != 0 {
            // The file applied the reply that recorded these rows: they are held.
            try cachedQuery("UPDATE access SET granted_token = 0 WHERE replica_id = ? AND granted_token = ?",
                         me + [.integer(Int64(bitPattern: presentedToken))])
        }
        let organisation = try organisation(of: replica)
        let today = SwedishTime.today(at: now)
        // Which organisation each origin belongs to: an organisation always holds what it wrote.
        var organisationOf: [ReplicaID: String] = [:]
        for row in try cachedQuery("SELECT r.replica_id, o.name FROM replicas r JOIN organisations o ON o.id = r.organisation") {
            if let id = row[0].replicaID, let name = row[1].textValue { organisationOf[id] = name }
        }
        func ownOrganisation(_ change: Change) -> Bool {
            organisation != nil && organisationOf[change.origin] == organisation?.name
        }

        // The children to evaluate: every child the organisation is connected to, and
        // every child the replica may hold something of.
        var children = Set<RecordID>()
        var rows: [RecordID: (scope: Grant.Scope, cursor: UInt64, token: Int64)] = [:]
        for row in try cachedQuery("SELECT child_id, scope, granted_cursor, granted_token FROM access WHERE replica_id = ?", me) {
            guard let child = row[0].recordID, case .integer(let granted) = row[2], case .integer(let token) = row[3]
            else { continue }
            rows[child] = (row[1].textValue.flatMap(Grant.Scope.init(text:)) ?? Grant.Scope(), UInt64(clamping: granted), token)
            children.insert(child)
        }
        if let organisation { children.formUnion(try childrenConnected(to: organisation, policy: policy)) }

        var grants: [RecordID: Grant] = [:]
        var backfill: [Sent] = []
        // What each ledger row's range could hold: the changes considered for the child.
        var backfillCandidates: [RecordID: [(id: Int64, change: Change)]] = [:]
        var pageCandidates: [RecordID: [(id: Int64, change: Change)]] = [:]
        for child in children.sorted() {
            let facts = try loadFacts(child) ?? ChildFacts(child: child, registrar: nil)
            let grant = organisation.map { policy.grant(for: $0, facts: facts, today: today) } ?? Grant()
            let scope = grant.scope
            let row = rows[child]
            let held = row?.scope ?? Grant.Scope()
            let applied = row.map { $0.token == 0 && !(behind && cursor <= $0.cursor) } ?? false
            let appliedScope = applied ? held : Grant.Scope()
            if scope == appliedScope, applied || scope.isEmpty {
                if !grant.isEmpty || grant.inHub { grants[child] = grant }
                continue
            }
            let history = try childChanges(child, upTo: last)
            // Narrowing: what it may hold and may no longer, except what its organisation wrote.
            if !held.isEmpty {
                var keepName: Int64?
                if scope.isEmpty, policy.keepChildNameForOwnNotes,
                   history.contains(where: { ownOrganisation($0.change) && $0.change.recordType != "child" }),
                   case .integer(let winner)? = try cachedScalar(
                       "SELECT change_id FROM cells WHERE record_id = ? AND field = 'name'", [.integer(child.int64)]) {
                    keepName = winner
                }
                let purge = history.filter {
                    let change = $0.change
                    return held.covers(recordType: change.recordType, record: change.recordID, field: change.field, tag: change.tag)
                        && !scope.covers(recordType: change.recordType, record: change.recordID, field: change.field, tag: change.tag)
                        && !ownOrganisation(change) && change.origin != replica && $0.id != keepName
                }.map { ChangeRef(origin: $0.change.origin, seq: $0.change.seq) }.sorted()
                if !purge.isEmpty {
                    let reason = !held.episodes.isEmpty && scope.episodes.isEmpty && held.fields != scope.fields
                        ? "episode_closed" : scope.isEmpty ? "access_ended" : "access_narrowed"
                    try cachedQuery("INSERT INTO redactions(replica_id, child_id, reason, issued_at, changes) VALUES (?, ?, ?, ?, ?)",
                                 me + [.integer(child.int64), .text(reason), .integer(now),
                                       .text(purge.map { "\($0.origin):\($0.seq)" }.joined(separator: ","))])
                }
            }
            // Widening (or a reply the file did not apply): what is visible now, up to its
            // cursor, that it did not hold. Later changes come with the page below.
            var owed: [Sent] = []
            for entry in history where entry.id <= Int64(cursor) && entry.change.origin != replica {
                let change = entry.change
                let own = ownOrganisation(change)
                guard let reason = own ? .ownOrganisation
                        : grant.reason(recordType: change.recordType, record: change.recordID, field: change.field, tag: change.tag)
                else { continue }
                let hadIt = applied && (own || appliedScope.covers(recordType: change.recordType, record: change.recordID,
                                                                     field: change.field, tag: change.tag))
                if !hadIt { owed.append(Sent(id: entry.id, change: change, child: child, reason: reason)) }
            }
            if !backfill.isEmpty, backfill.count + owed.count > limit {
                reply.more = true
                // Its row stays as it was: the next round evaluates this child again.
                if !grant.isEmpty || grant.inHub, applied { grants[child] = grant }
                continue
            }
            guard backfill.count + owed.count <= 900_000 else {
                throw StoreError.notANavetDatabase(path: path, reason: "child \(child) has too many changes to send in one bundle")
            }
            backfill += owed
            if !owed.isEmpty {
                backfillCandidates[child] = history.filter { $0.id <= Int64(cursor) && $0.change.origin != replica }
            }
            if scope.isEmpty {
                try cachedQuery("DELETE FROM access WHERE replica_id = ? AND child_id = ?", me + [.integer(child.int64)])
            } else {
                try cachedQuery("""
                    INSERT INTO access(replica_id, child_id, scope, granted_cursor, granted_token) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(replica_id, child_id) DO UPDATE SET scope = excluded.scope,
                        granted_cursor = excluded.granted_cursor, granted_token = excluded.granted_token
                    """, me + [.integer(child.int64), .text(scope.text), .integer(Int64(cursor)),
                               .integer(Int64(bitPattern: replyToken))])
            }
            if !grant.isEmpty || grant.inHub { grants[child] = grant }
        }

        // The page after the cursor: changes of the children it may see, in id order.
        let pageLimit = max(1, limit - backfill.count)
        var bound = max(last, cursor)
        var page: [Sent] = []
        let select = try db.prepare("""
            SELECT id, \(ChangeLog.columns()) FROM changes
            WHERE child_id = ? AND id > ? AND id <= ? AND refused = 0 AND origin != ? ORDER BY id LIMIT ?
            """)
        for (child, grant) in grants.sorted(by: { $0.key < $1.key }) where !grant.isEmpty {
            try select.bind([.integer(child.int64), .integer(Int64(cursor)), .integer(Int64(bound)), .integer(replica.int64),
                             .integer(Int64(pageLimit) + 1)])
            var fetched = 0
            var lastFetched: Int64 = 0
            while try select.step() {
                fetched += 1
                lastFetched = select.int64(at: 0)
                let change = try ChangeLog.readChange(select, from: 1)
                pageCandidates[child, default: []].append((lastFetched, change))
                let reason: AccessReason? = ownOrganisation(change) ? .ownOrganisation
                    : grant.reason(recordType: change.recordType, record: change.recordID, field: change.field, tag: change.tag)
                if let reason { page.append(Sent(id: lastFetched, change: change, child: child, reason: reason)) }
            }
            select.reset()
            if fetched > pageLimit {
                // This child has more after what was read: the page may not pass it.
                bound = UInt64(lastFetched - 1)
                page.removeAll { $0.id > lastFetched - 1 }
            }
        }
        page.sort { $0.id < $1.id }
        var bytes = backfill.reduce(0) { $0 + 64 + ($1.change.value.displayText?.utf8.count ?? 0) }
        var kept = 0
        for entry in page {
            if kept == pageLimit || (bytes >= byteBudget && kept > 0) {
                bound = UInt64(entry.id - 1)
                break
            }
            bytes += 64 + (entry.change.value.displayText?.utf8.count ?? 0)
            kept += 1
        }
        page.removeSubrange(kept...)
        reply.newCursor = max(cursor, bound)
        if reply.newCursor < last { reply.more = true }
        reply.changes = backfill.map(\.change) + page.map(\.change)
        reply.backfilled = backfill.count
        reply.ack = try contiguousSeq(replica)

        // The disclosure ledger: per child and rule, the range of server sequence numbers
        // sent, what the rule covered and the exceptions in the range (docs/STORAGE.md), as
        // rows of the hash chain; then a signed checkpoint of the new head.
        let ledgerStarted = DispatchTime.now().uptimeNanoseconds
        if let organisation {
            struct Group {
                var child: RecordID
                var rule: String
                var own: Bool
                var first: Int64
                var last: Int64
                var ids: Set<Int64> = []
                var coverage = LedgerCoverage()
                var backfill: Bool
            }
            var groups: [String: Group] = [:]
            for (entries, isBackfill) in [(backfill, true), (page, false)] {
                for entry in entries {
                    let rule = entry.reason.description
                    let key = "\(entry.child):\(rule):\(isBackfill)"
                    var group = groups[key] ?? Group(child: entry.child, rule: rule, own: entry.reason == .ownOrganisation,
                                                     first: entry.id, last: entry.id, backfill: isBackfill)
                    group.first = min(group.first, entry.id)
                    group.last = max(group.last, entry.id)
                    group.ids.insert(entry.id)
                    if case .missing = entry.reason {
                        group.coverage.fields.insert("\(entry.change.recordType).\(entry.change.field)")
                    } else {
                        group.coverage.tags.insert(entry.change.tag)
                    }
                    groups[key] = group
                }
            }
            for group in groups.values.sorted(by: { ($0.child, $0.rule, $0.backfill ? 0 : 1) < ($1.child, $1.rule, $1.backfill ? 0 : 1) }) {
                let candidates = (group.backfill ? backfillCandidates[group.child] : pageCandidates[group.child]) ?? []
                var exceptions: [Int64] = []
                for candidate in candidates where candidate.id >= group.first && candidate.id <= group.last
                    && !group.ids.contains(candidate.id) {
                    let change = candidate.change
                    if group.coverage.matches(recordType: change.recordType, field: change.field, tag: change.tag,
                                              ownRule: group.own, writtenByOwnOrganisation: ownOrganisation(change)) {
                        exceptions.append(candidate.id)
                    }
                }
                try appendLedger(LedgerEntry(
                    id: 0, replica: replica, organisation: organisation.name, child: group.child, rule: group.rule,
                    covers: group.coverage.text, exceptions: exceptions.sorted().map(String.init).joined(separator: ","),
                    firstChange: group.first, lastChange: group.last, count: Int64(group.ids.count), backfill: group.backfill,
                    sentAt: now, policyVersion: Int64(min(context.version, UInt64(Int64.max)))))
            }
            if !groups.isEmpty { try signCheckpoint(now: now) }
        }
        reply.checkpoint = try latestCheckpointRow()
        reply.ledgerNanoseconds = DispatchTime.now().uptimeNanoseconds - ledgerStarted

        reply.refusals = try refusals(of: replica, after: uploadAck)
        reply.redactions = try pendingRedactions(of: replica, after: redactionAck)
        reply.permissions = grants.sorted(by: { $0.key < $1.key }).map { ChildPermission(child: $0.key, grant: $0.value) }
        reply.mayRegister = organisation.map { context.policy.mayRegister(kind: $0.kind) } ?? false
        return reply
    }

    /// The children an organisation is connected to: hub membership, registration, consent,
    /// and every open missing episode for the organisation kinds the missing rule names.
    func childrenConnected(to organisation: PolicyOrganisation, policy: AccessPolicy) throws -> Set<RecordID> {
        var children = Set<RecordID>()
        let name: [SQLValue] = [.text(organisation.name)]
        for sql in ["SELECT child_id FROM hub WHERE organisation = ?",
                    "SELECT child_id FROM child_facts WHERE registrar = ?",
                    "SELECT child_id FROM consents WHERE organisation = ?"] {
            for row in try cachedQuery(sql, name) { if let child = row[0].recordID { children.insert(child) } }
        }
        if policy.missing.kinds.contains(organisation.kind) {
            for row in try cachedQuery("SELECT DISTINCT child_id FROM episodes WHERE open = 1") {
                if let child = row[0].recordID { children.insert(child) }
            }
        }
        return children
    }

    /// Every change about a child held here (refused ones excepted), in id order, with its id.
    func childChanges(_ child: RecordID, upTo last: UInt64) throws -> [(id: Int64, change: Change)] {
        let select = try db.prepare("""
            SELECT id, \(ChangeLog.columns()) FROM changes WHERE child_id = ? AND id <= ? AND refused = 0 ORDER BY id
            """)
        try select.bind([.integer(child.int64), .integer(Int64(min(last, UInt64(Int64.max))))])
        var result: [(Int64, Change)] = []
        while try select.step() {
            result.append((select.int64(at: 0), try ChangeLog.readChange(select, from: 1)))
        }
        return result
    }

    /// The redactions issued to `replica` after id `after`, in id order.
    func pendingRedactions(of replica: ReplicaID, after: UInt64) throws -> [Redaction] {
        try cachedQuery("SELECT id, child_id, reason, changes FROM redactions WHERE replica_id = ? AND id > ? ORDER BY id",
                     [.integer(replica.int64), .integer(Int64(min(after, UInt64(Int64.max))))]).compactMap { row in
            guard case .integer(let id) = row[0], id > 0, let child = row[1].recordID, let reason = row[2].textValue,
                  let list = row[3].textValue else { return nil }
            let refs = list.split(separator: ",").compactMap { item -> ChangeRef? in
                let parts = item.split(separator: ":")
                guard parts.count == 2, let origin = ReplicaID(hex: String(parts[0])), let seq = UInt64(parts[1]), seq > 0
                else { return nil }
                return ChangeRef(origin: origin, seq: seq)
            }
            return refs.isEmpty ? nil : Redaction(id: UInt64(id), child: child, reason: reason, changes: refs)
        }
    }

    // MARK: For `navetd policy explain` and tests

    /// What an organisation may read and write of a child now, under `context`.
    public func grant(for organisation: PolicyOrganisation, child: RecordID, context: AccessContext, now: Int64)
        throws(StoreError) -> Grant
    {
        let facts = try facts(of: child) ?? ChildFacts(child: child, registrar: nil)
        return context.policy.grant(for: organisation, facts: facts,
                                    today: SwedishTime.today(at: now))
    }
}

extension SQLValue {
    var textValue: String? { if case .text(let text) = self { text } else { nil } }
    var recordID: RecordID? {
        if case .integer(let id) = self, id > 0 { RecordID(rawValue: UInt64(id)) } else { nil }
    }
    var replicaID: ReplicaID? {
        if case .integer(let id) = self, id > 0 { ReplicaID(rawValue: UInt64(id)) } else { nil }
    }
}

extension FieldValue {
    /// A value as SQL text, or NULL (for the policy's derived tables).
    var sqlText: SQLValue { if case .text(let text) = self { .text(text) } else { .null } }
}

extension CentralStore {
    static let indexedKey = "need_to_know_indexed"

    /// Fills the need-to-know columns and tables (layout 9) for changes a central store
    /// received before it had them: each change's child, each child's
    /// registrar (the organisation of the origin of its first change). Runs once, at open.
    func indexForNeedToKnow() throws(StoreError) {
        try StoreError.wrap {
            if try meta.int(CentralStore.indexedKey) == 1 { return }
            try db.transaction {
                // Set-based, in one pass over `changes` each: the central store has no index of
                // `changes` by record (layout 26).
                try db.execute("UPDATE changes SET child_id = record_id WHERE record_type = 'child' AND child_id IS NULL")
                try db.execute("""
                    CREATE TEMP TABLE IF NOT EXISTS record_children(record_id INTEGER PRIMARY KEY, child_id INTEGER NOT NULL);
                    DELETE FROM temp.record_children;
                    """)
                for row in try cachedQuery("SELECT record_id, value FROM cells WHERE field = 'child' AND record_type != 'child'") {
                    guard let record = row[0].recordID, let hex = row[1].textValue, let child = RecordID(hex: hex) else { continue }
                    try cachedQuery("INSERT OR IGNORE INTO temp.record_children(record_id, child_id) VALUES (?, ?)",
                                    [.integer(record.int64), .integer(child.int64)])
                }
                try db.execute("""
                    UPDATE changes SET child_id = (SELECT r.child_id FROM temp.record_children r WHERE r.record_id = changes.record_id)
                    WHERE child_id IS NULL AND record_id IN (SELECT record_id FROM temp.record_children);
                    DROP TABLE temp.record_children;
                    INSERT INTO child_facts(child_id, registrar, protected)
                    SELECT c.record_id, (SELECT o.name FROM replicas r JOIN organisations o ON o.id = r.organisation
                                         WHERE r.replica_id = c.origin), 0
                    FROM changes c WHERE c.id IN (SELECT min(id) FROM changes WHERE record_type = 'child' GROUP BY record_id)
                    ON CONFLICT DO NOTHING;
                    UPDATE child_facts SET protected = 1 WHERE EXISTS (SELECT 1 FROM cells WHERE cells.record_id = child_id
                        AND field = 'protected_identity' AND value_kind = 3 AND value = 1);
                    """)
                try meta.set(CentralStore.indexedKey, .integer(1))
            }
        }
    }
}

extension CentralStore {
    /// The children whose id (16 hex digits) begins with `prefix` (at most 2: enough to
    /// tell a unique prefix from an ambiguous one).
    public func childIDs(prefix: String) throws(StoreError) -> [RecordID] {
        let digits = prefix.lowercased()
        guard !digits.isEmpty, digits.count <= 16, digits.allSatisfy({ $0.isHexDigit }) else { return [] }
        let low = Int64(bitPattern: UInt64(digits.padding(toLength: 16, withPad: "0", startingAt: 0), radix: 16) ?? 0)
        let high = Int64(bitPattern: UInt64(digits.padding(toLength: 16, withPad: "f", startingAt: 0), radix: 16) ?? 0)
        return try StoreError.wrap {
            try cachedQuery("SELECT child_id FROM child_facts WHERE child_id BETWEEN ? AND ? ORDER BY child_id LIMIT 2",
                         [.integer(low), .integer(high)]).compactMap { $0[0].recordID }
        }
    }
}

extension CentralStore {
    /// `Database.query` with the statement prepared once and kept (`prepared`): for the
    /// fixed SQL of need to know that runs per change and per child.
    func cachedQuery(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement: Statement
        if let cached = prepared[sql] {
            statement = cached
        } else {
            statement = try db.prepare(sql)
            prepared[sql] = statement
        }
        defer { statement.reset() }
        try statement.bind(arguments)
        var rows: [[SQLValue]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
        }
        return rows
    }

    func cachedScalar(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLValue? {
        try cachedQuery(sql, arguments).first?.first
    }
}
