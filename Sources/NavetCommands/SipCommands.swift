import Foundation
import NavetCore
import NavetStore

// The coordinated individual plan (SIP, issue 14 point 3): `navet sip create | consent |
// show | list | item add | item done | follow-up`. A plan without recorded consent is a
// draft: its values, and its items', are written under `internal`, which never leaves the
// author's organisation; attaching consent writes the current values again under their
// ordinary tag (`case`) with the status `agreed`, and the hub receives them at the next sync.

/// Rules of a plan that involve more than one field.
enum SipRules {
    /// Whether a plan is a draft: anything but `agreed` (a plan whose status this replica
    /// does not hold is not known to be agreed).
    static func isDraft(_ plan: RecordSnapshot) -> Bool { plan.value("status").displayText != "agreed" }

    /// The tag a new value of a record of `plan` is written under: `internal` for a draft,
    /// else nil (the field's default tag).
    static func tag(for plan: RecordSnapshot) -> Tag? { isDraft(plan) ? .internal : nil }
}

extension Context {
    /// An organisation or other actor typed for `option`: the directory's spelling when it
    /// names one (`TextRules.nameKey`, as `organisation`), else the name as typed, with a
    /// warning (a measure may be taken by an actor outside Navet). Ambiguous is refused.
    func actor(_ typed: String, option: String, field: FieldSchema, store: ReplicaStore) throws(CLIError) -> (name: String, warning: String?) {
        guard !TextRules.nameKey(typed).isEmpty else { throw CLIError(.validation, t("error.orgNameEmpty", option)) }
        guard case .text(let text) = try parse(typed, field: field, option: option) else {
            throw CLIError(.validation, describe(SchemaError.required(field: field.name), option: option))
        }
        let directory = try self.store { () throws(StoreError) in try store.originNames() }
        let known = Set(directory.values.map(\.organisation))
            .sorted { TextRules.collationKey($0, .swedish).lexicographicallyPrecedes(TextRules.collationKey($1, .swedish)) }
        switch TextRules.match(text, among: known.map { (value: $0, words: [$0]) }, key: TextRules.nameKey) {
        case .exact(let match), .folded(let match): return (match, nil)
        case .ambiguous(let candidates): throw didYouMean(option, text, candidates)
        case .none:
            // Before the first sync the directory holds only this replica's own entry.
            let synced = directory.keys.contains { $0 != store.replicaID }
            return (text, t(synced ? "warn.sipActorUnknown" : "warn.orgUnchecked", Format.line(text)))
        }
    }

    /// An item's kind as people type it (`insats`, `åtgärd`, any case and form).
    func sipItemKind(_ typed: String) throws(CLIError) -> String {
        switch Strings.match(typed, among: Schema.sipItemKinds, kind: "sipkind", extra: SipStrings.synonyms) {
        case .exact(let code), .folded(let code): return code
        case .ambiguous(let codes): throw didYouMean("--kind", typed, codes.map { strings.label("sipkind", $0) })
        case .none: throw CLIError(.validation, t("error.sipBadKind", Format.line(typed)))
        }
    }

    /// The consent `typed` names, checked to be about `child` and in force.
    func sipConsent(_ typed: String, child: RecordID, store: ReplicaStore) throws(CLIError) -> RecordSnapshot {
        let id = try find(typed, type: "consent", in: store)
        let consent = try self.store { () throws(StoreError) in try store.snapshot(id) }
        let about = consent.value("child").displayText ?? "?"
        guard about == child.description else {
            throw CLIError(.validation, t("error.sipConsentOtherChild", id.description, Format.line(about), child.description))
        }
        let state = ConsentList.state(consent, today: swedishToday, context: self,
                                      accessEnded: try accessEnded(store, child: child))
        guard state == "in_force" else {
            throw CLIError(.validation, t("error.sipConsentNotInForce", id.description, strings.label("consentstate", state)))
        }
        return consent
    }

    /// A warning when `consent` does not cover `case`, the plan's tag: the organisation it
    /// names does not receive the plan by it (the plan still rests on it).
    func sipConsentScopeWarning(_ consent: RecordSnapshot) -> String? {
        let tags = Tag.list(consent.value("tags").displayText ?? "") ?? []
        guard !tags.contains(.care) else { return nil }
        return t("warn.sipConsentScope", consent.id.description,
                 SyncStrings.visible(consent.value("organisation").displayText ?? "?", limit: 200),
                 strings.label("tag", Tag.care.rawValue))
    }

    /// A planned day typed for `option`: not in the past, not too far ahead.
    func plannedDay(_ day: CalendarDate, option: String) throws(CLIError) {
        let today = swedishToday
        if day < today { throw CLIError(.validation, t("error.sipPastDate", option, day.description, today.description)) }
        try checkPlausible(day, option: option, birth: nil)
    }

