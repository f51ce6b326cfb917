/// An incremental SHA-256 hasher as specified in FIPS 180-4.
///
/// Feed bytes with `update(_:)` as many times as needed, then call
/// `finalize()` for the 32-byte digest. The hasher is a value type: copying a
/// partially fed hasher forks the computation, which is handy for hashing a
/// common prefix once.
public struct SHA256: Sendable {
    /// Length of a digest in bytes.
    public static let digestByteCount = 32
    /// Length of the block the compression function consumes, in bytes.
    public static let blockByteCount = 64

    /// The eight working words H0…H7, kept as plain fields rather than an
    /// array so the hot loop never touches the heap or a bounds check.
    struct State: Sendable {
        var h0: UInt32 = 0x6a09_e667
        var h1: UInt32 = 0xbb67_ae85
        var h2: UInt32 = 0x3c6e_f372
        var h3: UInt32 = 0xa54f_f53a
        var h4: UInt32 = 0x510e_527f
        var h5: UInt32 = 0x9b05_688c
        var h6: UInt32 = 0x1f83_d9ab
        var h7: UInt32 = 0x5be0_cd19
    }

    private var state = State()
    /// Holds the tail of the input that does not yet fill a whole block.
    /// Always exactly 64 bytes long; only the first `bufferCount` are live.
    private var buffer = [UInt8](repeating: 0, count: SHA256.blockByteCount)
    private var bufferCount = 0
    /// Total bytes fed so far. FIPS 180-4 caps messages below 2^64 bits, so
    /// the wrapping multiply by 8 at the end yields the mandated length field.
    private var totalByteCount: UInt64 = 0

    /// Creates a hasher in the initial state (H0 from FIPS 180-4 §5.3.3).
    public init() {}

    /// Feeds the bytes in `bytes` into the hash.
    ///
    /// Contiguous collections (`[UInt8]`, `ArraySlice`, `Data`, a native
    /// `String.UTF8View`, …) are hashed straight from their storage; other
    /// collections are copied through a small staging buffer first.
    public mutating func update<D: Collection>(_ bytes: D) where D.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { storage in
            update(UnsafeRawBufferPointer(storage))
        }
        if done != nil { return }

