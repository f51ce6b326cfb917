import Foundation
import NavetHTTP
import Testing

// Pure tests of the HTTP/1.1 request parser and the response serializer: no sockets.

/// Parses `bytes` fed in `pieces` (sizes summing to the count), collecting every
/// request and the error that ended parsing, if any.
private func parseAll(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits(), pieces: [Int]? = nil) -> (
    requests: [HTTPRequest], error: HTTPParseError?, partial: Bool
) {
    var parser = HTTPRequestParser(limits: limits)
    var requests: [HTTPRequest] = []
    var offset = 0
    for piece in pieces ?? [bytes.count] {
        parser.append(bytes[offset..<(offset + piece)])
        offset += piece
        do {
            while case .request(let request) = try parser.next() { requests.append(request) }
        } catch {
            return (requests, error, false)
        }
    }
    return (requests, nil, parser.hasPartialRequest)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

struct ValidRequestCase: Sendable, CustomTestStringConvertible {
    let name: String
    let wire: [UInt8]
    let expected: HTTPRequest
    var testDescription: String { name }

    init(_ name: String, _ wire: String, _ expected: HTTPRequest) {
        self.name = name
        self.wire = Array(wire.utf8)
        self.expected = expected
    }
}

struct RefusalCase: Sendable, CustomTestStringConvertible {
    let name: String
    let wire: [UInt8]
    let status: Int
    let limits: HTTPLimits
    var testDescription: String { "\(name) → \(status)" }

    init(_ name: String, _ wire: String, _ status: Int, limits: HTTPLimits = HTTPLimits()) {
        self.init(name, Array(wire.utf8), status, limits: limits)
    }

    init(_ name: String, _ wire: [UInt8], _ status: Int, limits: HTTPLimits = HTTPLimits()) {
        self.name = name
        self.wire = wire
        self.status = status
        self.limits = limits
    }
}

/// Small limits so each boundary is a short input.
private let small = HTTPLimits(
    maxRequestLineLength: 32, maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 10, maxChunkLineLength: 8)

private let validCases: [ValidRequestCase] = [
    .init(
        "minimal GET", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        HTTPRequest(method: "GET", path: "/", headers: ["Host": "localhost"])),
    .init(
        "path, query and trimmed values", "GET /v1/sync?cursor=42&limit=100 HTTP/1.1\r\nhost: h\r\nX-Trace: \t a b \t\r\n\r\n",
        HTTPRequest(method: "GET", path: "/v1/sync", query: "cursor=42&limit=100", headers: ["host": "h", "X-Trace": "a b"])),
    .init(
        "empty query, percent-encoding kept", "GET /caf%C3%A9? HTTP/1.1\r\nHost: h\r\n\r\n",
        HTTPRequest(method: "GET", path: "/caf%C3%A9", query: "", headers: ["Host": "h"])),
    .init(
        "POST with Content-Length", "POST /v1/bundles HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
        HTTPRequest(method: "POST", path: "/v1/bundles", headers: ["Host": "h", "Content-Length": "11"], body: bytes("hello world"))),
    .init(
        "Content-Length zero", "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
        HTTPRequest(method: "PUT", path: "/x", headers: ["Host": "h", "Content-Length": "0"])),
    .init(
        "repeated identical Content-Length", "POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 4\r\nContent-Length: 0004\r\n\r\nbody",
        HTTPRequest(
            method: "POST", path: "/u", headers: ["Host": "h", "Content-Length": "4, 4", "Content-Length": "0004"],
            body: bytes("body"))),
    .init(
        "chunked with extensions and a trailer",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6 ; ext=\"a b\"\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
        HTTPRequest(method: "POST", path: "/c", headers: ["Host": "h", "Transfer-Encoding": "chunked"], body: bytes("hello world"))),
    .init(
        "chunk extensions: several, token and quoted values, quoted-pair, whitespace",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;a;b=c ; d = \"e\\\"f;g\"\r\nab\r\n0;last\r\n\r\n",
        HTTPRequest(method: "POST", path: "/c", headers: ["Host": "h", "Transfer-Encoding": "chunked"], body: bytes("ab"))),
    .init(
        "chunked, any case, hex digits, leading zeros",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: CHUNKED\r\n\r\n00A\r\n0123456789\r\na\r\nabcdefghij\r\n000\r\n\r\n",
        HTTPRequest(
            method: "POST", path: "/c", headers: ["Host": "h", "Transfer-Encoding": "CHUNKED"],
            body: bytes("0123456789abcdefghij"))),
    .init(
        "HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n",
        HTTPRequest(method: "GET", path: "/", version: .http1_0, keepAlive: false)),
    .init(
        "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
        HTTPRequest(method: "GET", path: "/", version: .http1_0, headers: ["Connection": "Keep-Alive"], keepAlive: true)),
    .init(
        "HTTP/1.1 Connection: close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, CLOSE\r\n\r\n",
        HTTPRequest(method: "GET", path: "/", headers: ["Host": "h", "Connection": "upgrade, CLOSE"], keepAlive: false)),
    .init(
        "empty lines before the request line", "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        HTTPRequest(method: "GET", path: "/", headers: ["Host": "h"])),
    .init(
        "OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        HTTPRequest(method: "OPTIONS", path: "*", headers: ["Host": "h"])),
    .init(
        "absolute-form target", "GET HTTP://navet.example:8080/v1/status?x=1 HTTP/1.1\r\nHost: other\r\n\r\n",
        HTTPRequest(method: "GET", path: "/v1/status", query: "x=1", headers: ["Host": "other"])),
    .init(
        "absolute-form without a path", "GET https://navet.example HTTP/1.1\r\nHost: h\r\n\r\n",
        HTTPRequest(method: "GET", path: "/", headers: ["Host": "h"])),
    .init(
        "extension method, IPv6 Host, UTF-8 value, empty value",
        "PROPFIND /d HTTP/1.1\r\nHost: [::1]:8080\r\nX-Name: Märta\tÅ\r\nX-Empty:\r\n\r\n",
        HTTPRequest(method: "PROPFIND", path: "/d", headers: ["Host": "[::1]:8080", "X-Name": "Märta\tÅ", "X-Empty": ""])),
    .init(
        "Expect: 100-continue", "POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nok",
        HTTPRequest(method: "POST", path: "/u", headers: ["Host": "h", "Expect": "100-Continue", "Content-Length": "2"], body: bytes("ok"))),
    .init(
        "HTTP/1.0 ignores Expect", "POST /u HTTP/1.0\r\nExpect: something\r\nContent-Length: 2\r\n\r\nok",
        HTTPRequest(
            method: "POST", path: "/u", version: .http1_0, headers: ["Expect": "something", "Content-Length": "2"],
            body: bytes("ok"), keepAlive: false)),
]

private let refusalCases: [RefusalCase] = [
    // Line endings and folding (RFC 9112 §2.2, §5.2).
    .init("bare LF everywhere", "GET / HTTP/1.1\nHost: h\n\n", 400),
    .init("bare LF ending a header", "GET / HTTP/1.1\r\nHost: h\n\r\n", 400),
    .init("bare CR in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400),
    .init("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400),
    .init("whitespace before the first header", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
    // Field lines (RFC 9112 §5.1).
    .init("space before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
    .init("tab before the colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400),
    .init("no colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", 400),
    .init("empty name", "GET / HTTP/1.1\r\nHost: h\r\n: x\r\n\r\n", 400),
    .init("name not a token", "GET / HTTP/1.1\r\nHost: h\r\nX@Y: 1\r\n\r\n", 400),
    .init("NUL in a value", Array("GET / HTTP/1.1\r\nHost: h\r\nX: a".utf8) + [0] + Array("b\r\n\r\n".utf8), 400),
    .init("DEL in a value", Array("GET / HTTP/1.1\r\nHost: h\r\nX: a".utf8) + [0x7F] + Array("\r\n\r\n".utf8), 400),
    .init("invalid UTF-8 in a value", Array("GET / HTTP/1.1\r\nHost: h\r\nX: a".utf8) + [0xFF, 0xFE] + Array("\r\n\r\n".utf8), 400),
    // Host (RFC 9112 §3.2).
    .init("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: 1\r\n\r\n", 400),
    .init("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    .init("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    // Request line (RFC 9112 §3).
    .init("method not a token", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("empty method", " / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("two spaces", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("no version", "GET /\r\nHost: h\r\n\r\n", 400),
    .init("trailing space", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
    .init("lowercase version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
    .init("version with two digits", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
    .init("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
    .init("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
    .init("HTTP/0.9 style", "GET / HTTP/0.9\r\n\r\n", 505),
    .init("fragment in the target", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("non-ASCII target", "GET /ä HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("authority-form", "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("asterisk with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("absolute-form without a host", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .init("empty lines without end", String(repeating: "\r\n", count: 20), 414, limits: small),
    // Content-Length (RFC 9110 §8.6).
    .init("negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
    .init("signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\nx", 400),
    .init("hex Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x1\r\n\r\nx", 400),
    .init("empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400),
    .init("Content-Length with a space inside", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", 400),
    .init("differing Content-Length lines", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nbody", 400),
    .init("differing Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 5\r\n\r\nbody", 400),
    .init("Content-Length over the limit", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", 413, limits: small),
    .init("Content-Length overflowing Int", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413),
    // Transfer-Encoding (RFC 9112 §6).
    .init("TE and CL", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
    .init("CL and TE", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    .init("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    // §6.3: chunked absent or not last leaves the length undeterminable: 400, not 501.
    .init("TE gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
    .init("TE chunked, gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
    .init(
        "TE chunked then gzip on two lines",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n", 400),
    .init("TE identity", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", 400),
    // A coding this server does not implement, correctly followed by chunked: 501.
    .init("TE gzip, chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
    .init("TE chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    .init("TE empty", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", 400),
    // Chunked framing (RFC 9112 §7.1).
    .init("chunk size not hex", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", 400),
    .init("chunk size missing", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400),
    .init("chunk size with junk", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n", 400),
    .init("negative chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n", 400),
    .init("chunk size overflowing Int", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n", 413),
    .init("chunk over the body limit", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n", 413, limits: small),
    .init(
        "chunks adding up over the body limit",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", 413, limits: small),
    .init("chunk data without CRLF", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX", 400),
    .init("chunk data with CR only", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX", 400),
    .init(
        "control character in a chunk extension",
        Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a".utf8) + [0x01] + Array("\r\nhello\r\n".utf8),
        400),
    // Chunk extensions against RFC 9112 §7.1.1's grammar.
    .init("chunk extension with an empty name", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nab\r\n0\r\n\r\n", 400),
    .init("chunk extension of a bare '='", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;=x\r\nab\r\n0\r\n\r\n", 400),
    .init("chunk extension without a value", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\r\nab\r\n0\r\n\r\n", 400),
    .init("chunk extension name not a token", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;a(b\r\nab\r\n0\r\n\r\n", 400),
    .init("chunk extension with an unclosed quote", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\"b\r\nab\r\n0\r\n\r\n", 400),
    .init("chunk extension with junk after a quoted value", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\"b\"c\r\nab\r\n0\r\n\r\n", 400),
    .init("empty name on the last chunk", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0;\r\n\r\n", 400),
    .init(
        "chunk line too long", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;aaaaaaaa\r\n", 400,
        limits: small),
    .init(
        "trailer with obs-fold",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n", 400),
    .init(
        "trailer over the header budget",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: \(String(repeating: "t", count: 40))\r\n\r\n",
        431, limits: small),
    // Expectations (RFC 9110 §10.1.1).
    .init("unknown expectation", "POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417),
    // Limits.
    .init("request line too long", "GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\nHost: h\r\n\r\n", 414, limits: small),
    .init("request line without end", "GET /\(String(repeating: "a", count: 40))", 414, limits: small),
    .init("header section too large", "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "v", count: 60))\r\n\r\n", 431, limits: small),
    .init("header line without end", "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "v", count: 60))", 431, limits: small),
    .init("too many headers", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431, limits: small),
]

@Suite struct HTTPParserTests {
    @Test(arguments: validCases)
    func parsesWholeAndSplitAtEveryByte(_ example: ValidRequestCase) {
        let whole = parseAll(example.wire)
        #expect(whole.error == nil)
        #expect(whole.requests == [example.expected])
        #expect(!whole.partial)
        for cut in 0...example.wire.count {
            let split = parseAll(example.wire, pieces: [cut, example.wire.count - cut])
            #expect(split.requests == [example.expected], "split at \(cut)")
            #expect(split.error == nil && !split.partial, "split at \(cut)")
        }
        let byteByByte = parseAll(example.wire, pieces: Array(repeating: 1, count: example.wire.count))
        #expect(byteByByte.requests == [example.expected])
    }

    @Test(arguments: refusalCases)
    func refusesWithStatus(_ example: RefusalCase) {
        let whole = parseAll(example.wire, limits: example.limits)
        #expect(whole.requests.isEmpty)
        #expect(whole.error?.status == example.status)
        // The error must not depend on how the bytes arrive.
        let byteByByte = parseAll(example.wire, limits: example.limits, pieces: Array(repeating: 1, count: example.wire.count))
        #expect(byteByByte.error == whole.error)
    }

    @Test func staysFailedAfterAnError() throws {
        var parser = HTTPRequestParser()
        let error = #expect(throws: HTTPParseError.self) {
            try parser.feed(bytes("GET / HTTP/1.1\nHost: h\n\n"))
        }
        #expect(error?.status == 400)
        #expect(!parser.hasPartialRequest)
        // A valid request afterwards does not revive it: the stream is unframeable.
        let again = #expect(throws: HTTPParseError.self) {
            try parser.feed(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        }
        #expect(again == error)
    }

    @Test func errorMessagesNeverQuoteTheRequest() {
        let secret = "Amina-Rahimi-2009"
        let wire = "GET /\(secret) HTTP/1.1\r\nHost: h\r\nX-Child\(secret) : \(secret)\r\n\r\n"
        let result = parseAll(bytes(wire))
        #expect(result.error?.status == 400)
        #expect(result.error.map { !$0.message.contains(secret) } == true)
    }

    @Test func pipelinedRequestsComeOutInOrderAndKeepLeftovers() throws {
        let wire = bytes(
            "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                + "GET /d HTTP/1.1\r\nHo")
        var parser = HTTPRequestParser()
        var paths: [String] = []
        var result = try parser.feed(wire)
        while case .request(let request) = result {
            paths.append(request.path)
            result = try parser.next()
        }
        #expect(paths == ["/a", "/b", "/c"])
        #expect(parser.hasPartialRequest)
        guard case .request(let last) = try parser.feed(bytes("st: h\r\n\r\n")) else {
            Issue.record("the fourth request did not complete")
            return
        }
        #expect(last.path == "/d")
        #expect(try parser.next() == .needMore)
        #expect(!parser.hasPartialRequest)
    }

    @Test func chunkedBodyArrivingInManyReads() throws {
        // 100 chunks of 1..100 bytes, fed in reads of 7 bytes: chunk boundaries and
        // read boundaries never line up.
        var wire = bytes("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
        var body: [UInt8] = []
        for size in 1...100 {
            let chunk = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) }
            wire += bytes(String(size, radix: 16) + "\r\n") + chunk + bytes("\r\n")
            body += chunk
        }
        wire += bytes("0\r\n\r\n")
        let pieces = stride(from: 0, to: wire.count, by: 7).map { min(7, wire.count - $0) }
        let result = parseAll(wire, pieces: pieces)
        #expect(result.error == nil)
        #expect(result.requests.map(\.body) == [body])
    }

    @Test func awaitsContinueOnlyBetweenHeadAndBody() throws {
        var parser = HTTPRequestParser()
        #expect(try parser.feed(bytes("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n")) == .needMore)
        #expect(!parser.isAwaitingContinue)
        #expect(try parser.feed(bytes("Content-Length: 2\r\n\r\n")) == .needMore)
        #expect(parser.isAwaitingContinue)
        guard case .request = try parser.feed(bytes("ok")) else {
            Issue.record("request did not complete")
            return
        }
        #expect(!parser.isAwaitingContinue)
    }

    // MARK: Limits: exactly at each limit passes, one byte more is refused.

    struct LimitCase: Sendable, CustomTestStringConvertible {
        let name: String
        let atLimit: String
        let overLimit: String
        let status: Int
        var testDescription: String { name }
    }

    static let limitCases: [LimitCase] = [
        // "GET " + path + " HTTP/1.1" is 13 bytes plus the path: 32 bytes at the limit.
        LimitCase(
            name: "request line", atLimit: "GET /\(String(repeating: "a", count: 18)) HTTP/1.1\r\nHost: h\r\n\r\n",
            overLimit: "GET /\(String(repeating: "a", count: 19)) HTTP/1.1\r\nHost: h\r\n\r\n", status: 414),
        // "Host: h\r\n" (9) + "X: " (3) + value + "\r\n" (2) + "\r\n" (2): 64 bytes at the limit.
        LimitCase(
            name: "header bytes", atLimit: "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "v", count: 48))\r\n\r\n",
            overLimit: "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "v", count: 49))\r\n\r\n", status: 431),
        LimitCase(
            name: "header count", atLimit: "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n",
            overLimit: "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", status: 431),
        LimitCase(
            name: "Content-Length body", atLimit: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789",
            overLimit: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n0123456789a", status: 413),
        LimitCase(
            name: "chunked body",
            atLimit: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n",
            overLimit: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n56789a\r\n0\r\n\r\n",
            status: 413),
        LimitCase(
            name: "chunk line",
            atLimit: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;abcdef\r\nx\r\n0\r\n\r\n",
            overLimit: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;abcdefg\r\nx\r\n0\r\n\r\n",
            status: 400),
    ]

    @Test(arguments: limitCases)
    func limitBoundary(_ example: LimitCase) {
        let accepted = parseAll(bytes(example.atLimit), limits: small)
        #expect(accepted.error == nil)
        #expect(accepted.requests.count == 1)
        let refused = parseAll(bytes(example.overLimit), limits: small)
        #expect(refused.requests.isEmpty)
        #expect(refused.error?.status == example.status)
    }

    @Test func defaultLimits() {
        let limits = HTTPLimits()
        #expect(limits.maxHeaderBytes == 16 * 1024)
        #expect(limits.maxHeaderCount == 100)
        #expect(limits.maxBodyBytes == 64 * 1024 * 1024)
        #expect(limits.requestTimeout == .seconds(30))
        #expect(limits.headTimeout == .seconds(10))
        #expect(limits.idleTimeout == .seconds(15))
        #expect(limits.maxConnections == 256)
    }

    // MARK: Keep-alive (RFC 9112 §9.3)

    @Test(arguments: [
        ("HTTP/1.1", nil, true), ("HTTP/1.1", "close", false), ("HTTP/1.1", "keep-alive", true),
        ("HTTP/1.1", "Keep-Alive, Close", false), ("HTTP/1.0", nil, false), ("HTTP/1.0", "keep-alive", true),
        ("HTTP/1.0", "KEEP-ALIVE", true), ("HTTP/1.0", "close", false), ("HTTP/1.0", "keep-alive, close", false),
    ] as [(String, String?, Bool)])
    func keepAlive(_ version: String, _ connection: String?, _ expected: Bool) throws {
        var wire = "GET / \(version)\r\nHost: h\r\n"
        if let connection { wire += "Connection: \(connection)\r\n" }
        wire += "\r\n"
        let result = parseAll(bytes(wire))
        #expect(result.requests.map(\.keepAlive) == [expected])
    }

    // MARK: Headers

    @Test func headerLookupIgnoresCaseAndKeepsOrder() {
        let result = parseAll(bytes("GET / HTTP/1.1\r\nHost: h\r\nX-Tag: one\r\nx-tag: two\r\nAccept: */*\r\n\r\n"))
        let headers = result.requests.first?.headers ?? [:]
        #expect(headers["X-TAG"] == "one")
        #expect(headers.values(for: "x-Tag") == ["one", "two"])
        #expect(headers.fields.map(\.name) == ["Host", "X-Tag", "x-tag", "Accept"])
        #expect(headers.contains("accept"))
        #expect(!headers.contains("content-length"))
        // ASCII folding only: the Kelvin sign is not a K.
        #expect(headers["\u{212A}-tag"] == nil)
    }

    // MARK: Round trip and the fuzz corpus

    @Test(arguments: validCases)
    func serializedRequestParsesBackEqual(_ example: ValidRequestCase) throws {
        var framingFree = example.expected
        framingFree.headers.remove("Content-Length")
        framingFree.headers.remove("Transfer-Encoding")
        var again = try #require(parseAll(example.expected.serialized()).requests.first)
        again.headers.remove("Content-Length")
        #expect(again == framingFree)
    }

    static let corpus: [URL] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Tools/fuzz/http/corpus").standardizedFileURL
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }()

    @Test func corpusIsPresent() {
        #expect(Self.corpus.count >= 10)
    }

    /// Every fuzz seed and every input the fuzzer once crashed on: the result does
    /// not depend on how the input is split, under default and tiny limits.
    @Test(arguments: corpus)
    func fuzzCorpusInputSplitsAgree(_ file: URL) throws {
        let wire = Array(try Data(contentsOf: file))
        for limits in [HTTPLimits(), small] {
            let whole = parseAll(wire, limits: limits)
            let byteByByte = parseAll(wire, limits: limits, pieces: Array(repeating: 1, count: wire.count))
            #expect(whole.requests == byteByByte.requests, "\(file.lastPathComponent)")
            #expect(whole.error == byteByByte.error, "\(file.lastPathComponent)")
            for request in whole.requests {
                #expect(request.body.count <= limits.maxBodyBytes)
                #expect(request.headers.count <= limits.maxHeaderCount)
            }
        }
    }
}

@Suite struct HTTPResponseTests {
    @Test func serializesStatusHeadersLengthAndBody() {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: bytes("hej"))
        #expect(
            String(decoding: response.serialize(), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nhej")
    }

    @Test func closingAddsConnectionClose() {
        let wire = String(decoding: HTTPResponse(status: 404).serialize(keepAlive: false), as: UTF8.self)
        #expect(wire == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func keepsAnHTTP10ClientAliveExplicitly() {
        let wire = String(decoding: HTTPResponse(status: 200).serialize(requestVersion: .http1_0), as: UTF8.self)
        #expect(wire.contains("\r\nConnection: keep-alive\r\n"))
    }

    @Test func writesAnIMFFixdate() {
        let date = Date(timeIntervalSince1970: 784_111_777)
        #expect(HTTPResponse.imfFixdate(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        let wire = String(decoding: HTTPResponse(status: 204).serialize(date: date), as: UTF8.self)
        #expect(wire == "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    }

    @Test func ownsTheFramingFields() {
        let response = HTTPResponse(
            status: 200,
            headers: ["content-length": "999", "Transfer-Encoding": "chunked", "Connection": "keep-alive", "X-A": "1"],
            body: bytes("abc"))
        #expect(
            String(decoding: response.serialize(keepAlive: false), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    }

    @Test func headResponseKeepsLengthButNoBody() {
        let wire = HTTPResponse(status: 200, body: bytes("abcdef")).serialize(includeBody: false)
        #expect(String(decoding: wire, as: UTF8.self) == "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
    }

    @Test func handlerInputCannotSplitTheResponse() {
        let response = HTTPResponse(
            status: 302, reason: "Found\r\nX-Evil: 1",
            headers: ["Location": "/a\r\nSet-Cookie: x=1", "Bad Name": "dropped"])
        let wire = String(decoding: response.serialize(), as: UTF8.self)
        #expect(wire == "HTTP/1.1 302 Found  X-Evil: 1\r\nLocation: /a  Set-Cookie: x=1\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func reasonPhrases() {
        #expect(HTTPResponse.reasonPhrase(for: 413) == "Content Too Large")
        #expect(HTTPResponse.reasonPhrase(for: 431) == "Request Header Fields Too Large")
        #expect(HTTPResponse.reasonPhrase(for: 799) == "")
    }
}
