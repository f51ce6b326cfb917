import Foundation
import NavetCore
import NavetStore
import NavetWire

/// `navet`: the entry point the executable calls.
public enum NavetCLI {
    nonisolated(unsafe) static let commands: [any Command.Type] = [
        InitCommand.self, ChildAdd.self, ChildList.self, ChildShow.self, ChildSet.self, ChildHistory.self,
        NoteAdd.self, NoteList.self, HubAdd.self, HubList.self, HubEnd.self, ConsentGrant.self, ConsentRevoke.self,
        ConsentList.self, MissingReport.self, MissingCheck.self, MissingPoliceNotified.self, MissingFound.self,
        MissingFollowUp.self, MissingRisk.self, MissingClose.self, MissingList.self, MissingShow.self, DecisionAdd.self,
        DecisionList.self, ActionAdd.self, ActionDone.self, ActionList.self, AlertsCommand.self, ConflictsList.self,
        ConflictsResolve.self, ExportCommand.self,
        ImportCommand.self, SyncCommand.self, VerifyCommand.self, StatusCommand.self, DemoCommand.self, EnrollCommand.self,
        UserAdd.self, UserList.self, UserDisable.self, AuditList.self, AuditVerify.self,
        SipCreate.self, SipConsent.self, SipShow.self, SipList.self, SipItemAdd.self, SipItemDone.self, SipFollowUp.self,
    ]

    public static func run(_ arguments: [String], environment: [String: String], console: Console = Console()) -> Int32 {
        Dispatcher(program: "navet", commands: commands, defaultDatabase: "navet.db", databaseVariable: "NAVET_DB",
                   summaryKey: "help.navet", globalOptions: GlobalOptions.navet)
            .run(arguments: arguments, environment: environment, console: console)
    }
}

extension Context {
    /// Finds a record by id or any unique prefix of it (one hex digit or more), with a
    /// message naming the type; an ambiguous prefix lists the ids it matches.
    func find(_ text: String, type: String, in store: ReplicaStore) throws(CLIError) -> RecordID {
        let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !typed.isEmpty, typed.allSatisfy(\.isHexDigit) else {
            throw CLIError(.validation, t("error.notHexID", Format.line(text), listCommand(type)))
        }
        do {
            return try store.resolveID(typed, type: type)
        } catch .unknownRecord {
            // The id of a record of another type: say so, as for a full id.
            // Ids only (`resolveID`), never the records: this path costs no more than the lookup.
            var matches: [(id: RecordID, type: String)] = []
            for other in Schema.current.recordTypes.map(\.name) where other != type {
                do {
                    matches.append((try store.resolveID(typed, type: other), other))
                } catch .ambiguousRecord {
                    matches += [(RecordID(rawValue: 0), other), (RecordID(rawValue: 0), other)]
                } catch {
                    continue
                }
            }
            if matches.count == 1 {
                throw CLIError(.validation, t("error.wrongType", matches[0].id.description,
                                              strings.typeWithArticle(matches[0].type), strings.typeWithArticle(type)))
            }
            throw unknownRecord(text, type: type)
        } catch .ambiguousRecord {
            let candidates = (try? store.recordIDs(prefix: typed, type: type)) ?? []
            throw ambiguous(typed, candidates.sorted())
        } catch {
            throw describe(error)
        }
    }

    /// The command that lists the ids of a record type.
    func listCommand(_ type: String) -> String {
        switch type {
        case "note": return "navet note list"
        case "membership": return "navet hub list --child ID"
        case "consent": return "navet consent list --child ID"
        case "missing": return "navet missing list"
        case "decision": return "navet decision list"
        case "action": return "navet action list"
        case "sip": return "navet sip list"
        case "sip_item", "sip_follow_up": return "navet sip show --child ID"
        default: return "navet child list"
        }
    }

