import NavetCore
import NavetSQLite

/// The central store `navetd` keeps: every change from every replica, each numbered with
/// a server sequence number (the `changes.id` column) in the order it was accepted.
///
/// A replica's cursor is the last server sequence number it has fully received; a reply
/// holds every change after it. Replies are built per recipient so that need-to-know
/// filtering can later decide, change by change, what leaves the server.
public final class CentralStore {
    public let path: String
    /// The server's own id: the sender of every reply.
    public let serverID: ReplicaID
    let db: Database
    let log: ChangeLog
    let meta: Meta
    /// Statements the need-to-know checks run for every change, prepared once per
    /// connection (`cachedQuery`): compiling them each time cost more than the merge itself.
    var prepared: [String: Statement] = [:]
    /// The policy last read by `policyInForce`, with its version and digest (PolicyStore.swift).
    var policyCache: PolicyCache?

    public static func create(path: String, serverID: ReplicaID = .random(), now: Int64) throws(StoreError) -> CentralStore {
        try NavetFile.create(path: path, role: .central, id: serverID, now: now)
        let store = try open(path: path)
        _ = try store.epoch()
        return store
    }

    /// Opens an existing central store (never creates one: `create` is the explicit step,
    /// `navetd init`). Throws `missing` if there is no file at `path`.
    public static func open(path: String) throws(StoreError) -> CentralStore {
        let (db, id) = try NavetFile.open(path: path, role: .central)
        let store = CentralStore(path: path, db: db, id: id)
        try store.indexForNeedToKnow()
        try store.chainLegacyLedger()
        return store
    }

    init(path: String, db: Database, id: ReplicaID) {
        self.path = path
        self.db = db
        self.serverID = id
        self.log = ChangeLog(db: db, keepsRunsAndChains: true)
        self.meta = Meta(db: db)
    }

    public struct UploadResult: Hashable, Sendable {
        public var applied = 0
        public var duplicates = 0
        /// Changes a write check refused on their own (stored, never merged or sent on).
        public var refused = 0
    }

    /// Merges a replica's upload in one transaction, all or nothing.
    ///
    /// Refuses the whole upload if any change has an origin other than the sender, if the
    /// sender's sequence numbers leave a gap after what the server holds, or if a change
    /// reuses an (origin, seq) with different content. The changes must have passed
    /// `Schema.validate`. Merging the same upload twice changes nothing.
    ///
    /// With a `nonce`, the nonce is recorded in the same transaction and a nonce seen before
    /// from the same key refuses the upload (`replayedNonce`); nonces older than
    /// `nonceLifetime` milliseconds are forgotten, since the signature's timestamp window
    /// refuses anything that old anyway.
    ///
    /// With a `digest` (the SHA-256 of a bundle file's bytes), a nonce seen before with the
    /// same digest is the same file imported again, not a replay: it is merged again (which
    /// changes nothing) so that the caller can answer it with a reply once more. This lets
    /// `navetd import` finish on retry when its reply could not be written the first time.
    ///
    /// With a `token`, it becomes the sender's current sync token in the same transaction
    /// (Protocol/BUNDLE.md, "Replica identity").
    ///
    /// With an `access` context, every new change passes the policy's write checks first
    /// (`WriteChecker`): a refused change is stored as refused, with its reason, and the
    /// rest of the upload applies; the sender's sequence moves on past it. Without one (the
    /// engine's own tests and tools) nothing is checked.
    public func acceptUpload(
        sender: ReplicaID, cursor: UInt64, changes: [Change], nonce: [UInt8]? = nil, digest: [UInt8]? = nil,
        nonceLifetime: Int64 = 86_400_000, token: UInt64? = nil, access: AccessContext? = nil, now: Int64
    ) throws(StoreError) -> UploadResult {
        try StoreError.wrap {
            // By index: a `for … in` over the changes copies each one (its strings retained).
            for index in changes.indices where changes[index].origin != sender {
                throw StoreError.foreignOrigin(sender: sender, origin: changes[index].origin)
            }
            // Uploads come in seq order: then the array is shared, not sorted into a copy.
            let inOrder = changes.indices.dropFirst().allSatisfy { changes[$0 - 1].seq < changes[$0].seq }
            let ordered = inOrder ? changes : changes.sorted { $0.seq < $1.seq }
            return try db.transaction {
                if let nonce {
                    try recordNonce(nonce, key: sender, digest: digest, lifetime: nonceLifetime, now: now)
                }
                let held = try contiguousSeq(sender)
                var expected = held + 1
                for index in ordered.indices where ordered[index].seq >= expected {
                    guard ordered[index].seq == expected else {
                        throw StoreError.sequenceGap(origin: sender, expected: expected, got: ordered[index].seq)
                    }
                    expected += 1
                }
                var result = UploadResult()
                let checker = try access.map {
                    try WriteChecker(store: self, context: $0, sender: sender, changes: ordered, now: now)
                }
                // Each cell's new state is merged in memory and written once, after the
                // upload's last change, and so are the sender's new changes, each with its
                // final `superseded` mark (`ChangeLog.merging`); the checks read cells
                // through `childOf` and `winningValues`, which write what is pending first.
                try log.merging(origin: sender, held: held, upload: ordered) {
                    for index in ordered.indices {
                        if let checker, ordered[index].seq > held {
                            let change = ordered[index]
                            switch try checker.judge(change) {
                            case .refuse(let reason, let child):
                                if try storeRefused(change, reason: reason, child: child, now: now) {
                                    result.refused += 1
                                } else {
                                    result.duplicates += 1
                                }
                            case .accept(let child):
                                switch try log.apply(uploaded: index, receivedAt: now, childID: child) {
                                case .applied: result.applied += 1
                                case .duplicate: result.duplicates += 1
                                }
                                try noteAccepted(change, child: child)
                                checker.accepted(change, child: child)
                            }
                            continue
                        }
                        switch try log.apply(uploaded: index, receivedAt: now) {
                        case .applied: result.applied += 1
                        case .duplicate: result.duplicates += 1
                        }
                    }
                }
                if expected - 1 > held {
                    try log.query("""
                        INSERT INTO origins(origin, contiguous_seq) VALUES (?, ?)
                        ON CONFLICT(origin) DO UPDATE SET contiguous_seq = excluded.contiguous_seq
                        """, [.integer(sender.int64), .integer(Int64(expected - 1))])
                }
                try log.query("""
                    INSERT INTO replicas(replica_id, first_seen, cursor, last_sync_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(replica_id) DO UPDATE SET cursor = max(cursor, excluded.cursor),
                        last_sync_at = excluded.last_sync_at
                    """, [.integer(sender.int64), .integer(now), .integer(Int64(cursor)), .integer(now)])
                if let token { try setToken(token, of: sender, catchUp: false, abandoning: false, now: now) }
                return result
            }
        }
    }

