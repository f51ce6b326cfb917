/// The words of `navet verify` (Protocol/HTTP.md, "Verification").
enum VerifyStrings {
    static let table: [String: (String, String)] = [
        "help.verify": (
            "Check with the central store that this replica holds exactly what it may hold.",
            "Kontrollera mot centrallagret att den lokala databasen har exakt det den får ha."),
        "help.verify.long": (
            "Asks the central store for a digest of what this replica may hold now, per child and confidentiality tag, up to\nthe cursor of its last sync, and compares it with what it holds (changes from others; its own are not\ncompared). Lists per child the missing changes (it may hold them and lacks them) and the extra ones (it\nholds them and may not: a purge not done yet, or a leak), each by record type, field, confidentiality tag and\nthe organisation that wrote it, never the values. Changes nothing, except with --purge: then what it may not\nhold is deleted and purged from the file, as a redaction would. Run 'navet sync' after a difference; if\nchanges held but not allowed remain, run 'navet verify --purge' and tell the support office.\nExit code 0 when equal, 8 on any difference, 6 when the server cannot be reached.",
            "Frågar centrallagret efter en kontrollsumma över vad den lokala databasen får ha nu, per barn och\nsekretessklass, fram till senaste synken, och jämför med vad den har (ändringar från andra; de egna jämförs\ninte). Visar per barn ändringar som saknas (den får ha dem men har dem inte) och ändringar som inte får\nfinnas (den har dem men får inte: en rensning som inte är gjord än, eller en läcka), var och en med\nposttyp, fält, sekretessklass och organisationen som skrev den, aldrig värdena. Ändrar ingenting, utom med\n--purge: då tas det den inte får ha bort och rensas ur filen, som vid en rensning från centrallagret. Kör\n'navet sync' efter en skillnad; om ändringar som inte får finnas är kvar, kör 'navet verify --purge' och\nmeddela stödkontoret.\nFelkod 0 när allt stämmer, 8 vid skillnader, 6 när servern inte nås."),
        "opt.verifyTimeout": (
            "seconds the whole check may take (default 120)",
            "sekunder som hela kontrollen får ta (standard 120)"),
        "verify.equal": (
            "Verified: this replica holds exactly what it may hold ({0} {0|change|changes} from others in {1} {1|scope|scopes} of child and confidentiality tag).",
            "Kontrollerat: den lokala databasen har exakt det den får ha ({0} {0|ändring|ändringar} från andra i {1} {1|kombination|kombinationer} av barn och sekretessklass)."),
        "verify.child": ("Child {0}:", "Barn {0}:"),
        "verify.noChild": ("Without a child this version knows:", "Utan ett barn som den här versionen känner till:"),
        "verify.missing": (
            "  missing: {0}, field {1} ({2}), written by {3}",
            "  saknas: {0}, fältet {1} ({2}), skrivet av {3}"),
        "verify.extra": (
            "  held but not allowed: {0}, field {1} ({2}), written by {3}",
            "  finns men får inte finnas: {0}, fältet {1} ({2}), skrivet av {3}"),
        "error.verifyMissing": (
            "Verification found differences: {0} {0|change|changes} this replica may hold {0|is|are} missing. Run 'navet sync'; if {0|it is|they are} still missing after it, contact the support office.",
            "Kontrollen hittade skillnader: {0} {0|ändring|ändringar} som den lokala databasen får ha saknas. Kör 'navet sync'; om {0|den|de} fortfarande saknas efter det, kontakta stödkontoret."),
        "error.verifyExtra": (
            "Verification found differences: this replica holds {0} {0|change|changes} it may not hold (a purge not done yet, or a leak). Run 'navet sync'; if {0|it remains|they remain}, run 'navet verify --purge' to delete {0|it|them} and tell the support office.",
            "Kontrollen hittade skillnader: den lokala databasen har {0} {0|ändring|ändringar} som den inte får ha (en rensning som inte är gjord än, eller en läcka). Kör 'navet sync'; om {0|den|de} finns kvar, kör 'navet verify --purge' för att ta bort {0|den|dem} och meddela stödkontoret."),
        "error.verifyBoth": (
            "Verification found differences: {0} {0|change|changes} this replica may hold {0|is|are} missing, and it holds {1} {1|change|changes} it may not hold (a purge not done yet, or a leak). Run 'navet sync'; if differences remain, contact the support office ('navet verify --purge' deletes what it may not hold).",
            "Kontrollen hittade skillnader: {0} {0|ändring|ändringar} som den lokala databasen får ha saknas, och den har {1} {1|ändring|ändringar} som den inte får ha (en rensning som inte är gjord än, eller en läcka). Kör 'navet sync'; om skillnader finns kvar, kontakta stödkontoret ('navet verify --purge' tar bort det den inte får ha)."),
        "error.verifyUnreachable": (
            "Could not reach the central store at {0} ({1}). Nothing was changed.",
            "Kunde inte nå centrallagret på {0} ({1}). Inget ändrades."),
        "error.verifyTimedOut": (
            "The central store at {0} did not answer within {1} seconds. Nothing was changed.",
            "Centrallagret på {0} svarade inte inom {1} sekunder. Inget ändrades."),
        "error.verifyRefused": (
            "The central store at {0} refused the check: {1}.",
            "Centrallagret på {0} avvisade kontrollen: {1}."),
    ]
}
