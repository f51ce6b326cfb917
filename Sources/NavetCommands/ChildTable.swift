import NavetCore
import NavetStore

// `navet child list`'s table written as bytes (issue 15, point 4): each row is formatted
// once, in the one pass over the children in list order, into UTF-8 cells with their
// widths (kept in a temporary table), and printed once the read-log entry is written. The
// bytes are those of `Format.table` of every row (`ChildList.row`); `StreamingListTests`
// compares them.

/// Formats `ChildList.row` as UTF-8 cells, each with its width in characters, and keeps
/// the columns' widths. The formatted birth dates and asylum statuses are remembered (a
/// replica has a few thousand distinct birth dates and a handful of statuses).
struct ChildTableFormatter {
    let context: Context
    private(set) var widths: [Int]
    private let unnamed: [UInt8]
    private let conflict: [UInt8]
    private var birthDates: [String: (cell: [UInt8], width: Int, turned18: String?)] = [:]
    private var statuses: [String: (cell: [UInt8], width: Int)] = [:]

    init(_ context: Context, header: [String]) {
        self.context = context
        widths = header.map(\.count)
        unnamed = Array(context.t("out.nameNotShared").utf8)
        conflict = Array(context.t("state.conflict").utf8)
    }

    /// The width of a cell as `Format.tableLine` counts it (characters); printable ASCII
    /// is one character a byte.
    static func width(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        for byte in bytes where byte < 0x20 || byte >= 0x7F {
            return String(decoding: bytes, as: UTF8.self).count
        }
        return bytes.count
    }

    static func width(_ bytes: [UInt8]) -> Int { bytes.withUnsafeBufferPointer { width($0) } }

    /// Appends `value` as an order-keeping number (7 bits a byte, the high bit set on all but the last).
    static func appendNumber(_ value: Int, to row: inout [UInt8]) {
        var rest = UInt(max(value, 0))
        while rest >= 0x80 {
            row.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        row.append(UInt8(rest))
    }

    /// Appends one cell (its width, its length, its bytes) and widens its column.
    private mutating func appendCell(_ column: Int, _ bytes: [UInt8], width: Int, to row: inout [UInt8]) {
        Self.appendNumber(width, to: &row)
        Self.appendNumber(bytes.count, to: &row)
        row += bytes
        if width > widths[column] { widths[column] = width }
    }

    private mutating func appendCell(_ column: Int, _ text: String, to row: inout [UInt8]) {
        var text = text
        let bytes = text.withUTF8 { Array($0) }
        appendCell(column, bytes, width: Self.width(bytes), to: &row)
    }

    /// Replaces `row` with `child`'s row: the cells of `ChildList.row`, each as its width,
    /// its length and its bytes (`forEachCell` reads them back).
    mutating func format(_ child: ListedChild, into row: inout [UInt8]) {
        row.removeAll(keepingCapacity: true)
        // The id: 16 lower-case hex digits.
        Self.appendNumber(16, to: &row)
        Self.appendNumber(16, to: &row)
        let raw = child.id.rawValue
        for shift in stride(from: 60, through: 0, by: -4) {
            let digit = UInt8((raw >> UInt64(shift)) & 0xF)
            row.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
        }
        if widths[0] < 16 { widths[0] = 16 }
        // The name, written visibly (`Format.line`), or the placeholder.
        if let name = child.name {
            appendCell(1, Format.line(name), to: &row)
        } else {
            appendCell(1, unnamed, width: Self.width(unnamed), to: &row)
        }
        // The birth date and what it says about turning 18.
        var turned18: String?
        if case .text(let text) = child.birthDate {
            if birthDates.count > 20_000 { birthDates.removeAll(keepingCapacity: true) }
            let known = birthDates[text] ?? {
                var cell = Format.value(child.birthDate, field: "birth_date", strings: context.strings)
                let bytes = cell.withUTF8 { Array($0) }
                return (bytes, Self.width(bytes), context.turned18Text(birthDate: child.birthDate))
            }()
            birthDates[text] = known
            appendCell(2, known.cell, width: known.width, to: &row)
            turned18 = known.turned18
        } else {
            appendCell(2, Format.value(child.birthDate, field: "birth_date", strings: context.strings), to: &row)
            turned18 = context.turned18Text(birthDate: child.birthDate)
        }
        // The asylum status, as its label.
        if case .text(let text) = child.asylumStatus {
            if statuses.count > 1_000 { statuses.removeAll(keepingCapacity: true) }
            let known = statuses[text] ?? {
                var cell = Format.value(child.asylumStatus, field: "asylum_status", strings: context.strings)
                let bytes = cell.withUTF8 { Array($0) }
                return (bytes, Self.width(bytes))
            }()
            statuses[text] = known
            appendCell(3, known.cell, width: known.width, to: &row)
        } else {
            appendCell(3, Format.value(child.asylumStatus, field: "asylum_status", strings: context.strings), to: &row)
        }
        // The remarks: a conflict; the 18th birthday passed.
        switch (child.inConflict, turned18) {
        case (false, nil): appendCell(4, [], width: 0, to: &row)
        case (true, nil): appendCell(4, conflict, width: Self.width(conflict), to: &row)
        case (false, let text?): appendCell(4, text, to: &row)
        case (true, let text?): appendCell(4, context.t("state.conflict") + "; " + text, to: &row)
        }
    }

    /// Reads back rows kept one after another, each after its length (`appendNumber`).
    static func forEachRow(in chunk: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var index = 0
        while index < chunk.count {
            let count = min(readNumber(chunk, at: &index), chunk.count - index)
            body(UnsafeBufferPointer(rebasing: chunk[index..<(index + count)]))
            index += count
        }
    }

    /// Reads a number `appendNumber` wrote at `index`, and moves past it.
    static func readNumber(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> Int {
        var value = 0
        var shift = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 || shift > 56 { break }
            shift += 7
        }
        return value
    }

    /// Reads back the cells `format` wrote: `body` gets each cell's bytes and width.
    static func forEachCell(_ row: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        var index = 0
        while index < row.count {
            let width = readNumber(row, at: &index)
            let count = min(readNumber(row, at: &index), row.count - index)
            body(UnsafeBufferPointer(rebasing: row[index..<(index + count)]), width)
            index += count
        }
    }
}

/// Table lines as bytes for `Console.write(lines:)`, in chunks of about 64 KiB: the bytes of
/// `Format.tableLine` of each row, each followed by a line feed.
struct TableBytes {
    let console: Console
    let widths: [Int]
    private var buffer: [UInt8] = []