    /// Everything `replica` lacks after `cursor`, up to one page: the changes, the cursor
    /// to move to, and the acknowledgement of the replica's own changes. Read in one snapshot.
    ///
    /// The new cursor moves past the replica's own changes too, which are not sent back.
    /// A page ends after `limit` changes or once about `byteBudget` bytes of values are in
    /// it; the cursor then stops at the last change sent, and the next sync continues there.
    public func reply(
        for replica: ReplicaID, after cursor: UInt64, limit: Int = 100_000, byteBudget: Int = 64 << 20
    ) throws(StoreError) -> (changes: [Change], newCursor: UInt64, ack: UInt64) {
        try StoreError.wrap {
            try db.transaction(.deferred) {
                var last: UInt64 = 0
                if case .integer(let id) = try db.scalar("SELECT max(id) FROM changes") { last = UInt64(clamping: id) }
                let select = try db.prepare("""
                    SELECT id, \(ChangeLog.columns()) FROM changes WHERE id > ? AND origin != ? ORDER BY id LIMIT ?
                    """)
                try select.bind([.integer(Int64(min(cursor, UInt64(Int64.max)))), .integer(replica.int64),
                                 .integer(Int64(limit) + 1)])
                var changes: [Change] = []
                var bytes = 0
                var newCursor = max(last, cursor)
                while try select.step() {
                    if changes.count == limit || bytes >= byteBudget {
                        // More remain: stop at the last change included.
                        newCursor = UInt64(clamping: max(1, select.int64(at: 0))) - 1
                        break
                    }
                    let change = try ChangeLog.readChange(select, from: 1)
                    bytes += 64 + (change.value.displayText?.utf8.count ?? 0)
                    changes.append(change)
                }
                return (changes, newCursor, try contiguousSeq(replica))
            }
        }
    }

    // MARK: Replica identity (Protocol/BUNDLE.md, "Replica identity")

    /// Where the file that presented a sync token stands in its replica's history.
    public enum TokenStanding: Sendable, Equatable {
        /// The token the server last gave this replica (or it never gave one): sync as usual.
        case current
        /// An older token, 0, or one this server never gave: the file was restored from a
        /// backup, is a copy, or did not apply the last reply (lost, delayed or reordered).
        /// Only its content tells which (`history(of:ack:changes:)`).
        case behind
        /// A token abandoned by an earlier catch-up: another file of the same replica
        /// went on from an older point, so this one is a second live copy. Refused.
        case copied
    }

