import Foundation
import NavetCore
import NavetStore

/// Shared rendering: times, values, aligned tables and JSON shapes.
enum Format {
    /// ISO 8601 in Swedish time (Europe/Stockholm) with seconds and the offset written out,
    /// e.g. 2026-11-24T10:15:02+01:00: every time Navet shows people and scripts, so that
    /// it reads as the clock on the wall and still names one instant (`SwedishTime`).
    static func time(_ milliseconds: Int64) -> String {
        Timestamp(swedishTimeAt: milliseconds).descriptionWithSeconds
    }

    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A value for people, in their language (choices and booleans translated).
    static func value(_ value: FieldValue, field: String, strings: Strings) -> String {
        switch value {
        case .null: return "–"
        case .bool(let flag): return strings.label("bool", flag ? "true" : "false")
        case .int(let number): return String(number)
        case .text(let text):
            switch field {
            case "asylum_status": return strings.label("asylum", text)
            case "kind": return strings.label("note", text)
            case "role", "given_by", "risk": return strings.label(HubStrings.choiceKind(field), text)
            case "tags": return (Tag.list(text) ?? []).map { strings.label("tag", $0.rawValue) }.joined(separator: ", ")
            case "purpose", "circumstances": return block(text)
            case "text", "search_description": return block(text)
            default: return line(text)
            }
        }
    }

    /// A 64-bit id or epoch as every id is shown: NavetCore's `hex16`.
    static func hex16(_ value: UInt64) -> String { NavetCore.hex16(value) }

    /// Labelled values, one a line, the values aligned. A value of several lines (a
    /// search description) continues under its first line, so no continuation line looks
    /// like a field of its own.
    static func fields(_ rows: [(String, String)]) -> String {
        let width = rows.map(\.0.count).max() ?? 0
        let indent = String(repeating: " ", count: width + 2)
        return rows.map { label, value in
            label + ":" + String(repeating: " ", count: width - label.count + 1)
                + value.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
        }.joined(separator: "\n")
    }

    /// `text` cut to at most `limit` characters, ending in "…" when cut (for a table cell;
    /// `--json` carries the whole text).
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(0, limit - 1))) + "…"
    }

    /// Data shown on one line: every control character, line feeds included, written
    /// visibly (`\n`, `\r`, `\u{1B}`).
    static func line(_ text: String) -> String { TextRules.visible(text) }

    /// Free text shown by lines: line feeds kept, tabs as four spaces, every other control
    /// character written visibly.
    static func block(_ text: String) -> String {
        TextRules.visible(text.replacingOccurrences(of: "\t", with: "    "), keepingLineFeeds: true)
    }

    /// A value for scripts: the stored code, not a translation.
    static func json(_ value: FieldValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .int(let number): return number
        case .text(let text): return text
        }
    }

    static func json(_ change: Change) -> [String: Any] {
        [
            "origin": change.origin.description, "seq": change.seq, "version": change.version,
            "replaces": change.replaces.map(\.description), "time": time(change.wallTime),
            "type": change.recordType, "record": change.recordID.description, "field": change.field,
            "value": json(change.value), "tag": change.tag.rawValue,
        ]
    }

    /// Left-aligned columns separated by two spaces; the header underlined.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String { tableLine(cells, widths) }
        var lines = [line(header), line(widths.map { String(repeating: "-", count: $0) })]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// The 18th birthday that follows from a stated birth date.
    static func turns18(_ snapshot: RecordSnapshot) -> CalendarDate? {
        turns18(birthDate: snapshot.value("birth_date"))
    }

    static func turns18(birthDate: FieldValue) -> CalendarDate? {
        guard case .text(let text) = birthDate, let date = CalendarDate(iso: text) else { return nil }
        return date.adding(years: 18)
    }
}
