/// Why a byte string was refused as a bundle (see `Protocol/BUNDLE.md`, "Refusal reasons").
///
/// Reasons are fixed phrases chosen by the reader; they never quote bytes from the
/// bundle, so an error can be logged or shown without leaking case data.
public enum BundleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file ends before the structure it declares; includes an empty file.
    case truncated
    /// The file does not start with the Navet bundle magic.
    case badMagic
    /// A Navet bundle in a format version this reader does not know: a lower one was
    /// written by an older Navet (the other side must update), a higher one by a newer
    /// Navet (this side must update), unless the file is damaged.
    case unsupportedVersion(UInt16)
    /// Flag bits are set that this format version reserves.
    case badFlags(UInt8)
    /// A declared size or count exceeds a reader limit.
    case tooLarge(String)
    /// The SHA-256 checksum does not match: the bytes were damaged or altered.
    case checksumMismatch
    /// The signature section does not have the one size the format allows (64 bytes);
    /// 0 means the bundle is unsigned.
    case badSignatureLength(UInt16)
    /// Bytes follow the end of the bundle.
    case trailingBytes
    /// The payload is not exactly one complete zlib stream.
    case decompressionFailed
    /// The payload inflates to a length other than the declared one, or the declared
    /// length cannot come from the compressed length.
    case lengthMismatch
    /// The payload's structure is broken (bad varint, short column, index out of range,
    /// unsorted or unreferenced table entry, bytes left over).
    case malformedPayload(String)
    /// A well-formed field holds a value that is not allowed (unknown kind or tag,
    /// invalid id, invalid UTF-8).
    case invalidValue(String)

    /// The case name, stable across releases: used by the test vectors and `--json` output.
    public var code: String {
        switch self {
        case .truncated: "truncated"
        case .badMagic: "badMagic"
        case .unsupportedVersion: "unsupportedVersion"
        case .badFlags: "badFlags"
        case .tooLarge: "tooLarge"
        case .checksumMismatch: "checksumMismatch"
        case .badSignatureLength: "badSignatureLength"
        case .trailingBytes: "trailingBytes"
        case .decompressionFailed: "decompressionFailed"
        case .lengthMismatch: "lengthMismatch"
        case .malformedPayload: "malformedPayload"
        case .invalidValue: "invalidValue"
        }
    }

    /// The fixed English phrase naming what exactly is wrong (for `tooLarge`,
    /// `malformedPayload` and `invalidValue`, e.g. "cursor outside 0 ..< 2^63"; for
    /// `unsupportedVersion`, which side is older), or nil. Never quotes the bundle's
    /// bytes beyond the version number, so it may be logged and sent back.
    public var reason: String? {
        switch self {
        case .tooLarge(let reason), .malformedPayload(let reason), .invalidValue(let reason): reason
        case .unsupportedVersion(let version) where version < BundleCodec.readableVersions.lowerBound:
            "format version \(version) is older than this Navet's \(BundleCodec.readableVersionsText): the sender must update Navet"
        case .unsupportedVersion(let version):
            "format version \(version) is newer than this Navet's \(BundleCodec.readableVersionsText): update this Navet"
        default: nil
        }
    }

    /// `code`, with `reason` in parentheses when there is one: for logs and HTTP refusals.
    public var codeAndReason: String {
        reason.map { "\(code) (\($0))" } ?? code
    }

    /// A sentence an operator can act on: what is wrong and what to do about it.
    public var description: String {
        switch self {
        case .truncated:
            "The bundle file is incomplete (it ends too early). Copy or download it again."
        case .badMagic:
            "This file is not a Navet bundle."
        case .unsupportedVersion(let version) where version < BundleCodec.readableVersions.lowerBound:
            "This bundle was written by an older version of Navet (format version \(version); this Navet reads versions \(BundleCodec.readableVersionsText)). The other side must update Navet and write it again."
        case .unsupportedVersion(let version):
            "This bundle uses format version \(version), newer than this Navet reads (versions \(BundleCodec.readableVersionsText)): it was written by a newer Navet, or it is damaged. Update this Navet, or copy the file again."
        case .badFlags(let flags):
            "This bundle sets options (flags \(flags)) that this version of Navet does not know. Update Navet."
        case .tooLarge(let reason):
            "The bundle is larger than Navet accepts (\(reason)). Sync more often so bundles stay smaller."
        case .checksumMismatch:
            "The bundle file is damaged or was altered after it was written. Copy or download it again."
        case .badSignatureLength(0):
            "This bundle is not signed, and Navet only accepts signed bundles. Ask the sender to write it again with a current Navet."
        case .badSignatureLength(let length):
            "The bundle's signature has the wrong size (\(length) bytes instead of 64). Ask the sender to write it again with a current Navet."
        case .trailingBytes:
            "The bundle file has extra data after its end. Copy or download it again."
        case .decompressionFailed:
            "The bundle's contents could not be unpacked. Ask the sender to write it again."
        case .lengthMismatch:
            "The bundle's contents do not have the size it declares. Ask the sender to write it again."
        case .malformedPayload(let reason):
            "The bundle's contents are malformed (\(reason)). Ask the sender to write it again and report the problem."
        case .invalidValue(let reason):
            "The bundle holds a value Navet does not accept (\(reason)). Ask the sender to write it again and report the problem."
        }
    }
}
