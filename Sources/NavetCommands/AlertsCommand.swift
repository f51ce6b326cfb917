import Foundation
import NavetCore
import NavetPolicy
import NavetStore

/// `navet alerts [--child ID] [--json] [--config FILE]` (issue 14, point 5): the alerts the
/// method calls for, computed on this replica from what it holds (`AlertRules`), offline.
///
/// The facts are read cell by cell, by record type and field name (`decision`, `action`,
/// the missing episode's phases, `sip`, `sip_follow_up`, notes, memberships). A child whose access ended shows
/// no alert; a rule that needs the absence of a value fires only where this replica would
/// be sent that value (`AlertFacts.Visibility`).
struct AlertsCommand: Command {
    static let spec = CommandSpec(["alerts"], help: "alerts",
                                  options: [OptionSpec("--child", value: "ID", help: "opt.alertsChild"),
                                            OptionSpec("--config", value: "FILE", help: "opt.alertsConfig")])
    let child: String?
    let config: String?

    /// The fields shown (and so logged) for each record type an alert is computed from.
    static let shownFields: [String: [String]] = [
        "child": ["name"],
        "missing": ["child", "last_seen_at", "discovered_at", "police_notified_at", "found_at", "follow_up_at", "closed_at"],
        "decision": ["child", "kind", "outcome", "date"],
        "note": ["child", "kind"],
        "sip": ["child", "next_follow_up"],
        "action": ["child", "who", "what", "due", "done_at"],
        "membership": ["organisation", "role"],
    ]

    init(_ arguments: ParsedArguments, _ context: Context) {
        child = arguments.value("--child")
        config = arguments.value("--config")
    }

