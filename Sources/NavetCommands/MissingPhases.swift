import Foundation
import NavetCore
import NavetStore

// The missing episode in the method's three phases (issue 14, point 2; "På flykt och
// försvunnen"): the report with its checklist, the police told, the child found, the
// follow-up that closes the episode (and ends the police's access under the missing rule).
// Nothing here says or implies that a child left of its own will: risk starts at high and
// only a person lowers it, with a reason.

/// A time a person typed: ISO 8601 with an offset, or a Swedish wall time.
struct TypedMoment {
    let moment: Timestamp
    /// The text as typed when it had no offset and was read as Swedish time.
    let typedLocal: String?
}

/// The phases of an episode, in order, as `missing list` and `missing show` name them.
enum MissingPhase {
    static let all = ["reported", "police_notified", "found", "followed_up", "withdrawn"]

    /// The phase the episode's cells say: the furthest step recorded.
    static func of(_ episode: RecordSnapshot) -> String {
        // A follow-up ends the episode whatever else was recorded (a withdrawal it overrode).
        if !episode.value("follow_up_at").isNull { return "followed_up" }
        if !episode.value("withdrawn_reason").isNull, !episode.value("closed_at").isNull, !episode.withdrawalContested {
            return "withdrawn"
        }
        if !episode.value("found_at").isNull { return "found" }
        if !episode.value("police_notified_at").isNull { return "police_notified" }
        return "reported"
    }
}

extension RecordSnapshot {
    /// Whether this missing episode is open as the replica holds it (`EpisodeRules.isOpen`:
    /// a withdrawal does not close an episode the police were told of, or whose child was found).
    var episodeOpen: Bool {
        EpisodeRules.isOpen(closed: !value("closed_at").isNull, followedUp: !value("follow_up_at").isNull,
                            policeNotified: !value("police_notified_at").isNull, found: !value("found_at").isNull)
    }

    /// Whether this episode was withdrawn without its author knowing that the police were
    /// told or the child found (`EpisodeRules.withdrawalContested`).
    var withdrawalContested: Bool {
        EpisodeRules.withdrawalContested(closed: !value("closed_at").isNull, followedUp: !value("follow_up_at").isNull,
                                         policeNotified: !value("police_notified_at").isNull, found: !value("found_at").isNull)
    }
}

