/// Why a reply file is refused as stale (Protocol/BUNDLE.md, "Which reply a replica applies").
/// Both are reasons inside "error.refusedBundle" (exit code 4).
enum ReplyOrderStrings {
    static let table: [String: (String, String)] = [
        "bundle.staleReply": (
            "it answers an older upload than this replica's latest (a 'navet export' or 'navet sync' came after the upload it answers). An older reply, imported again or out of order, could bring back data that later replies removed. Import the reply to the file 'navet export' made last; if that reply is lost, run 'navet export' again and bring the new file to the support office.",
            "den svarar på en äldre uppladdning än den senaste från den här lokala databasen ('navet export' eller 'navet sync' kördes efter uppladdningen den svarar på). Ett äldre svar, inläst igen eller i fel ordning, kan ta tillbaka uppgifter som senare svar har tagit bort. Läs in svaret på filen som 'navet export' gjorde senast; om det svaret har kommit bort, kör 'navet export' igen och lämna den nya filen till stödkontoret."),
        "bundle.replyAlreadyApplied": (
            "the reply to this upload was imported already (this file, or another reply to the same upload file). To sync again, run 'navet export' and bring the new file to the support office.",
            "svaret på den här uppladdningsfilen är redan inläst (den här filen eller ett annat svar på samma uppladdningsfil). Kör 'navet export' för att synka igen och lämna den nya filen till stödkontoret."),
        "opt.verifyPurge": (
            "delete what this replica holds and may not hold (held but not allowed), as a redaction would",
            "ta bort det den lokala databasen har men inte får ha, som en rensning gör"),
        "verify.purged": (
            "Deleted {0} {0|change|changes} this replica may not hold, and purged {0|it|them} from the file.",
            "Tog bort {0} {0|ändring|ändringar} som den lokala databasen inte får ha och rensade bort {0|den|dem} ur filen."),
    ]
}
