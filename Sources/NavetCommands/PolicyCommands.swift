import Foundation
import NavetCore
import NavetCrypto
import NavetPolicy
import NavetStore

/// `navetd policy load|check|show`: the need-to-know policy (Protocol/POLICY.md).
///
/// A bad policy file is refused input (exit code 4, as a damaged bundle is): the message
/// names the file, line and key path, and nothing changes.
extension Context {
    /// Reads and checks a policy file, without a store.
    func readPolicyFile(_ file: String) throws(CLIError) -> (bytes: [UInt8], policy: AccessPolicy) {
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            bytes = try FileIO.read(file, limit: PolicyFile.maxBytes)
        } catch {
            if error.errno == EFBIG {
                let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? (PolicyFile.maxBytes + 1)
                throw CLIError(.refused, describe(PolicyError(.tooLarge(bytes: size, limit: PolicyFile.maxBytes),
                                                              at: TextPosition(line: 1, column: 1)), file: Format.line(file)))
            }
            throw describeRead(error, path: file)
        }
        do throws(PolicyError) {
            return (bytes, try PolicyFile.parse(bytes))
        } catch {
            throw CLIError(.refused, describe(error, file: Format.line(file)))
        }
    }

    /// Loads a policy file into `central` (checked first; a bad file changes nothing).
    /// - Returns: the version in force and whether it is new.
    func loadPolicyFile(_ file: String, into central: CentralStore) throws(CLIError) -> (version: UInt64, new: Bool, label: String) {
        let (bytes, policy) = try readPolicyFile(file)
        let before = try store { () throws(StoreError) in try central.policyHistory().last?.version ?? 0 }
        let version: UInt64
        do throws(StoreError) {
            version = try central.loadPolicy(bytes: bytes, now: now)
        } catch .invalidPolicy(let error) {
            throw CLIError(.refused, describe(error, file: Format.line(file)))
        } catch {
            throw describe(error)
        }
        return (version, version != before, policy.label)
    }
}

struct PolicyLoad: Command {
    static let spec = CommandSpec(["policy", "load"], help: "policy.load", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let inForce = try context.store { () throws(StoreError) in try central.policyHistory().last?.version ?? 0 }
        let loaded: (version: UInt64, new: Bool, label: String)
        do throws(CLIError) {
            loaded = try context.loadPolicyFile(file, into: central)
        } catch {
            guard error.code == .refused else { throw error }
            throw CLIError(.refused, error.message + "\n" + context.t("policy.unchanged", String(inForce)))
        }
        if context.json {
            context.printJSON(["file": file, "version": loaded.version, "label": loaded.label, "changed": loaded.new])
        } else if loaded.new {
            context.out(context.t("policy.loaded", Format.line(file), String(loaded.version), Format.line(loaded.label)))
        } else {
            context.out(context.t("policy.alreadyInForce", Format.line(file), String(loaded.version)))
        }
    }
}

struct PolicyCheck: Command {
    static let spec = CommandSpec(["policy", "check"], help: "policy.check", positionals: [("FILE", true)])
    let file: String
    init(_ arguments: ParsedArguments, _ context: Context) { file = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let policy = try context.readPolicyFile(file).policy
        if context.json {
            context.printJSON(["file": file, "valid": true, "label": policy.label, "rules": policy.rules.count])
        } else {
            context.out(context.t("policy.valid", Format.line(file), Format.line(policy.label), String(policy.rules.count)))
        }
    }
}

struct PolicyShow: Command {
    static let spec = CommandSpec(["policy", "show"], help: "policy.show",
                                  options: [OptionSpec("--default", help: "opt.policyDefault")])
    let showDefault: Bool
    init(_ arguments: ParsedArguments, _ context: Context) { showDefault = arguments.has("--default") }

