import Foundation

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

    public func t(_ key: String, _ arguments: [String]) -> String {
        guard let pair = Strings.table[key] else { preconditionFailure("missing string \(key)") }
        var text = language == .swedish ? pair.1 : pair.0
        for (index, argument) in arguments.enumerated() {
            text = text.replacingAll("{\(index)}", with: argument)
        }
        return text
    }

    /// The label of a field for people, e.g. "birth date (stated)" / "födelsedatum (uppgivet)".
    public func field(_ name: String) -> String {
        Strings.table["field." + name].map { language == .swedish ? $0.1 : $0.0 } ?? name
    }

    /// The label of a choice value, tag or record type.
    public func label(_ kind: String, _ value: String) -> String {
        Strings.table["\(kind).\(value)"].map { language == .swedish ? $0.1 : $0.0 } ?? value
    }

    /// Maps a label typed in either language back to the stored code, for choices.
    public static func code(for input: String, among codes: [String], kind: String) -> String? {
        let wanted = input.lowercased()
        for code in codes {
            if code == wanted || code.replacingAll("_", with: "-") == wanted { return code }
            if let pair = table["\(kind).\(code)"], pair.0.lowercased() == wanted || pair.1.lowercased() == wanted {
                return code
            }
        }
        return nil
    }

    static let table: [String: (String, String)] = messages.merging(HelpText.table) { first, _ in first }

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
        "asylum.rejected": ("rejection", "avslag"),
        "asylum.appealed": ("appeal", "överklagande"),
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
        "tag.basic": ("basic", "grunduppgifter"),
        "tag.case": ("case", "ärende"),
        "tag.asylum": ("asylum", "asyl"),
        "tag.health": ("health", "hälsa"),
        "tag.school": ("school", "skola"),
        "tag.search": ("search", "eftersökning"),
        "tag.protected": ("protected identity", "skyddad identitet"),
        "bool.true": ("yes", "ja"),
        "bool.false": ("no", "nej"),
        "state.shown": ("shown", "visas"),
        "state.superseded": ("replaced", "ersatt"),
        "state.conflict": ("conflict", "konflikt"),


        // Command output.
        "out.init": ("Created replica {0} in {1}.", "Skapade repliken {0} i {1}."),
        "out.childAdded": ("Registered child {0}.", "Registrerade barnet {0}."),
        "out.noteAdded": ("Wrote note {0}.", "Skrev anteckningen {0}."),
        "out.noChildren": ("No children in this replica yet.", "Inga barn i repliken än."),
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
        "out.exported": ("Wrote {0} pending change(s) to {1}.", "Skrev {0} väntande ändring(ar) till {1}."),
        "out.imported": ("Imported {0} new change(s) ({1} already here). Conflicts now: {2}.",
                         "Läste in {0} nya ändring(ar) ({1} fanns redan). Konflikter nu: {2}."),
        "out.serverImported": ("Merged bundle from replica {0}: {1} new change(s), {2} already held. Wrote {3} change(s) to {4}.",
                               "Slog ihop paket från replik {0}: {1} nya ändring(ar), {2} fanns redan. Skrev {3} ändring(ar) till {4}."),
        "out.serverStatus": ("Central store {0}: {1} changes, {2} records, {3} conflicts.",
                             "Central lagring {0}: {1} ändringar, {2} poster, {3} konflikter."),
        "out.time": ("time", "tid"),
        "out.field": ("field", "fält"),
        "out.value": ("value", "värde"),
        "out.replica": ("replica", "replik"),
        "out.state": ("state", "läge"),
        "out.file": ("file", "fil"),
        "out.schema": ("schema version", "schemaversion"),
        "out.layout": ("file layout", "filformat"),
        "out.children": ("children", "barn"),
        "out.conflicts": ("conflicts", "konflikter"),
        "out.pending": ("pending changes", "ändringar som väntar"),
        "out.server": ("central store", "central lagring"),
        "out.cursor": ("server cursor", "serverposition"),
        "out.lastExport": ("last export", "senaste export"),
        "out.lastImport": ("last import", "senaste import"),
        "out.never": ("never", "aldrig"),
        "out.refusals": ("refusals", "avvisningar"),
        "out.client": ("client", "klient"),
        "error.badDuration": ("{0} needs a duration like 90s, 30m, 12h or 3d, not '{1}'.",
                              "{0} behöver en tid som 90s, 30m, 12h eller 3d, inte '{1}'."),
        "out.lastRefusal": ("last refused sync", "senast avvisade synk"),
        "out.notEnrolled": ("none (not enrolled: see 'navet enroll --help')", "ingen (inte registrerad: se 'navet enroll --help')"),
        "error.badChoice": ("--choose needs a number from 1, not '{0}'.", "--choose behöver ett nummer från 1, inte '{0}'."),
        "error.chooseOrValue": ("Give exactly one of --choose N and --value VALUE.", "Ange precis ett av --choose N och --value VÄRDE."),
        "error.choiceRange": ("There is no value number {0}; the conflict has {1}.", "Det finns inget värde nummer {0}; konflikten har {1}."),


        // The demo.
        "demo.intro": ("Navet demo: a central store and three replicas in {0}.\nEvery step below is a real command. Social services and the care home sync over HTTP with\nnavetd on a loopback port; the guardian has no network and carries bundle files to the office.",
                       "Navet-demonstration: en central lagring och tre repliker i {0}.\nVarje steg nedan är ett riktigt kommando. Socialtjänsten och HVB-hemmet synkar över HTTP med\nnavetd på en lokal port; gode mannen saknar nätverk och bär paketfiler till stödkontoret."),
        "demo.step1": ("1. The support office enrolls three organisations; each creates its replica from its enrollment file",
                       "1. Stödkontoret registrerar tre organisationer; var och en skapar sin replik från sin registreringsfil"),
        "demo.step2": ("2. Social services registers a newly arrived child", "2. Socialtjänsten registrerar ett nyanlänt barn"),
        "demo.step3": ("3. Everyone syncs: over HTTP, or by file through the support office", "3. Alla synkar: över HTTP, eller med fil via stödkontoret"),
        "demo.step4": ("4. Offline work: a note, an edit, and two edits of the same field made without seeing each other",
                       "4. Arbete utan nätverk: en anteckning, en ändring och två ändringar av samma fält utan att se varandra"),
        "demo.concurrent": ("(Social services records the rejection; the guardian, not yet told, records the appeal.)",
                            "(Socialtjänsten för in avslaget; gode mannen, som inte vet det än, för in överklagandet.)"),
        "demo.step5": ("5. Sync again", "5. Synka igen"),
        "demo.step6": ("6. What each replica shows now: the same state, and the conflict kept, not lost",
                       "6. Vad varje replik visar nu: samma läge, och konflikten sparad, inte förlorad"),
        "demo.step7": ("7. Social services resolves the conflict; after the next sync it is gone everywhere",
                       "7. Socialtjänsten löser konflikten; efter nästa synk är den borta överallt"),
        "demo.home": ("Residential care home (HVB)", "HVB-hemmet"),
        "demo.social": ("Social services", "Socialtjänsten"),
        "demo.guardian": ("Legal guardian (god man)", "God man"),
        "demo.failed": ("A demo step failed.", "Ett steg i demonstrationen misslyckades."),
        "demo.kept": ("The demo's files are kept in {0}.", "Demonstrationens filer finns kvar i {0}."),


        // Server, enrollment and sync.
        "out.initEnrolled": ("Created replica {0} in {1} for {2}; it syncs with {3}.",
                             "Skapade repliken {0} i {1} för {2}; den synkar med {3}."),
        "out.orgAdded": ("Registered organisation {0} ({1}, {2}).", "Registrerade organisationen {0} ({1}, {2})."),
        "out.enrolled": ("Enrolled replica {0} for {1}. Hand over {2} like a key: it holds the replica's secret.",
                         "Registrerade repliken {0} för {1}. Lämna över {2} som en nyckel: den innehåller replikens hemlighet."),
        "out.revoked": ("Revoked replica {0}: it can no longer sync.", "Spärrade repliken {0}: den kan inte längre synka."),
        "out.synced": ("Synced: sent {0} change(s), received {1}. Conflicts now: {2}.",
                       "Synkat: skickade {0} ändring(ar), tog emot {1}. Konflikter nu: {2}."),
        "out.syncProgress": ("sync: round {0}, {1} change(s) sent, {2} received so far",
                             "synk: varv {0}, {1} ändring(ar) skickade, {2} mottagna hittills"),
        "out.morePages": ("More changes wait at the central store: export and import again.",
                          "Fler ändringar väntar i den centrala lagringen: exportera och importera igen."),
        "out.organisation": ("organisation", "organisation"),
        "out.kind": ("kind", "typ"),
        "out.municipality": ("municipality", "kommun"),
        "out.lastSync": ("last sync", "senaste synk"),
        "out.lag": ("lag (changes)", "eftersläpning (ändringar)"),
        "out.active": ("active", "aktiv"),
        "out.revokedState": ("revoked", "spärrad"),
        "error.notEnrolled": (
            "This replica is not enrolled at a central store, so it cannot sync. Get an enrollment file from the support office and run 'navet enroll FILE': the work in this file is kept.",
            "Den här lokala databasen är inte registrerad hos centrallagret och kan inte synka. Be stödkontoret om en registreringsfil och kör 'navet enroll FIL': arbetet i filen behålls."),
        "error.badEnrollment": ("The enrollment file {0} was refused: {1}. Ask the support office for a new one.",
                                "Registreringsfilen {0} avvisades: {1}. Be stödkontoret om en ny."),
        "error.badURL": ("'{0}' is not an http:// or https:// address.", "'{0}' är ingen http://- eller https://-adress."),
        "error.badTimeout": ("--timeout needs a number of seconds (up to 3600), not '{0}'.",
                             "--timeout behöver ett antal sekunder (högst 3600), inte '{0}'."),
        "error.unreachable": (
            "Could not reach the central store at {0} ({1}). Nothing was lost: pending changes stay until the next sync.",
            "Kunde inte nå den centrala lagringen på {0} ({1}). Inget har gått förlorat: väntande ändringar ligger kvar till nästa synk."),
        "error.serverFailed": (
            "The central store at {0} failed (HTTP {1}). Nothing was lost: try again later.",
            "Den centrala lagringen på {0} fick ett fel (HTTP {1}). Inget har gått förlorat: försök igen senare."),
        "error.syncRefused": ("The central store at {0} refused the sync: {1}.", "Den centrala lagringen på {0} avvisade synken: {1}."),
        "error.duplicateOrganisation": ("An organisation named {0} already exists.", "Det finns redan en organisation som heter {0}."),
        "error.unknownOrganisation": ("No organisation named {0}. See 'navetd org list'.",
                                      "Det finns ingen organisation som heter {0}. Se 'navetd org list'."),
        "error.unknownReplica": ("No enrolled replica {0}. See 'navetd replica list'.",
                                 "Det finns ingen registrerad replik {0}. Se 'navetd replica list'."),
        "error.badReplicaID": ("'{0}' is not a replica id (16 hex digits).", "'{0}' är inget replik-id (16 hexadecimala tecken)."),
        "error.badName": ("Names must be 1 to 200 characters, municipalities 1 to 100.",
                          "Namn ska vara 1 till 200 tecken, kommuner 1 till 100."),
        "refusal.malformed_request": ("the request or bundle is malformed", "begäran eller paketet är felformat"),
        "refusal.unknown_replica": ("this replica is not enrolled at the central store", "repliken är inte registrerad hos den centrala lagringen"),
        "refusal.revoked_replica": ("this replica's enrollment was revoked; contact the support office",
                                    "replikens registrering är spärrad; kontakta stödkontoret"),
        "refusal.stale_timestamp": ("the timestamp is outside the allowed window; check this computer's clock",
                                    "tidsstämpeln ligger utanför tillåtet intervall; kontrollera datorns klocka"),
        "refusal.bad_signature": ("the signature does not verify", "signaturen stämmer inte"),
        "refusal.replayed_nonce": ("this request or bundle was already used (a replay)", "begäran eller paketet har redan använts (en upprepning)"),
        "refusal.foreign_origin": ("the bundle carries changes this replica did not make", "paketet innehåller ändringar som repliken inte har gjort"),
        "refusal.sequence_gap": ("changes are missing in the sequence", "ändringar saknas i följden"),
        "refusal.invalid_change": ("a change breaks the schema", "en ändring bryter mot schemat"),
        "refusal.schema_too_new": ("the schema version is newer than the server's", "schemaversionen är nyare än serverns"),
        "refusal.wrong_server": ("the bundle is addressed to another central store", "paketet är adresserat till en annan central lagring"),
        "refusal.server_error": ("the server failed", "servern fick ett fel"),
        "refusal.replica_copied": (
            "this file is a second live copy of its replica (restored or copied while the other copy kept syncing), so it cannot go on as that replica. Ask the support office for a new enrollment file and run 'navet enroll FILE': changes not yet synced are kept",
            "den här databasfilen är en andra kopia av en lokal databas som den andra kopian har fortsatt att synka (återställd eller kopierad), så den kan inte fortsätta som den. Be stödkontoret om en ny registreringsfil och kör 'navet enroll FIL': ändringar som inte har synkats behålls"),
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
        "out.enrollMoved.one": ("1 change not yet synced now belongs to the new id and goes out with the next sync.",
                                "1 ändring som inte har synkats hör nu till det nya id:t och skickas vid nästa synk."),
        "out.enrollMoved": ("{0} changes not yet synced now belong to the new id and go out with the next sync.",
                            "{0} ändringar som inte har synkats hör nu till det nya id:t och skickas vid nästa synk."),
        "out.caughtUp": (
            "This file was behind its own history (restored from a backup or copied): it received its changes back from the central store, and {0} change(s) not yet synced were renumbered after them.",
            "Den här databasfilen låg efter sin egen historik (återställd från en säkerhetskopia eller kopierad): den fick tillbaka sina ändringar från centrallagret, och ändringar som inte hade synkats ({0}) numrerades om efter dem."),
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
        "error.badHeaderName": ("'{0}' is not a header name.", "'{0}' är inget namn på ett huvud."),
        "out.epochChanged": ("The central store was restored from a backup: downloading again and re-sending what it lacks.",
                             "Den centrala lagringen har återställts från en säkerhetskopia: hämtar igen och skickar det som saknas."),
        "out.backedUp": ("Wrote a checked backup to {0} ({1} bytes).", "Skrev en kontrollerad säkerhetskopia till {0} ({1} byte)."),
        "out.restored": ("Restored {0} as {1} with the new epoch {2}. Replicas re-send what it lacks at their next sync.",
                         "Återställde {0} som {1} med den nya epoken {2}. Replikerna skickar det som saknas vid nästa synk."),
        "error.badBackup": ("The backup {0} was refused, nothing was changed: {1}.",
                            "Säkerhetskopian {0} avvisades, inget har ändrats: {1}."),
        // Generic errors.
        "error.prefix": ("error", "fel"),
        "error.helpHint": ("See '{0} --help'.", "Se '{0} --help'."),
        "error.unknownOption": ("Unknown option '{0}'.", "Okänt alternativ '{0}'."),
        "error.repeatedOption": ("The option {0} is given twice.", "Alternativet {0} anges två gånger."),
        "error.missingValue": ("The option {0} needs a value.", "Alternativet {0} behöver ett värde."),
        "error.flagTakesNoValue": ("The option {0} takes no value.", "Alternativet {0} tar inget värde."),
        "error.unknownCommand": ("Unknown command '{0}'.", "Okänt kommando '{0}'."),
        "error.missingArgument": ("Missing {0}.", "{0} saknas."),
        "error.extraArgument": ("Unexpected argument '{0}'.", "Oväntat argument '{0}'."),
        "error.badLanguage": ("Unknown language '{0}'. Use 'en' or 'sv'.", "Okänt språk '{0}'. Använd 'en' eller 'sv'."),
        "error.noDatabase": (
            "No replica at {0}. Create one with 'navet init', or give --db PATH.",
            "Det finns ingen replik i {0}. Skapa en med 'navet init' eller ange --db SÖKVÄG."),
        "error.exists": ("{0} already exists. Nothing was changed.", "{0} finns redan. Inget har ändrats."),
        "error.existsEnroll": ("{0} already exists. Nothing was changed. To enroll that replica file, run 'navet --db {0} enroll {1}'.",
                               "{0} finns redan. Inget har ändrats. Kör 'navet --db {0} enroll {1}' för att registrera den databasfilen."),
        "error.notNavet": ("{0} is not a Navet {1} file ({2}).", "{0} är ingen Navet-fil av typen {1} ({2})."),
        "error.tooNew": (
            "{0} was written by a newer Navet (version {1}; this one knows up to {2}). Update Navet.",
            "{0} skrevs av en nyare version av Navet (version {1}; den här klarar till {2}). Uppdatera Navet."),
        "error.diskFull": (
            "The disk is full: {0} could not be written. Nothing was changed. Free some space and try again.",
            "Disken är full: {0} kunde inte skrivas. Inget har ändrats. Frigör utrymme och försök igen."),
        "error.database": ("The database {0} could not be used: {1}", "Databasen {0} kunde inte användas: {1}"),
        "error.unknownRecord": ("No {0} with id '{1}' in this replica.", "Det finns inget {0} med id '{1}' i repliken."),
        "error.ambiguousRecord": (
            "The id '{0}' matches {1} records. Give more characters.",
            "Id '{0}' passar {1} poster. Ange fler tecken."),
        "error.wrongType": ("{0} is a {1}, not a {2}.", "{0} är av typen {1}, inte {2}."),
        "error.appendOnly": (
            "A {0} cannot be edited. Write a new one that corrects it (--corrects).",
            "En {0} kan inte ändras. Skriv en ny som rättar den (--corrects)."),
        "error.noConflict": ("The field {1} of {0} has no conflict.", "Fältet {1} på {0} har ingen konflikt."),
        "error.readFile": ("Cannot read {0}: {1}", "Kan inte läsa {0}: {1}"),
        "error.writeFile": ("Cannot write {0}: {1}", "Kan inte skriva {0}: {1}"),
        "error.refusedBundle": ("The bundle {0} was refused, nothing was changed: {1}",
                                "Paketet {0} avvisades, inget har ändrats: {1}"),

        // Schema validation.
        "schema.unknownRecordType": ("unknown record type '{0}'", "okänd posttyp '{0}'"),
        "schema.unknownField": ("Unknown field '{0}'. Fields: {1}.", "Okänt fält '{0}'. Fält: {1}."),
        "schema.required": ("{0} is required.", "{0} måste anges."),
        "schema.tooLong": ("{0} is longer than {1} characters.", "{0} är längre än {1} tecken."),
        "schema.invalidCode": ("{0} may only hold letters, digits and '-'.", "{0} får bara innehålla bokstäver, siffror och '-'."),
        "schema.invalidDate": ("{0} must be a date written YYYY-MM-DD, e.g. 2009-03-14.",
                               "{0} måste vara ett datum på formen ÅÅÅÅ-MM-DD, t.ex. 2009-03-14."),
        "schema.invalidBool": ("{0} must be yes or no.", "{0} måste vara ja eller nej."),
        "schema.notAChoice": ("{0} must be one of: {1}.", "{0} måste vara något av: {1}."),
        "schema.invalidReference": ("{0} must be a record id.", "{0} måste vara ett post-id."),
        "schema.wrongKind": ("{0} has a value of the wrong kind.", "{0} har ett värde av fel slag."),
        "schema.invalidStamp": ("a change carries an invalid ordering stamp", "en ändring har en ogiltig ordningsstämpel"),
        "schema.appendOnly": ("a change edits an append-only {0}", "en ändring redigerar en {0} som inte får ändras"),

        // Bundle refusals.
        "bundle.truncated": ("the file is truncated or empty", "filen är avkortad eller tom"),
        "bundle.badMagic": ("it is not a Navet bundle", "det är inget Navet-paket"),
        "bundle.version": ("bundle format version {0} is not supported (this Navet reads version {1})",
                           "paketformat version {0} stöds inte (den här versionen av Navet läser version {1})"),
        "bundle.checksum": ("the checksum does not match: the file is damaged or was altered",
                            "kontrollsumman stämmer inte: filen är skadad eller har ändrats"),
        "bundle.corrupt": ("the content is damaged ({0})", "innehållet är skadat ({0})"),
        "bundle.tooLarge": ("the bundle is larger than allowed", "paketet är större än tillåtet"),
        "bundle.wrongKind": ("this is a {0} bundle, but a {1} bundle is needed here",
                             "det här är ett paket av typen {0}, men här behövs typen {1}"),
        "bundle.kind.upload": ("upload (replica → central)", "uppladdning (replik → central)"),
        "bundle.kind.reply": ("reply (central → replica)", "svar (central → replik)"),
        "bundle.notForReplica": ("it is addressed to replica {0}, and this is {1}",
                                 "det är adresserat till replik {0}, och den här är {1}"),
        "bundle.notForServer": ("it is addressed to central store {0}, and this is {1}",
                                "det är adresserat till central {0}, och den här är {1}"),
        "bundle.wrongServer": ("it comes from central store {1}, but this replica syncs with {0}",
                               "det kommer från central {1}, men repliken synkar med {0}"),
        "bundle.schema": ("it was written under schema version {0}; this Navet knows up to {1}. Update Navet.",
                          "det skrevs med schemaversion {0}; den här versionen av Navet klarar till {1}. Uppdatera Navet."),
        "bundle.invalidChange": ("change number {0} is invalid: {1}", "ändring nummer {0} är ogiltig: {1}"),
        "bundle.foreignOrigin": ("replica {0} sent a change made by {1}; a replica may only send its own",
                                 "replik {0} skickade en ändring gjord av {1}; en replik får bara skicka sina egna"),
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
