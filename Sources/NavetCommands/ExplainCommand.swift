import Foundation
import NavetCore
import NavetStore

/// `navetd policy explain --org ORG --child ID`: what an organisation may read and write
/// of one child now, field by field, and the rule behind each (issue 12, point 3).
struct PolicyExplain: Command {
    static let spec = CommandSpec(["policy", "explain"], help: "policy.explain", options: [
        OptionSpec("--org", value: "NAME", help: "opt.explainOrg"),
        OptionSpec("--child", value: "ID", help: "opt.explainChild"),
    ])
    let organisation: String
    let child: String

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        for option in ["--org", "--child"] where arguments.value(option) == nil {
            throw CLIError(.usage, context.t("error.missingArgument", option), helpHint: true)
        }
        organisation = TextRules.nfc(arguments.value("--org")!)
        child = arguments.value("--child")!.lowercased()
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let organisations = try context.store { () throws(StoreError) in try central.organisations() }
        let found = try context.registeredOrganisation(organisation, option: "--org", among: organisations)
        let children = try context.store { () throws(StoreError) in try central.childIDs(prefix: child) }
        guard children.count == 1, let childID = children.first else {
            throw CLIError(.validation, context.t(children.isEmpty ? "explain.unknownChild" : "explain.ambiguousChild",
                                                  Format.line(child)))
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let inForce = try context.store { () throws(StoreError) in try central.policyInForce() }
        let access = AccessContext(policy: inForce.policy, version: inForce.version)
        let subject = PolicyOrganisation(name: found.name, kind: found.kind.rawValue)
        let grant = try context.store { () throws(StoreError) in
            try central.grant(for: subject, child: childID, context: access, now: now)
        }
        let today = SwedishTime.date(at: now)?.description ?? ""
        // Its memberships active today whose role no rule gives to its kind: in the hub on
        // paper, nothing under the policy.
        let facts = try context.store { () throws(StoreError) in try central.facts(of: childID) }
        let idle = (facts?.memberships ?? []).filter { membership in
            membership.organisation == found.name && SwedishTime.date(at: now).map { membership.isActive(on: $0) } == true
                && !inForce.policy.rules.contains { $0.roles.contains(membership.role) && ($0.kinds?.contains(found.kind.rawValue) ?? true) }
        }.sorted { $0.record < $1.record }
        let episode = grant.episodes.min() ?? RecordID(rawValue: 1)
        struct Row { var type: String; var field: String; var tag: Tag; var read: AccessReason?; var write: WriteRefusal? }
        var rows: [Row] = []
        for type in Schema.current.recordTypes {
            if type.authorChoosesTag {
                // A note carries the tag its author chose: one line per tag.
                for tag in Tag.vocabulary {
                    let kind = tag == .school ? "school_absence" : "conversation"
                    rows.append(Row(type: type.name, field: "*", tag: tag,
                                    read: grant.reason(recordType: type.name, record: childID, field: "text", tag: tag),
                                    write: inForce.policy.refusal(writing: type.name, field: "text", tag: tag,
                                                                  noteKind: kind, grant: grant)))
                }
                continue
            }
            if type.name == "decision" {
                // A decision carries the tag its kind decides: one row per such tag.
                for tag in Set(DecisionRules.kinds.map(DecisionRules.tag(kind:))).sorted() {
                    let kind = DecisionRules.kinds.first { DecisionRules.tag(kind: $0) == tag } ?? ""
                    rows.append(Row(type: type.name, field: "*", tag: tag,
                                    read: grant.reason(recordType: type.name, record: childID, field: "kind", tag: tag),
                                    write: inForce.policy.refusal(writing: type.name, field: "kind", tag: tag,
                                                                  decisionKind: kind, grant: grant)))
                }
                continue
            }
            for field in type.fields {
                let record = type.name == "missing" ? episode : childID
                rows.append(Row(type: type.name, field: field.name, tag: field.defaultTag,
                                read: grant.reason(recordType: type.name, record: record, field: field.name, tag: field.defaultTag),
                                write: inForce.policy.refusal(writing: type.name, field: field.name, tag: field.defaultTag,
                                                              grant: grant)))
            }
        }
        let roles = grant.roles.sorted().map(\.rawValue)
        // The tags it may write: those of rows the central store's own write check lets it
        // write (`refusal(writing:)`, as the merge applies it). That includes `internal` (its
        // own) whenever it is in the hub or has access at all, and a missing episode's fields
        // for any hub member, also one that does not read them (a school reports a child missing).
        let writable = Set(rows.filter { $0.write == nil }.map(\.tag)).sorted()
        if context.json {
            context.printJSON([
                "organisation": found.name, "kind": found.kind.rawValue, "child": childID.description,
                "policy_version": inForce.version, "policy_label": inForce.label, "today": today, "roles": roles,
                "registrar": grant.isRegistrar,
                "memberships_without_rule": idle.map { ["id": $0.record.description, "role": $0.role.rawValue,
                                                        "start_date": $0.start?.description ?? NSNull()] as [String: Any] },
                "writes": writable.map(\.rawValue),
                "fields": rows.map { row -> [String: Any] in
                    // `internal` values are never sent to another organisation: `read` is
                    // false, `own_only` true, and `write` says whether it may write its own.
                    ["record_type": row.type, "field": row.field, "tag": row.tag.rawValue,
                     "read": row.read != nil, "rule": row.read?.description ?? NSNull(),
                     "own_only": row.tag == .internal,
                     "write": row.write == nil,
                     "refusal": row.write?.rawValue ?? NSNull()]
                },
            ])
            return
        }
        let strings = context.strings
        var lines = [context.t("explain.header", Format.line(found.name), Format.line(strings.label("org", found.kind.rawValue)),
                               childID.description, String(inForce.version), Format.line(inForce.label), today)]
        lines.append(context.t("explain.roles",
                               roles.isEmpty ? context.t("explain.noRole") : roles.map { strings.label("role", $0) }.joined(separator: ", ")))
        for membership in idle {
            lines.append(context.t("explain.membershipWithoutRule", membership.record.description,
                                   strings.label("role", membership.role.rawValue), membership.start?.description ?? "—",
                                   Format.line(strings.label("org", found.kind.rawValue))))
        }
        if grant.isEmpty { lines.append(context.t("explain.nothing")) }
        lines.append(context.t("explain.writes", writable.isEmpty ? context.t("out.nothingWritable")
            : writable.map { $0 == .internal ? context.t("explain.internalOwn", strings.label("tag", $0.rawValue))
                                             : strings.label("tag", $0.rawValue) }.joined(separator: ", ")))
        lines.append("")
        lines.append(Format.table(
            [context.t("explain.record"), context.t("explain.field"), context.t("explain.tag"), context.t("explain.read"),
             context.t("explain.write")],
            rows.map { row in
                let ownOnly = row.tag == .internal
                let read = row.read.map(context.ruleText) ?? (ownOnly ? context.t("explain.ownOnly") : "—")
                // Refused and not read: "—" (nothing of it reaches ORG either way).
                let write = row.write.map { row.read == nil && !ownOnly ? "—" : context.t("explain.no", context.shortRefusalText($0)) }
                    ?? context.t(ownOnly ? "explain.yesOwn" : "explain.yes")
                return [strings.label("type", row.type), row.field == "*" ? context.t("explain.everyField") : strings.field(row.field),
                        strings.label("tag", row.tag.rawValue), read, write]
            }))
        context.out(lines.joined(separator: "\n"))
    }
}

