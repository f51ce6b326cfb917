// The HTTP/1.1 request parser: bytes in, requests out, no I/O.
//
// Choices that are stricter than RFC 9112 allows, and why:
// - A bare LF as a line ending is refused with 400 (§2.2 lets a recipient accept it).
//   navetd sits behind a reverse proxy that normalises line endings; a server that
//   disagrees with the proxy about where a line ends is how request smuggling starts.
// - Transfer-Encoding together with Content-Length is refused (§6.1 allows it and
//   tells the server to close the connection afterwards); same reason.
// - Obsolete line folding, whitespace before the colon and control characters in
//   values are refused, which §5.1/§5.2 permit or require.
// - Header values must be valid UTF-8. obs-text is allowed by the grammar, but a
//   lossy decode would let two different byte strings yield the same value, which
//   matters to anything that signs or compares headers.
// - Chunked trailers are checked against the header rules and limits, then dropped
//   (RFC 9110 §6.5.1 forbids merging them into the headers unasked).

/// Why a request was refused, with the status the server answers it with.
///
/// `message` is for the client and for operators; it never quotes the request's
/// bytes, so no case data can leak into a response body or a log through it.
/// After the parser throws one, the connection must be closed: the byte stream
/// can no longer be framed reliably.
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status to answer with (400, 408, 413, 414, 417, 431, 501 or 505).
    public var status: Int
    /// A short English explanation, safe to log and to send.
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func badRequest(_ message: String) -> HTTPParseError { .init(status: 400, message: message) }
    static func tooLarge(_ message: String) -> HTTPParseError { .init(status: 413, message: message) }
    static func headersTooLarge(_ message: String) -> HTTPParseError { .init(status: 431, message: message) }
}

/// What one parsing step produced.
public enum HTTPParseResult: Sendable, Hashable {
    /// The buffered bytes do not yet hold a complete request.
    case needMore
    /// A complete request; bytes after it stay buffered for `next()`.
    case request(HTTPRequest)
}

/// An incremental HTTP/1.1 request parser (RFC 9112) with explicit limits.
///
/// Feed it bytes as they arrive with `append(_:)` and ask for requests with
/// `next()`, or do both with `feed(_:)`. It returns `.needMore` until a request
/// is complete, then `.request`, keeping any bytes that follow (a pipelined
/// request) for the next call: call `next()` until it returns `.needMore`
/// before reading more. Splitting the input differently never changes the
/// result: the same requests, then the same error or `.needMore`.
///
/// Each call costs time linear in the bytes added since the last one; no line
/// is scanned twice. Memory is bounded by the limits plus what the caller
/// appends beyond a request it has not yet taken.
///
/// Once it throws, it stays failed and throws the same error again: the caller
/// answers with `error.status` and closes the connection.
public struct HTTPRequestParser: Sendable {
    /// The limits every request is held to.
    public let limits: HTTPLimits

    private var buffer: [UInt8] = []
    /// Index of the first byte not yet consumed.
    private var cursor = 0
    /// Bytes from `cursor` up to here are known to hold no LF.
    private var scanned = 0
    private var state = State.requestLine
    private var head = Head()
    private var failure: HTTPParseError?

