import Foundation
import NavetCore
import NavetStore

// The records need to know depends on (issue 12, point 2): hub memberships, consents and
// missing episodes, as ordinary synced records. The replica records what people type; the
// central store decides whether a record takes effect (who may write it).

extension Context {
    /// Today's Swedish calendar day (`SwedishTime`), the default of `--from` and `--on`.
    var swedishToday: CalendarDate {
        SwedishTime.today(at: now)
    }

    /// Usage error for the first of `names` that was not given.
    func require(_ names: [String], in arguments: ParsedArguments) throws(CLIError) {
        for name in names where arguments.value(name) == nil {
            throw CLIError(.usage, t("error.missingArgument", name), helpHint: true)
        }
    }

    /// A date typed for `field` of `type`, checked as that field checks dates.
    /// A date typed for `option`; a refusal names the option people typed (not the field too).
    func date(_ input: String, option: String, field: String, of type: String) throws(CLIError) -> CalendarDate {
        let value = try parse(input, field: Schema.current.recordType(type)!.field(field)!, option: option)
        guard case .text(let text) = value, let date = CalendarDate(iso: text) else {
            throw CLIError(.validation, describe(SchemaError.required(field: field), option: option))
        }
        return date
    }

    /// Text typed for `field` of `type`; `-` reads standard input for free-text fields.
    func text(_ input: String, option: String, field: String, of type: String) throws(CLIError) -> FieldValue {
        let schema = Schema.current.recordType(type)!.field(field)!
        var input = input
        if input == "-", schema.lineBreaks { input = try readStandardInput(option: option, field: schema) }
        let value = try parse(input, field: schema, option: option)
        if Self.phoneFields.contains(field), case .text(let phone) = value, !Self.isPhoneNumber(phone) {
            throw CLIError(.validation, t("error.badPhone", option, Format.line(phone)))
        }
        return value
    }

    /// The fields that hold a phone number (`membership.phone`, `missing.contact_phone`).
    static let phoneFields: Set<String> = ["phone", "contact_phone"]

    /// A phone number as people write it: digits, spaces and `+ - ( ) /`, with 3 to 15
    /// digits (112 and 114 14 are short; ITU-T E.164 allows at most 15).
    static func isPhoneNumber(_ text: String) -> Bool {
        let allowed = Set("0123456789 +-()/")
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        return text.allSatisfy { allowed.contains($0) } && (3...15).contains(digits)
    }

    /// The organisation a person typed, as the replica's directory spells it: matched by
    /// `TextRules.nameKey` (case, composed or decomposed letters, spaces). Returns the name
    /// and whether the directory checked it: a replica that has no directory beyond its own
    /// entry (it never synced) keeps the name as typed. An unknown name is refused with the
    /// known ones, in Swedish order.
    func organisation(_ typed: String, option: String, field: FieldSchema, store: ReplicaStore) throws(CLIError) -> (name: String, checked: Bool) {
        guard !TextRules.nameKey(typed).isEmpty else { throw CLIError(.validation, t("error.orgNameEmpty", option)) }
        guard case .text(let text) = try parse(typed, field: field, option: option) else {
            throw CLIError(.validation, describe(SchemaError.required(field: field.name), option: option))
        }
        let directory = try self.store { () throws(StoreError) in try store.originNames() }
        let known = Set(directory.values.map(\.organisation))
            .sorted { TextRules.collationKey($0, .swedish).lexicographicallyPrecedes(TextRules.collationKey($1, .swedish)) }
        switch TextRules.match(text, among: known.map { (value: $0, words: [$0]) }, key: TextRules.nameKey) {
        case .exact(let match), .folded(let match): return (match, true)
        case .ambiguous(let candidates): throw didYouMean(option, text, candidates)
        case .none: break
        }
        guard directory.keys.contains(where: { $0 != store.replicaID }) else { return (text, false) }
        throw CLIError(.validation, t("error.unknownOrg", Format.line(text),
                                      known.map { SyncStrings.visible($0, limit: 200) }.joined(separator: ", "))
                       + nearNames(text, among: known))
    }

    /// A stored date cell, or nil.
    func dateValue(_ value: FieldValue) -> CalendarDate? {
        guard case .text(let text) = value else { return nil }
        return CalendarDate(iso: text)
    }
}

// MARK: Hub membership

