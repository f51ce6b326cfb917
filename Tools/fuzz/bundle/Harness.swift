// libFuzzer harness for the bundle reader (`BundleCodec.decode`) and the MAC check
// (`BundleCodec.verify`). Build and run with `Tools/fuzz/run.sh bundle SECONDS`. The
// NavetWire sources are compiled into this module, so internal API is visible here;
// NavetCore, NavetCrypto and CZlib are built first as modules of their own
// (modules.txt).
//
// Every input is tried three ways:
// A. as a bundle file, as it is;
// B. as a bundle file whose checksum is recomputed (and, if it is long enough, its MAC
//    under the test secret), so that mutations of the header, the zlib stream and the
//    signature section get past the checksum;
// C. as an uncompressed payload of each format version the reader reads (3 and 4, whose
//    columns differ): decoded on its own and, when accepted, framed into a bundle (with
//    access fields drawn from the input) that must decode to the same bundle;
// D. as an access section (format version 3) of an upload and of a reply: decoded on its
//    own and, when accepted, it must be canonical and frame into a bundle that decodes equal.
//
// Checked, for every decode:
// 1. it never traps or hangs, and refuses only with an error the spec lists;
// 2. an accepted file is exactly 174 + C bytes and its payload is canonical:
//    encoding the decoded bundle (changes, directory, access section) gives back exactly
//    the inflated bytes; every access field is in range and of the right kind;
// 3. re-encoding the decoded bundle with the decoded key id, timestamp and nonce and
//    the test secret gives bytes that decode to an equal bundle and signature fields,
//    and whose MAC verifies under that secret and not under another;
// 4. under tiny limits a file gives the same bundle or a `tooLarge`, never anything
//    else, and a file refused under the real limits is refused under tiny ones too.
// And `verify` never traps for any input and secret; it is false for secrets shorter
// than 32 bytes and inputs shorter than an empty bundle, and true once the MAC has been
// recomputed with the secret. Any violation traps, which libFuzzer reports as a crash.

import NavetCore
import NavetCrypto

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkFile(bytes)
    if let fixed = withRepairedChecksum(bytes) {
        checkFile(fixed)
    }
    for version in BundleCodec.readableVersions { checkPayload(bytes, version: version) }
    checkAccessSection(bytes)
    return 0
}

/// The test secret of BUNDLE.md and ENROLLMENT.md: the bytes 00 01 02 … 1f.
let testSecret: [UInt8] = (0..<32).map { UInt8($0) }
/// Another valid secret, under which nothing the harness signs may verify.
let otherSecret: [UInt8] = (0..<32).map { UInt8(0xA0 &+ $0) }

/// Limits small enough that short inputs reach every one of them.
let tinyLimits = BundleLimits(
    maxCompressedBytes: 256, maxUncompressedBytes: 384, maxChangeCount: 3, maxTextBytes: 6, maxNameBytes: 5,
    maxRedactions: 2, maxRedactedChanges: 3, maxRefusals: 2, maxPermissions: 2
)

func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("bundle invariant violated: \(message())") }
}

// MARK: - A and B: whole files

func decodeResult(_ bytes: [UInt8], limits: BundleLimits) -> Result<SignedBundle, BundleError> {
    Result { () throws(BundleError) -> SignedBundle in try BundleCodec.decode(bytes, limits: limits) }
}

func checkFile(_ bytes: [UInt8]) {
    let result = decodeResult(bytes, limits: BundleCodec.limits)
    // The public entry point is the same function with the real limits.
    let viaPublic = Result { () throws(BundleError) -> SignedBundle in try BundleCodec.decode(bytes) }
    invariant(viaPublic == result, "decode(_:) and decode(_:limits:) disagree")
    checkVerify(bytes)

    let tiny = decodeResult(bytes, limits: tinyLimits)
    switch (result, tiny) {
    case (.success(let signed), .success(let small)):
        invariant(signed == small, "tiny limits changed the decoded bundle")
    case (.success, .failure(let error)):
        invariant(isTooLarge(error), "tiny limits refused an accepted file with \(error.code)")
    case (.failure, .success):
        invariant(false, "tiny limits accepted a file the real limits refuse")
    case (.failure(let error), .failure(let small)):
        invariant(small == error || isTooLarge(small), "tiny limits changed \(error.code) into \(small.code)")
    }

    if case .success(let signed) = result {
        checkAccepted(bytes, signed)
    }
}

func isTooLarge(_ error: BundleError) -> Bool {
    if case .tooLarge = error { return true }
    return false
}

