import Foundation
/// The one way a command reads a number from its arguments: plain decimal digits only
/// (no sign, no spaces, no `0x`, no exponent, no fraction, no `_`), at most 18 of them,
/// within `range`. Everything else is nil, so the caller reports a usage error.
enum DecimalNumber {
    static func parse(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        let digits = text.utf8
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var value = 0
        for digit in digits { value = value * 10 + Int(digit - 0x30) }
        return range.contains(value) ? value : nil
    }

    /// Whether `url`'s port, if it names one, is within 1...65535. Foundation's `URL`
    /// accepts `http://host:99999`; the connection would then fail with a confusing reason.
    static func hasValidPort(_ text: String) -> Bool {
        guard let url = URLParts(text) else { return false }
        return url.port.map { DecimalNumber.parse($0, in: 1...65_535) != nil } ?? true
    }
}

/// The central store's address as `--url`, `--server` and an enrollment file's `url` give
/// it: `http://` or `https://`, a host, and a port, if any, from 1 to 65535.
enum ServerURL {
    static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", !(url.host ?? "").isEmpty,
              DecimalNumber.hasValidPort(text) else { return nil }
        return url
    }
}

/// The authority's port text of an `http://` or `https://` URL, if any.
struct URLParts {
    let port: Substring?

    init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            let after = hostPort[hostPort.index(after: close)...]
            if after.isEmpty { port = nil; return }
            guard after.hasPrefix(":") else { return nil }
            port = after.dropFirst()
        } else if let colon = hostPort.lastIndex(of: ":") {
            port = hostPort[hostPort.index(after: colon)...]
        } else {
            port = nil
        }
    }
}