    func unknownRecord(_ text: String, type: String) -> CLIError {
        let plural = ["note", "membership", "consent", "missing", "decision", "action", "sip", "sip_item", "sip_follow_up"]
            .contains(type) ? type : "child"
        return CLIError(.validation, t("error.unknownRecord", strings.label("type", type), Format.line(text), listCommand(type),
                                       t("typeplural.\(plural)")))
    }

    func ambiguous(_ prefix: String, _ candidates: [RecordID]) -> CLIError {
        let shown = candidates.prefix(10).map(\.description).joined(separator: ", ") + (candidates.count > 10 ? ", …" : "")
        return CLIError(.validation, t("error.ambiguousRecord", Format.line(prefix), String(candidates.count), shown))
    }

    /// Parses what a person typed for a field, accepting choice labels in either language.
    /// `option` is what the value was typed for: the message names it, not the field.
    func parse(_ input: String, field: FieldSchema, option: String? = nil) throws(CLIError) -> FieldValue {
        var text = input
        if case .choice(let codes) = field.kind {
            let kind = HubStrings.choiceKind(field.name)
            if let code = HubStrings.code(for: input, among: codes, kind: kind) {
                text = code
            } else {
                try checkAmbiguous(input, option: option ?? optionName(field.name), among: codes, kind: kind)
            }
        }
        do {
            return try field.parse(text)
        } catch {
            throw CLIError(.validation, describe(error, option: option))
        }
    }

    /// Checks the child's dates as they will be after a change (`values` over `existing`):
    /// refuses the impossible (`DateRules`) and returns warnings about the unlikely, to be
    /// printed with `warn` once the change is saved. Checks nothing unless `values` sets a
    /// birth or arrival date.
    func checkDates(_ values: [String: FieldValue], existing: RecordSnapshot?) throws(CLIError) -> [String] {
        guard values["birth_date"] != nil || values["arrival_date"] != nil,
              let today = CalendarDate(unixMilliseconds: now) else { return [] }
        var warnings: [String] = []
        func date(_ field: String) -> CalendarDate? {
            let value = values[field] ?? existing?.value(field) ?? .null
            guard case .text(let text) = value else { return nil }
            return CalendarDate(iso: text)
        }
        let findings = DateRules.check(birth: date("birth_date"), arrival: date("arrival_date"), today: today)
        for finding in findings {
            switch finding {
            case .birthInFuture(let birth):
                throw CLIError(.validation, t("date.birthInFuture", strings.field("birth_date"), birth.description))
            case .arrivalInFuture(let arrival):
                throw CLIError(.validation, t("date.arrivalInFuture", strings.field("arrival_date"), arrival.description))
            case .arrivalBeforeBirth(let birth, let arrival):
                throw CLIError(.validation, t("date.arrivalBeforeBirth", birth.description, arrival.description))
            case .adultAtArrival(let age):
                warnings.append(t("date.adultAtArrival", String(age)))
            case .unlikelyAge(let age):
                warnings.append(t("date.unlikelyAge", String(age)))
            }
        }
        return warnings
    }

    /// "turned 18 on 2025-03-14" when the stated birth date says the child has turned 18.
    func turned18Text(_ child: RecordSnapshot) -> String? {
        turned18Text(birthDate: child.value("birth_date"))
    }

    func turned18Text(birthDate: FieldValue) -> String? {
        guard let date = Format.turns18(birthDate: birthDate), let today = CalendarDate(unixMilliseconds: now), date <= today
        else { return nil }
        return t("out.turned18", date.description)
    }

    /// Runs a store call, turning its error into a message.
    func store<T>(_ body: () throws(StoreError) -> T) throws(CLIError) -> T {
        do {
            return try body()
        } catch {
            throw describe(error)
        }
    }
}

/// `--birth-date` for `birth_date`.
func optionName(_ field: String) -> String { "--" + field.replacingOccurrences(of: "_", with: "-") }

