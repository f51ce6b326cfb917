import Foundation
import NavetCore
import NavetStore

/// `navet child show ID` (issue 14, point 6): the case page a worker opens first. The
/// child's identity and status with the 18th birthday, the hub with phone numbers, an open
/// missing episode, the coordinated plans (SIP), open actions, the latest notes and the
/// alerts, in the reader's language. Shows only what this replica holds; every record and
/// field shown is in the read-log entry, written before anything is shown.
struct ChildShow: Command {
    static let spec = CommandSpec(["child", "show"], help: "child.show",
                                  options: [OptionSpec("--notes", value: "COUNT", help: "opt.caseNotes")],
                                  positionals: [("ID", true)])
    /// How many of the latest notes the page shows by default.
    static let defaultNotes = 5
    let id: String
    let noteCount: Int

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        id = arguments.positionals[0]
        if let text = arguments.value("--notes") {
            guard let value = Int(text), (0...1000).contains(value) else {
                throw CLIError(.usage, context.t("case.badNotes", Format.line(text)), helpHint: true)
            }
            noteCount = value
        } else {
            noteCount = Self.defaultNotes
        }
    }

    /// The fields each section shows (and so logs).
    static let shown: [String: [String]] = [
        "membership": ["organisation", "role", "person", "phone", "start_date", "end_date"],
        "missing": ["child", "last_seen_at", "last_seen_place", "risk", "police_notified_at", "found_at", "closed_at",
                    "reported_by", "contact_phone", "withdrawn_reason", "follow_up_at"],
        "sip": ["child", "status", "responsible", "next_follow_up"],
        "action": ["child", "who", "what", "due", "done_at"],
        "note": ["child", "kind", "text", "author", "date"],
    ]

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let record = try context.find(id, type: "child", in: store)
        let child = try context.store { () throws(StoreError) in try store.childSnapshot(record) }
        let notes = try context.store { () throws(StoreError) in try store.notes(child: record) }
        func held(_ type: String) throws(CLIError) -> [RecordSnapshot] {
            try context.store { () throws(StoreError) in try store.records(ofType: type, child: record) }
        }
        let today = context.swedishToday
        let ended = try context.accessEnded(store, child: record)
        let hub = try held("membership").filter { HubList.state($0, today: today, context: context, accessEnded: ended) == "active" }
            .sorted { ($0.value("organisation").displayText ?? "", $0.id) < ($1.value("organisation").displayText ?? "", $1.id) }
        let episodes = try held("missing").filter(\.episodeOpen)
        let plans = try held("sip")
        let actions = try held("action").filter { $0.value("done_at") == .null }
            .sorted { ($0.value("due").displayText ?? "", $0.id) < ($1.value("due").displayText ?? "", $1.id) }
        let recent = Array(notes.suffix(noteCount).reversed())
        var planStatus: [RecordID: String] = [:]
        for plan in plans { planStatus[plan.id] = try context.sipStatus(plan, store: store) }
        let alerts = try context.alerts(store, child: record)?.alerts ?? []
        let readerKind = try context.ownKind(store)

        try context.logDisplay(store, as: reader, command: "child show") { draft in
            draft.add(child)
            for (type, records) in [("membership", hub), ("missing", episodes), ("sip", plans), ("action", actions), ("note", recent)] {
                for shownRecord in records { draft.add(shownRecord, fields: Self.shown[type]) }
            }
            // JSON lists every note's id (not its content).
            if context.json { draft.records.formUnion(notes.map(\.id)) }
            for alert in alerts { draft.records.insert(alert.record) }
        }
        let s = context.strings
        if context.json {
            var object = childJSON(child)
            object["notes"] = notes.map { $0.id.description }
            func records(_ list: [RecordSnapshot], _ type: String) -> [[String: Any]] {
                list.map { item in
                    var fields: [String: Any] = ["id": item.id.description]
                    for name in Self.shown[type] ?? [] where name != "child" { fields[name] = Format.json(item.value(name)) }
                    return fields
                }
            }
            object["access_ended"] = ended
            object["hub"] = records(hub, "membership")
            object["missing"] = records(episodes, "missing")
            object["sip"] = records(plans, "sip").map { plan -> [String: Any] in
                var plan = plan
                if let id = (plan["id"] as? String).flatMap(RecordID.init(hex:)), planStatus[id] == "lapsed" {
                    plan["status"] = "consent_lapsed"
                }
                return plan
            }
            object["open_actions"] = records(actions, "action")
            object["recent_notes"] = recent.map { note -> [String: Any] in
                ["id": note.id.description, "time": Format.time(note.createdAt), "kind": Format.json(note.value("kind")),
                 "text": Format.json(note.value("text")), "tag": note.field("text")?.change.tag.rawValue ?? NSNull()]
            }
            object["alerts"] = alerts.map { alert -> [String: Any] in
                ["severity": alert.severity.rawValue, "rule": alert.rule.rawValue, "record": alert.record.description,
                 "since": alert.since.description, "due": alert.due.map(\.description) ?? NSNull(),
                 "what": context.alertTexts(alert, readerKind: readerKind).what, "do_now": context.alertTexts(alert, readerKind: readerKind).doNow]
            }
            context.printJSON(object)
            return
        }
        var rows: [(String, String)] = [("id", child.id.description)]
        for field in Schema.current.recordType("child")!.fields {
            guard let state = child.field(field.name) else {
                if field.name == "name" { rows.append((s.field("name"), context.t("out.nameNotShared"))) }
                continue
            }
            var text = Format.value(state.value, field: field.name, strings: s)
            if state.inConflict { text += "  (" + context.t("out.inConflict", String(state.headCount)) + ")" }
            rows.append((s.field(field.name), text))
            if field.name == "birth_date", let turns18 = Format.turns18(child) {
                let past = turns18 <= today
                rows.append((s.field(past ? "turned_18" : "turns_18"), turns18.description))
            }
        }
        rows.append((context.t("out.notes"), String(notes.count)))
        var page = [Format.fields(rows)]
        if ended { page.append(context.t("out.accessEndedNote", child.id.description)) }
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            page.append(context.t(title) + "\n" + lines.map { "  " + $0 }.joined(separator: "\n"))
        }
        func value(_ snapshot: RecordSnapshot, _ field: String) -> String {
            Format.line(Format.value(snapshot.value(field), field: field, strings: s))
        }
        section("case.alerts", alerts.map { alert in
            "[" + s.label("severity", alert.severity.rawValue).uppercased() + "] " + Format.line(context.alertTexts(alert, readerKind: readerKind).what)
                + "  " + context.t("out.alertDoNow") + ": " + Format.line(context.alertTexts(alert, readerKind: readerKind).doNow)
        })
        let origins = OriginDisplay(store: store, strings: s, verbose: false)
        section("case.missing", episodes.map { episode in
            let phase = episode.value("found_at") != .null ? "case.phase.found"
                : episode.value("police_notified_at") != .null ? "case.phase.policeNotified" : "case.phase.reported"
            var line = context.t("case.missingLine", value(episode, "last_seen_at"), value(episode, "last_seen_place"),
                                 value(episode, "risk"), context.t(phase), episode.id.description)
            // Whom to call back: the police are not sent the hub, but the episode carries it.
            if var by = episode.value("reported_by").displayText.map(Format.line) {
                if let origin = episode.field("reported_by")?.change.origin { by += " (" + origins.text(origin) + ")" }
                line += "\n  " + context.t("case.missingContact", by,
                                           episode.value("contact_phone").displayText.map(Format.line) ?? "–")
            }
            if episode.withdrawalContested { line += "\n  " + context.t("case.withdrawalContested") }
            return line
        })
        // The hub as an aligned table (– for what is not recorded); said when none is held.
        let hubRows = hub.map { member in
            [s.label("role", member.value("role").displayText ?? ""), value(member, "organisation"), value(member, "person"),
             value(member, "phone")]
        }
        let noHub = readerKind == OrganisationKind.police.rawValue ? "case.noHubPolice" : "case.noHub"
        section("case.hub", hubRows.isEmpty ? [context.t(noHub)]
                : Format.table([s.field("role"), s.field("organisation"), s.field("person"), s.field("phone")], hubRows)
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        section("case.sip", plans.map { plan in
            let status = "case.sip." + (planStatus[plan.id] ?? "draft")
            return context.t(status) + "  " + context.t("case.sipLine", value(plan, "responsible"), value(plan, "next_follow_up"),
                                                         plan.id.description)
        })
        section("case.actions", actions.map { action in
            let due = context.dateValue(action.value("due"))
            let overdue = due.map { $0 < today } ?? false
            return value(action, "due") + (overdue ? " (" + context.t("case.overdue") + ")" : "") + "  "
                + value(action, "who") + ": " + value(action, "what")
        })
        section("case.notes", recent.map { note in
            let text = note.value("text").displayText ?? ""
            let firstLine = String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
            let short = firstLine.count > 80 ? String(firstLine.prefix(79)) + "…" : firstLine
            let day = note.value("date").displayText.map { "  " + context.t("out.noteDay", Format.line($0)) } ?? ""
            return Format.time(note.createdAt) + "  " + value(note, "kind") + day + "  " + Format.line(short)
        })
        context.out(page.joined(separator: "\n\n"))
    }
}
