import Foundation
import NavetCore
import NavetStore

// Decisions about a child (issue 14, point 1): asylum decisions from the Migration Agency,
// the assigned municipality, placement and the god man. A decision's kind decides its tag
// (`DecisionRules.tag(kind:)`); an asylum decision also sets the child's asylum status.

extension Context {
    /// The code a person typed for a choice of label kind `kind` among `codes`
    /// (`CaseworkStrings.match`); an ambiguous word is refused naming the candidates, an
    /// unknown one returns nil.
    func caseworkCode(_ input: String, option: String, among codes: [String], kind: String) throws(CLIError) -> String? {
        switch CaseworkStrings.match(input, among: codes, kind: kind) {
        case .exact(let code), .folded(let code): return code
        case .ambiguous(let candidates): throw didYouMean(option, input, candidates.map { strings.label(kind, $0) })
        case .none: return nil
        }
    }

    /// A decision's kind for people: "asylum decision" / "asylbeslut".
    func decisionKindLabel(_ code: String) -> String { strings.label("decisionkind", code) }
}

struct DecisionAdd: Command {
    static let schema = Schema.current.recordType("decision")!
    static let spec = CommandSpec(
        ["decision", "add"], help: "decision.add",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.caseChild"),
            OptionSpec("--kind", value: "KIND", help: "opt.decisionKind"),
            OptionSpec("--outcome", value: "OUTCOME", help: "opt.outcome"),
            OptionSpec("--date", value: "YYYY-MM-DD", help: "opt.decisionDate"),
            OptionSpec("--note", value: "TEXT", help: "opt.decisionNote"),
        ])
    let child: String
    let kind: String
    let outcome: String
    let date: CalendarDate
    let note: FieldValue?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--child", "--kind", "--outcome", "--date"], in: arguments)
        child = arguments.value("--child")!
        let typedKind = arguments.value("--kind")!
        guard let kind = try context.caseworkCode(typedKind, option: "--kind", among: DecisionRules.kinds, kind: "decisionkind") else {
            throw CLIError(.validation, context.t("error.badDecisionKind", context.choiceList(DecisionRules.kinds, kind: "decisionkind"),
                                                  Format.line(typedKind))
                           + context.nearChoices(typedKind, among: DecisionRules.kinds, kind: "decisionkind"))
        }
        self.kind = kind
        let allowed = DecisionRules.outcomes(kind: kind)
        let typedOutcome = arguments.value("--outcome")!
        let valid = { context.choiceList(allowed, kind: "outcome") }
        guard let outcome = try context.caseworkCode(typedOutcome, option: "--outcome", among: allowed, kind: "outcome") else {
            // An outcome of another kind: say whose it is.
            if case .exact(let other) = CaseworkStrings.match(typedOutcome, among: DecisionRules.outcomes, kind: "outcome"),
               let otherKind = DecisionRules.kind(ofOutcome: other) {
                throw CLIError(.validation, context.t("error.outcomeOtherKind", Format.line(typedOutcome),
                                                      context.decisionKindLabel(otherKind), context.decisionKindLabel(kind), valid()))
            }
            throw CLIError(.validation, context.t("error.badOutcome", Format.line(typedOutcome), context.decisionKindLabel(kind), valid()))
        }
        self.outcome = outcome
        date = try context.date(arguments.value("--date")!, option: "--date", field: "date", of: "decision")
        let today = context.swedishToday
        if date > today {
            throw CLIError(.validation, context.t("error.decisionFuture", date.description, today.description))
        }
        note = try arguments.value("--note").map { (text) throws(CLIError) in
            try context.text(text, option: "--note", field: "note", of: "decision")
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let childID = try context.find(child, type: "child", in: store)
        try context.checkPlausible(date, option: "--date", birth: try context.birthDate(of: childID, in: store))
        var values: [String: FieldValue] = [
            "child": .text(childID.description), "kind": .text(kind), "outcome": .text(outcome), "date": .text(date.description),
        ]
        if let note, !note.isNull { values["note"] = note }
        let tag = DecisionRules.tag(kind: kind)
        try context.checkWrite(store, child: childID, recordType: "decision", fields: values.keys, tag: tag, decisionKind: kind)
        // An asylum decision sets the child's asylum status, unless a later-dated one is recorded.
        let status = DecisionRules.asylumStatus(kind: kind, outcome: outcome)
        var later: RecordSnapshot?
        if status != nil {
            try context.checkWrite(store, child: childID, recordType: "child", fields: ["asylum_status"])
            let recorded = try context.store { () throws(StoreError) in try store.records(ofType: "decision", child: childID) }
                .filter { $0.value("kind") == .text("asylum") }
            let dated = recorded.compactMap { record in context.dateValue(record.value("date")).map { (record, $0) } }
            if !DecisionRules.setsStatus(date: date, recorded: dated.map(\.1)) {
                later = dated.filter { $0.1 > date }.max { $0.1 < $1.1 }?.0
            }
        }
        let previous = try context.store { () throws(StoreError) in try store.snapshot(childID) }.value("asylum_status")
        let written = values
        let newStatus = later == nil ? status : nil
        let (id, change) = try context.audited(store, as: editor, command: "decision add", { () throws(StoreError) in
            let id = try store.createRecord(type: "decision", values: written, tag: tag, now: context.now)
            var change: Change?
            if let newStatus {
                change = try store.set(record: childID, field: "asylum_status", value: .text(newStatus), now: context.now)
            }
            return (id, change)
        }, entry: { result, draft in
            draft.records.insert(childID)
            draft.addWritten("decision", record: result.0, fields: written.keys, tag: tag)
            draft.addChange(result.1)
        })
        let s = context.strings
        let statusLabel = { (value: FieldValue) -> String in
            value.displayText.map { s.label("asylum", $0) } ?? context.t("out.statusNone")
        }
        if context.json {
            var object: [String: Any] = ["id": id.description, "child": childID.description, "kind": kind, "outcome": outcome,
                                         "date": date.description, "tag": tag.rawValue,
                                         "asylum_status": NSNull(), "asylum_status_changed": change != nil,
                                         "later_decision": later.map { $0.id.description as Any } ?? NSNull()]
            if status != nil {
                object["asylum_status"] = later == nil ? (newStatus ?? "") : Format.json(previous)
                object["previous_asylum_status"] = Format.json(previous)
            }
            context.printJSON(object)
            return
        }
        context.out(context.t("out.decisionAdded", id.description, childID.description, context.decisionKindLabel(kind),
                              s.label("outcome", outcome), date.description))
        if let later {
            context.out(context.t("out.statusKept", statusLabel(previous), later.id.description,
                                  later.value("date").displayText ?? "?"))
        } else if let newStatus {
            context.out(change == nil ? context.t("out.statusSame", statusLabel(.text(newStatus)))
                        : context.t("out.statusSet", statusLabel(.text(newStatus)), statusLabel(previous)))
        }
    }
}