    init(_ console: Console, widths: [Int]) {
        self.console = console
        self.widths = widths
        buffer.reserveCapacity(70_000)
    }

    /// A line of text (the header and its underline), as `Format.tableLine` makes it.
    mutating func line(_ cells: [String]) {
        buffer += Array(Format.tableLine(cells, widths).utf8)
        buffer.append(0x0A)
        flushIfFull()
    }

    /// A row of cells as `ChildTableFormatter` wrote it: each cell but the last padded to
    /// its column's width, joined by two spaces, without trailing white space.
    mutating func row(_ row: UnsafeBufferPointer<UInt8>) {
        let start = buffer.count
        var column = 0
        ChildTableFormatter.forEachCell(row) { bytes, width in
            if column > 0 {
                buffer.append(0x20)
                buffer.append(0x20)
            }
            buffer.append(contentsOf: bytes)
            // Every cell but the last (a row has one cell per column).
            if column < widths.count - 1, widths[column] > width {
                buffer.append(contentsOf: repeatElement(0x20, count: widths[column] - width))
            }
            column += 1
        }
        // Trailing white space: ASCII here; anything else (a line ending in a non-ASCII
        // character) as `Format.trimmingTrailingSpace` says.
        trimming: while buffer.count > start {
            switch buffer[buffer.count - 1] {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D: buffer.removeLast()
            default: break trimming
            }
        }
        if buffer.count > start, buffer[buffer.count - 1] >= 0x80 {
            let line = Format.trimmingTrailingSpace(String(decoding: buffer[start...], as: UTF8.self))
            buffer.removeSubrange(start...)
            buffer += Array(line.utf8)
        }
        buffer.append(0x0A)
        flushIfFull()
    }

    private mutating func flushIfFull() {
        if buffer.count >= 65_536 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        console.write(lines: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
