import NavetCore
import NavetCrypto

/// The limits a bundle reader enforces and a writer must stay within
/// (`Protocol/BUNDLE.md`, "Limits a reader enforces").
///
/// The sync layer reads these to page replies: a bundle beyond any of them cannot be
/// written (`BundleCodec.encode` stops with a precondition failure) nor read.
public struct BundleLimits: Hashable, Sendable {
    /// Largest compressed payload, in bytes.
    public var maxCompressedBytes: Int
    /// Largest uncompressed payload, in bytes; also the most a reader ever allocates for it.
    public var maxUncompressedBytes: Int
    /// Most changes in one bundle.
    public var maxChangeCount: Int
    /// Longest text value, in UTF-8 bytes.
    public var maxTextBytes: Int
    /// Longest record type, field or tag name, in UTF-8 bytes.
    public var maxNameBytes: Int
    /// Most redactions in one bundle (access section, format version 3).
    public var maxRedactions: Int
    /// Most changes in one redaction, and in all redactions of one bundle together.
    public var maxRedactedChanges: Int
    /// Most refusals in one bundle.
    public var maxRefusals: Int
    /// Most children in the permissions part.
    public var maxPermissions: Int

    /// The limits of format version 1, unchanged in versions 2 and 3, with the access
    /// section's of version 3 (`AccessSection`).
    public static let v1 = BundleLimits(
        maxCompressedBytes: 256 << 20, maxUncompressedBytes: 256 << 20,
        maxChangeCount: 1_000_000, maxTextBytes: 1 << 20, maxNameBytes: 255
    )

    init(maxCompressedBytes: Int, maxUncompressedBytes: Int, maxChangeCount: Int, maxTextBytes: Int, maxNameBytes: Int,
         maxRedactions: Int = AccessSection.maxRedactions, maxRedactedChanges: Int = AccessSection.maxRedactedChanges,
         maxRefusals: Int = AccessSection.maxRefusals, maxPermissions: Int = AccessSection.maxPermissions) {
        self.maxCompressedBytes = maxCompressedBytes
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxChangeCount = maxChangeCount
        self.maxTextBytes = maxTextBytes
        self.maxNameBytes = maxNameBytes
        self.maxRedactions = maxRedactions
        self.maxRedactedChanges = maxRedactedChanges
        self.maxRefusals = maxRefusals
        self.maxPermissions = maxPermissions
    }
}

/// Encodes and decodes bundles in the Navet bundle format, versions 3 and 4 (`Protocol/BUNDLE.md`).
///
/// All three operations are pure functions over bytes: no files, no clock, no randomness
/// (the signer brings its own time and nonce). The decoder is written for hostile input:
/// it checks every length against the bytes present and `BundleLimits.v1` before
/// allocating, and returns either exactly the bundle that was encoded or a `BundleError`.
///
/// A receiver follows the order of BUNDLE.md, "Receiving a bundle": `decode` (structure
/// and checksum, no key needed), look up the secret of `signature.keyID`, `verify` (the
/// MAC, in constant time), then its own timestamp, nonce and payload checks.
public enum BundleCodec {
    /// The format version this codec writes by default.
    public static let formatVersion: UInt16 = 4

    /// The format versions this codec reads and can write: 3 (the columns laid out one
    /// value after another) and 4 (predicted columns, BUNDLE.md "Changes from version 3").
    /// A server answers each upload in the upload's version, so replicas not yet updated
    /// keep syncing.
    public static let readableVersions: ClosedRange<UInt16> = 3...4

    /// The readable versions as people read them in messages: "3–4".
    public static var readableVersionsText: String { "\(readableVersions.lowerBound)–\(readableVersions.upperBound)" }

    /// The limits this codec enforces.
    public static let limits = BundleLimits.v1

