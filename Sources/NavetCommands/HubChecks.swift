import NavetCore
import NavetStore

// Checks shared by `navet hub`, `navet consent` and `navet missing` beyond their fields'
// own rules: plausible dates and times, what a replica can still know after its access to a
// child ended, and whether a consent can take effect.

/// The bounds every date and time of these commands must keep.
enum PlausibleDates {
    /// No date or time in Navet's records is earlier than this day (a typing mistake, such
    /// as 1900 for 2000, is refused rather than kept).
    static let floor = CalendarDate(year: 2000, month: 1, day: 1) ?? SwedishTime.today(at: 946_684_800_000)
    /// How far ahead a planned date may lie: a first day, last day or consent's last day
    /// later than this many years from today is refused as a typing mistake.
    static let yearsAhead = 10
    /// How far a reported time may lie ahead of this computer's clock (clocks disagree).
    static let clockSkewMilliseconds: Int64 = 5 * 60_000
}

extension Context {
    /// Whether the replica's organisation has lost access to `child` (`ReplicaStore.accessEnded`).
    func accessEnded(_ store: ReplicaStore, child: RecordID) throws(CLIError) -> Bool {
        try self.store { () throws(StoreError) in try store.accessEnded(child: child) }
    }

    /// Whether this replica is sent the closing of the child's missing episodes (their
    /// `closed_at`): true before it ever received permissions, and when its organisation
    /// reads that field's tag or the missing rule gives it the field. A school or a
    /// volunteer in the hub reports a child missing but does not read the search fields.
    func closingShared(_ store: ReplicaStore, child: RecordID) throws(CLIError) -> Bool {
        // The missing rule gives access only while an episode is open (`episodes`).
        try reads(store, child: child, recordType: "missing", field: "closed_at") { !$0.episodes.isEmpty }
    }

    /// Whether this replica is sent others' values of `field` of `recordType` records about
    /// `child`, as the permissions of the last reply say: the tag or the missing rule's
    /// field reads it, or `also` holds of the permission. True before any permissions
    /// came and for a child without them (an ended access is told apart by its callers).
    func reads(_ store: ReplicaStore, child: RecordID, recordType: String, field: String,
               also: (ChildPermission) -> Bool = { _ in false }) throws(CLIError) -> Bool {
        try self.store { () throws(StoreError) -> Bool in
            guard try store.permissionsKnown(), let permission = try store.permissions(child: child) else { return true }
            let tag = Schema.current.recordType(recordType)?.field(field)?.defaultTag ?? .basic
            return permission.read.contains(tag) || permission.fields.contains(FieldRef(recordType, field)) || also(permission)
        }
    }

    /// The child's stated birth date, when this replica holds it.
    func birthDate(of child: RecordID, in store: ReplicaStore) throws(CLIError) -> CalendarDate? {
        let snapshot = try self.store { () throws(StoreError) in try store.snapshot(child) }
        return dateValue(snapshot.value("birth_date"))
    }

    /// Refuses a day typed for `option` before the floor, before the child's birth date
    /// (when `birth` is known) or more than `PlausibleDates.yearsAhead` years after today.
    func checkPlausible(_ day: CalendarDate, option: String, birth: CalendarDate?) throws(CLIError) {
        if day < PlausibleDates.floor {
            throw CLIError(.validation, t("error.dateBeforeFloor", option, day.description, PlausibleDates.floor.description))
        }
        if let birth, day < birth {
            throw CLIError(.validation, t("error.dateBeforeBirth", option, day.description, birth.description))
        }
        let latest = swedishToday.adding(years: PlausibleDates.yearsAhead)
        if day > latest {
            throw CLIError(.validation, t("error.dateTooFar", option, day.description, latest.description,
                                          String(PlausibleDates.yearsAhead)))
        }
    }

    /// Whether `organisation` is in the child's hub as this replica knows it now: the
    /// organisation that registered the child, or one with a membership active today.
    func inHub(_ organisation: String, child: RecordID, store: ReplicaStore) throws(CLIError) -> Bool {
        let wanted = TextRules.nameKey(organisation)
        let registrar = try self.store { () throws(StoreError) -> String? in
            guard let origin = try store.firstOrigin(of: child, field: "name") else { return nil }
            return try store.originNames()[origin]?.organisation
        }
        if let registrar, TextRules.nameKey(registrar) == wanted { return true }
        let today = swedishToday
        return try self.store { () throws(StoreError) in try store.records(ofType: "membership", child: child) }
            .contains { record in
                TextRules.nameKey(record.value("organisation").displayText ?? "") == wanted
                    && HubList.state(record, today: today, context: self) == "active"
            }
    }
}