/// The field a person named: `birth-date`, `birth_date`, `födelsedatum` or a label
/// ("birth date (stated)"), in any case and Unicode form, for `birth_date`. Unknown words
/// come back as typed (lowercased, `-` as `_`), for the error message.
func fieldName(_ input: String, recordType: String = "child") -> String {
    let fields = Schema.current.recordType(recordType)?.fields.map(\.name) ?? []
    let candidates = fields.map { name in
        var words = [name, Strings.swedishFieldWords[name] ?? name]
        if let pair = Strings.table["field." + name] { words += [pair.0, pair.1] }
        return (value: name, words: words)
    }
    if let name = TextRules.match(input, among: candidates).value { return name }
    return input.lowercased().replacingOccurrences(of: "-", with: "_")
}

struct InitCommand: Command {
    static let spec = CommandSpec(["init"], help: "init", options: [OptionSpec("--enroll", value: "FILE", help: "opt.enroll"),
                                                                    OptionSpec("--no-user", help: "opt.noUser")])
    let enrollFile: String?
    let noUser: Bool
    init(_ arguments: ParsedArguments, _ context: Context) {
        enrollFile = arguments.value("--enroll")
        noUser = arguments.has("--no-user")
    }

    func run(_ context: Context) throws(CLIError) {
        let enrollment = try enrollFile.map { (file) throws(CLIError) in try context.readEnrollment(file) }
        if let enrollFile, FileManager.default.fileExists(atPath: context.databasePath) {
            // The work in an existing file is enrolled in place, not replaced.
            throw CLIError(.io, context.t("error.existsEnroll", context.databasePath, enrollFile))
        }
        let store = try context.store { () throws(StoreError) in
            if let enrollment {
                try ReplicaStore.create(path: context.databasePath, enrolledAs: enrollment.replicaID,
                                        server: enrollment.serverID, url: enrollment.url, secret: enrollment.secret,
                                        now: context.now)
            } else {
                try ReplicaStore.create(path: context.databasePath, now: context.now)
            }
        }
        if let enrollment {
            // Its own name until the first reply brings the directory; display only.
            try? store.noteOwnOrganisation(enrollment.organisation, now: context.now)
        }
        // The operating-system login becomes the first user, mapped to itself (`--no-user`:
        // none; then `navet user add` adds the first).
        var firstUser: String?
        if noUser {
            try context.store { () throws(StoreError) in try store.clearUsersSeed() }
        } else if let login = OSLogin.current(), AuditContext.validUserName(login),
                  case .success(true) = try context.store({ () throws(StoreError) in
                      try store.addUser(name: login, fullName: login, osUser: login, by: nil, seed: true, now: context.now)
                  }) {
            firstUser = login
        } else {
            try context.store { () throws(StoreError) in try store.clearUsersSeed() }
            context.warn(context.t("user.seedSkipped"))
        }
        if context.json {
            context.printJSON(["replica": store.replicaID.description, "path": context.databasePath,
                               "server": enrollment?.url ?? NSNull(), "organisation": enrollment?.organisation ?? NSNull(),
                               "user": firstUser.map { $0 as Any } ?? NSNull()])
        } else if let enrollment {
            context.out(context.t("out.initEnrolled", store.replicaID.description, context.databasePath,
                                  enrollment.organisation, enrollment.url))
        } else {
            context.out(context.t("out.init", store.replicaID.description, context.databasePath))
        }
        if !context.json, let firstUser { context.out(context.t("user.initAdded", Format.line(firstUser))) }
    }
}

struct ChildAdd: Command {
    static let childSchema = Schema.current.recordType("child")!
    static let spec = CommandSpec(
        ["child", "add"], help: "child.add",
        options: childSchema.fields.map { field in
            OptionSpec(optionName(field.name), value: valueName(field.kind), help: "field.\(field.name)")
        })
    let values: [String: FieldValue]