func checkAccepted(_ bytes: [UInt8], _ signed: SignedBundle) {
    let header = BundleCodec.Header(parsing: bytes)
    let compressedLength = Int(header.compressedLength)
    invariant(bytes.count == BundleCodec.frameByteCount + compressedLength, "accepted file is not 174 + C bytes")
    invariant(BundlePayload.isValidID(signed.signature.keyID.rawValue), "accepted an invalid key id")
    invariant(!(signed.bundle.more && signed.bundle.kind == .upload), "accepted more in an upload")
    let bundle = signed.bundle
    invariant([bundle.cursor, bundle.newCursor, bundle.ack, bundle.epoch].allSatisfy(BundlePayload.isCounter),
              "accepted a cursor, ack or epoch outside 0 ..< 2^63")
    invariant(bundle.changes.allSatisfy { change in
        BundlePayload.isValidID(change.seq) && BundlePayload.isValidVersion(change.version)
            && change.replaces.allSatisfy { BundlePayload.isValidVersion($0.version) }
    }, "accepted a sequence number or version out of range")
    invariant(signed.signature.mac[...] == bytes[(bytes.count - 32)...], "signature MAC is not the last 32 bytes")
    checkAccessFields(bundle)

    // The payload is canonical: the decoded changes encode to exactly the inflated bytes.
    let range = BundleCodec.headerByteCount..<(BundleCodec.headerByteCount + compressedLength)
    guard case .inflated(let payload) = Zlib.inflate(bytes, range: range, expectedLength: Int(header.uncompressedLength)) else {
        invariant(false, "accepted a file whose payload does not inflate")
        return
    }
    invariant(signed.formatVersion == header.version && BundleCodec.readableVersions.contains(header.version),
              "accepted a format version it does not read")
    invariant(BundleCodec.payload(of: signed.bundle, version: header.version).bytes == payload, "payload is not canonical")

    checkRoundTrip(signed)
}

/// The access fields of an accepted bundle: each in its range, of its kind, in order.
func checkAccessFields(_ bundle: Bundle) {
    invariant(BundlePayload.isCounter(bundle.redactionAck) && BundlePayload.isCounter(bundle.policyVersion),
              "accepted a redaction ack or policy version outside 0 ..< 2^63")
    if bundle.kind == .upload {
        invariant(bundle.policyVersion == 0 && bundle.redactions.isEmpty && bundle.refusals.isEmpty && bundle.permissions == nil
                  && bundle.readLogAck == 0 && bundle.purposeTags.isEmpty && bundle.checkpoint == nil,
                  "accepted a reply's access part in an upload")
    } else {
        invariant(bundle.redactionAck == 0 && bundle.readLog == nil, "accepted an upload's access part in a reply")
    }
    invariant(BundlePayload.isCounter(bundle.readLogAck), "accepted a read-log ack outside 0 ..< 2^63")
    if let checkpoint = bundle.checkpoint {
        invariant(BundlePayload.isValidID(checkpoint.row) && checkpoint.head.count == 32 && checkpoint.mac.count == 32,
                  "accepted a bad ledger checkpoint")
    }
    if let run = bundle.readLog {
        invariant(BundlePayload.isValidID(run.from) && BundlePayload.isCounter(run.last) && run.from <= run.last + 1
                  && run.entries.count <= AccessSection.maxReadLogEntries, "accepted a bad read-log run")
        invariant(zip(run.entries, run.entries.dropFirst()).allSatisfy { $0.seq < $1.seq }
                  && run.entries.allSatisfy { $0.seq >= run.from && $0.seq <= run.last && BundlePayload.isValidID($0.replica.rawValue)
                                              && $0.previousHash.count == 32 && $0.hash.count == 32 },
                  "accepted read-log entries out of order or range")
    }
    invariant(zip(bundle.redactions, bundle.redactions.dropFirst()).allSatisfy { $0.id < $1.id }, "redactions out of order")
    invariant(bundle.redactions.reduce(0) { $0 + $1.changes.count } <= AccessSection.maxRedactedChanges, "too many redacted changes")
    for redaction in bundle.redactions {
        invariant(BundlePayload.isValidID(redaction.id) && BundlePayload.isValidID(redaction.child.rawValue)
                  && AccessSection.isValidReason(Array(redaction.reason.utf8)) && !redaction.changes.isEmpty,
                  "accepted a bad redaction")
        invariant(zip(redaction.changes, redaction.changes.dropFirst()).allSatisfy { $0 < $1 }, "redacted changes out of order")
        invariant(redaction.changes.allSatisfy { BundlePayload.isValidID($0.origin.rawValue) && BundlePayload.isValidID($0.seq) },
                  "accepted a redacted change out of range")
    }
    invariant(zip(bundle.refusals, bundle.refusals.dropFirst()).allSatisfy { $0.seq < $1.seq }, "refusals out of order")
    invariant(bundle.refusals.allSatisfy { BundlePayload.isValidID($0.seq) && AccessSection.isValidReason(Array($0.reason.utf8)) },
              "accepted a bad refusal")
    for permission in bundle.permissions ?? [] {
        invariant(BundlePayload.isValidID(permission.child.rawValue) && permission.write.isSubset(of: permission.read),
                  "accepted a bad permission")
    }
}

