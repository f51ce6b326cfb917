import Foundation
import NavetCore
import NavetStore

// JSON for scripts written directly for the shape a list prints many of (issue 15, point 4):
// `navet --json child list` at 100,000 children spent most of its time in `JSONSerialization`,
// once per child. The bytes are those `Context.printJSON` writes (`JSONSerialization` with
// `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes`): `StreamingListTests` compares them.

enum JSONText {
    /// Appends `text` as a JSON string as `JSONSerialization` writes it: quotation mark and
    /// reverse solidus escaped, backspace, tab, line feed, form feed and carriage return as
    /// `\b \t \n \f \r`, the other characters below U+0020 as `\u00xx` (lower-case hex
    /// digits), everything else (the solidus, DEL, non-ASCII) as it is.
    static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(text)
        } else {
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x22: out.append("\\\"")
                case 0x5C: out.append("\\\\")
                case 0x08: out.append("\\b")
                case 0x09: out.append("\\t")
                case 0x0A: out.append("\\n")
                case 0x0C: out.append("\\f")
                case 0x0D: out.append("\\r")
                case 0..<0x10: out.append("\\u000" + String(scalar.value, radix: 16))
                case 0x10..<0x20: out.append("\\u00" + String(scalar.value, radix: 16))
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// Appends a field's value as `Format.json` gives it to `JSONSerialization`.
    static func appendValue(_ value: FieldValue, to out: inout String) {
        switch value {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .int(let number): out.append(String(number))
        case .text(let text): appendString(text, to: &out)
        }
    }
}

/// The order `JSONSerialization` gives an object's keys with `.sortedKeys` (a comparison of
/// its own: numeric, case-insensitive), asked of it once per set of keys and remembered:
/// a list's records mostly hold the same fields.
final class JSONKeyOrder {
    private var orders: [[String]: [Int]] = [:]

    /// The indices of `keys` in `JSONSerialization`'s order; nil when the keys repeat or
    /// the order cannot be read (the caller then uses `JSONSerialization` itself).
    func order(_ keys: [String]) -> [Int]? {
        if let known = orders[keys] { return known }
        guard Set(keys).count == keys.count else { return nil }
        var object: [String: Any] = [:]
        for (index, key) in keys.enumerated() { object[key] = index }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        // {"key":0,"key":1}: each key is a string (skipped, with its escapes), then ':' and
        // the index.
        let bytes = [UInt8](data)
        var order: [Int] = []
        var at = 1
        while at < bytes.count, bytes[at] == UInt8(ascii: "\"") {
            at += 1
            while at < bytes.count, bytes[at] != UInt8(ascii: "\"") { at += bytes[at] == UInt8(ascii: "\\") ? 2 : 1 }
            at += 1
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
            at += 1
            var index = 0
            var digits = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9"), digits < 9 {
                index = index * 10 + Int(bytes[at] - UInt8(ascii: "0"))
                at += 1
                digits += 1
            }
            guard digits > 0, index < keys.count else { return nil }
            order.append(index)
            if at < bytes.count, bytes[at] == UInt8(ascii: ",") { at += 1 }
        }
        guard order.count == keys.count, Set(order).count == keys.count else { return nil }
        if orders.count >= 1_000 { orders.removeAll(keepingCapacity: true) }
        orders[keys] = order
        return order
    }
}

extension JSONArrayWriter {
    /// Appends `childJSON(id:fields:)` as an element: the same bytes as `append` of it,
    /// written directly (`JSONSerialization` only orders a set of field names it has not seen).
    func appendChild(id: RecordID, fields held: [ListedField], keyOrder: JSONKeyOrder) {
        guard let order = keyOrder.order(held.map(\.name)) else {
            append(childJSON(id: id, fields: held))
            return
        }
        // The element as JSONSerialization pretty-prints it, each line indented by two
        // more spaces for the array (an empty line stays empty).
        var text = "  {\n    \"conflicts\" : ["
        let conflicts = held.filter(\.inConflict)
        if conflicts.isEmpty {
            text.append("\n\n    ],\n")
        } else {
            for (index, field) in conflicts.enumerated() {
                text.append(index == 0 ? "\n      " : ",\n      ")
                JSONText.appendString(field.name, to: &text)
            }
            text.append("\n    ],\n")
        }
        text.append("    \"fields\" : {")
        if held.isEmpty {
            text.append("\n\n    },\n")
        } else {
            for (position, index) in order.enumerated() {
                text.append(position == 0 ? "\n      " : ",\n      ")
                JSONText.appendString(held[index].name, to: &text)
                text.append(" : ")
                JSONText.appendValue(held[index].value, to: &text)
            }
            text.append("\n    },\n")
        }
        text.append("    \"id\" : ")
        JSONText.appendString(id.description, to: &text)
        text.append(",\n    \"turns_18\" : ")
        let birth = held.first(where: { $0.name == "birth_date" })?.value ?? .null
        if let turns18 = Format.turns18(birthDate: birth) {
            JSONText.appendString(turns18.description, to: &text)
        } else {
            text.append("null")
        }
        text.append("\n  }")
        appendElement(text)
    }
}