    static func valueName(_ kind: FieldKind) -> String {
        switch kind {
        case .date: return "YYYY-MM-DD"
        case .bool: return "yes|no"
        case .choice: return "STATUS"
        default: return "TEXT"
        }
    }

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        var values: [String: FieldValue] = [:]
        for field in Self.childSchema.fields {
            if var input = arguments.value(optionName(field.name)) {
                // Free text (the search description) may come from standard input.
                if input == "-", field.lineBreaks { input = try context.readStandardInput(option: optionName(field.name), field: field) }
                values[field.name] = try context.parse(input, field: field, option: optionName(field.name))
            }
        }
        if values["name"] == nil {
            throw CLIError(.usage, context.t("error.missingArgument", "--name"), helpHint: true)
        }
        self.values = values
    }

    func run(_ context: Context) throws(CLIError) {
        let warnings = try context.checkDates(values, existing: nil)
        let store = try context.openReplica()
        try context.checkRegister(store)
        let editor = try context.actingUser(store)
        let values = self.values
        let id = try context.audited(store, as: editor, command: "child add", { () throws(StoreError) in
            try store.createRecord(type: "child", values: values, now: context.now)
        }, entry: { id, draft in draft.addWritten("child", record: id, fields: values.filter { !$0.value.isNull }.keys) })
        warnings.forEach(context.warn)
        if context.json {
            context.printJSON(["id": id.description])
        } else {
            context.out(context.t("out.childAdded", id.description))
        }
    }
}