/// Access fields for a bundle of `kind`, drawn from `next` (the same input gives the same fields).
func drawAccess(_ bundle: inout Bundle, _ next: () -> UInt64) {
    let ids: [UInt64] = [1, 2, 41, UInt64(Int64.max), next() >> 1 | 1]
    func id() -> UInt64 { ids[Int(next() % 5)] }
    let reasons = ["a", "membership_ended", "tag_not_writable", String(repeating: "z_9", count: 21) + "x"]
    func reason() -> String { reasons[Int(next() % 4)] }
    if bundle.kind == .upload {
        bundle.redactionAck = next() % 3 == 0 ? 0 : id()
        // The audit part (BUNDLE.md, "Audit part"): sometimes, a short read-log run.
        if next() % 2 == 0 {
            let from = 1 + next() % 5
            let count = Int(next() % 3)
            bundle.readLog = ReadLogUpload(ownCheckFailed: next() % 2 == 0, from: from, last: from + UInt64(count) + next() % 2,
                                           entries: (0..<count).map { index in
                AuditEntry(seq: from + UInt64(index), replica: ReplicaID(rawValue: id()), time: Int64(bitPattern: next()),
                           user: ["", "åsa", "x"][Int(next() % 3)], kind: "display", command: "child list",
                           records: (0..<Int(next() % 3)).map { _ in RecordID(rawValue: next()) }, fields: ["child.name"],
                           tags: next() % 2 == 0 ? [] : ["basic", "not,a tag"], purpose: next() % 2 == 0 ? nil : "Inför möte",
                           previousHash: [UInt8](repeating: UInt8(truncatingIfNeeded: next()), count: 32),
                           hash: [UInt8](repeating: UInt8(truncatingIfNeeded: next()), count: 32))
            })
        }
        return
    }
    if next() % 2 == 0 {
        bundle.readLogAck = next() % 2 == 0 ? 0 : next() >> 1
        bundle.purposeTags = Tag.vocabulary.filter { _ in next() % 3 == 0 }.map(\.rawValue).sorted()
    }
    // The audit part's third piece: sometimes, a ledger checkpoint (any bytes; the codec does
    // not check the MAC).
    if next() % 2 == 0 {
        bundle.checkpoint = LedgerCheckpoint(row: id(), head: [UInt8](repeating: UInt8(truncatingIfNeeded: next()), count: 32),
                                             signedAt: Int64(bitPattern: next()),
                                             mac: [UInt8](repeating: UInt8(truncatingIfNeeded: next()), count: 32))
    }
    bundle.policyVersion = next() % 3 == 0 ? 0 : id()
    var redactionIDs = Set<UInt64>()
    for _ in 0..<Int(next() % 3) { redactionIDs.insert(id()) }
    bundle.redactions = redactionIDs.sorted().map { redactionID in
        var refs = Set<ChangeRef>()
        for _ in 0..<(1 + Int(next() % 3)) { refs.insert(ChangeRef(origin: ReplicaID(rawValue: id()), seq: id())) }
        return Redaction(id: redactionID, child: RecordID(rawValue: id()), reason: reason(), changes: refs.sorted())
    }
    var seqs = Set<UInt64>()
    for _ in 0..<Int(next() % 3) { seqs.insert(id()) }
    bundle.refusals = seqs.sorted().map { ChangeRefusal(seq: $0, reason: reason()) }
    if next() % 2 == 0 {
        var children = Set<UInt64>()
        for _ in 0..<Int(next() % 3) { children.insert(id()) }
        bundle.permissions = children.sorted().map { child in
            let read = Set(Tag.vocabulary.filter { _ in next() % 2 == 0 })
            return ChildPermission(child: RecordID(rawValue: child), read: read, write: read.filter { _ in next() % 2 == 0 },
                                   roles: Set(HubRole.allCases.filter { _ in next() % 3 == 0 }))
        }
        // The grants part (BUNDLE.md, "Grants"): sometimes, with random details.
        if next() % 2 == 0 {
            bundle.mayRegister = next() % 2 == 0
            for index in bundle.permissions?.indices ?? [].indices where next() % 2 == 0 {
                bundle.permissions?[index].fields = Set(AccessSection.grantableFields.filter { _ in next() % 4 == 0 }
                    .compactMap { FieldRef($0) })
                bundle.permissions?[index].episodes = Set((0..<Int(next() % 3)).map { _ in RecordID(rawValue: id()) })
                bundle.permissions?[index].isRegistrar = next() % 2 == 0
                bundle.permissions?[index].mayChangeHub = next() % 2 == 0
                bundle.permissions?[index].mayRecordConsent = next() % 2 == 0
            }
        }
    }
}