    /// The plan a record id names, and the child it is about.
    func sipPlan(_ typed: String, store: ReplicaStore) throws(CLIError) -> (plan: RecordSnapshot, child: RecordID) {
        let id = try find(typed, type: "sip", in: store)
        let plan = try self.store { () throws(StoreError) in try store.snapshot(id) }
        guard let child = plan.value("child").displayText.flatMap(RecordID.init(hex:)) else {
            throw CLIError(.validation, t("error.sipNoChild", id.description))
        }
        return (plan, child)
    }

    /// A plan's status for lists and the case page: `draft`, `agreed`, or `lapsed` (agreed,
    /// but its consent was revoked or has expired).
    func sipStatus(_ plan: RecordSnapshot, store: ReplicaStore) throws(CLIError) -> String {
        if SipRules.isDraft(plan) { return "draft" }
        return try SipView.load(plan, context: self, store: store).lapsedConsent == nil ? "agreed" : "lapsed"
    }

    /// Refuses to add to an agreed plan whose consent was revoked or has expired: nothing
    /// new is shared under a consent that no longer holds (OSL 12:2). A new consent,
    /// attached with `navet sip consent`, lets the plan go on.
    func refuseLapsedConsent(_ plan: RecordSnapshot, store: ReplicaStore) throws(CLIError) {
        guard let lapsed = try SipView.load(plan, context: self, store: store).lapsedConsent else { return }
        throw CLIError(.validation, t("error.sipConsentLapsed", plan.id.description, strings.label("consentstate", lapsed)))
    }

    /// The items of `plan` this replica holds.
    func sipItems(of plan: RecordID, child: RecordID, store: ReplicaStore) throws(CLIError) -> [RecordSnapshot] {
        try self.store { () throws(StoreError) in try store.records(ofType: "sip_item", child: child) }
            .filter { $0.value("sip").displayText == plan.description }
    }
}

// MARK: create

struct SipCreate: Command {
    static let schema = Schema.current.recordType("sip")!
    static let spec = CommandSpec(
        ["sip", "create"], help: "sip.create",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.sipChild"),
            OptionSpec("--needs", value: "TEXT", help: "opt.needs"),
            OptionSpec("--responsible", value: "ORG", help: "opt.responsible"),
            OptionSpec("--participants", value: "TEXT", help: "opt.participants"),
            OptionSpec("--consent", value: "CONSENT", help: "opt.sipConsent"),
            OptionSpec("--next-follow-up", value: "YYYY-MM-DD", help: "opt.nextFollowUp"),
        ])
    let child: String
    let values: [String: FieldValue]
    let responsible: String?
    let consent: String?
    let next: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child", "--needs"], in: arguments)
        child = arguments.value("--child")!
        var values: [String: FieldValue] = [
            "needs": try context.text(arguments.value("--needs")!, option: "--needs", field: "needs", of: "sip"),
        ]
        if let input = arguments.value("--participants") {
            values["participants"] = try context.text(input, option: "--participants", field: "participants", of: "sip")
        }
        self.values = values
        responsible = arguments.value("--responsible")
        consent = arguments.value("--consent")
        next = try arguments.value("--next-follow-up").map { (text) throws(CLIError) in
            try context.date(text, option: "--next-follow-up", field: "next_follow_up", of: "sip")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        if let next { try context.plannedDay(next, option: "--next-follow-up") }
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        var values = self.values
        values["child"] = .text(childID.description)
        var warnings: [String] = []
        if let responsible {
            let actor = try context.actor(responsible, option: "--responsible", field: Self.schema.field("responsible")!, store: store)
            values["responsible"] = .text(actor.name)
            if let warning = actor.warning { warnings.append(warning) }
        }
        let consentRecord = try consent.map { (typed) throws(CLIError) in try context.sipConsent(typed, child: childID, store: store) }
        if let consentRecord {
            values["consent"] = .text(consentRecord.id.description)
            if let warning = context.sipConsentScopeWarning(consentRecord) { warnings.append(warning) }
        }
        if let next { values["next_follow_up"] = .text(next.description) }
        let status = consentRecord == nil ? "draft" : "agreed"
        values["status"] = .text(status)
        // A draft never leaves its organisation: every value under `internal`.
        let tag: Tag? = consentRecord == nil ? .internal : nil
        try context.checkWrite(store, child: childID, recordType: "sip", fields: values.keys, tag: tag)
        let written = values
        let id = try context.audited(store, as: editor, command: "sip create", { () throws(StoreError) in
            try store.createRecord(type: "sip", values: written, tag: tag, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            if let consentRecord { draft.records.insert(consentRecord.id) }
            draft.addWritten("sip", record: id, fields: written.keys, tag: tag)
        })
        for warning in warnings { context.warn(warning) }
        if context.json {
            context.printJSON(["id": id.description, "child": childID.description, "status": status, "draft": tag != nil,
                               "consent": consentRecord.map { $0.id.description } ?? NSNull(),
                               "responsible": Format.json(values["responsible"] ?? .null),
                               "next_follow_up": next.map { $0.description } ?? NSNull(), "warnings": warnings])
            return
        }
        context.out(context.t("out.sipCreated", id.description, childID.description, context.strings.label("sipstatus", status)))
        if tag != nil { context.out(context.t("out.sipDraftNote", id.description)) }
    }
}

