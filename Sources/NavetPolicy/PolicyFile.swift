import NavetCore

/// The policy file: a JSON text that `navetd policy load` stores and the server evaluates
/// (`AccessPolicy`). The format is specified in `Protocol/POLICY.md`; the default policy is
/// `PolicyFile.defaultText` (also `Protocol/policy/default.json`).
///
/// Parsing is strict, because a typo must never silently widen or narrow access: unknown
/// keys, a key given twice, unknown tags, roles, organisation kinds and fields, repeated
/// list entries and rule ids, `write` tags the rule does not read, `internal` in a rule,
/// and an empty `why` are all refused, each with its line and key path.
public enum PolicyFile {
    /// The value of `"navet_policy"` this Navet reads.
    public static let formatVersion = 1
    /// The largest policy file accepted, in bytes (the default is about 12 KiB).
    public static let maxBytes = 1 << 20
    /// Limits on texts, in characters.
    public static let maxLabel = 200
    public static let maxWhy = 4000
    public static let maxRuleID = 64

    /// The keys of the top-level object, in the order the format lists them.
    public static let topKeys = ["navet_policy", "label", "rules", "registrar", "hub_administrators", "consent_writers",
                                 "missing", "keep_child_name_for_own_notes", "purpose_required", "why"]
    public static let purposeKeys = ["tags", "why"]
    public static let ruleKeys = ["id", "kinds", "roles", "read", "write", "why"]
    public static let missingKeys = ["kinds", "fields", "why"]
    /// The record types whose fields the missing rule may name.
    public static let missingRecordTypes = ["child", "missing"]

