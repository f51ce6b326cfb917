/// The alerts the method calls for (issue 14, point 5), computed locally and offline from
/// what one replica holds about a child. Pure: the facts, the clock and the thresholds are
/// given; `AlertRules.evaluate` returns the alerts, most severe and oldest first.
///
/// Elapsed-time rules (24 h, 72 h) count milliseconds between instants, so a daylight-saving
/// change in Sweden neither shortens nor lengthens them. Day rules (7, 14 and 90 days, a
/// due date) count Swedish calendar days (`SwedishTime.today`).
///
/// A rule that fires on the *absence* of something (no police report, no follow-up, no
/// talk) fires only when the replica would hold that something if it existed
/// (`AlertFacts.Visibility`): an organisation that is not sent a field is never told that
/// it is empty.

/// The thresholds of every alert rule, in one place (README, "Alerts"). Where each figure
/// comes from:
/// - There is no threshold for telling the police: a missing child is reported at once.
///   No rule of law sets a 24-hour wait (the only "24-hour" items found in the Riksdag,
///   motions that a god man be appointed within 24 hours, were rejected: Bet. 2004/05:LU26,
///   2005/06:SfU12), and the police want reports immediately
///   (README, "Alerts").
/// - `missingEscalateHours` 24, `foundFollowUpHours` 72, `rejectionTalkDays` 7,
///   `turning18Days` 90, `arrivalTalkDays` 14: issue 14's list of alerts, drawn from the method support "På flykt och
///   försvunnen" (Länsstyrelsen): the critical moments are arrival, a rejection and the
///   18th birthday; after a child is found, contact the former guardian or social services
///   and listen to the child.
/// - `riskNoteCount` 2 and `riskWindowDays` 30: Navet's own reading of "repeated" for the
///   risk behaviours the method lists (low school attendance, away from school or home,
///   suspected crime); the sources give no figure.
///
/// A configuration may bring an alert of the method sooner, never later: the deadlines may
/// be lowered (not below 1) and the 18th-birthday window widened, not the other way.
public struct AlertThresholds: Hashable, Sendable {
    /// An open episode longer than this (elapsed hours since last seen): escalate to every hub member.
    public var missingEscalateHours: Int
    /// A found child without a recorded follow-up for longer than this (elapsed hours).
    public var foundFollowUpHours: Int
    /// A rejection needs an information talk within this many Swedish calendar days.
    public var rejectionTalkDays: Int
    /// A talk about turning 18 is due from this many days before the 18th birthday.
    public var turning18Days: Int
    /// An information talk is due within this many days of arrival.
    public var arrivalTalkDays: Int
    /// This many school-absence or risk-signal notes within `riskWindowDays` are repeated.
    public var riskNoteCount: Int
    /// The window, in Swedish calendar days up to today, of the risk-behaviour rules.
    public var riskWindowDays: Int

    public init(missingEscalateHours: Int = 24, foundFollowUpHours: Int = 72, rejectionTalkDays: Int = 7,
                turning18Days: Int = 90, arrivalTalkDays: Int = 14, riskNoteCount: Int = 2, riskWindowDays: Int = 30) {
        self.missingEscalateHours = missingEscalateHours
        self.foundFollowUpHours = foundFollowUpHours
        self.rejectionTalkDays = rejectionTalkDays
        self.turning18Days = turning18Days
        self.arrivalTalkDays = arrivalTalkDays
        self.riskNoteCount = riskNoteCount
        self.riskWindowDays = riskWindowDays
    }

    /// The defaults above.
    public static let defaults = AlertThresholds()

    /// Each threshold's name in a configuration file and its allowed range.
    public static let settings: [(name: String, range: ClosedRange<Int>)] = [
        ("missing_escalate_hours", 1...24),
        ("found_follow_up_hours", 1...72),
        ("rejection_talk_days", 1...7),
        ("turning_18_days", 90...730),
        ("arrival_talk_days", 1...14),
        ("risk_note_count", 1...20),
        ("risk_window_days", 1...365),
    ]

