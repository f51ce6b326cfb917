/// A small JSON reader (RFC 8259) that keeps where every value starts, so that an error
/// in a policy file names its line and column, and that refuses what Foundation's reader
/// lets through silently: a key given twice in one object (the second would win, and a
/// typo's twin could widen access unnoticed).
///
/// Pure: bytes in, a tree out. Limits: `PolicyFile.maxBytes` of input and
/// `JSONReader.maxDepth` levels of nesting, so no input can exhaust the stack.

/// A place in a text: line and column, both counted from 1. Columns count Unicode
/// scalars (characters as an editor shows them, for text without combining marks).
public struct TextPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A JSON value and where it starts.
public struct JSONNode: Sendable {
    public enum Value: Sendable {
        /// Members in the order written; keys are unique (the reader refuses repeats).
        case object([Member])
        case array([JSONNode])
        case string(String)
        /// The number as written (`1`, `-2.5e3`).
        case number(String)
        case bool(Bool)
        case null
    }

    public struct Member: Sendable {
        public let key: String
        public let keyPosition: TextPosition
        public let value: JSONNode
    }

    public let value: Value
    public let position: TextPosition
}

/// A strict JSON reader (RFC 8259): UTF-8 only, keys unique, nesting at most `maxDepth`,
/// numbers kept as written. Reads policy files and the `/v1/verify` request body.
public struct JSONReader {
    /// Objects and arrays nested deeper than this are refused (a policy file needs 4).
    static let maxDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads one JSON value that fills `bytes` (whitespace around it aside; a leading
    /// UTF-8 byte order mark is skipped, as some editors write one).
    public static func read(_ bytes: [UInt8]) throws(PolicyError) -> JSONNode {
        try validateUTF8(bytes)
        var reader = JSONReader(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
        reader.skipWhitespace()
        guard reader.index < bytes.count else { throw PolicyError(.syntax(.empty), at: reader.position) }
        let node = try reader.value()
        reader.skipWhitespace()
        if reader.index < bytes.count {
            throw PolicyError(.syntax(.trailingText(reader.foundHere())), at: reader.position)
        }
        return node
    }

    /// Refuses bytes that are not UTF-8, naming the line and column of the first bad byte.
    static func validateUTF8(_ bytes: [UInt8]) throws(PolicyError) {
        var line = 1
        var column = 1
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && i + length <= bytes.count
            if valid, length > 1 {
                for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { valid = false }
                if valid {
                    let second = bytes[i + 1]
                    // Overlong forms, UTF-16 surrogates and scalars above U+10FFFF.
                    if byte == 0xE0 && second < 0xA0 || byte == 0xED && second > 0x9F
                        || byte == 0xF0 && second < 0x90 || byte == 0xF4 && second > 0x8F {
                        valid = false
                    }
                }
            }
            guard valid else {
                throw PolicyError(.notUTF8, at: TextPosition(line: line, column: column))
            }
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += length
        }
    }

    private var position: TextPosition { TextPosition(line: line, column: column) }

    /// The character at the reader, for an error ("found '}'"), or nil at the end.
    private func foundHere() -> String? {
        guard index < bytes.count else { return nil }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }

    private mutating func advance() {
        guard index < bytes.count else { return }
        if bytes[index] == 0x0A {
            line += 1
            column = 1
        } else if bytes[index] & 0xC0 != 0x80 {
            column += 1
        }
        index += 1
        // Continuation bytes of the same scalar move no column.
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { advance() }
    }

    private mutating func value() throws(PolicyError) -> JSONNode {
        let start = position
        guard index < bytes.count else { throw PolicyError(.syntax(.unexpectedEnd), at: start) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return JSONNode(value: try object(), position: start)
        case UInt8(ascii: "["): return JSONNode(value: try array(), position: start)
        case UInt8(ascii: "\""): return JSONNode(value: .string(try string()), position: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(value: .bool(true), position: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(value: .bool(false), position: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(value: .null, position: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONNode(value: .number(try number()), position: start)
        default: throw PolicyError(.syntax(.expectedValue(word() ?? foundHere())), at: start)
        }
    }

    private mutating func enter() throws(PolicyError) {
        depth += 1
        if depth > Self.maxDepth { throw PolicyError(.syntax(.tooDeep(limit: Self.maxDepth)), at: position) }
    }

    private mutating func object() throws(PolicyError) -> JSONNode.Value {
        try enter()
        advance()  // {
        var members: [JSONNode.Member] = []
        var seen: [String: TextPosition] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return .object([])
        }
        while true {
            skipWhitespace()
            let keyPosition = position
            guard index < bytes.count else { throw PolicyError(.syntax(.unexpectedEnd), at: keyPosition) }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}"), !members.isEmpty {
                    throw PolicyError(.syntax(.trailingComma), at: keyPosition)
                }
                throw PolicyError(.syntax(.expectedKey(word() ?? foundHere())), at: keyPosition)
            }
            let key = try string()
            if let first = seen[key] {
                throw PolicyError(.syntax(.repeatedKey(key, first: first)), at: keyPosition)
            }
            seen[key] = keyPosition
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                if index >= bytes.count { throw PolicyError(.syntax(.unexpectedEnd), at: position) }
                throw PolicyError(.syntax(.expectedColon(foundHere())), at: position)
            }
            advance()
            skipWhitespace()
            let value = try value()
            members.append(JSONNode.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw PolicyError(.syntax(.unexpectedEnd), at: position) }
            if bytes[index] == UInt8(ascii: ",") {
                advance()
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                advance()
                depth -= 1
                return .object(members)
            }
            throw PolicyError(.syntax(.expectedCommaOrEnd(closing: "}", found: foundHere())), at: position)
        }
    }