// MARK: - D: the input as an access section

func checkAccessSection(_ bytes: [UInt8]) {
    for kind in [Bundle.Kind.upload, .reply] {
        let result = Result { () throws(BundleError) -> AccessSection.Fields in
            try AccessSection.decode(bytes, from: 0, kind: kind)
        }
        let tiny = Result { () throws(BundleError) -> AccessSection.Fields in
            try AccessSection.decode(bytes, from: 0, kind: kind, limits: tinyLimits)
        }
        switch (result, tiny) {
        case (.success(let fields), .success(let small)):
            invariant(fields == small, "tiny limits changed the decoded access section")
        case (.success, .failure(let error)):
            invariant(isTooLarge(error), "tiny limits refused an accepted access section with \(error.code)")
        case (.failure, .success):
            invariant(false, "tiny limits accepted an access section the real limits refuse")
        case (.failure(let error), .failure(let small)):
            invariant(small == error || isTooLarge(small), "tiny limits changed \(error.code) into \(small.code)")
        }
        let fields: AccessSection.Fields
        do throws(BundleError) {
            fields = try result.get()
        } catch {
            switch error {
            case .malformedPayload, .tooLarge, .invalidValue: continue
            default: invariant(false, "access section refused with a frame error: \(error.code)")
            }
            continue
        }
        var bundle = Bundle(
            kind: kind, schemaVersion: 2, sender: ReplicaID(rawValue: 1), recipient: ReplicaID(rawValue: 2), createdAt: 0,
            cursor: 0, changes: [], redactionAck: fields.redactionAck, redactions: fields.redactions, refusals: fields.refusals,
            permissions: fields.permissions, policyVersion: fields.policyVersion
        )
        bundle.mayRegister = fields.mayRegister
        bundle.readLog = fields.readLog
        bundle.readLogAck = fields.readLogAck
        bundle.purposeTags = fields.purposeTags
        bundle.checkpoint = fields.checkpoint
        checkAccessFields(bundle)
        var again = [UInt8]()
        AccessSection.encode(bundle, to: &again)
        invariant(again == bytes, "access section is not canonical")
        let signer = BundleSigner(keyID: ReplicaID(rawValue: 1), secret: testSecret, timestamp: 0,
                                  nonce: [UInt8](repeating: 7, count: 16))
        switch decodeResult(BundleCodec.encode(bundle, signer: signer), limits: BundleCodec.limits) {
        case .success(let back): invariant(back.bundle == bundle, "access section round trip changed the bundle")
        case .failure(let error): invariant(false, "bundle with an accepted access section refused: \(error.code)")
        }
        // The same section in a bundle of the other kind is refused unless it only holds
        // the audit part, the one part both kinds carry (with a different content).
        bundle.kind = kind == .upload ? .reply : .upload
        invariant(bytes.first == AccessSection.auditPart || (try? AccessSection.decode(bytes, from: 0, kind: bundle.kind)) == nil,
                  "an access section was accepted in both kinds")
    }
}

