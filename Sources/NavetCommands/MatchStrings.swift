import NavetCore
import NavetStore

/// The words of typed-word matching without å, ä and ö (`TextRules.match`): the "did you
/// mean" answer when a word typed without accents names more than one choice or name, and
/// the messages of the checks beside it, English and Swedish.
enum MatchStrings {
    static let table: [String: (String, String)] = [
        "match.didYouMean": ("{0}: '{1}' matches more than one when å, ä and ö are read as a and o. Did you mean {2}?",
                             "{0}: '{1}' stämmer med flera när å, ä och ö läses som a och o. Menade du {2}?"),
        "match.or": (" or ", " eller "),
        "match.near": (" Did you mean {0}?", " Menade du {0}?"),
        "error.orgNameEmpty": ("{0}: the organisation's name is empty.", "{0}: organisationens namn är tomt."),
    ]
}

extension Context {
    /// The registered organisation (central store) a person typed: exact (case, Unicode
    /// form and spaces aside) or the only one that matches without å, ä and ö; an empty
    /// name, an ambiguous one and an unknown one are refused with the known names.
    func registeredOrganisation(_ typed: String, option: String, among organisations: [Organisation]) throws(CLIError) -> Organisation {
        guard !TextRules.nameKey(typed).isEmpty else { throw CLIError(.validation, t("error.orgNameEmpty", option)) }
        switch TextRules.match(typed, among: organisations.map { (value: $0, words: [$0.name]) }, key: TextRules.nameKey) {
        case .exact(let found), .folded(let found): return found
        case .ambiguous(let candidates): throw didYouMean(option, typed, candidates.map(\.name))
        case .none:
            let known = organisations.map(\.name).sorted { TextRules.precedes($0, $1, collation) }
            throw CLIError(.validation, t("explain.unknownOrg", Format.line(typed), known.isEmpty ? "—" : known.joined(separator: ", "))
                           + nearNames(typed, among: known))
        }
    }

    /// The "did you mean" error for a word (`typed`, given with `option`) that matches
    /// several candidates only with accents dropped; `shown` are the candidates as the
    /// person should see them.
    func didYouMean(_ option: String, _ typed: String, _ shown: [String]) -> CLIError {
        let listed = shown.map { "'\(SyncStrings.visible($0, limit: 200))'" }.joined(separator: t("match.or"))
        return CLIError(.validation, t("match.didYouMean", option, Format.line(typed), listed))
    }

    /// " Did you mean 'HVB Solgården'?" for an unknown name that is part of known ones (or
    /// holds one), compared without case, spacing and accents ("Solgarden"); empty when none
    /// is, or the typed name is shorter than three letters.
    func nearNames(_ typed: String, among names: [String]) -> String {
        let wanted = TextRules.foldKey(TextRules.nameKey(typed))
        guard wanted.count >= 3 else { return "" }
        let near = names.filter { name in
            let key = TextRules.foldKey(TextRules.nameKey(name))
            return key.contains(wanted) || wanted.contains(key)
        }
        guard !near.isEmpty, near.count <= 5 else { return "" }
        return t("match.near", near.map { "'\(SyncStrings.visible($0, limit: 200))'" }.joined(separator: t("match.or")))
    }

    /// " Did you mean 'contact person'?" for a choice word typed with a letter or two wrong
    /// ("kontakperson"): the choices one of whose words (code, labels, synonyms; accents,
    /// case and spacing aside) is at most one edit away (two for a word of eight letters or
    /// more), shown by their labels; empty when none is, or more than three are.
    func nearChoices(_ typed: String, among codes: [String], kind: String, extra: [String: [String]] = [:]) -> String {
        let wanted = Array(TextRules.foldKey(TextRules.matchKey(typed)))
        guard wanted.count >= 4 else { return "" }
        let limit = wanted.count >= 8 ? 2 : 1
        var best: [(code: String, distance: Int)] = []
        for code in codes {
            let words = Strings.words(for: code, kind: kind)
                .union((extra["\(kind).\(code)"] ?? []).map(TextRules.matchKey))
            let distance = words.map { Self.editDistance(Array(TextRules.foldKey($0)), wanted, limit: limit) }.min() ?? Int.max
            if distance <= limit { best.append((code, distance)) }
        }
        guard let closest = best.map(\.distance).min() else { return "" }
        let near = best.filter { $0.distance == closest }.map(\.code)
        guard near.count <= 3 else { return "" }
        return t("match.near", near.map { "'\(strings.label(kind, $0))'" }.joined(separator: t("match.or")))
    }

    /// The number of single-character insertions, deletions, substitutions and swaps of
    /// neighbours that turn `a` into `b`; any number above `limit` is returned as `limit + 1`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return min(previous[b.count], limit + 1)
    }

    /// Throws the "did you mean" error when `input` names several `codes` of `kind` only
    /// with accents dropped; the codes are shown by their labels.
    func checkAmbiguous(_ input: String, option: String, among codes: [String], kind: String) throws(CLIError) {
        let candidates = HubStrings.match(input, among: codes, kind: kind).candidates
        guard !candidates.isEmpty else { return }
        throw didYouMean(option, input, candidates.map { strings.label(kind, $0) })
    }
}

// MARK: Duplicates in the hub and among consents