struct HubAdd: Command {
    static let schema = Schema.current.recordType("membership")!
    static let spec = CommandSpec(
        ["hub", "add"], help: "hub.add",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.hubChild"),
            OptionSpec("--org", value: "ORG", help: "opt.hubOrg"),
            OptionSpec("--role", value: "ROLE", help: "opt.role"),
            OptionSpec("--person", value: "NAME", help: "opt.person"),
            OptionSpec("--phone", value: "TEL", help: "opt.phone"),
            OptionSpec("--from", value: "YYYY-MM-DD", help: "opt.from"),
        ])
    let child: String
    let organisation: String
    let role: HubRole
    let values: [String: FieldValue]
    let from: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child", "--org", "--role"], in: arguments)
        child = arguments.value("--child")!
        organisation = arguments.value("--org")!
        let codes = HubRole.allCases.map(\.rawValue)
        guard let code = HubStrings.code(for: arguments.value("--role")!, among: codes, kind: "role"),
              let role = HubRole(rawValue: code) else {
            try context.checkAmbiguous(arguments.value("--role")!, option: "--role", among: codes, kind: "role")
            throw CLIError(.validation, context.t("error.badRole", Format.line(arguments.value("--role")!),
                                                  context.choiceList(codes, kind: "role"))
                           + context.nearChoices(arguments.value("--role")!, among: codes, kind: "role", extra: HubStrings.synonyms))
        }
        self.role = role
        var values: [String: FieldValue] = [:]
        for name in ["person", "phone"] {
            if let input = arguments.value("--" + name) {
                values[name] = try context.text(input, option: "--" + name, field: name, of: "membership")
            }
        }
        self.values = values
        from = try arguments.value("--from").map { (text) throws(CLIError) in
            try context.date(text, option: "--from", field: "start_date", of: "membership")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        if let from { try context.checkPlausible(from, option: "--from", birth: try context.birthDate(of: childID, in: store)) }
        let org = try context.organisation(organisation, option: "--org", field: Self.schema.field("organisation")!, store: store)
        let start = from ?? context.swedishToday
        let otherRoles = try context.checkDuplicateMembership(store, child: childID, organisation: org.name, role: role, start: start)
        var values = self.values
        values["child"] = .text(childID.description)
        values["organisation"] = .text(org.name)
        values["role"] = .text(role.rawValue)
        values["start_date"] = .text(start.description)
        try context.checkWrite(store, child: childID, recordType: "membership", fields: values.keys)
        let written = values
        let id = try context.audited(store, as: editor, command: "hub add", { () throws(StoreError) in
            try store.createRecord(type: "membership", values: written, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            draft.addWritten("membership", record: id, fields: written.filter { !$0.value.isNull }.keys)
        })
        if !org.checked { context.warn(context.t("warn.orgUnchecked", Format.line(org.name))) }
        for warning in otherRoles { context.warn(warning) }
        if context.json {
            context.printJSON(["id": id.description, "child": childID.description, "organisation": org.name,
                               "role": role.rawValue, "start_date": start.description, "organisation_checked": org.checked])
        } else {
            context.out(context.t("out.membershipAdded", SyncStrings.visible(org.name, limit: 200), childID.description,
                                  context.strings.label("role", role.rawValue), start.description, id.description))
        }
    }
}

struct HubList: Command {
    static let spec = CommandSpec(["hub", "list"], help: "hub.list",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.hubChild"),
                                            OptionSpec("--verbose", help: "opt.verbose")])
    let child: String
    let verbose: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child"], in: arguments)
        child = arguments.value("--child")!
        verbose = arguments.has("--verbose")
    }

    /// `active` from the first day through the last, `upcoming` before, `ended` after. When
    /// the replica's access to the child has ended, only `ended` stays known: a last day
    /// someone else set was purged with the rest of their changes, so `access_ended`.
    static func state(_ membership: RecordSnapshot, today: CalendarDate, context: Context, accessEnded: Bool = false) -> String {
        if let end = context.dateValue(membership.value("end_date")), end < today { return "ended" }
        if accessEnded { return "access_ended" }
        if let start = context.dateValue(membership.value("start_date")), start > today { return "upcoming" }
        return "active"
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        let registrar = try context.store { () throws(StoreError) in try store.firstOrigin(of: childID, field: "name") }
        let origins = OriginDisplay(store: store, strings: context.strings, verbose: verbose)
        let collation = context.collation
        let roleOrder = { (record: RecordSnapshot) -> Int in
            HubRole.allCases.firstIndex { $0.rawValue == record.value("role").displayText } ?? HubRole.allCases.count
        }
        // Streams (issue 15): a first pass reads each membership in turn, fills the read-log
        // entry and keeps only its id and sort key (role, then organisation the Swedish
        // way, then id); once the entry is written, each is read again and written out.
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        let shown = ["organisation", "role", "person", "phone", "start_date", "end_date"]
        var draft = AuditDraft(user: reader.name, kind: "display", command: "hub list")
        draft.records.insert(childID)
        var keyed: [(id: RecordID, role: Int, key: [UInt32])] = []
        try context.streamingRead(store) { () throws(CLIError) in
            var ids: [RecordID] = []
            try context.store { () throws(StoreError) in
                try store.forEachRecordID(ofType: "membership", child: childID, sortFields: [], orderBy: "a.record_id") { id, _ in
                    ids.append(id)
                    return true
                }
            }
            for id in ids {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                draft.add(record, fields: shown)
                keyed.append((id, roleOrder(record), TextRules.collationKey(record.value("organisation").displayText ?? "", collation)))
            }
        }
        keyed.sort { (a, b) -> Bool in
            if a.role != b.role { return a.role < b.role }
            if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
            return a.id < b.id
        }
        let memberships = keyed.map(\.id)
        try context.logDisplay(store, as: reader, command: "hub list", collected: draft)
        let today = context.swedishToday
        let ended = try context.accessEnded(store, child: childID)
        if context.json {
            var registeredBy: Any = NSNull()
            if let registrar { registeredBy = origins.adding(registrar, to: ["origin": registrar.description]) }
            var objects: [[String: Any]] = []
            try context.streamingRead(store) { () throws(CLIError) in
                for id in memberships {
                    let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                    var object: [String: Any] = ["id": record.id.description,
                                                 "state": Self.state(record, today: today, context: context, accessEnded: ended)]
                    for name in shown { object[name] = Format.json(record.value(name)) }
                    objects.append(object)
                }
            }
            context.printJSON([
                "child": childID.description,
                "registered_by": registeredBy,
                "access_ended": ended,
                "memberships": objects,
            ])
            return
        }
        let s = context.strings
        if let registrar {
            context.out(Format.line(origins.text(registrar)) + "  (" + context.t("out.registeredBy") + ")")
        }
        if ended, !memberships.isEmpty { context.out(context.t("out.accessEndedNote", childID.description)) }
        if memberships.isEmpty {
            // No permissions for the child (never given, or access ended): the hub is not
            // shared with this organisation, so an empty list says nothing about it.
            // So too with permissions that do not read a membership's tag (the police
            // under the missing-child rule see the search fields, not the hub).
            let reads = try context.reads(store, child: childID, recordType: "membership", field: "organisation")
            context.out(context.t(ended || !reads ? "out.hubNotShared" : "out.noMemberships"))
            return
        }
        func row(_ record: RecordSnapshot) -> [String] {
            [record.id.description, Format.value(record.value("organisation"), field: "organisation", strings: s),
             s.label("role", record.value("role").displayText ?? ""),
             Format.value(record.value("person"), field: "person", strings: s),
             Format.value(record.value("phone"), field: "phone", strings: s),
             Format.value(record.value("start_date"), field: "start_date", strings: s),
             Format.value(record.value("end_date"), field: "end_date", strings: s),
             s.label("hubstate", Self.state(record, today: today, context: context, accessEnded: ended))]
        }
        var table = TableWriter(["id", s.field("organisation"), s.field("role"), s.field("person"), s.field("phone"),
                                 s.field("start_date"), s.field("end_date"), context.t("out.hubState")])
        try context.streamingRead(store) { () throws(CLIError) in
            for id in memberships {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                table.measure(row(record))
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            for id in memberships {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                table.write(row(record), to: lines)
            }
            lines.flush()
        }
    }
}

