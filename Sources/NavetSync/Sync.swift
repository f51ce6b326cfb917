import NavetCore
import NavetStore
import NavetWire

/// Why a bundle was refused. Each case is a whole-bundle refusal: nothing was applied.
public enum SyncError: Error, Sendable {
    /// The bytes are not a valid bundle (truncated, corrupted, wrong version, ...).
    case malformed(BundleError)
    /// An upload was given where a reply was expected, or the other way round.
    case wrongKind(expected: Bundle.Kind, got: Bundle.Kind)
    /// A reply addressed to another replica.
    case notForThisReplica(recipient: ReplicaID?, this: ReplicaID)
    /// An upload addressed to another central store.
    case notForThisServer(recipient: ReplicaID, this: ReplicaID)
    /// Written under a newer schema than this program knows.
    case schemaTooNew(bundle: UInt32, supported: UInt32)
    /// A reply that is not the answer to this replica's latest upload, or whose upload was
    /// answered already (Protocol/BUNDLE.md, "Which reply a replica applies").
    /// `alreadyApplied`: it answers the latest upload, whose reply was applied before.
    case staleReply(alreadyApplied: Bool)
    /// A change that breaks the schema (unknown field, bad value, bad stamp).
    case invalidChange(index: Int, SchemaError)
    /// The signature does not verify with the shared secret.
    case badSignature
    /// This replica was created without an enrollment file, so it cannot sign anything.
    case notEnrolled
    /// Refused by the store (foreign origin, sequence gap, conflicting duplicate, I/O).
    case store(StoreError)
}

/// The sync rules between stores and bundles, shared by the CLI, the server and the tests.
public enum Sync {
    /// Builds and signs the upload a replica sends: one page of its pending changes, its
    /// cursor and the server epoch it has seen.
    /// `wantsDirectory` asks the central store to put its directory (the organisation of
    /// every replica) into the reply.
    public static func upload(_ replica: ReplicaStore, now: Int64, wantsDirectory: Bool = true) throws(SyncError) -> (bytes: [UInt8], bundle: Bundle) {
        let enrollment = try enrollment(of: replica)
        do throws(StoreError) {
            // A purge left pending by an earlier redaction is retried first, so the upload
            // acknowledges it when it completes now (Protocol/BUNDLE.md, "Redactions").
            // A failure leaves it pending and unacknowledged; the upload goes on.
            _ = try? replica.completePurge()
            let content = try replica.uploadContent()
            // In an upload, `new cursor` carries the sync token and `ack` the replica's
            // acknowledgement (Protocol/BUNDLE.md, "Replica identity").
            let signer = BundleSigner.fresh(keyID: replica.replicaID, secret: enrollment.secret, now: now)
            var bundle = Bundle(kind: .upload, schemaVersion: replica.schema.version, sender: replica.replicaID,
                                recipient: enrollment.server, createdAt: now, cursor: content.cursor,
                                newCursor: content.token, ack: content.acked,
                                epoch: try replica.epoch(), changes: content.changes, wantsDirectory: wantsDirectory,
                                redactionAck: try replica.redactionAck())
            // The read log travels upward only, a page at a time (Protocol/BUNDLE.md, "Read log").
            if let run = try replica.readLogRun() {
                bundle.readLog = ReadLogUpload(ownCheckFailed: run.ownCheckFailed, from: run.from, last: run.last,
                                               entries: run.entries)
            }
            let bytes = BundleCodec.encode(bundle, signer: signer)
            // From now on only the answer to this upload is applied (BUNDLE.md, "Which reply a
            // replica applies").
            try replica.noteUpload(uploadID(ofNonce: signer.nonce))
            return (bytes, bundle)
        } catch {
            throw .store(error)
        }
    }

    /// The sync token of a reply: the first 8 bytes of its signature nonce, big-endian, top bit cleared
    /// (Protocol/BUNDLE.md, "Replica identity"). 0 means none.
    public static func token(ofNonce nonce: [UInt8]) -> UInt64 {
        // The top bit is cleared: header counters are 0 ..< 2^63 (BUNDLE.md, "Conventions").
        nonce.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & 0x7FFF_FFFF_FFFF_FFFF
    }

    /// The id of an upload: the first 8 bytes of its nonce, big-endian, top bit cleared
    /// (Protocol/BUNDLE.md, "Which reply a replica applies").
    public static func uploadID(ofNonce nonce: [UInt8]) -> UInt64 { token(ofNonce: nonce) }

    /// The id of the upload a reply answers: its nonce's bytes 8 ..< 16, which the server
    /// copies from the first 8 bytes of the upload's nonce.
    public static func answeredUpload(ofReplyNonce nonce: [UInt8]) -> UInt64 { token(ofNonce: Array(nonce.dropFirst(8))) }

    /// A signer for the reply to the upload signed with `uploadNonce`, and the sync token it
    /// issues: its nonce is 8 fresh random bytes (the token; drawn again in the 2^-63 case
    /// that the token would be 0) followed by the upload nonce's first 8 bytes, so the
    /// replica can tell which upload the reply answers.
    public static func replySigner(keyID: ReplicaID, secret: [UInt8], now: Int64, answering uploadNonce: [UInt8]) -> (BundleSigner, UInt64) {
        let echo = Array(uploadNonce.prefix(8)) + [UInt8](repeating: 0, count: max(0, 8 - uploadNonce.count))
        while true {
            let fresh = BundleSigner.fresh(keyID: keyID, secret: secret, now: now)
            let nonce = Array(fresh.nonce.prefix(8)) + echo
            let token = token(ofNonce: nonce)
            if token != 0 { return (BundleSigner(keyID: keyID, secret: secret, timestamp: now, nonce: nonce), token) }
        }
    }

