import Foundation
import NavetCore
import NavetCrypto
import NavetSQLite

extension AuditEntry {
    /// SHA-256 of `canonicalBytes`.
    public var computedHash: [UInt8] { SHA256.hash(canonicalBytes) }
}

/// What a command asks to log: the store adds seq, time, replica and the chain.
public struct AuditDraft: Sendable {
    public var user: String
    public var kind: String
    public var command: String
    public var records: Set<RecordID> = []
    public var fields: Set<String> = []
    /// The tags of the values shown, all logged (`insertTag`).
    public private(set) var tags: Set<String> = []
    /// The tags whose display needs a purpose where the policy says so: those of `tags`
    /// shown by at least one value `Tag.displayNeedsNoPurpose` does not exempt.
    public private(set) var tagsNeedingPurpose: Set<String> = []
    public var purpose: String?

    public init(user: String, kind: String, command: String, purpose: String? = nil) {
        self.user = user
        self.kind = kind
        self.command = command
        self.purpose = purpose
    }

    /// Adds the tag of a value shown; `exempt`: a value that needs no purpose
    /// (`Tag.displayNeedsNoPurpose`), logged with its tag all the same.
    public mutating func insertTag(_ tag: String, exempt: Bool = false) {
        tags.insert(tag)
        if !exempt { tagsNeedingPurpose.insert(tag) }
    }

    /// Adds the tags `other` collected, each needing a purpose as it did there.
    public mutating func insertTags(of other: AuditDraft) {
        tags.formUnion(other.tags)
        tagsNeedingPurpose.formUnion(other.tagsNeedingPurpose)
    }

    /// Adds a record and, for each named field it holds, `type.field` and the value's tag.
    public mutating func add(_ record: RecordSnapshot, fields names: [String]? = nil) {
        records.insert(record.id)
        for field in record.fields where names.map({ $0.contains(field.name) }) ?? true {
            fields.insert(record.type + "." + field.name)
            insertTag(field.change.tag.rawValue,
                      exempt: Tag.displayNeedsNoPurpose(recordType: record.type, field: field.name, value: field.change.value))
        }
    }

    /// Adds one change: its record, `type.field` and its tag.
    public mutating func add(_ change: Change) {
        records.insert(change.recordID)
        fields.insert(change.recordType + "." + change.field)
        insertTag(change.tag.rawValue,
                  exempt: Tag.displayNeedsNoPurpose(recordType: change.recordType, field: change.field, value: change.value))
    }
}

/// A user of a replica (`navet user`).
public struct ReplicaUser: Hashable, Sendable {
    public let name: String
    public let fullName: String
    public let osUser: String?
    public let enabled: Bool
    public let addedAt: Int64
    public let addedBy: String?
}

/// Where `navet audit verify` found the local chain broken.
public struct AuditBreak: Hashable, Sendable {
    public enum Reason: String, Sendable {
        /// The entry's seq is not the next number (an entry deleted, reordered or inserted).
        case sequence
        /// The entry does not hold the hash of the entry before it.
        case previousHash = "previous_hash"
        /// The entry's own hash does not match its contents (edited).
        case hash
        /// A stored list cannot be read back (edited by hand).
        case unreadable
        /// The log ends before the head recorded with the last append (entries deleted at the end).
        case truncated
        /// Entries after the head recorded with the last append (inserted by hand).
        case beyondHead = "beyond_head"
    }

    public let seq: UInt64
    public let reason: Reason
}

extension ReplicaStore {
    static let usersSeedPending = "users_seed_pending"
    static let auditHeadSeq = "audit_head_seq"
    static let auditHeadHash = "audit_head_hash"

    // MARK: Users

    /// The key a user name is matched by: any case, å ä ö composed or not.
    public static func userKey(_ name: String) -> String { TextRules.matchKey(name) }

    public func users() throws(StoreError) -> [ReplicaUser] {
        try StoreError.wrap {
            try db.query("SELECT name, full_name, os_user, enabled, added_at, added_by FROM users ORDER BY added_at, name")
                .map(Self.user)
        }
    }

