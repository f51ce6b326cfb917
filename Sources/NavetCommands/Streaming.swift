import Foundation
import NavetCore
import NavetStore

// Output that streams (issue 15, point 4): a list writes its rows as it reads them, in
// chunks, and its memory does not grow with the replica. The bytes are the same as the
// whole list printed at once (`Format.table`, `Context.printJSON`).

/// Lines for `Console.out`, written in chunks of about 64 KiB: the same bytes as one `out`
/// per line (`out` ends each call with a line feed and keeps line feeds).
final class LineBuffer {
    let context: Context
    private var buffer = ""
    private var empty = true

    init(_ context: Context) { self.context = context }

    func line(_ text: String) {
        if empty {
            buffer = text
            empty = false
        } else {
            buffer += "\n"
            buffer += text
        }
        if buffer.utf8.count >= 65_536 { flush() }
    }

    func flush() {
        guard !empty else { return }
        context.out(buffer)
        buffer = ""
        empty = true
    }
}

/// A JSON array written element by element, byte for byte as `Context.printJSON` writes the
/// whole array (pretty, sorted keys): "[", each element indented by two spaces and followed
/// by "," unless it is the last, "]"; an empty array is "[", "", "]".
final class JSONArrayWriter {
    let lines: LineBuffer
    private var pending: String?
    private var started = false

    init(_ context: Context) { lines = LineBuffer(context) }

    func append(_ value: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        // A string value never holds a raw line feed (JSON escapes it), so every line
        // feed here is the layout's own; an empty line (inside an empty array) stays empty.
        appendElement(String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))
    }

    /// Appends an element already written as JSON and indented for the array (every
    /// non-empty line by two spaces more; `appendChild`).
    func appendElement(_ text: String) {
        if !started {
            lines.line("[")
            started = true
        }
        if let pending { lines.line(pending + ",") }
        pending = text
    }

    func finish() {
        if !started { lines.line("[") }
        lines.line(pending ?? "")
        lines.line("]")
        lines.flush()
    }
}

/// An aligned table written row by row, once the widths are known (a first pass over the
/// rows measures them): the same bytes as `Format.table` of all the rows.
struct TableWriter {
    private(set) var widths: [Int]
    let header: [String]

    init(_ header: [String]) {
        self.header = header
        widths = header.map(\.count)
    }

    /// Widens the columns for a row (the first pass).
    mutating func measure(_ row: [String]) {
        for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
    }

    /// The header and its underline.
    func writeHeader(to lines: LineBuffer) {
        lines.line(Format.tableLine(header, widths))
        lines.line(Format.tableLine(widths.map { String(repeating: "-", count: $0) }, widths))
    }

    func write(_ row: [String], to lines: LineBuffer) {
        lines.line(Format.tableLine(row, widths))
    }
}

extension Format {
    /// One line of a table: each cell but the last padded to its column's width, joined by
    /// two spaces, without trailing white space (what the regular expression `\s+$` matched:
    /// tab, line feed, form feed, carriage return and Unicode's separators, `\p{Z}`).
    static func tableLine(_ cells: [String], _ widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index > 0 { line += "  " }
            line += cell
            if index < cells.count - 1, index < widths.count, widths[index] > cell.count {
                line += String(repeating: " ", count: widths[index] - cell.count)
            }
        }
        return trimmingTrailingSpace(line)
    }

    static func trimmingTrailingSpace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let before = scalars.index(before: end)
            let scalar = scalars[before]
            switch scalar.value {
            case 0x09, 0x0A, 0x0C, 0x0D: break
            default:
                switch scalar.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator: break
                default: return end == scalars.endIndex ? text : String(scalars[..<end])
                }
            }
            end = before
        }
        return String(scalars[..<end])
    }
}

extension Context {
    /// Runs `body` in one read transaction of `store` (one snapshot and one lock for a
    /// list's many small reads).
    func streamingRead(_ store: ReplicaStore, _ body: () throws(CLIError) -> Void) throws(CLIError) {
        let started = try self.store { () throws(StoreError) in try store.beginReading() }
        defer { store.endReading(started) }
        try body()
    }

    /// The name of the child a record names in its `child` cell, when this replica holds
    /// it; `cache` keeps the latest few (a list streams, so it stays small).
    func childName(of record: RecordSnapshot, _ snapshots: ReplicaStore.SnapshotReader,
                   cache: inout [String: String?]) -> String? {
        guard let child = record.value("child").displayText else { return nil }
        if let known = cache[child] { return known }
        let name = RecordID(hex: child).flatMap { try? snapshots.snapshot($0) }?.value("name").displayText
        if cache.count >= 1_000 { cache.removeAll(keepingCapacity: true) }
        cache[child] = name
        return name
    }

    /// Adds a shown child name to a read-log entry: the child, its `name` field and tag.
    func logName(of record: RecordSnapshot, in draft: inout AuditDraft) {
        guard let child = record.value("child").displayText, let id = RecordID(hex: child) else { return }
        draft.records.insert(id)
        draft.fields.insert("child.name")
        draft.insertTag(ChildAdd.childSchema.field("name")!.defaultTag.rawValue)
    }
}