// MARK: consent

struct SipConsent: Command {
    static let spec = CommandSpec(["sip", "consent"], help: "sip.consent", positionals: [("SIP", true), ("CONSENT", true)])
    let plan: String
    let consent: String

    init(_ arguments: ParsedArguments, _ context: Context) {
        plan = arguments.positionals[0]
        consent = arguments.positionals.count > 1 ? arguments.positionals[1] : ""
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (plan, childID) = try context.sipPlan(self.plan, store: store)
        let consentRecord = try context.sipConsent(consent, child: childID, store: store)
        let items = try context.sipItems(of: plan.id, child: childID, store: store)
        // An agreed plan whose consent is still in force keeps it; one whose consent was
        // revoked or expired may rest on a new one. Given its own consent again, it shares
        // what is still `internal` (an item another replica of the organisation added to
        // the draft while it was being agreed).
        if !SipRules.isDraft(plan), let current = plan.value("consent").displayText,
           let currentID = RecordID(hex: current), (try? context.sipConsent(current, child: childID, store: store)) != nil {
            let leftover = ([plan] + items).contains { $0.fields.contains { $0.change.tag == .internal } }
            guard leftover, currentID == consentRecord.id else {
                throw CLIError(.validation, context.t("error.sipAlreadyAgreed", plan.id.description, currentID.description))
            }
        }
        // Every current value again under its ordinary tag, then the consent and status.
        var rewrites: [(record: RecordID, field: String, value: FieldValue, tag: Tag)] = []
        let planSchema = Schema.current.recordType("sip")!
        for field in plan.fields where !["consent", "status"].contains(field.name) && !field.value.isNull {
            guard let schema = planSchema.field(field.name) else { continue }
            rewrites.append((plan.id, field.name, field.value, schema.defaultTag))
        }
        rewrites.append((plan.id, "consent", .text(consentRecord.id.description), planSchema.field("consent")!.defaultTag))
        rewrites.append((plan.id, "status", .text("agreed"), planSchema.field("status")!.defaultTag))
        let itemSchema = Schema.current.recordType("sip_item")!
        for item in items {
            for field in item.fields where !field.value.isNull {
                guard let schema = itemSchema.field(field.name) else { continue }
                rewrites.append((item.id, field.name, field.value, schema.defaultTag))
            }
        }
        try context.checkWrite(store, child: childID, recordType: "sip", fields: Set(rewrites.filter { $0.record == plan.id }.map(\.field)))
        if !items.isEmpty {
            try context.checkWrite(store, child: childID, recordType: "sip_item",
                                   fields: Set(rewrites.filter { $0.record != plan.id }.map(\.field)))
        }
        let changes = try context.audited(store, as: editor, command: "sip consent", { () throws(StoreError) -> [Change] in
            var changes: [Change] = []
            for rewrite in rewrites {
                if let change = try store.set(record: rewrite.record, field: rewrite.field, value: rewrite.value,
                                              tag: rewrite.tag, now: context.now) {
                    changes.append(change)
                }
            }
            return changes
        }, entry: { changes, draft in
            draft.records.insert(childID)
            draft.records.insert(consentRecord.id)
            for change in changes { draft.add(change) }
        })
        if let warning = context.sipConsentScopeWarning(consentRecord) { context.warn(warning) }
        if context.json {
            context.printJSON(["id": plan.id.description, "child": childID.description, "consent": consentRecord.id.description,
                               "status": "agreed", "items": items.count, "changes": changes.count])
        } else {
            context.out(context.t("out.sipAgreed", plan.id.description, consentRecord.id.description, String(items.count)))
        }
    }
}

// MARK: items

