extension TextRules {
    /// `collationKey` as bytes that compare (byte by byte, a prefix first, as SQLite
    /// compares blobs and `memcmp` does) exactly as the key compares with
    /// `lexicographicallyPrecedes`: so SQL can sort names the user's way (`ORDER BY` a blob
    /// from this function) and stream the rows, instead of sorting them all in Swift.
    ///
    /// Each element of the key is written in an order-keeping variable-length code
    /// (`appendOrdered`): a smaller number gives a smaller first byte or, with the same
    /// first byte, smaller following bytes, and no code is a prefix of another, so
    /// comparing the bytes compares the elements one by one.
    ///
    /// Text in ASCII (the most common name) takes a shorter path that gives the same key
    /// (`CollationBytesTests` checks both against `collationKey`).
    public static func collationBytes(_ text: String, _ collation: Collation) -> [UInt8] {
        var bytes: [UInt8] = []
        if let ascii = asciiCollationKey(text) {
            bytes.reserveCapacity(ascii.count * 2)
            for element in ascii { appendOrdered(element, to: &bytes) }
            return bytes
        }
        let key = collationKey(text, collation)
        bytes.reserveCapacity(key.count * 2)
        for element in key { appendOrdered(element, to: &bytes) }
        return bytes
    }

    /// `collationKey` for text whose every scalar is ASCII (nil otherwise): nothing to
    /// decompose or normalise, no Swedish letter, no folded letter, and the same key in
    /// both collations.
    static func asciiCollationKey(_ text: String) -> [UInt32]? {
        var utf8 = text.utf8
        let count = utf8.count
        var primary: [UInt32] = []
        primary.reserveCapacity(count * 4 + 3)
        var tertiary: [UInt32] = []
        tertiary.reserveCapacity(count)
        let ok = utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            for byte in buffer {
                guard byte < 0x80 else { return false }
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                tertiary.append(lower == byte ? 0 : 1)
                var weight = UInt32(lower)
                if weight >= 0x61 && weight <= 0x7A + 3 { weight += 0x1_0000 }
                primary.append(weight)
            }
            return true
        }
        if ok == nil {
            // Not contiguous (a bridged string): copy once and try again.
            var copy = text
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            return asciiCollationKey(copy)
        }
        guard ok == true else { return nil }
        primary.append(0)
        primary += repeatElement(0, count: count)  // secondary: no marks
        primary.append(0)
        primary += tertiary
        primary.append(0)
        for byte in utf8 { primary.append(UInt32(byte)) }
        return primary
    }

    /// Appends `value` in an order-keeping code in which the common elements take one byte
    /// (issue 15: `navet child list` keeps these keys per child, layout 23): 0–0x7F as
    /// themselves; the letters a–z and the three Swedish letters after z, as the collation
    /// weighs them (0x1_0061–0x1_007D), as 0xC1–0xDD; 0x80–0x207F in two bytes (lead
    /// 0x80–0x9F), 0x2080–0x1_0060 in three (lead 0xA0), anything above the letters in five
    /// (lead 0xE0). The lead byte says the length, the ranges follow each other in the
    /// order of the lead bytes, and within a range the bytes are big-endian: a smaller
    /// number gives smaller bytes and no code is a prefix of another.
    static func appendOrdered(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(value))
        case 0x80..<0x2080:
            let offset = value - 0x80
            bytes.append(0x80 | UInt8(offset >> 8))
            bytes.append(UInt8(offset & 0xFF))
        case 0x2080..<0x1_0061:
            let offset = value - 0x2080
            bytes.append(0xA0)
            bytes.append(UInt8(offset >> 8))
            bytes.append(UInt8(offset & 0xFF))
        case 0x1_0061...0x1_007D:
            bytes.append(0xC0 + UInt8(value - 0x1_0060))
        default:
            bytes.append(0xE0)
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
        }
    }
}
