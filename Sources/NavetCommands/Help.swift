/// Help text for `--help`, generated from the command table and the strings below.
enum Help {
    static func overview(program: String, commands: [CommandSpec], globals: [OptionSpec], summaryKey: String, strings: Strings) -> String {
        var lines = [strings.t(summaryKey), "", strings.t("help.usage") + ": \(program) <" + strings.t("help.command") + "> [" + strings.t("help.options") + "]", ""]
        lines.append(strings.t("help.commands") + ":")
        let names = commands.map { $0.path.joined(separator: " ") }
        let width = names.map(\.count).max() ?? 0
        for (spec, name) in zip(commands, names) {
            lines.append("  " + name + String(repeating: " ", count: width - name.count) + "  " + strings.t("help.\(spec.helpKey)"))
        }
        lines.append("")
        lines.append(strings.t("help.globalOptions") + ":")
        lines += optionLines(globals, strings: strings, program: program)
        lines.append("")
        lines.append(strings.t("help.exitCodes") + ":")
        lines.append(strings.t("help.exitCodes.list"))
        lines.append("")
        lines.append(strings.t("help.more", program))
        return lines.joined(separator: "\n")
    }

    static func command(program: String, spec: CommandSpec, globals: [OptionSpec], strings: Strings) -> String {
        let positionals = spec.positionals.map { $0.required ? $0.name : "[\($0.name)]" }
        let usage = ([program] + spec.path + positionals + (spec.options.isEmpty ? [] : ["[" + strings.t("help.options") + "]"]))
            .joined(separator: " ")
        var lines = [strings.t("help.\(spec.helpKey)"), "", strings.t("help.usage") + ": " + usage]
        if let long = HelpText.table["help.\(spec.helpKey).long"] {
            lines += ["", strings.language == .swedish ? long.1 : long.0]
        }
        if !spec.options.isEmpty {
            lines += ["", strings.t("help.options").capitalizedFirst + ":"]
            lines += optionLines(spec.options, strings: strings, program: program)
        }
        lines += ["", strings.t("help.globalOptions") + ":"]
        lines += optionLines(globals, strings: strings, program: program)
        return lines.joined(separator: "\n")
    }