struct ChildList: Command {
    static let spec = CommandSpec(["child", "list"], help: "child.list", options: [
        OptionSpec("--name", value: "TEXT", help: "opt.listName"),
        OptionSpec("--municipality", value: "NAME", help: "opt.listMunicipality"),
        OptionSpec("--missing", help: "opt.listMissing"),
        OptionSpec("--alerts", help: "opt.listAlerts"),
    ])
    /// Typed search text, as `TextRules.foldKey` reads it (any case, with or without accents,
    /// å composed or as a and a ring).
    let name: TextRules.Filter?
    let municipality: TextRules.Filter?
    let missing: Bool
    let alerts: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        func key(_ option: String) throws(CLIError) -> TextRules.Filter? {
            guard let text = arguments.value(option) else { return nil }
            if TextRules.firstControl(in: text, allowing: []) != nil || TextRules.firstForbiddenInLine(text) != nil {
                throw CLIError(.usage, context.t("list.controlInFilter", option), helpHint: true)
            }
            guard let filter = TextRules.Filter(text) else {
                throw CLIError(.usage, context.t("list.emptyFilter", option), helpHint: true)
            }
            return filter
        }
        name = try key("--name")
        municipality = try key("--municipality")
        missing = arguments.has("--missing")
        alerts = arguments.has("--alerts")
    }

    /// The table's header.
    static func header(_ context: Context) -> [String] {
        let s = context.strings
        return ["id", s.field("name"), s.field("birth_date"), s.field("asylum_status"), context.t("out.remarks")]
    }

    /// A table row: the id, the name (or the placeholder), the birth date, the asylum status
    /// and the remarks (a conflict; the 18th birthday passed).
    static func row(_ context: Context, id: RecordID, name: FieldValue, birthDate: FieldValue, asylumStatus: FieldValue,
                    inConflict: Bool) -> [String] {
        let s = context.strings
        return [id.description, name.displayText.map(Format.line) ?? context.t("out.nameNotShared"),
                Format.value(birthDate, field: "birth_date", strings: s),
                Format.value(asylumStatus, field: "asylum_status", strings: s),
                [inConflict ? context.t("state.conflict") : nil, context.turned18Text(birthDate: birthDate)]
                    .compactMap { $0 }.joined(separator: "; ")]
    }

    /// Streams the list (issue 15): one pass over the children in list order (read in
    /// index order from the kept sort keys, `forEachChildInListOrder`) applies the filters,
    /// keeps the ids shown and fills the read-log entry; for the table it also formats and
    /// measures each row and keeps it in a temporary table (`ByteSpool`). The entry is
    /// written; then the kept rows are printed (the table), or a second pass in list order
    /// reads each shown child's fields by id and writes it (JSON). Memory holds the shown
    /// ids (as the entry does), not the rows.
    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        var openChildren: Set<RecordID>?
        if missing {
            // An episode this replica holds as open (not one whose state is unknown because
            // the organisation's access ended: that child's list entry says so elsewhere).
            let open = try context.store { () throws(StoreError) in try store.records(ofType: "missing") }
                .filter(\.episodeOpen)
                .compactMap { episode -> RecordID? in
                    if case .text(let hex) = episode.value("child") { return RecordID(hex: hex) }
                    return nil
                }
            var kept = Set(open)
            for child in Set(open) where try context.store({ () throws(StoreError) in try store.accessEnded(child: child) }) {
                kept.remove(child)
            }
            openChildren = kept
        }
        var ids: [RecordID] = []
        var fields: Set<String> = []
        var tags: Set<String> = []
        // The tags shown by a value that needs a purpose where the policy asks one.
        var tagsNeedingPurpose: Set<String> = []
        var failure: CLIError?
        // The fields and tags seen so far, to add each to the entry once.
        var seen: [FieldTag] = []
        func note(_ fieldTags: [FieldTag], shown: Set<String>?) {
            for pair in fieldTags where !seen.contains(where: {
                $0.field == pair.field && $0.tag == pair.tag && ($0.exempt == pair.exempt || !$0.exempt)
            }) {
                seen.append(pair)
                guard shown?.contains(pair.field) ?? true else { continue }
                fields.insert("child." + pair.field)
                tags.insert(pair.tag)
                if !pair.exempt { tagsNeedingPurpose.insert(pair.tag) }
            }
        }
        /// Whether a child passes the filters (`failure` set when the alerts could not be read).
        func passes(_ child: ListedChild) -> Bool {
            if let name, !name.matches(child.name ?? "") { return false }
            if let municipality, !municipality.matches(child.municipality ?? "") { return false }
            if let openChildren, !openChildren.contains(child.id) { return false }
            if alerts {
                do throws(CLIError) {
                    guard !(try context.alerts(store, child: child.id)?.alerts.isEmpty ?? true) else { return false }
                } catch {
                    failure = error
                    return false
                }
            }
            return true
        }
        let reading = try context.store { () throws(StoreError) in try store.beginReading() }
        /// Ends the pass that chose the children and writes the entry naming them, before
        /// anything is shown.
        func endPass() throws(CLIError) {
            store.endReading(reading)
            if let failure { throw failure }
            try context.logDisplay(store, as: reader, command: "child list") { draft in
                draft.records.formUnion(ids)
                draft.fields = fields
                for tag in tags { draft.insertTag(tag, exempt: !tagsNeedingPurpose.contains(tag)) }
            }
        }
        if context.json {
            // JSON shows every field: a first pass in the file's order fills the entry, then
            // a second in list order reads and writes each child.
            let everyChild = name == nil && municipality == nil && !missing && !alerts
            do {
                if everyChild {
                    note(try context.store { () throws(StoreError) in try store.childFieldTags() }, shown: nil)
                }
                try context.store { () throws(StoreError) in
                    try store.forEachListedChild(collation: nil, fieldTags: !everyChild) { child in
                        guard passes(child) else { return failure == nil }
                        ids.append(child.id)
                        note(child.fieldTags, shown: nil)
                        return true
                    }
                }
            } catch {
                store.endReading(reading)
                throw error
            }
            try endPass()
            // Only the children the entry names (one that arrived since the first pass
            // waits for the next list).
            let listed = Set(ids)
            let again = try context.store { () throws(StoreError) in try store.beginReading() }
            defer { store.endReading(again) }
            var failed: StoreError?
            let fieldReader = try context.store { () throws(StoreError) in try store.fieldReader() }
            let writer = JSONArrayWriter(context)
            let keyOrder = JSONKeyOrder()
            try context.store { () throws(StoreError) in
                try store.forEachChildInListOrder(collation: context.collation) { child in
                    guard listed.contains(child.id) else { return true }
                    do throws(StoreError) {
                        writer.appendChild(id: child.id, fields: try fieldReader.fields(of: child.id), keyOrder: keyOrder)
                    } catch {
                        failed = error
                        return false
                    }
                    return true
                }
            }
            if let failed { throw context.describe(failed) }
            writer.finish()
            return
        }
        // The table shows three fields (and whether the birth date says 18): one pass in
        // list order formats each row, measures it and keeps it in a temporary table,
        // printed once the entry is written.
        let shown: Set<String> = ["name", "birth_date", "asylum_status"]
        let header = Self.header(context)
        var formatter = ChildTableFormatter(context, header: header)
        let spool = try context.store { () throws(StoreError) in try store.byteSpool() }
        defer { spool.close() }
        do {
            // Rows are kept in chunks of about 64 KiB (one insert each), each row after its length.
            var row: [UInt8] = []
            var chunk: [UInt8] = []
            chunk.reserveCapacity(70_000)
            try context.store { () throws(StoreError) in
                try store.forEachChildInListOrder(collation: context.collation, municipality: municipality != nil) { child in
                    guard passes(child) else { return failure == nil }
                    ids.append(child.id)
                    note(child.fieldTags, shown: shown)
                    formatter.format(child, into: &row)
                    ChildTableFormatter.appendNumber(row.count, to: &chunk)
                    chunk += row
                    guard chunk.count >= 65_536 else { return true }
                    do throws(StoreError) {
                        try spool.append(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    } catch {
                        failure = context.describe(error)
                        return false
                    }
                    return true
                }
                if failure == nil, !chunk.isEmpty { try spool.append(chunk) }
            }
        } catch {
            store.endReading(reading)
            throw error
        }
        try endPass()
        if ids.isEmpty {
            let filtered = name != nil || municipality != nil || missing || alerts
            context.out(context.t(filtered ? "list.noneMatch" : "out.noChildren"))
            return
        }
        var lines = TableBytes(context.console, widths: formatter.widths)
        lines.line(header)
        lines.line(formatter.widths.map { String(repeating: "-", count: $0) })
        try context.store { () throws(StoreError) in
            try spool.forEach { chunk in ChildTableFormatter.forEachRow(in: chunk) { lines.row($0) } }
        }
        lines.flush()
    }
}

