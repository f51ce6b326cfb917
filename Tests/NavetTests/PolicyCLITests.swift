import Foundation
import NavetCore
import NavetPolicy
import NavetTestSupport
import Testing

/// `navetd policy load|check|show` and `navetd serve --policy`, through the real binary.
@Suite(.serialized) struct PolicyCLITests {
    let folder = TemporaryDirectory(prefix: "navet-policy-cli")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    static let office = PolicyFile.defaultText.replacingOccurrences(of: "\"default 2026-11\"", with: "\"Region Norr 2026-12\"")
    static let misspelt = office.replacingOccurrences(of: "\"asylum\", \"health\", \"protected\"]",
                                                      with: "\"asylum\", \"helth\", \"protected\"]")

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: folder.url.appendingPathComponent(name))
    }

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func loadCheckAndShow() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        try write(Self.office, to: "office.json")
        try write(Self.misspelt, to: "bad.json")

        // Nothing loaded: the default, version 0.
        var shown = try cli.navetd("--db", "c.db", "policy", "show")
        #expect(shown.code == 0)
        #expect(shown.out.hasPrefix("Policy in force: version 0, \"default 2026-11\""))
        #expect(shown.out.contains("Rule police\n"))
        #expect(shown.out.split(separator: "\n").contains { $0.hasPrefix("  Reads:") && $0.hasSuffix(" basic, search, police") })

        // A bad file: exit 4, the line and key path, and the store unchanged.
        var result = try cli.navetd("--db", "c.db", "policy", "load", "bad.json")
        #expect(result.code == 4)
        #expect(result.err.contains(
            "bad.json, line 17: rules[1].read[5]: \"helth\" is not a tag; tags are basic, school, case, search, asylum, health, police, protected (protected identity)"))
        #expect(result.err.contains("The policy in force is unchanged (version 0)."))
        #expect(result.out.isEmpty)
        result = try cli.navetd("--db", "c.db", "--lang", "sv", "policy", "check", "bad.json")
        #expect(result.code == 4)
        #expect(result.err.contains("bad.json, rad 17: rules[1].read[5]: \"helth\" är ingen sekretessklass; sekretessklasserna är basic (grunduppgifter)"))
        result = try cli.navetd("--db", "c.db", "--json", "policy", "load", "bad.json")
        #expect(result.code == 4)
        #expect(try json(result.err)["exit_code"] as? Int == 4)
        #expect(try json(cli.navetd("--db", "c.db", "--json", "policy", "show").out)["version"] as? Int == 0)

        // A good one.
        result = try cli.navetd("--db", "c.db", "policy", "check", "office.json")
        #expect(result.code == 0)
        #expect(result.out == "office.json is a valid policy: \"Region Norr 2026-12\", 8 rules.\n")
        result = try cli.navetd("--db", "c.db", "policy", "load", "office.json")
        #expect(result.code == 0)
        #expect(result.out == "Loaded office.json as policy version 1 (\"Region Norr 2026-12\"); it is in force from the next sync.\n")
        result = try cli.navetd("--db", "c.db", "--json", "policy", "load", "office.json")
        #expect(result.code == 0)
        let again = try json(result.out)
        #expect(again["version"] as? Int == 1 && again["changed"] as? Bool == false)

        shown = try cli.navetd("--db", "c.db", "--json", "policy", "show")
        let object = try json(shown.out)
        #expect(object["version"] as? Int == 1)
        #expect(object["label"] as? String == "Region Norr 2026-12")
        #expect(object["default"] as? Bool == false)
        #expect((object["loaded_at"] as? String)?.hasSuffix(":00") == true)
        let rules = object["rules"] as? [[String: Any]] ?? []
        #expect(rules.map { $0["id"] as? String ?? "" } == PolicyFile.defaultPolicy.rules.map(\.id))
        #expect(rules.first?["read"] as? [String] == ["basic", "school", "case", "search", "asylum", "protected"])
        #expect(rules.first?["kinds"] as? [String] == ["social_services"])
        #expect((object["history"] as? [Any])?.count == 1)

        // In Swedish: labels in Swedish, codes never where a label exists.
        shown = try cli.navetd("--db", "c.db", "--lang", "sv", "policy", "show")
        #expect(shown.code == 0)
        #expect(shown.out.hasPrefix("Policy som gäller: version 1, \"Region Norr 2026-12\""))
        let lines = shown.out.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  Läser:") && $0.hasSuffix(" grunduppgifter, skola, ärende, eftersökning, asyl, skyddad identitet") })
        #expect(lines.contains { $0.hasPrefix("  socialtjänsten:") && $0.hasSuffix(" socialsekreterare") })
        #expect(!lines.contains { $0.hasPrefix("  frivilligorganisation:") }, "volunteers do not register children")
    }

    @Test func theDefaultFileIsPrintedByteForByte() throws {
        let result = try cli.navetd("policy", "show", "--default")
        #expect(result.code == 0)
        #expect(result.out == PolicyFile.defaultText)
        // An office starts from it: it checks as it is.
        try write(result.out, to: "start.json")
        #expect(try cli.navetd("policy", "check", "start.json").code == 0)
    }

    @Test func filesThatAreNotPoliciesAreRefusedClearly() throws {
        try write("", to: "empty.json")
        try write("{\"name\": \"x\"}", to: "package.json")
        try write("{\"navet_policy\": 1,\n  \"label\": \"x\",\n}", to: "comma.json")
        var result = try cli.navetd("policy", "check", "empty.json")
        #expect(result.code == 4 && result.err.contains("empty.json, line 1, column 1: the file is empty"))
        result = try cli.navetd("policy", "check", "package.json")
        #expect(result.code == 4 && result.err.contains("not a Navet policy file"))
        result = try cli.navetd("policy", "check", "comma.json")
        #expect(result.code == 4 && result.err.contains("comma.json, line 3, column 1: a comma right before the closing bracket"))
        result = try cli.navetd("policy", "check", "missing.json")
        #expect(result.code == 5)
        result = try cli.navetd("policy", "check")
        #expect(result.code == 2)
        // Without a central store, load says so and check does not need one.
        try write(Self.office, to: "office.json")
        result = try cli.navetd("--db", "none.db", "policy", "load", "office.json")
        #expect(result.code == 5)
        #expect(!FileManager.default.fileExists(atPath: folder.path("none.db")))
        // The missing rule's kinds may not be left out: its advice is to list them, not to
        // leave the key out (which is then refused as missing).
        let defaultText = PolicyFile.defaultText
        let missingStart = try #require(defaultText.range(of: "\"missing\": {"))
        let emptied = defaultText.replacingOccurrences(of: "\"kinds\": [\"police\"]", with: "\"kinds\": []",
                                                       range: missingStart.lowerBound..<defaultText.endIndex)
        #expect(emptied != defaultText)
        try write(emptied, to: "nokinds.json")
        result = try cli.navetd("policy", "check", "nokinds.json")
        #expect(result.code == 4 && result.err.contains("must list the kinds of organisation that get the search fields")
                && !result.err.contains("leave"), "\(result.err)")
    }

    /// `navet GROUP --help` lists that group's commands only, in the reader's language.
    @Test func aGroupsHelpListsItsCommands() throws {
        let missing = try cli.navet("missing", "--help")
        #expect(missing.code == 0 && missing.out.contains("missing report") && missing.out.contains("missing follow-up"))
        #expect(!missing.out.contains("child add") && !missing.out.contains("decision add"), "\(missing.out)")
        let policy = try cli.navetd("--lang", "sv", "policy", "--help")
        #expect(policy.code == 0 && policy.out.contains("policy load") && !policy.out.contains("org add"), "\(policy.out)")
        #expect(try cli.navet("nosuchgroup", "--help").code == 0, "an unknown word still shows the overview")
    }

    @Test func helpInBothLanguages() throws {
        for command in ["load", "check", "show"] {
            let english = try cli.navetd("policy", command, "--help")
            #expect(english.code == 0)
            let swedish = try cli.navetd("--lang", "sv", "policy", command, "--help")
            #expect(swedish.code == 0 && swedish.out != english.out)
        }
        let overview = try cli.navetd("--help").out
        #expect(overview.contains("policy load") && overview.contains("policy show"))
    }

    /// A stored policy that no longer reads stops `show` and `serve` with the reason; loading
    /// a good policy puts it right. Never a silent return to the default.
    @Test func aDamagedStoredPolicyIsReportedNotReplaced() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        try write(Self.office, to: "office.json")
        #expect(try cli.navetd("--db", "c.db", "policy", "load", "office.json").code == 0)
        _ = try SQLite3Tool.run(folder.path("c.db"), "UPDATE policies SET text = replace(text, 'Region Norr', 'Region Syd')")
        let shown = try cli.navetd("--db", "c.db", "policy", "show")
        #expect(shown.code == 5)
        #expect(shown.err.contains("the stored policy version 1 cannot be read (its text no longer matches its checksum)"))
        let serve = try cli.navetd("--db", "c.db", "serve", "--listen", "127.0.0.1:0")
        #expect(serve.code == 5 && serve.err.contains("stored policy version 1"))
        #expect(try cli.navetd("--db", "c.db", "policy", "load", "office.json").code == 0)
        #expect(try json(cli.navetd("--db", "c.db", "--json", "policy", "show").out)["version"] as? Int == 2)
    }

    @Test func serveLoadsItsPolicyOrDoesNotStart() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        try write(Self.misspelt, to: "bad.json")
        try write(Self.office, to: "office.json")
        // Refused before listening: the process ends at once with the error.
        let refused = try cli.navetd("--db", "c.db", "serve", "--listen", "127.0.0.1:0", "--policy", "bad.json")
        #expect(refused.code == 4)
        #expect(refused.err.contains("bad.json, line 17: rules[1].read[5]"))
        #expect(try json(cli.navetd("--db", "c.db", "--json", "policy", "show").out)["version"] as? Int == 0)

        let server = try ServerProcess(database: "c.db", workingDirectory: folder.url, arguments: ["--policy", "office.json"])
        #expect(server.log.contains("\"policy_version\":1"))
        // Loaded by another process while it runs (the server reads it at its next sync).
        #expect(try cli.navetd("--db", "c.db", "policy", "load", folder.path("bad.json")).code == 4)
        let loaded = try cli.navetd("--db", "c.db", "--json", "policy", "load", "office.json")
        #expect(try json(loaded.out)["changed"] as? Bool == false)
        #expect(server.stop() == 0)
    }
}
