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

    /// The limits of format version 1.
    public static let v1 = BundleLimits(
        maxCompressedBytes: 256 << 20, maxUncompressedBytes: 256 << 20,
        maxChangeCount: 1_000_000, maxTextBytes: 1 << 20, maxNameBytes: 255
    )

    init(maxCompressedBytes: Int, maxUncompressedBytes: Int, maxChangeCount: Int, maxTextBytes: Int, maxNameBytes: Int) {
        self.maxCompressedBytes = maxCompressedBytes
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxChangeCount = maxChangeCount
        self.maxTextBytes = maxTextBytes
        self.maxNameBytes = maxNameBytes
    }
}

/// Encodes and decodes bundles in the Navet bundle format (`Protocol/BUNDLE.md`).
///
/// Both directions are pure functions over bytes: no files, no clock, no randomness.
/// The decoder is written for hostile input: it checks every length against the bytes
/// present and `BundleLimits.v1` before allocating, and returns either exactly the bundle
/// that was encoded or a `BundleError`.
public enum BundleCodec {
    /// The format version this codec writes and the only one it reads.
    public static let formatVersion: UInt16 = 1

    /// The limits this codec enforces.
    public static let limits = BundleLimits.v1

    /// "NAVB".
    static let magic: [UInt8] = [0x4E, 0x41, 0x56, 0x42]
    static let headerByteCount = 68
    static let checksumByteCount = SHA256.digestByteCount
    static let signatureLengthByteCount = 2
    /// Deflate's largest possible expansion ratio (zlib FAQ / technical details); a
    /// declared uncompressed length beyond it cannot be true.
    static let maxInflateRatio = 1032
    /// zlib's default. Level 9 measured within 0.1% of it on the benchmark workload (either
    /// way round) while costing more time on large replies (BUNDLE.md, "Why this layout").
    static let compressionLevel: Int32 = 6

    /// Encodes `bundle` as a version 1 bundle file.
    ///
    /// Cost: linear in the bundle, dominated by deflate.
    ///
    /// Precondition: the bundle is within `limits` and every id (sender, recipient, origins,
    /// record ids) is in 1 ..< 2^63. Both are guaranteed for changes that came out of the
    /// store; a bundle outside them is a bug in the caller, which must page its changes.
    public static func encode(_ bundle: Bundle) -> [UInt8] {
        encode(bundle, level: compressionLevel)
    }

    static func encode(_ bundle: Bundle, level: Int32, blockHints: Bool = true) -> [UInt8] {
        precondition(BundlePayload.isValidID(bundle.sender.rawValue), "bundle sender outside 1 ..< 2^63")
        if let recipient = bundle.recipient {
            precondition(BundlePayload.isValidID(recipient.rawValue), "bundle recipient outside 1 ..< 2^63")
        }
        let encoded = BundlePayload.encodeSections(bundle.changes, limits: limits)
        let payload = encoded.bytes
        precondition(payload.count <= limits.maxUncompressedBytes, "bundle payload larger than the format allows; page the changes")
        let compressed = Zlib.compress(payload, level: level, blockEnds: blockHints ? encoded.sectionEnds : [])
        precondition(compressed.count <= limits.maxCompressedBytes, "compressed bundle larger than the format allows; page the changes")
        let header = Header(
            version: formatVersion, kind: bundle.kind.rawValue, flags: 0,
            schemaVersion: bundle.schemaVersion, sender: bundle.sender.rawValue,
            recipient: bundle.recipient?.rawValue ?? 0, createdAt: bundle.createdAt,
            cursor: bundle.cursor, newCursor: bundle.newCursor, ack: bundle.ack,
            uncompressedLength: UInt32(payload.count), compressedLength: UInt32(compressed.count)
        )
        return frame(header: header, compressedPayload: compressed)
    }

    /// Decodes a bundle file, refusing anything that is not exactly a valid version 1
    /// bundle.
    ///
    /// Throws the first failure in the reading order of `Protocol/BUNDLE.md`: frame errors
    /// (`truncated`, `badMagic`, `unsupportedVersion`, `badFlags`, `tooLarge`,
    /// `checksumMismatch`, `unexpectedSignature`, `trailingBytes`), then zlib errors
    /// (`decompressionFailed`, `lengthMismatch`), then payload errors (`malformedPayload`,
    /// `tooLarge`, `invalidValue`). It does not check changes against the record schema;
    /// the importer does that with `Schema.validate`.
    ///
    /// Cost: one SHA-256 pass, one inflate and one parse, all linear. Memory is bounded by
    /// the limits: the inflated payload (at most 256 MiB, and at most 1032 times the
    /// compressed bytes actually present) plus roughly 200 bytes per change decoded.
    public static func decode(_ bytes: [UInt8]) throws(BundleError) -> Bundle {
        try decode(bytes, limits: limits)
    }

