// Plain values shared by the parser, the responses and the server. No I/O and no
// Foundation here, so the fuzz harness can compile this file on its own.

/// An HTTP protocol version; the parser only produces 1.0 and 1.1.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// The version as it appears on the wire, e.g. `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// One header field line: its name as the client spelled it and its value with
/// surrounding whitespace removed.
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The header fields of a message, in the order they arrived, with lookup by
/// name ignoring ASCII case (RFC 9110 §5.1).
///
/// Repeated fields stay separate entries; `values(for:)` returns all of them and
/// the subscript the first. Lookups are linear scans: header sections are
/// bounded by `HTTPLimits.maxHeaderCount`, so a dictionary would cost more than
/// it saves.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// All field lines in arrival order.
    public private(set) var fields: [HTTPField]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { HTTPField(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }

    /// The value of the first field named `name` (any case), or `nil`.
    public subscript(name: String) -> String? {
        fields.first { asciiCaseInsensitiveEquals($0.name, name) }?.value
    }

    /// The values of every field named `name` (any case), in arrival order.
    /// The value of a field that must appear once: nil when it is missing or repeated
    /// (the Navet-* signature headers, Protocol/HTTP.md).
    public func only(_ name: String) -> String? {
        let found = values(for: name)
        return found.count == 1 ? found[0] : nil
    }

    public func values(for name: String) -> [String] {
        fields.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    /// Whether any field is named `name` (any case).
    public func contains(_ name: String) -> Bool {
        fields.contains { asciiCaseInsensitiveEquals($0.name, name) }
    }

    /// Appends a field line, keeping any existing ones with the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(HTTPField(name: name, value: value))
    }

    /// Replaces every field named `name` with a single line carrying `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field named `name` (any case).
    public mutating func remove(_ name: String) {
        fields.removeAll { asciiCaseInsensitiveEquals($0.name, name) }
    }
}

/// A complete request as the parser hands it over: framing already removed.
///
/// `path` and `query` are the raw bytes of the request target as sent, still
/// percent-encoded: decoding is the router's decision, and decoding here would
/// let `%2F` and `/` look alike. `query` is `nil` when the target had no `?`.
/// An `OPTIONS *` request has the path `*`. For an absolute-form target
/// (`http://host/p`) the scheme and authority are dropped (RFC 9112 §3.2.2).
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the connection stays open after the response: HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`
    /// (RFC 9112 §9.3).
    public var keepAlive: Bool

    public init(
        method: String, path: String, query: String? = nil, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], body: [UInt8] = [], keepAlive: Bool = true
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The request target in origin form: `path`, then `?query` if any.
    public var target: String {
        guard let query else { return path }
        return path + "?" + query
    }

    /// Encodes the request as HTTP/1.1 wire bytes with `Content-Length`
    /// framing, for clients and tests.
    ///
    /// Any `Content-Length` or `Transfer-Encoding` field is dropped and a
    /// `Content-Length` written when the body is not empty, so a parsed
    /// request serializes back to one that parses to the same value. The
    /// fields are written as given: the caller must not put CR or LF in them.
    public func serialized() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(128 + body.count)
        out += "\(method) \(target) \(version)\r\n".utf8
        for field in headers.fields
        where !asciiCaseInsensitiveEquals(field.name, "content-length")
            && !asciiCaseInsensitiveEquals(field.name, "transfer-encoding")
        {
            out += "\(field.name): \(field.value)\r\n".utf8
        }
        if !body.isEmpty {
            out += "Content-Length: \(body.count)\r\n".utf8
        }
        out += "\r\n".utf8
        out += body
        return out
    }
}

/// Compares two strings byte by byte, folding ASCII letters only: field names
/// and tokens are ASCII, and Unicode case folding would let `K` (Kelvin sign)
/// match `k`.
func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    let a = a.utf8, b = b.utf8
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) where asciiLowercase(x) != asciiLowercase(y) {
        return false
    }
    return true
}

@inline(__always)
func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}

/// `tchar` from RFC 9110 §5.6.2: the characters of methods, field names and
/// other tokens.
@inline(__always)
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
        UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default: return false
    }
}