extension Context {
    /// The episode's texts a phase command was given, each checked against its `missing`
    /// field: options not given are left out, and a `required` one may not be empty.
    func phaseTexts(_ arguments: ParsedArguments,
                    _ fields: [(option: String, field: String, required: Bool)]) throws(CLIError) -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        for (option, field, required) in fields {
            guard let input = arguments.value(option) else { continue }
            let value = try text(input, option: option, field: field, of: "missing")
            if value.isNull, required { throw CLIError(.validation, describe(SchemaError.required(field: field), option: option)) }
            values[field] = value
        }
        return values
    }

    /// Reads a time typed for `option`: ISO 8601 with an offset (converted to Swedish time),
    /// or a local time read as Swedish time (refused, with the reason, in the hour the
    /// clocks skip or pass twice).
    /// Not in the future (a few minutes of clock difference allowed), not before 2000.
    func moment(_ input: String, option: String) throws(CLIError) -> TypedMoment {
        let typed = input.trimmingCharacters(in: .whitespaces)
        let moment: Timestamp
        var local: String? = nil
        if let parsed = Timestamp(iso: typed) {
            // Kept and shown in Swedish time, whatever offset it was typed with.
            moment = Timestamp(swedishTimeAt: parsed.unixMilliseconds)
        } else {
            switch SwedishTime.reading(local: typed) {
            case .unique(let parsed)?:
                moment = parsed
                local = typed
            case .gap?:
                let example = String(typed.prefix(10)) + "T" + String(typed.dropFirst(11).prefix(5)) + "+01:00"
                throw CLIError(.validation, option + ": " + t("error.timeInGap", Format.line(typed), example))
            case .overlap(let summer, let winter)?:
                throw CLIError(.validation, option + ": " + t("error.timeInOverlap", Format.line(typed), summer.description,
                                                               winter.description))
            case nil:
                // A time in a year no date here reaches (1900–2200) is named as too late or
                // too early, not as no time at all.
                if typed.utf8.count >= 5, typed.utf8.dropFirst(4).first == UInt8(ascii: "-"),
                   typed.prefix(4).allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(typed.prefix(4)) {
                    if year > 2200 {
                        throw CLIError(.validation, t("error.futureTime", option, Format.line(typed),
                                                      Timestamp(swedishTimeAt: now / 60_000 * 60_000).description))
                    }
                    if year < 1900 {
                        throw CLIError(.validation, t("error.timeBeforeFloor", option, Format.line(typed),
                                                      PlausibleDates.floor.description))
                    }
                }
                throw CLIError(.validation, t("error.badTime", option, Format.line(typed)))
            }
        }
        // A few minutes ahead are the clocks disagreeing; more is a mistake.
        if moment.unixMilliseconds > now + PlausibleDates.clockSkewMilliseconds {
            throw CLIError(.validation, t("error.futureTime", option, moment.description,
                                          Timestamp(swedishTimeAt: now / 60_000 * 60_000).description))
        }
        if let day = SwedishTime.date(at: moment.unixMilliseconds), day < PlausibleDates.floor {
            throw CLIError(.validation, t("error.timeBeforeFloor", option, moment.description, PlausibleDates.floor.description))
        }
        return TypedMoment(moment: moment, typedLocal: local)
    }

    /// "The local time … was read as Swedish time: … (winter time, UTC+01:00)." for a time
    /// typed without an offset; nil otherwise.
    func offsetNote(_ typed: TypedMoment) -> String? {
        guard let local = typed.typedLocal else { return nil }
        let zone = (typed.moment.offsetMinutes == 120 ? t("out.summerTime") : t("out.winterTime"))
            + ", UTC" + String(typed.moment.description.suffix(6))
        return t("out.offsetUsed", Format.line(local), typed.moment.description, zone)
    }

    /// Prints the offset notes of the times typed without an offset.
    func sayOffsets(_ times: [TypedMoment?]) {
        for case let typed? in times { if let note = offsetNote(typed) { out(note) } }
    }

    /// Now, in Swedish time, to the second: when a step was recorded.
    var nowMoment: Timestamp { Timestamp(swedishTimeAt: now / 1000 * 1000) }

    /// The episode `id` names, open and still this replica's to change: refused when it is
    /// closed (everything on a closed episode is), and when the organisation's access to
    /// the child has ended (whether it is still open is unknown here).
    func openEpisode(_ id: String, store: ReplicaStore) throws(CLIError) -> (record: RecordID, episode: RecordSnapshot, child: RecordID) {
        let record = try find(id, type: "missing", in: store)
        let episode = try self.store { () throws(StoreError) in try store.snapshot(record) }
        let child = try childOf(record, type: "missing", in: store)
        if !episode.episodeOpen, let closed = episode.value("closed_at").displayText {
            let how = MissingPhase.of(episode) == "withdrawn" ? t("out.closedWithdrawn") : t("out.closedFollowedUp")
            throw CLIError(.validation, t("error.episodeClosed", record.description, Format.line(closed), how))
        }
        if try accessEnded(store, child: child) {
            throw CLIError(.usage, t("error.episodeAccessEnded", record.description, child.description))
        }
        return (record, episode, child)
    }

    /// Refuses `moment` (typed for `option`) before the time in `field` of the episode,
    /// when the episode holds one: "--found-at … is before the child was last seen (…)".
    func checkOrder(_ moment: TypedMoment, option: String, notBefore field: String, of episode: RecordSnapshot,
                    key: String) throws(CLIError) {
        guard let text = episode.value(field).displayText, let earlier = Timestamp(iso: text),
              moment.moment.unixMilliseconds < earlier.unixMilliseconds else { return }
        throw CLIError(.validation, t(key, option, moment.moment.description, earlier.description))
    }

    /// The user's full name, as `--reported-by` and a check's `done_by` default to.
    func fullName(_ user: ReplicaUser) -> String {
        let name = user.fullName.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? user.name : name
    }

    /// The checklist item a person typed: its number in the printed list, its code, its
    /// text in either language or a usual word for it (any case, with or without å ä ö).
    func checkItem(_ typed: String) throws(CLIError) -> String {
        let items = Schema.missingCheckItems
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        if let number = Int(trimmed), number >= 1, number <= items.count { return items[number - 1] }
        switch Strings.match(trimmed, among: items, kind: "checkitem", extra: MissingStrings.itemWords) {
        case .exact(let code), .folded(let code): return code
        case .ambiguous(let codes):
            throw didYouMean(Help.valueName("ITEM", strings), trimmed, codes.map(checkItemName))
        case .none:
            // Swedish names the items by their words (a text may hold a comma: "; " between).
            let swedish = strings.language == .swedish
            let listed = items.enumerated().map { "\($0.offset + 1). " + (swedish ? strings.label("checkitem", $0.element) : $0.element) }
                .joined(separator: swedish ? "; " : ", ")
            throw CLIError(.validation, t("error.badCheckItem", Format.line(trimmed), listed))
        }
    }

    /// The checklist printed after a report: what to do now, item by item.
    func printChecklist(episode: RecordID) {
        out(t("out.checklistHeading", episode.description))
        for (index, item) in Schema.missingCheckItems.enumerated() {
            out("  \(index + 1). [ ] " + strings.label("checkitem", item) + (strings.language == .swedish ? "" : "  (" + item + ")"))
        }
    }

    /// A checklist item as a person may type it: its code and text in English, its text in
    /// Swedish (the number, the text and usual words are typed in either language).
    func checkItemName(_ code: String) -> String {
        strings.language == .swedish ? strings.label("checkitem", code) : code + " (" + strings.label("checkitem", code) + ")"
    }

    /// The checks recorded for an episode, the first of each item (a second record of an
    /// item, made offline elsewhere at the same time, adds nothing).
    func checks(of episode: RecordID, child: RecordID, store: ReplicaStore) throws(CLIError) -> [String: RecordSnapshot] {
        let records = try self.store { () throws(StoreError) in try store.records(ofType: "missing_check", child: child) }
        var done: [String: RecordSnapshot] = [:]
        for record in records where record.value("episode").displayText == episode.description {
            guard let item = record.value("item").displayText, done[item] == nil else { continue }
            done[item] = record
        }
        return done
    }
}