    /// "NAVB".
    static let magic: [UInt8] = [0x4E, 0x41, 0x56, 0x42]
    static let headerByteCount = 76
    static let checksumByteCount = SHA256.digestByteCount
    static let signatureLengthByteCount = 2
    /// S: key id (8), timestamp (8), nonce (16), MAC (32). The only length versions 2 and 3 allow.
    static let signatureByteCount = 8 + 8 + BundleSignature.nonceByteCount + BundleSignature.macByteCount
    /// Everything but the compressed payload: a bundle file is exactly `frameByteCount + C` bytes.
    static let frameByteCount = headerByteCount + checksumByteCount + signatureLengthByteCount + signatureByteCount
    /// Flags bit 0: a reply with more changes waiting at the server.
    static let moreFlag: UInt8 = 0x01
    /// Flags bit 1: an upload asks for the directory in the reply.
    static let wantsDirectoryFlag: UInt8 = 0x02
    /// Flags bit 2: a reply's payload ends with a directory section.
    static let directoryFlag: UInt8 = 0x04
    /// Flags bit 3: the payload ends with the access section (redaction ack, policy
    /// version, redactions, refusals, permissions; BUNDLE.md, "Access section").
    static let accessFlag: UInt8 = 0x08
    /// The flag bits version 3 defines; a reader refuses any other.
    static let knownFlags: UInt8 = moreFlag | wantsDirectoryFlag | directoryFlag | accessFlag
    /// Deflate's largest possible expansion ratio (zlib FAQ / technical details); a
    /// declared uncompressed length beyond it cannot be true.
    static let maxInflateRatio = 1032
    /// zlib's default. Level 9 measured within 0.1% of it on the benchmark workload (either
    /// way round) while costing more time on large replies (BUNDLE.md, "Why this layout").
    static let compressionLevel: Int32 = 6

    /// Encodes `bundle` as a bundle file of format version 4 (`formatVersion`) signed by `signer`.
    ///
    /// The MAC is HMAC-SHA256 under `signer.secret` of every byte before it; the key id,
    /// timestamp and nonce are written from `signer` as given. An upload is signed with
    /// its sender's secret, a reply with its recipient's (BUNDLE.md, "Signature section");
    /// the codec does not check which key is used, the receiver does.
    ///
    /// Cost: linear in the bundle, dominated by deflate, plus two SHA-256 passes over the
    /// compressed bytes (checksum and MAC).
    ///
    /// Precondition: the bundle is within `limits`, every id (sender, recipient, origins,
    /// record ids) and sequence number is in 1 ..< 2^63, every version in 1 ..< 2^62, cursor, new cursor, ack
    /// and epoch are in 0 ..< 2^63, and an upload does not set `more`; an upload carries
    /// no directory, policy version, redactions, refusals or permissions and a reply no
    /// redaction ack; the access fields are within `AccessSection.encode`'s preconditions
    /// (ranges, limits, no repeats, valid reason codes, write tags readable). These hold
    /// for bundles the sync layer builds from the store; a bundle outside them is a bug in
    /// the caller, which must page its changes.
    public static func encode(_ bundle: Bundle, signer: BundleSigner) -> [UInt8] {
        encode(bundle, signer: signer, level: compressionLevel)
    }

    /// Encodes `bundle` as a bundle file of format `version` (one of `readableVersions`),
    /// signed by `signer`: how a server answers an upload of an older replica in the
    /// upload's own version. Same preconditions as `encode(_:signer:)`.
    public static func encode(_ bundle: Bundle, signer: BundleSigner, version: UInt16) -> [UInt8] {
        encode(bundle, signer: signer, level: compressionLevel, version: version)
    }

