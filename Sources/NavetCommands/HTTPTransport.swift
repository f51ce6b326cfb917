import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A point on the monotonic clock after which a sync gives up.
///
/// `--timeout` is one overall limit for the whole `navet sync` command (every round trip
/// together), not a per-read or per-request idle timeout: a server that trickles bytes
/// cannot stretch it.
struct Deadline: Sendable {
    /// Seconds on the monotonic clock (`CLOCK_MONOTONIC`).
    let end: Double
    /// The limit as given, in seconds, for messages.
    let limit: Double

    init(seconds: Double) {
        limit = seconds
        end = Deadline.monotonicNow() + seconds
    }

    /// Seconds left; zero or less when passed.
    var remaining: Double { end - Deadline.monotonicNow() }

    /// Milliseconds left for `poll`, at least 0, at most one minute per call.
    var pollMilliseconds: Int32 { Int32(max(0, min(remaining * 1000, 60_000)).rounded(.up)) }

    static func monotonicNow() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// POSTs bytes and waits for the answer, for a command-line client, within a deadline.
///
/// `http://` goes through a small blocking socket client that sleeps in `poll(2)` with the
/// time left, so a trickling server cannot stretch the wait and waiting costs no CPU.
/// `https://` (TLS to a reverse proxy) goes through URLSession, whose idle timeout resets on
/// every byte; there the deadline is enforced by waiting on the task with the time left and
/// cancelling it when it passes, and by the session's resource timeout.
struct HTTPTransport {
    struct Failure: Error {
        let message: String
        /// True when the deadline passed before the answer was complete.
        var timedOut = false
        /// The `errno` of the failed system call, shown in the user's language.
        var errno: Int32? = nil
        /// The host name that could not be looked up.
        var unknownHost: String? = nil
    }

    /// The largest response accepted, in bytes: a reply page is at most about 64 MiB.
    static let maxResponseBytes = 512 << 20

    func post(_ url: URL, body: [UInt8], headers: [(String, String)], deadline: Deadline)
        throws(Failure) -> (status: Int, body: [UInt8]) {
        let all = [("Content-Type", "application/vnd.navet.bundle")] + headers
        if url.scheme == "http" {
            return try PlainHTTPClient(url: url, deadline: deadline).post(body: body, headers: all)
        }
        return try postWithURLSession(url, body: body, headers: all, deadline: deadline)
    }

    private func postWithURLSession(_ url: URL, body: [UInt8], headers: [(String, String)], deadline: Deadline)
        throws(Failure) -> (status: Int, body: [UInt8]) {
        let remaining = deadline.remaining
        guard remaining > 0 else { throw Failure(message: "deadline", timedOut: true) }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: remaining)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        final class Box: @unchecked Sendable {
            var result: Result<(Int, [UInt8]), Failure> = .failure(Failure(message: "no answer"))
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = remaining
        configuration.timeoutIntervalForResource = remaining
        let session = URLSession(configuration: configuration)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                let code = (error as? URLError)?.code
                let timedOut = code == .timedOut
                var failure = Failure(message: error.localizedDescription, timedOut: timedOut)
                if code == .cannotConnectToHost { failure.errno = ECONNREFUSED }
                if code == .cannotFindHost || code == .dnsLookupFailed { failure.unknownHost = url.host ?? "" }
                if code == .notConnectedToInternet || code == .networkConnectionLost { failure.errno = ENETUNREACH }
                if code == .secureConnectionFailed || code == .serverCertificateUntrusted || code == .serverCertificateHasBadDate
                    || code == .serverCertificateNotYetValid || code == .serverCertificateHasUnknownRoot
                    || error.localizedDescription.contains("SSL") {  // Linux: libcurl's OpenSSL text, code unknown
                    failure = Failure(message: "TLS: " + error.localizedDescription, timedOut: timedOut)
                }
                box.result = .failure(failure)
            } else if let http = response as? HTTPURLResponse {
                box.result = .success((http.statusCode, Array(data ?? Data())))
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + remaining) == .timedOut {
            task.cancel()
            session.invalidateAndCancel()
            throw Failure(message: "deadline", timedOut: true)
        }
        session.finishTasksAndInvalidate()
        return try box.result.get()
    }
}

/// One HTTP/1.1 request over a plain TCP connection, every wait a `poll(2)` bounded by the
/// deadline. Reads a `Content-Length`, chunked or close-delimited response.
struct PlainHTTPClient {
    typealias Failure = HTTPTransport.Failure
    let url: URL
    let deadline: Deadline

    func post(body: [UInt8], headers: [(String, String)]) throws(Failure) -> (status: Int, body: [UInt8]) {
        guard let host = url.host else { throw Failure(message: "no host in \(url)") }
        let port = url.port ?? 80
        let fd = try connect(host: host, port: port)
        defer { close(fd) }
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let hostHeader = host.contains(":") ? "[\(host)]" : host
        var head = "POST \(path) HTTP/1.1\r\nHost: \(hostHeader)\(url.port.map { ":\($0)" } ?? "")\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(fd, Array(head.utf8) + body)
        return try readResponse(fd)
    }

    private func failure(_ what: String, _ code: Int32) -> Failure {
        Failure(message: "\(what): \(String(cString: strerror(code)))", errno: code)
    }

