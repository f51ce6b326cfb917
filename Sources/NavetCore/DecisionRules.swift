/// Rules for decisions (issue 14, point 1): the kinds the method's sources name, the
/// outcomes each kind allows, the confidentiality tag each kind's record carries and what an
/// asylum decision does to the child's asylum status. Pure: the replica's up-front check and
/// the central store both ask `tag(kind:)` (through `Grant.refusal`).
public enum DecisionRules {
    /// The kinds of decision, with the outcomes each allows, in the order a case usually
    /// meets them:
    /// - `asylum`: the Migration Agency's decision on the asylum application (asylbeslut);
    /// - `assigned_municipality`: the Migration Agency assigns the municipality responsible
    ///   for the child's reception (anvisning, anvisningskommun);
    /// - `placement`: social services' decision on where the child lives (beslut om placering);
    /// - `guardian`: the guardianship board (överförmyndaren) appoints, replaces or
    ///   discharges the child's legal guardian (god man).
    public static let outcomesByKind: [(kind: String, outcomes: [String])] = [
        ("asylum", ["granted", "rejected", "appeal_lodged", "final_rejection"]),
        ("assigned_municipality", ["assigned"]),
        ("placement", ["placed", "moved", "ended"]),
        ("guardian", ["appointed", "replaced", "discharged"]),
    ]

    /// Every kind, in `outcomesByKind` order.
    public static let kinds: [String] = outcomesByKind.map(\.kind)

    /// Every outcome of every kind (each belongs to exactly one kind).
    public static let outcomes: [String] = outcomesByKind.flatMap(\.outcomes)

    /// The outcomes a decision of `kind` may have; empty for an unknown kind.
    public static func outcomes(kind: String) -> [String] {
        outcomesByKind.first { $0.kind == kind }?.outcomes ?? []
    }

    /// The kind an outcome belongs to, or nil.
    public static func kind(ofOutcome outcome: String) -> String? {
        outcomesByKind.first { $0.outcomes.contains(outcome) }?.kind
    }

    /// The confidentiality tag every field of a decision of `kind` carries: an asylum
    /// decision is the asylum case (OSL 37:1 at the Migration Agency, `asylum`); every other
    /// kind is social services' case (OSL 26:1, `case`). The tag follows the kind exactly:
    /// neither lower (it would reach organisations the asylum case must not) nor another
    /// tag (a `search` decision would reach the police). `Protocol/TAGS.md`.
    public static func tag(kind: String) -> Tag {
        kind == "asylum" ? .asylum : .care
    }

    /// The tag of a new decision with these field values (`kind` decides), or nil when
    /// `kind` is not set.
    public static func tag(values: [String: FieldValue]) -> Tag? {
        guard case .text(let kind)? = values["kind"] else { return nil }
        return tag(kind: kind)
    }

    /// The child's asylum status an asylum decision's outcome sets, or nil (other kinds).
    public static func asylumStatus(kind: String, outcome: String) -> String? {
        guard kind == "asylum" else { return nil }
        switch outcome {
        case "granted": return "granted"
        case "rejected": return "rejected"
        case "appeal_lodged": return "appealed"
        case "final_rejection": return "final_rejection"
        default: return nil
        }
    }

    /// Whether a decision dated `date` sets the child's asylum status, given the dates of
    /// the asylum decisions already recorded for the child: not when one of them is dated
    /// later (a decision recorded late does not undo a newer one). Same day: the newest
    /// recorded wins.
    public static func setsStatus(date: CalendarDate, recorded: [CalendarDate]) -> Bool {
        !recorded.contains { $0 > date }
    }
}

/// Rules for actions (issue 14, point 4): who does what by when.
public enum ActionRules {
    /// Whether an action is overdue on `today` (a Swedish calendar day): not done and due
    /// before today. An action due today is not yet overdue.
    public static func isOverdue(due: CalendarDate, done: Bool, today: CalendarDate) -> Bool {
        !done && due < today
    }
}