    private mutating func array() throws(PolicyError) -> JSONNode.Value {
        try enter()
        advance()  // [
        var elements: [JSONNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return .array([])
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]"), !elements.isEmpty {
                throw PolicyError(.syntax(.trailingComma), at: position)
            }
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw PolicyError(.syntax(.unexpectedEnd), at: position) }
            if bytes[index] == UInt8(ascii: ",") {
                advance()
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                advance()
                depth -= 1
                return .array(elements)
            }
            throw PolicyError(.syntax(.expectedCommaOrEnd(closing: "]", found: foundHere())), at: position)
        }
    }

    private mutating func literal(_ word: String) throws(PolicyError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw PolicyError(.syntax(.expectedValue(self.word() ?? foundHere())), at: position)
        }
        for _ in expected { advance() }
    }

    /// The ASCII word at the reader (`True`, `nul`, `label`), up to 20 letters, so an error
    /// names what was written rather than its first letter; nil if no letter is there.
    private func word() -> String? {
        var end = index
        while end < bytes.count, end - index < 20,
              (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[end] | 0x20) { end += 1 }
        return end > index ? String(decoding: bytes[index..<end], as: UTF8.self) : nil
    }

    private mutating func number() throws(PolicyError) -> String {
        let start = index
        let startPosition = position
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        if bytes[index] == UInt8(ascii: "-") { advance() }
        guard index < bytes.count, isDigit(bytes[index]) else { throw PolicyError(.syntax(.badNumber), at: startPosition) }
        if bytes[index] == UInt8(ascii: "0") {
            advance()
            if index < bytes.count, isDigit(bytes[index]) { throw PolicyError(.syntax(.badNumber), at: startPosition) }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            advance()
            guard index < bytes.count, isDigit(bytes[index]) else { throw PolicyError(.syntax(.badNumber), at: startPosition) }
            while index < bytes.count, isDigit(bytes[index]) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            advance()
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { advance() }
            guard index < bytes.count, isDigit(bytes[index]) else { throw PolicyError(.syntax(.badNumber), at: startPosition) }
            while index < bytes.count, isDigit(bytes[index]) { advance() }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func string() throws(PolicyError) -> String {
        let start = position
        advance()  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
        while true {
            guard index < bytes.count else { throw PolicyError(.syntax(.unterminatedString), at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(index)
                advance()
                return String(scalars)
            }
            if byte < 0x20 {
                // A raw line break or tab inside a string: JSON wants \n or \t.
                throw PolicyError(.syntax(.controlInString), at: position)
            }
            if byte == UInt8(ascii: "\\") {
                flush(index)
                let escapePosition = position
                advance()
                guard index < bytes.count else { throw PolicyError(.syntax(.unterminatedString), at: start) }
                let escaped = bytes[index]
                advance()
                switch escaped {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var unit = try hex4(escapePosition)
                    if (0xD800...0xDBFF).contains(unit) {
                        // A high surrogate must be followed by an escaped low one.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw PolicyError(.syntax(.badEscape), at: escapePosition) }
                        advance()
                        advance()
                        let low = try hex4(escapePosition)
                        guard (0xDC00...0xDFFF).contains(low) else { throw PolicyError(.syntax(.badEscape), at: escapePosition) }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(unit) else { throw PolicyError(.syntax(.badEscape), at: escapePosition) }
                    scalars.append(scalar)
                default:
                    throw PolicyError(.syntax(.badEscape), at: escapePosition)
                }
                runStart = index
                continue
            }
            advance()
        }
    }

    private mutating func hex4(_ escapePosition: TextPosition) throws(PolicyError) -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw PolicyError(.syntax(.badEscape), at: escapePosition) }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw PolicyError(.syntax(.badEscape), at: escapePosition)
            }
            unit = unit << 4 | digit
            advance()
        }
        return unit
    }
}
