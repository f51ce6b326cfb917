import Foundation
import NavetCore
@testable import NavetPolicy
import Testing

/// The policy file (Protocol/POLICY.md): the default parses and matches its published
/// copy, and every kind of bad file is refused with its line and key path.
@Suite struct PolicyFileTests {
    static let defaultText = PolicyFile.defaultText

    /// The default text with `old` (which must occur exactly once) replaced by `new`.
    static func mutated(_ old: String, _ new: String) -> String {
        let parts = defaultText.components(separatedBy: old)
        precondition(parts.count == 2, "\(old) occurs \(parts.count - 1) times")
        return parts.joined(separator: new)
    }

    static func error(_ text: String) -> PolicyError? {
        error(Array(text.utf8))
    }

    static func error(_ bytes: [UInt8]) -> PolicyError? {
        do throws(PolicyError) {
            _ = try PolicyFile.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDefaultParsesAndIsTheFileInProtocol() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocol/policy/default.json")
        let published = try Data(contentsOf: url)
        #expect(Array(published) == Array(Self.defaultText.utf8), "Protocol/policy/default.json and DefaultPolicy.swift differ")
        let policy = try PolicyFile.parse(Array(published))
        #expect(policy == PolicyFile.defaultPolicy)
        #expect(policy.label == "default 2026-11")
        #expect(policy.rules.map(\.id) == ["social_secretary", "guardian", "contact_person", "school_mentor", "health",
                                           "migration_officer", "police", "volunteer"])
        #expect(Set(policy.why.keys) == Set(AccessPolicy.whyKeys))
        // Foundation agrees that it is JSON.
        #expect(try JSONSerialization.jsonObject(with: published) is [String: Any])
    }

    /// The default follows Protocol/TAGS.md: the police's own tag goes to the police only,
    /// no rule names `internal`, every writer reads what it writes, volunteers do not register.
    @Test func theDefaultKeepsItsPromises() {
        let policy = PolicyFile.defaultPolicy
        for rule in policy.rules {
            #expect(!rule.read.contains(.internal) && !rule.write.contains(.internal))
            #expect(rule.write.isSubset(of: rule.read))
            #expect(!rule.why.isEmpty)
            if rule.read.contains(.police) { #expect(rule.kinds == ["police"] && rule.roles == [.police]) }
            #expect(rule.kinds != nil, "every default rule names the kinds that hold its roles")
        }
        #expect(policy.registrar["volunteer"] == nil)
        #expect(policy.missing.kinds == ["police"])
        #expect(policy.missing.fields.map(\.description).sorted() == [
            "child.birth_date", "child.name", "child.search_description", "missing.contact_phone", "missing.discovered_at", "missing.discovered_by",
            "missing.found_at", "missing.found_by", "missing.found_place", "missing.last_seen_at", "missing.last_seen_place",
            "missing.police_notified_at", "missing.police_reference", "missing.reported_by", "missing.risk",
        ])
        #expect(policy.hubAdministrators == [.socialSecretary, .guardian])
        #expect(policy.consentWriters == [.socialSecretary, .guardian])
    }

    /// What each organisation kind reads and writes of a child it registered, by the
    /// default policy: one row per kind (Protocol/TAGS.md, "Who sees what by default").
    @Test(arguments: [
        ("social_services", "basic,school,case,search,asylum,protected", "basic,case,search,asylum,protected"),
        ("guardian", "basic,school,case,search,asylum,health,protected", "basic,case,search,asylum,health"),
        ("residential_home", "basic,school,case,search,protected", "basic,case,search"),
        ("foster_family", "basic,school,case,search,protected", "basic,case,search"),
        ("school", "basic,school", "school"),
        ("health", "basic,health", "health"),
        ("migration_agency", "basic,asylum", "asylum"),
        ("police", "basic,search,police", "search,police"),
        ("volunteer", "", ""),
        ("county_board", "", ""),
    ])
    func registrarGrants(kind: String, read: String, write: String) {
        let facts = ChildFacts(child: RecordID(rawValue: 7), registrar: "Org")
        let grant = PolicyFile.defaultPolicy.grant(for: PolicyOrganisation(name: "Org", kind: kind), facts: facts,
                                                   today: CalendarDate(year: 2026, month: 11, day: 30)!)
        #expect(Tag.listText(grant.read.keys) == Tag.listText(read.split(separator: ",").compactMap { Tag(rawValue: String($0)) }))
        #expect(Tag.listText(grant.write) == Tag.listText(write.split(separator: ",").compactMap { Tag(rawValue: String($0)) }))
    }

    /// A volunteer organisation that is a member (added by social services) reads basic only.
    @Test func aVolunteerMemberReadsBasicOnly() {
        let today = CalendarDate(year: 2026, month: 11, day: 30)!
        let facts = ChildFacts(child: RecordID(rawValue: 7), registrar: "Soc", memberships: [
            .init(record: RecordID(rawValue: 9), organisation: "Röda Korset", role: .volunteer, start: nil, end: nil),
        ])
        let grant = PolicyFile.defaultPolicy.grant(for: PolicyOrganisation(name: "Röda Korset", kind: "volunteer"),
                                                   facts: facts, today: today)
        #expect(Set(grant.read.keys) == [.basic])
        #expect(grant.write.isEmpty)
        // The same role held by an organisation of another kind gives nothing, not even a
        // place in the hub: rules name kinds.
        let other = PolicyFile.defaultPolicy.grant(for: PolicyOrganisation(name: "Röda Korset", kind: "school"),
                                                   facts: facts, today: today)
        #expect(other.read.isEmpty && !other.inHub)
    }

    // MARK: - Every kind of error, with its place

    /// (mutation of the default or a whole text, the problem, line, path).
    static let semanticCases: [(String, String, PolicyError.Problem, Int, String)] = [
        ("\"read\": [\"basic\", \"school\", \"case\", \"search\", \"asylum\", \"health\", \"protected\"]",
         "\"read\": [\"basic\", \"school\", \"case\", \"search\", \"asylum\", \"helth\", \"protected\"]",
         .unknownTag("helth"), 17, "rules[1].read[5]"),
        ("\"roles\": [\"guardian\"]", "\"roles\": [\"godman\"]", .unknownRole("godman"), 16, "rules[1].roles[0]"),
        ("\"kinds\": [\"school\"]", "\"kinds\": [\"skola\"]", .unknownKind("skola"), 31, "rules[3].kinds[0]"),
        ("\"kinds\": [\"school\"]", "\"kinds\": []", .emptyList, 31, "rules[3].kinds"),
        ("\"roles\": [\"school_mentor\"]", "\"roles\": []", .emptyList, 32, "rules[3].roles"),
        ("\"read\": [\"basic\", \"school\"]", "\"read\": []", .emptyList, 33, "rules[3].read"),
        ("\"write\": [\"school\"]", "\"write\": [\"school\", \"health\"]", .writeNotRead(.health), 34, "rules[3].write[1]"),
        ("\"write\": [\"school\"]", "\"write\": [\"school\", \"school\"]", .repeated("school"), 34, "rules[3].write[1]"),
        ("\"write\": [\"school\"]", "\"write\": [\"internal\"]", .internalInRule, 34, "rules[3].write[0]"),
        ("\"read\": [\"basic\", \"school\"]", "\"read\": [\"basic\", \"internal\"]", .internalInRule, 33, "rules[3].read[1]"),
        ("\"id\": \"health\"", "\"id\": \"guardian\"", .duplicateRuleID("guardian", first: "rules[1].id"), 38, "rules[4].id"),
        ("\"id\": \"health\"", "\"id\": \"Health care\"", .badRuleID("Health care"), 38, "rules[4].id"),
        ("\"id\": \"health\"", "\"id\": \"\"", .emptyText, 38, "rules[4].id"),
        ("\"id\": \"health\",", "\"id\": \"health\", \"reads\": [],", .unknownKey("reads", allowed: PolicyFile.ruleKeys),
         38, "rules[4].reads"),
        ("\"id\": \"health\",", "", .missingKey("id"), 37, "rules[4]"),
        ("\"write\": [\"asylum\"],", "\"write\": \"asylum\",", .wrongType(expected: .list), 50, "rules[5].write"),
        ("\"school\": \"school_mentor\",", "\"school\": \"mentor\",", .unknownRole("mentor"), 75, "registrar.school"),
        ("\"school\": \"school_mentor\",", "\"skola\": \"school_mentor\",", .unknownKind("skola"), 75, "registrar.skola"),
        ("\"school\": \"school_mentor\",", "\"school\": \"social_secretary\",",
         .registrarRoleWithoutRule(kind: "school", role: .socialSecretary), 75, "registrar.school"),
        ("\"police\": \"police\"\n", "\"police\": \"police\", \"volunteer\": \"guardian\"\n",
         .registrarRoleWithoutRule(kind: "volunteer", role: .guardian), 78, "registrar.volunteer"),
        ("\"hub_administrators\": [\"social_secretary\", \"guardian\"]", "\"hub_administrators\": [\"social_secretary\", 3]",
         .wrongType(expected: .text), 80, "hub_administrators[1]"),
        ("\"consent_writers\": [\"social_secretary\", \"guardian\"]", "\"consent_writers\": [\"guardian\", \"guardian\"]",
         .repeated("guardian"), 81, "consent_writers[1]"),
        ("\"kinds\": [\"police\"],\n    \"fields\"", "\"kinds\": [\"polis\"],\n    \"fields\"", .unknownKind("polis"), 83,
         "missing.kinds[0]"),
        ("\"child.name\", ", "\"child.nam\", ", .unknownField("child.nam"), 84, "missing.fields[0]"),
        ("\"child.name\", ", "\"name\", ", .unknownField("name"), 84, "missing.fields[0]"),
        ("\"child.name\", ", "\"note.text\", ", .fieldNotForMissing("note.text"), 84, "missing.fields[0]"),
        ("\"keep_child_name_for_own_notes\": true", "\"keep_child_name_for_own_notes\": \"yes\"", .wrongType(expected: .bool),
         87, "keep_child_name_for_own_notes"),
        ("\"keep_child_name_for_own_notes\": true", "\"keep_child_names_for_own_notes\": true",
         .unknownKey("keep_child_names_for_own_notes", allowed: PolicyFile.topKeys), 87, "keep_child_names_for_own_notes"),
        ("\"label\": \"default 2026-11\"", "\"label\": \"  \"", .emptyText, 3, "label"),
        ("\"label\": \"default 2026-11\"", "\"label\": \"a\\u0007b\"", .controlCharacter(7), 3, "label"),
        ("\"label\": \"default 2026-11\"", "\"label\": \"a\\u202Eb\"", .controlCharacter(0x202E), 3, "label"),
        ("\"missing\": {\n    \"kinds\": [\"police\"]", "\"missing\": {\n    \"kinds\": []", .emptyList, 83, "missing.kinds"),
        ("\"label\": \"default 2026-11\"", "\"label\": \"" + String(repeating: "x", count: 201) + "\"",
         .textTooLong(limit: 200), 3, "label"),
        ("\"label\": \"default 2026-11\",\n", "", .missingKey("label"), 1, ""),
        ("\"navet_policy\": 1", "\"navet_policy\": 2", .unsupportedVersion(found: "2", supported: 1), 2, "navet_policy"),
        ("\"navet_policy\": 1", "\"navet_policy\": \"1\"", .wrongType(expected: .number), 2, "navet_policy"),
        ("\"rules\": [", "\"rules\": {\"x\": [", .wrongType(expected: .list), 4, "rules"),
        ("\"missing\": {", "\"missing\": [{", .wrongType(expected: .object), 82, "missing"),
        ("\"internal\": \"", "\"intern\": \"", .unknownKey("intern", allowed: AccessPolicy.whyKeys), 95, "why.intern"),
    ]

    @Test(arguments: semanticCases.indices)
    func semanticErrorsNameTheirPlace(_ index: Int) {
        let (old, new, problem, line, path) = Self.semanticCases[index]
        var text = Self.mutated(old, new)
        // Keep brackets balanced for the two cases that change a container's type.
        if new.hasSuffix("{\"x\": [") { text = text.replacingOccurrences(of: "  ],\n  \"registrar\"", with: "  ]},\n  \"registrar\"") }
        if new.hasSuffix("[{") { text = text.replacingOccurrences(of: "  },\n  \"keep_child", with: "  }],\n  \"keep_child") }
        let error = Self.error(text)
        #expect(error?.problem == problem, "case \(index)")
        #expect(error?.position.line == line, "case \(index)")
        #expect(error?.path == path, "case \(index)")
    }

    @Test func emptyWhysNameTheirKey() {
        let rule = Self.error(Self.mutated("\"why\": \"Health care and child psychiatry", "\"why\": \"\", \"_\": \""))
        #expect(rule?.path == "rules[4]._")  // the stray key is found first…
        for (old, new, path, line) in [
            ("Health care and child psychiatry (BUP) need", "", "rules[4].why", 43),
            ("While a child is missing, the police of this region", "", "missing.why", 85),
            ("When an organisation's access ends (membership", "", "why.end", 94),
        ] {
            // …and with the text emptied, the empty why itself.
            let start = Self.defaultText.range(of: old)!
            let quoteEnd = Self.defaultText[start.upperBound...].firstIndex(of: "\"")!
            var text = Self.defaultText
            text.replaceSubrange(start.lowerBound..<quoteEnd, with: new)
            let error = Self.error(text)
            #expect(error?.problem == .emptyText, "\(path)")
            #expect(error?.path == path)
            #expect(error?.position.line == line)
        }
        // A misspelt key among the fixed whys.
        let misspelt = Self.error(Self.mutated("\"internal\": \"Internal", "\"internal_\": \"Internal"))
        #expect(misspelt?.problem == .unknownKey("internal_", allowed: AccessPolicy.whyKeys))
        #expect(misspelt?.path == "why.internal_")
    }

    @Test func everyFixedWhyIsRequired() {
        let start = Self.defaultText.range(of: "    \"protected\": \"A child")!
        let end = Self.defaultText[start.lowerBound...].range(of: "\n")!
        var text = Self.defaultText
        text.removeSubrange(start.lowerBound...end.lowerBound)
        let error = Self.error(text)
        #expect(error?.problem == .missingKey("protected"))
        #expect(error?.path == "why")
        #expect(error?.position.line == 88)
    }

    /// (text, the syntax problem, line, column).
    static let syntaxCases: [(String, PolicyError.Problem, Int, Int)] = [
        ("", .syntax(.empty), 1, 1),
        ("  \n ", .syntax(.empty), 2, 2),
        ("{\"navet_policy\": 1,\n \"label\": \"x\"", .syntax(.unexpectedEnd), 2, 14),
        ("{\"navet_policy\": 1,\n \"label\": }", .syntax(.expectedValue("}")), 2, 11),
        ("{\"navet_policy\": 1,\n \"label\": True}", .syntax(.expectedValue("True")), 2, 11),
        ("{\"navet_policy\": 1,\n \"label\": tru}", .syntax(.expectedValue("tru")), 2, 11),
        ("{\"navet_policy\": 1,\n label: 1}", .syntax(.expectedKey("label")), 2, 2),
        ("{\"navet_policy\" 1}", .syntax(.expectedColon("1")), 1, 17),
        ("{\"navet_policy\": 1 \"label\": 2}", .syntax(.expectedCommaOrEnd(closing: "}", found: "\"")), 1, 20),
        ("{\"navet_policy\": 1, \"rules\": [1 2]}", .syntax(.expectedCommaOrEnd(closing: "]", found: "2")), 1, 33),
        ("{\"navet_policy\": 1,\n}", .syntax(.trailingComma), 2, 1),
        ("{\"navet_policy\": 1, \"rules\": [1,]}", .syntax(.trailingComma), 1, 33),
        ("{\"navet_policy\": 1,\n \"label\": \"a\",\n \"label\": \"b\"}", .syntax(.repeatedKey("label", first: TextPosition(line: 2, column: 2))), 3, 2),
        ("{\"navet_policy\": 1, \"label\": \"abc", .syntax(.unterminatedString), 1, 30),
        ("{\"navet_policy\": 1, \"label\": \"a\nb\"}", .syntax(.controlInString), 1, 32),
        ("{\"navet_policy\": 1, \"label\": \"a\\qb\"}", .syntax(.badEscape), 1, 32),
        ("{\"navet_policy\": 1, \"label\": \"a\\u12\"}", .syntax(.badEscape), 1, 32),
        ("{\"navet_policy\": 1, \"label\": \"\\ud800x\"}", .syntax(.badEscape), 1, 31),
        ("{\"navet_policy\": 01}", .syntax(.badNumber), 1, 18),
        ("{\"navet_policy\": 1.}", .syntax(.badNumber), 1, 18),
        ("{\"navet_policy\": -}", .syntax(.badNumber), 1, 18),
        ("{\"navet_policy\": 1}\n{}", .syntax(.trailingText("{")), 2, 1),
        ("{\"navet_policy\": 1} // comment", .syntax(.trailingText("/")), 1, 21),
        ("{\"navet_policy\": 1, \"x\": " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
         .syntax(.tooDeep(limit: 32)), 1, 57),
        // Columns count characters, not bytes.
        ("{\"navet_policy\": 1, \"åäö\": 1 2}", .syntax(.expectedCommaOrEnd(closing: "}", found: "2")), 1, 30),
        ("[]", .notAPolicyFile, 1, 1),
        ("{\"name\": \"navet\", \"version\": 1}", .notAPolicyFile, 1, 1),
        ("\n\n  \"navet_policy\"", .notAPolicyFile, 3, 3),
        ("{\"navet_policy\": 1, \"rulez\": []}", .unknownKey("rulez", allowed: PolicyFile.topKeys), 1, 21),
    ]

    @Test(arguments: syntaxCases.indices)
    func syntaxErrorsNameLineAndColumn(_ index: Int) {
        let (text, problem, line, column) = Self.syntaxCases[index]
        let error = Self.error(text)
        #expect(error?.problem == problem, "case \(index): \(String(describing: error))")
        #expect(error?.position == TextPosition(line: line, column: column), "case \(index)")
    }

    @Test func bytesThatAreNotUTF8AreRefusedWithTheirPlace() {
        var bytes = Array("{\"navet_policy\": 1,\n \"label\": \"Socialtj".utf8)
        bytes += [0xE4, 0x6E, 0x73, 0x74, 0x22, 0x7D]  // Latin-1 "ä"
        #expect(Self.error(bytes) == PolicyError(.notUTF8, at: TextPosition(line: 2, column: 20)))
        // An overlong encoding and a surrogate are not UTF-8 either.
        #expect(Self.error([0x7B, 0xC0, 0xAF])?.problem == .notUTF8)
        #expect(Self.error([0x7B, 0xED, 0xA0, 0x80])?.problem == .notUTF8)
        #expect(Self.error([0x7B, 0xE4])?.problem == .notUTF8)
    }

    @Test func aByteOrderMarkAndCRLFAreAccepted() throws {
        let text = Self.defaultText.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try PolicyFile.parse([0xEF, 0xBB, 0xBF] + Array(text.utf8)) == PolicyFile.defaultPolicy)
    }

    @Test func aFileLargerThanTheLimitIsRefusedUnread() {
        let bytes = [UInt8](repeating: 0x20, count: PolicyFile.maxBytes + 1)
        #expect(Self.error(bytes)?.problem == .tooLarge(bytes: PolicyFile.maxBytes + 1, limit: PolicyFile.maxBytes))
    }

    @Test func escapesAndKindlessRulesParse() throws {
        var text = Self.mutated("\"label\": \"default 2026-11\"", "\"label\": \"Kontor \\u00d6st \\ud83d\\ude00 \\\"x\\\"\"")
        text = text.replacingOccurrences(of: "      \"kinds\": [\"volunteer\"],\n", with: "")
        let policy = try PolicyFile.parse(Array(text.utf8))
        #expect(policy.label == "Kontor Öst 😀 \"x\"")
        #expect(policy.rules.last?.kinds == nil)
        // A why may hold line breaks written as \n.
        let multi = Self.mutated("\"why\": \"Health care and", "\"why\": \"Line one.\\nHealth care and")
        #expect(try PolicyFile.parse(Array(multi.utf8)).rules[4].why.hasPrefix("Line one.\nHealth"))
    }

    @Test func theMessageFormNamesLineAndPath() {
        let error = Self.error(Self.mutated("\"asylum\", \"health\", \"protected\"]", "\"asylum\", \"helth\", \"protected\"]"))
        #expect(error?.description == "line 17: rules[1].read[5]: unknownTag(\"helth\")")
    }
}

extension PolicyError.Problem {
    var isUnknownKey: Bool { if case .unknownKey = self { true } else { false } }
}