extension Context {
    /// Refuses a membership of `organisation` in `role` when one in the same role is active
    /// or planned and not ended before `start`, naming it; returns warnings naming the
    /// organisation's active or planned memberships in other roles (allowed).
    func checkDuplicateMembership(_ store: ReplicaStore, child: RecordID, organisation: String, role: HubRole,
                                  start: CalendarDate) throws(CLIError) -> [String] {
        let today = swedishToday
        let key = TextRules.nameKey(organisation)
        let live = try self.store { () throws(StoreError) in try store.records(ofType: "membership", child: child) }
            .filter { record in
                TextRules.nameKey(record.value("organisation").displayText ?? "") == key
                    && ["active", "upcoming"].contains(HubList.state(record, today: today, context: self))
                    && (dateValue(record.value("end_date")).map { $0 >= start } ?? true)
            }
            .sorted { $0.id < $1.id }
        let shown = SyncStrings.visible(organisation, limit: 200)
        if let same = live.first(where: { $0.value("role").displayText == role.rawValue }) {
            throw CLIError(.validation, t("error.membershipExists", shown, strings.label("role", role.rawValue),
                                          same.id.description, same.value("start_date").displayText ?? "—", child.description))
        }
        return live.map { record in
            t("warn.membershipOtherRole", shown, strings.label("role", record.value("role").displayText ?? ""),
              record.id.description, record.value("start_date").displayText ?? "—", strings.label("role", role.rawValue))
        }
    }

    /// Warnings naming the consents in force that give `organisation` exactly `tags` for
    /// `child` (a new one changes nothing while they last).
    func sameConsents(_ store: ReplicaStore, child: RecordID, organisation: String, tags: Set<Tag>) throws(CLIError) -> [String] {
        let today = swedishToday
        let key = TextRules.nameKey(organisation)
        return try self.store { () throws(StoreError) in try store.records(ofType: "consent", child: child) }
            .filter { record in
                TextRules.nameKey(record.value("organisation").displayText ?? "") == key
                    && ConsentList.state(record, today: today, context: self) == "in_force"
                    && Set(Tag.list(record.value("tags").displayText ?? "") ?? []) == tags
            }
            .sorted { $0.id < $1.id }
            .map { record in
                t("warn.sameConsent", record.id.description, SyncStrings.visible(organisation, limit: 200),
                  record.value("until").displayText.map { t("out.through", $0) } ?? t("out.untilRevoked"))
            }
    }
}

enum DuplicateStrings {
    static let table: [String: (String, String)] = [
        "error.membershipExists": (
            "{0} is already in child {4}'s hub as {1}: membership {2}, from {3}. Nothing was changed. End it first with 'navet hub end' to start a new one.",
            "{0} ingår redan i navet kring barnet {4} som {1}: medlemskapet {2}, från {3}. Inget har ändrats. Avsluta det först med 'navet hub end' för att börja ett nytt."),
        "warn.membershipOtherRole": (
            "warning: {0} is also in the hub as {1} (membership {2}, from {3}); it now has the role {4} as well.",
            "varning: {0} ingår också i navet som {1} (medlemskapet {2}, från {3}); nu har den även rollen {4}."),
        "warn.sameConsent": (
            "warning: consent {0} to {1} for the same confidentiality tags is already in force ({2}): the new one adds nothing while it lasts.",
            "varning: samtycket {0} till {1} för samma sekretessklasser gäller redan ({2}): det nya tillför inget så länge det gäller."),
        "enroll.sameAsCopied": (
            "This file is replica {0}, and {1} is its own enrollment, the one the central store refused as a second live copy: enrolling with it again changes nothing. Ask the support office for a new enrollment file and run 'navet enroll FILE' with it. Nothing was changed.",
            "Den här databasfilen är den lokala databasen {0}, och {1} är dess egen registrering, den som centrallagret avvisade som en andra kopia: att registrera med den igen ändrar ingenting. Be stödkontoret om en ny registreringsfil och kör 'navet enroll FIL' med den. Inget har ändrats."),
        "out.enrollUnchanged": (
            "This file is already enrolled with {1} (replica {0}); nothing was changed.",
            "Den här databasfilen är redan registrerad med {1} (lokal databas {0}); inget har ändrats."),
        "enroll.otherOrganisation": (
            "This file holds the work of {0}, and {1} is an enrollment for {2}. A replica file cannot change organisation, not even with --force: its cases and notes would be sent and shown as coming from {2}. {2} starts its own file with 'navet init --enroll {1}'. Nothing was changed.",
            "Den här databasfilen innehåller arbetet för {0}, och {1} är en registrering för {2}. En lokal databas kan inte byta organisation, inte ens med --force: dess ärenden och anteckningar skulle skickas och visas som om de kom från {2}. {2} skapar en egen fil med 'navet init --enroll {1}'. Inget har ändrats."),
        "enroll.revoked": (
            "This file is replica {0}, whose enrollment the central store revoked (as it said at the last sync); {1} is that same revoked enrollment and cannot be used again. Ask the support office for a new enrollment file and run 'navet enroll FILE' with it. Nothing was changed.",
            "Den här databasfilen är den lokala databasen {0}, vars registrering centrallagret har spärrat (enligt den senaste synkningen); {1} är samma spärrade registrering och kan inte användas igen. Be stödkontoret om en ny registreringsfil och kör 'navet enroll FIL' med den. Inget har ändrats."),
        "out.consentsNotShared": (
            "The child's hub is not shared with your organisation (as the central store said at the last sync): this replica cannot see the child's consents.",
            "Navet kring barnet delas inte med din organisation (enligt centrallagret vid den senaste synkningen): den lokala databasen kan inte se barnets samtycken."),
        "out.hubNotShared": (
            "The child's hub is not shared with your organisation (as the central store said at the last sync): this replica cannot see who is in it.",
            "Navet kring barnet delas inte med din organisation (enligt centrallagret vid den senaste synkningen): den lokala databasen kan inte se vilka som ingår i det."),
    ]
}