enum HubCheckStrings {
    static let table: [String: (String, String)] = [
        "error.selfConsent": (
            "A consent cannot name your own organisation ({0}): nobody grants themselves access. Consent is recorded for another organisation that needs the information. Nothing was changed.",
            "Ett samtycke kan inte gälla din egen organisation ({0}): ingen ger sig själv behörighet. Samtycke registreras för en annan organisation som behöver uppgifterna. Inget har ändrats."),
        "hubstate.access_ended": ("access ended, state unknown", "behörigheten har upphört, läget okänt"),
        "consentstate.access_ended": ("access ended, state unknown", "behörigheten har upphört, läget okänt"),
        "missingstate.access_ended": ("access ended, state unknown", "behörigheten har upphört, läget okänt"),
        "missingstate.not_shared": ("open or closed: not shared with your organisation",
                                    "öppet eller avslutat: delas inte med din organisation"),
        "out.accessEndedNote": (
            "Your organisation's access to child {0} has ended (as the central store said at the last sync): what others wrote about the child has been removed from this replica, so states marked \"access ended, state unknown\" may have changed.",
            "Din organisations behörighet till barnet {0} har upphört (enligt centrallagret vid den senaste synkningen): det andra har skrivit om barnet har tagits bort från den lokala databasen, så lägen märkta \"behörigheten har upphört, läget okänt\" kan ha ändrats."),
        "error.closeAccessEnded": (
            "Missing episode {0} cannot be closed from this replica: your organisation's access to child {1} has ended (as the central store said at the last sync). Whether the episode is still open is unknown here, since others' changes to it were removed, and the central store would refuse the change. Ask an organisation in the child's hub. Nothing was changed.",
            "Försvinnandet {0} kan inte avslutas från den här lokala databasen: din organisations behörighet till barnet {1} har upphört (enligt centrallagret vid den senaste synkningen). Om försvinnandet fortfarande pågår går inte att veta här, eftersom andras ändringar av det har tagits bort, och centrallagret skulle avvisa ändringen. Vänd dig till en organisation i barnets nav. Inget har ändrats."),
        "out.otherOpen": (
            "Child {0} still has {1|an open missing episode|open missing episodes}: {2}. If {1|it reports|they report} the same disappearance, keep {1|it|the one with the best information}: the child is still missing until found and followed up.",
            "Barnet {0} har fortfarande {1|ett pågående försvinnande|pågående försvinnanden}: {2}. Om {1|det gäller|de gäller} samma försvinnande, behåll {1|det|det med bäst uppgifter}: barnet är försvunnet tills det har påträffats och uppföljningen är gjord."),
        "out.lastSeenShort": ("last seen {0}", "senast sedd {0}"),
        "out.severalOpenPolice": (
            "Child {0} has {1} open missing episodes ({2}), probably reported by two organisations at the same time without a connection. The child's hub keeps one and withdraws the other.",
            "Barnet {0} har {1} pågående försvinnanden ({2}), troligen registrerade av två organisationer samtidigt utan uppkoppling. Navet kring barnet behåller ett och återkallar det andra."),
        "out.severalOpen": (
            "Child {0} has {1} open missing episodes ({2}), probably reported by two organisations at the same time without a connection. Keep the one with the best information and withdraw the other ('navet missing close ID --reason TEXT').",
            "Barnet {0} har {1} pågående försvinnanden ({2}), troligen registrerade av två organisationer samtidigt utan uppkoppling. Behåll det med bäst uppgifter och återkalla det andra ('navet missing close ID --reason TEXT')."),
        "error.dateBeforeFloor": ("{0} {1} is before {2}, the earliest date Navet accepts. Check the year.",
                                  "{0} {1} ligger före {2}, det tidigaste datum Navet tar emot. Kontrollera året."),
        "error.dateBeforeBirth": ("{0} {1} is before the child's birth date {2}. Check the date.",
                                  "{0} {1} ligger före barnets födelsedatum {2}. Kontrollera datumet."),
        "error.dateTooFar": ("{0} {1} is more than {3} years ahead (the latest accepted is {2}). Check the year.",
                             "{0} {1} ligger mer än {3} år framåt (senast tillåtet är {2}). Kontrollera året."),
        "error.timeBeforeFloor": ("{0} {1} is before {2}, the earliest time Navet accepts. Check the year.",
                                  "{0} {1} ligger före {2}, den tidigaste tidpunkt Navet tar emot. Kontrollera året."),
        "error.timeBeforeBirth": ("{0} {1} is before the child's birth date {2}. Check the date.",
                                  "{0} {1} ligger före barnets födelsedatum {2}. Kontrollera datumet."),
        "warn.consentNoEffect": (
            "warning: child {0} has protected identity and {1} is not in the child's hub, so this consent has no effect until {1} joins the hub (protected identity goes only to the hub).",
            "varning: barnet {0} har skyddad identitet och {1} ingår inte i barnets nav, så samtycket får ingen verkan förrän {1} ingår i navet (skyddad identitet lämnas bara till navet)."),
    ]
}