    /// Parses and checks a policy file.
    /// - Throws: `PolicyError`, naming the line (and column, or key path) of the first problem.
    public static func parse(_ bytes: [UInt8]) throws(PolicyError) -> AccessPolicy {
        guard bytes.count <= maxBytes else {
            throw PolicyError(.tooLarge(bytes: bytes.count, limit: maxBytes), at: TextPosition(line: 1, column: 1))
        }
        let root = try JSONReader.read(bytes)
        guard case .object(let members) = root.value, members.contains(where: { $0.key == "navet_policy" }) else {
            throw PolicyError(.notAPolicyFile, at: root.position)
        }
        let top = Object(members: members, position: root.position, path: "")
        let marker = try top.required("navet_policy")
        guard case .number(let version) = marker.value else {
            throw PolicyError(.wrongType(expected: .number), at: marker.position, path: "navet_policy")
        }
        guard version == String(formatVersion) else {
            throw PolicyError(.unsupportedVersion(found: version, supported: formatVersion), at: marker.position,
                              path: "navet_policy")
        }
        try top.refuseUnknownKeys(topKeys)

        let label = try text(try top.required("label"), path: "label", limit: maxLabel, lineBreaks: false)

        let rulesNode = try top.required("rules")
        var rules: [AccessPolicy.RoleRule] = []
        var ruleIDs: [String: String] = [:]
        for (index, node) in try list(rulesNode, path: "rules").enumerated() {
            let path = "rules[\(index)]"
            let rule = try object(node, path: path)
            try rule.refuseUnknownKeys(ruleKeys)
            let idNode = try rule.required("id")
            let id = try text(idNode, path: path + ".id", limit: maxRuleID, lineBreaks: false)
            guard id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" })
            else { throw PolicyError(.badRuleID(id), at: idNode.position, path: path + ".id") }
            if let first = ruleIDs[id] {
                throw PolicyError(.duplicateRuleID(id, first: first), at: idNode.position, path: path + ".id")
            }
            ruleIDs[id] = path + ".id"
            var kinds: Set<String>?
            if let kindsNode = rule.optional("kinds") {
                kinds = Set(try codes(kindsNode, path: path + ".kinds", nonEmpty: true, parse: kind))
            }
            let roles = Set(try codes(try rule.required("roles"), path: path + ".roles", nonEmpty: true, parse: role))
            let readNode = try rule.required("read")
            let read = try codes(readNode, path: path + ".read", nonEmpty: true, parse: ruleTag)
            let writeNode = try rule.required("write")
            let write = try codes(writeNode, path: path + ".write", nonEmpty: false, parse: ruleTag)
            if case .array(let elements) = writeNode.value {
                for (position, tag) in zip(elements, write) where !read.contains(tag) {
                    throw PolicyError(.writeNotRead(tag), at: position.position,
                                      path: path + ".write[\(write.firstIndex(of: tag) ?? 0)]")
                }
            }
            let why = try text(try rule.required("why"), path: path + ".why", limit: maxWhy, lineBreaks: true)
            rules.append(AccessPolicy.RoleRule(id: id, kinds: kinds, roles: roles, read: Set(read), write: Set(write), why: why))
        }

        let registrarObject = try object(try top.required("registrar"), path: "registrar")
        var registrar: [String: HubRole] = [:]
        for member in registrarObject.members {
            let path = "registrar." + member.key
            guard OrganisationKind(rawValue: member.key) != nil else {
                throw PolicyError(.unknownKind(member.key), at: member.keyPosition, path: path)
            }
            let given = try role(member.value, path: path)
            guard rules.contains(where: { $0.roles.contains(given) && ($0.kinds?.contains(member.key) ?? true) }) else {
                throw PolicyError(.registrarRoleWithoutRule(kind: member.key, role: given), at: member.value.position, path: path)
            }
            registrar[member.key] = given
        }

        let hubAdministrators = Set(try codes(try top.required("hub_administrators"), path: "hub_administrators",
                                              nonEmpty: false, parse: role))
        let consentWriters = Set(try codes(try top.required("consent_writers"), path: "consent_writers", nonEmpty: false,
                                           parse: role))

        let missingObject = try object(try top.required("missing"), path: "missing")
        try missingObject.refuseUnknownKeys(missingKeys)
        let missingKinds = Set(try codes(try missingObject.required("kinds"), path: "missing.kinds", nonEmpty: true, parse: kind))
        let fields = Set(try codes(try missingObject.required("fields"), path: "missing.fields", nonEmpty: false, parse: field))
        let missingWhy = try text(try missingObject.required("why"), path: "missing.why", limit: maxWhy, lineBreaks: true)

        let keepNode = try top.required("keep_child_name_for_own_notes")
        guard case .bool(let keepName) = keepNode.value else {
            throw PolicyError(.wrongType(expected: .bool), at: keepNode.position, path: "keep_child_name_for_own_notes")
        }

        // Optional: the tags whose display on a replica needs a purpose (Protocol/POLICY.md).
        var purposeTags: Set<Tag> = []
        var purposeWhy: String?
        if let purposeNode = top.optional("purpose_required") {
            let purposeObject = try object(purposeNode, path: "purpose_required")
            try purposeObject.refuseUnknownKeys(purposeKeys)
            purposeTags = Set(try codes(try purposeObject.required("tags"), path: "purpose_required.tags", nonEmpty: false,
                                        parse: ruleTag))
            purposeWhy = try text(try purposeObject.required("why"), path: "purpose_required.why", limit: maxWhy, lineBreaks: true)
        }

        let whyObject = try object(try top.required("why"), path: "why")
        try whyObject.refuseUnknownKeys(AccessPolicy.whyKeys)
        var whys: [String: String] = [:]
        for key in AccessPolicy.whyKeys {
            whys[key] = try text(try whyObject.required(key), path: "why." + key, limit: maxWhy, lineBreaks: true)
        }

        return AccessPolicy(
            label: label, rules: rules, registrar: registrar, hubAdministrators: hubAdministrators,
            consentWriters: consentWriters, missing: AccessPolicy.MissingRule(kinds: missingKinds, fields: fields, why: missingWhy),
            keepChildNameForOwnNotes: keepName, why: whys, purposeTags: purposeTags, purposeWhy: purposeWhy)
    }

    // MARK: Pieces

    /// An object of the file, with its path for errors.
    struct Object {
        let members: [JSONNode.Member]
        let position: TextPosition
        let path: String

        func optional(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }

        func required(_ key: String) throws(PolicyError) -> JSONNode {
            guard let node = optional(key) else { throw PolicyError(.missingKey(key), at: position, path: path) }
            return node
        }

        /// Refuses the first key (in the order written) that `allowed` does not hold.
        func refuseUnknownKeys(_ allowed: [String]) throws(PolicyError) {
            for member in members where !allowed.contains(member.key) {
                throw PolicyError(.unknownKey(member.key, allowed: allowed), at: member.keyPosition,
                                  path: path.isEmpty ? member.key : path + "." + member.key)
            }
        }
    }

