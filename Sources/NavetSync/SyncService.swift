import Foundation
import NavetCore
import NavetCrypto
import NavetStore
import NavetWire

/// Why the server refused a request or bundle (`Protocol/HTTP.md`). A refusal changes nothing.
public enum RefusalReason: String, CaseIterable, Sendable {
    case malformedRequest = "malformed_request"
    case unknownReplica = "unknown_replica"
    case revokedReplica = "revoked_replica"
    case staleTimestamp = "stale_timestamp"
    case badSignature = "bad_signature"
    case replayedNonce = "replayed_nonce"
    case foreignOrigin = "foreign_origin"
    case sequenceGap = "sequence_gap"
    /// A change reuses an (origin, seq) the server holds with other content.
    case sequenceReused = "sequence_reused"
    case invalidChange = "invalid_change"
    case schemaTooNew = "schema_too_new"
    case wrongServer = "wrong_server"
    /// A second live copy of a replica file (Protocol/BUNDLE.md, "Replica identity"): it
    /// needs a new enrollment (`navet enroll FILE`).
    case replicaCopied = "replica_copied"
    /// Not the client's fault (a full disk, a broken database): try again later.
    case serverError = "server_error"

    public var httpStatus: Int {
        switch self {
        case .malformedRequest: return 400
        case .unknownReplica, .staleTimestamp, .badSignature: return 401
        case .revokedReplica, .foreignOrigin: return 403
        case .replayedNonce, .sequenceGap, .sequenceReused, .replicaCopied: return 409
        case .invalidChange, .schemaTooNew: return 422
        case .wrongServer: return 421
        case .serverError: return 500
        }
    }
}

/// A refusal with its reason and an English detail for logs and the HTTP body (no case data).
public struct Refusal: Error, Sendable {
    public let reason: RefusalReason
    public let detail: String
    /// The underlying error, for a localized message in the CLI.
    public let cause: SyncError?

    public init(_ reason: RefusalReason, _ detail: String, cause: SyncError? = nil) {
        self.reason = reason
        self.detail = detail
        self.cause = cause
    }
}

/// How a bundle arrived: the timestamp window differs.
public enum Arrival: Sendable {
    /// Over HTTP: the bundle was just made, so its clock must be close to ours.
    case http
    /// Carried by hand: it may be days old.
    case file
}

/// The central store's side of sync: verifies signed uploads, merges them and builds
/// signed replies. Serializes access to the store (one SQLite writer), so it can be shared
/// by the HTTP server's connection threads.
///
/// Every use of the store's SQLite connection (opened `NOMUTEX`, so not safe to share)
/// goes through `lock`: syncs, health checks, metrics and enrollment lookups alike. The
/// store is never cached: each lookup reads the file, so a replica enrolled by another
/// process (`navetd replica enroll`) is accepted at its first sync, without a restart.
public final class SyncService: @unchecked Sendable {
    /// The store. Only the service touches it once the server runs; callers use the
    /// locked methods (`health()`, `replicaRecords()`, `accept`).
    private let central: CentralStore
    /// The central store's own id (fixed for the life of the file, safe to read anywhere).
    public let serverID: ReplicaID
    public let metrics: SyncMetrics
    /// Largest difference allowed between a request's clock and ours, in milliseconds.
    public var httpWindow: Int64 = 5 * 60_000
    /// Oldest bundle file accepted, in milliseconds; nonces are remembered this long.
    public var fileWindow: Int64 = Int64(SyncService.defaultFileWindowDays) * 86_400_000
    /// The default `fileWindow`, in days.
    public static let defaultFileWindowDays = 30
    /// The refusal detail of a bundle file older than `fileWindow` (the CLI says to export
    /// a new one rather than to check the clock).
    public static let expiredFileDetail = "bundle file older than the file window"
    /// The refusal detail of a bundle file made later than the server's clock allows.
    public static let aheadFileDetail = "bundle file timestamp ahead of the server clock"
    /// Changes per reply page: bounds the server's memory (one page is in memory at a
    /// time, about 300 bytes a change) and the size of one response.
    public var pageLimit = 50_000
    private let lock = NSLock()
    /// A fixed access policy (tests); nil reads the store's policy in force at every sync.
    private let fixedAccess: AccessContext?
    /// Whether replies are filtered by need to know (always, outside the engine's own tests).
    private let filtering: Bool