struct DecisionList: Command {
    static let spec = CommandSpec(["decision", "list"], help: "decision.list",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.caseListChild")])
    let child: String?

    init(_ arguments: ParsedArguments, _ context: Context) {
        child = arguments.value("--child")
    }

    static let shown = ["child", "kind", "outcome", "date", "note"]

    func row(_ context: Context, _ record: RecordSnapshot, name: String?) -> [String] {
        let s = context.strings
        let child = record.value("child").displayText ?? ""
        return [record.id.description, name.map(Format.line) ?? child + " " + context.t("out.nameNotShared"),
                Format.line(record.value("date").displayText ?? "–"),
                context.decisionKindLabel(record.value("kind").displayText ?? ""),
                s.label("outcome", record.value("outcome").displayText ?? ""),
                Format.truncated(Format.line(record.value("note").displayText ?? ""), to: 50)]
    }

    /// Streams (issue 15): the ids in order first (newest first, the same day by id), the
    /// read-log entry and the column widths from each decision read in turn; once the entry
    /// is written, each decision is read again and written out.
    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try child.map { (text) throws(CLIError) in try context.find(text, type: "child", in: store) }
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        let s = context.strings
        var table = TableWriter(["id", context.t("out.child"), s.field("date"), s.field("kind"), s.field("outcome"), s.field("note")])
        var ids: [RecordID] = []
        var draft = AuditDraft(user: reader.name, kind: "display", command: "decision list")
        if let childID { draft.records.insert(childID) }
        var names: [String: String?] = [:]
        try context.streamingRead(store) { () throws(CLIError) in
            try context.store { () throws(StoreError) in
                try store.forEachRecordID(ofType: "decision", child: childID, sortFields: ["date"],
                                          orderBy: "coalesce({0}, '') DESC, a.record_id") { id, _ in
                    ids.append(id)
                    return true
                }
            }
            for id in ids {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                draft.add(record, fields: Self.shown)
                let name = context.childName(of: record, snapshots, cache: &names)
                if name != nil { context.logName(of: record, in: &draft) }
                if !context.json { table.measure(row(context, record, name: name)) }
            }
        }
        try context.logDisplay(store, as: reader, command: "decision list", collected: draft)
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                for id in ids {
                    let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                    var object: [String: Any] = ["id": record.id.description,
                                                 "child_name": context.childName(of: record, snapshots, cache: &names) ?? NSNull(),
                                                 "tag": record.fields.first?.change.tag.rawValue ?? ""]
                    for name in Self.shown { object[name] = Format.json(record.value(name)) }
                    writer.append(object)
                }
                writer.finish()
                return
            }
            if ids.isEmpty {
                context.out(context.t("out.noDecisions"))
                return
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            for id in ids {
                let record = try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
                table.write(row(context, record, name: context.childName(of: record, snapshots, cache: &names)), to: lines)
            }
            lines.flush()
        }
    }
}