/// `childJSON` of a child read field by field (`ReplicaStore.FieldReader`).
func childJSON(id: RecordID, fields held: [ListedField]) -> [String: Any] {
    var fields: [String: Any] = [:]
    for field in held { fields[field.name] = Format.json(field.value) }
    var birth: FieldValue = .null
    if let field = held.first(where: { $0.name == "birth_date" }) { birth = field.value }
    return [
        "id": id.description, "fields": fields,
        "conflicts": held.filter(\.inConflict).map(\.name),
        "turns_18": Format.turns18(birthDate: birth).map { $0.description } ?? NSNull(),
    ]
}

func childJSON(_ child: RecordSnapshot) -> [String: Any] {
    var fields: [String: Any] = [:]
    for field in child.fields { fields[field.name] = Format.json(field.value) }
    return [
        "id": child.id.description, "fields": fields,
        "conflicts": child.fields.filter(\.inConflict).map(\.name),
        "turns_18": Format.turns18(child).map { $0.description } ?? NSNull(),
    ]
}


struct ChildSet: Command {
    static let spec = CommandSpec(["child", "set"], help: "child.set",
                                  positionals: [("ID", true), ("FIELD", true), ("VALUE", true)])
    let id: String
    let field: FieldSchema
    let value: FieldValue

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        let name = fieldName(arguments.positionals[1])
        guard let field = ChildAdd.childSchema.field(name) else {
            throw CLIError(.validation, context.describe(SchemaError.unknownField(recordType: "child", field: arguments.positionals[1])))
        }
        self.field = field
        var input = arguments.positionals[2]
        // Named by the field's label in messages (the positional VALUE names nothing).
        if input == "-", field.lineBreaks {
            input = try context.readStandardInput(option: context.strings.field(field.name), field: field)
        }
        value = try context.parse(input, field: field)
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let record = try context.find(id, type: "child", in: store)
        let existing = try context.store { () throws(StoreError) in try store.childSnapshot(record) }
        let warnings = try context.checkDates([field.name: value], existing: existing)
        try context.checkWrite(store, child: record, recordType: "child", fields: [field.name])
        let (field, value) = (self.field, self.value)
        let change = try context.audited(store, as: editor, command: "child set", { () throws(StoreError) in
            try store.set(record: record, field: field.name, value: value, now: context.now)
        }, entry: { change, draft in draft.addChange(change) })
        warnings.forEach(context.warn)
        if context.json {
            context.printJSON(["id": record.description, "field": field.name, "changed": change != nil])
        } else {
            context.out(context.t(change == nil ? "out.unchanged" : "out.set", context.strings.field(field.name), record.description))
        }
    }
}