    /// Classifies the sync token an upload presents.
    public func standing(of replica: ReplicaID, token: UInt64) throws(StoreError) -> TokenStanding {
        try StoreError.wrap {
            guard case .integer(let current) = try db.scalar("SELECT sync_token FROM replicas WHERE replica_id = ?",
                                                             [.integer(replica.int64)])
            else { return .current }
            if UInt64(bitPattern: current) == token { return .current }
            if try db.scalar("SELECT 1 FROM abandoned_tokens WHERE replica_id = ? AND token = ?",
                             [.integer(replica.int64), .integer(Int64(bitPattern: token))]) != nil {
                return .copied
            }
            return .behind
        }
    }

    /// Where an upload stands against its replica's own history on the server.
    public enum History: Sendable, Equatable {
        /// The upload carries every change of its replica the server holds after its `ack`,
        /// with the same content. A file that holds every change it ever made is always
        /// here (an upload holds every own change after its `ack`), however its bundles
        /// and replies were delayed, repeated or reordered.
        case consistent
        /// It lacks some of them, and holds none with other content: a copy or a restored
        /// file that has made nothing since, or an upload delayed behind a later one.
        case lacking
        /// It carries a change whose (origin, seq) the server holds with other content:
        /// another file of the same replica went on from the same point. Proof of two
        /// histories: a restored file whose old self synced more, or a second live copy.
        case diverged
    }

    /// Compares an upload with the changes of `replica` the server holds after `ack`.
    public func history(of replica: ReplicaID, ack: UInt64, changes: [Change]) throws(StoreError) -> History {
        try StoreError.wrap {
            let held = try contiguousSeq(replica)
            guard ack < held else { return .consistent }
            let carried = changes.filter { $0.origin == replica && $0.seq > ack && $0.seq <= held }
            for change in carried where try log.change(origin: replica, seq: change.seq) != change {
                return .diverged
            }
            return UInt64(Set(carried.map(\.seq)).count) == held - ack ? .consistent : .lacking
        }
    }

    /// Records the token of a reply about to be sent to `replica` as its current token;
    /// `catchUp` says whether the reply merged nothing (a catch-up or an epoch reply).
    /// With `abandoning`, the token current until now is abandoned first, unless a reply
    /// that merged nothing gave it: a diverged file that presented another token caught
    /// up, so whoever holds the current token went on along another history. (A catch-up
    /// token's holder merged nothing with it; leaving it valid keeps a file that exported
    /// twice before importing its replies safe.) Runs inside the caller's transaction.
    func setToken(_ token: UInt64, of replica: ReplicaID, catchUp: Bool, abandoning: Bool, now: Int64) throws {
        if abandoning {
            try db.query("""
                INSERT INTO abandoned_tokens(replica_id, token, abandoned_at)
                SELECT replica_id, sync_token, ? FROM replicas
                WHERE replica_id = ? AND sync_token IS NOT NULL AND sync_token_catch_up = 0
                ON CONFLICT DO NOTHING
                """, [.integer(now), .integer(replica.int64)])
        }
        try db.query("UPDATE replicas SET sync_token = ?, sync_token_catch_up = ? WHERE replica_id = ?",
                     [.integer(Int64(bitPattern: token)), .integer(catchUp ? 1 : 0), .integer(replica.int64)])
    }

    /// Records, in one transaction, what answering an upload without merging it changes:
    /// its nonce (`replayedNonce` if seen before) and the token of the reply (a catch-up
    /// or an epoch reply), abandoning the current one if asked (`setToken`).
    public func answerWithoutMerging(
        _ replica: ReplicaID, nonce: [UInt8], digest: [UInt8]? = nil, nonceLifetime: Int64, token: UInt64, abandoning: Bool,
        now: Int64
    ) throws(StoreError) {
        try StoreError.wrap {
            try db.transaction {
                try recordNonce(nonce, key: replica, digest: digest, lifetime: nonceLifetime, now: now)
                try setToken(token, of: replica, catchUp: true, abandoning: abandoning, now: now)
            }
        }
    }

    /// The changes of `replica`'s own origin after sequence number `after`, in sequence
    /// order: what a file that is behind its own history lacks of it. At most `limit`;
    /// `nil` when there are more (the caller refuses rather than send part of them).
    public func ownChanges(
        of replica: ReplicaID, after: UInt64, limit: Int, byteBudget: Int = 64 << 20
    ) throws(StoreError) -> [Change]? {
        try StoreError.wrap {
            var bytes = 0
            let changes = try log.changes(of: replica, after: after, limit: limit + 1)
            // Every seq up to the one the store says it holds must be there, in order: a
            // hole would have the replica ask for it again at every sync.
            let held = try contiguousSeq(replica)
            if after < held {
                let wanted = Int(clamping: min(UInt64(limit + 1), held - after))
                guard changes.count >= wanted,
                      changes.prefix(wanted).enumerated().allSatisfy({ $0.element.seq == after + 1 + UInt64($0.offset) }) else {
                    throw StoreError.damaged(path: path, reason: "changes of origin \(replica) up to seq \(held) are missing")
                }
            }
            for change in changes { bytes += 64 + (change.value.displayText?.utf8.count ?? 0) }
            return changes.count > limit || bytes > byteBudget ? nil : changes
        }
    }

