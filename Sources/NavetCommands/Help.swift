/// Help text for `--help`, generated from the command table and the strings below.
enum Help {
    static func overview(program: String, commands: [CommandSpec], globals: [OptionSpec], summaryKey: String, strings: Strings) -> String {
        var lines = [strings.t(summaryKey), "", strings.t("help.usage") + ": \(program) <" + strings.t("help.command") + "> [" + strings.t("help.options") + "]", ""]
        lines += commandAndOptionLines(commands, globals: globals, strings: strings, program: program)
        lines.append(strings.t("help.exitCodes") + ":")
        lines.append(strings.t("help.exitCodes.list"))
        lines.append("")
        lines.append(strings.t("help.more", program))
        return lines.joined(separator: "\n")
    }

    /// "Commands:" with each command's one-line help in a column, then "Global options:",
    /// each section followed by a blank line (the overview and a group's help share them).
    private static func commandAndOptionLines(_ commands: [CommandSpec], globals: [OptionSpec], strings: Strings,
                                              program: String) -> [String] {
        var lines = [strings.t("help.commands") + ":"]
        let names = commands.map { $0.path.joined(separator: " ") }
        let width = names.map(\.count).max() ?? 0
        for (spec, name) in zip(commands, names) {
            lines.append("  " + name + String(repeating: " ", count: width - name.count) + "  " + strings.t("help.\(spec.helpKey)"))
        }
        lines.append("")
        lines.append(strings.t("help.globalOptions") + ":")
        lines += optionLines(globals, strings: strings, program: program)
        lines.append("")
        return lines
    }

    /// The help of a group of commands (`navet sip --help`, `navet sip item --help`): its
    /// usage and its own commands, then the global options.
    static func group(program: String, path: [String], commands: [CommandSpec], globals: [OptionSpec], strings: Strings) -> String {
        let name = ([program] + path).joined(separator: " ")
        var lines = [strings.t("help.group", name), "",
                     strings.t("help.usage") + ": \(name) <" + strings.t("help.command") + "> [" + strings.t("help.options") + "]", ""]
        lines += commandAndOptionLines(commands, globals: globals, strings: strings, program: program)
        lines.append(strings.t("help.more", program))
        return lines.joined(separator: "\n")
    }

    static func command(program: String, spec: CommandSpec, globals: [OptionSpec], strings: Strings) -> String {
        let positionals = spec.positionals.map { positional in
            let name = valueName(positional.name, strings)
            return positional.required ? name : "[\(name)]"
        }
        let usage = ([program] + spec.path + positionals + (spec.options.isEmpty ? [] : ["[" + strings.t("help.options") + "]"]))
            .joined(separator: " ")
        var lines = [strings.t("help.\(spec.helpKey)"), "", strings.t("help.usage") + ": " + usage]
        if let long = Strings.table["help.\(spec.helpKey).long"] {
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
        let heads = options.map { $0.takesValue ? "\($0.name) \(valueName($0.valueName, strings))" : $0.name }
        let width = heads.map(\.count).max() ?? 0
        return zip(options, heads).map { option, head in
            "  " + head + String(repeating: " ", count: width - head.count) + "  " + strings.t(option.helpKey, program)
        }
    }
}

extension Help {
    /// The placeholder for a value in help text, in the reader's language
    /// (`--birth-date ÅÅÅÅ-MM-DD` in Swedish).
    static func valueName(_ name: String, _ strings: Strings) -> String {
        guard strings.language == .swedish else { return name }
        return swedishValueNames[name] ?? name
    }