    static func user(_ row: [SQLValue]) -> ReplicaUser {
        func text(_ value: SQLValue) -> String? { if case .text(let text) = value { return text }; return nil }
        func int(_ value: SQLValue) -> Int64 { if case .integer(let int) = value { return int }; return 0 }
        return ReplicaUser(name: text(row[0]) ?? "", fullName: text(row[1]) ?? "", osUser: text(row[2]),
                           enabled: int(row[3]) != 0, addedAt: int(row[4]), addedBy: text(row[5]))
    }

    /// The user named `name` (matched in any case and Unicode form), enabled or not.
    public func user(named name: String) throws(StoreError) -> ReplicaUser? {
        try StoreError.wrap {
            try db.query("SELECT name, full_name, os_user, enabled, added_at, added_by FROM users WHERE match_key = ?",
                         [.text(Self.userKey(name))]).first.map(Self.user)
        }
    }

    /// The user the operating-system login `login` is mapped to.
    public func user(osLogin login: String) throws(StoreError) -> ReplicaUser? {
        try StoreError.wrap {
            try db.query("SELECT name, full_name, os_user, enabled, added_at, added_by FROM users WHERE os_user = ?",
                         [.text(login)]).first.map(Self.user)
        }
    }

    /// Whether some user is enabled (else anyone may add the first one).
    public func hasEnabledUser() throws(StoreError) -> Bool {
        try StoreError.wrap { try db.scalar("SELECT 1 FROM users WHERE enabled = 1 LIMIT 1") != nil }
    }

    /// True until the first user is added or `navet init --no-user` declined it.
    public func usersSeedPending() throws(StoreError) -> Bool {
        try StoreError.wrap { try meta.int(Self.usersSeedPending) == 1 }
    }

    /// Clears the pending first user (`navet init --no-user`, or after adding it).
    public func clearUsersSeed() throws(StoreError) {
        try StoreError.wrap {
            try db.transaction { try db.query("DELETE FROM meta WHERE key = ?", [.text(Self.usersSeedPending)]) }
        }
    }

    public enum UserChange: Error, Equatable, Sendable {
        case nameTaken(String)
        case osUserTaken(String, by: String)
        case unknown(String)
        case alreadyDisabled(String)
        case lastEnabled(String)
    }

    /// Adds a user and its audit entry in one transaction. `seed` adds the first user only
    /// while the seed is pending (so two processes cannot both add it) and clears it.
    /// Returns false when `seed` found nothing pending.
    @discardableResult
    public func addUser(name: String, fullName: String, osUser: String?, by actor: String?, purpose: String? = nil,
                        seed: Bool = false, now: Int64) throws(StoreError) -> Result<Bool, UserChange> {
        try StoreError.wrap {
            try db.transaction { () throws -> Result<Bool, UserChange> in
                if seed {
                    guard try meta.int(Self.usersSeedPending) == 1 else { return .success(false) }
                }
                // Any first user settles the pending one.
                try db.query("DELETE FROM meta WHERE key = ?", [.text(Self.usersSeedPending)])
                if let existing = try db.scalar("SELECT name FROM users WHERE match_key = ?", [.text(Self.userKey(name))]),
                   case .text(let taken) = existing {
                    return .failure(.nameTaken(taken))
                }
                if let osUser, case .text(let holder)? = try db.scalar("SELECT name FROM users WHERE os_user = ?", [.text(osUser)]) {
                    return .failure(.osUserTaken(osUser, by: holder))
                }
                try db.query("""
                    INSERT INTO users(name, match_key, full_name, os_user, enabled, added_at, added_by)
                    VALUES (?, ?, ?, ?, 1, ?, ?)
                    """, [.text(name), .text(Self.userKey(name)), .text(fullName), osUser.map(SQLValue.text) ?? .null,
                          .integer(now), actor.map(SQLValue.text) ?? .null])
                var draft = AuditDraft(user: actor ?? name, kind: "user", command: "user add", purpose: purpose)
                draft.fields = ["user:" + name]
                try appendAuditInTransaction(draft, now: now)
                return .success(true)
            }
        }
    }