// MARK: navet missing check

struct MissingCheck: Command {
    static let spec = CommandSpec(["missing", "check"], help: "missing.check",
                                  options: [OptionSpec("--at", value: "TIME", help: "opt.checkAt")],
                                  positionals: [("EPISODE", true), ("ITEM", true)])
    let id: String
    let item: String
    let at: TypedMoment?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        item = try context.checkItem(arguments.positionals[1])
        at = try arguments.value("--at").map { (text) throws(CLIError) in try context.moment(text, option: "--at") }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (record, episode, child) = try context.openEpisode(id, store: store)
        if let at {
            try context.checkOrder(at, option: "--at", notBefore: "last_seen_at", of: episode, key: "error.beforeLastSeen")
        }
        let done = try context.checks(of: record, child: child, store: store)
        if let earlier = done[item] {
            throw CLIError(.validation, context.t("error.alreadyChecked", context.strings.label("checkitem", item),
                                                  Format.line(earlier.value("done_by").displayText ?? "?"),
                                                  Format.line(earlier.value("done_at").displayText ?? "?")))
        }
        let when = at?.moment ?? context.nowMoment
        let values: [String: FieldValue] = [
            "child": .text(child.description), "episode": .text(record.description), "item": .text(item),
            "done_at": .text(when.description), "done_by": .text(context.fullName(editor)),
        ]
        try context.checkWrite(store, child: child, recordType: "missing_check", fields: values.keys)
        let id = try context.audited(store, as: editor, command: "missing check", { () throws(StoreError) in
            try store.createRecord(type: "missing_check", values: values, now: context.now)
        }, entry: { id, draft in
            draft.records.insert(child)
            draft.records.insert(record)
            draft.addWritten("missing_check", record: id, fields: values.keys)
        })
        let count = done.count + 1
        let total = Schema.missingCheckItems.count
        if context.json {
            context.printJSON(["id": id.description, "episode": record.description, "item": item, "done_at": when.description,
                               "done_by": context.fullName(editor), "done": count, "total": total])
            return
        }
        context.sayOffsets([at])
        context.out(context.t("out.checked", context.strings.label("checkitem", item), record.description, when.description,
                              Format.line(context.fullName(editor)), String(count), String(total)))
    }
}

// MARK: navet missing police-notified