    func run(_ context: Context) throws(CLIError) {
        if showDefault {
            // The file itself, byte for byte (its final line break is the one `out` adds).
            context.out(String(PolicyFile.defaultText.dropLast()))
            return
        }
        let central = try context.openCentral()
        let inForce = try context.store { () throws(StoreError) in try central.policyInForce() }
        let history = try context.store { () throws(StoreError) in try central.policyHistory() }
        let entry = history.last { $0.version == inForce.version }
        let policy = inForce.policy
        let digest = entry?.sha256 ?? Hex.encode(SHA256.hash(Array(PolicyFile.defaultText.utf8)))
        if context.json {
            context.printJSON(json(policy, version: inForce.version, digest: digest, loadedAt: entry?.loadedAt, history: history))
            return
        }
        let strings = context.strings
        func tags(_ set: Set<Tag>) -> String {
            set.isEmpty ? context.t("policy.nothing") : set.sorted().map { strings.label("tag", $0.rawValue) }.joined(separator: ", ")
        }
        func roles(_ set: Set<HubRole>) -> String {
            set.isEmpty ? context.t("policy.noRegistrar") : set.sorted().map { strings.label("role", $0.rawValue) }.joined(separator: ", ")
        }
        func kinds(_ set: Set<String>) -> String {
            OrganisationKind.allCases.filter { set.contains($0.rawValue) }.map { strings.label("org", $0.rawValue) }.joined(separator: ", ")
        }
        var lines = [context.t("policy.inForce", String(inForce.version), Format.line(inForce.label))]
        if let entry, let loadedAt = entry.loadedAt {
            lines.append(Format.fields([(context.t("policy.loadedAt").capitalizedFirst, Format.time(loadedAt)), (context.t("policy.sha256"), digest)]))
        } else {
            lines.append("(" + context.t("policy.builtIn") + ")")
            lines.append(Format.fields([(context.t("policy.sha256"), digest)]))
        }
        for rule in policy.rules {
            lines.append("")
            lines.append(context.t("policy.rule") + " " + rule.id)
            lines.append(indent(Format.fields([
                (context.t("policy.kinds"), rule.kinds.map(kinds) ?? context.t("policy.everyKind")),
                (context.t("policy.roles"), roles(rule.roles)),
                (context.t("policy.reads"), tags(rule.read)),
                (context.t("policy.writes"), tags(rule.write)),
                (context.t("policy.why"), wrap(Format.block(context.policyReason(rule.why, key: "rule." + rule.id)))),
            ])))
        }
        lines.append("")
        lines.append(context.t("policy.registrar") + ":")
        let registrar = OrganisationKind.allCases.compactMap { kind in
            policy.registrar[kind.rawValue].map { (strings.label("org", kind.rawValue), strings.label("role", $0.rawValue)) }
        }
        lines.append(registrar.isEmpty ? "  " + context.t("policy.noRegistrar") : indent(Format.fields(registrar)))
        lines.append("")
        lines.append(Format.fields([
            (context.t("policy.hubAdministrators"), roles(policy.hubAdministrators)),
            (context.t("policy.consentWriters"), roles(policy.consentWriters)),
        ]))
        lines.append("")
        lines.append(context.t("policy.missing") + ":")
        lines.append(indent(Format.fields([
            (context.t("policy.missingKinds"), policy.missing.kinds.isEmpty ? context.t("policy.noRegistrar") : kinds(policy.missing.kinds)),
            (context.t("policy.missingFields"), policy.missing.fields.sorted().map(context.fieldRefText).joined(separator: ", ")),
            (context.t("policy.why"), wrap(Format.block(context.policyReason(policy.missing.why, key: "missing")))),
        ])))
        lines.append("")
        lines.append(context.t("policy.keepName") + ": " + strings.label("bool", policy.keepChildNameForOwnNotes ? "true" : "false"))
        if let purposeWhy = policy.purposeWhy {
            lines.append("")
            lines.append(context.t("policy.purposeRequired") + ":")
            lines.append(indent(Format.fields([
                (context.t("policy.purposeTags"), policy.purposeTags.isEmpty ? context.t("policy.noPurposeTags") : tags(policy.purposeTags)),
                (context.t("policy.why"), wrap(Format.block(context.policyReason(purposeWhy, key: "purpose_required")))),
            ])))
        }
        lines.append("")
        lines.append(context.t("policy.fixedRules") + ":")
        lines.append(indent(Format.fields(AccessPolicy.whyKeys.map {
            (context.t("policy.whyKey." + $0), wrap(Format.block(context.policyReason(policy.why[$0] ?? "", key: "why." + $0))))
        })))
        if !history.isEmpty {
            lines.append("")
            lines.append(context.t("policy.history") + ":")
            lines.append(Format.table(
                [context.t("policy.version"), context.t("policy.label"), context.t("policy.loadedAt").capitalizedFirst, context.t("policy.sha256")],
                history.reversed().map { [String($0.version), Format.line($0.label), $0.loadedAt.map(Format.time) ?? "", String($0.sha256.prefix(16))] }))
        }
        context.out(lines.joined(separator: "\n"))
    }

    /// Long texts broken at spaces into lines of at most 80 characters (a word longer
    /// than that stays whole); existing line breaks are kept.
    private func wrap(_ text: String, width: Int = 80) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { paragraph in
            var lines: [String] = []
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, line.count + 1 + word.count > width {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            lines.append(line)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    /// The policy as `--json` prints it: codes, not labels; lists in the vocabulary's order.
    private func json(_ policy: AccessPolicy, version: UInt64, digest: String, loadedAt: Int64?,
                      history: [PolicyVersion]) -> [String: Any] {
        func tags(_ set: Set<Tag>) -> [String] { set.sorted().map(\.rawValue) }
        func roles(_ set: Set<HubRole>) -> [String] { set.sorted().map(\.rawValue) }
        func kinds(_ set: Set<String>) -> [String] { OrganisationKind.allCases.map(\.rawValue).filter(set.contains) }
        return [
            "version": version,
            "label": policy.label,
            "default": version == 0,
            "loaded_at": loadedAt.map { Format.time($0) as Any } ?? NSNull(),
            "sha256": digest,
            "rules": policy.rules.map { rule -> [String: Any] in
                ["id": rule.id, "kinds": rule.kinds.map { kinds($0) as Any } ?? NSNull(), "roles": roles(rule.roles),
                 "read": tags(rule.read), "write": tags(rule.write), "why": rule.why]
            },
            "registrar": policy.registrar.mapValues(\.rawValue),
            "hub_administrators": roles(policy.hubAdministrators),
            "consent_writers": roles(policy.consentWriters),
            "missing": ["kinds": kinds(policy.missing.kinds), "fields": policy.missing.fields.sorted().map(\.description),
                        "why": policy.missing.why] as [String: Any],
            "keep_child_name_for_own_notes": policy.keepChildNameForOwnNotes,
            "purpose_required": policy.purposeWhy.map { ["tags": tags(policy.purposeTags), "why": $0] as Any } ?? NSNull(),
            "why": policy.why,
            "history": history.map { entry -> [String: Any] in
                ["version": entry.version, "label": entry.label, "sha256": entry.sha256,
                 "loaded_at": entry.loadedAt.map { Format.time($0) as Any } ?? NSNull()]
            },
        ]
    }
}