struct SipItemAdd: Command {
    static let schema = Schema.current.recordType("sip_item")!
    static let spec = CommandSpec(
        ["sip", "item", "add"], help: "sip.item.add",
        options: [
            OptionSpec("--kind", value: "intervention|measure", help: "opt.sipKind"),
            OptionSpec("--what", value: "TEXT", help: "opt.what"),
            OptionSpec("--principal", value: "ORG", help: "opt.principal"),
            OptionSpec("--due", value: "YYYY-MM-DD", help: "opt.due"),
        ],
        positionals: [("SIP", true)])
    let plan: String
    let kind: String
    let what: FieldValue
    let principal: String
    let due: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--kind", "--what", "--principal"], in: arguments)
        plan = arguments.positionals[0]
        kind = try context.sipItemKind(arguments.value("--kind")!)
        what = try context.text(arguments.value("--what")!, option: "--what", field: "what", of: "sip_item")
        principal = arguments.value("--principal")!
        due = try arguments.value("--due").map { (text) throws(CLIError) in
            try context.date(text, option: "--due", field: "due", of: "sip_item")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        if let due { try context.checkPlausible(due, option: "--due", birth: nil) }
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (plan, childID) = try context.sipPlan(self.plan, store: store)
        try context.refuseLapsedConsent(plan, store: store)
        let actor = try context.actor(principal, option: "--principal", field: Self.schema.field("principal")!, store: store)
        var values: [String: FieldValue] = [
            "child": .text(childID.description), "sip": .text(plan.id.description), "kind": .text(kind),
            "what": what, "principal": .text(actor.name),
        ]
        if let due { values["due"] = .text(due.description) }
        let tag = SipRules.tag(for: plan)
        try context.checkWrite(store, child: childID, recordType: "sip_item", fields: values.keys, tag: tag)
        let written = values
        let id = try context.audited(store, as: editor, command: "sip item add", { () throws(StoreError) in
            try store.createRecord(type: "sip_item", values: written, tag: tag, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            draft.records.insert(plan.id)
            draft.addWritten("sip_item", record: id, fields: written.keys, tag: tag)
        })
        if let warning = actor.warning { context.warn(warning) }
        if context.json {
            context.printJSON(["id": id.description, "sip": plan.id.description, "child": childID.description, "kind": kind,
                               "principal": actor.name, "principal_in_directory": actor.warning == nil,
                               "due": due.map { $0.description } ?? NSNull(), "draft": tag != nil])
            return
        }
        let s = context.strings
        context.out(context.t("out.sipItemAdded", s.label("sipkind", kind), id.description, plan.id.description,
                              SyncStrings.visible(actor.name, limit: 200),
                              due.map { context.t("out.sipItemDue", $0.description) } ?? context.t("out.sipItemNoDue")))
        if tag != nil { context.out(context.t("out.sipItemDraft")) }
    }
}

struct SipItemDone: Command {
    static let spec = CommandSpec(["sip", "item", "done"], help: "sip.item.done", positionals: [("ITEM", true)])
    let item: String
    init(_ arguments: ParsedArguments, _ context: Context) { item = arguments.positionals[0] }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let id = try context.find(item, type: "sip_item", in: store)
        let record = try context.store { () throws(StoreError) in try store.snapshot(id) }
        if let done = record.value("done_at").displayText {
            throw CLIError(.validation, context.t("error.sipItemAlreadyDone", id.description, Format.line(done)))
        }
        let (plan, childID) = try context.sipPlan(record.value("sip").displayText ?? "", store: store)
        let tag = SipRules.tag(for: plan)
        try context.checkWrite(store, child: childID, recordType: "sip_item", fields: ["done_at"], tag: tag)
        let doneAt = Timestamp(swedishTimeAt: context.now / 1000 * 1000).description
        _ = try context.audited(store, as: editor, command: "sip item done", { () throws(StoreError) in
            try store.set(record: id, field: "done_at", value: .text(doneAt), tag: tag, now: context.now)
        }, entry: { change, draft in
            draft.records.insert(childID)
            draft.addChange(change)
        })
        if context.json {
            context.printJSON(["id": id.description, "sip": plan.id.description, "done_at": doneAt, "draft": tag != nil])
        } else {
            context.out(context.t("out.sipItemDone", id.description, plan.id.description, doneAt))
        }
    }
}

// MARK: follow-up

