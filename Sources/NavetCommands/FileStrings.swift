/// Messages and help about the files commands write and the stores they open, in English
/// and Swedish (merged into `Strings.table`). The Swedish uses the glossary's words:
/// "lokal databas" for a replica file, "centrallagret" for the central store,
/// "överföringsfil" for a bundle file.
enum FileStrings {
    static let table: [String: (String, String)] = [
        "error.outputIsDatabase": (
            "{0} is the database given in --db. Navet never writes over it, not even with --force; choose another file name. Nothing was changed.",
            "{0} är databasen som anges med --db. Navet skriver aldrig över den, inte ens med --force; välj ett annat filnamn. Inget har ändrats."),
        "error.outputIsSQLite": (
            "{0} is an SQLite database (a replica file or a central store, perhaps). Navet never writes over one, not even with --force; choose another file name. Nothing was changed.",
            "{0} är en SQLite-databas (kanske en lokal databas eller centrallagret). Navet skriver aldrig över en sådan, inte ens med --force; välj ett annat filnamn. Inget har ändrats."),
        "error.backupIsFolder": (
            "{0} is a folder, not a backup; give the backup file (made by 'navetd backup'). Nothing was changed.",
            "{0} är en mapp, inte en säkerhetskopia; ange säkerhetskopians fil (gjord med 'navetd backup'). Inget har ändrats."),
        "backup.isBundle": (
            "it is a bundle (an upload or a reply), not a backup; a backup is made by 'navetd backup'",
            "det är en överföringsfil (en uppladdning eller ett svar), inte en säkerhetskopia; en säkerhetskopia görs med 'navetd backup'"),
        "backup.isEnrollment": (
            "it is an enrollment file, not a backup; a backup is made by 'navetd backup'",
            "det är en registreringsfil, inte en säkerhetskopia; en säkerhetskopia görs med 'navetd backup'"),
        "error.otherCentralBackup": (
            "The backup {0} is of another central store ({1}), not of {2} ({3}): put in place, it would cut off every replica enrolled here. Nothing was changed. If that store is the one to keep, move {2} away first.",
            "Säkerhetskopian {0} är av ett annat centrallager ({1}), inte av {2} ({3}): på plats skulle den stänga ute varje lokal databas som är registrerad här. Inget har ändrats. Om det är det lagret som ska gälla, flytta först undan {2}."),
        "error.restoreOntoItself": (
            "{0} is the central store itself (--db {1}), not a backup of it. Give the backup file to restore from. Nothing was changed.",
            "{0} är själva centrallagret (--db {1}), inte en säkerhetskopia av det. Ange säkerhetskopians fil att återställa från. Inget har ändrats."),
        "backup.notDatabase": (
            "it is not a database file, so not a backup made by 'navetd backup'",
            "det är ingen databasfil och alltså ingen säkerhetskopia gjord med 'navetd backup'"),
        "out.restoredWhereNone": (
            "There was no central store at {0}: the backup is the store there now. If you meant another path, start navetd with that one.",
            "Det fanns inget centrallager i {0}: säkerhetskopian är centrallagret där nu. Om du menade en annan sökväg, starta navetd med den."),
        "error.outputIsFolder": (
            "{0} is a folder; give a file name. Nothing was changed.",
            "{0} är en mapp; ange ett filnamn. Inget har ändrats."),
        "error.replyNotWritten": (
            "The upload itself was merged into the central store; run 'navetd import {0} --reply FILE' again with a path that can be written, and it is answered again with the reply.",
            "Själva överföringsfilen har förts in i centrallagret; kör 'navetd import {0} --reply FIL' igen med en sökväg som går att skriva, så besvaras den igen med svaret."),
        "error.outputNotRegular": (
            "{0} is not a regular file (a device, a pipe or a socket). Navet writes only regular files and never replaces such a file, not even with --force; give a file name. Nothing was changed.",
            "{0} är ingen vanlig fil (en enhet, en pipe eller en socket). Navet skriver bara vanliga filer och ersätter aldrig en sådan, inte ens med --force; ange ett filnamn. Inget har ändrats."),
        "error.outputExists": (
            "{0} already exists. Choose another file name, or add --force to replace it. Nothing was changed.",
            "{0} finns redan. Välj ett annat filnamn eller lägg till --force för att ersätta filen. Inget har ändrats."),
        "error.outputFolder": (
            "Cannot write {0}: the folder {1} cannot be used ({2}). Nothing was changed.",
            "Kan inte skriva {0}: mappen {1} går inte att använda ({2}). Inget har ändrats."),
        "error.noCentral": (
            "There is no central store at {0}. Create one with 'navetd --db {0} init', or give --db PATH.",
            "Det finns inget centrallager i {0}. Skapa ett med 'navetd --db {0} init' eller ange --db SÖKVÄG."),
        "out.centralCreated": (
            "Created the central store {0} with server id {1}.",
            "Skapade centrallagret {0} med server-id {1}."),
        "opt.force": (
            "replace the file if it already exists (never a database, never the --db file)",
            "ersätt filen om den redan finns (aldrig en databas, aldrig filen i --db)"),
        "help.backup.long": (
            """
            The copy is written to a temporary file beside FILE, checked for damage (SQLite's integrity check),
            flushed to disk and moved into place. It never replaces a database, an older backup
            included (not even with --force): write a new name and move it over the old one, as
            Tools/deploy/navetd-backup.service does.
            """,
            """
            Kopian skrivs till en tillfällig fil bredvid FIL, kontrolleras så att den är hel (SQLites integritetskontroll),
            skrivs till disken och flyttas på plats. Den ersätter aldrig en databas, inte heller en
            äldre säkerhetskopia (inte ens med --force): skriv ett nytt namn och flytta det över det
            gamla, som Tools/deploy/navetd-backup.service gör.
            """),
        "help.server.init": (
            "Create a new central store (refuses an existing file).",
            "Skapa ett nytt centrallager (vägrar om filen redan finns)."),
        "help.server.init.long": (
            """
            Creates the central store at --db (default ./navetd.db, or NAVETD_DB) and prints its
            server id. Every other navetd command opens an existing store only, so a mistyped
            --db is an error instead of a new, empty store. Refuses a path where a file exists.
            """,
            """
            Skapar centrallagret i --db (standard ./navetd.db, eller NAVETD_DB) och skriver ut
            dess server-id. Alla andra navetd-kommandon öppnar bara ett befintligt centrallager, så
            en felskriven --db ger ett fel i stället för ett nytt, tomt centrallager. Vägrar om
            det redan finns en fil på sökvägen.
            """),
    ]
}