    /// Disables a user, with its audit entry. Refuses to disable the last enabled user.
    public func disableUser(name: String, by actor: String, purpose: String? = nil, now: Int64) throws(StoreError) -> Result<String, UserChange> {
        try StoreError.wrap {
            try db.transaction { () throws -> Result<String, UserChange> in
                let rows = try db.query("SELECT name, enabled FROM users WHERE match_key = ?", [.text(Self.userKey(name))])
                guard let row = rows.first, case .text(let stored) = row[0] else { return .failure(.unknown(name)) }
                guard row[1] == .integer(1) else { return .failure(.alreadyDisabled(stored)) }
                if case .integer(let others)? = try db.scalar("SELECT count(*) FROM users WHERE enabled = 1 AND name <> ?",
                                                              [.text(stored)]), others == 0 {
                    return .failure(.lastEnabled(stored))
                }
                try db.query("UPDATE users SET enabled = 0, disabled_at = ?, disabled_by = ? WHERE name = ?",
                             [.integer(now), .text(actor), .text(stored)])
                var draft = AuditDraft(user: actor, kind: "user", command: "user disable", purpose: purpose)
                draft.fields = ["user:" + stored]
                try appendAuditInTransaction(draft, now: now)
                return .success(stored)
            }
        }
    }

    // MARK: The log

    /// The tags whose display needs a purpose (`audit_purpose_tags`, filled from the
    /// policy's `purpose_required` by each reply filtered under a policy).
    public func purposeTags() throws(StoreError) -> Set<String> {
        try StoreError.wrap {
            Set(try db.query("SELECT tag FROM audit_purpose_tags").compactMap { row -> String? in
                if case .text(let tag) = row[0] { return tag }
                return nil
            })
        }
    }

    /// Appends one entry in its own transaction. A failure throws: the caller shows nothing.
    @discardableResult
    public func appendAudit(_ draft: AuditDraft, now: Int64) throws(StoreError) -> AuditEntry {
        try StoreError.wrap { try db.transaction { try appendAuditInTransaction(draft, now: now) } }
    }

    /// Runs a store call and appends the entry `draft` makes of its result, in one
    /// transaction: an edit and its audit entry are committed together or not at all.
    public func audited<T>(now: Int64, _ body: () throws(StoreError) -> T,
                           entry draft: (T) -> AuditDraft) throws(StoreError) -> T {
        try StoreError.wrap {
            try db.enclosingTransaction { () throws -> T in
                let result = try body()
                try appendAuditInTransaction(draft(result), now: now)
                return result
            }
        }
    }