struct HubEnd: Command {
    static let spec = CommandSpec(["hub", "end"], help: "hub.end",
                                  options: [OptionSpec("--on", value: "YYYY-MM-DD", help: "opt.on")],
                                  positionals: [("MEMBERSHIP", true)])
    let id: String
    let on: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        on = try arguments.value("--on").map { (text) throws(CLIError) in
            try context.date(text, option: "--on", field: "end_date", of: "membership")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let record = try context.find(id, type: "membership", in: store)
        let membership = try context.store { () throws(StoreError) in try store.snapshot(record) }
        let last = on ?? context.swedishToday
        // A last day already set may only be brought earlier: to today without --on (a
        // placement that ends before its planned last day), to an earlier day with --on (a
        // membership entered by mistake is withdrawn by ending it on its first day); never
        // moved later.
        if let ended = membership.value("end_date").displayText,
           context.dateValue(membership.value("end_date")).map({ last >= $0 }) ?? true {
            let future = context.dateValue(membership.value("end_date")).map { $0 > context.swedishToday } ?? false
            throw CLIError(.validation, context.t(future ? "error.alreadyEnding" : "error.alreadyEnded", record.description,
                                                  Format.line(ended)))
        }
        if let on { try context.checkPlausible(on, option: "--on", birth: nil) }
        if let start = context.dateValue(membership.value("start_date")), last < start {
            throw CLIError(.validation, context.t("error.endBeforeStart", last.description, start.description))
        }
        try context.checkWrite(store, child: try context.childOf(record, type: "membership", in: store),
                               recordType: "membership", fields: ["end_date"])
        _ = try context.audited(store, as: editor, command: "hub end", { () throws(StoreError) in
            try store.set(record: record, field: "end_date", value: .text(last.description), now: context.now)
        }, entry: { change, draft in draft.addChange(change) })
        if context.json {
            context.printJSON(["id": record.description, "end_date": last.description])
        } else {
            let s = context.strings
            context.out(context.t("out.membershipEnded", record.description,
                                  Format.value(membership.value("organisation"), field: "organisation", strings: s),
                                  s.label("role", membership.value("role").displayText ?? ""), last.description))
        }
    }
}

// MARK: Consent