    static let swedishValueNames: [String: String] = [
        "YYYY-MM-DD": "ÅÅÅÅ-MM-DD", "PATH": "SÖKVÄG", "FILE": "FIL", "FILE...": "FIL...", "OUT": "FIL", "NAME": "NAMN", "KIND": "TYP",
        "TAG": "SEKRETESSKLASS", "NOTE": "ANTECKNING", "VALUE": "VÄRDE", "FIELD": "FÄLT", "yes|no": "ja|nej",
        "URL": "ADRESS", "DURATION": "TID", "HOST:PORT": "VÄRD:PORT", "BUNDLE": "ÖVERFÖRINGSFIL", "REPLICA": "ID",
        "SECONDS": "SEKUNDER", "DIR": "MAPP", "BYTES": "BYTE", "HEADER": "HTTP-HUVUD", "COUNT": "ANTAL",
        "ROLE": "ROLL", "ORG": "ORGANISATION", "TEL": "TELEFON", "TAGS": "SEKRETESSKLASSER", "TIME": "TID",
        "TEXT": "TEXT", "MEMBERSHIP": "MEDLEMSKAP", "CONSENT": "SAMTYCKE", "EPISODE": "FÖRSVINNANDE",
        "child|guardian": "barnet|god man", "LOGIN": "INLOGGNING", "OUTCOME": "UTFALL", "ACTION": "ÅTGÄRD",
        "SIP": "PLAN", "ITEM": "PUNKT", "intervention|measure": "insats|åtgärd", "LEVEL": "NIVÅ", "REF": "DIARIENUMMER",
    ]
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
        "help.exitCodes": ("Exit codes", "Felkoder (utgångsstatus)"),
        "help.exitCodes.list": (
            "  0  success\n  2  usage error (unknown command or option, missing argument)\n  3  validation error (bad date, unknown field, unknown id)\n  4  refused input (damaged, wrong version or wrong schema bundle, or a bad policy file; nothing changed)\n  5  I/O failure (missing database, unwritable file, disk full, output that could not be written)\n  6  server unreachable or failing (nothing lost; try again later)\n  7  partly refused: the central store refused some changes (taken back); see 'navet status'\n  8  verification found differences ('navet verify'): missing or extra changes; or a broken read audit or disclosure ledger ('navet audit verify', 'navetd audit verify')\n  9  no enabled user: the command shows or changes case data (give --user NAME, set NAVET_USER, or see 'navet user')\n 10  a purpose is needed to show this (give --purpose TEXT); nothing was shown",
            "  0  klart\n  2  felaktig användning (okänt kommando eller alternativ, argument saknas)\n  3  ogiltigt värde (felaktigt datum, okänt fält, okänt id)\n  4  avvisad indata (skadad överföringsfil, fel version eller fel schema, eller en felaktig policyfil; inget ändrat)\n  5  läs- eller skrivfel (databas saknas, filen kan inte skrivas, disken full, utskriften kunde inte skrivas)\n  6  servern nås inte eller fick fel (inget förlorat; försök igen senare)\n  7  delvis avvisad: centrallagret avvisade vissa ändringar (tagna tillbaka); se 'navet status'\n  8  kontrollen hittade skillnader ('navet verify'): ändringar som saknas eller inte får finnas; eller en bruten logg över vem som sett vad eller utlämnandelogg ('navet audit verify', 'navetd audit verify')\n  9  ingen aktiv användare: kommandot visar eller ändrar uppgifter om barn (ange --user NAMN, sätt NAVET_USER eller se 'navet user')\n 10  ett syfte krävs för att visa detta (ange --purpose TEXT); inget visades"),
        "help.group": ("The commands of '{0}':", "Kommandona i '{0}':"),
        "help.more": ("Run '{0} <command> --help' for the options of a command.",
                      "Kör '{0} <kommando> --help' för att se ett kommandos alternativ."),
        "help.navet": ("navet: the local replica of an organisation working around unaccompanied children.\nEvery command except sync and verify works without network.",
            "navet: organisationens lokala databas i arbetet kring ensamkommande barn.\nAlla kommandon utom sync och verify fungerar utan nätverk."),
        "help.navetd": ("navetd: the central store that merges the replicas' changes (run by the support office).",
            "navetd: centrallagret, som slår ihop ändringarna från de lokala databaserna (drivs av stödkontoret)."),
        "opt.db": ("the replica file (default ./navet.db, or NAVET_DB)",
                   "databasfilen (standard ./navet.db, eller NAVET_DB)"),
        "opt.dbServer": ("the central database (default ./navetd.db, or NAVETD_DB)",
                         "den centrala databasen (standard ./navetd.db, eller NAVETD_DB)"),
        "opt.json": ("print JSON for scripts", "skriv JSON för skript"),
        "opt.lang": ("language: en or sv (default from LANG)", "språk: en eller sv (standard från LANG)"),
        "opt.help": ("show this help", "visa den här hjälpen"),

