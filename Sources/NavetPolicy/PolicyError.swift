import NavetCore

/// Why a policy file was refused: what is wrong, and where (the line and column where the
/// offending value starts, and its key path such as `rules[2].read[1]`). The words for
/// people, in English and Swedish, are in NavetCommands (`PolicyStrings`); `description`
/// is a plain English form for logs and tests.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is; line and column count from 1.
    public var position: TextPosition
    /// The key path of the offending value: keys joined by `.`, list positions in brackets
    /// counted from 0 (`rules[2].read[1]`, as jq writes them). Empty for the file as a
    /// whole and for syntax errors.
    public var path: String
    public var problem: Problem

    public init(_ problem: Problem, at position: TextPosition, path: String = "") {
        self.problem = problem
        self.position = position
        self.path = path
    }

    /// What is wrong with the JSON text itself.
    public enum Syntax: Hashable, Sendable {
        /// The file holds nothing but whitespace.
        case empty
        /// The file ends inside an object, list or value.
        case unexpectedEnd
        /// Something other than a value where a value must be (the text found, if any).
        case expectedValue(String?)
        /// An object member must start with a key in double quotes.
        case expectedKey(String?)
        case expectedColon(String?)
        /// After a member or element: `,` or the closing `}` / `]`.
        case expectedCommaOrEnd(closing: String, found: String?)
        /// A `,` right before `}` or `]`.
        case trailingComma
        /// The same key twice in one object (where the first was).
        case repeatedKey(String, first: TextPosition)
        case unterminatedString
        /// A raw control character (a line break, a tab) inside a string.
        case controlInString
        /// A `\` escape JSON does not know, or a broken `\u` escape.
        case badEscape
        case badNumber
        /// More text after the one top-level value.
        case trailingText(String?)
        case tooDeep(limit: Int)
    }

    /// The JSON types, as the messages name them.
    public enum ValueType: String, Hashable, Sendable {
        case object, list, text, number, bool
    }

    public enum Problem: Hashable, Sendable {
        /// Larger than `PolicyFile.maxBytes`.
        case tooLarge(bytes: Int, limit: Int)
        /// Not UTF-8 text (the position is the first bad byte).
        case notUTF8
        case syntax(Syntax)
        /// Valid JSON, but not an object with `"navet_policy"`: another kind of file.
        case notAPolicyFile
        /// `navet_policy` names a format version this Navet does not read.
        case unsupportedVersion(found: String, supported: Int)
        /// A key the format does not have (the keys it has there).
        case unknownKey(String, allowed: [String])
        /// A required key is missing from the object at `path`.
        case missingKey(String)
        case wrongType(expected: ValueType)
        /// Not a confidentiality tag (`Tag.vocabulary`).
        case unknownTag(String)
        /// Not a hub role (`HubRole`).
        case unknownRole(String)
        /// Not an organisation kind (`OrganisationKind`).
        case unknownKind(String)
        /// Not written `record_type.field`, or no such field in the schema.
        case unknownField(String)
        /// A field of another record type than `child` or `missing` in the missing rule.
        case fieldNotForMissing(String)
        /// The same value twice in one list.
        case repeated(String)
        /// A rule id used by an earlier rule (its path).
        case duplicateRuleID(String, first: String)
        /// A rule id that is not 1–64 lowercase letters, digits, `_` or `-`.
        case badRuleID(String)
        /// A tag in `write` that is not in the same rule's `read`.
        case writeNotRead(Tag)
        /// `internal` in a rule: it never leaves its organisation, whatever the policy.
        case internalInRule
        /// An empty text where one is required (`why`, `label`).
        case emptyText
        /// A text longer than the limit, in characters.
        case textTooLong(limit: Int)
        /// A control character in a one-line text (`label`), or one other than a line
        /// break or tab in a `why`.
        case controlCharacter(UInt32)
        /// An empty list where a rule needs at least one entry (`roles`, `read`, `kinds`).
        case emptyList
        /// `registrar` gives an organisation kind a role that no rule gives to that kind: a
        /// registering organisation would hold the role's powers (hub administrator,
        /// consent writer) without a rule saying what it reads. Usually a typo.
        case registrarRoleWithoutRule(kind: String, role: HubRole)
    }

    public var description: String {
        let place = path.isEmpty ? "line \(position.line), column \(position.column)" : "line \(position.line): \(path)"
        return "\(place): \(problem)"
    }
}
