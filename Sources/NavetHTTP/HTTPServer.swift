import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the server could not start: a bad listen address or a failed system call.
///
/// The message names the address and the operating system's reason, so an
/// operator can act on it ("address already in use").
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, for a program to describe in its own words (`message` is English,
    /// for logs).
    public enum Kind: Sendable, Hashable {
        /// Not `HOST:PORT` (or `[IPv6]:PORT`).
        case badAddress
        /// An IPv6 address without brackets.
        case ipv6WithoutBrackets
        /// The port is not a number from 0 to 65535.
        case badPort
        /// The host is not an IP address or `localhost`.
        case badHost
        /// A system call failed (see `errno`).
        case system
    }

    public var message: String
    public var kind: Kind
    /// The `errno` of the failed call, if a call failed.
    public var errno: Int32?

    public init(message: String, kind: Kind = .system, errno: Int32? = nil) {
        self.message = message
        self.kind = kind
        self.errno = errno
    }

    public var description: String { message }

    static func system(_ what: String, _ code: Int32) -> HTTPServerError {
        HTTPServerError(message: "\(what): \(String(cString: strerror(code))) (errno \(code))", errno: code)
    }
}

/// Who is on the other end of a connection, for the handler.
public struct ConnectionInfo: Sendable, Hashable {
    /// A number unique within one server, in accept order.
    public let id: UInt64
    /// The peer's address and port as the socket reports them. Behind a
    /// reverse proxy this is the proxy.
    public let peer: HTTPServer.Address
}

/// A small HTTP/1.1 server over Glibc sockets: one thread per connection,
/// keep-alive, timeouts, a connection limit and a graceful stop.
///
/// It knows nothing of what it serves: the handler gets each `HTTPRequest`
/// and returns an `HTTPResponse`. It logs nothing by itself; give it `log` to
/// receive one JSON line per response (method, path, status, body bytes,
/// duration in ms). The query string and bodies are never logged, so callers
/// must keep case data out of paths.
///
/// Lifecycle: `init` binds and listens (so `address` holds the real port when
/// port 0 was asked for), `start()` begins accepting, `stop()` drains and
/// returns, `waitUntilStopped()` blocks until then. The handler runs on the
/// connection's own thread and may block; at most `limits.maxConnections`
/// run at once, and connection number `maxConnections + 1` gets 503.
///
/// The class is `@unchecked Sendable`: its descriptors are fixed at `init`
/// and every mutable field is guarded by `condition`. Each connection's socket
/// is owned by exactly one thread (see `Connection`).
public final class HTTPServer: @unchecked Sendable {
    /// Answers one request; runs on the connection's thread.
    public typealias Handler = @Sendable (HTTPRequest, ConnectionInfo) -> HTTPResponse

    /// The address actually bound, with the real port when 0 was requested.
    public let address: Address
    public let limits: HTTPLimits
    /// How long `stop()` lets in-flight requests run before cutting them off.
    public let drainTimeout: Duration

    private let handler: Handler
    private let log: (@Sendable (String) -> Void)?
    private let listenFD: Int32
    /// Closing the write end wakes every thread polling the read end: a broadcast.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var phase = Phase.created
    private var active = Set<Int32>()
    private var acceptLoopDone = false
    private var listenClosed = false
    private var wakeWriteClosed = false
    private var drainDeadline = Double.infinity
    private var nextConnectionID: UInt64 = 1

    private enum Phase { case created, running, stopping, stopped }

