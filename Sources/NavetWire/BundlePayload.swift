import NavetCore

/// The uncompressed, columnar payload of a bundle: tables, then one column per change
/// attribute (`Protocol/BUNDLE.md`, "Payload").
///
/// The encoding is canonical: `decode` refuses every byte string `encode` would not have
/// produced for the same changes, which the tests check by re-encoding what was decoded.
enum BundlePayload {
    /// The value kind byte of `kindCol`.
    enum ValueKind: UInt8 {
        case null = 0, text = 1, int = 2, boolFalse = 3, boolTrue = 4
    }

    /// The least number of payload bytes one change occupies (one byte in each of the ten
    /// per-change columns); bounds the change count before anything is reserved.
    static let minimumBytesPerChange = 10

    // MARK: - Encoding

    /// A payload and where its sections end, so the compressor can start a fresh deflate
    /// block (with its own Huffman codes) for each column.
    struct Encoded {
        var bytes: [UInt8]
        /// Offsets just past the tables and past each column, ascending.
        var sectionEnds: [Int]
    }

    /// Encodes `changes`.
    ///
    /// Precondition: every id is valid (1 ..< 2^63) and every count and length is within
    /// `limits`; a bundle outside them is a bug in the caller, which must page its changes.
    static func encode(_ changes: [Change], limits: BundleLimits, version: UInt16 = BundleCodec.formatVersion) -> [UInt8] {
        encodeSections(changes, limits: limits, version: version).bytes
    }

    /// Whether format `version` lays the columns out as version 4 does (BUNDLE.md, "Changes
    /// from version 3"): wall times in byte planes, tags and value kinds predicted per
    /// cell, text lengths as deltas per cell, texts grouped by cell.
    static func predicts(_ version: UInt16) -> Bool { version >= 4 }

    /// The cells of a bundle's changes, the unit version 4's columns predict and group by:
    /// a change's (record type index, field index), numbered so that per-cell state lives in
    /// arrays and the numbers ascend with (type, field), the order texts are grouped in.
    struct Cells {
        /// Each change's cell number, `0 ..< count`.
        let of: [Int]
        let count: Int