    /// `access`: a fixed policy to filter under. Without one, each sync is filtered under
    /// the central store's policy in force at that moment (`navetd policy load` takes
    /// effect at the next sync, without a restart).
    /// `unfiltered` turns need to know off: only for tests of the sync engine itself,
    /// which exchange changes between replicas of no organisation.
    public init(central: CentralStore, metrics: SyncMetrics = SyncMetrics(), access: AccessContext? = nil,
                unfiltered: Bool = false) {
        self.central = central
        self.serverID = central.serverID
        self.metrics = metrics
        self.fixedAccess = access
        self.filtering = !unfiltered
    }

    /// The policy a sync is filtered under: the fixed one, or the store's policy in force
    /// (re-read when another process loaded a new one). Runs under the lock.
    private func accessContext() throws(StoreError) -> AccessContext? {
        guard filtering else { return nil }
        if let fixedAccess { return fixedAccess }
        let inForce = try central.policyInForce()
        return AccessContext(policy: inForce.policy, version: inForce.version)
    }

    public struct Accepted: Sendable {
        public let reply: [UInt8]
        public let sender: ReplicaID
        public let applied: Int
        public let duplicates: Int
        public let sent: Int
        public let more: Bool
        /// Read-log evidence this upload produced (breaks and restore notices), for the log.
        public var readLogEvidence: [ReadLogBreak] = []
        /// Read-log entries stored from this upload.
        public var readLogStored = 0
        /// Where the server's time went (the request log line).
        public var timing = SyncTiming()
        /// The upload was behind its replica's own history (restored, a copy, or overtaken
        /// by a later sync) and was not merged: the reply is a catch-up (`catchUpReply`).
        public var caughtUp = false
    }

    /// Checks a signed HTTP request's headers before its body is looked at.
    /// Returns the seconds spent recording the nonce (lock wait included), for the request log.
    @discardableResult
    public func checkRequest(_ signature: RequestSignature?, method: String, path: String, body: [UInt8], now: Int64) throws(Refusal) -> Double {
        guard let signature else { throw refuse(.malformedRequest, "missing or malformed Navet-* headers") }
        let secret = try secretOf(signature.replica, now: now) { secret in
            Self.within(signature.timestamp, of: now, before: httpWindow, after: httpWindow)
                && signature.verify(method: method, path: path, body: body, secret: secret)
        }
        guard Self.within(signature.timestamp, of: now, before: httpWindow, after: httpWindow) else {
            throw refuse(.staleTimestamp, "request timestamp outside the window")
        }
        guard signature.verify(method: method, path: path, body: body, secret: secret) else {
            throw refuse(.badSignature, "request signature does not verify")
        }
        let nonceStarted = DispatchTime.now()
        do {
            try locked("nonce") { () throws(StoreError) in
                try central.useNonce(signature.nonce, key: signature.replica, lifetime: fileWindow, now: now)
            }
            return SyncTiming.since(nonceStarted)
        } catch .replayedNonce {
            throw refuse(.replayedNonce, "request nonce used before")
        } catch {
            throw refuse(.serverError, "store error", cause: .store(error))
        }
    }