/// Re-encodes with the decoded signer fields and the test secret; must decode equal.
func checkRoundTrip(_ signed: SignedBundle) {
    let signature = signed.signature
    let signer = BundleSigner(
        keyID: signature.keyID, secret: testSecret, timestamp: signature.timestamp, nonce: signature.nonce
    )
    let again = BundleCodec.encode(signed.bundle, signer: signer, version: signed.formatVersion)
    switch decodeResult(again, limits: BundleCodec.limits) {
    case .failure(let error):
        invariant(false, "re-encoded bundle refused: \(error.code) \(error)")
    case .success(let back):
        invariant(back.bundle == signed.bundle, "round trip changed the bundle")
        invariant(back.formatVersion == signed.formatVersion, "round trip changed the format version")
        invariant(back.signature.keyID == signature.keyID, "round trip changed the key id")
        invariant(back.signature.timestamp == signature.timestamp, "round trip changed the timestamp")
        invariant(back.signature.nonce == signature.nonce, "round trip changed the nonce")
    }
    invariant(BundleCodec.verify(again, secret: testSecret), "re-encoded bundle does not verify under its secret")
    invariant(!BundleCodec.verify(again, secret: otherSecret), "re-encoded bundle verifies under another secret")
}

/// `verify` under secrets of every interesting length: the test secret, none, and one
/// taken from the input (0–96 bytes, so shorter than, equal to and longer than the
/// HMAC block).
func checkVerify(_ bytes: [UInt8]) {
    let length = Int(bytes.last ?? 0) % 97
    let fromInput = Array(bytes.prefix(length)) + [UInt8](repeating: 0x5A, count: max(0, length - bytes.count))
    for secret in [testSecret, [], fromInput] {
        let verified = BundleCodec.verify(bytes, secret: secret)
        if secret.count < 32 || bytes.count < BundleCodec.frameByteCount {
            invariant(!verified, "verify accepted a short secret or a short input")
        }
        if verified {
            let macStart = bytes.count - 32
            invariant(
                HMACSHA256.authenticate(message: bytes[..<macStart], key: secret) == Array(bytes[macStart...]),
                "verify accepted a wrong MAC"
            )
        }
    }
}

/// The input with the checksum recomputed where its header says it is, and the MAC
/// recomputed with the test secret when the input is as long as an empty bundle; nil
/// when there is nothing to repair.
func withRepairedChecksum(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= BundleCodec.headerByteCount, bytes.starts(with: BundleCodec.magic) else { return nil }
    var fixed = bytes
    let compressedLength = Int(BundleCodec.Header(parsing: bytes).compressedLength)
    let payloadEnd = BundleCodec.headerByteCount + compressedLength
    if payloadEnd + BundleCodec.checksumByteCount <= bytes.count {
        fixed.replaceSubrange(payloadEnd..<(payloadEnd + BundleCodec.checksumByteCount), with: SHA256.hash(bytes[..<payloadEnd]))
    }
    if fixed.count >= BundleCodec.frameByteCount {
        let macStart = fixed.count - BundleSignature.macByteCount
        fixed.replaceSubrange(macStart..., with: HMACSHA256.authenticate(message: fixed[..<macStart], key: testSecret))
        invariant(BundleCodec.verify(fixed, secret: testSecret), "verify refused a freshly computed MAC")
        invariant(!BundleCodec.verify(fixed, secret: otherSecret), "verify accepted the MAC of another secret")
    }
    return fixed == bytes ? nil : fixed
}

// MARK: - C: the input as a payload

