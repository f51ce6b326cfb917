import Foundation
import NavetCore

/// `--export-changes FILE`: the workload's changes as JSON lines, one change per line, in
/// upload order (replica by replica, seq ascending), for the CRDT engines in
/// Tools/bench/peers (README.md, "The change file"). Next to it, `FILE.navet.json` says
/// what Navet's signed upload bundles of the same changes take.
enum ChangeExport {
    static func write(_ generated: [(replica: ReplicaID, changes: [Change])], to path: String,
                      summary: [String: Any]) throws {
        var out = ""
        out.reserveCapacity(generated.count * (generated.first?.changes.count ?? 0) * 200)
        for (_, changes) in generated {
            for change in changes { line(change, into: &out) }
        }
        try Data(out.utf8).write(to: URL(fileURLWithPath: path))
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path + ".navet.json"))
    }

    static func line(_ change: Change, into out: inout String) {
        out += "{\"replica\":\"\(change.origin)\",\"seq\":\(change.seq),\"record\":\"\(change.recordID)\""
        out += ",\"type\":"
        string(change.recordType, into: &out)
        out += ",\"field\":"
        string(change.field, into: &out)
        out += ",\"version\":\(change.version),\"wall_time\":\(change.wallTime),\"replaces\":["
        for (index, stamp) in change.replaces.enumerated() {
            out += index > 0 ? "," : ""
            out += "{\"version\":\(stamp.version),\"origin\":\"\(stamp.origin)\"}"
        }
        out += "],\"value\":"
        switch change.value {
        case .null: out += "null"
        case .text(let text): string(text, into: &out)
        case .int(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        }
        out += ",\"tag\":"
        string(change.tag.rawValue, into: &out)
        out += "}\n"
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func string(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
