import Dispatch
import Foundation
import NavetHTTP
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

// A live server on 127.0.0.1 port 0 per test, spoken to over raw sockets (to send
// exactly the bytes a test needs) and with URLSession (a real client).

/// Collects the server's access-log lines.
private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

/// Answers with "METHOD target" and the request body; `/slow` waits first.
private func echo(_ request: HTTPRequest, _ info: ConnectionInfo) -> HTTPResponse {
    var headers: HTTPHeaders = ["X-Connection": String(info.id), "X-Peer": info.peer.host]
    headers.add("Content-Type", "application/octet-stream")
    return HTTPResponse(status: 200, headers: headers, body: Array("\(request.method) \(request.target)\n".utf8) + request.body)
}

private let testLimits = HTTPLimits(requestTimeout: .seconds(2), idleTimeout: .seconds(2))

private func startServer(
    limits: HTTPLimits = testLimits, drainTimeout: Duration = .seconds(2), log: LogLines? = nil,
    handler: @escaping HTTPServer.Handler = echo
) throws -> HTTPServer {
    let address = try HTTPServer.Address.parse("127.0.0.1:0")
    var sink: (@Sendable (String) -> Void)?
    if let log { sink = { log.append($0) } }
    let server = try HTTPServer(address: address, limits: limits, drainTimeout: drainTimeout, log: sink, handler: handler)
    server.start()
    return server
}

/// A response as a raw client reads it.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking loopback client socket with a receive timeout, so a broken server
/// fails the test instead of hanging it. Owns its descriptor.
final class RawClient {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: UInt16, host: String = "127.0.0.1") throws {
        let address = try HTTPServer.Address(host: host, port: port)
        fd = socket(address.family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        // A safety net so a broken server fails the test instead of hanging it; never a
        // bound on how fast the server answers (a busy machine may be slow).
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected: Int32
        if address.family == .ipv4 {
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = port.bigEndian
            inet_pton(AF_INET, address.host, &raw.sin_addr)
            connected = withUnsafePointer(to: &raw) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = port.bigEndian
            inet_pton(AF_INET6, address.host, &raw.sin6_addr)
            connected = withUnsafePointer(to: &raw) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        if connected != 0 {
            let code = errno
            close(fd)
            throw HTTPServerError(message: "connect failed", errno: code)
        }
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads more bytes; false on EOF, error or timeout.
    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        pending += buffer[0..<count]
        return true
    }

    /// Reads one response framed by Content-Length (none for HEAD and 1xx);
    /// nil if the connection ends first.
    func readResponse(toHEAD: Bool = false) -> RawResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while true {
            if pending.count >= 4,
                let found = (0...(pending.count - 4)).first(where: { Array(pending[$0..<($0 + 4)]) == separator })
            {
                headEnd = found
                break
            }
            guard fill() else { return nil }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        let length = toHEAD || status < 200 ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        while pending.count < length {
            guard fill() else { return nil }
        }
        response.body = Array(pending[0..<length])
        pending.removeFirst(length)
        return response
    }

    /// True if the peer closes (EOF or reset) with no more bytes. Waits as long as it
    /// takes, up to a 60 s safety net against a hang: never a bound on how fast.
    func closedByPeer() -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 60_000) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) <= 0
    }
}

private func request(_ method: String, _ target: String, body: String? = nil, extra: String = "") -> String {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)"
    if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
    return text + "\r\n" + (body ?? "")
}

