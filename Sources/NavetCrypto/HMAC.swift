/// HMAC with SHA-256 as the underlying hash (RFC 2104, vectors in RFC 4231).
public enum HMACSHA256 {
    /// Length of an authentication tag in bytes.
    public static let tagByteCount = SHA256.digestByteCount

    /// Returns the 32-byte HMAC-SHA256 tag of `message` under `key`.
    ///
    /// Keys longer than the 64-byte block are hashed first, as RFC 2104
    /// requires; shorter keys are zero-padded. Callers that want a truncated
    /// tag (e.g. RFC 4231 test case 5) take a prefix of the result.
    public static func authenticate(message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : Array(key)
        block.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - block.count))

        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// Compares two byte strings without an early exit on the first differing
    /// byte, so the time taken does not reveal how long a matching prefix an
    /// attacker has guessed.
    ///
    /// Different lengths return `false` immediately: tag lengths are public,
    /// so that branch leaks nothing secret.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        // Accumulate every difference and test once at the end; a data-
        // dependent branch inside the loop is exactly the leak to avoid.
        var difference: UInt8 = 0
        for i in a.indices {
            difference |= a[i] ^ b[i]
        }
        return difference == 0
    }
}