    /// The replica's enrollment; a replica made without one cannot sign anything.
    static func enrollment(of replica: ReplicaStore) throws(SyncError) -> (server: ReplicaID, url: String, secret: [UInt8]) {
        let enrollment: (server: ReplicaID, url: String, secret: [UInt8])?
        do {
            enrollment = try replica.enrollment()
        } catch {
            throw .store(error)
        }
        guard let enrollment else { throw .notEnrolled }
        return enrollment
    }

    /// Checks everything about a bundle that does not need a database: kind, schema
    /// version and every change against the schema. Runs before any write.
    public static func check(_ bundle: Bundle, kind: Bundle.Kind, schema: Schema = .current) throws(SyncError) {
        guard bundle.kind == kind else { throw .wrongKind(expected: kind, got: bundle.kind) }
        guard bundle.schemaVersion <= schema.version else {
            throw .schemaTooNew(bundle: bundle.schemaVersion, supported: schema.version)
        }
        if let refusal = schema.firstRefusal(in: bundle.changes) {
            throw .invalidChange(index: refusal.index, refusal.error)
        }
    }

    /// Decodes a reply, verifies it was signed with this replica's secret, checks it and
    /// applies it, all or nothing. Returns what was applied and whether more pages wait.
    public static func applyReply(_ bytes: [UInt8], to replica: ReplicaStore, now: Int64) throws(SyncError) -> (summary: ImportSummary, more: Bool) {
        let enrollment = try enrollment(of: replica)
        let signed: SignedBundle
        do {
            signed = try BundleCodec.decode(bytes)
        } catch {
            throw .malformed(error)
        }
        // The order of Protocol/BUNDLE.md: key, MAC, then the content.
        let bundle = signed.bundle
        // An upload (often this replica's own export) is named as such before its address
        // is checked: its recipient is the central store, never a replica.
        guard bundle.kind == .reply else { throw .wrongKind(expected: .reply, got: bundle.kind) }
        guard bundle.recipient == replica.replicaID, signed.signature.keyID == replica.replicaID else {
            throw .notForThisReplica(recipient: bundle.recipient, this: replica.replicaID)
        }
        guard BundleCodec.verify(bytes, secret: enrollment.secret) else { throw .badSignature }
        guard bundle.sender == enrollment.server else {
            throw .store(.wrongServer(expected: enrollment.server, got: bundle.sender))
        }
        try check(bundle, kind: .reply, schema: replica.schema)
        // Only the answer to the latest upload, and only once: an older reply (replayed,
        // reordered, from before a purge) would bring back what later replies purged.
        let answering = answeredUpload(ofReplyNonce: signed.signature.nonce)
        let standing: ReplyStanding
        do {
            standing = try replica.standing(ofReplyAnswering: answering)
        } catch {
            throw .store(error)
        }
        switch standing {
        case .latest: break
        case .alreadyAnswered: throw .staleReply(alreadyApplied: true)
        case .stale: throw .staleReply(alreadyApplied: false)
        }
        return try apply(bundle, token: token(ofNonce: signed.signature.nonce), answering: answering, to: replica, now: now)
    }

    /// What a reply carries besides changes, as the store takes it (Filtering.swift).
    public static func filtering(of bundle: Bundle) -> ReplyFiltering {
        ReplyFiltering(redactions: bundle.redactions, refusals: bundle.refusals, permissions: bundle.permissions,
                       mayRegister: bundle.permissions == nil ? nil : bundle.mayRegister,
                       checkpoint: bundle.checkpoint)
    }

    /// Applies a reply that was decoded, verified and checked (`applyReply` does all of that
    /// first): its redactions, refusals, permissions and changes in one transaction, then
    /// its directory. `token` is the reply's sync token (0 = none); `answering` the upload it
    /// answers, marked answered in the same transaction (nil: not checked, for tests).
    public static func apply(_ bundle: Bundle, token: UInt64, answering: UInt64? = nil, to replica: ReplicaStore, now: Int64) throws(SyncError) -> (summary: ImportSummary, more: Bool) {
        do {
            let epochBefore = try replica.epoch()
            let summary = try replica.applyReply(
                server: bundle.sender, cursor: bundle.cursor, newCursor: bundle.newCursor, ack: bundle.ack,
                epoch: bundle.epoch, changes: bundle.changes, token: token, filtering: filtering(of: bundle),
                answering: answering, now: now)
            if let directory = bundle.directory {
                try replica.replaceDirectory(directory.map {
                    OriginName(replica: $0.replica, organisation: $0.organisation, kind: $0.kind)
                }, now: now)
            }
            let carriesReadLog = bundle.readLogAck != 0 || !bundle.purposeTags.isEmpty
            try replica.applyReadLogReply(ack: carriesReadLog ? bundle.readLogAck : nil,
                                          purposeTags: bundle.permissions != nil || bundle.policyVersion != 0 ? bundle.purposeTags : nil,
                                          epochChanged: epochBefore != 0 && bundle.epoch != epochBefore)
            return (summary, bundle.more)
        } catch {
            throw .store(error)
        }
    }
}

extension Bundle {
    /// In an upload: the sync token of the last reply the sender applied (0 = none),
    /// carried in the `new cursor` field (Protocol/BUNDLE.md, "Replica identity").
    public var uploadToken: UInt64 { newCursor }
}