    /// Verifies and merges one signed upload, and returns the signed reply for its sender.
    /// `expectedSigner`: the replica that signed the HTTP request, if any.
    public func accept(
        _ bytes: [UInt8], arrival: Arrival, expectedSigner: ReplicaID? = nil, client: String? = nil, now: Int64
    ) throws(Refusal) -> Accepted {
        let started = DispatchTime.now()
        metrics.bytesIn.add(bytes.count)
        let signed: SignedBundle
        do {
            signed = try BundleCodec.decode(bytes)
        } catch {
            throw refuse(.malformedRequest, "not a valid bundle: \(error.codeAndReason)", cause: .malformed(error))
        }
        let signer = signed.signature.keyID
        if let expectedSigner, expectedSigner != signer {
            throw refuse(.badSignature, "bundle signed by another replica than the request")
        }
        let secret = try secretOf(signer, now: now) { secret in BundleCodec.verify(bytes, secret: secret) }
        guard BundleCodec.verify(bytes, secret: secret) else { throw refuse(.badSignature, "bundle signature does not verify") }
        // From here the sender is authenticated: its refusals count in its sync health.
        do {
            let accepted = try acceptAuthenticated(bytes, signed: signed, secret: secret, arrival: arrival, now: now,
                                                   started: started)
            try? locked("note_client") { () throws(StoreError) in
                try central.noteClient(signer, version: client, schema: signed.bundle.schemaVersion,
                                       epochSeen: signed.bundle.epoch)
            }
            return accepted
        } catch {
            // A server failure (a full disk, say) is not the replica's doing, and writing
            // about it would change a store that must stay as it was.
            if error.reason != .serverError {
                try? locked("note_refusal") { () throws(StoreError) in try central.noteRefusal(signer, reason: error.reason.rawValue, now: now) }
            }
            throw error
        }
    }