struct ChildHistory: Command {
    static let spec = CommandSpec(["child", "history"], help: "child.history",
                                  options: [OptionSpec("--field", value: "FIELD", help: "opt.onlyField"),
                                            OptionSpec("--verbose", help: "opt.verbose")],
                                  positionals: [("ID", true)])
    let id: String
    let field: String?
    let verbose: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        verbose = arguments.has("--verbose")
        field = arguments.value("--field").map { fieldName($0) }
        if let field, ChildAdd.childSchema.field(field) == nil {
            throw CLIError(.validation, context.describe(SchemaError.unknownField(recordType: "child", field: field)))
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let record = try context.find(id, type: "child", in: store)
        let entries = try context.store { () throws(StoreError) -> [HistoryEntry] in
            do throws(StoreError) {
                return try store.history(record)
            } catch .unknownRecord {
                return []  // a child held only through notes about it: none of its fields here
            }
        }.filter { field == nil || $0.change.field == field }
        try context.logDisplay(store, as: reader, command: "child history") { draft in
            draft.records.insert(record)
            for entry in entries { draft.add(entry.change) }
        }
        let origins = OriginDisplay(store: store, strings: context.strings, verbose: verbose)
        if context.json {
            context.printJSON(entries.map { entry -> [String: Any] in
                var object = origins.adding(entry.change.origin, to: Format.json(entry.change))
                object["state"] = entry.state.rawValue
                return object
            })
            return
        }
        if entries.isEmpty {
            context.out(context.t("out.noChildFields", record.description))
            return
        }
        let s = context.strings
        let rows = entries.map { entry in
            [Format.time(entry.change.wallTime), s.field(entry.change.field),
             Format.value(entry.change.value, field: entry.change.field, strings: s),
             origins.text(entry.change.origin), context.t("state.\(entry.state.rawValue)")]
        }
        context.out(Format.table([context.t("out.time"), context.t("out.field"), context.t("out.value"),
                                  context.t("out.recordedBy"), context.t("out.state")], rows))
    }
}