    /// The threshold named as in `settings`.
    public subscript(name: String) -> Int? {
        get {
            switch name {
            case "missing_escalate_hours": return missingEscalateHours
            case "found_follow_up_hours": return foundFollowUpHours
            case "rejection_talk_days": return rejectionTalkDays
            case "turning_18_days": return turning18Days
            case "arrival_talk_days": return arrivalTalkDays
            case "risk_note_count": return riskNoteCount
            case "risk_window_days": return riskWindowDays
            default: return nil
            }
        }
        set {
            guard let value = newValue else { return }
            switch name {
            case "missing_escalate_hours": missingEscalateHours = value
            case "found_follow_up_hours": foundFollowUpHours = value
            case "rejection_talk_days": rejectionTalkDays = value
            case "turning_18_days": turning18Days = value
            case "arrival_talk_days": arrivalTalkDays = value
            case "risk_note_count": riskNoteCount = value
            case "risk_window_days": riskWindowDays = value
            default: break
            }
        }
    }
}

/// The rules, by id (stable: `--json` and the text keys use it).
public enum AlertRule: String, CaseIterable, Hashable, Sendable {
    case missingNotReported = "missing_not_reported"
    case missingEscalate = "missing_escalate"
    case withdrawalContested = "withdrawal_contested"
    case foundNoFollowUp = "found_no_follow_up"
    case rejectionNoTalk = "rejection_no_talk"
    case turning18NoTalk = "turning_18_no_talk"
    case arrivalNoTalk = "arrival_no_talk"
    case riskNotes = "risk_behaviour"
    case suspectedCrime = "suspected_crime"
    case sipFollowUpOverdue = "sip_follow_up_overdue"
    case actionOverdue = "action_overdue"

    public var severity: AlertSeverity {
        switch self {
        case .missingNotReported, .missingEscalate, .withdrawalContested: return .critical
        case .foundNoFollowUp, .rejectionNoTalk, .riskNotes, .suspectedCrime: return .high
        case .turning18NoTalk, .arrivalNoTalk, .sipFollowUpOverdue, .actionOverdue: return .medium
        }
    }
}

public enum AlertSeverity: String, CaseIterable, Hashable, Sendable, Comparable {
    /// A child may be in danger now.
    case critical
    /// A step the method calls for is missing or overdue.
    case high
    /// Planned work is overdue or coming due.
    case medium

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Since when an alert holds: an instant (elapsed-time rules, notes) or a Swedish calendar day.
public enum AlertTime: Hashable, Sendable {
    case instant(Timestamp)
    case day(CalendarDate)

    /// Milliseconds since 1970, for ordering (a day counts from its Swedish midnight).
    public var unixMilliseconds: Int64 {
        switch self {
        case .instant(let moment): return moment.unixMilliseconds
        case .day(let day): return SwedishTime.startOfDay(day)
        }
    }

    /// `2026-03-29T04:00+02:00` or `2026-03-29`.
    public var description: String {
        switch self {
        case .instant(let moment): return moment.description
        case .day(let day): return day.description
        }
    }
}

/// An organisation in a role in the child's hub, as the replica holds the membership.
public struct AlertMember: Hashable, Sendable {
    public var organisation: String
    public var role: HubRole
    public init(organisation: String, role: HubRole) {
        self.organisation = organisation
        self.role = role
    }
}

public struct Alert: Hashable, Sendable {
    public var rule: AlertRule
    public var severity: AlertSeverity { rule.severity }
    public var child: RecordID
    /// The record the alert is about (an episode, a decision, a plan, an action), or the child.
    public var record: RecordID
    public var since: AlertTime
    /// The deadline of a day rule (the last day to act), when it has one.
    public var due: CalendarDate?
    /// The roles the alert is for (empty: whoever sees it).
    public var forRoles: [HubRole]
    /// The alert is for every member of the hub.
    public var everyMember: Bool
    /// The members the alert is for, from the memberships the replica holds active today.
    public var recipients: [AlertMember]
    /// The arguments of the rule's text keys (`alert.RULE`, `alert.RULE.do`), the same in
    /// both languages: dates, times, counts, and texts from the records.
    public var arguments: [String]
    /// The records (and their fields) the alert was computed from, for the read audit.
    public var evidence: [RecordID]