    func run(_ context: Context) throws(CLIError) {
        let thresholds = try config.map { (file) throws(CLIError) in try context.readAlertConfig(file) } ?? .defaults
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        let only = try child.map { (text) throws(CLIError) in try context.find(text, type: "child", in: store) }
        var children = only.map { [$0] } ?? []
        if only == nil { children = try context.store { () throws(StoreError) in try store.childIDs() } }
        var alerts: [Alert] = []
        var snapshots: [RecordID: RecordSnapshot] = [:]
        var names: [RecordID: String] = [:]
        var ended: [RecordID] = []
        for id in children {
            guard let found = try context.alerts(store, child: id, thresholds: thresholds) else {
                ended.append(id)
                continue
            }
            // Only a child with an alert keeps what its alerts were computed from (for the
            // read-log entry): memory follows the alerts, not the children (issue 15).
            guard !found.alerts.isEmpty else { continue }
            snapshots.merge(found.held) { first, _ in first }
            if let name = found.held[id]?.value("name").displayText { names[id] = name }
            alerts += found.alerts
        }
        alerts = AlertRules.sorted(alerts)
        let own = try context.store { () throws(StoreError) in try store.originNames()[store.replicaID]?.organisation }
        let readerKind = try context.ownKind(store)
        let members = snapshots.values.filter { $0.type == "membership" }
        try context.logDisplay(store, as: reader, command: "alerts") { draft in
            if let only { draft.records.insert(only) }
            for alert in alerts {
                draft.records.insert(alert.child)
                if let child = snapshots[alert.child] { draft.add(child, fields: Self.shownFields["child"]) }
                for id in alert.evidence + [alert.record] {
                    guard let record = snapshots[id] else { continue }
                    draft.add(record, fields: Self.shownFields[record.type] ?? [])
                    if record.type == "child" {
                        draft.add(record, fields: ["name", "birth_date", "arrival_date", "asylum_status"].filter {
                            alert.rule.childFields.contains($0)
                        })
                    }
                }
                for member in members where member.value("child").displayText == alert.child.description
                    && alert.recipients.contains(where: {
                        $0.organisation == member.value("organisation").displayText && $0.role.rawValue == member.value("role").displayText
                    }) {
                    draft.add(member, fields: Self.shownFields["membership"])
                }
            }
        }
        let s = context.strings
        func forYou(_ alert: Alert) -> Bool {
            guard let own else { return false }
            return alert.recipients.contains { TextRules.nameKey($0.organisation) == TextRules.nameKey(own) }
        }
        if context.json {
            context.printJSON(alerts.map { alert -> [String: Any] in
                [
                    "severity": alert.severity.rawValue, "rule": alert.rule.rawValue, "child": alert.child.description,
                    "child_name": names[alert.child] ?? NSNull(), "record": alert.record.description,
                    "since": alert.since.description, "due": alert.due.map(\.description) ?? NSNull(),
                    "for_roles": alert.forRoles.map(\.rawValue), "every_member": alert.everyMember,
                    "recipients": alert.recipients.map { ["organisation": $0.organisation, "role": $0.role.rawValue] },
                    "for_you": forYou(alert),
                    "what": context.alertTexts(alert, readerKind: readerKind).what, "do_now": context.alertTexts(alert, readerKind: readerKind).doNow,
                ]
            })
            return
        }
        for id in ended where only != nil {
            context.out(context.t("out.alertsAccessEnded", id.description))
        }
        if alerts.isEmpty {
            if ended.isEmpty || only == nil { context.out(context.t("out.noAlerts")) }
            return
        }
        context.out(s.t("out.alertsHeading", count: alerts.count,
                        Timestamp(swedishTimeAt: context.now / 60_000 * 60_000).description))
        for alert in alerts {
            context.out("")
            let name = names[alert.child].map(Format.line) ?? context.t("out.nameNotShared")
            context.out("[" + s.label("severity", alert.severity.rawValue).uppercased() + "] " + name + " (" + alert.child.description
                        + ")  " + context.t("out.alertSince", alert.since.description) + "  " + s.label("alertrule", alert.rule.rawValue)
                        + (alert.record != alert.child ? "  " + alert.record.description : ""))
            let texts = context.alertTexts(alert, readerKind: readerKind)
            context.out("  " + Format.line(texts.what))
            context.out("  " + context.t("out.alertDoNow") + ": " + Format.line(texts.doNow))
            if alert.everyMember || !alert.forRoles.isEmpty {
                let roles = alert.everyMember ? context.t("out.everyHubMember")
                    : alert.forRoles.map { s.label("role", $0.rawValue) }.joined(separator: ", ")
                let who = alert.recipients.isEmpty ? context.t("out.noMemberHeld")
                    : alert.recipients.map { Format.line($0.organisation) + " (" + s.label("role", $0.role.rawValue) + ")" }
                        .joined(separator: ", ")
                context.out("  " + context.t("out.alertFor") + ": " + roles + ": " + who
                            + (forYou(alert) ? "  " + context.t("out.alertForYou") : ""))
            }
        }
    }
}

extension AlertRule {
    /// The child's fields a rule reads and shows.
    var childFields: [String] {
        switch self {
        case .turning18NoTalk: return ["birth_date"]
        case .arrivalNoTalk: return ["arrival_date"]
        case .rejectionNoTalk: return ["asylum_status"]
        default: return []
        }
    }
}

extension Context {
    /// The alerts of one child as this replica holds it (most severe first), and the records
    /// they were computed from (for the read audit); nil when the organisation's access to
    /// the child has ended (it sees none of the child's alerts). For other displays (the
    /// case page, `child list --alerts`), which log what they show themselves.
    func alerts(_ store: ReplicaStore, child: RecordID, thresholds: AlertThresholds = .defaults) throws(CLIError)
        -> (alerts: [Alert], held: [RecordID: RecordSnapshot])? {
        if try accessEnded(store, child: child) { return nil }
        let (facts, held) = try alertFacts(store, child: child)
        return (AlertRules.evaluate(facts, now: now, thresholds: thresholds), held)
    }