struct StatusCommand: Command {
    static let spec = CommandSpec(["status"], help: "status")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let status = try context.store { () throws(StoreError) in try store.status() }
        let refused = try context.store { () throws(StoreError) in try store.refusedChanges() }
        // Refused changes carry values (this replica's own): shown, and logged, only to an
        // enabled user; without one the status is still shown, the values hidden.
        var showValues = false
        // Why the values are hidden: no user, or a purpose needed and not given.
        var hiddenKey = "audit.valueHidden"
        if !refused.isEmpty, let reader = try? context.actingUser(store) {
            do throws(CLIError) {
                try context.logDisplay(store, as: reader, command: "status") { draft in
                    for change in refused {
                        draft.records.insert(change.recordID)
                        draft.fields.insert(change.recordType + "." + change.field)
                        if let tag = change.tag { draft.insertTag(tag.rawValue) }
                    }
                }
                showValues = true
            } catch {
                // A purpose needed and not given: the status without the values.
                if error.code != .purposeRequired { throw error }
                hiddenKey = "audit.valueHiddenPurpose"
            }
        }
        let shownValue = { (value: String?) -> Any in showValues ? value.map { $0 as Any } ?? NSNull() : NSNull() }
        if context.json {
            context.printJSON([
                "purge_pending": status.purgePending, "redaction_ack": status.redactionAck,
                "permissions_known": try context.store { () throws(StoreError) in try store.permissionsKnown() },
                "may_register": try context.store { () throws(StoreError) in try store.mayRegister() } ?? NSNull(),
                "refused_changes": refused.map { change -> [String: Any] in
                    ["seq": change.seq, "record_type": change.recordType, "record": change.recordID.description,
                     "field": change.field, "value": shownValue(change.value), "value_hidden": !showValues, "tag": change.tag?.rawValue ?? NSNull(),
                     "reason": change.reason, "reason_text": context.writeRefusalText(change.reason),
                     "refused_at": Format.time(change.refusedAt)]
                },
                "replica": status.replicaID.description, "server": status.serverID?.description ?? NSNull(),
                "path": context.databasePath, "schema_version": status.schemaVersion,
                "layout_version": status.layoutVersion, "children": status.children, "notes": status.notes,
                "conflicts": status.conflicts, "changes": status.changes, "pending": status.pending,
                "cursor": status.cursor, "acked_seq": status.acked,
                "last_export": status.lastExportAt.map(Format.time) ?? NSNull(),
                "last_import": status.lastImportAt.map(Format.time) ?? NSNull(),
                "last_sync": status.lastSyncAt.map(Format.time) ?? NSNull(),
                "server_url": status.serverURL ?? NSNull(), "enrolled": status.enrolled,
                "last_refusal": status.lastRefusal ?? NSNull(),
                "last_refusal_at": status.lastRefusalAt.map(Format.time) ?? NSNull(),
            ])
            return
        }
        let never = context.t("out.never")
        let server = [status.serverID?.description, status.serverURL].compactMap { $0 }.joined(separator: "  ")
        var rows: [(String, String)] = [
            (context.t("out.replica"), status.replicaID.description),
            (context.t("out.file"), context.databasePath),
            (context.t("out.schema"), "\(status.schemaVersion) (" + context.t("out.layout") + " \(status.layoutVersion))"),
            (context.t("out.children"), String(status.children)),
            (context.t("out.notes"), String(status.notes)),
            (context.t("out.conflicts"), String(status.conflicts)),
            (context.t("out.pending"), String(status.pending)),
            (context.t("out.server"), server.isEmpty ? context.t("out.notEnrolled") : server),
            (context.t("out.cursor"), String(status.cursor)),
            (context.t("out.lastSync"), status.lastSyncAt.map(Format.time) ?? never),
        ]
        if let reason = status.lastRefusal {
            let when = status.lastRefusalAt.map(Format.time) ?? ""
            rows.append((context.t("out.lastRefusal"), context.refusalText(reason) + "  (" + when + ")"))
        }
        rows.append((context.t("out.lastExport"), status.lastExportAt.map(Format.time) ?? never))
        rows.append((context.t("out.lastImport"), status.lastImportAt.map(Format.time) ?? never))
        if status.purgePending { rows.append((context.t("out.purge"), context.t("out.purgePending"))) }
        context.out(Format.fields(rows))
        guard !refused.isEmpty else { return }
        let s = context.strings
        context.out("")
        context.out(context.t("out.refusedChanges", String(refused.count)))
        for change in refused {
            let value = !showValues ? context.t(hiddenKey)
                : change.value.map { Format.value(.text($0), field: change.field, strings: s) } ?? context.t("out.emptyValue")
            context.out("  " + context.t("out.refusedLine", s.label("type", change.recordType), change.recordID.description,
                                         s.field(change.field), value, Format.time(change.refusedAt)))
            context.out("    " + context.t("out.refusedReason", context.writeRefusalText(change.reason)))
        }
    }
}
