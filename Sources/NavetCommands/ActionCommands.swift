import Foundation
import NavetCore
import NavetStore

// Actions (issue 14, point 4): who (an organisation) does what for a child by when, and
// when it was done and by whom. Overdue: not done and its last day has passed (Swedish time).

extension Context {
    /// The organisation typed for `--who`, as the replica's directory spells it when it names
    /// one (`TextRules.nameKey`, accents optional); else as typed. Returns whether the
    /// directory holds it.
    func answeringOrganisation(_ typed: String, store: ReplicaStore) throws(CLIError) -> (name: String, known: Bool) {
        guard !TextRules.nameKey(typed).isEmpty else { throw CLIError(.validation, t("error.whoEmpty", "--who")) }
        guard case .text(let text) = try text(typed, option: "--who", field: "who", of: "action") else {
            throw CLIError(.validation, t("error.whoEmpty", "--who"))
        }
        let directory = try self.store { () throws(StoreError) in try store.originNames() }
        let known = Set(directory.values.map(\.organisation))
            .sorted { TextRules.collationKey($0, .swedish).lexicographicallyPrecedes(TextRules.collationKey($1, .swedish)) }
        switch TextRules.match(text, among: known.map { (value: $0, words: [$0]) }, key: TextRules.nameKey) {
        case .exact(let match), .folded(let match): return (match, true)
        case .ambiguous(let candidates): throw didYouMean("--who", text, candidates)
        case .none: return (text, false)
        }
    }
}

struct ActionAdd: Command {
    static let spec = CommandSpec(
        ["action", "add"], help: "action.add",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.caseChild"),
            OptionSpec("--who", value: "ORG", help: "opt.who"),
            OptionSpec("--what", value: "TEXT", help: "opt.what"),
            OptionSpec("--due", value: "YYYY-MM-DD", help: "opt.due"),
            OptionSpec("--follow-up", value: "YYYY-MM-DD", help: "opt.followUp"),
        ])
    let child: String
    let who: String
    let what: FieldValue
    let due: CalendarDate
    let followUp: CalendarDate?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child", "--who", "--what", "--due"], in: arguments)
        child = arguments.value("--child")!
        who = arguments.value("--who")!
        what = try context.text(arguments.value("--what")!, option: "--what", field: "what", of: "action")
        due = try context.date(arguments.value("--due")!, option: "--due", field: "due", of: "action")
        followUp = try arguments.value("--follow-up").map { (text) throws(CLIError) in
            try context.date(text, option: "--follow-up", field: "follow_up", of: "action")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        let birth = try context.birthDate(of: childID, in: store)
        try context.checkPlausible(due, option: "--due", birth: birth)
        if let followUp { try context.checkPlausible(followUp, option: "--follow-up", birth: birth) }
        // A follow-up is planned ahead: one already past when the action is written is a typo.
        if let followUp, followUp < context.swedishToday {
            throw CLIError(.validation, context.t("error.followUpPast", followUp.description, context.swedishToday.description))
        }
        let organisation = try context.answeringOrganisation(who, store: store)
        var values: [String: FieldValue] = [
            "child": .text(childID.description), "who": .text(organisation.name), "what": what, "due": .text(due.description),
        ]
        if let followUp { values["follow_up"] = .text(followUp.description) }
        try context.checkWrite(store, child: childID, recordType: "action", fields: values.keys)
        let written = values
        let id = try context.audited(store, as: editor, command: "action add", { () throws(StoreError) in
            try store.createRecord(type: "action", values: written, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            draft.addWritten("action", record: id, fields: written.keys)
        })
        // Said only when the directory names others: before the first sync it holds nothing to check against.
        let directory = try context.store { () throws(StoreError) in try store.originNames() }
        let unchecked = !organisation.known && directory.keys.contains { $0 != store.replicaID }
        if unchecked { context.warn(context.t("warn.whoNotInDirectory", Format.line(organisation.name))) }
        if context.json {
            context.printJSON(["id": id.description, "child": childID.description, "who": organisation.name,
                               "what": Format.json(what), "due": due.description,
                               "follow_up": followUp.map { $0.description as Any } ?? NSNull(),
                               "who_in_directory": organisation.known])
        } else {
            context.out(context.t("out.actionAdded", id.description, childID.description, SyncStrings.visible(organisation.name, limit: 200),
                                  Format.line(what.displayText ?? ""), due.description))
        }
    }
}