        "help.init": ("Create a new, empty replica file.", "Skapa en ny, tom lokal databas."),
        "help.init.long": ("Creates one SQLite file (WAL mode) holding the visible state, the full history of every field,\nthe local change log, the conflict list and the schema version. Refuses to overwrite a file.\nYour operating-system login becomes its first user, mapped to itself (--no-user: none; see 'navet user add').",
            "Skapar en databasfil (SQLite, WAL-läge) med aktuellt läge, hela historiken för varje fält,\nden lokala ändringsloggen, konfliktlistan och schemaversionen. Skriver aldrig över en fil.\nDin inloggning i operativsystemet blir dess första användare, kopplad till sig själv (--no-user: ingen; se 'navet user add')."),
        "help.child.add": ("Register a child (a new case).", "Registrera ett barn (ett nytt ärende)."),
        "help.child.add.long": ("Dates are written YYYY-MM-DD. Asylum status: asylum seeker (pending), residence permit (granted),\nrejected, appealed, final rejection, returned, or left the country; the codes in brackets work too.\nA birth or arrival date in the future, or an arrival before the birth, is refused; an unlikely age is warned about.",
            "Datum skrivs ÅÅÅÅ-MM-DD. Asylstatus: asylsökande, uppehållstillstånd (bifall), avslag, överklagande,\nlagakraftvunnet avslag, återvänt eller lämnat landet (även t.ex. beviljat, slutligt avslag).\nEtt födelse- eller ankomstdatum i framtiden, eller en ankomst före födseln, avvisas; en osannolik ålder ger en varning."),
        "help.child.list": ("List the children in this replica.", "Lista barnen i den lokala databasen."),
        "help.child.show": ("Show one child's case.", "Visa ett barns ärende."),
        "help.child.set": ("Change one field of a child.", "Ändra ett fält för ett barn."),
        "help.child.set.long": ("FIELD is one of: name, birth-date, dossier-number, languages, arrival-date, arrival-municipality,\nassigned-municipality, asylum-status, search-description, protected-identity. An empty VALUE clears it;\n- reads the search description from standard input.\nThe new value replaces the one shown; a concurrent value from elsewhere stays listed as a conflict.",
            "FÄLT är något av: namn, födelsedatum, dossiernummer, språk, ankomstdatum, ankomstkommun,\nanvisningskommun, asylstatus, signalement, skyddad-identitet. Ett tomt VÄRDE tömmer fältet;\n- läser signalementet från standard in.\nDet nya värdet ersätter det som visas; ett samtidigt värde från annat håll står kvar som konflikt."),
        "help.child.history": ("Show every value each field of a child has had.", "Visa alla värden varje fält för ett barn har haft."),
        "help.note.add": ("Write a journal note about a child.", "Skriv en journalanteckning om ett barn."),
        "help.note.add.long": ("Notes are never edited: correct one by writing a new note with --corrects (about the same child,\nwith at least the corrected note's tag, which it gets by default). --text - reads the text from standard input.\nKinds: information_talk, conversation, meeting, observation, decision_received, risk_signal,\nschool_absence, turning_18_talk (what turning 18 means), suspected_crime. Tags: basic, school, case, search, asylum, health, police, protected, internal. A note's tag may\nbe raised, never below its kind's floor, which is also the default: school for school_absence, case for the others.",
            "Anteckningar ändras aldrig: rätta en genom att skriva en ny med --corrects (om samma barn, med minst\nden rättade anteckningens sekretessklass, som den får om inget anges). --text - läser texten från standard in.\nTyper: informationssamtal, samtal, möte, iakttagelse, beslut mottaget, risksignal, skolfrånvaro,\nsamtal om 18-årsdagen (vad det innebär att fylla 18), misstänkt brott.\nSekretessklasser: grunduppgifter, skola, ärende, eftersökning, asyl, hälsa, polisens uppgifter, skyddad identitet, intern.\nSekretessklassen får höjas, aldrig under typens lägsta, som också är standard: skola för skolfrånvaro, ärende för övriga."),
        "help.note.list": ("List journal notes, oldest first.", "Lista journalanteckningar, äldst först."),
        "help.conflicts": ("List fields with concurrent values.", "Lista fält med samtidiga, olika värden."),
        "help.conflicts.long": ("Two edits made without seeing each other are both kept: one is shown (the same one on every replica),\nthe other is listed here until someone resolves it.",
            "Två ändringar gjorda utan att se varandra sparas båda: en visas (samma i alla lokala databaser),\nden andra listas här tills någon löser konflikten."),
        "help.conflicts.resolve": ("Resolve a conflict by choosing or entering the value.", "Lös en konflikt genom att välja eller ange värdet."),
        "help.export": ("Write the pending changes to a bundle file for the central store.",
                        "Skriv ändringar som väntar till en överföringsfil för centrallagret."),
        "help.export.long": ("Carry the file to the support office, which runs 'navetd import FILE --reply REPLY'.\nThen import the reply with 'navet import REPLY'. Exporting twice is harmless; an existing FILE\nis replaced only with --force, and never a database.",
            "Bär filen till stödkontoret, som kör 'navetd import FIL --reply SVAR'.\nLäs sedan in svaret med 'navet import SVAR'. Att exportera två gånger är ofarligt; en befintlig FIL\nersätts bara med --force, och aldrig en databas."),
        "help.import": ("Apply a reply bundle from the central store.", "Läs in en svarsfil från centrallagret."),
        "help.import.long": ("A damaged, altered, wrong-version or wrong-schema bundle is refused and nothing changes.\nOnly the reply to the latest 'navet export' applies, and only once: a reply imported again, out of order or\nanswering an earlier export is refused (exit code 4) and nothing changes; export again to sync.\nIf the central store refused some of this replica's changes, they are taken back and the command exits 7\nafter importing the rest ('navet status' lists them).",
            "En skadad eller ändrad överföringsfil, eller en med fel version eller schema, avvisas och inget ändras.\nBara svaret på den senaste 'navet export' läses in, och bara en gång: ett svar som läses in igen, i fel ordning\neller som svarar på en tidigare export avvisas (felkod 4) och inget ändras; exportera igen för att synka.\nOm centrallagret avvisade några av den lokala databasens ändringar tas de tillbaka och kommandot avslutas med\nfelkod 7 efter att resten lästs in ('navet status' listar dem)."),
        "help.status": ("Show this replica's id, contents and sync state.", "Visa den lokala databasens id, innehåll och synkläge."),
        "help.enroll": ("Enroll this existing replica file with an enrollment file.",
                        "Registrera den här befintliga databasfilen med en registreringsfil."),
        "help.enroll.long": (
            "For a file made with 'navet init' without --enroll, one the central store refused as a second live copy, or one whose enrollment was revoked.\nChanges not yet synced move to the new replica id and go out with the next sync; nothing is lost.\nRefused for a file that is enrolled and was not refused as a copy (--force when the support office says it was),\nfor a file that synced with another central store, and for an enrollment file this file used before (a revoked one too).",
            "För en fil som skapades med 'navet init' utan --enroll, en som centrallagret avvisade som en andra kopia, eller en vars registrering har spärrats.\nÄndringar som inte har synkats flyttas till det nya id:t och skickas vid nästa synk; inget går förlorat.\nAvvisas för en fil som är registrerad och inte har avvisats som kopia (--force när stödkontoret säger att den har det),\nför en fil som har synkat med ett annat centrallager och för en registreringsfil som filen har använt förut (även en spärrad)."),
        "help.demo": ("Run an end-to-end demo in a temporary folder.", "Kör en demonstration från början till slut i en tillfällig mapp."),
        "help.demo.long": ("Creates a central store and four replicas (group home, social services, guardian, school) under the\ndefault policy. Social services register a child and add the group home and the guardian to its hub;\nthey make offline edits including one concurrent edit, and sync: social services, the group home and the\nschool over HTTP with navetd on a loopback port, the guardian by bundle files through the support office.\nThe school receives nothing of the child until it is added to the hub as mentor, and then only what a\nmentor needs. Prints what each replica shows. With --json, prints a JSON summary of the end state\ninstead of the steps.",
            "Skapar ett centrallager och fyra lokala databaser (HVB-hem, socialtjänst, god man, skola) med\nstandardpolicyn. Socialtjänsten registrerar ett barn och lägger till HVB-hemmet och gode mannen i navet\nkring barnet; de gör ändringar utan nätverk, bland dem en samtidig ändring, och synkar: socialtjänsten,\nHVB-hemmet och skolan över HTTP med navetd på en lokal port, gode mannen med överföringsfiler via stödkontoret.\nSkolan får ingenting om barnet förrän den läggs till i navet som mentor, och då bara det en mentor\nbehöver. Visar vad varje lokal databas ser. Med --json skrivs en sammanfattning av slutläget som JSON\ni stället för stegen."),
        "help.server.import": ("Merge a replica's bundle and write the reply it needs.",
            "Slå ihop en överföringsfil från en lokal databas och skriv svaret den behöver."),
        "help.server.import.long": ("The reply holds every change the replica lacks. The reply file is checked first: a refused bundle,\nor a reply that cannot be written, changes nothing. The same bundle file imported again is answered again.\nBundle files older than 30 days are refused. The central store must exist ('navetd init').",
            "Svaret innehåller alla ändringar den lokala databasen saknar. Svarsfilen kontrolleras först: en avvisad\növerföringsfil, eller ett svar som inte kan skrivas, ändrar ingenting. Samma överföringsfil inläst igen besvaras igen.\nÖverföringsfiler äldre än 30 dagar avvisas. Centrallagret måste finnas ('navetd init')."),
        "help.server.status": ("Show the central store's contents.", "Visa innehållet i centrallagret."),