@Suite struct HTTPServerTests {
    @Test func getAndPostOverARawSocket() throws {
        let log = LogLines()
        let server = try startServer(log: log)
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        client.send(request("GET", "/hello?child=secret"))
        let get = try #require(client.readResponse())
        #expect(get.status == 200)
        #expect(get.text == "GET /hello?child=secret\n")
        #expect(get.header("X-Peer") == "127.0.0.1")
        #expect(get.header("Date")?.hasSuffix(" GMT") == true)
        #expect(get.header("Connection") == nil)

        client.send(request("POST", "/v1/bundles", body: "payload"))
        let post = try #require(client.readResponse())
        #expect(post.status == 200)
        #expect(post.text == "POST /v1/bundles\npayload")

        client.send(request("HEAD", "/h"))
        let head = try #require(client.readResponse(toHEAD: true))
        #expect(head.header("Content-Length") == "8")
        #expect(head.body.isEmpty)

        // The access log is JSON lines without the query string. A line is written
        // after its response is sent; stopping drains the connection first.
        server.stop()
        let lines = log.all
        #expect(lines.count == 3)
        let first = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["method"] as? String == "GET")
        #expect(first["path"] as? String == "/hello")
        #expect(first["status"] as? Int == 200)
        #expect(first["bytes"] as? Int == 24)
        #expect(first["ms"] is Double)
        #expect(!lines.joined().contains("secret"))
    }

    @Test func keepAliveReusesOneConnectionAndPipelines() throws {
        let server = try startServer()
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        var connections = Set<String>()
        for index in 0..<5 {
            client.send(request("GET", "/n/\(index)"))
            let response = try #require(client.readResponse())
            #expect(response.text == "GET /n/\(index)\n")
            connections.insert(response.header("X-Connection") ?? "")
        }
        #expect(connections.count == 1)
        // Three requests in one write come back in order on the same connection.
        client.send(request("GET", "/p/1") + request("POST", "/p/2", body: "x") + request("GET", "/p/3"))
        let texts = (0..<3).compactMap { _ in client.readResponse()?.text }
        #expect(texts == ["GET /p/1\n", "POST /p/2\nx", "GET /p/3\n"])
    }

    @Test func urlSessionRoundTrips() async throws {
        let server = try startServer()
        defer { server.stop() }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let base = "http://127.0.0.1:\(server.address.port)"

        let (data, response) = try await session.data(from: try #require(URL(string: "\(base)/status?x=1")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self) == "GET /status?x=1\n")

        // Big enough that curl may ask for 100-continue first.
        let payload = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        var post = URLRequest(url: try #require(URL(string: "\(base)/v1/bundles")))
        post.httpMethod = "POST"
        post.httpBody = payload
        let (echoed, postResponse) = try await session.data(for: post)
        #expect((postResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(echoed == Data("POST /v1/bundles\n".utf8) + payload)
    }

    @Test func sixtyFourConcurrentConnections() throws {
        let server = try startServer()
        defer { server.stop() }
        // All 64 connect before any request, so they are open at the same time.
        let clients = try (0..<64).map { _ in try RawClient(port: server.address.port) }
        let failures = LogLines()
        let group = DispatchGroup()
        for (index, client) in clients.enumerated() {
            group.enter()
            nonisolated(unsafe) let client = client  // each thread uses only its own client
            Thread {
                defer { group.leave() }
                for round in 0..<5 {
                    let body = "c\(index)r\(round)"
                    guard client.send(request("POST", "/c/\(index)", body: body)),
                        let response = client.readResponse(), response.text == "POST /c/\(index)\n\(body)"
                    else {
                        failures.append("client \(index) round \(round)")
                        return
                    }
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 120) == .success)  // a safety net against a hang only
        #expect(failures.all.isEmpty)
        withExtendedLifetime(clients) {
            #expect(server.activeConnectionCount == 64)
        }
    }

    @Test func connectionsOverTheLimitGet503() throws {
        var limits = testLimits
        limits.maxConnections = 2
        let server = try startServer(limits: limits)
        defer { server.stop() }
        let first = try RawClient(port: server.address.port)
        let second = try RawClient(port: server.address.port)
        for client in [first, second] {
            client.send(request("GET", "/"))
            #expect(client.readResponse()?.status == 200)
        }
        try withExtendedLifetime(second) {
            let third = try RawClient(port: server.address.port)
            let refused = try #require(third.readResponse())
            #expect(refused.status == 503)
            #expect(refused.header("Connection") == "close")
            #expect(third.closedByPeer())
            // The first two are still served.
            first.send(request("GET", "/again"))
            #expect(first.readResponse()?.status == 200)
        }
    }

    @Test(arguments: [
        ("bare LF", "GET / HTTP/1.1\nHost: h\n\n", 400),
        ("no Host", "GET / HTTP/1.1\r\n\r\n", 400),
        ("smuggling", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("HTTP/2", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("gzip alone", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
        ("gzip, chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        ("empty chunk extension name", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nab\r\n0\r\n\r\n", 400),
    ])
    func malformedRequestGetsItsStatusAndClose(_ name: String, _ wire: String, _ status: Int) throws {
        let server = try startServer()
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        client.send(wire)
        let response = try #require(client.readResponse())
        #expect(response.status == status)
        #expect(response.header("Connection") == "close")
        #expect(client.closedByPeer())
    }

    @Test func oversizedBodyGets413() throws {
        var limits = testLimits
        limits.maxBodyBytes = 1024
        let server = try startServer(limits: limits)
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        // The body is on its way when the refusal comes; the server must not reset it away.
        client.send(request("POST", "/big", body: String(repeating: "x", count: 4096)))
        let response = try #require(client.readResponse())
        #expect(response.status == 413)
        #expect(response.header("Connection") == "close")
        #expect(client.closedByPeer())
    }

    @Test func headerSectionOverTheLimitGets431() throws {
        let server = try startServer()
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        client.send(request("GET", "/", extra: "X-Big: \(String(repeating: "h", count: 20_000))\r\n"))
        let response = try #require(client.readResponse())
        #expect(response.status == 431)
        #expect(client.closedByPeer())
    }

    @Test func expectContinueGetsAnInterimResponse() throws {
        let server = try startServer()
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        client.send("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = try #require(client.readResponse())
        #expect(interim.status == 100)
        client.send("body")
        #expect(client.readResponse()?.text == "POST /u\nbody")
    }

    /// A client that keeps sending header lines forever never finishes its request: the
    /// request timeout is a deadline for the whole request, not reset by progress. The
    /// behaviour, not the timing: the server answers 408 while the client is still
    /// dripping (it never stopped on its own), closes the connection, and serves
    /// nothing of what the client sends after.
    @Test func slowLorisIsCutOffByTheRequestTimeout() throws {
        var limits = testLimits
        limits.requestTimeout = .milliseconds(400)
        // No other limit may end the request first, however slow the machine.
        limits.maxHeaderCount = 1_000_000
        limits.maxHeaderBytes = 64 << 20
        let server = try startServer(limits: limits)
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        client.send("GET / HTTP/1.1\r\nHost: h\r\n")
        var response: RawResponse?
        var drips = 0
        // One header line every 100 ms: each read is "progress", the request never ends.
        // The loop ends only when the server answers or closes (or after 10 minutes, a
        // safety net against a hang).
        while drips < 6000 {
            var pfd = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                response = client.readResponse()
                break
            }
            guard client.send("X-Drip-\(drips): y\r\n") else { break }
            drips += 1
        }
        #expect(drips > 0 && drips < 6000, "the client was still sending when the server cut it off")
        #expect(response?.status == 408)
        #expect(response?.header("Connection") == "close")
        // Whatever comes after is not served: the rest of the request and a new one.
        client.send("\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(client.closedByPeer())
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        var limits = testLimits
        limits.idleTimeout = .milliseconds(300)
        let server = try startServer(limits: limits)
        defer { server.stop() }
        let client = try RawClient(port: server.address.port)
        client.send(request("GET", "/"))
        #expect(client.readResponse()?.status == 200)
        #expect(client.closedByPeer())
    }

    @Test func gracefulStopLetsTheInFlightRequestFinish() throws {
        let started = DispatchSemaphore(value: 0)
        let server = try startServer { request, info in
            if request.path == "/slow" {
                started.signal()
                Thread.sleep(forTimeInterval: 0.4)
            }
            return echo(request, info)
        }
        let port = server.address.port
        let idle = try RawClient(port: port)
        idle.send(request("GET", "/warm"))
        #expect(idle.readResponse()?.status == 200)

        let busy = try RawClient(port: port)
        busy.send(request("GET", "/slow"))
        #expect(started.wait(timeout: .now() + 60) == .success)  // safety nets against a hang only
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.stop()
            stopped.signal()
        }.start()

        // The idle connection is closed; the slow request still gets its answer.
        #expect(idle.closedByPeer())
        let response = try #require(busy.readResponse())
        #expect(response.status == 200)
        #expect(response.text == "GET /slow\n")
        #expect(response.header("Connection") == "close")
        #expect(stopped.wait(timeout: .now() + 60) == .success)
        #expect(throws: HTTPServerError.self) { try RawClient(port: port) }
    }

    @Test func stopsOnASignal() throws {
        let server = try startServer()
        // SIGUSR2 rather than SIGTERM, so a failure here cannot end the test run.
        let signals = server.stopOnSignals([SIGUSR2])
        defer { signals.cancel() }
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.waitUntilStopped()
            stopped.signal()
        }.start()
        // Process-directed like a real SIGTERM: `raise` would target this test
        // thread, a dispatch worker that blocks every signal. libdispatch registers
        // the source a moment after `resume()` and the signal is ignored until
        // then, so send it until it lands.
        var landed = false
        for _ in 0..<1200 where !landed {  // a 60 s safety net, not a bound
            kill(getpid(), SIGUSR2)
            landed = stopped.wait(timeout: .now() + .milliseconds(50)) == .success
        }
        #expect(landed)
    }

    @Test func servesIPv6Loopback() throws {
        let address = try HTTPServer.Address.parse("[::1]:0")
        let server = try HTTPServer(address: address, limits: testLimits, handler: echo)
        server.start()
        defer { server.stop() }
        #expect(server.address.family == .ipv6)
        #expect(server.address.port != 0)
        let client = try RawClient(port: server.address.port, host: "::1")
        client.send(request("GET", "/six"))
        let response = try #require(client.readResponse())
        #expect(response.text == "GET /six\n")
        #expect(response.header("X-Peer") == "::1")
    }

    @Test func portInUseIsAnActionableError() throws {
        let server = try startServer()
        defer { server.stop() }
        let error = #expect(throws: HTTPServerError.self) {
            try HTTPServer(address: HTTPServer.Address.parse("127.0.0.1:\(server.address.port)"), handler: echo)
        }
        #expect(error?.errno == EADDRINUSE)
        #expect(error?.message.contains("127.0.0.1:\(server.address.port)") == true)
    }
}

@Suite struct HTTPServerAddressTests {
    @Test(arguments: [
        ("127.0.0.1:0", "127.0.0.1", 0, HTTPServer.Address.Family.ipv4, "127.0.0.1:0"),
        ("0.0.0.0:8080", "0.0.0.0", 8080, .ipv4, "0.0.0.0:8080"),
        ("localhost:8080", "127.0.0.1", 8080, .ipv4, "127.0.0.1:8080"),
        ("[::1]:8080", "::1", 8080, .ipv6, "[::1]:8080"),
        ("[::]:443", "::", 443, .ipv6, "[::]:443"),
        ("[0:0:0:0:0:0:0:1]:65535", "::1", 65535, .ipv6, "[::1]:65535"),
    ])
    func parses(_ text: String, _ host: String, _ port: Int, _ family: HTTPServer.Address.Family, _ shown: String) throws {
        let address = try HTTPServer.Address.parse(text)
        #expect(address.host == host)
        #expect(Int(address.port) == port)
        #expect(address.family == family)
        #expect(address.description == shown)
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:8o", "127.0.0.1: 80",
        "::1:8080", "[::1]8080", "[::1]", "[127.0.0.1]:80", "example.org:80", "256.0.0.1:80", "",
    ])
    func refuses(_ text: String) {
        #expect(throws: HTTPServerError.self) { try HTTPServer.Address.parse(text) }
    }
}