struct ActionDone: Command {
    static let spec = CommandSpec(["action", "done"], help: "action.done",
                                  options: [OptionSpec("--at", value: "TIME", help: "opt.doneAt")],
                                  positionals: [("ACTION", true)])
    let id: String
    let at: TypedMoment?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        at = try arguments.value("--at").map { (text) throws(CLIError) in try context.moment(text, option: "--at") }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let record = try context.find(id, type: "action", in: store)
        let action = try context.store { () throws(StoreError) in try store.snapshot(record) }
        if let done = action.value("done_at").displayText {
            throw CLIError(.validation, context.t("error.actionAlreadyDone", record.description, Format.line(done),
                                                  Format.line(action.value("done_by").displayText ?? "?")))
        }
        let doneAt = (at?.moment ?? Timestamp(swedishTimeAt: context.now / 1000 * 1000)).description
        let childID = try context.childOf(record, type: "action", in: store)
        try context.checkWrite(store, child: childID, recordType: "action", fields: ["done_at", "done_by"])
        let changes = try context.audited(store, as: editor, command: "action done", { () throws(StoreError) in
            [try store.set(record: record, field: "done_at", value: .text(doneAt), now: context.now),
             try store.set(record: record, field: "done_by", value: .text(editor.name), now: context.now)]
        }, entry: { changes, draft in
            draft.records.insert(childID)
            for change in changes { draft.addChange(change) }
        })
        _ = changes
        if context.json {
            context.printJSON(["id": record.description, "child": childID.description, "done_at": doneAt, "done_by": editor.name,
                               "read_as_swedish_time": at?.typedLocal != nil])
        } else {
            context.sayOffsets([at])
            context.out(context.t("out.actionDone", record.description, doneAt, Format.line(editor.name)))
        }
    }
}

struct ActionList: Command {
    static let spec = CommandSpec(["action", "list"], help: "action.list",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.caseListChild"),
                                            OptionSpec("--overdue", help: "opt.overdue")])
    let child: String?
    let overdueOnly: Bool

    init(_ arguments: ParsedArguments, _ context: Context) {
        child = arguments.value("--child")
        overdueOnly = arguments.has("--overdue")
    }

    static let shown = ["child", "who", "what", "due", "follow_up", "done_at", "done_by"]

    /// `done` once done; `overdue` when not done and due before `today`; else `open`.
    static func state(_ action: RecordSnapshot, today: CalendarDate, context: Context) -> String {
        let done = !action.value("done_at").isNull
        if done { return "done" }
        guard let due = context.dateValue(action.value("due")) else { return "open" }
        return ActionRules.isOverdue(due: due, done: false, today: today) ? "overdue" : "open"
    }

    func row(_ context: Context, _ record: RecordSnapshot, state: String, name: String?) -> [String] {
        let s = context.strings
        let child = record.value("child").displayText ?? ""
        return [record.id.description, name.map(Format.line) ?? child + " " + context.t("out.nameNotShared"),
                Format.truncated(Format.line(record.value("who").displayText ?? ""), to: 30),
                Format.truncated(Format.line(record.value("what").displayText ?? ""), to: 50),
                Format.line(record.value("due").displayText ?? "–"),
                Format.line(record.value("follow_up").displayText ?? ""),
                s.label("actionstate", state),
                Format.line(record.value("done_at").displayText ?? ""),
                Format.line(record.value("done_by").displayText ?? "")]
    }

    /// Streams (issue 15): the ids in order first (by the last day, earliest first; the same
    /// day by id), kept by `--overdue`, with the read-log entry and the column widths from
    /// each action read in turn; once the entry is written, each is read again and written out.
    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try child.map { (text) throws(CLIError) in try context.find(text, type: "child", in: store) }
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        let today = context.swedishToday
        let s = context.strings
        var table = TableWriter(["id", context.t("out.child"), s.field("who"), s.field("what"), s.field("due"),
                                 s.field("follow_up"), context.t("out.hubState"), s.field("done_at"), s.field("done_by")])
        var ids: [RecordID] = []
        var draft = AuditDraft(user: reader.name, kind: "display", command: "action list")
        if let childID { draft.records.insert(childID) }
        var names: [String: String?] = [:]
        try context.streamingRead(store) { () throws(CLIError) in
            var ordered: [RecordID] = []
            try context.store { () throws(StoreError) in
                try store.forEachRecordID(ofType: "action", child: childID, sortFields: ["due"],
                                          orderBy: "coalesce({0}, ''), a.record_id") { id, _ in
                    ordered.append(id)
                    return true
                }
            }
            for id in ordered {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                let state = Self.state(record, today: today, context: context)
                guard !overdueOnly || state == "overdue" else { continue }
                ids.append(id)
                draft.add(record, fields: Self.shown)
                let name = context.childName(of: record, snapshots, cache: &names)
                if name != nil { context.logName(of: record, in: &draft) }
                if !context.json { table.measure(row(context, record, state: state, name: name)) }
            }
        }
        try context.logDisplay(store, as: reader, command: "action list", collected: draft)
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                for id in ids {
                    let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                    var object: [String: Any] = ["id": record.id.description,
                                                 "child_name": context.childName(of: record, snapshots, cache: &names) ?? NSNull(),
                                                 "state": Self.state(record, today: today, context: context)]
                    for name in Self.shown { object[name] = Format.json(record.value(name)) }
                    writer.append(object)
                }
                writer.finish()
                return
            }
            if ids.isEmpty {
                context.out(context.t(overdueOnly ? "out.noOverdue" : "out.noActions"))
                return
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            for id in ids {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                table.write(row(context, record, state: Self.state(record, today: today, context: context),
                                name: context.childName(of: record, snapshots, cache: &names)), to: lines)
            }
            lines.flush()
        }
    }
}