        "help.sync": ("Sync with the central store over HTTP: send pending changes, receive what is missing.",
            "Synka med centrallagret över HTTP: skicka väntande ändringar, ta emot det som saknas."),
        "help.sync.long": ("Uses the URL from the enrollment file, or --server. Repeats round trips until nothing is pending.\n--timeout is one limit for the whole command (all round trips together, default 300 seconds), however\nslowly the server answers. If the server cannot be reached or the limit passes, nothing is lost (exit\ncode 6): what was already received stays, pending changes go at the next sync. Meant for a nightly timer.\nIf the central store refused some of this replica's changes, they are taken back and the sync exits 7\nonce finished ('navet status' lists them with the reasons).",
            "Använder adressen från registreringsfilen, eller --server. Upprepar tills inget väntar.\n--timeout är en gräns för hela kommandot (alla rundor tillsammans, standard 300 sekunder), hur\nlångsamt servern än svarar. Om servern inte nås eller tiden tar slut går inget förlorat (felkod 6):\ndet som redan tagits emot ligger kvar, väntande ändringar skickas vid nästa synk. Avsett för en timer varje natt.\nOm centrallagret avvisade några av den lokala databasens ändringar tas de tillbaka och synkningen avslutas\nmed felkod 7 när den är klar ('navet status' listar dem med skälen)."),
        "help.org.add": ("Register an organisation.", "Registrera en organisation."),
        "help.org.add.long": ("Kinds: social_services, residential_home, foster_family, guardian, guardianship_board, school, health,\nmigration_agency, police, volunteer, county_board, support_office (or the usual words: police, god man...).\nA name that differs from an existing one only in case, spaces or how å, ä, ö are written is refused.\nThe central store must exist ('navetd init').",
            "Typer: socialtjänsten, HVB-hem, familjehem, god man, överförmyndare, skola, hälso- och sjukvård,\nMigrationsverket, polisen, frivilligorganisation, Länsstyrelsen, stödkontor (även t.ex. polis, gode man).\nEtt namn som bara skiljer sig från ett befintligt i stora och små bokstäver, mellanslag eller hur å, ä, ö\nskrivs avvisas. Centrallagret måste finnas ('navetd init')."),
        "help.org.list": ("List the organisations.", "Lista organisationerna."),
        "help.replica.enroll": ("Enroll a new replica for an organisation and write its enrollment file.",
            "Registrera en ny lokal databas för en organisation och skriv dess registreringsfil."),
        "help.replica.enroll.long": (
            "The file (mode 0600) holds the replica's id, the server's id and URL, and a fresh secret.\nThe organisation runs 'navet init --enroll FILE' with it, or 'navet enroll FILE' for a replica file it already has.",
            "Filen (läge 0600) innehåller databasens id, serverns id och adress och en ny hemlighet.\nOrganisationen kör 'navet init --enroll FIL' med den, eller 'navet enroll FIL' för en databasfil den redan har."),
        "help.replica.revoke": ("Cut a replica off at once (a lost laptop).", "Spärra en lokal databas direkt (en borttappad dator)."),
        "help.replica.list": ("List enrolled replicas with their last sync and lag.",
                              "Lista registrerade lokala databaser med senaste synk och eftersläpning."),
        "help.serve": ("Serve sync over HTTP until stopped (SIGTERM or SIGINT).", "Ta emot synkningar över HTTP tills servern stoppas (SIGTERM eller SIGINT)."),
        "opt.enroll": ("create the replica from this enrollment file", "skapa den lokala databasen från den här registreringsfilen"),
        "opt.server": ("the central store's URL (default: from the enrollment)", "centrallagrets adress (standard: från registreringen)"),
        "opt.timeout": ("seconds the whole sync may take, all round trips together (default 300)",
                        "sekunder som hela synken får ta, alla rundor tillsammans (standard 300)"),
        "opt.orgName": ("the organisation's name", "organisationens namn"),
        "opt.orgKind": ("the kind of organisation", "typ av organisation"),
        "opt.municipality": ("the municipality", "kommunen"),
        "opt.org": ("the organisation's name", "organisationens namn"),
        "opt.enrollOut": ("where to write the enrollment file", "var registreringsfilen ska skrivas"),
        "opt.url": ("the URL replicas use to reach this server; give it: the default, http://127.0.0.1:8080, works only on this computer (a warning says so)",
            "adressen de lokala databaserna når servern på; ange den: standardvärdet http://127.0.0.1:8080 fungerar bara på den här datorn (en varning säger det)"),
        "help.serve.long": (
            "Endpoints: POST /v1/sync (signed bundles), GET /v1/health, GET /metrics (Prometheus).\nLogs are JSON lines on stderr without case data. Put a TLS-terminating reverse proxy in front of it.",
            "Ändpunkter: POST /v1/sync (signerade överföringar), GET /v1/health, GET /metrics (Prometheus).\nLoggar skrivs som JSON-rader på stderr, utan ärendeuppgifter. Ställ en omvänd proxy med TLS framför."),
        "opt.listen": ("address to listen on (default 127.0.0.1:8080)", "adress att lyssna på (standard 127.0.0.1:8080)"),
        "opt.proxyHeader": ("trust this header (e.g. X-Forwarded-For) for the client address; no other is trusted",
                            "lita på det här HTTP-huvudet (t.ex. X-Forwarded-For) för klientens adress; inget annat litas på"),
        "opt.maxBody": ("largest request body in bytes (default 314572800)", "största tillåtna innehåll i en begäran, i byte (standard 314572800)"),
        "opt.maxHeader": ("largest request head in bytes (default 16384)", "största storlek i byte på en begärans HTTP-huvuden (standard 16384)"),
        "opt.requestTimeout": ("seconds allowed to receive a whole request, body included (default 60)",
                               "sekunder för att ta emot en hel begäran, med innehåll (standard 60)"),
        "opt.maxConnections": ("most connections at once (default 256)", "flest samtidiga anslutningar (standard 256)"),
        "opt.clockWindow": ("largest clock difference accepted, in seconds (default 300)", "största tillåtna klockskillnad i sekunder (standard 300)"),
        "help.backup": ("Write a checked copy of the central store while it keeps serving.",
            "Skriv en kontrollerad kopia av centrallagret medan det fortsätter att betjäna."),
        "help.restore": ("Install a backup as the central store, with a new epoch (stop navetd first).",
            "Installera en säkerhetskopia som centrallager, med en ny epok (stoppa navetd först)."),
        "help.restore.long": ("Refuses a file that is not a whole, undamaged central store (SQLite's integrity check). Where no store\nis at --db (a lost disk), the backup becomes the store there. Replicas see the new epoch at their next sync,\ndownload again and re-send every change of their own the restored store lacks.",
            "Avvisar en fil som inte är ett helt, oskadat centrallager (SQLites integritetskontroll). Finns inget centrallager\ni --db (en förlorad disk) blir säkerhetskopian centrallagret där. De lokala databaserna ser den nya epoken vid nästa synk,\nhämtar igen och skickar varje egen ändring som det återställda centrallagret saknar."),
        "opt.silent": ("only replicas without a successful sync for this long (e.g. 3d, 12h)",
            "bara lokala databaser utan lyckad synk så här länge (t.ex. 3d, 12h)"),
        "opt.silentAfter": ("a replica counts as silent in /metrics after this long (default 3d)",
            "en lokal databas räknas som tyst i /metrics efter så här lång tid (standard 3d)"),
        "opt.onlyField": ("only this field", "bara det här fältet"),
        "opt.child": ("the child's id (or its first characters)", "barnets id (eller dess första tecken)"),
        "opt.kind": ("the kind of note", "typ av anteckning"),
        "opt.text": ("the note's text; - reads it from standard input", "anteckningens text; - läser den från standard in"),
        "opt.author": ("who wrote it", "vem som skrev den"),
        "opt.tag": ("the confidentiality tag (default case)", "sekretessklass (standard ärende)"),
        "opt.corrects": ("the id of the note this one corrects", "id för anteckningen som den här rättar"),
        "opt.choose": ("keep the value with this number in 'navet conflicts'", "behåll värdet med det numret i 'navet conflicts'"),
        "opt.value": ("record this value instead", "spara det här värdet i stället"),
        "opt.reply": ("where to write the reply bundle", "var svarsfilen ska skrivas"),
        "opt.keep": ("keep the demo's files in this folder", "spara demonstrationens filer i den här mappen"),
    ]
}