    static func optionLines(_ options: [OptionSpec], strings: Strings, program: String) -> [String] {
        let heads = options.map { $0.takesValue ? "\($0.name) \($0.valueName)" : $0.name }
        let width = heads.map(\.count).max() ?? 0
        return zip(options, heads).map { option, head in
            "  " + head + String(repeating: " ", count: width - head.count) + "  " + strings.t(option.helpKey, program)
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

enum HelpText {
    static let table: [String: (String, String)] = [
        "help.usage": ("Usage", "Användning"),
        "help.command": ("command", "kommando"),
        "help.options": ("options", "alternativ"),
        "help.commands": ("Commands", "Kommandon"),
        "help.globalOptions": ("Global options", "Globala alternativ"),
        "help.exitCodes": ("Exit codes", "Slutkoder"),
        "help.exitCodes.list": (
            "  0  success\n  2  usage error (unknown command or option, missing argument)\n  3  validation error (bad date, unknown field, unknown id)\n  4  refused input (damaged, wrong version or wrong schema bundle; nothing changed)\n  5  I/O failure (missing database, unwritable file, disk full)\n  6  server unreachable or failing (nothing lost; try again later)",
            "  0  klart\n  2  felaktig användning (okänt kommando eller alternativ, argument saknas)\n  3  ogiltigt värde (felaktigt datum, okänt fält, okänt id)\n  4  avvisad indata (skadat paket, fel version eller fel schema; inget ändrat)\n  5  läs- eller skrivfel (databas saknas, filen kan inte skrivas, disken full)\n  6  servern nås inte eller fick fel (inget förlorat; försök igen senare)"),
        "help.more": ("Run '{0} <command> --help' for the options of a command.",
                      "Kör '{0} <kommando> --help' för att se ett kommandos alternativ."),
        "help.navet": (
            "navet: the local replica of an organisation working around unaccompanied children.\nEvery command except sync works without network.",
            "navet: organisationens lokala replik i arbetet kring ensamkommande barn.\nAlla kommandon utom synk fungerar utan nätverk."),
        "help.navetd": (
            "navetd: the central store that merges the replicas' changes (run by the support office).",
            "navetd: den centrala lagringen som slår ihop replikernas ändringar (drivs av stödkontoret)."),
        "opt.db": ("the replica file (default ./navet.db, or NAVET_DB)",
                   "databasfilen (standard ./navet.db, eller NAVET_DB)"),
        "opt.dbServer": ("the central database (default ./navetd.db, or NAVETD_DB)",
                         "den centrala databasen (standard ./navetd.db, eller NAVETD_DB)"),
        "opt.json": ("print JSON for scripts", "skriv JSON för skript"),
        "opt.lang": ("language: en or sv (default from LANG)", "språk: en eller sv (standard från LANG)"),
        "opt.help": ("show this help", "visa den här hjälpen"),

        "help.init": ("Create a new, empty replica file.", "Skapa en ny, tom replikfil."),
        "help.init.long": (
            "Creates one SQLite file (WAL mode) holding the visible state, the full history of every field,\nthe local change log, the conflict list and the schema version. Refuses to overwrite a file.",
            "Skapar en SQLite-fil (WAL-läge) med aktuellt läge, hela historiken för varje fält,\nden lokala ändringsloggen, konfliktlistan och schemaversionen. Skriver aldrig över en fil."),
        "help.child.add": ("Register a child (a new case).", "Registrera ett barn (ett nytt ärende)."),
        "help.child.add.long": (
            "Dates are written YYYY-MM-DD. Asylum status: pending, granted, rejected, appealed,\nfinal_rejection, returned, left (Swedish words are accepted too).",
            "Datum skrivs ÅÅÅÅ-MM-DD. Asylstatus: pending, granted, rejected, appealed, final_rejection,\nreturned, left (de svenska orden går också bra, t.ex. avslag)."),
        "help.child.list": ("List the children in this replica.", "Lista barnen i repliken."),
        "help.child.show": ("Show one child's case.", "Visa ett barns ärende."),
        "help.child.set": ("Change one field of a child.", "Ändra ett fält för ett barn."),
        "help.child.set.long": (
            "FIELD is one of: name, birth-date, dossier-number, languages, arrival-date, arrival-municipality,\nassigned-municipality, asylum-status, search-description, protected-identity. An empty VALUE clears it.\nThe new value replaces the one shown; a concurrent value from elsewhere stays listed as a conflict.",
            "FÄLT är något av: name, birth-date, dossier-number, languages, arrival-date, arrival-municipality,\nassigned-municipality, asylum-status, search-description, protected-identity. Ett tomt VÄRDE tömmer fältet.\nDet nya värdet ersätter det som visas; ett samtidigt värde från annat håll står kvar som konflikt."),
        "help.child.history": ("Show every value each field of a child has had.", "Visa alla värden varje fält för ett barn har haft."),
        "help.note.add": ("Write a journal note about a child.", "Skriv en journalanteckning om ett barn."),
        "help.note.add.long": (
            "Notes are never edited: correct one by writing a new note with --corrects.\nKinds: information_talk, conversation, meeting, observation, decision_received, risk_signal,\nschool_absence. Tags: basic, school, case, search, asylum, health, protected (default case).",
            "Anteckningar ändras aldrig: rätta en genom att skriva en ny med --corrects.\nTyper: informationssamtal, samtal, möte, iakttagelse, beslut mottaget, risksignal, skolfrånvaro\n(eller de engelska koderna). Sekretessmärkning: basic, school, case, search, asylum, health,\nprotected (standard case)."),
        "help.note.list": ("List journal notes, oldest first.", "Lista journalanteckningar, äldst först."),
        "help.conflicts": ("List fields with concurrent values.", "Lista fält med samtidiga, olika värden."),
        "help.conflicts.long": (
            "Two edits made without seeing each other are both kept: one is shown (the same one on every replica),\nthe other is listed here until someone resolves it.",
            "Två ändringar gjorda utan att se varandra sparas båda: en visas (samma på alla repliker),\nden andra listas här tills någon löser konflikten."),
        "help.conflicts.resolve": ("Resolve a conflict by choosing or entering the value.", "Lös en konflikt genom att välja eller ange värdet."),
        "help.export": ("Write the pending changes to a bundle file for the central store.", "Skriv ändringar som väntar till en paketfil för den centrala lagringen."),
        "help.export.long": (
            "Carry the file to the support office, which runs 'navetd import FILE --reply REPLY'.\nThen import the reply with 'navet import REPLY'. Exporting twice is harmless.",
            "Bär filen till stödkontoret, som kör 'navetd import FIL --reply SVAR'.\nImportera sedan svaret med 'navet import SVAR'. Att exportera två gånger är ofarligt."),
        "help.enroll": ("Enroll this existing replica file with an enrollment file.",
                        "Registrera den här befintliga databasfilen med en registreringsfil."),
        "help.enroll.long": (
            "For a file made with 'navet init' without --enroll, or one the central store refused as a second live copy.\nChanges not yet synced move to the new replica id and go out with the next sync; nothing is lost.\nRefused if the file synced with another central store, or if the enrollment file was used before.",
            "För en fil som skapades med 'navet init' utan --enroll, eller en som centrallagret avvisade som en andra kopia.\nÄndringar som inte har synkats flyttas till den nya lokala databasens id och skickas vid nästa synk; inget går förlorat.\nAvvisas om filen har synkat med ett annat centrallager, eller om registreringsfilen har använts förut."),
        "help.import": ("Apply a reply bundle from the central store.", "Läs in ett svarspaket från den centrala lagringen."),
        "help.import.long": (
            "A damaged, altered, wrong-version or wrong-schema bundle is refused and nothing changes.\nImporting the same bundle twice changes nothing.",
            "Ett skadat, ändrat paket eller ett med fel version eller schema avvisas och inget ändras.\nAtt importera samma paket två gånger ändrar ingenting."),
        "help.status": ("Show this replica's id, contents and sync state.", "Visa replikens id, innehåll och synkläge."),
        "help.demo": ("Run an end-to-end demo in a temporary folder.", "Kör en demonstration från början till slut i en tillfällig mapp."),
        "help.demo.long": (
            "Creates a central store and three replicas (group home, social services, guardian), makes offline\nedits including one concurrent edit, syncs them by bundle files and prints what each replica shows.",
            "Skapar en central lagring och tre repliker (HVB-hem, socialtjänst, god man), gör ändringar utan\nnätverk, bland dem en samtidig ändring, synkar med paketfiler och visar vad varje replik ser."),
        "help.server.import": ("Merge a replica's bundle and write the reply it needs.", "Slå ihop en repliks paket och skriv svaret den behöver."),
        "help.server.import.long": (
            "Creates the central database if it does not exist. The reply holds every change the replica lacks.\nA refused bundle changes nothing and no reply is written.",
            "Skapar den centrala databasen om den inte finns. Svaret innehåller alla ändringar repliken saknar.\nEtt avvisat paket ändrar ingenting och inget svar skrivs."),
        "help.server.status": ("Show the central store's contents.", "Visa innehållet i den centrala lagringen."),

        "help.sync": ("Sync with the central store over HTTP: send pending changes, receive what is missing.",
                      "Synka med den centrala lagringen över HTTP: skicka väntande ändringar, ta emot det som saknas."),
        "help.sync.long": (
            "Uses the URL from the enrollment file, or --server. Repeats round trips until nothing is pending.\nIf the server cannot be reached, nothing is lost (exit code 6): run it again later. Meant for a nightly timer.",
            "Använder adressen från registreringsfilen, eller --server. Upprepar tills inget väntar.\nOm servern inte nås går inget förlorat (slutkod 6): kör igen senare. Avsett för en timer varje natt."),
        "help.org.add": ("Register an organisation.", "Registrera en organisation."),
        "help.org.add.long": (
            "Kinds: social_services, residential_home, foster_family, guardian, guardianship_board, school, health,\nmigration_agency, police, volunteer, county_board, support_office. Creates the database if needed.",
            "Typer: social_services, residential_home, foster_family, guardian, guardianship_board, school, health,\nmigration_agency, police, volunteer, county_board, support_office. Skapar databasen vid behov."),
        "help.org.list": ("List the organisations.", "Lista organisationerna."),
        "help.replica.enroll": ("Enroll a new replica for an organisation and write its enrollment file.",
                                "Registrera en ny replik för en organisation och skriv dess registreringsfil."),
        "help.replica.enroll.long": (
            "The file (mode 0600) holds the replica's id, the server's id and URL, and a fresh secret.\nThe organisation runs 'navet init --enroll FILE' with it, or 'navet enroll FILE' for a replica file it already has.",
            "Filen (läge 0600) innehåller replikens id, serverns id och adress och en ny hemlighet.\nOrganisationen kör 'navet init --enroll FIL' med den, eller 'navet enroll FIL' för en databasfil den redan har."),
        "help.replica.revoke": ("Cut a replica off at once (a lost laptop).", "Stäng av en replik direkt (en borttappad dator)."),
        "help.replica.list": ("List enrolled replicas with their last sync and lag.", "Lista registrerade repliker med senaste synk och eftersläpning."),
        "help.serve": ("Serve sync over HTTP until stopped (SIGTERM or SIGINT).", "Betjäna synk över HTTP tills den stoppas (SIGTERM eller SIGINT)."),
        "opt.enroll": ("create the replica from this enrollment file", "skapa repliken från den här registreringsfilen"),
        "opt.server": ("the central store's URL (default: from the enrollment)", "den centrala lagringens adress (standard: från registreringen)"),
        "opt.timeout": ("seconds to wait for each answer (default 60)", "sekunder att vänta på varje svar (standard 60)"),
        "opt.orgName": ("the organisation's name", "organisationens namn"),
        "opt.orgKind": ("the kind of organisation", "typ av organisation"),
        "opt.municipality": ("the municipality", "kommunen"),
        "opt.org": ("the organisation's name", "organisationens namn"),
        "opt.enrollOut": ("where to write the enrollment file", "var registreringsfilen ska skrivas"),
        "opt.url": ("the URL replicas use to reach this server (default http://127.0.0.1:8080)",
                    "adressen replikerna når servern på (standard http://127.0.0.1:8080)"),
        "help.serve.long": (
            "Endpoints: POST /v1/sync (signed bundles), GET /v1/health, GET /metrics (Prometheus).\nLogs are JSON lines on stderr without case data. Put a TLS-terminating reverse proxy in front of it.",
            "Ändpunkter: POST /v1/sync (signerade paket), GET /v1/health, GET /metrics (Prometheus).\nLoggar skrivs som JSON-rader på stderr, utan ärendeuppgifter. Ställ en omvänd proxy med TLS framför."),
        "opt.listen": ("address to listen on (default 127.0.0.1:8080)", "adress att lyssna på (standard 127.0.0.1:8080)"),
        "opt.proxyHeader": ("trust this header (e.g. X-Forwarded-For) for the client address; no other is trusted",
                            "lita på det här huvudet (t.ex. X-Forwarded-For) för klientens adress; inget annat betros"),
        "opt.maxBody": ("largest request body in bytes (default 314572800)", "största begärans innehåll i byte (standard 314572800)"),
        "opt.maxHeader": ("largest request head in bytes (default 16384)", "största begärans huvud i byte (standard 16384)"),
        "opt.requestTimeout": ("seconds allowed per request (default 300)", "sekunder per begäran (standard 300)"),
        "opt.maxConnections": ("most connections at once (default 256)", "flest samtidiga anslutningar (standard 256)"),
        "opt.clockWindow": ("largest clock difference accepted, in seconds (default 300)", "största tillåtna klockskillnad i sekunder (standard 300)"),
        "help.backup": ("Write a checked copy of the central store while it keeps serving.",
                        "Skriv en kontrollerad kopia av den centrala lagringen medan den fortsätter att betjäna."),
        "help.restore": ("Install a backup as the central store, with a new epoch (stop navetd first).",
                         "Installera en säkerhetskopia som central lagring, med en ny epok (stoppa navetd först)."),
        "help.restore.long": (
            "Refuses a file that fails PRAGMA integrity_check. Replicas see the new epoch at their next sync,\ndownload again and re-send every change of their own the restored store lacks.",
            "Avvisar en fil som inte klarar PRAGMA integrity_check. Replikerna ser den nya epoken vid nästa synk,\nhämtar igen och skickar varje egen ändring som den återställda lagringen saknar."),
        "opt.silent": ("only replicas without a successful sync for this long (e.g. 3d, 12h)",
                       "bara repliker utan lyckad synk så här länge (t.ex. 3d, 12h)"),
        "opt.silentAfter": ("a replica counts as silent in /metrics after this long (default 3d)",
                            "en replik räknas som tyst i /metrics efter så här lång tid (standard 3d)"),
        "opt.onlyField": ("only this field", "bara det här fältet"),
        "opt.child": ("the child's id (or its first characters)", "barnets id (eller dess första tecken)"),
        "opt.kind": ("the kind of note", "typ av anteckning"),
        "opt.text": ("the note's text", "anteckningens text"),
        "opt.author": ("who wrote it", "vem som skrev den"),
        "opt.tag": ("the confidentiality tag (default case)", "sekretessmärkning (standard case)"),
        "opt.corrects": ("the id of the note this one corrects", "id för anteckningen som den här rättar"),
        "opt.choose": ("keep the value with this number in 'navet conflicts'", "behåll värdet med det numret i 'navet conflicts'"),
        "opt.value": ("record this value instead", "spara det här värdet i stället"),
        "opt.reply": ("where to write the reply bundle", "var svarspaketet ska skrivas"),
        "opt.keep": ("keep the demo's files in this folder", "spara demonstrationens filer i den här mappen"),
    ]
}