    static func decode(_ bytes: [UInt8], limits: BundleLimits) throws(BundleError) -> Bundle {
        // Magic first, on whatever is there: a short file that is not even the start of a
        // bundle is "not a bundle" rather than "truncated".
        let magicPrefix = min(magic.count, bytes.count)
        guard bytes[0..<magicPrefix].elementsEqual(magic[0..<magicPrefix]) else { throw .badMagic }

        // The version before the rest of the header: another version may lay it out differently.
        guard bytes.count >= 6 else { throw .truncated }
        let version = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        guard version == formatVersion else { throw .unsupportedVersion(version) }

        guard bytes.count >= headerByteCount else { throw .truncated }
        let header = Header(parsing: bytes)
        guard header.flags == 0 else { throw .badFlags(header.flags) }

        let compressedLength = Int(header.compressedLength)
        let uncompressedLength = Int(header.uncompressedLength)
        guard compressedLength <= limits.maxCompressedBytes else { throw .tooLarge("compressed payload above the limit") }
        guard uncompressedLength <= limits.maxUncompressedBytes else { throw .tooLarge("payload above the limit") }
        guard uncompressedLength <= compressedLength * maxInflateRatio else { throw .lengthMismatch }

        let payloadEnd = headerByteCount + compressedLength
        let checksumEnd = payloadEnd + checksumByteCount
        let end = checksumEnd + signatureLengthByteCount
        guard bytes.count >= end else { throw .truncated }

        // Integrity before interpretation: nothing in the payload is looked at, and no
        // payload-sized memory is reserved, until the bytes are known to be the ones written.
        guard SHA256.hash(bytes[0..<payloadEnd]).elementsEqual(bytes[payloadEnd..<checksumEnd]) else {
            throw .checksumMismatch
        }
        let signatureLength = UInt16(bytes[checksumEnd]) << 8 | UInt16(bytes[checksumEnd + 1])
        guard signatureLength == 0 else { throw .unexpectedSignature }
        guard bytes.count == end else { throw .trailingBytes }

        guard let kind = Bundle.Kind(rawValue: header.kind) else { throw .invalidValue("unknown bundle kind") }
        guard BundlePayload.isValidID(header.sender) else { throw .invalidValue("sender id outside 1 ..< 2^63") }
        guard header.recipient == 0 || BundlePayload.isValidID(header.recipient) else {
            throw .invalidValue("recipient id outside 1 ..< 2^63")
        }

        let payload: [UInt8]
        switch Zlib.inflate(bytes, range: headerByteCount..<payloadEnd, expectedLength: uncompressedLength) {
        case .inflated(let inflated): payload = inflated
        case .corrupt: throw .decompressionFailed
        case .wrongLength: throw .lengthMismatch
        }
        let changes = try BundlePayload.decode(payload, limits: limits)

        return Bundle(
            kind: kind, schemaVersion: header.schemaVersion, sender: ReplicaID(rawValue: header.sender),
            recipient: header.recipient == 0 ? nil : ReplicaID(rawValue: header.recipient),
            createdAt: header.createdAt, cursor: header.cursor, newCursor: header.newCursor,
            ack: header.ack, changes: changes
        )
    }

    /// Lays out header, compressed payload, checksum and signature section.
    ///
    /// Internal so the vector generator can build files with exactly one defect (a wrong
    /// version, a lying length) and a checksum that matches.
    static func frame(header: Header, compressedPayload: [UInt8], signature: [UInt8] = []) -> [UInt8] {
        precondition(signature.count <= Int(UInt16.max), "signature section too long")
        var out = ByteWriter(capacity: headerByteCount + compressedPayload.count + 34 + signature.count)
        header.write(to: &out)
        out.append(compressedPayload)
        out.append(SHA256.hash(out.bytes))
        out.u16(UInt16(signature.count))
        out.append(signature)
        return out.bytes
    }

    /// The fixed 68-byte header, field for field as in the spec's byte table.
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
        var uncompressedLength: UInt32
        var compressedLength: UInt32

        init(
            version: UInt16, kind: UInt8, flags: UInt8, schemaVersion: UInt32, sender: UInt64,
            recipient: UInt64, createdAt: Int64, cursor: UInt64, newCursor: UInt64, ack: UInt64,
            uncompressedLength: UInt32, compressedLength: UInt32
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
            self.uncompressedLength = uncompressedLength
            self.compressedLength = compressedLength
        }

        /// Reads the header from the first 68 bytes, which the caller has checked exist.
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
            out.u32(uncompressedLength)
            out.u32(compressedLength)
        }
    }
}