    /// Binds `address` and starts listening; call `start()` to serve.
    ///
    /// Sets `SO_REUSEADDR` so a restart does not wait for old connections in
    /// TIME_WAIT, and `IPV6_V6ONLY` on IPv6 sockets so `[::]` means IPv6 only
    /// on every system.
    ///
    /// - Throws: `HTTPServerError` if the socket cannot be created or bound.
    public init(
        address: Address, limits: HTTPLimits = HTTPLimits(), drainTimeout: Duration = .seconds(10),
        log: (@Sendable (String) -> Void)? = nil, handler: @escaping Handler
    ) throws(HTTPServerError) {
        self.limits = limits
        self.drainTimeout = drainTimeout
        self.handler = handler
        self.log = log

        let domain = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .system("cannot create a socket", Glibc.errno) }
        var on: Int32 = 1
        let onSize = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, onSize) == 0,
            address.family == .ipv4 || setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, onSize) == 0
        else {
            let code = Glibc.errno
            close(fd)
            throw .system("cannot configure the socket for \(address)", code)
        }
        let bound = address.withSocketAddress { bind(fd, $0, $1) }
        guard bound == 0 else {
            let code = Glibc.errno
            close(fd)
            throw .system("cannot listen on \(address)", code)
        }
        guard listen(fd, SOMAXCONN) == 0 else {
            let code = Glibc.errno
            close(fd)
            throw .system("cannot listen on \(address)", code)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0, let actual = Address(storage: storage) else {
            let code = Glibc.errno
            close(fd)
            throw .system("cannot read the bound address of \(address)", code)
        }
        var pipeFDs: [Int32] = [0, 0]
        // pipe2 and accept4 are GNU extensions the Glibc module does not export.
        guard pipe(&pipeFDs) == 0 else {
            let code = Glibc.errno
            close(fd)
            throw .system("cannot create the shutdown pipe", code)
        }
        for end in pipeFDs { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.address = actual
        self.listenFD = fd
        self.wakeRead = pipeFDs[0]
        self.wakeWrite = pipeFDs[1]
    }

    deinit {
        // Threads hold `self` strongly, so this runs only once every one has ended.
        if !listenClosed { close(listenFD) }
        if !wakeWriteClosed { close(wakeWrite) }
        close(wakeRead)
    }

    /// Starts accepting connections on a thread of its own and returns.
    ///
    /// Call it once; calling it again, or after `stop()`, is a programmer error.
    public func start() {
        condition.lock()
        precondition(phase == .created, "HTTPServer.start() called twice or after stop()")
        phase = .running
        condition.unlock()
        let thread = Thread { [self] in self.acceptLoop() }
        thread.name = "navet-http-accept"
        thread.start()
    }

    /// Stops gracefully and returns when done.
    ///
    /// Stops accepting at once and closes idle connections. Requests already
    /// being read or handled run on, each answered with `Connection: close`,
    /// until `drainTimeout`; connections still open then are shut down. A
    /// handler that never returns cannot be interrupted: `stop()` returns
    /// after the timeout plus one second anyway.
    ///
    /// Safe to call from any thread, more than once; later calls wait for
    /// the first to finish.
    public func stop() {
        condition.lock()
        switch phase {
        case .created:
            phase = .stopped
            condition.broadcast()
            condition.unlock()
            return
        case .stopping, .stopped:
            while phase != .stopped { condition.wait() }
            condition.unlock()
            return
        case .running:
            phase = .stopping
            drainDeadline = monotonicNow() + drainTimeout.seconds
            wakeWriteClosed = true
            close(wakeWrite)
        }
        while !acceptLoopDone { condition.wait() }
        let drainEnd = Date(timeIntervalSinceNow: drainTimeout.seconds)
        while !active.isEmpty && condition.wait(until: drainEnd) {}
        if !active.isEmpty {
            // Shutdown, not close: the owning thread closes its descriptor, so a
            // number reused by a new socket elsewhere is never touched here.
            for fd in active { shutdown(fd, Int32(SHUT_RDWR)) }
            let graceEnd = Date(timeIntervalSinceNow: 1)
            while !active.isEmpty && condition.wait(until: graceEnd) {}
        }
        phase = .stopped
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until `stop()` has finished (from a signal handler, say).
    public func waitUntilStopped() {
        condition.lock()
        while phase != .stopped { condition.wait() }
        condition.unlock()
    }

    /// The number of connections being served right now.
    public var activeConnectionCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return active.count
    }

    // MARK: - Accepting

    private func acceptLoop() {
        var fds = [
            pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if Glibc.errno == EINTR { continue }
                usleep(10_000)  // never expected; do not spin
                continue
            }
            if fds[1].revents != 0 { break }
            if fds[0].revents != 0 { acceptPending() }
        }
        condition.lock()
        listenClosed = true
        close(listenFD)
        acceptLoopDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Accepts every connection waiting in the backlog.
    private func acceptPending() {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listenFD, $0, &length)
                }
            }
            if fd < 0 {
                switch Glibc.errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: back off instead of spinning on a full backlog.
                    usleep(10_000)
                    return
                default: return
                }
            }
            // Non-blocking so a read or write never outlives its deadline: every wait is a poll.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var on: Int32 = 1
            // One send per response; no reason to let Nagle hold back its tail.
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            let peer = Address(storage: storage) ?? Address(unchecked: "0.0.0.0", port: 0, family: .ipv4)

            condition.lock()
            if phase != .running {
                condition.unlock()
                close(fd)
                continue
            }
            if active.count >= limits.maxConnections {
                condition.unlock()
                refuseBusy(fd)
                continue
            }
            active.insert(fd)
            let info = ConnectionInfo(id: nextConnectionID, peer: peer)
            nextConnectionID += 1
            condition.unlock()

            let thread = Thread { [self] in
                let connection = Connection(fd: fd, info: info, server: self)
                connection.run()
                self.condition.lock()
                self.active.remove(fd)
                self.condition.broadcast()
                self.condition.unlock()
                connection.close()
            }
            thread.name = "navet-http-connection"
            thread.start()
        }
    }

    /// Answers a connection over the limit with 503 without giving it a thread.
    private func refuseBusy(_ fd: Int32) {
        let response = HTTPResponse(status: 503, text: "server busy, try again\n")
        var withRetry = response
        withRetry.headers.add("Retry-After", "1")
        let bytes = withRetry.serialize(keepAlive: false, date: Date())
        // Best effort and non-blocking: the accept loop must never wait on a client.
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        // Unread bytes at close make the kernel send RST, which can destroy the 503 in
        // flight; drain what has already arrived, bounded so a client cannot keep
        // the accept loop reading.
        var scratch = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<16 {
            guard scratch.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }) > 0
            else { break }
        }
        close(fd)
        logAccess(method: "-", path: "-", status: 503, bytes: response.body.count, started: monotonicNow())
    }

    // MARK: - Shared with connections

    fileprivate struct StopState {
        var stopping: Bool
        var drainDeadline: Double
    }

    fileprivate var stopState: StopState {
        condition.lock()
        defer { condition.unlock() }
        return StopState(stopping: phase == .stopping || phase == .stopped, drainDeadline: drainDeadline)
    }

    fileprivate var wakeFD: Int32 { wakeRead }

    fileprivate func handle(_ request: HTTPRequest, _ info: ConnectionInfo) -> HTTPResponse {
        handler(request, info)
    }

    fileprivate func logAccess(method: String, path: String, status: Int, bytes: Int, started: Double) {
        guard let log else { return }
        let milliseconds = String(format: "%.3f", (monotonicNow() - started) * 1000)
        log(
            "{\"method\":\(jsonString(method)),\"path\":\(jsonString(path)),\"status\":\(status),"
                + "\"bytes\":\(bytes),\"ms\":\(milliseconds)}")
    }
}

