import NavetCore
import NavetCrypto

/// The enrollment file that lets a new replica join a central store
/// (`Protocol/ENROLLMENT.md`). Parsing is a pure function over bytes.
public struct Enrollment: Hashable, Sendable {
    public static let formatVersion = 1
    public static let maxBytes = 4096

    public var serverID: ReplicaID
    public var url: String
    public var replicaID: ReplicaID
    public var organisation: String
    /// The 32-byte shared secret: signs every request and bundle of this replica.
    public var secret: [UInt8]

    public init(serverID: ReplicaID, url: String, replicaID: ReplicaID, organisation: String, secret: [UInt8]) {
        self.serverID = serverID
        self.url = url
        self.replicaID = replicaID
        self.organisation = organisation
        self.secret = secret
    }

    public enum ParseError: Error, Hashable, Sendable {
        case tooLarge
        case notUTF8
        case malformedLine(Int)
        case unknownKey(String)
        case repeatedKey(String)
        case missingKey(String)
        case unsupportedVersion(String)
        case invalidValue(String)
    }

    static let keys = ["navet-enrollment", "server", "url", "replica", "organisation", "secret"]

    public func serialize() -> [UInt8] {
        let text = """
            # Navet enrollment file. Keep it secret: it lets its holder sync as this replica.
            # Use it once: navet init --enroll FILE (a new replica file)
            # or navet enroll FILE (a replica file you already have).
            navet-enrollment: \(Self.formatVersion)
            server: \(serverID)
            url: \(url)
            replica: \(replicaID)
            organisation: \(organisation)
            secret: \(Hex.encode(secret))

            """
        return Array(text.utf8)
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Enrollment {
        guard bytes.count <= maxBytes else { throw .tooLarge }
        guard let text = String(validatingUTF8Bytes: bytes) else { throw .notUTF8 }
        var values: [String: String] = [:]
        // "\r\n" is one Character in Swift, so it must be named as a separator itself.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            if line.isEmpty || line.first == "#" { continue }
            guard let colon = line.firstIndex(of: ":") else { throw .malformedLine(index + 1) }
            let key = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            guard value.first == " " else { throw .malformedLine(index + 1) }
            while value.first == " " { value = value.dropFirst() }
            while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
            guard keys.contains(key) else { throw .unknownKey(key) }
            guard values[key] == nil else { throw .repeatedKey(key) }
            values[key] = String(value)
        }
        for key in keys where values[key] == nil { throw .missingKey(key) }
        guard values["navet-enrollment"] == String(formatVersion) else {
            throw .unsupportedVersion(values["navet-enrollment"]!)
        }
        guard let server = strictID(values["server"]!) else { throw .invalidValue("server") }
        guard let replica = strictID(values["replica"]!) else { throw .invalidValue("replica") }
        let url = values["url"]!
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.utf8.count <= 2000,
              url.utf8.count > 8, !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f })
        else { throw .invalidValue("url") }
        let organisation = values["organisation"]!
        guard (1...200).contains(organisation.utf8.count),
              !organisation.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .invalidValue("organisation") }
        guard let secret = hexBytes(values["secret"]!), secret.count == 32 else { throw .invalidValue("secret") }
        return Enrollment(serverID: server, url: url, replicaID: replica, organisation: organisation, secret: secret)
    }

    /// Exactly 16 lowercase hex digits.
    static func strictID(_ text: String) -> ReplicaID? {
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return ReplicaID(hex: text)
    }

    /// Lowercase hex only, so each secret has exactly one spelling in the file.
    static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return Hex.decode(text)
    }
}