struct ConsentGrant: Command {
    static let schema = Schema.current.recordType("consent")!
    static let spec = CommandSpec(
        ["consent", "grant"], help: "consent.grant",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.hubChild"),
            OptionSpec("--by", value: "child|guardian", help: "opt.by"),
            OptionSpec("--to", value: "ORG", help: "opt.to"),
            OptionSpec("--tags", value: "TAGS", help: "opt.tags"),
            OptionSpec("--purpose", value: "TEXT", help: "opt.purpose"),
            OptionSpec("--until", value: "YYYY-MM-DD", help: "opt.until"),
        ])
    let child: String
    let organisation: String
    let givenBy: String
    let tags: [Tag]
    let purpose: FieldValue
    let until: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child", "--by", "--to", "--tags", "--purpose"], in: arguments)
        child = arguments.value("--child")!
        organisation = arguments.value("--to")!
        guard let giver = HubStrings.code(for: arguments.value("--by")!, among: Schema.consentGivers, kind: "giver") else {
            try context.checkAmbiguous(arguments.value("--by")!, option: "--by", among: Schema.consentGivers, kind: "giver")
            throw CLIError(.validation, context.t("error.badGiver", Format.line(arguments.value("--by")!)))
        }
        givenBy = giver
        let allowed = Tag.vocabulary.filter { !AccessPolicy.neverByConsent.contains($0) }
        var tags: [Tag] = []
        for part in arguments.value("--tags")!.split(separator: ",", omittingEmptySubsequences: false) {
            guard let code = Strings.code(for: String(part), among: Tag.vocabulary.map(\.rawValue), kind: "tag"),
                  let tag = Tag(rawValue: code) else {
                try context.checkAmbiguous(String(part), option: "--tags", among: Tag.vocabulary.map(\.rawValue), kind: "tag")
                throw CLIError(.validation, context.t("error.badTags", context.choiceList(allowed.map(\.rawValue), kind: "tag"),
                                                      Format.line(String(part)))
                               + context.nearChoices(String(part), among: allowed.map(\.rawValue), kind: "tag"))
            }
            if tag == .internal {
                throw CLIError(.validation, context.t("error.internalConsent", context.strings.label("tag", tag.rawValue)))
            }
            if AccessPolicy.neverByConsent.contains(tag) {
                throw CLIError(.validation, context.t("error.noConsentFor", context.strings.label("tag", tag.rawValue)))
            }
            tags.append(tag)
        }
        self.tags = tags
        purpose = try context.text(arguments.value("--purpose")!, option: "--purpose", field: "purpose", of: "consent")
        until = try arguments.value("--until").map { (text) throws(CLIError) in
            try context.date(text, option: "--until", field: "until", of: "consent")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let today = context.swedishToday
        if let until, until < today {
            throw CLIError(.validation, context.t("error.pastUntil", until.description, today.description))
        }
        if let until { try context.checkPlausible(until, option: "--until", birth: nil) }
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        let org = try context.organisation(organisation, option: "--to", field: Self.schema.field("organisation")!, store: store)
        // Nobody grants themselves access: the central store refuses it (`self_consent`).
        let own = try context.store { () throws(StoreError) in try store.originNames()[store.replicaID]?.organisation }
        if let own, TextRules.nameKey(own) == TextRules.nameKey(org.name) {
            throw CLIError(.validation, context.t("error.selfConsent", SyncStrings.visible(org.name, limit: 200)))
        }
        // Protected identity goes only to the hub: the central store ignores a consent to an
        // organisation outside it (`AccessPolicy.grant`). Said, not refused: it takes effect
        // once the organisation joins.
        let protected = try context.store { () throws(StoreError) in try store.snapshot(childID) }.value("protected_identity")
        var warnings: [String] = []
        if protected == .bool(true), !(try context.inHub(org.name, child: childID, store: store)) {
            warnings.append(context.t("warn.consentNoEffect", childID.description, SyncStrings.visible(org.name, limit: 200)))
        }
        var values: [String: FieldValue] = [
            "child": .text(childID.description), "given_by": .text(givenBy), "organisation": .text(org.name),
            "tags": .text(Tag.listText(tags)), "purpose": purpose,
        ]
        if let until { values["until"] = .text(until.description) }
        try context.checkWrite(store, child: childID, recordType: "consent", fields: values.keys)
        warnings += try context.sameConsents(store, child: childID, organisation: org.name, tags: Set(tags))
        let written = values
        // The consent's own purpose is also the purpose of this edit.
        let id = try context.audited(store, as: editor, command: "consent grant", purpose: purpose.displayText, { () throws(StoreError) in
            try store.createRecord(type: "consent", values: written, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            draft.addWritten("consent", record: id, fields: written.filter { !$0.value.isNull }.keys)
        })
        if !org.checked { context.warn(context.t("warn.orgUnchecked", Format.line(org.name))) }
        for warning in warnings { context.warn(warning) }
        let sorted = Set(tags).sorted()
        if context.json {
            context.printJSON(["id": id.description, "child": childID.description, "organisation": org.name,
                               "given_by": givenBy, "tags": sorted.map(\.rawValue),
                               "until": until.map { $0.description } ?? NSNull(), "organisation_checked": org.checked,
                               "warnings": warnings])
        } else {
            let s = context.strings
            context.out(context.t("out.consentGranted", id.description, SyncStrings.visible(org.name, limit: 200),
                                  sorted.map { s.label("tag", $0.rawValue) }.joined(separator: ", "), childID.description,
                                  until.map { context.t("out.through", $0.description) } ?? context.t("out.untilRevoked")))
        }
    }
}

struct ConsentRevoke: Command {
    static let spec = CommandSpec(["consent", "revoke"], help: "consent.revoke", positionals: [("CONSENT", true)])
    let id: String
    init(_ arguments: ParsedArguments, _ context: Context) { id = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let record = try context.find(id, type: "consent", in: store)
        let consent = try context.store { () throws(StoreError) in try store.snapshot(record) }
        if consent.value("revoked") == .bool(true) {
            throw CLIError(.validation, context.t("error.alreadyRevoked", record.description))
        }
        let childID = try context.childOf(record, type: "consent", in: store)
        try context.checkWrite(store, child: childID, recordType: "consent", fields: ["revoked"])
        _ = try context.audited(store, as: editor, command: "consent revoke", { () throws(StoreError) in
            try store.set(record: record, field: "revoked", value: .bool(true), now: context.now)
        }, entry: { change, draft in draft.addChange(change) })
        if context.json {
            context.printJSON(["id": record.description, "revoked": true])
        } else {
            context.out(context.t("out.consentRevoked", record.description))
        }
    }
}

struct ConsentList: Command {
    static let spec = CommandSpec(["consent", "list"], help: "consent.list",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.hubChild")])
    let child: String

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child"], in: arguments)
        child = arguments.value("--child")!
    }

