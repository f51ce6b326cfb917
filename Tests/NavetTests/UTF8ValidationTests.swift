import NavetCore
import NavetTestSupport
import Testing

/// `String(validatingUTF8Bytes:)`, the decoders' UTF-8 check, accepts exactly what the
/// standard library's `String(validating:as:)` accepts and gives the same text.
@Suite struct UTF8ValidationTests {
    static let edges: [[UInt8]] = [
        [], [0x00], [0x41, 0x00, 0x42], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF],
        [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBD], [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
        [0xFE], [0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3, 0xA5, 0xC3], [0x61, 0xEF, 0xBF, 0xBD, 0xFF],
        Array("Märta Öst".utf8), Array("علی‌رضا".utf8), Array("😀 ﬁona".utf8),
    ]

    static func expectSame(_ bytes: [UInt8], _ note: String) {
        let expected = String(validating: bytes, as: UTF8.self)
        #expect(String(validatingUTF8Bytes: bytes) == expected, "\(note): \(bytes)")
        // A slice that does not start at index 0, as the decoders pass them.
        let padded = [0x20] + bytes + [0x20]
        #expect(String(validatingUTF8Bytes: padded[1..<(padded.count - 1)]) == expected, "\(note), sliced: \(bytes)")
    }

    @Test func edgesOfEveryEncodingLength() {
        for bytes in Self.edges { Self.expectSame(bytes, "edge") }
    }

    @Test func randomBytesAgreeWithTheStandardLibrary() {
        var rng = SplitMix64(seed: 0x5554_4638)
        for round in 0..<20_000 {
            let count = Int(rng.next() % 12)
            // Mostly bytes of multi-byte sequences, where the rules are.
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 == 0 ? rng.next() % 0x80 : 0x80 + rng.next() % 0x80) }
            Self.expectSame(bytes, "round \(round)")
        }
    }

    @Test func everyScalarRoundTrips() {
        var bytes: [UInt8] = []
        for value in stride(from: UInt32(0), through: 0x10FFFF, by: 97) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        }
        #expect(String(validatingUTF8Bytes: bytes) == String(decoding: bytes, as: UTF8.self))
    }
}