struct MissingPoliceNotified: Command {
    static let spec = CommandSpec(["missing", "police-notified"], help: "missing.policeNotified",
                                  options: [OptionSpec("--at", value: "TIME", help: "opt.policeAt"),
                                            OptionSpec("--reference", value: "REF", help: "opt.policeReference")],
                                  positionals: [("EPISODE", true)])
    let id: String
    let at: TypedMoment
    let reference: FieldValue

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--at", "--reference"], in: arguments)
        id = arguments.positionals[0]
        at = try context.moment(arguments.value("--at")!, option: "--at")
        reference = try context.phaseTexts(arguments, [("--reference", "police_reference", true)])["police_reference"] ?? .null
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (record, episode, child) = try context.openEpisode(id, store: store)
        try context.checkOrder(at, option: "--at", notBefore: "last_seen_at", of: episode, key: "error.beforeLastSeen")
        let values: [String: FieldValue] = ["police_notified_at": .text(at.moment.description), "police_reference": reference]
        try context.recordStep(store, editor: editor, command: "missing police-notified", record: record, child: child,
                               values: values, replacing: episode)
        if context.json {
            context.printJSON(["id": record.description, "police_notified_at": at.moment.description,
                               "police_reference": reference.displayText ?? "", "read_as_swedish_time": at.typedLocal != nil,
                               "phase": "police_notified"])
            return
        }
        context.sayOffsets([at])
        context.out(context.t("out.policeNotified", record.description, at.moment.description, Format.line(reference.displayText ?? "")))
    }
}

// MARK: navet missing found

struct MissingFound: Command {
    static let spec = CommandSpec(["missing", "found"], help: "missing.found",
                                  options: [OptionSpec("--at", value: "TIME", help: "opt.foundAt"),
                                            OptionSpec("--place", value: "TEXT", help: "opt.foundPlace"),
                                            OptionSpec("--by", value: "TEXT", help: "opt.foundBy"),
                                            OptionSpec("--account", value: "TEXT", help: "opt.account")],
                                  positionals: [("EPISODE", true)])
    let id: String
    let at: TypedMoment
    let values: [String: FieldValue]

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--at", "--place", "--by"], in: arguments)
        id = arguments.positionals[0]
        at = try context.moment(arguments.value("--at")!, option: "--at")
        var values = try context.phaseTexts(arguments, [("--place", "found_place", true), ("--by", "found_by", true),
                                                        ("--account", "child_account", false)])
        values["found_at"] = .text(at.moment.description)
        self.values = values
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (record, episode, child) = try context.openEpisode(id, store: store)
        try context.checkOrder(at, option: "--at", notBefore: "last_seen_at", of: episode, key: "error.foundBeforeLastSeen")
        try context.recordStep(store, editor: editor, command: "missing found", record: record, child: child,
                               values: values.filter { !$0.value.isNull }, replacing: episode)
        if context.json {
            var object: [String: Any] = ["id": record.description, "read_as_swedish_time": at.typedLocal != nil, "phase": "found"]
            for (field, value) in values { object[field] = Format.json(value) }
            context.printJSON(object)
            return
        }
        context.sayOffsets([at])
        context.out(context.t("out.found", record.description, at.moment.description,
                              Format.line(values["found_place"]?.displayText ?? ""), Format.line(values["found_by"]?.displayText ?? ""),
                              record.description))
    }
}

// MARK: navet missing follow-up

struct MissingFollowUp: Command {
    static let spec = CommandSpec(["missing", "follow-up"], help: "missing.followUp",
                                  options: [OptionSpec("--at", value: "TIME", help: "opt.followUpAt"),
                                            OptionSpec("--by", value: "TEXT", help: "opt.followUpBy"),
                                            OptionSpec("--text", value: "TEXT", help: "opt.followUpText")],
                                  positionals: [("EPISODE", true)])
    let id: String
    let at: TypedMoment
    let values: [String: FieldValue]

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--at", "--by", "--text"], in: arguments)
        id = arguments.positionals[0]
        at = try context.moment(arguments.value("--at")!, option: "--at")
        var values = try context.phaseTexts(arguments, [("--by", "follow_up_by", true), ("--text", "follow_up_text", true)])
        values["follow_up_at"] = .text(at.moment.description)
        self.values = values
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (record, episode, child) = try context.openEpisode(id, store: store)
        guard !episode.value("found_at").isNull else {
            throw CLIError(.validation, context.t("error.followUpNotFound", record.description))
        }
        try context.checkOrder(at, option: "--at", notBefore: "found_at", of: episode, key: "error.followUpBeforeFound")
        var values = self.values
        // Closed when recorded, or at the follow-up's time when that is given a few minutes
        // ahead (clocks differ): never before the follow-up itself.
        let now = context.nowMoment
        let closedAt = (at.moment.unixMilliseconds > now.unixMilliseconds ? at.moment : now).description
        values["closed_at"] = .text(closedAt)
        try context.recordStep(store, editor: editor, command: "missing follow-up", record: record, child: child,
                               values: values, replacing: episode)
        if context.json {
            var object: [String: Any] = ["id": record.description, "read_as_swedish_time": at.typedLocal != nil,
                                         "phase": "followed_up"]
            for (field, value) in values { object[field] = Format.json(value) }
            context.printJSON(object)
            return
        }
        context.sayOffsets([at])
        context.out(context.t("out.followedUp", record.description, at.moment.description,
                              Format.line(values["follow_up_by"]?.displayText ?? ""), closedAt))
    }
}

