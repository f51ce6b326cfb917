/// Byte-level writing and reading for the bundle format: big-endian fixed-width integers,
/// LEB128 varints and zigzag (see `Protocol/BUNDLE.md`, "Conventions").

/// Appends encoded values to a growing byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Unsigned LEB128, always the minimal form (a reader refuses any other).
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func varint(_ value: Int) {
        precondition(value >= 0, "varint of a negative count")
        varint(UInt64(value))
    }

    mutating func zigzag(_ value: Int64) {
        varint(Zigzag.encode(value))
    }

    mutating func append(_ other: some Sequence<UInt8>) {
        bytes.append(contentsOf: other)
    }
}

enum Zigzag {
    static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}

/// Why a `ByteReader` stopped. The caller maps it to its own error, because "ran out of
/// bytes" means `truncated` in the frame and `malformedPayload` inside the payload.
enum ByteReaderFailure: Error, Hashable {
    case endOfInput
    case badVarint
}

/// Reads values from a byte array, checking every access against the bytes that remain.
///
/// Never traps on any input: every read first checks `remaining`.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
        precondition(0 <= start && start <= self.end && self.end <= bytes.count, "reader range out of bounds")
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset == end }

    mutating func u8() throws(ByteReaderFailure) -> UInt8 {
        guard remaining >= 1 else { throw .endOfInput }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(ByteReaderFailure) -> UInt16 {
        UInt16(truncatingIfNeeded: try fixed(2))
    }

    mutating func u32() throws(ByteReaderFailure) -> UInt32 {
        UInt32(truncatingIfNeeded: try fixed(4))
    }

    mutating func u64() throws(ByteReaderFailure) -> UInt64 {
        try fixed(8)
    }

    private mutating func fixed(_ width: Int) throws(ByteReaderFailure) -> UInt64 {
        guard remaining >= width else { throw .endOfInput }
        var value: UInt64 = 0
        for index in offset..<(offset + width) {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += width
        return value
    }

    /// Unsigned LEB128. Refuses more than 10 bytes, overflow past 64 bits and non-minimal
    /// forms, so that every value has exactly one encoding.
    mutating func varint() throws(ByteReaderFailure) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while true {
            guard index < end else { throw .endOfInput }
            let byte = bytes[index]
            index += 1
            if shift == 63, byte > 1 { throw .badVarint }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                // A zero final byte after a continuation adds nothing: not minimal.
                if byte == 0, shift > 0 { throw .badVarint }
                offset = index
                return value
            }
            shift += 7
            if shift > 63 { throw .badVarint }
        }
    }

    mutating func zigzag() throws(ByteReaderFailure) -> Int64 {
        Zigzag.decode(try varint())
    }

    /// The next `count` bytes as a slice of the underlying array (no copy).
    mutating func bytes(_ count: Int) throws(ByteReaderFailure) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .endOfInput }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}