    private func acceptAuthenticated(
        _ bytes: [UInt8], signed: SignedBundle, secret: [UInt8], arrival: Arrival, now: Int64, started: DispatchTime
    ) throws(Refusal) -> Accepted {
        let bundle = signed.bundle
        let signer = signed.signature.keyID
        let timestamp = signed.signature.timestamp
        if arrival == .file {
            // A file past its limit needs a new export, not a clock fix: say which.
            guard Self.within(timestamp, of: now, before: fileWindow, after: .max) else {
                throw refuse(.staleTimestamp, Self.expiredFileDetail)
            }
            guard Self.within(timestamp, of: now, before: .max, after: httpWindow) else {
                throw refuse(.staleTimestamp, Self.aheadFileDetail)
            }
        }
        let window = arrival == .http ? httpWindow : fileWindow
        guard Self.within(timestamp, of: now, before: window, after: httpWindow) else {
            throw refuse(.staleTimestamp, "bundle timestamp outside the window")
        }
        guard bundle.kind == .upload, bundle.sender == signer else {
            throw refuse(.foreignOrigin, "not an upload from the signing replica")
        }
        do {
            try Sync.check(bundle, kind: .upload)
        } catch {
            throw refusal(for: error)
        }
        if let recipient = bundle.recipient, recipient != central.serverID {
            throw refuse(.wrongServer, "bundle addressed to another central store",
                         cause: .notForThisServer(recipient: recipient, this: central.serverID))
        }
        // A bundle file imported again is answered again (its reply may not have been
        // written the first time); over HTTP a repeated nonce is a replay.
        let digest = arrival == .file ? SHA256.hash(bytes) : nil
        if let restart = try epochReply(bundle, signed: signed, secret: secret, digest: digest, now: now) { return restart }
        if let caughtUp = try catchUpReply(bundle, signed: signed, secret: secret, digest: digest, now: now) { return caughtUp }
        // The reply page is read and encoded under the lock too: one page of changes in
        // memory at a time, whatever the number of connections (the server's peak memory
        // is bounded by a page, not by the number of replicas syncing at once).
        let result: (merged: CentralStore.UploadResult, encoded: [UInt8], sent: Int, more: Bool)
        var readLogResult: ReadLogResult?
        var timing = SyncTiming()
        let waitStarted = DispatchTime.now()
        do {
            result = try locked("main") { () throws(StoreError) in
                timing.lockWait = SyncTiming.since(waitStarted)
                var step = DispatchTime.now()
                func lap() -> Double {
                    let seconds = SyncTiming.since(step)
                    step = DispatchTime.now()
                    return seconds
                }
                let (replySigner, token) = Sync.replySigner(keyID: signer, secret: secret, now: now, answering: signed.signature.nonce)
                let access = try accessContext()
                let standing = try central.standing(of: signer, token: bundle.uploadToken)
                let merged = try central.acceptUpload(
                    sender: signer, cursor: bundle.cursor, changes: bundle.changes, nonce: signed.signature.nonce,
                    digest: digest, nonceLifetime: fileWindow, token: token, access: access, now: now)
                timing.merge = lap()
                var readLog = ReadLogResult(ack: try central.readLogAck(signer))
                if let run = bundle.readLog {
                    readLog = try central.acceptReadLog(sender: signer, from: run.from, last: run.last,
                                                        ownCheckFailed: run.ownCheckFailed, entries: run.entries, now: now)
                }
                readLogResult = readLog
                timing.readLog = lap()
                if let access {
                    let filtered = try central.filteredReply(
                        for: signer, after: bundle.cursor, uploadAck: bundle.ack, redactionAck: bundle.redactionAck,
                        presentedToken: bundle.uploadToken, behind: standing != .current, replyToken: token,
                        context: access, limit: pageLimit, now: now)
                    timing.ledger = Double(filtered.ledgerNanoseconds) / 1e9
                    let reply = NavetWire.Bundle(
                        kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: signer,
                        createdAt: now, cursor: bundle.cursor, newCursor: filtered.newCursor, ack: filtered.ack,
                        epoch: try central.epoch(), more: filtered.more, changes: filtered.changes,
                        directory: bundle.wantsDirectory ? try directory() : nil, redactions: filtered.redactions,
                        refusals: filtered.refusals, permissions: filtered.permissions, policyVersion: access.version,
                        mayRegister: filtered.mayRegister,
                        checkpoint: filtered.checkpoint)
                    var withLog = reply
                    withLog.readLogAck = readLog.ack
                    withLog.purposeTags = access.policy.purposeTags.map(\.rawValue).sorted()
                    metrics.changesRefused.add(merged.refused)
                    metrics.changesBackfilled.add(filtered.backfilled)
                    metrics.redactionsSent.add(filtered.redactions.count)
                    timing.reply = lap()
                    let encoded = BundleCodec.encode(withLog, signer: replySigner, version: signed.formatVersion)
                    timing.encode = lap()
                    return (merged, encoded, filtered.changes.count, filtered.more)
                }
                let page = try central.reply(for: signer, after: bundle.cursor, limit: pageLimit)
                let more = page.newCursor < (try central.lastSequence())
                let reply = NavetWire.Bundle(
                    kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: signer,
                    createdAt: now, cursor: bundle.cursor, newCursor: page.newCursor, ack: page.ack,
                    epoch: try central.epoch(), more: more, changes: page.changes,
                    directory: bundle.wantsDirectory ? try directory() : nil, checkpoint: try central.latestCheckpoint())
                var withLog = reply
                withLog.readLogAck = readLog.ack
                let encoded = BundleCodec.encode(withLog, signer: replySigner, version: signed.formatVersion)
                return (merged, encoded, page.changes.count, more)
            }
        } catch {
            throw refusal(for: .store(error))
        }
        metrics.syncs.add(1)
        if let readLogResult {
            metrics.readLogEntries.add(readLogResult.stored)
            metrics.readLogBreaks.add(readLogResult.breaks.filter(\.alarm).count)
        }
        metrics.changesMerged.add(result.merged.applied)
        metrics.bytesOut.add(result.encoded.count)
        metrics.latency.observe(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        var accepted = Accepted(reply: result.encoded, sender: signer, applied: result.merged.applied,
                                duplicates: result.merged.duplicates, sent: result.sent, more: result.more)
        accepted.readLogEvidence = readLogResult?.breaks ?? []
        accepted.readLogStored = readLogResult?.stored ?? 0
        timing.total = SyncTiming.since(started)
        accepted.timing = timing
        return accepted
    }

    /// An upload made against another epoch (the server was restored from a backup since
    /// the replica last synced) is not merged: it may start after changes this server no
    /// longer holds. The reply tells the replica the new epoch and what is held of its own
    /// changes, with `more` set, so the replica resets its cursor and sends again.
    private func epochReply(_ bundle: NavetWire.Bundle, signed: SignedBundle, secret: [UInt8], digest: [UInt8]?,
                            now: Int64) throws(Refusal) -> Accepted? {
        let signer = signed.signature.keyID
        let state: (epoch: UInt64, ack: UInt64, directory: [DirectoryEntry]?)
        do {
            state = try locked("epoch") { () throws(StoreError) in
                (try central.epoch(), try central.acknowledged(signer), bundle.wantsDirectory ? try directory() : nil)
            }
        } catch {
            throw refuse(.serverError, "store error", cause: .store(error))
        }
        guard bundle.epoch != 0, bundle.epoch != state.epoch else { return nil }
        let (replySigner, token) = Sync.replySigner(keyID: signer, secret: secret, now: now, answering: signed.signature.nonce)
        do {
            try locked("epoch") { () throws(StoreError) in
                try central.answerWithoutMerging(signer, nonce: signed.signature.nonce, digest: digest,
                                                 nonceLifetime: fileWindow, token: token, abandoning: false, now: now)
            }
        } catch {
            throw refusal(for: .store(error))
        }
        let checkpoint = try? locked("epoch") { () throws(StoreError) in try central.latestCheckpoint() }
        let reply = Bundle(
            kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: signer,
            createdAt: now, cursor: bundle.cursor, newCursor: 0, ack: state.ack, epoch: state.epoch, more: true,
            changes: [], directory: state.directory, checkpoint: checkpoint ?? nil)
        let encoded = BundleCodec.encode(reply, signer: replySigner, version: signed.formatVersion)
        metrics.bytesOut.add(encoded.count)
        return Accepted(reply: encoded, sender: signer, applied: 0, duplicates: 0, sent: 0, more: true)
    }

    /// Whether `timestamp` lies in `now - before ... now + after` (all in milliseconds).
    /// Any `Int64` is a valid timestamp on the wire (`Int64.min` included): the
    /// difference is taken without overflow.
    static func within(_ timestamp: Int64, of now: Int64, before: Int64, after: Int64) -> Bool {
        let (age, overflow) = now.subtractingReportingOverflow(timestamp)
        return !overflow && age <= before && age >= -after
    }

    /// What `GET /v1/health` reports: the server id and the current epoch, read under the
    /// service's lock.
    public func health() throws(StoreError) -> (server: ReplicaID, epoch: UInt64) {
        try locked { () throws(StoreError) in (central.serverID, try central.epoch()) }
    }

    /// Replica identity (Protocol/BUNDLE.md): a file presenting a sync token an earlier
    /// catch-up abandoned is a second live copy and is refused with `replica_copied`. An
    /// upload from a file that is behind its replica's own history (`history` lacking or
    /// diverged: restored from a backup, or a copy another file went on from) is not
    /// merged, since its pending changes may reuse sequence numbers the server holds with
    /// other content. The reply carries every change of the replica's own origin after
    /// the upload's `ack`, the server's `ack`, the cursor unchanged, a new token and
    /// `more`. When the upload diverged and presented another token than the current
    /// one, the current one is abandoned.
    private func catchUpReply(
        _ bundle: NavetWire.Bundle, signed: SignedBundle, secret: [UInt8], digest: [UInt8]?, now: Int64
    ) throws(Refusal) -> Accepted? {
        let signer = signed.signature.keyID
        // Classified and answered under one hold of the lock, so the answer acts on the
        // standing it read (no other sync of this replica can come in between).
        enum Outcome { case copied, consistent, catchUp(NavetWire.Bundle, BundleSigner) }
        let outcome: Outcome
        do {
            outcome = try locked("catch_up") { () throws(StoreError) -> Outcome in
                let standing = try central.standing(of: signer, token: bundle.uploadToken)
                if standing == .copied { return .copied }
                let history = try central.history(of: signer, ack: bundle.ack, changes: bundle.changes)
                guard history != .consistent else { return .consistent }
                // Bounded by the bundle limit: a replica's own changes since the copy it
                // was restored from. Beyond it the server refuses rather than page them.
                guard let own = try central.ownChanges(of: signer, after: bundle.ack, limit: BundleCodec.limits.maxChangeCount) else {
                    throw StoreError.notANavetDatabase(path: central.path, reason: "catch-up larger than one bundle")
                }
                let ack = try central.acknowledged(signer)
                let epoch = try central.epoch()
                let (replySigner, token) = Sync.replySigner(keyID: signer, secret: secret, now: now, answering: signed.signature.nonce)
                try central.answerWithoutMerging(
                    signer, nonce: signed.signature.nonce, digest: digest, nonceLifetime: fileWindow, token: token,
                    abandoning: standing == .behind && history == .diverged, now: now)
                return .catchUp(NavetWire.Bundle(
                    kind: .reply, schemaVersion: Schema.current.version, sender: central.serverID, recipient: signer,
                    createdAt: now, cursor: bundle.cursor, newCursor: bundle.cursor, ack: ack, epoch: epoch, more: true,
                    changes: own, directory: bundle.wantsDirectory ? try directory() : nil,
                    refusals: filtering ? try central.refusals(of: signer, after: bundle.ack) : [],
                    checkpoint: try central.latestCheckpoint()), replySigner)
            }
        } catch {
            throw refusal(for: .store(error))
        }
        let reply: NavetWire.Bundle
        let replySigner: BundleSigner
        switch outcome {
        case .copied:
            throw refuse(.replicaCopied, "replica \(signer): a second live copy of the file (abandoned sync token)",
                         cause: .store(.replicaCopied(signer)))
        case .consistent: return nil
        case .catchUp(let bundle, let signer): (reply, replySigner) = (bundle, signer)
        }
        let encoded = BundleCodec.encode(reply, signer: replySigner, version: signed.formatVersion)
        metrics.bytesOut.add(encoded.count)
        var accepted = Accepted(reply: encoded, sender: signer, applied: 0, duplicates: 0, sent: reply.changes.count, more: true)
        accepted.caughtUp = true
        return accepted
    }

    /// What `replica` may hold now up to `cursor`, per (child, tag), under the policy in
    /// force, and that policy's version (`POST /v1/verify`, Protocol/HTTP.md,
    /// "Verification"). Read under the service's lock; changes nothing. The request must
    /// have passed `checkRequest` first.
    public func verify(replica: ReplicaID, cursor: UInt64, now: Int64) throws(Refusal)
        -> (digests: VerificationDigests, policyVersion: UInt64)
    {
        do {
            return try locked { () throws(StoreError) in
                guard let access = try accessContext() else { return (VerificationDigests(), 0) }
                return (try central.verification(for: replica, cursor: cursor, context: access, now: now), access.version)
            }
        } catch {
            throw refuse(.serverError, "store error", cause: .store(error))
        }
    }

    /// The read-log gauges of `/metrics`: replicas whose chain is broken, restores noted.
    public func readLogCounts() throws(StoreError) -> (brokenChains: Int, restores: Int, entries: Int) {
        try locked { () throws(StoreError) in try central.readLogCounts() }
    }

    /// The replicas' sync health with each one's lag, read under the service's lock.
    public func replicaRecords() throws(StoreError) -> [ReplicaRecord] {
        try locked { () throws(StoreError) in try central.replicaRecords() }
    }

    /// The gauges of `/metrics`, read under the service's lock in one short hold: replicas
    /// active and silent, the oldest last sync (`CentralStore.replicaHealth`, which counts
    /// no changes) and the read log's broken chains and restores. A scrape holds the lock
    /// every sync needs, so it reads only small tables.
    public func healthGauges(now: Int64, silentAfter: Int64) throws(StoreError)
        -> (active: Int, silent: Int, oldestSync: Int64?, brokenChains: Int, restores: Int)
    {
        try locked { () throws(StoreError) in
            let replicas = try central.replicaHealth(now: now, silentAfter: silentAfter)
            let readLog = try central.readLogAlarms()
            return (replicas.active, replicas.silent, replicas.oldestSync, readLog.brokenChains, readLog.restores)
        }
    }

    /// The secret `replica` signs with. Refuses an unknown or a revoked replica. A revoked
    /// replica whose request or bundle still verifies with its old secret (`verifies`) is
    /// counted in its sync health, so `navetd replica list` shows that it keeps trying
    /// (a lost laptop, a forgotten copy); one that does not verify counts against nobody.
    private func secretOf(_ replica: ReplicaID, now: Int64, verifies: ([UInt8]) -> Bool) throws(Refusal) -> [UInt8] {
        let credentials: Credentials?
        do {
            credentials = try locked("secret") { () throws(StoreError) in try central.credentials(replica) }
        } catch {
            throw refuse(.serverError, "store error", cause: .store(error))
        }
        guard let credentials else {
            throw refuse(.unknownReplica, "replica \(replica) is not enrolled here", cause: .store(.unknownReplica(replica)))
        }
        guard !credentials.revoked else {
            if verifies(credentials.secret) {
                try? locked("note_refusal") { () throws(StoreError) in
                    try central.noteRefusal(replica, reason: RefusalReason.revokedReplica.rawValue, now: now)
                }
            }
            throw refuse(.revokedReplica, "replica \(replica) was revoked", cause: .store(.revokedReplica(replica)))
        }
        return credentials.secret
    }

    private func refusal(for error: SyncError) -> Refusal {
        switch error {
        case .malformed(let bundleError):
            return refuse(.malformedRequest, "not a valid bundle: \(bundleError.codeAndReason)", cause: error)
        case .wrongKind: return refuse(.foreignOrigin, "not an upload", cause: error)
        case .notForThisReplica, .notForThisServer: return refuse(.wrongServer, "misaddressed bundle", cause: error)
        case .staleReply: return refuse(.malformedRequest, "not an upload", cause: error)
        case .schemaTooNew(let version, _): return refuse(.schemaTooNew, "schema version \(version)", cause: error)
        case .invalidChange(let index, _): return refuse(.invalidChange, "change \(index + 1) breaks the schema", cause: error)
        case .badSignature: return refuse(.badSignature, "bad signature", cause: error)
        case .notEnrolled: return refuse(.unknownReplica, "not enrolled", cause: error)
        case .store(let storeError):
            switch storeError {
            case .foreignOrigin: return refuse(.foreignOrigin, "change from another origin", cause: error)
            case .sequenceGap(_, let expected, let got):
                return refuse(.sequenceGap, "expected sequence \(expected), got \(got)", cause: error)
            case .conflictingDuplicate:
                return refuse(.sequenceReused, "a change reuses a sequence number with other content", cause: error)
            case .replayedNonce: return refuse(.replayedNonce, "bundle nonce used before", cause: error)
            case .unknownReplica: return refuse(.unknownReplica, "unknown replica", cause: error)
            case .revokedReplica: return refuse(.revokedReplica, "revoked replica", cause: error)
            case .replicaCopied: return refuse(.replicaCopied, "a second live copy of a replica file", cause: error)
            case .damaged: return refuse(.serverError, "the central store is damaged: its operator must restore it from a backup", cause: error)
            default: return refuse(.serverError, "store error", cause: error)
            }
        }
    }

    /// The directory a reply carries when the upload asks for it (BUNDLE.md, "Directory").
    /// Runs under the lock.
    private func directory() throws(StoreError) -> [DirectoryEntry] {
        try central.directory(limit: 100_000).map {
            DirectoryEntry(replica: $0.replica, organisation: $0.organisation, kind: $0.kind ?? "unknown")
        }
    }

    private func refuse(_ reason: RefusalReason, _ detail: String, cause: SyncError? = nil) -> Refusal {
        metrics.refusals.add(1, label: reason.rawValue)
        return Refusal(reason, detail, cause: cause)
    }

    /// Runs `body` holding the store's lock. With a `LockClock` on this thread (the HTTP
    /// request log's), the wait for the lock and the time held, by `phase`, are added to it.
    private func locked<T>(_ phase: String = "other", _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let clock = LockClock.current
        let asked = clock == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let got = clock == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        defer {
            if let clock {
                clock.wait += Double(got - asked) / 1e9
                clock.held[phase, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - got) / 1e9
            }
            lock.unlock()
        }
        return try body()
    }
}
