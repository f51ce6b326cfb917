import NavetCore
import Testing

/// `hex16` and `writeDecimal` (NavetCore/Identifiers.swift) write digits into a buffer
/// without intermediate strings; checked against the standard library's formatting.
@Suite struct DigitFormattingTests {
    static let values: [UInt64] = [0, 1, 9, 10, 15, 16, 99, 100, 0xABCDEF, 1 << 62 - 1, UInt64(Int64.max),
                                   UInt64(Int64.max) + 1, UInt64.max - 1, UInt64.max]

    @Test(arguments: DigitFormattingTests.values)
    func hex16IsSixteenZeroPaddedLowercaseDigits(_ value: UInt64) {
        let expected = String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
        #expect(hex16(value) == expected)
    }

    @Test(arguments: DigitFormattingTests.values)
    func writeDecimalWritesTheDigitsAtTheOffset(_ value: UInt64) {
        var bytes = [UInt8](repeating: UInt8(ascii: "#"), count: 24)
        let count = bytes.withUnsafeMutableBufferPointer { writeDecimal(value, into: $0, at: 2) }
        #expect(count == String(value).utf8.count)
        #expect(String(decoding: bytes, as: UTF8.self) == "##" + String(value) + String(repeating: "#", count: 22 - count))
    }
}
