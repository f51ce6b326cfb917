import Foundation
import NavetCore
import NavetStore

struct NoteAdd: Command {
    static let noteSchema = Schema.current.recordType("note")!
    static let spec = CommandSpec(
        ["note", "add"], help: "note.add",
        options: [
            OptionSpec("--child", value: "ID", help: "opt.child"),
            OptionSpec("--kind", value: "KIND", help: "opt.kind"),
            OptionSpec("--text", value: "TEXT", help: "opt.text"),
            OptionSpec("--author", value: "NAME", help: "opt.author"),
            OptionSpec("--tag", value: "TAG", help: "opt.tag"),
            OptionSpec("--corrects", value: "NOTE", help: "opt.corrects"),
            OptionSpec("--date", value: "YYYY-MM-DD", help: "opt.noteDate"),
        ])
    let child: String
    /// The day what the note records happened, when given (`note.date`).
    let date: CalendarDate?
    let corrects: String?
    let values: [String: FieldValue]
    let tag: Tag?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        for required in ["--child", "--kind", "--text"] where arguments.value(required) == nil {
            throw CLIError(.usage, context.t("error.missingArgument", required), helpHint: true)
        }
        child = arguments.value("--child")!
        corrects = arguments.value("--corrects")
        var values: [String: FieldValue] = [:]
        for name in ["kind", "text", "author"] {
            if var input = arguments.value("--" + name) {
                if name == "text", input == "-" {
                    input = try context.readStandardInput(option: "--text", field: Self.noteSchema.field(name))
                }
                values[name] = try context.parse(input, field: Self.noteSchema.field(name)!, option: "--" + name)
            }
        }
        if let input = arguments.value("--date") {
            let day = try context.date(input, option: "--date", field: "date", of: "note")
            let today = context.swedishToday
            if day > today { throw CLIError(.validation, context.t("error.noteFuture", day.description, today.description)) }
            values["date"] = .text(day.description)
            date = day
        } else {
            date = nil
        }
        self.values = values
        if let input = arguments.value("--tag") {
            let code = Strings.code(for: input, among: Tag.vocabulary.map(\.rawValue), kind: "tag")
            guard let code, let tag = Tag(rawValue: code) else {
                try context.checkAmbiguous(input, option: "--tag", among: Tag.vocabulary.map(\.rawValue), kind: "tag")
                throw CLIError(.validation, context.t("error.badTag", context.choiceList(Tag.vocabulary.map(\.rawValue), kind: "tag"))
                               + context.nearChoices(input, among: Tag.vocabulary.map(\.rawValue), kind: "tag"))
            }
            self.tag = tag
        } else {
            tag = nil
        }
        // A correction's own rule is checked first (in `run`), with the corrected note at hand.
        if corrects == nil { try checkFloor(context) }
    }

    /// A note's author may raise its tag, never lower it below its kind's floor.
    func checkFloor(_ context: Context) throws(CLIError) {
        guard let tag, case .text(let kind)? = values["kind"], tag < floor else { return }
        let s = context.strings
        throw CLIError(.validation, context.t("error.belowFloor", s.label("note", kind), s.label("tag", floor.rawValue),
                                              Tag.vocabulary.filter { $0 >= floor }.map { s.label("tag", $0.rawValue) }
                                                .joined(separator: ", ")))
    }

    /// The least restrictive tag this note may carry (`NoteRules.floor`).
    var floor: Tag {
        guard case .text(let kind)? = values["kind"] else { return Self.noteSchema.field("text")!.defaultTag }
        return NoteRules.floor(kind: kind)
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        var values = self.values
        let childID = try context.find(child, type: "child", in: store)
        values["child"] = .text(childID.description)
        if let date { try context.checkPlausible(date, option: "--date", birth: try context.birthDate(of: childID, in: store)) }
        var tag = self.tag ?? floor
        if let corrects {
            let corrected = try context.find(corrects, type: "note", in: store)
            let note = try context.store { () throws(StoreError) in try store.snapshot(corrected) }
            let correctedTag = note.fields.first?.change.tag ?? Self.noteSchema.field("text")!.defaultTag
            switch NoteRules.checkCorrection(child: childID, tag: self.tag ?? max(correctedTag, floor),
                                             correctedChild: note.value("child"), correctedTag: correctedTag) {
            case .success(let allowed):
                try checkFloor(context)
                tag = allowed
            case .failure(.otherChild):
                throw CLIError(.validation, context.t("error.correctsOtherChild", corrected.description,
                                                      note.value("child").displayText ?? "?"))
            case .failure(.lowerTag):
                let stricter = Tag.vocabulary.filter { $0 >= correctedTag }
                throw CLIError(.validation, context.t("error.correctsLowerTag", corrected.description,
                                                      context.strings.label("tag", correctedTag.rawValue),
                                                      context.strings.label("tag", correctedTag.rawValue)
                                                        + " (" + stricter.map { context.strings.label("tag", $0.rawValue) }.joined(separator: ", ") + ")"))
            }
            values["corrects"] = .text(corrected.description)
        }
        // Every field of a note takes the note's tag (the author's choice, else the default).
        try context.checkWrite(store, child: childID, recordType: "note", fields: values.keys,
                               tag: tag, noteKind: values["kind"]?.displayText)
        let written = values
        let id = try context.audited(store, as: editor, command: "note add", { () throws(StoreError) in
            try store.createRecord(type: "note", values: written, tag: tag, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(childID)
            draft.addWritten("note", record: id, fields: written.filter { !$0.value.isNull }.keys, tag: tag)
        })
        if context.json {
            context.printJSON(["id": id.description])
        } else {
            context.out(context.t("out.noteAdded", id.description))
        }
    }
}