    public init(rule: AlertRule, child: RecordID, record: RecordID, since: AlertTime, due: CalendarDate? = nil,
                forRoles: [HubRole] = [], everyMember: Bool = false, recipients: [AlertMember] = [],
                arguments: [String] = [], evidence: [RecordID] = []) {
        self.rule = rule
        self.child = child
        self.record = record
        self.since = since
        self.due = due
        self.forRoles = forRoles
        self.everyMember = everyMember
        self.recipients = recipients
        self.arguments = arguments
        self.evidence = evidence
    }
}

/// What one replica holds about one child, as the alert rules need it.
public struct AlertFacts: Hashable, Sendable {
    public struct Decision: Hashable, Sendable {
        public var id: RecordID
        public var kind: String?
        public var outcome: String
        public var date: CalendarDate
        /// An asylum decision (its values carry the `asylum` tag): only these count as a
        /// rejection of asylum or its grant.
        public var isAsylum: Bool
        public init(id: RecordID, kind: String? = nil, outcome: String, date: CalendarDate, isAsylum: Bool = true) {
            self.id = id
            self.kind = kind
            self.outcome = outcome
            self.date = date
            self.isAsylum = isAsylum
        }
    }

    public struct Episode: Hashable, Sendable {
        public var id: RecordID
        public var lastSeenAt: Timestamp
        public var discoveredAt: Timestamp?
        public var policeNotifiedAt: Timestamp?
        public var foundAt: Timestamp?
        public var followUpAt: Timestamp?
        public var closedAt: Timestamp?
        public var risk: String?
        public init(id: RecordID, lastSeenAt: Timestamp, discoveredAt: Timestamp? = nil, policeNotifiedAt: Timestamp? = nil,
                    foundAt: Timestamp? = nil, followUpAt: Timestamp? = nil, closedAt: Timestamp? = nil, risk: String? = nil) {
            self.id = id
            self.lastSeenAt = lastSeenAt
            self.discoveredAt = discoveredAt
            self.policeNotifiedAt = policeNotifiedAt
            self.foundAt = foundAt
            self.followUpAt = followUpAt
            self.closedAt = closedAt
            self.risk = risk
        }

        /// Open under `EpisodeRules`: a withdrawal does not close an episode the police
        /// were told of, or whose child was found.
        public var isOpen: Bool {
            EpisodeRules.isOpen(closed: closedAt != nil, followedUp: followUpAt != nil,
                                policeNotified: policeNotifiedAt != nil, found: foundAt != nil)
        }

        /// Closed by a withdrawal made without knowing that the police were told or the
        /// child found (`EpisodeRules.withdrawalContested`).
        public var withdrawalContested: Bool {
            EpisodeRules.withdrawalContested(closed: closedAt != nil, followedUp: followUpAt != nil,
                                             policeNotified: policeNotifiedAt != nil, found: foundAt != nil)
        }
    }

    public struct Note: Hashable, Sendable {
        public var id: RecordID
        public var kind: String
        /// When it was written (milliseconds since 1970).
        public var at: Int64
        /// The note this one corrects.
        public var corrects: RecordID?
        public init(id: RecordID, kind: String, at: Int64, corrects: RecordID? = nil) {
            self.id = id
            self.kind = kind
            self.at = at
            self.corrects = corrects
        }
    }

    public struct Plan: Hashable, Sendable {
        /// A follow-up held: its date, the next follow-up it set, and when it was written.
        public struct FollowUp: Hashable, Sendable {
            public var date: CalendarDate
            public var next: CalendarDate?
            /// When the follow-up was recorded (milliseconds since 1970).
            public var writtenAt: Int64
            public init(date: CalendarDate, next: CalendarDate? = nil, writtenAt: Int64) {
                self.date = date
                self.next = next
                self.writtenAt = writtenAt
            }
        }

        public var id: RecordID
        public var nextFollowUp: CalendarDate?
        /// When the plan's `next_follow_up` shown was written (milliseconds since 1970).
        public var nextFollowUpWrittenAt: Int64
        public var followUps: [FollowUp]
        public init(id: RecordID, nextFollowUp: CalendarDate?, writtenAt: Int64 = 0, followUps: [FollowUp] = []) {
            self.id = id
            self.nextFollowUp = nextFollowUp
            self.nextFollowUpWrittenAt = writtenAt
            self.followUps = followUps
        }

