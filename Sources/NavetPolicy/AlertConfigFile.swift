import NavetCore

/// The alert configuration file (`navet alerts --config FILE`): a JSON object that overrides
/// some of `AlertThresholds`, read with the policy file's strict reader (a key given twice,
/// an unknown key, a number out of range are refused with the line and key).
///
///     {"navet_alerts": 1, "rejection_talk_days": 5, "turning_18_days": 120}
///
/// Every threshold is optional; what is left out keeps its default. The ranges let a region
/// bring an alert sooner than the method's figures, never later (`AlertThresholds.settings`).
public enum AlertConfigFile {
    /// The value of `"navet_alerts"` this Navet reads.
    public static let formatVersion = 1
    /// The largest file accepted, in bytes.
    public static let maxBytes = 64 << 10

    /// Why an alert configuration file was refused, and where.
    public struct Failure: Error, Hashable, Sendable {
        public enum Problem: Hashable, Sendable {
            /// A problem the policy file's reader also reports (syntax, not UTF-8, too large,
            /// unknown key, wrong type).
            case json(PolicyError.Problem)
            /// Valid JSON, but not an object with `"navet_alerts"`.
            case notAnAlertsFile
            case unsupportedVersion(found: String, supported: Int)
            /// A number with a fraction or exponent, or out of Int's range.
            case notWholeNumber(String)
            case outOfRange(found: String, range: ClosedRange<Int>)
        }

        public var problem: Problem
        public var position: TextPosition
        /// The key of the offending value (empty for the file as a whole).
        public var path: String

        public init(_ problem: Problem, at position: TextPosition, path: String = "") {
            self.problem = problem
            self.position = position
            self.path = path
        }
    }

    /// The keys a file may hold.
    public static var keys: [String] { ["navet_alerts"] + AlertThresholds.settings.map(\.name) }

    /// Parses a configuration file over `base` (the defaults).
    public static func parse(_ bytes: [UInt8], base: AlertThresholds = .defaults) throws(Failure) -> AlertThresholds {
        guard bytes.count <= maxBytes else {
            throw Failure(.json(.tooLarge(bytes: bytes.count, limit: maxBytes)), at: TextPosition(line: 1, column: 1))
        }
        let root: JSONNode
        do throws(PolicyError) {
            root = try JSONReader.read(bytes)
        } catch {
            throw Failure(.json(error.problem), at: error.position, path: error.path)
        }
        guard case .object(let members) = root.value, let marker = members.first(where: { $0.key == "navet_alerts" }) else {
            throw Failure(.notAnAlertsFile, at: root.position)
        }
        guard case .number(let version) = marker.value.value else {
            throw Failure(.json(.wrongType(expected: .number)), at: marker.value.position, path: "navet_alerts")
        }
        guard version == String(formatVersion) else {
            throw Failure(.unsupportedVersion(found: version, supported: formatVersion), at: marker.value.position,
                          path: "navet_alerts")
        }
        var thresholds = base
        for member in members where member.key != "navet_alerts" {
            guard let setting = AlertThresholds.settings.first(where: { $0.name == member.key }) else {
                throw Failure(.json(.unknownKey(member.key, allowed: keys)), at: member.keyPosition, path: member.key)
            }
            guard case .number(let text) = member.value.value else {
                throw Failure(.json(.wrongType(expected: .number)), at: member.value.position, path: member.key)
            }
            guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
                throw Failure(.notWholeNumber(text), at: member.value.position, path: member.key)
            }
            // A whole number beyond Int's range (2^63 and up) is simply outside the setting's range.
            guard let number = Int(text) else {
                throw Failure(.outOfRange(found: text, range: setting.range), at: member.value.position, path: member.key)
            }
            guard setting.range.contains(number) else {
                throw Failure(.outOfRange(found: text, range: setting.range), at: member.value.position, path: member.key)
            }
            thresholds[setting.name] = number
        }
        return thresholds
    }
}