    static func encode(_ bundle: Bundle, signer: BundleSigner, level: Int32, blockHints: Bool = true,
                       strategy: Zlib.Strategy = .filtered, version: UInt16 = formatVersion) -> [UInt8] {
        precondition(readableVersions.contains(version), "bundle format version \(version) cannot be written")
        precondition(BundlePayload.isValidID(bundle.sender.rawValue), "bundle sender outside 1 ..< 2^63")
        if let recipient = bundle.recipient {
            precondition(BundlePayload.isValidID(recipient.rawValue), "bundle recipient outside 1 ..< 2^63")
        }
        precondition(!(bundle.more && bundle.kind == .upload), "an upload cannot set the more flag")
        for value in [bundle.cursor, bundle.newCursor, bundle.ack, bundle.epoch] {
            precondition(BundlePayload.isCounter(value), "bundle cursor, ack or epoch outside 0 ..< 2^63")
        }
        for change in bundle.changes {
            precondition(BundlePayload.isValidID(change.seq) && BundlePayload.isValidVersion(change.version)
                         && change.replaces.allSatisfy { BundlePayload.isValidVersion($0.version) },
                         "bundle sequence number or version out of range")
        }
        precondition(!(bundle.wantsDirectory && bundle.kind == .reply), "a reply cannot ask for the directory")
        precondition(!(bundle.directory != nil && bundle.kind == .upload), "an upload cannot carry the directory")
        precondition(BundlePayload.isCounter(bundle.redactionAck) && BundlePayload.isCounter(bundle.policyVersion),
                     "redaction ack or policy version outside 0 ..< 2^63")
        let encoded = payload(of: bundle, version: version)
        let hasAccess = AccessSection.parts(of: bundle) != 0
        let payload = encoded.bytes
        precondition(payload.count <= limits.maxUncompressedBytes, "bundle payload larger than the format allows; page the changes")
        let compressed = Zlib.compress(payload, level: level, strategy: strategy, blockEnds: blockHints ? encoded.sectionEnds : [])
        precondition(compressed.count <= limits.maxCompressedBytes, "compressed bundle larger than the format allows; page the changes")
        let header = Header(
            version: version, kind: bundle.kind.rawValue,
            flags: (bundle.more ? moreFlag : 0) | (bundle.wantsDirectory ? wantsDirectoryFlag : 0)
                | (bundle.directory != nil ? directoryFlag : 0) | (hasAccess ? accessFlag : 0),
            schemaVersion: bundle.schemaVersion, sender: bundle.sender.rawValue,
            recipient: bundle.recipient?.rawValue ?? 0, createdAt: bundle.createdAt,
            cursor: bundle.cursor, newCursor: bundle.newCursor, ack: bundle.ack, epoch: bundle.epoch,
            uncompressedLength: UInt32(payload.count), compressedLength: UInt32(compressed.count)
        )
        return frame(header: header, compressedPayload: compressed, signer: signer)
    }

    /// The uncompressed payload of `bundle` and where its sections end: the change
    /// columns, then the directory and the access section when the bundle has them
    /// (BUNDLE.md, "Payload"). Internal so that tests and the fuzzer can check that an
    /// accepted payload is canonical. Same preconditions as `encode`.
    static func payload(of bundle: Bundle, version: UInt16 = formatVersion) -> BundlePayload.Encoded {
        var encoded = BundlePayload.encodeSections(bundle.changes, limits: limits, version: version)
        if let directory = bundle.directory {
            DirectorySection.encode(directory, to: &encoded.bytes)
            encoded.sectionEnds.append(encoded.bytes.count)
        }
        if AccessSection.parts(of: bundle) != 0 {
            AccessSection.encode(bundle, to: &encoded.bytes)
            encoded.sectionEnds.append(encoded.bytes.count)
        }
        return encoded
    }

    /// Decodes a bundle file, refusing anything that is not exactly a valid version 3 or 4
    /// bundle, and returns it with its signature section, which is **not verified**, and
    /// the version it was written in.
    ///
    /// Throws the first failure in the reading order of `Protocol/BUNDLE.md`: frame errors
    /// (`truncated`, `badMagic`, `unsupportedVersion`, `badFlags`, `tooLarge`,
    /// `lengthMismatch`, `checksumMismatch`, `badSignatureLength`, `trailingBytes`), header
    /// values (`invalidValue`), then zlib errors (`decompressionFailed`, `lengthMismatch`),
    /// then payload errors (`malformedPayload`, `tooLarge`, `invalidValue`). It does not
    /// check changes against the record schema (the importer calls `Schema.validate`), nor
    /// the MAC (`verify`, which needs the secret of `signature.keyID`): a wrong MAC is the
    /// importer's refusal, not a decode error.
    ///
    /// Cost: one SHA-256 pass, one inflate and one parse, all linear. Memory is bounded by
    /// the limits: the inflated payload (at most 256 MiB, and at most 1032 times the
    /// compressed bytes actually present) plus roughly 200 bytes per change decoded.
    public static func decode(_ bytes: [UInt8]) throws(BundleError) -> SignedBundle {
        try decode(bytes, limits: limits)
    }

