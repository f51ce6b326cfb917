import NavetCore
import NavetCrypto

/// The signature section of a version 2 bundle, as read from the file
/// (`Protocol/BUNDLE.md`, "Signature section").
///
/// Reading it proves nothing: `BundleCodec.decode` only checks its size and that the key
/// id is a valid id. Whether the MAC is right is `BundleCodec.verify`'s question, asked by
/// the receiver once it has looked up the secret of `keyID`; whether `timestamp` and
/// `nonce` are acceptable is the receiver's policy (window, replay memory).
public struct BundleSignature: Hashable, Sendable {
    /// Length of the nonce in bytes.
    public static let nonceByteCount = 16
    /// Length of the MAC (an HMAC-SHA256 tag) in bytes.
    public static let macByteCount = HMACSHA256.tagByteCount

    /// The replica whose shared secret made the MAC: the sender of an upload, the
    /// recipient of a reply.
    public let keyID: ReplicaID
    /// The signer's clock when it signed, milliseconds since 1970.
    public let timestamp: Int64
    /// 16 random bytes; a receiver remembers recent ones to refuse replays.
    public let nonce: [UInt8]
    /// HMAC-SHA256 under the key's secret of every byte of the file before the MAC.
    public let mac: [UInt8]

    /// Creates a signature value.
    ///
    /// Precondition: `nonce` is 16 bytes and `mac` 32 bytes.
    public init(keyID: ReplicaID, timestamp: Int64, nonce: [UInt8], mac: [UInt8]) {
        precondition(nonce.count == Self.nonceByteCount, "a bundle nonce is 16 bytes")
        precondition(mac.count == Self.macByteCount, "a bundle MAC is 32 bytes")
        self.keyID = keyID
        self.timestamp = timestamp
        self.nonce = nonce
        self.mac = mac
    }
}

/// What `BundleCodec.encode(_:signer:)` needs to sign a bundle: the key and the
/// signer's time and randomness.
///
/// Time and nonce are inputs so that encoding stays a pure function of its arguments
/// (and test vectors are reproducible); `fresh(keyID:secret:now:)` supplies them for real
/// use. The description never shows the secret, so a signer can be logged.
public struct BundleSigner: Sendable, CustomStringConvertible {
    /// The replica whose secret this is (written to the file as the key id).
    public let keyID: ReplicaID
    /// The replica's shared secret (32 bytes from its enrollment).
    public let secret: [UInt8]
    /// The signer's clock, milliseconds since 1970.
    public let timestamp: Int64
    /// 16 bytes that must never repeat under one key.
    public let nonce: [UInt8]

    /// Creates a signer from explicit time and nonce.
    ///
    /// Preconditions: `keyID` is a valid id (1 ..< 2^63), `secret` is at least 32 bytes
    /// (HMAC-SHA256's output length, RFC 2104 §3; enrollment secrets are exactly 32), and
    /// `nonce` is 16 bytes. Callers outside tests should use `fresh(keyID:secret:now:)`:
    /// a repeated nonce makes a receiver refuse the second bundle as a replay.
    public init(keyID: ReplicaID, secret: [UInt8], timestamp: Int64, nonce: [UInt8]) {
        precondition(BundlePayload.isValidID(keyID.rawValue), "bundle key id outside 1 ..< 2^63")
        precondition(secret.count >= 32, "a bundle secret is at least 32 bytes")
        precondition(nonce.count == BundleSignature.nonceByteCount, "a bundle nonce is 16 bytes")
        self.keyID = keyID
        self.secret = secret
        self.timestamp = timestamp
        self.nonce = nonce
    }

    /// A signer for a bundle written now, with a nonce drawn from the system's
    /// cryptographically secure generator.
    ///
    /// Same preconditions as `init(keyID:secret:timestamp:nonce:)`.
    public static func fresh(keyID: ReplicaID, secret: [UInt8], now: Int64) -> BundleSigner {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<BundleSignature.nonceByteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return BundleSigner(keyID: keyID, secret: secret, timestamp: now, nonce: nonce)
    }

    public var description: String {
        "BundleSigner(keyID: \(keyID), timestamp: \(timestamp), secret: <redacted>)"
    }
}

/// A decoded bundle together with the signature section it arrived with.
///
/// Decoding checked structure and checksum only: `signature.mac` has not been verified.
/// The receiver looks up the secret of `signature.keyID`, calls
/// `BundleCodec.verify(_:secret:)` on the same bytes, and only then trusts `bundle`.
public struct SignedBundle: Hashable, Sendable {
    /// The bundle's content.
    public var bundle: Bundle
    /// The signature section as read, not yet verified.
    public var signature: BundleSignature
    /// The format version of the file it was read from (3 or 4): a server answers an
    /// upload in the upload's version (BUNDLE.md, "Changes from version 3").
    public var formatVersion: UInt16

    /// Pairs a bundle with its signature.
    public init(bundle: Bundle, signature: BundleSignature, formatVersion: UInt16 = BundleCodec.formatVersion) {
        self.bundle = bundle
        self.signature = signature
        self.formatVersion = formatVersion
    }
}