    /// Reads and checks an alert configuration file (`AlertConfigFile`); a bad one is refused
    /// input (exit 4) naming the file, line and key.
    func readAlertConfig(_ file: String) throws(CLIError) -> AlertThresholds {
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            bytes = try FileIO.read(file, limit: AlertConfigFile.maxBytes)
        } catch {
            if error.errno == EFBIG {
                throw CLIError(.refused, t("alerts.configTooLarge", Format.line(file), String(AlertConfigFile.maxBytes)))
            }
            throw describeRead(error, path: file)
        }
        do throws(AlertConfigFile.Failure) {
            return try AlertConfigFile.parse(bytes)
        } catch {
            let problem: String
            switch error.problem {
            case .json(let json): problem = describe(json, path: error.path)
            case .notAnAlertsFile: problem = t("alerts.notAnAlertsFile")
            case .unsupportedVersion(let found, let supported):
                problem = t("alerts.unsupportedVersion", Format.line(found), String(supported))
            case .notWholeNumber(let text): problem = t("alerts.notWholeNumber", Format.line(text))
            case .outOfRange(let found, let range):
                problem = t("alerts.outOfRange", Format.line(found), String(range.lowerBound), String(range.upperBound))
            }
            let place = error.path.isEmpty
                ? t("policy.at", Format.line(file), String(error.position.line), String(error.position.column), problem)
                : t("policy.atKey", Format.line(file), String(error.position.line), error.path, problem)
            let ended = place.hasSuffix(".") ? place : place + "."
            throw CLIError(.refused, ended + " " + t("alerts.nothingShown"))
        }
    }

    /// Whether this replica is sent others' values of `type.field` about `child`: the field's
    /// tag (from the schema, or the contract's for a field this build does not define), or a
    /// field the missing rule names. An episode's closing is known under the missing rule
    /// too: the rule's access ends with it.
    func alertReads(_ store: ReplicaStore, child: RecordID, _ type: String, _ field: String) throws(CLIError) -> Bool {
        try self.store { () throws(StoreError) -> Bool in
            guard try store.permissionsKnown(), let permission = try store.permissions(child: child) else { return true }
            let tag = Schema.current.recordType(type)?.field(field)?.defaultTag ?? .mostRestrictive
            if permission.read.contains(tag) || permission.fields.contains(FieldRef(type, field)) { return true }
            return type == "missing" && field == "closed_at" && !permission.episodes.isEmpty
        }
    }

    /// The facts the alert rules need about one child, from what this replica holds, and
    /// the records they came from (by id).
    func alertFacts(_ store: ReplicaStore, child id: RecordID) throws(CLIError) -> (AlertFacts, [RecordID: RecordSnapshot]) {
        var held: [RecordID: RecordSnapshot] = [:]
        let child = try self.store { () throws(StoreError) in try store.childSnapshot(id) }
        held[id] = child
        func records(_ type: String) throws(CLIError) -> [RecordSnapshot] {
            let found = try self.store { () throws(StoreError) in try store.records(ofType: type, child: id) }
            for record in found { held[record.id] = record }
            return found
        }
        func date(_ record: RecordSnapshot, _ field: String) -> CalendarDate? { dateValue(record.value(field)) }
        func time(_ record: RecordSnapshot, _ field: String) -> Timestamp? {
            record.value(field).displayText.flatMap { Timestamp(iso: $0) }
        }
        func text(_ record: RecordSnapshot, _ field: String) -> String? { record.value(field).displayText }
        func ref(_ record: RecordSnapshot, _ field: String) -> RecordID? { text(record, field).flatMap(RecordID.init(hex:)) }

        var facts = AlertFacts(child: id)
        facts.birthDate = date(child, "birth_date")
        facts.arrivalDate = date(child, "arrival_date")
        facts.asylumStatus = text(child, "asylum_status")
        facts.asylumStatusAt = child.field("asylum_status")?.change.wallTime
        facts.decisions = try records("decision").compactMap { record in
            guard let outcome = text(record, "outcome"), let day = date(record, "date") else { return nil }
            // Asylum decisions carry the `asylum` tag (the contract: tag by kind).
            let asylum = record.field("outcome")?.change.tag == .asylum || (text(record, "kind")?.contains("asylum") ?? false)
            return AlertFacts.Decision(id: record.id, kind: text(record, "kind"), outcome: outcome, date: day, isAsylum: asylum)
        }
        facts.episodes = try records("missing").compactMap { record in
            guard let seen = time(record, "last_seen_at") else { return nil }
            return AlertFacts.Episode(id: record.id, lastSeenAt: seen, discoveredAt: time(record, "discovered_at"),
                                      policeNotifiedAt: time(record, "police_notified_at"), foundAt: time(record, "found_at"),
                                      followUpAt: time(record, "follow_up_at"), closedAt: time(record, "closed_at"),
                                      risk: text(record, "risk"))
        }
        let notes = try self.store { () throws(StoreError) in try store.notes(child: id) }
        for note in notes { held[note.id] = note }
        facts.notes = notes.compactMap { note in
            guard let kind = text(note, "kind") else { return nil }
            // A note dated back (`note add --date`) counts from the start of its day.
            let at = date(note, "date").map { min(SwedishTime.startOfDay($0), note.createdAt) } ?? note.createdAt
            return AlertFacts.Note(id: note.id, kind: kind, at: at, corrects: ref(note, "corrects"))
        }
        let followUps = try records("sip_follow_up")
        facts.plans = try records("sip").map { plan in
            AlertFacts.Plan(id: plan.id, nextFollowUp: date(plan, "next_follow_up"),
                            writtenAt: plan.field("next_follow_up")?.change.wallTime ?? 0,
                            followUps: followUps.filter { ref($0, "sip") == plan.id }.compactMap { followUp in
                                date(followUp, "date").map {
                                    AlertFacts.Plan.FollowUp(date: $0, next: date(followUp, "next_follow_up"), writtenAt: followUp.createdAt)
                                }
                            })
        }
        facts.actions = try records("action").compactMap { action in
            guard let due = date(action, "due") else { return nil }
            return AlertFacts.Action(id: action.id, who: text(action, "who"), what: text(action, "what"), due: due,
                                     doneAt: time(action, "done_at"))
        }
        let today = swedishToday
        facts.hub = try records("membership").compactMap { record in
            guard HubList.state(record, today: today, context: self) == "active", let organisation = text(record, "organisation"),
                  let role = text(record, "role").flatMap(HubRole.init(rawValue:)) else { return nil }
            return AlertMember(organisation: organisation, role: role)
        }
        // The registering organisation is in the hub from the start, in the role of its kind,
        // without a membership record: when it is this replica's organisation, its roles
        // are in the permissions the central store sent (a registrar role no membership gives).
        if let permission = try self.store({ () throws(StoreError) in try store.permissions(child: id) }), permission.isRegistrar,
           let own = try self.store({ () throws(StoreError) in try store.originNames()[store.replicaID]?.organisation }) {
            for role in permission.roles.sorted(by: { $0.rawValue < $1.rawValue })
            where !facts.hub.contains(where: { $0.role == role && TextRules.nameKey($0.organisation) == TextRules.nameKey(own) }) {
                facts.hub.append(AlertMember(organisation: own, role: role))
            }
        }
        let closed = try alertReads(store, child: id, "missing", "closed_at")
        let found = try alertReads(store, child: id, "missing", "found_at")
        let planned = try alertReads(store, child: id, "sip", "next_follow_up")
        let followedUp = try alertReads(store, child: id, "sip_follow_up", "date")
        let talkKind = try alertReads(store, child: id, "note", "kind")
        let asylumTag = try alertReads(store, child: id, "child", "asylum_status")
        let talksVisible = talkKind && asylumTag
        facts.visibility = AlertFacts.Visibility(
            // An information talk is often noted under `asylum` (a talk about the asylum
            // case): a replica that does not read it cannot tell a missing talk from one
            // it was not sent, so the talk rules stay with those that read both.
            talks: talksVisible,
            policeNotified: try alertReads(store, child: id, "missing", "police_notified_at"),
            episodeState: closed && found,
            followUp: try alertReads(store, child: id, "missing", "follow_up_at"),
            planFollowUps: planned && followedUp,
            actionDone: try alertReads(store, child: id, "action", "done_at"))
        return (facts, held)
    }
}