        /// The follow-up date the plan waits for: the one written last, the plan's own
        /// `next_follow_up` or the next date the latest recorded follow-up set (none when
        /// that follow-up set none).
        public var due: CalendarDate? {
            guard let latest = followUps.max(by: { ($0.writtenAt, $0.date) < ($1.writtenAt, $1.date) }),
                  latest.writtenAt >= nextFollowUpWrittenAt || nextFollowUp == nil else { return nextFollowUp }
            return latest.next
        }
    }

    public struct Action: Hashable, Sendable {
        public var id: RecordID
        public var who: String?
        public var what: String?
        public var due: CalendarDate
        public var doneAt: Timestamp?
        public init(id: RecordID, who: String? = nil, what: String? = nil, due: CalendarDate, doneAt: Timestamp? = nil) {
            self.id = id
            self.who = who
            self.what = what
            self.due = due
            self.doneAt = doneAt
        }
    }

    /// Which absences mean something on this replica: whether it would hold the value if
    /// it existed (it reads the field's tag, or the missing rule gives it the field).
    public struct Visibility: Hashable, Sendable {
        /// The journal notes a talk is recorded in (`case`, the floor of a talk's kind).
        public var talks: Bool
        /// `missing.police_notified_at`.
        public var policeNotified: Bool
        /// `missing.found_at` and `missing.closed_at`: whether an episode is still open.
        public var episodeState: Bool
        /// `missing.follow_up_at`.
        public var followUp: Bool
        /// The plans' follow-ups (`sip`, `sip_follow_up`).
        public var planFollowUps: Bool
        /// `action.done_at`.
        public var actionDone: Bool

        public init(talks: Bool = true, policeNotified: Bool = true, episodeState: Bool = true, followUp: Bool = true,
                    planFollowUps: Bool = true, actionDone: Bool = true) {
            self.talks = talks
            self.policeNotified = policeNotified
            self.episodeState = episodeState
            self.followUp = followUp
            self.planFollowUps = planFollowUps
            self.actionDone = actionDone
        }

        public static let everything = Visibility()
    }

    public var child: RecordID
    public var birthDate: CalendarDate?
    public var arrivalDate: CalendarDate?
    public var asylumStatus: String?
    /// When the asylum status shown was written (milliseconds since 1970).
    public var asylumStatusAt: Int64?
    public var decisions: [Decision]
    public var episodes: [Episode]
    public var notes: [Note]
    public var plans: [Plan]
    public var actions: [Action]
    /// The hub memberships active today, as the replica holds them.
    public var hub: [AlertMember]
    public var visibility: Visibility

    public init(child: RecordID, birthDate: CalendarDate? = nil, arrivalDate: CalendarDate? = nil, asylumStatus: String? = nil,
                asylumStatusAt: Int64? = nil, decisions: [Decision] = [], episodes: [Episode] = [], notes: [Note] = [],
                plans: [Plan] = [], actions: [Action] = [], hub: [AlertMember] = [], visibility: Visibility = .everything) {
        self.child = child
        self.birthDate = birthDate
        self.arrivalDate = arrivalDate
        self.asylumStatus = asylumStatus
        self.asylumStatusAt = asylumStatusAt
        self.decisions = decisions
        self.episodes = episodes
        self.notes = notes
        self.plans = plans
        self.actions = actions
        self.hub = hub
        self.visibility = visibility
    }
}

/// The rules. Each is a pure function of the facts, the time and the thresholds.
public enum AlertRules {
    /// The outcomes of a decision that count as a rejection.
    public static let rejections: Set<String> = ["rejected", "final_rejection"]
    /// The note kinds the risk-behaviour rule counts.
    public static let riskKinds: Set<String> = ["school_absence", "risk_signal"]

