import NavetCore
import NavetCrypto

/// The signature of one HTTP request (`Protocol/HTTP.md`, "Signed requests").
public struct RequestSignature: Hashable, Sendable {
    public static let replicaHeader = "Navet-Replica"
    public static let timestampHeader = "Navet-Timestamp"
    public static let nonceHeader = "Navet-Nonce"
    public static let signatureHeader = "Navet-Signature"

    public var replica: ReplicaID
    public var timestamp: Int64
    public var nonce: [UInt8]
    public var mac: [UInt8]

    /// The string the MAC covers.
    static func signedString(method: String, path: String, timestamp: Int64, nonce: [UInt8], body: [UInt8]) -> [UInt8] {
        Array("NAVET-REQUEST-1\n\(method)\n\(path)\n\(timestamp)\n\(Hex.encode(nonce))\n\(Hex.encode(SHA256.hash(body)))".utf8)
    }

    /// Signs a request with a fresh random nonce.
    public static func sign(method: String, path: String, body: [UInt8], replica: ReplicaID, secret: [UInt8], now: Int64) -> RequestSignature {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let mac = HMACSHA256.authenticate(
            message: signedString(method: method, path: path, timestamp: now, nonce: nonce, body: body), key: secret)
        return RequestSignature(replica: replica, timestamp: now, nonce: nonce, mac: mac)
    }

    /// The four headers to send.
    public var headers: [(String, String)] {
        [(Self.replicaHeader, replica.description), (Self.timestampHeader, String(timestamp)),
         (Self.nonceHeader, Hex.encode(nonce)), (Self.signatureHeader, Hex.encode(mac))]
    }

    /// Reads the four headers; nil if any is missing or malformed.
    public init?(header: (String) -> String?) {
        // Lowercase hex only (HTTP.md), so each header value has exactly one spelling.
        func isLowerHex(_ text: String) -> Bool {
            text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        guard let replicaText = header(Self.replicaHeader), isLowerHex(replicaText), let replica = ReplicaID(hex: replicaText),
              let timestampText = header(Self.timestampHeader), let timestamp = Int64(timestampText),
              // One spelling per value (no '+', no leading zeros): the signed string re-renders it.
              String(timestamp) == timestampText,
              let nonceText = header(Self.nonceHeader), isLowerHex(nonceText), let nonce = Hex.decode(nonceText),
              nonce.count == 16,
              let macText = header(Self.signatureHeader), isLowerHex(macText), let mac = Hex.decode(macText), mac.count == 32
        else { return nil }
        self.init(replica: replica, timestamp: timestamp, nonce: nonce, mac: mac)
    }

    public init(replica: ReplicaID, timestamp: Int64, nonce: [UInt8], mac: [UInt8]) {
        self.replica = replica
        self.timestamp = timestamp
        self.nonce = nonce
        self.mac = mac
    }

    /// Whether the MAC is right for this request, compared in constant time.
    public func verify(method: String, path: String, body: [UInt8], secret: [UInt8]) -> Bool {
        let expected = HMACSHA256.authenticate(
            message: Self.signedString(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body),
            key: secret)
        return HMACSHA256.constantTimeEquals(expected, mac)
    }
}