struct SipFollowUp: Command {
    static let spec = CommandSpec(
        ["sip", "follow-up"], help: "sip.follow-up",
        options: [
            OptionSpec("--date", value: "YYYY-MM-DD", help: "opt.followUpDate"),
            OptionSpec("--text", value: "TEXT", help: "opt.followUpText"),
            OptionSpec("--next", value: "YYYY-MM-DD", help: "opt.next"),
        ],
        positionals: [("SIP", true)])
    let plan: String
    let date: CalendarDate
    let text: FieldValue
    let next: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--date", "--text"], in: arguments)
        plan = arguments.positionals[0]
        date = try context.date(arguments.value("--date")!, option: "--date", field: "date", of: "sip_follow_up")
        text = try context.text(arguments.value("--text")!, option: "--text", field: "text", of: "sip_follow_up")
        next = try arguments.value("--next").map { (input) throws(CLIError) in
            try context.date(input, option: "--next", field: "next_follow_up", of: "sip_follow_up")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let today = context.swedishToday
        try context.checkPlausible(date, option: "--date", birth: nil)
        if date > today { throw CLIError(.validation, context.t("error.sipFutureDate", "--date", date.description, today.description)) }
        if let next {
            if next <= date { throw CLIError(.validation, context.t("error.sipNextNotAfter", next.description, date.description)) }
            try context.plannedDay(next, option: "--next")
        }
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (plan, childID) = try context.sipPlan(self.plan, store: store)
        if SipRules.isDraft(plan) { throw CLIError(.validation, context.t("error.sipFollowUpDraft", plan.id.description)) }
        try context.refuseLapsedConsent(plan, store: store)
        if let birth = try context.birthDate(of: childID, in: store), date < birth {
            throw CLIError(.validation, context.t("error.dateBeforeBirth", "--date", date.description, birth.description))
        }
        var values: [String: FieldValue] = [
            "child": .text(childID.description), "sip": .text(plan.id.description), "date": .text(date.description), "text": text,
        ]
        if let next { values["next_follow_up"] = .text(next.description) }
        // The plan's next follow-up: the new one, or none once a planned one was held.
        var planned: FieldValue?
        if let next {
            planned = .text(next.description)
        } else if let current = context.dateValue(plan.value("next_follow_up")), current <= date {
            planned = .null
        }
        try context.checkWrite(store, child: childID, recordType: "sip_follow_up", fields: values.keys)
        if planned != nil { try context.checkWrite(store, child: childID, recordType: "sip", fields: ["next_follow_up"]) }
        let written = values
        let (id, change) = try context.audited(store, as: editor, command: "sip follow-up", { () throws(StoreError) -> (RecordID, Change?) in
            let id = try store.createRecord(type: "sip_follow_up", values: written, now: context.now)
            let change = try planned.flatMap { (value) throws(StoreError) in
                try store.set(record: plan.id, field: "next_follow_up", value: value, now: context.now)
            }
            return (id, change)
        }, entry: { result, draft in
            draft.records.insert(childID)
            draft.addWritten("sip_follow_up", record: result.0, fields: written.keys)
            draft.addChange(result.1)
        })
        let shownNext = (planned ?? plan.value("next_follow_up")).displayText
        if context.json {
            context.printJSON(["id": id.description, "sip": plan.id.description, "date": date.description,
                               "next_follow_up": shownNext.map { $0 as Any } ?? NSNull(), "plan_changed": change != nil])
        } else {
            context.out(context.t("out.sipFollowedUp", id.description, plan.id.description, date.description,
                                  shownNext.map(Format.line) ?? context.t("out.sipNoNext")))
        }
    }
}

// MARK: show and list

/// What one plan shows: the plan, its child's name, its consent, items and follow-ups,
/// as this replica holds them.
struct SipView {
    let plan: RecordSnapshot
    let child: RecordID
    let childName: String?
    let consent: RecordSnapshot?
    let consentState: String?
    let items: [RecordSnapshot]
    let followUps: [RecordSnapshot]

    var isDraft: Bool { SipRules.isDraft(plan) }

    /// Whether an item is still a draft: written under `internal` (the plan was a draft
    /// when it was added), so it has not left the organisation.
    static func itemIsDraft(_ item: RecordSnapshot) -> Bool { item.field("what")?.change.tag == .internal }

    /// The state of the consent of an agreed plan when it no longer holds (`revoked`,
    /// `expired`), else nil: the plan needs a new consent.
    var lapsedConsent: String? {
        guard !isDraft, let consentState, ["revoked", "expired"].contains(consentState) else { return nil }
        return consentState
    }
    var interventions: [RecordSnapshot] { items.filter { $0.value("kind").displayText == "intervention" } }
    var measures: [RecordSnapshot] { items.filter { $0.value("kind").displayText != "intervention" } }

    /// The fields each record type shows (and the read audit logs).
    static let planFields = ["child", "needs", "responsible", "participants", "consent", "next_follow_up", "status"]
    static let itemFields = ["kind", "what", "principal", "due", "done_at"]
    static let followUpFields = ["date", "text", "next_follow_up"]
    static let consentFields = ["given_by", "organisation", "tags", "purpose", "until", "revoked"]

