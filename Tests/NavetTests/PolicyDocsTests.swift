import Foundation
@testable import NavetCommands
import NavetCore
import NavetPolicy
import Testing

/// Protocol/TAGS.md and Protocol/POLICY.md stay true to the code: every field's default
/// tag, every note kind's floor, every role's default reads and writes, and the full
/// example in POLICY.md parses.
@Suite struct PolicyDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Table rows whose first cell is a code in backticks, as arrays of cells.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    static func code(_ cell: String) -> String { cell.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }

    @Test func everyFieldsDefaultTagIsDocumented() throws {
        let documented = Self.rows(try Self.read("Protocol/TAGS.md")).filter { $0.count == 3 }
            .map { "\(Self.code($0[0])).\(Self.code($0[1]))=\(Self.code($0[2]))" }
        let schema = Schema.current.recordTypes.flatMap { type in
            type.fields.map { "\(type.name).\($0.name)=\($0.defaultTag.rawValue)" }
        }
        #expect(documented == schema)
    }

    @Test func everyTagAndNoteFloorIsDocumented() throws {
        let rows = Self.rows(try Self.read("Protocol/TAGS.md"))
        let tags = rows.filter { $0.count == 5 }.map { Self.code($0[0]) }
        #expect(tags == Tag.vocabulary.map(\.rawValue))
        let floors = rows.filter { $0.count == 4 }.map { "\(Self.code($0[0]))=\(Self.code($0[2]))" }
        #expect(floors == Schema.noteKinds.map { "\($0)=\(NoteRules.floor(kind: $0).rawValue)" })
    }

    @Test func everyRoleMatchesTheDefaultPolicy() throws {
        let roles = Self.rows(try Self.read("Protocol/TAGS.md")).filter { $0.count == 6 }
        #expect(roles.map { Self.code($0[0]) } == HubRole.allCases.map(\.rawValue))
        let policy = PolicyFile.defaultPolicy
        for row in roles {
            guard let role = HubRole(rawValue: Self.code(row[0])) else { continue }
            let rules = policy.rules.filter { $0.roles.contains(role) }
            let read = Set(rules.flatMap(\.read)), write = Set(rules.flatMap(\.write))
            #expect(row[3] == read.sorted().map(\.rawValue).joined(separator: ", "), "\(role)")
            #expect(write.isEmpty ? row[4].hasPrefix("nothing") : row[4] == write.sorted().map(\.rawValue).joined(separator: ", "),
                    "\(role)")
            let registers = policy.registrar.filter { $0.value == role }.keys.sorted()
            #expect(registers.isEmpty ? row[5] == "may not register"
                                      : Set(row[5].split(separator: ",").map { Self.code($0.trimmingCharacters(in: .whitespaces)) }) == Set(registers),
                    "\(role)")
        }
    }

    @Test func theFullExampleInPolicyMDParses() throws {
        let text = try Self.read("Protocol/POLICY.md")
        guard let start = text.range(of: "```json\n"), let end = text[start.upperBound...].range(of: "```") else {
            Issue.record("no JSON example in POLICY.md")
            return
        }
        let policy = try PolicyFile.parse(Array(text[start.upperBound..<end.lowerBound].utf8))
        #expect(policy.label == "Region Norr 2026-12")
        #expect(policy.registrar["volunteer"] == .volunteer)
        #expect(!policy.keepChildNameForOwnNotes)
    }
}

/// Every kind of policy error has words in both languages, with every placeholder filled.
@Suite struct PolicyMessageTests {
    static let problems: [PolicyError.Problem] = [
        .tooLarge(bytes: 2_000_000, limit: PolicyFile.maxBytes), .notUTF8,
        .syntax(.empty), .syntax(.unexpectedEnd), .syntax(.expectedValue("}")), .syntax(.expectedValue(nil)),
        .syntax(.expectedKey("label")), .syntax(.expectedColon("1")), .syntax(.expectedCommaOrEnd(closing: "]", found: "2")),
        .syntax(.trailingComma), .syntax(.repeatedKey("why", first: TextPosition(line: 3, column: 5))),
        .syntax(.unterminatedString), .syntax(.controlInString), .syntax(.badEscape), .syntax(.badNumber),
        .syntax(.trailingText("{")), .syntax(.tooDeep(limit: 32)),
        .notAPolicyFile, .unsupportedVersion(found: "2", supported: 1), .unknownKey("reads", allowed: PolicyFile.ruleKeys),
        .missingKey("why"), .wrongType(expected: .object), .wrongType(expected: .list), .wrongType(expected: .text),
        .wrongType(expected: .number), .wrongType(expected: .bool), .unknownTag("helth"), .unknownRole("godman"),
        .unknownKind("skola"), .unknownField("child.nam"), .fieldNotForMissing("note.text"), .repeated("school"),
        .duplicateRuleID("guardian", first: "rules[1].id"), .badRuleID("Health care"), .writeNotRead(.health),
        .internalInRule, .emptyText, .textTooLong(limit: 200), .controlCharacter(7), .emptyList,
        .registrarRoleWithoutRule(kind: "school", role: .socialSecretary),
    ]

    @Test(arguments: problems.indices)
    func bothLanguages(_ index: Int) {
        let error = PolicyError(Self.problems[index], at: TextPosition(line: 4, column: 9), path: index % 2 == 0 ? "" : "rules[2].why")
        var texts: [String] = []
        for language in [Language.english, .swedish] {
            let context = Context(program: "navetd", strings: Strings(language), json: false, databasePath: "",
                                  console: Console(capture: true), now: 0)
            let text = context.describe(error, file: "office.json")
            #expect(!text.contains("{0") && !text.contains("{1") && !text.contains("{2"), "\(text)")
            #expect(text.hasPrefix(language == .english ? "office.json, line 4" : "office.json, rad 4"))
            texts.append(text)
        }
        #expect(texts[0] != texts[1], "\(texts[0])")
    }
}

/// Protocol/TAGS.md's table of decision kinds follows `DecisionRules`.
@Suite struct DecisionDocsTests {
    @Test func everyDecisionKindItsOutcomesTagAndStatusAreDocumented() throws {
        let rows = PolicyDocsTests.rows(try PolicyDocsTests.read("Protocol/TAGS.md")).filter { $0.count == 7 }
        #expect(rows.map { PolicyDocsTests.code($0[0]) } == DecisionRules.kinds)
        let codes = { (cell: String) -> [String] in
            cell.split(separator: ",").map { PolicyDocsTests.code($0.trimmingCharacters(in: .whitespaces)) }
        }
        for row in rows {
            let kind = PolicyDocsTests.code(row[0])
            #expect(codes(row[3]) == DecisionRules.outcomes(kind: kind), "\(kind)")
            #expect(PolicyDocsTests.code(row[4]) == DecisionRules.tag(kind: kind).rawValue, "\(kind)")
            let statuses = DecisionRules.outcomes(kind: kind).compactMap { DecisionRules.asylumStatus(kind: kind, outcome: $0) }
            #expect(statuses.isEmpty ? row[5] == "no" : codes(row[5]) == statuses, "\(kind)")
            #expect(statuses.allSatisfy(Schema.asylumStatuses.contains))
        }
    }
}
