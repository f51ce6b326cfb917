/// Identifiers for replicas and records.
///
/// Both are random 63-bit numbers: unique without coordination between offline replicas,
/// positive when stored as SQLite INTEGER, and written as 16 lowercase hex digits.
/// A record id is never reused: a replica draws a fresh one for every new record and
/// checks it against everything it has seen.

/// An opaque 63-bit identifier written as 16 lowercase hex digits.
public protocol HexIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    var rawValue: UInt64 { get }
    init(rawValue: UInt64)
}

extension HexIdentifier {
    public var description: String { hex16(rawValue) }

    /// Parses exactly 16 hex digits (either case). Returns nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 16, let value = UInt64(hex, radix: 16), value != 0,
              value <= UInt64(Int64.max)
        else { return nil }
        self.init(rawValue: value)
    }

    /// Draws a fresh random identifier in 1 ..< 2^63.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Self {
        Self(rawValue: UInt64.random(in: 1...UInt64(Int64.max), using: &generator))
    }

    public static func random() -> Self {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// The value as stored in an SQLite INTEGER column.
    public var int64: Int64 { Int64(bitPattern: rawValue) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Identifies one replica (one organisation's SQLite file). Also the origin of every change
/// made there.
public struct ReplicaID: HexIdentifier {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// Identifies one record (a child, a note, ...). Unique across all replicas and types.
public struct RecordID: HexIdentifier {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// A 64-bit id or epoch as 16 lowercase hex digits, zero-padded, as every id is shown
/// (`0644c1fdd032249c`, never `644c1fdd032249c`).
public func hex16(_ value: UInt64) -> String {
    // Written digit by digit (issue 15: a list of 100,000 children names every id in its
    // read-log entry); the same text as `String(value, radix: 16)` padded with zeros.
    String(unsafeUninitializedCapacity: 16) { buffer in
        writeHex16(value, into: buffer, at: 0)
        return 16
    }
}

/// Writes `value` as 16 lowercase hex digits into `buffer[offset ..< offset + 16]`, which
/// must be in bounds.
public func writeHex16(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
    let digits: StaticString = "0123456789abcdef"
    digits.withUTF8Buffer { digits in
        var rest = value
        for index in stride(from: offset + 15, through: offset, by: -1) {
            buffer[index] = digits[Int(rest & 0xF)]
            rest >>= 4
        }
    }
}

/// Writes `value` in decimal into `buffer` from `offset` on (at most 20 bytes, which must
/// be in bounds) and returns how many bytes it wrote.
public func writeDecimal(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
    var count = 1
    var probe = value
    while probe >= 10 {
        probe /= 10
        count += 1
    }
    var rest = value
    for index in stride(from: offset + count - 1, through: offset, by: -1) {
        buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
        rest /= 10
    }
    return count
}