    /// `revoked` once revoked; `expired` after its last day (Swedish time); else `in_force`,
    /// or `access_ended` when the replica's access to the child has ended (a revocation by
    /// someone else was purged with the rest of their changes).
    static func state(_ consent: RecordSnapshot, today: CalendarDate, context: Context, accessEnded: Bool = false) -> String {
        if consent.value("revoked") == .bool(true) { return "revoked" }
        if let until = context.dateValue(consent.value("until")), until < today { return "expired" }
        return accessEnded ? "access_ended" : "in_force"
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        let today = context.swedishToday
        let ended = try context.accessEnded(store, child: childID)
        let order = ["in_force", "access_ended", "expired", "revoked"]
        let collation = context.collation
        let s = context.strings
        let tagLabels = { (record: RecordSnapshot) -> [String] in
            (Tag.list(record.value("tags").displayText ?? "") ?? []).map { s.label("tag", $0.rawValue) }
        }
        func row(_ record: RecordSnapshot, _ state: String) -> [String] {
            [record.id.description, Format.value(record.value("organisation"), field: "organisation", strings: s),
             tagLabels(record).joined(separator: ", "), s.label("giver", record.value("given_by").displayText ?? ""),
             record.value("until").displayText.map(Format.line) ?? context.t("out.untilRevoked"),
             s.label("consentstate", state),
             Format.truncated(Format.line(record.value("purpose").displayText ?? ""), to: 60)]
        }
        // Streams (issue 15): a first pass reads each consent in turn, fills the read-log
        // entry, measures its row and keeps only its id and sort key (state, organisation
        // the Swedish way, id); once the entry is written, each is read again and written.
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        var table = TableWriter(["id", s.field("organisation"), s.field("tags"), s.field("given_by"), s.field("until"),
                                 context.t("out.hubState"), s.field("purpose")])
        var draft = AuditDraft(user: reader.name, kind: "display", command: "consent list")
        draft.records.insert(childID)
        var keyed: [(id: RecordID, state: String, key: [UInt32])] = []
        try context.streamingRead(store) { () throws(CLIError) in
            var ids: [RecordID] = []
            try context.store { () throws(StoreError) in
                try store.forEachRecordID(ofType: "consent", child: childID, sortFields: [], orderBy: "a.record_id") { id, _ in
                    ids.append(id)
                    return true
                }
            }
            for id in ids {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                let state = Self.state(record, today: today, context: context, accessEnded: ended)
                draft.add(record, fields: ["organisation", "tags", "given_by", "until", "purpose", "revoked"])
                keyed.append((id, state, TextRules.collationKey(record.value("organisation").displayText ?? "", collation)))
                if !context.json { table.measure(row(record, state)) }
            }
        }
        keyed.sort { (a, b) -> Bool in
            if a.state != b.state { return (order.firstIndex(of: a.state) ?? 0) < (order.firstIndex(of: b.state) ?? 0) }
            if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
            return a.id < b.id
        }
        try context.logDisplay(store, as: reader, command: "consent list", collected: draft)
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                for item in keyed {
                    let record = try context.store { () throws(StoreError) in try snapshots.snapshot(item.id) }
                    writer.append(["id": record.id.description, "child": childID.description, "state": item.state,
                                   "given_by": Format.json(record.value("given_by")), "organisation": Format.json(record.value("organisation")),
                                   "tags": (Tag.list(record.value("tags").displayText ?? "") ?? []).map(\.rawValue),
                                   "purpose": Format.json(record.value("purpose")), "until": Format.json(record.value("until")),
                                   "revoked": record.value("revoked") == .bool(true)] as [String: Any])
                }
                writer.finish()
                return
            }
            if ended, !keyed.isEmpty { context.out(context.t("out.accessEndedNote", childID.description)) }
            if keyed.isEmpty {
                context.out(context.t(ended ? "out.consentsNotShared" : "out.noConsents"))
                return
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            for item in keyed {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(item.id) }
                table.write(row(record, item.state), to: lines)
            }
            lines.flush()
        }
    }
}


// MARK: Missing episodes

extension Context {
    /// The phone of this replica's organisation's active place in `child`'s hub, if recorded.
    func ownHubPhone(_ store: ReplicaStore, child: RecordID) throws(CLIError) -> String? {
        let own = try self.store { () throws(StoreError) in try store.originNames()[store.replicaID]?.organisation }
        guard let own else { return nil }
        let ended = try accessEnded(store, child: child)
        let members = try self.store { () throws(StoreError) in try store.records(ofType: "membership", child: child) }
        return members
            .filter { TextRules.foldKey($0.value("organisation").displayText ?? "") == TextRules.foldKey(own)
                && HubList.state($0, today: swedishToday, context: self, accessEnded: ended) == "active" }
            .compactMap { $0.value("phone").displayText }
            .first { !$0.isEmpty }
    }
}

