import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response a handler returns: status, headers and a complete body.
///
/// The serializer owns the framing fields: any `Content-Length`,
/// `Transfer-Encoding`, `Connection` or `Date` the handler sets is replaced, so
/// a handler cannot produce a response whose framing disagrees with its body.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, 100...999 (RFC 9110 §15).
    public var status: Int
    /// The reason phrase; clients ignore it, people read it.
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// Creates a response; `reason` defaults to the standard phrase for `status`.
    public init(status: Int, reason: String? = nil, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        precondition((100...999).contains(status), "HTTP status must have three digits")
        self.status = status
        self.reason = reason ?? HTTPResponse.reasonPhrase(for: status)
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public init(status: Int, text: String) {
        self.init(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// Encodes the response as HTTP/1.1 wire bytes.
    ///
    /// - Parameters:
    ///   - keepAlive: `false` adds `Connection: close`; the caller must then
    ///     close the connection after sending. For an HTTP/1.0 client that
    ///     asked to be kept alive, `Connection: keep-alive` is written, since
    ///     1.0 clients close by default.
    ///   - requestVersion: the version of the request being answered.
    ///   - date: written as an IMF-fixdate `Date` field when given (RFC 9110
    ///     §6.6.1); tests leave it out to get stable bytes.
    ///   - includeBody: `false` for a response to HEAD: the `Content-Length`
    ///     still describes the body that a GET would have returned.
    ///
    /// 1xx, 204 and 304 responses never carry a body or `Content-Length`
    /// (RFC 9110 §8.6, §15.3.5). Field names that are not tokens are skipped
    /// and control characters in values and the reason become spaces: a
    /// handler that echoes client input into a header cannot split the
    /// response.
    public func serialize(
        keepAlive: Bool = true, requestVersion: HTTPVersion = .http1_1, date: Date? = nil, includeBody: Bool = true
    ) -> [UInt8] {
        let bodyless = (100...199).contains(status) || status == 204 || status == 304
        var out = [UInt8]()
        out.reserveCapacity(256 + (bodyless || !includeBody ? 0 : body.count))
        out += "HTTP/1.1 \(status) ".utf8
        out += Self.sanitizedValue(reason)
        out += "\r\n".utf8
        for field in headers.fields where Self.isOwnedByUs(field.name) == false {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(isTokenByte) else { continue }
            out += field.name.utf8
            out += ": ".utf8
            out += Self.sanitizedValue(field.value)
            out += "\r\n".utf8
        }
        if let date {
            out += "Date: \(Self.imfFixdate(date))\r\n".utf8
        }
        if !bodyless {
            out += "Content-Length: \(body.count)\r\n".utf8
        }
        if !keepAlive {
            out += "Connection: close\r\n".utf8
        } else if requestVersion == .http1_0 {
            out += "Connection: keep-alive\r\n".utf8
        }
        out += "\r\n".utf8
        if includeBody && !bodyless {
            out += body
        }
        return out
    }

    private static func isOwnedByUs(_ name: String) -> Bool {
        ["content-length", "transfer-encoding", "connection", "date"].contains {
            asciiCaseInsensitiveEquals(name, $0)
        }
    }

    private static func sanitizedValue(_ value: String) -> [UInt8] {
        value.utf8.map { ($0 < 0x20 || $0 == 0x7F) ? 0x20 : $0 }
    }

    /// Formats `date` as `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
    ///
    /// Written by hand with `gmtime_r`: `DateFormatter` is locale-dependent
    /// and not cheap enough for every response.
    public static func imfFixdate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The standard reason phrase for `status` (RFC 9110 §15), or an empty
    /// string for codes it does not name.
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }
}