    static func load(_ plan: RecordSnapshot, context: Context, store: ReplicaStore) throws(CLIError) -> SipView {
        guard let child = plan.value("child").displayText.flatMap(RecordID.init(hex:)) else {
            throw CLIError(.validation, context.t("error.sipNoChild", plan.id.description))
        }
        let name = (try? store.snapshot(child))?.value("name").displayText
        var consent: RecordSnapshot?
        var state: String?
        if let id = plan.value("consent").displayText.flatMap(RecordID.init(hex:)),
           let record = try? store.snapshot(id), !record.fields.isEmpty {
            consent = record
            state = ConsentList.state(record, today: context.swedishToday, context: context,
                                      accessEnded: try context.accessEnded(store, child: child))
        }
        let kindOrder = { (record: RecordSnapshot) -> Int in record.value("kind").displayText == "intervention" ? 0 : 1 }
        let items = try context.sipItems(of: plan.id, child: child, store: store).sorted { a, b in
            if kindOrder(a) != kindOrder(b) { return kindOrder(a) < kindOrder(b) }
            let dueA = a.value("due").displayText ?? "9999", dueB = b.value("due").displayText ?? "9999"
            if dueA != dueB { return dueA < dueB }
            return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id
        }
        let followUps = try context.store { () throws(StoreError) in try store.records(ofType: "sip_follow_up", child: child) }
            .filter { $0.value("sip").displayText == plan.id.description }
            .sorted { ($0.value("date").displayText ?? "", $0.id) > ($1.value("date").displayText ?? "", $1.id) }
        return SipView(plan: plan, child: child, childName: name, consent: consent, consentState: state, items: items,
                       followUps: followUps)
    }

    /// Adds everything this view shows to a read-audit entry.
    func log(_ draft: inout AuditDraft) {
        draft.records.insert(child)
        draft.add(plan, fields: Self.planFields)
        if childName != nil {
            draft.fields.insert("child.name")
            draft.insertTag(ChildAdd.childSchema.field("name")!.defaultTag.rawValue)
        }
        if let consent { draft.add(consent, fields: Self.consentFields) }
        for item in items { draft.add(item, fields: Self.itemFields) }
        for followUp in followUps { draft.add(followUp, fields: Self.followUpFields) }
    }

    /// The consent as one line of text for people.
    func consentText(_ s: Strings) -> String {
        guard let consent else {
            if let id = plan.value("consent").displayText { return s.t("out.sipConsentNotHeld", Format.line(id)) }
            return s.t("out.sipConsentNone")
        }
        let tags = (Tag.list(consent.value("tags").displayText ?? "") ?? []).map { s.label("tag", $0.rawValue) }
        return s.t("out.sipConsentLine", s.label("giver", consent.value("given_by").displayText ?? ""),
                   Timestamp(swedishTimeAt: consent.createdAt / 1000 * 1000).description,
                   Format.line(consent.value("organisation").displayText ?? "–"), tags.joined(separator: ", "),
                   Format.line(consent.value("purpose").displayText ?? "–"),
                   consent.value("until").displayText.map { s.t("out.through", Format.line($0)) } ?? s.t("out.untilRevoked"),
                   s.label("consentstate", consentState ?? "in_force"))
    }

    func json() -> [String: Any] {
        var object: [String: Any] = ["id": plan.id.description, "child": child.description, "child_name": childName ?? NSNull(),
                                     "status": isDraft ? "draft" : lapsedConsent != nil ? "consent_lapsed" : "agreed", "draft": isDraft,
                                     "consent_lapsed": lapsedConsent != nil]
        for name in ["needs", "responsible", "participants", "next_follow_up"] { object[name] = Format.json(plan.value(name)) }
        if let consent {
            object["consent"] = [
                "id": consent.id.description, "given_by": Format.json(consent.value("given_by")),
                "given_at": Timestamp(swedishTimeAt: consent.createdAt / 1000 * 1000).description,
                "organisation": Format.json(consent.value("organisation")),
                "tags": (Tag.list(consent.value("tags").displayText ?? "") ?? []).map(\.rawValue),
                "purpose": Format.json(consent.value("purpose")), "until": Format.json(consent.value("until")),
                "state": consentState ?? "in_force",
            ] as [String: Any]
        } else if let id = plan.value("consent").displayText {
            object["consent"] = ["id": id, "held": false] as [String: Any]
        } else {
            object["consent"] = NSNull()
        }
        object["items"] = items.map { item -> [String: Any] in
            var row: [String: Any] = ["id": item.id.description, "draft": Self.itemIsDraft(item)]
            for name in Self.itemFields { row[name] = Format.json(item.value(name)) }
            return row
        }
        object["follow_ups"] = followUps.map { followUp -> [String: Any] in
            var row: [String: Any] = ["id": followUp.id.description]
            for name in Self.followUpFields { row[name] = Format.json(followUp.value(name)) }
            return row
        }
        return object
    }