    /// Every alert for one child, most severe first, then oldest first.
    public static func evaluate(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds = .defaults) -> [Alert] {
        var alerts: [Alert] = []
        alerts += missing(facts, now: now, thresholds: thresholds)
        alerts += rejection(facts, now: now, thresholds: thresholds)
        alerts += turning18(facts, now: now, thresholds: thresholds)
        alerts += arrival(facts, now: now, thresholds: thresholds)
        alerts += riskBehaviour(facts, now: now, thresholds: thresholds)
        alerts += suspectedCrime(facts, now: now, thresholds: thresholds)
        alerts += planFollowUps(facts, now: now)
        alerts += actions(facts, now: now)
        return sorted(alerts)
    }

    /// Most severe first, then the oldest `since`, then by child, rule and record.
    public static func sorted(_ alerts: [Alert]) -> [Alert] {
        alerts.sorted { a, b in
            if a.severity != b.severity { return a.severity < b.severity }
            if a.since.unixMilliseconds != b.since.unixMilliseconds { return a.since.unixMilliseconds < b.since.unixMilliseconds }
            if a.child != b.child { return a.child < b.child }
            if a.rule != b.rule { return a.rule.rawValue < b.rule.rawValue }
            return a.record < b.record
        }
    }

    /// The notes that stand: a corrected note is replaced by its correction, which keeps the
    /// time of the note it corrects (the first of its chain).
    public static func standingNotes(_ notes: [AlertFacts.Note]) -> [AlertFacts.Note] {
        let byID = Dictionary(notes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let corrected = Set(notes.compactMap(\.corrects))
        return notes.filter { !corrected.contains($0.id) }.map { note in
            var root = note
            var seen: Set<RecordID> = [note.id]
            while let previous = root.corrects.flatMap({ byID[$0] }), seen.insert(previous.id).inserted { root = previous }
            var standing = note
            standing.at = root.at
            return standing
        }
    }

    static func recipients(_ facts: AlertFacts, roles: [HubRole]) -> [AlertMember] {
        facts.hub.filter { roles.isEmpty || roles.contains($0.role) }.sorted {
            $0.role != $1.role ? $0.role < $1.role : $0.organisation < $1.organisation
        }
    }

    static func hours(_ count: Int) -> Int64 { Int64(count) * 3_600_000 }

    // MARK: Missing episodes

    static func missing(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [Alert] {
        var alerts: [Alert] = []
        for episode in facts.episodes {
            let seen = Timestamp(swedishTimeAt: episode.lastSeenAt.unixMilliseconds).description
            // A withdrawal that crossed the police's notification or the finding offline:
            // the episode stays open, and the hub must agree on what happened.
            if episode.withdrawalContested, facts.visibility.episodeState, let closed = episode.closedAt {
                let when = episode.policeNotifiedAt ?? episode.foundAt ?? closed
                alerts.append(Alert(rule: .withdrawalContested, child: facts.child, record: episode.id,
                                    since: .instant(Timestamp(swedishTimeAt: max(closed, when).unixMilliseconds)),
                                    everyMember: true, recipients: recipients(facts, roles: []),
                                    arguments: [seen, Timestamp(swedishTimeAt: closed.unixMilliseconds).description],
                                    evidence: [episode.id]))
            }
            if episode.foundAt == nil, episode.isOpen, facts.visibility.episodeState {
                // Open: tell the police at once. No threshold: there is nothing to wait for.
                if episode.policeNotifiedAt == nil, facts.visibility.policeNotified {
                    let since = episode.discoveredAt ?? episode.lastSeenAt
                    // For every member: whoever reads it first tells the police.
                    alerts.append(Alert(rule: .missingNotReported, child: facts.child, record: episode.id,
                                        since: .instant(Timestamp(swedishTimeAt: since.unixMilliseconds)),
                                        everyMember: true, recipients: recipients(facts, roles: []),
                                        arguments: [seen], evidence: [episode.id]))
                }
                let limit = hours(thresholds.missingEscalateHours)
                if now - episode.lastSeenAt.unixMilliseconds > limit {
                    let since = Timestamp(swedishTimeAt: episode.lastSeenAt.unixMilliseconds + limit)
                    alerts.append(Alert(rule: .missingEscalate, child: facts.child, record: episode.id, since: .instant(since),
                                        everyMember: true, recipients: recipients(facts, roles: []),
                                        arguments: [seen, String(thresholds.missingEscalateHours)], evidence: [episode.id]))
                }
            }
            if let found = episode.foundAt, episode.followUpAt == nil, facts.visibility.followUp {
                let limit = hours(thresholds.foundFollowUpHours)
                if now - found.unixMilliseconds > limit {
                    let since = Timestamp(swedishTimeAt: found.unixMilliseconds + limit)
                    alerts.append(Alert(rule: .foundNoFollowUp, child: facts.child, record: episode.id, since: .instant(since),
                                        arguments: [Timestamp(swedishTimeAt: found.unixMilliseconds).description,
                                                    String(thresholds.foundFollowUpHours)],
                                        evidence: [episode.id]))
                }
            }
        }
        return alerts
    }

    // MARK: Talks

    /// The Swedish calendar day of each standing note of `kind`.
    static func days(of kind: String, in facts: AlertFacts) -> [CalendarDate] {
        standingNotes(facts.notes).filter { $0.kind == kind }.compactMap { SwedishTime.date(at: $0.at) }
    }

    /// The latest rejection that no later decision overturned (a grant after it), or the
    /// child's asylum status when no decision is held (dated the day the status was written).
    static func rejection(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [Alert] {
        guard facts.visibility.talks else { return [] }
        let ordered = facts.decisions.filter(\.isAsylum).sorted { $0.date != $1.date ? $0.date < $1.date : $0.id < $1.id }
        // `source`: "decision" (a decision record) or "status" (only the child's asylum
        // status says so; the alert then names the status and the day it was written).
        var rejected: (record: RecordID, date: CalendarDate, outcome: String, source: String)?
        if let last = ordered.last(where: { rejections.contains($0.outcome) }) {
            if ordered.contains(where: { $0.date > last.date && $0.outcome == "granted" }) { return [] }
            rejected = (last.id, last.date, last.outcome, "decision")
        } else if facts.decisions.isEmpty, let status = facts.asylumStatus, rejections.contains(status),
                  let at = facts.asylumStatusAt, let day = SwedishTime.date(at: at) {
            rejected = (facts.child, day, status, "status")
        }
        guard let rejected else { return [] }
        let today = SwedishTime.today(at: now)
        guard rejected.date <= today, let due = rejected.date.adding(days: thresholds.rejectionTalkDays) else { return [] }
        if days(of: "information_talk", in: facts).contains(where: { $0 >= rejected.date }) { return [] }
        let roles: [HubRole] = [.socialSecretary, .guardian]
        return [Alert(rule: .rejectionNoTalk, child: facts.child, record: rejected.record, since: .day(rejected.date), due: due,
                      forRoles: roles, recipients: recipients(facts, roles: roles),
                      arguments: [rejected.date.description, due.description, rejected.outcome,
                                  today > due ? "overdue" : "due", rejected.source],
                      evidence: [rejected.record])]
    }

    static func turning18(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [Alert] {
        guard facts.visibility.talks, let birth = facts.birthDate else { return [] }
        let birthday = birth.eighteenthBirthday
        let today = SwedishTime.today(at: now)
        guard let start = birthday.adding(days: -thresholds.turning18Days), today >= start, today < birthday else { return [] }
        if !days(of: "turning_18_talk", in: facts).isEmpty { return [] }
        let left = birthday.daysSince1970 - today.daysSince1970
        return [Alert(rule: .turning18NoTalk, child: facts.child, record: facts.child, since: .day(start),
                      due: birthday.adding(days: -1), arguments: [birthday.description, String(left)], evidence: [facts.child])]
    }

    static func arrival(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [Alert] {
        guard facts.visibility.talks, let arrived = facts.arrivalDate,
              let due = arrived.adding(days: thresholds.arrivalTalkDays), let late = due.adding(days: 1) else { return [] }
        let today = SwedishTime.today(at: now)
        guard today > due, days(of: "information_talk", in: facts).isEmpty else { return [] }
        return [Alert(rule: .arrivalNoTalk, child: facts.child, record: facts.child, since: .day(late), due: due,
                      arguments: [arrived.description, due.description, String(thresholds.arrivalTalkDays)],
                      evidence: [facts.child])]
    }

    // MARK: Risk behaviours

    /// The standing notes of `kinds` written in the window: the last `days` Swedish
    /// calendar days through today, oldest first.
    static func inWindow(_ facts: AlertFacts, kinds: Set<String>, now: Int64, days: Int) -> [AlertFacts.Note] {
        let today = SwedishTime.today(at: now)
        guard let first = today.adding(days: -(days - 1)) else { return [] }
        return standingNotes(facts.notes).filter { note in
            guard kinds.contains(note.kind), let day = SwedishTime.date(at: note.at) else { return false }
            return day >= first && day <= today
        }.sorted { $0.at != $1.at ? $0.at < $1.at : $0.id < $1.id }
    }

    static func riskBehaviour(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [Alert] {
        let notes = inWindow(facts, kinds: riskKinds, now: now, days: thresholds.riskWindowDays)
        guard notes.count >= thresholds.riskNoteCount, thresholds.riskNoteCount >= 1 else { return [] }
        let reached = notes[thresholds.riskNoteCount - 1]
        // Preventive work is the hub's together (the method): for every member.
        return [Alert(rule: .riskNotes, child: facts.child, record: facts.child,
                      since: .instant(Timestamp(swedishTimeAt: reached.at)),
                      everyMember: true, recipients: recipients(facts, roles: []),
                      arguments: [String(notes.count), String(thresholds.riskWindowDays)], evidence: notes.map(\.id))]
    }

    static func suspectedCrime(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [Alert] {
        let notes = inWindow(facts, kinds: ["suspected_crime"], now: now, days: thresholds.riskWindowDays)
        guard let first = notes.first else { return [] }
        return [Alert(rule: .suspectedCrime, child: facts.child, record: first.id,
                      since: .instant(Timestamp(swedishTimeAt: first.at)),
                      everyMember: true, recipients: recipients(facts, roles: []),
                      arguments: [String(notes.count), String(thresholds.riskWindowDays)], evidence: notes.map(\.id))]
    }

    // MARK: Plans and actions

    static func planFollowUps(_ facts: AlertFacts, now: Int64) -> [Alert] {
        guard facts.visibility.planFollowUps else { return [] }
        let today = SwedishTime.today(at: now)
        return facts.plans.compactMap { plan in
            guard let due = plan.due, today > due, let late = due.adding(days: 1) else { return nil }
            return Alert(rule: .sipFollowUpOverdue, child: facts.child, record: plan.id, since: .day(late), due: due,
                         arguments: [due.description], evidence: [plan.id])
        }
    }

    static func actions(_ facts: AlertFacts, now: Int64) -> [Alert] {
        guard facts.visibility.actionDone else { return [] }
        let today = SwedishTime.today(at: now)
        return facts.actions.compactMap { action in
            guard action.doneAt == nil, today > action.due, let late = action.due.adding(days: 1) else { return nil }
            return Alert(rule: .actionOverdue, child: facts.child, record: action.id, since: .day(late), due: action.due,
                         arguments: [action.due.description, action.what ?? "?", action.who ?? "?"], evidence: [action.id])
        }
    }
}

extension CalendarDate {
    /// The day `days` later (earlier when negative), nil outside 1900–2200.
    public func adding(days: Int) -> CalendarDate? {
        let (sum, overflow) = daysSince1970.addingReportingOverflow(days)
        guard !overflow, abs(sum) < 200_000 else { return nil }
        return CalendarDate(unixMilliseconds: Int64(sum) * 86_400_000)
    }
}

extension SwedishTime {
    /// The instant a Swedish calendar day starts (its local midnight), in milliseconds since
    /// 1970. The clocks change at 02:00 and 03:00 local time, never at midnight.
    public static func startOfDay(_ day: CalendarDate) -> Int64 {
        let utcMidnight = Int64(day.daysSince1970) * 86_400_000
        return utcMidnight - Int64(offsetMinutes(at: utcMidnight - 2 * 3_600_000)) * 60_000
    }
}