struct MissingReport: Command {
    static let spec = CommandSpec(
        ["missing", "report"], help: "missing.report",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.hubChild"),
            OptionSpec("--last-seen-at", value: "TIME", help: "opt.lastSeenAt"),
            OptionSpec("--last-seen-place", value: "TEXT", help: "opt.lastSeenPlace"),
            OptionSpec("--circumstances", value: "TEXT", help: "opt.circumstances"),
            OptionSpec("--discovered-at", value: "TIME", help: "opt.discoveredAt"),
            OptionSpec("--discovered-by", value: "TEXT", help: "opt.discoveredBy"),
            OptionSpec("--reported-by", value: "TEXT", help: "opt.reportedBy"),
            OptionSpec("--contact-phone", value: "PHONE", help: "opt.contactPhone"),
        ])
    let child: String
    let lastSeen: TypedMoment
    let discovered: TypedMoment?
    let values: [String: FieldValue]

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child", "--last-seen-at", "--last-seen-place"], in: arguments)
        child = arguments.value("--child")!
        lastSeen = try context.moment(arguments.value("--last-seen-at")!, option: "--last-seen-at")
        discovered = try arguments.value("--discovered-at").map { (text) throws(CLIError) in
            try context.moment(text, option: "--discovered-at")
        }
        if let discovered {
            if discovered.moment.unixMilliseconds < lastSeen.moment.unixMilliseconds {
                throw CLIError(.validation, context.t("error.beforeLastSeen", "--discovered-at", discovered.moment.description,
                                                      lastSeen.moment.description))
            }
        }
        var values: [String: FieldValue] = [
            "last_seen_at": .text(lastSeen.moment.description),
            "last_seen_place": try context.text(arguments.value("--last-seen-place")!, option: "--last-seen-place",
                                                field: "last_seen_place", of: "missing"),
            // Only a person lowers it (`navet missing risk`), with a reason.
            "risk": .text("high"),
        ]
        if let discovered { values["discovered_at"] = .text(discovered.moment.description) }
        for (option, field) in [("--circumstances", "circumstances"), ("--discovered-by", "discovered_by"),
                                ("--reported-by", "reported_by"), ("--contact-phone", "contact_phone")] {
            if let input = arguments.value(option) {
                values[field] = try context.text(input, option: option, field: field, of: "missing")
            }
        }
        self.values = values
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        var values = self.values
        values["child"] = .text(childID.description)
        if values["reported_by"] == nil { values["reported_by"] = .text(context.fullName(editor)) }
        // The police are not sent the hub: the episode carries the number they call back on,
        // by default the phone of this organisation's place in the child's hub.
        if values["contact_phone"] == nil, let phone = try context.ownHubPhone(store, child: childID) {
            values["contact_phone"] = .text(phone)
        }
        try context.checkWrite(store, child: childID, recordType: "missing", fields: values.keys)
        if let birth = try context.birthDate(of: childID, in: store),
           let day = SwedishTime.date(at: lastSeen.moment.unixMilliseconds), day < birth {
            throw CLIError(.validation, context.t("error.timeBeforeBirth", "--last-seen-at", lastSeen.moment.description,
                                                  birth.description))
        }
        // Only an episode known to be open blocks a new report (`closingShared`).
        let known = try context.closingShared(store, child: childID)
        let episodes = try context.store { () throws(StoreError) in try store.records(ofType: "missing", child: childID) }
        // A new disappearance begins after the last one ended: last seen before an earlier
        // episode's finding, while that one was still going on, is the same disappearance
        // or a mistyped time.
        for episode in episodes {
            guard let from = episode.value("last_seen_at").displayText.flatMap(Timestamp.init(iso:)),
                  let found = episode.value("found_at").displayText.flatMap(Timestamp.init(iso:)),
                  lastSeen.moment.unixMilliseconds >= from.unixMilliseconds,
                  lastSeen.moment.unixMilliseconds < found.unixMilliseconds else { continue }
            throw CLIError(.validation, context.t("error.insideEpisode", lastSeen.moment.description, episode.id.description,
                                                  from.description, found.description))
        }
        let open = episodes.filter { $0.episodeOpen && known }
        if let episode = open.first {
            throw CLIError(.validation, context.t("error.openEpisode", childID.description, episode.id.description,
                                                  Format.line(episode.value("last_seen_at").displayText ?? "?"),
                                                  Format.line(episode.value("last_seen_place").displayText ?? "?")))
        }
        let written = values.filter { !$0.value.isNull }
        let id = try context.audited(store, as: editor, command: "missing report", { () throws(StoreError) in
            try store.createRecord(type: "missing", values: written, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            draft.addWritten("missing", record: id, fields: written.keys)
        })
        if written["contact_phone"] == nil { context.warn(context.t("warn.noContactPhone")) }
        let s = context.strings
        if context.json {
            context.printJSON(["id": id.description, "child": childID.description, "last_seen_at": lastSeen.moment.description,
                               "offset_minutes": lastSeen.moment.offsetMinutes, "read_as_swedish_time": lastSeen.typedLocal != nil,
                               "discovered_at": discovered.map { $0.moment.description as Any } ?? NSNull(),
                               "reported_by": written["reported_by"]?.displayText ?? "",
                               "contact_phone": written["contact_phone"]?.displayText as Any? ?? NSNull(), "risk": "high", "phase": "reported",
                               "checklist": Schema.missingCheckItems.map { ["item": $0, "text": s.label("checkitem", $0)] }])
            return
        }
        context.sayOffsets([lastSeen, discovered])
        context.out(context.t("out.missingReported", childID.description, id.description, lastSeen.moment.description,
                              Format.line(values["last_seen_place"]?.displayText ?? ""), s.label("risk", "high")))
        context.out(context.t("out.tellPolice", id.description))
        context.printChecklist(episode: id)
    }
}