// MARK: navet missing risk

struct MissingRisk: Command {
    static let spec = CommandSpec(["missing", "risk"], help: "missing.risk",
                                  options: [OptionSpec("--reason", value: "TEXT", help: "opt.riskReason")],
                                  positionals: [("EPISODE", true), ("LEVEL", true)])
    let id: String
    let level: String
    let reason: FieldValue

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        let typed = arguments.positionals[1]
        guard let level = HubStrings.code(for: typed, among: Schema.riskLevels, kind: "risk") else {
            try context.checkAmbiguous(typed, option: "LEVEL", among: Schema.riskLevels, kind: "risk")
            throw CLIError(.validation, context.t("error.badRisk", Format.line(typed),
                                                  context.choiceList(Schema.riskLevels, kind: "risk"))
                           + context.nearChoices(typed, among: Schema.riskLevels, kind: "risk", extra: HubStrings.synonyms))
        }
        self.level = level
        reason = try arguments.value("--reason").map { (text) throws(CLIError) in
            try context.text(text, option: "--reason", field: "risk_reason", of: "missing")
        } ?? .null
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let editor = try context.actingUser(store)
        let (record, episode, child) = try context.openEpisode(id, store: store)
        let s = context.strings
        // An episode without a risk (written by an older Navet) counts as high.
        let current = episode.value("risk").displayText ?? "high"
        let rank = { (level: String) -> Int in Schema.riskLevels.count - (Schema.riskLevels.firstIndex(of: level) ?? 0) }
        if current == level {
            throw CLIError(.validation, context.t("error.sameRisk", record.description, s.label("risk", level)))
        }
        let lowering = rank(level) < rank(current)
        if lowering, reason.isNull {
            throw CLIError(.validation, context.t("error.lowerNeedsReason", record.description, s.label("risk", current),
                                                  s.label("risk", level)))
        }
        try context.recordStep(store, editor: editor, command: "missing risk", record: record, child: child,
                               values: ["risk": .text(level), "risk_reason": reason], replacing: episode)
        if context.json {
            context.printJSON(["id": record.description, "risk": level, "previous_risk": current, "risk_reason": Format.json(reason)])
            return
        }
        context.out(context.t("out.riskChanged", record.description, s.label("risk", current), s.label("risk", level)))
    }
}

extension Context {
    /// Writes `values` to the episode in one audited edit, after the up-front write check;
    /// warns for each recorded value it replaces (a step recorded again corrects it).
    func recordStep(_ store: ReplicaStore, editor: ReplicaUser, command: String, record: RecordID, child: RecordID,
                    values: [String: FieldValue], replacing episode: RecordSnapshot) throws(CLIError) {
        try checkWrite(store, child: child, recordType: "missing", fields: values.keys)
        let ordered = values.sorted { $0.key < $1.key }
        for (field, value) in ordered where field != "closed_at" && field != "risk" && field != "risk_reason" {
            if let old = episode.value(field).displayText, value.displayText != old {
                warn(t("warn.replacesValue", strings.field(field), Format.line(old)))
            }
        }
        _ = try audited(store, as: editor, command: command, { () throws(StoreError) -> [Change?] in
            var changes: [Change?] = []
            for (field, value) in ordered {
                changes.append(try store.set(record: record, field: field, value: value, now: now))
            }
            return changes
        }, entry: { changes, draft in
            draft.records.insert(child)
            draft.records.insert(record)
            for change in changes { draft.addChange(change) }
        })
    }
}

// MARK: navet missing show

struct MissingShow: Command {
    static let spec = CommandSpec(["missing", "show"], help: "missing.show", positionals: [("EPISODE", true)])
    let id: String
    init(_ arguments: ParsedArguments, _ context: Context) { id = arguments.positionals[0] }