// MARK: - One connection

/// Serves one accepted socket until it closes; owned by one thread.
///
/// Owns the descriptor and closes it in `close()` or `deinit`. Not `Sendable`:
/// it is created on its thread and never leaves it.
private final class Connection {
    private let fd: Int32
    private let info: ConnectionInfo
    private let server: HTTPServer
    private var parser: HTTPRequestParser
    private var closed = false
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32, info: ConnectionInfo, server: HTTPServer) {
        self.fd = fd
        self.info = info
        self.server = server
        self.parser = HTTPRequestParser(limits: server.limits)
    }

    deinit {
        if !closed { Glibc.close(fd) }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    func run() {
        let limits = server.limits
        // Waiting for the first byte of a request is idle time; from that byte on
        // the whole request must arrive within the request timeout (slow loris).
        var deadline = monotonicNow() + limits.idleTimeout.seconds
        var requestStarted: Double?
        var continueSent = false
        var watchingWake = true
        // Whether the current request's deadline is still its head's (see HTTPLimits.headTimeout).
        var readingHead = false
        let headSeconds = min(limits.headTimeout, limits.requestTimeout).seconds

        while true {
            let result: HTTPParseResult
            do {
                result = try parser.next()
            } catch {
                refuse(status: error.status, message: error.message, started: requestStarted)
                return
            }

            if case .request(let request) = result {
                let started = requestStarted ?? monotonicNow()
                let response = server.handle(request, info)
                // Decided after the handler: a stop that began while it ran closes too.
                let keepAlive = request.keepAlive && !server.stopState.stopping
                let bytes = response.serialize(
                    keepAlive: keepAlive, requestVersion: request.version, date: Date(),
                    includeBody: request.method != "HEAD")
                let sent = sendAll(bytes, deadline: monotonicNow() + limits.requestTimeout.seconds)
                server.logAccess(
                    method: request.method, path: request.path, status: response.status,
                    bytes: response.body.count, started: started)
                guard sent else { return }
                guard keepAlive else {
                    lingeringClose()
                    return
                }
                continueSent = false
                let now = monotonicNow()
                if parser.hasPartialRequest {
                    requestStarted = now
                    deadline = now + headSeconds
                    readingHead = true
                } else {
                    requestStarted = nil
                    deadline = now + limits.idleTimeout.seconds
                }
                continue
            }

            // The head is complete: the rest of the request may take up to requestTimeout
            // from its first byte.
            if readingHead && parser.isReadingBody, let requestStarted {
                readingHead = false
                deadline = requestStarted + limits.requestTimeout.seconds
            }

            if parser.isAwaitingContinue && !continueSent {
                continueSent = true
                guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: deadline) else { return }
            }

            let stop = server.stopState
            if stop.stopping && requestStarted == nil { return }  // idle: close at once
            let drainLimited = stop.stopping && stop.drainDeadline < deadline
            let waitUntil = drainLimited ? stop.drainDeadline : deadline

            switch waitReadable(fd, wake: watchingWake ? server.wakeFD : nil, until: waitUntil) {
            case .wake:
                watchingWake = false
            case .timeout:
                if parser.hasPartialRequest {
                    if drainLimited {
                        refuse(status: 503, message: "server is shutting down", started: requestStarted)
                    } else {
                        refuse(status: 408, message: "request not received in time", started: requestStarted)
                    }
                }
                return
            case .failed:
                return
            case .ready:
                let count = readBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count == 0 { return }  // the client closed; nothing left to answer
                if count < 0 {
                    let code = Glibc.errno
                    if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
                    return
                }
                if requestStarted == nil {
                    let now = monotonicNow()
                    requestStarted = now
                    deadline = now + headSeconds
                    readingHead = true
                }
                parser.append(readBuffer[0..<count])
            }
        }
    }

    /// Answers a request that cannot be served with `status`, then closes.
    private func refuse(status: Int, message: String, started: Double?) {
        let response = HTTPResponse(status: status, text: message + "\n")
        let bytes = response.serialize(keepAlive: false, date: Date())
        let sent = sendAll(bytes, deadline: monotonicNow() + server.limits.requestTimeout.seconds)
        server.logAccess(method: "-", path: "-", status: status, bytes: response.body.count, started: started ?? monotonicNow())
        if sent { lingeringClose() }
    }

    /// Sends every byte or gives up at `deadline` or on error.
    private func sendAll(_ bytes: [UInt8], deadline: Double) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                offset += count
                continue
            }
            let code = Glibc.errno
            if count < 0 && code == EINTR { continue }
            guard count < 0 && (code == EAGAIN || code == EWOULDBLOCK) else { return false }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let remaining = deadline - monotonicNow()
            guard remaining > 0 else { return false }
            if poll(&pfd, 1, Int32(min(remaining * 1000, 60_000).rounded(.up))) < 0 && Glibc.errno != EINTR {
                return false
            }
        }
        return true
    }

    /// Half-closes, then reads and discards what the client still sends for a
    /// moment before closing (RFC 9112 §9.6): closing with unread bytes makes
    /// the kernel send RST, which can destroy the response before the client
    /// reads it.
    ///
    /// Ends at the client's EOF, after 250 ms without data, after 1 s or
    /// after 1 MiB, so a client cannot hold the thread with it.
    private func lingeringClose() {
        shutdown(fd, Int32(SHUT_WR))
        let end = monotonicNow() + 1
        var discarded = 0
        while discarded < 1 << 20 {
            let quietEnd = min(end, monotonicNow() + 0.25)
            guard case .ready = waitReadable(fd, wake: nil, until: quietEnd) else { return }
            let count = readBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return }
            if count < 0 {
                let code = Glibc.errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
                return
            }
            discarded += count
        }
    }
}

// MARK: - Helpers

private enum WaitResult { case ready, wake, timeout, failed }

/// Waits until `fd` is readable (or hung up), `wake` is readable, or `deadline`.
private func waitReadable(_ fd: Int32, wake: Int32?, until deadline: Double) -> WaitResult {
    while true {
        let remaining = deadline - monotonicNow()
        if remaining <= 0 { return .timeout }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if let wake { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 60_000).rounded(.up)))
        if ready < 0 {
            if Glibc.errno == EINTR { continue }
            return .failed
        }
        if ready == 0 { continue }
        if fds[0].revents != 0 { return .ready }  // POLLHUP and POLLERR too: recv reports them
        if fds.count > 1 && fds[1].revents != 0 { return .wake }
    }
}

/// Seconds on a clock that never jumps, for deadlines.
func monotonicNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// A JSON string literal for `text`, escaping quotes, backslashes and controls.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