        /// Both index lists hold one entry per change, each below its table's count, so
        /// `type × fieldCount + field` is below `typeCount × fieldCount`, at most the square
        /// of the payload's length: no overflow. When that is small the key is the number
        /// itself (arrays of at most max(256, 2N) entries); otherwise each distinct key's rank
        /// (one pass with a dictionary).
        init(types: [Int], fields: [Int], typeCount: Int, fieldCount: Int) {
            let keys = zip(types, fields).map { $0 * fieldCount + $1 }
            let keySpace = typeCount * fieldCount
            if keySpace <= max(256, 2 * keys.count) {
                of = keys
                count = keySpace
            } else {
                let distinct = Set(keys).sorted()
                let rank = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, $0.offset) })
                of = keys.map { rank[$0]! }
                count = distinct.count
            }
        }
    }

    static func encodeSections(_ changes: [Change], limits: BundleLimits, version: UInt16 = BundleCodec.formatVersion) -> Encoded {
        let v4 = predicts(version)
        precondition(changes.count <= limits.maxChangeCount, "bundle holds more changes than the format allows; page them")

        var originSet = Set<UInt64>()
        var recordSet = Set<UInt64>()
        var typeSet = Set<[UInt8]>()
        var fieldSet = Set<[UInt8]>()
        var tagSet = Set<[UInt8]>()
        for change in changes {
            originSet.insert(change.origin.rawValue)
            for stamp in change.replaces { originSet.insert(stamp.origin.rawValue) }
            recordSet.insert(change.recordID.rawValue)
            // Keys are the UTF-8 bytes, not Strings: Swift's String equality is canonical
            // equivalence, which would fold two differently normalised names into one
            // entry and break the byte-exact round trip.
            typeSet.insert(Array(change.recordType.utf8))
            fieldSet.insert(Array(change.field.utf8))
            tagSet.insert(Array(change.tag.rawValue.utf8))
        }
        let origins = originSet.sorted()
        let records = recordSet.sorted()
        let types = typeSet.sorted { $0.lexicographicallyPrecedes($1) }
        let fields = fieldSet.sorted { $0.lexicographicallyPrecedes($1) }
        let tags = tagSet.sorted { $0.lexicographicallyPrecedes($1) }
        for id in origins + records {
            precondition(isValidID(id), "bundle holds an id outside 1 ..< 2^63")
        }
        for name in types + fields + tags {
            precondition(name.count <= limits.maxNameBytes, "record type, field or tag name longer than the format allows")
        }
        let originIndex = indexMap(origins)
        let recordIndex = indexMap(records)
        let typeIndex = indexMap(types)
        let fieldIndex = indexMap(fields)
        let tagIndex = indexMap(tags)

        var out = ByteWriter(capacity: 64 + changes.count * 40)
        var sectionEnds = [Int]()
        func endSection() { sectionEnds.append(out.bytes.count) }

        out.varint(changes.count)
        writeIDTable(origins, to: &out)
        writeIDTable(records, to: &out)
        writeNameTable(types, to: &out)
        writeNameTable(fields, to: &out)
        writeNameTable(tags, to: &out)
        endSection()

        let originOf = changes.map { originIndex[$0.origin.rawValue]! }
        for index in originOf { out.varint(index) }
        endSection()

        // Sequence numbers and wall times as deltas per origin: consecutive changes of one
        // origin give seq delta 0 and small time deltas even when origins interleave.
        var previousSeq = [UInt64](repeating: 0, count: origins.count)
        for (change, origin) in zip(changes, originOf) {
            out.zigzag(Int64(bitPattern: change.seq &- (previousSeq[origin] &+ 1)))
            previousSeq[origin] = change.seq
        }
        endSection()

        for change in changes { out.varint(change.version) }
        endSection()

        var walls = ByteWriter(capacity: changes.count * 3)
        var previousWall = [Int64](repeating: 0, count: origins.count)
        for (change, origin) in zip(changes, originOf) {
            walls.zigzag(change.wallTime &- previousWall[origin])
            previousWall[origin] = change.wallTime
        }
        if v4 {
            // Byte planes: each plane gets a deflate block (and Huffman codes) of its own.
            for plane in bytePlanes(walls.bytes) {
                out.append(plane)
                endSection()
            }
        } else {
            out.append(walls.bytes)
            endSection()
        }

        let typeOf = changes.map { typeIndex[Array($0.recordType.utf8)]! }
        let fieldOf = changes.map { fieldIndex[Array($0.field.utf8)]! }
        let cells = v4 ? Cells(types: typeOf, fields: fieldOf, typeCount: types.count, fieldCount: fields.count)
                       : Cells(types: [], fields: [], typeCount: 0, fieldCount: 0)
        let cellOf = cells.of
        for index in typeOf { out.varint(index) }
        endSection()
        for change in changes { out.varint(recordIndex[change.recordID.rawValue]!) }
        endSection()
        for index in fieldOf { out.varint(index) }
        endSection()
        if v4 {
            // 0: the tag of the previous change of the same cell (record type and field),
            // or the first tag for the cell's first change; otherwise index + 1.
            var previousTag = [Int](repeating: 0, count: cells.count)
            for (change, cell) in zip(changes, cellOf) {
                let tag = tagIndex[Array(change.tag.rawValue.utf8)]!
                out.varint(tag == previousTag[cell] ? 0 : tag + 1)
                previousTag[cell] = tag
            }
        } else {
            for change in changes { out.varint(tagIndex[Array(change.tag.rawValue.utf8)]!) }
        }
        endSection()

        for change in changes { out.varint(change.replaces.count) }
        endSection()
        for change in changes {
            for stamp in change.replaces { out.varint(originIndex[stamp.origin.rawValue]!) }
        }
        endSection()
        // Relative to the change's own version: "replaces the version before" is 0.
        for change in changes {
            for stamp in change.replaces { out.zigzag(Int64(bitPattern: change.version &- stamp.version &- 1)) }
        }
        endSection()

        if v4 {
            // 0: the kind of the previous change of the same cell, or text for its first;
            // otherwise kind + 1.
            var previousKind = [ValueKind](repeating: .text, count: cells.count)
            for (change, cell) in zip(changes, cellOf) {
                let kind = kind(of: change.value)
                out.u8(kind == previousKind[cell] ? 0 : kind.rawValue + 1)
                previousKind[cell] = kind
            }
        } else {
            for change in changes { out.u8(kind(of: change.value).rawValue) }
        }
        endSection()
        var previousLength = [Int](repeating: 0, count: cells.count)
        for (index, change) in changes.enumerated() {
            guard case .text(let text) = change.value else { continue }
            let length = text.utf8.count
            precondition(length <= limits.maxTextBytes, "text value longer than the format allows")
            if v4 {
                let cell = cellOf[index]
                out.zigzag(Int64(length - previousLength[cell]))
                previousLength[cell] = length
            } else {
                out.varint(length)
            }
        }
        endSection()
        if v4 {
            // Texts grouped by cell in key order (record type, then field), change order
            // within a cell; each cell's texts end a section.
            let texts = changes.indices.filter { if case .text = changes[$0].value { true } else { false } }
            let grouped = texts.sorted { (cellOf[$0], $0) < (cellOf[$1], $1) }
            for (position, index) in grouped.enumerated() {
                if case .text(let text) = changes[index].value { out.append(text.utf8) }
                if position + 1 == grouped.count || cellOf[grouped[position + 1]] != cellOf[index] { endSection() }
            }
        } else {
            for change in changes {
                if case .text(let text) = change.value { out.append(text.utf8) }
            }
            endSection()
        }
        for change in changes {
            if case .int(let number) = change.value { out.zigzag(number) }
        }
        endSection()
        return Encoded(bytes: out.bytes, sectionEnds: sectionEnds)
    }

    private static func kind(of value: FieldValue) -> ValueKind {
        switch value {
        case .null: .null
        case .text: .text
        case .int: .int
        case .bool(let flag): flag ? .boolTrue : .boolFalse
        }
    }

    /// Splits a column of varints into byte planes: plane k holds byte k of every varint
    /// longer than k bytes, in column order (BUNDLE.md, "Byte planes").
    static func bytePlanes(_ column: [UInt8]) -> [[UInt8]] {
        var planes = [[UInt8]]()
        var plane = 0
        for byte in column {
            if planes.count == plane { planes.append([]) }
            planes[plane].append(byte)
            plane = byte & 0x80 != 0 ? plane + 1 : 0
        }
        return planes
    }

    private static func indexMap<Key: Hashable>(_ keys: [Key]) -> [Key: Int] {
        Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) })
    }

    private static func writeIDTable(_ ids: [UInt64], to out: inout ByteWriter) {
        out.varint(ids.count)
        for id in ids { out.u64(id) }
    }

    private static func writeNameTable(_ names: [[UInt8]], to out: inout ByteWriter) {
        out.varint(names.count)
        for name in names {
            out.varint(name.count)
            out.append(name)
        }
    }

    // MARK: - Decoding

    /// Decodes a payload, refusing anything `encode` would not have written.
    ///
    /// Throws `malformedPayload`, `tooLarge` or `invalidValue`. Reserves memory only for
    /// counts already checked against the bytes that remain.
    static func decode(_ payload: [UInt8], limits: BundleLimits,
                       version: UInt16 = BundleCodec.formatVersion) throws(BundleError) -> [Change] {
        var parser = Parser(reader: ByteReader(payload), limits: limits, version: version)
        return try parser.changes()
    }

    /// Decodes the change columns of a payload that continues with another section (the
    /// directory); returns the changes and the offset where the next section starts.
    static func decodeBeforeSection(_ payload: [UInt8], limits: BundleLimits,
                                    version: UInt16 = BundleCodec.formatVersion) throws(BundleError) -> (changes: [Change], end: Int) {
        var parser = Parser(reader: ByteReader(payload), limits: limits, version: version)
        parser.sectionFollows = true
        let changes = try parser.changes()
        return (changes, parser.reader.offset)
    }

    /// An id or sequence number: 1 ..< 2^63.
    static func isValidID(_ value: UInt64) -> Bool {
        value != 0 && value <= UInt64(Int64.max)
    }

    /// A version or replaced version: 1 ..< 2^62. A replica gives its next edit of a cell
    /// the highest version it has seen plus one; the headroom keeps that, and every edit
    /// after it, inside SQLite's integers (2^62 edits of one cell cannot happen).
    static func isValidVersion(_ value: UInt64) -> Bool {
        value != 0 && value <= CellMerge.maxVersion
    }

    /// A cursor, ack or epoch: 0 ..< 2^63 (0 means "none").
    static func isCounter(_ value: UInt64) -> Bool {
        value <= UInt64(Int64.max)
    }

    /// A reader failure as the bundle error its section reports (`endsEarly` names the section).
    static func failure(_ failure: ByteReaderFailure, endsEarly: String) -> BundleError {
        switch failure {
        case .endOfInput: .malformedPayload(endsEarly)
        case .badVarint: .malformedPayload(Parser.badVarint)
        }
    }

    /// One pass over the payload. A struct with the reader inside so every helper can map
    /// reader failures to `BundleError` in one place.
    private struct Parser {
        var reader: ByteReader
        let limits: BundleLimits
        /// The bundle's format version: 3 or 4 (the column layouts differ).
        let version: UInt16
        /// Another section follows the last column, so bytes may remain after it.
        var sectionFollows = false

        // Structural reasons, kept as constants so the spec and tests can name them.
        static let endsEarly = "payload ends before its last column"
        static let badVarint = "invalid varint"
        static let indexOutOfRange = "table index out of range"
        static let unsorted = "table entries not in strictly ascending order"
        static let unreferenced = "table entry not used by any change"
        static let leftover = "bytes after the last column"
        static let countExceedsPayload = "count larger than the payload can hold"
        // Version 4's predicted columns.
        static let tagRepeatsPrediction = "tag written out where it is predicted"
        static let kindRepeatsPrediction = "value kind written out where it is predicted"
        static let negativeTextLength = "text length below 0"

        mutating func varint() throws(BundleError) -> UInt64 {
            do { return try reader.varint() } catch { throw Self.map(error) }
        }

        mutating func zigzag() throws(BundleError) -> Int64 {
            Zigzag.decode(try varint())
        }

        mutating func u8() throws(BundleError) -> UInt8 {
            do { return try reader.u8() } catch { throw Self.map(error) }
        }

        mutating func u64() throws(BundleError) -> UInt64 {
            do { return try reader.u64() } catch { throw Self.map(error) }
        }

        mutating func bytes(_ count: Int) throws(BundleError) -> ArraySlice<UInt8> {
            do { return try reader.bytes(count) } catch { throw Self.map(error) }
        }

        /// `count` varints one after the other.
        mutating func varints(_ count: Int) throws(BundleError) -> [UInt64] {
            var values = [UInt64]()
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try varint()) }
            return values
        }

        /// `count` varints written in byte planes (BUNDLE.md, "Byte planes"): plane k holds
        /// byte k of every varint longer than k bytes. The same rules as a plain varint:
        /// at most 10 bytes, the 10th at most 1, minimal.
        mutating func planedVarints(_ count: Int) throws(BundleError) -> [UInt64] {
            var values = [UInt64](repeating: 0, count: count)
            // The varints whose previous byte had the high bit set, kept in place (no array
            // per plane): plane 0 holds a byte of every varint.
            var open = [Int]()
            open.reserveCapacity(count)
            var index = 0
            for byte in try bytes(count) {
                values[index] = UInt64(byte & 0x7F)
                if byte & 0x80 != 0 { open.append(index) }
                index += 1
            }
            var plane = 1
            while !open.isEmpty {
                let planeBytes = try bytes(open.count)
                var stillOpen = 0
                var position = 0
                for byte in planeBytes {
                    if byte == 0 || (plane == 9 && byte > 1) { throw .malformedPayload(Self.badVarint) }
                    let index = open[position]
                    values[index] |= UInt64(byte & 0x7F) << UInt64(7 * plane)
                    if byte & 0x80 != 0 {
                        open[stillOpen] = index
                        stillOpen += 1
                    }
                    position += 1
                }
                open.removeLast(open.count - stillOpen)
                plane += 1
            }
            return values
        }

        static func map(_ failure: ByteReaderFailure) -> BundleError {
            BundlePayload.failure(failure, endsEarly: endsEarly)
        }

        /// A count that will size an allocation: each counted item takes at least
        /// `minimumBytes` of what remains, so a count beyond that is refused before any
        /// memory is reserved.
        mutating func count(minimumBytes: Int) throws(BundleError) -> Int {
            let value = try varint()
            guard value <= UInt64(reader.remaining / minimumBytes) else {
                throw .malformedPayload(Self.countExceedsPayload)
            }
            return Int(value)
        }

        /// An index into a table of `size` entries; marks the entry as used.
        mutating func index(into used: inout [Bool]) throws(BundleError) -> Int {
            let value = try varint()
            guard value < UInt64(used.count) else { throw .malformedPayload(Self.indexOutOfRange) }
            used[Int(value)] = true
            return Int(value)
        }

        mutating func idTable() throws(BundleError) -> [UInt64] {
            let count = try count(minimumBytes: 8)
            var ids = [UInt64]()
            ids.reserveCapacity(count)
            for _ in 0..<count {
                let id = try u64()
                guard BundlePayload.isValidID(id) else { throw .invalidValue("id outside 1 ..< 2^63") }
                if let last = ids.last, last >= id { throw .malformedPayload(Self.unsorted) }
                ids.append(id)
            }
            return ids
        }

        mutating func nameTable() throws(BundleError) -> [String] {
            let count = try count(minimumBytes: 1)
            var names = [String]()
            names.reserveCapacity(count)
            var previous: ArraySlice<UInt8>?
            for _ in 0..<count {
                let length = try varint()
                guard length <= UInt64(limits.maxNameBytes) else {
                    throw .tooLarge("name longer than \(limits.maxNameBytes) bytes")
                }
                let bytes = try bytes(Int(length))
                if let previous, !previous.lexicographicallyPrecedes(bytes) {
                    throw .malformedPayload(Self.unsorted)
                }
                guard let name = String(validatingUTF8Bytes: bytes) else {
                    throw .invalidValue("name is not valid UTF-8")
                }
                names.append(name)
                previous = bytes
            }
            return names
        }

        mutating func changes() throws(BundleError) -> [Change] {
            let rawCount = try varint()
            guard rawCount <= UInt64(limits.maxChangeCount) else {
                throw .tooLarge("more than \(limits.maxChangeCount) changes")
            }
            guard rawCount <= UInt64(reader.remaining / BundlePayload.minimumBytesPerChange) else {
                throw .malformedPayload(Self.countExceedsPayload)
            }
            let n = Int(rawCount)

            let origins = try idTable()
            let records = try idTable()
            let types = try nameTable()
            let fields = try nameTable()
            let tagNames = try nameTable()
            var tags = [Tag]()
            tags.reserveCapacity(tagNames.count)
            for name in tagNames {
                guard let tag = Tag(rawValue: name) else { throw .invalidValue("unknown tag") }
                tags.append(tag)
            }

            var originUsed = [Bool](repeating: false, count: origins.count)
            var recordUsed = [Bool](repeating: false, count: records.count)
            var typeUsed = [Bool](repeating: false, count: types.count)
            var fieldUsed = [Bool](repeating: false, count: fields.count)
            var tagUsed = [Bool](repeating: false, count: tags.count)

            var originOf = [Int]()
            originOf.reserveCapacity(n)
            for _ in 0..<n { originOf.append(try index(into: &originUsed)) }

            var seqs = [UInt64]()
            seqs.reserveCapacity(n)
            var previousSeq = [UInt64](repeating: 0, count: origins.count)
            for origin in originOf {
                let seq = previousSeq[origin] &+ 1 &+ UInt64(bitPattern: try zigzag())
                guard BundlePayload.isValidID(seq) else { throw .invalidValue("sequence number outside 1 ..< 2^63") }
                seqs.append(seq)
                previousSeq[origin] = seq
            }

            var versions = [UInt64]()
            versions.reserveCapacity(n)
            for _ in 0..<n {
                let version = try varint()
                guard BundlePayload.isValidVersion(version) else { throw .invalidValue("version outside 1 ..< 2^62") }
                versions.append(version)
            }

            let wallDeltas = BundlePayload.predicts(version) ? try planedVarints(n) : try varints(n)
            var wallTimes = [Int64]()
            wallTimes.reserveCapacity(n)
            var previousWall = [Int64](repeating: 0, count: origins.count)
            for (origin, delta) in zip(originOf, wallDeltas) {
                let wall = previousWall[origin] &+ Zigzag.decode(delta)
                wallTimes.append(wall)
                previousWall[origin] = wall
            }

            var typeOf = [Int]()
            typeOf.reserveCapacity(n)
            for _ in 0..<n { typeOf.append(try index(into: &typeUsed)) }
            var recordOf = [Int]()
            recordOf.reserveCapacity(n)
            for _ in 0..<n { recordOf.append(try index(into: &recordUsed)) }
            var fieldOf = [Int]()
            fieldOf.reserveCapacity(n)
            for _ in 0..<n { fieldOf.append(try index(into: &fieldUsed)) }
            var tagOf = [Int]()
            tagOf.reserveCapacity(n)
            let v4 = BundlePayload.predicts(version)
            let cells = v4 ? Cells(types: typeOf, fields: fieldOf, typeCount: types.count, fieldCount: fields.count)
                           : Cells(types: [], fields: [], typeCount: 0, fieldCount: 0)
            let cellOf = cells.of
            if v4 {
                var previousTag = [Int](repeating: 0, count: cells.count)
                for cell in cellOf {
                    let predicted = previousTag[cell]
                    let value = try varint()
                    let tag: Int
                    if value == 0 {
                        guard predicted < tags.count else { throw .malformedPayload(Self.indexOutOfRange) }
                        tag = predicted
                    } else {
                        guard value - 1 < UInt64(tags.count) else { throw .malformedPayload(Self.indexOutOfRange) }
                        tag = Int(value - 1)
                        guard tag != predicted else { throw .malformedPayload(Self.tagRepeatsPrediction) }
                    }
                    tagUsed[tag] = true
                    tagOf.append(tag)
                    previousTag[cell] = tag
                }
            } else {
                for _ in 0..<n { tagOf.append(try index(into: &tagUsed)) }
            }

            // Each replaced stamp takes at least two bytes (origin index, version delta).
            var replaceCounts = [Int]()
            replaceCounts.reserveCapacity(n)
            var totalReplaces = 0
            for _ in 0..<n {
                let count = try count(minimumBytes: 2)
                totalReplaces += count
                replaceCounts.append(count)
            }
            guard totalReplaces <= reader.remaining / 2 else {
                throw .malformedPayload(Self.countExceedsPayload)
            }
            var replaceOrigins = [Int]()
            replaceOrigins.reserveCapacity(totalReplaces)
            for _ in 0..<totalReplaces { replaceOrigins.append(try index(into: &originUsed)) }
            var replaces = [[Stamp]]()
            replaces.reserveCapacity(n)
            var position = 0
            for (version, count) in zip(versions, replaceCounts) {
                // Most changes replace nothing: no array is reserved for them.
                if count == 0 {
                    replaces.append([])
                    continue
                }
                var stamps = [Stamp]()
                stamps.reserveCapacity(count)
                for _ in 0..<count {
                    let delta = UInt64(bitPattern: try zigzag())
                    let origin = ReplicaID(rawValue: origins[replaceOrigins[position]])
                    let replaced = version &- 1 &- delta
                    guard BundlePayload.isValidVersion(replaced) else {
                        throw .invalidValue("replaced version outside 1 ..< 2^62")
                    }
                    stamps.append(Stamp(version: replaced, origin: origin))
                    position += 1
                }
                replaces.append(stamps)
            }

            var kinds = [ValueKind]()
            kinds.reserveCapacity(n)
            var textCount = 0
            var intCount = 0
            var previousKind = [ValueKind](repeating: .text, count: cells.count)
            for i in 0..<n {
                let byte = try u8()
                let kind: ValueKind
                if v4 {
                    let predicted = previousKind[cellOf[i]]
                    if byte == 0 {
                        kind = predicted
                    } else {
                        guard let written = ValueKind(rawValue: byte &- 1) else { throw .invalidValue("unknown value kind") }
                        guard written != predicted else { throw .malformedPayload(Self.kindRepeatsPrediction) }
                        kind = written
                    }
                    previousKind[cellOf[i]] = kind
                } else {
                    guard let written = ValueKind(rawValue: byte) else { throw .invalidValue("unknown value kind") }
                    kind = written
                }
                if kind == .text { textCount += 1 }
                if kind == .int { intCount += 1 }
                kinds.append(kind)
            }

            // The cell of each text, in change order (version 4 groups texts by it).
            var textCells = [Int]()
            if v4 {
                textCells.reserveCapacity(textCount)
                for i in 0..<n where kinds[i] == .text { textCells.append(cellOf[i]) }
            }
            var textLengths = [Int]()
            textLengths.reserveCapacity(textCount)
            var totalText = 0
            var previousLength = [Int](repeating: 0, count: cells.count)
            for t in 0..<textCount {
                let length: Int
                if v4 {
                    let previous = previousLength[textCells[t]]
                    let (sum, overflow) = Int64(previous).addingReportingOverflow(try zigzag())
                    guard !overflow, sum <= Int64(limits.maxTextBytes) else {
                        throw .tooLarge("text value longer than \(limits.maxTextBytes) bytes")
                    }
                    guard sum >= 0 else { throw .malformedPayload(Self.negativeTextLength) }
                    length = Int(sum)
                    previousLength[textCells[t]] = length
                } else {
                    let value = try varint()
                    guard value <= UInt64(limits.maxTextBytes) else {
                        throw .tooLarge("text value longer than \(limits.maxTextBytes) bytes")
                    }
                    length = Int(value)
                }
                totalText += length
                textLengths.append(length)
            }
            guard totalText <= reader.remaining else { throw .malformedPayload(Self.endsEarly) }
            // Where each text starts: in change order (version 3), or grouped by cell in
            // key order and in change order within a cell (version 4).
            var textStarts = [Int]()
            textStarts.reserveCapacity(textCount)
            if v4 {
                // Each cell's texts start where the cells before it end (totals ≤ totalText).
                var next = [Int](repeating: 0, count: cells.count)
                for (cell, length) in zip(textCells, textLengths) { next[cell] += length }
                var offset = 0
                for cell in 0..<cells.count {
                    let total = next[cell]
                    next[cell] = offset
                    offset += total
                }
                for (cell, length) in zip(textCells, textLengths) {
                    textStarts.append(next[cell])
                    next[cell] += length
                }
            } else {
                var offset = 0
                for length in textLengths {
                    textStarts.append(offset)
                    offset += length
                }
            }
            let textBytes = try bytes(totalText)
            var texts = [String]()
            texts.reserveCapacity(textCount)
            for (start, length) in zip(textStarts, textLengths) {
                let from = textBytes.startIndex + start
                guard let text = String(validatingUTF8Bytes: textBytes[from..<(from + length)]) else {
                    throw .invalidValue("text is not valid UTF-8")
                }
                texts.append(text)
            }

            var ints = [Int64]()
            ints.reserveCapacity(intCount)
            for _ in 0..<intCount { ints.append(try zigzag()) }

            guard sectionFollows || reader.isAtEnd else { throw .malformedPayload(Self.leftover) }
            for used in [originUsed, recordUsed, typeUsed, fieldUsed, tagUsed] where used.contains(false) {
                throw .malformedPayload(Self.unreferenced)
            }

            var changes = [Change]()
            changes.reserveCapacity(n)
            var nextText = 0
            var nextInt = 0
            for i in 0..<n {
                let value: FieldValue
                switch kinds[i] {
                case .null: value = .null
                case .text:
                    value = .text(texts[nextText])
                    nextText += 1
                case .int:
                    value = .int(ints[nextInt])
                    nextInt += 1
                case .boolFalse: value = .bool(false)
                case .boolTrue: value = .bool(true)
                }
                changes.append(Change(
                    origin: ReplicaID(rawValue: origins[originOf[i]]), seq: seqs[i], version: versions[i],
                    replaces: replaces[i], wallTime: wallTimes[i], recordType: types[typeOf[i]],
                    recordID: RecordID(rawValue: records[recordOf[i]]), field: fields[fieldOf[i]],
                    value: value, tag: tags[tagOf[i]]
                ))
            }
            return changes
        }
    }
}