    static func decode(_ bytes: [UInt8], limits: BundleLimits) throws(BundleError) -> SignedBundle {
        // Magic first, on whatever is there: a short file that is not even the start of a
        // bundle is "not a bundle" rather than "truncated".
        let magicPrefix = min(magic.count, bytes.count)
        guard bytes[0..<magicPrefix].elementsEqual(magic[0..<magicPrefix]) else { throw .badMagic }

        // The version before the rest of the header: another version lays it out differently
        // (version 1's header is 8 bytes shorter and has no signature). Version 2 has this
        // layout but cannot carry redactions: refused too (BUNDLE.md, "Changes from version 2").
        guard bytes.count >= 6 else { throw .truncated }
        let version = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        guard readableVersions.contains(version) else { throw .unsupportedVersion(version) }

        guard bytes.count >= headerByteCount else { throw .truncated }
        let header = Header(parsing: bytes)
        guard header.flags & ~knownFlags == 0 else { throw .badFlags(header.flags) }

        let compressedLength = Int(header.compressedLength)
        let uncompressedLength = Int(header.uncompressedLength)
        guard compressedLength <= limits.maxCompressedBytes else { throw .tooLarge("compressed payload above the limit") }
        guard uncompressedLength <= limits.maxUncompressedBytes else { throw .tooLarge("payload above the limit") }
        guard uncompressedLength <= compressedLength * maxInflateRatio else { throw .lengthMismatch }

        let payloadEnd = headerByteCount + compressedLength
        let checksumEnd = payloadEnd + checksumByteCount
        let signatureStart = checksumEnd + signatureLengthByteCount
        guard bytes.count >= signatureStart else { throw .truncated }

        // Integrity before interpretation: nothing in the payload is looked at, and no
        // payload-sized memory is reserved, until the bytes are known to be the ones written.
        guard SHA256.hash(bytes[0..<payloadEnd]).elementsEqual(bytes[payloadEnd..<checksumEnd]) else {
            throw .checksumMismatch
        }
        let signatureLength = UInt16(bytes[checksumEnd]) << 8 | UInt16(bytes[checksumEnd + 1])
        guard signatureLength == signatureByteCount else { throw .badSignatureLength(signatureLength) }
        let end = signatureStart + signatureByteCount
        guard bytes.count >= end else { throw .truncated }
        guard bytes.count == end else { throw .trailingBytes }

        guard let kind = Bundle.Kind(rawValue: header.kind) else { throw .invalidValue("unknown bundle kind") }
        guard BundlePayload.isValidID(header.sender) else { throw .invalidValue("sender id outside 1 ..< 2^63") }
        guard header.recipient == 0 || BundlePayload.isValidID(header.recipient) else {
            throw .invalidValue("recipient id outside 1 ..< 2^63")
        }
        // Server sequence numbers and epochs are SQLite integers: above 2^63 − 1 they
        // have no meaning, and a reader that let them through would hand them to code
        // that converts them to Int64 (BUNDLE.md, "Header").
        for (value, name) in [(header.cursor, "cursor"), (header.newCursor, "new cursor"), (header.ack, "ack"),
                              (header.epoch, "epoch")] where !BundlePayload.isCounter(value) {
            throw .invalidValue("\(name) outside 0 ..< 2^63")
        }
        let more = header.flags & moreFlag != 0
        guard !(more && kind == .upload) else { throw .invalidValue("more flag set in an upload") }
        let wantsDirectory = header.flags & wantsDirectoryFlag != 0
        let hasDirectory = header.flags & directoryFlag != 0
        guard !(wantsDirectory && kind == .reply) else { throw .invalidValue("directory request in a reply") }
        guard !(hasDirectory && kind == .upload) else { throw .invalidValue("directory in an upload") }
        let signature = readSignature(bytes, from: signatureStart)
        guard BundlePayload.isValidID(signature.keyID.rawValue) else { throw .invalidValue("key id outside 1 ..< 2^63") }

        let payload: [UInt8]
        switch Zlib.inflate(bytes, range: headerByteCount..<payloadEnd, expectedLength: uncompressedLength) {
        case .inflated(let inflated): payload = inflated
        case .corrupt: throw .decompressionFailed
        case .wrongLength: throw .lengthMismatch
        }
        let hasAccess = header.flags & accessFlag != 0
        // Sections after the columns, in flag-bit order; the last one present ends the payload.
        let changes: [Change]
        var directory: [DirectoryEntry]?
        var access = AccessSection.Fields()
        if hasDirectory || hasAccess {
            let decoded = try BundlePayload.decodeBeforeSection(payload, limits: limits, version: version)
            changes = decoded.changes
            var end = decoded.end
            if hasDirectory {
                let section = try DirectorySection.decode(payload, from: end, sectionFollows: hasAccess)
                directory = section.entries
                end = section.end
            }
            if hasAccess {
                access = try AccessSection.decode(payload, from: end, kind: kind, limits: limits)
            }
        } else {
            changes = try BundlePayload.decode(payload, limits: limits, version: version)
        }

        var bundle = Bundle(
            kind: kind, schemaVersion: header.schemaVersion, sender: ReplicaID(rawValue: header.sender),
            recipient: header.recipient == 0 ? nil : ReplicaID(rawValue: header.recipient),
            createdAt: header.createdAt, cursor: header.cursor, newCursor: header.newCursor,
            ack: header.ack, epoch: header.epoch, more: more, changes: changes,
            wantsDirectory: wantsDirectory, directory: directory, redactionAck: access.redactionAck,
            redactions: access.redactions, refusals: access.refusals, permissions: access.permissions,
            policyVersion: access.policyVersion, mayRegister: access.mayRegister, checkpoint: access.checkpoint
        )
        bundle.readLog = access.readLog
        bundle.readLogAck = access.readLogAck
        bundle.purposeTags = access.purposeTags
        return SignedBundle(bundle: bundle, signature: signature, formatVersion: version)
    }

