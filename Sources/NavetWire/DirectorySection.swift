import NavetCore

/// The directory section of a reply payload (`Protocol/BUNDLE.md`, "Directory"): which
/// organisation each enrolled replica belongs to, so a replica can name the origin of a
/// change for people instead of showing its id.
///
/// ```
/// directory = count varint                  (≤ 100,000)
///             count × entry                 strictly ascending by replica id
/// entry     = replica       u64             a valid id
///             organisation  varint length (1 … 1024), UTF-8
///             kind          varint length (1 … 255), UTF-8
/// ```
/// Nothing may follow the last entry but the access section, when its flag announces it.
/// Canonical: one encoding per directory.
enum DirectorySection {
    /// Most entries in one directory.
    static let maxEntries = 100_000
    /// Longest organisation name, in UTF-8 bytes (names are at most 200 characters).
    static let maxOrganisationBytes = 1024
    /// Longest kind code, in UTF-8 bytes.
    static let maxKindBytes = 255
    /// The least bytes one entry takes: id 8, two lengths, one byte of each text.
    static let minimumBytesPerEntry = 12

    static let unsorted = "directory entries not in strictly ascending order"
    static let endsEarly = "directory ends before its last entry"
    static let leftover = "bytes after the directory"

    /// Appends the section for `entries`, sorted by replica id.
    ///
    /// Precondition: at most `maxEntries` entries, one per replica id, every id valid and
    /// every text within its length; the central store's tables guarantee all of these.
    static func encode(_ entries: [DirectoryEntry], to bytes: inout [UInt8]) {
        precondition(entries.count <= maxEntries, "directory larger than the format allows")
        let sorted = entries.sorted { $0.replica.rawValue < $1.replica.rawValue }
        var out = ByteWriter()
        out.varint(sorted.count)
        var previous: UInt64 = 0
        for entry in sorted {
            precondition(BundlePayload.isValidID(entry.replica.rawValue) && entry.replica.rawValue > previous,
                         "directory ids must be valid and distinct")
            previous = entry.replica.rawValue
            let organisation = Array(entry.organisation.utf8)
            let kind = Array(entry.kind.utf8)
            precondition((1...maxOrganisationBytes).contains(organisation.count) && (1...maxKindBytes).contains(kind.count),
                         "directory text outside its length")
            out.u64(entry.replica.rawValue)
            out.varint(organisation.count)
            out.append(organisation)
            out.varint(kind.count)
            out.append(kind)
        }
        bytes.append(contentsOf: out.bytes)
    }

    /// Reads the section that starts at `start` and must end the payload.
    /// Throws `malformedPayload`, `tooLarge` or `invalidValue`, never traps.
    static func decode(_ payload: [UInt8], from start: Int) throws(BundleError) -> [DirectoryEntry] {
        try decode(payload, from: start, sectionFollows: false).entries
    }

    /// Reads the section that starts at `start`; unless `sectionFollows` (the access
    /// section comes next) it must end the payload. Returns the entries and where the
    /// section ends.
    static func decode(_ payload: [UInt8], from start: Int, sectionFollows: Bool) throws(BundleError)
        -> (entries: [DirectoryEntry], end: Int) {
        var reader = ByteReader(payload, from: start)
        func map(_ failure: ByteReaderFailure) -> BundleError {
            switch failure {
            case .endOfInput: .malformedPayload(endsEarly)
            case .badVarint: .malformedPayload("invalid varint")
            }
        }
        do {
            let count = try reader.varint()
            guard count <= UInt64(maxEntries) else { throw BundleError.tooLarge("more than \(maxEntries) directory entries") }
            guard count <= UInt64(reader.remaining / minimumBytesPerEntry) else {
                throw BundleError.malformedPayload("count larger than the payload can hold")
            }
            var entries: [DirectoryEntry] = []
            entries.reserveCapacity(Int(count))
            var previous: UInt64 = 0
            for _ in 0..<Int(count) {
                let id = try reader.u64()
                guard BundlePayload.isValidID(id) else { throw BundleError.invalidValue("id outside 1 ..< 2^63") }
                guard id > previous else { throw BundleError.malformedPayload(unsorted) }
                previous = id
                let organisation = try text(&reader, max: maxOrganisationBytes)
                let kind = try text(&reader, max: maxKindBytes)
                entries.append(DirectoryEntry(replica: ReplicaID(rawValue: id), organisation: organisation, kind: kind))
            }
            guard sectionFollows || reader.isAtEnd else { throw BundleError.malformedPayload(leftover) }
            return (entries, reader.offset)
        } catch let error as BundleError {
            throw error
        } catch let failure as ByteReaderFailure {
            throw map(failure)
        } catch {
            throw .malformedPayload(endsEarly)
        }
    }

    /// A length-prefixed UTF-8 text of 1 ... `max` bytes.
    private static func text(_ reader: inout ByteReader, max: Int) throws -> String {
        let length = try reader.varint()
        guard length >= 1 else { throw BundleError.invalidValue("empty directory text") }
        guard length <= UInt64(max) else { throw BundleError.tooLarge("directory text longer than \(max) bytes") }
        guard let text = String(validatingUTF8Bytes: try reader.bytes(Int(length))) else {
            throw BundleError.invalidValue("directory text is not valid UTF-8")
        }
        return text
    }
}