    /// The plan as text for a terminal.
    func text(_ context: Context) -> String {
        let s = context.strings
        var lines: [String] = []
        let who = childName.map(Format.line) ?? (child.description + " " + context.t("out.sipNameNotShared"))
        lines.append(context.t("out.sipHeading", plan.id.description, who))
        if isDraft { lines.append(context.t("out.sipDraftBanner", plan.id.description)) }
        if let lapsedConsent {
            lines.append(context.t("out.sipConsentLapsed", s.label("consentstate", lapsedConsent), plan.id.description))
        }
        lines.append(Format.fields([
            (s.field("status"), s.label("sipstatus", isDraft ? "draft" : lapsedConsent != nil ? "lapsed" : "agreed")),
            (s.field("needs"), Format.block(plan.value("needs").displayText ?? "–")),
            (s.field("responsible"), Format.line(plan.value("responsible").displayText ?? "–")),
            (s.field("participants"), Format.line(plan.value("participants").displayText ?? "–")),
            (s.field("consent"), consentText(s)),
            (s.field("next_follow_up"), Format.line(plan.value("next_follow_up").displayText ?? "–")),
        ]))
        for (heading, list) in [("out.sipInterventions", interventions), ("out.sipMeasures", measures)] {
            lines.append("")
            lines.append(context.t(heading) + ":")
            if list.isEmpty {
                lines.append("  " + context.t("out.sipNoItems"))
                continue
            }
            // An intervention's principal answers for it (huvudman); a measure's is the actor doing it.
            let who = heading == "out.sipInterventions" ? s.field("principal") : context.t("out.sipActor")
            lines.append(Format.table(["id", s.field("what"), who, s.field("due"), s.field("done_at")], list.map { item in
                [item.id.description, Format.truncated(Format.line(item.value("what").displayText ?? ""), to: 60)
                    + (!isDraft && Self.itemIsDraft(item) ? " " + context.t("out.sipItemNotShared", plan.id.description) : ""),
                 Format.line(item.value("principal").displayText ?? "–"), Format.line(item.value("due").displayText ?? "–"),
                 Format.line(item.value("done_at").displayText ?? "–")]
            }))
        }
        lines.append("")
        lines.append(context.t("out.sipFollowUps") + ":")
        if followUps.isEmpty {
            lines.append("  " + context.t("out.sipNoItems"))
        } else {
            lines.append(Format.table([s.field("date"), s.field("next_follow_up"), s.field("text")], followUps.map { row in
                [Format.line(row.value("date").displayText ?? "–"), Format.line(row.value("next_follow_up").displayText ?? "–"),
                 Format.truncated(Format.line(row.value("text").displayText ?? ""), to: 70)]
            }))
        }
        return lines.joined(separator: "\n")
    }
}

struct SipShow: Command {
    static let spec = CommandSpec(
        ["sip", "show"], help: "sip.show",
        options: [OptionSpec("--child", value: "ID", help: "opt.sipChild"), OptionSpec("--html", value: "FILE", help: "opt.html"),
                  forceOption],
        positionals: [("SIP", false)])
    let plan: String?
    let child: String?
    let html: String?
    let force: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        plan = arguments.positionals.first
        child = arguments.value("--child")
        guard (plan == nil) != (child == nil) else { throw CLIError(.usage, context.t("error.sipShowWhich"), helpHint: true) }
        html = arguments.value("--html")
        if html?.isEmpty == true { throw CLIError(.usage, context.t("error.emptyPath", "--html"), helpHint: true) }
        force = arguments.has("--force")
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        if let html { try context.checkOutput(html, force: force) }
        var childID: RecordID?
        let plans: [RecordSnapshot]
        if let plan {
            plans = [try context.sipPlan(plan, store: store).plan]
        } else {
            let id = try context.find(child ?? "", type: "child", in: store)
            childID = id
            plans = try context.store { () throws(StoreError) in try store.records(ofType: "sip", child: id) }
                .sorted { $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id < $1.id }
        }
        var views: [SipView] = []
        for plan in plans { views.append(try SipView.load(plan, context: context, store: store)) }
        if let html, views.isEmpty {
            throw CLIError(.validation, context.t("error.sipNothingToPrint", childID?.description ?? "", Format.line(html)))
        }
        try context.logDisplay(store, as: reader, command: html == nil ? "sip show" : "sip show --html") { draft in
            if let childID { draft.records.insert(childID) }
            for view in views { view.log(&draft) }
        }
        if let html {
            let own = try context.store { () throws(StoreError) in try store.originNames()[store.replicaID]?.organisation }
            let page = SipHTML.render(views, strings: context.strings, organisation: own, user: reader.fullName,
                                      printedAt: Timestamp(swedishTimeAt: context.now / 60_000 * 60_000).description)
            try context.writeFile(Array(page.utf8), to: html, force: force)
            if context.json {
                context.printJSON(["file": html, "plans": views.map { $0.plan.id.description },
                                   "drafts": views.filter(\.isDraft).map { $0.plan.id.description }])
            } else {
                context.out(context.t("out.sipHTMLWritten", String(views.count), Format.line(html),
                                      context.strings.language == .swedish ? "svenska" : "English"))
            }
            return
        }
        if context.json {
            if plan != nil { context.printJSON(views[0].json()) } else {
                context.printJSON(["child": childID?.description ?? "", "plans": views.map { $0.json() }])
            }
            return
        }
        if views.isEmpty {
            context.out(context.t("out.sipNoneForChild", childID?.description ?? ""))
            return
        }
        context.out(views.map { $0.text(context) }.joined(separator: "\n\n"))
    }
}