    private enum State: Sendable {
        case requestLine
        case headers
        case fixedBody(Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    /// The request being assembled.
    private struct Head: Sendable {
        var leadingBytes = 0
        var method = ""
        var path = ""
        var query: String?
        var version = HTTPVersion.http1_1
        var headers = HTTPHeaders()
        /// Header (and trailer) section bytes so far, CRLFs included.
        var sectionBytes = 0
        var fieldCount = 0
        /// Digits of the declared length without leading zeros, to compare repeats exactly.
        var contentLengthDigits: [UInt8]?
        var contentLength = 0
        var transferCodings: [String]?
        var hostCount = 0
        var connectionClose = false
        var connectionKeepAlive = false
        var expectContinue = false
        var expectOther = false
        var body: [UInt8] = []
    }

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Whether a request has begun: bytes are buffered or a request is partly
    /// parsed. The server uses it to tell an idle connection (close quietly)
    /// from a stalled request (answer 408).
    public var hasPartialRequest: Bool {
        if failure != nil { return false }
        if cursor < buffer.count { return true }
        if case .requestLine = state { return false }
        return true
    }

    /// Whether the head (request line and header fields) of the current request is
    /// complete and its body is being read. The server then moves the request's deadline
    /// from `HTTPLimits.headTimeout` to `HTTPLimits.requestTimeout`.
    public var isReadingBody: Bool {
        if failure != nil { return false }
        switch state {
        case .requestLine, .headers: return false
        default: return true
        }
    }

    /// Whether the client sent `Expect: 100-continue` and waits for an interim
    /// `100 Continue` before sending the body (RFC 9110 §10.1.1). True from the
    /// end of the head until the request is returned.
    public var isAwaitingContinue: Bool {
        switch state {
        case .requestLine, .headers: return false
        default: return head.expectContinue
        }
    }

    /// Buffers `bytes` without parsing them; call `next()` afterwards.
    ///
    /// Bytes appended after a failure are discarded.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil else { return }
        // Drop consumed bytes once they are most of the buffer, so a long
        // chunked body does not keep every byte it has already copied out.
        if cursor >= 4096 && cursor * 2 >= buffer.count {
            buffer.removeSubrange(0..<cursor)
            scanned -= cursor
            cursor = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends `bytes` and returns the next step, as `append` then `next()`.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(HTTPParseError) -> HTTPParseResult {
        append(bytes)
        return try next()
    }

    /// Parses as far as the buffered bytes allow.
    ///
    /// - Returns: `.request` for each complete request (call again for a
    ///   pipelined one) or `.needMore`.
    /// - Throws: `HTTPParseError` for a malformed or over-limit request, and
    ///   the same error on every later call.
    public mutating func next() throws(HTTPParseError) -> HTTPParseResult {
        if let failure { throw failure }
        do throws(HTTPParseError) {
            if let request = try step() { return .request(request) }
            return .needMore
        } catch {
            failure = error
            buffer = []
            cursor = 0
            scanned = 0
            throw error
        }
    }

    // MARK: - The state machine

    private mutating func step() throws(HTTPParseError) -> HTTPRequest? {
        while true {
            switch state {
            case .requestLine:
                // +1: the limit counts the line without its CRLF, `takeLine` counts the CR.
                let budget = limits.maxRequestLineLength + 1 - head.leadingBytes
                guard let line = try takeLine(limit: budget, error: .init(status: 414, message: "request line too long"))
                else { return nil }
                if line.isEmpty {
                    // RFC 9112 §2.2: skip empty lines before a request line, within the budget.
                    head.leadingBytes += 2
                    continue
                }
                try parseRequestLine(line)
                state = .headers

            case .headers:
                guard let line = try takeSectionLine() else { return nil }
                if line.isEmpty {
                    try finishHead()
                    if let request = completeIfBodyDone() { return request }
                } else {
                    try parseFieldLine(line, keep: true)
                }

            case .fixedBody(let length):
                guard buffer.count - cursor >= length else { return nil }
                head.body = Array(buffer[cursor..<(cursor + length)])
                cursor += length
                scanned = cursor
                return complete()

            case .chunkSize:
                guard let line = try takeLine(
                    limit: limits.maxChunkLineLength + 1, error: .badRequest("chunk size line too long"))
                else { return nil }
                let size = try parseChunkSize(line)
                if size == 0 {
                    state = .trailers
                } else {
                    state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - cursor)
                if available > 0 {
                    head.body.append(contentsOf: buffer[cursor..<(cursor + available)])
                    cursor += available
                    scanned = cursor
                }
                if available < remaining {
                    state = .chunkData(remaining: remaining - available)
                    return nil
                }
                state = .chunkDataEnd

            case .chunkDataEnd:
                let available = buffer.count - cursor
                if available >= 1 && buffer[cursor] != 0x0D { throw .badRequest("chunk data not followed by CRLF") }
                guard available >= 2 else { return nil }
                if buffer[cursor + 1] != 0x0A { throw .badRequest("chunk data not followed by CRLF") }
                cursor += 2
                scanned = cursor
                state = .chunkSize

            case .trailers:
                guard let line = try takeSectionLine() else { return nil }
                if line.isEmpty { return complete() }
                try parseFieldLine(line, keep: false)
            }
        }
    }

    /// Takes the next CRLF-terminated line, returning its bytes without CRLF,
    /// or `nil` when no full line is buffered yet.
    ///
    /// `limit` bounds the bytes before the LF (so it counts the CR). It is
    /// checked against partial lines too, so an endless line fails as soon as
    /// it is over the limit, with the same error a complete one would get.
    private mutating func takeLine(limit: Int, error: HTTPParseError) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        let start = cursor
        let end = buffer.count
        var index = max(scanned, start)
        while index < end && buffer[index] != 0x0A { index += 1 }
        guard index < end else {
            scanned = end
            if end - start > limit { throw error }
            return nil
        }
        if index - start > limit { throw error }
        guard index > start, buffer[index - 1] == 0x0D else {
            throw .badRequest("line ends in a bare LF; lines must end in CRLF")
        }
        cursor = index + 1
        scanned = cursor
        return buffer[start..<(index - 1)]
    }

    /// Takes a header or trailer line within the shared section budget.
    private mutating func takeSectionLine() throws(HTTPParseError) -> ArraySlice<UInt8>? {
        // A line of n bytes before its LF uses n + 1 bytes of the section.
        let budget = limits.maxHeaderBytes - head.sectionBytes - 1
        guard let line = try takeLine(limit: budget, error: .headersTooLarge("header section too large"))
        else { return nil }
        head.sectionBytes += line.count + 2
        return line
    }

    // MARK: - Request line (RFC 9112 §3)

    private mutating func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) {
        guard let firstSpace = line.firstIndex(of: 0x20) else { throw .badRequest("malformed request line") }
        let method = line[line.startIndex..<firstSpace]
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else { throw .badRequest("malformed method") }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: 0x20) else { throw .badRequest("malformed request line") }
        let target = rest[rest.startIndex..<secondSpace]
        let version = rest[(secondSpace + 1)...]