enum ExplainStrings {
    static let table: [String: (String, String)] = [
        "help.policy.explain": ("Show what an organisation may read and write of a child now, and why.",
                                "Visa vad en organisation får läsa och skriva om ett barn nu, och varför."),
        "help.policy.explain.long": (
            "Field by field, under the policy in force and today's hub, consents and missing episodes: the\nconfidentiality tag, the rule that lets ORG read it (membership, registration, consent or the\nmissing-episode rule), and whether ORG may write it. A note carries the tag its author chose: one line per tag.\nValues under the internal tag never leave the organisation that wrote them: ORG reads only its own.\nThen what ORG may write (its own internal values whenever it is in the hub or has access), and any membership\nof ORG whose role no rule of the policy gives to ORG's kind (it gives nothing).\nWith --json each row gives codes: rule (registrar:ROLE:RULE, membership:ID:ROLE:RULE, consent:ID, missing:ID),\nrefusal (a refusal code), and own_only (true for the internal tag); writes lists the tags ORG may write and\nmemberships_without_rule the memberships that give nothing (id, role, start_date).",
            "Fält för fält, enligt policyn som gäller och dagens nav, samtycken och försvinnanden: sekretessklassen,\nregeln som låter ORG läsa fältet (medlemskap i navet, registrering, samtycke eller regeln vid\nförsvinnande), och om ORG får skriva det. En anteckning har den sekretessklass som skribenten valde: en rad per klass.\nInterna uppgifter lämnar aldrig organisationen som skrev dem: ORG läser bara sina egna.\nSedan vad ORG får skriva (sina egna interna uppgifter så snart den ingår i navet eller har behörighet), och\nvarje medlemskap för ORG vars roll ingen regel i policyn ger ORG:s typ av organisation (det ger ingenting).\nMed --json ger varje rad koder: rule (registrar:ROLL:REGEL, membership:ID:ROLL:REGEL, consent:ID, missing:ID),\nrefusal (en kod för skälet) och own_only (true för sekretessklassen intern); writes listar de sekretessklasser\nORG får skriva och memberships_without_rule de medlemskap som inte ger något (id, role, start_date)."),
        "opt.explainOrg": ("the organisation, as registered with 'navetd org add'", "organisationen, som den registrerades med 'navetd org add'"),
        "opt.explainChild": ("the child's id (a unique beginning is enough)", "barnets id (en unik början räcker)"),
        "explain.unknownOrg": ("No organisation is called {0}. Known organisations: {1}.",
                               "Ingen organisation heter {0}. Kända organisationer: {1}."),
        "explain.unknownChild": ("The central store holds no child with the id {0}.", "Centrallagret har inget barn med id {0}."),
        "explain.ambiguousChild": ("More than one child's id begins with {0}; give more of it.",
                                   "Fler än ett barns id börjar med {0}; ange mer av det."),
        "explain.header": ("What {0} ({1}) may read and write of child {2}, under policy version {3} (\"{4}\"), on {5}:",
                           "Vad {0} ({1}) får läsa och skriva om barnet {2}, enligt policyversion {3} (\"{4}\"), den {5}:"),
        "explain.roles": ("Roles in the child's hub: {0}.", "Roller i barnets nav: {0}."),
        "explain.noRole": ("none", "inga"),
        "explain.membershipWithoutRule": (
            "Hub membership {0} (role {1}, from {2}) gives nothing: no rule of the policy gives the role {1} to organisations of the kind {3}.",
            "Medlemskapet i navet {0} (rollen {1}, från {2}) ger ingenting: ingen regel i policyn ger rollen {1} till organisationer av typen {3}."),
        "explain.writes": ("It may write: {0}.", "Den får skriva: {0}."),
        "explain.internalOwn": ("{0} (its own, which no other organisation reads)", "{0} (egna uppgifter, som ingen annan organisation läser)"),
        "explain.nothing": ("It sees nothing of this child.", "Organisationen ser ingenting om det här barnet."),
        "explain.record": ("entry",
            "uppgift"),
        "explain.field": ("field", "fält"),
        "explain.tag": ("tag", "sekretessklass"),
        "explain.read": ("read, by rule", "läsa, enligt regel"),
        "explain.write": ("write", "skriva"),
        "explain.yes": ("yes", "ja"),
        "explain.no": ("no ({0})", "nej ({0})"),
        "explain.yesOwn": ("yes, its own", "ja, sina egna"),
        "explain.everyField": ("(every field)", "(alla fält)"),
        "explain.ownOnly": ("only its own: internal values never leave the organisation that wrote them",
                            "bara sina egna: interna uppgifter lämnar aldrig organisationen som skrev dem"),
        // The rule column: why the organisation reads the field ({0} a record id, {1} a role).
        "explain.rule.registrar": ("registered the child, as {0}", "registrerade barnet, som {0}"),
        "explain.rule.membership": ("hub membership {0}: {1}", "medlemskap i navet {0}: {1}"),
        "explain.rule.named": ("{0} (rule {1})", "{0} (regel {1})"),
        "explain.rule.consent": ("consent {0}", "samtycke {0}"),
        "explain.rule.missing": ("missing episode {0} (the rule for missing children)", "försvinnande {0} (regeln vid försvinnande)"),
        "explain.rule.own": ("its own organisation wrote it", "den egna organisationen skrev uppgiften"),
        // Each refusal code, short, for the write column (`WriteRefusal`).
        "explain.refusal.not_in_hub": ("not in the child's hub", "ingår inte i navet kring barnet"),
        "explain.refusal.tag_not_writable": ("its role may not write this confidentiality tag",
                                             "rollen får inte skriva i den här sekretessklassen"),
        "explain.refusal.field_not_readable": ("it may not read the field", "får inte läsa fältet"),
        "explain.refusal.field_read_only": ("it may read the field but not change it (the rule for missing children)",
                                            "får läsa fältet men inte ändra det (regeln vid försvinnande)"),
        "explain.refusal.may_not_register": ("its kind of organisation may not register children",
                                             "den typen av organisation får inte registrera barn"),
        "explain.refusal.may_not_change_hub": ("only the registering organisation and the roles the policy names add and end members",
                                               "bara organisationen som registrerade barnet och de roller som policyn anger lägger till och avslutar medlemmar"),
        "explain.refusal.self_consent": ("a consent may not name its own organisation",
                                         "ett samtycke får inte gälla den egna organisationen"),
        "explain.refusal.may_not_record_consent": ("only the roles the policy names record consent",
                                                   "bara de roller som policyn anger registrerar samtycke"),
        "explain.refusal.below_note_floor": ("below the lowest confidentiality tag the note's kind allows",
                                             "lägre än den lägsta sekretessklassen för den sortens anteckning"),
        "explain.refusal.decision_tag_not_kind": ("not the confidentiality tag the decision's kind decides",
                                                  "inte den sekretessklass som beslutstypen anger"),
        "explain.refusal.withdrawn_too_late": ("a withdrawal after the police were told or the child was found",
                                               "ett återkallande efter att polisen underrättats eller barnet påträffats"),
        "explain.refusal.unknown_child": ("the central store does not hold the child", "centrallagret har inte barnet"),
        "explain.refusal.child_cannot_change": ("the child an entry is about cannot change",
            "barnet som en uppgift gäller kan inte ändras"),
        "explain.refusal.unknown_organisation": ("unknown organisation", "okänd organisation"),
    ]
}