    /// Whether the MAC at the end of `bytes` is HMAC-SHA256 under `secret` of every byte
    /// before it, compared in constant time.
    ///
    /// Call it on the exact bytes `decode` accepted, with the secret of the decoded
    /// `signature.keyID`; on other input the answer says nothing about structure. Returns
    /// false for input shorter than an empty bundle and for a secret shorter than 32
    /// bytes, which no signer can use (so a missing secret never verifies).
    ///
    /// Cost: one SHA-256 pass over the file.
    public static func verify(_ bytes: [UInt8], secret: [UInt8]) -> Bool {
        guard bytes.count >= frameByteCount, secret.count >= 32 else { return false }
        let macStart = bytes.count - BundleSignature.macByteCount
        let expected = HMACSHA256.authenticate(message: bytes[0..<macStart], key: secret)
        return HMACSHA256.constantTimeEquals(expected, Array(bytes[macStart...]))
    }

    /// Lays out header, compressed payload, checksum and signature section.
    ///
    /// Internal so the vector generator can build files with exactly one defect (a wrong
    /// version, a lying length) and a checksum and MAC that match.
    static func frame(header: Header, compressedPayload: [UInt8], signer: BundleSigner) -> [UInt8] {
        var out = checksummed(header: header, compressedPayload: compressedPayload)
        appendSignature(to: &out, signer: signer)
        return out.bytes
    }

    /// Header, compressed payload and checksum: everything before the signature length.
    static func checksummed(header: Header, compressedPayload: [UInt8]) -> ByteWriter {
        var out = ByteWriter(capacity: frameByteCount + compressedPayload.count)
        header.write(to: &out)
        out.append(compressedPayload)
        out.append(SHA256.hash(out.bytes))
        return out
    }