struct NoteList: Command {
    static let spec = CommandSpec(["note", "list"], help: "note.list",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.child"),
                                            OptionSpec("--verbose", help: "opt.verbose")])
    let child: String?
    let verbose: Bool
    init(_ arguments: ParsedArguments, _ context: Context) {
        child = arguments.value("--child")
        verbose = arguments.has("--verbose")
    }

    /// Streams (issue 15): the notes' ids in order first, with the read-log entry filled
    /// from each note read in turn; then, once the entry is written, each note is read
    /// again and written out. Memory holds the ids, not the notes.
    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let childID = try child.map { text throws(CLIError) in try context.find(text, type: "child", in: store) }
        let snapshots = try context.store { () throws(StoreError) in try store.snapshotReader() }
        var ids: [RecordID] = []
        var draft = AuditDraft(user: reader.name, kind: "display", command: "note list")
        if let childID { draft.records.insert(childID) }
        try context.streamingRead(store) { () throws(CLIError) in
            try context.store { () throws(StoreError) in
                try store.forEachNoteID(child: childID) { id in
                    ids.append(id)
                    return true
                }
            }
            for id in ids {
                draft.add(try context.store { () throws(StoreError) in try snapshots.snapshot(id) })
            }
        }
        try context.logDisplay(store, as: reader, command: "note list", collected: draft)
        let origins = OriginDisplay(store: store, strings: context.strings, verbose: verbose)
        func note(_ id: RecordID) throws(CLIError) -> RecordSnapshot {
            try context.store { () throws(StoreError) in try snapshots.snapshot(id) }
        }
        let reading = try context.store { () throws(StoreError) in try store.beginReading() }
        defer { store.endReading(reading) }
        // A corrected note says which notes correct it (the correction names the original).
        let correctedBy = try context.store { () throws(StoreError) in try store.noteCorrections() }
        if context.json {
            let writer = JSONArrayWriter(context)
            for id in ids {
                let note = try note(id)
                var fields: [String: Any] = [:]
                for field in note.fields { fields[field.name] = Format.json(field.value) }
                var object: [String: Any] = ["id": note.id.description, "time": Format.time(note.createdAt),
                                             "tag": note.fields.first?.change.tag.rawValue ?? "", "fields": fields]
                if let origin = note.fields.first?.change.origin {
                    object["origin"] = origin.description
                    object = origins.adding(origin, to: object)
                }
                object["corrected_by"] = (correctedBy[note.id] ?? []).map(\.description)
                writer.append(object)
            }
            writer.finish()
            return
        }
        if ids.isEmpty {
            context.out(context.t("out.noNotes"))
            return
        }
        let s = context.strings
        let lines = LineBuffer(context)
        // Each note names its child by id and name, or the placeholder when this replica
        // does not hold the name; the names of the latest children are remembered.
        var names: [String: String] = [:]
        func childText(_ note: RecordSnapshot) -> String {
            guard let hex = note.value("child").displayText else { return "–" }
            if let known = names[hex] { return hex + " " + known }
            let name = RecordID(hex: hex).flatMap { try? snapshots.snapshot($0).value("name").displayText }
            let shown = name.map { "(" + Format.line($0) + ")" } ?? context.t("out.nameNotShared")
            if names.count >= 1_000 { names.removeAll(keepingCapacity: true) }
            names[hex] = shown
            return hex + " " + shown
        }
        for id in ids {
            let note = try note(id)
            var head = [Format.time(note.createdAt), Format.value(note.value("kind"), field: "kind", strings: s),
                        "[" + s.label("tag", note.fields.first?.change.tag.rawValue ?? "") + "]", note.id.description]
            if let day = note.value("date").displayText { head.append(context.t("out.noteDay", Format.line(day))) }
            if let author = note.value("author").displayText { head.append("– " + Format.line(author)) }
            if let origin = note.fields.first?.change.origin { head.append("(" + Format.line(origins.text(origin)) + ")") }
            lines.line(head.joined(separator: "  "))
            lines.line("  " + s.field("child") + ": " + childText(note))
            if let corrected = note.value("corrects").displayText {
                lines.line("  " + s.field("corrects") + ": " + corrected)
                // A correction from a replica older than the rule (or written by other
                // software) may break it; the wire accepts it, the reader is told.
                if let target = RecordID(hex: corrected), let original = try? snapshots.snapshot(target),
                   let childID = RecordID(hex: note.value("child").displayText ?? ""),
                   let tag = note.fields.first?.change.tag, let originalTag = original.fields.first?.change.tag,
                   case .failure(let problem) = NoteRules.checkCorrection(
                       child: childID, tag: tag, correctedChild: original.value("child"), correctedTag: originalTag) {
                    lines.line("  (!) " + context.t(problem == .otherChild ? "out.correctsOtherChild" : "out.correctsLowerTag"))
                }
            }
            if let corrections = correctedBy[note.id] {
                lines.line("  " + context.t("out.correctedBy", corrections.map(\.description).joined(separator: ", ")))
            }
            for line in Format.block(note.value("text").displayText ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                lines.line("  " + line)
            }
        }
        lines.flush()
    }
}

