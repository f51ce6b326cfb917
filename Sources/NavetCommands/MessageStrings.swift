/// Messages about typed text, system errors and the other texts of issue 11's message
/// review, in English and Swedish (merged into `Strings.table`). The Swedish uses the
/// glossary's words.
enum MessageStrings {
    static let table: [String: (String, String)] = [
        "schema.notUTF8": (
            "{0} is not valid UTF-8 text (shown as �): the terminal or file it came from does not use UTF-8. Set the terminal to UTF-8 (for example LANG=sv_SE.UTF-8) or save the file as UTF-8, and type it again.",
            "{0} är inte giltig UTF-8-text (visas som �): terminalen eller filen den kom från använder inte UTF-8. Ställ in terminalen på UTF-8 (till exempel LANG=sv_SE.UTF-8) eller spara filen som UTF-8, och skriv in det igen."),
        "schema.invisibleCharacter": (
            "{0} may not hold the invisible character {1}: it makes two texts that look the same differ. Type the value again without it.",
            "{0} får inte innehålla det osynliga tecknet {1}: det gör att två texter som ser likadana ut blir olika. Skriv in värdet igen utan det."),
        "warning.defaultURL": (
            "warning: no --url was given, so {0} says the server is at http://127.0.0.1:8080, which works only on this computer. Give --url with the address the replica's computer reaches navetd at.",
            "varning: --url angavs inte, så {0} anger servern som http://127.0.0.1:8080, vilket bara fungerar på den här datorn. Ange --url med adressen som den lokala databasens dator når navetd på."),
        "error.emptyValue": ("The value of {0} is empty.", "Värdet för {0} är tomt."),
        "error.emptyPath": ("The value of {0} is empty: give a file name.", "Värdet för {0} är tomt: ange ett filnamn."),
        "error.keepNotFolder": ("{0} is a file, not a folder: give --keep a new or empty folder. Nothing was changed.",
                                "{0} är en fil, inte en mapp: ange en ny eller tom mapp med --keep. Inget har ändrats."),
        "error.keepNotEmpty": ("The folder {0} is not empty: give --keep a new or empty folder. Nothing was changed.",
                               "Mappen {0} är inte tom: ange en ny eller tom mapp med --keep. Inget har ändrats."),
        "error.isCentralStore": (
            "{0} is the support office's central store, not a replica file: navet works on a replica file. Use navetd for the central store ('navetd --db {0} status'), or give navet a replica file with --db.",
            "{0} är stödkontorets centrallager, inte en lokal databas: navet arbetar med en lokal databas. Använd navetd för centrallagret ('navetd --db {0} status') eller ange en lokal databas med --db."),
        "error.isReplicaFile": (
            "{0} is a replica file, not a central store: navetd works on the support office's central store. Use navet for a replica file ('navet --db {0} status'), or give navetd the central store with --db.",
            "{0} är en lokal databas, inte ett centrallager: navetd arbetar med stödkontorets centrallager. Använd navet för en lokal databas ('navet --db {0} status') eller ange centrallagret med --db."),
        "bundle.uploadNotReply": (
            "it is an upload file, made by 'navet export' for the support office, not a reply. Bring it to the support office (they run 'navetd import'), and import the reply file they give back",
            "det är en uppladdningsfil, gjord med 'navet export' för stödkontoret, inte ett svar. Lämna den till stödkontoret (de kör 'navetd import') och läs in svarsfilen du får tillbaka"),
        "error.notNavetServer": (
            "The address {0} does not look like a Navet central store (it answered HTTP {1}, not as navetd does). Check --server, or the url in the enrollment file. Nothing was lost: pending changes stay until the next sync.",
            "Adressen {0} verkar inte vara ett centrallager för Navet (den svarade HTTP {1}, inte som navetd gör). Kontrollera --server eller adressen i registreringsfilen. Inget har gått förlorat: väntande ändringar ligger kvar till nästa synk."),
        "out.alreadyRevoked": ("Replica {0} was already revoked; nothing changed.",
                               "Den lokala databasen {0} var redan spärrad; inget har ändrats."),
        "out.remarks": ("remarks", "anmärkning"),
        "out.noReplicas": ("No replica is enrolled yet. Enroll one with 'navetd replica enroll'.",
                           "Ingen lokal databas är registrerad än. Registrera en med 'navetd replica enroll'."),
        "duration.seconds": ("{0} {0|second|seconds}", "{0} {0|sekund|sekunder}"),
        "duration.minutes": ("{0} {0|minute|minutes}", "{0} {0|minut|minuter}"),
        "duration.hours": ("{0} {0|hour|hours}", "{0} {0|timme|timmar}"),
        "duration.days": ("{0} {0|day|days}", "{0} {0|dag|dagar}"),
        "out.noneSilent": ("No active replica has been silent for longer than {0}.",
                           "Ingen aktiv lokal databas har varit tyst längre än {0}."),
        "error.needsSubcommand": ("'{0}' needs one of its commands: {1}.", "'{0}' behöver ett av sina kommandon: {1}."),
        "error.enrollmentNotBundle": (
            "{0} is an enrollment file, not a bundle; nothing was changed. It enrolls a replica file: 'navet init --enroll {0}' makes a new one, 'navet enroll {0}' enrolls one you have.",
            "{0} är en registreringsfil, inte en överföringsfil; inget har ändrats. Den registrerar en lokal databas: 'navet init --enroll {0}' skapar en ny, 'navet enroll {0}' registrerar en som du redan har."),
        "error.databaseNotBundle": (
            "{0} is a database file (a replica file or a central store), not a bundle; nothing was changed. Bundles are made with 'navet export' (an upload) and 'navetd import' (its reply).",
            "{0} är en databasfil (en lokal databas eller ett centrallager), inte en överföringsfil; inget har ändrats. Överföringsfiler görs med 'navet export' (en uppladdning) och 'navetd import' (svaret på den)."),
        "error.bundleNotEnrollment": (
            "{0} is a bundle (an upload or a reply), not an enrollment file; nothing was changed. A reply is read in with 'navet import'; an enrollment file comes from the support office ('navetd replica enroll').",
            "{0} är en överföringsfil (en uppladdning eller ett svar), inte en registreringsfil; inget har ändrats. Ett svar läses in med 'navet import'; en registreringsfil får du från stödkontoret ('navetd replica enroll')."),
        "error.databaseNotEnrollment": (
            "{0} is a database file (a replica file or a central store), not an enrollment file; nothing was changed. An enrollment file comes from the support office ('navetd replica enroll').",
            "{0} är en databasfil (en lokal databas eller ett centrallager), inte en registreringsfil; inget har ändrats. En registreringsfil får du från stödkontoret ('navetd replica enroll')."),
        "bundle.replyNotUpload": (
            "it is a reply file, made here for a replica, not an upload. Give it to the organisation it was made for: they read it in with 'navet import'",
            "det är en svarsfil, gjord här för en lokal databas, inte en uppladdning. Lämna den till organisationen den gjordes för: de läser in den med 'navet import'"),
        "bundle.unknownSender": (
            "it comes from replica {0}, which is not enrolled at this central store: it was probably made for another central store. Ask the organisation which enrollment file their replica was made from",
            "den kommer från den lokala databasen {0}, som inte är registrerad i det här centrallagret: den gjordes troligen för ett annat centrallager. Fråga organisationen vilken registreringsfil deras lokala databas gjordes med"),
    ]
}