extension Context {
    /// Why an organisation reads a value, for people: the rule's kind, the record behind it
    /// and the role's label; a policy rule is named only when its id is not the role's code
    /// (`school_mentor` by `school_mentor` is said once). `AccessReason.description` stays
    /// the code form, for `--json` and the ledger.
    func ruleText(_ reason: AccessReason) -> String {
        func role(_ role: HubRole, _ rule: String) -> String {
            let label = strings.label("role", role.rawValue)
            return rule.isEmpty || rule == role.rawValue ? label : t("explain.rule.named", label, Format.line(rule))
        }
        switch reason {
        case .registrar(let held, let rule): return t("explain.rule.registrar", role(held, rule))
        case .membership(let record, let held, let rule): return t("explain.rule.membership", record.description, role(held, rule))
        case .consent(let record): return t("explain.rule.consent", record.description)
        case .missing(let episode): return t("explain.rule.missing", episode.description)
        case .ownOrganisation: return t("explain.rule.own")
        }
    }

    /// A refusal code in a few words, for the write column (the long words of
    /// `writeRefusalText` when a code has no short form).
    func shortRefusalText(_ refusal: WriteRefusal) -> String {
        Strings.table["explain.refusal." + refusal.rawValue] != nil ? t("explain.refusal." + refusal.rawValue)
            : writeRefusalText(refusal.rawValue)
    }

    /// A policy's field reference for people: "missing episode: last seen (when)".
    func fieldRefText(_ ref: FieldRef) -> String {
        strings.label("type", ref.recordType) + ": " + strings.field(ref.field)
    }
}

extension Context {
    /// How lists sort in the user's language (Swedish: A–Z, then Å, Ä, Ö).
    var collation: TextRules.Collation { strings.language == .swedish ? .swedish : .english }
}