struct ConflictsList: Command {
    static let spec = CommandSpec(["conflicts"], help: "conflicts", options: [OptionSpec("--verbose", help: "opt.verbose")])
    let verbose: Bool
    init(_ arguments: ParsedArguments, _ context: Context) { verbose = arguments.has("--verbose") }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        // Sorted by the child's name as people read it (a child whose name is not shared,
        // and other records, after the named children), then by record and field.
        // Streams (issue 15): a first pass reads the conflicted cells in record and field
        // order, each record's name once (for the order and the heading) and each cell's
        // heads, fills the read-log entry and keeps only the cell and its name's sort key;
        // once the entry is written, each cell's heads are read again and written out.
        let collation = context.collation
        var keyed: [(cell: CellKey, name: String?, key: [UInt32]?)] = []
        var draft = AuditDraft(user: reader.name, kind: "display", command: "conflicts")
        try context.streamingRead(store) { () throws(CLIError) in
            var cells: [CellKey] = []
            try context.store { () throws(StoreError) in try store.forEachConflictedCell { cells.append($0) } }
            var last: (id: RecordID, name: String?)?
            for cell in cells {
                let name: String?
                if let last, last.id == cell.recordID {
                    name = last.name
                } else {
                    name = (try? store.snapshot(cell.recordID).value("name").displayText) ?? nil
                    last = (cell.recordID, name)
                }
                guard let conflict = try context.store({ () throws(StoreError) in try store.conflict(at: cell) }) else { continue }
                conflict.heads.forEach { draft.add($0) }
                draft.records.insert(cell.recordID)
                // The table heads each conflict with the record's name.
                if !context.json, name != nil {
                    draft.fields.insert("child.name")
                    draft.insertTag(ChildAdd.childSchema.field("name")!.defaultTag.rawValue)
                }
                keyed.append((cell, name, name.map { TextRules.collationKey($0, collation) }))
            }
        }
        keyed.sort { a, b in
            switch (a.key, b.key) {
            case (let x?, let y?) where x != y: return x.lexicographicallyPrecedes(y)
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (a.cell.recordID, a.cell.field) < (b.cell.recordID, b.cell.field)
            }
        }
        try context.logDisplay(store, as: reader, command: "conflicts", collected: draft)
        let origins = OriginDisplay(store: store, strings: context.strings, verbose: verbose)
        let s = context.strings
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                for item in keyed {
                    guard let conflict = try context.store({ () throws(StoreError) in try store.conflict(at: item.cell) }) else { continue }
                    writer.append(["record": conflict.cell.recordID.description, "type": conflict.recordType, "field": conflict.cell.field,
                                   "values": conflict.heads.enumerated().map { index, head -> [String: Any] in
                                       var object = origins.adding(head.origin, to: Format.json(head))
                                       object["choice"] = index + 1
                                       object["shown"] = index == 0
                                       return object
                                   }] as [String: Any])
                }
                writer.finish()
                return
            }
            if keyed.isEmpty {
                context.out(context.t("out.noConflicts"))
                return
            }
            let lines = LineBuffer(context)
            for item in keyed {
                guard let conflict = try context.store({ () throws(StoreError) in try store.conflict(at: item.cell) }) else { continue }
                let shownName = item.name.map { " (\(Format.line($0)))" }
                    ?? (conflict.recordType == "child" ? " " + context.t("out.nameNotShared") : "")
                lines.line("\(s.label("type", conflict.recordType)) \(conflict.cell.recordID)"
                           + shownName + " – " + s.field(conflict.cell.field))
                let rows = conflict.heads.enumerated().map { index, head in
                    ["\(index + 1)", Format.value(head.value, field: head.field, strings: s), origins.text(head.origin),
                     Format.time(head.wallTime), index == 0 ? context.t("state.shown") : ""]
                }
                let table = Format.table(["#", context.t("out.value"), context.t("out.recordedBy"), context.t("out.time"), context.t("out.state")], rows)
                for line in table.split(separator: "\n") { lines.line("  " + line) }
            }
            lines.line("")
            lines.line(context.t("out.resolveHint"))
            lines.flush()
        }
    }
}