    private func connect(host: String, port: Int) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(message: "\(host): \(String(cString: gai_strerror(status)))",
                          unknownHost: status == EAI_NONAME || status == EAI_AGAIN || status == EAI_FAIL ? host : nil)
        }
        defer { freeaddrinfo(list) }
        var lastError = Failure(message: "\(host): no address")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue)
                                | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = failure("socket", errno); continue }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            guard errno == EINPROGRESS else { lastError = failure("connect", errno); close(fd); continue }
            do {
                try wait(fd, for: Int16(POLLOUT))
            } catch {
                close(fd)
                throw error
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code == 0 { return fd }
            lastError = failure("connect", code)
            close(fd)
        }
        throw lastError
    }

    /// Sleeps until `fd` is ready for `events` or the deadline passes (then throws timedOut).
    private func wait(_ fd: Int32, for events: Int16) throws(Failure) {
        while true {
            guard deadline.remaining > 0 else { throw Failure(message: "deadline", timedOut: true) }
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&pfd, 1, deadline.pollMilliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw failure("poll", errno) }
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count > 0 { offset += count; continue }
            let code = errno
            if count < 0 && code == EINTR { continue }
            guard count < 0 && (code == EAGAIN || code == EWOULDBLOCK) else { throw failure("send", code) }
            try wait(fd, for: Int16(POLLOUT))
        }
    }

    /// Reads the whole response and parses it.
    private func readResponse(_ fd: Int32) throws(Failure) -> (status: Int, body: [UInt8]) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var parsed: (status: Int, body: [UInt8])?
        while parsed == nil {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                guard buffer.count <= HTTPTransport.maxResponseBytes else {
                    throw Failure(message: "the response is larger than \(HTTPTransport.maxResponseBytes) bytes")
                }
                parsed = try ResponseParser.parse(buffer, complete: false)
                continue
            }
            if count == 0 {
                guard let whole = try ResponseParser.parse(buffer, complete: true) else {
                    throw Failure(message: "the connection closed before the answer was complete")
                }
                return whole
            }
            let code = errno
            if code == EINTR { continue }
            guard code == EAGAIN || code == EWOULDBLOCK else { throw failure("recv", code) }
            try wait(fd, for: Int16(POLLIN))
        }
        return parsed!
    }
}

/// Parses an HTTP/1.1 response held in memory. Pure, so it can be tested on bytes.
enum ResponseParser {
    typealias Failure = HTTPTransport.Failure

    /// The status and body once `bytes` hold a complete response; nil while more is needed.
    /// `complete` says the connection ended (a close-delimited body ends there).
    /// Throws on a malformed response.
    static func parse(_ bytes: [UInt8], complete: Bool) throws(Failure) -> (status: Int, body: [UInt8])? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            // Nothing, or the beginning of an HTTP answer, then the end: the server went away
            // (stopped or killed) in the middle, which is not a wrong address.
            let prefix = Array("HTTP/1.".utf8)
            let startsLikeHTTP = bytes.count <= prefix.count ? prefix.starts(with: bytes) : bytes.starts(with: prefix)
            if complete, startsLikeHTTP, bytes.count <= 64 * 1024 {
                throw Failure(message: "the connection closed before the answer was complete")
            }
            if complete || bytes.count > 64 * 1024 { throw Failure(message: "the answer is not HTTP") }
            return nil
        }
        guard let head = String(bytes: bytes[0..<headEnd], encoding: .isoLatin1) else {
            throw Failure(message: "the answer is not HTTP")
        }
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), statusLine[1].count == 3,
              let status = Int(statusLine[1]), (100...599).contains(status) else {
            throw Failure(message: "the answer is not HTTP")
        }
        var length: Int?
        var chunked = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(message: "a malformed header in the answer") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard let number = Int(value), number >= 0, number <= HTTPTransport.maxResponseBytes else {
                    throw Failure(message: "a malformed Content-Length in the answer")
                }
                length = number
            } else if name == "transfer-encoding" {
                chunked = value.lowercased().split(separator: ",").last?.trimmingCharacters(in: .whitespaces) == "chunked"
            }
        }
        let start = headEnd + 4
        if (100..<200).contains(status) {
            // An interim answer (100 Continue): parse what follows it.
            return try parse(Array(bytes[start...]), complete: complete)
        }
        if chunked {
            // The last chunk and the empty line end the body; decode only once they may be there.
            guard complete || bytes.suffix(4).elementsEqual([13, 10, 13, 10]) else { return nil }
            return try dechunk(bytes, from: start, complete: complete).map { (status, $0) }
        }
        if let length {
            if bytes.count - start >= length { return (status, Array(bytes[start..<(start + length)])) }
            if complete { throw Failure(message: "the connection closed before the answer was complete") }
            return nil
        }
        return complete ? (status, Array(bytes[start...])) : nil
    }

    private static func dechunk(_ bytes: [UInt8], from start: Int, complete: Bool) throws(Failure) -> [UInt8]? {
        var body: [UInt8] = []
        var position = start
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: position) else { break }
            let line = String(decoding: bytes[position..<lineEnd], as: UTF8.self)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0,
                  size <= HTTPTransport.maxResponseBytes else {
                throw Failure(message: "a malformed chunk in the answer")
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailers, then an empty line.
                var trailer = position
                while let end = find([13, 10], in: bytes, from: trailer) {
                    if end == trailer { return body }
                    trailer = end + 2
                }
                break
            }
            guard bytes.count - position >= size + 2 else { break }
            body.append(contentsOf: bytes[position..<(position + size)])
            position += size + 2
        }
        if complete { throw Failure(message: "the connection closed before the answer was complete") }
        return nil
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