func checkPayload(_ bytes: [UInt8], version: UInt16) {
    let result = Result { () throws(BundleError) -> [Change] in
        try BundlePayload.decode(bytes, limits: BundleCodec.limits, version: version)
    }
    let tiny = Result { () throws(BundleError) -> [Change] in try BundlePayload.decode(bytes, limits: tinyLimits, version: version) }
    switch (result, tiny) {
    case (.success(let changes), .success(let small)):
        invariant(changes == small, "tiny limits changed the decoded payload")
    case (.success, .failure(let error)):
        invariant(isTooLarge(error), "tiny limits refused an accepted payload with \(error.code)")
    case (.failure, .success):
        invariant(false, "tiny limits accepted a payload the real limits refuse")
    case (.failure(let error), .failure(let small)):
        invariant(small == error || isTooLarge(small), "tiny limits changed \(error.code) into \(small.code)")
    }
    let changes: [Change]
    switch result {
    case .failure(let error):
        switch error {
        case .malformedPayload, .tooLarge, .invalidValue: break
        default: invariant(false, "payload refused with a frame error: \(error.code)")
        }
        return
    case .success(let decoded):
        changes = decoded
    }
    invariant(BundlePayload.encode(changes, limits: BundleCodec.limits, version: version) == bytes, "payload is not canonical")

    // Frame it with header values drawn from the input, and decode the file.
    var seed = fnv1a(bytes) | 1
    func next() -> UInt64 {
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
        return seed
    }
    let ids: [UInt64] = [1, UInt64(Int64.max), 0x0a11_ce00_0000_0001, next() >> 1 | 1]
    let anything: [UInt64] = [0, 1, UInt64.max, UInt64(Int64.max), 1 << 63, next()]
    // Cursor, new cursor, ack and epoch: 0 ..< 2^63 (BUNDLE.md, "Conventions").
    let counters: [UInt64] = [0, 1, UInt64(Int64.max), UInt64(Int64.max) - 1, 1 << 62, next() >> 1]
    let kind: Bundle.Kind = next() & 1 == 0 ? .upload : .reply
    let sender = ReplicaID(rawValue: ids[Int(next() % 4)])
    let recipient = next() % 5 == 0 ? nil : ReplicaID(rawValue: ids[Int(next() % 4)])
    let bundle = Bundle(
        kind: kind, schemaVersion: UInt32(truncatingIfNeeded: anything[Int(next() % 6)]), sender: sender,
        recipient: recipient, createdAt: Int64(bitPattern: anything[Int(next() % 6)]),
        cursor: counters[Int(next() % 6)], newCursor: counters[Int(next() % 6)], ack: counters[Int(next() % 6)],
        epoch: counters[Int(next() % 6)], more: kind == .reply && next() & 1 == 0, changes: changes
    )
    let nonce = (0..<16).map { _ in UInt8(truncatingIfNeeded: next()) }
    let signed = SignedBundle(
        bundle: bundle,
        signature: BundleSignature(
            keyID: recipient ?? sender, timestamp: Int64(bitPattern: anything[Int(next() % 6)]), nonce: nonce,
            mac: [UInt8](repeating: 0, count: 32)
        ),
        formatVersion: version
    )
    checkRoundTrip(signed)
    // With access fields drawn from the input (format version 3), it round-trips too.
    var withAccess = bundle
    withAccess.directory = next() % 2 == 0 && kind == .reply
        ? [DirectoryEntry(replica: ReplicaID(rawValue: 3), organisation: "Skolan", kind: "school")] : nil
    drawAccess(&withAccess, next)
    checkRoundTrip(SignedBundle(bundle: withAccess, signature: signed.signature, formatVersion: version))
    // The same file with one counter at 2^63 or above is refused, and says which.
    let compressed = Zlib.compress(bytes, level: BundleCodec.compressionLevel)
    let header = BundleCodec.Header(
        version: version, kind: kind.rawValue, flags: bundle.more ? BundleCodec.moreFlag : 0,
        schemaVersion: bundle.schemaVersion, sender: sender.rawValue, recipient: recipient?.rawValue ?? 0,
        createdAt: bundle.createdAt, cursor: bundle.cursor, newCursor: bundle.newCursor, ack: bundle.ack,
        epoch: bundle.epoch, uncompressedLength: UInt32(bytes.count), compressedLength: UInt32(compressed.count))
    let outOfRange = [UInt64(1) << 63, UInt64.max, 1 << 63 | next()][Int(next() % 3)]
    let edits: [(String, (inout BundleCodec.Header) -> Void)] = [
        ("cursor", { $0.cursor = outOfRange }), ("new cursor", { $0.newCursor = outOfRange }),
        ("ack", { $0.ack = outOfRange }), ("epoch", { $0.epoch = outOfRange }),
    ]
    let (name, edit) = edits[Int(next() % 4)]
    var broken = header
    edit(&broken)
    let signer = BundleSigner(keyID: recipient ?? sender, secret: testSecret, timestamp: 0, nonce: nonce)
    if case .failure(let error) = decodeResult(BundleCodec.frame(header: broken, compressedPayload: compressed, signer: signer),
                                               limits: BundleCodec.limits) {
        invariant(error == .invalidValue("\(name) outside 0 ..< 2^63"), "\(name) out of range refused with \(error.code)")
    } else {
        invariant(false, "accepted a \(name) outside 0 ..< 2^63")
    }
    // Also through the block-hint-free and stored (level 0) zlib paths.
    for (level, hints) in [(Int32(0), true), (Int32(9), false)] {
        let file = BundleCodec.encode(bundle, signer: signer, level: level, blockHints: hints, version: version)
        switch decodeResult(file, limits: BundleCodec.limits) {
        case .success(let back): invariant(back.bundle == bundle, "level \(level) round trip changed the bundle")
        case .failure(let error): invariant(false, "level \(level) bundle refused: \(error.code)")
        }
    }
}

func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}