struct ConflictsResolve: Command {
    static let spec = CommandSpec(
        ["conflicts", "resolve"], help: "conflicts.resolve",
        options: [OptionSpec("--choose", value: "N", help: "opt.choose"), OptionSpec("--value", value: "VALUE", help: "opt.value")],
        positionals: [("ID", true), ("FIELD", true)])
    let id: String
    /// The field as typed: its name is found among the fields of the record's type.
    let typedField: String
    let choice: Int?
    let value: String?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        typedField = arguments.positionals[1]
        var value = arguments.value("--value")
        if value == "-" { value = try context.readStandardInput(option: "--value") }
        self.value = value
        if let text = arguments.value("--choose") {
            guard let number = DecimalNumber.parse(text, in: 1...1_000_000) else {
                throw CLIError(.usage, context.t("error.badChoice", text), helpHint: true)
            }
            choice = number
        } else {
            choice = nil
        }
        guard (choice == nil) != (value == nil) else {
            throw CLIError(.usage, context.t("error.chooseOrValue"), helpHint: true)
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        // Any record with a conflict may be named by its full id or a unique prefix of it.
        let conflicts = try context.store { () throws(StoreError) in try store.conflicts() }
        let typed = id.lowercased()
        guard !typed.isEmpty, typed.allSatisfy(\.isHexDigit) else {
            throw CLIError(.validation, context.t("error.notHexID", Format.line(id), "navet conflicts"))
        }
        let candidates = Set(conflicts.map(\.cell.recordID)).filter {
            $0.description == typed || $0.description.hasPrefix(typed)
        }
        guard candidates.count <= 1 else { throw context.ambiguous(typed, candidates.sorted()) }
        // A record without a conflict: found as any child is, so the message below says
        // that the field has no conflict, not that the id is unknown.
        let record: RecordID
        if let found = candidates.first ?? RecordID(hex: typed) {
            record = found
        } else {
            record = try context.find(typed, type: "child", in: store)
        }
        let type = try context.store { () throws(StoreError) in try store.recordType(of: record) }
        // "från" names a membership's start date, as "födelsedatum" names a child's birth date.
        let field = fieldName(typedField, recordType: type)
        guard let fieldSchema = Schema.current.recordType(type)?.field(field) else {
            throw CLIError(.validation, context.describe(SchemaError.unknownField(recordType: type, field: field)))
        }
        let heads = try context.store { () throws(StoreError) in try store.heads(record: record, field: field) }
        guard heads.count > 1 else { throw context.describe(StoreError.noConflict(record, field: field)) }
        let chosen: FieldValue
        if let choice {
            guard choice <= heads.count else {
                throw CLIError(.validation, context.t("error.choiceRange", String(choice), String(heads.count)))
            }
            chosen = heads[choice - 1].value
        } else {
            chosen = try context.parse(value!, field: fieldSchema, option: "--value")
            let existing = try context.store { () throws(StoreError) in try store.snapshot(record) }
            for warning in try context.checkDates([field: chosen], existing: existing) { context.warn(warning) }
        }
        try context.checkWrite(store, child: try context.childOf(record, type: type, in: store), recordType: type,
                               fields: [field])
        let resolved = field
        let change = try context.audited(store, as: editor, command: "conflicts resolve", { () throws(StoreError) in
            try store.resolve(record: record, field: resolved, value: chosen, now: context.now)
        }, entry: { change, draft in draft.add(change) })
        if context.json {
            context.printJSON(["record": record.description, "field": field, "seq": change.seq])
        } else {
            context.out(context.t("out.resolved", context.strings.field(field), record.description,
                                  Format.value(chosen, field: field, strings: context.strings)))
        }
    }
}