    /// Appends the signature length (64) and the signature section, whose MAC covers
    /// everything in `out` before it, including the length, key id, timestamp and nonce.
    static func appendSignature(to out: inout ByteWriter, signer: BundleSigner) {
        out.u16(UInt16(signatureByteCount))
        out.u64(signer.keyID.rawValue)
        out.u64(UInt64(bitPattern: signer.timestamp))
        out.append(signer.nonce)
        out.append(HMACSHA256.authenticate(message: out.bytes, key: signer.secret))
    }

    /// Reads the 64-byte signature section at `start`, which the caller has checked exists.
    private static func readSignature(_ bytes: [UInt8], from start: Int) -> BundleSignature {
        var reader = ByteReader(bytes, from: start, to: start + signatureByteCount)
        do {
            let keyID = try reader.u64()
            let timestamp = Int64(bitPattern: try reader.u64())
            let nonce = Array(try reader.bytes(BundleSignature.nonceByteCount))
            let mac = Array(try reader.bytes(BundleSignature.macByteCount))
            precondition(reader.isAtEnd, "signature layout and signatureByteCount disagree")
            return BundleSignature(keyID: ReplicaID(rawValue: keyID), timestamp: timestamp, nonce: nonce, mac: mac)
        } catch {
            preconditionFailure("signature section shorter than \(signatureByteCount) bytes")
        }
    }

    /// The fixed 76-byte header, field for field as in the spec's byte table.
    struct Header: Hashable {
        var version: UInt16
        var kind: UInt8
        var flags: UInt8
        var schemaVersion: UInt32
        var sender: UInt64
        var recipient: UInt64
        var createdAt: Int64
        var cursor: UInt64
        var newCursor: UInt64
        var ack: UInt64
        var epoch: UInt64
        var uncompressedLength: UInt32
        var compressedLength: UInt32

        init(
            version: UInt16, kind: UInt8, flags: UInt8, schemaVersion: UInt32, sender: UInt64,
            recipient: UInt64, createdAt: Int64, cursor: UInt64, newCursor: UInt64, ack: UInt64,
            epoch: UInt64, uncompressedLength: UInt32, compressedLength: UInt32
        ) {
            self.version = version
            self.kind = kind
            self.flags = flags
            self.schemaVersion = schemaVersion
            self.sender = sender
            self.recipient = recipient
            self.createdAt = createdAt
            self.cursor = cursor
            self.newCursor = newCursor
            self.ack = ack
            self.epoch = epoch
            self.uncompressedLength = uncompressedLength
            self.compressedLength = compressedLength
        }

        /// Reads the header from the first 76 bytes, which the caller has checked exist.
        init(parsing bytes: [UInt8]) {
            var reader = ByteReader(bytes, from: 4, to: BundleCodec.headerByteCount)
            do {
                version = try reader.u16()
                kind = try reader.u8()
                flags = try reader.u8()
                schemaVersion = try reader.u32()
                sender = try reader.u64()
                recipient = try reader.u64()
                createdAt = Int64(bitPattern: try reader.u64())
                cursor = try reader.u64()
                newCursor = try reader.u64()
                ack = try reader.u64()
                epoch = try reader.u64()
                uncompressedLength = try reader.u32()
                compressedLength = try reader.u32()
            } catch {
                preconditionFailure("header shorter than \(BundleCodec.headerByteCount) bytes")
            }
            precondition(reader.isAtEnd, "header layout and headerByteCount disagree")
        }

        func write(to out: inout ByteWriter) {
            out.append(BundleCodec.magic)
            out.u16(version)
            out.u8(kind)
            out.u8(flags)
            out.u32(schemaVersion)
            out.u64(sender)
            out.u64(recipient)
            out.u64(UInt64(bitPattern: createdAt))
            out.u64(cursor)
            out.u64(newCursor)
            out.u64(ack)
            out.u64(epoch)
            out.u32(uncompressedLength)
            out.u32(compressedLength)
        }
    }
}