        // Staging in large chunks keeps the per-call overhead of the raw path
        // amortised while bounding the extra memory for huge lazy inputs.
        let chunkSize = 4096
        var chunk = [UInt8]()
        chunk.reserveCapacity(chunkSize)
        for byte in bytes {
            chunk.append(byte)
            if chunk.count == chunkSize {
                chunk.withUnsafeBytes { update($0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty {
            chunk.withUnsafeBytes { update($0) }
        }
    }

    /// Feeds the bytes in `bytes` into the hash.
    ///
    /// Whole blocks are compressed in place from `bytes`; only a leading
    /// fragment (to complete a pending block) and a trailing fragment are
    /// copied into the internal buffer.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let count = bytes.count
        totalByteCount &+= UInt64(count)
        var offset = 0

        if bufferCount > 0 {
            let take = min(Self.blockByteCount - bufferCount, count)
            let start = bufferCount
            buffer.withUnsafeMutableBytes { dst in
                (dst.baseAddress! + start).copyMemory(from: base, byteCount: take)
            }
            bufferCount += take
            offset = take
            if bufferCount < Self.blockByteCount { return }
            buffer.withUnsafeBytes { Self.compress(&state, blocks: $0) }
            bufferCount = 0
        }

        let wholeBytes = (count - offset) / Self.blockByteCount * Self.blockByteCount
        if wholeBytes > 0 {
            Self.compress(&state, blocks: UnsafeRawBufferPointer(start: base + offset, count: wholeBytes))
            offset += wholeBytes
        }

        let rest = count - offset
        if rest > 0 {
            buffer.withUnsafeMutableBytes { dst in
                dst.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            bufferCount = rest
        }
    }

    /// Applies the final padding and returns the 32-byte digest.
    ///
    /// Consuming, because the padding has been mixed into the state and any
    /// further `update` would no longer describe a meaningful message.
    public consuming func finalize() -> [UInt8] {
        let bitLength = totalByteCount &* 8
        // 0x80, then zeros up to 56 mod 64, then the 64-bit big-endian length.
        let zeroCount = (bufferCount < 56 ? 55 : 119) - bufferCount
        var padding = [UInt8](repeating: 0, count: 1 + zeroCount + 8)
        padding[0] = 0x80
        for i in 0..<8 {
            padding[1 + zeroCount + i] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(i)))
        }
        padding.withUnsafeBytes { update($0) }
        precondition(bufferCount == 0, "SHA-256 padding must end on a block boundary")

        var digest = [UInt8]()
        digest.reserveCapacity(Self.digestByteCount)
        for word in [state.h0, state.h1, state.h2, state.h3, state.h4, state.h5, state.h6, state.h7] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    /// Returns the SHA-256 digest of `bytes` in one call.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    // MARK: - Compression

    /// The 64 round constants K0…K63 (FIPS 180-4 §4.2.2).
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Right rotation. The masking shifts (`&>>`, `&<<`) skip the
    /// over-shift checks of the plain operators, which matters in debug builds.
    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }

    /// One round of FIPS 180-4, 6.2.2, step 3, on the working variables as named at
    /// round t: `d` gains T1 and becomes the next `e`; `h` becomes T1 + T2, the next `a`.
    /// `kw` is K(t) + W(t). Ch and Maj in their three-operation forms, and each Σ with its
    /// rotations nested (rotating distributes over xor): the same values in fewer operations.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        // Σ1(e) = ROTR6(e) ^ ROTR11(e) ^ ROTR25(e) = ROTR6(e ^ ROTR5(e ^ ROTR14(e))).
        let bigSigma1 = rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6)
        let choose = g ^ (e & (f ^ g))
        let t1 = h &+ bigSigma1 &+ choose &+ kw
        // Σ0(a) = ROTR2(a) ^ ROTR13(a) ^ ROTR22(a) = ROTR2(a ^ ROTR11(a ^ ROTR9(a))).
        let bigSigma0 = rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2)
        let majority = (a & b) | (c & (a | b))
        d = d &+ t1
        h = t1 &+ bigSigma0 &+ majority
    }

    /// Runs the compression function over every 64-byte block in `blocks`.
    private static func compress(_ state: inout State, blocks: UnsafeRawBufferPointer) {
        precondition(blocks.count % blockByteCount == 0, "compress needs whole blocks")
        // One scratch schedule for all blocks, on the stack, and raw access to
        // the constants: both keep per-block cost free of allocation and
        // bounds checks, which is what makes debug builds usable on big inputs.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            roundConstants.withUnsafeBufferPointer { k in
                var offset = 0
                while offset < blocks.count {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * t, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t - 15]
                        let y = w[t - 2]
                        // σ0 = ROTR7(x ^ ROTR11(x)) ^ SHR3(x), σ1 = ROTR17(y ^ ROTR2(y)) ^ SHR10(y).
                        let sigma0 = rotr(rotr(x, 11) ^ x, 7) ^ (x &>> 3)
                        let sigma1 = rotr(rotr(y, 2) ^ y, 17) ^ (y &>> 10)
                        w[t] = w[t - 16] &+ sigma0 &+ w[t - 7] &+ sigma1
                    }

                    var a = state.h0, b = state.h1, c = state.h2, d = state.h3
                    var e = state.h4, f = state.h5, g = state.h6, h = state.h7
                    // Eight rounds per pass, each naming the working variables where the
                    // previous one left them, so no round shifts eight values along
                    // (FIPS 180-4, 6.2.2, step 3).
                    var t = 0
                    while t < 64 {
                        round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
                        round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
                        round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
                        round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
                        round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
                        round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
                        round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
                        round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
                        t += 8
                    }
                    state.h0 &+= a
                    state.h1 &+= b
                    state.h2 &+= c
                    state.h3 &+= d
                    state.h4 &+= e
                    state.h5 &+= f
                    state.h6 &+= g
                    state.h7 &+= h
                    offset += blockByteCount
                }
            }
        }
    }
}