    static func object(_ node: JSONNode, path: String) throws(PolicyError) -> Object {
        guard case .object(let members) = node.value else {
            throw PolicyError(.wrongType(expected: .object), at: node.position, path: path)
        }
        return Object(members: members, position: node.position, path: path)
    }

    static func list(_ node: JSONNode, path: String) throws(PolicyError) -> [JSONNode] {
        guard case .array(let elements) = node.value else {
            throw PolicyError(.wrongType(expected: .list), at: node.position, path: path)
        }
        return elements
    }

    /// A text: not empty (spaces aside), at most `limit` characters, and no control
    /// characters but (with `lineBreaks`) line feeds and tabs.
    static func text(_ node: JSONNode, path: String, limit: Int, lineBreaks: Bool) throws(PolicyError) -> String {
        guard case .string(let raw) = node.value else {
            throw PolicyError(.wrongType(expected: .text), at: node.position, path: path)
        }
        let value = TextRules.nfc(raw)
        if value.allSatisfy(\.isWhitespace) { throw PolicyError(.emptyText, at: node.position, path: path) }
        if value.count > limit { throw PolicyError(.textTooLong(limit: limit), at: node.position, path: path) }
        if let control = TextRules.firstControl(in: value, allowing: lineBreaks ? ["\n", "\t"] : []) {
            throw PolicyError(.controlCharacter(control.value), at: node.position, path: path)
        }
        // A one-line text (a label) also refuses what the CLI refuses in names: invisible
        // format characters such as a right-to-left override, which would disguise it.
        if !lineBreaks, let hidden = TextRules.firstForbiddenInLine(value) {
            throw PolicyError(.controlCharacter(hidden.value), at: node.position, path: path)
        }
        return value
    }

    /// A list of codes, each parsed by `parse`, none repeated.
    static func codes<T: Hashable>(_ node: JSONNode, path: String, nonEmpty: Bool,
                                   parse: (JSONNode, String) throws(PolicyError) -> T) throws(PolicyError) -> [T] {
        let elements = try list(node, path: path)
        if nonEmpty, elements.isEmpty { throw PolicyError(.emptyList, at: node.position, path: path) }
        var result: [T] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path)[\(index)]"
            let value = try parse(element, elementPath)
            if result.contains(value) {
                guard case .string(let written) = element.value else { continue }
                throw PolicyError(.repeated(written), at: element.position, path: elementPath)
            }
            result.append(value)
        }
        return result
    }

    static func code(_ node: JSONNode, path: String) throws(PolicyError) -> String {
        guard case .string(let text) = node.value else {
            throw PolicyError(.wrongType(expected: .text), at: node.position, path: path)
        }
        return text
    }

    static func ruleTag(_ node: JSONNode, path: String) throws(PolicyError) -> Tag {
        let text = try code(node, path: path)
        guard let tag = Tag(rawValue: text) else { throw PolicyError(.unknownTag(text), at: node.position, path: path) }
        if tag == .internal { throw PolicyError(.internalInRule, at: node.position, path: path) }
        return tag
    }

    static func role(_ node: JSONNode, path: String) throws(PolicyError) -> HubRole {
        let text = try code(node, path: path)
        guard let role = HubRole(rawValue: text) else { throw PolicyError(.unknownRole(text), at: node.position, path: path) }
        return role
    }

    static func kind(_ node: JSONNode, path: String) throws(PolicyError) -> String {
        let text = try code(node, path: path)
        guard OrganisationKind(rawValue: text) != nil else {
            throw PolicyError(.unknownKind(text), at: node.position, path: path)
        }
        return text
    }

    static func field(_ node: JSONNode, path: String) throws(PolicyError) -> FieldRef {
        let text = try code(node, path: path)
        guard let field = FieldRef(text) else { throw PolicyError(.unknownField(text), at: node.position, path: path) }
        guard missingRecordTypes.contains(field.recordType) else {
            throw PolicyError(.fieldNotForMissing(text), at: node.position, path: path)
        }
        return field
    }
}

extension PolicyFile {
    /// The default policy, parsed. The text is checked by the tests, so it always parses.
    public static let defaultPolicy: AccessPolicy = {
        do throws(PolicyError) {
            return try parse(Array(defaultText.utf8))
        } catch {
            preconditionFailure("the embedded default policy does not parse: \(error)")
        }
    }()
}