    /// Records a nonce of a signed request or bundle; throws `replayedNonce` if seen before,
    /// unless it was seen with the same non-nil `digest` (the same bundle file again).
    /// Runs inside the caller's transaction.
    func recordNonce(_ nonce: [UInt8], key: ReplicaID, digest: [UInt8]? = nil, lifetime: Int64, now: Int64) throws {
        // Through the statement cache (`ChangeLog.query`): run for every upload and request.
        try log.query("DELETE FROM nonces WHERE seen_at < ?", [.integer(now - lifetime)])
        try log.query("INSERT INTO nonces(key_id, nonce, seen_at, digest) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      [.integer(key.int64), .blob(nonce), .integer(now), digest.map(SQLValue.blob) ?? .null])
        if db.changes == 0 {
            if let digest, case .blob(let stored)? = try db.scalar(
                "SELECT digest FROM nonces WHERE key_id = ? AND nonce = ?", [.integer(key.int64), .blob(nonce)]),
                stored == digest {
                return
            }
            throw StoreError.replayedNonce(key)
        }
    }

    /// Records a nonce on its own (for a signed HTTP request, or an upload that is answered
    /// without being merged), in its own transaction. `digest` as in `acceptUpload`.
    public func useNonce(_ nonce: [UInt8], key: ReplicaID, digest: [UInt8]? = nil, lifetime: Int64 = 86_400_000,
                         now: Int64) throws(StoreError) {
        try StoreError.wrap {
            try db.transaction { try recordNonce(nonce, key: key, digest: digest, lifetime: lifetime, now: now) }
        }
    }

    /// The highest n such that the server holds all of `replica`'s own changes 1...n.
    public func acknowledged(_ replica: ReplicaID) throws(StoreError) -> UInt64 {
        try StoreError.wrap { try contiguousSeq(replica) }
    }

    /// The highest server sequence number given so far.
    public func lastSequence() throws(StoreError) -> UInt64 {
        try StoreError.wrap {
            if case .integer(let id) = try db.scalar("SELECT max(id) FROM changes") { UInt64(clamping: id) } else { 0 }
        }
    }

    func contiguousSeq(_ origin: ReplicaID) throws -> UInt64 {
        if case .integer(let seq) = try log.scalar("SELECT contiguous_seq FROM origins WHERE origin = ?",
                                                   [.integer(origin.int64)]) {
            return UInt64(clamping: seq)
        }
        return 0
    }

    // MARK: Queries (for tests, status and the demo)

    public func recordIDs() throws(StoreError) -> [RecordID] {
        try StoreError.wrap {
            try db.query("SELECT DISTINCT record_id FROM cells ORDER BY record_id").compactMap {
                if case .integer(let id) = $0[0] { RecordID(rawValue: UInt64(clamping: id)) } else { nil }
            }
        }
    }

    public var changeCount: Int {
        get throws(StoreError) {
            try StoreError.wrap {
                if case .integer(let n) = try db.scalar("SELECT count(*) FROM changes") { Int(n) } else { 0 }
            }
        }
    }

    // MARK: Shared queries (bodies in ChangeLog)

    /// The visible state of one record.
    public func snapshot(_ record: RecordID) throws(StoreError) -> RecordSnapshot {
        try StoreError.wrap { try log.snapshot(record) }
    }

    /// Every cell with concurrent values, each with its heads (the shown value first).
    public func conflicts() throws(StoreError) -> [Conflict] {
        try StoreError.wrap { try log.conflicts() }
    }

    /// Every change held, in arrival order. For tests, tools and audits.
    public func allChanges() throws(StoreError) -> [Change] {
        try StoreError.wrap { try log.changes(where: "1", []) }
    }

    /// `PRAGMA integrity_check` on the file: "ok" or the problems.
    public func integrityCheck() throws(StoreError) -> [String] {
        try StoreError.wrap { try db.integrityCheck() }
    }

    /// See `ChangeLog.withRelaxedDurability`: for tools that build large test stores only.
    public func withRelaxedDurability<T>(_ body: () throws -> T) throws -> T {
        try log.withRelaxedDurability(body)
    }
}

