/// The value of one field. Dates and references are text in a validated shape.
public enum FieldValue: Hashable, Sendable {
    /// No value: the field was cleared (or never set).
    case null
    case text(String)
    case int(Int64)
    case bool(Bool)

    /// Text for people and for `--json`; nil for `.null`.
    public var displayText: String? {
        switch self {
        case .null: return nil
        case .text(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "yes" : "no"
        }
    }

    public var isNull: Bool { self == .null }
}