        head.method = String(decoding: method, as: UTF8.self)
        try parseTarget(target)
        head.version = try parseVersion(version)
    }

    private mutating func parseTarget(_ target: ArraySlice<UInt8>) throws(HTTPParseError) {
        // Visible ASCII only; '#' never belongs in a request target.
        guard !target.isEmpty, target.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: "#") }) else {
            throw .badRequest("malformed request target")
        }
        var pathAndQuery = target
        if target.first == UInt8(ascii: "/") {
            // origin-form, the usual case
        } else if target.count == 1 && target.first == UInt8(ascii: "*") {
            guard head.method == "OPTIONS" else { throw .badRequest("asterisk target is only for OPTIONS") }
            head.path = "*"
            head.query = nil
            return
        } else if let afterScheme = Self.absoluteFormRemainder(target) {
            // absolute-form: RFC 9112 §3.2.2 says to accept it and ignore Host.
            let authorityEnd = afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
                ?? afterScheme.endIndex
            guard authorityEnd > afterScheme.startIndex else { throw .badRequest("malformed request target") }
            pathAndQuery = afterScheme[authorityEnd...]
        } else {
            // authority-form (CONNECT) and anything else: this is not a proxy.
            throw .badRequest("unsupported request target form")
        }
        if let question = pathAndQuery.firstIndex(of: UInt8(ascii: "?")) {
            head.path = String(decoding: pathAndQuery[pathAndQuery.startIndex..<question], as: UTF8.self)
            head.query = String(decoding: pathAndQuery[(question + 1)...], as: UTF8.self)
        } else {
            head.path = String(decoding: pathAndQuery, as: UTF8.self)
            head.query = nil
        }
        if head.path.isEmpty { head.path = "/" }
    }

    /// The bytes after `http://` or `https://` (scheme in any case), or `nil`.
    private static func absoluteFormRemainder(_ target: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        for scheme in ["http://", "https://"] {
            let prefix = Array(scheme.utf8)
            if target.count >= prefix.count
                && zip(target, prefix).allSatisfy({ asciiLowercase($0) == $1 })
            {
                return target.dropFirst(prefix.count)
            }
        }
        return nil
    }

    private func parseVersion(_ version: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        // HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        let bytes = Array(version)
        guard bytes.count == 8, bytes[0..<5].elementsEqual("HTTP/".utf8), bytes[6] == UInt8(ascii: "."),
            (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else { throw .badRequest("malformed HTTP version") }
        let parsed = HTTPVersion(major: Int(bytes[5] - 0x30), minor: Int(bytes[7] - 0x30))
        guard parsed == .http1_1 || parsed == .http1_0 else {
            throw .init(status: 505, message: "only HTTP/1.0 and HTTP/1.1 are supported")
        }
        return parsed
    }

    // MARK: - Field lines (RFC 9112 §5, RFC 9110 §5)

    /// Validates one header or trailer line; headers are kept and interpreted,
    /// trailers only checked and counted.
    private mutating func parseFieldLine(_ line: ArraySlice<UInt8>, keep: Bool) throws(HTTPParseError) {
        head.fieldCount += 1
        if head.fieldCount > limits.maxHeaderCount { throw .headersTooLarge("too many header fields") }
        if line.first == 0x20 || line.first == 0x09 {
            throw .badRequest("obsolete line folding or whitespace before a header field")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .badRequest("header field without a colon") }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty else { throw .badRequest("empty header field name") }
        if name.last == 0x20 || name.last == 0x09 {
            throw .badRequest("whitespace between header field name and colon")
        }
        guard name.allSatisfy(isTokenByte) else { throw .badRequest("malformed header field name") }

        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        // field-vchar, SP and HTAB; CR, LF, NUL and the other controls are refused.
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .badRequest("control character in header field value")
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw .badRequest("header field value is not valid UTF-8")
        }
        guard keep else { return }

        let nameText = String(decoding: name, as: UTF8.self)
        try interpret(name: name, value: value)
        head.headers.add(nameText, text)
    }

    /// Records what the framing and connection rules need from one header.
    private mutating func interpret(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) throws(HTTPParseError) {
        if Self.nameEquals(name, "content-length") {
            // RFC 9110 §8.6: a list of identical values is one value; differing ones are refused.
            for member in Self.listMembers(value) {
                guard !member.isEmpty, member.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw .badRequest("malformed Content-Length")
                }
                var digits = Array(member.drop { $0 == 0x30 })
                if digits.isEmpty { digits = [0x30] }
                if let previous = head.contentLengthDigits, previous != digits {
                    throw .badRequest("conflicting Content-Length values")
                }
                head.contentLengthDigits = digits
                // More than 18 digits cannot fit an Int; it is over any limit anyway.
                head.contentLength = digits.count > 18
                    ? Int.max : digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            }
            if head.contentLengthDigits == nil { throw .badRequest("malformed Content-Length") }
        } else if Self.nameEquals(name, "transfer-encoding") {
            var codings = head.transferCodings ?? []
            for member in Self.listMembers(value) where !member.isEmpty {
                codings.append(String(decoding: member.map(asciiLowercase), as: UTF8.self))
            }
            head.transferCodings = codings
        } else if Self.nameEquals(name, "host") {
            head.hostCount += 1
            guard value.allSatisfy(Self.isHostByte) else { throw .badRequest("malformed Host") }
        } else if Self.nameEquals(name, "connection") {
            for member in Self.listMembers(value) {
                if Self.nameEquals(member, "close") { head.connectionClose = true }
                if Self.nameEquals(member, "keep-alive") { head.connectionKeepAlive = true }
            }
        } else if Self.nameEquals(name, "expect") {
            for member in Self.listMembers(value) where !member.isEmpty {
                if Self.nameEquals(member, "100-continue") {
                    head.expectContinue = true
                } else {
                    head.expectOther = true
                }
            }
        }
    }

    /// Applies the rules that need the whole head, then sets up body framing.
    private mutating func finishHead() throws(HTTPParseError) {
        let isHTTP11 = head.version == .http1_1
        // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in 1.0.
        if isHTTP11 && head.hostCount == 0 { throw .badRequest("missing Host header") }
        if head.hostCount > 1 { throw .badRequest("more than one Host header") }

        if let codings = head.transferCodings {
            // Two framings at once is the classic request-smuggling setup (RFC 9112 §6.3, §11.2).
            if head.contentLengthDigits != nil {
                throw .badRequest("both Transfer-Encoding and Content-Length")
            }
            if !isHTTP11 { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            // RFC 9112 §6.3: chunked not last (or absent) leaves the length undeterminable: 400.
            if codings.last != "chunked" {
                throw .badRequest("Transfer-Encoding does not end in chunked")
            }
            // Chunked applied twice: the body length cannot be determined either.
            if codings.filter({ $0 == "chunked" }).count != 1 { throw .badRequest("malformed Transfer-Encoding") }
            // A well-formed coding before chunked that this server does not implement.
            if codings.count != 1 {
                throw .init(status: 501, message: "unsupported Transfer-Encoding; only chunked is implemented")
            }
            head.body = []
            state = .chunkSize
        } else if head.contentLengthDigits != nil {
            if head.contentLength > limits.maxBodyBytes { throw .tooLarge("request body too large") }
            state = .fixedBody(head.contentLength)
        } else {
            state = .fixedBody(0)
        }

        // RFC 9110 §10.1.1: an HTTP/1.0 server ignores Expect entirely.
        if isHTTP11 && head.expectOther {
            throw .init(status: 417, message: "unsupported expectation")
        }
        if !isHTTP11 { head.expectContinue = false }
    }

    /// A head that declares no body is complete as soon as it is parsed.
    private mutating func completeIfBodyDone() -> HTTPRequest? {
        if case .fixedBody(0) = state { return complete() }
        return nil
    }

    private mutating func complete() -> HTTPRequest {
        let keepAlive = head.version == .http1_1 ? !head.connectionClose
            : head.connectionKeepAlive && !head.connectionClose
        let request = HTTPRequest(
            method: head.method, path: head.path, query: head.query, version: head.version,
            headers: head.headers, body: head.body, keepAlive: keepAlive)
        head = Head()
        state = .requestLine
        if cursor == buffer.count {
            // Keep a modest buffer for the next request; give back a large one.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            cursor = 0
            scanned = 0
        }
        return request
    }

    // MARK: - Chunked framing (RFC 9112 §7.1)

    private mutating func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var overflow = false
        var index = line.startIndex
        while index < line.endIndex, let digit = Self.hexValue(line[index]) {
            if size > (Int.max - 15) / 16 { overflow = true } else { size = size * 16 + digit }
            index += 1
        }
        guard index > line.startIndex else { throw .badRequest("malformed chunk size") }
        let rest = line[index...]
        guard rest.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .badRequest("control character in chunk extension")
        }
        if let first = rest.first, first != UInt8(ascii: ";"), first != 0x20, first != 0x09 {
            throw .badRequest("malformed chunk size")
        }
        guard Self.isChunkExtensions(rest) else { throw .badRequest("malformed chunk extension") }
        if overflow || size > limits.maxBodyBytes - head.body.count {
            throw .tooLarge("request body too large")
        }
        return size
    }

    /// Whether `bytes` match RFC 9112 §7.1.1's grammar, which the extensions are checked
    /// against and then ignored:
    ///
    ///     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
    ///     chunk-ext-name = token
    ///     chunk-ext-val  = token / quoted-string
    ///
    /// `2;` (an empty name), `2;=x`, `2;a=` and an unclosed quote are refused.
    static func isChunkExtensions(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        func skipWhitespace() { while let first = rest.first, first == 0x20 || first == 0x09 { rest = rest.dropFirst() } }
        func token() -> Bool {
            let length = rest.prefix(while: isTokenByte).count
            rest = rest.dropFirst(length)
            return length > 0
        }
        while true {
            skipWhitespace()
            guard let first = rest.first else { return true }
            guard first == UInt8(ascii: ";") else { return false }
            rest = rest.dropFirst()
            skipWhitespace()
            guard token() else { return false }
            skipWhitespace()
            guard rest.first == UInt8(ascii: "=") else { continue }
            rest = rest.dropFirst()
            skipWhitespace()
            if rest.first == UInt8(ascii: "\"") {
                // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
                rest = rest.dropFirst()
                var closed = false
                while let byte = rest.first {
                    rest = rest.dropFirst()
                    if byte == UInt8(ascii: "\"") { closed = true; break }
                    if byte == UInt8(ascii: "\\") {
                        guard rest.first != nil else { return false }
                        rest = rest.dropFirst()
                    }
                }
                guard closed else { return false }
            } else if !token() {
                return false
            }
        }
    }

    // MARK: - Byte helpers

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// `uri-host [":" port]` characters: unreserved, sub-delims, '%', ':', '[' and ']'.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: "%"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
            return true
        default: return false
        }
    }

    private static func nameEquals(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard bytes.count == expected.count else { return false }
        return zip(bytes, expected).allSatisfy { asciiLowercase($0) == $1 }
    }

    /// Splits a comma-separated list value into members with OWS trimmed; empty
    /// members are kept so each caller decides (RFC 9110 §5.6.1).
    private static func listMembers(_ value: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { member in
            var member = member
            while let first = member.first, first == 0x20 || first == 0x09 { member = member.dropFirst() }
            while let last = member.last, last == 0x20 || last == 0x09 { member = member.dropLast() }
            return member
        }
    }
}