struct MissingClose: Command {
    static let spec = CommandSpec(["missing", "close"], help: "missing.close",
                                  options: [OptionSpec("--reason", value: "TEXT", help: "opt.withdrawReason")],
                                  positionals: [("EPISODE", true)])
    let id: String
    let reason: FieldValue

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        guard let typed = arguments.value("--reason") else {
            throw CLIError(.usage, context.t("error.closeNeedsReason"), helpHint: true)
        }
        reason = try context.text(typed, option: "--reason", field: "withdrawn_reason", of: "missing")
        if reason.isNull { throw CLIError(.usage, context.t("error.closeNeedsReason"), helpHint: true) }
    }

    /// How long after a report it may still be withdrawn as a mistake: 24 hours, in
    /// milliseconds of elapsed time.
    static let withdrawWindow: Int64 = 24 * 3_600_000

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let record = try context.find(id, type: "missing", in: store)
        let episode = try context.store { () throws(StoreError) in try store.snapshot(record) }
        // A closed episode says so; one closed by a contested withdrawal is still open and
        // takes the next message.
        if !episode.episodeOpen, let closed = episode.value("closed_at").displayText {
            throw CLIError(.validation, context.t("error.alreadyClosed", record.description, Format.line(closed)))
        }
        // Withdrawing is for a report made by mistake, found out at once. Once the police
        // were told or the child was found, or a day after the report, the episode ends the
        // method's way: found, then the follow-up (never "came back by itself").
        if episode.value("police_notified_at") != .null || episode.value("found_at") != .null {
            throw CLIError(.validation, context.t("error.closeTooLatePolice", record.description))
        }
        if context.now - episode.createdAt > MissingClose.withdrawWindow {
            throw CLIError(.validation, context.t("error.closeTooLateDay", record.description))
        }
        let childID = episode.value("child").displayText.flatMap(RecordID.init(hex:))
        if let childID, try context.accessEnded(store, child: childID) {
            throw CLIError(.usage, context.t("error.closeAccessEnded", record.description, childID.description))
        }
        let closedAt = context.nowMoment.description
        let child = try context.childOf(record, type: "missing", in: store)
        try context.checkWrite(store, child: child, recordType: "missing", fields: ["closed_at", "withdrawn_reason"])
        let reason = self.reason
        _ = try context.audited(store, as: editor, command: "missing close", purpose: reason.displayText, { () throws(StoreError) in
            [try store.set(record: record, field: "withdrawn_reason", value: reason, now: context.now),
             try store.set(record: record, field: "closed_at", value: .text(closedAt), now: context.now)]
        }, entry: { changes, draft in
            draft.records.insert(child)
            for change in changes { draft.addChange(change) }
        })
        // Two organisations reporting offline at once leave two open episodes: name the rest.
        let others = try childID.map { (child) throws(CLIError) in
            try context.store { () throws(StoreError) in try store.records(ofType: "missing", child: child) }
                .filter { $0.id != record && $0.episodeOpen }
        } ?? []
        if context.json {
            context.printJSON(["id": record.description, "closed_at": closedAt, "withdrawn_reason": reason.displayText ?? "",
                               "phase": "withdrawn",
                               "still_open": others.map { ["id": $0.id.description,
                                                           "last_seen_at": Format.json($0.value("last_seen_at"))] }])
        } else {
            context.out(context.t("out.missingClosed", record.description, closedAt))
            if let childID, !others.isEmpty {
                let named = others.map { other in
                    other.id.description + " (" + context.t("out.lastSeenShort",
                                                            Format.line(other.value("last_seen_at").displayText ?? "?")) + ")"
                }
                context.out(context.t("out.otherOpen", childID.description, String(others.count), named.joined(separator: ", ")))
            }
        }
    }
}

struct MissingList: Command {
    /// The fields the table shows, and those `--json` gives.
    static let tableFields = ["child", "last_seen_at", "last_seen_place", "police_notified_at", "found_at", "risk", "closed_at"]
    static let jsonFields = ["child", "last_seen_at", "last_seen_place", "circumstances", "discovered_at", "reported_by", "contact_phone",
                             "police_notified_at", "police_reference", "risk", "found_at", "found_place", "follow_up_at",
                             "withdrawn_reason", "closed_at"]

