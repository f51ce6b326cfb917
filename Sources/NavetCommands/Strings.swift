import Foundation
import NavetCore

/// The languages the CLI speaks.
public enum Language: String, Sendable {
    case english = "en"
    case swedish = "sv"

    /// `--lang` wins; otherwise LC_ALL, LC_MESSAGES, then LANG, as POSIX orders them.
    /// A Swedish locale (`sv`, `sv_SE.UTF-8`, `sv_FI`) gives Swedish.
    static func detect(option: String?, environment: [String: String]) -> Language? {
        if let option { return Language(rawValue: option.lowercased()) }
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                return value.lowercased().hasPrefix("sv") ? .swedish : .english
            }
        }
        return .english
    }
}

/// All user-facing text, English and Swedish, with `{0}`, `{1}`... placeholders.
/// The Swedish follows the words Swedish social workers use (see the project glossary).
public struct Strings: Sendable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    public func t(_ key: String, _ arguments: String...) -> String { t(key, arguments) }

    /// The text for `key` with `{0}`, `{1}`... replaced by the arguments, in one pass (an
    /// argument's own text is never read as a placeholder). `{0|one|other}` chooses a form
    /// by the number in argument 0: `one` for 1, `other` for any other number, so a text
    /// reads "1 change", "2 changes", "1 ändring", "2 ändringar".
    public func t(_ key: String, _ arguments: [String]) -> String {
        guard let pair = Strings.table[key] else { preconditionFailure("missing string \(key)") }
        return Strings.render(language == .swedish ? pair.1 : pair.0, arguments)
    }

    /// `t` for a text about a count: the count is argument 0 (`{0}`, and `{0|one|other}`
    /// chooses the form), the other arguments follow as `{1}`, `{2}`...
    public func t(_ key: String, count: Int, _ arguments: String...) -> String {
        t(key, [String(count)] + arguments)
    }

    static func render(_ template: String, _ arguments: [String]) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { result += rest[open...]; return result }
            let inside = after[..<close]
            let parts = inside.split(separator: "|", omittingEmptySubsequences: false)
            if let index = Int(parts[0]), index >= 0, index < arguments.count {
                if parts.count == 3 {
                    let number = Int(arguments[index].filter { $0 != " " && $0 != "\u{A0}" })
                    result += number == 1 ? parts[1] : parts[2]
                } else if parts.count == 1 {
                    result += arguments[index]
                } else {
                    result += rest[open...close]
                }
            } else {
                result += rest[open...close]
            }
            rest = after[after.index(after: close)...]
        }
        result += rest
        return result
    }

    /// The label of a field for people, e.g. "birth date (stated)" / "födelsedatum (uppgivet)".
    public func field(_ name: String) -> String {
        Strings.table["field." + name].map { language == .swedish ? $0.1 : $0.0 } ?? name
    }

    /// The label of a choice value, tag or record type.
    public func label(_ kind: String, _ value: String) -> String {
        Strings.table["\(kind).\(value)"].map { language == .swedish ? $0.1 : $0.0 } ?? value
    }

    /// The word a person types for a field (`--birth-date`, `child set ID FIELD`), in this
    /// language: "birth-date" / "födelsedatum".
    public func fieldWord(_ name: String) -> String {
        language == .swedish ? (Strings.swedishFieldWords[name] ?? field(name)) : name.replacingAll("_", with: "-")
    }

    /// Maps what a person typed for a choice back to the stored code: the code itself, the
    /// label in either language (with or without its bracketed part) or a usual synonym,
    /// in any case, composed or decomposed, with `_`, `-` and spaces alike. Nil when
    /// nothing matches.
    /// Without å, ä and ö ("halsa" for "hälsa") a word still names its code when only
    /// one code has it so (`TextRules.match`).
    public static func code(for input: String, among codes: [String], kind: String) -> String? {
        match(input, among: codes, kind: kind).value
    }

    /// What `input` names among `codes` (`TextRules.match`): exact, with accents dropped,
    /// ambiguous or nothing.
    static func match(_ input: String, among codes: [String], kind: String,
                      extra: [String: [String]] = [:]) -> TextRules.Match<String> {
        TextRules.match(input, among: codes.map { (value: $0, words: Array(words(for: $0, kind: kind)) + (extra["\(kind).\($0)"] ?? [])) })
    }

    /// Every match key that names `code` of `kind`.
    static func words(for code: String, kind: String) -> Set<String> {
        var words: [String] = [code]
        if let pair = table["\(kind).\(code)"] {
            for label in [pair.0, pair.1] {
                words.append(label)
                if let open = label.firstIndex(of: "(") {
                    words.append(String(label[..<open]))
                    words.append(String(label[label.index(after: open)...].filter { $0 != ")" }))
                }
            }
        }
        words += synonyms["\(kind).\(code)"] ?? []
        return Set(words.map(TextRules.matchKey).filter { !$0.isEmpty })
    }

    /// What people also type for a choice, beyond its code and labels (both languages).
    static let synonyms: [String: [String]] = [
        "asylum.pending": ["asylsökande", "asylärende", "väntar", "väntar på beslut", "asylum seeker", "seeking asylum", "waiting"],
        "asylum.granted": ["bifall", "bifallen", "uppehållstillstånd", "beviljad", "beviljat", "beviljats", "beviljades",
                           "PUT", "TUT", "permit", "residence permit", "granted"],
        "asylum.rejected": ["avslag", "avslaget", "avslagen", "avslogs", "rejection", "rejected", "refused", "refusal"],
        "asylum.appealed": ["överklagande", "överklagat", "överklagad", "överklagats", "appeal", "appealed"],
        "asylum.final_rejection": ["lagakraftvunnet avslag", "slutligt avslag", "laga kraft", "lagakraftvunnet",
                                   "final rejection", "final", "finally rejected"],
        "asylum.returned": ["återvänt", "återvändande", "återvände", "return", "returned"],
        "asylum.left": ["lämnat landet", "lämnade landet", "utrest", "left", "left the country"],
        "note.information_talk": ["informationssamtal", "information", "info", "information talk"],
        "note.conversation": ["samtal", "conversation", "talk"],
        "note.meeting": ["möte", "meeting"],
        "note.observation": ["iakttagelse", "observation"],
        "note.decision_received": ["beslut", "beslut mottaget", "mottaget beslut", "decision", "decision received"],
        "note.risk_signal": ["risksignal", "riskbeteende", "risk", "risk signal", "risk behaviour"],
        "note.school_absence": ["skolfrånvaro", "frånvaro", "absence", "school absence"],
        "note.turning_18_talk": ["18-årssamtal", "samtal om 18-årsdagen", "samtal om att fylla 18", "fylla 18", "18 år",
                                 "turning 18", "turning 18 talk", "talk about turning 18", "18th birthday talk"],
        "note.suspected_crime": ["misstänkt brott", "brottsmisstanke", "misstanke om brott", "misstänks för brott",
                                 "kriminalitet", "suspected crime", "crime", "suspicion of crime"],
        "tag.basic": ["grunduppgifter", "grund", "basic"],
        "tag.case": ["ärende", "ärendet", "care", "case"],
        "tag.asylum": ["asyl", "asylärende", "asylum"],
        "tag.health": ["hälsa", "hälso- och sjukvård", "health"],
        "tag.school": ["skola", "skolan", "school"],
        "tag.search": ["eftersökning", "sökning", "search"],
        "tag.protected": ["skyddad", "skyddad identitet", "skyddade personuppgifter", "protected", "protected identity"],
        "tag.police": ["polis", "polisen", "polisens uppgifter", "police"],
        "tag.internal": ["intern", "internt", "egen", "internal"],
        "org.social_services": ["socialtjänst", "socialtjänsten", "soc", "social services"],
        "org.residential_home": ["HVB", "HVB-hem", "HVB-hemmet", "hem för vård eller boende", "care home", "residential home"],
        "org.foster_family": ["familjehem", "familjehemmet", "jourhem", "foster family", "foster home"],
        "org.guardian": ["god man", "gode man", "gode män", "godman", "legal guardian", "guardian"],
        "org.guardianship_board": ["överförmyndare", "överförmyndaren", "överförmyndarnämnden", "guardianship board"],
        "org.school": ["skola", "skolan", "elevhälsan", "school"],
        "org.health": ["hälso- och sjukvård", "hälso- och sjukvården", "sjukvård", "vården", "BUP", "health care", "health"],
        "org.migration_agency": ["Migrationsverket", "migration agency", "the migration agency"],
        "org.police": ["polis", "polisen", "police", "the police"],
        "org.volunteer": ["frivilligorganisation", "frivilligorganisationen", "civilsamhället", "frivillig", "frivilliga",
                          "volontär", "volontärer", "ideell förening", "volunteer", "volunteer organisation"],
        "org.county_board": ["Länsstyrelsen", "länsstyrelse", "county board", "county administrative board"],
        "org.support_office": ["stödkontor", "stödkontoret", "support office"],
    ]

    /// The Swedish words for fields that people may type (`child set ID födelsedatum`).
    static let swedishFieldWords: [String: String] = [
        "name": "namn", "birth_date": "födelsedatum", "dossier_number": "dossiernummer", "languages": "språk",
        "arrival_date": "ankomstdatum", "arrival_municipality": "ankomstkommun",
        "assigned_municipality": "anvisningskommun", "asylum_status": "asylstatus",
        "search_description": "signalement", "protected_identity": "skyddad-identitet",
    ]

    static let table: [String: (String, String)] = messages.merging(HelpText.table) { first, _ in first }
        .merging(FileStrings.table) { first, _ in first }
        .merging(SyncStrings.table) { first, _ in first }
        .merging(VerifyStrings.table) { first, _ in first }
        .merging(MessageStrings.table) { first, _ in first }
        .merging(SystemMessages.table) { first, _ in first }
        .merging(RobustnessStrings.table) { first, _ in first }
        .merging(PolicyStrings.table) { first, _ in first }
        .merging(ExplainStrings.table) { first, _ in first }
        .merging(HubStrings.table) { first, _ in first }
        .merging(MatchStrings.table) { first, _ in first }
        .merging(DuplicateStrings.table) { first, _ in first }
        .merging(ReplyOrderStrings.table) { first, _ in first }
        .merging(HubCheckStrings.table) { first, _ in first }
        .merging(FilterStrings.table) { first, _ in first }
        .merging(GrantStrings.table) { first, _ in first }
        .merging(WireStrings.table) { first, _ in first }
        .merging(DemoStrings.table) { first, _ in first }
        .merging(UnsharedStrings.table) { first, _ in first }
        .merging(AuditStrings.table) { first, _ in first }
        .merging(LedgerStrings.table) { first, _ in first }
        .merging(ReadLogStrings.table) { first, _ in first }
        .merging(AuditUserStrings.table) { first, _ in first }
        .merging(MissingStrings.table) { first, _ in first }
        .merging(AlertStrings.table) { first, _ in first }
        .merging(CaseListStrings.table) { first, _ in first }
        .merging(CaseworkStrings.table) { first, _ in first }
        .merging(SipStrings.table) { first, _ in first }

    static let messages: [String: (String, String)] = [
        // Record types, fields, choices, tags.
        "type.child": ("child", "barn"),
        "type.note": ("note", "anteckning"),
        "field.name": ("name", "namn"),
        "field.birth_date": ("birth date (stated)", "födelsedatum (uppgivet)"),
        "field.dossier_number": ("Migration Agency case number", "dossiernummer"),
        "field.languages": ("languages", "språk"),
        "field.arrival_date": ("arrival date", "ankomstdatum"),
        "field.arrival_municipality": ("arrival municipality", "ankomstkommun"),
        "field.assigned_municipality": ("assigned municipality", "anvisningskommun"),
        "field.asylum_status": ("asylum status", "asylärendets status"),
        "field.search_description": ("description for a search", "signalement vid eftersökning"),
        "field.protected_identity": ("protected identity", "skyddad identitet"),
        "field.child": ("child", "barn"),
        "field.kind": ("kind", "typ"),
        "field.text": ("text", "text"),
        "field.author": ("author", "författare"),
        "field.corrects": ("corrects note", "rättar anteckning"),
        "field.turns_18": ("turns 18", "fyller 18"),
        "asylum.pending": ("asylum seeker (pending)", "asylsökande (väntar på beslut)"),
        "asylum.granted": ("residence permit (granted)", "uppehållstillstånd (bifall)"),
        "asylum.rejected": ("rejected", "avslag"),
        "asylum.appealed": ("appealed", "överklagande"),
        "asylum.final_rejection": ("final rejection", "lagakraftvunnet avslag"),
        "asylum.returned": ("returned", "återvänt"),
        "asylum.left": ("left the country", "lämnat landet"),
        "note.information_talk": ("information talk", "informationssamtal"),
        "note.conversation": ("conversation", "samtal"),
        "note.meeting": ("meeting", "möte"),
        "note.observation": ("observation", "iakttagelse"),
        "note.decision_received": ("decision received", "beslut mottaget"),
        "note.risk_signal": ("risk signal", "risksignal"),
        "note.school_absence": ("school absence", "skolfrånvaro"),
        "note.turning_18_talk": ("talk about turning 18", "samtal om 18-årsdagen"),
        "note.suspected_crime": ("suspected crime", "misstänkt brott"),
        "tag.basic": ("basic", "grunduppgifter"),
        "tag.case": ("case", "ärende"),
        "tag.asylum": ("asylum", "asyl"),
        "tag.health": ("health", "hälsa"),
        "tag.school": ("school", "skola"),
        "tag.search": ("search", "eftersökning"),
        "tag.protected": ("protected identity", "skyddad identitet"),
        "tag.police": ("police", "polisens uppgifter"),
        "tag.internal": ("internal", "intern"),
        "bool.true": ("yes", "ja"),
        "bool.false": ("no", "nej"),
        "state.shown": ("shown", "visas"),
        "state.superseded": ("replaced", "ersatt"),
        "state.conflict": ("conflict", "konflikt"),


        // Command output.
        "out.init": ("Created replica {0} in {1}.", "Skapade den lokala databasen {0} i {1}."),
        "out.childAdded": ("Registered child {0}.", "Registrerade barnet {0}."),
        "out.noteAdded": ("Wrote note {0}.", "Skrev anteckningen {0}."),
        "out.noChildren": ("This local database holds no children (none registered here, or none shared with your organisation now).", "Den lokala databasen har inga barn (inga registrerade här, eller inga som delas med din organisation nu)."),
        "out.noNotes": ("No notes.", "Inga anteckningar."),
        "out.noConflicts": ("No conflicts.", "Inga konflikter."),
        "out.inConflict": ("conflict: {0} values, see 'navet conflicts'", "konflikt: {0} värden, se 'navet conflicts'"),
        "out.notes": ("notes", "anteckningar"),
        "out.set": ("Changed {0} of {1}.", "Ändrade {0} för {1}."),
        "out.unchanged": ("{0} of {1} already has that value; nothing changed.", "{0} för {1} har redan det värdet; inget ändrat."),
        "out.resolved": ("Resolved {0} of {1}: {2}.", "Löste konflikten i {0} för {1}: {2}."),
        "out.resolveHint": (
            "Resolve with: navet conflicts resolve ID FIELD --choose N   (or --value VALUE)",
            "Lös med: navet conflicts resolve ID FÄLT --choose N   (eller --value VÄRDE)"),
        "out.exported": ("Wrote {0} pending {0|change|changes} to {1}.", "Skrev {0} {0|väntande ändring|väntande ändringar} till {1}."),
        "out.imported": ("Imported {0} new {0|change|changes} ({1} already here). Conflicts now: {2}.",
            "Läste in {0} {0|ny ändring|nya ändringar} ({1} fanns redan). Konflikter nu: {2}."),
        "out.serverImported": ("Merged the bundle from replica {0}: {1} new {1|change|changes}, {2} already held. Wrote {3} {3|change|changes} to {4}.",
            "Slog ihop överföringsfilen från den lokala databasen {0}: {1} {1|ny ändring|nya ändringar}, {2} fanns redan. Skrev {3} {3|ändring|ändringar} till {4}."),
        "out.serverCaughtUp": ("Did not merge the bundle from replica {0}: the central store already holds later changes from that replica, so this file was overtaken by a later sync or comes from a copy restored from a backup. Wrote a catch-up reply with {1} of the replica's own {1|change|changes} to {2}. A replica restored from that backup needs it; a replica that has synced since refuses it and needs nothing.",
            "Slog inte ihop överföringsfilen från den lokala databasen {0}: centrallagret har redan senare ändringar därifrån, så filen har hunnits ifatt av en senare synkronisering eller kommer från en kopia som återställts från en säkerhetskopia. Skrev ett svar med {1} av den lokala databasens egna {1|ändring|ändringar} till {2}. En lokal databas som återställts från säkerhetskopian behöver det; en som har synkroniserats sedan dess tar inte emot det och behöver ingenting."),
        "out.serverStatus": ("Central store {0}: {1} {1|change|changes}, {2} {2|case entry|case entries} (children, notes, plans...), {3} {3|conflict|conflicts}.",
            "Centrallagret {0}: {1} {1|ändring|ändringar}, {2} {2|uppgift|uppgifter} i ärendena (barn, anteckningar, planer...), {3} {3|konflikt|konflikter}."),
        "out.time": ("time", "tid"),
        "out.field": ("field", "fält"),
        "out.value": ("value", "värde"),
        "out.replica": ("replica", "lokal databas"),
        "out.state": ("state", "läge"),
        "out.file": ("file", "fil"),
        "out.schema": ("schema version", "schemaversion"),
        "out.layout": ("file layout", "filformat"),
        "out.children": ("children", "barn"),
        "out.conflicts": ("conflicts", "konflikter"),
        "out.pending": ("pending changes", "ändringar som väntar"),
        "out.server": ("central store", "centrallagret"),
        "out.cursor": ("server cursor", "position i centrallagret"),
        "out.lastExport": ("last export", "senaste export"),
        "out.lastImport": ("last import", "senaste import"),
        "out.never": ("never", "aldrig"),
        "out.refusals": ("refusals", "avvisningar"),
        "out.client": ("client", "klient"),
        "error.badDuration": ("{0} needs a duration like 90s, 30m, 12h or 3d, not '{1}'.",
                              "{0} behöver en tid som 90s, 30m, 12h eller 3d, inte '{1}'."),
        "out.lastRefusal": ("last refused sync", "senast avvisade synk"),
        "out.notEnrolled": ("none (not enrolled: see 'navet enroll --help')", "ingen (inte registrerad: se 'navet enroll --help')"),
        "error.badChoice": ("--choose needs the number of a value, 1 or more (see 'navet conflicts'), not '{0}'.",
                            "--choose behöver numret på ett värde, 1 eller mer (se 'navet conflicts'), inte '{0}'."),
        "error.chooseOrValue": ("Give exactly one of --choose N and --value VALUE.", "Ange precis ett av --choose N och --value VÄRDE."),
        "error.choiceRange": ("There is no value number {0}; the conflict has {1}.", "Det finns inget värde nummer {0}; konflikten har {1}."),


        // Server, enrollment and sync.
        "out.initEnrolled": ("Created replica {0} in {1} for {2}; it syncs with {3}.",
            "Skapade den lokala databasen {0} i {1} för {2}; den synkar med {3}."),
        "out.orgAdded": ("Registered organisation {0} ({1}, {2}).", "Registrerade organisationen {0} ({1}, {2})."),
        "out.enrolled": ("Enrolled replica {0} for {1}. Hand over {2} like a key: it holds the replica's secret.",
            "Registrerade den lokala databasen {0} för {1}. Lämna över {2} som en nyckel: den innehåller databasens hemlighet."),
        "out.revoked": ("Revoked replica {0}: it can no longer sync.", "Spärrade den lokala databasen {0}: den kan inte längre synka."),
        "out.synced": ("Synced: sent {0} {0|change|changes}, received {1}. Conflicts now: {2}.",
            "Synkat: skickade {0} {0|ändring|ändringar}, tog emot {1}. Konflikter nu: {2}."),
        "out.syncProgress": ("sync: round {0}, {1} {1|change|changes} sent, {2} received so far",
            "synk: runda {0}, {1} {1|ändring skickad|ändringar skickade}, {2} mottagna hittills"),
        "out.morePages": ("More changes wait at the central store: export and import again.",
            "Fler ändringar väntar i centrallagret: exportera och importera igen."),
        "out.organisation": ("organisation", "organisation"),
        "out.kind": ("kind", "typ"),
        "out.municipality": ("municipality", "kommun"),
        "out.lastSync": ("last sync", "senaste synk"),
        "out.lag": ("lag (changes)", "eftersläpning (ändringar)"),
        "out.active": ("active", "aktiv"),
        "out.revokedState": ("revoked", "spärrad"),
        "error.notEnrolled": (
            "This replica is not enrolled at a central store, so it cannot sync, export or be checked against one. Get an enrollment file from the support office and run 'navet enroll FILE': the work in this file is kept.",
            "Den här lokala databasen är inte registrerad hos centrallagret och kan inte synka, exportera eller kontrolleras mot det. Be stödkontoret om en registreringsfil och kör 'navet enroll FIL': arbetet i filen behålls."),
        "error.badEnrollment": ("The enrollment file {0} was refused: {1}. Ask the support office for a new one.",
                                "Registreringsfilen {0} avvisades: {1}. Be stödkontoret om en ny."),
        "error.badURL": ("'{0}' is not an http:// or https:// address (with a port, if any, from 1 to 65535).",
                         "'{0}' är ingen http://- eller https://-adress (med en port, om någon, från 1 till 65535)."),
        "error.badTimeout": ("--timeout needs a whole number of seconds from 1 to 3600, not '{0}'.",
                             "--timeout behöver ett helt antal sekunder från 1 till 3600, inte '{0}'."),
        "error.unreachable": ("Could not reach the central store at {0} ({1}). Nothing was lost: pending changes stay until the next sync.",
            "Kunde inte nå centrallagret på {0} ({1}). Inget har gått förlorat: väntande ändringar ligger kvar till nästa synk."),
        "error.serverFailed": ("The central store at {0} failed (HTTP {1}). Nothing was lost: try again later.",
            "Centrallagret på {0} fick ett fel (HTTP {1}). Inget har gått förlorat: försök igen senare."),
        "error.syncRefused": ("The central store at {0} refused the sync: {1}.", "Centrallagret på {0} avvisade synken: {1}."),
        "error.duplicateOrganisation": ("An organisation named {0} already exists (compared without regard to case, spaces, or å, ä and ö typed as a and o). See 'navetd org list'.",
                                        "Det finns redan en organisation som heter {0} (stora och små bokstäver, mellanslag och å, ä, ö skrivna som a och o räknas inte). Se 'navetd org list'."),
        "error.unknownOrganisation": ("No organisation named {0}. See the names with 'navetd org list', or register it with 'navetd org add'.",
            "Det finns ingen organisation som heter {0}. Se namnen med 'navetd org list', eller registrera den med 'navetd org add'."),
        "error.unknownReplica": ("No replica has the id {0}. See the ids with 'navetd replica list'.",
            "Ingen lokal databas har id {0}. Se alla id med 'navetd replica list'."),
        "error.badReplicaID": ("'{0}' is not a replica id: an id is up to 16 hex digits (0-9, a-f), or the first of them. See the ids with 'navetd replica list'.",
            "'{0}' är inget id för en lokal databas: ett id är upp till 16 hexadecimala tecken (0-9, a-f), eller de första av dem. Se alla id med 'navetd replica list'."),
        "error.badName": ("Names must be 1 to 200 characters, municipalities 1 to 100, on one line without control characters.",
            "Namn ska vara 1 till 200 tecken och kommuner 1 till 100, på en rad utan styrtecken."),
        "enroll.alreadyEnrolled": (
            "This file is enrolled as replica {0} and has not been refused as a second live copy, so it keeps its enrollment. Enroll it anew only when the central store refused it as a copy (or the support office says so: then add --force). Nothing was changed; {1} is still unused.",
            "Den här databasfilen är registrerad som {0} och har inte avvisats som en andra kopia, så den behåller sin registrering. Registrera den på nytt bara när centrallagret har avvisat den som kopia (eller stödkontoret säger det: lägg då till --force). Inget har ändrats; {1} är fortfarande oanvänd."),
        "opt.forceEnroll": ("enroll anew a file that synced by bundle files and was refused as a copy at the support office",
                            "registrera på nytt en fil som synkar med överföringsfiler och har avvisats som kopia hos stödkontoret"),
        "enroll.sameReplica": (
            "This file already is replica {0}: that enrollment file was used before. Ask the support office for a new one.",
            "Den här databasfilen är redan den lokala databasen {0}: registreringsfilen har använts förut. Be stödkontoret om en ny."),
        "enroll.otherServer": (
            "This file has synced with the central store {0}, but the enrollment file is for {1}. Use an enrollment file from the central store this file syncs with.",
            "Den här databasfilen har synkat med centrallagret {0}, men registreringsfilen gäller {1}. Använd en registreringsfil från centrallagret som filen synkar med."),
        "enroll.idInUse": (
            "The id {0} in the enrollment file was already used by this file (or is a server's id). Ask the support office for a new enrollment file.",
            "Id:t {0} i registreringsfilen har redan använts av den här databasfilen (eller är en servers id). Be stödkontoret om en ny registreringsfil."),
        "out.enrolledFile": ("Enrolled {1} as replica {0} for {2}; it syncs with {3}.",
                             "{1} är registrerad som lokal databas {0} för {2}; den synkar med {3}."),
        "out.enrollMoved": ("{0} {0|change|changes} not yet synced now {0|belongs|belong} to the new id and {0|goes|go} out with the next sync.",
                            "{0} {0|ändring|ändringar} som inte har synkats hör nu till det nya id:t och skickas vid nästa synk."),
        "out.caughtUp": (
            "This file was behind its own history (restored from a backup or copied): it received its changes back from the central store, and {0} {0|change|changes} not yet synced {0|was|were} renumbered after them.",
            "Den här databasfilen låg efter sin egen historik (återställd från en säkerhetskopia eller kopierad): den fick tillbaka sina ändringar från centrallagret, och {0} {0|ändring|ändringar} som inte hade synkats numrerades om efter dem."),
        "org.social_services": ("social services", "socialtjänsten"),
        "org.residential_home": ("residential care home (HVB)", "HVB-hem"),
        "org.foster_family": ("foster family", "familjehem"),
        "org.guardian": ("legal guardian (god man)", "god man"),
        "org.guardianship_board": ("guardianship board", "överförmyndare"),
        "org.school": ("school", "skola"),
        "org.health": ("health care", "hälso- och sjukvård"),
        "org.migration_agency": ("the Migration Agency", "Migrationsverket"),
        "org.police": ("the police", "polisen"),
        "org.volunteer": ("volunteer organisation", "frivilligorganisation"),
        "org.county_board": ("county administrative board", "Länsstyrelsen"),
        "org.support_office": ("support office", "stödkontor"),

        "error.badListen": ("Cannot use '{0}' as HOST:PORT: {1}", "Kan inte använda '{0}' som VÄRD:PORT: {1}"),
        "error.cannotListen": ("Cannot listen on {0}: {1}", "Kan inte lyssna på {0}: {1}"),
        "error.badNumber": ("{0} needs a whole number from {2} to {3}, not '{1}'.", "{0} behöver ett heltal från {2} till {3}, inte '{1}'."),
        "error.badHeaderName": ("'{0}' is not a header name.", "'{0}' är inget giltigt namn på ett HTTP-huvud (en header)."),
        "out.epochChanged": ("The central store was restored from a backup: downloading again and re-sending what it lacks.",
            "Centrallagret har återställts från en säkerhetskopia: hämtar igen och skickar det som saknas."),
        "out.backedUp": ("Wrote a checked backup to {0} ({1} {1|byte|bytes}).", "Skrev en kontrollerad säkerhetskopia till {0} ({1} byte)."),
        "out.restored": ("Restored {0} as {1} with the new epoch {2}. Replicas re-send what it lacks at their next sync.",
            "Återställde {0} som {1} med den nya epoken {2}. De lokala databaserna skickar det som saknas vid nästa synk."),
        "error.badBackup": ("The backup {0} was refused, nothing was changed: {1}.",
                            "Säkerhetskopian {0} avvisades, inget har ändrats: {1}."),
        // Generic errors.
        "error.ambiguousReplica": ("The id '{0}' matches {1} replicas: {2}. Give more characters.",
            "Id '{0}' stämmer med {1} lokala databaser: {2}. Ange fler tecken."),
        "error.noPermission": ("Cannot read {0}: this user may not read it. Check the file's owner and permissions.",
            "Kan inte läsa {0}: den här användaren får inte läsa den. Kontrollera filens ägare och behörigheter."),
        "out.correctedBy": ("corrected by: {0} (the correction says what was wrong)", "rättad av: {0} (rättelsen säger vad som var fel)"),
        "out.correctsOtherChild": ("this correction points at a note about another child",
            "den här rättelsen pekar på en anteckning om ett annat barn"),
        "out.correctsLowerTag": ("this correction has a lower confidentiality tag than the note it corrects",
            "den här rättelsen har en lägre sekretessklass än anteckningen den rättar"),
        "enrollment.tooLarge": ("it is larger than an enrollment file can be",
            "den är större än en registreringsfil kan vara"),
        "enrollment.notUTF8": ("it is not text (UTF-8)",
            "den är ingen text (UTF-8)"),
        "enrollment.malformedLine": ("line {0} is not 'key: value'",
            "rad {0} har inte formen 'nyckel: värde'"),
        "enrollment.unknownKey": ("it holds the unknown key '{0}'",
            "den innehåller den okända nyckeln '{0}'"),
        "enrollment.repeatedKey": ("the key '{0}' is given twice",
            "nyckeln '{0}' anges två gånger"),
        "enrollment.missingKey": ("the key '{0}' is missing",
            "nyckeln '{0}' saknas"),
        "enrollment.version": ("its version '{0}' is not supported; update Navet",
            "dess version '{0}' stöds inte; uppdatera Navet"),
        "enrollment.badVersion": ("its version '{0}' is not one Navet writes (the file was changed)",
            "dess version '{0}' är ingen som Navet skriver (filen har ändrats)"),
        "enrollment.invalidValue": ("the value of '{0}' is not valid",
            "värdet för '{0}' är ogiltigt"),
        "field.turned_18": ("turned 18",
            "fyllde 18 år"),
        "out.turned18": ("turned 18 on {0}",
            "fyllde 18 år {0}"),
        "error.bundleExpired": ("The bundle {0} was refused, nothing was changed: it is older than the {1}-day limit for bundle files. Export a new one on the replica ('navet export FILE') and bring that.",
            "Överföringsfilen {0} avvisades, inget har ändrats: den är äldre än {1} dagar, gränsen för överföringsfiler. Exportera en ny i den lokala databasen ('navet export FIL') och ta med den."),
        "error.bundleAhead": ("The bundle {0} was refused, nothing was changed: it was made later than this server's clock says it is now. Check the clocks of this server and of the computer that exported it.",
            "Överföringsfilen {0} avvisades, inget har ändrats: den är gjord senare än serverns klocka visar. Kontrollera klockan på servern och på datorn som exporterade den."),
        "error.unknownSubcommand": ("Unknown command '{0}'. The '{1}' commands are: {2}.",
            "Okänt kommando '{0}'. Kommandon som börjar med '{1}': {2}."),
        "error.notHexID": ("'{0}' is not an id: ids are hex digits (0-9, a-f). See the ids with '{1}'.",
            "'{0}' är inget id: ett id består av hexadecimala tecken (0-9, a-f). Se alla id med '{1}'."),
        "error.notRegularFile": ("Cannot read {0}: it is not a regular file (a device, pipe or socket). Give the path of a file.",
            "Kan inte läsa {0}: det är ingen vanlig fil (utan en enhet, rörledning eller sockel). Ange sökvägen till en fil."),
        "error.isFolder": ("Cannot read {0}: it is a folder. Give the path of a file in it.",
            "Kan inte läsa {0}: det är en mapp. Ange sökvägen till en fil i den."),
        "error.emptyFile": ("The file {0} is empty, nothing was changed. Copy it again, or have a new one made (an upload with 'navet export', a reply with 'navetd import').",
            "Filen {0} är tom, inget har ändrats. Kopiera den igen eller låt göra en ny (en uppladdning med 'navet export', ett svar med 'navetd import')."),
        "error.noSuchFile": ("Cannot read {0}: there is no such file. Check the path.",
            "Kan inte läsa {0}: filen finns inte. Kontrollera sökvägen."),
        "error.readStdin": ("Cannot read {0} from standard input: {1}",
            "Kan inte läsa {0} från standard in: {1}"),
        "error.noArguments": ("No command given.",
            "Inget kommando angavs."),
        "schema.noSuchDate": ("{0}: the day {1} does not exist. Check the month and the day.",
            "{0}: dagen {1} finns inte. Kontrollera månad och dag."),
        "schema.dateOutOfRange": ("{0}: {1} is outside the years Navet accepts (1900 to 2200). Check the year.",
            "{0}: {1} ligger utanför de år Navet tar emot (1900 till 2200). Kontrollera året."),
        "schema.controlCharacter": ("{0} may not hold the control character {1}: write it on one line, without tabs or other invisible characters.",
            "{0} får inte innehålla styrtecknet {1}: skriv det på en rad, utan tabbar eller andra osynliga tecken."),
        "schema.controlCharacterText": ("{0} may not hold the control character {1}; only line breaks and tabs are allowed.",
            "{0} får inte innehålla styrtecknet {1}; bara radbrytningar och tabbar är tillåtna."),
        "date.birthInFuture": ("{0}: {1} is after today. A birth date cannot be in the future.",
            "{0}: {1} ligger efter dagens datum. Ett födelsedatum kan inte ligga i framtiden."),
        "date.arrivalInFuture": ("{0}: {1} is after today. Give the day the child arrived.",
            "{0}: {1} ligger efter dagens datum. Ange dagen barnet kom."),
        "date.arrivalBeforeBirth": ("The arrival date {1} is before the birth date {0}. Check both dates.",
            "Ankomstdatumet {1} ligger före födelsedatumet {0}. Kontrollera båda datumen."),
        "date.adultAtArrival": ("warning: by the stated birth date the child was {0} {0|year|years} old on arrival. Check the dates; the value was saved.",
            "varning: enligt det uppgivna födelsedatumet var barnet {0} år vid ankomsten. Kontrollera datumen; värdet har sparats."),
        "date.unlikelyAge": ("warning: by the stated birth date the child is {0} {0|year|years} old today. Check the date; the value was saved.",
            "varning: enligt det uppgivna födelsedatumet är barnet {0} år i dag. Kontrollera datumet; värdet har sparats."),
        "error.correctsOtherChild": ("Note {0} is about another child ({1}). A correction must be about the same child: give --child {1}, or correct a note about this child.",
            "Anteckningen {0} gäller ett annat barn ({1}). En rättelse ska gälla samma barn: ange --child {1}, eller rätta en anteckning om det här barnet."),
        "error.correctsLowerTag": ("Note {0} has the confidentiality tag {1}; a correction must keep at least that tag. Give --tag {2} or a stricter one, or leave --tag out.",
            "Anteckningen {0} har sekretessklassen {1}; en rättelse måste ha minst den. Ange --tag {2} eller en strängare, eller utelämna --tag."),
        "error.badTag": ("--tag must be one of: {0}.",
            "--tag måste vara något av: {0}."),
        "error.badOrgKind": ("--kind must be one of: {0}.",
            "--kind måste vara något av: {0}."),
        "typeplural.child": ("children",
            "barnen"),
        "typeplural.note": ("notes",
            "anteckningarna"),
        "error.prefix": ("error", "fel"),
        "error.helpHint": ("See '{0} --help'.", "Se '{0} --help'."),
        "error.unknownOption": ("Unknown option '{0}'.", "Okänt alternativ '{0}'."),
        "error.unknownOptionOrValue": ("Unknown option '{0}'. If it is a value, put -- before it: … -- {0}",
                                       "Okänt alternativ '{0}'. Om det är ett värde, skriv -- före det: … -- {0}"),
        "error.repeatedOption": ("The option {0} is given twice.", "Alternativet {0} anges två gånger."),
        "error.missingValue": ("The option {0} needs a value.", "Alternativet {0} behöver ett värde."),
        "error.flagTakesNoValue": ("The option {0} takes no value.", "Alternativet {0} tar inget värde."),
        "error.unknownCommand": ("Unknown command '{0}'.", "Okänt kommando '{0}'."),
        "error.missingArgument": ("Missing {0}.", "{0} saknas."),
        "error.extraArgument": ("Unexpected argument '{0}'.", "Oväntat argument '{0}'."),
        "error.badLanguage": ("Unknown language '{0}'. Use 'en' or 'sv'.", "Okänt språk '{0}'. Använd 'en' eller 'sv'."),
        "error.noDatabase": ("No replica at {0}. Create one with 'navet init', or give --db PATH.",
            "Det finns ingen lokal databas i {0}. Skapa en med 'navet init' eller ange --db SÖKVÄG."),
        "error.exists": ("{0} already exists. Nothing was changed.", "{0} finns redan. Inget har ändrats."),
        "error.existsEnroll": ("{0} already exists. Nothing was changed. To enroll that replica file, run 'navet --db {0} enroll {1}'.",
                               "{0} finns redan. Inget har ändrats. Kör 'navet --db {0} enroll {1}' för att registrera den databasfilen."),
        "file.replica": ("a replica file", "en lokal databas"),
        "file.central": ("a central store", "ett centrallager"),
        "notNavet.otherProgram": ("another program's SQLite database, {0}", "en SQLite-databas från ett annat program, {0}"),
        "notNavet.otherRole": ("it is {0}, not {1}", "det är {0}, inte {1}"),
        "notNavet.notSQLite": ("not an SQLite database", "ingen SQLite-databas"),
        "notNavet.noTables": ("it was not made by Navet",
            "den är inte skapad av Navet"),
        "notNavet.noID": ("it has no id", "den saknar id"),
        "notNavet.noRole": ("it does not say whether it is a replica file or a central store", "den anger inte om den är en lokal databas eller ett centrallager"),
        "notNavet.integrity": ("it is not a whole, undamaged database (SQLite's integrity check fails)", "den är inte en hel, oskadad databas (SQLites integritetskontroll misslyckas)"),
        "notNavet.damaged": ("part of it is damaged",
            "en del av den är skadad"),
        "error.notNavet": ("{0} is not a Navet file{1} ({2}).",
            "{0} är ingen Navet-fil{1} ({2})."),
        "error.damaged": ("{0} is damaged: its contents contradict each other (technical detail: {1}). Nothing was changed. Restore the file from a backup.",
            "{0} är skadad: innehållet motsäger sig självt (teknisk detalj: {1}). Inget har ändrats. Återställ filen från en säkerhetskopia."),
        "error.inUseDuringUpgrade": (
            "{0} must be brought to this version of Navet (file layout {1} to {2}), but another Navet program has it open (navetd serve, or navet sync, export or import). Stop that program, then run this command again. Nothing was changed.",
            "{0} måste föras över till den här versionen av Navet (fillayout {1} till {2}), men ett annat Navet-program har den öppen (navetd serve, eller navet sync, export eller import). Stoppa det programmet och kör kommandot igen. Inget har ändrats."),
        "error.tooNew": (
            "{0} was written by a newer Navet (version {1}; this one knows up to {2}). Update Navet.",
            "{0} skrevs av en nyare version av Navet (version {1}; den här klarar till {2}). Uppdatera Navet."),
        "error.diskFull": (
            "The disk is full: {0} could not be written. Nothing was changed. Free some space and try again.",
            "Disken är full: {0} kunde inte skrivas. Inget har ändrats. Frigör utrymme och försök igen."),
        "error.database": ("The database {0} could not be used: {1}", "Databasen {0} kunde inte användas: {1}"),
        "error.unknownRecord": ("No {0} has the id '{1}' in this replica. See the ids with '{2}'.",
                                "Id '{1}' finns inte bland {3} i den lokala databasen. Se alla id med '{2}'."),
        "error.ambiguousRecord": ("The id '{0}' matches {1} ids: {2}. Give more characters.",
            "Början '{0}' stämmer med {1} olika id: {2}. Ange fler tecken."),
        "error.wrongType": ("{0} is {1}, not {2}.", "{0} är av typen {1}, inte {2}."),
        "error.appendOnly": (
            "A {0} cannot be edited. Write a new one that corrects it (--corrects).",
            "En {0} kan inte ändras. Skriv en ny som rättar den (--corrects)."),
        "error.noConflict": ("The field {1} of {0} has no conflict. See the conflicts with 'navet conflicts'.",
                             "Fältet {1} för {0} har ingen konflikt. Se konflikterna med 'navet conflicts'."),
        "error.readFile": ("Cannot read {0}: {1}", "Kan inte läsa {0}: {1}"),
        "error.writeFile": ("Cannot write {0}: {1}", "Kan inte skriva {0}: {1}"),
        "error.refusedBundle": ("The bundle {0} was refused, nothing was changed: {1}",
            "Överföringsfilen {0} avvisades, inget har ändrats: {1}"),

        // Schema validation.
        "schema.unknownRecordType": ("unknown kind of case data '{0}'",
            "okänd typ av uppgift '{0}'"),
        "schema.unknownField": ("Unknown field '{0}'. Fields: {1}.", "Okänt fält '{0}'. Fälten är: {1}."),
        "schema.required": ("{0} is required.", "{0} måste anges."),
        "schema.tooLong": ("{0} is longer than {1} characters.", "{0} är längre än {1} tecken."),
        "schema.invalidCode": ("{0} may only hold the letters A–Z and a–z, the digits 0–9 and '-' (no Å, Ä, Ö or spaces).", "{0} får bara innehålla bokstäverna A–Z och a–z, siffrorna 0–9 och '-' (inte Å, Ä, Ö eller mellanslag)."),
        "schema.invalidDate": ("{0} must be a date written YYYY-MM-DD, e.g. 2009-03-14.",
                               "{0} måste vara ett datum på formen ÅÅÅÅ-MM-DD, t.ex. 2009-03-14."),
        "schema.invalidBool": ("{0} must be yes or no.", "{0} måste vara ja eller nej."),
        "schema.invalidTimestamp": ("{0} must be a time with its UTC offset, e.g. 2026-11-30T14:05+01:00.",
                                    "{0} måste vara en tidpunkt med tidszon, t.ex. 2026-11-30T14:05+01:00."),
        "schema.invalidTagList": ("{0} must be confidentiality tags separated by commas: {1}.",
                                  "{0} måste vara sekretessklasser åtskilda med kommatecken: {1}."),
        "schema.notAChoice": ("{0} must be one of: {1}.", "{0} måste vara något av: {1}."),
        "schema.invalidReference": ("{0} must be an id.",
            "{0} måste vara ett id."),
        "schema.wrongKind": ("{0} has a value of the wrong kind.", "{0} har ett värde av fel slag."),
        "schema.versionExhausted": ("{0} cannot be edited any more: another replica gave it the highest version Navet allows. Report this to the support office",
                                    "{0} kan inte ändras mer: en annan lokal databas har gett fältet den högsta version Navet tillåter. Kontakta stödkontoret"),
        "schema.invalidStamp": ("a change carries an invalid ordering stamp", "en ändring har en ogiltig ordningsstämpel"),
        "schema.appendOnly": ("a change edits an append-only {0}", "en ändring redigerar en {0} som inte får ändras"),

        // Bundle refusals.
        "bundle.truncated": ("the file is truncated or empty; copy it again, or export a new one",
                             "filen är avkortad eller tom; kopiera den igen eller exportera en ny"),
        "bundle.badMagic": ("it is not a Navet bundle; check that this is the file you meant",
                            "det är ingen överföringsfil från Navet; kontrollera att det är rätt fil"),
        "bundle.checksum": ("the checksum does not match: the file is damaged or was altered; copy it again, or export a new one",
            "kontrollsumman stämmer inte: filen är skadad eller har ändrats; kopiera den igen eller exportera en ny"),
        // The checksum matched for these, so the file arrived as written: the writer made
        // it wrong, and copying it again does not help (except for data after its end).
        "bundle.corrupt": ("the content is malformed (technical detail: {0}); ask the sender to write it again, and report the problem to the support office",
                           "innehållet är felaktigt uppbyggt (teknisk uppgift: {0}); be avsändaren skriva filen igen och rapportera felet till stödkontoret"),
        "bundle.flags": ("it uses options (flags {0}) that this version of Navet does not know; update Navet",
                         "den använder tillval (flaggor {0}) som den här versionen av Navet inte känner till; uppdatera Navet"),
        "bundle.unsigned": ("it is not signed, and Navet only accepts signed files; ask the sender to write it again with a current Navet",
                            "den är inte signerad, och Navet tar bara emot signerade filer; be avsändaren skriva den igen med en aktuell version av Navet"),
        "bundle.signatureSize": ("its signature has the wrong size ({0} bytes instead of 64); ask the sender to write it again with a current Navet",
                                 "signaturen har fel storlek ({0} byte i stället för 64); be avsändaren skriva filen igen med en aktuell version av Navet"),
        "bundle.trailing": ("the file has data after its end; copy it again, or export a new one",
                            "filen har data efter sitt slut; kopiera den igen eller exportera en ny"),
        "bundle.unpack": ("its content could not be unpacked; ask the sender to write it again",
                          "innehållet gick inte att packa upp; be avsändaren skriva filen igen"),
        "bundle.contentSize": ("its content does not have the size the file states; ask the sender to write it again",
                               "innehållet har inte den storlek som filen anger; be avsändaren skriva filen igen"),
        "bundle.tooLarge": ("the bundle is larger than allowed", "överföringsfilen är större än tillåtet"),
        "bundle.wrongKind": ("this is a {0} bundle, but a {1} bundle is needed here; check that this is the file you meant",
            "det här är en överföringsfil av typen {0}, men här behövs typen {1}; kontrollera att det är rätt fil"),
        "bundle.kind.upload": ("upload (replica → central store)", "uppladdning (lokal databas → centrallagret)"),
        "bundle.kind.reply": ("reply (central store → replica)", "svar (centrallagret → lokal databas)"),
        "bundle.notForReplica": ("it is addressed to replica {0}, and this is {1}; import the reply made for this replica",
            "den är adresserad till den lokala databasen {0}, och den här är {1}; läs in svaret som gjordes för den här"),
        "bundle.notForServer": ("it is addressed to central store {0}, and this is {1}; bring it to the support office it was made for",
            "den är adresserad till centrallagret {0}, och det här är {1}; lämna den till stödkontoret den gjordes för"),
        "bundle.wrongServer": ("it comes from central store {1}, but this replica syncs with {0}; import a reply from that central store",
            "den kommer från centrallagret {1}, men den här lokala databasen synkar med {0}; läs in ett svar därifrån"),
        "bundle.schema": ("it was written under schema version {0}; this Navet knows up to {1}. Update Navet.",
            "den skrevs med schemaversion {0}; den här versionen av Navet klarar till {1}. Uppdatera Navet."),
        "bundle.invalidChange": ("change number {0} is invalid: {1}", "ändring nummer {0} är ogiltig: {1}"),
        "bundle.foreignOrigin": ("replica {0} sent a change made by {1}; a replica may only send its own",
            "den lokala databasen {0} skickade en ändring gjord av {1}; en lokal databas får bara skicka sina egna"),
        "bundle.gap": ("changes from {0} are missing: expected number {1}, got {2}",
                       "ändringar från {0} saknas: väntade nummer {1}, fick {2}"),
        "bundle.duplicate": ("change {1} from {0} was already received with other content",
                             "ändring {1} från {0} har redan tagits emot med annat innehåll"),
    ]
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        replacingOccurrences(of: target, with: replacement)
    }
}
