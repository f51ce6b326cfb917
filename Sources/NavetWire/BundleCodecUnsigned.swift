import NavetCore

// TEMPORARY source-compatibility shims for code written against format version 1.
// Delete this file, and the `@_disfavoredOverload` on `BundleCodec.decode(_:)`, once every
// caller signs with `encode(_:signer:)` and verifies with `verify(_:secret:)`.

extension BundleCodec {
    /// The key the deprecated `encode(_:)` signs with: 32 zero bytes, known to everyone.
    static let unsignedShimSecret = [UInt8](repeating: 0, count: 32)

    /// Encodes `bundle` as a version 2 file signed with a publicly known all-zero key.
    ///
    /// The key id is the bundle's sender, the timestamp its `createdAt` and the nonce all
    /// zero, so the result is deterministic and authenticates nothing: a receiver that
    /// verifies with the real secret refuses it. Same preconditions as `encode(_:signer:)`.
    @available(*, deprecated, message: "unsigned; migrating to v2")
    public static func encode(_ bundle: Bundle) -> [UInt8] {
        encode(bundle, signer: BundleSigner(
            keyID: bundle.sender, secret: unsignedShimSecret, timestamp: bundle.createdAt,
            nonce: [UInt8](repeating: 0, count: BundleSignature.nonceByteCount)
        ))
    }

    /// Decodes a version 2 file and returns its bundle, dropping the signature section
    /// without verifying it (structure and checksum are still checked, as in version 1).
    @available(*, deprecated, message: "unsigned; migrating to v2")
    public static func decode(_ bytes: [UInt8]) throws(BundleError) -> Bundle {
        let signed: SignedBundle = try decode(bytes, limits: limits)
        return signed.bundle
    }
}