    @discardableResult
    func appendAuditInTransaction(_ draft: AuditDraft, now: Int64) throws -> AuditEntry {
        var previous = AuditEntry.genesis
        var seq: UInt64 = 1
        let last = try db.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        if let row = last.first, case .integer(let lastSeq) = row[0], case .blob(let hash) = row[1] {
            seq = UInt64(clamping: lastSeq) + 1
            previous = hash
        }
        var entry = AuditEntry(seq: seq, replica: replicaID, time: now, user: draft.user, kind: draft.kind,
                               command: draft.command, records: draft.records.sorted(), fields: draft.fields.sorted(),
                               tags: draft.tags.sorted(), purpose: draft.purpose, previousHash: previous)
        entry.hash = entry.computedHash
        try db.query("""
            INSERT INTO audit_log(seq, replica, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(Int64(seq)), .integer(replicaID.int64), .integer(now), .text(entry.user), .text(entry.kind),
                  .text(entry.command), .text(entry.records.map { $0.description }.joined(separator: ",")),
                  .text(entry.fields.joined(separator: ",")), .text(entry.tags.joined(separator: ",")),
                  entry.purpose.map(SQLValue.text) ?? .null, .blob(previous), .blob(entry.hash)])
        try meta.set(Self.auditHeadSeq, .integer(Int64(seq)))
        try meta.set(Self.auditHeadHash, .blob(entry.hash))
        return entry
    }

    /// The entries, oldest first, optionally only one user's (matched as user names are)
    /// and from a time on. An entry whose stored lists cannot be read back is skipped here
    /// (`verifyAudit` names it).
    public func auditEntries(user: String? = nil, since: Int64? = nil) throws(StoreError) -> [AuditEntry] {
        try StoreError.wrap {
            let key = user.map(Self.userKey)
            return try db.query("""
                SELECT seq, replica, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash
                FROM audit_log WHERE time >= ? ORDER BY seq
                """, [.integer(since ?? Int64.min)])
                .compactMap(Self.entry)
                .filter { key == nil || Self.userKey($0.user) == key }
        }
    }

    /// The entries `auditEntries(user:since:)` returns, at most through `seq` `through`,
    /// handed to `body` one at a time as they are read (issue 15: a list streams).
    public func forEachAuditEntry(user: String? = nil, since: Int64? = nil, through: UInt64 = UInt64(Int64.max),
                                  _ body: (AuditEntry) -> Void) throws(StoreError) {
        try StoreError.wrap {
            let key = user.map(Self.userKey)
            let statement = try db.prepare("""
                SELECT seq, replica, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash
                FROM audit_log WHERE time >= ? AND seq <= ? ORDER BY seq
                """)
            try statement.bind([.integer(since ?? Int64.min), .integer(Int64(clamping: through))])
            while try statement.step() {
                guard let entry = Self.entry((0..<12).map { statement.value(at: $0) }),
                      key == nil || Self.userKey(entry.user) == key
                else { continue }
                body(entry)
            }
        }
    }

    static func entry(_ row: [SQLValue]) -> AuditEntry? {
        guard row.count == 12, case .integer(let seq) = row[0], seq > 0, case .integer(let replica) = row[1],
              case .integer(let time) = row[2], case .text(let user) = row[3], case .text(let kind) = row[4],
              case .text(let command) = row[5], case .text(let recordText) = row[6], case .text(let fieldText) = row[7],
              case .text(let tagText) = row[8], case .blob(let previous) = row[10], case .blob(let hash) = row[11]
        else { return nil }
        var purpose: String?
        switch row[9] {
        case .null: purpose = nil
        case .text(let text): purpose = text
        default: return nil
        }
        func list(_ text: String) -> [String] { text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var records: [RecordID] = []
        for hex in list(recordText) {
            guard hex.count == 16, let id = RecordID(hex: hex) else { return nil }
            records.append(id)
        }
        return AuditEntry(seq: UInt64(seq), replica: ReplicaID(rawValue: UInt64(bitPattern: replica)), time: time, user: user,
                          kind: kind, command: command, records: records, fields: list(fieldText), tags: list(tagText),
                          purpose: purpose, previousHash: previous, hash: hash)
    }

    /// Checks the local chain: seq 1, 2, 3… without gaps, each entry holding the hash of
    /// the one before and its own hash matching its contents, and the last entry being the
    /// head recorded with the last append. Returns the number of entries and the first
    /// break, if any.
    public func verifyAudit() throws(StoreError) -> (count: Int, firstBreak: AuditBreak?) {
        try StoreError.wrap {
            let rows = try db.query("""
                SELECT seq, replica, time, user, kind, command, records, fields, tags, purpose, prev_hash, hash
                FROM audit_log ORDER BY seq
                """)
            var expected: UInt64 = 1
            var previous = AuditEntry.genesis
            for row in rows {
                guard let entry = Self.entry(row) else {
                    let seq: UInt64 = if case .integer(let value) = row.first ?? .null { UInt64(clamping: value) } else { expected }
                    return (rows.count, AuditBreak(seq: seq, reason: .unreadable))
                }
                if entry.seq != expected {
                    return (rows.count, AuditBreak(seq: min(entry.seq, expected), reason: .sequence))
                }
                if entry.previousHash != previous { return (rows.count, AuditBreak(seq: entry.seq, reason: .previousHash)) }
                if entry.computedHash != entry.hash { return (rows.count, AuditBreak(seq: entry.seq, reason: .hash)) }
                previous = entry.hash
                expected += 1
            }
            let headSeq = UInt64(clamping: try meta.int(Self.auditHeadSeq) ?? 0)
            let last = expected - 1
            if last < headSeq { return (rows.count, AuditBreak(seq: last + 1, reason: .truncated)) }
            if last > headSeq { return (rows.count, AuditBreak(seq: headSeq + 1, reason: .beyondHead)) }
            if headSeq > 0, case .blob(let head)? = try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(Self.auditHeadHash)]),
               head != previous {
                return (rows.count, AuditBreak(seq: last, reason: .hash))
            }
            return (rows.count, nil)
        }
    }
}