    static let spec = CommandSpec(["missing", "list"], help: "missing.list",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.missingChild"),
                                            OptionSpec("--open", help: "opt.open")])
    let child: String?
    let onlyOpen: Bool

    init(_ arguments: ParsedArguments, _ context: Context) {
        child = arguments.value("--child")
        onlyOpen = arguments.has("--open")
    }

    /// What the list shows of one episode besides its own fields.
    struct Shown {
        let record: RecordSnapshot
        let state: String
        let name: String?
        let checks: [String: RecordSnapshot]
        let checklistShared: Bool
    }

    /// Streams (issue 15): a first pass reads each episode once and keeps its id, state and
    /// last-seen time (the order needs the state, which SQL cannot compute); sorted, a
    /// second pass reads each episode with its checklist for the read-log entry and the
    /// column widths; once the entry is written, a third writes each out. Memory holds
    /// three numbers per episode, not the episodes; the per-child answers are remembered
    /// for the latest children only.
    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try child.map { (text) throws(CLIError) in try context.find(text, type: "child", in: store) }
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        let order = ["open", "not_shared", "access_ended", "closed"]
        // An episode left open here after the replica's access to its child ended may have
        // been closed by others (their `closed_at` was purged): its state is unknown.
        // A member whose role does not read the search fields (a school) reports a child
        // missing but is not sent the episode's closing: open or closed is not known here.
        var perChild: [String: (ended: Bool, shared: Bool)] = [:]
        func state(_ record: RecordSnapshot) throws(CLIError) -> String {
            guard record.episodeOpen else { return "closed" }
            let child = record.value("child").displayText ?? ""
            let known: (ended: Bool, shared: Bool)
            if let cached = perChild[child] {
                known = cached
            } else {
                let id = RecordID(hex: child)
                known = (try id.map { (id) throws(CLIError) in try context.accessEnded(store, child: id) } ?? false,
                         try id.map { (id) throws(CLIError) in try context.closingShared(store, child: id) } ?? true)
                if perChild.count >= 1_000 { perChild.removeAll(keepingCapacity: true) }
                perChild[child] = known
            }
            if known.ended { return "access_ended" }
            return known.shared ? "open" : "not_shared"
        }
        var names: [String: String?] = [:]
        func shown(_ id: RecordID) throws(CLIError) -> Shown {
            let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
            let name = context.childName(of: record, snapshots, cache: &names)
            // The checklist's progress (the checks this replica holds). The checklist goes
            // where its tag goes (not to the police under the missing rule): where it is not
            // shared, its progress is unknown, not "0 done".
            var checks: [String: RecordSnapshot] = [:]
            var checklistShared = false
            if let child = record.value("child").displayText.flatMap(RecordID.init(hex:)) {
                checks = try context.checks(of: record.id, child: child, store: store)
                checklistShared = try context.reads(store, child: child, recordType: "missing_check", field: "item")
            }
            return Shown(record: record, state: try state(record), name: name, checks: checks, checklistShared: checklistShared)
        }
        let s = context.strings
        func row(_ item: Shown) -> [String] {
            let record = item.record
            let child = record.value("child").displayText ?? ""
            return [record.id.description, item.name.map(Format.line) ?? child + " " + context.t("out.nameNotShared"),
                    s.label("phase", MissingPhase.of(record)),
                    Format.line(record.value("last_seen_at").displayText ?? "–"),
                    Format.truncated(Format.line(record.value("last_seen_place").displayText ?? "–"), to: 40),
                    Format.line(record.value("police_notified_at").displayText ?? "–"),
                    Format.line(record.value("found_at").displayText ?? "–"),
                    Format.value(record.value("risk"), field: "risk", strings: s),
                    item.checklistShared ? "\(item.checks.count)/\(Schema.missingCheckItems.count)" : "–",
                    s.label("missingstate", item.state),
                    // An episode open under `EpisodeRules` (a contested withdrawal) shows no closing.
                    record.episodeOpen ? "" : Format.line(record.value("closed_at").displayText ?? "")]
        }
        var table = TableWriter(["id", context.t("out.child"), context.t("out.phase"), s.field("last_seen_at"),
                                 s.field("last_seen_place"), s.field("police_notified_at"), s.field("found_at"),
                                 s.field("risk"), context.t("out.checklist"), context.t("out.hubState"), s.field("closed_at")])
        var listed: [(id: RecordID, state: Int, seen: Int64)] = []
        var draft = AuditDraft(user: reader.name, kind: "display", command: "missing list")
        if let childID { draft.records.insert(childID) }
        try context.streamingRead(store) { () throws(CLIError) in
            var ids: [RecordID] = []
            try context.store { () throws(StoreError) in
                try store.forEachRecordID(ofType: "missing", child: childID, sortFields: [], orderBy: "a.record_id") { id, _ in
                    ids.append(id)
                    return true
                }
            }
            for id in ids {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                guard !onlyOpen || record.episodeOpen else { continue }
                let seen = Timestamp(iso: record.value("last_seen_at").displayText ?? "")?.unixMilliseconds ?? Int64.min
                listed.append((id, order.firstIndex(of: try state(record)) ?? 0, seen))
            }
            listed.sort { (a, b) -> Bool in
                if a.state != b.state { return a.state < b.state }
                if a.seen != b.seen { return a.seen > b.seen }
                return a.id < b.id
            }
            let fields = context.json ? Self.jsonFields : Self.tableFields
            for entry in listed {
                let item = try shown(entry.id)
                draft.add(item.record, fields: fields)
                for check in item.checks.values { draft.add(check, fields: ["item"]) }
                if item.name != nil { context.logName(of: item.record, in: &draft) }
                if !context.json { table.measure(row(item)) }
            }
        }
        try context.logDisplay(store, as: reader, command: "missing list", collected: draft)
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                for entry in listed {
                    let item = try shown(entry.id)
                    let record = item.record
                    let child = record.value("child").displayText ?? ""
                    var object: [String: Any] = ["id": record.id.description, "child": child,
                                                 "child_name": item.name ?? NSNull(),
                                                 "state": item.state, "phase": MissingPhase.of(record),
                                                 "checklist_done": item.checklistShared ? item.checks.count as Any : NSNull(),
                                                 "checklist_total": Schema.missingCheckItems.count]
                    for name in Self.jsonFields where name != "child" {
                        object[name] = Format.json(record.value(name))
                    }
                    writer.append(object)
                }
                writer.finish()
                return
            }
            if listed.isEmpty {
                context.out(context.t(onlyOpen ? "out.noOpenMissing" : "out.noMissing"))
                return
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            // Several open episodes of one child (offline reports at the same time): said
            // after the table. Open episodes are few: they are kept.
            var openByChild: [String: (name: String?, ids: [String])] = [:]
            for entry in listed {
                let item = try shown(entry.id)
                table.write(row(item), to: lines)
                if item.state == "open" {
                    let child = item.record.value("child").displayText ?? ""
                    openByChild[child, default: (item.name, [])].ids.append(item.record.id.description)
                }
            }
            lines.flush()
            let police = try context.ownKind(store) == OrganisationKind.police.rawValue
            for (child, open) in openByChild.sorted(by: { $0.key < $1.key }) where open.ids.count > 1 {
                context.out(context.t(police ? "out.severalOpenPolice" : "out.severalOpen", open.name.map(Format.line) ?? child,
                                      String(open.ids.count),
                                      open.ids.joined(separator: ", ")))
            }
        }
    }
}