struct SipList: Command {
    static let spec = CommandSpec(["sip", "list"], help: "sip.list", options: [OptionSpec("--child", value: "ID", help: "opt.sipListChild")])
    let child: String?
    init(_ arguments: ParsedArguments, _ context: Context) { child = arguments.value("--child") }

    /// Streams (issue 15): the plans' ids in order first (the next follow-up first, plans
    /// without one last; then by id), the read-log entry and the column widths from each
    /// plan read in turn with its items; once the entry is written, each is read again and
    /// written out.
    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try child.map { (text) throws(CLIError) in try context.find(text, type: "child", in: store) }
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        var names: [String: String?] = [:]
        func shown(_ id: RecordID) throws(CLIError) -> (plan: RecordSnapshot, child: String, name: String?, open: Int, total: Int) {
            let plan = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
            let child = plan.value("child").displayText ?? ""
            let items = try RecordID(hex: child).map { (id) throws(CLIError) in try context.sipItems(of: plan.id, child: id, store: store) } ?? []
            return (plan, child, context.childName(of: plan, snapshots, cache: &names),
                    items.filter { $0.value("done_at").isNull }.count, items.count)
        }
        let s = context.strings
        func row(_ row: (plan: RecordSnapshot, child: String, name: String?, open: Int, total: Int), status: String) -> [String] {
            [row.plan.id.description, row.name.map(Format.line) ?? row.child + " " + context.t("out.sipNameNotShared"),
             s.label("sipstatus", status),
             Format.line(row.plan.value("responsible").displayText ?? "–"),
             Format.line(row.plan.value("next_follow_up").displayText ?? "–"), "\(row.open)/\(row.total)"]
        }
        var table = TableWriter(["id", context.t("out.child"), s.field("status"), s.field("responsible"), s.field("next_follow_up"),
                                 context.t("out.sipOpenItems")])
        var ids: [RecordID] = []
        var draft = AuditDraft(user: reader.name, kind: "display", command: "sip list")
        if let childID { draft.records.insert(childID) }
        try context.streamingRead(store) { () throws(CLIError) in
            try context.store { () throws(StoreError) in
                try store.forEachRecordID(ofType: "sip", child: childID, sortFields: ["next_follow_up"],
                                          orderBy: "coalesce({0}, '9999'), a.record_id") { id, _ in
                    ids.append(id)
                    return true
                }
            }
            for id in ids {
                let item = try shown(id)
                draft.add(item.plan, fields: ["child", "responsible", "next_follow_up", "status"])
                if item.name != nil, let child = RecordID(hex: item.child) {
                    draft.records.insert(child)
                    draft.fields.insert("child.name")
                    draft.insertTag(ChildAdd.childSchema.field("name")!.defaultTag.rawValue)
                }
                if !context.json { table.measure(row(item, status: try context.sipStatus(item.plan, store: store))) }
            }
        }
        try context.logDisplay(store, as: reader, command: "sip list", collected: draft)
        // An agreed plan whose consent was revoked or expired says so, as `sip show` does.
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                for id in ids {
                    let row = try shown(id)
                    let status = try context.sipStatus(row.plan, store: store)
                    writer.append(["id": row.plan.id.description, "child": row.child, "child_name": row.name ?? NSNull(),
                                   "status": status == "lapsed" ? "consent_lapsed" : status,
                                   "draft": SipRules.isDraft(row.plan),
                                   "responsible": Format.json(row.plan.value("responsible")),
                                   "next_follow_up": Format.json(row.plan.value("next_follow_up")),
                                   "open_items": row.open, "items": row.total] as [String: Any])
                }
                writer.finish()
                return
            }
            if ids.isEmpty {
                context.out(context.t("out.sipNone"))
                return
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            for id in ids {
                let item = try shown(id)
                table.write(row(item, status: try context.sipStatus(item.plan, store: store)), to: lines)
            }
            lines.flush()
        }
    }
}
