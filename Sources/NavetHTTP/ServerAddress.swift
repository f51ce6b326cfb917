import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension HTTPServer {
    /// An IP literal and a port to listen on or a peer came from.
    ///
    /// Only numeric addresses are accepted, plus `localhost`, which means
    /// 127.0.0.1 and nothing else: no DNS lookups happen at startup, and
    /// `localhost` never quietly turns into a public interface or into `::1`
    /// on one machine and 127.0.0.1 on another.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public enum Family: Sendable, Hashable { case ipv4, ipv6 }

        /// The address in canonical text form (`inet_ntop`), without brackets.
        public let host: String
        public let port: UInt16
        public let family: Family

        /// Validates and canonicalizes an IP literal (or `localhost`).
        ///
        /// - Throws: `HTTPServerError` if `host` is neither an IPv4 nor an
        ///   IPv6 literal nor `localhost`.
        public init(host: String, port: UInt16) throws(HTTPServerError) {
            let literal = host == "localhost" ? "127.0.0.1" : host
            var v4 = in_addr()
            var v6 = in6_addr()
            if inet_pton(AF_INET, literal, &v4) == 1 {
                self.init(unchecked: Address.text(family: AF_INET, &v4), port: port, family: .ipv4)
            } else if inet_pton(AF_INET6, literal, &v6) == 1 {
                self.init(unchecked: Address.text(family: AF_INET6, &v6), port: port, family: .ipv6)
            } else {
                throw HTTPServerError(
                    message: "invalid listen host \"\(host)\": use an IP address such as 127.0.0.1 or ::1, or localhost",
                    kind: .badHost)
            }
        }

        init(unchecked host: String, port: UInt16, family: Family) {
            self.host = host
            self.port = port
            self.family = family
        }

        /// Parses `HOST:PORT` as given to `--listen`: `127.0.0.1:8080`,
        /// `[::1]:8080` (IPv6 in brackets), `localhost:8080`. Port 0 asks the
        /// system for a free port; read `HTTPServer.address` after binding.
        ///
        /// - Throws: `HTTPServerError` with a message naming the bad part.
        public static func parse(_ text: String) throws(HTTPServerError) -> Address {
            let usage = "expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080"
            let host: Substring
            let portText: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                    throw HTTPServerError(message: "invalid listen address \"\(text)\": \(usage)", kind: .badAddress)
                }
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":") else {
                    throw HTTPServerError(message: "invalid listen address \"\(text)\": \(usage)", kind: .badAddress)
                }
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
                if host.contains(":") {
                    throw HTTPServerError(
                        message: "invalid listen address \"\(text)\": write IPv6 addresses in brackets, as [::1]:8080",
                        kind: .ipv6WithoutBrackets)
                }
            }
            guard !portText.isEmpty, portText.count <= 5, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let port = Int(portText), port <= 65535
            else {
                throw HTTPServerError(message: "invalid port in \"\(text)\": use a number from 0 to 65535", kind: .badPort)
            }
            guard !host.isEmpty else {
                throw HTTPServerError(message: "invalid listen address \"\(text)\": \(usage)", kind: .badAddress)
            }
            let address = try Address(host: String(host), port: UInt16(port))
            // Brackets are IPv6 syntax; "[127.0.0.1]:80" is a typo worth reporting.
            if text.hasPrefix("[") != (address.family == .ipv6) {
                throw HTTPServerError(message: "invalid listen address \"\(text)\": \(usage)", kind: .badAddress)
            }
            return address
        }

        /// `127.0.0.1:8080` or `[::1]:8080`.
        public var description: String {
            family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
        }

        /// Calls `body` with this address as a `sockaddr`.
        func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
            switch family {
            case .ipv4:
                var raw = sockaddr_in()
                raw.sin_family = sa_family_t(AF_INET)
                raw.sin_port = port.bigEndian
                _ = inet_pton(AF_INET, host, &raw.sin_addr)
                return withUnsafePointer(to: &raw) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            case .ipv6:
                var raw = sockaddr_in6()
                raw.sin6_family = sa_family_t(AF_INET6)
                raw.sin6_port = port.bigEndian
                _ = inet_pton(AF_INET6, host, &raw.sin6_addr)
                return withUnsafePointer(to: &raw) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            }
        }

        /// Reads an address a socket call filled in; `nil` for other families.
        init?(storage: sockaddr_storage) {
            var storage = storage
            switch Int32(storage.ss_family) {
            case AF_INET:
                let raw = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                }
                var addr = raw.sin_addr
                self.init(unchecked: Address.text(family: AF_INET, &addr), port: UInt16(bigEndian: raw.sin_port), family: .ipv4)
            case AF_INET6:
                let raw = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                }
                var addr = raw.sin6_addr
                self.init(
                    unchecked: Address.text(family: AF_INET6, &addr), port: UInt16(bigEndian: raw.sin6_port), family: .ipv6)
            default:
                return nil
            }
        }

        /// `addr` is an `in_addr` or `in6_addr`: plain bytes, read as such.
        private static func text<T>(family: Int32, _ addr: inout T) -> String {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            _ = withUnsafeBytes(of: &addr) { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