    /// The episode's fields in the order shown.
    static let fields = ["last_seen_at", "last_seen_place", "discovered_at", "discovered_by", "reported_by", "contact_phone", "circumstances",
                         "risk", "risk_reason", "police_notified_at", "police_reference", "found_at", "found_place", "found_by",
                         "child_account", "follow_up_at", "follow_up_by", "follow_up_text", "withdrawn_reason", "closed_at"]

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let record = try context.find(id, type: "missing", in: store)
        let episode = try context.store { () throws(StoreError) in try store.snapshot(record) }
        let child = try context.childOf(record, type: "missing", in: store)
        let name = try context.store { () throws(StoreError) in try store.snapshot(child) }.value("name").displayText
        let done = try context.checks(of: record, child: child, store: store)
        // The checklist goes where its tag goes: not to the police under the missing rule,
        // who must not read an empty list as "nothing done".
        let checklistShared = try context.reads(store, child: child, recordType: "missing_check", field: "item")
        let ended = try context.accessEnded(store, child: child)
        let phase = MissingPhase.of(episode)
        // As `missing list` says it: a member that does not read the search fields (a school)
        // is not sent the closing, so open or closed is not known there.
        let shared = try context.closingShared(store, child: child)
        let state = !episode.episodeOpen ? "closed" : ended ? "access_ended" : shared ? "open" : "not_shared"
        try context.logDisplay(store, as: reader, command: "missing show") { draft in
            draft.records.insert(child)
            draft.add(episode, fields: ["child"] + Self.fields)
            if name != nil {
                draft.fields.insert("child.name")
                draft.insertTag(ChildAdd.childSchema.field("name")!.defaultTag.rawValue)
            }
            for check in done.values { draft.add(check, fields: ["item", "done_at", "done_by"]) }
        }
        let s = context.strings
        let items = Schema.missingCheckItems
        if context.json {
            var object: [String: Any] = ["id": record.description, "child": child.description, "child_name": name ?? NSNull(),
                                         "phase": phase, "state": state, "withdrawal_contested": episode.withdrawalContested,
                                         "checklist_done": checklistShared ? done.count as Any : NSNull(),
                                         "checklist_total": items.count, "checklist_shared": checklistShared]
            for field in Self.fields { object[field] = Format.json(episode.value(field)) }
            object["checklist"] = !checklistShared ? [] : items.map { item -> [String: Any] in
                let check = done[item]
                return ["item": item, "text": s.label("checkitem", item), "done": check != nil,
                        "done_at": check.map { Format.json($0.value("done_at")) } ?? NSNull(),
                        "done_by": check.map { Format.json($0.value("done_by")) } ?? NSNull()]
            }
            context.printJSON(object)
            return
        }
        var rows: [(String, String)] = [
            ("id", record.description),
            (context.t("out.child"), (name.map(Format.line) ?? context.t("out.nameNotShared")) + " (" + child.description + ")"),
            (context.t("out.phase"), s.label("phase", phase)),
            (context.t("out.hubState"), s.label("missingstate", state)),
        ]
        for field in Self.fields where !episode.value(field).isNull {
            let value = episode.value(field)
            let multiLine = Schema.current.recordType("missing")?.field(field)?.lineBreaks ?? false
            rows.append((s.field(field), multiLine ? Format.block(value.displayText ?? "")
                                                   : Format.value(value, field: field, strings: s)))
        }
        context.out(Format.fields(rows))
        context.out("")
        if !checklistShared { context.out(context.t("out.checklistNotShared")) }
        if checklistShared { context.out(context.t("out.checklistProgress", String(done.count), String(items.count))) }
        for (index, item) in items.enumerated() where checklistShared {
            let line = "  \(index + 1). " + (done[item] == nil ? "[ ] " : "[x] ") + s.label("checkitem", item)
            if let check = done[item] {
                context.out(line + "  (" + context.t("out.checkedBy", Format.line(check.value("done_by").displayText ?? "?"),
                                                     Format.line(check.value("done_at").displayText ?? "?")) + ")")
            } else {
                context.out(line)
            }
        }
        if episode.withdrawalContested {
            context.out("")
            context.out(context.t("out.withdrawalContested", record.description))
        }
        // The hub's instruction; the police, outside it, read their alert instead.
        if state == "open", episode.value("police_notified_at").isNull, try context.ownKind(store) != OrganisationKind.police.rawValue {
            context.out("")
            context.out(context.t("out.tellPolice", record.description))
        }
    }
}
